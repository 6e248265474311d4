package behaviour

import (
	"context"
	"fmt"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of participant replication: a
// participant publishing in one stage (the source) is replicated to
// another (the destination), where its replica shows with its source
// (user guide "IVS Participant Replication"; the model's Participant,
// ParticipantReplica and Event members). Each case replicates a
// participant of its own (newReplication), so none changes what another
// reads.

// The values of replication.
const (
	structReplica = "ParticipantReplica"
	// structStartReplicationRequest is the request that names the
	// destination's identifier format.
	structStartReplicationRequest = "StartParticipantReplicationRequest"
	replicationTypeSource         = "SOURCE"
	replicationTypeReplica        = "REPLICA"
	replicationActive             = "ACTIVE"
	replicationStopped            = "STOPPED"
	eventReplicationStart         = "REPLICATION_STARTED"
	eventReplicationStop          = "REPLICATION_STOPPED"
)

// needReplication is what the replication cases need the contract to know.
var needReplication = []string{
	structParticipant + "." + ivscases.MemberReplicationType + "=" + replicationTypeSource,
	structParticipant + "." + ivscases.MemberReplicationType + "=" + replicationTypeReplica,
	structParticipant + "." + ivscases.MemberReplicationState + "=" + replicationActive,
	structParticipant + "." + ivscases.MemberReplicationState + "=" + replicationStopped,
	structParticipant + "." + ivscases.MemberSourceStageArn,
	structParticipant + "." + ivscases.MemberSourceSessionId,
}

// needReplicationEvents is what the replication event cases need besides.
var needReplicationEvents = []string{
	structEvent + "." + ivscases.MemberName + "=" + eventReplicationStart,
	structEvent + "." + ivscases.MemberName + "=" + eventReplicationStop,
	structEvent + "." + ivscases.MemberDestinationStageArn,
	structEvent + "." + ivscases.MemberDestinationSessionId,
	structEvent + "." + ivscases.MemberReplica,
}

// replicationCases adds the cases of this file (CurrentCases' add).
func replicationCases(add func(name, op, member, rule, source string, needs []string, run func(ctx context.Context, r *runner) *suite.Failure)) {
	events := append(append([]string{}, needReplication...), needReplicationEvents...)
	add("StartParticipantReplication/behaviour/replication/replica-and-source", ivscases.OpStartParticipantReplication, "", "replication", suite.SourceDocumented,
		needReplication, replicaAndSource)
	add("ListParticipantReplicas/behaviour/replication/lists-the-replica", ivscases.OpListParticipantReplicas, "replicas", "replication", suite.SourceDocumented,
		needReplication, listsTheReplica)
	add("ListParticipantEvents/behaviour/replication/started-and-stopped-name-the-destination", ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberDestinationStageArn, "replication", suite.SourceDocumented,
		events, replicationEventsNameTheDestination)
	add("ListParticipantEvents/behaviour/replication/replica-events-are-replica", ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberReplica, "replication", suite.SourceDocumented,
		events, replicaEventsAreReplica)
	add("StopParticipantReplication/behaviour/replication/stops-both-sides", ivscases.OpStopParticipantReplication, "", "replication", suite.SourceInferred,
		needReplication, stopsBothSides)
	add("StartParticipantReplication/behaviour/replication/not-publishing-refused", ivscases.OpStartParticipantReplication, ivscases.MemberParticipantId, "replication", suite.SourceInferred,
		nil, notPublishingRefused)
	add("StartParticipantReplication/behaviour/replication/another-account-destination-not-found", ivscases.OpStartParticipantReplication, ivscases.MemberDestinationStageArn, "replication", suite.SourceInferred,
		nil, anotherAccountDestinationNotFound)
}

// replicated makes a publishing participant and a stage, replicates the
// one to the other, and returns them with the replica as a participant of
// the destination's session.
func (r *runner) replicated(ctx context.Context, caseTag string) (replication, suite.Joined, *suite.Failure) {
	if f := r.needSeeder(); f != nil {
		return replication{}, suite.Joined{}, f
	}
	x, f := r.newReplication(ctx, caseTag)
	if f != nil {
		return x, suite.Joined{}, f
	}
	if f := r.startReplication(ctx, x, nil); f != nil {
		return x, suite.Joined{}, f
	}
	// The destination is the case's own, so its one session is the
	// replica's (a stage's activeSessionId is another case's rule).
	op, f := r.operation(ivscases.OpListStageSessions)
	if f != nil {
		return x, suite.Joined{}, f
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{ivscases.MemberStageArn: x.destination}, 0)
	if f != nil {
		return x, suite.Joined{}, f
	}
	var session string
	if len(items) == 1 {
		s, _ := items[0].(map[string]any)
		session, _ = s[ivscases.MemberSessionId].(string)
	}
	if session == "" {
		return x, suite.Joined{}, suite.Mismatch(ex, "the destination stage, new, does not have one session once a participant is replicated to it", "one session", items)
	}
	return x, suite.Joined{StageArn: x.destination, SessionID: session, ParticipantID: x.joined.ParticipantID}, nil
}

// replicationView is what the cases compare of a participant's replication.
func replicationView(p map[string]any, withSource bool) map[string]any {
	out := map[string]any{ivscases.MemberReplicationType: p[ivscases.MemberReplicationType], ivscases.MemberReplicationState: p[ivscases.MemberReplicationState]}
	if withSource {
		out[ivscases.MemberSourceStageArn], out[ivscases.MemberSourceSessionId] = p[ivscases.MemberSourceStageArn], p[ivscases.MemberSourceSessionId]
	}
	return out
}

// replicaAndSource: once started, the replica is a participant of the
// destination's live session, REPLICA and ACTIVE, naming the source's
// stage and session; the source reports SOURCE and ACTIVE (documented:
// the user guide; Participant.replicationType, sourceStageArn,
// sourceSessionId).
func replicaAndSource(ctx context.Context, r *runner) *suite.Failure {
	x, replica, f := r.replicated(ctx, "replica-and-source")
	if f != nil {
		return f
	}
	p, ex, f := r.participant(ctx, replica)
	if f != nil {
		f.Reason = "GetParticipant of the replica in the destination's live session: " + f.Reason
		return f
	}
	want := map[string]any{ivscases.MemberReplicationType: replicationTypeReplica, ivscases.MemberReplicationState: replicationActive,
		ivscases.MemberSourceStageArn: x.joined.StageArn, ivscases.MemberSourceSessionId: x.joined.SessionID}
	if d := cmp.Diff(want, replicationView(p, true)); d != "" {
		return &suite.Failure{Reason: "the replica does not report the replication it is, and where from", Diff: d, Exchange: ex}
	}
	p, ex, f = r.participant(ctx, x.joined)
	if f != nil {
		return f
	}
	want = map[string]any{ivscases.MemberReplicationType: replicationTypeSource, ivscases.MemberReplicationState: replicationActive}
	if d := cmp.Diff(want, replicationView(p, false)); d != "" {
		return &suite.Failure{Reason: "the replicated participant does not report itself the source of an active replication", Diff: d, Exchange: ex}
	}
	return nil
}

// listsTheReplica: ListParticipantReplicas of the source lists the
// replication, whole (documented: the operation's and ParticipantReplica's
// docs; the CLI example list-participant-replicas.rst).
func listsTheReplica(ctx context.Context, r *runner) *suite.Failure {
	x, replica, f := r.replicated(ctx, "lists-the-replica")
	if f != nil {
		return f
	}
	op, f := r.operation(ivscases.OpListParticipantReplicas)
	if f != nil {
		return f
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{ivscases.MemberSourceStageArn: x.joined.StageArn, ivscases.MemberParticipantId: x.joined.ParticipantID}, 0)
	if f != nil {
		return f
	}
	want := []any{map[string]any{
		ivscases.MemberSourceStageArn: x.joined.StageArn, ivscases.MemberParticipantId: x.joined.ParticipantID, ivscases.MemberSourceSessionId: x.joined.SessionID,
		ivscases.MemberDestinationStageArn: x.destination, ivscases.MemberDestinationSessionId: replica.SessionID, ivscases.MemberReplicationState: replicationActive,
	}}
	// Only the members the contract knows are judged: a newer service's
	// may have more.
	got := make([]any, len(items))
	for i, it := range items {
		got[i] = r.c.known(structReplica, jsonCopy(it))
	}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: "ListParticipantReplicas does not list the one replication of the participant as it is", Diff: d, Exchange: ex}
	}
	return nil
}

