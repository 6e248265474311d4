package suitegen

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ivsrt/contract/generator/model"
	"github.com/ivsrt/contract/spec"
)

// This file turns the model into the conformance suite's cases: one or two
// per constraint of every request member (at the bound and past it),
// wrong JSON types, malformed bodies, mutually exclusive filters, and the
// shape, filter and paging checks that need a live resource. Cases are
// plain data; emit_suite.go writes them out and the hand-written runtime
// (conformance/suite) interprets them.

// tagsMember is the name of the request member that tags what an
// operation creates (AWS's convention).
const tagsMember = "tags"

// sampleVars stand in for identifier template variables when the
// generator checks a made-up identifier; at run time the placeholders
// ${region} and ${account} take the target's values.
var sampleVars = map[string]string{"region": "us-east-1", "account": "123456789012"}

// testCase is one generated case; its fields mirror suite.Case.
type testCase struct {
	Name, Op, Member, Rule string
	Kind                   string // suite constant name, e.g. KindRequest
	Source                 string // suite constant name, e.g. SourceModel; add fills it in by rule
	Body                   string
	Expect                 string // suite constant name, e.g. ExpectError
	Error                  string
	Paths                  []string
	AcceptErrors           []string
	ResponsePath           []string
	Filter, Field, Value   string
	EachPresent            bool
	PageSize               int
}

// pathStep is one step from a request body's root to a member: a member
// name, or the first element of a list (member == "").
type pathStep struct {
	member string
	typ    *model.Type // the type of the value at this step
}

type memberPath []pathStep

func (l memberPath) with(s pathStep) memberPath {
	return append(append(memberPath(nil), l...), s)
}

