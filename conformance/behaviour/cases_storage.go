package behaviour

import (
	"context"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of storage configurations and tags:
// a storage configuration reads back as created, one a stage records to
// cannot be deleted, CreateStage takes a storage ARN that names nothing,
// the tag operations share the stage's own tags, and they do not find a
// resource that does not exist. (setup_storage.go and cleanup_storage.go
// make and delete the run's storage configurations.)

const (
	structCreateStorage  = "CreateStorageConfigurationRequest"
	structStorage        = "StorageConfiguration"
	structStorageSummary = "StorageConfigurationSummary"
	structTagResource    = "TagResourceRequest"
)

// ownStorage creates a storage configuration for a case. It needs the
// spec's sample bucket to be taken, which only a fake does: the real
// service wants a bucket that exists, so elsewhere the case is skipped.
func (r *runner) ownStorage(ctx context.Context, caseTag string, extra map[string]any) (map[string]any, *suite.Exchange, *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return nil, nil, f // the target could not even make a stage
	}
	if r.Target().Seeder == nil {
		return nil, nil, suite.Skipf("CreateStorageConfiguration wants a bucket that exists; the spec's sample bucket is only for fakes")
	}
	return r.createStorage(ctx, caseTag, extra)
}

// storageRoundTrip creates a storage configuration with a name, a bucket
// and tags, and wants CreateStorageConfiguration to answer them,
// GetStorageConfiguration to give back the same, and
// ListStorageConfigurations to list it once, as the same.
func storageRoundTrip(ctx context.Context, r *runner) *suite.Failure {
	names, f := r.c.samples(structCreateStorage, ivscases.MemberName, 1)
	if f != nil {
		return f
	}
	sc, ex, f := r.ownStorage(ctx, "storage-round-trip", map[string]any{ivscases.MemberName: names[0]})
	if f != nil {
		return f
	}
	arn := sc[ivscases.MemberArn].(string)
	body, _ := r.storageBody("storage-round-trip")
	body[ivscases.MemberName] = names[0]
	if f := createdAsGiven(r.c, ex, structCreateStorage, structStorage, body, sc, storageEchoed, storageEchoedReason); f != nil {
		return f
	}
	want := map[string]any{ivscases.MemberArn: arn, ivscases.MemberName: names[0], memberS3: jsonCopy(body[memberS3]), ivscases.MemberTags: jsonCopy(body[ivscases.MemberTags])}
	doc, ex, f := r.do(ctx, ivscases.OpGetStorageConfiguration, map[string]any{ivscases.MemberArn: arn})
	if f != nil {
		return f
	}
	if d := r.c.Diff(suite.StructType(structStorage), want, doc[ivscases.MemberStorageConfiguration]); d != "" {
		return &suite.Failure{Reason: "GetStorageConfiguration does not give back the created storage configuration", Diff: d, Exchange: ex}
	}
	op, f := r.operation(ivscases.OpListStorageConfigurations)
	if f != nil {
		return f
	}
	if op.Pagination == nil {
		return suite.Failf(nil, "%s is not paginated", ivscases.OpListStorageConfigurations)
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{}, op.Pagination.MaxPageSize)
	if f != nil {
		return f
	}
	var listed []any
	for _, it := range items {
		if m, _ := it.(map[string]any); m != nil && m[ivscases.MemberArn] == arn {
			listed = append(listed, m)
		}
	}
	if d := r.c.Diff(suite.ListType(suite.StructType(structStorageSummary)), []any{want}, listed); d != "" {
		return &suite.Failure{Reason: "ListStorageConfigurations does not list the created storage configuration once, as created", Diff: d, Exchange: ex}
	}
	return nil
}

