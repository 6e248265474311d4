package behaviour

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the parts of the behaviour cases' rules that one answer
// shows on its own, given the request it answers: identifier formats,
// defaults, the echo of a recording configuration, endpoints, what a
// participant that is not replicated reports, the members of events. The
// cases call them on the answers they provoke; AnswerChecks gives them to
// whoever holds answers it did not provoke (AWS's published examples,
// conformance/published_test.go), so a rule has one statement.

// AnswerCheck is the part of a behaviour case's rule that a single answer
// shows.
type AnswerCheck struct {
	// Case is the name of the case whose rule it is: its Source is the
	// rule's source.
	Case string
	// Operations are the operations whose answers show it.
	Operations []string
	// Check judges answer, the 200 answer of op to request (both decoded
	// JSON objects); ex is the exchange the failure shows. A check that
	// finds nothing to judge in the answer returns nil.
	Check func(c *suite.Contract, op string, request, answer map[string]any, ex *suite.Exchange) *suite.Failure
}

// AnswerChecks are the single-answer parts of the behaviour cases' rules.
func AnswerChecks() []AnswerCheck {
	stageOps := []string{ivscases.OpCreateStage, ivscases.OpGetStage, ivscases.OpUpdateStage}
	return []AnswerCheck{
		{Case: "CreateStage/behaviour/identifiers/stage-arn-format", Operations: stageOps,
			Check: func(sc *suite.Contract, _ string, _, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				st, _ := answer[ivscases.MemberStage].(map[string]any)
				if st == nil {
					return nil
				}
				return identifierFormat(contract{sc}, ex, structStage, ivscases.MemberArn, st[ivscases.MemberArn], nil)
			}},
		{Case: "ListParticipants/behaviour/identifiers/session-and-participant-id-formats",
			Operations: append(slices.Clone(stageOps), ivscases.OpListStages, ivscases.OpListParticipants, ivscases.OpGetParticipant,
				ivscases.OpCreateParticipantToken, ivscases.OpListParticipantEvents),
			Check: func(sc *suite.Contract, op string, _, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				return answerIDs(contract{sc}, op, answer, ex)
			}},
		{Case: "CreateStorageConfiguration/behaviour/identifiers/arn-format-in-the-request-region",
			Operations: []string{ivscases.OpCreateStorageConfiguration, ivscases.OpGetStorageConfiguration},
			Check: func(sc *suite.Contract, _ string, _, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				s, _ := answer[ivscases.MemberStorageConfiguration].(map[string]any)
				if s == nil {
					return nil
				}
				return identifierFormat(contract{sc}, ex, structStorage, ivscases.MemberArn, s[ivscases.MemberArn], nil)
			}},
		{Case: "CreateStage/defaults/stage.tags", Operations: []string{ivscases.OpCreateStage},
			Check: func(sc *suite.Contract, _ string, request, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				return defaultWhenOmitted(contract{sc}, ex, request, answer, ivscases.MemberTags)
			}},
		{Case: "CreateStage/defaults/stage.autoParticipantRecordingConfiguration", Operations: []string{ivscases.OpCreateStage},
			Check: func(sc *suite.Contract, _ string, request, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				return defaultWhenOmitted(contract{sc}, ex, request, answer, ivscases.MemberAutoParticipantRecordingConfiguration)
			}},
		{Case: "CreateStage/behaviour/round-trip/every-recording-member", Operations: []string{ivscases.OpCreateStage},
			Check: func(sc *suite.Contract, _ string, request, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				rec, given := request[ivscases.MemberAutoParticipantRecordingConfiguration].(map[string]any)
				st, _ := answer[ivscases.MemberStage].(map[string]any)
				if !given || st == nil {
					return nil
				}
				return wantRecording(ex, st, contract{sc}.withDefaults(structRecording, rec), "CreateStage does not echo every member of the recording configuration it was given")
			}},
		{Case: "CreateStage/behaviour/round-trip/stage", Operations: []string{ivscases.OpCreateStage},
			Check: func(sc *suite.Contract, _ string, request, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				st, _ := answer[ivscases.MemberStage].(map[string]any)
				if st == nil {
					return nil
				}
				return createdAsGiven(contract{sc}, ex, structCreate, structStage, request, st, stageEchoed, stageEchoedReason)
			}},
		{Case: "CreateStorageConfiguration/behaviour/round-trip/get-and-list", Operations: []string{ivscases.OpCreateStorageConfiguration},
			Check: func(sc *suite.Contract, _ string, request, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				s, _ := answer[ivscases.MemberStorageConfiguration].(map[string]any)
				if s == nil {
					return nil
				}
				return createdAsGiven(contract{sc}, ex, structCreateStorage, structStorage, request, s, storageEchoed, storageEchoedReason)
			}},
		{Case: "CreateStage/behaviour/endpoints/documented-form", Operations: stageOps,
			Check: func(sc *suite.Contract, _ string, _, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				st, _ := answer[ivscases.MemberStage].(map[string]any)
				if st == nil {
					return nil
				}
				return endpointsOf(contract{sc}, ex, st)
			}},
		{Case: "GetParticipant/behaviour/replication/not-replicated-participant", Operations: []string{ivscases.OpGetParticipant},
			Check: func(sc *suite.Contract, op string, _, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				p, _ := answer[ivscases.MemberParticipant].(map[string]any)
				if p == nil || !notClaimedReplicated(contract{sc}, structParticipant, p) {
					return nil
				}
				return notReplicatedMembers(contract{sc}, ex, op, structParticipant, p)
			}},
		{Case: "ListParticipants/behaviour/replication/not-replicated-participants", Operations: []string{ivscases.OpListParticipants},
			Check: func(sc *suite.Contract, op string, _, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				ps, _ := answer[ivscases.MemberParticipants].([]any)
				for _, it := range ps {
					p, _ := it.(map[string]any)
					if p == nil || !notClaimedReplicated(contract{sc}, structSummary, p) {
						continue
					}
					if f := notReplicatedMembers(contract{sc}, ex, op, structSummary, p); f != nil {
						return f
					}
				}
				return nil
			}},
		{Case: "ListParticipantEvents/behaviour/events/members-as-documented", Operations: []string{ivscases.OpListParticipantEvents},
			Check: func(sc *suite.Contract, _ string, request, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				id, _ := request[ivscases.MemberParticipantId].(string)
				evs, _ := answer[ivscases.MemberEvents].([]any)
				for _, it := range evs {
					e, _ := it.(map[string]any)
					if f := eventMembersOf(contract{sc}, ex, id, e, ""); f != nil {
						return f
					}
				}
				return nil
			}},
		{Case: "ListParticipantEvents/behaviour/events/two-participants-each-its-own", Operations: []string{ivscases.OpListParticipantEvents},
			Check: func(sc *suite.Contract, _ string, request, answer map[string]any, ex *suite.Exchange) *suite.Failure {
				id, _ := request[ivscases.MemberParticipantId].(string)
				evs, _ := answer[ivscases.MemberEvents].([]any)
				for _, it := range evs {
					e, _ := it.(map[string]any)
					if f := ownEvent(ex, id, e); f != nil {
						return f
					}
				}
				return nil
			}},
	}
}

