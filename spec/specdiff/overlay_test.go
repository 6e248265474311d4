package specdiff

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/spec/importer"
)

// rawImport is today's model imported as make spec imports it, less the
// overlays: what a user gets from ivsrt import without -overlay.
var rawImport = sync.OnceValues(func() ([]byte, error) {
	src, err := importer.Resolve(context.Background(), filepath.Join("..", "models", "ivs-realtime", "service-2.json"))
	if err != nil {
		return nil, err
	}
	return importer.Import(src, importer.Options{Version: "2026-04-08"})
})

func committedAndRaw(t *testing.T) (committed, raw []byte) {
	t.Helper()
	committed, err := os.ReadFile(specCurrent)
	require.NoError(t, err)
	raw, err = rawImport()
	require.NoError(t, err)
	require.Contains(t, string(committed), "  version: \"2026-04-08\"\n", "the raw import has the committed spec's version")
	return committed, raw
}

// TestOverlayWarning: the committed spec against a raw import of the same
// model. The overlays' defaults and corrections show as changes, and every
// format says at its top, in one line, that one side carries overlay facts.
func TestOverlayWarning(t *testing.T) {
	committed, raw := committedAndRaw(t)
	r, err := CompareBytes(committed, raw)
	require.NoError(t, err)

	require.True(t, r.Overlay.Old.Carries)
	require.Equal(t, []string{
		"Amazon IVS Real-Time rules the service model does not state (1.0.0)",
		"Amazon IVS Real-Time rules for what AWS added after 2024-06-20 (1.0.0)",
	}, r.Overlay.Old.Recorded)
	require.False(t, r.Overlay.New.Carries)
	require.Empty(t, r.Overlay.New.Recorded)
	require.Empty(t, r.Overlay.New.Unrecorded)
	require.Equal(t, "Warning: the old spec carries ivsrt overlay facts (overlays: "+
		"Amazon IVS Real-Time rules the service model does not state (1.0.0); "+
		"Amazon IVS Real-Time rules for what AWS added after 2024-06-20 (1.0.0)) and the new spec does not, "+
		"so what the overlays set (defaults, corrected patterns) shows below as changes AWS did not make; "+
		"ivsrt diff -raw compares the models' facts alone.", r.Overlay.Warning)

	// What the overlays set, reported as if AWS had changed it.
	lines := summary(r)
	for _, want := range []string{
		"ListStages request maxResults default 50 -> none",
		"CreateStage request participantTokenConfigurations[].duration default 720 -> none",
		`GetParticipant response participant.recordingS3Prefix pattern "^[a-zA-Z0-9/-]*$" -> "^[a-zA-Z0-9-]*$"`,
		`TagResource request resourceArn pattern "^arn:aws:ivs:[a-z0-9-]+:[0-9]+:[a-z-]+/[a-zA-Z0-9-]+$" -> "^arn:aws:ivs:[a-z0-9-]+:[0-9]+:[a-z-]/[a-zA-Z0-9-]+$" !`,
	} {
		require.Contains(t, lines, want)
	}

	var text, md, js bytes.Buffer
	require.NoError(t, WriteText(&text, r))
	require.NoError(t, WriteMarkdown(&md, r))
	require.NoError(t, WriteJSON(&js, r))
	first, rest, _ := strings.Cut(text.String(), "\n")
	require.Equal(t, r.Overlay.Warning, first)
	require.True(t, strings.HasPrefix(rest, "2026/04/08 - Amazon Interactive Video Service RealTime - "), rest[:80])
	first, rest, _ = strings.Cut(md.String(), "\n")
	require.Equal(t, "> **Warning:** "+strings.TrimPrefix(r.Overlay.Warning, "Warning: "), first)
	require.True(t, strings.HasPrefix(rest, "\n# 2026/04/08 - "), rest[:80])
	var decoded struct {
		Raw     bool `json:"raw"`
		Overlay struct {
			Warning string `json:"warning"`
			Old     struct {
				Carries bool `json:"carries"`
			} `json:"old"`
		} `json:"overlay"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &decoded))
	require.Equal(t, r.Overlay.Warning, decoded.Overlay.Warning)
	require.True(t, decoded.Overlay.Old.Carries)
	require.False(t, decoded.Raw)

	// Either way round.
	back, err := CompareBytes(raw, committed)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(back.Overlay.Warning, "Warning: the new spec carries ivsrt overlay facts (overlays: "), back.Overlay.Warning)
}

// TestRaw: -raw on the same pair compares the models' facts alone: no
// defaults, the corrected patterns back to the model's, so the committed
// spec and the raw import of its model do not differ at all.
func TestRaw(t *testing.T) {
	committed, raw := committedAndRaw(t)
	for _, pair := range [][2][]byte{{committed, raw}, {raw, committed}} {
		r, err := CompareBytesWith(pair[0], pair[1], Options{Raw: true})
		require.NoError(t, err)
		require.True(t, r.Raw)
		require.Empty(t, r.Overlay.Warning, "both sides are the models' facts now")
		require.Empty(t, summary(r))
		require.Empty(t, r.Operations)
		require.Zero(t, r.Breaking)

		var text bytes.Buffer
		require.NoError(t, WriteText(&text, r))
		require.Equal(t, rawLine+"\n2026/04/08 - Amazon Interactive Video Service RealTime - no api method changes\n", text.String())
	}

	// Between the two versions, -raw leaves the models' changes and only
	// them: no default is reported, added or changed.
	old, err := os.ReadFile(spec2024)
	require.NoError(t, err)
	r, err := CompareBytesWith(old, committed, Options{Raw: true})
	require.NoError(t, err)
	plain, err := CompareBytes(old, committed)
	require.NoError(t, err)
	require.Equal(t, len(plain.Operations), len(r.Operations), "the same operations change")
	for _, line := range summary(r) {
		require.NotRegexp(t, regexp.MustCompile(`^\S+ \S+ \S+ default `), line)
	}
}

// TestRawRestoresCorrections: -raw gives a recorded correction's schema
// the model's value, and drops defaults, on a small pair.
func TestRawRestoresCorrections(t *testing.T) {
	base := read(t, "new.yaml")
	record := "  x-ivsrt-overlays:\n    - title: fixture rules\n      version: 1.0.0\n      corrections:\n" +
		"        - pointer: /components/schemas/StageName/pattern\n          model: \"^[a-z]*$\"\n" +
		"        - pointer: /components/schemas/ListParticipantsRequest/properties/maxResults/maximum\n          model: 1000\n" +
		"        - pointer: /components/responses/ValidationException/x-ivsrt-errors\n          model: [X]\n"
	marked := edit(t, base, "x-ivsrt-service:\n", record+"x-ivsrt-service:\n")
	// The other side: the model's values, no defaults.
	model := edit(t, base,
		"    StageName:\n      type: string\n      maxLength: 128\n      pattern: \"^[a-zA-Z0-9-_]*$\"\n", "    StageName:\n      type: string\n      maxLength: 128\n      pattern: \"^[a-z]*$\"\n",
		"          maximum: 100\n          default: 50\n", "          maximum: 1000\n",
		"          default: 720\n", "",
	)

	r, err := CompareBytes(marked, model)
	require.NoError(t, err)
	require.Equal(t, []string{"fixture rules (1.0.0)"}, r.Overlay.Old.Recorded)
	require.True(t, r.Overlay.New.Carries, "x-ivsrt-identifier and the like: unrecorded overlay facts")
	require.Empty(t, r.Overlay.Warning, "both carry overlay facts")
	require.NotEmpty(t, r.Operations)

	r, err = CompareBytesWith(marked, model, Options{Raw: true})
	require.NoError(t, err)
	require.Empty(t, summary(r))
	require.Equal(t, "Warning: the new spec carries overlay facts (x-ivsrt-filters, x-ivsrt-identifier, x-ivsrt-max-total-bytes, x-ivsrt-protocol-errors, x-ivsrt-reset-when) "+
		"but records no overlays (info.x-ivsrt-overlays), so -raw cannot restore the model values they corrected (a pattern, say): re-import it with this ivsrt.",
		r.Overlay.Warning)

	// A correction whose value is not the keyword's is an error.
	_, err = CompareBytesWith(edit(t, marked, "          model: 1000\n", "          model: lots\n"), model, Options{Raw: true})
	require.ErrorContains(t, err, "old spec: info.x-ivsrt-overlays: correction /components/schemas/ListParticipantsRequest/properties/maxResults/maximum: model value lots is not a maximum")
}

// TestUnrecordedOverlay: a spec that records no overlay but has an
// extension only an overlay writes carries overlay facts; against one with
// none, the warning names what was found.
func TestUnrecordedOverlay(t *testing.T) {
	old := read(t, "old.yaml")
	bare := regexp.MustCompile(`(?m)^\s*x-ivsrt-identifier: .*\n`).ReplaceAll(old, nil)
	bare = edit(t, bare,
		"      x-ivsrt-max-total-bytes: 1024\n", "",
		"      x-ivsrt-filters:\n        items: ParticipantSummary\n        match:\n          filterByUserId: userId\n          filterByPublished: published\n          filterByState: state\n", "",
	)
	bare = regexp.MustCompile(`(?s)      x-ivsrt-protocol-errors:\n(        \S+: \d+\n)+`).ReplaceAll(bare, nil)
	r, err := CompareBytes(old, bare)
	require.NoError(t, err)
	require.Empty(t, r.Operations, "extensions are not compared")
	require.Equal(t, SpecOverlays{Carries: true, Recorded: []string{},
		Unrecorded: []string{"x-ivsrt-filters", "x-ivsrt-identifier", "x-ivsrt-max-total-bytes", "x-ivsrt-protocol-errors"}}, r.Overlay.Old)
	require.Equal(t, SpecOverlays{Recorded: []string{}, Unrecorded: []string{}}, r.Overlay.New)
	require.Contains(t, r.Overlay.Warning, "Warning: the old spec carries ivsrt overlay facts (unrecorded: x-ivsrt-filters, x-ivsrt-identifier, x-ivsrt-max-total-bytes, x-ivsrt-protocol-errors) and the new spec does not, so ")
}
