package importer

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/spec"
)

// The overlays of TestImportRecordsOverlays: the first replaces a pattern,
// appends to an enum, removes a bound, and adds what the model cannot state
// (a default, an identifier format, prose); the second changes the pattern
// the first corrected (no model value any more) and replaces one more.
const (
	firstOverlay = `overlay: 1.0.0
info: {title: widget rules, version: 1.2.0}
actions:
  - target: $.components.schemas.WidgetName
    description: the service takes capitals
    update:
      pattern: "^[a-zA-Z]*$"
  - target: $.components.schemas.Kind
    description: overlays append to lists
    update:
      enum: [HUGE]
  - target: $.components.schemas.WidgetArn.maxLength
    description: no bound
    remove: true
  - target: $.components.schemas.PutWidgetRequest.properties.count
    description: a default
    update:
      default: 3
  - target: $.components.schemas.WidgetArn
    description: an identifier format
    update:
      x-ivsrt-identifier: "arn:w:{alnum:4}"
      description: prose is not a fact
`
	secondOverlay = `overlay: 1.0.0
info: {title: later rules, version: 2.0.0}
actions:
  - target: $.components.schemas.WidgetName
    description: the first overlay's correction, corrected again
    update:
      pattern: "^[a-zA-Z0-9]*$"
  - target: $.components.schemas.SecretName
    description: a longer name
    update:
      maxLength: 16
`
)

// TestImportRecordsOverlays: an import with overlays records them in
// info.x-ivsrt-overlays, with the model values each replaced or removed
// (not what it added), and spec.Load decodes the record; an import without
// an overlay has none.
func TestImportRecordsOverlays(t *testing.T) {
	src, err := Resolve(context.Background(), small)
	require.NoError(t, err)
	first := []byte(firstOverlay)

	doc := importSmall(t, Options{Overlays: [][]byte{first, []byte(secondOverlay)}})
	require.Equal(t, []any{
		map[string]any{"title": "widget rules", "version": "1.2.0", "corrections": []any{
			map[string]any{"pointer": "/components/schemas/Kind/enum", "model": []any{"SMALL", "LARGE"}},
			map[string]any{"pointer": "/components/schemas/WidgetArn/maxLength", "model": 64},
			map[string]any{"pointer": "/components/schemas/WidgetName/pattern", "model": "^[a-z]*$"},
		}},
		map[string]any{"title": "later rules", "version": "2.0.0", "corrections": []any{
			map[string]any{"pointer": "/components/schemas/SecretName/maxLength", "model": 8},
		}},
	}, at(t, doc, "info", spec.ExtOverlays))

	out, err := Import(src, Options{Version: "2021-02-03", Overlays: [][]byte{first, []byte(secondOverlay)}})
	require.NoError(t, err)
	d, err := spec.Load("marked.yaml", out)
	require.NoError(t, err)
	ovs := d.Extensions("/info").Overlays
	require.Len(t, ovs, 2)
	require.Equal(t, "widget rules", ovs[0].Title)
	require.Equal(t, "1.2.0", ovs[0].Version)
	require.Equal(t, spec.Correction{Pointer: "/components/schemas/WidgetArn/maxLength", Model: 64}, ovs[0].Corrections[1])
	require.Empty(t, d.Extensions("").Overlays, "info's, not the document's")

	raw := importSmall(t, Options{})
	require.NotContains(t, raw["info"], spec.ExtOverlays, "no overlay, no marker")
	plain, err := Import(src, Options{Version: "2021-02-03", Overlay: []byte(`overlay: 1.0.0
info: {title: adds only, version: 1.0.0}
actions:
  - target: $.components.schemas.Kind
    update: {x-ivsrt-identifier: "k{alnum:2}"}
`)})
	require.NoError(t, err)
	require.Contains(t, string(plain), "  x-ivsrt-overlays:\n    - title: adds only\n      version: 1.0.0\n",
		"an overlay that only adds is recorded without corrections")
}
