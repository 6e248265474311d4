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
// ivsrt import -model SOURCE [-ops Op1,Op2,...] [-overlay FILE] [-version YYYY-MM-DD] [-o FILE].
func importSpec(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ivsrt import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: ivsrt import -model SOURCE [-ops Op1,Op2,...] [-overlay FILE] [-version YYYY-MM-DD] [-o FILE]

Writes the spec (OpenAPI YAML) for an AWS service model. SOURCE is an
api-2.json file (.gz accepted; paginators-1.json beside it is read too) or
github.com/aws/aws-sdk-go@VERSION, fetched through the Go module cache.
info.version is that SDK release's date (UTC), or -version, which a file
source needs. The overlay (OpenAPI Overlay 1.0) adds what the model cannot
state.

`)
		fs.PrintDefaults()
	}
	source := fs.String("model", "", "the model: a `file` or github.com/aws/aws-sdk-go@VERSION")
	opsFlag := fs.String("ops", "", "comma-separated `operations` to import (default: all)")
	overlayPath := fs.String("overlay", "", "an OpenAPI Overlay 1.0 `file` to apply")
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
	var ov []byte
	if *overlayPath != "" {
		data, err := os.ReadFile(*overlayPath)
		if err != nil {
			fmt.Fprintf(stderr, "ivsrt import: %v\n", err)
			return 1
		}
		ov = data
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
	data, err := importer.Import(src, importer.Options{Ops: ops, Overlay: ov, Version: *version})
	if err != nil {
		fmt.Fprintf(stderr, "ivsrt import: %v\n", err)
		return 1
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
