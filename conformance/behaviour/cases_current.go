package behaviour

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of what AWS added to stages,
// participants, tokens and events after 2024-06-20: the new members of a
// stage's recording configuration, its endpoints, what a participant
// reports of replication, protocol and ingest, token exchange, and failed
// publishes. Each case declares what it needs the contract to know beyond
// its operation (contract.knows), and CurrentCases leaves out those whose
// contract lacks it: a suite assembled from the 2024-06-20 spec runs none
// of the cases about members it does not have.

// CurrentCases returns the cases of this file whose operation and needs
// the contract has. Full appends them to the other behaviour cases.
func CurrentCases(sc *suite.Contract) []suite.Case {
	c := contract{sc}
	var out []suite.Case
	add := func(name, op, member, rule, source string, needs []string, run func(ctx context.Context, r *runner) *suite.Failure) {
		if c.Operation(op) == nil || !c.knows(needs...) {
			return
		}
		out = append(out, suite.Case{Name: name, Operation: op, Member: member, Rule: rule, Kind: suite.KindCustom, Source: source,
			Custom: custom(func(ctx context.Context, r *runner, _ *suite.Case) *suite.Failure { return run(ctx, r) })})
	}
	rec := ivscases.MemberAutoParticipantRecordingConfiguration
	recMembers := []string{
		structRecording + "." + ivscases.MemberThumbnailConfiguration, structRecording + "." + ivscases.MemberHlsConfiguration,
		structRecording + "." + ivscases.MemberRecordingReconnectWindowSeconds, structRecording + "." + ivscases.MemberRecordParticipantReplicas,
	}

	// A stage's recording configuration: every member echoed, defaults
	// also inside a nested object given in part, an update replaces it
	// whole, and the reset value resets every member.
	add("CreateStage/behaviour/round-trip/every-recording-member", ivscases.OpCreateStage, rec, "round-trip", suite.SourceDocumented, recMembers, everyRecordingMember)
	add("CreateStage/behaviour/defaults/nested-recording-members", ivscases.OpCreateStage, rec+"."+ivscases.MemberThumbnailConfiguration, "default", suite.SourceDocumented,
		slices.Concat(recMembers, []string{structThumbnail + "." + ivscases.MemberRecordingMode}), nestedRecordingDefaults)
	add("UpdateStage/behaviour/partial-update/recording-configuration-replaced-whole", ivscases.OpUpdateStage, rec, "partial-update", suite.SourceInferred,
		slices.Concat(recMembers, []string{structThumbnail + "." + ivscases.MemberRecordingMode}), recordingReplacedWhole)
	add("UpdateStage/behaviour/recording-reset/every-member-reset", ivscases.OpUpdateStage, rec+"."+ivscases.MemberStorageConfigurationArn, "reset", suite.SourceDocumented, recMembers,
		func(ctx context.Context, r *runner) *suite.Failure {
			return everyMemberReset(ctx, r, ivscases.OpUpdateStage)
		})
	add("CreateStage/behaviour/recording-reset/every-member-reset", ivscases.OpCreateStage, rec+"."+ivscases.MemberStorageConfigurationArn, "reset", suite.SourceDocumented, recMembers,
		func(ctx context.Context, r *runner) *suite.Failure {
			return everyMemberReset(ctx, r, ivscases.OpCreateStage)
		})
	add("UpdateStage/behaviour/round-trip/every-media-type", ivscases.OpUpdateStage, rec+"."+ivscases.MemberMediaTypes, "round-trip", suite.SourceDocumented, nil, everyMediaType)

	// A stage's endpoints.
	endpoints := []string{structStage + "." + ivscases.MemberEndpoints}
	for _, e := range endpointForms {
		endpoints = append(endpoints, structEndpoints+"."+e.member)
	}
	add("CreateStage/behaviour/endpoints/documented-form", ivscases.OpCreateStage, "stage."+ivscases.MemberEndpoints, "endpoints", suite.SourceDocumented, endpoints, endpointsForm)
	add("GetStage/behaviour/endpoints/kept-from-creation", ivscases.OpGetStage, "stage."+ivscases.MemberEndpoints, "endpoints", suite.SourceDocumented, endpoints, endpointsKept)

	// What a participant reports of replication, protocol and ingest.
	replication := func(st string) []string {
		return []string{st + "." + ivscases.MemberReplicationType, st + "." + ivscases.MemberReplicationState, st + "." + ivscases.MemberSourceStageArn, st + "." + ivscases.MemberSourceSessionId}
	}
	add("GetParticipant/behaviour/replication/not-replicated-participant", ivscases.OpGetParticipant, "participant."+ivscases.MemberReplicationType, "replication", suite.SourceDocumented,
		replication(structParticipant), func(ctx context.Context, r *runner) *suite.Failure {
			return notReplicated(ctx, r, ivscases.OpGetParticipant)
		})
	add("ListParticipants/behaviour/replication/not-replicated-participants", ivscases.OpListParticipants, "participants[]."+ivscases.MemberReplicationType, "replication", suite.SourceDocumented,
		replication(structSummary), func(ctx context.Context, r *runner) *suite.Failure {
			return notReplicated(ctx, r, ivscases.OpListParticipants)
		})
	add("GetParticipant/behaviour/protocol/sdk-join-has-no-protocol-or-ingest", ivscases.OpGetParticipant, "participant."+ivscases.MemberProtocol, "protocol", suite.SourceInferred,
		[]string{structParticipant + "." + ivscases.MemberProtocol, structParticipant + "." + ivscases.MemberIngestConfigurationArn, structParticipant + "." + ivscases.MemberRedundantIngest}, sdkJoinHasNoProtocol)
	add("GetParticipant/behaviour/protocol/reports-join-protocol", ivscases.OpGetParticipant, "participant."+ivscases.MemberProtocol, "protocol", suite.SourceDocumented,
		[]string{structParticipant + "." + ivscases.MemberProtocol}, joinProtocol)

	// Token exchange.
	add("ListParticipantEvents/behaviour/token-exchange/previous-and-new-token", ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberPreviousToken, "token-exchange", suite.SourceDocumented,
		needExchangeEvent, exchangeEvents)
	add("GetParticipant/behaviour/token-exchange/takes-the-new-token", ivscases.OpGetParticipant, ivscases.MemberParticipant, "token-exchange", suite.SourceInferred,
		needExchangeEvent, exchangeTakesNewToken)
	add("ListParticipantEvents/behaviour/token-exchange/publish-capability-removed-unpublishes", ivscases.OpListParticipantEvents, ivscases.MemberEvents, "token-exchange", suite.SourceInferred,
		slices.Concat(needExchangeEvent, []string{structTokenConfig + "." + ivscases.MemberCapabilities + "=" + capabilityPublish}), exchangeUnpublishes)

	// Events: replica, and publishes that fail.
	add("ListParticipantEvents/behaviour/events/replica-false", ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberReplica, "default", suite.SourceDocumented,
		[]string{structEvent + "." + ivscases.MemberReplica}, replicaFalse)
	add("ListParticipantEvents/behaviour/publish-error/each-code", ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberErrorCode, "publish-error", suite.SourceInferred,
		[]string{structEvent + "." + ivscases.MemberErrorCode, structEvent + "." + ivscases.MemberName + "=" + eventPublishError}, publishErrorCodes)
	add("ListParticipantEvents/behaviour/publish-error/mid-stream-stops-publishing", ivscases.OpListParticipantEvents, ivscases.MemberEvents, "publish-error", suite.SourceInferred,
		[]string{structEvent + "." + ivscases.MemberErrorCode, structEvent + "." + ivscases.MemberName + "=" + eventPublishError}, publishErrorMidStream)

	// Encoder configurations and compositions (cases_compositions.go).
	compositionCases(add)

	// Subscribing: the publisher named, refusals with the model's codes.
	add("ListParticipantEvents/behaviour/subscribe/names-the-publisher", ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberRemoteParticipantId, "subscribe", suite.SourceDocumented,
		needSubscribeEvents, subscribeNamesThePublisher)
	add("ListParticipantEvents/behaviour/subscribe/not-publishing-is-PUBLISHER_NOT_FOUND", ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberErrorCode, "subscribe", suite.SourceDocumented,
		append(slices.Clone(needSubscribeEvents), structEvent+"."+ivscases.MemberErrorCode+"="+errorPublisherNotFound), subscribeRefused(false, nil, errorPublisherNotFound))
	add("ListParticipantEvents/behaviour/subscribe/without-SUBSCRIBE-is-INSUFFICIENT_CAPABILITIES", ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberErrorCode, "subscribe", suite.SourceDocumented,
		append(slices.Clone(needSubscribeEvents), structEvent+"."+ivscases.MemberErrorCode+"="+errorCodeInsufficientCap), subscribeRefused(true, []string{capabilityPublish}, errorCodeInsufficientCap))

	// Participant replication (cases_replication.go).
	replicationCases(add)

	// Public keys and self-signed tokens (cases_publickeys.go), ingest
	// configurations (cases_ingest.go).
	out = append(out, publicKeyCases(c)...)
	return append(out, ingestCases(c)...)
}

