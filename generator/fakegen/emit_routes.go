package fakegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

// routes emits Routes: per operation, in Operations order, its method,
// path template, the members bound to labels, query parameters and request
// headers, and whether it has a JSON body. The Handler routes by this table, so what it
// serves and what a client reads from it cannot disagree.
func (g *gen) routes(f *jen.File) {
	bindings := func(ms []*model.Member) jen.Code {
		return jen.Index().Qual(wirePkg, "Binding").ValuesFunc(func(v *jen.Group) {
			for _, m := range ms {
				v.Values(jen.Id("Member").Op(":").Id(memberConst(m)), jen.Id("Name").Op(":").Lit(m.WireName))
			}
		})
	}
	f.Comment("Routes says how each operation travels over HTTP, in Operations order.")
	f.Var().Id("Routes").Op("=").Index().Qual(wirePkg, "Route").ValuesFunc(func(v *jen.Group) {
		for _, op := range g.svc.Operations {
			v.Line().ValuesFunc(func(r *jen.Group) {
				r.Line().Id("Operation").Op(":").Id("Op" + op.Name)
				r.Line().Id("Method").Op(":").Qual("net/http", methodConst(op.Method))
				r.Line().Id("Path").Op(":").Lit(op.Path)
				if ls := op.Labels(); len(ls) > 0 {
					r.Line().Id("Labels").Op(":").Add(bindings(ls))
				}
				if qs := op.Query(); len(qs) > 0 {
					r.Line().Id("Query").Op(":").Add(bindings(qs))
				}
				if hs := op.Headers(); len(hs) > 0 {
					r.Line().Id("Headers").Op(":").Add(bindings(hs))
				}
				if op.HasBody {
					r.Line().Id("Body").Op(":").True()
				}
				r.Line()
			})
		}
		v.Line()
	})
}

// memberConst is the name constant of a member (see generator.NamesFile,
// which declares it: "Member" and the Go field name).
func memberConst(m *model.Member) string { return "Member" + m.GoName }
