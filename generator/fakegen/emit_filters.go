package fakegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

func filtersVar(st *model.Struct) string { return st.Name + "Filters" }

// filters emits, for each struct with x-ivsrt-filters, the list of its
// mutually exclusive filters, Match (does an element pass the filter given)
// FilterKey (a canonical text of the filter, to bind page tokens to) and
// ItemKeys (the FilterKey of every one-filter request an item passes).
func (g *gen) filters(f *jen.File) {
	emitted := false
	for _, st := range g.svc.Structs {
		fl := st.Filters
		if fl == nil {
			continue
		}
		emitted = true
		f.Comment(filtersVar(st) + " names the filters of " + st.Name + "; a request may give at most one.")
		f.Var().Id(filtersVar(st)).Op("=").Index().String().ValuesFunc(func(v *jen.Group) {
			for _, n := range fl.Names() {
				v.Lit(n)
			}
		})
		f.Comment("Match reports whether item passes the filter the request gives (true when it gives none).")
		f.Func().Params(jen.Id("s").Op("*").Id(st.Name)).Id("Match").Params(jen.Id("item").Op("*").Id(fl.Items.Name)).Bool().BlockFunc(func(b *jen.Group) {
			for _, m := range fl.Match {
				want := jen.Op("*").Id("s").Dot(m.Filter.GoName)
				got := jen.Id("valueOf").Call(jen.Id("item").Dot(m.Field.GoName))
				switch {
				case m.Filter.Type.Enum != nil || m.Field.Type.Enum != nil:
					want = jen.String().Parens(want)
					got = jen.String().Parens(got)
				case m.Filter.Type.Kind == model.Integer && m.Filter.Type.Bits != m.Field.Type.Bits:
					// int32 against int64: compare as int64.
					want = jen.Int64().Parens(want)
					got = jen.Int64().Parens(got)
				}
				b.If(jen.Id("s").Dot(m.Filter.GoName).Op("!=").Nil().Op("&&").Add(got).Op("!=").Add(want)).Block(jen.Return(jen.False()))
			}
			b.Return(jen.True())
		})
		f.Comment("FilterKey is a canonical text of the filter the request gives (\"\" for none),")
		f.Comment("so a page token can be bound to the query it was issued for.")
		f.Func().Params(jen.Id("s").Op("*").Id(st.Name)).Id("FilterKey").Params().String().BlockFunc(func(b *jen.Group) {
			for _, m := range fl.Match {
				b.If(jen.Id("s").Dot(m.Filter.GoName).Op("!=").Nil()).Block(
					jen.Return(jen.Lit(m.Filter.Name+"=").Op("+").Qual("fmt", "Sprint").Call(jen.Op("*").Id("s").Dot(m.Filter.GoName))),
				)
			}
			b.Return(jen.Lit(""))
		})
		keys := st.Name + "ItemKeys"
		f.Comment(keys + " is the FilterKey of every one-filter request that item")
		f.Comment("passes, in the order of " + filtersVar(st) + ": a server can index items by them")
		f.Comment("rather than match every item of a long list.")
		f.Func().Id(keys).Params(jen.Id("item").Op("*").Id(fl.Items.Name)).Index().String().BlockFunc(func(b *jen.Group) {
			b.Return(jen.Index().String().ValuesFunc(func(v *jen.Group) {
				for _, m := range fl.Match {
					v.Lit(m.Filter.Name+"=").Op("+").Qual("fmt", "Sprint").Call(jen.Id("valueOf").Call(jen.Id("item").Dot(m.Field.GoName)))
				}
			}))
		})
	}
	if emitted {
		f.Comment("valueOf is the value p points to, or the zero value when p is nil.")
		f.Func().Id("valueOf").Types(jen.Id("T").Any()).Params(jen.Id("p").Op("*").Id("T")).Id("T").Block(
			jen.If(jen.Id("p").Op("==").Nil()).Block(jen.Var().Id("zero").Id("T"), jen.Return(jen.Id("zero"))),
			jen.Return(jen.Op("*").Id("p")),
		)
	}
}
