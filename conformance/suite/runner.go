package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Status is the outcome of a case.
type Status string

// The outcomes. A blocked case could not run because a step that prepares
// it failed (the run's Setup, or a provisioner of its Needs): its rule is
// not known to hold, so a run with blocked cases does not pass, but the
// reason is the step's, which reports give once for all the cases it
// blocked rather than as a failure of each.
const (
	Pass    Status = "pass"
	Fail    Status = "fail"
	Blocked Status = "blocked"
	Skip    Status = "skip"
)

// Result is the outcome of one case.
type Result struct {
	Name      string `json:"name"`
	Operation string `json:"operation"`
	Member    string `json:"member,omitempty"`
	Rule      string `json:"rule,omitempty"`
	Source    string `json:"source"` // where the rule comes from (Case.CaseSource)
	Status    Status `json:"status"`
	Reason    string `json:"reason,omitempty"`   // one line: why it failed, was blocked or was skipped
	Diff      string `json:"diff,omitempty"`     // -want +got, as DiffJSON writes it
	Detail    string `json:"detail,omitempty"`   // more, e.g. the schema error
	Request   string `json:"request,omitempty"`  // the request that produced the failure
	Response  string `json:"response,omitempty"` // and its answer
	// FailureType classes a failure: ContractViolation (the target
	// answered against the contract), NoAnswer (no HTTP answer),
	// SeederError (the seeder failed) or SuiteError (the case could not
	// be run as written).
	FailureType string `json:"failureType,omitempty"`
	// Next says what to do about a failure, a block or a skip, where the
	// suite knows (NextFor), in the words of the runner's audience: Run
	// writes it for a Go caller; ivsrt conform rewrites it for its users.
	Next string `json:"next,omitempty"`
	// Setting is what the caller could give the suite for the case to run
	// (a Target field, a flag), in both spellings, when that is why it
	// was skipped.
	Setting  *Setting      `json:"setting,omitempty"`
	Duration time.Duration `json:"-"`
}

// MarshalJSON adds the duration in milliseconds.
func (res Result) MarshalJSON() ([]byte, error) {
	type plain Result
	return json.Marshal(struct {
		plain
		DurationMs float64 `json:"durationMs"`
	}{plain(res), float64(res.Duration.Microseconds()) / 1000})
}

// Failure is why a case failed (or, with Skipped, why it did not run;
// with Blocked, why a step that prepares it failed). A failure of the
// target carries a diff (DiffJSON) of what the contract wants against what
// the target did, and the request that showed it.
type Failure struct {
	Reason  string
	Diff    string
	Detail  string
	Skipped bool
	// Blocked says the failure is of a step that prepares the case, not
	// of the case's own rule: SetMissing marks the run's Setup failures,
	// provision those of a case's Needs, and a custom case may mark a
	// step of its own (Block).
	Blocked bool
	// Setting is what the caller could set for a skipped case to run.
	Setting *Setting
	// Exchange is the request and answer that showed the failure.
	Exchange *Exchange
	// Request describes what produced the failure when it was not an
	// HTTP exchange: a seeder action starts with "seeder ".
	Request string
}

// Failf is a failure without a diff: for the suite's own errors (a case
// that cannot be run as written), not for what a target answered.
func Failf(ex *Exchange, format string, args ...any) *Failure {
	return &Failure{Reason: fmt.Sprintf(format, args...), Exchange: ex}
}

// Mismatch is a failure of the answer ex: want is what the contract
// wants, got what the target did.
func Mismatch(ex *Exchange, reason string, want, got any) *Failure {
	return &Failure{Reason: reason, Diff: DiffJSON(want, got), Exchange: ex}
}

// The failure types of Result.FailureType.
const (
	ContractViolation = "ContractViolation"
	NoAnswer          = "NoAnswer"
	SeederError       = "SeederError"
	SuiteError        = "SuiteError"
)

func (f *Failure) failureType() string {
	switch {
	case f.Exchange != nil && f.Exchange.Status != 0:
		return ContractViolation
	case f.Exchange != nil:
		return NoAnswer
	case strings.HasPrefix(f.Request, "seeder "):
		return SeederError
	case f.Diff != "":
		return ContractViolation
	}
	return SuiteError
}

