package fakegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

// decoders emits, for every struct used in requests, a decodeJSON method
// that reads it with a wire.JSONDecoder: member names are matched exactly,
// unknown members are skipped, null leaves a member absent and a repeated
// member replaces the earlier one. DecodeRequest exposes the Handler's
// decoding for tests and benchmarks.
func (g *gen) decoders(f *jen.File) {
	f.Comment("DecodeRequest decodes a request body into in, an operation's input, exactly as")
	f.Comment("the Handler does. It neither validates nor applies defaults.")
	f.Func().Id("DecodeRequest").Params(jen.Id("body").Index().Byte(), jen.Id("in").Id("request")).Op("*").Qual(wirePkg, "Error").Block(
		jen.Return(jen.Qual(wirePkg, "DecodeBody").Call(jen.Id("body"), jen.Id("in").Dot("decodeJSON"))),
	)
	defer g.binders(f)
	for _, st := range g.svc.Structs {
		if !st.Input {
			continue
		}
		f.Comment("decodeJSON reads the body members of " + st.Name + " from d, matching member names exactly.")
		f.Func().Params(jen.Id("s").Op("*").Id(st.Name)).Id("decodeJSON").Params(jen.Id("d").Op("*").Qual(wirePkg, "JSONDecoder")).Error().BlockFunc(func(b *jen.Group) {
			members := st.BodyMembers()
			if len(members) == 0 {
				b.Return(jen.Id("d").Dot("Object").Call(jen.Func().Params(jen.String()).Error().Block(
					jen.Return(jen.Id("d").Dot("Skip").Call()),
				)))
				return
			}
			b.Return(jen.Id("d").Dot("Object").Call(jen.Func().Params(jen.Id("key").String()).Error().Block(
				jen.Switch(jen.Id("key")).BlockFunc(func(sw *jen.Group) {
					for _, m := range members {
						sw.Case(jen.Lit(m.Name)).BlockFunc(func(c *jen.Group) {
							g.decodeMember(c, m)
						})
					}
					sw.Default().Block(jen.Return(jen.Id("d").Dot("Skip").Call()))
				}),
				jen.Return(jen.Nil()),
			)))
		})
	}
}

// binders emits, for each operation with members in the path, the query
// string or request headers, a bindHTTP method that reads them: labels as
// the router unescaped them, query parameters by name (a list from the
// parameter repeated), headers by name (wire.Header), integers and
// booleans parsed from their text.
func (g *gen) binders(f *jen.File) {
	for _, op := range g.svc.Operations {
		labels, query, headers := op.Labels(), op.Query(), op.Headers()
		if len(labels)+len(query)+len(headers) == 0 {
			continue
		}
		f.Comment("bindHTTP reads the members of " + op.Input.Name + " that " + op.Method + " " + op.Path + " carries")
		f.Comment("in its path, query string and headers.")
		f.Func().Params(jen.Id("s").Op("*").Id(op.Input.Name)).Id("bindHTTP").Params(
			jen.Id("labels").Index().String(), jen.Id("query").Qual("net/url", "Values"), jen.Id("header").Qual("net/http", "Header"),
		).Op("*").Qual(wirePkg, "Error").BlockFunc(func(b *jen.Group) {
			for i, m := range labels {
				if m.Type.Enum != nil {
					b.Id("s").Dot(m.GoName).Op("=").Op("&").Index().Id(m.Type.Enum.Name).Values(jen.Id(m.Type.Enum.Name).Call(jen.Id("labels").Index(jen.Lit(i)))).Index(jen.Lit(0))
					continue
				}
				b.Id("s").Dot(m.GoName).Op("=").Op("&").Id("labels").Index(jen.Lit(i))
			}
			for _, m := range query {
				b.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("query").Index(jen.Lit(m.WireName)), jen.Id("ok")).BlockFunc(func(c *jen.Group) {
					if m.Type.Kind == model.List {
						c.Id("list").Op(":=").Make(g.goType(m.Type, false), jen.Lit(0), jen.Len(jen.Id("v")))
						c.For(jen.List(jen.Id("_"), jen.Id("text")).Op(":=").Range().Id("v")).BlockFunc(func(l *jen.Group) {
							g.queryValue(l, m.Type.Elem, m.WireName, "x")
							l.Id("list").Op("=").Append(jen.Id("list"), jen.Id("x"))
						})
						c.Id("s").Dot(m.GoName).Op("=").Id("list")
						return
					}
					c.Id("text").Op(":=").Id("v").Index(jen.Lit(0))
					g.queryValue(c, m.Type, m.WireName, "x")
					c.Id("s").Dot(m.GoName).Op("=").Op("&").Id("x")
				})
			}
			for _, m := range headers {
				b.If(jen.List(jen.Id("text"), jen.Id("ok")).Op(":=").Qual(wirePkg, "Header").Call(jen.Id("header"), jen.Lit(m.WireName)), jen.Id("ok")).BlockFunc(func(c *jen.Group) {
					g.queryValue(c, m.Type, m.WireName, "x")
					c.Id("s").Dot(m.GoName).Op("=").Op("&").Id("x")
				})
			}
			b.Return(jen.Nil())
		})
	}
}

