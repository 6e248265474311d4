package fakegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

// validators emits, for each request struct, a validate method that checks
// every constraint and reports all violations, and for each operation input
// a Validate method that turns them into one ValidationException.
func (g *gen) validators(f *jen.File) {
	if patterns := g.sortedPatterns(); len(patterns) > 0 {
		f.Var().DefsFunc(func(d *jen.Group) {
			for _, p := range patterns {
				d.Id(p[0]).Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(p[1]))
			}
		})
	}
	validation := errorByName(g.svc, "ValidationException")
	// Every struct gets validators: requests are checked by the fake, and
	// responses can be held to the same rules by a backend or a test.
	for _, st := range g.svc.Structs {
		f.Comment("Validate checks every constraint the spec puts on " + st.Name + " and")
		f.Comment("reports all violations at once, as one " + validation.Name + " in AWS's form.")
		f.Func().Params(jen.Id("s").Op("*").Id(st.Name)).Id("Validate").Params().Error().Block(
			jen.Var().Id("e").Qual(validatePkg, "Errors"),
			jen.Id("s").Dot("validate").Call(jen.Op("&").Id("e"), jen.Lit("")),
			jen.If(jen.Id("e").Dot("Len").Call().Op(">").Lit(0)).Block(
				jen.Return(jen.Qual(wirePkg, "NewError").Call(jen.Lit(validation.Name), jen.Lit(validation.Status), jen.Lit("%s"), jen.Id("e").Dot("Message").Call())),
			),
			jen.Return(jen.Nil()),
		)
		f.Func().Params(jen.Id("s").Op("*").Id(st.Name)).Id("validate").Params(
			jen.Id("e").Op("*").Qual(validatePkg, "Errors"), jen.Id("path").String(),
		).BlockFunc(func(b *jen.Group) {
			for _, m := range st.Members {
				g.validateMember(b, m)
			}
			if st.Filters != nil {
				b.Id("e").Dot("AtMostOne").Call(
					jen.Id(filtersVar(st)),
					jen.Index().Bool().ValuesFunc(func(v *jen.Group) {
						for _, fm := range st.Filters.Match {
							v.Id("s").Dot(fm.Filter.GoName).Op("!=").Nil()
						}
					}),
				)
			}
		})
	}
}

func (g *gen) validateMember(b *jen.Group, m *model.Member) {
	field := jen.Id("s").Dot(m.GoName)
	path := jen.Qual(validatePkg, "Join").Call(jen.Id("path"), jen.Lit(m.Name))
	if m.Required {
		b.Id("e").Dot("Required").Call(path, field.Clone().Op("!=").Nil())
	}
	// Lists, maps and structs are checked through the field itself; scalars
	// through the value it points to.
	value := field.Clone()
	if k := m.Type.Kind; k != model.List && k != model.Map && k != model.Object {
		value = jen.Op("*").Add(field.Clone())
	}
	checks := g.checks(m.Type, value, jen.Id("p"), 0)
	if len(checks) == 0 {
		return
	}
	b.If(field.Clone().Op("!=").Nil()).Block(
		append([]jen.Code{jen.Id("p").Op(":=").Add(path)}, checks...)...,
	)
}

