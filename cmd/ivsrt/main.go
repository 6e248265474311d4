// Command ivsrt is the toolkit's one binary: serve the fake, run the
// conformance suite, generate code from a spec, import the spec from AWS's
// service model, or compare two specs.
//
//	ivsrt serve    -addr 127.0.0.1:4566 [-region R] [-account A]
//	ivsrt generate -spec FILE -out DIR -package NAME [-emit fake|suite|all]
//	ivsrt conform  [-endpoint URL] [-region R] [-run REGEX] [-rules SOURCES] [-junit FILE] [-json FILE] [-html FILE]
//	ivsrt import   -model SOURCE [-ops Op1,Op2,...] [-overlay FILE] [-version YYYY-MM-DD] [-o FILE]
//	ivsrt diff     [-format text|markdown|json] OLD NEW
//	ivsrt version
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage: ivsrt <command> [flags]

commands:
  serve      serve the validating fake over HTTP
  generate   generate a fake's wire layer and a conformance suite from a spec
  conform    run the conformance suite against an endpoint (default: the embedded fake)
  import     write the spec from an AWS service model (api-2.json), plus an overlay
  diff       compare two specs: what changed, and whether it breaks clients (exit 1)
  version    print the tool's version and the API version of its spec

"ivsrt <command> -h" shows a command's flags.
`

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is main without the process: it returns the exit code (2 on bad usage).
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "generate":
		return generate(args[1:], stdout, stderr)
	case "conform":
		return conform(args[1:], stdout, stderr)
	case "import":
		return importSpec(args[1:], stdout, stderr)
	case "diff":
		return diff(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		return version(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "ivsrt: unknown command %q\n\n%s", args[0], usage)
	return 2
}
