package generator

import (
	"fmt"
	"sort"

	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
)

// NamesFile is the file of operation and member name constants. Both
// halves write it, so hand-written code on either side (a fake's
// behaviour, the suite's behaviour cases) names an operation or a member
// by a constant instead of a literal; in one package (EmitAll) it is
// written once.
const NamesFile = "names_gen.go"

// addNames renders NamesFile into files.
func addNames(files map[string][]byte, svc *model.Service, opts Options) error {
	f, err := names(svc, opts.Package)
	if err != nil {
		return err
	}
	src, err := render(NamesFile, f)
	if err != nil {
		return err
	}
	files[NamesFile] = src
	return nil
}

// names emits OpX for each operation, Operations in spec order, and
// MemberX for each JSON member name of any structure, once per name: a
// member's constant is its Go field name after "Member" (MemberStageArn =
// "stageArn").
func names(svc *model.Service, pkg string) (*jen.File, error) {
	members, err := memberNames(svc)
	if err != nil {
		return nil, err
	}
	f := jen.NewFile(pkg)
	f.Comment("Operation names, as the spec's operationIds give them.")
	f.Const().DefsFunc(func(d *jen.Group) {
		for _, op := range svc.Operations {
			d.Id("Op" + op.Name).Op("=").Lit(op.Name)
		}
	})
	f.Comment("Operations lists the operations in spec order.")
	f.Var().Id("Operations").Op("=").Index().String().ValuesFunc(func(v *jen.Group) {
		for _, op := range svc.Operations {
			v.Id("Op" + op.Name)
		}
	})
	if len(members) == 0 {
		return f, nil
	}
	f.Comment("Member names, as requests and responses spell them in JSON, one constant per")
	f.Comment("name whichever structures share it.")
	f.Const().DefsFunc(func(d *jen.Group) {
		for _, m := range members {
			d.Id(m[0]).Op("=").Lit(m[1])
		}
	})
	return f, nil
}

// memberNames returns the member constants as {identifier, JSON name},
// sorted by identifier. It refuses two JSON names that would share an
// identifier ("arn", "Arn"): generated code names a member by "Member" and
// its Go field name.
func memberNames(svc *model.Service) ([][2]string, error) {
	byName := map[string]string{} // JSON name -> Go field name
	for _, st := range svc.Structs {
		for _, m := range st.Members {
			byName[m.Name] = m.GoName
		}
	}
	jsonNames := make([]string, 0, len(byName))
	for n := range byName {
		jsonNames = append(jsonNames, n)
	}
	sort.Strings(jsonNames)
	used := map[string]string{} // identifier -> JSON name
	out := make([][2]string, 0, len(jsonNames))
	for _, n := range jsonNames {
		id := "Member" + byName[n]
		if other, ok := used[id]; ok {
			return nil, fmt.Errorf("generator: members %q and %q both become the constant %s", other, n, id)
		}
		used[id] = n
		out = append(out, [2]string{id, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out, nil
}
