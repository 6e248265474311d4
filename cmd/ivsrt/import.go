package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/ivsrt/contract/spec/importer"
)

// importSpec writes the spec from an AWS service model:
// ivsrt import -model SOURCE [-ops Op1,Op2,...] [-overlay FILE]... [-version YYYY-MM-DD] [-o FILE] [-save-model DIR].
//
// A -model or -overlay file that does not exist is a usage error (exit 2);
// a model or overlay that does not import is a failure (exit 1).
func importSpec(args []string, stdout, stderr io.Writer) int {
	cmd := newCommand("import", "-model SOURCE [-ops Op1,Op2,...] [-overlay FILE]... [-version YYYY-MM-DD] [-o FILE] [-save-model DIR]", `SOURCE is an api-2.json or botocore service-2.json file, or a Smithy JSON
AST model (.gz accepted; paginators-1.json beside an api-2.json is read
too), or github.com/aws/aws-sdk-go@VERSION, fetched through the Go module
cache. It writes the spec as OpenAPI YAML. info.version is that SDK
release's date (UTC), or -version, which a file source needs. Each overlay
(OpenAPI Overlay 1.0, applied in the order given) adds what the model
cannot state. -save-model also writes the model itself into DIR, without
AWS's documentation text, to keep as data. It exits 1 when the model or an
overlay does not import.
`, stdout, stderr)
	flags := cmd.flags
	source := flags.String("model", "", "the model: a `file` or github.com/aws/aws-sdk-go@VERSION")
	opsFlag := flags.String("ops", "", "comma-separated `operations` to import (default: all)")
	var overlayPaths []string
	flags.Func("overlay", "an OpenAPI Overlay 1.0 `file` to apply (repeat it for more, applied in order)", func(v string) error {
		overlayPaths = append(overlayPaths, v)
		return nil
	})
	saveModel := flags.String("save-model", "", "also write the model, without documentation, into `dir`")
	version := flags.String("version", "", "info.version, a `date` YYYY-MM-DD (default: the SDK release's date)")
	out := flags.String("o", "", "output `file` (default: stdout)")
	if code, ok := cmd.parse(args); !ok {
		return code
	}
	if code := cmd.noArgs(); code != exitOK {
		return code
	}
	if *source == "" {
		return cmd.usageError("-model is required")
	}
	if *version != "" && !importer.ValidVersion(*version) {
		return cmd.usageError("-version %q: use a date, YYYY-MM-DD", *version)
	}
	var ops []string
	if *opsFlag != "" {
		for _, op := range strings.Split(*opsFlag, ",") {
			if op = strings.TrimSpace(op); op == "" {
				return cmd.usageError("-ops %q has an empty name", *opsFlag)
			}
			ops = append(ops, op)
		}
	}
	if !strings.HasPrefix(*source, importer.SDKModule+"@") {
		if code := cmd.mustExist("-model", *source); code != exitOK {
			return code
		}
	}
	var ov [][]byte
	for _, path := range overlayPaths {
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return cmd.usageError("-overlay %s: no such file", path)
		}
		if err != nil {
			return cmd.fail("%v", err)
		}
		ov = append(ov, data)
	}
	src, err := importer.Resolve(context.Background(), *source)
	if err != nil {
		return cmd.fail("%v", err)
	}
	if src.Version == "" && *version == "" {
		return cmd.usageError("%s carries no date: give -version YYYY-MM-DD", *source)
	}
	data, err := importer.Import(src, importer.Options{Ops: ops, Overlays: ov, Version: *version})
	if err != nil {
		return cmd.fail("%v", err)
	}
	if *saveModel != "" {
		if err := importer.SaveModel(src, *saveModel); err != nil {
			return cmd.fail("-save-model: %v", err)
		}
	}
	if *out == "" {
		if _, err := stdout.Write(data); err != nil {
			return exitFailure
		}
		return exitOK
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return cmd.fail("%v", err)
	}
	return exitOK
}
