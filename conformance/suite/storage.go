package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
)

// Storage configurations, as the run makes and deletes them: the setup
// makes a live one for the generated cases that name
// ${live:StorageConfigurationArn}, each DeleteStorageConfiguration case
// deletes one made for it, and Cleanup deletes every one the run created
// (after the stages, which may record to one) so that runs in a row leave
// none behind.

const (
	opCreateStorage = "CreateStorageConfiguration"
	opGetStorage    = "GetStorageConfiguration"
	opListStorage   = "ListStorageConfigurations"
	opDeleteStorage = "DeleteStorageConfiguration"

	structGetStorage = "GetStorageConfigurationRequest"
	structS3         = "S3StorageConfiguration"
	memberS3         = "s3"
	memberBucket     = "bucketName"
	memberStorageCfg = "storageConfiguration"
)

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
	case opCreateStorage:
		if arn := arnIn(resp, true); arn != "" {
			c.arns = append(c.arns, arn)
		}
	case opDeleteStorage:
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

// liveStorageName is the placeholder name of the live storage configuration.
func (c *Contract) liveStorageName() string { return c.liveName(structGetStorage, memberArn) }

// setupStorage makes the live storage configuration. The target's own
// (-storage-configuration) is used as it is and never deleted; without
// one, only a fake (which has a seeder and takes any bucket) gets one made
// up: the real service wants a bucket that exists.
func (r *Runner) setupStorage(ctx context.Context) {
	c := r.suite.Contract
	if c.Operation(opCreateStorage) == nil {
		return
	}
	name := c.liveStorageName()
	if r.target.StorageConfigurationArn != "" {
		r.vars[name] = r.target.StorageConfigurationArn
		return
	}
	if _, f := r.live(r.liveStage); f != nil {
		r.missing[name] = f // the target could not even make a stage
		return
	}
	if r.target.Seeder == nil {
		r.missing[name] = skipf("no storage configuration: give the target one (ivsrt conform -storage-configuration ARN); a made-up bucket is only for fakes")
		return
	}
	sc, _, f := r.createStorage(ctx, "live-storage", nil)
	if f != nil {
		f.Reason = "setup: CreateStorageConfiguration of the live storage configuration: " + f.Reason
		r.missing[name] = f
		return
	}
	r.vars[name] = sc[memberArn].(string)
}

// storageBody is a CreateStorageConfiguration request for the spec's first
// sample bucket, with the run tag and caseTag.
func (r *Runner) storageBody(caseTag string) (map[string]any, *Failure) {
	m, f := r.suite.Contract.member(structS3, memberBucket)
	if f != nil {
		return nil, f
	}
	buckets := m.Strings()
	if len(buckets) == 0 {
		return nil, failf(nil, "the contract gives %s.%s no sample", structS3, memberBucket)
	}
	return r.withTags(map[string]any{memberS3: map[string]any{memberBucket: buckets[0]}}, caseTag), nil
}

// createStorage creates a storage configuration tagged with the run tag
// (and caseTag), with the members of extra, and returns it.
func (r *Runner) createStorage(ctx context.Context, caseTag string, extra map[string]any) (map[string]any, *exchange, *Failure) {
	body, f := r.storageBody(caseTag)
	if f != nil {
		return nil, nil, f
	}
	maps.Copy(body, extra)
	doc, ex, f := r.do(ctx, opCreateStorage, body)
	if f != nil {
		return nil, ex, f
	}
	sc, ok := doc[memberStorageCfg].(map[string]any)
	if !ok {
		return nil, ex, mismatch(ex, "the answer has no storageConfiguration", "a storage configuration object", doc[memberStorageCfg])
	}
	if arn, _ := sc[memberArn].(string); arn == "" {
		return nil, ex, mismatch(ex, "CreateStorageConfiguration answered without storageConfiguration.arn", "an ARN", sc[memberArn])
	}
	return sc, ex, nil
}

// ownStorageFor gives a DeleteStorageConfiguration case a storage
// configuration of its own, as ownStageFor gives a DeleteStage case a
// stage: the live one is for the other cases.
func (r *Runner) ownStorageFor(ctx context.Context, c *Case, body string) (string, *Failure) {
	live := "${" + r.suite.Contract.liveStorageName() + "}"
	if c.Operation != opDeleteStorage || !strings.Contains(body, live) {
		return body, nil
	}
	if _, f := r.live(r.suite.Contract.liveStorageName()); f != nil {
		return "", f
	}
	sc, _, f := r.createStorage(ctx, "delete-storage", nil)
	if f != nil {
		f.Reason = "making a storage configuration for the case to delete: " + f.Reason
		return "", f
	}
	return strings.ReplaceAll(body, live, sc[memberArn].(string)), nil
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
func (r *Runner) cleanupStorage(ctx context.Context) StorageCleanup {
	left, created := r.createdStorage.left()
	out := StorageCleanup{Created: created, Deleted: created - len(left)}
	op := r.suite.Contract.Operation(opDeleteStorage)
	if op == nil {
		return out
	}
	for _, arn := range left {
		b, _ := json.Marshal(map[string]string{memberArn: arn})
		ex, err := r.send(ctx, op, string(b))
		switch {
		case err != nil:
			out.Failed = append(out.Failed, arn+": "+err.Error())
		case ex.Status == http.StatusOK || ex.ErrType == errNotFound:
			out.Deleted++
		default:
			out.Failed = append(out.Failed, arn+": "+describe(ex))
		}
	}
	return out
}
