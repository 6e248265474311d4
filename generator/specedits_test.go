package generator

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
)

// specEdit is one spec change a team might make: at a JSON pointer into
// spec/ivsrealtime.yaml (after following the $ref there when via is set),
// set each key (a relative pointer; a last segment "-" appends to a list).
type specEdit struct {
	name string
	// via is a member property whose schema is edited: the schema its
	// $ref (or allOf: [$ref]) names, so the edit follows schema renames.
	via string
	// at is edited in place when via is empty.
	at string
	// set maps a pointer relative to the edited schema to its new value.
	set []keyValue
	// tightens: the new suite must fail against the fake of the old spec.
	tightens bool
}

type keyValue struct {
	key   string
	value any
}

// specEdits is the table of pointers; when the spec's schema names change
// (an import of AWS's model, say), repoint it here.
var specEdits = []specEdit{
	{name: "stage-name-maxLength-10", via: "/components/schemas/CreateStageRequest/properties/name",
		set: []keyValue{{"maxLength", 10}}, tightens: true},
	{name: "token-configurations-maxItems-4", at: "/components/schemas/CreateStageRequest/properties/participantTokenConfigurations",
		set: []keyValue{{"maxItems", 4}}, tightens: true},
	{name: "userId-maxLength-12", via: "/components/schemas/ParticipantTokenConfiguration/properties/userId",
		set: []keyValue{{"maxLength", 12}}, tightens: true},
	{name: "duration-maximum-1000", at: "/components/schemas/ParticipantTokenConfiguration/properties/duration",
		set: []keyValue{{"maximum", 1000}}, tightens: true},
	{name: "tags-maxProperties-5-key-maxLength-10", via: "/components/schemas/CreateStageRequest/properties/tags",
		set: []keyValue{{"maxProperties", 5}, {"x-ivsrt-key-length/max", 10}}, tightens: true},
	{name: "thumbnail-mode-enum-adds-ALWAYS", via: "/components/schemas/ParticipantThumbnailConfiguration/properties/recordingMode",
		set: []keyValue{{"enum/-", "ALWAYS"}}},
}

// TestSpecEditsFlowThroughTheSuite is the promise that a spec edit needs no
// hand edit anywhere: for each edit alone, in a copy of the module, it
// regenerates the fake's wire layer and the suite (as make generate does),
// builds ivsrt there and runs the WHOLE suite, hand-written cases
// included, against the regenerated fake: nothing may fail. An edit that
// tightens must also make the new suite fail against the old fake.
func TestSpecEditsFlowThroughTheSuite(t *testing.T) {
	goTool, root := goModule(t, "copies the module and builds ivsrt once per edit")
	start := time.Now()

	// The unedited tree's ivsrt: its generator is what make generate runs
	// (the generator does not change with the spec), and its fake is the old one.
	bin := t.TempDir()
	old := filepath.Join(bin, "ivsrt-old")
	run(t, root, goTool, "build", "-trimpath", "-o", old, "./cmd/ivsrt")
	oldURL := serve(t, old)

	for _, e := range specEdits {
		t.Run(e.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, copyModule(root, dir))
			specPath := filepath.Join(dir, "spec", "ivsrealtime.yaml")
			require.NoError(t, applyEdit(specPath, e))
			run(t, dir, old, "generate", "-spec", "spec/ivsrealtime.yaml", "-out", "fakes/ivsapi", "-package", "ivsapi", "-emit", "fake")
			run(t, dir, old, "generate", "-spec", "spec/ivsrealtime.yaml", "-out", "conformance/ivscases", "-package", "ivscases", "-emit", "suite")
			edited := filepath.Join(dir, "ivsrt-edited")
			run(t, dir, goTool, "build", "-trimpath", "-o", edited, "./cmd/ivsrt")

			out, _ := runMayFail(dir, edited, "conform")
			passed, failed, _ := counts(t, out)
			t.Logf("new suite, new fake: %d passed, %d failed", passed, failed)
			require.Zero(t, failed, "the regenerated suite fails against the regenerated fake:\n%s", out)
			require.Positive(t, passed)

			if e.tightens {
				out, _ := runMayFail(dir, edited, "conform", "-endpoint", oldURL)
				_, failed, _ := counts(t, out)
				t.Logf("new suite, old fake: %d failed", failed)
				require.Positive(t, failed, "the tightened suite passes against the old fake:\n%s", out)
			}
		})
	}
	t.Logf("%d edits in %v", len(specEdits), time.Since(start).Round(time.Second))
}

