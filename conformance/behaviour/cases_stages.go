package behaviour

import (
	"context"
	"fmt"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the cases of the account's stages as a whole: DeleteStage
// removes a stage, ListStages lists each stage as it is, and the stage
// quota is answered as a quota.

const errQuota = "ServiceQuotaExceededException"

// deletesTheStage deletes a stage of its own and wants it gone: GetStage
// and a second DeleteStage do not find it, and ListStages no longer lists it.
func deletesTheStage(ctx context.Context, r *runner) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	st, _, _, f := r.createStage(ctx, "delete-stage", map[string]any{})
	if f != nil {
		return f
	}
	arn := st[ivscases.MemberArn].(string)
	if _, _, f := r.do(ctx, ivscases.OpDeleteStage, map[string]any{ivscases.MemberArn: arn}); f != nil {
		return f
	}
	if f := r.doError(ctx, ivscases.OpGetStage, map[string]any{ivscases.MemberArn: arn}, errNotFound); f != nil {
		f.Reason = "GetStage of a deleted stage: " + f.Reason
		return f
	}
	if f := r.doError(ctx, ivscases.OpDeleteStage, map[string]any{ivscases.MemberArn: arn}, errNotFound); f != nil {
		f.Reason = "DeleteStage of a deleted stage: " + f.Reason
		return f
	}
	if r.c.Operation(ivscases.OpListStages) == nil {
		return nil
	}
	listed, ex, f := r.listedStage(ctx, arn)
	if f != nil {
		return f
	}
	if listed != nil {
		return suite.Mismatch(ex, "ListStages still lists a deleted stage", nil, listed)
	}
	return nil
}

// listedStage pages through ListStages and returns the summary of the
// stage arn, or nil when it is not listed, with the last page's exchange.
func (r *runner) listedStage(ctx context.Context, arn string) (map[string]any, *suite.Exchange, *suite.Failure) {
	op, f := r.operation(ivscases.OpListStages)
	if f != nil {
		return nil, nil, f
	}
	if op.Pagination == nil {
		return nil, nil, suite.Failf(nil, "%s is not paginated", ivscases.OpListStages)
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{}, op.Pagination.MaxPageSize)
	if f != nil {
		return nil, ex, f
	}
	var found map[string]any
	for _, it := range items {
		if m, _ := it.(map[string]any); m != nil && m[ivscases.MemberArn] == arn {
			if found != nil {
				return nil, ex, suite.Mismatch(ex, "ListStages lists a stage twice", 1, 2)
			}
			found = m
		}
	}
	return found, ex, nil
}

// listsCreatedStage creates a stage with a name and tags and wants
// ListStages to list it with them, and without an activeSessionId: nobody
// joined it.
func listsCreatedStage(ctx context.Context, r *runner) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	names, f := r.c.stageNames(1)
	if f != nil {
		return f
	}
	st, _, _, f := r.createStage(ctx, "list-stages", map[string]any{ivscases.MemberName: names[0]})
	if f != nil {
		return f
	}
	arn := st[ivscases.MemberArn].(string)
	got, ex, f := r.listedStage(ctx, arn)
	if f != nil {
		return f
	}
	want := map[string]any{ivscases.MemberArn: arn, ivscases.MemberName: names[0], ivscases.MemberTags: jsonCopy(r.caseTags("list-stages"))}
	if d := r.c.Diff(suite.StructType(structStageSummary), want, got); d != "" {
		return &suite.Failure{Reason: "ListStages does not list a created stage with its arn, name and tags", Diff: d, Exchange: ex}
	}
	if s, has := got[ivscases.MemberActiveSessionId]; has {
		return suite.Mismatch(ex, "ListStages lists a stage nobody joined with an "+ivscases.MemberActiveSessionId, nil, s)
	}
	return nil
}

// listsLiveSession wants ListStages to give the live stage the seeded
// session as its activeSessionId.
func listsLiveSession(ctx context.Context, r *runner) *suite.Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	got, ex, f := r.listedStage(ctx, r.seed.stageArn)
	if f != nil {
		return f
	}
	if got == nil {
		return suite.Mismatch(ex, "ListStages does not list the live stage", r.seed.stageArn, nil)
	}
	if d := cmp.Diff(r.seed.sessionID, got[ivscases.MemberActiveSessionId]); d != "" {
		return &suite.Failure{Reason: "ListStages does not give the live stage its live session as " + ivscases.MemberActiveSessionId, Diff: d, Exchange: ex}
	}
	return nil
}

// quotaExceeded sets the stage quota to the number of stages the account
// holds and wants CreateStage refused with ServiceQuotaExceededException
// and its status (not ThrottlingException: the quota is no rate). The
// quota is put back afterwards. It needs a seeder that sets quotas (an
// ivsrt fake's control API), and runs alone: the lowered quota would
// refuse every other case's CreateStage.
func quotaExceeded(ctx context.Context, r *runner) (fail *suite.Failure) {
	if f := r.needSeeder(); f != nil {
		return f
	}
	qs, ok := r.Target().Seeder.(suite.QuotaSetter)
	if !ok {
		return suite.SkipFor(suite.SetQuotaSetter, "the seeder cannot set the stage quota")
	}
	op, f := r.operation(ivscases.OpListStages)
	if f != nil {
		return suite.Skipf("the contract has no %s to count the account's stages with", ivscases.OpListStages)
	}
	if op.Pagination == nil {
		return suite.Failf(nil, "%s is not paginated", ivscases.OpListStages)
	}
	items, _, f := r.ListAll(ctx, op, map[string]any{}, op.Pagination.MaxPageSize)
	if f != nil {
		return f
	}
	count := len(items)
	previous, err := qs.SetStageQuota(ctx, count)
	if err != nil {
		return seederFailure(fmt.Sprintf("SetStageQuota(%d)", count), err)
	}
	defer func() {
		if _, err := qs.SetStageQuota(ctx, previous); err != nil && fail == nil {
			fail = seederFailure(fmt.Sprintf("SetStageQuota(%d), putting the quota back,", previous), err)
		}
	}()
	body := r.withTags(map[string]any{}, "stage-quota")
	if f := r.doError(ctx, ivscases.OpCreateStage, body, errQuota); f != nil {
		f.Reason = fmt.Sprintf("CreateStage with the stage quota set to the %d stages the account holds: %s", count, f.Reason)
		return f
	}
	return nil
}

// listsUnnamedStage wants ListStages to list the stage the setup made
// without a name (seedStages) with its ARN and tags (inferred: a stage's
// name is optional, and ListStages lists the account's stages, named or
// not). Without the setup's, it makes one.
func listsUnnamedStage(ctx context.Context, r *runner) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	arn, caseTag := r.seed.unnamedStage, "list-stages"
	if arn == "" {
		caseTag = "unnamed-stage"
		st, _, _, f := r.createStage(ctx, caseTag, map[string]any{})
		if f != nil {
			return f
		}
		arn = st[ivscases.MemberArn].(string)
	}
	got, ex, f := r.listedStage(ctx, arn)
	if f != nil {
		return f
	}
	if got == nil {
		return suite.Mismatch(ex, "ListStages does not list a stage created without a name", arn, nil)
	}
	want := map[string]any{ivscases.MemberArn: arn, ivscases.MemberTags: jsonCopy(r.caseTags(caseTag))}
	if d := r.c.Diff(suite.StructType(structStageSummary), want, got); d != "" {
		return &suite.Failure{Reason: "ListStages does not list a stage created without a name with its arn and tags", Diff: d, Exchange: ex}
	}
	return nil
}
