package spec

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// checker walks the raw YAML and refuses what the generator does not handle.
// It checks where keywords and extensions may stand and the shape of each
// extension's value; the generator's model builder relies on both.
type checker struct {
	file string
	errs []error
	// operationIDs maps each operationId to the pointer of its first use:
	// operationIds name Go identifiers, so they must be unique.
	operationIDs map[string]string
	// ext holds the extensions decoded so far, by the pointer of the
	// object that carries them.
	ext map[string]*Extensions
}

// extensions returns the decoded extensions of the object at p, noting
// that it carries name.
func (c *checker) extensions(p, name string) *Extensions {
	if c.ext == nil {
		c.ext = map[string]*Extensions{}
	}
	e := c.ext[p]
	if e == nil {
		e = &Extensions{}
		c.ext[p] = e
	}
	e.Names = append(e.Names, name)
	return e
}

func (c *checker) errorf(n *yaml.Node, pointer, format string, args ...any) {
	e := &Error{File: c.file, Pointer: pointer, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line = n.Line
	}
	c.errs = append(c.errs, e)
}

func (c *checker) joined() error { return errors.Join(c.errs...) }

type entry struct {
	key  string
	node *yaml.Node // the value
	line int
}

// entries lists a mapping's keys and values; any other node is an error.
func (c *checker) entries(n *yaml.Node, pointer, what string) []entry {
	if n.Kind != yaml.MappingNode {
		c.errorf(n, pointer, "%s must be a mapping", what)
		return nil
	}
	out := make([]entry, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, entry{key: n.Content[i].Value, node: n.Content[i+1], line: n.Content[i].Line})
	}
	return out
}

func (c *checker) unsupported(e entry, pointer, where string) {
	kind := "keyword"
	if strings.HasPrefix(e.key, "x-") {
		kind = "extension"
	}
	c.errs = append(c.errs, &Error{File: c.file, Pointer: Pointer(pointer, e.key), Line: e.line,
		Msg: fmt.Sprintf("unsupported %s %q in %s: the generator does not handle it", kind, e.key, where)})
}

func (c *checker) document(root *yaml.Node) {
	for _, e := range c.entries(root, "", "the document") {
		p := Pointer("", e.key)
		switch e.key {
		case "openapi":
			if !strings.HasPrefix(e.node.Value, "3.0.") && !strings.HasPrefix(e.node.Value, "3.1.") {
				c.errorf(e.node, p, "openapi %q: only 3.0.x and 3.1.x are supported", e.node.Value)
			}
		case "info":
			c.info(e.node, p)
		case "servers":
		case ExtService:
			c.extensions("", e.key).Service = c.service(e.node, p)
		case "paths":
			for _, pe := range c.entries(e.node, p, "paths") {
				c.path(pe, Pointer(p, pe.key))
			}
		case "components":
			c.components(e.node, p)
		default:
			c.unsupported(e, "", "the document")
		}
	}
}

func (c *checker) service(n *yaml.Node, p string) *Service {
	var s Service
	fields := map[string]*string{"signingName": &s.SigningName, "serviceId": &s.ServiceID, "modelVersion": &s.ModelVersion, "endpoint": &s.Endpoint}
	for _, e := range c.entries(n, p, ExtService) {
		switch f := fields[e.key]; {
		case e.key == "protocol":
			if e.node.Value != "restJson1" {
				c.errorf(e.node, Pointer(p, e.key), "protocol %q: only restJson1 is supported", e.node.Value)
			}
			s.Protocol = e.node.Value
		case f != nil:
			c.scalar(e, p)
			*f = e.node.Value
		default:
			c.unsupported(e, p, ExtService)
		}
	}
	return &s
}

