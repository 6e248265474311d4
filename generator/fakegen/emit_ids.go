package fakegen

import (
	"regexp"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

// identifiers emits New<Type> to mint identifiers from each template, and
// Parse<Type> to read a template's variables back out of an identifier.
func (g *gen) identifiers(f *jen.File) {
	if len(g.svc.Identifiers) == 0 {
		return
	}
	for _, sc := range g.svc.Identifiers {
		id := sc.Identifier
		vars := id.Vars()
		f.Comment("New" + sc.Name + " mints an identifier of the form " + id.Template + ".")
		f.Func().Id("New" + sc.Name).ParamsFunc(func(p *jen.Group) {
			if len(vars) > 0 {
				p.List(ids(vars)...).String()
			}
		}).String().Block(
			jen.Return(concat(id)),
		)
		if len(vars) == 0 {
			continue
		}
		re := "^" + parseExpr(id) + "$"
		f.Var().Id("parse"+sc.Name).Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(re))
		f.Comment("Parse" + sc.Name + " reads the variables of the form " + id.Template)
		f.Comment("out of s; ok is false when s does not have that form.")
		f.Func().Id("Parse" + sc.Name).Params(jen.Id("s").String()).ParamsFunc(func(p *jen.Group) {
			p.List(ids(vars)...).String()
			p.Id("ok").Bool()
		}).BlockFunc(func(b *jen.Group) {
			b.Id("m").Op(":=").Id("parse" + sc.Name).Dot("FindStringSubmatch").Call(jen.Id("s"))
			b.If(jen.Id("m").Op("==").Nil()).Block(jen.Return())
			b.Return(jen.ListFunc(func(l *jen.Group) {
				for i := range vars {
					l.Id("m").Index(jen.Lit(i + 1))
				}
				l.True()
			}))
		})
	}
	f.Const().Id("alnum").Op("=").Lit("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
	f.Comment("randomAlnum returns n random letters and digits. Identifiers need to be")
	f.Comment("unique, not secret, so math/rand/v2 is enough.")
	f.Func().Id("randomAlnum").Params(jen.Id("n").Int()).String().Block(
		jen.Id("b").Op(":=").Make(jen.Index().Byte(), jen.Id("n")),
		jen.For(jen.Id("i").Op(":=").Range().Id("b")).Block(
			jen.Id("b").Index(jen.Id("i")).Op("=").Id("alnum").Index(jen.Qual("math/rand/v2", "IntN").Call(jen.Len(jen.Id("alnum")))),
		),
		jen.Return(jen.String().Parens(jen.Id("b"))),
	)
}

func ids(names []string) []jen.Code {
	out := make([]jen.Code, len(names))
	for i, n := range names {
		out[i] = jen.Id(n)
	}
	return out
}

func concat(id *model.Identifier) jen.Code {
	var parts []jen.Code
	for _, p := range id.Parts {
		switch {
		case p.Literal != "":
			parts = append(parts, jen.Lit(p.Literal))
		case p.Var != "":
			parts = append(parts, jen.Id(p.Var))
		default:
			parts = append(parts, jen.Id("randomAlnum").Call(jen.Lit(p.Random)))
		}
	}
	s := jen.Add(parts[0])
	for _, p := range parts[1:] {
		s = s.Op("+").Add(p)
	}
	return s
}

// parseExpr matches any identifier of the template's form: variables are
// captured lazily, random parts accept any non-empty run, since identifiers
// minted elsewhere need not have the same length.
func parseExpr(id *model.Identifier) string {
	var b strings.Builder
	for _, p := range id.Parts {
		switch {
		case p.Literal != "":
			b.WriteString(regexp.QuoteMeta(p.Literal))
		case p.Var != "":
			b.WriteString("(.+?)")
		default:
			b.WriteString(".+")
		}
	}
	return b.String()
}
