package behaviour

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of ingest configurations: what the
// model's documentation says of RTMP and insecureIngest, what a new
// configuration looks like (the AWS CLI's create-ingest-configuration
// example), that an update changes only the stage, and, with a seeder
// that stands in for an RTMP(S) encoder (Ingester), what publishing
// through one does: the configuration is ACTIVE, its participant reports
// it, and an ACTIVE one is not updated, nor deleted but with force.

// Ingester is a Seeder that can also stand in for an RTMP(S) encoder
// publishing with an ingest configuration's stream key to the stage it is
// associated with, and stopping. An ivsrt fake's seeder does (POST
// /_ivsrt/ingest); against AWS, a seeder would run an encoder. A case
// whose seeder cannot is skipped, with the reason.
type Ingester interface {
	// StartIngest publishes with streamKey; protocol is RTMP or RTMPS
	// ("" the configuration's). It returns the participant that joined.
	StartIngest(ctx context.Context, streamKey, protocol string) (suite.Joined, error)
	// StopIngest stops the publishing streamKey started.
	StopIngest(ctx context.Context, streamKey string) error
}

// The ingest configuration's structs and the states of the spec's
// IngestConfigurationState.
const (
	structIngest   = "IngestConfiguration"
	stateInactive  = "INACTIVE"
	stateActive    = "ACTIVE"
	caseTagIngests = "ingest-cases"
)

// ingestCases returns the cases of this file whose operation and needs
// the contract has.
func ingestCases(c contract) []suite.Case {
	var out []suite.Case
	add := func(name, op, member, rule, source string, needs []string, run func(ctx context.Context, r *runner) *suite.Failure) {
		if c.Operation(op) == nil || c.Operation(ivscases.OpCreateIngestConfiguration) == nil || !c.knows(needs...) {
			return
		}
		out = append(out, suite.Case{Name: name, Operation: op, Member: member, Rule: rule, Kind: suite.KindCustom, Source: source,
			Custom: custom(func(ctx context.Context, r *runner, _ *suite.Case) *suite.Failure { return run(ctx, r) })})
	}
	add("CreateIngestConfiguration/behaviour/rtmp-needs-insecureIngest", ivscases.OpCreateIngestConfiguration, ivscases.MemberInsecureIngest, "insecure-ingest", suite.SourceDocumented,
		[]string{"CreateIngestConfigurationRequest." + ivscases.MemberIngestProtocol + "=" + protocolRTMP, "CreateIngestConfigurationRequest." + ivscases.MemberInsecureIngest}, rtmpNeedsInsecureIngest)
	add("CreateIngestConfiguration/behaviour/new-is-inactive-and-unassociated", ivscases.OpCreateIngestConfiguration, ivscases.MemberIngestConfiguration, "new", suite.SourceDocumented,
		[]string{structIngest + "." + ivscases.MemberState + "=" + stateInactive, structIngest + "." + ivscases.MemberStageArn}, newIngestInactive)
	add("UpdateIngestConfiguration/behaviour/only-the-stage-changes", ivscases.OpUpdateIngestConfiguration, ivscases.MemberStageArn, "partial-update", suite.SourceDocumented,
		[]string{structIngest + "." + ivscases.MemberStageArn}, updateOnlyTheStage)

	add("ListIngestConfigurations/behaviour/page-token/from-another-filter", ivscases.OpListIngestConfigurations, ivscases.MemberNextToken, "page-token", suite.SourceInferred,
		[]string{"ListIngestConfigurationsRequest." + ivscases.MemberFilterByState + "=" + stateInactive}, ingestTokenFromAnotherFilter)

	// Publishing through a configuration (an Ingester seeder).
	publishing := []string{structIngest + "." + ivscases.MemberState + "=" + stateActive, structIngest + "." + ivscases.MemberStreamKey}
	add("GetIngestConfiguration/behaviour/publishing/active-while-publishing", ivscases.OpGetIngestConfiguration, ivscases.MemberState, "publishing", suite.SourceDocumented,
		publishing, activeWhilePublishing)
	add("GetParticipant/behaviour/publishing/ingest-participant-reports-its-configuration", ivscases.OpGetParticipant, ivscases.MemberIngestConfigurationArn, "publishing", suite.SourceDocumented,
		append(slices.Clone(publishing), structParticipant+"."+ivscases.MemberIngestConfigurationArn, structParticipant+"."+ivscases.MemberProtocol+"="+protocolRTMPS), ingestParticipant)
	add("UpdateIngestConfiguration/behaviour/publishing/active-is-refused", ivscases.OpUpdateIngestConfiguration, ivscases.MemberArn, "publishing", suite.SourceDocumented,
		publishing, activeNotUpdated)
	add("DeleteIngestConfiguration/behaviour/publishing/active-needs-force", ivscases.OpDeleteIngestConfiguration, ivscases.MemberForce, "publishing", suite.SourceDocumented,
		append(slices.Clone(publishing), "DeleteIngestConfigurationRequest."+ivscases.MemberForce), activeNeedsForce)
	add("DisconnectParticipant/behaviour/publishing/dissociates-the-ingest-configuration", ivscases.OpDisconnectParticipant, ivscases.MemberParticipantId, "publishing", suite.SourceDocumented,
		publishing, func(ctx context.Context, r *runner) *suite.Failure {
			return dissociates(ctx, r, ivscases.OpDisconnectParticipant)
		})
	add("DeleteStage/behaviour/publishing/dissociates-the-ingest-configuration", ivscases.OpDeleteStage, ivscases.MemberArn, "publishing", suite.SourceDocumented,
		publishing, func(ctx context.Context, r *runner) *suite.Failure {
			return dissociates(ctx, r, ivscases.OpDeleteStage)
		})
	return out
}

