package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fixtures of spec/specdiff: the five operations the day before and
// the day of the recording change.
var (
	before = filepath.Join("..", "..", "spec", "specdiff", "testdata", "old.yaml")
	after  = filepath.Join("..", "..", "spec", "specdiff", "testdata", "new.yaml")
)

func TestDiffExitCodes(t *testing.T) {
	dir := t.TempDir()
	notYAML := filepath.Join(dir, "broken.yaml")
	require.NoError(t, os.WriteFile(notYAML, []byte("openapi: 3.0.3\ninfo: [\n"), 0o644))
	notOpenAPI := filepath.Join(dir, "empty.yaml")
	require.NoError(t, os.WriteFile(notOpenAPI, []byte("openapi: 3.0.3\n"), 0o644))
	missing := filepath.Join(dir, "missing.yaml")

	for _, tc := range []struct {
		args   []string
		code   int
		stderr string // what stderr must hold; "" when it must be empty
	}{
		{[]string{"diff", before, after}, 0, ""},
		{[]string{"diff", "-format", "json", before, after}, 0, ""},
		{[]string{"diff", "-format", "markdown", after, after}, 0, ""},
		{[]string{"diff", after, before}, 1, ""},
		{[]string{"diff"}, 2, "ivsrt diff: give two specs, OLD and NEW"},
		{[]string{"diff", before}, 2, "ivsrt diff: give two specs, OLD and NEW"},
		{[]string{"diff", before, after, after}, 2, "ivsrt diff: give two specs, OLD and NEW"},
		{[]string{"diff", "-format", "yaml", before, after}, 2, `ivsrt diff: -format "yaml": use text, markdown or json`},
		{[]string{"diff", "-nope", before, after}, 2, "ivsrt diff: unknown flag -nope"},
		{[]string{"diff", missing, after}, 2, "ivsrt diff: " + missing + ": no such file"},
		{[]string{"diff", before, notYAML}, 2, "ivsrt diff: " + notYAML + ": "},
		{[]string{"diff", notOpenAPI, after}, 2, "ivsrt diff: " + notOpenAPI + ": invalid OpenAPI"},
	} {
		var out, errb bytes.Buffer
		require.Equal(t, tc.code, run(tc.args, &out, &errb), "ivsrt %v: %s", tc.args, errb.String())
		if tc.stderr == "" {
			require.Empty(t, errb.String(), "ivsrt %v", tc.args)
			require.NotEmpty(t, out.String(), "ivsrt %v", tc.args)
		} else {
			require.Contains(t, errb.String(), tc.stderr, "ivsrt %v", tc.args)
		}
		if strings.Contains(tc.stderr, dir) {
			require.Equal(t, 1, strings.Count(errb.String(), "\n"), "one line naming the file: %q", errb.String())
		}
	}
}

// TestDiffOutput: what the command prints is the package's renderings; the
// JSON has the shape, and the text its header.
func TestDiffOutput(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"diff", "-format", "json", before, after}, &out, &errb), errb.String())
	var got struct {
		Operations []struct {
			Name     string
			Change   string
			Request  map[string]json.RawMessage
			Response map[string]json.RawMessage
			Breaking bool
		}
		Breaking int
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	var names []string
	for _, op := range got.Operations {
		names = append(names, op.Name)
		require.Equal(t, "updated", op.Change)
		for _, side := range []map[string]json.RawMessage{op.Request, op.Response} {
			require.Len(t, side, 3)
			for _, k := range []string{"added", "removed", "changed"} {
				require.Contains(t, side, k)
			}
		}
	}
	require.Equal(t, []string{"CreateStage", "GetParticipant", "GetStage", "ListParticipants", "UpdateStage"}, names)
	require.Zero(t, got.Breaking)

	out.Reset()
	require.Equal(t, 0, run([]string{"diff", before, after}, &out, &errb), errb.String())
	golden, err := os.ReadFile(filepath.Join("..", "..", "spec", "specdiff", "testdata", "recording.txt"))
	require.NoError(t, err)
	require.Equal(t, string(golden), out.String())
	require.True(t, strings.HasPrefix(out.String(), "2024/06/20 - Amazon IVS Real-Time - 5 updated api methods\n"))
}

// TestDiffVersions: ivsrt diff between the repo's two spec versions prints
// the golden files of spec/specdiff (TestVersionsGolden keeps them), and
// exits 1: today's API tightens a request member the 2024-06-20 one left
// open.
func TestDiffVersions(t *testing.T) {
	old := filepath.Join("..", "..", "spec", "2024-06-20", "ivsrealtime.yaml")
	cur := filepath.Join("..", "..", "spec", "ivsrealtime.yaml")
	for format, ext := range map[string]string{"text": "txt", "markdown": "md", "json": "json"} {
		var out, errb bytes.Buffer
		require.Equal(t, 1, run([]string{"diff", "-format", format, old, cur}, &out, &errb), errb.String())
		require.Empty(t, errb.String())
		golden, err := os.ReadFile(filepath.Join("..", "..", "spec", "specdiff", "testdata", "2024-06-20-to-current."+ext))
		require.NoError(t, err)
		require.Equal(t, string(golden), out.String(), format)
	}
}

// TestDiffOverlayAndRaw: the committed spec against ivsrt import of the
// same model without -overlay. The first line of each format says that only
// the committed spec carries overlay facts; -raw compares the models' facts
// alone, and finds nothing.
func TestDiffOverlayAndRaw(t *testing.T) {
	committed := filepath.Join("..", "..", "spec", "ivsrealtime.yaml")
	raw := filepath.Join(t.TempDir(), "raw.yaml")
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"import", "-model", filepath.Join("..", "..", "spec", "models", "ivs-realtime", "service-2.json"), "-version", "2026-04-08", "-o", raw}, &out, &errb), errb.String())

	const warning = "Warning: the old spec carries ivsrt overlay facts (overlays: Amazon IVS Real-Time rules the service model does not state (1.0.0); "
	for format, prefix := range map[string]string{"text": warning, "markdown": "> **Warning:** " + warning[len("Warning: "):], "json": "{\n  \"raw\": false,\n  \"overlay\": {\n    \"warning\": \"" + warning} {
		out.Reset()
		errb.Reset()
		code := run([]string{"diff", "-format", format, committed, raw}, &out, &errb)
		require.Equal(t, 1, code, "the corrected ResourceArn pattern is tighter in the model: %s", errb.String())
		require.True(t, strings.HasPrefix(out.String(), prefix), "%s: %.300s", format, out.String())
		require.Contains(t, out.String(), "default", format)
	}

	out.Reset()
	require.Equal(t, 0, run([]string{"diff", "-raw", committed, raw}, &out, &errb), errb.String())
	require.Equal(t, "Models' facts only (ivsrt diff -raw): no defaults, and the model's own value wherever a spec records an overlay correction (info.x-ivsrt-overlays); extensions are never compared.\n"+
		"2026/04/08 - Amazon Interactive Video Service RealTime - no api method changes\n", out.String())
	out.Reset()
	require.Equal(t, 0, run([]string{"diff", "-raw", "-format", "json", raw, committed}, &out, &errb), errb.String())
	require.True(t, strings.HasPrefix(out.String(), "{\n  \"raw\": true,\n  \"overlay\": {\n    \"warning\": \"\",\n"), out.String())
}
