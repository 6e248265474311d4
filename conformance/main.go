package conformance

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"time"

	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// Main is `ivsrt conform`: it runs the suite against -endpoint, or against
// the embedded fake started in-process on 127.0.0.1 when there is none. It
// prints a header with the API version and case count, one FAIL line per
// failed case with its diff and request, and the closing line
// "N passed, N failed, N skipped". It returns 0 when nothing failed, 1 on
// failures, 2 on bad usage.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ivsrt conform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", "", "base `URL` of the implementation under test; none starts the embedded fake")
	region := fs.String("region", "", "AWS `region` to sign with (default: AWS_REGION, else "+suite.DefaultRegion+")")
	run := fs.String("run", "", "run only the cases whose name matches `regex`")
	junit := fs.String("junit", "", "write a JUnit XML report to `file`")
	jsonOut := fs.String("json", "", "write a JSON report to `file`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ivsrt conform [-endpoint URL] [-region R] [-run REGEX] [-junit FILE] [-json FILE]")
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
	r, err := suite.NewRunner(ctx, Prepare(ctx, suite.Target{Endpoint: *endpoint, Region: *region}), s)
	if err != nil {
		fmt.Fprintf(stderr, "ivsrt conform: %v\n", err)
		return 2
	}
	results := r.RunAll(ctx, cases)
	elapsed := time.Since(start)

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
	fmt.Fprintf(stdout, "ran %d cases in %s (run id %s)\n", len(results), elapsed.Round(time.Millisecond), r.RunID())
	fmt.Fprintln(stdout, suite.Summary(results))
	if _, failed, _ := suite.Counts(results); failed > 0 {
		return 1
	}
	return status
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
