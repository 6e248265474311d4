package suite

import (
	"context"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Full is the whole suite of a contract: the cases generated from the
// spec, then the hand-written default and behaviour cases, which take
// every value from c, and the spec for response validation. The
// repository's own suite (conformance.Suite) and one a downstream module
// generated are assembled the same way.
func Full(c *Contract, generated []Case, spec *openapi3.T) *Suite {
	cases := slices.Clone(generated)
	cases = append(cases, DefaultCases(c)...)
	cases = append(cases, BehaviourCases(c)...)
	return &Suite{Contract: c, Cases: cases, Spec: spec}
}

// Test runs every case of s against target as a parallel subtest named
// after the case, so a failure names its case: it reports the diff and the
// request that produced it. A case that cannot run there (no seeder, say)
// is skipped with the reason. An ivsrt fake's seeder is found by itself
// (see NewRunner). When all are done, the stages the run created are
// deleted where the target allows it.
func Test(t *testing.T, target Target, s *Suite) {
	t.Helper()
	ctx := context.Background()
	r, err := NewRunner(ctx, target, s)
	if err != nil {
		t.Fatal(err)
	}
	// After every subtest: delete the stages the run created.
	t.Cleanup(func() { t.Log(r.Cleanup(ctx)) })
	for i := range s.Cases {
		c := &s.Cases[i]
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			switch res := r.Run(ctx, c); res.Status {
			case Fail:
				t.Errorf("%s: %s", res.Name, res.Text())
			case Skip:
				t.Skip(res.Reason)
			}
		})
	}
}
