package specdiff

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// summary is a report as one line per fact, so a test can state all of
// it: "Op added|removed", "Op side +path", "Op side -path [!]",
// "Op side path keyword old -> new [!]" (! marks breaking: of removed
// members, the top of each removed subtree).
func summary(r *Report) []string {
	var out []string
	for _, op := range r.Operations {
		switch op.Change {
		case ChangeAdded, ChangeRemoved:
			out = append(out, op.Name+" "+op.Change)
		}
		if op.Change != ChangeUpdated {
			continue // its members are listed by TestOperationAdded and TestOperationRemoved
		}
		for _, s := range []struct {
			name string
			side Side
		}{{"request", op.Request}, {"response", op.Response}} {
			for _, p := range s.side.Added {
				out = append(out, fmt.Sprintf("%s %s +%s", op.Name, s.name, p))
			}
			for _, p := range s.side.Removed {
				out = append(out, fmt.Sprintf("%s %s -%s%s", op.Name, s.name, p, mark(s.side.removedRoot(p) == p, " !")))
			}
			for _, c := range s.side.Changed {
				out = append(out, fmt.Sprintf("%s %s %s %s %s -> %s%s", op.Name, s.name, c.Path, c.Keyword, value(c.Old), value(c.New), mark(c.Breaking, " !")))
			}
		}
	}
	return out
}

// TestRecordingChange is the change of 2024-06-20 on the five operations:
// exactly the five, with the members AWS's change log names, nothing
// breaking.
func TestRecordingChange(t *testing.T) {
	r, err := CompareBytes(read(t, "old.yaml"), read(t, "new.yaml"))
	require.NoError(t, err)
	require.Equal(t, []string{
		"CreateStage request +autoParticipantRecordingConfiguration",
		"CreateStage request +autoParticipantRecordingConfiguration.mediaTypes",
		"CreateStage request +autoParticipantRecordingConfiguration.storageConfigurationArn",
		"CreateStage response +stage.autoParticipantRecordingConfiguration",
		"CreateStage response +stage.autoParticipantRecordingConfiguration.mediaTypes",
		"CreateStage response +stage.autoParticipantRecordingConfiguration.storageConfigurationArn",
		"GetParticipant response +participant.recordingS3BucketName",
		"GetParticipant response +participant.recordingS3Prefix",
		"GetParticipant response +participant.recordingState",
		"GetStage response +stage.autoParticipantRecordingConfiguration",
		"GetStage response +stage.autoParticipantRecordingConfiguration.mediaTypes",
		"GetStage response +stage.autoParticipantRecordingConfiguration.storageConfigurationArn",
		"ListParticipants request +filterByRecordingState",
		"ListParticipants response +participants[].recordingState",
		"UpdateStage request +autoParticipantRecordingConfiguration",
		"UpdateStage request +autoParticipantRecordingConfiguration.mediaTypes",
		"UpdateStage request +autoParticipantRecordingConfiguration.storageConfigurationArn",
		"UpdateStage response +stage.autoParticipantRecordingConfiguration",
		"UpdateStage response +stage.autoParticipantRecordingConfiguration.mediaTypes",
		"UpdateStage response +stage.autoParticipantRecordingConfiguration.storageConfigurationArn",
	}, summary(r))
	require.Zero(t, r.Breaking)
	for _, op := range r.Operations {
		require.Equal(t, ChangeUpdated, op.Change)
		require.False(t, op.Breaking)
	}
	require.Equal(t, "Amazon IVS Real-Time", r.Title)
	require.Equal(t, "2024-06-20", r.Version)
}

// TestGolden holds the three formats of the recording change, of its
// reverse (everything removed, so every line breaks), of a mix: an
// operation renamed (one added, one removed), a bound tightened and an enum
// value added, and of removals (a structure and its members, a member of a
// kept structure, a map's values).
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new []byte
	}{
		{"recording", read(t, "old.yaml"), read(t, "new.yaml")},
		{"recording-reversed", read(t, "new.yaml"), read(t, "old.yaml")},
		{"mixed", read(t, "new.yaml"), mixed(t)},
		{"removed", read(t, "removed-old.yaml"), read(t, "removed-new.yaml")},
	} {
		r, err := CompareBytes(tc.old, tc.new)
		require.NoError(t, err)
		goldens(t, tc.name, r)
	}
}

// goldens compares the report's three renderings with testdata/NAME.txt,
// .md and .json, or writes them under -update.
func goldens(t *testing.T, name string, r *Report) {
	t.Helper()
	for _, f := range []struct {
		ext   string
		write func(*bytes.Buffer, *Report) error
	}{
		{"txt", func(b *bytes.Buffer, r *Report) error { return WriteText(b, r) }},
		{"md", func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) }},
		{"json", func(b *bytes.Buffer, r *Report) error { return WriteJSON(b, r) }},
	} {
		var b bytes.Buffer
		require.NoError(t, f.write(&b, r))
		golden := filepath.Join("testdata", name+"."+f.ext)
		if *update {
			require.NoError(t, os.WriteFile(golden, b.Bytes(), 0o644))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "run go test ./spec/specdiff -update to write it")
		require.Equal(t, string(want), b.String(), "%s: run go test ./spec/specdiff -update and review the change", golden)
	}
}

// The repo's two spec versions, as committed: make spec writes them.
var (
	spec2024    = filepath.Join("..", "2024-06-20", "ivsrealtime.yaml")
	specCurrent = filepath.Join("..", "ivsrealtime.yaml")
)

