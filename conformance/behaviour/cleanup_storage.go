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

// This file deletes the storage configurations a run made: Setup's
// observer notes each one a CreateStorageConfiguration the target accepted
// made (whoever sent it) and each one a DeleteStorageConfiguration of the
// run deleted, and the cleanup Setup registers after the stages' deletes
// the rest.

// createdStorage collects the storage configurations a run created and
// those its own cases deleted.
type createdStorage struct {
	mu      sync.Mutex
	arns    []string
	deleted map[string]bool
}

// arnIn reads the ARN out of a storage-configuration answer or a
// DeleteStorageConfiguration request.
func arnIn(data []byte, nested bool) string {
	var doc struct {
		Arn string `json:"arn"`
		SC  struct {
			Arn string `json:"arn"`
		} `json:"storageConfiguration"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return ""
	}
	if nested {
		return doc.SC.Arn
	}
	return doc.Arn
}

// observe records what a storage-configuration exchange the target
// answered with 200 made or deleted.
func (c *createdStorage) observe(op string, req string, resp []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch op {
	case ivscases.OpCreateStorageConfiguration:
		if arn := arnIn(resp, true); arn != "" {
			c.arns = append(c.arns, arn)
		}
	case ivscases.OpDeleteStorageConfiguration:
		if c.deleted == nil {
			c.deleted = map[string]bool{}
		}
		if arn := arnIn([]byte(req), false); arn != "" {
			c.deleted[arn] = true
		}
	}
}

// left returns the storage configurations the run created and has not
// deleted, and how many it created.
func (c *createdStorage) left() (arns []string, created int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range c.arns {
		if !c.deleted[a] {
			arns = append(arns, a)
		}
	}
	return arns, len(c.arns)
}

// StorageCleanup says what Cleanup did with the run's storage configurations.
type StorageCleanup struct {
	Created, Deleted int
	Failed           []string
}

// String is the line a report prints about them, "" when the run made none.
func (s StorageCleanup) String() string {
	switch {
	case s.Created == 0:
		return ""
	case len(s.Failed) > 0:
		return fmt.Sprintf("cleanup: deleted %d of the %d storage configurations the run created; %d deletions failed, first: %s", s.Deleted, s.Created, len(s.Failed), s.Failed[0])
	}
	return fmt.Sprintf("cleanup: deleted the %d storage configurations the run created", s.Created)
}

// cleanupStorage deletes the storage configurations the run created and
// has not deleted. It runs after the stages are gone, since a stage that
// records to one keeps it in use. One that is gone already counts as
// deleted.
func (r *runner) cleanupStorage(ctx context.Context) StorageCleanup {
	left, created := r.createdStorage.left()
	out := StorageCleanup{Created: created, Deleted: created - len(left)}
	op := r.c.Operation(ivscases.OpDeleteStorageConfiguration)
	if op == nil {
		return out
	}
	for _, arn := range left {
		b, _ := json.Marshal(map[string]string{ivscases.MemberArn: arn})
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
