package generator

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/generator/model"
	"github.com/ivsrt/contract/spec"
	"github.com/ivsrt/contract/spec/importer"
)

// addedOperation is the operation TestAddingAnOperation makes AWS add to
// its model: made up, so no release of the model ever has it.
const addedOperation = "GetEncoderConfigurationSummary"

// addedToModel is that operation and its shapes, written into the kept
// model as AWS would write them (api-2 form), beside GetEncoderConfiguration.
var addedToModel = map[string]string{
	`  "operations": {` + "\n": `    "GetEncoderConfigurationSummary": {
      "name": "GetEncoderConfigurationSummary",
      "http": {"method": "POST", "requestUri": "/GetEncoderConfigurationSummary", "responseCode": 200},
      "input": {"shape": "GetEncoderConfigurationSummaryRequest"},
      "output": {"shape": "GetEncoderConfigurationSummaryResponse"},
      "errors": [{"shape": "ResourceNotFoundException"}, {"shape": "ValidationException"}, {"shape": "AccessDeniedException"}]
    },
`,
	`  "shapes": {` + "\n": `    "GetEncoderConfigurationSummaryRequest": {"type": "structure", "required": ["arn"], "members": {"arn": {"shape": "EncoderConfigurationArn"}}},
    "GetEncoderConfigurationSummaryResponse": {"type": "structure", "members": {"summary": {"shape": "EncoderConfigurationSummary"}}},
`,
}

// TestAddingAnOperation is the promise that the next AWS change is one
// import and one regeneration away: in a copy of the module, AWS's model
// (the kept model, SPEC_MODEL) gains an operation, and make spec generate
// takes it in; then everything builds, vets and passes its tests with no
// other edit, and the fake answers the new operation over HTTP with 501
// NotImplementedException naming it (the hand-written backends embed the
// generated UnimplementedBackend). It takes minutes: it runs when
// IVSRT_TEST_ALL=1 (make test-all).
func TestAddingAnOperation(t *testing.T) {
	heavyTest(t, "copies the module, regenerates it with one more operation and runs its tests")
	for _, tool := range []string{"git", "go", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s: %v", tool, err)
		}
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	require.NotContains(t, operationsOf(t, "../spec/ivsrealtime.yaml", nil), addedOperation)
	makefile, err := os.ReadFile("../Makefile")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^SPEC_MODEL := (\S+)$`).FindSubmatch(makefile)
	require.NotNil(t, m, "the Makefile has no SPEC_MODEL")
	modelPath := string(m[1])

	// A copy of what git tracks, as the working tree has it.
	dir := filepath.Join(t.TempDir(), "contract")
	files, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	require.NoError(t, err)
	for _, name := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the working tree, not yet in git
		}
		require.NoError(t, err)
		info, err := os.Stat(filepath.Join(root, name))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, info.Mode().Perm()))
	}

	// AWS's change: the model gains the operation.
	data, err := os.ReadFile(filepath.Join(dir, modelPath))
	require.NoError(t, err)
	edited := string(data)
	for at, add := range addedToModel {
		require.Equal(t, 1, strings.Count(edited, at), "the model has one %q", at)
		edited = strings.Replace(edited, at, at+add, 1)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, modelPath), []byte(edited), 0o644))
	src, err := importer.Resolve(context.Background(), filepath.Join(dir, modelPath))
	require.NoError(t, err)
	all, err := importer.Import(src, importer.Options{Version: "2026-01-01"})
	require.NoError(t, err)
	require.Contains(t, operationsOf(t, "model.yaml", all), addedOperation)

	// The copy's own tests see no IVSRT_TEST_ALL, or they would run this
	// test again, in a copy of the copy.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "IVSRT_TEST_ALL=") })
	run := func(in string, name string, args ...string) {
		t.Helper()
		start := time.Now()
		cmd := exec.Command(name, args...)
		cmd.Dir = filepath.Join(dir, in)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %s (in %s):\n%s", name, strings.Join(args, " "), in, out)
		t.Logf("%s %s (in %s): %s", name, strings.Join(args, " "), in, time.Since(start).Round(time.Second))
	}
	run(".", "make", "spec", "generate")
	require.Contains(t, operationsOf(t, filepath.Join(dir, "spec/ivsrealtime.yaml"), nil), addedOperation)
	run(".", "go", "build", "./...")
	run(".", "go", "vet", "./...")
	run(".", "go", "test", "-count=1", "./...")
	run("examples/downstream", "go", "vet", "./...")
	run("examples/downstream", "go", "test", "-count=1", "./...")

	// The copy's fake answers the new operation in AWS's form. No SDK
	// knows a made-up operation: plain HTTP, as its route says.
	bin := filepath.Join(t.TempDir(), "ivsrt")
	run(".", "go", "build", "-o", bin, "./cmd/ivsrt")
	url := serve(t, bin)
	resp, err := http.Post(url+"/"+addedOperation, "application/json",
		strings.NewReader(`{"arn":"arn:aws:ivs:us-east-1:123456789012:encoder-configuration/abcdABCD1234"}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotImplemented, resp.StatusCode, "%s", body)
	require.Equal(t, "NotImplementedException", resp.Header.Get("x-amzn-ErrorType"))
	require.Contains(t, string(body), addedOperation)
}

// operationsOf lists the operations of the spec in data, or in the file
// at path when data is nil.
func operationsOf(t *testing.T, path string, data []byte) []string {
	t.Helper()
	if data == nil {
		var err error
		data, err = os.ReadFile(path)
		require.NoError(t, err)
	}
	doc, err := spec.Load(filepath.Base(path), data)
	require.NoError(t, err)
	svc, err := model.Build(doc)
	require.NoError(t, err)
	var out []string
	for _, op := range svc.Operations {
		out = append(out, op.Name)
	}
	return out
}
