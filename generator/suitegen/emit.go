// Package suitegen turns the spec model into the conformance suite: the
// Contract the hand-written runtime (conformance/suite) reads, and one case
// per constraint, wrong type, filter rule and response shape, as data.
// generator.GenerateSuite and generator.Render render what Files builds.
package suitegen

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

// runtimePkg is the runtime the generated cases are data for.
const runtimePkg = "github.com/ivsrt/contract/conformance/suite"

// The conformance suite's files, one concern each.
var emitters = []struct {
	file string
	emit func(s *emitter, f *jen.File)
}{
	{"contract_gen.go", (*emitter).contract},
	{"cases_gen.go", (*emitter).caseTable},
}

// FileNames lists the files Files emits, so a writer knows what it owns.
func FileNames() []string {
	out := make([]string, len(emitters))
	for i, e := range emitters {
		out[i] = e.file
	}
	return out
}

// Options say what package the cases are generated into.
type Options struct {
	// Package is the Go package name of the output.
	Package string
	// SpecName is the spec's file name, recorded in the package doc and the Contract.
	SpecName string
}

type emitter struct {
	svc  *model.Service
	opts Options
	b    *builder
}

func (s *emitter) labelSample(m *model.Member) string { return s.b.labelSamples[m.Pointer] }

// File is one generated file, before rendering.
type File struct {
	Name string
	Code *jen.File
}

// Files builds the conformance cases of svc for a package that imports
// conformance/suite: contract_gen.go (var Contract: operations, errors,
// identifiers, enums, resets, defaults) and cases_gen.go (var Cases: the
// table of generated cases). Sample values are computed and checked here,
// at generation time, and written as literals. The caller renders the files
// (generator.Render does, with the generated-code header and gofmt). A
// refusal is a *spec.Error with the JSON pointer of what it refuses and no
// file: the caller knows which spec it came from.
func Files(svc *model.Service, opts Options) ([]File, error) {
	if opts.Package == "" {
		return nil, fmt.Errorf("generator: a package name is needed")
	}
	b, err := build(svc)
	if err != nil {
		return nil, err
	}
	s := &emitter{svc: svc, opts: opts, b: b}
	out := make([]File, 0, len(emitters))
	for _, e := range emitters {
		f := jen.NewFile(opts.Package)
		f.ImportName(runtimePkg, "suite")
		e.emit(s, f)
		out = append(out, File{Name: e.file, Code: f})
	}
	return out, nil
}

// fieldLine is one "Name: value" of a composite literal, on its own line.
func fieldLine(name string, v jen.Code) jen.Code { return jen.Line().Id(name).Op(":").Add(v) }

// keyValue is one "Name: value" of a composite literal on one line.
func keyValue(name string, v jen.Code) jen.Code { return jen.Id(name).Op(":").Add(v) }

