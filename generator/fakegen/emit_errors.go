package fakegen

import (
	"github.com/dave/jennifer/jen"
)

// errors emits the error table: names, statuses, each operation's declared
// set, and one constructor per error, so no operation repeats a dispatch.
func (g *gen) errors(f *jen.File) {
	f.Comment("Error types the spec names (x-amzn-ErrorType values).")
	f.Const().DefsFunc(func(d *jen.Group) {
		for _, e := range g.svc.Errors {
			d.Id("Err" + e.Name).Op("=").Lit(e.Name)
		}
	})
	f.Comment("ErrorStatus maps every error type the spec knows to its HTTP status.")
	f.Var().Id("ErrorStatus").Op("=").Map(jen.String()).Int().Values(jen.DictFunc(func(d jen.Dict) {
		for _, e := range g.svc.Errors {
			d[jen.Id("Err"+e.Name)] = jen.Lit(e.Status)
		}
	}))
	f.Comment("ProtocolErrors lists the errors any operation may answer with, whatever it declares.")
	f.Var().Id("ProtocolErrors").Op("=").Index().String().ValuesFunc(func(v *jen.Group) {
		for _, e := range g.svc.Errors {
			if e.Protocol {
				v.Id("Err" + e.Name)
			}
		}
	})
	f.Comment("DeclaredErrors lists each operation's declared errors, in spec order.")
	f.Var().Id("DeclaredErrors").Op("=").Map(jen.String()).Index().String().Values(jen.DictFunc(func(d jen.Dict) {
		for _, op := range g.svc.Operations {
			d[jen.Id("Op"+op.Name)] = jen.Index().String().ValuesFunc(func(v *jen.Group) {
				for _, e := range op.Errors {
					v.Id("Err" + e.Name)
				}
			})
		}
	}))
	f.Comment("Allows reports whether op may answer with the error type name: one it")
	f.Comment("declares, or a protocol-level one.")
	f.Func().Id("Allows").Params(jen.List(jen.Id("op"), jen.Id("name")).String()).Bool().Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("DeclaredErrors").Index(jen.Id("op"))).Block(
			jen.If(jen.Id("n").Op("==").Id("name")).Block(jen.Return(jen.True())),
		),
		jen.For(jen.List(jen.Id("_"), jen.Id("n")).Op(":=").Range().Id("ProtocolErrors")).Block(
			jen.If(jen.Id("n").Op("==").Id("name")).Block(jen.Return(jen.True())),
		),
		jen.Return(jen.False()),
	)
	f.Comment("NewError returns the named error with the status the spec gives it. A name")
	f.Comment("the spec does not know is a bug in the caller and becomes InternalServerException.")
	f.Func().Id("NewError").Params(jen.Id("name"), jen.Id("format").String(), jen.Id("args").Op("...").Any()).Op("*").Qual(wirePkg, "Error").Block(
		jen.List(jen.Id("status"), jen.Id("ok")).Op(":=").Id("ErrorStatus").Index(jen.Id("name")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Qual(wirePkg, "InternalError").Call())),
		jen.Return(jen.Qual(wirePkg, "NewError").Call(jen.Id("name"), jen.Id("status"), jen.Id("format"), jen.Id("args").Op("..."))),
	)
	for _, e := range g.svc.Errors {
		f.Comment("New" + e.Name + " returns a " + e.Name + " (HTTP " + itoa(e.Status) + ").")
		f.Func().Id("New"+e.Name).Params(jen.Id("format").String(), jen.Id("args").Op("...").Any()).Op("*").Qual(wirePkg, "Error").Block(
			jen.Return(jen.Qual(wirePkg, "NewError").Call(jen.Id("Err"+e.Name), jen.Lit(e.Status), jen.Id("format"), jen.Id("args").Op("..."))),
		)
	}
}
