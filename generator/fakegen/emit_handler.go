package fakegen

import (
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

func itoa(i int) string { return strconv.Itoa(i) }

// handler emits the http.Handler that routes each operation's method and
// path by the Routes table, decodes labels, query string, headers and
// body, validates, applies defaults, calls the Backend and encodes the
// answer: its header members as response headers (wire.WriteJSON calls its
// SetHeaders), the rest as the body.
func (g *gen) handler(f *jen.File) {
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
		b.If(jen.List(jen.Id("i"), jen.Id("labels"), jen.Id("ok")).Op(":=").Id("operationRoutes").Dot("Match").Call(
			jen.Id("r").Dot("Method"), jen.Id("r").Dot("URL").Dot("EscapedPath").Call()), jen.Id("ok")).Block(
			jen.Switch(jen.Id("i")).BlockFunc(func(s *jen.Group) {
				for i, op := range g.svc.Operations {
					s.Case(jen.Lit(i)).Block(
						jen.Id("h").Dot("serve"+op.Name).Call(jen.Id("w"), jen.Id("r"), jen.Id("labels")),
						jen.Return(),
					)
				}
			}),
		)
		// An unknown method on a known path names no operation either.
		b.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Qual(wirePkg, "UnknownOperation").Call(jen.Id("r").Dot("Method"), jen.Id("r").Dot("URL").Dot("Path")))
	})

	f.Comment("operationRoutes matches method and path to an index of Routes.")
	f.Var().Id("operationRoutes").Op("=").Qual(wirePkg, "NewRouter").Call(jen.Id("Routes"))

	f.Comment("request is what every operation input is: it decodes, validates itself and takes defaults.")
	f.Type().Id("request").Interface(
		jen.Id("decodeJSON").Params(jen.Id("d").Op("*").Qual(wirePkg, "JSONDecoder")).Error(),
		jen.Id("Validate").Params().Error(),
		jen.Id("SetDefaults").Params(),
	)
	if g.hasBindings() {
		f.Comment("binder is an input with members in the path, the query string or headers.")
		f.Type().Id("binder").Interface(
			jen.Id("bindHTTP").Params(jen.Id("labels").Index().String(), jen.Id("query").Qual("net/url", "Values"), jen.Id("header").Qual("net/http", "Header")).Op("*").Qual(wirePkg, "Error"),
		)
	}
	f.Comment("read runs the Before hook, then reads the path labels, query string and")
	f.Comment("headers (for an input that has members there) and the JSON body (for an")
	f.Comment("operation whose route has one), validates and applies defaults. On failure")
	f.Comment("it writes the error and returns false.")
	f.Func().Params(jen.Id("h").Op("*").Id("Handler")).Id("read").Params(
		jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request"),
		jen.Id("route").Op("*").Qual(wirePkg, "Route"), jen.Id("in").Id("request"), jen.Id("labels").Index().String(),
	).Bool().BlockFunc(func(b *jen.Group) {
		b.If(jen.Id("h").Dot("opts").Dot("Before").Op("!=").Nil()).Block(
			jen.If(jen.Id("err").Op(":=").Id("h").Dot("opts").Dot("Before").Call(jen.Id("route").Dot("Operation"), jen.Id("r")), jen.Id("err").Op("!=").Nil()).Block(
				jen.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Id("err")),
				jen.Return(jen.False()),
			),
		)
		if g.hasBindings() {
			b.If(jen.List(jen.Id("bi"), jen.Id("ok")).Op(":=").Id("in").Assert(jen.Id("binder")), jen.Id("ok")).Block(
				jen.List(jen.Id("query"), jen.Id("werr")).Op(":=").Qual(wirePkg, "URLValues").Call(jen.Id("r"), jen.Id("route"), jen.Id("labels")),
				jen.If(jen.Id("werr").Op("==").Nil()).Block(
					jen.Id("werr").Op("=").Id("bi").Dot("bindHTTP").Call(jen.Id("labels"), jen.Id("query"), jen.Id("r").Dot("Header")),
				),
				jen.If(jen.Id("werr").Op("!=").Nil()).Block(
					jen.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Id("werr")),
					jen.Return(jen.False()),
				),
			)
		}
		b.If(jen.Id("route").Dot("Body")).Block(
			jen.List(jen.Id("body"), jen.Id("werr")).Op(":=").Qual(wirePkg, "ReadBody").Call(jen.Id("r"), jen.Id("h").Dot("opts").Dot("MaxBodyBytes")),
			jen.If(jen.Id("werr").Op("==").Nil()).Block(
				jen.Id("werr").Op("=").Qual(wirePkg, "DecodeBody").Call(jen.Id("body"), jen.Id("in").Dot("decodeJSON")),
			),
			jen.If(jen.Id("werr").Op("!=").Nil()).Block(
				jen.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Id("werr")),
				jen.Return(jen.False()),
			),
		)
		b.Add(
			jen.If(jen.Id("err").Op(":=").Id("in").Dot("Validate").Call(), jen.Id("err").Op("!=").Nil()).Block(
				jen.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Id("err")),
				jen.Return(jen.False()),
			),
		)
		b.Id("in").Dot("SetDefaults").Call()
		b.Return(jen.True())
	})

	for i, op := range g.svc.Operations {
		f.Func().Params(jen.Id("h").Op("*").Id("Handler")).Id("serve"+op.Name).Params(
			jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request"), jen.Id("labels").Index().String(),
		).BlockFunc(func(b *jen.Group) {
			b.Var().Id("in").Id(op.Input.Name)
			b.If(jen.Op("!").Id("h").Dot("read").Call(jen.Id("w"), jen.Id("r"), jen.Op("&").Id("Routes").Index(jen.Lit(i)), jen.Op("&").Id("in"), jen.Id("labels"))).Block(jen.Return())
			b.List(jen.Id("out"), jen.Id("err")).Op(":=").Id("h").Dot("backend").Dot(op.Name).Call(jen.Id("r").Dot("Context").Call(), jen.Op("&").Id("in"))
			b.If(jen.Id("err").Op("!=").Nil()).Block(
				jen.Qual(wirePkg, "WriteError").Call(jen.Id("w"), jen.Id("err")),
				jen.Return(),
			)
			b.If(jen.Id("out").Op("==").Nil()).Block(jen.Id("out").Op("=").Op("&").Id(op.Output.Name).Values())
			b.Id("out").Dot("SetDefaults").Call()
			if len(op.ResponseHeaders()) > 0 {
				b.Comment("The members bound to headers go out as headers (SetHeaders), the rest as the body.")
			}
			b.Qual(wirePkg, "WriteJSON").Call(jen.Id("w"), jen.Id("out"))
		})
	}
}

// hasBindings reports whether some operation has members in its path,
// query string or request headers.
func (g *gen) hasBindings() bool {
	for _, op := range g.svc.Operations {
		if len(op.Labels())+len(op.Query())+len(op.Headers()) > 0 {
			return true
		}
	}
	return false
}

// methodConst names net/http's constant for an HTTP method.
func methodConst(method string) string {
	return "Method" + method[:1] + strings.ToLower(method[1:])
}
