package fakegen

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

// encoders emits, for each struct a response carries, an AppendJSON method
// (wire.JSONAppender) that writes the bytes encoding/json.Marshal writes for
// it: members in declaration order, omitzero members left out when nil, map
// keys sorted, strings escaped as json.Marshal escapes them. The wire layer
// uses it instead of reflection, which was the largest CPU cost of an answer
// left in the fake.
//
// It is AppendJSON, not MarshalJSON, so that json.Marshal keeps its own
// reflection-driven encoding of these types: that is what the generated
// package's tests hold AppendJSON to.
func (g *gen) encoders(f *jen.File) {
	for _, st := range g.svc.Structs {
		if !st.Output {
			continue
		}
		f.Comment("AppendJSON appends v as json.Marshal writes it (wire.JSONAppender).")
		// A member bound to a header is not in the body (json:"-").
		members := slices.DeleteFunc(slices.Clone(st.Members), func(m *model.Member) bool { return m.Location == model.Header })
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("AppendJSON").Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).BlockFunc(func(body *jen.Group) {
			body.If(jen.Id("v").Op("==").Nil()).Block(jen.Return(jen.Append(jen.Id("b"), jen.Lit("null").Op("...")), jen.Nil()))
			if len(members) == 0 {
				body.Return(jen.Append(jen.Id("b"), jen.Lit("{}").Op("...")), jen.Nil())
				return
			}
			// Each member writes ",name:value"; the first comma becomes the
			// opening brace, so no member has to know whether one went before.
			if structFails(members) {
				body.Var().Id("err").Error()
			}
			body.Id("start").Op(":=").Len(jen.Id("b"))
			for _, m := range members {
				g.encodeMember(body, m)
			}
			body.If(jen.Len(jen.Id("b")).Op("==").Id("start")).Block(
				jen.Return(jen.Append(jen.Id("b"), jen.Lit("{}").Op("...")), jen.Nil()),
			)
			body.Id("b").Index(jen.Id("start")).Op("=").LitRune('{')
			body.Return(jen.Append(jen.Id("b"), jen.LitRune('}')), jen.Nil())
		})
		if hs := st.HeaderMembers(); len(hs) > 0 {
			g.headerWriter(f, st, hs)
		}
	}
}

// headerWriter emits SetHeaders (wire.HeaderSetter), which sets the
// response headers the members of an answer are bound to: a string or enum
// as it is, an integer or boolean as its text; a nil member sets nothing.
// wire.WriteJSON calls it once the body is encoded, so the Handler writes
// the headers before the body, and an answer that cannot be encoded goes
// out as an error without them.
func (g *gen) headerWriter(f *jen.File, st *model.Struct, hs []*model.Member) {
	f.Comment("SetHeaders sets the response headers the members of " + st.Name + " are bound to")
	f.Comment("(wire.HeaderSetter); a member left nil sets none.")
	f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("SetHeaders").Params(jen.Id("h").Qual("net/http", "Header")).BlockFunc(func(body *jen.Group) {
		for _, m := range hs {
			x := jen.Op("*").Id("v").Dot(m.GoName)
			var text jen.Code
			switch {
			case m.Type.Kind == model.String && m.Type.Enum != nil:
				text = jen.String().Call(x)
			case m.Type.Kind == model.String:
				text = x
			case m.Type.Kind == model.Integer:
				text = jen.Qual("strconv", "FormatInt").Call(jen.Int64().Call(x), jen.Lit(10))
			case m.Type.Kind == model.Boolean:
				text = jen.Qual("strconv", "FormatBool").Call(x)
			default:
				panic("generator: no header of kind " + m.Type.Kind.String())
			}
			body.If(jen.Id("v").Dot(m.GoName).Op("!=").Nil()).Block(
				jen.Id("h").Dot("Set").Call(jen.Lit(m.WireName), text),
			)
		}
	})
}

// encodeMember writes one member of v. Every member but a required
// collection is omitzero (jsonTag): left out when its pointer, slice or map
// is nil.
func (g *gen) encodeMember(body *jen.Group, m *model.Member) {
	name, _ := json.Marshal(m.Name) // the key as encoding/json escapes it
	key := jen.Id("b").Op("=").Append(jen.Id("b"), jen.Lit(","+string(name)+":").Op("..."))
	x := jen.Id("v").Dot(m.GoName)
	omit := jsonTag(m) != m.Name
	var write []jen.Code
	switch m.Type.Kind {
	case model.List, model.Map:
		write = g.encodeValue(m.Type, x, 0, omit)
	case model.Object:
		write = g.encodeValue(m.Type, x, 0, false) // AppendJSON takes the pointer
	default:
		write = g.encodeValue(m.Type, jen.Op("*").Add(x), 0, false)
	}
	if omit {
		body.If(x.Clone().Op("!=").Nil()).Block(append([]jen.Code{key}, write...)...)
		return
	}
	body.Add(key)
	if m.Type.Kind == model.List || m.Type.Kind == model.Map {
		body.Add(write...)
		return
	}
	body.If(x.Clone().Op("==").Nil()).Block(
		jen.Id("b").Op("=").Append(jen.Id("b"), jen.Lit("null").Op("...")),
	).Else().Block(write...)
}

