package model

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ivsrt/contract/spec"
)

// Build turns a loaded spec into the model. Every error names the spec file
// and the JSON pointer of what it cannot handle.
func Build(doc *spec.Document) (*Service, error) {
	b := &builder{doc: doc, oa: doc.OpenAPI,
		structs: map[string]*Struct{}, enums: map[string]*Enum{}, scalars: map[string]*Scalar{},
		errors: map[string]*Error{}}
	s := b.build()
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return s, nil
}

type builder struct {
	doc  *spec.Document
	oa   *openapi3.T
	errs []error

	svc     *Service
	structs map[string]*Struct
	enums   map[string]*Enum
	scalars map[string]*Scalar
	errors  map[string]*Error
}

func (b *builder) fail(pointer, format string, args ...any) {
	b.errs = append(b.errs, b.doc.Errorf(pointer, format, args...))
}

const schemasPointer = "/components/schemas"

func (b *builder) build() *Service {
	svc := &Service{Title: b.oa.Info.Title, APIVersion: b.oa.Info.Version}
	b.svc = svc
	if m, ok := b.oa.Extensions["x-ivsrt-service"].(map[string]any); ok {
		svc.Protocol, _ = m["protocol"].(string)
		svc.SigningName, _ = m["signingName"].(string)
		svc.ServiceID, _ = m["serviceId"].(string)
		svc.ModelVersion, _ = m["modelVersion"].(string)
		svc.Endpoint, _ = m["endpoint"].(string)
	} else {
		b.fail("", "x-ivsrt-service is missing: the generator needs the protocol and signing name")
	}
	if svc.APIVersion == "" {
		b.fail("/info/version", "info.version must carry the API version")
	}

	// Named schemas first, so members can refer to them in any order.
	names := b.doc.Keys(schemasPointer)
	for _, name := range names {
		b.declare(name)
	}
	for _, name := range names {
		if st := b.structs[name]; st != nil {
			b.fillStruct(st, b.oa.Components.Schemas[name].Value)
		}
	}

	for _, path := range b.doc.Keys("/paths") {
		if op := b.operation(path); op != nil {
			svc.Operations = append(svc.Operations, op)
		}
	}
	// Keep only structures that an operation reaches: ErrorBody and the like
	// are described by the spec but are not Go types of the service.
	for _, name := range names {
		if st := b.structs[name]; st != nil && (st.Input || st.Output) {
			svc.Structs = append(svc.Structs, st)
		}
	}
	for _, name := range names {
		if e := b.enums[name]; e != nil {
			svc.Enums = append(svc.Enums, e)
		}
		if sc := b.scalars[name]; sc != nil {
			svc.Scalars = append(svc.Scalars, sc)
			if sc.Identifier != nil {
				svc.Identifiers = append(svc.Identifiers, sc)
			}
		}
	}
	for _, st := range svc.Structs {
		b.structExtensions(st)
	}
	return svc
}

// declare registers a named schema as a struct, enum or scalar. Maps and
// timestamps are not declared: references to them are expanded inline.
func (b *builder) declare(name string) {
	s := b.oa.Components.Schemas[name].Value
	p := spec.Pointer(schemasPointer, name)
	switch {
	case s.Type.Is("object") && s.AdditionalProperties.Schema == nil:
		b.structs[name] = &Struct{Name: name, Doc: s.Description, Pointer: p}
	case s.Type.Is("string") && len(s.Enum) > 0:
		e := &Enum{Name: name, Doc: s.Description}
		for _, v := range s.Enum {
			sv, ok := v.(string)
			if !ok {
				b.fail(p, "enum values must be strings")
				continue
			}
			e.Values = append(e.Values, sv)
		}
		b.enums[name] = e
	case s.Type.Is("string") && s.Format == "":
		sc := &Scalar{Name: name, Doc: s.Description, Limits: b.stringLimits(s, p)}
		if t, ok := s.Extensions["x-ivsrt-identifier"].(string); ok {
			sc.Identifier = parseIdentifier(t)
		}
		b.scalars[name] = sc
	}
}

var identifierPart = regexp.MustCompile(`\{alnum:([0-9]+)\}|\{([a-z]+)\}|[^{}]+`)

func parseIdentifier(t string) *Identifier {
	id := &Identifier{Template: t}
	for _, m := range identifierPart.FindAllStringSubmatch(t, -1) {
		switch {
		case m[1] != "":
			n, _ := strconv.Atoi(m[1])
			id.Parts = append(id.Parts, IdentifierPart{Random: n})
		case m[2] != "":
			id.Parts = append(id.Parts, IdentifierPart{Var: m[2]})
		default:
			id.Parts = append(id.Parts, IdentifierPart{Literal: m[0]})
		}
	}
	return id
}

