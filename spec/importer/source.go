package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// SDKModule is the Go module that ships every past AWS service model.
const SDKModule = "github.com/aws/aws-sdk-go"

// ModelPath is where the IVS Real-Time model lies inside SDKModule.
const ModelPath = "models/apis/ivs-realtime/2020-07-14/api-2.json"

// Source is a service model ready to import.
type Source struct {
	// Name says where the model came from, for messages.
	Name string
	// API is the model: an api-2.json (or service-2.json), or a Smithy
	// JSON AST, told apart by its top-level "smithy" key.
	API []byte
	// Paginators is the paginators-1.json beside an api-2.json, nil when
	// there is none; a Smithy model states its own.
	Paginators []byte
	// Version is the date (YYYY-MM-DD, UTC) of the SDK release the model
	// came from; "" for a file, which carries no date.
	Version string
}

var dateRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// ValidVersion reports whether v is a YYYY-MM-DD date, the form info.version takes.
func ValidVersion(v string) bool {
	if !dateRE.MatchString(v) {
		return false
	}
	_, err := time.Parse(time.DateOnly, v)
	return err == nil
}

// Resolve reads a model. source is a file path (.gz accepted; beside an
// api-2.json, a paginators-1.json or paginators-1.json.gz is read too) or
// github.com/aws/aws-sdk-go@VERSION, fetched with `go mod download` into the
// module cache and dated with `go list -m`.
func Resolve(ctx context.Context, source string) (*Source, error) {
	if version, ok := strings.CutPrefix(source, SDKModule+"@"); ok {
		return resolveModule(ctx, version)
	}
	if strings.Contains(source, "@") {
		if _, err := os.Stat(source); err != nil {
			return nil, fmt.Errorf("model %q: only %s@VERSION is a module source; otherwise give a file", source, SDKModule)
		}
	}
	api, err := readMaybeGzip(source)
	if err != nil {
		return nil, err
	}
	src := &Source{Name: source, API: api}
	if isSmithy(api) {
		return src, nil
	}
	dir := filepath.Dir(source)
	for _, name := range []string{"paginators-1.json", "paginators-1.json.gz"} {
		pag, err := readMaybeGzip(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		src.Paginators = pag
		break
	}
	return src, nil
}

func readMaybeGzip(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

func resolveModule(ctx context.Context, version string) (*Source, error) {
	mod := SDKModule + "@" + version
	var dl struct {
		Dir   string
		Error string
	}
	err := goJSON(ctx, &dl, "mod", "download", "-json", mod)
	if dl.Error != "" {
		err = fmt.Errorf("go mod download %s: %s", mod, dl.Error)
	}
	if err != nil {
		return nil, withNewerModels(err, version)
	}
	var info struct {
		Version string
		Time    *time.Time
	}
	if err := goJSON(ctx, &info, "list", "-m", "-json", mod); err != nil {
		return nil, err
	}
	if info.Time == nil {
		return nil, fmt.Errorf("go list -m %s: no release time", mod)
	}
	src, err := Resolve(ctx, filepath.Join(dl.Dir, filepath.FromSlash(ModelPath)))
	if err != nil {
		return nil, err
	}
	src.Name = mod
	src.Version = info.Time.UTC().Format(time.DateOnly)
	return src, nil
}

// goJSON runs the go command outside any module (so this module's go.mod is
// neither read nor changed) and decodes its -json output into v.
func goJSON(ctx context.Context, v any, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GO111MODULE=on", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	if len(bytes.TrimSpace(out)) > 0 {
		if err := json.Unmarshal(out, v); err != nil {
			return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
		}
	}
	if runErr != nil {
		return fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), runErr, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// lastSDK is the last release of SDKModule: aws-sdk-go reached its end of
// support, and its models stop there.
const lastSDK = "v1.55.8"

// newerModels says where models newer than lastSDK's are.
const newerModels = "aws-sdk-go's last release is " + lastSDK + " (2025-07-31, 31 IVS Real-Time operations); " +
	"today's model is in botocore (data/ivs-realtime/2020-07-14/service-2.json.gz) or, as Smithy JSON, " +
	"in aws/aws-sdk-go-v2 (codegen/sdk-codegen/aws-models/ivs-realtime.json) and aws/api-models-aws"

// noSuchVersion matches what go mod download says of a version the proxy
// does not have.
var noSuchVersion = regexp.MustCompile(`unknown revision|invalid version|no matching versions|not found|404|410 Gone|not available`)

// withNewerModels adds a last line saying where newer models are to the
// error fetching an SDKModule release, when that release does not exist or
// would be past lastSDK.
func withNewerModels(err error, version string) error {
	if noSuchVersion.MatchString(err.Error()) || pastLastSDK(version) {
		return fmt.Errorf("%w\n%s", err, newerModels)
	}
	return err
}

var semverRE = regexp.MustCompile(`^v([0-9]+)\.([0-9]+)\.([0-9]+)`)

// pastLastSDK reports whether a vX.Y.Z version (pre-release or
// pseudo-version suffixes aside) has a higher number than lastSDK.
func pastLastSDK(version string) bool {
	v, last := semverRE.FindStringSubmatch(version), semverRE.FindStringSubmatch(lastSDK)
	if v == nil {
		return false
	}
	for i := 1; i <= 3; i++ {
		a, _ := strconv.Atoi(v[i])
		b, _ := strconv.Atoi(last[i])
		if a != b {
			return a > b
		}
	}
	return false
}
