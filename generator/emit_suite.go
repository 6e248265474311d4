package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

// suitePkg is the runtime the generated cases are data for.
const suitePkg = "github.com/ivsrt/contract/conformance/suite"

// The conformance suite's files, one concern each.
var suiteFiles = []struct {
	file string
	emit func(s *suiteEmitter, f *jen.File)
}{
	{"contract_gen.go", (*suiteEmitter).contract},
	{"cases_gen.go", (*suiteEmitter).caseTable},
}

// SuiteFileNames lists the files GenerateSuite writes.
func SuiteFileNames() []string {
	out := make([]string, len(suiteFiles))
	for i, e := range suiteFiles {
		out[i] = e.file
	}
	return out
}

type suiteEmitter struct {
	svc   *model.Service
	opts  Options
	cases []suiteCase
}

// GenerateSuite renders the conformance cases of svc for a package that
// imports conformance/suite: contract_gen.go (var Contract: operations,
// errors, identifiers, enums, resets, defaults) and cases_gen.go (var Cases: the table of
// generated cases). Sample values are computed and checked here, at
// generation time, and written as literals. The same model and options
// give the same bytes.
func GenerateSuite(svc *model.Service, opts Options) (map[string][]byte, error) {
	if opts.Package == "" {
		return nil, fmt.Errorf("generator: a package name is needed")
	}
	if err := check(svc); err != nil {
		return nil, err
	}
	cases, err := buildSuiteCases(svc)
	if err != nil {
		return nil, err
	}
	s := &suiteEmitter{svc: svc, opts: opts, cases: cases}
	out := map[string][]byte{}
	for _, e := range suiteFiles {
		f := jen.NewFile(opts.Package)
		f.HeaderComment(Header)
		f.ImportName(suitePkg, "suite")
		e.emit(s, f)
		var buf bytes.Buffer
		if err := f.Render(&buf); err != nil {
			return nil, fmt.Errorf("generator: rendering %s: %w", e.file, err)
		}
		src := bytes.ReplaceAll(buf.Bytes(), []byte("\n}\n//"), []byte("\n}\n\n//"))
		src, err := format.Source(src)
		if err != nil {
			return nil, fmt.Errorf("generator: formatting %s: %w", e.file, err)
		}
		out[e.file] = src
	}
	return out, nil
}

// suiteField is one "Name: value" of a composite literal, on its own line.
func suiteField(name string, v jen.Code) jen.Code { return jen.Line().Id(name).Op(":").Add(v) }

// suiteKey is one "Name: value" of a composite literal on one line.
func suiteKey(name string, v jen.Code) jen.Code { return jen.Id(name).Op(":").Add(v) }

