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

// This file deletes the storage configurations, public keys and ingest
// configurations a run
// made: Setup's observer notes each one a create the target accepted made
// (whoever sent it) and each one a delete of the run deleted, and the
// cleanups Setup registers after the stages' deletes the rest.

// createdResources collects the resources of one kind a run created and
// those its own cases deleted: what createOp's answer holds under member
// (its arn), and what deleteOp's request names (arn).
type createdResources struct {
	createOp, deleteOp, member, noun string
	// force sends the delete with force true (DeleteIngestConfiguration:
	// one in use goes too).
	force bool

	mu      sync.Mutex
	arns    []string
	deleted map[string]bool
}

// arnIn reads the ARN out of a create's answer (under member) or a
// delete's request (member "").
func arnIn(data []byte, member string) string {
	var doc map[string]json.RawMessage
	if json.Unmarshal(data, &doc) != nil {
		return ""
	}
	if member != "" {
		if json.Unmarshal(doc[member], &doc) != nil {
			return ""
		}
	}
	var arn string
	_ = json.Unmarshal(doc[ivscases.MemberArn], &arn)
	return arn
}

// observe records what an exchange the target answered with 200 made or
// deleted.
func (c *createdResources) observe(op string, req string, resp []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch op {
	case c.createOp:
		if arn := arnIn(resp, c.member); arn != "" {
			c.arns = append(c.arns, arn)
		}
	case c.deleteOp:
		if c.deleted == nil {
			c.deleted = map[string]bool{}
		}
		if arn := arnIn([]byte(req), ""); arn != "" {
			c.deleted[arn] = true
		}
	}
}

// left returns the resources the run created and has not deleted, and
// how many it created.
func (c *createdResources) left() (arns []string, created int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range c.arns {
		if !c.deleted[a] {
			arns = append(arns, a)
		}
	}
	return arns, len(c.arns)
}

// ResourceCleanup says what Cleanup did with the run's resources of one
// kind (Noun, plural: "storage configurations").
type ResourceCleanup struct {
	Noun string
	// Verb is what was done to each, "deleted" when empty (compositions
	// are stopped).
	Verb             string
	Created, Deleted int
	Failed           []string
}

// String is the line a report prints about them, "" when the run made none.
func (s ResourceCleanup) String() string {
	verb, acts := s.Verb, "stops"
	if verb == "" {
		verb, acts = "deleted", "deletions"
	}
	switch {
	case s.Created == 0:
		return ""
	case len(s.Failed) > 0:
		return fmt.Sprintf("cleanup: %s %d of the %d %s the run created; %d %s failed, first: %s", verb, s.Deleted, s.Created, s.Noun, len(s.Failed), acts, s.Failed[0])
	}
	return fmt.Sprintf("cleanup: %s the %d %s the run created", verb, s.Created, s.Noun)
}

// cleanupResources deletes the resources of c the run created and has
// not deleted. Storage configurations go after the stages, since a stage
// that records to one keeps it in use. One that is gone already counts
// as deleted.
func (r *runner) cleanupResources(ctx context.Context, c *createdResources) ResourceCleanup {
	left, created := c.left()
	out := ResourceCleanup{Noun: c.noun, Created: created, Deleted: created - len(left)}
	op := r.c.Operation(c.deleteOp)
	if op == nil {
		return out
	}
	for _, arn := range left {
		req := map[string]any{ivscases.MemberArn: arn}
		if c.force {
			req[ivscases.MemberForce] = true
		}
		b, _ := json.Marshal(req)
		ex, err := r.Send(ctx, op, string(b))
		switch {
		case err != nil:
			out.Failed = append(out.Failed, arn+": "+err.Error())
		case ex.Status == http.StatusOK || ex.ErrType == errNotFound:
			out.Deleted++
		default:
			out.Failed = append(out.Failed, arn+": "+suite.Describe(ex))
		}
	}
	return out
}