// stringLit writes s as a raw string when it reads better that way.
func stringLit(s string) jen.Code {
	if strings.ContainsAny(s, "`\r") || !strings.ContainsAny(s, `"\`) {
		return jen.Lit(s)
	}
	return jen.Id("`" + s + "`")
}

func stringsLit(ss []string) jen.Code {
	return jen.Index().String().ValuesFunc(func(g *jen.Group) {
		for _, s := range ss {
			g.Lit(s)
		}
	})
}

func (s *emitter) specName() string {
	if s.opts.SpecName != "" {
		return s.opts.SpecName
	}
	return "the spec"
}

func (s *emitter) contract(f *jen.File) {
	svc := s.svc
	f.PackageComment(fmt.Sprintf("Package %s holds the conformance cases of %s, generated from %s (API version %s):",
		s.opts.Package, svc.Title, s.specName(), svc.APIVersion))
	f.PackageComment("the contract (operations, errors, identifier formats, defaults) and one case per")
	f.PackageComment("constraint, wrong type, filter rule and response shape, as data for the runtime in")
	f.PackageComment("package suite.")

	f.Comment("Contract is what the spec says about the service as a whole.")
	f.Var().Id("Contract").Op("=").Op("&").Qual(runtimePkg, "Contract").Values(
		fieldLine("Title", jen.Lit(svc.Title)),
		fieldLine("APIVersion", jen.Lit(svc.APIVersion)),
		fieldLine("SigningName", jen.Lit(svc.SigningName)),
		fieldLine("ServiceID", jen.Lit(svc.ServiceID)),
		fieldLine("SpecName", jen.Lit(s.opts.SpecName)),
		fieldLine("RunTagKey", jen.Lit(s.b.runKey)),
		fieldLine("CaseTagKey", jen.Lit(s.b.caseKey)),
		fieldLine("Sensitive", stringsLit(s.sensitive())),
		fieldLine("Operations", jen.Index().Qual(runtimePkg, "Operation").ValuesFunc(func(g *jen.Group) {
			for _, op := range svc.Operations {
				g.Line().Add(s.operation(op))
			}
			g.Line()
		})),
		fieldLine("Errors", jen.Index().Qual(runtimePkg, "ErrorType").ValuesFunc(func(g *jen.Group) {
			for _, e := range svc.Errors {
				g.Line().Values(keyValue("Name", jen.Lit(e.Name)), keyValue("Status", jen.Lit(e.Status)), keyValue("Protocol", jen.Lit(e.Protocol)))
			}
			g.Line()
		})),
		fieldLine("Identifiers", jen.Index().Qual(runtimePkg, "Identifier").ValuesFunc(func(g *jen.Group) {
			for _, sc := range svc.Identifiers {
				g.Line().Values(keyValue("Name", jen.Lit(sc.Name)), keyValue("Template", jen.Lit(sc.Identifier.Template)),
					keyValue("Parse", stringLit(identifierParse(sc.Identifier))))
			}
			g.Line()
		})),
		fieldLine("Enums", jen.Index().Qual(runtimePkg, "Enum").ValuesFunc(func(g *jen.Group) {
			for _, e := range svc.Enums {
				g.Line().Values(keyValue("Name", jen.Lit(e.Name)), keyValue("Values", stringsLit(e.Values)),
					keyValue("Members", stringsLit(s.enumMembers(e))))
			}
			g.Line()
		})),
		fieldLine("Resets", jen.Index().Qual(runtimePkg, "Reset").ValuesFunc(func(g *jen.Group) {
			for _, st := range svc.Structs {
				if rw := st.ResetWhen; rw != nil {
					g.Line().Values(keyValue("Struct", jen.Lit(st.Name)), keyValue("Member", jen.Lit(rw.Member.Name)),
						keyValue("Equals", jen.Lit(rw.Equals)))
				}
			}
			g.Line()
		})),
		fieldLine("Defaults", jen.Index().Qual(runtimePkg, "Default").ValuesFunc(func(g *jen.Group) {
			for _, st := range svc.Structs {
				for _, m := range st.Members {
					if m.Default == nil {
						continue
					}
					b, _ := json.Marshal(m.Default)
					typ := ""
					if m.Type.Kind == model.Object {
						typ = m.Type.Struct.Name
					}
					d := []jen.Code{keyValue("Struct", jen.Lit(st.Name)), keyValue("Member", jen.Lit(m.Name)), keyValue("JSON", stringLit(string(b)))}
					if typ != "" {
						d = append(d, keyValue("Type", jen.Lit(typ)))
					}
					g.Line().Values(d...)
				}
			}
			g.Line()
		})),
		fieldLine("Members", jen.Index().Qual(runtimePkg, "Member").ValuesFunc(func(g *jen.Group) {
			for _, m := range s.b.members {
				items := []jen.Code{keyValue("Struct", jen.Lit(m.structName)), keyValue("Name", jen.Lit(m.name))}
				if m.required {
					items = append(items, keyValue("Required", jen.True()))
				}
				items = append(items, keyValue("Value", jen.Qual(runtimePkg, "Value").Add(valueLit(m.value))))
				g.Line().Values(items...)
			}
			g.Line()
		})),
		jen.Line(),
	)
}

// valueLit writes a member's constraints and samples as a suite.Value.
func valueLit(v *value) jen.Code {
	items := []jen.Code{keyValue("Kind", jen.Lit(v.kind))}
	str := func(name, s string) {
		if s != "" {
			items = append(items, keyValue(name, stringLit(s)))
		}
	}
	num := func(name string, p *int) {
		if p != nil {
			items = append(items, keyValue(name, jen.New(jen.Lit(*p))))
		}
	}
	num64 := func(name string, p *int64) {
		if p != nil {
			items = append(items, keyValue(name, jen.New(jen.Lit(*p))))
		}
	}
	l := v.limits
	str("Schema", v.schema)
	num("MinLength", l.MinLength)
	num("MaxLength", l.MaxLength)
	if l.Pattern != nil {
		str("Pattern", l.Pattern.Expr)
	}
	num64("Min", l.Min)
	num64("Max", l.Max)
	num("MinItems", l.MinItems)
	num("MaxItems", l.MaxItems)
	num("MaxEntries", l.MaxEntries)
	num("MinKeyLength", l.MinKeyLength)
	num("MaxKeyLength", l.MaxKeyLength)
	num("MaxTotalBytes", l.MaxTotalBytes)
	if len(v.enum) > 0 {
		items = append(items, keyValue("Enum", stringsLit(v.enum)))
	}
	str("Identifier", v.identifier)
	if v.elem != nil {
		items = append(items, keyValue("Elem", jen.Op("&").Qual(runtimePkg, "Value").Add(valueLit(v.elem))))
	}
	if len(v.keys) > 0 {
		items = append(items, keyValue("Keys", jen.Index().String().ValuesFunc(func(g *jen.Group) {
			for _, k := range v.keys {
				g.Add(stringLit(k))
			}
		})))
	}
	if len(v.samples) > 0 {
		items = append(items, keyValue("Samples", jen.Index().String().ValuesFunc(func(g *jen.Group) {
			for _, s := range v.samples {
				g.Add(stringLit(s))
			}
		})))
	}
	return jen.Values(items...)
}

// enumMembers lists the members, as Struct.member, whose values (or list
// elements) are of enum e, in spec order.
func (s *emitter) enumMembers(e *model.Enum) []string {
	var out []string
	for _, st := range s.svc.Structs {
		for _, m := range st.Members {
			t := m.Type
			for t.Kind == model.List {
				t = t.Elem
			}
			if t.Enum == e {
				out = append(out, st.Name+"."+m.Name)
			}
		}
	}
	return out
}

// sensitive lists the names of members the spec marks x-ivsrt-sensitive, in
// spec order, once each.
func (s *emitter) sensitive() []string {
	var out []string
	seen := map[string]bool{}
	for _, st := range s.svc.Structs {
		for _, m := range st.Members {
			if m.Sensitive && !seen[m.Name] {
				seen[m.Name] = true
				out = append(out, m.Name)
			}
		}
	}
	return out
}

func (s *emitter) operation(op *model.Operation) jen.Code {
	errs := make([]string, len(op.Errors))
	for i, e := range op.Errors {
		errs[i] = e.Name
	}
	items := []jen.Code{
		fieldLine("Name", jen.Lit(op.Name)),
		fieldLine("Method", jen.Lit(op.Method)),
		fieldLine("Path", jen.Lit(op.Path)),
	}
	bindings := func(field string, ms []*model.Member) {
		if len(ms) == 0 {
			return
		}
		items = append(items, fieldLine(field, jen.Index().Qual(runtimePkg, "Binding").ValuesFunc(func(g *jen.Group) {
			for _, m := range ms {
				b := []jen.Code{keyValue("Member", jen.Lit(m.Name)), keyValue("Name", jen.Lit(m.WireName))}
				if m.Location == model.Label {
					b = append(b, keyValue("Sample", stringLit(s.labelSample(m))))
				}
				g.Line().Values(b...)
			}
			g.Line()
		})))
	}
	bindings("Labels", op.Labels())
	bindings("Query", op.Query())
	bindings("Headers", op.Headers())
	if op.HasBody {
		items = append(items, fieldLine("Body", jen.True()))
	}
	items = append(items, fieldLine("Errors", stringsLit(errs)))
	if pg := op.Paginated; pg != nil && pg.InputToken != nil && pg.OutputToken != nil && pg.PageSize != nil && pg.Items != nil {
		lim := pg.PageSize.Type.Limits
		var lo, hi int64
		if lim.Min != nil {
			lo = *lim.Min
		}
		if lim.Max != nil {
			hi = *lim.Max
		}
		items = append(items, fieldLine("Pagination", jen.Op("&").Qual(runtimePkg, "Pagination").Values(
			fieldLine("InputToken", jen.Lit(pg.InputToken.Name)),
			fieldLine("OutputToken", jen.Lit(pg.OutputToken.Name)),
			fieldLine("PageSize", jen.Lit(pg.PageSize.Name)),
			fieldLine("Items", jen.Lit(pg.Items.Name)),
			fieldLine("MinPageSize", jen.Lit(int(lo))),
			fieldLine("MaxPageSize", jen.Lit(int(hi))),
			jen.Line(),
		)))
	}
	items = append(items, jen.Line())
	return jen.Values(items...)
}

func (s *emitter) caseTable(f *jen.File) {
	f.Comment(fmt.Sprintf("Cases are the %d generated cases, in spec order: per operation, malformed", len(s.b.cases)))
	f.Comment("bodies, then each request member's constraints (at the bound and past it) and")
	f.Comment("wrong JSON type, the filter rules, and the checks of live answers.")
	f.Var().Id("Cases").Op("=").Index().Qual(runtimePkg, "Case").ValuesFunc(func(g *jen.Group) {
		for _, c := range s.b.cases {
			g.Line().Add(s.caseLit(c))
		}
		g.Line()
	})
}

func (s *emitter) caseLit(c testCase) jen.Code {
	items := []jen.Code{
		fieldLine("Name", jen.Lit(c.Name)),
		fieldLine("Operation", jen.Lit(c.Op)),
	}
	str := func(name, v string) {
		if v != "" {
			items = append(items, fieldLine(name, jen.Lit(v)))
		}
	}
	str("Member", c.Member)
	str("Rule", c.Rule)
	items = append(items, fieldLine("Kind", jen.Qual(runtimePkg, c.Kind)))
	items = append(items, fieldLine("Source", jen.Qual(runtimePkg, c.Source)))
	items = append(items, fieldLine("Body", stringLit(c.Body)))
	if c.Expect != "" {
		items = append(items, fieldLine("Expect", jen.Qual(runtimePkg, c.Expect)))
	}
	str("Error", c.Error)
	if len(c.Paths) > 0 {
		items = append(items, fieldLine("Paths", stringsLit(c.Paths)))
	}
	if len(c.AcceptErrors) > 0 {
		items = append(items, fieldLine("AcceptErrors", stringsLit(c.AcceptErrors)))
	}
	if len(c.ResponsePath) > 0 {
		items = append(items, fieldLine("ResponsePath", stringsLit(c.ResponsePath)))
	}
	str("Filter", c.Filter)
	str("Field", c.Field)
	if c.Value != "" {
		items = append(items, fieldLine("Value", stringLit(c.Value)))
	}
	if c.EachPresent {
		items = append(items, fieldLine("EachPresent", jen.True()))
	}
	if c.PageSize > 0 {
		items = append(items, fieldLine("PageSize", jen.Lit(c.PageSize)))
	}
	items = append(items, jen.Line())
	return jen.Values(items...)
}
