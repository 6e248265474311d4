package fakegen

import (
	"strconv"

	"github.com/dave/jennifer/jen"
)

// limits emits the spec's bounds on every member as constants,
// <Struct><Member><Bound>, so that hand-written code that makes values (a
// fake minting a bucket name, say) keeps to the spec without restating a
// number.
func (g *gen) limits(f *jen.File) {
	for _, st := range g.svc.Structs {
		var defs []jen.Code
		for _, m := range st.Members {
			l := m.Type.Limits
			for _, b := range []struct {
				name string
				v    *int
			}{
				{"MinLength", l.MinLength}, {"MaxLength", l.MaxLength}, {"MinItems", l.MinItems}, {"MaxItems", l.MaxItems},
				{"MaxEntries", l.MaxEntries}, {"MinKeyLength", l.MinKeyLength}, {"MaxKeyLength", l.MaxKeyLength},
				{"MaxTotalBytes", l.MaxTotalBytes},
			} {
				if b.v != nil {
					defs = append(defs, jen.Id(st.Name+m.GoName+b.name).Op("=").Lit(*b.v))
				}
			}
			for _, b := range []struct {
				name string
				v    *int64
			}{{"Min", l.Min}, {"Max", l.Max}} {
				if b.v != nil {
					// Untyped, like the lengths: usable with any integer type.
					defs = append(defs, jen.Id(st.Name+m.GoName+b.name).Op("=").Id(strconv.FormatInt(*b.v, 10)))
				}
			}
		}
		if len(defs) == 0 {
			continue
		}
		f.Comment("The bounds the spec puts on the members of " + st.Name + ".")
		f.Const().Defs(defs...)
	}
}