// rtmpNeedsInsecureIngest: RTMP without insecureIngest true is refused
// naming insecureIngest; with it, taken (documented: the model's
// descriptions of ingestProtocol and insecureIngest, "If this is set to
// RTMP, insecureIngest must be set to true"; that the error is a
// ValidationException naming insecureIngest is the rule's usual form).
func rtmpNeedsInsecureIngest(ctx context.Context, r *runner) *suite.Failure {
	body := map[string]any{ivscases.MemberIngestProtocol: protocolRTMP, ivscases.MemberTags: r.caseTags(caseTagIngests)}
	if f := r.doError(ctx, ivscases.OpCreateIngestConfiguration, body, errValidation, ivscases.MemberInsecureIngest); f != nil {
		f.Reason = "RTMP without insecureIngest: " + f.Reason
		return f
	}
	body[ivscases.MemberInsecureIngest] = false
	if f := r.doError(ctx, ivscases.OpCreateIngestConfiguration, body, errValidation, ivscases.MemberInsecureIngest); f != nil {
		f.Reason = "RTMP with insecureIngest false: " + f.Reason
		return f
	}
	_, f := r.createIngest(ctx, caseTagIngests, map[string]any{ivscases.MemberIngestProtocol: protocolRTMP, ivscases.MemberInsecureIngest: true})
	if f != nil {
		f.Reason = "RTMP with insecureIngest true: " + f.Reason
	}
	return f
}

// newIngestInactive: a configuration created without a stage is INACTIVE
// with stageArn "" (documented: the AWS CLI's create-ingest-configuration
// example, and state's description, ACTIVE only while a publisher
// publishes), and GetIngestConfiguration answers it as created.
func newIngestInactive(ctx context.Context, r *runner) *suite.Failure {
	ic, created, f := r.createIngestEx(ctx, caseTagIngests, nil)
	if f != nil {
		return f
	}
	want := map[string]any{ivscases.MemberState: stateInactive, ivscases.MemberStageArn: ""}
	got := map[string]any{ivscases.MemberState: ic[ivscases.MemberState], ivscases.MemberStageArn: ic[ivscases.MemberStageArn]}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: "a new ingest configuration without a stage is not INACTIVE with stageArn \"\" as AWS's example shows", Diff: d, Exchange: created}
	}
	doc, ex, f := r.do(ctx, ivscases.OpGetIngestConfiguration, map[string]any{ivscases.MemberArn: ic[ivscases.MemberArn]})
	if f != nil {
		return f
	}
	if d := cmp.Diff(ic, doc[ivscases.MemberIngestConfiguration]); d != "" {
		return &suite.Failure{Reason: "GetIngestConfiguration does not answer the configuration CreateIngestConfiguration made", Diff: d, Exchange: ex}
	}
	return nil
}