// info checks the one extension info may carry, x-ivsrt-overlays; the
// rest of info is prose and versions, which the generator does not read.
func (c *checker) info(n *yaml.Node, p string) {
	for _, e := range c.entries(n, p, "info") {
		if e.key != ExtOverlays {
			continue
		}
		ep := Pointer(p, e.key)
		x := c.extensions(p, e.key)
		if e.node.Kind != yaml.SequenceNode || len(e.node.Content) == 0 {
			c.errorf(e.node, ep, "%s must list the overlays applied", e.key)
			continue
		}
		for i, on := range e.node.Content {
			op := Pointer(ep, strconv.Itoa(i))
			var ov AppliedOverlay
			for _, oe := range c.entries(on, op, ExtOverlays+" item") {
				switch oe.key {
				case "title":
					c.scalar(oe, op)
					ov.Title = oe.node.Value
				case "version":
					c.scalar(oe, op)
					ov.Version = oe.node.Value
				case "corrections":
					ov.Corrections = c.corrections(oe.node, Pointer(op, oe.key))
				default:
					c.unsupported(oe, op, ExtOverlays)
				}
			}
			if ov.Title == "" {
				c.errorf(on, op, "an applied overlay needs its title")
			}
			x.Overlays = append(x.Overlays, ov)
		}
	}
}

// corrections checks an applied overlay's corrections: each the JSON
// pointer of a value the overlay replaced and the model's value.
func (c *checker) corrections(n *yaml.Node, p string) []Correction {
	if n.Kind != yaml.SequenceNode {
		c.errorf(n, p, "corrections must be a list of {pointer, model}")
		return nil
	}
	var out []Correction
	for i, cn := range n.Content {
		cp := Pointer(p, strconv.Itoa(i))
		var fix Correction
		var model *yaml.Node
		for _, ce := range c.entries(cn, cp, "a correction") {
			switch ce.key {
			case "pointer":
				if ce.node.Kind != yaml.ScalarNode || !strings.HasPrefix(ce.node.Value, "/") {
					c.errorf(ce.node, Pointer(cp, ce.key), "pointer must be a JSON pointer (/components/...)")
				}
				fix.Pointer = ce.node.Value
			case "model":
				model = ce.node
			default:
				c.unsupported(ce, cp, "a correction")
			}
		}
		if fix.Pointer == "" || model == nil {
			c.errorf(cn, cp, "a correction needs a pointer and the model's value")
			continue
		}
		if err := model.Decode(&fix.Model); err != nil {
			c.errorf(model, Pointer(cp, "model"), "model: %v", err)
		}
		out = append(out, fix)
	}
	return out
}

// methods are the path item keys that hold an operation.
var methods = []string{"get", "post", "put", "delete", "patch"}

var (
	labelSegment   = regexp.MustCompile(`^\{([A-Za-z][A-Za-z0-9]*)\}$`)
	literalSegment = regexp.MustCompile(`^[A-Za-z0-9._~!$&'()*+,;=:@-]+$`)
)

// pathLabels splits a path template into its {label} names; ok is false
// when a segment is neither literal text nor one whole label (greedy
// labels, query strings and labels inside text are not handled).
func pathLabels(path string) (labels []string, ok bool) {
	if !strings.HasPrefix(path, "/") {
		return nil, false
	}
	if path == "/" {
		return nil, true
	}
	for _, seg := range strings.Split(path[1:], "/") {
		if m := labelSegment.FindStringSubmatch(seg); m != nil {
			if slices.Contains(labels, m[1]) {
				return nil, false
			}
			labels = append(labels, m[1])
			continue
		}
		if !literalSegment.MatchString(seg) {
			return nil, false
		}
	}
	return labels, true
}

func (c *checker) path(pe entry, p string) {
	labels, ok := pathLabels(pe.key)
	if !ok {
		c.errorf(pe.node, p, "path %q: every segment must be literal text or one whole {label}, each label once", pe.key)
	}
	for _, e := range c.entries(pe.node, p, "a path item") {
		if !slices.Contains(methods, e.key) {
			c.unsupported(e, p, "a path item (only get, post, put, delete and patch)")
			continue
		}
		c.operation(e.node, Pointer(p, e.key), labels)
	}
}

