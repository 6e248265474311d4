package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ivsrt/contract/spec/specdiff"
)

// diff compares two specs: ivsrt diff [-format text|markdown|json] [-raw] OLD NEW.
// It exits 0 when nothing breaks a client, 1 when something does, 2 on bad
// usage or a spec that does not load.
func diff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ivsrt diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: ivsrt diff [-format text|markdown|json] [-raw] OLD NEW

Compares two specs (OpenAPI YAML or JSON) operation by operation
(operationId) and prints what NEW adds, removes and changes in each
request and response. It exits 0 when no change breaks a client, 1 when
one does, and 2 on bad usage or a spec that does not load.

When only one spec carries ivsrt overlay facts (make spec's specs do, a
plain ivsrt import does not), the first line says so: what the overlays
set would show as changes AWS did not make. -raw compares the models'
facts alone.

`)
		fs.PrintDefaults()
	}
	format := fs.String("format", "text", "output `format`: text (AWS change-log style), markdown or json")
	raw := fs.Bool("raw", false, "compare the models' facts alone: drop every default and restore the model values the specs' overlays corrected (info.x-ivsrt-overlays)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	write, ok := map[string]func(io.Writer, *specdiff.Report) error{
		"text":     specdiff.WriteText,
		"markdown": specdiff.WriteMarkdown,
		"json":     specdiff.WriteJSON,
	}[*format]
	if !ok {
		fmt.Fprintf(stderr, "ivsrt diff: -format %q: use text, markdown or json\n", *format)
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(stderr, "ivsrt diff: give two specs, OLD and NEW")
		fs.Usage()
		return 2
	}
	var docs [2]*openapi3.T
	for i, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err == nil {
			docs[i], err = specdiff.Load(data)
		}
		if err != nil {
			fmt.Fprintf(stderr, "ivsrt diff: %s: %v\n", name, oneLine(err))
			return 2
		}
	}
	report, err := specdiff.CompareWith(docs[0], docs[1], specdiff.Options{Raw: *raw})
	if err != nil {
		fmt.Fprintf(stderr, "ivsrt diff: %v\n", oneLine(err))
		return 2
	}
	if err := write(stdout, report); err != nil {
		fmt.Fprintf(stderr, "ivsrt diff: %v\n", err)
		return 2
	}
	if report.Breaking > 0 {
		return 1
	}
	return 0
}

// oneLine keeps an error to the one line a user reads first: kin-openapi's
// errors can run over several.
func oneLine(err error) string {
	s := err.Error()
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