// updateOnlyTheStage: UpdateIngestConfiguration with a stage ARN
// associates the configuration with that stage and changes nothing else
// (documented: the operation's description, "Only the stage ARN attached
// to the IngestConfiguration can be updated"); ListIngestConfigurations
// filtered by the stage then lists it.
func updateOnlyTheStage(ctx context.Context, r *runner) *suite.Failure {
	stage, f := r.Live(r.liveStage)
	if f != nil {
		return f
	}
	ic, created, f := r.createIngestEx(ctx, caseTagIngests, nil)
	if f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, ivscases.OpUpdateIngestConfiguration, map[string]any{ivscases.MemberArn: ic[ivscases.MemberArn], ivscases.MemberStageArn: stage})
	if f != nil {
		return f
	}
	want := maps.Clone(ic)
	want[ivscases.MemberStageArn] = stage
	if d := cmp.Diff(want, doc[ivscases.MemberIngestConfiguration]); d != "" {
		return &suite.Failure{Reason: "UpdateIngestConfiguration changed more than the stage ARN, or not that, of the configuration CreateIngestConfiguration answered (" + string(created.Resp) + ")", Diff: d, Exchange: ex}
	}
	list, ex, f := r.do(ctx, ivscases.OpListIngestConfigurations, map[string]any{ivscases.MemberFilterByStageArn: stage})
	if f != nil {
		return f
	}
	items, _ := list[ivscases.MemberIngestConfigurations].([]any)
	for _, it := range items {
		if m, _ := it.(map[string]any); m[ivscases.MemberArn] == ic[ivscases.MemberArn] {
			return nil
		}
	}
	return suite.Mismatch(ex, "ListIngestConfigurations filtered by the stage it was updated to does not list the configuration", ic[ivscases.MemberArn], items)
}

// ingester is the seeder as an Ingester.
func (r *runner) ingester() (Ingester, *suite.Failure) {
	if f := r.needSeeder(); f != nil {
		return nil, f
	}
	i, ok := r.Target().Seeder.(Ingester)
	if !ok {
		return nil, suite.SkipFor(suite.SeederWith("behaviour.Ingester"), "the seeder cannot publish through an ingest configuration")
	}
	return i, nil
}

// publishThrough makes a stage and an RTMPS ingest configuration
// associated with it, and publishes through it: the configuration as
// created and the participant that joined.
func (r *runner) publishThrough(ctx context.Context, caseTag string) (ic map[string]any, j suite.Joined, f *suite.Failure) {
	in, f := r.ingester()
	if f != nil {
		return nil, j, f
	}
	st, _, _, f := r.createStage(ctx, caseTag, map[string]any{})
	if f != nil {
		return nil, j, f
	}
	ic, f = r.createIngest(ctx, caseTag, map[string]any{ivscases.MemberStageArn: st[ivscases.MemberArn]})
	if f != nil {
		return nil, j, f
	}
	key, _ := ic[ivscases.MemberStreamKey].(string)
	j, err := in.StartIngest(ctx, key, "")
	if err != nil {
		return nil, j, seederFailure("StartIngest", err)
	}
	return ic, j, nil
}

// ingestState is the state GetIngestConfiguration answers for arn.
func (r *runner) ingestState(ctx context.Context, arn any) (any, *suite.Exchange, *suite.Failure) {
	doc, ex, f := r.do(ctx, ivscases.OpGetIngestConfiguration, map[string]any{ivscases.MemberArn: arn})
	if f != nil {
		return nil, ex, f
	}
	ic, _ := doc[ivscases.MemberIngestConfiguration].(map[string]any)
	return ic[ivscases.MemberState], ex, nil
}