func (c *checker) operation(n *yaml.Node, p string, labels []string) {
	var pathParams []string
	for _, e := range c.entries(n, p, "an operation") {
		ep := Pointer(p, e.key)
		switch e.key {
		case "operationId":
			switch first, dup := c.operationIDs[e.node.Value]; {
			case e.node.Kind != yaml.ScalarNode || !isIdent(e.node.Value):
				c.errorf(e.node, ep, "operationId %q is not an identifier", e.node.Value)
			case dup:
				c.errorf(e.node, ep, "operationId %q is already used at %s", e.node.Value, first)
			default:
				if c.operationIDs == nil {
					c.operationIDs = map[string]string{}
				}
				c.operationIDs[e.node.Value] = ep
			}
		case "summary", "description":
		case "parameters":
			pathParams = c.parameters(e.node, ep, labels)
		case "requestBody":
			c.requestBody(e.node, ep)
		case "responses":
			for _, re := range c.entries(e.node, ep, "responses") {
				if re.key != "default" && !regexp.MustCompile(`^[1-5][0-9][0-9]$`).MatchString(re.key) {
					c.errorf(re.node, Pointer(ep, re.key), "response key %q is not a status code", re.key)
				}
				c.response(re.node, Pointer(ep, re.key))
			}
		case ExtPaginated:
			var pg Paginated
			fields := map[string]*string{"inputToken": &pg.InputToken, "outputToken": &pg.OutputToken, "pageSize": &pg.PageSize, "items": &pg.Items}
			for _, pe := range c.entries(e.node, ep, ExtPaginated) {
				if f := fields[pe.key]; f != nil {
					c.scalar(pe, ep)
					*f = pe.node.Value
					continue
				}
				c.unsupported(pe, ep, ExtPaginated)
			}
			c.extensions(p, e.key).Paginated = &pg
		default:
			c.unsupported(e, p, "an operation")
		}
	}
	for _, l := range labels {
		if !slices.Contains(pathParams, l) {
			c.errorf(n, p, "path label {%s} has no parameter with in: path", l)
		}
	}
}