// queryValue declares name, of the plain Go type of t, read from text (a
// query parameter's or a header's value).
func (g *gen) queryValue(c *jen.Group, t *model.Type, param, name string) {
	parse := func(fn string) {
		c.List(jen.Id(name), jen.Id("err")).Op(":=").Qual(wirePkg, fn).Call(jen.Lit(param), jen.Id("text"))
		c.If(jen.Id("err").Op("!=").Nil()).Block(jen.Return(jen.Id("err")))
	}
	switch {
	case t.Kind == model.String && t.Enum != nil:
		c.Id(name).Op(":=").Id(t.Enum.Name).Call(jen.Id("text"))
	case t.Kind == model.String:
		c.Id(name).Op(":=").Id("text")
	case t.Kind == model.Integer && t.Bits == 32:
		parse("QueryInt32")
	case t.Kind == model.Integer:
		parse("QueryInt64")
	case t.Kind == model.Boolean:
		parse("QueryBool")
	default:
		panic("generator: no query parameter of kind " + t.Kind.String())
	}
}

// decodeMember decodes member m of s: null leaves it absent.
func (g *gen) decodeMember(c *jen.Group, m *model.Member) {
	field := jen.Id("s").Dot(m.GoName)
	c.If(jen.Id("d").Dot("Null").Call()).Block(
		field.Clone().Op("=").Nil(),
		jen.Return(jen.Nil()),
	)
	g.decodeValue(c, m.Type, "v", 0)
	switch m.Type.Kind {
	case model.List, model.Map:
		c.Add(field.Clone().Op("=").Id("v"))
	default:
		c.Add(field.Clone().Op("=").Op("&").Id("v"))
	}
}

// decodeValue emits statements that declare name, of the plain Go type of t,
// and fill it from d, returning a decoding error from the enclosing function.
func (g *gen) decodeValue(c *jen.Group, t *model.Type, name string, depth int) {
	ret := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	read := func(method string) {
		c.List(jen.Id(name), jen.Err()).Op(":=").Id("d").Dot(method).Call()
		c.Add(ret)
	}
	switch t.Kind {
	case model.String:
		if t.Enum == nil {
			read("String")
			return
		}
		c.List(jen.Id(name+"s"), jen.Err()).Op(":=").Id("d").Dot("String").Call()
		c.Add(ret)
		c.Id(name).Op(":=").Id(t.Enum.Name).Call(jen.Id(name + "s"))
	case model.Integer:
		if t.Bits == 32 {
			read("Int32")
		} else {
			read("Int64")
		}
	case model.Float:
		if t.Bits == 32 {
			read("Float32")
		} else {
			read("Float64")
		}
	case model.Boolean:
		read("Bool")
	case model.Timestamp:
		read("Time")
	case model.Object:
		c.Var().Id(name).Id(t.Struct.Name)
		c.If(jen.Err().Op(":=").Id(name).Dot("decodeJSON").Call(jen.Id("d")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	case model.List:
		elem := "v" + itoa(depth+1)
		c.Id(name).Op(":=").Add(g.goType(t, false)).Values()
		c.If(jen.Err().Op(":=").Id("d").Dot("Array").Call(jen.Func().Params(jen.Int()).Error().BlockFunc(func(fn *jen.Group) {
			fn.If(jen.Id("d").Dot("Null").Call()).Block(
				jen.Return(jen.Id("d").Dot("NullItem").Call(jen.Lit("list"))),
			)
			g.decodeValue(fn, t.Elem, elem, depth+1)
			fn.Id(name).Op("=").Append(jen.Id(name), jen.Id(elem))
			fn.Return(jen.Nil())
		})), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	case model.Map:
		elem := "v" + itoa(depth+1)
		key := "k" + itoa(depth+1)
		c.Id(name).Op(":=").Add(g.goType(t, false)).Values()
		c.If(jen.Err().Op(":=").Id("d").Dot("Map").Call(jen.Func().Params(jen.Id(key).String()).Error().BlockFunc(func(fn *jen.Group) {
			fn.If(jen.Id("d").Dot("Null").Call()).Block(
				jen.Return(jen.Id("d").Dot("NullItem").Call(jen.Lit("map"))),
			)
			g.decodeValue(fn, t.Elem, elem, depth+1)
			fn.Id(name).Index(jen.Id(key)).Op("=").Id(elem)
			fn.Return(jen.Nil())
		})), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	default:
		panic("generator: unhandled kind " + t.Kind.String())
	}
}