// storageInUse makes a stage record to a storage configuration of the
// case's own and wants DeleteStorageConfiguration refused with
// ConflictException, the configuration kept. Cleanup deletes the stage,
// then the configuration.
func storageInUse(ctx context.Context, r *runner) *suite.Failure {
	sc, _, f := r.ownStorage(ctx, "storage-in-use", nil)
	if f != nil {
		return f
	}
	arn := sc[ivscases.MemberArn].(string)
	if _, _, _, f := r.createStage(ctx, "storage-in-use", map[string]any{ivscases.MemberAutoParticipantRecordingConfiguration: map[string]any{ivscases.MemberStorageConfigurationArn: arn}}); f != nil {
		return f
	}
	if f := r.doError(ctx, ivscases.OpDeleteStorageConfiguration, map[string]any{ivscases.MemberArn: arn}, errConflict); f != nil {
		f.Reason = "DeleteStorageConfiguration of one a stage records to: " + f.Reason
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpGetStorageConfiguration, map[string]any{ivscases.MemberArn: arn}); f != nil {
		f.Reason = "GetStorageConfiguration after a refused delete: " + f.Reason
		return f
	}
	return nil
}

// unknownStorageAccepted creates a stage that records to a well-formed
// storage ARN the target never minted, and wants it taken and echoed:
// CreateStage declares no ResourceNotFoundException.
func unknownStorageAccepted(ctx context.Context, r *runner) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	arn, f := r.mintFor(structGetStorage, ivscases.MemberArn)
	if f != nil {
		return f
	}
	st, _, ex, f := r.createStage(ctx, "unknown-storage", map[string]any{ivscases.MemberAutoParticipantRecordingConfiguration: map[string]any{ivscases.MemberStorageConfigurationArn: arn}})
	if f != nil {
		f.Reason = "CreateStage with a storage ARN that names nothing: " + f.Reason
		return f
	}
	rec, _ := st[ivscases.MemberAutoParticipantRecordingConfiguration].(map[string]any)
	if d := cmp.Diff(arn, rec[ivscases.MemberStorageConfigurationArn]); d != "" {
		return &suite.Failure{Reason: "CreateStage does not keep the storage ARN it was given", Diff: d, Exchange: ex}
	}
	return nil
}

// storageDeletes deletes a storage configuration of its own and wants it
// gone: GetStorageConfiguration, a second delete and ListTagsForResource do
// not find it, and ListStorageConfigurations no longer lists it
// (documented: what ResourceNotFoundException means, as for a stage).
func storageDeletes(ctx context.Context, r *runner) *suite.Failure {
	sc, _, f := r.ownStorage(ctx, "delete-storage", nil)
	if f != nil {
		return f
	}
	arn := sc[ivscases.MemberArn].(string)
	if _, _, f := r.do(ctx, ivscases.OpDeleteStorageConfiguration, map[string]any{ivscases.MemberArn: arn}); f != nil {
		return f
	}
	for _, call := range []struct {
		op   string
		body map[string]any
	}{
		{ivscases.OpGetStorageConfiguration, map[string]any{ivscases.MemberArn: arn}},
		{ivscases.OpDeleteStorageConfiguration, map[string]any{ivscases.MemberArn: arn}},
		{ivscases.OpListTagsForResource, map[string]any{ivscases.MemberResourceArn: arn}},
	} {
		if r.c.Operation(call.op) == nil {
			continue
		}
		if f := r.doError(ctx, call.op, call.body, errNotFound); f != nil {
			f.Reason = call.op + " of a deleted storage configuration: " + f.Reason
			return f
		}
	}
	op, f := r.operation(ivscases.OpListStorageConfigurations)
	if f != nil {
		return f
	}
	if op.Pagination == nil {
		return suite.Failf(nil, "%s is not paginated", op.Name)
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{}, op.Pagination.MaxPageSize)
	if f != nil {
		return f
	}
	for _, it := range items {
		if m, _ := it.(map[string]any); m != nil && m[ivscases.MemberArn] == arn {
			return suite.Mismatch(ex, "ListStorageConfigurations still lists a deleted storage configuration", nil, m)
		}
	}
	return nil
}

// storageArnFormat wants the ARN of a storage configuration
// CreateStorageConfiguration made to be of the contract's format in the
// region the request was signed for and the account of the run
// (documented: the identifier format, as for a stage's ARN).
func storageArnFormat(ctx context.Context, r *runner) *suite.Failure {
	sc, ex, f := r.ownStorage(ctx, "storage-identifiers", nil)
	if f != nil {
		return f
	}
	return r.wantFormat(ex, structStorage, ivscases.MemberArn, sc[ivscases.MemberArn])
}
