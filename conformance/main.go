package conformance

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// Main is `ivsrt conform`: it runs the suite against -endpoint, or against
// the embedded fake started in-process on 127.0.0.1 when there is none. It
// prints a header with the API version and case count, one FAIL line per
// failed case with its diff and request, a line on the cleanup of the
// stages the run created, and the closing line
// "N passed, N failed, N skipped". When stdout and stderr are terminals it
// also keeps a progress counter on stderr while the cases run. It returns
// 0 when nothing failed, 1 on failures, 2 on bad usage.
func Main(args []string, stdout, stderr io.Writer) int {
	return conform(args, stdout, stderr, isTerminal(stdout) && isTerminal(stderr))
}

// isTerminal reports whether w is a character device (a terminal), where a
// \r-updated progress line belongs; a file or pipe never gets one.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func conform(args []string, stdout, stderr io.Writer, showProgress bool) int {
	fs := flag.NewFlagSet("ivsrt conform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", "", "base `URL` of the implementation under test; none starts the embedded fake")
	region := fs.String("region", "", "AWS `region` to sign with (default: AWS_REGION, else "+suite.DefaultRegion+")")
	run := fs.String("run", "", "run only the cases whose name matches `regex`")
	junit := fs.String("junit", "", "write a JUnit XML report to `file`")
	jsonOut := fs.String("json", "", "write a JSON report to `file`")
	storage := fs.String("storage-configuration", "", "`ARN` of an existing storage configuration for the cases that record (default: a made-up one, which only a fake takes)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ivsrt conform [-endpoint URL] [-region R] [-run REGEX] [-junit FILE] [-json FILE] [-storage-configuration ARN]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ivsrt conform: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	var re *regexp.Regexp
	if *run != "" {
		var err error
		if re, err = regexp.Compile(*run); err != nil {
			fmt.Fprintf(stderr, "ivsrt conform: -run: %v\n", err)
			return 2
		}
	}
	if *region == "" {
		*region = os.Getenv("AWS_REGION")
	}
	if *region == "" {
		*region = suite.DefaultRegion
	}

	s, err := Suite()
	if err != nil {
		fmt.Fprintf(stderr, "ivsrt conform: %v\n", err)
		return 1
	}
	cases := suite.Select(s.Cases, re)
	if len(cases) == 0 {
		fmt.Fprintf(stderr, "ivsrt conform: no case matches -run %q\n", *run)
		return 2
	}
	s.Cases = cases

	where := *endpoint
	if where == "" {
		srv := httptest.NewServer(ivsfake.New(ivsfake.Options{Region: *region}))
		defer srv.Close()
		*endpoint = srv.URL
		where = srv.URL + " (embedded fake)"
	}
	c := s.Contract
	fmt.Fprintf(stdout, "ivsrt conform: %s, API version %s (spec %s): %d cases against %s\n",
		c.Title, c.APIVersion, c.SpecName, len(cases), where)

	ctx := context.Background()
	start := time.Now()
	target := suite.Target{Endpoint: *endpoint, Region: *region, StorageConfigurationArn: *storage}
	r, err := suite.NewRunner(ctx, Prepare(ctx, target), s)
	if err != nil {
		fmt.Fprintf(stderr, "ivsrt conform: %v\n", err)
		return 2
	}
	var done func(suite.Result)
	var bar *progress
	if showProgress {
		bar = &progress{w: stderr, total: len(cases)}
		done = bar.update
	}
	results := r.RunEach(ctx, cases, done)
	elapsed := time.Since(start)
	if bar != nil {
		bar.clear()
	}
	cleanup := r.Cleanup(ctx)

	if err := suite.WriteFailures(stdout, results); err != nil {
		fmt.Fprintf(stderr, "ivsrt conform: %v\n", err)
		return 1
	}
	status := 0
	if *junit != "" {
		if err := writeFile(*junit, func(w io.Writer) error { return suite.WriteJUnit(w, "ivsrt-conformance", results) }); err != nil {
			fmt.Fprintf(stderr, "ivsrt conform: -junit: %v\n", err)
			status = 1
		}
	}
	if *jsonOut != "" {
		rep := suite.Report{Title: c.Title, APIVersion: c.APIVersion, Endpoint: *endpoint, RunID: r.RunID()}
		if err := writeFile(*jsonOut, func(w io.Writer) error { return suite.WriteJSON(w, rep, results) }); err != nil {
			fmt.Fprintf(stderr, "ivsrt conform: -json: %v\n", err)
			status = 1
		}
	}
	fmt.Fprintln(stdout, cleanup)
	fmt.Fprintf(stdout, "ran %d cases in %s (run id %s)\n", len(results), elapsed.Round(time.Millisecond), r.RunID())
	fmt.Fprintln(stdout, suite.Summary(results))
	if _, failed, _ := suite.Counts(results); failed > 0 {
		return 1
	}
	return status
}

// progress keeps one \r-updated counter line on a terminal.
type progress struct {
	w                      io.Writer
	total, done            int
	failed, skipped, width int
	last                   time.Time
}

// progressEvery bounds how often the line is redrawn.
const progressEvery = 50 * time.Millisecond

func (p *progress) update(res suite.Result) {
	p.done++
	switch res.Status {
	case suite.Fail:
		p.failed++
	case suite.Skip:
		p.skipped++
	}
	now := time.Now()
	if p.done < p.total && now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	line := fmt.Sprintf("%d/%d cases, %d failed, %d skipped", p.done, p.total, p.failed, p.skipped)
	pad := max(p.width-len(line), 0)
	p.width = len(line)
	fmt.Fprint(p.w, "\r"+line+strings.Repeat(" ", pad))
}

// clear blanks the line, so what follows starts on a clean one.
func (p *progress) clear() {
	if p.width > 0 {
		fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.width)+"\r")
	}
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