func (b *builder) fillStruct(st *Struct, s *openapi3.Schema) {
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
		if s.Properties[r] == nil {
			b.fail(st.Pointer+"/required", "required member %q is not a property", r)
		}
	}
	for _, name := range b.doc.Keys(st.Pointer + "/properties") {
		ref := s.Properties[name]
		p := spec.Pointer(st.Pointer, "properties", name)
		typ, def := b.typeOf(ref, p)
		if typ == nil {
			continue
		}
		sensitive, _ := ref.Value.Extensions["x-ivsrt-sensitive"].(bool)
		st.Members = append(st.Members, &Member{
			Name: name, GoName: GoName(name), Doc: ref.Value.Description, Pointer: p,
			Required: required[name], Sensitive: sensitive, Type: typ, Default: def,
		})
	}
}

// typeOf resolves a property's schema to a Type, and returns its default.
func (b *builder) typeOf(ref *openapi3.SchemaRef, p string) (*Type, any) {
	s := ref.Value
	if ref.Ref == "" && len(s.AllOf) == 1 {
		t, _ := b.typeOf(s.AllOf[0], p+"/allOf/0")
		return t, s.Default
	}
	if ref.Ref != "" {
		name := strings.TrimPrefix(ref.Ref, "#/components/schemas/")
		switch {
		case b.structs[name] != nil:
			return &Type{Kind: Object, Struct: b.structs[name]}, s.Default
		case b.enums[name] != nil:
			return &Type{Kind: String, Enum: b.enums[name]}, s.Default
		case b.scalars[name] != nil:
			sc := b.scalars[name]
			return &Type{Kind: String, Scalar: sc, Limits: sc.Limits}, s.Default
		}
		p = spec.Pointer(schemasPointer, name)
	}
	switch {
	case s.Type.Is("string") && s.Format == "date-time":
		return &Type{Kind: Timestamp}, s.Default
	case s.Type.Is("string") && len(s.Enum) > 0:
		b.fail(p, "inline enums are not supported: name the enum in components/schemas")
	case s.Type.Is("string"):
		return &Type{Kind: String, Limits: b.stringLimits(s, p)}, s.Default
	case s.Type.Is("integer"):
		t := &Type{Kind: Integer, Bits: 64}
		if s.Format == "int32" {
			t.Bits = 32
		}
		t.Limits.Min = intPtr64(s.Min)
		t.Limits.Max = intPtr64(s.Max)
		return t, s.Default
	case s.Type.Is("boolean"):
		return &Type{Kind: Boolean}, s.Default
	case s.Type.Is("array"):
		if s.Items == nil {
			b.fail(p, "an array needs items")
			return nil, nil
		}
		elem, _ := b.typeOf(s.Items, p+"/items")
		if elem == nil {
			return nil, nil
		}
		t := &Type{Kind: List, Elem: elem}
		if s.MinItems > 0 {
			t.Limits.MinItems = intPtr(int(s.MinItems))
		}
		if s.MaxItems != nil {
			t.Limits.MaxItems = intPtr(int(*s.MaxItems))
		}
		return t, s.Default
	case s.Type.Is("object") && s.AdditionalProperties.Schema != nil:
		v := s.AdditionalProperties.Schema.Value
		if !v.Type.Is("string") || len(v.Enum) > 0 {
			b.fail(p+"/additionalProperties", "only maps of strings are supported")
			return nil, nil
		}
		t := &Type{Kind: Map, Elem: &Type{Kind: String, Limits: b.stringLimits(v, p+"/additionalProperties")}}
		if s.MaxProps != nil {
			t.Limits.MaxEntries = intPtr(int(*s.MaxProps))
		}
		if kl, ok := s.Extensions["x-ivsrt-key-length"].(map[string]any); ok {
			t.Limits.MinKeyLength = anyInt(kl["min"])
			t.Limits.MaxKeyLength = anyInt(kl["max"])
		}
		if _, ok := s.Extensions["x-ivsrt-max-total-bytes"]; ok {
			t.Limits.MaxTotalBytes = anyInt(s.Extensions["x-ivsrt-max-total-bytes"])
		}
		return t, s.Default
	case s.Type.Is("object"):
		b.fail(p, "inline objects are not supported: name the object in components/schemas")
	default:
		b.fail(p, "a schema needs a supported type")
	}
	return nil, nil
}