// activeWhilePublishing: a configuration is ACTIVE while an encoder
// publishes through it, and INACTIVE again once it stops (documented:
// state's description, "ACTIVE if a publisher currently is publishing to
// the stage associated with the ingest configuration").
func activeWhilePublishing(ctx context.Context, r *runner) *suite.Failure {
	ic, _, f := r.publishThrough(ctx, "ingest-active-while-publishing")
	if f != nil {
		return f
	}
	state, ex, f := r.ingestState(ctx, ic[ivscases.MemberArn])
	if f != nil {
		return f
	}
	if state != stateActive {
		return suite.Mismatch(ex, "an ingest configuration an encoder publishes through is not ACTIVE", stateActive, state)
	}
	in, _ := r.ingester()
	if err := in.StopIngest(ctx, ic[ivscases.MemberStreamKey].(string)); err != nil {
		return seederFailure("StopIngest", err)
	}
	if state, ex, f = r.ingestState(ctx, ic[ivscases.MemberArn]); f != nil {
		return f
	}
	if state != stateInactive {
		return suite.Mismatch(ex, "an ingest configuration whose encoder stopped is not INACTIVE", stateInactive, state)
	}
	return nil
}

// ingestParticipant: the participant an encoder publishes as is the
// configuration's (its participantId and userId), connected and
// published, and reports the protocol it connected with and the
// configuration's ARN (documented: the user guide's "IVS RTMP
// Publishing", the media "will be published to the stage as a
// participant" with the configuration's userId and attributes; the model's
// Participant.protocol and ingestConfigurationArn).
func ingestParticipant(ctx context.Context, r *runner) *suite.Failure {
	ic, j, f := r.publishThrough(ctx, "ingest-participant")
	if f != nil {
		return f
	}
	part, ex, f := r.participant(ctx, j)
	if f != nil {
		return f
	}
	want := map[string]any{
		ivscases.MemberParticipantId: ic[ivscases.MemberParticipantId], ivscases.MemberUserId: ic[ivscases.MemberUserId],
		ivscases.MemberState: stateConnected, ivscases.MemberPublished: true,
		ivscases.MemberProtocol: protocolRTMPS, ivscases.MemberIngestConfigurationArn: ic[ivscases.MemberArn],
	}
	got := map[string]any{}
	for m := range want {
		got[m] = part[m]
	}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: "the participant an encoder publishes as through an ingest configuration does not report the configuration", Diff: d, Exchange: ex}
	}
	return nil
}

// activeNotUpdated: an ACTIVE configuration is not updated (documented:
// UpdateIngestConfiguration's description, "An IngestConfiguration that
// is active cannot be updated"): ConflictException (the model's
// description of it, a change that "can cause an inconsistent state"),
// and the configuration keeps its stage.
func activeNotUpdated(ctx context.Context, r *runner) *suite.Failure {
	ic, _, f := r.publishThrough(ctx, "ingest-active-not-updated")
	if f != nil {
		return f
	}
	if f := r.doError(ctx, ivscases.OpUpdateIngestConfiguration, map[string]any{ivscases.MemberArn: ic[ivscases.MemberArn], ivscases.MemberStageArn: ""}, errConflict); f != nil {
		f.Reason = "an update of an ACTIVE ingest configuration: " + f.Reason
		return f
	}
	doc, ex, f := r.do(ctx, ivscases.OpGetIngestConfiguration, map[string]any{ivscases.MemberArn: ic[ivscases.MemberArn]})
	if f != nil {
		return f
	}
	got, _ := doc[ivscases.MemberIngestConfiguration].(map[string]any)
	if got[ivscases.MemberStageArn] != ic[ivscases.MemberStageArn] {
		return suite.Mismatch(ex, "a refused update of an ACTIVE ingest configuration changed its stage", ic[ivscases.MemberStageArn], got[ivscases.MemberStageArn])
	}
	return nil
}

