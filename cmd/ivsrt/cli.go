package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"time"
)

// The command-line convention of every ivsrt command, the top level
// included, kept here so that no command words it on its own:
//
//   - -h, --help and "ivsrt help CMD" print the command's usage (a usage
//     line, a one-line description, what more there is to say, the flags)
//     on stdout and exit 0: help that was asked for is output;
//   - a mistake on the command line (an unknown flag, a bad flag value, an
//     argument missing or left over, a file named that does not exist) is
//     one line on stderr, "ivsrt CMD: what is wrong; run 'ivsrt CMD -h'
//     for usage", and exit 2;
//   - a failure that is not a usage error (a model that does not import, a
//     state file in use, an address taken) is one line on stderr,
//     "ivsrt CMD: what went wrong", and exit 1. Three commands give exit 2
//     a meaning of their own, which their usage states: conform, a target
//     that does not answer as IVS (a bad -endpoint); diff, a spec that does
//     not load (1 is a breaking change); drift, a replay that could not run
//     (1 is drift).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// commands are ivsrt's commands with their one-line descriptions, in the
// order the top-level usage lists them.
var commands = []struct{ name, summary string }{
	{"serve", "serve the validating fake over HTTP"},
	{"generate", "generate a fake's wire layer and a conformance suite from a spec"},
	{"conform", "run the conformance suite against an endpoint (default: the embedded fake)"},
	{"proxy", "forward to an endpoint, checking every exchange against the spec and the contract; record a cassette"},
	{"drift", "replay a cassette against an endpoint (default: the embedded fake): which answers differ (exit 1)"},
	{"import", "write the spec from an AWS service model (api-2.json), plus an overlay"},
	{"diff", "compare two specs: what changed, and whether it breaks clients (exit 1)"},
	{"version", "print the tool's version and the API version of its spec"},
}

// summaryOf is a command's one-line description, "" for none.
func summaryOf(name string) string {
	for _, c := range commands {
		if c.name == name {
			return c.summary
		}
	}
	return ""
}

// command is one ivsrt command's flags and usage, held to the convention.
type command struct {
	name     string // "serve"; "" for ivsrt itself
	synopsis string // what follows "usage: ivsrt serve "
	summary  string // the one-line description
	about    string // more, in paragraphs ending in a newline; may be ""
	flags    *flag.FlagSet
	stdout   io.Writer
	stderr   io.Writer
}

// newCommand is the command name of ivsrt, with the flag set its
// function defines its flags on before it calls parse.
func newCommand(name, synopsis, about string, stdout, stderr io.Writer) *command {
	fs := flag.NewFlagSet(strings.TrimSpace("ivsrt "+name), flag.ContinueOnError)
	// The flag package's own printing (its error, then every flag) is
	// replaced by parse's one line.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &command{name: name, synopsis: synopsis, summary: summaryOf(name), about: about, flags: fs, stdout: stdout, stderr: stderr}
}

// prog is "ivsrt serve", or "ivsrt" for the top level.
func (c *command) prog() string { return strings.TrimSpace("ivsrt " + c.name) }

// parse parses the command's arguments. When it returns false the command
// is done and returns code: 0 after printing the usage that -h or --help
// asked for, 2 after the line saying what is wrong.
func (c *command) parse(args []string) (code int, ok bool) {
	err := c.flags.Parse(args)
	switch {
	case err == nil:
		return exitOK, true
	case errors.Is(err, flag.ErrHelp):
		c.usage(c.stdout)
		return exitOK, false
	}
	return c.usageError("%s", c.flagError(err)), false
}

// usage writes the command's usage: the usage line, its one-line
// description, the rest of what it says, and its flags with their
// defaults.
func (c *command) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n", strings.TrimSpace(c.prog()+" "+c.synopsis))
	if c.summary != "" {
		fmt.Fprintf(w, "\n%s.\n", strings.ToUpper(c.summary[:1])+c.summary[1:])
	}
	if c.about != "" {
		fmt.Fprintf(w, "\n%s", c.about)
	}
	hasFlags := false
	c.flags.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nflags:")
		c.flags.SetOutput(w)
		c.flags.PrintDefaults()
		c.flags.SetOutput(io.Discard)
	}
}

// usageError writes the one line of a mistake on the command line, with
// where the usage is, and returns exit code 2.
func (c *command) usageError(format string, args ...any) int {
	fmt.Fprintf(c.stderr, "%s: %s; run '%s -h' for usage\n", c.prog(), fmt.Sprintf(format, args...), c.prog())
	return exitUsage
}

// fail writes the one line of a failure that is not a usage error and
// returns exit code 1.
func (c *command) fail(format string, args ...any) int {
	c.say(format, args...)
	return exitFailure
}

// say writes one line "ivsrt CMD: ..." on stderr.
func (c *command) say(format string, args ...any) {
	fmt.Fprintf(c.stderr, "%s: %s\n", c.prog(), fmt.Sprintf(format, args...))
}

// noArgs is the usage error for arguments left after the flags, 0 when
// there are none.
func (c *command) noArgs() int {
	if c.flags.NArg() > 0 {
		return c.usageError("unexpected argument %q", c.flags.Arg(0))
	}
	return exitOK
}

// mustExist is the usage error for a file named by flag that does not
// exist ("-model /nope: no such file"), 0 when it does: what the file
// holds, and whether it can be read, is the command's to judge.
func (c *command) mustExist(flagName, path string) int {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return c.usageError("%s %s: no such file", flagName, path)
	}
	return exitOK
}

var (
	flagUnknown  = regexp.MustCompile(`^flag provided but not defined: (-\S+)$`)
	flagNoValue  = regexp.MustCompile(`^flag needs an argument: (-\S+)$`)
	flagBadValue = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-(\S+): (.*)$`)
)

// flagError words an error of the flag package for the one line: which
// flag, and what it wants.
func (c *command) flagError(err error) string {
	msg := err.Error()
	if m := flagUnknown.FindStringSubmatch(msg); m != nil {
		return "unknown flag " + m[1]
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return m[1] + " needs a value"
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		why := m[3]
		if f := c.flags.Lookup(m[2]); f != nil && why == "parse error" {
			why = wants(f)
		}
		return fmt.Sprintf("-%s %s: %s", m[2], m[1], why)
	}
	return msg
}

// wants says what a flag of a built-in type takes.
func wants(f *flag.Flag) string {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return "not a valid value"
	}
	switch g.Get().(type) {
	case bool:
		return "want true or false"
	case int, int64:
		return "want an integer"
	case uint, uint64:
		return "want a non-negative integer"
	case float64:
		return "want a number"
	case time.Duration:
		return "want a duration such as 30s, 2m or 1h"
	}
	return "not a valid value"
}
