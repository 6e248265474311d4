package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/ivsrt/contract/generator"
)

func generate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ivsrt generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "the spec `file` (OpenAPI YAML)")
	out := fs.String("out", "", "output `directory`")
	pkg := fs.String("package", "", "Go package `name` of the output")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *specPath == "" || *out == "" || *pkg == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "ivsrt generate: -spec, -out and -package are required")
		fs.Usage()
		return 2
	}
	files, err := generator.FromFile(*specPath, generator.Options{Package: *pkg})
	if err != nil {
		fmt.Fprintf(stderr, "ivsrt generate: %v\n", err)
		return 1
	}
	if err := generator.WriteDir(*out, files); err != nil {
		fmt.Fprintf(stderr, "ivsrt generate: %v\n", err)
		return 1
	}
	return 0
}
