package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// conform is `ivsrt conform`: it runs the suite against -endpoint, or
// against the embedded fake started in-process on 127.0.0.1 when there is
// none. It first probes the target once, and stops with one line and exit
// 2 when nothing answers there, what answers is no AWS JSON service, or
// it refuses the credentials (the line says where they came from). It
// prints a header with the API version and case count, one FAIL line per
// failed case with its diff, request and rule source, one BLOCKED line per
// cause of blocked cases (a setup step that failed) with its count, one
// SKIP line per skip reason with its count, a line on the cleanup of the
// stages the run created, and the closing line "N passed, N failed, N
// blocked, N skipped". When stdout and stderr are terminals it also keeps
// a progress counter on stderr while the cases run. It returns 0 when
// every case passed or was skipped, 1 when one failed or was blocked (a
// gate must not pass on rules it could not check), 2 on bad usage or a
// target that is not one.
func conform(args []string, stdout, stderr io.Writer) int {
	return conformTo(args, stdout, stderr, isTerminal(stdout) && isTerminal(stderr))
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

// report is one -junit, -json or -html output: a file, or "-" for stdout.
type report struct {
	flag, path string
	write      func(io.Writer) error
}

func conformTo(args []string, stdout, stderr io.Writer, showProgress bool) int {
	cmd := newCommand("conform", "[-endpoint URL] [-region R] [-api VERSION] [-run REGEX] [-rules SOURCES] [-junit FILE] [-json FILE] [-html FILE] [-storage-configuration ARN]", `It prints one FAIL line per failed case, with its diff, request, answer,
rule source and, where the suite knows it, what to do next; one BLOCKED
line per cause that kept cases from running (a setup step that failed),
with how many; one SKIP line per skip reason; then "N passed, N failed,
N blocked, N skipped". It exits 0 when no case failed or was blocked, 1
when one was, and 2 on bad usage, a target that does not answer as an AWS
JSON service (nothing listening at -endpoint, say) or one that refuses
the credentials, after one line saying so. Requests are signed with AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN when they are set; else a
target on loopback or an ivsrt fake gets dummy credentials, and any other
the SDK's standard chain.
`, stdout, stderr)
	flags := cmd.flags
	endpoint := flags.String("endpoint", "", "base `URL` of the implementation under test; none starts the embedded fake")
	region := flags.String("region", "", "AWS `region` to sign with (default: AWS_REGION, else "+suite.DefaultRegion+")")
	run := flags.String("run", "", "run only the cases whose name matches `regex`")
	rules := flags.String("rules", "", "run only the cases whose rule comes from these `sources`, comma-separated: "+strings.Join(suite.Sources, ", ")+" (default: all)")
	junit := flags.String("junit", "", "write a JUnit XML report to `file` (- for stdout)")
	jsonOut := flags.String("json", "", "write a JSON report to `file` (- for stdout; the text then goes to stderr)")
	htmlOut := flags.String("html", "", "write a self-contained HTML report to `file` (- for stdout)")
	api := flags.String("api", "", "the API `version` whose suite runs: "+strings.Join(conformance.APIVersions(), " or ")+" (default: the current one); an older suite checks only what that version knows")
	storage := flags.String("storage-configuration", "", "`ARN` of an existing storage configuration for the cases that record (default: a made-up one, which only a fake takes)")
	if code, ok := cmd.parse(args); !ok {
		return code
	}
	usageError := cmd.usageError
	if code := cmd.noArgs(); code != exitOK {
		return code
	}
	var re *regexp.Regexp
	if *run != "" {
		var err error
		if re, err = regexp.Compile(*run); err != nil {
			return usageError("-run: %v", err)
		}
	}
	var sources []string
	if *rules != "" {
		var err error
		if sources, err = suite.ParseSources(*rules); err != nil {
			return usageError("-rules: %v", err)
		}
	}
	if *region == "" {
		*region = os.Getenv("AWS_REGION")
	}
	if *region == "" {
		*region = suite.DefaultRegion
	}

	// Report paths are checked before the run, not found wrong after it.
	var reports []*report
	toStdout := ""
	for _, r := range []*report{{flag: "-junit", path: *junit}, {flag: "-json", path: *jsonOut}, {flag: "-html", path: *htmlOut}} {
		switch {
		case r.path == "":
			continue
		case r.path == "-" && toStdout != "":
			return usageError("%s -: %s already writes to stdout", r.flag, toStdout)
		case r.path == "-":
			toStdout = r.flag
		default:
			if err := checkWritable(r.path); err != nil {
				return usageError("%s: %v", r.flag, err)
			}
		}
		reports = append(reports, r)
	}
	// A report on stdout keeps stdout to itself: the text goes to stderr.
	text := stdout
	if toStdout != "" {
		text = stderr
	}

	if *api != "" && !slices.Contains(conformance.APIVersions(), *api) {
		return usageError("-api %q: the suites are for %s", *api, strings.Join(conformance.APIVersions(), " and "))
	}
	s, err := conformance.SuiteFor(*api)
	if err != nil {
		return cmd.fail("%v", err)
	}
	cases := suite.SelectSources(suite.Select(s.Cases, re), sources)
	if len(cases) == 0 {
		return usageError("no case matches%s", selection(*run, sources))
	}
	s.Cases = cases

	where := *endpoint
	if where == "" {
		srv := httptest.NewServer(ivsfake.New(ivsfake.Options{Region: *region}))
		defer srv.Close()
		*endpoint = srv.URL
		where = srv.URL + " (embedded fake)"
	}
	ctx := context.Background()
	target := behaviour.GiveStorageConfiguration(suite.Target{Endpoint: *endpoint, Region: *region}, *storage)
	// Credentials in the environment sign the AWS requests and the control
	// API's alike, so a fake that checks signatures (ivsrt serve -auth
	// verify) takes both; without them, the control calls are signed with
	// dummies, so that they act in the region the AWS requests do.
	sign := aws.CredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDIVSRTCONFORM", "ivsrt-conformance-secret", ""))
	if id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		// Named as the SDK names the environment's, so that a refusal
		// says where they came from.
		target.Credentials = credentials.StaticCredentialsProvider{Value: aws.Credentials{
			AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv("AWS_SESSION_TOKEN"), Source: config.CredentialsSourceName}}
		sign = target.Credentials
	}
	target.HTTPClient = ivscontrol.SigningClient(&http.Client{Timeout: 30 * time.Second}, sign, *region)
	if err := conformance.Probe(ctx, target, s); err != nil {
		// A target that is not one, or that refuses the credentials: the
		// usage would not help, so the line has no pointer to it.
		var ce *suite.CredentialsError
		if errors.As(err, &ce) {
			cmd.say("%s", ce.Text(suite.CommandLine))
		} else {
			cmd.say("%v", err)
		}
		return exitUsage
	}
	c := s.Contract
	fmt.Fprintf(text, "ivsrt conform: %s, API version %s (spec %s): %d cases%s against %s\n",
		c.Title, c.APIVersion, c.SpecName, len(cases), selection("", sources), where)

	var done func(suite.Result)
	var bar *progress
	if showProgress {
		bar = &progress{w: stderr, total: len(cases)}
		done = bar.update
	}
	out, err := conformance.Execute(ctx, s, target, done)
	if bar != nil {
		bar.clear()
	}
	if err != nil {
		// The runner could not start against the target: as the probe.
		cmd.say("%v", err)
		return exitUsage
	}
	results := out.Results
	// What to do next, in this command's words (its flags, the
	// environment), not a Go caller's.
	for i := range results {
		results[i].Next = results[i].NextFor(suite.CommandLine)
	}

	if err := suite.WriteFailures(text, results); err != nil {
		return cmd.fail("%v", err)
	}
	if err := suite.WriteBlocked(text, results); err != nil {
		return cmd.fail("%v", err)
	}
	if err := suite.WriteSkips(text, results); err != nil {
		return cmd.fail("%v", err)
	}
	rep := suite.Report{Title: c.Title, APIVersion: c.APIVersion, Endpoint: *endpoint, RunID: out.RunID, Sources: sources}
	status := 0
	for _, r := range reports {
		switch r.flag {
		case "-junit":
			r.write = func(w io.Writer) error { return suite.WriteJUnit(w, "ivsrt-conformance", results) }
		case "-json":
			r.write = func(w io.Writer) error { return suite.WriteJSON(w, rep, results) }
		case "-html":
			r.write = func(w io.Writer) error { return suite.WriteHTML(w, rep, results) }
		}
		if err := r.writeTo(stdout); err != nil {
			cmd.say("%s: %v", r.flag, err)
			status = exitFailure
		}
	}
	fmt.Fprintln(text, out.Cleanup)
	fmt.Fprintf(text, "ran %d cases in %s (run id %s)\n", len(results), out.Elapsed.Round(time.Millisecond), out.RunID)
	fmt.Fprintln(text, suite.Summary(results))
	// Counts' failed holds the blocked cases too: their rules went
	// unchecked, so the run does not pass.
	if _, failed, _ := suite.Counts(results); failed > 0 {
		return 1
	}
	return status
}