// identifierFormat fails when value is not an identifier of the format of
// Struct.member, with vars (region, account) filled in where given and
// anything in their place where not.
func identifierFormat(c contract, ex *suite.Exchange, structName, member string, value any, vars map[string]string) *suite.Failure {
	m, f := c.member(structName, member)
	if f != nil {
		return f
	}
	if m.Identifier == "" {
		return suite.Failf(nil, "the contract gives %s.%s no identifier format", structName, member)
	}
	re, f := c.FormatRegexp(m.Identifier, vars)
	if f != nil {
		return f
	}
	id := c.Identifier(m.Identifier)
	if s, ok := value.(string); !ok || !re.MatchString(s) {
		return suite.Mismatch(ex, fmt.Sprintf("%s.%s %v is not of the format %s (%s)", structName, member, value, m.Identifier, id.Template), id.Template, value)
	}
	return nil
}

// participantIDForm fails when value is no participant id: a participant
// id is a non-empty string within the model's constraints of
// Struct.member (its pattern and length). The fake mints 12 letters and
// digits, but AWS's CLI examples show ids of 12 and of 23 characters
// (create-stage, create-participant-token, disconnect-participant), so
// the length and alphabet of the fake's are no rule.
func participantIDForm(c contract, ex *suite.Exchange, structName, member string, value any) *suite.Failure {
	m, f := c.member(structName, member)
	if f != nil {
		return f
	}
	s, ok := value.(string)
	if !ok || s == "" {
		return suite.Mismatch(ex, fmt.Sprintf("%s.%s is not a participant id", structName, member), "a non-empty string", value)
	}
	if err := m.Check(s); err != nil {
		return suite.Mismatch(ex, fmt.Sprintf("%s.%s %q breaks the model's constraints: %v", structName, member, s, err), m.Pattern, s)
	}
	return nil
}

