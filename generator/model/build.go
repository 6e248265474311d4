package model

import (
	"errors"
	"fmt"
	"go/token"
	"go/types"
	"maps"
	"math"
	"regexp"
	"slices"
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
		errors: map[string]*Error{}, failed: map[string]bool{}, answerHeaders: map[*Struct]*Operation{}}
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
	failed  map[string]bool // pointer and message of each error, to report one once
	// bodies are the operations built, to check that a body schema that
	// takes parameters belongs to its operation alone.
	bodies []*Operation
	// answerHeaders maps an answer's struct to the operation whose 200
	// response's headers it took, to check that it belongs to it alone.
	answerHeaders map[*Struct]*Operation
}

func (b *builder) fail(pointer, format string, args ...any) {
	e := b.doc.Errorf(pointer, format, args...)
	if key := e.Pointer + "\x00" + e.Msg; !b.failed[key] {
		b.failed[key] = true
		b.errs = append(b.errs, e)
	}
}

const schemasPointer = "/components/schemas"

func (b *builder) build() *Service {
	svc := &Service{Title: b.oa.Info.Title, APIVersion: b.oa.Info.Version}
	b.svc = svc
	if m := b.doc.Extensions("").Service; m != nil {
		svc.Protocol, svc.SigningName, svc.ServiceID, svc.ModelVersion, svc.Endpoint = m.Protocol, m.SigningName, m.ServiceID, m.ModelVersion, m.Endpoint
	} else {
		b.fail("", "%s is missing: the generator needs the protocol and signing name", spec.ExtService)
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

	var made []*Struct // inputs of operations without a body
	for _, path := range b.doc.Keys("/paths") {
		for _, method := range b.doc.Keys(spec.Pointer("/paths", path)) {
			op := b.operation(path, method)
			if op == nil {
				continue
			}
			svc.Operations = append(svc.Operations, op)
			if !op.HasBody {
				made = append(made, op.Input)
			}
		}
	}
	b.bodiesOwned(svc.Operations)
	// Keep only structures that an operation reaches: ErrorBody and the like
	// are described by the spec but are not Go types of the service.
	for _, name := range names {
		if st := b.structs[name]; st != nil && (st.Input || st.Output) {
			svc.Structs = append(svc.Structs, st)
		}
	}
	svc.Structs = append(svc.Structs, made...)
	for _, name := range names {
		if e := b.enums[name]; e != nil {
			svc.Enums = append(svc.Enums, e)
		}
		if sc := b.scalars[name]; sc != nil {
			svc.Scalars = append(svc.Scalars, sc)
			if sc.Identifier != nil {
				svc.Identifiers = append(svc.Identifiers, sc)
			}
			for _, of := range sc.IdentifierOf {
				if t := b.scalars[of]; t == nil || t.Identifier == nil {
					b.fail(spec.Pointer(schemasPointer, name, extIdentifierOf), "%q is not a string schema with an %s", of, extIdentifier)
				}
			}
		}
	}
	for _, st := range svc.Structs {
		b.structExtensions(st)
	}
	// Declared errors first, then the protocol-level ones, each in order of
	// first use (operations list their default response among the others).
	slices.SortStableFunc(svc.Errors, func(x, y *Error) int {
		switch {
		case x.Declared == y.Declared:
			return 0
		case x.Declared:
			return -1
		}
		return 1
	})
	return svc
}

// declare registers a named schema as a struct, enum or scalar. Maps and
// timestamps are not declared: references to them are expanded inline.
func (b *builder) declare(name string) {
	s := b.oa.Components.Schemas[name].Value
	p := spec.Pointer(schemasPointer, name)
	switch {
	case s.Type.Is("object") && s.AdditionalProperties.Schema == nil:
		b.extensions(p, "an object", extFilters, extResetWhen, extSensitive)
		b.structs[name] = &Struct{Name: name, Doc: s.Description, Pointer: p}
	case s.Type.Is("string") && len(s.Enum) > 0:
		b.extensions(p, "an enum", extSensitive)
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
		b.extensions(p, "a string", extIdentifier, extIdentifierOf, extSensitive)
		sc := &Scalar{Name: name, Doc: s.Description, Limits: b.stringLimits(s, p)}
		ext := b.doc.Extensions(p)
		if ext.Has(extIdentifier) {
			sc.Identifier = parseIdentifier(ext.Identifier)
			b.identifierVars(sc.Identifier, p+"/"+extIdentifier)
		}
		sc.IdentifierOf = ext.IdentifierOf
		b.scalars[name] = sc
	}
	// Maps, timestamps, integers, booleans and lists are expanded where they
	// are used; their extensions are checked here, once.
	switch {
	case s.Type.Is("object") && s.AdditionalProperties.Schema != nil:
		b.extensions(p, "a map", extKeyLength, extMaxTotalBytes, extSensitive)
	case !s.Type.Is("object") && !s.Type.Is("string"), s.Type.Is("string") && s.Format != "":
		b.extensions(p, "this schema", extSensitive)
	}
}

// The extensions the model reads on schemas, and the kinds of schema each
// belongs on.
const (
	extFilters       = spec.ExtFilters
	extResetWhen     = spec.ExtResetWhen
	extIdentifier    = spec.ExtIdentifier
	extIdentifierOf  = spec.ExtIdentifierOf
	extKeyLength     = spec.ExtKeyLength
	extMaxTotalBytes = spec.ExtMaxTotalBytes
	extSensitive     = spec.ExtSensitive
	// extIdempotencyToken stands on a property, beside its schema or an
	// allOf wrapping its $ref; fillStruct reads it there.
	extIdempotencyToken = spec.ExtIdempotencyToken
	// extCrossAccount stands on a request's property, as
	// extIdempotencyToken does.
	extCrossAccount = spec.ExtCrossAccount
)

var extensionHome = map[string]string{
	extFilters:          "a named object schema (a request)",
	extResetWhen:        "a named object schema",
	extIdentifier:       "a named string schema",
	extIdentifierOf:     "a named string schema",
	extKeyLength:        "a map schema",
	extMaxTotalBytes:    "a map of strings",
	extIdempotencyToken: "a property of an object schema",
	extCrossAccount:     "a property of an object schema",
}

// extensions refuses an x-ivsrt-* extension on a schema of a kind it does
// not apply to, which the model would otherwise ignore without a word.
func (b *builder) extensions(p, kind string, allowed ...string) {
	for _, ext := range slices.Sorted(slices.Values(b.doc.Extensions(p).Names)) {
		if home, ok := extensionHome[ext]; ok && !slices.Contains(allowed, ext) {
			b.fail(spec.Pointer(p, ext), "%s does not apply to %s: it belongs on %s", ext, kind, home)
		}
	}
}

// identifierVars refuses template variables that cannot be Go parameters of
// the generated New<Type> and Parse<Type>: keywords, predeclared names, the
// names those functions use themselves, and repeats.
func (b *builder) identifierVars(id *Identifier, p string) {
	seen := map[string]bool{}
	for _, v := range id.Vars() {
		switch {
		case seen[v]:
			b.fail(p, "identifier variable {%s} appears twice", v)
		case token.IsKeyword(v) || types.Universe.Lookup(v) != nil || v == "s" || v == "m" || v == "ok":
			b.fail(p, "identifier variable {%s} cannot be a Go parameter name", v)
		}
		seen[v] = true
	}
}

var memberName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)

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
		if !memberName.MatchString(name) {
			b.fail(p, "member name %q must be letters and digits, starting with a letter", name)
			continue
		}
		typ, def := b.typeOf(ref, p)
		if typ == nil {
			continue
		}
		if typ.Kind == Timestamp && def != nil {
			b.fail(p, "a default on a timestamp is not supported")
			def = nil
		}
		ext := b.doc.Extensions(refPointer(ref, p))
		sensitive, token := ext.Sensitive, ext.IdempotencyToken
		if token && typ.Kind != String {
			b.fail(p, "an idempotency token must be a string, not %s", typ.Kind)
		}
		if ext.CrossAccount && (typ.Scalar == nil || typ.Scalar.Identifier == nil) {
			b.fail(p, "%s belongs on a member that takes an identifier (x-ivsrt-identifier)", spec.ExtCrossAccount)
		}
		st.Members = append(st.Members, &Member{
			Name: name, GoName: GoName(name), Doc: ref.Value.Description, Pointer: p,
			Required: required[name], Sensitive: sensitive, Type: typ, Default: def,
			Location: Body, WireName: name, IdempotencyToken: token, CrossAccount: ext.CrossAccount,
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
	if ref.Ref == "" { // a named schema's extensions were checked by declare
		switch {
		case s.Type.Is("object") && s.AdditionalProperties.Schema != nil:
			b.extensions(p, "a map", extKeyLength, extMaxTotalBytes, extSensitive)
		default:
			b.extensions(p, "an inline schema", extSensitive, extIdempotencyToken, extCrossAccount)
		}
	}
	if len(s.Enum) > 0 && !s.Type.Is("string") {
		b.fail(p, "enums are supported only on strings")
		return nil, nil
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
		switch s.Format {
		case "int32":
			t.Bits = 32
		case "", "int64":
		default:
			b.fail(p+"/format", "format %q does not apply to an integer", s.Format)
		}
		for _, bound := range []*float64{s.Min, s.Max} {
			if bound != nil && *bound != math.Trunc(*bound) {
				b.fail(p, "the bounds of an integer must be integers, not %v", *bound)
			}
		}
		t.Limits.Min = intPtr64(s.Min)
		t.Limits.Max = intPtr64(s.Max)
		return t, s.Default
	case s.Type.Is("number"):
		t := &Type{Kind: Float, Bits: 64}
		switch s.Format {
		case "float":
			t.Bits = 32
		case "double":
		default:
			b.fail(p, "a number needs format float or double")
			return nil, nil
		}
		t.Limits.MinFloat, t.Limits.MaxFloat = s.Min, s.Max
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
		if !v.Type.Is("string") || len(v.Enum) > 0 || v.Format != "" {
			b.fail(p+"/additionalProperties", "only maps of strings are supported")
			return nil, nil
		}
		if s.AdditionalProperties.Schema.Ref == "" {
			b.extensions(p+"/additionalProperties", "a map value", extSensitive)
		}
		t := &Type{Kind: Map, Elem: &Type{Kind: String, Limits: b.stringLimits(v, p+"/additionalProperties")}}
		if s.MinProps > 0 {
			t.Limits.MinEntries = intPtr(int(s.MinProps))
		}
		if s.MaxProps != nil {
			t.Limits.MaxEntries = intPtr(int(*s.MaxProps))
		}
		ext := b.doc.Extensions(p)
		if kl := ext.KeyLength; kl != nil {
			t.Limits.MinKeyLength, t.Limits.MaxKeyLength = kl.Min, kl.Max
		}
		t.Limits.MaxTotalBytes = ext.MaxTotalBytes
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

func (b *builder) operation(path, method string) *Operation {
	item := b.oa.Paths.Find(path)
	p := spec.Pointer("/paths", path, method)
	var o *openapi3.Operation
	if item != nil {
		o = item.GetOperation(strings.ToUpper(method))
	}
	if o == nil {
		b.fail(p, "%s is not an operation", method)
		return nil
	}
	if o.OperationID == "" {
		b.fail(p, "an operation needs an operationId")
		return nil
	}
	op := &Operation{Name: o.OperationID, Method: strings.ToUpper(method), Path: path, Pointer: p, Summary: o.Summary}
	params := b.parameters(o, p)
	if o.RequestBody != nil {
		content := o.RequestBody.Value.Content.Get("application/json")
		if content == nil {
			b.fail(p+"/requestBody", "a request body must be application/json")
			return nil
		}
		op.Input = b.bodyStruct(content.Schema, p+"/requestBody")
		op.HasBody = true
		if op.Input != nil && len(params) > 0 {
			op.Input.Members = append(params, op.Input.Members...)
		}
	} else {
		// No body: the input is made of the parameters alone.
		name := op.Name + "Request"
		if _, taken := b.oa.Components.Schemas[name]; taken {
			b.fail(p, "the operation has no request body, so its input is named %s, which components/schemas already uses", name)
			return nil
		}
		op.Input = &Struct{Name: name, Pointer: p, Members: params}
	}
	if op.Input != nil {
		b.distinctMembers(op.Input, "input", op.Name)
	}
	ok := o.Responses.Value("200")
	if ok == nil || ok.Value.Content.Get("application/json") == nil {
		b.fail(p+"/responses", "an operation needs a 200 application/json response")
		return nil
	}
	op.Output = b.bodyStruct(ok.Value.Content.Get("application/json").Schema, p+"/responses/200")
	if op.Output != nil {
		// The 200 response's headers go first, as the parameters do in the
		// input. A struct that already has them is another operation's
		// answer too: bodiesOwned refuses that.
		if hs := b.responseHeaders(ok, p+"/responses/200"); len(hs) > 0 && b.answerHeaders[op.Output] == nil {
			op.Output.Members = append(hs, op.Output.Members...)
			b.answerHeaders[op.Output] = op
			b.distinctMembers(op.Output, "output", op.Name)
		}
	}
	if op.Input == nil || op.Output == nil {
		return nil
	}
	b.bodies = append(b.bodies, op)
	markUse(op.Input, true, map[*Struct]bool{})
	markUse(op.Output, false, map[*Struct]bool{})

	for _, code := range b.doc.Keys(p + "/responses") {
		rp := spec.Pointer(p, "responses", code)
		ext := b.doc.Extensions(refPointer(o.Responses.Value(code), rp))
		declared, protocol := ext.Has(spec.ExtErrors), ext.Has(spec.ExtProtocolErrors)
		if code == "default" {
			if declared {
				b.fail(rp, "%s belongs on a response with a 4xx or 5xx status, not on default", spec.ExtErrors)
			}
			for _, pe := range ext.ProtocolErrors {
				b.error(pe.Name, pe.Status, true, rp+"/"+spec.ExtProtocolErrors)
			}
			continue
		}
		if code != "200" {
			b.errorHeaders(o.Responses.Value(code), rp)
		}
		status, _ := strconv.Atoi(code)
		if protocol {
			b.fail(rp, "%s belongs on the default response", spec.ExtProtocolErrors)
		}
		if status < 400 {
			if code != "200" {
				b.fail(rp, "status %s: an operation answers 200 on success", code)
			}
			continue
		}
		if len(ext.Errors) == 0 {
			b.fail(rp, "an error response needs %s naming its error types", spec.ExtErrors)
		}
		for _, name := range ext.Errors {
			if e := b.error(name, status, false, rp); e != nil && !slices.Contains(op.Errors, e) {
				op.Errors = append(op.Errors, e)
			}
		}
	}

	if pg := b.doc.Extensions(p).Paginated; pg != nil {
		pp := p + "/" + spec.ExtPaginated
		member := func(st *Struct, key string, kind Kind) *Member {
			name := map[string]string{"inputToken": pg.InputToken, "outputToken": pg.OutputToken, "pageSize": pg.PageSize, "items": pg.Items}[key]
			m := st.Member(name)
			switch {
			case m == nil:
				b.fail(pp, "%s: %s has no member %q", key, st.Name, name)
			case m.Type.Kind != kind:
				b.fail(pp, "%s: %s.%s is of kind %s, not %s", key, st.Name, name, m.Type.Kind, kind)
				return nil
			case st == op.Output && m.Location != Body:
				// The suite and the fake's pages read both from the body.
				b.fail(pp, "%s: %s.%s travels in a header; the page token and the items must be members of the body", key, st.Name, name)
				return nil
			}
			return m
		}
		op.Paginated = &Pagination{
			InputToken: member(op.Input, "inputToken", String), OutputToken: member(op.Output, "outputToken", String),
			PageSize: member(op.Input, "pageSize", Integer), Items: member(op.Output, "items", List),
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

// parameters turns an operation's parameters into input members, in spec
// order: path labels (required strings), query strings (strings, integers,
// booleans, enums, or lists of those) and headers (strings, integers,
// booleans or enums: see headerMember).
func (b *builder) parameters(o *openapi3.Operation, p string) []*Member {
	var out []*Member
	for i, ref := range o.Parameters {
		pp := spec.Pointer(p, "parameters", strconv.Itoa(i))
		prm := ref.Value
		if ref.Ref != "" || prm == nil || prm.Schema == nil {
			b.fail(pp, "a parameter must be written in the operation, with a schema")
			continue
		}
		name := prm.Name
		if mn := b.doc.Extensions(pp).Member; mn != "" {
			name = mn
		}
		if !memberName.MatchString(name) {
			b.fail(pp, "member name %q must be letters and digits, starting with a letter", name)
			continue
		}
		typ, def := b.typeOf(prm.Schema, pp+"/schema")
		if typ == nil {
			continue
		}
		if def != nil {
			b.fail(pp+"/schema", "a default on a parameter is not supported")
		}
		ext := b.doc.Extensions(refPointer(prm.Schema, pp+"/schema"))
		m := &Member{Name: name, GoName: GoName(name), Doc: prm.Description, Pointer: pp,
			Required: prm.Required, WireName: prm.Name, Type: typ,
			Sensitive: ext.Sensitive, IdempotencyToken: ext.IdempotencyToken}
		if m.IdempotencyToken && typ.Kind != String {
			b.fail(pp+"/schema", "an idempotency token must be a string, not %s", typ.Kind)
		}
		switch prm.In {
		case "path":
			m.Location, m.Required = Label, true
			if typ.Kind != String {
				b.fail(pp+"/schema", "a path label must be a string, not %s", typ.Kind)
				continue
			}
		case "query":
			m.Location = Query
			t := typ
			if t.Kind == List {
				t = t.Elem
			}
			if t.Kind != String && t.Kind != Integer && t.Kind != Boolean {
				b.fail(pp+"/schema", "a query parameter must be a string, integer, boolean or enum, or a list of those, not %s", typ)
				continue
			}
		case "header":
			m.Location = Header
			if !b.headerMember(m) {
				continue
			}
		}
		out = append(out, m)
	}
	b.distinctHeaders(out)
	return out
}

// responseHeaders turns the headers of a 200 response into output members,
// in spec order: each named by its x-ivsrt-member, or by the header's own
// name when that is a member name.
func (b *builder) responseHeaders(resp *openapi3.ResponseRef, rp string) []*Member {
	p := refPointer(resp, rp)
	var out []*Member
	for _, name := range b.doc.Keys(p + "/headers") {
		hp := spec.Pointer(p, "headers", name)
		h := resp.Value.Headers[name]
		if h == nil || h.Value == nil || h.Value.Schema == nil {
			b.fail(hp, "a header needs a schema")
			continue
		}
		member := name
		if mn := b.doc.Extensions(hp).Member; mn != "" {
			member = mn
		}
		if !memberName.MatchString(member) {
			b.fail(hp, "member name %q must be letters and digits, starting with a letter (%s names the member of a header)", member, spec.ExtMember)
			continue
		}
		typ, def := b.typeOf(h.Value.Schema, hp+"/schema")
		if typ == nil {
			continue
		}
		if def != nil {
			b.fail(hp+"/schema", "a default on a header is not supported")
		}
		ext := b.doc.Extensions(refPointer(h.Value.Schema, hp+"/schema"))
		if ext.IdempotencyToken {
			b.fail(hp+"/schema", "%s belongs on a request member, not on a header of an answer", spec.ExtIdempotencyToken)
		}
		m := &Member{Name: member, GoName: GoName(member), Doc: h.Value.Description, Pointer: hp,
			Required: h.Value.Required, Sensitive: ext.Sensitive, Location: Header, WireName: name, Type: typ}
		if b.headerMember(m) {
			out = append(out, m)
		}
	}
	b.distinctHeaders(out)
	return out
}

// headerName is an HTTP field name (RFC 9110's token).
var headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// protocolHeaders are the headers that restJson1 and the fake's wire layer
// read or write themselves (framing, signing, the request id, the error
// type): a member bound to one would fight them.
var protocolHeaders = []string{"Authorization", "Content-Length", "Content-Type", "Host", "Transfer-Encoding",
	"X-Amz-Content-Sha256", "X-Amz-Date", "X-Amz-Security-Token", "X-Amzn-ErrorType", "X-Amzn-RequestId"}

// headerMember checks a member bound to a header, of a request or of an
// answer: its name is a field name the protocol leaves to members, and its
// value is text the generated code can read and write as it is (a string
// or an enum) or parse (an integer, a boolean). The rest of what restJson1
// allows in a header is refused rather than handled wrongly.
func (b *builder) headerMember(m *Member) bool {
	switch {
	case !headerName.MatchString(m.WireName):
		b.fail(m.Pointer, "%q is not an HTTP header name", m.WireName)
		return false
	case slices.ContainsFunc(protocolHeaders, func(h string) bool { return strings.EqualFold(h, m.WireName) }):
		b.fail(m.Pointer, "header %s is the protocol's own (the wire layer reads or writes it): no member may be bound to it", m.WireName)
		return false
	}
	switch m.Type.Kind {
	case String, Integer, Boolean:
		return true
	case Timestamp:
		b.fail(m.Pointer+"/schema", "a timestamp in a header is not supported: restJson1 writes it as an HTTP date unless the model's timestampFormat says otherwise, and format: date-time cannot say which")
	case List:
		b.fail(m.Pointer+"/schema", "a list in a header is not supported yet: restJson1 writes it as one comma-separated value, with strings that hold a comma or a quote in quotes")
	default:
		b.fail(m.Pointer+"/schema", "a header must be a string, integer, boolean or enum, not %s", m.Type)
	}
	return false
}

// distinctHeaders refuses two members bound to one header: header names
// are case-insensitive.
func (b *builder) distinctHeaders(ms []*Member) {
	seen := map[string]string{}
	for _, m := range ms {
		if m.Location != Header {
			continue
		}
		key := strings.ToLower(m.WireName)
		if first, dup := seen[key]; dup {
			b.fail(m.Pointer, "header %s is already bound to member %s (header names are case-insensitive)", m.WireName, first)
			continue
		}
		seen[key] = m.Name
	}
}

// distinctMembers refuses two members of one name in an operation's input
// (a parameter and a body member) or output (a header and a body member).
func (b *builder) distinctMembers(st *Struct, what, op string) {
	seen := map[string]bool{}
	for _, m := range st.Members {
		if seen[m.Name] {
			b.fail(m.Pointer, "the %s of %s has two members named %q", what, op, m.Name)
		}
		seen[m.Name] = true
	}
}

// errorHeaders checks the headers of an error response (or of the default
// one) besides x-amzn-ErrorType. AWS's error shapes bind members to
// headers (the CORS and security headers its front end puts on every
// answer), and the importer writes them there. The model keeps none of
// them, on purpose: the fake writes every error with wire.WriteError, whose
// status, x-amzn-ErrorType, x-amzn-RequestId and exceptionMessage are what
// a client tells one error from another by, and no backend or generated
// code has a use for the rest. The suite still holds a target's error
// answers to these headers, from the spec itself (kin-openapi). An
// optional header is a header the fake may leave out; a required one would
// be a rule the fake breaks, so it is refused.
func (b *builder) errorHeaders(resp *openapi3.ResponseRef, rp string) {
	if resp == nil || resp.Value == nil {
		return
	}
	p := refPointer(resp, rp)
	for _, name := range b.doc.Keys(p + "/headers") {
		if strings.EqualFold(name, "x-amzn-ErrorType") {
			continue
		}
		if h := resp.Value.Headers[name]; h != nil && h.Value != nil && h.Value.Required {
			b.fail(spec.Pointer(p, "headers", name), "header %s is required on an error, which the fake cannot send: it writes errors with wire.WriteError, whose only headers are x-amzn-ErrorType and x-amzn-RequestId", name)
		}
	}
}

// bodiesOwned refuses a body schema that takes an operation's parameters
// or the headers of its 200 response but is also another operation's
// input or output, the other side of its own operation, or a member's
// type: the parameters or headers would show up there too.
func (b *builder) bodiesOwned(ops []*Operation) {
	for _, op := range ops {
		if op.HasBody && len(op.Labels())+len(op.Query())+len(op.Headers()) > 0 {
			b.owned(ops, op, op.Input, op.Pointer+"/requestBody", "parameters")
		}
		if b.answerHeaders[op.Output] == op {
			b.owned(ops, op, op.Output, op.Pointer+"/responses/200", "response headers")
		}
	}
}

// owned refuses any use of st, which takes what of op, but op's own.
func (b *builder) owned(ops []*Operation, op *Operation, st *Struct, p, what string) {
	if op.Input == op.Output {
		b.fail(p, "%s takes the %s of %s, so it may not be both its request and its answer", st.Name, what, op.Name)
	}
	for _, other := range ops {
		if other != op && (other.Input == st || other.Output == st) {
			b.fail(p, "%s takes the %s of %s, so no other operation may use it", st.Name, what, op.Name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(b.structs)) {
		for _, m := range b.structs[name].Members {
			for t := m.Type; t != nil; t = t.Elem {
				if t.Struct == st {
					b.fail(p, "%s takes the %s of %s, so it may not be the type of %s", st.Name, what, op.Name, m.Pointer)
				}
			}
		}
	}
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

// error returns the one Error of a name, declared (by an operation) or
// protocol-level or both: the same name must have the same status in both
// places (InternalServerException, 500).
func (b *builder) error(name string, status int, protocol bool, p string) *Error {
	if e := b.errors[name]; e != nil {
		if e.Status != status {
			b.fail(p, "error %s has status %d here but %d elsewhere", name, status, e.Status)
			return nil
		}
		e.Protocol = e.Protocol || protocol
		e.Declared = e.Declared || !protocol
		return e
	}
	e := &Error{Name: name, Status: status, Protocol: protocol, Declared: !protocol}
	b.errors[name] = e
	b.svc.Errors = append(b.svc.Errors, e)
	return e
}

// structExtensions reads x-ivsrt-filters and x-ivsrt-reset-when, once every
// struct has its members.
func (b *builder) structExtensions(st *Struct) {
	ref := b.oa.Components.Schemas[st.Name]
	if ref == nil || ref.Value == nil { // the input of an operation without a body
		return
	}
	ext := b.doc.Extensions(st.Pointer)
	if f := ext.Filters; f != nil {
		p := st.Pointer + "/" + spec.ExtFilters
		items := b.structs[f.Items]
		if items == nil {
			b.fail(p+"/items", "%q is not an object schema", f.Items)
			return
		}
		filters := &Filters{Items: items}
		for _, match := range f.Match {
			name, field := match.Filter, match.Field
			fm, im := st.Member(name), items.Member(field)
			mp := spec.Pointer(p, "match", name)
			switch {
			case fm == nil:
				b.fail(mp, "%s has no member %q", st.Name, name)
			case im == nil:
				b.fail(mp, "%s has no member %q", items.Name, field)
			case fm.Type.Kind != im.Type.Kind || (fm.Type.Kind != String && fm.Type.Kind != Boolean && fm.Type.Kind != Integer):
				b.fail(mp, "filter %s (%s) cannot match %s.%s (%s)", name, fm.Type.Kind, items.Name, field, im.Type.Kind)
			default:
				filters.Match = append(filters.Match, FilterMatch{Filter: fm, Field: im})
			}
		}
		if len(filters.Match) < 1 {
			b.fail(p+"/match", "%s needs at least one filter", spec.ExtFilters)
		}
		st.Filters = filters
	}
	if r := ext.ResetWhen; r != nil {
		p := st.Pointer + "/" + spec.ExtResetWhen
		m := st.Member(r.Member)
		if m == nil || m.Type.Kind != String || r.Equals == nil {
			b.fail(p, "%s needs a string member of %s and a string value", spec.ExtResetWhen, st.Name)
			return
		}
		st.ResetWhen = &ResetWhen{Member: m, Equals: *r.Equals}
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

// refPointer is the JSON pointer of the object a reference stands for:
// where a $ref points, else p, where the object is written.
func refPointer(ref interface{ RefString() string }, p string) string {
	if r := ref.RefString(); strings.HasPrefix(r, "#") {
		return r[1:]
	}
	return p
}