// Skipf is a case that cannot run where it was run (no seeder, say), with why.
func Skipf(format string, args ...any) *Failure {
	return &Failure{Reason: fmt.Sprintf(format, args...), Skipped: true}
}

// SkipFor is a case that cannot run until the caller gives the suite
// something (a seeder, a resource of the target's own): the reason says
// what is missing in words of no caller's; the next step, s in the
// caller's spelling (a Target field under go test, a flag on the command
// line).
func SkipFor(s Setting, format string, args ...any) *Failure {
	return &Failure{Reason: fmt.Sprintf(format, args...), Skipped: true, Setting: &s}
}

// Block marks f (when not nil, and not a skip) as the failure of a step
// that prepares a case rather than of the case's rule, and returns it:
// the case is then Blocked. A custom case calls it on the failure of a
// resource it makes before it checks anything. It marks a copy: a
// provisioner may hand the same failure to every case that waits on it,
// from several goroutines.
func Block(f *Failure) *Failure {
	if f == nil || f.Skipped || f.Blocked {
		return f
	}
	b := f.Copy()
	b.Blocked = true
	return b
}

// Run runs one case.
func (r *Runner) Run(ctx context.Context, c *Case) Result {
	start := time.Now()
	res := Result{Name: c.Name, Operation: c.Operation, Member: c.Member, Rule: c.Rule, Source: c.CaseSource(), Status: Pass}
	var f *Failure
	func() {
		if r.runsAlone(c) {
			r.alone.Lock()
			defer r.alone.Unlock()
		} else {
			r.alone.RLock()
			defer r.alone.RUnlock()
		}
		defer func() {
			if v := recover(); v != nil {
				f = Failf(nil, "the runtime panicked: %v", v)
			}
		}()
		f = r.run(ctx, c)
	}()
	res.Duration = time.Since(start)
	if f == nil {
		return res
	}
	// A failure of the setup is shared by every case it blocks: each
	// case's result is made from a copy of its own.
	f = f.Copy()
	if f.Exchange != nil && notImplemented(f.Exchange) {
		// Not a contract violation: the target has not written the
		// operation yet (a generated UnimplementedBackend answers so).
		f.Reason, f.Diff, f.Detail, f.Skipped = notImplementedReason+f.Exchange.Op, "", "", true
	}
	// go-cmp puts non-breaking spaces in its diffs at random, so that
	// nobody parses them; reports want plain text.
	res.Status, res.Reason, res.Diff, res.Detail = Fail, f.Reason, strings.ReplaceAll(f.Diff, "\u00a0", " "), f.Detail
	switch {
	case f.Skipped:
		res.Status, res.Setting = Skip, f.Setting
	case f.Blocked:
		res.Status, res.FailureType = Blocked, f.failureType()
	default:
		res.FailureType = f.failureType()
	}
	switch {
	case f.Exchange != nil:
		res.Request = f.Exchange.requestLine()
		if f.Exchange.Status != 0 {
			res.Response = f.Exchange.responseLine(r.suite.Contract.Sensitive)
		}
	case f.Request != "":
		res.Request = f.Request
	}
	res.Next = res.NextFor(GoCaller)
	return res
}

// NotImplemented is the error type of an answer that says the target does
// not implement the operation at all (HTTP 501), as a fake's generated
// UnimplementedBackend answers. A case that meets it is skipped, not failed.
const NotImplemented = "NotImplementedException"

func notImplemented(ex *Exchange) bool {
	return ex.Status == http.StatusNotImplemented && ex.ErrType == NotImplemented
}

// runsAlone reports whether a case must run while no other does.
func (r *Runner) runsAlone(c *Case) bool { return c.Alone }

func (r *Runner) run(ctx context.Context, c *Case) *Failure {
	op := r.suite.Contract.Operation(c.Operation)
	switch c.Kind {
	case KindCustom:
		return c.Custom(ctx, r, c)
	case KindRequest, KindShape, KindTimestamp:
		body, miss := r.provision(ctx, c)
		if miss == nil {
			body, miss = r.expand(body)
		}
		if miss != nil {
			return miss
		}
		ex, err := r.send(ctx, op, body)
		if err != nil {
			return sendFailure(op, body, err)
		}
		// The rule the case is named after is checked first, so that its
		// failure is the one reported; then the rules every answer obeys.
		var f *Failure
		switch c.Kind {
		case KindTimestamp:
			if f = WantSuccess(ex); f == nil {
				f = CheckTimestamps(ex, c.ResponsePath)
			}
		case KindShape:
			f = WantSuccess(ex)
		}
		if f != nil && !f.Skipped {
			return f
		}
		if cf := r.checkContract(op, ex); cf != nil {
			return cf
		}
		if c.Kind == KindRequest {
			return r.expect(c, ex)
		}
		return f
	case KindFilter:
		return r.runFilter(ctx, op, c)
	case KindPagination:
		return r.runPagination(ctx, op, c)
	}
	return Failf(nil, "unknown kind of case %q", c.Kind)
}

