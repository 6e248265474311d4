// Command ivsrt is the toolkit's one binary: serve the fake, run the
// conformance suite, check and record live traffic, replay a recording,
// generate code from a spec, import the spec from AWS's service model, or
// compare two specs.
//
//	ivsrt serve    -addr 127.0.0.1:4566 [-region R] [-account A]
//	ivsrt generate -spec FILE -out DIR -package NAME [-emit fake|suite|all]
//	ivsrt conform  [-endpoint URL] [-region R] [-run REGEX] [-rules SOURCES] [-junit FILE] [-json FILE] [-html FILE]
//	ivsrt proxy    -upstream URL [-listen ADDR] [-record FILE] [-redact-account] [-serial] [-strict] [-summary-json FILE] [-summary-html FILE]
//	ivsrt drift    CASSETTE [-endpoint URL] [-region R] [-json FILE] [-html FILE] [-evidence]
//	ivsrt import   -model SOURCE [-ops Op1,Op2,...] [-overlay FILE] [-version YYYY-MM-DD] [-o FILE]
//	ivsrt diff     [-format text|markdown|json] OLD NEW
//	ivsrt version
//	ivsrt help     [COMMAND]
//
// Every command follows one convention (cli.go): -h, --help and
// "ivsrt help COMMAND" print its usage on stdout and exit 0; a mistake on
// the command line is one line on stderr and exit 2; any other failure
// exits 1.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// topAbout is what ivsrt's own usage says after its description.
func topAbout() string {
	var b strings.Builder
	b.WriteString("commands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\n\"ivsrt <command> -h\" or \"ivsrt help <command>\" shows a command's usage and flags.\n")
	return b.String()
}

// run is main without the process: it returns the exit code (0, 1 on a
// failure, 2 on bad usage; see cli.go).
func run(args []string, stdout, stderr io.Writer) int {
	top := newCommand("", "<command> [flags]", topAbout(), stdout, stderr)
	top.summary = "contract testing for Amazon IVS Real-Time: a validating fake and a conformance suite"
	if len(args) == 0 {
		// Not asked for, so not output: the usage goes to stderr.
		top.usage(stderr)
		return exitUsage
	}
	switch name := args[0]; name {
	case "-h", "-help", "--help":
		top.usage(stdout)
		return exitOK
	case "help":
		return help(top, args[1:])
	case "-version", "--version":
		return version(args[1:], stdout, stderr)
	default:
		if strings.HasPrefix(name, "-") {
			return top.usageError("unknown flag %s", name)
		}
		if cmd := lookup(name); cmd != nil {
			return cmd(args[1:], stdout, stderr)
		}
		return top.usageError("unknown command %q", name)
	}
}

// lookup is the function of a command, nil for none.
func lookup(name string) func(args []string, stdout, stderr io.Writer) int {
	switch name {
	case "serve":
		return serve
	case "generate":
		return generate
	case "conform":
		return conform
	case "proxy":
		return proxyCmd
	case "drift":
		return driftCmd
	case "import":
		return importSpec
	case "diff":
		return diff
	case "version":
		return version
	}
	return nil
}

// help is "ivsrt help [COMMAND]": ivsrt's usage, or the command's, as
// -h gives it.
func help(top *command, args []string) int {
	switch {
	case len(args) == 0 || len(args) == 1 && args[0] == "help":
		top.usage(top.stdout)
		return exitOK
	case len(args) > 1:
		return top.usageError("help takes one command, not %d", len(args))
	}
	cmd := lookup(args[0])
	if cmd == nil {
		return top.usageError("unknown command %q", args[0])
	}
	return cmd([]string{"-h"}, top.stdout, top.stderr)
}