// suiteStringLit writes s as a raw string when it reads better that way.
func suiteStringLit(s string) jen.Code {
	if strings.ContainsAny(s, "`\r") || !strings.ContainsAny(s, `"\`) {
		return jen.Lit(s)
	}
	return jen.Id("`" + s + "`")
}

func suiteStringsLit(ss []string) jen.Code {
	return jen.Index().String().ValuesFunc(func(g *jen.Group) {
		for _, s := range ss {
			g.Lit(s)
		}
	})
}

func (s *suiteEmitter) specName() string {
	if s.opts.SpecName != "" {
		return s.opts.SpecName
	}
	return "the spec"
}

func (s *suiteEmitter) contract(f *jen.File) {
	svc := s.svc
	f.PackageComment(fmt.Sprintf("Package %s holds the conformance cases of %s, generated from %s (API version %s):",
		s.opts.Package, svc.Title, s.specName(), svc.APIVersion))
	f.PackageComment("the contract (operations, errors, identifier formats, defaults) and one case per")
	f.PackageComment("constraint, wrong type, filter rule and response shape, as data for the runtime in")
	f.PackageComment("package suite.")

	f.Comment("Contract is what the spec says about the service as a whole.")
	f.Var().Id("Contract").Op("=").Op("&").Qual(suitePkg, "Contract").Values(
		suiteField("Title", jen.Lit(svc.Title)),
		suiteField("APIVersion", jen.Lit(svc.APIVersion)),
		suiteField("SigningName", jen.Lit(svc.SigningName)),
		suiteField("ServiceID", jen.Lit(svc.ServiceID)),
		suiteField("SpecName", jen.Lit(s.opts.SpecName)),
		suiteField("RunTagKey", jen.Lit(suiteRunTagKey)),
		suiteField("Sensitive", suiteStringsLit(s.sensitive())),
		suiteField("Operations", jen.Index().Qual(suitePkg, "Operation").ValuesFunc(func(g *jen.Group) {
			for _, op := range svc.Operations {
				g.Line().Add(s.operation(op))
			}
			g.Line()
		})),
		suiteField("Errors", jen.Index().Qual(suitePkg, "ErrorType").ValuesFunc(func(g *jen.Group) {
			for _, e := range svc.Errors {
				g.Line().Values(suiteKey("Name", jen.Lit(e.Name)), suiteKey("Status", jen.Lit(e.Status)), suiteKey("Protocol", jen.Lit(e.Protocol)))
			}
			g.Line()
		})),
		suiteField("Identifiers", jen.Index().Qual(suitePkg, "Identifier").ValuesFunc(func(g *jen.Group) {
			for _, sc := range svc.Identifiers {
				g.Line().Values(suiteKey("Name", jen.Lit(sc.Name)), suiteKey("Template", jen.Lit(sc.Identifier.Template)),
					suiteKey("Parse", suiteStringLit(suiteIdentifierParse(sc.Identifier))))
			}
			g.Line()
		})),
		suiteField("Enums", jen.Index().Qual(suitePkg, "Enum").ValuesFunc(func(g *jen.Group) {
			for _, e := range svc.Enums {
				g.Line().Values(suiteKey("Name", jen.Lit(e.Name)), suiteKey("Values", suiteStringsLit(e.Values)),
					suiteKey("Members", suiteStringsLit(s.enumMembers(e))))
			}
			g.Line()
		})),
		suiteField("Resets", jen.Index().Qual(suitePkg, "Reset").ValuesFunc(func(g *jen.Group) {
			for _, st := range svc.Structs {
				if rw := st.ResetWhen; rw != nil {
					g.Line().Values(suiteKey("Struct", jen.Lit(st.Name)), suiteKey("Member", jen.Lit(rw.Member.Name)),
						suiteKey("Equals", jen.Lit(rw.Equals)))
				}
			}
			g.Line()
		})),
		suiteField("Defaults", jen.Index().Qual(suitePkg, "Default").ValuesFunc(func(g *jen.Group) {
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
					d := []jen.Code{suiteKey("Struct", jen.Lit(st.Name)), suiteKey("Member", jen.Lit(m.Name)), suiteKey("JSON", suiteStringLit(string(b)))}
					if typ != "" {
						d = append(d, suiteKey("Type", jen.Lit(typ)))
					}
					g.Line().Values(d...)
				}
			}
			g.Line()
		})),
		jen.Line(),
	)
}

// enumMembers lists the members, as Struct.member, whose values (or list
// elements) are of enum e, in spec order.
func (s *suiteEmitter) enumMembers(e *model.Enum) []string {
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
func (s *suiteEmitter) sensitive() []string {
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

func (s *suiteEmitter) operation(op *model.Operation) jen.Code {
	errs := make([]string, len(op.Errors))
	for i, e := range op.Errors {
		errs[i] = e.Name
	}
	items := []jen.Code{
		suiteField("Name", jen.Lit(op.Name)),
		suiteField("Path", jen.Lit(op.Path)),
		suiteField("Errors", suiteStringsLit(errs)),
	}
	if pg := op.Paginated; pg != nil && pg.InputToken != nil && pg.OutputToken != nil && pg.PageSize != nil && pg.Items != nil {
		lim := pg.PageSize.Type.Limits
		var lo, hi int64
		if lim.Min != nil {
			lo = *lim.Min
		}
		if lim.Max != nil {
			hi = *lim.Max
		}
		items = append(items, suiteField("Pagination", jen.Op("&").Qual(suitePkg, "Pagination").Values(
			suiteField("InputToken", jen.Lit(pg.InputToken.Name)),
			suiteField("OutputToken", jen.Lit(pg.OutputToken.Name)),
			suiteField("PageSize", jen.Lit(pg.PageSize.Name)),
			suiteField("Items", jen.Lit(pg.Items.Name)),
			suiteField("MinPageSize", jen.Lit(int(lo))),
			suiteField("MaxPageSize", jen.Lit(int(hi))),
			jen.Line(),
		)))
	}
	items = append(items, jen.Line())
	return jen.Values(items...)
}

func (s *suiteEmitter) caseTable(f *jen.File) {
	f.Comment(fmt.Sprintf("Cases are the %d generated cases, in spec order: per operation, malformed", len(s.cases)))
	f.Comment("bodies, then each request member's constraints (at the bound and past it) and")
	f.Comment("wrong JSON type, the filter rules, and the checks of live answers.")
	f.Var().Id("Cases").Op("=").Index().Qual(suitePkg, "Case").ValuesFunc(func(g *jen.Group) {
		for _, c := range s.cases {
			g.Line().Add(s.caseLit(c))
		}
		g.Line()
	})
}

func (s *suiteEmitter) caseLit(c suiteCase) jen.Code {
	items := []jen.Code{
		suiteField("Name", jen.Lit(c.Name)),
		suiteField("Operation", jen.Lit(c.Op)),
	}
	str := func(name, v string) {
		if v != "" {
			items = append(items, suiteField(name, jen.Lit(v)))
		}
	}
	str("Member", c.Member)
	str("Rule", c.Rule)
	items = append(items, suiteField("Kind", jen.Qual(suitePkg, c.Kind)))
	items = append(items, suiteField("Body", suiteStringLit(c.Body)))
	if c.Expect != "" {
		items = append(items, suiteField("Expect", jen.Qual(suitePkg, c.Expect)))
	}
	str("Error", c.Error)
	if len(c.Paths) > 0 {
		items = append(items, suiteField("Paths", suiteStringsLit(c.Paths)))
	}
	if len(c.ResponsePath) > 0 {
		items = append(items, suiteField("ResponsePath", suiteStringsLit(c.ResponsePath)))
	}
	str("Filter", c.Filter)
	str("Field", c.Field)
	if c.Value != "" {
		items = append(items, suiteField("Value", suiteStringLit(c.Value)))
	}
	if c.EachPresent {
		items = append(items, suiteField("EachPresent", jen.True()))
	}
	if c.PageSize > 0 {
		items = append(items, suiteField("PageSize", jen.Lit(c.PageSize)))
	}
	items = append(items, jen.Line())
	return jen.Values(items...)
}