// Structs of the recording configuration and the endpoints.
const (
	structThumbnail = "ParticipantThumbnailConfiguration"
	structEndpoints = "StageEndpoints"
)

// ---- the recording configuration ------------------------------------------

// nonDefaults is a value of a struct with, for every member the contract
// gives it but its reset trigger, a sample other than the member's
// default (not an empty list or map, which say little), nested objects
// filled the same way: what makes an echo of each member visible.
func (c contract) nonDefaults(structName string) map[string]any {
	out := map[string]any{}
	rs, _ := c.Reset(structName)
	for _, m := range c.Members {
		if m.Struct != structName || m.Name == rs.Member {
			continue
		}
		if m.Kind == "object" && m.Schema != "" {
			if nested := c.nonDefaults(m.Schema); len(nested) > 0 {
				out[m.Name] = nested
			}
			continue
		}
		def, _ := c.DefaultValue(structName, m.Name)
		for _, v := range m.Values() {
			if suite.Canonical(v) == suite.Canonical(def) || suite.Canonical(v) == "[]" || suite.Canonical(v) == "{}" {
				continue
			}
			out[m.Name] = v
			break
		}
	}
	return out
}

// recordingWithStorage is a recording configuration that records, with a
// value other than the default for every other member.
func (r *runner) recordingWithStorage() (map[string]any, *suite.Failure) {
	storage, f := r.storageArn()
	if f != nil {
		return nil, f
	}
	rec := r.c.nonDefaults(structRecording)
	rec[ivscases.MemberStorageConfigurationArn] = storage
	return rec, nil
}

