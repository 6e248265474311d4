package behaviour

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// A run creates stages: the live stage of the setup, the stages it seeds
// for ListStages to page over, one per behaviour case and one per
// CreateStage case the target accepts. Each carries the run tag
// (RunTagKey = run id) but one, the case that checks the default of tags,
// which must send none. Setup's observer notes each (whoever sent the
// CreateStage); at the end of a run the cleanup Setup registered deletes
// them all, by the ARNs the target answered with, where the target allows
// it, and then any stage ListStages shows with the run tag that is still
// there.

// createdStages collects the ARNs of the stages a run created.
type createdStages struct {
	mu      sync.Mutex
	arns    []string
	tagged  map[string]bool
	deleted map[string]bool // by a DeleteStage of the run that succeeded
}

// note records the stage of a successful CreateStage answer.
func (c *createdStages) note(runTagKey, runID string, resp []byte) {
	var doc struct {
		Stage struct {
			Arn  string            `json:"arn"`
			Tags map[string]string `json:"tags"`
		} `json:"stage"`
	}
	if json.Unmarshal(resp, &doc) != nil || doc.Stage.Arn == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tagged == nil {
		c.tagged = map[string]bool{}
	}
	if _, ok := c.tagged[doc.Stage.Arn]; ok {
		return
	}
	c.arns = append(c.arns, doc.Stage.Arn)
	c.tagged[doc.Stage.Arn] = doc.Stage.Tags[runTagKey] == runID
}

// noteDeleted records the stage of a DeleteStage request the target
// answered with 200.
func (c *createdStages) noteDeleted(req string) {
	var doc struct {
		Arn string `json:"arn"`
	}
	if json.Unmarshal([]byte(req), &doc) != nil || doc.Arn == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.deleted == nil {
		c.deleted = map[string]bool{}
	}
	c.deleted[doc.Arn] = true
}

func (c *createdStages) isDeleted(arn string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deleted[arn]
}

// list returns the stages the run created, how many carry the run tag,
// and how many the run has deleted already.
func (c *createdStages) list() (arns []string, tagged, deleted int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range c.arns {
		if c.tagged[a] {
			tagged++
		}
		if c.deleted[a] {
			deleted++
		}
	}
	return append([]string(nil), c.arns...), tagged, deleted
}

// CreatedStages lists the ARNs of the stages the run has created so far.
func (r *runner) CreatedStages() []string {
	arns, _, _ := r.created.list()
	return arns
}

// StageCleanup says what the cleanup of the run's stages did.
type StageCleanup struct {
	Created int // stages the run created
	Tagged  int // of which carry the run tag
	// Deleted counts the stages of the run that are gone: deleted by
	// Cleanup, by the run's own DeleteStage cases (ByCases of them), or
	// found gone already.
	Deleted int
	ByCases int
	// Strays are stages ListStages showed with the run tag that the run
	// had not recorded as created; Cleanup deletes them too.
	Strays int
	// Refused is the target's answer to the first DeleteStage when it
	// refused it (e.g. "404 UnknownOperationException"): Cleanup then
	// stopped trying.
	Refused string
	// Failed are deletions that failed after the target had allowed others.
	Failed []string
	// Unlisted is why ListStages could not look for strays, if it could not.
	Unlisted string
	RunTag   string // key=value of the run tag
}

// String is the line a report prints about the cleanup of stages.
func (c StageCleanup) String() string {
	var s string
	switch {
	case c.Created == 0 && c.Strays == 0:
		s = "cleanup: the run created no stages"
	case c.Refused != "":
		return fmt.Sprintf("cleanup: the target does not allow DeleteStage, so the run's %d stages are left (%d tagged %s); it answered %s",
			c.Created-c.ByCases, c.Tagged, c.RunTag, c.Refused)
	case len(c.Failed) > 0:
		s = fmt.Sprintf("cleanup: deleted %d of %d stages; %d deletions failed, first: %s", c.Deleted, c.Created+c.Strays, len(c.Failed), c.Failed[0])
	default:
		s = fmt.Sprintf("cleanup: deleted the %d stages the run created", c.Deleted)
		if c.ByCases > 0 {
			s += fmt.Sprintf(" (%d by its DeleteStage cases)", c.ByCases)
		}
		if c.Strays > 0 {
			s += fmt.Sprintf(", %d of them found by ListStages", c.Strays)
		}
	}
	if c.Unlisted != "" {
		s += "; ListStages could not look for others tagged " + c.RunTag + ": " + c.Unlisted
	}
	return s
}

