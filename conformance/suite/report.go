package suite

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Summary is the closing line: "N passed, N failed, N blocked, N skipped".
func Summary(results []Result) string {
	t := TallyOf(results)
	return fmt.Sprintf("%d passed, %d failed, %d blocked, %d skipped", t.Passed, t.Failed, t.Blocked, t.Skipped)
}

// WriteFailures writes one FAIL line per failed case, each followed by its
// diff (-want +got), the request that produced it, the answer, the rule's
// source and, where the suite knows it, what to do next, indented. The
// blocked cases are WriteBlocked's.
func WriteFailures(w io.Writer, results []Result) error {
	var b strings.Builder
	for _, res := range results {
		if res.Status != Fail {
			continue
		}
		fmt.Fprintf(&b, "FAIL %s: %s\n", res.Name, res.Reason)
		writeDetails(&b, res)
		if res.Source != "" {
			b.WriteString("    source:   " + res.Source + "\n")
		}
		if next := res.nextStep(); next != "" {
			b.WriteString("    next:     " + next + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeDetails writes a result's diff, detail, request and answer, indented.
func writeDetails(b *strings.Builder, res Result) {
	if res.Diff != "" {
		b.WriteString("    diff (-want +got):\n")
		for _, l := range strings.Split(strings.TrimRight(res.Diff, "\n"), "\n") {
			b.WriteString("      " + l + "\n")
		}
	}
	if res.Detail != "" && res.Detail != res.Reason {
		for _, l := range strings.Split(strings.TrimRight(res.Detail, "\n"), "\n") {
			b.WriteString("    " + l + "\n")
		}
	}
	if res.Request != "" {
		b.WriteString("    request:  " + res.Request + "\n")
	}
	if res.Response != "" {
		b.WriteString("    response: " + res.Response + "\n")
	}
}

// BlockedCause is one reason cases were blocked for: the failure of a step
// that prepared them (the run's setup, say), told once with how many cases
// it blocked and which.
type BlockedCause struct {
	Count  int    `json:"count"`
	Reason string `json:"reason"`
	// The first blocked case's account of the step: its failure type,
	// diff, request and answer, and what to do next.
	FailureType string `json:"failureType,omitempty"`
	Diff        string `json:"diff,omitempty"`
	Request     string `json:"request,omitempty"`
	Response    string `json:"response,omitempty"`
	Next        string `json:"next,omitempty"`
	// Cases are the names of the cases it blocked, in result order.
	Cases []string `json:"cases"`
}

// BlockedCauses groups the blocked results by their reason, the cause
// that blocked most cases first.
func BlockedCauses(results []Result) []BlockedCause {
	var out []BlockedCause
	at := map[string]int{}
	for _, res := range results {
		if res.Status != Blocked {
			continue
		}
		i, ok := at[res.Reason]
		if !ok {
			i = len(out)
			at[res.Reason] = i
			out = append(out, BlockedCause{Reason: res.Reason, FailureType: res.FailureType, Diff: res.Diff,
				Request: res.Request, Response: res.Response, Next: res.nextStep()})
		}
		out[i].Count++
		out[i].Cases = append(out[i].Cases, res.Name)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

// listedCases is how many blocked cases a cause names one by one; past
// that, it counts them by operation.
const listedCases = 5

// WriteBlocked writes each cause that blocked cases once: "BLOCKED 235
// cases: setup: ...", then, indented, the step's diff, request and answer,
// what to do next where the suite knows, and the cases it blocked (named
// when few, else counted by operation: the JSON and JUnit reports name
// each). A failed setup step blocks every case that needs what it would
// have made, and one account of it says it all.
func WriteBlocked(w io.Writer, results []Result) error {
	var b strings.Builder
	for _, c := range BlockedCauses(results) {
		fmt.Fprintf(&b, "BLOCKED %d %s: %s\n", c.Count, plural(c.Count, "case", "cases"), c.Reason)
		writeDetails(&b, Result{Diff: c.Diff, Request: c.Request, Response: c.Response})
		if c.Next != "" {
			b.WriteString("    next:     " + c.Next + "\n")
		}
		b.WriteString("    cases:    " + blockedList(c.Cases) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// blockedList names a cause's cases, or counts them by operation (the
// part of a case's name before its first "/").
func blockedList(cases []string) string {
	if len(cases) <= listedCases {
		return strings.Join(cases, ", ")
	}
	count := map[string]int{}
	var ops []string
	for _, name := range cases {
		op, _, _ := strings.Cut(name, "/")
		if count[op] == 0 {
			ops = append(ops, op)
		}
		count[op]++
	}
	sort.SliceStable(ops, func(i, j int) bool { return count[ops[i]] > count[ops[j]] })
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = fmt.Sprintf("%s %d", op, count[op])
	}
	return "by operation: " + strings.Join(parts, ", ")
}

// WriteSkips writes the reasons cases were skipped for, one line per
// reason with how many cases it skipped, the most frequent first:
// "SKIP 12 cases: no seeder: ...", and under it, where the suite knows,
// what to do next. A reason repeats for many cases (a missing seeder skips
// every case that needs participants), so one line each says it all.
func WriteSkips(w io.Writer, results []Result) error {
	var b strings.Builder
	for _, s := range skipReasons(results) {
		fmt.Fprintf(&b, "SKIP %d %s: %s\n", s.Count, plural(s.Count, "case", "cases"), s.Reason)
		if s.Next != "" {
			b.WriteString("    next: " + s.Next + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// skipReason is one reason cases were skipped for.
type skipReason struct {
	Count  int
	Reason string
	Next   string
}

// skipReasons are the reasons of the skipped results with how many each
// skipped, the most frequent first; the operations a target has not
// written yet are one reason, however many there are.
func skipReasons(results []Result) []skipReason {
	count := map[string]int{}
	next := map[string]string{}
	var reasons, missing []string
	const missingOps = "missing operations"
	for _, res := range results {
		if res.Status != Skip {
			continue
		}
		reason := res.Reason
		if op, ok := strings.CutPrefix(reason, notImplementedReason); ok {
			if !slices.Contains(missing, op) {
				missing = append(missing, op)
			}
			reason = missingOps
		}
		if count[reason] == 0 {
			reasons = append(reasons, reason)
			next[reason] = res.nextStep()
		}
		count[reason]++
	}
	sort.SliceStable(reasons, func(i, j int) bool { return count[reasons[i]] > count[reasons[j]] })
	out := make([]skipReason, 0, len(reasons))
	for _, r := range reasons {
		s := skipReason{Count: count[r], Reason: r, Next: next[r]}
		if r == missingOps {
			s.Reason = notImplementedReason + plural(len(missing), "", fmt.Sprintf("%d operations: ", len(missing))) + strings.Join(missing, ", ")
			s.Next = nextNotImplemented(len(missing))
		}
		out = append(out, s)
	}
	return out
}

// nextStep is res.Next, or NextStep's for a result that has none.
func (res Result) nextStep() string {
	if res.Next != "" || res.Status == Pass {
		return res.Next
	}
	return NextStep(res)
}

// Audience is whom a next step is written for: the same advice names a
// Target field for one and a flag or an environment variable for the
// other (Setting).
type Audience int

// The audiences.
const (
	// GoCaller is a Go program or test that calls the suite (Test,
	// RunAll): the zero value.
	GoCaller Audience = iota
	// CommandLine is a user of ivsrt conform.
	CommandLine
)

// SignatureErrors are the error types of an answer that refused the
// request's credentials or signature, not what it asked. An
// AccessDeniedException is not one: it refuses what the credentials'
// policy does not allow, having taken the credentials.
var SignatureErrors = []string{
	"UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
	"MissingAuthenticationTokenException", "MissingAuthenticationToken", "InvalidClientTokenId",
	"SignatureDoesNotMatch", "ExpiredTokenException", "ExpiredToken", "InvalidAccessKeyId",
}

// answered reads the status and error type off a result's response line
// ("403 UnrecognizedClientException {...}").
func answered(res Result) (status int, errType string) {
	fields := strings.SplitN(res.Response, " ", 3)
	if len(fields) == 0 {
		return 0, ""
	}
	status, _ = strconv.Atoi(fields[0])
	if len(fields) > 1 && identifier.MatchString(fields[1]) {
		errType = fields[1]
	}
	return status, errType
}

// NextStep is res.NextFor(GoCaller).
func NextStep(res Result) string { return res.NextFor(GoCaller) }

// NextFor says what to do about a failed, blocked or skipped result, where
// the suite can tell from the result, in the words of audience a: set
// credentials for an answer that refused them, give the runner a seeder or
// a resource, implement an operation, make the target refuse what AWS
// refuses. It is "" where the suite cannot tell, and for a result that
// passed.
func (res Result) NextFor(a Audience) string {
	switch res.Status {
	case Skip:
		return nextForSkip(res, a)
	case Fail, Blocked:
	default:
		return ""
	}
	cli := a == CommandLine
	status, errType := answered(res)
	switch {
	case errType == "ExpiredTokenException" || errType == "ExpiredToken":
		if cli {
			return "the target refused the suite's credentials as expired: renew the session (AWS_SESSION_TOKEN) and run again"
		}
		return "the target refused the suite's credentials as expired: renew the session of suite.Target.Credentials and run again"
	case slices.Contains(SignatureErrors, errType):
		return "the target refused the suite's signature: " + SetCredentials.For(a)
	case errType == "AccessDeniedException" && res.Rule != "access-denied":
		return fmt.Sprintf("the suite's credentials may not call %s: allow ivs:%s in their IAM policy, or run with credentials that may", res.Operation, res.Operation)
	case errType == "ThrottlingException" || status == http.StatusTooManyRequests:
		part := "-run"
		if !cli {
			part = "suite.Select"
		}
		return fmt.Sprintf("the target throttled the suite, which sends %d requests at once: raise the target's rate limit, or run part of the suite at a time (%s)", Parallelism, part)
	case errType == "ServiceQuotaExceededException" && res.Rule != "quota":
		return "the account's stage quota is full: delete stages (an interrupted run's are tagged ivsrt-conformance) or raise the quota (ivsrt serve -stage-quota N)"
	case errType == "UnknownOperationException" || status == http.StatusNotFound && errType == "":
		return fmt.Sprintf("the target does not serve %s: implement it, or answer it 501 %s (a generated UnimplementedBackend does) and the suite skips its cases", res.Operation, NotImplemented)
	}
	switch res.FailureType {
	case NoAnswer:
		return "no HTTP answer: check that the target is up at the endpoint and takes several requests at once"
	case SeederError:
		if cli {
			return "the seeder failed: check the target's control API (/_ivsrt/)"
		}
		return "the seeder failed: check the target's control API (/_ivsrt/) or the Seeder given in suite.Target"
	case SuiteError:
		return "the case could not run as written, which is the suite's fault or its spec's, not the target's: report it with the case's name"
	}
	if res.Status == Blocked {
		// What the step's answer broke is its own case's to judge.
		return ""
	}
	member := res.Member
	if member == "" {
		member = "the input"
	}
	switch {
	case strings.HasPrefix(res.Reason, "want ValidationException") && status == http.StatusOK:
		return fmt.Sprintf("the target took input AWS refuses: check %s against its %s rule and answer 400 ValidationException naming it", member, res.Rule)
	case strings.HasPrefix(res.Reason, "rejected a valid request"):
		return fmt.Sprintf("the target refused input AWS takes: loosen its %s check of %s", res.Rule, member)
	case res.Source == SourceInferred:
		rules := "-rules model,documented"
		if !cli {
			rules = "suite.SelectSources(cases, []string{suite.SourceModel, suite.SourceDocumented})"
		}
		return "the rule is ivsrt's reading, not AWS's word: if AWS answers as the target did, the rule is wrong (report it); " + rules + " leaves such rules out"
	}
	return ""
}

// nextForSkip says how to make a skipped case run.
func nextForSkip(res Result, a Audience) string {
	switch {
	case strings.HasPrefix(res.Reason, notImplementedReason):
		return nextNotImplemented(1)
	case res.Setting != nil:
		return res.Setting.For(a)
	}
	return ""
}

// nextNotImplemented is the next step for operations the target answers
// 501 NotImplementedException.
func nextNotImplemented(n int) string {
	return "implement " + plural(n, "the operation", "them") + ": the suite runs these cases once the target answers anything but 501 " + NotImplemented
}

// notImplementedReason starts the reason of a case skipped because the
// target answered NotImplementedException; the operation's name follows.
const notImplementedReason = "the target does not implement "

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Text renders a failed (or blocked) result the way WriteFailures does,
// without the FAIL and the name, for t.Error and a JUnit failure's body.
func (res Result) Text() string {
	var b strings.Builder
	b.WriteString(res.Reason + "\n")
	writeDetails(&b, res)
	if res.Source != "" {
		b.WriteString("    source:   " + res.Source + "\n")
	}
	if next := res.nextStep(); next != "" {
		b.WriteString("    next:     " + next + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Report is the header of a JSON report.
type Report struct {
	Title string `json:"title"`
	// Tool names what wrote the report in the HTML page's title; ""
	// is ivsrt conform (ivsrt drift writes its replays with WriteHTML too).
	Tool       string `json:"tool,omitempty"`
	APIVersion string `json:"apiVersion"`
	Endpoint   string `json:"endpoint"`
	RunID      string `json:"runId,omitempty"`
	// Sources are the rule sources the run was limited to; none means all.
	Sources []string `json:"sources,omitempty"`
	Passed  int      `json:"passed"`
	Failed  int      `json:"failed"`
	Blocked int      `json:"blocked"`
	Skipped int      `json:"skipped"`
	// BlockedCauses are the causes of the blocked cases, each once with
	// the cases it blocked.
	BlockedCauses []BlockedCause `json:"blockedCauses,omitempty"`
	Results       []Result       `json:"results"`
}

// count fills in the report's counts.
func (rep *Report) count(results []Result) {
	t := TallyOf(results)
	rep.Passed, rep.Failed, rep.Blocked, rep.Skipped = t.Passed, t.Failed, t.Blocked, t.Skipped
}

// WriteJSON writes the results as one JSON document, each failure, block
// and skip with its next step where the suite knows one, and the causes
// of the blocked cases grouped (BlockedCauses).
func WriteJSON(w io.Writer, rep Report, results []Result) error {
	rep.count(results)
	rep.BlockedCauses = BlockedCauses(results)
	rep.Results = make([]Result, len(results))
	for i, res := range results {
		res.Next = res.nextStep()
		rep.Results[i] = res
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Failure    *junitMessage   `xml:"failure,omitempty"`
	Error      *junitMessage   `xml:"error,omitempty"`
	Skipped    *junitMessage   `xml:"skipped,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes the results as JUnit XML, one testsuite per operation,
// with the totals on <testsuites> and each <testsuite>. Each testcase has
// a "source" property (where its rule comes from); a failure's type is
// its FailureType. A blocked case is an <error> (JUnit's "could not run
// as written"), not a <failure> of its rule, its type that of the step
// that failed.
func WriteJUnit(w io.Writer, name string, results []Result) error {
	out := junitSuites{Name: name}
	var all time.Duration
	for _, op := range operationsOf(results) {
		s := junitSuite{Name: name + "/" + op}
		var total time.Duration
		for _, res := range results {
			if res.Operation != op {
				continue
			}
			jc := junitCase{Name: res.Name, Classname: name + "." + op, Time: seconds(res.Duration)}
			if res.Source != "" {
				jc.Properties = []junitProperty{{Name: "source", Value: res.Source}}
			}
			switch res.Status {
			case Fail:
				s.Failures++
				jc.Failure = &junitMessage{Message: res.Reason, Type: res.FailureType, Body: res.Text()}
			case Blocked:
				s.Errors++
				jc.Error = &junitMessage{Message: "blocked: " + res.Reason, Type: res.FailureType, Body: res.Text()}
			case Skip:
				s.Skipped++
				jc.Skipped = &junitMessage{Message: res.Reason}
			}
			s.Tests++
			total += res.Duration
			s.Cases = append(s.Cases, jc)
		}
		s.Time = seconds(total)
		out.Suites = append(out.Suites, s)
		out.Tests, out.Failures, out.Errors, out.Skipped = out.Tests+s.Tests, out.Failures+s.Failures, out.Errors+s.Errors, out.Skipped+s.Skipped
		all += total
	}
	out.Time = seconds(all)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