func (b *builder) stringLimits(s *openapi3.Schema, p string) Limits {
	var l Limits
	if s.MinLength > 0 {
		l.MinLength = intPtr(int(s.MinLength))
	}
	if s.MaxLength != nil {
		l.MaxLength = intPtr(int(*s.MaxLength))
	}
	if s.Pattern != "" {
		l.Pattern = &Pattern{Expr: s.Pattern, Display: displayPattern(s.Pattern)}
	}
	if _, ok := s.Extensions["x-ivsrt-key-length"]; ok {
		b.fail(p, "x-ivsrt-key-length belongs on a map schema")
	}
	return l
}

// displayPattern drops the anchors the spec adds, so messages show the
// pattern the way AWS's model writes it; an alternative that only matches
// the empty string keeps its "^$".
func displayPattern(expr string) string {
	alts := spec.TopLevelAlternatives(expr)
	for i, a := range alts {
		if a != "^$" {
			alts[i] = strings.TrimSuffix(strings.TrimPrefix(a, "^"), "$")
		}
	}
	return strings.Join(alts, "|")
}

func (b *builder) operation(path string) *Operation {
	item := b.oa.Paths.Find(path)
	p := spec.Pointer("/paths", path, "post")
	if item == nil || item.Post == nil {
		b.fail(spec.Pointer("/paths", path), "an operation needs post")
		return nil
	}
	o := item.Post
	op := &Operation{Name: o.OperationID, Path: path, Summary: o.Summary}
	if o.RequestBody == nil || o.RequestBody.Value.Content.Get("application/json") == nil {
		b.fail(p, "an operation needs an application/json request body")
		return nil
	}
	op.Input = b.bodyStruct(o.RequestBody.Value.Content.Get("application/json").Schema, p+"/requestBody")
	ok := o.Responses.Value("200")
	if ok == nil || ok.Value.Content.Get("application/json") == nil {
		b.fail(p+"/responses", "an operation needs a 200 application/json response")
		return nil
	}
	op.Output = b.bodyStruct(ok.Value.Content.Get("application/json").Schema, p+"/responses/200")
	if op.Input == nil || op.Output == nil {
		return nil
	}
	markUse(op.Input, true, map[*Struct]bool{})
	markUse(op.Output, false, map[*Struct]bool{})

	for _, code := range b.doc.Keys(p + "/responses") {
		rp := spec.Pointer(p, "responses", code)
		r := o.Responses.Value(code)
		if code == "default" {
			b.protocolErrors(r.Value.Extensions, rp)
			continue
		}
		status, _ := strconv.Atoi(code)
		if status < 400 {
			continue
		}
		names, _ := r.Value.Extensions["x-ivsrt-errors"].([]any)
		if len(names) == 0 {
			b.fail(rp, "an error response needs x-ivsrt-errors naming its error types")
		}
		for _, n := range names {
			if e := b.error(n.(string), status, false, rp); e != nil {
				op.Errors = append(op.Errors, e)
			}
		}
	}

	if pg, ok := o.Extensions["x-ivsrt-paginated"].(map[string]any); ok {
		pp := p + "/x-ivsrt-paginated"
		member := func(st *Struct, key string) *Member {
			name, _ := pg[key].(string)
			m := st.Member(name)
			if m == nil {
				b.fail(pp, "%s: %s has no member %q", key, st.Name, name)
			}
			return m
		}
		op.Paginated = &Pagination{
			InputToken: member(op.Input, "inputToken"), OutputToken: member(op.Output, "outputToken"),
			PageSize: member(op.Input, "pageSize"), Items: member(op.Output, "items"),
		}
	}
	return op
}

func (b *builder) bodyStruct(ref *openapi3.SchemaRef, p string) *Struct {
	st := b.structs[strings.TrimPrefix(ref.Ref, "#/components/schemas/")]
	if ref.Ref == "" || st == nil {
		b.fail(p, "a body must be a $ref to an object schema in components/schemas")
	}
	return st
}

func markUse(st *Struct, input bool, seen map[*Struct]bool) {
	if seen[st] {
		return
	}
	seen[st] = true
	if input {
		st.Input = true
	} else {
		st.Output = true
	}
	for _, m := range st.Members {
		for t := m.Type; t != nil; t = t.Elem {
			if t.Struct != nil {
				markUse(t.Struct, input, seen)
			}
		}
	}
}