// name is the path in case names: participantTokenConfigurations[].duration.
func (l memberPath) name() string {
	var b strings.Builder
	for _, s := range l {
		if s.member == "" {
			b.WriteString("[]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.member)
	}
	return b.String()
}

// awsPath is the path as AWS writes it in messages, items 1-based:
// participantTokenConfigurations.1.member.duration. Trailing list elements
// are left off: the message names the list, or something under it.
func (l memberPath) awsPath() string {
	end := len(l)
	for end > 0 && l[end-1].member == "" {
		end--
	}
	var parts []string
	for _, s := range l[:end] {
		if s.member == "" {
			parts = append(parts, "1", "member")
		} else {
			parts = append(parts, s.member)
		}
	}
	return strings.Join(parts, ".")
}

// builder builds the cases of one service.
type builder struct {
	svc      *model.Service
	cases    []testCase
	names    map[string]bool
	patterns map[string]*patternSampler
	err      error

	// runKey is the tag every stage a run creates carries, with the run id
	// as its value; caseKey the tag naming the case that made a stage.
	runKey, caseKey string
	members         []member
	// labelSamples are the samples of path labels the cases were built
	// with, by member pointer.
	labelSamples map[string]string

	// per operation
	op   *model.Operation
	base map[string]any
	// at is the JSON pointer of what is being turned into cases, so a
	// refusal names its place in the spec.
	at string
	// label says the member under test is a path label; header that it is
	// a request header, whose values must be text a header carries as it
	// is (see headerSafe).
	label, header bool
}

func (g *builder) fail(format string, args ...any) {
	if g.err == nil {
		g.err = &spec.Error{Pointer: g.at, Msg: "generator: suite: " + fmt.Sprintf(format, args...)}
	}
}

func (g *builder) add(c testCase) {
	if g.names[c.Name] {
		g.fail("two cases are named %q", c.Name)
		return
	}
	g.names[c.Name] = true
	if c.Source == "" {
		c.Source = sourceOf(c)
	}
	g.cases = append(g.cases, c)
}

// sourceOf says where the rule of a generated case comes from. What the
// spec writes in standard keywords (types, lengths, patterns, ranges,
// enums, item and entry counts, required members, shapes, timestamp
// formats, pagination) is imported from AWS's model. The rest comes from
// the overlay: the 1 KB total of token attributes and filter exclusivity
// are in AWS's documentation, but how the total is counted is our reading,
// so only the case past it in bytes and in characters alike is
// documented; the one at it (1 KB read as 1024) and the one past it in
// bytes only are inferred. An unknown member accepted is our reading of
// AWS's JSON protocols.
func sourceOf(c testCase) string {
	switch {
	case c.Rule == "maxTotalBytes" && (c.Expect == "ExpectAccepted" || strings.HasSuffix(c.Name, "/over-multibyte")):
		return "SourceInferred"
	case c.Rule == "maxTotalBytes":
		return "SourceDocumented"
	case c.Rule == "filters" && c.Expect == "ExpectError": // two filters at once
		return "SourceDocumented"
	case c.Kind == "KindFilter": // what a filter keeps
		return "SourceDocumented"
	case c.Rule == ruleUnknownMember:
		return "SourceInferred"
	}
	return "SourceModel"
}

func (g *builder) pattern(t *model.Type) *patternSampler {
	if t.Limits.Pattern == nil {
		return nil
	}
	expr := t.Limits.Pattern.Expr
	if p, ok := g.patterns[expr]; ok {
		return p
	}
	p, err := newPatternSampler(expr)
	if err != nil {
		g.fail("pattern %q: %v", expr, err)
		return nil
	}
	g.patterns[expr] = p
	return p
}

// build makes every case of the service, in spec order, a sample of each
// path label (by member pointer), and describes every member for the
// Contract.
func build(svc *model.Service) (*builder, error) {
	g := &builder{svc: svc, names: map[string]bool{}, patterns: map[string]*patternSampler{}, labelSamples: map[string]string{}}
	g.runKey, g.caseKey = g.tagKeys()
	for _, op := range svc.Operations {
		g.operation(op)
		for _, m := range op.Labels() {
			g.labelSamples[m.Pointer], _ = g.sample(m.Type).(string)
		}
		if g.err != nil {
			return nil, g.err
		}
	}
	g.members = g.describeMembers()
	return g, g.err
}

func (g *builder) operation(op *model.Operation) {
	g.op = op
	g.at = op.Pointer
	g.base = g.minimal(op.Input, true)
	if g.base == nil {
		return
	}

	// Only a JSON body can be malformed: an operation without one reads
	// none (the runtime then sends what the URL cannot take as the body).
	if op.HasBody {
		g.add(testCase{Name: op.Name + "/json/malformed", Op: op.Name, Rule: "json", Kind: "KindRequest",
			Body: `{"`, Expect: "ExpectError", Error: "SerializationException"})
		g.add(testCase{Name: op.Name + "/json/not-an-object", Op: op.Name, Rule: "json", Kind: "KindRequest",
			Body: `[]`, Expect: "ExpectError", Error: "SerializationException"})
	}

	first := len(g.cases)
	for _, m := range op.Input.Members {
		g.member(memberPath{{member: m.Name, typ: m.Type}}, m)
	}
	if f := op.Input.Filters; f != nil {
		g.filterRules(f)
	}
	// The error contract of ValidationException, on the first request the
	// operation must refuse: status, x-amzn-ErrorType and exceptionMessage.
	for _, c := range g.cases[first:] {
		if c.Expect == "ExpectError" && c.Error == "ValidationException" {
			g.add(testCase{Name: op.Name + "/errors/ValidationException", Op: op.Name, Member: c.Member, Rule: "error-contract",
				Kind: "KindRequest", Body: c.Body, Expect: "ExpectError", Error: "ValidationException", Paths: c.Paths})
			break
		}
	}

	success := g.successBody()
	g.add(testCase{Name: op.Name + "/shape/success", Op: op.Name, Rule: "shape", Kind: "KindShape", Body: success})
	g.timestamps(op.Output, nil, nil, success, map[*model.Struct]bool{})
	g.unknownMember(success)
	if f := op.Input.Filters; f != nil {
		g.filterBehaviour(f, success)
	}
	if pg := op.Paginated; pg != nil && pg.PageSize != nil && pg.OutputToken != nil {
		for _, size := range pageSizes(pg.PageSize.Type.Limits) {
			g.add(testCase{Name: fmt.Sprintf("%s/pagination/%s=%d", op.Name, pg.PageSize.Name, size), Op: op.Name,
				Member: pg.OutputToken.Name, Rule: "pagination", Kind: "KindPagination", Body: success, PageSize: int(size)})
		}
	}
	g.resourceCases()
}

// ruleUnknownMember is the rule of the cases that send a member the
// operation does not have.
const ruleUnknownMember = "unknown-member"

// unknownMember adds a case that sends a valid request with one more
// member, which the operation does not know and must ignore (AWS does, so
// that a newer client works against an older endpoint). Only a JSON body
// can carry one: an operation without a body gets no such case.
func (g *builder) unknownMember(success string) {
	if !g.op.HasBody {
		return
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(success), &body); err != nil {
		g.fail("the success body of %s is not an object: %v", g.op.Name, err)
		return
	}
	name := "ivsrtUnknownMember"
	for i := 2; g.op.Input.Member(name) != nil; i++ {
		name = fmt.Sprintf("ivsrtUnknownMember%d", i)
	}
	body[name] = "ignored"
	g.add(testCase{Name: g.op.Name + "/unknown-member/ignored", Op: g.op.Name, Member: name, Rule: ruleUnknownMember,
		Kind: "KindShape", Body: g.encode(body)})
}

// maxPageSizeCases bounds how many page sizes get a case each: up to
// this many, every size from the minimum to the maximum is tried (paging a
// live list is cheap); a wider range gets its ends and a few sizes between.
const maxPageSizeCases = 100

// pageSizes lists the page sizes to page a live list with.
func pageSizes(l model.Limits) []int64 {
	lo := int64(1)
	if l.Min != nil {
		lo = max(*l.Min, 1)
	}
	if l.Max == nil || *l.Max < lo {
		return []int64{lo}
	}
	hi := *l.Max
	var out []int64
	if hi-lo+1 <= maxPageSizeCases {
		for n := lo; n <= hi; n++ {
			out = append(out, n)
		}
		return out
	}
	for n := lo; n < lo+10; n++ {
		out = append(out, n)
	}
	return append(out, hi/2, hi-1, hi)
}

// ---- bodies ------------------------------------------------------------------

func (g *builder) encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		g.fail("encoding a body: %v", err)
	}
	return string(b)
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// isTags reports whether loc is the operation's tags member, which carries
// the run tag.
func (g *builder) isTags(loc memberPath) bool {
	return len(loc) == 1 && loc[0].member == tagsMember && loc[0].typ.Kind == model.Map
}

func (g *builder) runTag() map[string]any { return map[string]any{g.runKey: "${runId}"} }

// minimal is a struct with only its required members, set to sample
// values; the operation's input also gets the run tag.
func (g *builder) minimal(st *model.Struct, top bool) map[string]any {
	out := map[string]any{}
	for _, m := range st.Members {
		if m.Required {
			out[m.Name] = g.requiredSample(m)
		}
		if top && m.Name == tagsMember && m.Type.Kind == model.Map {
			out[m.Name] = g.runTag()
		}
	}
	return out
}

// requiredSample is a sample of a required member that is present on the
// wire: a query list without elements sends no parameter at all, which is
// the member left out, so it gets one element; an empty header may be
// read as no header at all, so a header gets a string of one character at
// least.
func (g *builder) requiredSample(m *model.Member) any {
	v := g.sample(m.Type)
	if l, ok := v.([]any); ok && len(l) == 0 && m.Location == model.Query {
		v = []any{g.elemSample(m.Type.Elem, 0)}
	}
	if s, ok := v.(string); ok && s == "" && m.Location == model.Header {
		v = g.stringSample(m.Type, 1)
	}
	return v
}

// sample is a typical valid value of a type.
func (g *builder) sample(t *model.Type) any {
	switch t.Kind {
	case model.String:
		if t.Enum != nil {
			return t.Enum.Values[0]
		}
		if t.Scalar != nil && t.Scalar.Identifier != nil {
			return g.identifier(t)
		}
		// A pattern gets its shortest match ("" where it allows that, as
		// "^$|..." says on purpose); free text gets a letter.
		lo := 1
		if t.Limits.Pattern != nil {
			lo = 0
		}
		return g.stringSample(t, lo)
	case model.Integer:
		v := int64(1)
		if t.Limits.Min != nil {
			v = max(v, *t.Limits.Min)
		}
		if t.Limits.Max != nil {
			v = min(v, *t.Limits.Max)
		}
		return v
	case model.Float:
		v := 1.0
		if t.Limits.MinFloat != nil {
			v = max(v, *t.Limits.MinFloat)
		}
		if t.Limits.MaxFloat != nil {
			v = min(v, *t.Limits.MaxFloat)
		}
		return v
	case model.Boolean:
		return true
	case model.Timestamp:
		return "2024-06-20T17:04:05Z"
	case model.List:
		var out []any
		if t.Limits.MinItems != nil {
			for i := 0; i < *t.Limits.MinItems; i++ {
				out = append(out, g.elemSample(t.Elem, i))
			}
		}
		if out == nil {
			out = []any{}
		}
		return out
	case model.Map:
		out := map[string]any{}
		if m := t.Limits.MinEntries; m != nil {
			for i := 0; i < *m; i++ {
				out[fmt.Sprintf("k%d", i+1)] = g.sample(t.Elem)
			}
		}
		return out
	case model.Object:
		return g.minimal(t.Struct, false)
	}
	return nil
}

// stringSample is the shortest valid string of t of at least lo
// characters.
func (g *builder) stringSample(t *model.Type, lo int) string {
	if t.Limits.MinLength != nil {
		lo = max(lo, *t.Limits.MinLength)
	}
	hi := lo + 256
	if t.Limits.MaxLength != nil {
		hi = min(hi, *t.Limits.MaxLength)
	}
	for n := lo; n <= hi; n++ {
		if s, ok := g.stringOf(t, n, true); ok && g.satisfies(t, s) {
			return s
		}
	}
	g.fail("no sample string for %s", t)
	return ""
}

// elemSample is the i-th element of a sample list: enums cycle through
// their values.
func (g *builder) elemSample(t *model.Type, i int) any {
	if t.Kind == model.String && t.Enum != nil {
		return t.Enum.Values[i%len(t.Enum.Values)]
	}
	return g.sample(t)
}

// identifier renders an identifier template: variables as ${name}
// placeholders, random parts as fixed letters and digits. The result, with
// sample variables, must satisfy the type's constraints.
func (g *builder) identifier(t *model.Type) string {
	var b, check strings.Builder
	for _, p := range t.Scalar.Identifier.Parts {
		switch {
		case p.Literal != "":
			b.WriteString(p.Literal)
			check.WriteString(p.Literal)
		case p.Var != "":
			v, ok := sampleVars[p.Var]
			if !ok {
				g.fail("identifier %s: no sample for variable {%s}", t.Scalar.Name, p.Var)
			}
			b.WriteString("${" + p.Var + "}")
			check.WriteString(v)
		default:
			s := alnumN(p.Random)
			b.WriteString(s)
			check.WriteString(s)
		}
	}
	if !g.satisfies(t, check.String()) {
		g.fail("identifier %s: %q breaks its own constraints", t.Scalar.Name, check.String())
	}
	return b.String()
}

// satisfies checks a string against a type's length and pattern.
func (g *builder) satisfies(t *model.Type, s string) bool {
	n := utf8.RuneCountInString(s)
	if t.Limits.MinLength != nil && n < *t.Limits.MinLength {
		return false
	}
	if t.Limits.MaxLength != nil && n > *t.Limits.MaxLength {
		return false
	}
	if p := g.pattern(t); p != nil && !p.re.MatchString(s) {
		return false
	}
	return true
}

// stringOf returns a string of n characters: one that matches the pattern
// when there is one (match), else, if match is false, letters.
func (g *builder) stringOf(t *model.Type, n int, match bool) (string, bool) {
	if n < 0 {
		return "", false
	}
	if p := g.pattern(t); p != nil {
		if s, ok := p.ofLength(n); ok {
			return s, true
		}
		if match {
			return "", false
		}
	}
	return strings.Repeat("a", n), true
}

// setIn returns cur with the value at steps replaced by val (or removed,
// with omit); containers on the way are made with their required members.
func (g *builder) setIn(cur any, steps memberPath, val any, omit bool) any {
	st := steps[0]
	if st.member != "" {
		m, _ := cur.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		if len(steps) == 1 {
			if omit {
				delete(m, st.member)
			} else {
				m[st.member] = val
			}
			return m
		}
		child, ok := m[st.member]
		if !ok {
			child = g.container(st.typ)
		}
		m[st.member] = g.setIn(child, steps[1:], val, omit)
		return m
	}
	l, _ := cur.([]any)
	if len(l) == 0 {
		l = []any{g.sample(st.typ)}
	}
	if len(steps) == 1 {
		if omit {
			return l[1:]
		}
		l[0] = val
		return l
	}
	l[0] = g.setIn(l[0], steps[1:], val, omit)
	return l
}

func (g *builder) container(t *model.Type) any {
	switch t.Kind {
	case model.Object:
		return g.minimal(t.Struct, false)
	case model.List:
		return []any{}
	case model.Map:
		return map[string]any{}
	}
	return g.sample(t)
}

// bodyWith is the operation's base body with val at loc.
func (g *builder) bodyWith(loc memberPath, val any) string {
	return g.encode(g.setIn(deepCopy(g.base), loc, val, false))
}

func (g *builder) bodyWithout(loc memberPath) string {
	return g.encode(g.setIn(deepCopy(g.base), loc, nil, true))
}

// successBody is the base body with identifiers of live resources, and one
// minimal element in each list of structures, so the answer has something
// in it to check.
func (g *builder) successBody() string {
	body := deepCopy(g.base).(map[string]any)
	for _, m := range g.op.Input.Members {
		t := m.Type
		switch {
		case m.Required && t.Kind == model.String && t.Scalar != nil && t.Scalar.Identifier != nil:
			body[m.Name] = "${live:" + t.Scalar.Name + "}"
		case m.Required && t.Kind == model.String && t.Scalar != nil && len(t.Scalar.IdentifierOf) > 0:
			body[m.Name] = "${live:" + t.Scalar.IdentifierOf[0] + "}"
		case !m.Required && t.Kind == model.List && t.Elem.Kind == model.Object:
			body[m.Name] = []any{g.minimal(t.Elem.Struct, false)}
		}
	}
	// Identifiers deeper in (a destination's storage configuration, say)
	// name live resources too, not made-up ones.
	live, _ := g.live(g.encode(body), nil, "")
	return live
}

// ---- constraint cases --------------------------------------------------------

// accepted adds a case whose request is valid, and so must succeed: every
// identifier in it names a live resource (live), but the value under test
// when that is a made-up identifier, which can only name nothing: then the
// errors that say so (the operation's ResourceNotFoundException, and its
// AccessDeniedException for a made-up ARN of another account) show the
// request accepted too.
func (g *builder) accepted(loc memberPath, rule, variant string, body string) {
	if g.opaque(loc) {
		return
	}
	var madeUp []*model.Scalar
	body, madeUp = g.live(body, loc, rule)
	g.add(testCase{Name: g.op.Name + "/" + loc.name() + "/" + rule + "/" + variant, Op: g.op.Name, Member: loc.name(),
		Rule: rule, Kind: "KindRequest", Body: body, Expect: "ExpectAccepted", AcceptErrors: g.notFoundErrors(madeUp)})
}

// notFoundErrors are the errors the operation declares for identifiers
// of the formats that name nothing of the caller's.
func (g *builder) notFoundErrors(formats []*model.Scalar) []string {
	if len(formats) == 0 {
		return nil
	}
	var out []string
	if g.op.Declares(errNotFound) {
		out = append(out, errNotFound)
	}
	if g.op.Declares(errAccessDenied) && slices.ContainsFunc(formats, namesAccount) {
		out = append(out, errAccessDenied)
	}
	return out
}

// live is body with every identifier in it (at any depth; empty ones left
// where "" says "none": not a required one) set to the live resource of
// its format,
// ${live:Format}, but those under loc, the value under test of rule,
// which stay as made up and are returned by their formats. (A required
// member's value is not under test: only its presence is.) Against a
// target without such a resource the case is skipped with the reason,
// rather than pass on a ResourceNotFoundException.
func (g *builder) live(body string, loc memberPath, rule string) (string, []*model.Scalar) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber() // numbers go back out as written
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil || doc == nil {
		return body, nil
	}
	under := ""
	if loc != nil && rule != "required" {
		under = loc.name()
	}
	var madeUp []*model.Scalar
	var walk func(v any, t *model.Type, path string, required bool) any
	walk = func(v any, t *model.Type, path string, required bool) any {
		switch t.Kind {
		case model.String:
			s, ok := v.(string)
			f := identifierFormat(g.svc, t)
			// "" names no resource where a member may be left empty (a
			// recording configuration without storage); a required
			// identifier must name one.
			if !ok || s == "" && !required || f == nil || strings.HasPrefix(s, "${") {
				return v
			}
			if under != "" && (path == under || strings.HasPrefix(path, under+".") || strings.HasPrefix(path, under+"[]")) {
				madeUp = append(madeUp, f)
				return v
			}
			return "${live:" + f.Name + "}"
		case model.List:
			if l, ok := v.([]any); ok {
				for i := range l {
					l[i] = walk(l[i], t.Elem, path+"[]", false)
				}
			}
		case model.Object:
			if m, ok := v.(map[string]any); ok {
				for _, mem := range t.Struct.Members {
					if x, ok := m[mem.Name]; ok {
						p := mem.Name
						if path != "" {
							p = path + "." + mem.Name
						}
						m[mem.Name] = walk(x, mem.Type, p, mem.Required)
					}
				}
			}
		}
		return v
	}
	walk(doc, &model.Type{Kind: model.Object, Struct: g.op.Input}, "", false)
	return g.encode(doc), madeUp
}

