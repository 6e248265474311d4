package fakegen

import (
	"github.com/dave/jennifer/jen"
)

// backend emits the Backend interface, one method per operation.
func (g *gen) backend(f *jen.File) {
	f.Comment("Backend holds the behaviour of the operations. The Handler calls it only")
	f.Comment("with requests that passed validation and have their defaults applied. An")
	f.Comment("error it returns goes out in AWS's form when it is a *wire.Error (see")
	f.Comment("NewError and the New<Error> constructors) and as InternalServerException")
	f.Comment("otherwise. The Handler applies the spec's defaults to an answer in place,")
	f.Comment("so an answer must share no memory with what the Backend keeps.")
	f.Type().Id("Backend").InterfaceFunc(func(i *jen.Group) {
		for _, op := range g.svc.Operations {
			if op.Summary != "" {
				i.Comment(op.Name + ": " + op.Summary)
			}
			i.Id(op.Name).Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("in").Op("*").Id(op.Input.Name)).
				Params(jen.Op("*").Id(op.Output.Name), jen.Error())
		}
	})
}
