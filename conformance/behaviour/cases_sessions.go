package behaviour

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of tokens, sessions and events: a
// token from CreateParticipantToken takes the defaults and joins as its
// participantId, a session is listed and read back with its start and
// end, a participant's events are listed newest first where their times
// differ, and DisconnectParticipant disconnects and revokes. Each case
// makes a stage of its own and has one participant join it, so it needs
// a seeder.

const (
	structCreateToken = "CreateParticipantTokenRequest"
	structSession     = "StageSession"
)

// The events of a participant who joins, publishes and leaves. The names
// are checked against the contract's EventName enum before a case relies
// on them, as the lifecycle's states are (setup_seed.go).
const (
	eventJoined         = "JOINED"
	eventLeft           = "LEFT"
	eventPublishStarted = "PUBLISH_STARTED"
	eventPublishStopped = "PUBLISH_STOPPED"
)

// checkEventNames fails when the contract's Event.name enum lacks a name
// the events case wants.
func (c contract) checkEventNames(names ...string) *suite.Failure {
	values := c.EnumOf("Event", ivscases.MemberName)
	for _, n := range names {
		if !slices.Contains(values, n) {
			return suite.Failf(nil, "the contract's Event.%s has no value %s (it has %v)", ivscases.MemberName, n, values)
		}
	}
	return nil
}

// issueToken asks CreateParticipantToken for a token of stage arn with
// the members of extra, and returns the answer's participantToken.
func (r *runner) issueToken(ctx context.Context, arn string, extra map[string]any) (map[string]any, *suite.Exchange, *suite.Failure) {
	body := map[string]any{ivscases.MemberStageArn: arn}
	for k, v := range extra {
		body[k] = v
	}
	doc, ex, f := r.do(ctx, ivscases.OpCreateParticipantToken, body)
	if f != nil {
		return nil, ex, f
	}
	tok, _ := doc[ivscases.MemberParticipantToken].(map[string]any)
	if s, _ := tok["token"].(string); s == "" {
		return nil, ex, suite.Mismatch(ex, ivscases.OpCreateParticipantToken+" answered without participantToken.token", "a token", suite.FirstValue(doc, ivscases.MemberParticipantToken, "token"))
	}
	return tok, ex, nil
}

// joinedAlone makes a stage of the case's own, issues one token for it
// with CreateParticipantToken (the spec's first userId sample, nothing
// else) and has the seeder join with it. The participant is alone in a
// session of its own.
func (r *runner) joinedAlone(ctx context.Context, caseTag string) (tok map[string]any, j suite.Joined, f *suite.Failure) {
	if f := r.needSeeder(); f != nil {
		return nil, suite.Joined{}, f
	}
	if r.c.Operation(ivscases.OpCreateParticipantToken) == nil {
		return nil, suite.Joined{}, suite.Skipf("the contract has no %s to issue the participant's token with", ivscases.OpCreateParticipantToken)
	}
	users, f := r.c.userIDs(1)
	if f != nil {
		return nil, suite.Joined{}, f
	}
	st, _, _, f := r.createStage(ctx, caseTag, map[string]any{})
	if f != nil {
		return nil, suite.Joined{}, f
	}
	tok, _, f = r.issueToken(ctx, st[ivscases.MemberArn].(string), map[string]any{ivscases.MemberUserId: users[0]})
	if f != nil {
		return nil, suite.Joined{}, f
	}
	j, err := r.Target().Seeder.Join(ctx, tok["token"].(string))
	if err != nil {
		return nil, suite.Joined{}, seederFailure("Join(the token "+ivscases.OpCreateParticipantToken+" issued)", err)
	}
	return tok, j, nil
}