// wantRecording wants the stage's recording configuration to be want.
func wantRecording(ex *suite.Exchange, st map[string]any, want map[string]any, reason string) *suite.Failure {
	if d := cmp.Diff(any(want), st[ivscases.MemberAutoParticipantRecordingConfiguration]); d != "" {
		return &suite.Failure{Reason: reason, Diff: d, Exchange: ex}
	}
	return nil
}

// everyRecordingMember: CreateStage with a value other than the default
// for every member of the recording configuration, and GetStage after it,
// show each as given (create-stage.rst's examples 2 and 3 echo them).
func everyRecordingMember(ctx context.Context, r *runner) *suite.Failure {
	rec, f := r.recordingWithStorage()
	if f != nil {
		return f
	}
	st, _, ex, f := r.createStage(ctx, "recording-members", map[string]any{ivscases.MemberAutoParticipantRecordingConfiguration: rec})
	if f != nil {
		return f
	}
	want := r.c.withDefaults(structRecording, rec)
	if f := wantRecording(ex, st, want, "CreateStage does not echo every member of the recording configuration it was given"); f != nil {
		return f
	}
	got, ex, f := r.getStage(ctx, st[ivscases.MemberArn].(string))
	if f != nil {
		return f
	}
	return wantRecording(ex, got, want, "GetStage does not return every member of the recording configuration CreateStage was given")
}

// thumbnailPart is a thumbnail configuration with one member, its
// recording mode, other than the default.
func (r *runner) thumbnailPart() (map[string]any, *suite.Failure) {
	mode, ok := r.c.nonDefaults(structThumbnail)[ivscases.MemberRecordingMode]
	if !ok {
		return nil, suite.Skipf("the contract allows %s.%s no value but its default", structThumbnail, ivscases.MemberRecordingMode)
	}
	return map[string]any{ivscases.MemberRecordingMode: mode}, nil
}

// nestedRecordingDefaults: CreateStage with a thumbnail configuration
// given in part and an empty HLS configuration: their other members take
// their documented defaults, as do the members left out.
func nestedRecordingDefaults(ctx context.Context, r *runner) *suite.Failure {
	storage, f := r.storageArn()
	if f != nil {
		return f
	}
	thumb, f := r.thumbnailPart()
	if f != nil {
		return f
	}
	rec := map[string]any{ivscases.MemberStorageConfigurationArn: storage, ivscases.MemberThumbnailConfiguration: thumb, ivscases.MemberHlsConfiguration: map[string]any{}}
	st, _, ex, f := r.createStage(ctx, "nested-defaults", map[string]any{ivscases.MemberAutoParticipantRecordingConfiguration: rec})
	if f != nil {
		return f
	}
	return wantRecording(ex, st, r.c.withDefaults(structRecording, rec), "CreateStage does not give the members of a nested object given in part their defaults")
}

// recordingReplacedWhole: a stage made with every member of the recording
// configuration other than its default, then UpdateStage with a
// configuration of the storage and part of a thumbnail configuration:
// what the update leaves out goes back to its default, it is not kept
// from before (as for mediaTypes, UpdateStage/behaviour/partial-update/*).
func recordingReplacedWhole(ctx context.Context, r *runner) *suite.Failure {
	rec, f := r.recordingWithStorage()
	if f != nil {
		return f
	}
	thumb, f := r.thumbnailPart()
	if f != nil {
		return f
	}
	before, _, _, f := r.createStage(ctx, "replaced-whole", map[string]any{ivscases.MemberAutoParticipantRecordingConfiguration: rec})
	if f != nil {
		return f
	}
	update := map[string]any{ivscases.MemberStorageConfigurationArn: rec[ivscases.MemberStorageConfigurationArn], ivscases.MemberThumbnailConfiguration: thumb}
	want := maps.Clone(before)
	want[ivscases.MemberAutoParticipantRecordingConfiguration] = r.c.withDefaults(structRecording, update)
	return r.wantStage(ctx, map[string]any{ivscases.MemberArn: before[ivscases.MemberArn], ivscases.MemberAutoParticipantRecordingConfiguration: update}, want,
		func(m string) bool { return m == ivscases.MemberAutoParticipantRecordingConfiguration },
		"UpdateStage keeps members of the recording configuration the update left out, instead of their defaults")
}

