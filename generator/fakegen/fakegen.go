// Package fakegen turns the spec model into the wire layer of a validating
// fake: types, decoding, validation, defaults, limits, AWS errors, filters,
// identifier formats, the route table, the HTTP handler, the Backend
// interface with its namespace dispatch and its UnimplementedBackend.
// generator.Generate and generator.Render render what Files builds, beside
// the names both halves share; package suitegen is its counterpart for the
// conformance suite.
package fakegen

import (
	"fmt"
	"path"
	"sort"

	"github.com/dave/jennifer/jen"

	"github.com/ivsrt/contract/generator/model"
	"github.com/ivsrt/contract/spec"
)

// Import paths of the runtime packages generated code calls.
const (
	wirePkg     = "github.com/ivsrt/contract/fakes/wire"
	validatePkg = "github.com/ivsrt/contract/fakes/validate"
)

// Options say what package the fake is generated into.
type Options struct {
	// Package is the Go package name of the output.
	Package string
	// SpecName is the spec's file name, recorded in the generated package doc.
	SpecName string
}

// File is one generated file, before rendering.
type File struct {
	Name string
	Code *jen.File
}

// emitter renders one file's declarations into f.
type emitter struct {
	file string
	emit func(g *gen, f *jen.File)
}

// The fake's wire layer, one concern per file; each name says what the
// file holds.
var emitters = []emitter{
	{"api_gen.go", (*gen).api},
	{"types_gen.go", (*gen).types},
	{"decode_gen.go", (*gen).decoders},
	{"validate_gen.go", (*gen).validators},
	{"defaults_gen.go", (*gen).defaults},
	{"limits_gen.go", (*gen).limits},
	{"errors_gen.go", (*gen).errors},
	{"filters_gen.go", (*gen).filters},
	{"ids_gen.go", (*gen).identifiers},
	{"backend_gen.go", (*gen).backend},
	{"unimplemented_gen.go", (*gen).unimplemented},
	{"dispatch_gen.go", (*gen).dispatch},
	{"routes_gen.go", (*gen).routes},
	{"handler_gen.go", (*gen).handler},
	{"encode_gen.go", (*gen).encoders},
}

// FileNames lists the files Files emits, so a writer knows what it owns.
func FileNames() []string {
	out := make([]string, len(emitters))
	for i, e := range emitters {
		out[i] = e.file
	}
	return out
}

// gen carries the model and the names derived from it while emitting.
type gen struct {
	svc  *model.Service
	opts Options
	// patterns maps a pattern expression to the package variable holding it.
	patterns map[string]string
}

// Files builds the fake's wire layer of svc. The generated code refers to
// the operation and member name constants (OpX, MemberX) that the caller
// emits beside it. The caller renders the files; a refusal is a
// *spec.Error with the JSON pointer of what it refuses and no file.
func Files(svc *model.Service, opts Options) ([]File, error) {
	if opts.Package == "" {
		return nil, fmt.Errorf("generator: a package name is needed")
	}
	if err := checkEnums(svc); err != nil {
		return nil, err
	}
	g := &gen{svc: svc, opts: opts, patterns: map[string]string{}}
	g.namePatterns()
	out := make([]File, 0, len(emitters))
	for _, e := range emitters {
		f := jen.NewFile(opts.Package)
		f.ImportName(wirePkg, "wire")
		f.ImportName(validatePkg, "validate")
		e.emit(g, f)
		out = append(out, File{Name: e.file, Code: f})
	}
	return out, nil
}

// checkEnums refuses enums whose values the fake cannot name: each value
// becomes a constant; two values must not share one, and a value without
// letters or digits would take the enum type's own name.
func checkEnums(svc *model.Service) error {
	for _, e := range svc.Enums {
		at := spec.Pointer("/components/schemas", e.Name, "enum")
		seen := map[string]string{}
		for _, v := range e.Values {
			name := enumConst(e, v)
			if name == e.Name {
				return refuse(at, "enum %s: value %q has no letters or digits to name a constant after", e.Name, v)
			}
			if other, ok := seen[name]; ok {
				return refuse(at, "enum %s: values %q and %q both become the constant %s", e.Name, other, v, name)
			}
			seen[name] = v
		}
	}
	return nil
}

// refuse is a model the generator will not render, at a JSON pointer in its
// spec ("" for the document as a whole).
func refuse(pointer, format string, args ...any) *spec.Error {
	return &spec.Error{Pointer: pointer, Msg: "generator: " + fmt.Sprintf(format, args...)}
}

// namePatterns gives each distinct pattern one package variable, named after
// the scalar type that carries it, or the struct and member.
func (g *gen) namePatterns() {
	used := map[string]bool{}
	add := func(expr, name string) {
		if _, ok := g.patterns[expr]; ok {
			return
		}
		for used[name] {
			name += "_"
		}
		used[name] = true
		g.patterns[expr] = name
	}
	for _, sc := range g.svc.Scalars {
		if sc.Limits.Pattern != nil {
			add(sc.Limits.Pattern.Expr, "pattern"+sc.Name)
		}
	}
	for _, st := range g.svc.Structs {
		for _, m := range st.Members {
			for t := m.Type; t != nil; t = t.Elem {
				if t.Limits.Pattern != nil {
					add(t.Limits.Pattern.Expr, "pattern"+st.Name+m.GoName)
				}
			}
		}
	}
}

// sortedPatterns returns the pattern variables in a stable order.
func (g *gen) sortedPatterns() [][2]string {
	var out [][2]string
	for expr, name := range g.patterns {
		out = append(out, [2]string{name, expr})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func base(p string) string { return path.Base(p) }