// call sends a body and checks the answer against the contract (see
// Call).
func (r *Runner) call(ctx context.Context, op *Operation, body string) (*Exchange, *Failure) {
	ex, err := r.send(ctx, op, body)
	if err != nil {
		return nil, sendFailure(op, body, err)
	}
	if f := r.checkContract(op, ex); f != nil {
		return ex, f
	}
	return ex, nil
}

func sendFailure(op *Operation, body string, err error) *Failure {
	return &Failure{Reason: "request failed: " + err.Error(), Diff: DiffJSON("an HTTP answer", err.Error()),
		Exchange: &Exchange{Op: op.Name, Body: body}}
}

// Parallelism is how many cases RunAll runs at once.
const Parallelism = 8

// RunAll runs every case of s against target, Parallelism at a time, then
// runs the cleanups the run registered (Runner.Cleanup), and
// returns the results in case order. A runner that cannot start gives one
// failed result per case, with the reason.
func RunAll(ctx context.Context, target Target, s *Suite) []Result {
	r, err := NewRunner(ctx, target, s)
	if err != nil {
		out := make([]Result, len(s.Cases))
		for i, c := range s.Cases {
			out[i] = Result{Name: c.Name, Operation: c.Operation, Member: c.Member, Rule: c.Rule, Source: c.CaseSource(), Status: Fail, Reason: err.Error(), FailureType: SuiteError}
		}
		return out
	}
	out := r.RunAll(ctx, s.Cases)
	r.Cleanup(ctx)
	return out
}

// RunAll runs cases, Parallelism at a time, and returns the results in order.
func (r *Runner) RunAll(ctx context.Context, cases []Case) []Result {
	return r.RunEach(ctx, cases, nil)
}

// RunEach is RunAll that also calls done (when not nil) with each result
// as its case finishes, one call at a time.
func (r *Runner) RunEach(ctx context.Context, cases []Case, done func(Result)) []Result {
	out := make([]Result, len(cases))
	next := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(Parallelism, len(cases)) {
		wg.Go(func() {
			for i := range next {
				out[i] = r.Run(ctx, &cases[i])
				if done != nil {
					mu.Lock()
					done(out[i])
					mu.Unlock()
				}
			}
		})
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// Select returns the cases whose name matches re (all when re is nil).
func Select(cases []Case, re *regexp.Regexp) []Case {
	if re == nil {
		return cases
	}
	var out []Case
	for _, c := range cases {
		if re.MatchString(c.Name) {
			out = append(out, c)
		}
	}
	return out
}

// Counts tallies results. failed counts the blocked cases too: for a
// caller that asks whether the run passed, a case that could not run did
// not (Tally tells them apart).
func Counts(results []Result) (passed, failed, skipped int) {
	t := TallyOf(results)
	return t.Passed, t.Failed + t.Blocked, t.Skipped
}

// Tally is how many results have each status.
type Tally struct {
	Passed, Failed, Blocked, Skipped int
}

// TallyOf counts the results of each status.
func TallyOf(results []Result) Tally {
	var t Tally
	for _, res := range results {
		switch res.Status {
		case Pass:
			t.Passed++
		case Fail:
			t.Failed++
		case Blocked:
			t.Blocked++
		case Skip:
			t.Skipped++
		}
	}
	return t
}

// operationsOf lists the distinct operations of the results, sorted.
func operationsOf(results []Result) []string {
	seen := map[string]bool{}
	for _, res := range results {
		seen[res.Operation] = true
	}
	out := make([]string, 0, len(seen))
	for op := range seen {
		out = append(out, op)
	}
	sort.Strings(out)
	return out
}
