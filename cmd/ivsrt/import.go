package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ivsrt/contract/spec/importer"
)

// importSpec writes the spec from an AWS service model:
// ivsrt import -model SOURCE [-ops Op1,Op2,...] [-overlay FILE]... [-version YYYY-MM-DD] [-o FILE] [-save-model DIR].
func importSpec(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ivsrt import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: ivsrt import -model SOURCE [-ops Op1,Op2,...] [-overlay FILE]... [-version YYYY-MM-DD] [-o FILE] [-save-model DIR]

Writes the spec (OpenAPI YAML) for an AWS service model. SOURCE is an
api-2.json or botocore service-2.json file, or a Smithy JSON AST model
(.gz accepted; paginators-1.json beside an api-2.json is read too), or
github.com/aws/aws-sdk-go@VERSION, fetched through the Go module cache.
info.version is that SDK release's date (UTC), or -version, which a file
source needs. Each overlay (OpenAPI Overlay 1.0, applied in the order
given) adds what the model cannot state. -save-model also writes the model
itself into DIR, without AWS's documentation text, to keep as data.

`)
		fs.PrintDefaults()
	}
	source := fs.String("model", "", "the model: a `file` or github.com/aws/aws-sdk-go@VERSION")
	opsFlag := fs.String("ops", "", "comma-separated `operations` to import (default: all)")
	var overlayPaths []string
	fs.Func("overlay", "an OpenAPI Overlay 1.0 `file` to apply (repeat it for more, applied in order)", func(v string) error {
		overlayPaths = append(overlayPaths, v)
		return nil
	})
	saveModel := fs.String("save-model", "", "also write the model, without documentation, into `dir`")
	version := fs.String("version", "", "info.version, a `date` YYYY-MM-DD (default: the SDK release's date)")
	out := fs.String("o", "", "output `file` (default: stdout)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *source == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "ivsrt import: -model is required, and nothing may follow the flags")
		return 2
	}
	if *version != "" && !importer.ValidVersion(*version) {
		fmt.Fprintf(stderr, "ivsrt import: -version %q: use a date, YYYY-MM-DD\n", *version)
		return 2
	}
	var ops []string
	if *opsFlag != "" {
		for _, op := range strings.Split(*opsFlag, ",") {
			if op = strings.TrimSpace(op); op == "" {
				fmt.Fprintf(stderr, "ivsrt import: -ops %q has an empty name\n", *opsFlag)
				return 2
			}
			ops = append(ops, op)
		}
	}
	var ov [][]byte
	for _, path := range overlayPaths {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "ivsrt import: %v\n", err)
			return 1
		}
		ov = append(ov, data)
	}
	src, err := importer.Resolve(context.Background(), *source)
	if err != nil {
		fmt.Fprintf(stderr, "ivsrt import: %v\n", err)
		return 1
	}
	if src.Version == "" && *version == "" {
		fmt.Fprintf(stderr, "ivsrt import: %s carries no date: give -version YYYY-MM-DD\n", *source)
		return 2
	}
	data, err := importer.Import(src, importer.Options{Ops: ops, Overlays: ov, Version: *version})
	if err != nil {
		fmt.Fprintf(stderr, "ivsrt import: %v\n", err)
		return 1
	}
	if *saveModel != "" {
		if err := importer.SaveModel(src, *saveModel); err != nil {
			fmt.Fprintf(stderr, "ivsrt import: -save-model: %v\n", err)
			return 1
		}
	}
	if *out == "" {
		if _, err := stdout.Write(data); err != nil {
			return 1
		}
		return 0
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintf(stderr, "ivsrt import: %v\n", err)
		return 1
	}
	return 0
}
