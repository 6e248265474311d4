package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/speakeasy-api/openapi-overlay/pkg/overlay"
	"go.yaml.in/yaml/v4"
	yamlv3 "gopkg.in/yaml.v3"

	"github.com/ivsrt/contract/spec"
)

// applyOverlay applies an OpenAPI Overlay 1.0 document to the spec. The
// overlay library works on gopkg.in/yaml.v3 nodes, so the spec crosses over
// as text. Every action must match something: an action that no longer
// finds its target (a shape renamed by AWS) would otherwise drop a rule
// without a word.
func applyOverlay(doc *yaml.Node, data []byte) (*yaml.Node, error) {
	var ov overlay.Overlay
	if err := yamlv3.Unmarshal(data, &ov); err != nil {
		return nil, fmt.Errorf("overlay: not valid YAML: %w", err)
	}
	if err := ov.Validate(); err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	text, err := encode(doc)
	if err != nil {
		return nil, err
	}
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(text, &root); err != nil {
		return nil, err
	}
	if err, _ := ov.ApplyToStrict(&root); err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	text, err = yamlv3.Marshal(&root)
	if err != nil {
		return nil, err
	}
	var out yaml.Node
	if err := yaml.Unmarshal(text, &out); err != nil {
		return nil, err
	}
	if out.Kind != yaml.DocumentNode || len(out.Content) != 1 {
		return nil, fmt.Errorf("overlay: the result is not one document")
	}
	return out.Content[0], nil
}

// normalise makes the spec one that spec.Load accepts and that prints the
// same whatever the overlay's layout: a $ref with siblings other than
// description becomes allOf: [{$ref}] plus those siblings (OpenAPI 3.0
// ignores siblings of $ref), comments are dropped, and every string is
// quoted the same way whatever the overlay wrote: double quotes where YAML
// needs quotes, and always on patterns and identifier templates, whose
// punctuation a reader should not have to parse as YAML.
// operationOrder is the order in which the importer writes an operation's
// keys; orderOperations puts an overlay's additions in it, so the same facts
// give the same bytes whether the model or an overlay stated them.
var operationOrder = []string{"operationId", spec.ExtPaginated, "parameters", "requestBody", "responses"}

// orderOperations sorts the keys of every operation of doc by
// operationOrder; keys it does not name follow, in the order they were.
func orderOperations(doc *yaml.Node) {
	paths := get(doc, "paths")
	if paths == nil {
		return
	}
	for i := 1; i < len(paths.Content); i += 2 {
		item := paths.Content[i]
		for j := 1; j < len(item.Content); j += 2 {
			op := item.Content[j]
			if op.Kind != yaml.MappingNode {
				continue
			}
			type pair struct{ k, v *yaml.Node }
			pairs := make([]pair, 0, len(op.Content)/2)
			for k := 0; k+1 < len(op.Content); k += 2 {
				pairs = append(pairs, pair{op.Content[k], op.Content[k+1]})
			}
			rank := func(p pair) int {
				if r := slices.Index(operationOrder, p.k.Value); r >= 0 {
					return r
				}
				return len(operationOrder)
			}
			slices.SortStableFunc(pairs, func(a, b pair) int { return rank(a) - rank(b) })
			op.Content = op.Content[:0]
			for _, p := range pairs {
				op.Content = append(op.Content, p.k, p.v)
			}
		}
	}
}

func normalise(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	switch n.Kind {
	case yaml.ScalarNode:
		n.Style = quoting(n, false)
	case yaml.MappingNode:
		wrapRef(n)
	}
	for _, c := range n.Content {
		normalise(c)
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, v := n.Content[i].Value, n.Content[i+1]; v.Kind == yaml.ScalarNode && (k == "pattern" || k == spec.ExtIdentifier) {
				v.Style = quoting(v, true)
			}
		}
	}
}

// quoting is the style of a scalar: plain unless it is a string YAML would
// read as something else (or always is true), then double-quoted.
func quoting(n *yaml.Node, always bool) yaml.Style {
	if n.Tag != "!!str" && n.ShortTag() != "!!str" {
		return 0
	}
	if always {
		return yaml.DoubleQuotedStyle
	}
	out, err := yaml.Marshal(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: n.Value})
	if err != nil || len(out) == 0 || out[0] == '\'' || out[0] == '"' {
		return yaml.DoubleQuotedStyle
	}
	return 0
}

func wrapRef(m *yaml.Node) {
	at := -1
	others := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch k := m.Content[i].Value; {
		case k == "$ref":
			at = i
		case k != "description":
			others = true
		}
	}
	if at < 0 || !others || m.Content[at+1].Kind != yaml.ScalarNode || !strings.HasPrefix(m.Content[at+1].Value, "#/") {
		return
	}
	inner := object("$ref", m.Content[at+1])
	m.Content[at] = str("allOf")
	m.Content[at+1] = seq(inner)
}
