package importer

import (
	"fmt"
	"reflect"

	"github.com/speakeasy-api/openapi-overlay/pkg/overlay"
	"go.yaml.in/yaml/v4"
	yamlv3 "gopkg.in/yaml.v3"

	"github.com/ivsrt/contract/spec"
)

// applyOverlays applies the overlays in order and, when there is one,
// records them in the spec as info.x-ivsrt-overlays (spec.ExtOverlays): the
// title and version of each, and the model facts each one replaced or
// removed, as corrections: the JSON pointer of the value and the value the
// model gave. What an overlay adds (a default, an x-ivsrt-* rule, a
// response) is not listed: it is not a model fact, and ivsrt diff -raw
// drops defaults and the overlay-only extensions by their names. A spec
// without the marker was imported without an overlay.
func applyOverlays(doc *yaml.Node, overlays [][]byte) (*yaml.Node, error) {
	if len(overlays) == 0 {
		return doc, nil
	}
	// Copies: encoding a node (as applyOverlay does) may rewrite its tags.
	model := clone(doc)
	applied := seq()
	for _, data := range overlays {
		var ov overlay.Overlay
		if err := yamlv3.Unmarshal(data, &ov); err != nil {
			return nil, fmt.Errorf("overlay: not valid YAML: %w", err)
		}
		before := clone(doc)
		var err error
		if doc, err = applyOverlay(doc, data); err != nil {
			return nil, err
		}
		entry := object("title", str(ov.Info.Title), "version", str(ov.Info.Version))
		var fixes []*yaml.Node
		corrections(model, before, doc, "", &fixes)
		if len(fixes) > 0 {
			set(entry, "corrections", seq(fixes...))
		}
		applied.Content = append(applied.Content, entry)
	}
	info := get(doc, "info")
	if info == nil || info.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("overlay: the spec has no info to record the overlays in")
	}
	set(info, spec.ExtOverlays, applied)
	return doc, nil
}

// corrections lists, under pointer p, the values the model gave (model)
// that were still the model's before an overlay (before) and that the
// overlay changed or removed (after). Mappings are compared key by key, so
// a correction names the one value that changed. Prose (description,
// summary) is not a fact, and is left out.
func corrections(model, before, after *yaml.Node, p string, out *[]*yaml.Node) {
	if model.Kind != yaml.MappingNode || before == nil || before.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(model.Content); i += 2 {
		key, mv := model.Content[i].Value, model.Content[i+1]
		if key == "description" || key == "summary" {
			continue
		}
		bv, av := get(before, key), get(after, key)
		if bv == nil || !same(mv, bv) && mv.Kind != yaml.MappingNode {
			continue // an earlier overlay changed it already
		}
		kp := spec.Pointer(p, key)
		switch {
		case av != nil && mv.Kind == yaml.MappingNode && av.Kind == yaml.MappingNode:
			corrections(mv, bv, av, kp, out)
		case av == nil || !same(mv, av):
			*out = append(*out, object("pointer", str(kp), "model", clone(mv)))
		}
	}
}

// same reports whether two nodes hold the same value, whatever their style
// or tags.
func same(a, b *yaml.Node) bool {
	var x, y any
	if a.Decode(&x) != nil || b.Decode(&y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// clone is a deep copy of a node.
func clone(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = clone(k)
	}
	return &c
}