// parameters checks an operation's parameters (path labels and query
// strings) and returns the names of the path parameters. The schema's type
// is checked by the model, which resolves references.
func (c *checker) parameters(n *yaml.Node, p string, labels []string) []string {
	if n.Kind != yaml.SequenceNode {
		c.errorf(n, p, "parameters must be a list")
		return nil
	}
	var pathParams []string
	seen := map[string]bool{}
	for i, pn := range n.Content {
		pp := Pointer(p, strconv.Itoa(i))
		es := c.entries(pn, pp, "a parameter")
		get := func(key string) *yaml.Node {
			for _, e := range es {
				if e.key == key {
					return e.node
				}
			}
			return nil
		}
		name, in := get("name"), get("in")
		if name == nil || name.Kind != yaml.ScalarNode || name.Value == "" || in == nil {
			c.errorf(pn, pp, "a parameter needs a name and in (path, query or header)")
			continue
		}
		if in.Value != "path" && in.Value != "query" && in.Value != "header" {
			c.errorf(in, Pointer(pp, "in"), "parameters in %q are not supported (only path, query and header)", in.Value)
			continue
		}
		if seen[in.Value+" "+name.Value] {
			c.errorf(name, Pointer(pp, "name"), "parameter %q in %s appears twice", name.Value, in.Value)
		}
		seen[in.Value+" "+name.Value] = true
		if get("schema") == nil {
			c.errorf(pn, pp, "parameter %q needs a schema", name.Value)
		}
		if in.Value == "path" {
			pathParams = append(pathParams, name.Value)
			if !slices.Contains(labels, name.Value) {
				c.errorf(name, Pointer(pp, "name"), "path parameter %q is not a {label} of the path", name.Value)
			}
			if r := get("required"); r == nil || r.ShortTag() != "!!bool" || r.Value != "true" {
				c.errorf(pn, pp, "path parameter %q must be required: true", name.Value)
			}
		}
		for _, e := range es {
			ep := Pointer(pp, e.key)
			switch e.key {
			case "name", "in", "description":
			case "required":
				if e.node.ShortTag() != "!!bool" {
					c.errorf(e.node, ep, "required must be a boolean")
				}
			case "style":
				if in.Value != "query" || e.node.Value != "form" {
					c.errorf(e.node, ep, "style %q: only form, on a query parameter, is supported", e.node.Value)
				}
			case "explode":
				if in.Value != "query" || e.node.ShortTag() != "!!bool" || e.node.Value != "true" {
					c.errorf(e.node, ep, "explode: only true, on a query parameter, is supported (a list repeats the parameter)")
				}
			case "schema":
				c.schema(e.node, ep)
			case ExtMember:
				if e.node.Kind != yaml.ScalarNode || !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`).MatchString(e.node.Value) {
					c.errorf(e.node, ep, "%s must be a member name (letters and digits)", e.key)
				}
				c.extensions(pp, e.key).Member = e.node.Value
			default:
				c.unsupported(e, pp, "a parameter")
			}
		}
	}
	return pathParams
}

func (c *checker) requestBody(n *yaml.Node, p string) {
	for _, e := range c.entries(n, p, "a request body") {
		switch e.key {
		case "required", "description":
		case "content":
			c.content(e.node, Pointer(p, e.key))
		default:
			c.unsupported(e, p, "a request body")
		}
	}
}

func (c *checker) content(n *yaml.Node, p string) {
	for _, e := range c.entries(n, p, "content") {
		if e.key != "application/json" {
			c.unsupported(e, p, "content (only application/json)")
			continue
		}
		for _, me := range c.entries(e.node, Pointer(p, e.key), "a media type") {
			if me.key != "schema" {
				c.unsupported(me, Pointer(p, e.key), "a media type")
				continue
			}
			c.schema(me.node, Pointer(p, e.key, "schema"))
		}
	}
}

func (c *checker) response(n *yaml.Node, p string) {
	es := c.entries(n, p, "a response")
	c.siblings(es, p, "$ref", "OpenAPI 3.0 ignores it", "description")
	for _, e := range es {
		ep := Pointer(p, e.key)
		switch e.key {
		case "$ref", "description":
		case "content":
			c.content(e.node, ep)
		case "headers":
			for _, he := range c.entries(e.node, ep, "headers") {
				c.header(he.node, Pointer(ep, he.key))
			}
		case ExtErrors:
			x := c.extensions(p, e.key)
			if e.node.Kind != yaml.SequenceNode || len(e.node.Content) == 0 {
				c.errorf(e.node, ep, "%s must be a non-empty list of error names", e.key)
				continue
			}
			for i, v := range e.node.Content {
				if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" || !isIdent(v.Value) {
					c.errorf(v, Pointer(ep, strconv.Itoa(i)), "error name %q is not an identifier", v.Value)
				}
				x.Errors = append(x.Errors, v.Value)
			}
		case ExtProtocolErrors:
			x := c.extensions(p, e.key)
			for _, pe := range c.entries(e.node, ep, ExtProtocolErrors) {
				if !isIdent(pe.key) || pe.node.ShortTag() != "!!int" || !regexp.MustCompile(`^[45][0-9][0-9]$`).MatchString(pe.node.Value) {
					c.errorf(pe.node, Pointer(ep, pe.key), "protocol errors map a name to a 4xx or 5xx status")
					continue
				}
				status, _ := strconv.Atoi(pe.node.Value)
				x.ProtocolErrors = append(x.ProtocolErrors, ProtocolError{Name: pe.key, Status: status})
			}
		default:
			c.unsupported(e, p, "a response")
		}
	}
}

// header is a response header: x-amzn-ErrorType on an error, or an answer
// member bound to a header (x-ivsrt-member names it when the header's name
// is not the member's).
func (c *checker) header(n *yaml.Node, p string) {
	hasSchema := false
	for _, e := range c.entries(n, p, "a header") {
		ep := Pointer(p, e.key)
		switch e.key {
		case "description":
		case "required":
			if e.node.ShortTag() != "!!bool" {
				c.errorf(e.node, ep, "required must be a boolean")
			}
		case "schema":
			hasSchema = true
			c.schema(e.node, ep)
		case ExtMember:
			if e.node.Kind != yaml.ScalarNode || !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`).MatchString(e.node.Value) {
				c.errorf(e.node, ep, "%s must be a member name (letters and digits)", e.key)
			}
			c.extensions(p, e.key).Member = e.node.Value
		default:
			c.unsupported(e, p, "a header")
		}
	}
	if !hasSchema {
		c.errorf(n, p, "a header needs a schema")
	}
}