// tokenDefaults asks for a token without duration or capabilities. With
// echo it wants the token to repeat the spec's defaults of both; without,
// it wants the token to expire the default duration after its issue.
func tokenDefaults(ctx context.Context, r *runner, echo bool) *suite.Failure {
	arn, f := r.Live(r.liveStage)
	if f != nil {
		return f
	}
	tok, ex, f := r.issueToken(ctx, arn, map[string]any{})
	if f != nil {
		return f
	}
	if !echo {
		return r.wantExpiration(ex, structCreateToken, tok["expirationTime"])
	}
	// A member the token leaves out is no failure: AWS's
	// create-participant-token example shows a token without either.
	compared := 0
	for _, m := range []string{ivscases.MemberDuration, ivscases.MemberCapabilities} {
		if tok[m] == nil {
			continue
		}
		compared++
		if f := r.wantDefault(ex, structCreateToken, m, tok[m]); f != nil {
			f.Reason = ivscases.OpCreateParticipantToken + ": " + f.Reason
			return f
		}
	}
	if compared == 0 {
		return suite.Skipf("the token carries neither %s nor %s to compare with their defaults", ivscases.MemberDuration, ivscases.MemberCapabilities)
	}
	return nil
}

// wantExpiration wants expirationTime to be the issue time (the answer's
// Date, else when the request went) plus structName's default duration.
func (r *runner) wantExpiration(ex *suite.Exchange, structName string, raw any) *suite.Failure {
	dur, ok := r.c.DefaultValue(structName, ivscases.MemberDuration)
	minutes, isNum := dur.(float64)
	if !ok || !isNum {
		return suite.Skipf("the spec gives %s.%s no numeric default", structName, ivscases.MemberDuration)
	}
	s, _ := raw.(string)
	got, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return suite.Mismatch(ex, "the token has no ISO 8601 expirationTime", "an ISO 8601 string such as 2024-06-20T17:04:05Z", raw)
	}
	issued, tolerance := issueTime(ex)
	want := issued.Add(time.Duration(minutes) * time.Minute).UTC()
	if d := got.Sub(want); d > tolerance || d < -tolerance {
		return &suite.Failure{Reason: fmt.Sprintf("a token without %s does not expire the default %v minutes after its issue (tolerance %v)", ivscases.MemberDuration, minutes, tolerance),
			Diff: cmp.Diff(want.Format(time.RFC3339), got.UTC().Format(time.RFC3339)), Exchange: ex}
	}
	return nil
}

// tokenJoinsAsItsParticipant wants the participant who joins with a token
// from CreateParticipantToken to have the token's participantId.
func tokenJoinsAsItsParticipant(ctx context.Context, r *runner) *suite.Failure {
	tok, j, f := r.joinedAlone(ctx, "token-joins")
	if f != nil {
		return f
	}
	op, f := r.operation(ivscases.OpListParticipants)
	if f != nil {
		return f
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberSessionId: j.SessionID}, 0)
	if f != nil {
		return f
	}
	var listed []string
	for _, it := range items {
		listed = append(listed, participantID(it))
	}
	if d := cmp.Diff([]string{fmt.Sprint(tok[ivscases.MemberParticipantId])}, listed); d != "" {
		return &suite.Failure{Reason: "the participant who joined with a token of " + ivscases.OpCreateParticipantToken + " is not listed under the token's participantId", Diff: d, Exchange: ex}
	}
	return nil
}

