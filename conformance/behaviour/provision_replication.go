package behaviour

import (
	"context"
	"sync"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file makes what the generated cases of participant replication
// need to succeed: AWS replicates a participant publishing in the source
// stage (the model: StartParticipantReplication "starts replicating a
// publishing participant") to another stage, and stops only a replication
// that is going on. The generated accepted and shape cases name the live
// stage as both source and destination and the live participant; those
// of StartParticipantReplication and StopParticipantReplication get
// instead, each of their own: a stage where a participant joined and
// publishes (the source), that participant, and a second stage (the
// destination), to which a StopParticipantReplication case's participant
// is replicated already. The live participant is left alone: the cases
// that list the seeded session want it replicated nowhere.

// The placeholders and provisioners of this file.
const (
	replSourcePlaceholder      = "replication:SourceStageArn"
	replDestinationPlaceholder = "replication:DestinationStageArn"
	replParticipantPlaceholder = "replication:ParticipantId"
	provisionReplSource        = "replication-source"
	provisionReplDestination   = "replication-destination"
	provisionReplParticipant   = "replication-participant"
)

// replication is a publishing participant of a stage of its own and a
// second stage to replicate it to.
type replication struct {
	joined      suite.Joined
	destination string
}

// replicationFixture holds each case's replication, made once for its
// three placeholders.
type replicationFixture struct {
	mu    sync.Mutex
	cases map[string]*replicationOnce
}

type replicationOnce struct {
	once sync.Once
	repl replication
	fail *suite.Failure
}

// declareReplication adds to a generated replication case what it needs.
func declareReplication(c *suite.Contract, cs *suite.Case, need func(placeholder, provisioner string)) {
	if cs.Operation != ivscases.OpStartParticipantReplication && cs.Operation != ivscases.OpStopParticipantReplication {
		return
	}
	mustSucceed := cs.Kind == suite.KindShape || cs.Kind == suite.KindTimestamp ||
		cs.Kind == suite.KindRequest && cs.Expect == suite.ExpectAccepted
	liveParticipant := c.LiveName(structGetPart, ivscases.MemberParticipantId)
	if !mustSucceed || !containsPlaceholder(cs.Body, liveParticipant) {
		return // a made-up participant is not found anywhere
	}
	for _, m := range []struct{ member, placeholder, provisioner string }{
		{ivscases.MemberSourceStageArn, replSourcePlaceholder, provisionReplSource},
		{ivscases.MemberDestinationStageArn, replDestinationPlaceholder, provisionReplDestination},
		{ivscases.MemberParticipantId, replParticipantPlaceholder, provisionReplParticipant},
	} {
		if body, ok := withMember(cs.Body, m.member, "${"+m.placeholder+"}"); ok {
			cs.Body = body
			need(m.placeholder, m.provisioner)
		}
	}
}

// provideReplication registers the provisioners of this file.
func (r *runner) provideReplication() {
	pick := func(value func(replication) string) func(context.Context, *suite.Case) (string, *suite.Failure) {
		return func(ctx context.Context, cs *suite.Case) (string, *suite.Failure) {
			repl, f := r.replicationFor(ctx, cs)
			if f != nil {
				return "", f
			}
			return value(repl), nil
		}
	}
	r.Provide(provisionReplSource, pick(func(x replication) string { return x.joined.StageArn }))
	r.Provide(provisionReplDestination, pick(func(x replication) string { return x.destination }))
	r.Provide(provisionReplParticipant, pick(func(x replication) string { return x.joined.ParticipantID }))
}

// replicationFor makes the case's replication once, whichever of its
// placeholders asks first: for a StopParticipantReplication case, with
// the replication started.
func (r *runner) replicationFor(ctx context.Context, cs *suite.Case) (replication, *suite.Failure) {
	r.replications.mu.Lock()
	if r.replications.cases == nil {
		r.replications.cases = map[string]*replicationOnce{}
	}
	o := r.replications.cases[cs.Name]
	if o == nil {
		o = &replicationOnce{}
		r.replications.cases[cs.Name] = o
	}
	r.replications.mu.Unlock()
	o.once.Do(func() {
		if o.fail = r.needSeeder(); o.fail != nil {
			return // the setup's own failure (it could not even make a stage), or no seeder
		}
		o.repl, o.fail = r.newReplication(ctx, "replication")
		if o.fail == nil && cs.Operation == ivscases.OpStopParticipantReplication {
			o.fail = r.startReplication(ctx, o.repl, nil)
		}
		if o.fail != nil {
			o.fail.Reason = "making a publishing participant and a stage to replicate it to: " + o.fail.Reason
		}
	})
	return o.repl, o.fail.Copy()
}

// newReplication has a participant join a stage of its own and publish
// (joinedAlone), and makes the stage to replicate it to.
func (r *runner) newReplication(ctx context.Context, caseTag string) (replication, *suite.Failure) {
	if r.c.Operation(ivscases.OpStartParticipantReplication) == nil {
		return replication{}, suite.Skipf("the contract has no %s", ivscases.OpStartParticipantReplication)
	}
	_, j, f := r.joinedAlone(ctx, caseTag+"-source")
	if f != nil {
		return replication{}, f
	}
	if err := r.Target().Seeder.Publish(ctx, j); err != nil {
		return replication{}, seederFailure("Publish(the participant to replicate)", err)
	}
	st, _, _, f := r.createStage(ctx, caseTag+"-destination", map[string]any{})
	if f != nil {
		return replication{}, f
	}
	return replication{joined: j, destination: st[ivscases.MemberArn].(string)}, nil
}

// startReplication starts x's replication, with the request's other
// members from more, and wants a 200.
func (r *runner) startReplication(ctx context.Context, x replication, more map[string]any) *suite.Failure {
	body := map[string]any{
		ivscases.MemberSourceStageArn:      x.joined.StageArn,
		ivscases.MemberDestinationStageArn: x.destination,
		ivscases.MemberParticipantId:       x.joined.ParticipantID,
	}
	for k, v := range more {
		body[k] = v
	}
	_, _, f := r.do(ctx, ivscases.OpStartParticipantReplication, body)
	return f
}