func (c *checker) components(n *yaml.Node, p string) {
	for _, e := range c.entries(n, p, "components") {
		ep := Pointer(p, e.key)
		switch e.key {
		case "schemas":
			for _, se := range c.entries(e.node, ep, "schemas") {
				if !isIdent(se.key) {
					c.errorf(se.node, Pointer(ep, se.key), "schema name %q is not an identifier", se.key)
				}
				c.schema(se.node, Pointer(ep, se.key))
			}
		case "responses":
			for _, re := range c.entries(e.node, ep, "responses") {
				c.response(re.node, Pointer(ep, re.key))
			}
		default:
			c.unsupported(e, p, "components (only schemas and responses)")
		}
	}
}

var (
	schemaTypes   = map[string]bool{"string": true, "integer": true, "number": true, "boolean": true, "object": true, "array": true}
	schemaFormats = map[string]bool{"int32": true, "int64": true, "float": true, "double": true, "date-time": true}
)

func (c *checker) schema(n *yaml.Node, p string) {
	es := c.entries(n, p, "a schema")
	c.siblings(es, p, "$ref", "OpenAPI 3.0 ignores it (put it on the referenced schema, or a default beside an allOf of the $ref)", "description")
	// The model reads only these beside allOf; anything else would be dropped.
	c.siblings(es, p, "allOf", "allOf carries a $ref, with a default, description, "+ExtSensitive+", "+ExtIdempotencyToken+" or "+ExtCrossAccount+" beside it",
		"default", "description", ExtSensitive, ExtIdempotencyToken, ExtCrossAccount)
	for _, e := range es {
		ep := Pointer(p, e.key)
		switch e.key {
		case "$ref", "description", "required", "enum", "default",
			"minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "minProperties", "maxProperties":
		case "type":
			if !schemaTypes[e.node.Value] {
				c.errorf(e.node, ep, "type %q is not supported", e.node.Value)
			}
		case "format":
			if !schemaFormats[e.node.Value] {
				c.errorf(e.node, ep, "format %q is not supported", e.node.Value)
			}
		case "pattern":
			c.pattern(e.node, ep)
		case "properties":
			for _, pe := range c.entries(e.node, ep, "properties") {
				c.schema(pe.node, Pointer(ep, pe.key))
			}
		case "items", "additionalProperties":
			c.schema(e.node, ep)
		case "allOf":
			if e.node.Kind != yaml.SequenceNode || len(e.node.Content) != 1 || len(e.node.Content[0].Content) != 2 || e.node.Content[0].Content[0].Value != "$ref" {
				c.errorf(e.node, ep, "allOf is supported only as a single $ref (to put a default beside a reference)")
			}
		case ExtMaxTotalBytes:
			c.extensions(p, e.key).MaxTotalBytes = c.integer(e, p)
		case ExtKeyLength:
			var kl KeyLength
			for _, ke := range c.entries(e.node, ep, ExtKeyLength) {
				switch ke.key {
				case "min":
					kl.Min = c.integer(ke, ep)
				case "max":
					kl.Max = c.integer(ke, ep)
				default:
					c.unsupported(ke, ep, ExtKeyLength)
				}
			}
			c.extensions(p, e.key).KeyLength = &kl
		case ExtResetWhen:
			var rw ResetWhen
			for _, re := range c.entries(e.node, ep, ExtResetWhen) {
				switch re.key {
				case "member":
					c.scalar(re, ep)
					rw.Member = re.node.Value
				case "equals":
					if re.node.ShortTag() == "!!str" {
						rw.Equals = &re.node.Value
					}
				default:
					c.unsupported(re, ep, ExtResetWhen)
				}
			}
			c.extensions(p, e.key).ResetWhen = &rw
		case ExtFilters:
			var f Filters
			for _, fe := range c.entries(e.node, ep, ExtFilters) {
				switch fe.key {
				case "items":
					c.scalar(fe, ep)
					f.Items = fe.node.Value
				case "match":
					for _, me := range c.entries(fe.node, Pointer(ep, "match"), ExtFilters+".match") {
						c.scalar(me, Pointer(ep, "match"))
						f.Match = append(f.Match, FilterMatch{Filter: me.key, Field: me.node.Value})
					}
				default:
					c.unsupported(fe, ep, ExtFilters)
				}
			}
			c.extensions(p, e.key).Filters = &f
		case ExtIdentifier:
			if e.node.Kind != yaml.ScalarNode || !regexp.MustCompile(`^([^{}]|\{[a-z]+\}|\{alnum:[1-9][0-9]*\})+$`).MatchString(e.node.Value) {
				c.errorf(e.node, ep, "identifier template %q: use literal text, {variable} and {alnum:N}", e.node.Value)
			}
			c.extensions(p, e.key).Identifier = e.node.Value
		case ExtIdentifierOf:
			x := c.extensions(p, e.key)
			if e.node.Kind != yaml.SequenceNode || len(e.node.Content) == 0 {
				c.errorf(e.node, ep, "%s must list the names of schemas with an %s", e.key, ExtIdentifier)
				continue
			}
			for _, v := range e.node.Content {
				x.IdentifierOf = append(x.IdentifierOf, v.Value)
			}
		case ExtSensitive, ExtIdempotencyToken, ExtCrossAccount:
			if e.node.ShortTag() != "!!bool" {
				c.errorf(e.node, ep, "%s must be a boolean", e.key)
			}
			x, on := c.extensions(p, e.key), e.node.Value == "true"
			switch e.key {
			case ExtSensitive:
				x.Sensitive = on
			case ExtIdempotencyToken:
				x.IdempotencyToken = on
			default:
				x.CrossAccount = on
			}
		default:
			c.unsupported(e, p, "a schema")
		}
	}
}