// answerIDs checks the session and participant ids an answer of op shows:
// a stage's live session id is of its identifier format, a participant id
// of participantIDForm.
func answerIDs(c contract, op string, answer map[string]any, ex *suite.Exchange) *suite.Failure {
	session := func(v any) *suite.Failure {
		if v == nil {
			return nil // no live session
		}
		return identifierFormat(c, ex, structStage, ivscases.MemberActiveSessionId, v, nil)
	}
	each := func(list, structName string, fn func(m map[string]any) *suite.Failure) *suite.Failure {
		items, _ := answer[list].([]any)
		for _, it := range items {
			if m, _ := it.(map[string]any); m != nil {
				if f := fn(m); f != nil {
					return f
				}
			}
		}
		return nil
	}
	switch op {
	case ivscases.OpListStages:
		return each(ivscases.MemberStages, structStageSummary, func(m map[string]any) *suite.Failure { return session(m[ivscases.MemberActiveSessionId]) })
	case ivscases.OpListParticipants:
		return each(ivscases.MemberParticipants, structSummary, func(m map[string]any) *suite.Failure {
			return participantIDForm(c, ex, structSummary, ivscases.MemberParticipantId, m[ivscases.MemberParticipantId])
		})
	case ivscases.OpListParticipantEvents:
		return each(ivscases.MemberEvents, structEvent, func(m map[string]any) *suite.Failure {
			return participantIDForm(c, ex, structEvent, ivscases.MemberParticipantId, m[ivscases.MemberParticipantId])
		})
	case ivscases.OpGetParticipant:
		p, _ := answer[ivscases.MemberParticipant].(map[string]any)
		if p == nil {
			return nil
		}
		return participantIDForm(c, ex, structParticipant, ivscases.MemberParticipantId, p[ivscases.MemberParticipantId])
	case ivscases.OpCreateParticipantToken:
		t, _ := answer[ivscases.MemberParticipantToken].(map[string]any)
		if t == nil {
			return nil
		}
		return participantIDForm(c, ex, structToken, ivscases.MemberParticipantId, t[ivscases.MemberParticipantId])
	}
	// A stage: its live session, and the tokens CreateStage issued.
	if st, _ := answer[ivscases.MemberStage].(map[string]any); st != nil {
		if f := session(st[ivscases.MemberActiveSessionId]); f != nil {
			return f
		}
	}
	return each(ivscases.MemberParticipantTokens, structToken, func(m map[string]any) *suite.Failure {
		return participantIDForm(c, ex, structToken, ivscases.MemberParticipantId, m[ivscases.MemberParticipantId])
	})
}

// The members a created stage and storage configuration echo, and what a
// failure says.
var (
	stageEchoed   = []string{ivscases.MemberName, ivscases.MemberTags, ivscases.MemberAutoParticipantRecordingConfiguration}
	storageEchoed = []string{ivscases.MemberName, memberS3, ivscases.MemberTags}
)

const (
	stageEchoedReason   = "the created stage does not show the name, tags and recording configuration it was created with (defaults applied)"
	storageEchoedReason = "CreateStorageConfiguration does not answer the name, bucket and tags it was given (defaults applied)"
)