// TestVersionsGolden is ivsrt diff between the repo's two spec versions,
// 2024-06-20 and today's, as a product output: its three renderings are
// golden files. The specs are read as committed, so a make spec that
// changes either one shows up here as a golden diff to review (and to
// commit with go test ./spec/specdiff -update).
func TestVersionsGolden(t *testing.T) {
	old, err := os.ReadFile(spec2024)
	require.NoError(t, err)
	new, err := os.ReadFile(specCurrent)
	require.NoError(t, err)
	r, err := CompareBytes(old, new)
	require.NoError(t, err)
	goldens(t, "2024-06-20-to-current", r)
}

// TestRemovedMembers: removed lists every removed path, a structure and
// each member under it, as added lists a new one's; only the top of each
// removed subtree counts as breaking.
func TestRemovedMembers(t *testing.T) {
	r, err := CompareBytes(read(t, "removed-old.yaml"), read(t, "removed-new.yaml"))
	require.NoError(t, err)
	config := []string{"config", "config.limits", "config.limits.max", "config.limits.min",
		"config.mode", "config.rules", "config.rules[].name", "config.rules[].weight"}
	retry := []string{"options.retry", "options.retry.attempts", "options.retry.backoff"}
	in := func(prefix string, paths ...[]string) []string {
		var out []string
		for _, ps := range paths {
			for _, p := range ps {
				out = append(out, prefix+p)
			}
		}
		return out
	}
	require.Len(t, r.Operations, 1)
	op := r.Operations[0]
	require.Equal(t, in("", config, retry), op.Request.Removed)
	require.Equal(t, in("widget.", config, []string{"labels{}", "labels{}.since", "labels{}.text"}, retry), op.Response.Removed)
	require.Empty(t, op.Request.Added)
	require.Empty(t, op.Response.Added)
	require.Equal(t, []string{"config", "options.retry"}, op.Request.removedRoots)
	require.Equal(t, []string{"widget.config", "widget.labels{}", "widget.options.retry"}, op.Response.removedRoots)
	require.Equal(t, 5, r.Breaking)
	require.True(t, op.Breaking)

	// The reverse adds exactly what was removed.
	back, err := CompareBytes(read(t, "removed-new.yaml"), read(t, "removed-old.yaml"))
	require.NoError(t, err)
	require.Equal(t, op.Request.Removed, back.Operations[0].Request.Added)
	require.Equal(t, op.Response.Removed, back.Operations[0].Response.Added)
	require.Zero(t, back.Breaking)
}

// TestOperationRemoved: a removed operation lists every member of its
// request and response, and counts once.
func TestOperationRemoved(t *testing.T) {
	base := read(t, "new.yaml")
	r, err := CompareBytes(base, edit(t, base, "      operationId: GetStage\n", "      operationId: GetStageGone\n"))
	require.NoError(t, err)
	require.Len(t, r.Operations, 2)
	op := r.Operations[0]
	require.Equal(t, "GetStage", op.Name)
	require.Equal(t, ChangeRemoved, op.Change)
	require.True(t, op.Breaking)
	require.Equal(t, []string{"arn"}, op.Request.Removed)
	require.Equal(t, []string{
		"stage",
		"stage.activeSessionId",
		"stage.arn",
		"stage.autoParticipantRecordingConfiguration",
		"stage.autoParticipantRecordingConfiguration.mediaTypes",
		"stage.autoParticipantRecordingConfiguration.storageConfigurationArn",
		"stage.name",
		"stage.tags",
	}, op.Response.Removed)
	require.Equal(t, 1, r.Breaking)
}

// mixed is new.yaml with GetStage renamed, StageName's maxLength down and
// a capability added.
func mixed(t *testing.T) []byte {
	return edit(t, read(t, "new.yaml"),
		"  /GetStage:\n", "  /GetStageTwin:\n",
		"      operationId: GetStage\n", "      operationId: GetStageTwin\n",
		"    StageName:\n      type: string\n      maxLength: 128\n", "    StageName:\n      type: string\n      maxLength: 12\n",
		"enum: [PUBLISH, SUBSCRIBE]", "enum: [PUBLISH, SUBSCRIBE, ADMIN]",
	)
}

// TestDeterministic: maps are walked in random order; the output may not be.
func TestDeterministic(t *testing.T) {
	old, new := read(t, "new.yaml"), mixed(t)
	var first [3]string
	for i := range 20 {
		r, err := CompareBytes(old, new)
		require.NoError(t, err)
		var out [3]bytes.Buffer
		require.NoError(t, WriteText(&out[0], r))
		require.NoError(t, WriteMarkdown(&out[1], r))
		require.NoError(t, WriteJSON(&out[2], r))
		for j := range out {
			if i == 0 {
				first[j] = out[j].String()
				continue
			}
			require.Equal(t, first[j], out[j].String(), "run %d, format %d", i, j)
		}
	}
}

// edit applies replacements (old, new, old, new, ...) to a spec; each old
// text must occur exactly once, so an edit cannot silently miss.
func edit(t *testing.T, spec []byte, pairs ...string) []byte {
	t.Helper()
	s := string(spec)
	for i := 0; i+1 < len(pairs); i += 2 {
		require.Equal(t, 1, strings.Count(s, pairs[i]), "edit target %q", pairs[i])
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

// TestErrors: a spec that does not load, or names an operation twice, is an
// error that says which spec.
func TestErrors(t *testing.T) {
	good := read(t, "new.yaml")
	_, err := CompareBytes([]byte("openapi: 3.0.3\ninfo: [\n"), good)
	require.ErrorContains(t, err, "old spec: ")
	_, err = CompareBytes(good, []byte("openapi: 3.0.3\n"))
	require.ErrorContains(t, err, "new spec: invalid OpenAPI")
	_, err = CompareBytes(good, edit(t, good, "      operationId: GetStage\n", "      operationId: CreateStage\n"))
	require.ErrorContains(t, err, "new spec: invalid OpenAPI")
	require.ErrorContains(t, err, "same operation id")
}