// activeNeedsForce: an ACTIVE configuration is not deleted without force
// (ConflictException, and it is still there); with force it is, and its
// participant is disconnected from the stage (documented: the operation's
// and force's descriptions, "the participant is disconnected from the
// stage, followed by deletion of the IngestConfiguration").
func activeNeedsForce(ctx context.Context, r *runner) *suite.Failure {
	ic, j, f := r.publishThrough(ctx, "ingest-active-needs-force")
	if f != nil {
		return f
	}
	arn := ic[ivscases.MemberArn]
	if f := r.doError(ctx, ivscases.OpDeleteIngestConfiguration, map[string]any{ivscases.MemberArn: arn}, errConflict); f != nil {
		f.Reason = "a delete of an ACTIVE ingest configuration without force: " + f.Reason
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpGetIngestConfiguration, map[string]any{ivscases.MemberArn: arn}); f != nil {
		f.Reason = "the ingest configuration a delete without force refused: " + f.Reason
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpDeleteIngestConfiguration, map[string]any{ivscases.MemberArn: arn, ivscases.MemberForce: true}); f != nil {
		f.Reason = "a delete of an ACTIVE ingest configuration with force: " + f.Reason
		return f
	}
	part, ex, f := r.participant(ctx, j)
	if f != nil {
		return f
	}
	if part[ivscases.MemberState] != stateDisconnected {
		return suite.Mismatch(ex, "the participant of an ingest configuration deleted with force is not disconnected", stateDisconnected, part[ivscases.MemberState])
	}
	if f := r.doError(ctx, ivscases.OpGetIngestConfiguration, map[string]any{ivscases.MemberArn: arn}, errNotFound); f != nil {
		f.Reason = "an ingest configuration deleted with force: " + f.Reason
		return f
	}
	return nil
}

// ingestTokenFromAnotherFilter: a page token ListIngestConfigurations
// issued for filterByState INACTIVE, sent without the filter, is refused
// (inferred, as ListParticipants' tokens are bound to their query).
func ingestTokenFromAnotherFilter(ctx context.Context, r *runner) *suite.Failure {
	op, f := r.operation(ivscases.OpListIngestConfigurations)
	if f != nil {
		return f
	}
	if op.Pagination == nil {
		return suite.Failf(nil, "%s is not paginated", op.Name)
	}
	// Two INACTIVE configurations of its own, so a page of one has a token.
	for range 2 {
		if _, f := r.createIngest(ctx, caseTagIngests, nil); f != nil {
			return f
		}
	}
	issued := map[string]any{ivscases.MemberFilterByState: stateInactive}
	tok, f := r.pageToken(ctx, op, issued)
	if f != nil {
		return f
	}
	return r.wantTokenRefused(ctx, op, map[string]any{}, tok, "a page token issued for filterByState="+stateInactive+", sent without a filter")
}

// dissociates: disconnecting the participant an encoder publishes as
// (DisconnectParticipant), or deleting the stage it publishes to
// (DeleteStage), leaves the ingest configuration with stageArn ""
// (documented: the two operations' descriptions, "also updates the
// stageArn in the IngestConfiguration to be an empty string", "also
// removes the stageArn from the associated IngestConfiguration").
func dissociates(ctx context.Context, r *runner, op string) *suite.Failure {
	ic, j, f := r.publishThrough(ctx, "ingest-dissociated")
	if f != nil {
		return f
	}
	body := map[string]any{ivscases.MemberArn: j.StageArn}
	if op == ivscases.OpDisconnectParticipant {
		body = map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberParticipantId: j.ParticipantID}
	}
	if _, _, f := r.do(ctx, op, body); f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, ivscases.OpGetIngestConfiguration, map[string]any{ivscases.MemberArn: ic[ivscases.MemberArn]})
	if f != nil {
		return f
	}
	got, _ := doc[ivscases.MemberIngestConfiguration].(map[string]any)
	if got[ivscases.MemberStageArn] != "" {
		return suite.Mismatch(ex, fmt.Sprintf("after %s of the stage its encoder published to, the ingest configuration keeps the stage", op), "", got[ivscases.MemberStageArn])
	}
	return nil
}