// identifierFormat is the identifier format of a string type: its own, or
// the first it takes (x-ivsrt-identifier-of); nil for other strings.
func identifierFormat(svc *model.Service, t *model.Type) *model.Scalar {
	if t.Scalar == nil {
		return nil
	}
	if t.Scalar.Identifier != nil {
		return t.Scalar
	}
	for _, name := range t.Scalar.IdentifierOf {
		if i := slices.IndexFunc(svc.Identifiers, func(s *model.Scalar) bool { return s.Name == name }); i >= 0 {
			return svc.Identifiers[i]
		}
	}
	return nil
}

// rejected adds a case whose request must be refused with a
// ValidationException naming paths.
func (g *builder) rejected(loc memberPath, rule, variant string, body string, paths ...string) {
	if len(paths) == 0 {
		paths = []string{loc.awsPath()}
	}
	g.add(testCase{Name: g.op.Name + "/" + loc.name() + "/" + rule + "/" + variant, Op: g.op.Name, Member: loc.name(),
		Rule: rule, Kind: "KindRequest", Body: body, Expect: "ExpectError", Error: "ValidationException", Paths: paths})
}

// opaque reports whether loc is the operation's page token: a made-up
// token is refused whatever its form, so no case may expect one accepted.
func (g *builder) opaque(loc memberPath) bool {
	pg := g.op.Paginated
	return pg != nil && pg.InputToken != nil && len(loc) == 1 && loc[0].member == pg.InputToken.Name
}