// everyMemberReset: the reset value of storageConfigurationArn, given
// with a value other than the default for every other member, resets each
// to its default (the model's documentation: "other fields in this object
// will get reset to their defaults when sending \"\""). With UpdateStage,
// of a stage made with those values; with CreateStage, at creation.
func everyMemberReset(ctx context.Context, r *runner, op string) *suite.Failure {
	rs, f := r.resetValue()
	if f != nil {
		return f
	}
	rec, f := r.recordingWithStorage()
	if f != nil {
		return f
	}
	reset := maps.Clone(rec)
	reset[rs.Member] = rs.Equals
	want := r.c.withDefaults(structRecording, map[string]any{rs.Member: rs.Equals})
	reason := fmt.Sprintf("%s with %s=%q and the other members given does not reset each to its default", op, rs.Member, rs.Equals)
	if op == ivscases.OpCreateStage {
		st, _, ex, f := r.createStage(ctx, "reset-every-member", map[string]any{ivscases.MemberAutoParticipantRecordingConfiguration: reset})
		if f != nil {
			return f
		}
		return wantRecording(ex, st, want, reason)
	}
	before, _, _, f := r.createStage(ctx, "reset-every-member", map[string]any{ivscases.MemberAutoParticipantRecordingConfiguration: rec})
	if f != nil {
		return f
	}
	after := maps.Clone(before)
	after[ivscases.MemberAutoParticipantRecordingConfiguration] = want
	return r.wantStage(ctx, map[string]any{ivscases.MemberArn: before[ivscases.MemberArn], ivscases.MemberAutoParticipantRecordingConfiguration: reset}, after,
		func(m string) bool { return m == ivscases.MemberAutoParticipantRecordingConfiguration }, reason)
}

// everyMediaType: UpdateStage with each media type of the contract's enum
// in turn (NONE among them, since 2024-06-20) shows it, and GetStage
// after it.
func everyMediaType(ctx context.Context, r *runner) *suite.Failure {
	storage, f := r.storageArn()
	if f != nil {
		return f
	}
	m, f := r.c.member(structRecording, ivscases.MemberMediaTypes)
	if f != nil {
		return f
	}
	if m.Elem == nil || len(m.Elem.Enum) == 0 {
		return suite.Skipf("the contract gives %s.%s no enum", structRecording, ivscases.MemberMediaTypes)
	}
	st, _, _, f := r.createStage(ctx, "media-types", map[string]any{})
	if f != nil {
		return f
	}
	for _, v := range m.Elem.Enum {
		update := map[string]any{ivscases.MemberStorageConfigurationArn: storage, ivscases.MemberMediaTypes: []any{v}}
		want := maps.Clone(st)
		want[ivscases.MemberAutoParticipantRecordingConfiguration] = r.c.withDefaults(structRecording, update)
		if f := r.wantStage(ctx, map[string]any{ivscases.MemberArn: st[ivscases.MemberArn], ivscases.MemberAutoParticipantRecordingConfiguration: update}, want,
			func(m string) bool { return m == ivscases.MemberAutoParticipantRecordingConfiguration },
			fmt.Sprintf("UpdateStage with %s [%s] does not show it", ivscases.MemberMediaTypes, v)); f != nil {
			return f
		}
	}
	return nil
}

// ---- endpoints ------------------------------------------------------------

// endpointForms are the forms of a stage's endpoints in AWS's CLI examples
// of create-stage, get-stage and update-stage (awscli/examples/
// ivs-realtime), e.g. rtmps://9x0y8z7s6t5u.global-contribute-staging.
// live-video.net:443/app/: the examples were taken in AWS's staging
// environment, so the host may or may not say -staging. The id of rtmp
// and rtmps is the same in every example; whip's is that one in
// create-stage and get-stage and another in update-stage, so it is only
// held to its form.
var endpointForms = []struct {
	member string
	form   *regexp.Regexp
}{
	{ivscases.MemberEvents, regexp.MustCompile(`^wss://global\.events\.live-video\.net$`)},
	{ivscases.MemberWhip, regexp.MustCompile(`^https://([a-z0-9]{12})\.global-bm\.whip\.live-video\.net$`)},
	{ivscases.MemberRtmp, regexp.MustCompile(`^rtmp://([a-z0-9]{12})\.global-contribute(?:-staging)?\.live-video\.net/app/$`)},
	{ivscases.MemberRtmps, regexp.MustCompile(`^rtmps://([a-z0-9]{12})\.global-contribute(?:-staging)?\.live-video\.net:443/app/$`)},
}

// endpointsForm: a new stage's endpoints are each in their documented
// form, within the contract's bounds, and rtmp and rtmps name one host.
func endpointsForm(ctx context.Context, r *runner) *suite.Failure {
	st, _, ex, f := r.createStage(ctx, "endpoints", map[string]any{})
	if f != nil {
		return f
	}
	return endpointsOf(r.c, ex, st)
}

// endpointsKept: a stage's endpoints are those it was created with, in
// GetStage and UpdateStage answers and GetStage after an update (AWS's
// API reference: cache them at stage creation, for up to 14 days).
func endpointsKept(ctx context.Context, r *runner) *suite.Failure {
	names, f := r.c.stageNames(2)
	if f != nil {
		return f
	}
	st, _, _, f := r.createStage(ctx, "endpoints-kept", map[string]any{ivscases.MemberName: names[0]})
	if f != nil {
		return f
	}
	want, ok := st[ivscases.MemberEndpoints].(map[string]any)
	if !ok {
		return suite.Failf(nil, "CreateStage answered without the stage's endpoints")
	}
	arn := st[ivscases.MemberArn].(string)
	check := func(what string, got map[string]any, ex *suite.Exchange) *suite.Failure {
		if d := cmp.Diff(any(want), got[ivscases.MemberEndpoints]); d != "" {
			return &suite.Failure{Reason: what + " does not give the endpoints the stage was created with", Diff: d, Exchange: ex}
		}
		return nil
	}
	got, ex, f := r.getStage(ctx, arn)
	if f == nil {
		f = check("GetStage", got, ex)
	}
	if f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, ivscases.OpUpdateStage, map[string]any{ivscases.MemberArn: arn, ivscases.MemberName: names[1]})
	if f != nil {
		return f
	}
	if got, f = r.stageOf(ex, doc); f == nil {
		f = check("UpdateStage", got, ex)
	}
	if f != nil {
		return f
	}
	if got, ex, f = r.getStage(ctx, arn); f == nil {
		f = check("GetStage after UpdateStage", got, ex)
	}
	return f
}