// encodeValue writes x, of type t (a plain value, as goType(t, false) gives
// it; an Object may be a pointer or an addressable value), at loop depth d.
// A List or Map that is nil goes out as null, unless the caller has seen
// it is not nil (nonNil).
func (g *gen) encodeValue(t *model.Type, x *jen.Statement, d int, nonNil bool) []jen.Code {
	b := jen.Id("b")
	fail := jen.If(jen.Id("err").Op("!=").Nil()).Block(jen.Return(jen.Id("b"), jen.Id("err")))
	switch t.Kind {
	case model.String:
		if t.Enum != nil {
			x = jen.String().Call(x)
		}
		return []jen.Code{b.Clone().Op("=").Qual(wirePkg, "AppendJSONString").Call(b.Clone(), x)}
	case model.Integer:
		return []jen.Code{b.Clone().Op("=").Qual("strconv", "AppendInt").Call(b.Clone(), jen.Int64().Call(x), jen.Lit(10))}
	case model.Float:
		return []jen.Code{
			jen.List(b.Clone(), jen.Id("err")).Op("=").Qual(wirePkg, "AppendJSONFloat").Call(b.Clone(), jen.Float64().Call(x), jen.Lit(t.Bits)),
			fail,
		}
	case model.Boolean:
		return []jen.Code{b.Clone().Op("=").Qual(wirePkg, "AppendJSONBool").Call(b.Clone(), x)}
	case model.Timestamp:
		return []jen.Code{
			jen.List(b.Clone(), jen.Id("err")).Op("=").Qual(wirePkg, "AppendJSONTime").Call(b.Clone(), x),
			fail,
		}
	case model.Object:
		return []jen.Code{
			jen.List(b.Clone(), jen.Id("err")).Op("=").Add(x).Dot("AppendJSON").Call(b.Clone()),
			fail,
		}
	case model.List:
		i := jen.Id("i" + strconv.Itoa(d))
		loop := []jen.Code{
			jen.If(i.Clone().Op(">").Lit(0)).Block(b.Clone().Op("=").Append(b.Clone(), jen.LitRune(','))),
		}
		loop = append(loop, g.encodeValue(t.Elem, x.Clone().Index(i.Clone()), d+1, false)...)
		return orNull(x, nonNil,
			b.Clone().Op("=").Append(b.Clone(), jen.LitRune('[')),
			jen.For(i.Clone().Op(":=").Range().Add(x.Clone())).Block(loop...),
			b.Clone().Op("=").Append(b.Clone(), jen.LitRune(']')),
		)
	case model.Map:
		i, k, keys, e := jen.Id("i"+strconv.Itoa(d)), jen.Id("k"+strconv.Itoa(d)), jen.Id("keys"+strconv.Itoa(d)), jen.Id("e"+strconv.Itoa(d))
		loop := []jen.Code{
			jen.If(i.Clone().Op(">").Lit(0)).Block(b.Clone().Op("=").Append(b.Clone(), jen.LitRune(','))),
			b.Clone().Op("=").Qual(wirePkg, "AppendJSONString").Call(b.Clone(), k.Clone()),
			b.Clone().Op("=").Append(b.Clone(), jen.LitRune(':')),
		}
		// A map value is not addressable; an Object's AppendJSON needs a
		// variable to take the address of.
		if t.Elem.Kind == model.Object {
			loop = append(loop, e.Clone().Op(":=").Add(x.Clone()).Index(k.Clone()))
			loop = append(loop, g.encodeValue(t.Elem, e.Clone(), d+1, false)...)
		} else {
			loop = append(loop, g.encodeValue(t.Elem, x.Clone().Index(k.Clone()), d+1, false)...)
		}
		return orNull(x, nonNil,
			// Small maps (tags, attributes) sort their keys on the stack.
			jen.Var().Add(keys.Clone()).Index(jen.Lit(16)).String(),
			b.Clone().Op("=").Append(b.Clone(), jen.LitRune('{')),
			jen.For(jen.List(i.Clone(), k.Clone()).Op(":=").Range().Qual(wirePkg, "SortedKeys").Call(x.Clone(), keys.Clone().Index(jen.Op(":").Lit(0)))).Block(loop...),
			b.Clone().Op("=").Append(b.Clone(), jen.LitRune('}')),
		)
	}
	panic("generator: unhandled kind " + t.Kind.String())
}

// orNull is write, or null when the collection x is nil (unless nonNil).
func orNull(x *jen.Statement, nonNil bool, write ...jen.Code) []jen.Code {
	if nonNil {
		return write
	}
	return []jen.Code{jen.If(x.Clone().Op("==").Nil()).Block(
		jen.Id("b").Op("=").Append(jen.Id("b"), jen.Lit("null").Op("...")),
	).Else().Block(write...)}
}

// structFails reports whether encoding members can fail (a timestamp or a
// float out of JSON's range), so their AppendJSON needs an error variable.
func structFails(members []*model.Member) bool {
	for _, m := range members {
		for t := m.Type; t != nil; t = t.Elem {
			switch t.Kind {
			case model.Float, model.Timestamp, model.Object:
				return true
			}
		}
	}
	return false
}
