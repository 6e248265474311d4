package behaviour

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the sharper rules: what a filter by user id matches,
// when participants joined, the live session of a stage, client
// attributes nobody reported, the session a participant belongs to, the
// longest token, identifier formats, and another account's stage.

// Members these cases speak of.
const (
	// schemaClientAttribute is the schema of the members a participant's
	// client reports (ISP, OS, browser, SDK).
	schemaClientAttribute = "ParticipantClientAttribute"
	errAccessDenied       = "AccessDeniedException"
)

// Tolerances of the firstJoinTime check: a Date header counts whole
// seconds, and the seeding start is read on this machine's clock, which
// may run a little ahead of the target's.
const (
	dateResolution   = time.Second
	clientClockBound = 5 * time.Second
)

// userIDProbe lists the seeded session filtered by a variant of each
// present user id that is no present user id itself, and wants nothing
// back: a user id filter matches whole values, exactly.
func userIDProbe(ctx context.Context, r *runner, what string, variant func(string) string) *suite.Failure {
	op, base, f := r.seededList()
	if f != nil {
		return f
	}
	filter, f := r.c.member(structList, ivscases.MemberFilterByUserId)
	if f != nil {
		return f
	}
	present := map[string]bool{}
	for _, p := range r.seed.participants {
		present[p.userID] = true
	}
	tried := 0
	for _, u := range r.users {
		v := variant(u)
		if v == "" || present[v] || filter.Check(v) != nil {
			continue
		}
		tried++
		body := map[string]any{ivscases.MemberFilterByUserId: v}
		for k, x := range base {
			body[k] = x
		}
		items, ex, f := r.ListAll(ctx, op, body, 0)
		if f != nil {
			return f
		}
		if len(items) > 0 {
			var got []string
			for _, it := range items {
				m, _ := it.(map[string]any)
				got = append(got, fmt.Sprintf("%v (userId %q)", m[ivscases.MemberParticipantId], m[ivscases.MemberUserId]))
			}
			return suite.Mismatch(ex, fmt.Sprintf("%s=%q, %s of the present user id %q, matches %d participants; a user id filter matches whole user ids exactly",
				ivscases.MemberFilterByUserId, v, what, u, len(items)), []string(nil), got)
		}
	}
	if tried == 0 {
		return suite.Skipf("no seeded user id has a %s that is valid and not itself present", what)
	}
	return nil
}

// prefixOf is u without its last character.
func prefixOf(u string) string {
	_, n := utf8.DecodeLastRuneInString(u)
	return u[:len(u)-n]
}

// caseVariant is u with the case of every letter swapped ("" when u has
// no letter with a case).
func caseVariant(u string) string {
	v := strings.Map(func(c rune) rune {
		if unicode.IsUpper(c) {
			return unicode.ToLower(c)
		}
		return unicode.ToUpper(c)
	}, u)
	if v == u {
		return ""
	}
	return v
}