func (b *builder) error(name string, status int, protocol bool, p string) *Error {
	if e := b.errors[name]; e != nil {
		if e.Status != status || e.Protocol != protocol {
			b.fail(p, "error %s has status %d here but %d elsewhere", name, status, e.Status)
			return nil
		}
		return e
	}
	e := &Error{Name: name, Status: status, Protocol: protocol}
	b.errors[name] = e
	b.svc.Errors = append(b.svc.Errors, e)
	return e
}

func (b *builder) protocolErrors(ext map[string]any, p string) {
	m, _ := ext["x-ivsrt-protocol-errors"].(map[string]any)
	if m == nil {
		return
	}
	// The spec's order, not the map's, keeps the generated table stable.
	ptr := p + "/x-ivsrt-protocol-errors"
	keys := b.doc.Keys(ptr)
	if keys == nil { // the response is a $ref: read the order where it is defined
		for _, name := range b.doc.Keys("/components/responses") {
			if k := b.doc.Keys(spec.Pointer("/components/responses", name, "x-ivsrt-protocol-errors")); k != nil {
				keys = k
			}
		}
	}
	for _, name := range keys {
		if st := anyInt(m[name]); st != nil {
			b.error(name, *st, true, ptr)
		}
	}
}

// structExtensions reads x-ivsrt-filters and x-ivsrt-reset-when, once every
// struct has its members.
func (b *builder) structExtensions(st *Struct) {
	s := b.oa.Components.Schemas[st.Name].Value
	if f, ok := s.Extensions["x-ivsrt-filters"].(map[string]any); ok {
		p := st.Pointer + "/x-ivsrt-filters"
		itemsName, _ := f["items"].(string)
		items := b.structs[itemsName]
		if items == nil {
			b.fail(p+"/items", "%q is not an object schema", itemsName)
			return
		}
		match, _ := f["match"].(map[string]any)
		filters := &Filters{Items: items}
		for _, name := range b.doc.Keys(p + "/match") {
			field, _ := match[name].(string)
			fm, im := st.Member(name), items.Member(field)
			switch {
			case fm == nil:
				b.fail(p+"/match/"+name, "%s has no member %q", st.Name, name)
			case im == nil:
				b.fail(p+"/match/"+name, "%s has no member %q", items.Name, field)
			case fm.Type.Kind != im.Type.Kind || (fm.Type.Kind != String && fm.Type.Kind != Boolean && fm.Type.Kind != Integer):
				b.fail(p+"/match/"+name, "filter %s (%s) cannot match %s.%s (%s)", name, fm.Type.Kind, items.Name, field, im.Type.Kind)
			default:
				filters.Match = append(filters.Match, FilterMatch{Filter: fm, Field: im})
			}
		}
		if len(filters.Match) < 1 {
			b.fail(p+"/match", "x-ivsrt-filters needs at least one filter")
		}
		st.Filters = filters
	}
	if r, ok := s.Extensions["x-ivsrt-reset-when"].(map[string]any); ok {
		p := st.Pointer + "/x-ivsrt-reset-when"
		name, _ := r["member"].(string)
		equals, isString := r["equals"].(string)
		m := st.Member(name)
		if m == nil || m.Type.Kind != String || !isString {
			b.fail(p, "x-ivsrt-reset-when needs a string member of %s and a string value", st.Name)
			return
		}
		st.ResetWhen = &ResetWhen{Member: m, Equals: equals}
	}
}

// GoName turns a JSON member name into an exported Go name, the way the AWS
// SDK for Go names fields (userId -> UserId), so the types read alike.
func GoName(name string) string {
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

func intPtr(i int) *int { return &i }

func intPtr64(f *float64) *int64 {
	if f == nil {
		return nil
	}
	i := int64(*f)
	return &i
}

func anyInt(v any) *int {
	switch n := v.(type) {
	case float64:
		return intPtr(int(n))
	case int:
		return intPtr(n)
	case int64:
		return intPtr(int(n))
	case uint64:
		return intPtr(int(n))
	}
	return nil
}

// String is a one-line description, for debugging and golden tests.
func (t *Type) String() string {
	switch {
	case t.Struct != nil:
		return t.Struct.Name
	case t.Enum != nil:
		return t.Enum.Name
	case t.Scalar != nil:
		return t.Scalar.Name
	case t.Kind == List:
		return "[]" + t.Elem.String()
	case t.Kind == Map:
		return "map[string]" + t.Elem.String()
	}
	return fmt.Sprint(t.Kind)
}
