package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/google/go-cmp/cmp"
)

// This file is behaviour the spec cannot state, written by hand: how to get
// a stage with a live session of participants whose states differ, so that
// shape, filter and paging cases have something real to point at. What the
// seeded participants must look like is in seed.go.

type seedState struct {
	stageArn  string
	sessionID string
	// participants are the seeded participants in join order, each with
	// what a listing must report about it.
	participants []seeded
	// why, when set, is why the seeded session lacks a kind of participant
	// (no RecordingSetter, say): filter cases that would need one skip.
	lacks string
	// started is when the first participant was about to join, on this
	// machine's clock.
	started time.Time
	// endedSessionID is a session of the live stage that has ended.
	endedSessionID string
}

// seedCount is how many participants the setup seeds into the live
// session when the seeder can issue tokens (else as many as CreateStage
// issues in one call): enough for every filter value to have matching and
// non-matching participants, and for pages of 1 to 100 to differ.
const seedCount = 30

// setup makes the live stage (and, with a Seeder, its participants) and
// records, for each live value it could not make, why.
func (r *Runner) setup(ctx context.Context) {
	c := r.suite.Contract
	missAll := func(f *Failure, names ...string) {
		for _, n := range names {
			r.missing[n] = f
		}
	}
	liveStageArn, liveSessionID, liveParticipantID := r.liveStage, r.liveSession, r.liveParticipant
	create := c.Operation(createOperation)
	if create == nil {
		missAll(skipf("the contract has no CreateStage to make a live stage with"), liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	names, f := c.stageNames(1)
	if f == nil && len(r.users) == 0 {
		f = failf(nil, "the contract gives %s.%s no sample user ids", structTokenConfig, memberUserID)
	}
	if f != nil {
		f.Reason = "setup: " + f.Reason
		missAll(f, liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	n := min(c.tokenLimit(), seedCount)
	if r.target.Seeder == nil {
		n = min(n, 1)
	}
	doc, ex, f := r.setupCall(ctx, create, map[string]any{
		memberName:         names[0],
		memberTags:         r.runTags(),
		memberTokenConfigs: r.seedConfigs(0, n),
	})
	if f != nil {
		f.Reason = "setup: CreateStage of the live stage: " + f.Reason
		missAll(f, liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	arn, _ := firstValue(doc, "stage", "arn").(string)
	if arn == "" {
		missAll(mismatch(ex, "setup: CreateStage answered without stage.arn", "a stage ARN", firstValue(doc, "stage", "arn")),
			liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	r.vars[liveStageArn] = arn
	r.seed.stageArn = arn
	r.learnVars(arn)
	r.seedStages(ctx, names[0])

	if r.target.Seeder == nil {
		missAll(noSeeder(), liveSessionID, liveParticipantID)
		return
	}
	tokens := stringsAt(doc, "participantTokens", "[]", "token")
	if len(tokens) != n {
		missAll(mismatch(ex, fmt.Sprintf("setup: CreateStage issued %d tokens for %d configurations", len(tokens), n), n, len(tokens)),
			liveSessionID, liveParticipantID)
		return
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
	r.vars[liveSessionID] = r.seed.sessionID
	r.vars[liveParticipantID] = r.seed.participants[0].ParticipantID
	// The participant GetParticipant cases point at: one being recorded,
	// so that its bucket name and prefix are set.
	for _, p := range r.seed.participants {
		if p.role.record && !p.role.leave && p.role.finish == "" {
			r.vars[liveParticipantID] = p.ParticipantID
			break
		}
	}
}

// listSeedStages is how many stages the setup makes beside the live one
// when the contract has ListStages, so that its pages of 1 to 10 stages
// differ however empty the account was. They carry the run tag; Cleanup
// deletes them.
const listSeedStages = 10

// seedStages makes the stages ListStages pages over. A failure stops it
// and is left to the CreateStage cases to report: the pagination cases
// then page over what there is.
func (r *Runner) seedStages(ctx context.Context, name string) {
	if r.suite.Contract.Operation(listStages) == nil {
		return
	}
	for range listSeedStages {
		if _, _, _, f := r.createStage(ctx, "list-stages", map[string]any{memberName: name}); f != nil {
			return
		}
	}
}

func noSeeder() *Failure {
	return skipf("no seeder: nothing can make participants join the target (an ivsrt fake offers one through its control API)")
}

func stringsAt(doc any, path ...string) []string {
	var out []string
	for _, v := range valuesAt(doc, path) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// learnVars reads the template variables (region, account) of an
// identifier the target minted, so made-up identifiers look like its own.
// Formats without variables are skipped: one such as {alnum:12} parses
// anything, and would hide the format that names them.
func (r *Runner) learnVars(id string) {
	for _, ident := range r.suite.Contract.Identifiers {
		re, err := regexp.Compile(ident.Parse)
		if err != nil || re.NumSubexp() == 0 {
			continue
		}
		m := re.FindStringSubmatch(id)
		if m == nil {
			continue
		}
		for i, name := range re.SubexpNames() {
			if name != "" && m[i] != "" {
				r.vars[name] = m[i]
			}
		}
		return
	}
}

// callJSON marshals body, fills its placeholders, sends it, and wants a 200
// that it decodes; the answer must obey the contract.
func (r *Runner) callJSON(ctx context.Context, op *Operation, body any) (any, *exchange, *Failure) {
	return r.callJSONWith(ctx, op, body, true)
}

// setupCall is callJSON for the setup, which only needs a 200 and the
// members it reads: the cases check the rest, each under its own name.
func (r *Runner) setupCall(ctx context.Context, op *Operation, body any) (any, *exchange, *Failure) {
	return r.callJSONWith(ctx, op, body, false)
}

func (r *Runner) callJSONWith(ctx context.Context, op *Operation, body any, strict bool) (any, *exchange, *Failure) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, nil, failf(nil, "cannot encode the request: %v", err)
	}
	s, miss := r.expand(string(b))
	if miss != nil {
		return nil, nil, miss
	}
	var ex *exchange
	var f *Failure
	if strict {
		ex, f = r.call(ctx, op, s)
	} else if ex, err = r.send(ctx, op, s); err != nil {
		f = sendFailure(op, s, err)
	}
	if f != nil {
		return nil, ex, f
	}
	if f := wantSuccess(ex); f != nil {
		return nil, ex, f
	}
	var doc any
	if err := json.Unmarshal(ex.Resp, &doc); err != nil {
		return nil, ex, notJSON(ex, err)
	}
	return doc, ex, nil
}

// notJSON is the failure of a 200 answer whose body is not JSON.
func notJSON(ex *exchange, err error) *Failure {
	return &Failure{Reason: fmt.Sprintf("the answer is not JSON: %v", err),
		Diff: cmp.Diff("a JSON object", string(ex.Resp)), ex: ex}
}

func firstValue(doc any, path ...string) any {
	if v := valuesAt(doc, path); len(v) > 0 {
		return v[0]
	}
	return nil
}

// bodyMap decodes a case body (placeholders filled) into a map.
func (r *Runner) bodyMap(body string) (map[string]any, *Failure) {
	s, miss := r.expand(body)
	if miss != nil {
		return nil, miss
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, failf(nil, "the case body is not a JSON object: %v", err)
	}
	return m, nil
}

// canonical is a value's JSON with sorted keys, for comparing and sorting.
func canonical(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// endedSession gives the live stage a session that has ended before the
// seeded one starts: one participant joins and leaves. The session
// listings then hold a session with an endTime as well as the live one.
func (r *Runner) endedSession(ctx context.Context, token string) *Failure {
	p, err := r.target.Seeder.Join(ctx, token)
	if err != nil {
		return seederFailure("Join(ended session)", err)
	}
	if err := r.target.Seeder.Leave(ctx, p); err != nil {
		return seederFailure("Leave(ended session)", err)
	}
	r.seed.endedSessionID = p.SessionID
	return nil
}
