package behaviour

import (
	"context"
	"maps"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of ingest configurations: what the
// model's documentation says of RTMP and insecureIngest, what a new
// configuration looks like (the AWS CLI's create-ingest-configuration
// example), and that an update changes only the stage.

// The ingest configuration's structs and the states of the spec's
// IngestConfigurationState.
const (
	structIngest   = "IngestConfiguration"
	stateInactive  = "INACTIVE"
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
