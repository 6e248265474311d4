package generator_test

import (
	"fmt"
	"log"
	"os"
	"slices"

	"github.com/ivsrt/contract/generator"
	"github.com/ivsrt/contract/generator/model"
	"github.com/ivsrt/contract/spec"
)

// FromFile and WriteDir are `ivsrt generate`: load a spec, render the fake's
// wire layer and the conformance suite into one package, and write the
// files the generator owns.
func ExampleFromFile() {
	files, err := generator.FromFile("../spec/ivsrealtime.yaml", generator.Options{Package: "ivs", Emit: generator.EmitAll})
	if err != nil {
		log.Fatal(err) // names the file and, for a spec problem, the JSON pointer and line
	}
	dir, err := os.MkdirTemp("", "ivs")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := generator.WriteDir(dir, files); err != nil {
		log.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output:
	// api_gen.go
	// backend_gen.go
	// cases_gen.go
	// contract_gen.go
	// decode_gen.go
	// defaults_gen.go
	// dispatch_gen.go
	// encode_gen.go
	// errors_gen.go
	// filters_gen.go
	// handler_gen.go
	// ids_gen.go
	// limits_gen.go
	// names_gen.go
	// routes_gen.go
	// types_gen.go
	// unimplemented_gen.go
	// validate_gen.go
}

// Render works on a model, with no disk I/O; Emit picks the half. Here the
// suite of the 2024-06-20 spec, the version ivsrt keeps beside the current.
func ExampleRender() {
	doc, err := spec.Load(spec.File20240620, spec.Source20240620)
	if err != nil {
		log.Fatal(err)
	}
	svc, err := model.Build(doc)
	if err != nil {
		log.Fatal(err)
	}
	files, err := generator.Render(svc, generator.Options{Package: "ivscases", SpecName: spec.File, Emit: generator.EmitSuite})
	if err != nil {
		log.Fatal(err)
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	fmt.Println(svc.APIVersion, names)
	// Output:
	// 2024-06-20 [cases_gen.go contract_gen.go names_gen.go]
}
