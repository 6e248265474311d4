package generator

import (
	"bufio"
	"bytes"
	"encoding/json"
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

	"github.com/stretchr/testify/assert"
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
//
// Each limit is set to the smallest value the suite's own cases allow,
// the cases of the hand-written behaviour included, so that a count one
// of them wrote down instead of taking from the Contract shows: at that
// value the regenerated suite must still pass against the regenerated
// fake. The comment of each says what sets that value.
var specEdits = []specEdit{
	// 1: the partial-update cases need two distinct non-empty stage
	// names, and one-character names are plenty (at 0 only "" is a name,
	// and the generator refuses the spec: no name of no characters breaks
	// the name's pattern).
	{name: "stage-name-maxLength-1", via: "/components/schemas/CreateStageRequest/properties/name",
		set: []keyValue{{"maxLength", 1}}, tightens: true},
	// 1: one CreateStage issues one token; the setup seeds the rest of
	// its 30 participants, and each case the rest of its own, with
	// CreateParticipantToken (at 0 the generated cases of a token
	// configuration's members have no configuration to hold their value,
	// and the cases of CreateStage's tokens no token).
	{name: "token-configurations-maxItems-1", at: "/components/schemas/CreateStageRequest/properties/participantTokenConfigurations",
		set: []keyValue{{"maxItems", 1}}, tightens: true},
	// 2: the seeded session shares seven user ids (seedUsers), and the
	// user id filter cases need ids with a valid prefix that is not itself
	// present: of two characters there are enough; of one, the prefix is
	// "" and ListParticipants/behaviour/filterByUserId/prefix-matches-nothing
	// skips.
	{name: "userId-maxLength-2", via: "/components/schemas/ParticipantTokenConfiguration/properties/userId",
		set: []keyValue{{"maxLength", 2}}, tightens: true},
	// 720: the default duration must itself be allowed (at 719 the spec
	// is invalid: its default breaks its maximum); the cases of a token's
	// longest duration then ask for the default, the others for a sample
	// of the contract below it.
	{name: "duration-maximum-720", at: "/components/schemas/ParticipantTokenConfiguration/properties/duration",
		set: []keyValue{{"maximum", 720}}, tightens: true},
	// 3 tags: the run tag and the two keys the case-sensitivity and
	// several-keys untag cases add to a stage that holds the run tag only
	// (at 2 those skip; at 1 the tag-sharing case skips too). Keys of 1
	// character: the run tag and the case tag then get keys of one
	// character too, and the tag cases keys of the contract's samples.
	{name: "tags-maxProperties-3-key-maxLength-1", via: "/components/schemas/CreateStageRequest/properties/tags",
		set: []keyValue{{"maxProperties", 3}, {"x-ivsrt-key-length/max", 1}}, tightens: true},
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
	heavyTest(t, "copies the module, regenerates it and runs the whole suite once per spec edit")
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

			report := filepath.Join(dir, "report.json")
			out, _ := runMayFail(dir, edited, "conform", "-json", report)
			passed, failed, skipped := counts(t, out)
			t.Logf("new suite, new fake: %d passed, %d failed, %d skipped", passed, failed, skipped)
			require.Zero(t, failed, "the regenerated suite fails against the regenerated fake:\n%s", out)
			require.Positive(t, passed)
			// At the smallest value the cases allow, none of them gives up
			// either: the only skips are those of the operations the fake
			// does not implement.
			for _, res := range reportResults(t, report) {
				if res.Status == "skip" {
					assert.True(t, strings.HasPrefix(res.Reason, "the target does not implement "), "%s is skipped: %s", res.Name, res.Reason)
				}
			}

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

// reportResults reads the results of conform's JSON report.
func reportResults(t *testing.T, path string) []struct{ Name, Status, Reason string } {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct {
		Results []struct{ Name, Status, Reason string }
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	require.NotEmpty(t, doc.Results)
	return doc.Results
}

var countsLine = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed, (\d+) blocked, (\d+) skipped$`)

// counts reads conform's last line: N passed, N failed, N blocked, N
// skipped; failed counts the blocked cases too (they did not pass).
func counts(t *testing.T, out string) (passed, failed, skipped int) {
	t.Helper()
	m := countsLine.FindStringSubmatch(out)
	require.NotNil(t, m, "no counts in the output of conform:\n%s", out)
	passed, _ = strconv.Atoi(m[1])
	failed, _ = strconv.Atoi(m[2])
	blocked, _ := strconv.Atoi(m[3])
	skipped, _ = strconv.Atoi(m[4])
	return passed, failed + blocked, skipped
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
