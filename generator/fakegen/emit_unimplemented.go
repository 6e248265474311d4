package fakegen

import (
	"github.com/dave/jennifer/jen"
)

// unimplemented emits UnimplementedBackend: a Backend whose every
// operation answers 501 NotImplementedException naming it. A hand-written
// Backend embeds it, so it keeps compiling when the spec gains an
// operation, and the new operation answers in AWS's form until someone
// writes its behaviour.
func (g *gen) unimplemented(f *jen.File) {
	f.Comment("ErrNotImplemented is the error type UnimplementedBackend answers with; its")
	f.Comment("HTTP status is StatusNotImplemented. It is not an error of the service: the")
	f.Comment("conformance suite reports a case that meets it as skipped.")
	f.Const().Defs(
		jen.Id("ErrNotImplemented").Op("=").Lit("NotImplementedException"),
		jen.Id("StatusNotImplemented").Op("=").Qual("net/http", "StatusNotImplemented"),
	)
	f.Comment("UnimplementedBackend answers every operation with NotImplementedException.")
	f.Comment("Embed it in a Backend so the Backend keeps compiling when the spec gains an")
	f.Comment("operation; the methods the Backend declares take precedence.")
	f.Type().Id("UnimplementedBackend").Struct()
	f.Var().Id("_").Id("Backend").Op("=").Id("UnimplementedBackend").Values()
	f.Comment("NotImplemented returns the error UnimplementedBackend answers op with.")
	f.Func().Id("NotImplemented").Params(jen.Id("op").String()).Op("*").Qual(wirePkg, "Error").Block(
		jen.Return(jen.Qual(wirePkg, "NewError").Call(jen.Id("ErrNotImplemented"), jen.Id("StatusNotImplemented"),
			jen.Lit("%s is not implemented by this backend"), jen.Id("op"))),
	)
	for _, op := range g.svc.Operations {
		f.Comment(op.Name + " answers NotImplementedException.")
		f.Func().Params(jen.Id("UnimplementedBackend")).Id(op.Name).
			Params(jen.Qual("context", "Context"), jen.Op("*").Id(op.Input.Name)).
			Params(jen.Op("*").Id(op.Output.Name), jen.Error()).
			Block(jen.Return(jen.Nil(), jen.Id("NotImplemented").Call(jen.Id("Op"+op.Name))))
	}
}