// firstJoinTimes wants every seeded participant's firstJoinTime, as the
// operation reports it, between the seeding start (this machine's clock,
// less clientClockBound) and the answer's Date (plus dateResolution).
func firstJoinTimes(ctx context.Context, r *runner, opName string) *suite.Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	type seen struct {
		id  string
		raw any
		ex  *suite.Exchange
	}
	var all []seen
	switch opName {
	case ivscases.OpListParticipants:
		op, base, f := r.seededList()
		if f != nil {
			return f
		}
		items, ex, f := r.ListAll(ctx, op, base, 0)
		if f != nil {
			return f
		}
		for _, it := range items {
			m, _ := it.(map[string]any)
			all = append(all, seen{participantID(it), m[ivscases.MemberFirstJoinTime], ex})
		}
	default:
		for _, p := range r.seed.participants {
			doc, ex, f := r.do(ctx, opName, map[string]any{ivscases.MemberStageArn: p.StageArn, ivscases.MemberSessionId: p.SessionID, ivscases.MemberParticipantId: p.ParticipantID})
			if f != nil {
				return f
			}
			all = append(all, seen{p.ParticipantID, suite.FirstValue(doc, "participant", ivscases.MemberFirstJoinTime), ex})
		}
	}
	lo := r.seed.started.Add(-clientClockBound)
	for _, s := range all {
		hi := s.ex.Sent.Add(s.ex.Duration + clientClockBound)
		if d, err := http.ParseTime(s.ex.Header.Get("Date")); err == nil {
			hi = d.Add(dateResolution)
		}
		str, _ := s.raw.(string)
		got, err := time.Parse(time.RFC3339Nano, str)
		window := fmt.Sprintf("between %s and %s", lo.UTC().Format(time.RFC3339), hi.UTC().Format(time.RFC3339))
		if err != nil {
			return suite.Mismatch(s.ex, fmt.Sprintf("participant %s has no ISO 8601 %s", s.id, ivscases.MemberFirstJoinTime), window, s.raw)
		}
		if got.Before(lo) || got.After(hi) {
			return suite.Mismatch(s.ex, fmt.Sprintf("participant %s's %s is %s, not between the seeding start (%s, less %v for this machine's clock) and the answer's Date (plus %v)",
				s.id, ivscases.MemberFirstJoinTime, str, r.seed.started.UTC().Format(time.RFC3339Nano), clientClockBound, dateResolution), window, got.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// activeSessionIsLive wants the seeded stage to report the seeded session,
// which has connected participants, as its activeSessionId.
func activeSessionIsLive(ctx context.Context, r *runner) *suite.Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, ivscases.OpGetStage, map[string]any{ivscases.MemberArn: r.seed.stageArn})
	if f != nil {
		return f
	}
	got := suite.FirstValue(doc, "stage", ivscases.MemberActiveSessionId)
	if got != r.seed.sessionID {
		return suite.Mismatch(ex, fmt.Sprintf("the stage's %s is not its live session, whose participants are connected", ivscases.MemberActiveSessionId), r.seed.sessionID, got)
	}
	return nil
}

// clientAttributes are the members of GetParticipant's participant that
// the client reports, from the contract.
func (c contract) clientAttributes() ([]string, *suite.Failure) {
	part, f := c.member("GetParticipantResponse", "participant")
	if f != nil {
		return nil, f
	}
	var out []string
	for _, m := range c.Members {
		if m.Struct == part.Schema && m.Schema == schemaClientAttribute {
			out = append(out, m.Name)
		}
	}
	if len(out) == 0 {
		return nil, suite.Skipf("the contract's %s has no member of schema %s", part.Schema, schemaClientAttribute)
	}
	return out, nil
}

// clientAttributesEmpty wants "" for every client attribute of the seeded
// participants, which joined without reporting any.
func clientAttributesEmpty(ctx context.Context, r *runner) *suite.Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	attrs, f := r.c.clientAttributes()
	if f != nil {
		return f
	}
	for _, p := range r.seed.participants {
		doc, ex, f := r.do(ctx, ivscases.OpGetParticipant, map[string]any{ivscases.MemberStageArn: p.StageArn, ivscases.MemberSessionId: p.SessionID, ivscases.MemberParticipantId: p.ParticipantID})
		if f != nil {
			return f
		}
		part, _ := doc["participant"].(map[string]any)
		want, got := map[string]any{}, map[string]any{}
		for _, a := range attrs {
			want[a] = ""
			v, ok := part[a]
			if !ok {
				v = "(absent)"
			}
			got[a] = v
		}
		if d := cmp.Diff(want, got); d != "" {
			return &suite.Failure{Reason: fmt.Sprintf("participant %s joined without client information: each client attribute must be \"\"", p.ParticipantID), Diff: d, Exchange: ex}
		}
	}
	return nil
}

// participantOfAnotherSession makes a participant join a fresh stage and
// leave, which ends that session, then another join, which starts a new
// one; the first participant is found in its session and not in the new.
func participantOfAnotherSession(ctx context.Context, r *runner) *suite.Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	users, f := r.c.userIDs(2)
	if f != nil {
		return f
	}
	arn, toks, f := r.stageWithTokens(ctx, "another-session", []map[string]any{{ivscases.MemberUserId: users[0]}, {ivscases.MemberUserId: users[1]}})
	if f != nil {
		return f
	}
	s := r.Target().Seeder
	first, err := s.Join(ctx, toks[0])
	if err != nil {
		return seederFailure("Join", err)
	}
	if err := s.Leave(ctx, first); err != nil {
		return seederFailure("Leave", err)
	}
	second, err := s.Join(ctx, toks[1])
	if err != nil {
		return seederFailure("Join", err)
	}
	if second.SessionID == first.SessionID {
		return suite.Skipf("the seeder's participants joined one session after the only participant left: no second session to ask in")
	}
	if _, _, f := r.do(ctx, ivscases.OpGetParticipant, map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberSessionId: first.SessionID, ivscases.MemberParticipantId: first.ParticipantID}); f != nil {
		f.Reason = "the participant is not found in the session it joined: " + f.Reason
		return f
	}
	return r.doError(ctx, ivscases.OpGetParticipant, map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberSessionId: second.SessionID, ivscases.MemberParticipantId: first.ParticipantID}, errNotFound)
}