func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	out, err := runMayFail(dir, name, args...)
	require.NoError(t, err, "%s %s:\n%s", filepath.Base(name), strings.Join(args, " "), out)
	return out
}

func runMayFail(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var countsLine = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed, (\d+) skipped$`)

// counts reads conform's last line: N passed, N failed, N skipped.
func counts(t *testing.T, out string) (passed, failed, skipped int) {
	t.Helper()
	m := countsLine.FindStringSubmatch(out)
	require.NotNil(t, m, "no counts in the output of conform:\n%s", out)
	passed, _ = strconv.Atoi(m[1])
	failed, _ = strconv.Atoi(m[2])
	skipped, _ = strconv.Atoi(m[3])
	return passed, failed, skipped
}

// serve starts `ivsrt serve` on a free port of 127.0.0.1 until the test
// ends, and returns its URL.
func serve(t *testing.T, bin string) string {
	t.Helper()
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-log", "off")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	require.True(t, ok, "ivsrt serve said %q", line)
	return url
}

// copyModule copies the module's tree into dir, without version control,
// node modules and the tests' scratch directories.
func copyModule(root, dir string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && (name == ".git" || name == "node_modules" || strings.HasPrefix(name, "tmp-")) {
			return filepath.SkipDir
		}
		target := filepath.Join(dir, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		}
		return nil // .git files of worktrees, symlinks
	})
}

// applyEdit applies e to the YAML spec at path, through its node tree, so
// everything else (comments included) stays as it was.
func applyEdit(path string, e specEdit) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	root := doc.Content[0]
	ptr := e.at
	if e.via != "" {
		prop, err := nodeAt(root, e.via)
		if err != nil {
			return err
		}
		if ptr, err = refOf(prop); err != nil {
			return fmt.Errorf("%s: %w", e.via, err)
		}
	}
	target, err := nodeAt(root, ptr)
	if err != nil {
		return err
	}
	for _, kv := range e.set {
		if err := setAt(target, strings.Split(kv.key, "/"), kv.value); err != nil {
			return fmt.Errorf("%s/%s: %w", ptr, kv.key, err)
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// refOf is the local pointer a property's $ref, or its allOf's only $ref, names.
func refOf(n *yaml.Node) (string, error) {
	if r := mapValue(n, "$ref"); r != nil {
		return strings.TrimPrefix(r.Value, "#"), nil
	}
	if all := mapValue(n, "allOf"); all != nil && len(all.Content) == 1 {
		return refOf(all.Content[0])
	}
	return "", fmt.Errorf("no $ref to follow")
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// nodeAt follows a JSON pointer from n.
func nodeAt(n *yaml.Node, ptr string) (*yaml.Node, error) {
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			next = mapValue(n, seg)
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			return nil, fmt.Errorf("%s: no %q", ptr, seg)
		}
		n = next
	}
	return n, nil
}

// setAt sets the value at the relative path under n, making mapping keys
// that are missing; "-" as the last segment appends to a sequence.
func setAt(n *yaml.Node, path []string, v any) error {
	var val yaml.Node
	if err := val.Encode(v); err != nil {
		return err
	}
	for i, seg := range path {
		last := i == len(path)-1
		switch {
		case n.Kind == yaml.SequenceNode && seg == "-" && last:
			n.Content = append(n.Content, &val)
			return nil
		case n.Kind == yaml.MappingNode:
			next := mapValue(n, seg)
			if last {
				if next != nil {
					*next = val
				} else {
					n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: seg}, &val)
				}
				return nil
			}
			if next == nil {
				next = &yaml.Node{Kind: yaml.MappingNode}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: seg}, next)
			}
			n = next
		default:
			return fmt.Errorf("cannot set %q in a node of kind %v", seg, n.Kind)
		}
	}
	return nil
}