// createdAsGiven: what a create answered (got, of struct resourceStruct)
// shows each of members as the request gave it, an object with its
// defaults applied (withDefaults), and one the request left out as the
// request's default for it, where there is one; members the answer has
// besides are not judged (the contract's Diff).
func createdAsGiven(c contract, ex *suite.Exchange, requestStruct, resourceStruct string, request, got map[string]any, members []string, reason string) *suite.Failure {
	want, have := map[string]any{}, map[string]any{}
	for _, m := range members {
		v, given := request[m]
		switch o, isObject := v.(map[string]any); {
		case given && isObject && c.Member(requestStruct, m) != nil && c.Member(requestStruct, m).Kind == "object":
			want[m] = c.withDefaults(c.Member(requestStruct, m).Schema, o)
		case given:
			want[m] = jsonCopy(v)
		default:
			d, ok := c.DefaultValue(requestStruct, m)
			if !ok {
				continue
			}
			want[m] = d
		}
		if g, ok := got[m]; ok {
			have[m] = g
		}
	}
	if d := c.Diff(suite.StructType(resourceStruct), want, have); d != "" {
		return &suite.Failure{Reason: reason, Diff: d, Exchange: ex}
	}
	return nil
}

// structToken is the struct of an issued token.
const structToken = "ParticipantToken"

// defaultWhenOmitted: a CreateStage request without member shows the
// stage with member's default (checkDefault).
func defaultWhenOmitted(c contract, ex *suite.Exchange, request, answer map[string]any, member string) *suite.Failure {
	if _, given := request[member]; given {
		return nil
	}
	st, _ := answer[ivscases.MemberStage].(map[string]any)
	if st == nil {
		return nil
	}
	return checkDefault(c, ex, structCreate, member, st[member])
}

// checkDefault wants got to be the default of Struct.member: of an object,
// every member the default names (nested defaults applied), with its
// value; members the answer has besides them (a newer service's) are not
// the default's to judge. A map or a list is the default entry for entry.
func checkDefault(c contract, ex *suite.Exchange, structName, member string, got any) *suite.Failure {
	want, ok := c.DefaultValue(structName, member)
	if !ok {
		return suite.Skipf("the spec gives %s.%s no default", structName, member)
	}
	if d := c.Diff(c.TypeOf(structName, member), want, got); d != "" {
		return &suite.Failure{Reason: fmt.Sprintf("the default of %s.%s is %s, the answer shows %s", structName, member, suite.Canonical(want), suite.Canonical(got)),
			Diff: d, Exchange: ex}
	}
	return nil
}

// defaultOrAbsent reports whether a member of an answer is absent or its
// default: what the model's default and AWS's examples agree on (the model
// gives Participant.replicationType the default NONE and Event.replica
// false; the CLI's get-participant and list-participant-events examples
// print neither for a participant that is not replicated).
func defaultOrAbsent(c contract, structName, member string, m map[string]any) (want any, ok bool) {
	def, hasDef := c.DefaultValue(structName, member)
	v, present := m[member]
	if !present {
		return def, true
	}
	return def, hasDef && cmp.Equal(def, v)
}

// notClaimedReplicated reports whether a participant does not say it is
// replicated: its replicationType absent or the default.
func notClaimedReplicated(c contract, structName string, p map[string]any) bool {
	_, ok := defaultOrAbsent(c, structName, ivscases.MemberReplicationType, p)
	return ok
}

// notReplicatedMembers: a participant that is not replicated reports
// replicationType absent or as its default (NONE), and none of
// replicationState, sourceStageArn and sourceSessionId, which AWS's CLI
// examples show only for replicated participants.
func notReplicatedMembers(c contract, ex *suite.Exchange, op, structName string, p map[string]any) *suite.Failure {
	def, ok := defaultOrAbsent(c, structName, ivscases.MemberReplicationType, p)
	want := map[string]any{}
	got := map[string]any{}
	if !ok {
		want[ivscases.MemberReplicationType] = fmt.Sprintf("absent or %v", def)
		got[ivscases.MemberReplicationType] = p[ivscases.MemberReplicationType]
	}
	for _, m := range []string{ivscases.MemberReplicationState, ivscases.MemberSourceStageArn, ivscases.MemberSourceSessionId} {
		if v, has := p[m]; has {
			got[m] = v
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: fmt.Sprintf("%s reports participant %v, which is not replicated, as replicated", op, p[ivscases.MemberParticipantId]), Diff: d, Exchange: ex}
	}
	return nil
}