// replicationEventsNameTheDestination: the source records
// REPLICATION_STARTED, and once stopped REPLICATION_STOPPED, each naming
// the destination's stage and session (documented: Event.destinationStageArn
// and destinationSessionId, "Applicable only if the event name is
// REPLICATION_STARTED or REPLICATION_STOPPED").
func replicationEventsNameTheDestination(ctx context.Context, r *runner) *suite.Failure {
	x, replica, f := r.replicated(ctx, "replication-events")
	if f != nil {
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpStopParticipantReplication, stopBody(x)); f != nil {
		return f
	}
	evs, _, ex, f := r.events(ctx, x.joined)
	if f != nil {
		return f
	}
	want := map[string]int{}
	got := map[string]int{}
	for _, name := range []string{eventReplicationStart, eventReplicationStop} {
		want[fmt.Sprint(name, " ", x.destination, " ", replica.SessionID)] = 1
	}
	for _, e := range evs {
		if name := asString(e[ivscases.MemberName]); name == eventReplicationStart || name == eventReplicationStop {
			got[fmt.Sprint(name, " ", e[ivscases.MemberDestinationStageArn], " ", e[ivscases.MemberDestinationSessionId])]++
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: "the replicated participant's replication events do not each name the destination stage and session once", Diff: d, Exchange: ex}
	}
	return nil
}

