package fakegen

import (
	"github.com/dave/jennifer/jen"
)

// dispatch emits Dispatch: a Backend that forwards every operation to the Backend
// picked for the request's context, so a fake can keep one state per
// namespace (account and region) behind one Handler.
func (g *gen) dispatch(f *jen.File) {
	ctx := jen.Id("ctx").Qual("context", "Context")
	f.Comment("Dispatch returns a Backend that forwards each operation to the Backend pick")
	f.Comment("returns for the call's context (the request's, as the Handler passes it).")
	f.Comment("An error from pick is the operation's answer.")
	f.Func().Id("Dispatch").Params(jen.Id("pick").Func().Params(ctx.Clone()).Params(jen.Id("Backend"), jen.Error())).Id("Backend").Block(
		jen.Return(jen.Id("dispatched").Call(jen.Id("pick"))),
	)
	f.Comment("dispatched is the Backend Dispatch returns.")
	f.Type().Id("dispatched").Func().Params(ctx.Clone()).Params(jen.Id("Backend"), jen.Error())
	for _, op := range g.svc.Operations {
		f.Func().Params(jen.Id("pick").Id("dispatched")).Id(op.Name).
			Params(ctx.Clone(), jen.Id("in").Op("*").Id(op.Input.Name)).
			Params(jen.Op("*").Id(op.Output.Name), jen.Error()).
			Block(
				jen.List(jen.Id("b"), jen.Err()).Op(":=").Id("pick").Call(jen.Id("ctx")),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
				jen.Return(jen.Id("b").Dot(op.Name).Call(jen.Id("ctx"), jen.Id("in"))),
			)
	}
}