// maximumDuration wants a token configured with the longest duration the
// spec allows to come back with that duration, and to expire that long
// after its issue where it says when it expires (checkExpiration).
func maximumDuration(ctx context.Context, r *runner) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	m, f := r.c.member(structTokenConfig, ivscases.MemberDuration)
	if f != nil {
		return f
	}
	if m.Max == nil {
		return suite.Skipf("the spec gives %s.%s no maximum", structTokenConfig, ivscases.MemberDuration)
	}
	most := *m.Max
	_, tokens, ex, f := r.createStage(ctx, "maximum-duration", map[string]any{ivscases.MemberParticipantTokenConfigurations: []any{map[string]any{ivscases.MemberDuration: most}}})
	if f != nil {
		return f
	}
	got := suite.FirstValue(tokens, "[]", ivscases.MemberDuration)
	if n, ok := got.(float64); !ok || int64(n) != most {
		return suite.Mismatch(ex, fmt.Sprintf("a token configured for the maximum %s (%d minutes) does not echo it", ivscases.MemberDuration, most), float64(most), got)
	}
	raw := suite.FirstValue(tokens, "[]", "expirationTime")
	if raw == nil {
		return nil
	}
	s, _ := raw.(string)
	exp, err := time.Parse(time.RFC3339Nano, s)
	issued, tolerance := issueTime(ex)
	want := issued.Add(time.Duration(most) * time.Minute).UTC()
	if err != nil || exp.Sub(want) > tolerance || want.Sub(exp) > tolerance {
		return suite.Mismatch(ex, fmt.Sprintf("a token of the maximum %s (%d minutes) does not expire that long after its issue (tolerance %v)", ivscases.MemberDuration, most, tolerance),
			want.Format(time.RFC3339), s)
	}
	return nil
}

// wantFormat fails when value is not an identifier of the format of
// Struct.member in the target's region and the run's account
// (identifierFormat).
func (r *runner) wantFormat(ex *suite.Exchange, structName, member string, value any) *suite.Failure {
	vars := map[string]string{"region": r.Target().Region}
	if account, ok := r.Var("account"); ok {
		vars["account"] = account
	}
	return identifierFormat(r.c, ex, structName, member, value, vars)
}

// stageArnFormat wants the ARN of a stage CreateStage made in the target's
// region to be of the contract's stage ARN format.
func stageArnFormat(ctx context.Context, r *runner) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	st, _, ex, f := r.createStage(ctx, "identifiers", map[string]any{})
	if f != nil {
		return f
	}
	return r.wantFormat(ex, "Stage", ivscases.MemberArn, st[ivscases.MemberArn])
}

// sessionAndParticipantFormats wants the seeded session's id, as the
// stage reports it, to be of the contract's format, and every listed
// participant id to be a participant id (participantIDForm).
func sessionAndParticipantFormats(ctx context.Context, r *runner) *suite.Failure {
	op, base, f := r.seededList()
	if f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, ivscases.OpGetStage, map[string]any{ivscases.MemberArn: r.seed.stageArn})
	if f != nil {
		return f
	}
	if f := r.wantFormat(ex, "Stage", ivscases.MemberActiveSessionId, suite.FirstValue(doc, "stage", ivscases.MemberActiveSessionId)); f != nil {
		return f
	}
	items, ex, f := r.ListAll(ctx, op, base, 0)
	if f != nil {
		return f
	}
	for _, it := range items {
		m, _ := it.(map[string]any)
		if f := participantIDForm(r.c, ex, structSummary, ivscases.MemberParticipantId, m[ivscases.MemberParticipantId]); f != nil {
			return f
		}
	}
	return nil
}

// tokenParticipantJoins wants the participantId of a token to be the id of
// the participant who joins with it, as the session lists it.
func tokenParticipantJoins(ctx context.Context, r *runner) *suite.Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	users, f := r.c.userIDs(1)
	if f != nil {
		return f
	}
	st, tokens, ex, f := r.createStage(ctx, "token-participant", map[string]any{
		ivscases.MemberParticipantTokenConfigurations: []any{map[string]any{ivscases.MemberUserId: users[0]}},
	})
	if f != nil {
		return f
	}
	tok, _ := suite.FirstValue(tokens, "[]", "token").(string)
	issued := suite.FirstValue(tokens, "[]", ivscases.MemberParticipantId)
	if tok == "" {
		return suite.Mismatch(ex, "CreateStage issued no token for its one configuration", 1, len(tokens))
	}
	j, err := r.Target().Seeder.Join(ctx, tok)
	if err != nil {
		return seederFailure("Join", err)
	}
	op, f := r.operation(ivscases.OpListParticipants)
	if f != nil {
		return f
	}
	items, lex, f := r.ListAll(ctx, op, map[string]any{ivscases.MemberStageArn: st[ivscases.MemberArn], ivscases.MemberSessionId: j.SessionID}, 0)
	if f != nil {
		return f
	}
	var listed []string
	for _, it := range items {
		listed = append(listed, participantID(it))
	}
	if len(listed) != 1 || listed[0] != issued {
		return suite.Mismatch(lex, "the participant who joined with the stage's only token is not listed under the token's participantId", []any{issued}, listed)
	}
	return nil
}
