package generator

import (
	"strconv"

	"github.com/dave/jennifer/jen"
)

func itoa(i int) string { return strconv.Itoa(i) }

// router emits the http.Handler that routes POST /{Operation}, decodes,
// validates, applies defaults, calls the Backend and encodes the answer.
func (g *gen) router(f *jen.File) {
	f.Comment("Options tune a Handler.")
	f.Type().Id("Options").Struct(
		jen.Comment("MaxBodyBytes caps request bodies; 0 means wire.MaxBodyBytes."),
		jen.Id("MaxBodyBytes").Int64(),
		jen.Comment("Before, if set, runs ahead of every call of an operation, before its body"),
		jen.Comment("is read. An error it returns is the answer (fault injection, auth)."),
		jen.Id("Before").Func().Params(jen.Id("op").String(), jen.Id("r").Op("*").Qual("net/http", "Request")).Error(),
	)
	f.Comment("Handler serves the operations over HTTP in AWS's " + g.svc.Protocol + " protocol.")
	f.Type().Id("Handler").Struct(
		jen.Id("backend").Id("Backend"),
		jen.Id("opts").Id("Options"),
	)
	f.Comment("NewHandler returns a Handler that serves b.")
	f.Func().Id("NewHandler").Params(jen.Id("b").Id("Backend"), jen.Id("opts").Id("Options")).Op("*").Id("Handler").Block(
		jen.If(jen.Id("opts").Dot("MaxBodyBytes").Op("<=").Lit(0)).Block(
			jen.Id("opts").Dot("MaxBodyBytes").Op("=").Qual(wirePkg, "MaxBodyBytes"),
		),
		jen.Return(jen.Op("&").Id("Handler").Values(jen.Id("backend").Op(":").Id("b"), jen.Id("opts").Op(":").Id("opts"))),
	)
	f.Comment("ServeHTTP answers one request. Every answer carries x-amzn-RequestId; a")
	f.Comment("panic in the Backend becomes InternalServerException, not a dropped connection.")
	f.Func().Params(jen.Id("h").Op("*").Id("Handler")).Id("ServeHTTP").Params(
		jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request"),
	).BlockFunc(func(b *jen.Group) {
		b.Qual(wirePkg, "SetRequestID").Call(jen.Id("w"))
		b.Defer().Func().Params().Block(
			jen.If(jen.Id("v").Op(":=").Recover(), jen.Id("v").Op("!=").Nil()).Block(
				jen.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Qual(wirePkg, "InternalError").Call()),
			),
		).Call()
		b.If(jen.Id("r").Dot("Method").Op("==").Qual("net/http", "MethodPost")).Block(
			jen.Switch(jen.Id("r").Dot("URL").Dot("Path")).BlockFunc(func(s *jen.Group) {
				for _, op := range g.svc.Operations {
					s.Case(jen.Lit(op.Path)).Block(
						jen.Id("h").Dot("serve"+op.Name).Call(jen.Id("w"), jen.Id("r")),
						jen.Return(),
					)
				}
			}),
		)
		b.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Qual(wirePkg, "UnknownOperation").Call(jen.Id("r").Dot("Method"), jen.Id("r").Dot("URL").Dot("Path")))
	})

	f.Comment("request is what every operation input is: it decodes, validates itself and takes defaults.")
	f.Type().Id("request").Interface(
		jen.Id("decodeJSON").Params(jen.Id("d").Op("*").Qual(wirePkg, "JSONDecoder")).Error(),
		jen.Id("Validate").Params().Error(),
		jen.Id("SetDefaults").Params(),
	)
	f.Comment("read runs the Before hook, then reads, decodes, validates and defaults the")
	f.Comment("body into in. On failure it writes the error and returns false.")
	f.Func().Params(jen.Id("h").Op("*").Id("Handler")).Id("read").Params(
		jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request"),
		jen.Id("op").String(), jen.Id("in").Id("request"),
	).Bool().Block(
		jen.If(jen.Id("h").Dot("opts").Dot("Before").Op("!=").Nil()).Block(
			jen.If(jen.Id("err").Op(":=").Id("h").Dot("opts").Dot("Before").Call(jen.Id("op"), jen.Id("r")), jen.Id("err").Op("!=").Nil()).Block(
				jen.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Id("err")),
				jen.Return(jen.False()),
			),
		),
		jen.List(jen.Id("body"), jen.Id("werr")).Op(":=").Qual(wirePkg, "ReadBody").Call(jen.Id("r"), jen.Id("h").Dot("opts").Dot("MaxBodyBytes")),
		jen.If(jen.Id("werr").Op("==").Nil()).Block(
			jen.Id("werr").Op("=").Qual(wirePkg, "DecodeBody").Call(jen.Id("body"), jen.Id("in").Dot("decodeJSON")),
		),
		jen.If(jen.Id("werr").Op("!=").Nil()).Block(
			jen.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Id("werr")),
			jen.Return(jen.False()),
		),
		jen.If(jen.Id("err").Op(":=").Id("in").Dot("Validate").Call(), jen.Id("err").Op("!=").Nil()).Block(
			jen.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Id("err")),
			jen.Return(jen.False()),
		),
		jen.Id("in").Dot("SetDefaults").Call(),
		jen.Return(jen.True()),
	)

	for _, op := range g.svc.Operations {
		f.Func().Params(jen.Id("h").Op("*").Id("Handler")).Id("serve"+op.Name).Params(
			jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request"),
		).Block(
			jen.Var().Id("in").Id(op.Input.Name),
			jen.If(jen.Op("!").Id("h").Dot("read").Call(jen.Id("w"), jen.Id("r"), jen.Id("Op"+op.Name), jen.Op("&").Id("in"))).Block(jen.Return()),
			jen.List(jen.Id("out"), jen.Id("err")).Op(":=").Id("h").Dot("backend").Dot(op.Name).Call(jen.Id("r").Dot("Context").Call(), jen.Op("&").Id("in")),
			jen.If(jen.Id("err").Op("!=").Nil()).Block(
				jen.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Id("err")),
				jen.Return(),
			),
			jen.If(jen.Id("out").Op("==").Nil()).Block(jen.Id("out").Op("=").Op("&").Id(op.Output.Name).Values()),
			jen.Id("out").Dot("SetDefaults").Call(),
			jen.Qual(wirePkg, "WriteJSON").Call(jen.Id("w"), jen.Id("out")),
		)
	}
}
