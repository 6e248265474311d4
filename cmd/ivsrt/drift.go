package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/drift"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/conformance/traffic"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// driftCmd is `ivsrt drift CASSETTE`: it replays a cassette against
// -endpoint, or against the embedded fake started in-process on 127.0.0.1
// when there is none, and compares each answer with the recorded one
// (package drift). It prints one block per exchange whose answer differs,
// each difference with what was recorded, what the target answered and
// the row of docs/contract.md it touches, then a closing line. It returns
// 0 when nothing differs, 1 when something does, 2 when the replay could
// not run (bad usage, a cassette it cannot read, a target that does not
// answer).
func driftCmd(args []string, stdout, stderr io.Writer) int {
	cmd := newCommand("drift", "CASSETTE [-endpoint URL] [-region R] [-json FILE] [-html FILE] [-evidence]", `It replays the cassette's exchanges in order against the target (the ARNs,
ids, tokens and page tokens the target mints stand for the recorded ones from
then on), makes the participants the cassette shows joining, publishing and
leaving through the control API of an ivsrt fake where the cassette holds no
control call that made them, and compares each answer with the recorded one:
status, error type, the members the spec knows, the values that must agree,
the form of the identifiers the target minted. Each difference names the
rule of docs/contract.md it touches. It exits 0 when nothing differs, 1 when
something does, and 2 when the replay could not run: bad usage, a cassette
it cannot read, a target that does not answer, is not IVS or refuses the
credentials. With -evidence it calls no target: it says, for each rule,
whether the cassette confirms it, contradicts it (exit 1) or says nothing
of it. The region is -region, else
the cassette's, else AWS_REGION, else `+suite.DefaultRegion+`. Requests are signed
with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)
when they are set; else an ivsrt fake or a target on loopback gets dummy
credentials, and any other the SDK's standard chain.
`, stdout, stderr)
	flags := cmd.flags
	endpoint := flags.String("endpoint", "", "base `URL` of the implementation to replay against; none starts the embedded fake")
	region := flags.String("region", "", "AWS `region` to sign with (default: the cassette's, else AWS_REGION, else "+suite.DefaultRegion+")")
	jsonOut := flags.String("json", "", "write a JSON report to `file` (- for stdout; the text then goes to stderr)")
	htmlOut := flags.String("html", "", "write a self-contained HTML report to `file` (- for stdout)")
	evidenceFlag := flags.Bool("evidence", false, "list, for each rule of docs/contract.md, whether the cassette confirms it, contradicts it or says nothing")
	// The cassette may come before the flags or after them.
	var positional []string
	for {
		if code, ok := cmd.parse(args); !ok {
			return code
		}
		if flags.NArg() == 0 {
			break
		}
		positional = append(positional, flags.Arg(0))
		args = flags.Args()[1:]
	}
	switch {
	case len(positional) == 0:
		return cmd.usageError("a cassette is required")
	case len(positional) > 1:
		return cmd.usageError("unexpected argument %q", positional[1])
	}
	path := positional[0]
	if code := cmd.mustExist("cassette", path); code != exitOK {
		return code
	}
	var reports []*report
	toStdout := ""
	for _, r := range []*report{{flag: "-json", path: *jsonOut}, {flag: "-html", path: *htmlOut}} {
		switch {
		case r.path == "":
			continue
		case r.path == "-" && toStdout != "":
			return cmd.usageError("%s -: %s already writes to stdout", r.flag, toStdout)
		case r.path == "-":
			toStdout = r.flag
		default:
			if err := checkWritable(r.path); err != nil {
				return cmd.usageError("%s: %v", r.flag, err)
			}
		}
		reports = append(reports, r)
	}
	text := stdout
	if toStdout != "" {
		text = stderr
	}

	f, err := os.Open(path)
	if err != nil {
		cmd.say("%v", err)
		return exitUsage
	}
	cs, err := cassette.Read(f)
	f.Close()
	if err != nil {
		cmd.say("%s: %v", path, err)
		return exitUsage
	}
	if *evidenceFlag {
		return evidence(cmd, cs, path, text, reports, stdout)
	}
	for _, r := range []string{*region, cs.Header.Region, os.Getenv("AWS_REGION"), suite.DefaultRegion} {
		if r != "" {
			*region = r
			break
		}
	}

	where := *endpoint
	if where == "" {
		srv := httptest.NewServer(ivsfake.New(ivsfake.Options{Region: *region}))
		defer srv.Close()
		*endpoint = srv.URL
		where = srv.URL + " (embedded fake)"
	}
	if u, err := url.Parse(*endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cmd.usageError("-endpoint %q: not an http(s) URL", *endpoint)
	}
	ctx := context.Background()
	hc := &http.Client{Timeout: 30 * time.Second}
	var target drift.Target
	if id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		// Named as the SDK names the environment's, so that a refusal
		// says where they came from.
		creds := credentials.StaticCredentialsProvider{Value: aws.Credentials{
			AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv("AWS_SESSION_TOKEN"), Source: config.CredentialsSourceName}}
		target = drift.Target{Target: suite.Target{Endpoint: *endpoint, Region: *region, Credentials: creds, HTTPClient: hc}}
		if ivscontrol.IsFake(ctx, *endpoint, hc) {
			target.Control = ivscontrol.NewControl(*endpoint, ivscontrol.SigningClient(hc, creds, *region))
		}
	} else {
		var err error
		if target, err = drift.NewTarget(ctx, *endpoint, *region, hc); err != nil {
			cmd.say("%s", strings.TrimPrefix(err.Error(), "drift: "))
			return exitUsage
		}
	}
	// As conform does: a target that is not an IVS endpoint, or that
	// refuses the credentials, is one line and exit 2, not a drift in
	// every exchange.
	s, err := conformance.SuiteFor(cs.Header.API)
	if err != nil {
		s, err = conformance.Suite()
	}
	if err != nil {
		return cmd.fail("%v", err)
	}
	if err := conformance.Probe(ctx, target.Target, s); err != nil {
		var ce *suite.CredentialsError
		if errors.As(err, &ce) {
			cmd.say("%s", ce.Text(suite.CommandLine))
		} else {
			cmd.say("%v", err)
		}
		return exitUsage
	}
	fmt.Fprintf(text, "ivsrt drift: %d exchanges of %s (recorded from %s) against %s\n", len(cs.Exchanges), path, orUnknown(cs.Header.Upstream), where)
	rep, err := drift.Replay(ctx, cs, target, drift.Options{Name: path})
	if err != nil {
		// The replay could not run (drift.ErrUnreachable: the target
		// did not answer): as conform's probe, one line and exit 2.
		cmd.say("%s", strings.TrimPrefix(err.Error(), "drift: "))
		return exitUsage
	}
	if err := drift.WriteText(text, rep); err != nil {
		return cmd.fail("%v", err)
	}
	status := exitOK
	for _, r := range reports {
		switch r.flag {
		case "-json":
			r.write = func(w io.Writer) error { return drift.WriteJSON(w, rep) }
		case "-html":
			r.write = func(w io.Writer) error { return drift.WriteHTML(w, rep) }
		}
		if err := r.writeTo(stdout); err != nil {
			cmd.say("%s: %v", r.flag, err)
			status = exitFailure
		}
	}
	if rep.Drift() {
		return exitFailure
	}
	return status
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown endpoint"
	}
	return s
}

