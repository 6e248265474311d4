package behaviour

import (
	"context"
	"fmt"

	"github.com/ivsrt/contract/conformance/suite"
)

// runStageHeadroom is how many stages a run may make beyond the account's
// quota on a fake: a run of today's suite holds about 100 stages at once
// (each case's stage lives until the run's cleanup), AWS's default quota,
// which an ivsrt fake takes as its own.
const runStageHeadroom = 1000

// maxQuota is the largest quota a fake's control API takes.
const maxQuota = 1<<31 - 1

// seedPublishers is the publisher quota a run sets on a fake: the seeded
// session has more participants publishing at once than AWS's 12 per
// stage, to cover every filter with participants that match and that do
// not.
const seedPublishers = 1000

// PublisherQuotaSetter is a Seeder that can also set how many participants
// may publish to a stage at once (an ivsrt fake's POST /_ivsrt/quota). It
// returns the quota it replaced.
type PublisherQuotaSetter interface {
	SetPublisherQuota(ctx context.Context, quota int) (previous int, err error)
}

// raiseQuotas raises, for the run, the stage quota of a target whose
// seeder sets quotas (an ivsrt fake's control API) by runStageHeadroom,
// and its publisher quota to seedPublishers, and registers a cleanup that
// puts them back: the run's own stages and seeded session never meet a
// quota (the quota case sets the stage quota itself). On AWS nothing sets
// quotas: the run counts toward the account's, as docs/conformance.md
// says.
func (r *runner) raiseQuotas(ctx context.Context) {
	if qs, ok := r.Target().Seeder.(suite.QuotaSetter); ok {
		raise(ctx, r, "stage", qs.SetStageQuota, func(previous int) int { return min(previous+runStageHeadroom, maxQuota) })
	}
	if ps, ok := r.Target().Seeder.(PublisherQuotaSetter); ok {
		raise(ctx, r, "publisher", ps.SetPublisherQuota, func(previous int) int { return max(previous, seedPublishers) })
	}
}

// raise sets a quota to to(previous) and registers the cleanup that puts
// previous back. A seeder that cannot set it is left as it is: the cases
// that meet the quota report it.
func raise(ctx context.Context, r *runner, name string, set func(context.Context, int) (int, error), to func(previous int) int) {
	// The quota is read by setting it: to the most there is, so that a
	// fake others use refuses nobody meanwhile.
	previous, err := set(ctx, maxQuota)
	if err != nil {
		return
	}
	raised := to(previous)
	if _, err := set(ctx, raised); err != nil {
		_, _ = set(ctx, previous)
		return
	}
	r.AddCleanup(func(ctx context.Context) string {
		if _, err := set(ctx, previous); err != nil {
			return fmt.Sprintf("cleanup: the %s quota raised to %d for the run could not be put back to %d: %v", name, raised, previous, err)
		}
		return ""
	})
}
