package behaviour

import (
	"context"
	"fmt"
	"time"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file is behaviour the spec cannot state, written by hand: how to get
// a stage with a live session of participants whose states differ, so that
// shape, filter and paging cases have something real to point at. What the
// seeded participants must look like is in setup_seed.go.

type seedState struct {
	stageArn  string
	sessionID string
	// participants are the seeded participants in join order, each with
	// what a listing must report about it.
	participants []seeded
	// why, when set, is why the seeded session lacks a kind of participant
	// (no suite.RecordingSetter, say): filter cases that would need one skip.
	lacks string
	// started is when the first participant was about to join, on this
	// machine's clock.
	started time.Time
	// endedSessionID is a session of the live stage that has ended.
	endedSessionID string
	// exchangeFailure is why the live participant could not exchange its
	// token (seedExchange), if it could not.
	exchangeFailure *suite.Failure
	// unnamedStage is the stage seedStages made without a name;
	// spareStages are the others, for cases to borrow (borrowStage).
	unnamedStage string
	spareStages  []string
}

// seedCount is how many participants the setup seeds into the live
// session when the seeder can issue tokens (else as many as CreateStage
// issues in one call): enough for every filter value to have matching and
// non-matching participants, and for pages of 1 to 100 to differ.
const seedCount = 30

// setup makes the live stage (and, with a suite.Seeder, its participants) and
// records, for each live value it could not make, why.
func (r *runner) setup(ctx context.Context) {
	c := r.c
	missAll := r.SetMissing
	liveStageArn, liveSessionID, liveParticipantID := r.liveStage, r.liveSession, r.liveParticipant
	create := c.Operation(ivscases.OpCreateStage)
	if create == nil {
		missAll(suite.Skipf("the contract has no CreateStage to make a live stage with"), liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	names, f := c.stageNames(1)
	if f == nil && len(r.users) == 0 {
		f = suite.Failf(nil, "the contract gives %s.%s no sample user ids", structTokenConfig, ivscases.MemberUserId)
	}
	if f != nil {
		f.Reason = "setup: " + f.Reason
		missAll(f, liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	n := min(c.tokenLimit(), seedCount)
	if r.Target().Seeder == nil {
		n = min(n, 1)
	}
	doc, ex, f := r.SendJSON(ctx, create, map[string]any{
		ivscases.MemberName:                           names[0],
		ivscases.MemberTags:                           r.runTags(),
		ivscases.MemberParticipantTokenConfigurations: r.seedConfigs(0, n),
	})
	if f != nil {
		f.Reason = "setup: CreateStage of the live stage: " + f.Reason
		missAll(f, liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	arn, _ := suite.FirstValue(doc, "stage", "arn").(string)
	if arn == "" {
		missAll(suite.Mismatch(ex, "setup: CreateStage answered without stage.arn", "a stage ARN", suite.FirstValue(doc, "stage", "arn")),
			liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	r.SetLive(liveStageArn, arn)
	r.seed.stageArn = arn
	r.LearnVars(arn)
	r.seedStages(ctx, names[0])

	if r.Target().Seeder == nil {
		missAll(noSeeder(), liveSessionID, liveParticipantID)
		return
	}
	tokens := stringsAt(doc, "participantTokens", "[]", "token")
	if len(tokens) != n {
		missAll(suite.Mismatch(ex, fmt.Sprintf("setup: CreateStage issued %d tokens for %d configurations", len(tokens), n), n, len(tokens)),
			liveSessionID, liveParticipantID)
		return
	}
	if len(tokens) == 0 {
		// CreateStage takes no token configuration: the first token comes
		// from CreateParticipantToken, as the rest do (seedSession).
		more, f := r.issueTokens(ctx, arn, 0, 1)
		if f == nil && len(more) == 0 {
			f = suite.Skipf("the contract lets CreateStage issue no token, and has no %s", ivscases.OpCreateParticipantToken)
		}
		if f != nil {
			f.Reason = "setup: " + f.Reason
			missAll(f, liveSessionID, liveParticipantID)
			return
		}
		tokens = more
	}
	r.seed.started = time.Now()
	if f := r.endedSession(ctx, tokens[0]); f != nil {
		f.Reason = "setup: " + f.Reason
		missAll(f, liveSessionID, liveParticipantID)
		return
	}
	if f := r.seedSession(ctx, arn, tokens); f != nil {
		f.Reason = "setup: " + f.Reason
		missAll(f, liveSessionID, liveParticipantID)
		return
	}
	r.SetLive(liveSessionID, r.seed.sessionID)
	r.SetLive(liveParticipantID, r.seed.participants[0].ParticipantID)
	// The participant GetParticipant cases point at: one being recorded,
	// so that its bucket name and prefix are set.
	for _, p := range r.seed.participants {
		if p.role.record && !p.role.leave && p.role.finish == "" {
			r.SetLive(liveParticipantID, p.ParticipantID)
			break
		}
	}
	r.seedExchange(ctx)
}

// listSeedStages is how many stages the setup makes beside the live one
// when the contract has ListStages, so that its pages of 1 to 10 stages
// differ however empty the account was. They carry the run tag; Cleanup
// deletes them. The first has no name (ListStages/behaviour/lists-unnamed-stage
// looks for it); the others the cases that need a stage of their own
// borrow (borrowStage), so that a run holds no more stages than it must
// (an account's stage quota counts them).
const listSeedStages = 10

// seedStages makes the stages ListStages pages over. A failure stops it
// and is left to the CreateStage cases to report: the pagination cases
// then page over what there is.
func (r *runner) seedStages(ctx context.Context, name string) {
	if r.c.Operation(ivscases.OpListStages) == nil {
		return
	}
	for i := range listSeedStages {
		body := map[string]any{ivscases.MemberName: name}
		if i == 0 {
			body = map[string]any{}
		}
		st, _, _, f := r.createStage(ctx, "list-stages", body)
		if f != nil {
			return
		}
		arn := st[ivscases.MemberArn].(string)
		if i == 0 {
			r.seed.unnamedStage = arn
			continue
		}
		r.seed.spareStages = append(r.seed.spareStages, arn)
	}
}

// borrowStage is a stage for a case of its own: one the setup made for
// ListStages to page over that no other case has borrowed, else a new
// one. Its name, tags and sessions are the case's to change; ListStages'
// pagination cases, which run alone, see it as it then is.
func (r *runner) borrowStage(ctx context.Context, caseTag string) (string, *suite.Failure) {
	r.seedMu.Lock()
	if n := len(r.seed.spareStages); n > 0 {
		arn := r.seed.spareStages[n-1]
		r.seed.spareStages = r.seed.spareStages[:n-1]
		r.seedMu.Unlock()
		return arn, nil
	}
	r.seedMu.Unlock()
	st, _, _, f := r.createStage(ctx, caseTag, map[string]any{})
	if f != nil {
		return "", f
	}
	return st[ivscases.MemberArn].(string), nil
}

func noSeeder() *suite.Failure {
	return suite.SkipFor(suite.SetSeeder, "no seeder: nothing can make participants join the target")
}

func stringsAt(doc any, path ...string) []string {
	var out []string
	for _, v := range suite.ValuesAt(doc, path) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// endedSession gives the live stage a session that has ended before the
// seeded one starts: one participant joins and leaves. The session
// listings then hold a session with an endTime as well as the live one.
func (r *runner) endedSession(ctx context.Context, token string) *suite.Failure {
	p, err := r.Target().Seeder.Join(ctx, token)
	if err != nil {
		return seederFailure("Join(ended session)", err)
	}
	if err := r.Target().Seeder.Leave(ctx, p); err != nil {
		return seederFailure("Leave(ended session)", err)
	}
	r.seed.endedSessionID = p.SessionID
	return nil
}