func (g *builder) member(loc memberPath, m *model.Member) {
	defer func(at string) { g.at = at }(g.at)
	g.at = m.Pointer
	// A label cannot be left out: a URL without it names another path, or
	// none, so there is no required case to make for it. A query member can
	// (null leaves the parameter out too).
	if m.Required && m.Location != model.Label {
		g.rejected(loc, "required", "omitted", g.bodyWithout(loc))
		// JSON null is no value: AWS reads it as a missing member.
		g.rejected(loc, "required", "null", g.bodyWith(loc, nil))
		g.accepted(loc, "required", "present", g.bodyWith(loc, g.requiredSample(m)))
	}
	// Labels and query parameters are text: only a JSON member has a type
	// to get wrong.
	if m.Location == model.Body {
		g.add(testCase{Name: g.op.Name + "/" + loc.name() + "/wrong-type", Op: g.op.Name, Member: loc.name(), Rule: "wrong-type",
			Kind: "KindRequest", Body: g.bodyWith(loc, wrongType(m.Type)), Expect: "ExpectError", Error: "SerializationException"})
	}
	g.label, g.header = m.Location == model.Label, m.Location == model.Header
	defer func() { g.label, g.header = false, false }()
	g.typeRules(loc, m.Type, func(v any) any { return v })
}

