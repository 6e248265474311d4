package behaviour

import (
	"context"
	"fmt"
	"maps"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the cases of the recording lock: the recording
// configuration cannot change while a participant of the stage is recorded.

// recordedStage creates a stage that records, with one participant who
// joins and acts out role; it checks the participant's recording state is
// then wantState, and returns the stage as GetStage shows it.
func recordedStage(ctx context.Context, r *runner, role seedRole, wantState string) (map[string]any, suite.Joined, *suite.Failure) {
	if f := r.needSeeder(); f != nil {
		return nil, suite.Joined{}, f
	}
	if role.finish != "" {
		if _, ok := r.Target().Seeder.(suite.RecordingSetter); !ok {
			return nil, suite.Joined{}, suite.SkipFor(suite.SetRecordingSetter, "the seeder cannot set a recording to %s (no RecordingSetter)", role.finish)
		}
	}
	if err := r.c.checkLifecycleNames(); err != nil {
		return nil, suite.Joined{}, suite.Failf(nil, "%v", err)
	}
	storage, f := r.storageArn()
	if f != nil {
		return nil, suite.Joined{}, f
	}
	users, f := r.c.userIDs(1)
	if f != nil {
		return nil, suite.Joined{}, f
	}
	st, tokens, ex, f := r.createStage(ctx, "conflict-while-recording", map[string]any{
		ivscases.MemberAutoParticipantRecordingConfiguration: map[string]any{ivscases.MemberStorageConfigurationArn: storage},
		ivscases.MemberParticipantTokenConfigurations:        []any{map[string]any{ivscases.MemberUserId: users[0]}},
	})
	if f != nil {
		return nil, suite.Joined{}, f
	}
	tok, _ := suite.FirstValue(tokens, "[]", "token").(string)
	if tok == "" {
		return nil, suite.Joined{}, suite.Mismatch(ex, "CreateStage issued no token for its one configuration", 1, len(tokens))
	}
	arn := st[ivscases.MemberArn].(string)
	one := seedRole{name: "recorded", publish: role.publish, record: role.record, leave: role.leave, finish: role.finish}
	ps, f := r.seedParticipants(ctx, arn, []string{tok}, []seedRole{one}, users)
	if f != nil {
		return nil, suite.Joined{}, f
	}
	p := ps[0].Joined
	doc, ex, f := r.do(ctx, ivscases.OpGetParticipant, map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberSessionId: p.SessionID, ivscases.MemberParticipantId: p.ParticipantID})
	if f != nil {
		return nil, p, f
	}
	if got := suite.FirstValue(doc, "participant", ivscases.MemberRecordingState); got != wantState {
		return nil, p, suite.Mismatch(ex, fmt.Sprintf("the participant's recording is not %s after it acted that out", wantState), wantState, got)
	}
	before, _, f := r.getStage(ctx, arn)
	return before, p, f
}

// conflictWhileRecording wants UpdateStage of the recording configuration
// refused with ConflictException while the stage's participant is
// recorded in state, and the stage unchanged.
func conflictWhileRecording(ctx context.Context, r *runner, role seedRole, state string) *suite.Failure {
	rs, f := r.resetValue()
	if f != nil {
		return f
	}
	before, _, f := recordedStage(ctx, r, role, state)
	if f != nil {
		return f
	}
	arn := before[ivscases.MemberArn].(string)
	if f := r.doError(ctx, ivscases.OpUpdateStage, map[string]any{ivscases.MemberArn: arn, ivscases.MemberAutoParticipantRecordingConfiguration: map[string]any{ivscases.MemberStorageConfigurationArn: rs.Equals}}, errConflict); f != nil {
		f.Reason = fmt.Sprintf("UpdateStage of the recording configuration while a participant's recording is %s: %s", state, f.Reason)
		return f
	}
	after, ex, f := r.getStage(ctx, arn)
	if f != nil {
		return f
	}
	if d := r.c.Diff(suite.StructType(structStage), before, after); d != "" {
		return &suite.Failure{Reason: "the stage changed although UpdateStage was refused with " + errConflict, Diff: d, Exchange: ex}
	}
	return nil
}

// allowedOnceStopped: once the participant left and its recording
// stopped, the configuration may change.
func allowedOnceStopped(ctx context.Context, r *runner) *suite.Failure {
	rs, f := r.resetValue()
	if f != nil {
		return f
	}
	before, _, f := recordedStage(ctx, r, seedRole{publish: true, record: true, leave: true, finish: recStopped}, recStopped)
	if f != nil {
		return f
	}
	update := map[string]any{ivscases.MemberStorageConfigurationArn: rs.Equals}
	want := maps.Clone(before)
	want[ivscases.MemberAutoParticipantRecordingConfiguration] = r.c.withDefaults(structRecording, update)
	return r.wantStage(ctx, map[string]any{ivscases.MemberArn: before[ivscases.MemberArn], ivscases.MemberAutoParticipantRecordingConfiguration: update}, want,
		func(m string) bool { return m == ivscases.MemberAutoParticipantRecordingConfiguration },
		"UpdateStage of the recording configuration once every recording stopped does not apply it")
}

// nameWhileRecording: only the recording configuration is blocked; the
// name may change while a participant is recorded.
func nameWhileRecording(ctx context.Context, r *runner) *suite.Failure {
	before, _, f := recordedStage(ctx, r, seedRole{publish: true, record: true}, recActive)
	if f != nil {
		return f
	}
	names, f := r.c.stageNames(2)
	if f != nil {
		return f
	}
	want := maps.Clone(before)
	// A name the stage does not have yet.
	want[ivscases.MemberName] = names[0]
	if before[ivscases.MemberName] == names[0] {
		want[ivscases.MemberName] = names[1]
	}
	return r.wantStage(ctx, map[string]any{ivscases.MemberArn: before[ivscases.MemberArn], ivscases.MemberName: want[ivscases.MemberName]}, want,
		func(m string) bool {
			return m == ivscases.MemberName || m == ivscases.MemberAutoParticipantRecordingConfiguration
		},
		"UpdateStage of the name alone while a participant is recorded does not apply it")
}
