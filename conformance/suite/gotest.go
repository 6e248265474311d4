package suite

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Test runs every case of s against target as a parallel subtest named
// after the case, so a failure names its case: it reports the diff and the
// request that produced it. It first probes the target (Probe): nothing
// there, no AWS JSON service, or credentials it refuses end the test with
// one line instead of a failure per case. A case that cannot run there (no
// seeder, say) is skipped with what to set in suite.Target for it to run.
// A case a failed setup step blocked is skipped with that step's reason,
// and each such cause fails the test once, with how many cases it
// blocked. Failures and skips point at the caller's line, not this file.
// When all are done, the run's cleanups run (Runner.Cleanup).
func Test(t *testing.T, target Target, s *Suite) {
	t.Helper()
	ctx := context.Background()
	if err := Probe(ctx, target, s); err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(ctx, target, s)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var blocked []Result
	// After every subtest: each cause of blocked cases once, then delete
	// what the run made.
	t.Cleanup(func() {
		t.Helper() // at the caller's line, as the subtests
		for _, c := range BlockedCauses(blocked) {
			t.Errorf("%d %s blocked: %s", c.Count, plural(c.Count, "case", "cases"), blockedText(c))
		}
		t.Log(r.Cleanup(ctx))
	})
	for i := range s.Cases {
		c := &s.Cases[i]
		t.Run(c.Name, func(t *testing.T) {
			// A helper, so that go test reports a failure or a skip at the
			// line of the caller's test that called Test.
			t.Helper()
			t.Parallel()
			switch res := r.Run(ctx, c); res.Status {
			case Fail:
				t.Errorf("%s: %s", res.Name, res.Text())
			case Blocked:
				mu.Lock()
				blocked = append(blocked, res)
				mu.Unlock()
				t.Skipf("blocked: %s (the test fails once for this cause)", res.Reason)
			case Skip:
				if next := res.NextFor(GoCaller); next != "" {
					t.Skipf("%s; %s", res.Reason, next)
				}
				t.Skip(res.Reason)
			}
		})
	}
}

// blockedText is a cause of blocked cases for t.Error: the reason, then
// its request, answer and next step, and the cases, indented.
func blockedText(c BlockedCause) string {
	var b strings.Builder
	b.WriteString(c.Reason + "\n")
	writeDetails(&b, Result{Diff: c.Diff, Request: c.Request, Response: c.Response})
	if c.Next != "" {
		b.WriteString("    next:     " + c.Next + "\n")
	}
	fmt.Fprintf(&b, "    cases:    %s", blockedList(c.Cases))
	return b.String()
}