// ---- participants -----------------------------------------------------------

// notReplicated: the seeded participants, none replicated to another stage
// nor a replica from one, report replicationType absent or with its
// documented default (the model: "Default: NONE"; AWS's CLI examples print
// none for such a participant) and none of replicationState,
// sourceStageArn and sourceSessionId, which AWS's CLI examples show only
// for replicated participants (the model: sourceStageArn and
// sourceSessionId "if replicationType is REPLICA"): notReplicatedMembers.
// Through GetParticipant or ListParticipants.
func notReplicated(ctx context.Context, r *runner, op string) *suite.Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	structName := structParticipant
	if op == ivscases.OpListParticipants {
		structName = structSummary
	}
	if _, ok := r.c.DefaultValue(structName, ivscases.MemberReplicationType); !ok {
		return suite.Skipf("the contract gives %s.%s no default", structName, ivscases.MemberReplicationType)
	}
	check := func(ex *suite.Exchange, p map[string]any) *suite.Failure {
		return notReplicatedMembers(r.c, ex, op, structName, p)
	}
	if op == ivscases.OpListParticipants {
		lop, f := r.operation(op)
		if f != nil {
			return f
		}
		items, ex, f := r.ListAll(ctx, lop, map[string]any{ivscases.MemberStageArn: r.seed.stageArn, ivscases.MemberSessionId: r.seed.sessionID}, 0)
		if f != nil {
			return f
		}
		for _, it := range items {
			m, _ := it.(map[string]any)
			if f := check(ex, m); f != nil {
				return f
			}
		}
		return nil
	}
	for _, p := range r.seed.participants {
		part, ex, f := r.participant(ctx, p.Joined)
		if f != nil {
			return f
		}
		if f := check(ex, part); f != nil {
			return f
		}
	}
	return nil
}

// participant is GetParticipant's participant.
func (r *runner) participant(ctx context.Context, j suite.Joined) (map[string]any, *suite.Exchange, *suite.Failure) {
	doc, ex, f := r.do(ctx, ivscases.OpGetParticipant, map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberSessionId: j.SessionID, ivscases.MemberParticipantId: j.ParticipantID})
	if f != nil {
		return nil, ex, f
	}
	p, _ := doc[ivscases.MemberParticipant].(map[string]any)
	return p, ex, nil
}

// sdkJoinHasNoProtocol: a participant the seeder joined as a client of
// AWS's broadcast SDKs joins (Seeder.Join) reports no protocol, and no
// ingest configuration or redundant ingest, which belong to a participant
// that publishes through an ingest configuration. Our reading: AWS's
// get-participant example of a participant in Google Chrome shows no
// protocol, but it may be older than the member.
func sdkJoinHasNoProtocol(ctx context.Context, r *runner) *suite.Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	p := r.seed.participants[0]
	part, ex, f := r.participant(ctx, p.Joined)
	if f != nil {
		return f
	}
	got := map[string]any{}
	for _, m := range []string{ivscases.MemberProtocol, ivscases.MemberIngestConfigurationArn, ivscases.MemberRedundantIngest} {
		if v, has := part[m]; has {
			got[m] = v
		}
	}
	if len(got) > 0 {
		return &suite.Failure{Reason: "a participant that joined as a broadcast SDK client reports an ingest protocol or configuration", Diff: cmp.Diff(map[string]any{}, got), Exchange: ex}
	}
	return nil
}

// joinProtocol: a participant that joins with an ingest protocol reports
// it, for each protocol of the contract's enum.
func joinProtocol(ctx context.Context, r *runner) *suite.Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	joiner, ok := r.Target().Seeder.(ProtocolJoiner)
	if !ok {
		return suite.SkipFor(suite.SeederWith("behaviour.ProtocolJoiner"), "the seeder cannot make a participant join with an ingest protocol")
	}
	protocols := r.c.EnumOf(structParticipant, ivscases.MemberProtocol)
	if len(protocols) == 0 {
		return suite.Skipf("the contract gives %s.%s no enum", structParticipant, ivscases.MemberProtocol)
	}
	st, _, _, f := r.createStage(ctx, "join-protocol", map[string]any{})
	if f != nil {
		return f
	}
	for _, protocol := range protocols {
		tok, _, f := r.issueToken(ctx, st[ivscases.MemberArn].(string), map[string]any{})
		if f != nil {
			return f
		}
		j, err := joiner.JoinWithProtocol(ctx, tok["token"].(string), protocol)
		if err != nil {
			return seederFailure("JoinWithProtocol("+protocol+")", err)
		}
		part, ex, f := r.participant(ctx, j)
		if f != nil {
			return f
		}
		if got := part[ivscases.MemberProtocol]; got != protocol {
			return suite.Mismatch(ex, "a participant that joined with protocol "+protocol+" does not report it", protocol, got)
		}
	}
	return nil
}

