package suite

import (
	"context"
	"testing"
)

// Test runs every case of s against target as a parallel subtest named
// after the case, so a failure names its case: it reports the diff and the
// request that produced it. A case that cannot run there (no seeder, say)
// is skipped with the reason. When all are done, the run's cleanups run
// (Runner.Cleanup).
func Test(t *testing.T, target Target, s *Suite) {
	t.Helper()
	ctx := context.Background()
	r, err := NewRunner(ctx, target, s)
	if err != nil {
		t.Fatal(err)
	}
	// After every subtest: delete what the run made.
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