// endpointsOf: a stage's endpoints are each in their documented form,
// within the contract's bounds, and rtmp and rtmps name one host.
func endpointsOf(c contract, ex *suite.Exchange, st map[string]any) *suite.Failure {
	eps, _ := st[ivscases.MemberEndpoints].(map[string]any)
	ids := map[string]string{}
	for _, e := range endpointForms {
		v, _ := eps[e.member].(string)
		m := e.form.FindStringSubmatch(v)
		if m == nil {
			return suite.Mismatch(ex, fmt.Sprintf("the stage's %s endpoint is not in the form of AWS's examples", e.member), e.form.String(), eps[e.member])
		}
		if mem := c.Member(structEndpoints, e.member); mem != nil {
			if err := mem.Check(v); err != nil {
				return suite.Mismatch(ex, fmt.Sprintf("the stage's %s endpoint breaks the contract: %v", e.member, err), "within "+structEndpoints+"."+e.member+"'s bounds", v)
			}
		}
		if len(m) > 1 {
			ids[e.member] = m[1]
		}
	}
	if ids[ivscases.MemberRtmp] != ids[ivscases.MemberRtmps] {
		return suite.Mismatch(ex, "the stage's rtmp and rtmps endpoints name different hosts", ids[ivscases.MemberRtmp], ids[ivscases.MemberRtmps])
	}
	return nil
}

// ownEvent: an event ListParticipantEvents lists for participant id names
// it as its participantId.
func ownEvent(ex *suite.Exchange, id string, e map[string]any) *suite.Failure {
	if e[ivscases.MemberParticipantId] != id {
		return suite.Mismatch(ex, fmt.Sprintf("%s of participant %s lists an event of another participant", ivscases.OpListParticipantEvents, id), id, e[ivscases.MemberParticipantId])
	}
	return nil
}

// eventMembersOf: the members of an event of participant id are as the
// model documents them: participantId the participant's own; no
// remoteParticipantId on a join or publish event ("For a publish or join
// event, this is null"); an errorCode exactly on an error event ("If the
// event is not an error event, this field is null"), and on a refused
// publish (PUBLISH_ERROR) errorCode wantPublishError when it is not "";
// no destinationStageArn or destinationSessionId but on a replication
// event; and replica absent or its default (false) (defaultOrAbsent)
// where the contract gives it one.
// Where only is set, that member alone.
func eventMembersOf(c contract, ex *suite.Exchange, id string, e map[string]any, only string) *suite.Failure {
	return eventMembersWith(c, ex, id, e, only, "")
}

func eventMembersWith(c contract, ex *suite.Exchange, id string, e map[string]any, only, wantPublishError string) *suite.Failure {
	name, _ := e[ivscases.MemberName].(string)
	want, got := map[string]any{}, map[string]any{}
	check := func(member string, v any) {
		if (only == "" || only == member) && c.Member(structEvent, member) != nil {
			want[member], got[member] = v, e[member]
		}
	}
	check(ivscases.MemberParticipantId, id)
	if isJoinOrPublish(name) {
		check(ivscases.MemberRemoteParticipantId, nil)
	}
	switch {
	case name == eventPublishError:
		if wantPublishError != "" {
			check(ivscases.MemberErrorCode, wantPublishError)
		}
	case !strings.HasSuffix(name, "_ERROR"):
		check(ivscases.MemberErrorCode, nil)
	}
	if !strings.HasPrefix(name, "REPLICATION_") {
		check(ivscases.MemberDestinationStageArn, nil)
		check(ivscases.MemberDestinationSessionId, nil)
	}
	// A contract that gives replica no default (the 2024-06-20 one has no
	// replica at all) does not judge it.
	if _, known := c.DefaultValue(structEvent, ivscases.MemberReplica); known && (only == "" || only == ivscases.MemberReplica) {
		if def, ok := defaultOrAbsent(c, structEvent, ivscases.MemberReplica, e); !ok {
			want[ivscases.MemberReplica], got[ivscases.MemberReplica] = fmt.Sprintf("absent or %v", def), e[ivscases.MemberReplica]
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: fmt.Sprintf("the %s event of participant %s does not have the members the model documents for it", name, id), Diff: d, Exchange: ex}
	}
	return nil
}
