package behaviour

import (
	"context"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the cases of unknown resources: made-up identifiers in
// the contract's formats are not found, or list nothing.

// unknownParticipant asks GetParticipant about a made-up session or
// participant, in the live stage and session. (A made-up stage is a
// generated case: GetParticipant/stageArn/not-found/unknown.)
func unknownParticipant(ctx context.Context, r *runner, unknown string) *suite.Failure {
	arn, f := r.Live(r.liveStage)
	if f != nil {
		return f
	}
	mint := func(member string) string {
		if f != nil {
			return ""
		}
		var id string
		id, f = r.mintFor(structGetPart, member)
		return id
	}
	var body map[string]any
	switch unknown {
	case ivscases.MemberSessionId:
		body = map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberSessionId: mint(ivscases.MemberSessionId), ivscases.MemberParticipantId: mint(ivscases.MemberParticipantId)}
	default:
		if f := r.seededNeeded(); f != nil {
			return f
		}
		body = map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberSessionId: r.seed.sessionID, ivscases.MemberParticipantId: mint(ivscases.MemberParticipantId)}
	}
	if f != nil {
		return f
	}
	return r.doError(ctx, ivscases.OpGetParticipant, body, errNotFound)
}

// unknownList wants an empty list, not an error, for an unknown stage or
// session (ListParticipants declares no ResourceNotFoundException).
func unknownList(ctx context.Context, r *runner, unknownStage bool) *suite.Failure {
	arn, f := r.Live(r.liveStage)
	if f != nil {
		return f
	}
	if unknownStage {
		if arn, f = r.mintFor(structList, ivscases.MemberStageArn); f != nil {
			return f
		}
	}
	session, f := r.mintFor(structList, ivscases.MemberSessionId)
	if f != nil {
		return f
	}
	op, f := r.operation(ivscases.OpListParticipants)
	if f != nil {
		return f
	}
	pg := op.Pagination
	if pg == nil {
		return suite.Failf(nil, "ListParticipants is not paginated")
	}
	doc, ex, f := r.do(ctx, op.Name, map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberSessionId: session})
	if f != nil {
		return f
	}
	type list struct {
		Items     int
		NextToken any
	}
	items, isList := doc[pg.Items].([]any)
	got := list{Items: len(items), NextToken: doc[pg.OutputToken]}
	if !isList {
		got.Items = -1
	}
	if d := cmp.Diff(list{}, got); d != "" {
		return &suite.Failure{Reason: "an unknown stage or session must list no participants (Items is -1 when the list is missing)", Diff: d, Exchange: ex}
	}
	return nil
}
