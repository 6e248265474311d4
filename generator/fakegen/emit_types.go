package fakegen

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

// types emits enums and structs.
func (g *gen) types(f *jen.File) {
	for _, e := range g.svc.Enums {
		comment(f, e.Name, e.Doc, "is an enum of the spec.")
		f.Type().Id(e.Name).String()
		f.Const().DefsFunc(func(d *jen.Group) {
			for _, v := range e.Values {
				d.Id(enumConst(e, v)).Id(e.Name).Op("=").Lit(v)
			}
		})
		f.Comment(e.Name + "Values lists the values of " + e.Name + " in spec order.")
		f.Var().Id(e.Name + "Values").Op("=").Index().String().ValuesFunc(func(v *jen.Group) {
			for _, val := range e.Values {
				v.Lit(val)
			}
		})
	}
	for _, st := range g.svc.Structs {
		comment(f, st.Name, st.Doc, "is an object of the spec.")
		f.Type().Id(st.Name).StructFunc(func(fields *jen.Group) {
			for _, m := range st.Members {
				var doc []string
				if m.Doc != "" {
					doc = append(doc, m.Doc)
				}
				if m.Required {
					doc = append(doc, "Required.")
				}
				if m.Sensitive {
					doc = append(doc, "Secret: never log it.")
				}
				switch m.Location {
				case model.Label:
					doc = append(doc, "In the path: {"+m.WireName+"}.")
				case model.Query:
					doc = append(doc, "In the query string: "+m.WireName+".")
				case model.Header:
					doc = append(doc, "In the header: "+m.WireName+".")
				}
				if m.IdempotencyToken {
					// The fake takes the token as any string; it does not
					// remember tokens to answer a repeated request as the
					// first (a real service does, for a while).
					doc = append(doc, "Idempotency token: AWS answers a repeated request with the same token as it answered the first; the SDKs fill it in with a UUID when it is left out.")
				}
				if len(doc) > 0 {
					fields.Comment(strings.Join(doc, " "))
				}
				fields.Id(m.GoName).Add(g.goType(m.Type, true)).Tag(map[string]string{"json": jsonTag(m)})
			}
		})
	}
}

// jsonTag omits absent members, except required collections, which must go
// out as [] or {} rather than disappear. A member bound to a header is not
// in the body at all.
func jsonTag(m *model.Member) string {
	if m.Location == model.Header {
		return "-"
	}
	if m.Required && (m.Type.Kind == model.List || m.Type.Kind == model.Map) {
		return m.Name
	}
	return m.Name + ",omitzero"
}

// goType is the Go type of a member (pointer for optional scalars and
// structs, so absence is seen) or of a list element / map value (plain).
func (g *gen) goType(t *model.Type, member bool) jen.Code {
	ptr := func(c *jen.Statement) jen.Code {
		if member {
			return jen.Op("*").Add(c)
		}
		return c
	}
	switch t.Kind {
	case model.String:
		if t.Enum != nil {
			return ptr(jen.Id(t.Enum.Name))
		}
		return ptr(jen.String())
	case model.Integer:
		if t.Bits == 32 {
			return ptr(jen.Int32())
		}
		return ptr(jen.Int64())
	case model.Float:
		// As the AWS SDK for Go types AWS's float and double.
		if t.Bits == 32 {
			return ptr(jen.Float32())
		}
		return ptr(jen.Float64())
	case model.Boolean:
		return ptr(jen.Bool())
	case model.Timestamp:
		return ptr(jen.Qual("time", "Time"))
	case model.Object:
		return ptr(jen.Id(t.Struct.Name))
	case model.List:
		return jen.Index().Add(g.goType(t.Elem, false))
	case model.Map:
		return jen.Map(jen.String()).Add(g.goType(t.Elem, false))
	}
	panic("generator: unhandled kind " + t.Kind.String())
}

// enumConst names an enum value the way the AWS SDK for Go does:
// ParticipantState + CONNECTED -> ParticipantStateConnected.
// Any character other than a letter or digit separates words, so every value
// gives a Go identifier (video/mp4 -> VideoMp4).
func enumConst(e *model.Enum, v string) string {
	var b strings.Builder
	b.WriteString(e.Name)
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r, size := utf8.DecodeRuneInString(part)
		b.WriteString(string(unicode.ToUpper(r)) + strings.ToLower(part[size:]))
	}
	return b.String()
}

func comment(f *jen.File, name, doc, fallback string) {
	if doc == "" {
		f.Comment(name + " " + fallback)
		return
	}
	f.Comment(name + ": " + doc)
}
