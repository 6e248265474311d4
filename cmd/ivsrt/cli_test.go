package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCommandLineConvention holds every command, and ivsrt itself, to the
// one convention of cli.go: help that was asked for is the command's usage
// on stdout and exit 0; a mistake on the command line is one line on
// stderr naming it, with where the usage is, and exit 2.
func TestCommandLineConvention(t *testing.T) {
	// A flag of each command that takes a value, and a value it refuses.
	badValue := map[string][]string{
		"":         {"nope"}, // the top level has no flags: an unknown command
		"serve":    {"-stage-quota", "many"},
		"generate": {"-emit", "everything", "-spec", "x.yaml", "-out", "x", "-package", "x"},
		"conform":  {"-run", "("},
		"proxy":    {"-upstream", "ftp://x"},
		"drift":    {"-evidence=maybe"},
		"import":   {"-version", "yesterday", "-model", smallModel},
		"diff":     {"-raw=maybe", before, after},
		"version":  {"extra"}, // no flags: an argument it does not take
	}
	badWant := map[string]string{
		"":         `ivsrt: unknown command "nope"`,
		"serve":    `ivsrt serve: -stage-quota "many": want an integer`,
		"generate": `ivsrt generate: -emit "everything": use fake, suite or all`,
		"conform":  "ivsrt conform: -run: error parsing regexp",
		"proxy":    `ivsrt proxy: -upstream "ftp://x": want an http or https URL with a host`,
		"drift":    `ivsrt drift: -evidence "maybe": want true or false`,
		"import":   `ivsrt import: -version "yesterday": use a date, YYYY-MM-DD`,
		"diff":     `ivsrt diff: -raw "maybe": want true or false`,
		"version":  `ivsrt version: unexpected argument "extra"`,
	}
	for _, name := range append([]string{""}, commandNames()...) {
		prog := strings.TrimSpace("ivsrt " + name)
		words := strings.Fields(name)
		hint := fmt.Sprintf("; run '%s -h' for usage", prog)
		usageLine := regexp.MustCompile(`^usage: ` + regexp.QuoteMeta(prog) + `( |$)`)
		for _, tc := range []struct {
			how    string
			args   []string
			code   int
			stdout bool   // the output is on stdout (else stderr, and stdout is empty)
			first  string // the first line: a regexp for help, the line itself for a mistake
		}{
			{"-h", append(words, "-h"), 0, true, ""},
			{"--help", append(words, "--help"), 0, true, ""},
			{"help CMD", append([]string{"help"}, words...), 0, true, ""},
			{"unknown flag", append(words, "-nope"), 2, false, prog + ": unknown flag -nope" + hint},
			{"bad value", append(words, badValue[name]...), 2, false, badWant[name]},
		} {
			t.Run(prog+"/"+tc.how, func(t *testing.T) {
				var out, errb bytes.Buffer
				code := run(tc.args, &out, &errb)
				assert.Equal(t, tc.code, code, "ivsrt %q\nstdout:\n%s\nstderr:\n%s", tc.args, out.String(), errb.String())
				got, other := errb.String(), out.String()
				if tc.stdout {
					got, other = other, got
				}
				assert.Empty(t, other, "the other stream")
				first, _, _ := strings.Cut(got, "\n")
				if tc.code == 0 {
					assert.Regexp(t, usageLine, first)
					lines := strings.Split(got, "\n")
					if assert.Greater(t, len(lines), 3) && name != "" {
						assert.Equal(t, "", lines[1])
						assert.Equal(t, strings.ToUpper(summaryOf(name)[:1])+summaryOf(name)[1:]+".", lines[2], "the one-line description")
					}
					return
				}
				assert.Equal(t, 1, strings.Count(got, "\n"), "one line: %q", got)
				assert.True(t, strings.HasPrefix(first, tc.first), "%q does not start with %q", first, tc.first)
				assert.True(t, strings.HasSuffix(first, hint), "%q does not end with %q", first, hint)
			})
		}
	}
}

func commandNames() []string {
	var out []string
	for _, c := range commands {
		out = append(out, c.name)
	}
	return out
}

