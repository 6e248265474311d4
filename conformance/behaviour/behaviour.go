// Package behaviour is what the conformance suite knows of Amazon IVS
// Real-Time that its spec cannot state, written by hand on the generic
// runtime of package suite: how to make a live stage with a seeded session
// of participants for the generated cases to point at, what a case needs
// made for it alone (a stage to delete, a storage configuration, an ended
// session), what the seeded session's listings must hold, the default and
// behaviour cases, and the deletion of the stages and storage
// configurations a run made.
//
// Every VALUE the hand-written cases send or compare against comes from
// the generated Contract (cases_inputs.go derives them from its members);
// only member and operation NAMES are written here.
//
// The files follow a run: setup_*.go (the live stage, its seeded session,
// the live storage configuration, the deleted stage and storage
// configuration of the generated not-found cases), provision.go (what one case needs made
// for it), cases_*.go (the hand-written cases, listed in cases.go),
// cleanup_*.go (the run's stages and storage configurations deleted).
package behaviour

import (
	"context"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// Full is the whole suite of a contract: the cases generated from the
// spec (each given what it needs provisioned, see Declare), then the
// hand-written default and behaviour cases, which take every value from c,
// the spec for response validation, and Setup. The repository's own suite
// (conformance.Suite) and one a downstream module generated are assembled
// the same way.
//
// c may be of an older spec than this package's cases were written for
// (the 2024-06-20 one, say): a hand-written case whose operation c lacks
// is left out, and so is one of the members AWS added since whose members
// or enum values c lacks (CurrentCases: each declares what it needs);
// what an answer holds beyond c is not held against the target (known).
func Full(c *suite.Contract, generated []suite.Case, spec *openapi3.T) *suite.Suite {
	cases := Declare(c, generated)
	cases = append(cases, DefaultCases(c)...)
	cases = append(cases, Cases(c)...)
	cases = append(cases, CurrentCases(c)...)
	return &suite.Suite{Contract: c, Cases: cases, Spec: spec, Setup: Setup}
}

// contract is the generated Contract with what this package reads out of
// it (cases_inputs.go).
type contract struct{ *suite.Contract }

// runner is one run of the suite as this package sees it: the suite's
// runner and what the setup made.
type runner struct {
	*suite.Runner
	c contract

	seed                        seedState
	seedMu                      sync.Mutex // guards seed.spareStages, which cases borrow
	created                     createdStages
	createdStorage, createdKeys *createdResources
	createdIngest               *createdResources
	createdEncoders             *createdResources
	compositions                startedCompositions
	// deleteRefused is the target's answer to the setup's DeleteStage when
	// it refused it: nothing asks again (Cleanup says so).
	deleteRefused string
	// sessions is what the cases of sessions and events share (cases_events.go).
	sessions sessionFixture
	// accepted is what the generated cases that must succeed share
	// (provision_accepted.go).
	accepted acceptedFixture
	// replications holds each replication case's participant and stages
	// (provision_replication.go).
	replications replicationFixture

	// The placeholder names of the live stage, session and participant
	// (live:<identifier format>), and the user ids seeded participants share.
	liveStage, liveSession, liveParticipant string
	users                                   []string
}

// Setup is the suite's Setup hook: it makes the live stage (and, with a
// Seeder, its seeded session) and the live storage configuration, and
// registers the provisioners of Declare's needs, the seeded session's
// listings, the tracking of every stage and storage configuration the run
// makes, and their cleanup (stages first: a stage that records keeps its
// storage configuration in use).
func Setup(ctx context.Context, sr *suite.Runner) any {
	c := contract{sr.Contract()}
	r := &runner{Runner: sr, c: c,
		createdStorage: &createdResources{createOp: ivscases.OpCreateStorageConfiguration, deleteOp: ivscases.OpDeleteStorageConfiguration,
			member: ivscases.MemberStorageConfiguration, noun: "storage configurations"},
		createdKeys: &createdResources{createOp: ivscases.OpImportPublicKey, deleteOp: ivscases.OpDeletePublicKey,
			member: ivscases.MemberPublicKey, noun: "public keys"},
		// With force: one an encoder publishes through goes too.
		createdIngest: &createdResources{createOp: ivscases.OpCreateIngestConfiguration, deleteOp: ivscases.OpDeleteIngestConfiguration,
			member: ivscases.MemberIngestConfiguration, noun: "ingest configurations", force: true},
		createdEncoders: &createdResources{createOp: ivscases.OpCreateEncoderConfiguration, deleteOp: ivscases.OpDeleteEncoderConfiguration,
			member: ivscases.MemberEncoderConfiguration, noun: "encoder configurations"},
	}
	r.liveStage = c.LiveName(structGetStage, ivscases.MemberArn)
	r.liveSession = c.LiveName(structList, ivscases.MemberSessionId)
	r.liveParticipant = c.LiveName(structGetPart, ivscases.MemberParticipantId)
	if m := c.Member(structTokenConfig, ivscases.MemberUserId); m != nil {
		r.users = m.Strings()[:min(seedUsers, len(m.Strings()))]
	}
	if v := c.tagsValue().Elem; v != nil {
		sr.SetLive("runId", v.Fit(sr.RunID()))
	}
	sr.Observe(r.observe)
	sr.Provide(provisionStage, r.stageToDelete)
	sr.Provide(provisionStorage, r.storageToDelete)
	sr.Provide(provisionEndedSession, r.endedSessionID)
	r.provideAccepted()
	sr.KnowListing(r.seededListing)
	sr.AddCleanup(func(ctx context.Context) string { return r.cleanupStages(ctx).String() })
	// Compositions stop before the configurations they use are deleted.
	sr.AddCleanup(func(ctx context.Context) string { return r.cleanupCompositions(ctx).String() })
	sr.AddCleanup(func(ctx context.Context) string { return r.cleanupResources(ctx, r.createdEncoders).String() })
	sr.AddCleanup(func(ctx context.Context) string { return r.cleanupResources(ctx, r.createdStorage).String() })
	sr.AddCleanup(func(ctx context.Context) string { return r.cleanupResources(ctx, r.createdKeys).String() })
	sr.AddCleanup(func(ctx context.Context) string { return r.cleanupResources(ctx, r.createdIngest).String() })
	r.raiseQuotas(ctx)
	r.setup(ctx)
	r.setupStorage(ctx)
	r.setupDeleted(ctx)
	r.setupPublicKeys(ctx)
	r.setupIngest(ctx)
	r.setupEncoders(ctx)
	r.setupCompositions(ctx)
	r.setupUnmade()
	return r
}

// runnerOf is the run a hand-written case runs in: what Setup made.
func runnerOf(sr *suite.Runner) (*runner, *suite.Failure) {
	if r, ok := sr.State().(*runner); ok {
		return r, nil
	}
	return nil, suite.Failf(nil, "the suite has no behaviour.Setup: assemble it with behaviour.Full")
}

// custom is a KindCustom case's Custom for run, which needs the run.
func custom(run func(ctx context.Context, r *runner, c *suite.Case) *suite.Failure) func(context.Context, *suite.Runner, *suite.Case) *suite.Failure {
	return func(ctx context.Context, sr *suite.Runner, c *suite.Case) *suite.Failure {
		r, f := runnerOf(sr)
		if f != nil {
			return f
		}
		return run(ctx, r, c)
	}
}

// observe notes what a request the target answered with 200 made or
// deleted: stages and storage configurations, for the cleanup.
func (r *runner) observe(ex *suite.Exchange) {
	if ex.Status != 200 {
		return
	}
	switch ex.Op {
	case ivscases.OpCreateStage:
		r.created.note(r.c.RunTagKey, r.RunID(), ex.Resp)
	case ivscases.OpDeleteStage:
		r.created.noteDeleted(ex.Body)
	}
	r.createdStorage.observe(ex.Op, ex.Body, ex.Resp)
	r.createdKeys.observe(ex.Op, ex.Body, ex.Resp)
	r.createdIngest.observe(ex.Op, ex.Body, ex.Resp)
	r.createdEncoders.observe(ex.Op, ex.Body, ex.Resp)
	r.compositions.observe(ex.Op, ex.Resp)
}

// itemsParticipants is the list member of ListParticipants' answer.
const itemsParticipants = "participants"

// seededListing is what a listing of the seeded session's participants
// must hold: the participants as seeded. Other lists of the live session
// (a participant's events) are the target's to tell.
func (r *runner) seededListing(op *suite.Operation, body string) *suite.Listing {
	if !r.listsSeededParticipants(op, body) {
		return nil
	}
	l := &suite.Listing{Key: ivscases.MemberParticipantId, Items: map[string]map[string]any{}, Lacks: r.seed.lacks}
	for _, p := range r.seed.participants {
		l.Items[p.ParticipantID] = p.summary()
	}
	return l
}

// listsSeededParticipants reports whether a case body lists the seeded
// session's participants.
func (r *runner) listsSeededParticipants(op *suite.Operation, body string) bool {
	return listsSeededParticipants(r.liveSession, op, body)
}

func listsSeededParticipants(liveSession string, op *suite.Operation, body string) bool {
	return op != nil && op.Pagination != nil && op.Pagination.Items == itemsParticipants && containsPlaceholder(body, liveSession)
}

// participantID is how a listed participant is told apart: its id.
func participantID(it any) string {
	if m, ok := it.(map[string]any); ok {
		if id, ok := m[ivscases.MemberParticipantId].(string); ok {
			return id
		}
	}
	return suite.Canonical(it)
}