// ---- token exchange ---------------------------------------------------------

// exchange is a token exchange a case made: the token the participant
// joined with, the participant, what the new token holds and when the
// exchange was made.
type exchange struct {
	tok              map[string]any
	j                suite.Joined
	sent             ExchangedToken
	before, after    time.Time
	duration         float64
	attrs, newUserID any
}

// exchanged has a participant join a stage of its own (joinedAlone), when
// publish publish, and exchange its token for one with another user id,
// attributes of the contract, a duration other than the default and caps.
func (r *runner) exchanged(ctx context.Context, caseTag string, publish bool, caps []any) (*exchange, *suite.Failure) {
	if f := r.needSeeder(); f != nil {
		return nil, f
	}
	exchanger, ok := r.Target().Seeder.(TokenExchanger)
	if !ok {
		return nil, suite.SkipFor(suite.SeederWith("behaviour.TokenExchanger"), "the seeder cannot make a participant exchange its token")
	}
	users, f := r.c.userIDs(2)
	if f != nil {
		return nil, f
	}
	durations, f := r.c.durations()
	if f != nil {
		return nil, f
	}
	tok, j, f := r.joinedAlone(ctx, caseTag)
	if f != nil {
		return nil, f
	}
	if publish {
		if err := r.Target().Seeder.Publish(ctx, j); err != nil {
			return nil, seederFailure("Publish", err)
		}
	}
	x := &exchange{tok: tok, j: j, newUserID: users[1]}
	x.sent.UserID = new(users[1])
	if attrs := r.c.attributeMaps(); len(attrs) > 0 {
		x.sent.Attributes, x.attrs = stringMap(attrs[0]), attrs[0]
	}
	for _, c := range caps {
		x.sent.Capabilities = append(x.sent.Capabilities, fmt.Sprint(c))
	}
	if x.sent.Capabilities == nil {
		x.sent.Capabilities = []string{}
	}
	x.duration, _ = durations[0].(float64)
	x.sent.Duration = new(int32(x.duration))
	x.before = time.Now()
	if err := exchanger.ExchangeToken(ctx, j, x.sent); err != nil {
		return nil, seederFailure("ExchangeToken", err)
	}
	x.after = time.Now()
	return x, nil
}

// events lists a participant's events, newest first, and their names.
func (r *runner) events(ctx context.Context, j suite.Joined) ([]map[string]any, []string, *suite.Exchange, *suite.Failure) {
	op, f := r.operation(ivscases.OpListParticipantEvents)
	if f != nil {
		return nil, nil, nil, f
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberSessionId: j.SessionID, ivscases.MemberParticipantId: j.ParticipantID}, 0)
	if f != nil {
		return nil, nil, ex, f
	}
	var evs []map[string]any
	var names []string
	for _, it := range items {
		m, _ := it.(map[string]any)
		evs = append(evs, m)
		names = append(names, fmt.Sprint(m[ivscases.MemberName]))
	}
	return evs, names, ex, nil
}

// sameInstant reads two ISO 8601 timestamps and reports whether they name
// the same instant (the same time may be written with or without
// fractional seconds).
func sameInstant(a, b any) bool {
	ta, errA := time.Parse(time.RFC3339Nano, fmt.Sprint(a))
	tb, errB := time.Parse(time.RFC3339Nano, fmt.Sprint(b))
	return errA == nil && errB == nil && ta.Equal(tb)
}