// -h's usage is the same whichever way it is asked for.
func TestHelpIsTheSameEveryWay(t *testing.T) {
	for _, name := range append([]string{""}, commandNames()...) {
		words := strings.Fields(name)
		var want bytes.Buffer
		run(append(words, "-h"), &want, &want)
		for _, args := range [][]string{append(words, "--help"), append(words, "-help"), append([]string{"help"}, words...)} {
			var got bytes.Buffer
			run(args, &got, &got)
			assert.Equal(t, want.String(), got.String(), "ivsrt %q", args)
		}
	}
}

// The usage errors that are not about flags (one line each, exit 2), and
// what is not a usage error (exit 1, without a pointer to the usage).
func TestUsageErrorsAndFailures(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	for _, tc := range []struct {
		args  []string
		code  int
		first string
	}{
		{[]string{"help", "nope"}, 2, `ivsrt: unknown command "nope"; run 'ivsrt -h' for usage`},
		{[]string{"help", "serve", "diff"}, 2, "ivsrt: help takes one command, not 2; run 'ivsrt -h' for usage"},
		{[]string{"serve", "extra"}, 2, `ivsrt serve: unexpected argument "extra"; run 'ivsrt serve -h' for usage`},
		{[]string{"serve", "-addr"}, 2, "ivsrt serve: -addr needs a value; run 'ivsrt serve -h' for usage"},
		{[]string{"serve", "-read-timeout", "5"}, 2, `ivsrt serve: -read-timeout "5": want a duration such as 30s, 2m or 1h; run 'ivsrt serve -h' for usage`},
		{[]string{"generate"}, 2, "ivsrt generate: -spec, -out and -package are required; run 'ivsrt generate -h' for usage"},
		{[]string{"generate", "-spec", missing, "-out", dir, "-package", "x"}, 2, "ivsrt generate: -spec " + missing + ": no such file; run 'ivsrt generate -h' for usage"},
		{[]string{"import", "-model", missing}, 2, "ivsrt import: -model " + missing + ": no such file; run 'ivsrt import -h' for usage"},
		{[]string{"import", "-model", smallModel, "-version", "2021-02-03", "-overlay", missing}, 2, "ivsrt import: -overlay " + missing + ": no such file; run 'ivsrt import -h' for usage"},
		{[]string{"diff", missing, after}, 2, "ivsrt diff: " + missing + ": no such file; run 'ivsrt diff -h' for usage"},
		{[]string{"conform", "-api", "1999-01-01"}, 2, `ivsrt conform: -api "1999-01-01": the suites are for `},
		// Not usage errors: the file is there, and what it holds is wrong.
		{[]string{"import", "-model", before, "-version", "2021-02-03"}, 1, "ivsrt import: "},
		{[]string{"generate", "-spec", smallModel, "-out", dir, "-package", "x"}, 1, "ivsrt generate: "},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		assert.Equal(t, tc.code, code, "ivsrt %q: %s", tc.args, errb.String())
		assert.Empty(t, out.String(), "ivsrt %q", tc.args)
		assert.True(t, strings.HasPrefix(errb.String(), tc.first), "ivsrt %q: %q does not start with %q", tc.args, errb.String(), tc.first)
		if tc.code == 1 {
			// What is wrong with a file may take a line per problem.
			assert.NotContains(t, errb.String(), "for usage", "ivsrt %q: not a usage error", tc.args)
			continue
		}
		assert.Equal(t, 1, strings.Count(errb.String(), "\n"), "ivsrt %q: one line: %q", tc.args, errb.String())
	}
}

// Bare ivsrt was not asked for help: its usage goes to stderr, exit 2.
func TestBareIvsrt(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 2, run(nil, &out, &errb))
	assert.Empty(t, out.String())
	assert.True(t, strings.HasPrefix(errb.String(), "usage: ivsrt <command> [flags]\n"), errb.String())
	for _, c := range commands {
		assert.Contains(t, errb.String(), "\n  "+c.name+" ", "the usage lists %s", c.name)
	}
}
