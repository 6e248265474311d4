package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
)

// A run creates stages: the live stage of the setup, one per behaviour case
// and one per CreateStage case the target accepts. Each carries the run tag
// (RunTagKey = run id) but one, the case that checks the default of tags,
// which must send none. At the end of a run Cleanup deletes them all, by
// the ARNs the target answered with, where the target allows it.

// createOperation is the operation whose successful answers name the
// stages a run must clean up.
const createOperation = "CreateStage"

// deleteStage is AWS's DeleteStage. It is not part of the contract (the
// spec has five operations and must not grow a sixth for this): the real
// service has it, a fake may not. A fake without it answers 404
// UnknownOperationException, which Cleanup takes as "not allowed".
var deleteStage = &Operation{Name: "DeleteStage", Method: "POST", Path: "/DeleteStage", Body: true}

// createdStages collects the ARNs of the stages a run created.
type createdStages struct {
	mu     sync.Mutex
	arns   []string
	tagged map[string]bool
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

func (c *createdStages) list() (arns []string, tagged int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range c.arns {
		if c.tagged[a] {
			tagged++
		}
	}
	return append([]string(nil), c.arns...), tagged
}

// CreatedStages lists the ARNs of the stages the run has created so far.
func (r *Runner) CreatedStages() []string {
	arns, _ := r.created.list()
	return arns
}

// CleanupReport says what Cleanup did.
type CleanupReport struct {
	Created int // stages the run created
	Tagged  int // of which carry the run tag
	Deleted int
	// Refused is the target's answer to the first DeleteStage when it
	// refused it (e.g. "404 UnknownOperationException"): Cleanup then
	// stopped trying.
	Refused string
	// Failed are deletions that failed after the target had allowed others.
	Failed []string
	RunTag string // key=value of the run tag
}

// String is the one line a report prints about the cleanup.
func (c CleanupReport) String() string {
	switch {
	case c.Created == 0:
		return "cleanup: the run created no stages"
	case c.Refused != "":
		return fmt.Sprintf("cleanup: the target does not allow DeleteStage, so the run's %d stages are left (%d tagged %s); it answered %s",
			c.Created, c.Tagged, c.RunTag, c.Refused)
	case len(c.Failed) > 0:
		return fmt.Sprintf("cleanup: deleted %d of %d stages; %d deletions failed, first: %s", c.Deleted, c.Created, len(c.Failed), c.Failed[0])
	}
	return fmt.Sprintf("cleanup: deleted the %d stages the run created", c.Deleted)
}

// Cleanup deletes every stage the run created with a signed POST
// /DeleteStage {"arn": ...}. The first refusal stops it: a target that
// does not have DeleteStage gets asked once.
func (r *Runner) Cleanup(ctx context.Context) CleanupReport {
	arns, tagged := r.created.list()
	rep := CleanupReport{Created: len(arns), Tagged: tagged, RunTag: r.suite.Contract.RunTagKey + "=" + r.RunID()}
	if len(arns) == 0 {
		return rep
	}
	del := func(arn string) string {
		b, _ := json.Marshal(map[string]string{"arn": arn})
		ex, err := r.send(ctx, deleteStage, string(b))
		if err != nil {
			return err.Error()
		}
		if ex.Status != http.StatusOK {
			return describe(ex)
		}
		return ""
	}
	if why := del(arns[0]); why != "" {
		rep.Refused = why
		return rep
	}
	rep.Deleted = 1
	var mu sync.Mutex
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(Parallelism, len(arns)-1) {
		wg.Go(func() {
			for arn := range next {
				why := del(arn)
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
	for _, arn := range arns[1:] {
		next <- arn
	}
	close(next)
	wg.Wait()
	return rep
}