// sessionTimes has a participant join a stage of its own and wants
// ListStageSessions to list the session, and GetStageSession to give the
// same, with a startTime and no endTime while it is live. With ended the
// participant then leaves, which ends the session, and both must show
// the same session with an endTime not before its startTime.
func sessionTimes(ctx context.Context, r *runner, ended bool) *suite.Failure {
	_, j, f := r.joinedAlone(ctx, "session-times")
	if f != nil {
		return f
	}
	if ended {
		if err := r.Target().Seeder.Leave(ctx, j); err != nil {
			return seederFailure("Leave", err)
		}
	}
	op, f := r.operation(ivscases.OpListStageSessions)
	if f != nil {
		return f
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{ivscases.MemberStageArn: j.StageArn}, 0)
	if f != nil {
		return f
	}
	var listed []any
	for _, it := range items {
		if m, _ := it.(map[string]any); m != nil && m[ivscases.MemberSessionId] == j.SessionID {
			listed = append(listed, m)
		}
	}
	if len(listed) != 1 {
		return suite.Mismatch(ex, ivscases.OpListStageSessions+" does not list the session the participant joined once", 1, len(listed))
	}
	summary := listed[0].(map[string]any)
	if f := wantSessionTimes(ex, ivscases.OpListStageSessions, summary, ended); f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, ivscases.OpGetStageSession, map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberSessionId: j.SessionID})
	if f != nil {
		return f
	}
	got, _ := doc[ivscases.MemberStageSession].(map[string]any)
	if d := r.c.Diff(suite.StructType(structSession), summary, got); d != "" {
		return &suite.Failure{Reason: ivscases.OpGetStageSession + " does not give the session as " + ivscases.OpListStageSessions + " lists it", Diff: d, Exchange: ex}
	}
	return nil
}

// wantSessionTimes wants a session's startTime, and its endTime exactly
// when it ended, not before the start.
func wantSessionTimes(ex *suite.Exchange, opName string, s map[string]any, ended bool) *suite.Failure {
	start, err := time.Parse(time.RFC3339Nano, fmt.Sprint(s[ivscases.MemberStartTime]))
	if err != nil {
		return suite.Mismatch(ex, opName+" gives the session no ISO 8601 startTime", "an ISO 8601 string", s[ivscases.MemberStartTime])
	}
	raw, has := s[ivscases.MemberEndTime]
	if !ended {
		if has {
			return suite.Mismatch(ex, opName+" gives a live session an endTime", nil, raw)
		}
		return nil
	}
	end, err := time.Parse(time.RFC3339Nano, fmt.Sprint(raw))
	if err != nil {
		return suite.Mismatch(ex, opName+" gives the session its only participant left no ISO 8601 endTime", "an ISO 8601 string", raw)
	}
	if end.Before(start) {
		return suite.Mismatch(ex, opName+" gives the session an endTime before its startTime", "not before "+start.Format(time.RFC3339Nano), raw)
	}
	return nil
}

// eventsNewestFirst has a participant join, publish and leave (with
// disconnect, be disconnected by DisconnectParticipant instead), and wants
// ListParticipantEvents to list its events, LEFT, PUBLISH_STOPPED,
// PUBLISH_STARTED and JOINED, each its own, and no other event of a name
// the spec knows, newest first where their eventTimes differ.
func eventsNewestFirst(ctx context.Context, r *runner, disconnect bool) *suite.Failure {
	want := []string{eventLeft, eventPublishStopped, eventPublishStarted, eventJoined}
	if f := r.c.checkEventNames(want...); f != nil {
		return f
	}
	_, j, f := r.joinedAlone(ctx, "events")
	if f != nil {
		return f
	}
	if err := r.Target().Seeder.Publish(ctx, j); err != nil {
		return seederFailure("Publish", err)
	}
	how := "join, publish and leave"
	if disconnect {
		how = "join, publish and disconnection by " + ivscases.OpDisconnectParticipant
		if _, _, f := r.do(ctx, ivscases.OpDisconnectParticipant, map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberParticipantId: j.ParticipantID}); f != nil {
			return f
		}
	} else if err := r.Target().Seeder.Leave(ctx, j); err != nil {
		return seederFailure("Leave", err)
	}
	op, f := r.operation(ivscases.OpListParticipantEvents)
	if f != nil {
		return f
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberSessionId: j.SessionID, ivscases.MemberParticipantId: j.ParticipantID}, 0)
	if f != nil {
		return f
	}
	// Events of a name the spec does not know are a newer service's
	// (AWS adds event names: REPLICATION_STARTED, TOKEN_EXCHANGED, ...):
	// what they mean, and where they fall, is not the spec's to say. The
	// order of the events it knows is the rule.
	known := r.c.EnumOf("Event", ivscases.MemberName)
	var names []string
	var times []time.Time
	for _, it := range items {
		m, _ := it.(map[string]any)
		if name, ok := m[ivscases.MemberName].(string); ok && !slices.Contains(known, name) {
			continue
		}
		if m[ivscases.MemberParticipantId] != j.ParticipantID {
			return suite.Mismatch(ex, ivscases.OpListParticipantEvents+" lists an event of another participant", j.ParticipantID, m[ivscases.MemberParticipantId])
		}
		names = append(names, fmt.Sprint(m[ivscases.MemberName]))
		t, err := time.Parse(time.RFC3339Nano, fmt.Sprint(m[ivscases.MemberEventTime]))
		if err != nil {
			return suite.Mismatch(ex, ivscases.OpListParticipantEvents+" lists an event without an ISO 8601 eventTime", "an ISO 8601 string", m[ivscases.MemberEventTime])
		}
		times = append(times, t)
	}
	// The events are those four; their order is asserted only where their
	// times differ: AWS's list-participant-events example lists JOINED
	// before a PUBLISH_STARTED of the same second, LEFT before a
	// PUBLISH_STOPPED of the same second.
	if d := cmp.Diff(slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(names))); d != "" {
		return &suite.Failure{Reason: ivscases.OpListParticipantEvents + " does not list the events of a participant's " + how, Diff: d, Exchange: ex}
	}
	for i := 1; i < len(times); i++ {
		if times[i].After(times[i-1]) {
			return suite.Mismatch(ex, ivscases.OpListParticipantEvents+" lists an event before an older one", "eventTimes newest first", times)
		}
	}
	return nil
}

