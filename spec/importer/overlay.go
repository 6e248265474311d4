package importer

import (
	"fmt"
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