// evidence is -evidence: what the cassette shows of each rule of
// docs/contract.md, judged from the recorded exchanges alone (no target
// is called): exit 1 when a rule is contradicted, as a drift is. The
// cassette is judged by the spec of its API version, the current one when
// it names none this build knows.
func evidence(cmd *command, cs *cassette.Cassette, path string, text io.Writer, reports []*report, stdout io.Writer) int {
	s, err := conformance.SuiteFor(cs.Header.API)
	if err != nil {
		s, err = conformance.Suite()
	}
	if err != nil {
		return cmd.fail("%v", err)
	}
	checker, err := traffic.NewChecker(s)
	if err != nil {
		return cmd.fail("%v", err)
	}
	evs := traffic.Evidence(checker, cs)
	fmt.Fprintf(text, "ivsrt drift -evidence: what the %d exchanges of %s (recorded from %s) show of the rules of docs/contract.md\n", len(cs.Exchanges), path, orUnknown(cs.Header.Upstream))
	if err := traffic.WriteEvidenceText(text, evs); err != nil {
		return cmd.fail("%v", err)
	}
	status := exitOK
	for _, r := range reports {
		switch r.flag {
		case "-json":
			r.write = func(w io.Writer) error { return traffic.WriteEvidenceJSON(w, evs) }
		case "-html":
			r.write = func(w io.Writer) error {
				rep := suite.Report{Title: "ivsrt drift -evidence: " + path, Tool: "ivsrt drift", APIVersion: s.Contract.APIVersion, Endpoint: cs.Header.Upstream}
				return suite.WriteHTML(w, rep, traffic.EvidenceResults(evs))
			}
		}
		if err := r.writeTo(stdout); err != nil {
			cmd.say("%s: %v", r.flag, err)
			status = exitFailure
		}
	}
	if traffic.TallyEvidence(evs).Contradicted > 0 {
		return exitFailure
	}
	return status
}