// disconnects has a participant join, disconnects it with
// DisconnectParticipant, and wants GetParticipant to show it DISCONNECTED.
// Whether its token joins again is not asked: the models of 2024-06-20 and
// 2025-07-31 said DisconnectParticipant revokes the participant for good,
// today's says only that it disconnects it.
func disconnects(ctx context.Context, r *runner) *suite.Failure {
	if err := r.c.checkLifecycleNames(); err != nil {
		return suite.Failf(nil, "%v", err)
	}
	_, j, f := r.joinedAlone(ctx, "disconnect")
	if f != nil {
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpDisconnectParticipant, map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberParticipantId: j.ParticipantID}); f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, ivscases.OpGetParticipant, map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberSessionId: j.SessionID, ivscases.MemberParticipantId: j.ParticipantID})
	if f != nil {
		return f
	}
	if got := suite.FirstValue(doc, "participant", ivscases.MemberState); got != stateDisconnected {
		return suite.Mismatch(ex, "GetParticipant does not show a participant "+ivscases.OpDisconnectParticipant+" disconnected as disconnected", stateDisconnected, got)
	}
	return nil
}

// deleteEndsTheSession has a participant join a stage of its own, deletes
// the stage, and wants the session GetStageSession gives afterwards ended
// (an endTime not before its startTime): deleting a stage disconnects
// everyone in it. That the deleted stage's session can still be read is our
// reading; a target that answers ResourceNotFoundException for it leaves
// the rule unseen, and the case says so as a skip.
func deleteEndsTheSession(ctx context.Context, r *runner) *suite.Failure {
	_, j, f := r.joinedAlone(ctx, "delete-ends-session")
	if f != nil {
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpDeleteStage, map[string]any{ivscases.MemberArn: j.StageArn}); f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, ivscases.OpGetStageSession, map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberSessionId: j.SessionID})
	if f != nil && ex != nil && ex.Status == http.StatusNotFound {
		return suite.Skipf("%s forgets a deleted stage's session, so whether DeleteStage ended it cannot be seen", ivscases.OpGetStageSession)
	}
	if f != nil {
		return f
	}
	s, _ := doc[ivscases.MemberStageSession].(map[string]any)
	return wantSessionTimes(ex, ivscases.OpGetStageSession+" after DeleteStage", s, true)
}