// wrongType is a JSON value of another type than t's.
func wrongType(t *model.Type) any {
	switch t.Kind {
	case model.String, model.Timestamp:
		return 123
	case model.Integer, model.Float:
		return "123"
	case model.Boolean:
		return "true"
	case model.List:
		return map[string]any{}
	default: // maps and structures
		return []any{}
	}
}

// typeRules adds the cases of t's constraints at loc; put wraps a value of
// t into what goes at loc (for map values: a map holding it).
func (g *builder) typeRules(loc memberPath, t *model.Type, put func(any) any) {
	body := func(v any) string { return g.bodyWith(loc, put(v)) }
	switch t.Kind {
	case model.String:
		if t.Enum != nil {
			for _, v := range t.Enum.Values {
				if g.header && !headerSafe(v) {
					g.fail("%s %s: enum value %q cannot go in a header as it is", g.op.Name, loc.name(), v)
				}
				g.accepted(loc, "enum", v, body(v))
			}
			g.rejected(loc, "enum", "not-a-member", body(notAMember(t.Enum.Values)))
			return
		}
		g.stringRules(loc, t, body)
	case model.Integer:
		g.integerRules(loc, t, body)
	case model.Float:
		g.floatRules(loc, t, body)
	case model.List:
		g.listRules(loc, t, body)
		elem := loc.with(pathStep{typ: t.Elem})
		switch t.Elem.Kind {
		case model.Object:
			for _, m := range t.Elem.Struct.Members {
				g.member(elem.with(pathStep{member: m.Name, typ: m.Type}), m)
			}
		default:
			g.typeRules(elem, t.Elem, put)
		}
	case model.Map:
		g.mapRules(loc, t)
	case model.Object:
		for _, m := range t.Struct.Members {
			g.member(loc.with(pathStep{member: m.Name, typ: m.Type}), m)
		}
	}
}