// exchangeEvents: a participant that exchanges its token has a
// TOKEN_EXCHANGED event (newest) whose previousToken is the token it
// joined with and whose newToken is the one it took: their user ids,
// attributes, capabilities and expiration times, the new one its duration
// after the exchange. The model documents both members for this event.
func exchangeEvents(ctx context.Context, r *runner) *suite.Failure {
	caps, most, f := r.c.capabilities()
	if f != nil {
		return f
	}
	x, f := r.exchanged(ctx, "token-exchange", false, caps[:most])
	if f != nil {
		return f
	}
	evs, names, ex, f := r.events(ctx, x.j)
	if f != nil {
		return f
	}
	if d := cmp.Diff([]string{eventTokenExchanged, eventJoined}, names); d != "" {
		return &suite.Failure{Reason: "ListParticipantEvents does not list a participant's join and token exchange newest first", Diff: d, Exchange: ex}
	}
	event := evs[0]
	prev, _ := r.c.known(structExchangedToken, event[ivscases.MemberPreviousToken]).(map[string]any)
	next, _ := r.c.known(structExchangedToken, event[ivscases.MemberNewToken]).(map[string]any)
	if !sameInstant(prev[ivscases.MemberExpirationTime], x.tok[ivscases.MemberExpirationTime]) {
		return suite.Mismatch(ex, "TOKEN_EXCHANGED's previousToken does not expire when the token the participant joined with does", x.tok[ivscases.MemberExpirationTime], prev[ivscases.MemberExpirationTime])
	}
	// The members the joined token's answer gave: AWS's examples show
	// tokens without some of them, and then there is nothing to compare.
	wantPrev, gotPrev := map[string]any{}, map[string]any{}
	for _, m := range []string{ivscases.MemberUserId, ivscases.MemberAttributes, ivscases.MemberCapabilities} {
		if v, has := x.tok[m]; has {
			wantPrev[m], gotPrev[m] = v, prev[m]
		}
	}
	if d := cmp.Diff(wantPrev, gotPrev); d != "" {
		return &suite.Failure{Reason: "TOKEN_EXCHANGED's previousToken is not the token the participant joined with", Diff: d, Exchange: ex}
	}
	wantNext := map[string]any{ivscases.MemberUserId: x.newUserID, ivscases.MemberCapabilities: caps[:most]}
	if x.attrs != nil {
		wantNext[ivscases.MemberAttributes] = x.attrs
	}
	gotNext := maps.Clone(next)
	delete(gotNext, ivscases.MemberExpirationTime)
	if d := cmp.Diff(wantNext, gotNext); d != "" {
		return &suite.Failure{Reason: "TOKEN_EXCHANGED's newToken is not the token the participant took", Diff: d, Exchange: ex}
	}
	expires, err := time.Parse(time.RFC3339Nano, fmt.Sprint(next[ivscases.MemberExpirationTime]))
	earliest := x.before.Add(-clockSkew).Add(time.Duration(x.duration) * time.Minute)
	latest := x.after.Add(clockSkew).Add(time.Duration(x.duration) * time.Minute)
	if err != nil || expires.Before(earliest) || expires.After(latest) {
		return suite.Mismatch(ex, fmt.Sprintf("TOKEN_EXCHANGED's newToken does not expire its duration (%v minutes) after the exchange", x.duration),
			earliest.UTC().Format(time.RFC3339)+" to "+latest.UTC().Format(time.RFC3339), next[ivscases.MemberExpirationTime])
	}
	return nil
}

// clockSkew is how far this machine's clock may be from the target's,
// for times the target stamps on what the suite did.
const clockSkew = 5 * time.Second

// exchangeTakesNewToken: after an exchange, GetParticipant shows the
// participant with the new token's user id and attributes. The user
// guide documents that the other participants see them updated; that the
// API does too is our reading.
func exchangeTakesNewToken(ctx context.Context, r *runner) *suite.Failure {
	caps, most, f := r.c.capabilities()
	if f != nil {
		return f
	}
	x, f := r.exchanged(ctx, "token-exchange-participant", false, caps[:most])
	if f != nil {
		return f
	}
	part, ex, f := r.participant(ctx, x.j)
	if f != nil {
		return f
	}
	want := map[string]any{ivscases.MemberParticipantId: x.j.ParticipantID, ivscases.MemberUserId: x.newUserID, ivscases.MemberAttributes: x.attrs}
	if x.attrs == nil {
		want[ivscases.MemberAttributes] = map[string]any{}
	}
	got := map[string]any{}
	for k := range want {
		got[k] = part[k]
	}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: "GetParticipant does not show the participant with the user id and attributes of the token it took", Diff: d, Exchange: ex}
	}
	return nil
}

// exchangeUnpublishes: a publisher that exchanges its token for one
// without PUBLISH stops publishing at once (the user guide: it
// "immediately unpublishes"): PUBLISH_STOPPED after TOKEN_EXCHANGED.
func exchangeUnpublishes(ctx context.Context, r *runner) *suite.Failure {
	if f := r.c.checkEventNames(eventJoined, eventPublishStarted, eventPublishStopped); f != nil {
		return f
	}
	caps, _, f := r.c.capabilities()
	if f != nil {
		return f
	}
	var without []any
	for _, c := range caps {
		if c != capabilityPublish {
			without = append(without, c)
		}
	}
	x, f := r.exchanged(ctx, "token-exchange-unpublish", true, without)
	if f != nil {
		return f
	}
	_, names, ex, f := r.events(ctx, x.j)
	if f != nil {
		return f
	}
	if d := cmp.Diff([]string{eventPublishStopped, eventTokenExchanged, eventPublishStarted, eventJoined}, names); d != "" {
		return &suite.Failure{Reason: "a publisher whose new token may not publish does not stop publishing", Diff: d, Exchange: ex}
	}
	return nil
}

// ---- events -------------------------------------------------------------------

// replicaFalse: every event of the live participant (it joined,
// published and exchanged its token: seedExchange) says replica with its
// documented default (the model: "Default: false") or not at all (AWS's
// list-participant-events examples print none), none being a replica's
// (defaultOrAbsent).
func replicaFalse(ctx context.Context, r *runner) *suite.Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	if f := r.seed.exchangeFailure; f != nil {
		return f.Copy()
	}
	if _, ok := r.c.DefaultValue(structEvent, ivscases.MemberReplica); !ok {
		return suite.Skipf("the contract gives %s.%s no default", structEvent, ivscases.MemberReplica)
	}
	live, f := r.Live(r.liveParticipant)
	if f != nil {
		return f
	}
	evs, _, ex, f := r.events(ctx, suite.Joined{StageArn: r.seed.stageArn, SessionID: r.seed.sessionID, ParticipantID: live})
	if f != nil {
		return f
	}
	if len(evs) == 0 {
		return suite.Mismatch(ex, "ListParticipantEvents lists no event of a participant that joined", "its events", evs)
	}
	for _, e := range evs {
		if def, ok := defaultOrAbsent(r.c, structEvent, ivscases.MemberReplica, e); !ok {
			return suite.Mismatch(ex, fmt.Sprintf("the %v event of a participant that is no replica says %s other than %v", e[ivscases.MemberName], ivscases.MemberReplica, def),
				fmt.Sprintf("absent or %v", def), e[ivscases.MemberReplica])
		}
	}
	return nil
}