// replicaEventsAreReplica: the replica has events, each with replica true
// (documented: Event.replica, "If true, this indicates the participantId
// is a replicated participant").
func replicaEventsAreReplica(ctx context.Context, r *runner) *suite.Failure {
	_, replica, f := r.replicated(ctx, "replica-events")
	if f != nil {
		return f
	}
	evs, _, ex, f := r.events(ctx, replica)
	if f != nil {
		return f
	}
	if len(evs) == 0 {
		return suite.Mismatch(ex, "the replica has no events in the destination's session", "its events", evs)
	}
	for _, e := range evs {
		if e[ivscases.MemberReplica] != true {
			return suite.Mismatch(ex, fmt.Sprintf("the replica's %v event does not say it is a replica's", e[ivscases.MemberName]), true, e[ivscases.MemberReplica])
		}
	}
	return nil
}

func stopBody(x replication) map[string]any {
	return map[string]any{ivscases.MemberSourceStageArn: x.joined.StageArn, ivscases.MemberDestinationStageArn: x.destination, ivscases.MemberParticipantId: x.joined.ParticipantID}
}

// stopsBothSides: once stopped, the replica's replication is STOPPED and
// it is no longer connected, the source's is STOPPED, and a second stop
// finds nothing to stop (our reading of StopParticipantReplication, "Stops
// a replicated participant session", and of ReplicationState; the error
// is the one it declares for what it does not find).
func stopsBothSides(ctx context.Context, r *runner) *suite.Failure {
	x, replica, f := r.replicated(ctx, "stops-both-sides")
	if f != nil {
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpStopParticipantReplication, stopBody(x)); f != nil {
		return f
	}
	p, ex, f := r.participant(ctx, replica)
	if f != nil {
		return f
	}
	want := map[string]any{ivscases.MemberReplicationState: replicationStopped, ivscases.MemberState: stateDisconnected}
	if d := cmp.Diff(want, map[string]any{ivscases.MemberReplicationState: p[ivscases.MemberReplicationState], ivscases.MemberState: p[ivscases.MemberState]}); d != "" {
		return &suite.Failure{Reason: "the replica of a stopped replication is still going", Diff: d, Exchange: ex}
	}
	p, ex, f = r.participant(ctx, x.joined)
	if f != nil {
		return f
	}
	if got := p[ivscases.MemberReplicationState]; got != replicationStopped {
		return suite.Mismatch(ex, "the source of its only replication, stopped, does not report it stopped", replicationStopped, got)
	}
	return r.doError(ctx, ivscases.OpStopParticipantReplication, stopBody(x), "ResourceNotFoundException")
}

// notPublishingRefused: a participant that joined but does not publish is
// not replicated (the model: StartParticipantReplication "starts
// replicating a publishing participant"; ConflictException our reading).
func notPublishingRefused(ctx context.Context, r *runner) *suite.Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	_, j, f := r.joinedAlone(ctx, "not-publishing-source")
	if f != nil {
		return f
	}
	st, _, _, f := r.createStage(ctx, "not-publishing-destination", map[string]any{})
	if f != nil {
		return f
	}
	x := replication{joined: j, destination: st[ivscases.MemberArn].(string)}
	body := stopBody(x)
	return r.doError(ctx, ivscases.OpStartParticipantReplication, body, "ConflictException")
}

// anotherAccountDestinationNotFound: a publishing participant replicated
// to a stage of another account in the run's region that does not exist
// is ResourceNotFoundException, and so is stopping that replication: such
// a destination is not refused as another account's (documented: the AWS
// CLI's start-participant-replication example replicates from account
// 123456789012 to a stage of 234567890123 in us-west-2, and succeeds; the
// spec marks destinationStageArn x-ivsrt-cross-account), and this one
// names nothing (the error is our reading: the one the operations declare
// for what they do not find). The suite signs as one account, so a
// replication that succeeds across accounts is the fake's own tests'
// (fakes/ivsfake TestReplicationAcrossAccounts), not a case here.
func anotherAccountDestinationNotFound(ctx context.Context, r *runner) *suite.Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	if r.c.Operation(ivscases.OpStartParticipantReplication) == nil {
		return suite.Skipf("the contract has no %s", ivscases.OpStartParticipantReplication)
	}
	_, j, f := r.joinedAlone(ctx, "another-account-source")
	if f != nil {
		return f
	}
	if err := r.Target().Seeder.Publish(ctx, j); err != nil {
		return seederFailure("Publish(the participant to replicate)", err)
	}
	m, f := r.c.member(structStartReplicationRequest, ivscases.MemberDestinationStageArn)
	if f != nil {
		return f
	}
	foreign, f := r.MintForeign(m.Identifier)
	if f != nil {
		return f
	}
	body := stopBody(replication{joined: j, destination: foreign})
	if f := r.doError(ctx, ivscases.OpStartParticipantReplication, body, "ResourceNotFoundException"); f != nil {
		f.Reason = "StartParticipantReplication to another account's stage that does not exist: " + f.Reason
		return f
	}
	if f := r.doError(ctx, ivscases.OpStopParticipantReplication, body, "ResourceNotFoundException"); f != nil {
		f.Reason = "StopParticipantReplication to another account's stage that does not exist: " + f.Reason
		return f
	}
	return nil
}
