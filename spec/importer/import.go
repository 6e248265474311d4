package importer

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/ivsrt/contract/spec"
)

// Options choose what Import writes.
type Options struct {
	// Ops are the operations to import, by the model's names; nil imports
	// every operation. A name the model does not have is an error.
	Ops []string
	// Overlays are OpenAPI Overlay 1.0 documents applied to the imported
	// spec, in order: one with the rules every version shares, say, then
	// one with those of members a later model added.
	Overlays [][]byte
	// Overlay is one more overlay, applied after Overlays; nil applies none.
	Overlay []byte
	// Version is info.version (YYYY-MM-DD); "" takes Source.Version.
	Version string
}

// Import writes the spec (OpenAPI 3.0.3 YAML) for the chosen operations of
// a model, with only the shapes they reach, then applies the overlay.
func Import(src *Source, opts Options) ([]byte, error) {
	version := opts.Version
	if version == "" {
		version = src.Version
	}
	if version == "" {
		return nil, fmt.Errorf("%s: the model has no release date: give a version (YYYY-MM-DD)", src.Name)
	}
	if !ValidVersion(version) {
		return nil, fmt.Errorf("version %q is not a YYYY-MM-DD date", version)
	}
	api, pagData, err := api2Form(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	var m model
	if err := json.Unmarshal(api, &m); err != nil {
		return nil, fmt.Errorf("%s: not a JSON service model: %w", src.Name, err)
	}
	if len(m.Operations) == 0 || len(m.Shapes) == 0 {
		return nil, fmt.Errorf("%s: not a JSON service model: no operations or shapes", src.Name)
	}
	if m.Metadata.Protocol != "rest-json" {
		return nil, fmt.Errorf("%s: protocol %q: only rest-json (restJson1) is supported", src.Name, m.Metadata.Protocol)
	}
	pages, err := parsePaginators(pagData)
	if err != nil {
		return nil, fmt.Errorf("%s: paginators: %w", src.Name, err)
	}
	ops, err := chooseOps(&m, opts.Ops)
	if err != nil {
		return nil, err
	}

	b := &builder{m: &m, schemas: map[string]*yaml.Node{}, responses: map[string]*yaml.Node{}}
	doc, err := b.document(ops, pages, version)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	overlays := opts.Overlays
	if opts.Overlay != nil {
		overlays = append(slices.Clip(overlays), opts.Overlay)
	}
	if doc, err = applyOverlays(doc, overlays); err != nil { // marker.go
		return nil, err
	}
	orderOperations(doc)
	normalise(doc)
	return encode(doc)
}

// chooseOps returns the operations to import, sorted by name.
func chooseOps(m *model, names []string) ([]string, error) {
	if len(names) == 0 {
		return slices.Sorted(maps.Keys(m.Operations)), nil
	}
	var unknown []string
	chosen := map[string]bool{}
	for _, n := range names {
		if m.Operations[n] == nil {
			unknown = append(unknown, n)
		}
		chosen[n] = true
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown operation %s: the model has no such operation", strings.Join(quoteAll(unknown), ", "))
	}
	return slices.Sorted(maps.Keys(chosen)), nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

type paginator struct {
	InputToken  any `json:"input_token"`
	OutputToken any `json:"output_token"`
	LimitKey    any `json:"limit_key"`
	ResultKey   any `json:"result_key"`
}

func parsePaginators(data []byte) (map[string]paginator, error) {
	if data == nil {
		return nil, nil
	}
	var p struct {
		Pagination map[string]paginator `json:"pagination"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, err
	}
	return p.Pagination, nil
}

type builder struct {
	m         *model
	schemas   map[string]*yaml.Node // components/schemas, filled as shapes are reached
	responses map[string]*yaml.Node // components/responses
	errorBody []string              // error shapes the ErrorBody schema is made of
}

func (b *builder) document(ops []string, pages map[string]paginator, version string) (*yaml.Node, error) {
	md := b.m.Metadata
	signing := md.SigningName
	if signing == "" {
		signing = md.EndpointPrefix
	}
	endpoint := "https://" + md.EndpointPrefix + ".{region}.amazonaws.com"

	type method struct {
		name string
		op   *yaml.Node
	}
	paths := map[string][]method{}
	for _, name := range ops {
		op := b.m.Operations[name]
		n, err := b.operation(name, op, pages[name])
		if err != nil {
			return nil, fmt.Errorf("operation %s: %w", name, err)
		}
		verb := strings.ToLower(op.HTTP.Method)
		if !slices.Contains(methodOrder, verb) {
			return nil, fmt.Errorf("operation %s: method %q is not supported", name, op.HTTP.Method)
		}
		uri := op.HTTP.RequestURI
		if i := strings.IndexByte(uri, '?'); i >= 0 {
			return nil, fmt.Errorf("operation %s: request URI %q carries a query string, which is not supported", name, uri)
		}
		for _, other := range paths[uri] {
			if other.name == verb {
				return nil, fmt.Errorf("operation %s: %s %s is also another operation", name, op.HTTP.Method, uri)
			}
		}
		paths[uri] = append(paths[uri], method{verb, n})
	}
	pathsNode := object()
	for _, uri := range slices.Sorted(maps.Keys(paths)) {
		ms := paths[uri]
		slices.SortFunc(ms, func(x, y method) int {
			return slices.Index(methodOrder, x.name) - slices.Index(methodOrder, y.name)
		})
		item := object()
		for _, m := range ms {
			set(item, m.name, m.op)
		}
		set(pathsNode, uri, item)
	}

	if len(b.errorBody) > 0 {
		if err := b.errorBodySchema(); err != nil {
			return nil, err
		}
	}
	components := object()
	if len(b.responses) > 0 {
		rs := object()
		for _, name := range slices.Sorted(maps.Keys(b.responses)) {
			set(rs, name, b.responses[name])
		}
		set(components, "responses", rs)
	}
	ss := object()
	for _, name := range slices.Sorted(maps.Keys(b.schemas)) {
		set(ss, name, b.schemas[name])
	}
	set(components, "schemas", ss)

	return object(
		"openapi", str("3.0.3"),
		"info", object("title", str(md.ServiceFullName), "version", str(version)),
		spec.ExtService, object(
			"protocol", str("restJson1"),
			"signingName", str(signing),
			"serviceId", str(md.ServiceID),
			"modelVersion", str(md.APIVersion),
			"endpoint", str(endpoint),
		),
		"servers", seq(object(
			"url", str(endpoint),
			"variables", object("region", object("default", str("us-east-1"))),
		)),
		"paths", pathsNode,
		"components", components,
	), nil
}

// methodOrder is the order of methods in a path item, OpenAPI's own.
var methodOrder = []string{"get", "put", "post", "delete", "patch"}

func (b *builder) operation(name string, op *operation, pg paginator) (*yaml.Node, error) {
	verb := strings.ToLower(op.HTTP.Method)
	n := object("operationId", str(name))

	var input *shape
	if op.Input != nil {
		if input = b.m.Shapes[op.Input.Shape]; input == nil || input.Type != "structure" {
			return nil, fmt.Errorf("input shape %q is not a structure", op.Input.Shape)
		}
	}
	var output *shape
	if op.Output != nil {
		if output = b.m.Shapes[op.Output.Shape]; output == nil || output.Type != "structure" {
			return nil, fmt.Errorf("output shape %q is not a structure", op.Output.Shape)
		}
		for _, mn := range output.order {
			if loc := output.Members[mn].Location; loc != "" && loc != "header" {
				return nil, fmt.Errorf("output member %s is bound to %s, which is not supported in an answer", mn, loc)
			}
		}
	}

	if pg.InputToken != nil || pg.OutputToken != nil {
		p, err := b.paginated(pg, output)
		if err != nil {
			return nil, err
		}
		set(n, spec.ExtPaginated, p)
	}

	hasBody := false
	if input != nil {
		params := seq()
		required := map[string]bool{}
		for _, r := range input.Required {
			required[r] = true
		}
		for _, mn := range input.order {
			mr := input.Members[mn]
			if mr.Location == "" {
				hasBody = true
				continue
			}
			p, err := b.parameter(mn, mr, required[mn])
			if err != nil {
				return nil, fmt.Errorf("input member %s: %w", mn, err)
			}
			params.Content = append(params.Content, p)
		}
		if len(params.Content) > 0 {
			set(n, "parameters", params)
		}
	}
	if hasBody || (verb != "get" && verb != "delete") {
		var schema *yaml.Node
		if input != nil {
			if err := b.component(op.Input.Shape); err != nil {
				return nil, err
			}
			schema = schemaRef(op.Input.Shape)
		} else {
			schema = object("type", str("object"))
		}
		set(n, "requestBody", object(
			"required", boolean(true),
			"content", object("application/json", object("schema", schema)),
		))
	}

	code := op.HTTP.ResponseCode
	if code == 0 {
		code = 200
	}
	var outSchema *yaml.Node
	if output != nil {
		if err := b.component(op.Output.Shape); err != nil {
			return nil, err
		}
		outSchema = schemaRef(op.Output.Shape)
	} else {
		outSchema = object("type", str("object"))
	}
	var outHeaders *yaml.Node
	if output != nil {
		var err error
		if outHeaders, err = b.headers(output); err != nil {
			return nil, err
		}
	}
	responses := object(strconv.Itoa(code), object(
		"description", str("Success."),
		"headers", outHeaders,
		"content", object("application/json", object("schema", outSchema)),
	))
	byStatus := map[int][]string{}
	for _, e := range op.Errors {
		es := b.m.Shapes[e.Shape]
		if es == nil || es.Error == nil || es.Error.HTTPStatusCode == 0 {
			return nil, fmt.Errorf("error %s has no HTTP status", e.Shape)
		}
		byStatus[es.Error.HTTPStatusCode] = append(byStatus[es.Error.HTTPStatusCode], e.Shape)
		if !slices.Contains(b.errorBody, e.Shape) {
			b.errorBody = append(b.errorBody, e.Shape)
		}
	}
	for _, status := range slices.Sorted(maps.Keys(byStatus)) {
		names := slices.Compact(slices.Sorted(slices.Values(byStatus[status])))
		rname := strings.Join(names, "Or")
		headers := object("x-amzn-ErrorType", object(
			"required", boolean(true),
			"schema", object("type", str("string")),
		))
		for _, name := range names {
			hs, err := b.headers(b.m.Shapes[name])
			if err != nil {
				return nil, fmt.Errorf("error %s: %w", name, err)
			}
			for i := 0; hs != nil && i < len(hs.Content); i += 2 {
				// x-amzn-ErrorType is the protocol's, always there; other
				// headers the errors share are written once.
				if get(headers, hs.Content[i].Value) == nil && !strings.EqualFold(hs.Content[i].Value, "x-amzn-ErrorType") {
					set(headers, hs.Content[i].Value, hs.Content[i+1])
				}
			}
		}
		b.responses[rname] = object(
			"description", str(strings.Join(names, " or ")+"."),
			spec.ExtErrors, words(names),
			"headers", headers,
			"content", object("application/json", object("schema", schemaRef("ErrorBody"))),
		)
		set(responses, strconv.Itoa(status), ref("#/components/responses/"+rname))
	}
	set(n, "responses", responses)
	return n, nil
}

// headers returns the response headers a structure's header-bound members
// travel in, in model order (nil when it has none): each an optional
// string, or required when the structure requires the member, with
// x-ivsrt-member naming the member when the header's name differs.
func (b *builder) headers(s *shape) (*yaml.Node, error) {
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	var out *yaml.Node
	for _, mn := range s.order {
		mr := s.Members[mn]
		if mr.Location != "header" {
			continue
		}
		name := mr.LocationName
		if name == "" {
			name = mn
		}
		schema, err := b.property(mr)
		if err != nil {
			return nil, fmt.Errorf("header member %s: %w", mn, err)
		}
		var req, memberName *yaml.Node
		if required[mn] {
			req = boolean(true)
		}
		if name != mn {
			memberName = str(mn)
		}
		if out == nil {
			out = object()
		}
		set(out, name, object(spec.ExtMember, memberName, "required", req, "schema", schema))
	}
	return out, nil
}

func (b *builder) paginated(pg paginator, output *shape) (*yaml.Node, error) {
	field := func(v any, what string) (*yaml.Node, error) {
		if v == nil {
			return nil, nil
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("paginator %s %v: only a single member name is supported", what, v)
		}
		return str(s), nil
	}
	in, err := field(pg.InputToken, "input_token")
	if err != nil {
		return nil, err
	}
	out, err := field(pg.OutputToken, "output_token")
	if err != nil {
		return nil, err
	}
	size, err := field(pg.LimitKey, "limit_key")
	if err != nil {
		return nil, err
	}
	var items *yaml.Node
	if output != nil {
		var lists []string
		for _, mn := range output.order {
			if s := b.m.Shapes[output.Members[mn].Shape]; s != nil && s.Type == "list" {
				lists = append(lists, mn)
			}
		}
		if len(lists) == 1 {
			items = str(lists[0])
		} else if items, err = field(pg.ResultKey, "result_key"); err != nil {
			return nil, err
		}
	}
	return object("inputToken", in, "outputToken", out, "pageSize", size, "items", items), nil
}

func (b *builder) parameter(member string, mr *shapeRef, required bool) (*yaml.Node, error) {
	name := mr.LocationName
	if name == "" {
		name = member
	}
	var in string
	switch mr.Location {
	case "uri":
		in, required = "path", true
	case "querystring":
		in = "query"
	case "header":
		in = "header"
	default:
		return nil, fmt.Errorf("location %q is not supported", mr.Location)
	}
	schema, err := b.property(mr)
	if err != nil {
		return nil, err
	}
	var memberName *yaml.Node
	if name != member {
		memberName = str(member)
	}
	var style, explode *yaml.Node
	if in == "query" {
		style = str("form")
		if b.m.Shapes[mr.Shape].Type == "list" {
			explode = boolean(true)
		}
	}
	var req *yaml.Node
	if required {
		req = boolean(true)
	}
	return object(
		"name", str(name),
		"in", str(in),
		spec.ExtMember, memberName,
		"required", req,
		"style", style,
		"explode", explode,
		"schema", schema,
	), nil
}

// property is the schema of a structure member: the shape's schema, plus
// the member-level extensions (idempotency token, sensitive). A reference
// with an extension beside it is wrapped in allOf, since OpenAPI 3.0
// ignores siblings of $ref.
func (b *builder) property(mr *shapeRef) (*yaml.Node, error) {
	n, err := b.schema(mr.Shape)
	if err != nil {
		return nil, err
	}
	var ext []any
	if mr.IdempotencyToken {
		ext = append(ext, spec.ExtIdempotencyToken, boolean(true))
	}
	if b.m.Shapes[mr.Shape].Sensitive {
		ext = append(ext, spec.ExtSensitive, boolean(true))
	}
	if len(ext) == 0 {
		return n, nil
	}
	if get(n, "$ref") != nil {
		n = object("allOf", seq(n))
	}
	for i := 0; i < len(ext); i += 2 {
		set(n, ext[i].(string), ext[i+1].(*yaml.Node))
	}
	return n, nil
}

// named reports whether a shape is written as a component: structures,
// maps, enums and constrained strings. A sensitive string with no other
// constraint stays inline, so the property that uses it carries
// x-ivsrt-sensitive without a wrapper.
func named(s *shape) bool {
	switch s.Type {
	case "structure", "map":
		return true
	case "string":
		_, hasMax := intOf(s.Max)
		minLen, _ := intOf(s.Min)
		return len(s.Enum) > 0 || hasMax || minLen > 0 || s.Pattern != ""
	}
	return false
}

// schema is the schema of a use of a shape: a reference to its component,
// or the shape written inline.
func (b *builder) schema(name string) (*yaml.Node, error) {
	s := b.m.Shapes[name]
	if s == nil {
		return nil, fmt.Errorf("shape %q is not in the model", name)
	}
	if named(s) {
		if err := b.component(name); err != nil {
			return nil, err
		}
		return schemaRef(name), nil
	}
	switch s.Type {
	case "string":
		return object("type", str("string")), nil
	case "boolean":
		return object("type", str("boolean")), nil
	case "timestamp":
		return object("type", str("string"), "format", str("date-time")), nil
	case "integer", "long", "float", "double":
		typ, format := "integer", map[string]string{"integer": "int32", "long": "int64", "float": "float", "double": "double"}[s.Type]
		if s.Type == "float" || s.Type == "double" {
			typ = "number"
		}
		// minimum 0 is a real bound on a number (no negatives), so it stays.
		var lo, hi *yaml.Node
		if s.Min != nil {
			lo = number(s.Min.String())
		}
		if s.Max != nil {
			hi = number(s.Max.String())
		}
		return object("type", str(typ), "format", str(format), "minimum", lo, "maximum", hi), nil
	case "list":
		if s.Member == nil {
			return nil, fmt.Errorf("list %s has no member", name)
		}
		items, err := b.property(s.Member)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", name, err)
		}
		lo, hi := lengths(s)
		return object("type", str("array"), "minItems", lo, "maxItems", hi, "items", items), nil
	}
	return nil, fmt.Errorf("shape %s: type %q is not supported", name, s.Type)
}

// lengths returns a shape's min and max as bounds on a length or count;
// min 0 says nothing and is dropped.
func lengths(s *shape) (lo, hi *yaml.Node) {
	if v, ok := intOf(s.Min); ok && v > 0 {
		lo = integer(v)
	}
	if v, ok := intOf(s.Max); ok {
		hi = integer(v)
	}
	return lo, hi
}

// component writes components/schemas/<name> once, and every shape it reaches.
func (b *builder) component(name string) error {
	if _, done := b.schemas[name]; done {
		return nil
	}
	s := b.m.Shapes[name]
	if s == nil {
		return fmt.Errorf("shape %q is not in the model", name)
	}
	n := object()
	b.schemas[name] = n // before the members, so a shape that reaches itself ends
	switch s.Type {
	case "structure":
		set(n, "type", str("object"))
		props := object()
		body := map[string]bool{}
		for _, mn := range s.order {
			mr := s.Members[mn]
			if mr.Location != "" { // a parameter of the operation, not a body member
				continue
			}
			body[mn] = true
			p, err := b.property(mr)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", name, mn, err)
			}
			set(props, mn, p)
		}
		var required []string
		for _, r := range s.Required {
			if body[r] {
				required = append(required, r)
			}
		}
		if len(required) > 0 {
			slices.Sort(required)
			set(n, "required", words(slices.Compact(required)))
		}
		if len(props.Content) > 0 {
			set(n, "properties", props)
		}
	case "map":
		set(n, "type", str("object"))
		lo, hi := lengths(s)
		if lo != nil {
			set(n, "minProperties", lo)
		}
		if hi != nil {
			set(n, "maxProperties", hi)
		}
		if s.Key == nil || s.Value == nil {
			return fmt.Errorf("map %s needs a key and a value", name)
		}
		key := b.m.Shapes[s.Key.Shape]
		if key == nil || key.Type != "string" || len(key.Enum) > 0 || key.Pattern != "" {
			// OpenAPI 3.0 has no propertyNames: only a key's length can be carried.
			return fmt.Errorf("map %s: key shape %s: only strings bounded by length are supported", name, s.Key.Shape)
		}
		klo, khi := lengths(key)
		if klo != nil || khi != nil {
			set(n, spec.ExtKeyLength, object("min", klo, "max", khi))
		}
		v, err := b.property(s.Value)
		if err != nil {
			return fmt.Errorf("map %s: %w", name, err)
		}
		set(n, "additionalProperties", v)
	case "string":
		set(n, "type", str("string"))
		lo, hi := lengths(s)
		if lo != nil {
			set(n, "minLength", lo)
		}
		if hi != nil {
			set(n, "maxLength", hi)
		}
		if s.Pattern != "" {
			set(n, "pattern", str(Anchor(s.Pattern)))
		}
		if len(s.Enum) > 0 {
			set(n, "enum", words(s.Enum))
		}
	default:
		return fmt.Errorf("shape %s: type %q cannot be a component", name, s.Type)
	}
	return nil
}

// errorBodySchema writes ErrorBody, the body every error response shares:
// the members of the operations' error shapes.
func (b *builder) errorBodySchema() error {
	slices.Sort(b.errorBody)
	props := object()
	for _, e := range b.errorBody {
		s := b.m.Shapes[e]
		for _, mn := range s.order {
			if get(props, mn) != nil || s.Members[mn].Location != "" {
				continue
			}
			p, err := b.property(s.Members[mn])
			if err != nil {
				return fmt.Errorf("error %s.%s: %w", e, mn, err)
			}
			set(props, mn, p)
		}
	}
	if _, taken := b.schemas["ErrorBody"]; taken {
		return fmt.Errorf("the model has a shape named ErrorBody, the name of the error body schema")
	}
	n := object("type", str("object"))
	if len(props.Content) > 0 {
		set(n, "properties", props)
	}
	b.schemas["ErrorBody"] = n
	return nil
}

// Anchor anchors each top-level alternative of a pattern that lacks an
// anchor: AWS matches patterns against the whole value. An alternative
// already anchored is left as it is.
func Anchor(pattern string) string {
	alts := spec.TopLevelAlternatives(pattern)
	for i, a := range alts {
		if !strings.HasPrefix(a, "^") {
			a = "^" + a
		}
		if !strings.HasSuffix(a, "$") || strings.HasSuffix(a, `\$`) && !strings.HasSuffix(a, `\\$`) {
			a += "$"
		}
		alts[i] = a
	}
	return strings.Join(alts, "|")
}