// notPublishErrors are the event error codes a publish does not fail
// with, by the model's descriptions: PUBLISHER_NOT_FOUND is a subscriber's
// ("tried to subscribe to a publisher that doesn't exist"), and
// INSUFFICIENT_CAPABILITIES comes of the token, not of the stream.
var notPublishErrors = []string{"PUBLISHER_NOT_FOUND", "INSUFFICIENT_CAPABILITIES"}

// publishErrorCodes are the contract's event error codes a publish can
// fail with.
func (r *runner) publishErrorCodes() ([]string, *suite.Failure) {
	var out []string
	for _, code := range r.c.EnumOf(structEvent, ivscases.MemberErrorCode) {
		if !slices.Contains(notPublishErrors, code) {
			out = append(out, code)
		}
	}
	if len(out) == 0 {
		return nil, suite.Skipf("the contract's %s.%s has no code a publish fails with", structEvent, ivscases.MemberErrorCode)
	}
	return out, nil
}

// failer is the seeder as a PublishFailer.
func (r *runner) failer() (PublishFailer, *suite.Failure) {
	if f := r.needSeeder(); f != nil {
		return nil, f
	}
	pf, ok := r.Target().Seeder.(PublishFailer)
	if !ok {
		return nil, suite.SkipFor(suite.SeederWith("behaviour.PublishFailer"), "the seeder cannot make a publish fail")
	}
	return pf, nil
}

// publishErrorCodes: a participant whose publish fails with an error code
// has a PUBLISH_ERROR event with that code, newest, and has not
// published; for each code of the contract a publish can fail with
// (BITRATE_EXCEEDED, B_FRAME_PRESENT, ...: the model's descriptions).
func publishErrorCodes(ctx context.Context, r *runner) *suite.Failure {
	pf, f := r.failer()
	if f != nil {
		return f
	}
	codes, f := r.publishErrorCodes()
	if f != nil {
		return f
	}
	st, _, _, f := r.createStage(ctx, "publish-errors", map[string]any{})
	if f != nil {
		return f
	}
	for _, code := range codes {
		tok, _, f := r.issueToken(ctx, st[ivscases.MemberArn].(string), map[string]any{})
		if f != nil {
			return f
		}
		j, err := r.Target().Seeder.Join(ctx, tok["token"].(string))
		if err != nil {
			return seederFailure("Join", err)
		}
		if err := pf.FailPublish(ctx, j, code); err != nil {
			return seederFailure("FailPublish("+code+")", err)
		}
		evs, names, ex, f := r.events(ctx, j)
		if f != nil {
			return f
		}
		got := []any{names}
		if len(evs) > 0 {
			got = append(got, evs[0][ivscases.MemberErrorCode])
		}
		if d := cmp.Diff([]any{[]string{eventPublishError, eventJoined}, code}, got); d != "" {
			return &suite.Failure{Reason: "a publish that failed with " + code + " is not a PUBLISH_ERROR event with that code", Diff: d, Exchange: ex}
		}
		part, ex, f := r.participant(ctx, j)
		if f != nil {
			return f
		}
		if part[ivscases.MemberPublished] != false {
			return suite.Mismatch(ex, "a participant whose only publish failed ("+code+") is reported as having published", false, part[ivscases.MemberPublished])
		}
	}
	return nil
}

// publishErrorMidStream: a publisher whose stream fails stops publishing:
// PUBLISH_STOPPED after PUBLISH_ERROR.
func publishErrorMidStream(ctx context.Context, r *runner) *suite.Failure {
	if f := r.c.checkEventNames(eventJoined, eventPublishStarted, eventPublishStopped); f != nil {
		return f
	}
	pf, f := r.failer()
	if f != nil {
		return f
	}
	codes, f := r.publishErrorCodes()
	if f != nil {
		return f
	}
	_, j, f := r.joinedAlone(ctx, "publish-error-mid-stream")
	if f != nil {
		return f
	}
	if err := r.Target().Seeder.Publish(ctx, j); err != nil {
		return seederFailure("Publish", err)
	}
	if err := pf.FailPublish(ctx, j, codes[0]); err != nil {
		return seederFailure("FailPublish("+codes[0]+")", err)
	}
	_, names, ex, f := r.events(ctx, j)
	if f != nil {
		return f
	}
	if d := cmp.Diff([]string{eventPublishStopped, eventPublishError, eventPublishStarted, eventJoined}, names); d != "" {
		return &suite.Failure{Reason: "a publisher whose stream failed (" + codes[0] + ") does not stop publishing", Diff: d, Exchange: ex}
	}
	return nil
}
