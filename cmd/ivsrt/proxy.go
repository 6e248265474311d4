package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/proxy"
	"github.com/ivsrt/contract/conformance/traffic"
)

// proxyCmd is `ivsrt proxy`: a checking reverse proxy in front of an IVS
// Real-Time endpoint.
func proxyCmd(args []string, stdout, stderr io.Writer) int {
	cmd := newCommand("proxy", "-upstream URL [-listen ADDR] [-record FILE] [-redact-account] [-serial] [-strict] [-sign MODE] [-api VERSION] [-summary-json FILE] [-summary-html FILE]", `Clients point at the proxy as at the endpoint. Every request and answer
goes through unchanged; each is checked against the spec (what the fake
would refuse of a request; an answer's shape, enums, required members,
error form) and the rules of docs/contract.md that traffic alone shows
(defaults, filters, page sizes, identifiers' formats). It prints
"listening on http://HOST:PORT" on stdout once it accepts connections,
one VIOLATION line per violation on stderr as it happens, and on SIGINT
or SIGTERM stops, writes its summary (text on stdout, -summary-json and
-summary-html to files) and exits 0 when it saw no violation, 1 when it
saw one (or could not listen, or write the cassette or a summary), 2 on
bad usage. docs/proxy.md says more.
`, stdout, stderr)
	fs := cmd.flags
	upstream := fs.String("upstream", "", "base `URL` of the endpoint to forward to: https://ivsrealtime.REGION.amazonaws.com, an ivsrt serve, another implementation")
	listen := fs.String("listen", "127.0.0.1:4567", "listen `address`; port 0 picks a free port")
	record := fs.String("record", "", "write every exchange to this cassette `file` (docs/cassette.md), secrets redacted")
	redactAccount := fs.Bool("redact-account", false, "in the cassette, replace every AWS account id with a stand-in (000000000001, ...)")
	serial := fs.Bool("serial", false, "let one request through to the upstream at a time, so that a cassette of concurrent clients replays as recorded (ivsrt drift)")
	strict := fs.Bool("strict", false, "refuse a request the spec refuses, in AWS's form, without sending it upstream")
	sign := fs.String("sign", "auto", "`mode` of signing requests again for the upstream with the standard AWS credential chain: auto (when the upstream is not loopback), always or never")
	region := fs.String("region", "", "`region` to sign a request in whose client gave none (default: the AWS config's)")
	api := fs.String("api", "", "the API `version` to check against: "+strings.Join(conformance.APIVersions(), " or ")+" (default: the current one)")
	summaryJSON := fs.String("summary-json", "", "at exit, write the summary as JSON to `file`")
	summaryHTML := fs.String("summary-html", "", "at exit, write the summary as an HTML page (as conform -html) to `file`")
	if code, ok := cmd.parse(args); !ok {
		return code
	}
	if code := cmd.noArgs(); code != exitOK {
		return code
	}
	if *upstream == "" {
		return cmd.usageError("-upstream URL is required")
	}
	up, err := url.Parse(*upstream)
	if err != nil || (up.Scheme != "http" && up.Scheme != "https") || up.Host == "" {
		return cmd.usageError("-upstream %q: want an http or https URL with a host", *upstream)
	}
	if *api != "" && !slices.Contains(conformance.APIVersions(), *api) {
		return cmd.usageError("-api %q: the suites are for %s", *api, strings.Join(conformance.APIVersions(), " and "))
	}
	if *sign != "auto" && *sign != "always" && *sign != "never" {
		return cmd.usageError("-sign %q: use auto, always or never", *sign)
	}
	if *redactAccount && *record == "" {
		return cmd.usageError("-redact-account is only for -record")
	}
	s, err := conformance.SuiteFor(*api)
	if err != nil {
		return cmd.fail("%v", err)
	}
	checker, err := traffic.NewChecker(s)
	if err != nil {
		return cmd.fail("%v", err)
	}
	opts := proxy.Options{Upstream: up, Checker: checker, Strict: *strict, Serial: *serial, Log: stderr}
	if *sign == "always" || *sign == "auto" && !proxy.IsLoopback(up) {
		signer, err := proxy.NewSigner(context.Background(), s.Contract.SigningName, *region)
		if err != nil {
			return cmd.fail("%v", err)
		}
		opts.Sign = signer
	}
	var recordFile *os.File
	if *record != "" {
		recordFile, err = os.Create(*record)
		if err != nil {
			return cmd.fail("-record: %v", err)
		}
		defer recordFile.Close()
		opts.Redactor = cassette.NewRedactor(s.Contract.Sensitive, *redactAccount)
		opts.Record, err = cassette.NewWriter(recordFile, cassette.Header{Recorded: time.Now().UTC(), Upstream: up.Scheme + "://" + up.Host,
			Region: *region, API: s.Contract.APIVersion, Tool: "ivsrt proxy " + proxyToolVersion(), Redacted: opts.Redactor.Redactions()})
		if err != nil {
			return cmd.fail("-record: %v", err)
		}
	}
	p, err := proxy.New(opts)
	if err != nil {
		return cmd.fail("%v", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return cmd.fail("%v", err)
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 30 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	select {
	case err := <-done:
		return cmd.fail("%v", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		_ = srv.Close()
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		cmd.say("%v", err)
	}
	p.Wait()
	code := exitOK
	if opts.Record != nil {
		if err := opts.Record.Err(); err != nil {
			code = cmd.fail("-record: %v", err)
		}
	}
	sum := p.Summary(s.Contract.APIVersion)
	if err := sum.WriteText(stdout); err != nil {
		code = cmd.fail("%v", err)
	}
	for _, out := range []struct {
		flag, path string
		write      func(io.Writer) error
	}{{"-summary-json", *summaryJSON, sum.WriteJSON}, {"-summary-html", *summaryHTML, sum.WriteHTML}} {
		if out.path == "" {
			continue
		}
		if err := writeFile(out.path, out.write); err != nil {
			code = cmd.fail("%s: %v", out.flag, err)
		}
	}
	if sum.Stats.Violations > 0 {
		code = exitFailure
	}
	return code
}

// writeFile writes a report to path.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// proxyToolVersion is the tool's version for a cassette's header.
func proxyToolVersion() string {
	info, ok := debug.ReadBuildInfo()
	return toolVersion(info, ok)
}
