package fakegen

import (
	"fmt"
	"sort"

	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

// defaults emits SetDefaults for every struct: it applies the spec's
// defaults (a request's, and an answer's that the backend left out: a
// documented default of a member only answers have, such as
// replicationType NONE); on requests x-ivsrt-reset-when; on responses it
// turns absent required lists and maps into empty ones, so they go out as
// [] and {}.
func (g *gen) defaults(f *jen.File) {
	for _, st := range g.svc.Structs {
		if r := st.ResetWhen; r != nil {
			f.Comment("Resets reports whether " + r.Member.Name + " holds " + fmt.Sprintf("%q", r.Equals) + ", the value that resets the other members")
			f.Comment("of " + st.Name + " to their defaults.")
			trigger := jen.Id("s").Dot(r.Member.GoName)
			f.Func().Params(jen.Id("s").Op("*").Id(st.Name)).Id("Resets").Params().Bool().Block(
				jen.Return(trigger.Clone().Op("!=").Nil().Op("&&").Op("*").Add(trigger.Clone()).Op("==").Lit(r.Equals)))
		}
		f.Comment("SetDefaults fills in what the spec defaults on " + st.Name + ".")
		f.Func().Params(jen.Id("s").Op("*").Id(st.Name)).Id("SetDefaults").Params().BlockFunc(func(b *jen.Group) {
			if st.Input && st.ResetWhen != nil {
				g.resetWhen(b, st)
			}
			for _, m := range st.Members {
				field := jen.Id("s").Dot(m.GoName)
				if m.Default != nil {
					b.If(field.Clone().Op("==").Nil()).Block(field.Clone().Op("=").Add(g.literal(m.Type, m.Default, true)))
				}
				if st.Output && m.Required && (m.Type.Kind == model.List || m.Type.Kind == model.Map) {
					b.If(field.Clone().Op("==").Nil()).Block(field.Clone().Op("=").Add(g.empty(m.Type)))
				}
				switch {
				case m.Type.Kind == model.Object:
					b.If(field.Clone().Op("!=").Nil()).Block(field.Clone().Dot("SetDefaults").Call())
				case m.Type.Kind == model.List && m.Type.Elem.Kind == model.Object:
					b.For(jen.Id("i").Op(":=").Range().Add(field.Clone())).Block(field.Clone().Index(jen.Id("i")).Dot("SetDefaults").Call())
				}
			}
		})
	}
}

// resetWhen resets every other member when the trigger member has its value:
// to its default where it has one, else to absent.
func (g *gen) resetWhen(b *jen.Group, st *model.Struct) {
	r := st.ResetWhen
	trigger := jen.Id("s").Dot(r.Member.GoName)
	b.If(trigger.Clone().Op("!=").Nil().Op("&&").Op("*").Add(trigger.Clone()).Op("==").Lit(r.Equals)).BlockFunc(func(rb *jen.Group) {
		for _, m := range st.Members {
			if m == r.Member || m.Required {
				continue
			}
			field := jen.Id("s").Dot(m.GoName)
			if m.Default != nil {
				rb.Add(field).Op("=").Add(g.literal(m.Type, m.Default, true))
			} else {
				rb.Add(field).Op("=").Nil()
			}
		}
	})
}

func (g *gen) empty(t *model.Type) jen.Code {
	return jen.Add(g.goType(t, false)).Values()
}

// literal renders a spec default (a YAML-decoded value) as a Go expression
// of type t; member says whether scalars and structs are pointers.
func (g *gen) literal(t *model.Type, v any, member bool) jen.Code {
	wrap := func(c jen.Code) jen.Code {
		if member {
			return jen.New(c)
		}
		return c
	}
	switch t.Kind {
	case model.String:
		s := fmt.Sprint(v)
		if t.Enum != nil {
			return wrap(jen.Id(enumConst(t.Enum, s)))
		}
		return wrap(jen.Lit(s))
	case model.Integer:
		n := int64(toFloat(v))
		if t.Bits == 32 {
			return wrap(jen.Int32().Parens(jen.Lit(int(n))))
		}
		return wrap(jen.Int64().Parens(jen.Lit(int(n))))
	case model.Float:
		if t.Bits == 32 {
			return wrap(jen.Float32().Parens(jen.Lit(toFloat(v))))
		}
		return wrap(jen.Float64().Parens(jen.Lit(toFloat(v))))
	case model.Boolean:
		return wrap(jen.Lit(v == true))
	case model.List:
		items, _ := v.([]any)
		return jen.Add(g.goType(t, false)).ValuesFunc(func(vals *jen.Group) {
			for _, it := range items {
				vals.Add(g.literal(t.Elem, it, false))
			}
		})
	case model.Map:
		m, _ := v.(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return jen.Add(g.goType(t, false)).Values(jen.DictFunc(func(d jen.Dict) {
			for _, k := range keys {
				d[jen.Lit(k)] = g.literal(t.Elem, m[k], false)
			}
		}))
	case model.Object:
		m, _ := v.(map[string]any)
		lit := jen.Id(t.Struct.Name).Values(jen.DictFunc(func(d jen.Dict) {
			for _, mem := range t.Struct.Members {
				if val, ok := m[mem.Name]; ok {
					d[jen.Id(mem.GoName)] = g.literal(mem.Type, val, true)
				}
			}
		}))
		if member {
			return jen.Op("&").Add(lit)
		}
		return lit
	}
	panic("generator: no literal for kind " + t.Kind.String())
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case uint64:
		return float64(n)
	}
	return 0
}