// checks returns the statements that validate value v (a plain value, not
// a pointer) of type t at path p. depth names loop variables uniquely.
func (g *gen) checks(t *model.Type, v, p jen.Code, depth int) []jen.Code {
	e := func(method string, args ...jen.Code) jen.Code {
		return jen.Id("e").Dot(method).Call(args...)
	}
	l := t.Limits
	var out []jen.Code
	switch t.Kind {
	case model.String:
		s := v
		if t.Enum != nil {
			s = jen.String().Parens(v)
			out = append(out, e("Enum", p, s, jen.Id(t.Enum.Name+"Values")))
		}
		if l.MinLength != nil {
			out = append(out, e("MinLength", p, s, jen.Lit(*l.MinLength)))
		}
		if l.MaxLength != nil {
			out = append(out, e("MaxLength", p, s, jen.Lit(*l.MaxLength)))
		}
		if l.Pattern != nil {
			out = append(out, e("Pattern", p, s, jen.Id(g.patterns[l.Pattern.Expr]), jen.Lit(l.Pattern.Display)))
		}
	case model.Integer:
		if l.Min != nil {
			out = append(out, e("MinValue", p, jen.Int64().Parens(v), jen.Lit(*l.Min)))
		}
		if l.Max != nil {
			out = append(out, e("MaxValue", p, jen.Int64().Parens(v), jen.Lit(*l.Max)))
		}
	case model.Float:
		// A float32 is compared with its bound rounded to float32, so a
		// value at the bound is at it, whatever the rounding.
		bound := func(f float64) jen.Code {
			if t.Bits == 32 {
				return jen.Float64().Parens(jen.Float32().Parens(jen.Lit(f)))
			}
			return jen.Lit(f)
		}
		if l.MinFloat != nil {
			out = append(out, e("MinFloat", p, jen.Float64().Parens(v), bound(*l.MinFloat)))
		}
		if l.MaxFloat != nil {
			out = append(out, e("MaxFloat", p, jen.Float64().Parens(v), bound(*l.MaxFloat)))
		}
	case model.Object:
		out = append(out, jen.Add(v).Dot("validate").Call(jen.Id("e"), p))
	case model.List:
		if l.MinItems != nil {
			out = append(out, jen.Qual(validatePkg, "MinItems").Call(jen.Id("e"), p, v, jen.Lit(*l.MinItems)))
		}
		if l.MaxItems != nil {
			out = append(out, jen.Qual(validatePkg, "MaxItems").Call(jen.Id("e"), p, v, jen.Lit(*l.MaxItems)))
		}
		i := jen.Id(loopVar("i", depth))
		ip := jen.Id(loopVar("ip", depth))
		inner := g.checks(t.Elem, jen.Add(v).Index(i), ip, depth+1)
		if len(inner) > 0 {
			out = append(out, jen.For(jen.Add(i).Op(":=").Range().Add(v)).Block(
				append([]jen.Code{jen.Add(ip).Op(":=").Qual(validatePkg, "Index").Call(p, i)}, inner...)...,
			))
		}
	case model.Map:
		if l.MinEntries != nil {
			out = append(out, jen.Qual(validatePkg, "MinEntries").Call(jen.Id("e"), p, v, jen.Lit(*l.MinEntries)))
		}
		if l.MaxEntries != nil {
			out = append(out, jen.Qual(validatePkg, "MaxEntries").Call(jen.Id("e"), p, v, jen.Lit(*l.MaxEntries)))
		}
		if l.MinKeyLength != nil || l.MaxKeyLength != nil {
			out = append(out, e("KeyLength", p, v, litOr(l.MinKeyLength, -1), litOr(l.MaxKeyLength, -1)))
		}
		if l.MaxTotalBytes != nil {
			out = append(out, e("MaxTotalBytes", p, v, jen.Lit(*l.MaxTotalBytes)))
		}
		k := jen.Id(loopVar("k", depth))
		val := jen.Id(loopVar("v", depth))
		inner := g.checks(t.Elem, val, jen.Qual(validatePkg, "Join").Call(p, k), depth+1)
		if len(inner) > 0 {
			// Keys in order, so several violations always read the same.
			out = append(out, jen.For(jen.List(jen.Id("_"), k).Op(":=").Range().Qual("slices", "Sorted").Call(jen.Qual("maps", "Keys").Call(v))).Block(
				append([]jen.Code{jen.Add(val).Op(":=").Add(v).Index(k)}, inner...)...,
			))
		}
	}
	return out
}

func loopVar(name string, depth int) string {
	if depth == 0 {
		return name
	}
	return name + string(rune('0'+depth))
}

func litOr(p *int, def int) jen.Code {
	if p == nil {
		return jen.Lit(def)
	}
	return jen.Lit(*p)
}

func errorByName(svc *model.Service, name string) *model.Error {
	for _, e := range svc.Errors {
		if e.Name == name {
			return e
		}
	}
	return nil
}