// pattern accepts a regular expression that Go compiles and that is anchored
// in every top-level alternative.
func (c *checker) pattern(n *yaml.Node, p string) {
	if _, err := regexp.Compile(n.Value); err != nil {
		c.errorf(n, p, "pattern does not compile: %v", err)
		return
	}
	for _, alt := range TopLevelAlternatives(n.Value) {
		if !strings.HasPrefix(alt, "^") || !strings.HasSuffix(alt, "$") {
			c.errorf(n, p, "pattern %q is not anchored: every alternative must start with ^ and end with $", n.Value)
			return
		}
	}
}

// TopLevelAlternatives splits a pattern at the | that are outside brackets and groups.
func TopLevelAlternatives(pattern string) []string {
	var out []string
	depth, class, start := 0, false, 0
	for i := 0; i < len(pattern); i++ {
		switch ch := pattern[i]; {
		case ch == '\\':
			i++
		case class:
			if ch == ']' {
				class = false
			}
		case ch == '[':
			class = true
		case ch == '(':
			depth++
		case ch == ')':
			depth--
		case ch == '|' && depth == 0:
			out = append(out, pattern[start:i])
			start = i + 1
		}
	}
	return append(out, pattern[start:])
}

func (c *checker) scalar(e entry, p string) {
	if e.node.Kind != yaml.ScalarNode || e.node.Value == "" {
		c.errorf(e.node, Pointer(p, e.key), "%s must be a non-empty scalar", e.key)
	}
}

// integer accepts a non-negative YAML integer and returns it; a quoted
// number is a string, refused.
func (c *checker) integer(e entry, p string) *int {
	n, err := strconv.Atoi(e.node.Value)
	if e.node.ShortTag() != "!!int" || !regexp.MustCompile(`^[0-9]+$`).MatchString(e.node.Value) || err != nil {
		c.errorf(e.node, Pointer(p, e.key), "%s must be a non-negative integer", e.key)
		return nil
	}
	return &n
}

// siblings refuses, in a mapping that has key, every other key but those
// allowed. Beside a $ref OpenAPI 3.0 ignores them, and the model reads only
// a default beside allOf: a constraint or extension there would be dropped.
func (c *checker) siblings(es []entry, p, key, hint string, allowed ...string) {
	if !slices.ContainsFunc(es, func(e entry) bool { return e.key == key }) {
		return
	}
	for _, e := range es {
		if e.key != key && !slices.Contains(allowed, e.key) {
			c.errs = append(c.errs, &Error{File: c.file, Pointer: Pointer(p, e.key), Line: e.line,
				Msg: fmt.Sprintf("%q beside %s is not supported: %s", e.key, key, hint)})
		}
	}
}

func isIdent(s string) bool { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`).MatchString(s) }