// cleanupStages deletes every stage the run created that it has not
// deleted yet, with a signed DeleteStage {"arn": ...}, and then every
// stage ListStages shows with the run tag (a stage whose CreateStage
// answer was lost, say). The first refusal stops it: a target that does
// not have DeleteStage gets asked once. A stage already gone
// (ResourceNotFoundException) counts as deleted. A refusal of the setup's
// own DeleteStage (setup_resources.go) counts as that first refusal.
func (r *runner) cleanupStages(ctx context.Context) StageCleanup {
	arns, tagged, byCases := r.created.list()
	rep := StageCleanup{Created: len(arns), Tagged: tagged, Deleted: byCases, ByCases: byCases,
		RunTag: r.c.RunTagKey + "=" + r.RunID()}
	var left []string
	for _, arn := range arns {
		if !r.created.isDeleted(arn) {
			left = append(left, arn)
		}
	}
	if len(left) > 0 && r.deleteRefused != "" {
		rep.Refused = r.deleteRefused // the setup asked already
		return rep
	}
	if len(left) > 0 {
		if why := r.deleteStage(ctx, left[0]); why != "" {
			rep.Refused = why
			return rep
		}
		rep.Deleted++
		r.deleteAll(ctx, left[1:], &rep)
	}
	strays, why := r.strays(ctx)
	rep.Unlisted = why
	rep.Strays = len(strays)
	r.deleteAll(ctx, strays, &rep)
	return rep
}

// deleteStage deletes one stage and says why not when it could not; a
// stage that is gone already counts as deleted.
func (r *runner) deleteStage(ctx context.Context, arn string) string {
	op := r.c.Operation(ivscases.OpDeleteStage)
	if op == nil {
		return "the contract has no " + ivscases.OpDeleteStage
	}
	b, _ := json.Marshal(map[string]string{ivscases.MemberArn: arn})
	ex, err := r.Send(ctx, op, string(b))
	if err != nil {
		return err.Error()
	}
	if ex.Status != http.StatusOK && ex.ErrType != errNotFound {
		return suite.Describe(ex)
	}
	return ""
}

// deleteAll deletes stages, suite.Parallelism at a time, and counts them in rep.
func (r *runner) deleteAll(ctx context.Context, arns []string, rep *StageCleanup) {
	var mu sync.Mutex
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(suite.Parallelism, len(arns)) {
		wg.Go(func() {
			for arn := range next {
				why := r.deleteStage(ctx, arn)
				mu.Lock()
				if why == "" {
					rep.Deleted++
				} else {
					rep.Failed = append(rep.Failed, arn+": "+why)
				}
				mu.Unlock()
			}
		})
	}
	for _, arn := range arns {
		next <- arn
	}
	close(next)
	wg.Wait()
}

// strays lists, with ListStages, the stages carrying the run tag that are
// still there and were not created (as far as the run knows) by it. Without
// ListStages in the contract there is nothing to look with.
func (r *runner) strays(ctx context.Context) ([]string, string) {
	op := r.c.Operation(ivscases.OpListStages)
	if op == nil || op.Pagination == nil {
		return nil, ""
	}
	known := map[string]bool{}
	for _, arn := range r.CreatedStages() {
		known[arn] = true
	}
	items, _, f := r.ListAll(ctx, op, map[string]any{}, op.Pagination.MaxPageSize)
	if f != nil {
		return nil, f.Reason
	}
	var out []string
	for _, it := range items {
		m, _ := it.(map[string]any)
		tags, _ := m[ivscases.MemberTags].(map[string]any)
		arn, _ := m[ivscases.MemberArn].(string)
		if arn != "" && !known[arn] && tags[r.c.RunTagKey] == r.RunID() {
			out = append(out, arn)
		}
	}
	return out, ""
}
