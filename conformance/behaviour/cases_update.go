package behaviour

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the UpdateStage cases: an update changes only the
// members it names, and the reset rule of the recording configuration.

// partialUpdate creates a stage with a name, tags and a recording
// configuration, updates it with update only, and wants the stage (in the
// answer and from GetStage) changed in exactly the members given.
func partialUpdate(ctx context.Context, r *runner, update map[string]any) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	rec, f := r.recordingConfig()
	if f != nil {
		return f
	}
	names, f := r.c.stageNames(1)
	if f != nil {
		return f
	}
	before, _, _, f := r.createStage(ctx, "partial-update", map[string]any{ivscases.MemberName: names[0], ivscases.MemberAutoParticipantRecordingConfiguration: rec})
	if f != nil {
		return f
	}
	want := maps.Clone(before)
	for k, v := range update {
		if k == ivscases.MemberAutoParticipantRecordingConfiguration {
			v = r.c.withDefaults(structRecording, v.(map[string]any))
		}
		want[k] = v
	}
	body := maps.Clone(update)
	body[ivscases.MemberArn] = before[ivscases.MemberArn]
	return r.wantStage(ctx, body, want, func(string) bool { return true },
		fmt.Sprintf("UpdateStage with only %v changes other members of the stage", slices.Sorted(maps.Keys(update))))
}

// wantStage sends UpdateStage body and wants the stage, in the answer and
// from GetStage after it, to equal want in the members keep selects (as
// far as the spec knows them: see suite.Contract.Diff).
func (r *runner) wantStage(ctx context.Context, body, want map[string]any, keep func(member string) bool, reason string) *suite.Failure {
	pick := func(st map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range st {
			if keep(k) {
				out[k] = v
			}
		}
		return out
	}
	doc, ex, f := r.do(ctx, ivscases.OpUpdateStage, body)
	if f != nil {
		return f
	}
	got, f := r.stageOf(ex, doc)
	if f != nil {
		return f
	}
	stage := suite.StructType(structStage)
	if d := r.c.Diff(stage, pick(want), pick(got)); d != "" {
		return &suite.Failure{Reason: reason + " (UpdateStage's answer)", Diff: d, Exchange: ex}
	}
	got, ex, f = r.getStage(ctx, body[ivscases.MemberArn].(string))
	if f != nil {
		return f
	}
	if d := r.c.Diff(stage, pick(want), pick(got)); d != "" {
		return &suite.Failure{Reason: reason + " (GetStage after it)", Diff: d, Exchange: ex}
	}
	return nil
}

// recordingReset creates a stage that records with a non-default media
// type, then sets the storage configuration to the reset value (with that
// media type given again, or not): the media types must be back at their
// default.
func recordingReset(ctx context.Context, r *runner, mediaGiven bool) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	rs, f := r.resetValue()
	if f != nil {
		return f
	}
	rec, f := r.recordingConfig()
	if f != nil {
		return f
	}
	before, _, _, f := r.createStage(ctx, "recording-reset", map[string]any{ivscases.MemberAutoParticipantRecordingConfiguration: rec})
	if f != nil {
		return f
	}
	update := map[string]any{ivscases.MemberStorageConfigurationArn: rs.Equals}
	if mediaGiven {
		update[ivscases.MemberMediaTypes] = rec[ivscases.MemberMediaTypes]
	}
	want := maps.Clone(before)
	want[ivscases.MemberAutoParticipantRecordingConfiguration] = r.c.withDefaults(structRecording, update)
	return r.wantStage(ctx, map[string]any{ivscases.MemberArn: before[ivscases.MemberArn], ivscases.MemberAutoParticipantRecordingConfiguration: update}, want,
		func(m string) bool { return m == ivscases.MemberAutoParticipantRecordingConfiguration },
		fmt.Sprintf("%s %s=%q does not reset the other members of the recording configuration to their defaults", ivscases.OpUpdateStage, rs.Member, rs.Equals))
}

// createReset: CreateStage with the reset value and a media type gives
// the default media types.
func createReset(ctx context.Context, r *runner) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	rs, f := r.resetValue()
	if f != nil {
		return f
	}
	media, f := r.otherMediaType()
	if f != nil {
		return f
	}
	rec := map[string]any{ivscases.MemberStorageConfigurationArn: rs.Equals, ivscases.MemberMediaTypes: []any{media}}
	st, _, ex, f := r.createStage(ctx, "recording-reset", map[string]any{ivscases.MemberAutoParticipantRecordingConfiguration: rec})
	if f != nil {
		return f
	}
	if d := r.c.Diff(suite.StructType(structRecording), r.c.withDefaults(structRecording, rec), st[ivscases.MemberAutoParticipantRecordingConfiguration]); d != "" {
		return &suite.Failure{Reason: fmt.Sprintf("CreateStage with %s=%q does not reset the other members of the recording configuration to their defaults",
			rs.Member, rs.Equals), Diff: d, Exchange: ex}
	}
	return nil
}
