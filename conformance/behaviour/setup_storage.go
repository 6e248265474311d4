package behaviour

import (
	"context"
	"maps"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// Storage configurations, as the run makes them: the setup makes a live
// one for the generated cases that name ${live:StorageConfigurationArn},
// and each DeleteStorageConfiguration case deletes one made for it
// (provision.go). cleanup_storage.go deletes every one the run created.

const (
	structGetStorage = "GetStorageConfigurationRequest"
	structS3         = "S3StorageConfiguration"
	memberS3         = "s3"
)

// liveStorageName is the placeholder name of the live storage configuration.
func (c contract) liveStorageName() string { return c.LiveName(structGetStorage, ivscases.MemberArn) }

// LiveStorageConfiguration is the placeholder of the storage configuration
// the cases that record point stages at.
const LiveStorageConfiguration = "live:StorageConfigurationArn"

// GiveStorageConfiguration is t with an existing storage configuration
// (its ARN) for the cases that record: the real service wants one whose
// bucket exists. "" leaves t as it is.
func GiveStorageConfiguration(t suite.Target, arn string) suite.Target {
	if arn == "" {
		return t
	}
	t.Given = maps.Clone(t.Given)
	if t.Given == nil {
		t.Given = map[string]string{}
	}
	t.Given[LiveStorageConfiguration] = arn
	return t
}

// SetStorageConfiguration is how a caller gives the suite an existing
// storage configuration, in Go and on the command line.
var SetStorageConfiguration = suite.Setting{
	Go:  "give the target an existing storage configuration: behaviour.GiveStorageConfiguration(target, ARN), which sets suite.Target.Given[\"" + LiveStorageConfiguration + "\"]",
	CLI: "give an existing storage configuration: ivsrt conform -storage-configuration ARN",
}

// givenStorage is the target's own storage configuration, "" without one.
func (r *runner) givenStorage() string { return r.Target().Given[r.c.liveStorageName()] }

// setupStorage makes the live storage configuration. The target's own
// (GiveStorageConfiguration) is used as it is and never deleted; without
// one, only a fake (which has a seeder and takes any bucket) gets one made
// up: the real service wants a bucket that exists.
func (r *runner) setupStorage(ctx context.Context) {
	c := r.c
	if c.Operation(ivscases.OpCreateStorageConfiguration) == nil {
		return
	}
	name := c.liveStorageName()
	if given := r.givenStorage(); given != "" {
		r.SetLive(name, given)
		return
	}
	if _, f := r.Live(r.liveStage); f != nil {
		r.SetMissing(f, name) // the target could not even make a stage
		return
	}
	if r.Target().Seeder == nil {
		r.SetMissing(suite.SkipFor(SetStorageConfiguration, "no storage configuration: a made-up bucket is only for fakes"), name)
		return
	}
	sc, _, f := r.createStorage(ctx, "live-storage", nil)
	if f != nil {
		f.Reason = "setup: CreateStorageConfiguration of the live storage configuration: " + f.Reason
		r.SetMissing(f, name)
		return
	}
	r.SetLive(name, sc[ivscases.MemberArn].(string))
}

// storageBody is a CreateStorageConfiguration request for the spec's first
// sample bucket, with the run tag and caseTag.
func (r *runner) storageBody(caseTag string) (map[string]any, *suite.Failure) {
	m, f := r.c.member(structS3, ivscases.MemberBucketName)
	if f != nil {
		return nil, f
	}
	buckets := m.Strings()
	if len(buckets) == 0 {
		return nil, suite.Failf(nil, "the contract gives %s.%s no sample", structS3, ivscases.MemberBucketName)
	}
	return r.withTags(map[string]any{memberS3: map[string]any{ivscases.MemberBucketName: buckets[0]}}, caseTag), nil
}

// createStorage creates a storage configuration tagged with the run tag
// (and caseTag), with the members of extra, and returns it.
func (r *runner) createStorage(ctx context.Context, caseTag string, extra map[string]any) (map[string]any, *suite.Exchange, *suite.Failure) {
	body, f := r.storageBody(caseTag)
	if f != nil {
		return nil, nil, f
	}
	maps.Copy(body, extra)
	doc, ex, f := r.do(ctx, ivscases.OpCreateStorageConfiguration, body)
	if f != nil {
		return nil, ex, f
	}
	sc, ok := doc[ivscases.MemberStorageConfiguration].(map[string]any)
	if !ok {
		return nil, ex, suite.Mismatch(ex, "the answer has no storageConfiguration", "a storage configuration object", doc[ivscases.MemberStorageConfiguration])
	}
	if arn, _ := sc[ivscases.MemberArn].(string); arn == "" {
		return nil, ex, suite.Mismatch(ex, "CreateStorageConfiguration answered without storageConfiguration.arn", "an ARN", sc[ivscases.MemberArn])
	}
	return sc, ex, nil
}