// selection words -run and -rules for a message: " -run X with rules from model, documented".
func selection(run string, sources []string) string {
	var s string
	if run != "" {
		s += fmt.Sprintf(" -run %q", run)
	}
	if len(sources) > 0 {
		s += " with rules from " + strings.Join(sources, ", ")
	}
	return s
}

// checkWritable says whether a report can be written at path, without
// leaving anything there: its directory must exist and take a new file,
// or the file must be one that opens for writing.
func checkWritable(path string) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return fmt.Errorf("%s is a directory", path)
	case err == nil:
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		return f.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("cannot write %s: directory %s does not exist", path, dir)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(path)
}

// writeTo writes the report to its file, or to stdout for "-".
func (r *report) writeTo(stdout io.Writer) error {
	if r.path == "-" {
		return r.write(stdout)
	}
	f, err := os.Create(r.path)
	if err != nil {
		return err
	}
	if err := r.write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// progress keeps one \r-updated counter line on a terminal.
type progress struct {
	w                               io.Writer
	total, done                     int
	failed, blocked, skipped, width int
	last                            time.Time
}

// progressEvery bounds how often the line is redrawn.
const progressEvery = 50 * time.Millisecond

func (p *progress) update(res suite.Result) {
	p.done++
	switch res.Status {
	case suite.Fail:
		p.failed++
	case suite.Blocked:
		p.blocked++
	case suite.Skip:
		p.skipped++
	}
	now := time.Now()
	if p.done < p.total && now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	line := fmt.Sprintf("%d/%d cases, %d failed, %d skipped", p.done, p.total, p.failed, p.skipped)
	if p.blocked > 0 {
		line = fmt.Sprintf("%d/%d cases, %d failed, %d blocked, %d skipped", p.done, p.total, p.failed, p.blocked, p.skipped)
	}
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