func notAMember(values []string) string {
	cand := strings.ToLower(values[0])
	for _, v := range values {
		if v == cand {
			return "NOT_A_MEMBER"
		}
	}
	return cand
}

// stringRules adds the cases of a string's lengths and pattern. A header's
// values must be text a header carries as it is: a sample that is not
// fails the generation, naming the member, rather than go out changed.
func (g *builder) stringRules(loc memberPath, t *model.Type, body func(any) string) {
	l := t.Limits
	check := func(s string, ok bool, want bool, what string) string {
		if !ok || g.satisfies(t, s) != want {
			g.fail("%s %s: no sample %s (got %q)", g.op.Name, loc.name(), what, s)
		}
		if g.header && !headerSafe(s) {
			g.fail("%s %s: the sample %s, %q, cannot go in a header as it is", g.op.Name, loc.name(), what, s)
		}
		return s
	}
	if l.MinLength != nil && *l.MinLength > 0 {
		if s, ok := g.stringOf(t, *l.MinLength, true); ok {
			g.accepted(loc, "minLength", "at", body(check(s, ok, true, "at minLength")))
		}
		// An empty label leaves an empty path segment, which AWS may route
		// nowhere rather than validate; an empty header may be read as no
		// header at all: no case claims either.
		if !((g.label || g.header) && *l.MinLength == 1) {
			s, ok := g.stringOf(t, *l.MinLength-1, false)
			g.rejected(loc, "minLength", "under", body(check(s, ok, false, "under minLength")))
		}
	}
	if l.MaxLength != nil {
		if s, ok := g.stringOf(t, *l.MaxLength, true); ok {
			g.accepted(loc, "maxLength", "at", body(check(s, ok, true, "at maxLength")))
		}
		// Header values are ASCII text in practice (RFC 9110 leaves other
		// bytes opaque), so a header gets no multi-byte case.
		if l.Pattern == nil && !g.header {
			s := multiByte(*l.MaxLength)
			g.accepted(loc, "maxLength", "at-multibyte", body(check(s, true, true, "of multi-byte characters at maxLength")))
		}
		s, ok := g.stringOf(t, *l.MaxLength+1, false)
		g.rejected(loc, "maxLength", "over", body(check(s, ok, false, "over maxLength")))
	}
	if p := g.pattern(t); p != nil {
		lo := 1
		if l.MinLength != nil {
			lo = max(lo, *l.MinLength)
		}
		hi := lo + 256
		if l.MaxLength != nil {
			hi = *l.MaxLength
		}
		usable := func(string) bool { return true }
		if g.header {
			usable = headerSafe
		}
		for n := lo; n <= hi; n++ {
			if s, ok := p.mismatch(n, usable); ok {
				g.rejected(loc, "pattern", "mismatch", body(check(s, ok, false, "breaking the pattern")))
				g.anchorRules(loc, t, p, body)
				return
			}
		}
		g.fail("%s %s: no string within the length bounds breaks pattern %s", g.op.Name, loc.name(), p.expr)
	}
}

// anchorRules adds the cases that catch a pattern matched anywhere in the
// value instead of against all of it: a valid value with a character that
// breaks the pattern before it, and after it.
func (g *builder) anchorRules(loc memberPath, t *model.Type, p *patternSampler, body func(any) string) {
	lo := 1
	if t.Limits.MinLength != nil {
		lo = max(lo, *t.Limits.MinLength)
	}
	hi := lo + 256
	if t.Limits.MaxLength != nil {
		hi = *t.Limits.MaxLength
	}
	for n := lo; n < hi; n++ {
		valid, ok := p.ofLength(n)
		if !ok {
			continue
		}
		for _, c := range badChars {
			before, after := string(c)+valid, valid+string(c)
			if p.re.MatchString(before) || p.re.MatchString(after) {
				continue
			}
			if g.header && !(headerSafe(before) && headerSafe(after)) {
				continue
			}
			g.rejected(loc, "pattern", "junk-before", body(before))
			g.rejected(loc, "pattern", "junk-after", body(after))
			return
		}
		return
	}
}

func (g *builder) integerRules(loc memberPath, t *model.Type, body func(any) string) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if t.Bits == 32 {
		lo, hi = math.MinInt32, math.MaxInt32
	}
	if m := t.Limits.Min; m != nil {
		g.accepted(loc, "minimum", "at", body(*m))
		if *m > lo {
			g.rejected(loc, "minimum", "under", body(*m-1))
		}
	}
	if m := t.Limits.Max; m != nil {
		g.accepted(loc, "maximum", "at", body(*m))
		if *m < hi {
			g.rejected(loc, "maximum", "over", body(*m+1))
		}
	}
}

// floatRules adds the at/over cases of a float's bounds; past a bound is
// one whole unit past it, a value every float type holds exactly enough.
func (g *builder) floatRules(loc memberPath, t *model.Type, body func(any) string) {
	if m := t.Limits.MinFloat; m != nil {
		g.accepted(loc, "minimum", "at", body(*m))
		g.rejected(loc, "minimum", "under", body(*m-1))
	}
	if m := t.Limits.MaxFloat; m != nil {
		g.accepted(loc, "maximum", "at", body(*m))
		g.rejected(loc, "maximum", "over", body(*m+1))
	}
}

