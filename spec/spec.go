package spec

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// File is the name of the embedded spec, used in error messages: the
// current API, every operation of the newest AWS model in the repository,
// which the fake serves and the suite checks by default.
const File = "ivsrealtime.yaml"

// Source is the embedded spec, as written.
//
//go:embed ivsrealtime.yaml
var Source []byte

// File20240620 names the spec of the 2024-06-20 API (the change that added
// individual participant recording), kept as a version of its own: a suite
// generated from it checks what a client written against that API relies on.
const File20240620 = "2024-06-20/ivsrealtime.yaml"

// Source20240620 is the 2024-06-20 spec, as written. It no longer changes,
// which also makes it the fixture the loader's tests edit.
//
//go:embed 2024-06-20/ivsrealtime.yaml
var Source20240620 []byte

// Document is a loaded, validated spec.
type Document struct {
	// Name is the file the spec came from, for error messages.
	Name string
	// OpenAPI is the document as kin-openapi resolves it ($refs followed).
	OpenAPI *openapi3.T
	// Source is the raw text, kept so generated code can embed the very spec it came from.
	Source []byte

	root *yaml.Node
	// ext holds the x-ivsrt-* extensions, decoded once by the check.
	ext map[string]*Extensions
}

// Error is a problem at one place in a spec.
type Error struct {
	File    string
	Pointer string // JSON pointer, e.g. /components/schemas/Stage/properties/arn
	Line    int    // 0 when unknown
	Msg     string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s#%s (line %d): %s", e.File, e.Pointer, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s#%s: %s", e.File, e.Pointer, e.Msg)
}

var embedded = sync.OnceValues(func() (*Document, error) { return Load(File, Source) })

// Embedded returns the spec shipped in this package, loaded once.
func Embedded() (*Document, error) { return embedded() }

// Load parses and validates a spec. name is used in error messages.
func Load(name string, data []byte) (*Document, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &Error{File: name, Pointer: "", Msg: "not valid YAML: " + err.Error()}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, &Error{File: name, Msg: "the document is not a mapping"}
	}
	c := &checker{file: name}
	c.document(root.Content[0])
	if len(c.errs) > 0 {
		return nil, c.joined()
	}

	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, &Error{File: name, Msg: "kin-openapi cannot load it: " + err.Error()}
	}
	if err := doc.Validate(context.Background(), openapi3.EnableSchemaDefaultsValidation()); err != nil {
		return nil, &Error{File: name, Msg: "invalid OpenAPI: " + err.Error()}
	}
	return &Document{Name: name, OpenAPI: doc, Source: data, root: root.Content[0], ext: c.ext}, nil
}

// Keys returns the keys of the mapping at a JSON pointer in the order the spec
// writes them (kin-openapi keeps maps, which lose it). nil if there is none.
func (d *Document) Keys(pointer string) []string {
	n, _ := lookup(d.root, pointer)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	keys := make([]string, 0, len(n.Content)/2)
	for i := 0; i < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
	}
	return keys
}

// Line returns the line of the node at a JSON pointer, 0 if there is none.
// For a member of a mapping it is the line of the member's key, where a
// reader looks for it (a mapping value starts at its own first key).
func (d *Document) Line(pointer string) int {
	_, line := lookup(d.root, pointer)
	return line
}

// Errorf returns an Error at pointer in this document.
func (d *Document) Errorf(pointer, format string, args ...any) *Error {
	return &Error{File: d.Name, Pointer: pointer, Line: d.Line(pointer), Msg: fmt.Sprintf(format, args...)}
}

// lookup finds the node at pointer, and its line: the key's for a mapping
// member, else the node's own.
func lookup(n *yaml.Node, pointer string) (*yaml.Node, int) {
	if pointer == "" {
		return n, n.Line
	}
	line := n.Line
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					next, line = n.Content[i+1], n.Content[i].Line
					break
				}
			}
			if next == nil {
				return nil, 0
			}
			n = next
		case yaml.SequenceNode:
			idx, err := strconv.Atoi(tok)
			if err != nil || idx < 0 || idx >= len(n.Content) || strings.ContainsAny(tok, "+-") {
				return nil, 0
			}
			n = n.Content[idx]
			line = n.Line
		default:
			return nil, 0
		}
	}
	return n, line
}

// Pointer joins JSON pointer tokens, escaping them.
func Pointer(base string, tokens ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}
