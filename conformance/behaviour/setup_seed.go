package behaviour

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the seeded session: which participants the setup makes
// and what each must then look like. The lifecycle below (contract rule
// 7: a participant joining a stage without a storage configuration is not
// recorded; with one its recording moves STARTING -> ACTIVE -> STOPPING ->
// STOPPED or FAILED as it publishes and leaves) is behaviour the spec cannot
// state. The state NAMES are checked against the generated contract's
// enums before anything is seeded, so a spec that renames one fails the
// setup instead of seeding nonsense.

// Members of a listed participant the seeded expectations are about.
const ()

// The participant states of the lifecycle.
const (
	stateConnected    = "CONNECTED"
	stateDisconnected = "DISCONNECTED"

	recStarting = "STARTING"
	recActive   = "ACTIVE"
	recStopping = "STOPPING"
	recStopped  = "STOPPED"
	recFailed   = "FAILED"
	recDisabled = "DISABLED"
)

// seedRole is what a seeded participant does.
type seedRole struct {
	name string
	// unrecorded: joins while the stage has no storage configuration.
	unrecorded             bool
	publish, record, leave bool
	// finish is the recording state set last, through a suite.RecordingSetter.
	finish string
}

// seedRoles cover every state, published flag and recording state with
// participants that match and that do not.
var seedRoles = []seedRole{
	{name: "unrecorded", unrecorded: true},
	{name: "unrecorded-publishing", unrecorded: true, publish: true},
	{name: "unrecorded-left", unrecorded: true, leave: true},
	{name: "joined", publish: false},
	{name: "publishing", publish: true},
	{name: "recorded", publish: true, record: true},
	{name: "recorded-left", publish: true, record: true, leave: true},
	{name: "recorded-left-stopped", publish: true, record: true, leave: true, finish: recStopped},
	{name: "recording-failed", publish: true, record: true, finish: recFailed},
	{name: "recorded-left-failed", publish: true, record: true, leave: true, finish: recFailed},
}

// expect is what a listing must report about a participant in this role.
func (ro seedRole) expect() (state string, published bool, recording string) {
	state = stateConnected
	if ro.leave {
		state = stateDisconnected
	}
	switch {
	case ro.unrecorded:
		recording = recDisabled
	case ro.finish != "":
		recording = ro.finish
	case ro.record && ro.leave:
		recording = recStopping
	case ro.record:
		recording = recActive
	case ro.publish:
		recording = recStarting
	default:
		recording = recStopped
	}
	return state, ro.publish, recording
}

// seeded is a seeded participant and what a listing must report about it.
type seeded struct {
	suite.Joined
	role   seedRole
	userID string
}

// summary is the participant as ListParticipants must list it (the members
// the seeding decides).
func (p seeded) summary() map[string]any {
	state, published, rec := p.role.expect()
	return map[string]any{
		ivscases.MemberParticipantId: p.ParticipantID, ivscases.MemberUserId: p.userID,
		ivscases.MemberState: state, ivscases.MemberPublished: published, ivscases.MemberRecordingState: rec,
	}
}

// checkLifecycleNames fails when the contract's enums lack a state the
// lifecycle uses.
func (c contract) checkLifecycleNames() error {
	for _, chk := range []struct {
		member string
		names  []string
	}{
		{"ParticipantSummary." + ivscases.MemberState, []string{stateConnected, stateDisconnected}},
		{"ParticipantSummary." + ivscases.MemberRecordingState, []string{recStarting, recActive, recStopping, recStopped, recFailed, recDisabled}},
	} {
		st, m, _ := strings.Cut(chk.member, ".")
		values := c.EnumOf(st, m)
		for _, n := range chk.names {
			if !slices.Contains(values, n) {
				return fmt.Errorf("the contract's %s has no value %s (it has %v)", chk.member, n, values)
			}
		}
	}
	return nil
}

// seederFailure is a seeder action that failed.
func seederFailure(action string, err error) *suite.Failure {
	return &suite.Failure{Reason: fmt.Sprintf("seeder: %s: %v", action, err), Diff: cmp.Diff("done", err.Error()), Request: "seeder " + action}
}