func (g *builder) listRules(loc memberPath, t *model.Type, body func(any) string) {
	list := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = g.elemSample(t.Elem, i)
		}
		return out
	}
	if m := t.Limits.MinItems; m != nil && *m > 0 {
		g.accepted(loc, "minItems", "at", body(list(*m)))
		g.rejected(loc, "minItems", "under", body(list(*m-1)))
	}
	if m := t.Limits.MaxItems; m != nil {
		g.accepted(loc, "maxItems", "at", body(list(*m)))
		g.rejected(loc, "maxItems", "over", body(list(*m+1)))
	}
}

// mapRules adds the cases of a map's entry count, key lengths, total size
// and value constraints. The tags map keeps the run tag as one entry.
func (g *builder) mapRules(loc memberPath, t *model.Type) {
	tagged := g.isTags(loc)
	withTag := func(m map[string]any) map[string]any {
		if tagged {
			for k, v := range g.runTag() {
				m[k] = v
			}
		}
		return m
	}
	reserved := 0
	if tagged {
		reserved = 1
	}
	l := t.Limits
	value, _ := g.sample(t.Elem).(string)
	if value == "" {
		value = "v"
	}
	keyLen := 3
	if l.MinKeyLength != nil {
		keyLen = max(keyLen, *l.MinKeyLength)
	}
	if l.MaxKeyLength != nil {
		keyLen = min(keyLen, *l.MaxKeyLength)
	}
	// The i-th key: k01, k02, ... where the key lengths allow, else keys of
	// keyLen letters and digits, counted in base 36 (a, b, ..., 9, ba,
	// ...), the run tag's key left out.
	entryKey := func(i int) string {
		if k := fmt.Sprintf("k%0*d", max(keyLen-1, 1), i+1); l.MaxKeyLength == nil || len(k) <= *l.MaxKeyLength {
			return k
		}
		const digits = "abcdefghijklmnopqrstuvwxyz0123456789"
		for j := 0; ; j++ {
			b := make([]byte, keyLen)
			for n, p := j, keyLen-1; p >= 0; p-- {
				b[p] = digits[n%len(digits)]
				n /= len(digits)
			}
			if _, run := g.runTag()[string(b)]; !run || !tagged {
				if i == 0 {
					return string(b)
				}
				i--
			}
		}
	}
	entries := func(n int) map[string]any {
		m := map[string]any{}
		for i := 0; i < n-reserved; i++ {
			m[entryKey(i)] = value
		}
		if len(m) < n-reserved {
			g.fail("%s %s: keys of %d characters give fewer than %d distinct entries", g.op.Name, loc.name(), keyLen, n-reserved)
		}
		return withTag(m)
	}
	if m := l.MinEntries; m != nil && *m > 0 {
		g.accepted(loc, "minProperties", "at", g.bodyWith(loc, entries(max(*m, reserved))))
		// The run tag counts as an entry: under it, there is no case.
		if *m-1 >= reserved {
			g.rejected(loc, "minProperties", "under", g.bodyWith(loc, entries(*m-1)))
		}
	}
	if m := l.MaxEntries; m != nil {
		g.accepted(loc, "maxProperties", "at", g.bodyWith(loc, entries(*m)))
		g.rejected(loc, "maxProperties", "over", g.bodyWith(loc, entries(*m+1)))
	}
	key := func(n int) string {
		return g.bodyWith(loc, withTag(map[string]any{strings.Repeat("k", n): value}))
	}
	if m := l.MinKeyLength; m != nil && *m > 0 {
		g.accepted(loc, "keyLength", "min-at", key(*m))
		g.rejected(loc, "keyLength", "min-under", key(*m-1))
	}
	if m := l.MaxKeyLength; m != nil {
		g.accepted(loc, "keyLength", "max-at", key(*m))
		g.rejected(loc, "keyLength", "max-over", key(*m+1))
	}
	if m := l.MaxTotalBytes; m != nil {
		used := 0
		for k, v := range withTag(map[string]any{}) {
			used += len(k) + len(v.(string))
		}
		// AWS's prose gives the total in KB and leaves open whether it
		// counts bytes or characters. In one-byte characters the two
		// counts agree: at the bound is at it either way (1 KB read as
		// 1024), past it is past it either way. Characters of three bytes
		// tell the counts apart: past the bound in bytes, far under it in
		// characters, which only a count of bytes refuses (our reading).
		sized := func(n int, fill func(int) string) string {
			v := fill(n - used - 1)
			if !g.satisfies(t.Elem, v) {
				g.fail("%s %s: a value of %d bytes breaks the map's value constraints", g.op.Name, loc.name(), n-used-1)
			}
			return g.bodyWith(loc, withTag(map[string]any{"k": v}))
		}
		ascii := func(n int) string { return strings.Repeat("a", n) }
		g.accepted(loc, "maxTotalBytes", "at", sized(*m, ascii))
		g.rejected(loc, "maxTotalBytes", "over", sized(*m+1, ascii))
		g.rejected(loc, "maxTotalBytes", "over-multibyte", sized(*m+1, nBytes))
	}
	// The values' own constraints, one entry holding the value under test.
	valueLoc := append(memberPath(nil), loc...)
	valueLoc[len(valueLoc)-1].member += "{}"
	put := func(v any) any { return withTag(map[string]any{"k": v}) }
	g.mapValueRules(loc, valueLoc, t.Elem, put)
}

