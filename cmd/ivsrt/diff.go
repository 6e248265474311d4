package main

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ivsrt/contract/spec/specdiff"
)

// diff compares two specs: ivsrt diff [-format text|markdown|json] [-raw] OLD NEW.
// It exits 0 when nothing breaks a client, 1 when something does, 2 on bad
// usage or a spec that does not load.
func diff(args []string, stdout, stderr io.Writer) int {
	cmd := newCommand("diff", "[-format text|markdown|json] [-raw] OLD NEW", `Compares two specs (OpenAPI YAML or JSON) operation by operation
(operationId) and prints what NEW adds, removes and changes in each
request and response. It exits 0 when no change breaks a client, 1 when
one does, and 2 on bad usage or a spec that does not load.

When only one spec carries ivsrt overlay facts (make spec's specs do, a
plain ivsrt import does not), the first line says so: what the overlays
set would show as changes AWS did not make. -raw compares the models'
facts alone.
`, stdout, stderr)
	flags := cmd.flags
	format := flags.String("format", "text", "output `format`: text (AWS change-log style), markdown or json")
	raw := flags.Bool("raw", false, "compare the models' facts alone: drop every default and restore the model values the specs' overlays corrected (info.x-ivsrt-overlays)")
	if code, ok := cmd.parse(args); !ok {
		return code
	}
	write, ok := map[string]func(io.Writer, *specdiff.Report) error{
		"text":     specdiff.WriteText,
		"markdown": specdiff.WriteMarkdown,
		"json":     specdiff.WriteJSON,
	}[*format]
	if !ok {
		return cmd.usageError("-format %q: use text, markdown or json", *format)
	}
	if flags.NArg() != 2 {
		return cmd.usageError("give two specs, OLD and NEW")
	}
	for _, name := range flags.Args() {
		if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
			return cmd.usageError("%s: no such file", name)
		}
	}
	// Exit 1 says that something breaks a client, so a spec that does not
	// load is exit 2, as the usage says.
	var docs [2]*openapi3.T
	for i, name := range flags.Args() {
		data, err := os.ReadFile(name)
		if err == nil {
			docs[i], err = specdiff.Load(data)
		}
		if err != nil {
			cmd.say("%s: %v", name, oneLine(err))
			return exitUsage
		}
	}
	report, err := specdiff.CompareWith(docs[0], docs[1], specdiff.Options{Raw: *raw})
	if err != nil {
		cmd.say("%v", oneLine(err))
		return exitUsage
	}
	if err := write(stdout, report); err != nil {
		cmd.say("%v", err)
		return exitUsage
	}
	if report.Breaking > 0 {
		return exitFailure
	}
	return exitOK
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