// seedParticipants makes one participant per token act out its role in
// stage arn. Unrecorded roles go first; then, before the others join, the
// stage gets a storage configuration (nobody being recorded yet, so the
// update is allowed). All must land in one session.
func (r *runner) seedParticipants(ctx context.Context, arn string, tokens []string, roles []seedRole, users []string) ([]seeded, *suite.Failure) {
	if err := r.c.checkLifecycleNames(); err != nil {
		return nil, suite.Failf(nil, "%v", err)
	}
	s := r.Target().Seeder
	setter, _ := s.(suite.RecordingSetter)
	out := make([]seeded, 0, len(tokens))
	phase := func(unrecorded bool) *suite.Failure {
		first := len(out)
		for i, tok := range tokens {
			if roles[i].unrecorded != unrecorded {
				continue
			}
			j, err := s.Join(ctx, tok)
			if err != nil {
				return seederFailure(fmt.Sprintf("Join(a token of stage %s)", arn), err)
			}
			out = append(out, seeded{Joined: j, role: roles[i], userID: users[i]})
		}
		for _, p := range out[first:] {
			ro, who := p.role, fmt.Sprintf("participant %s of stage %s", p.ParticipantID, p.StageArn)
			if ro.publish {
				if err := s.Publish(ctx, p.Joined); err != nil {
					return seederFailure("Publish("+who+")", err)
				}
			}
			if ro.record {
				if err := s.StartRecording(ctx, p.Joined); err != nil {
					return seederFailure("StartRecording("+who+")", err)
				}
			}
			if ro.leave {
				if err := s.Leave(ctx, p.Joined); err != nil {
					return seederFailure("Leave("+who+")", err)
				}
			}
			if ro.finish != "" {
				if setter == nil {
					return suite.Failf(nil, "role %s needs a suite.RecordingSetter", ro.name)
				}
				if err := setter.SetRecording(ctx, p.Joined, ro.finish); err != nil {
					return seederFailure(fmt.Sprintf("SetRecording(%s, %s)", who, ro.finish), err)
				}
			}
		}
		return nil
	}
	if f := phase(true); f != nil {
		return nil, f
	}
	storage, f := r.storageArn()
	if f != nil {
		return nil, f
	}
	if f := r.setRecordingConfig(ctx, arn, map[string]any{ivscases.MemberStorageConfigurationArn: storage}); f != nil {
		return nil, f
	}
	if f := phase(false); f != nil {
		return nil, f
	}
	for _, p := range out[1:] {
		if p.SessionID != out[0].SessionID || p.StageArn != arn {
			return nil, &suite.Failure{Reason: "the seeded participants did not all join one session of the stage",
				Diff:    cmp.Diff(suite.Joined{StageArn: arn, SessionID: out[0].SessionID}, suite.Joined{StageArn: p.StageArn, SessionID: p.SessionID}),
				Request: "seeder Join"}
		}
	}
	return out, nil
}

// setRecordingConfig sets a stage's recording configuration with UpdateStage.
func (r *runner) setRecordingConfig(ctx context.Context, arn string, rec map[string]any) *suite.Failure {
	update := r.c.Operation(ivscases.OpUpdateStage)
	if update == nil {
		return suite.Failf(nil, "the contract has no UpdateStage to turn recording on with")
	}
	_, _, f := r.SendJSON(ctx, update, map[string]any{ivscases.MemberArn: arn, ivscases.MemberAutoParticipantRecordingConfiguration: rec})
	if f != nil {
		f.Reason = "UpdateStage turning recording on: " + f.Reason
	}
	return f
}

// rolesFor assigns roles to n participants, round robin over the roles the
// seeder can act out.
func (r *runner) rolesFor(n int) (roles []seedRole, lacks string) {
	var usable []seedRole
	_, canSet := r.Target().Seeder.(suite.RecordingSetter)
	for _, ro := range seedRoles {
		if ro.finish != "" && !canSet {
			lacks = "the seeder cannot set recording states (no RecordingSetter)"
			continue
		}
		usable = append(usable, ro)
	}
	for i := range n {
		roles = append(roles, usable[i%len(usable)])
	}
	return roles, lacks
}

// issueTokens mints tokens for more participants, from..to, through
// CreateParticipantToken when the contract has it: AWS's own operation, so
// the setup seeds more participants than one CreateStage issues tokens
// for, on any target.
func (r *runner) issueTokens(ctx context.Context, arn string, from, to int) ([]string, *suite.Failure) {
	op := r.c.Operation(ivscases.OpCreateParticipantToken)
	if op == nil {
		return nil, nil
	}
	var out []string
	for i := from; i < to; i++ {
		doc, ex, f := r.SendJSON(ctx, op, map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberUserId: r.seedUser(i)})
		if f != nil {
			f.Reason = fmt.Sprintf("%s(stage %s): %s", ivscases.OpCreateParticipantToken, arn, f.Reason)
			return nil, f
		}
		tok, _ := suite.FirstValue(doc, "participantToken", "token").(string)
		if tok == "" {
			return nil, suite.Mismatch(ex, ivscases.OpCreateParticipantToken+" answered without participantToken.token", "a token", suite.FirstValue(doc, ivscases.MemberParticipantToken, "token"))
		}
		out = append(out, tok)
	}
	return out, nil
}

// seedSession fills the live stage's session: the tokens CreateStage
// issued, and more up to seedCount when the seeder can issue them.
func (r *runner) seedSession(ctx context.Context, arn string, tokens []string) *suite.Failure {
	more, f := r.issueTokens(ctx, arn, len(tokens), seedCount)
	if f != nil {
		return f
	}
	tokens = append(tokens, more...)
	users := make([]string, len(tokens))
	for i := range users {
		users[i] = r.seedUser(i)
	}
	roles, lacks := r.rolesFor(len(tokens))
	ps, f := r.seedParticipants(ctx, arn, tokens, roles, users)
	if f != nil {
		return f
	}
	r.seed.participants, r.seed.sessionID, r.seed.lacks = ps, ps[0].SessionID, lacks
	return nil
}