// mapValueRules adds the cases of a map value's constraints: they are
// named after valueLoc (tags{}), the bodies put one entry holding the value
// at the map's own location, and the message must name the map.
func (g *builder) mapValueRules(loc, valueLoc memberPath, t *model.Type, put func(any) any) {
	before := len(g.cases)
	g.stringRules(valueLoc, t, func(v any) string { return g.bodyWith(loc, put(v)) })
	for i := range g.cases[before:] {
		if c := &g.cases[before+i]; c.Expect == "ExpectError" {
			c.Paths = []string{loc.awsPath()}
		}
	}
}

// filterRules adds the cases of mutually exclusive filters: each alone is
// accepted, every pair is refused naming both.
func (g *builder) filterRules(f *model.Filters) {
	for _, m := range f.Match {
		loc := memberPath{{member: m.Filter.Name, typ: m.Filter.Type}}
		body, madeUp := g.live(g.bodyWith(loc, g.sample(m.Filter.Type)), loc, "filters")
		g.add(testCase{Name: g.op.Name + "/filters/" + m.Filter.Name + "/alone", Op: g.op.Name, Member: m.Filter.Name,
			Rule: "filters", Kind: "KindRequest", Body: body, Expect: "ExpectAccepted", AcceptErrors: g.notFoundErrors(madeUp)})
	}
	// A value the listed field can take but the filter's enum leaves out
	// (a state nobody may filter by) is refused.
	for _, m := range f.Match {
		ft, it := m.Filter.Type, m.Field.Type
		if ft.Kind != model.String || ft.Enum == nil || it.Kind != model.String || it.Enum == nil {
			continue
		}
		loc := memberPath{{member: m.Filter.Name, typ: ft}}
		for _, v := range it.Enum.Values {
			if !slices.Contains(ft.Enum.Values, v) {
				g.add(testCase{Name: fmt.Sprintf("%s/filters/%s=%s/rejected", g.op.Name, m.Filter.Name, v), Op: g.op.Name,
					Member: m.Filter.Name, Rule: "enum", Kind: "KindRequest", Body: g.bodyWith(loc, v),
					Expect: "ExpectError", Error: "ValidationException", Paths: []string{loc.awsPath()}})
			}
		}
	}
	for i, a := range f.Match {
		for _, b := range f.Match[i+1:] {
			body := deepCopy(g.base).(map[string]any)
			body[a.Filter.Name] = g.sample(a.Filter.Type)
			body[b.Filter.Name] = g.sample(b.Filter.Type)
			g.add(testCase{Name: g.op.Name + "/filters/" + a.Filter.Name + "+" + b.Filter.Name, Op: g.op.Name,
				Member: a.Filter.Name + "+" + b.Filter.Name, Rule: "filters", Kind: "KindRequest", Body: g.encode(body),
				Expect: "ExpectError", Error: "ValidationException", Paths: []string{a.Filter.Name, b.Filter.Name}})
		}
	}
}

// filterBehaviour adds, per filter and value, a case that lists a live
// resource with the filter and wants exactly the matching items.
func (g *builder) filterBehaviour(f *model.Filters, body string) {
	for _, m := range f.Match {
		t := m.Filter.Type
		c := testCase{Op: g.op.Name, Member: m.Filter.Name, Rule: "filter", Kind: "KindFilter", Body: body,
			Filter: m.Filter.Name, Field: m.Field.Name}
		var values []any
		switch {
		case t.Kind == model.String && t.Enum != nil:
			for _, v := range t.Enum.Values {
				values = append(values, v)
			}
		case t.Kind == model.Boolean:
			values = []any{true, false}
		default:
			c.EachPresent = true
			c.Value = g.encode(g.sample(t))
			c.Name = g.op.Name + "/filters/" + m.Filter.Name + "=each-present-value"
			g.add(c)
			continue
		}
		for _, v := range values {
			c.Value = g.encode(v)
			c.Name = fmt.Sprintf("%s/filters/%s=%v", g.op.Name, m.Filter.Name, v)
			g.add(c)
		}
	}
}

// timestamps adds a case per timestamp member reachable in a response.
func (g *builder) timestamps(st *model.Struct, path []string, names []string, body string, seen map[*model.Struct]bool) {
	if seen[st] {
		return
	}
	seen[st] = true
	defer delete(seen, st)
	for _, m := range st.Members {
		p := append(append([]string(nil), path...), m.Name)
		n := append(append([]string(nil), names...), m.Name)
		t := m.Type
		for t.Kind == model.List {
			p = append(p, "[]")
			n[len(n)-1] += "[]"
			t = t.Elem
		}
		switch t.Kind {
		case model.Timestamp:
			g.add(testCase{Name: g.op.Name + "/shape/" + strings.Join(n, ".") + "/iso8601", Op: g.op.Name,
				Member: strings.Join(n, "."), Rule: "timestamp", Kind: "KindTimestamp", Body: body, ResponsePath: p})
		case model.Object:
			g.timestamps(t.Struct, p, n, body, seen)
		}
	}
}

// identifierParse is a regexp reading an identifier's template variables
// back out through named groups.
func identifierParse(id *model.Identifier) string {
	var b strings.Builder
	b.WriteString("^")
	for _, p := range id.Parts {
		switch {
		case p.Literal != "":
			b.WriteString(regexp.QuoteMeta(p.Literal))
		case p.Var != "":
			b.WriteString("(?P<" + p.Var + ">.+?)")
		default:
			b.WriteString(".+")
		}
	}
	b.WriteString("$")
	return b.String()
}
