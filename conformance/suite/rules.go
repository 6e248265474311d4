package suite

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// This file holds the sharper rules: what a filter by user id matches,
// when participants joined, the live session of a stage, client
// attributes nobody reported, the session a participant belongs to, the
// longest token, identifier formats, and another account's stage.

// Members these cases speak of.
const (
	memberFilterByUserID = "filterByUserId"
	fieldFirstJoinTime   = "firstJoinTime"
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
func userIDProbe(ctx context.Context, r *Runner, what string, variant func(string) string) *Failure {
	op, base, f := r.seededList()
	if f != nil {
		return f
	}
	filter, f := r.suite.Contract.member(structList, memberFilterByUserID)
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
		body := map[string]any{memberFilterByUserID: v}
		for k, x := range base {
			body[k] = x
		}
		items, ex, f := r.listAll(ctx, op, body, 0)
		if f != nil {
			return f
		}
		if len(items) > 0 {
			var got []string
			for _, it := range items {
				m, _ := it.(map[string]any)
				got = append(got, fmt.Sprintf("%v (userId %q)", m[fieldParticipantID], m[fieldUserID]))
			}
			return mismatch(ex, fmt.Sprintf("%s=%q, %s of the present user id %q, matches %d participants; a user id filter matches whole user ids exactly",
				memberFilterByUserID, v, what, u, len(items)), []string(nil), got)
		}
	}
	if tried == 0 {
		return skipf("no seeded user id has a %s that is valid and not itself present", what)
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
func firstJoinTimes(ctx context.Context, r *Runner, opName string) *Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	type seen struct {
		id  string
		raw any
		ex  *exchange
	}
	var all []seen
	switch opName {
	case "ListParticipants":
		op, base, f := r.seededList()
		if f != nil {
			return f
		}
		items, ex, f := r.listAll(ctx, op, base, 0)
		if f != nil {
			return f
		}
		for _, it := range items {
			m, _ := it.(map[string]any)
			all = append(all, seen{itemID(it), m[fieldFirstJoinTime], ex})
		}
	default:
		for _, p := range r.seed.participants {
			doc, ex, f := r.do(ctx, opName, map[string]any{memberStageArn: p.StageArn, memberSessionID: p.SessionID, memberParticipantID: p.ParticipantID})
			if f != nil {
				return f
			}
			all = append(all, seen{p.ParticipantID, firstValue(doc, "participant", fieldFirstJoinTime), ex})
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
			return mismatch(s.ex, fmt.Sprintf("participant %s has no ISO 8601 %s", s.id, fieldFirstJoinTime), window, s.raw)
		}
		if got.Before(lo) || got.After(hi) {
			return mismatch(s.ex, fmt.Sprintf("participant %s's %s is %s, not between the seeding start (%s, less %v for this machine's clock) and the answer's Date (plus %v)",
				s.id, fieldFirstJoinTime, str, r.seed.started.UTC().Format(time.RFC3339Nano), clientClockBound, dateResolution), window, got.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// activeSessionIsLive wants the seeded stage to report the seeded session,
// which has connected participants, as its activeSessionId.
func activeSessionIsLive(ctx context.Context, r *Runner) *Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, "GetStage", map[string]any{memberArn: r.seed.stageArn})
	if f != nil {
		return f
	}
	got := firstValue(doc, "stage", memberActiveSession)
	if got != r.seed.sessionID {
		return mismatch(ex, fmt.Sprintf("the stage's %s is not its live session, whose participants are connected", memberActiveSession), r.seed.sessionID, got)
	}
	return nil
}

// clientAttributes are the members of GetParticipant's participant that
// the client reports, from the contract.
func (c *Contract) clientAttributes() ([]string, *Failure) {
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
		return nil, skipf("the contract's %s has no member of schema %s", part.Schema, schemaClientAttribute)
	}
	return out, nil
}

// clientAttributesEmpty wants "" for every client attribute of the seeded
// participants, which joined without reporting any.
func clientAttributesEmpty(ctx context.Context, r *Runner) *Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	attrs, f := r.suite.Contract.clientAttributes()
	if f != nil {
		return f
	}
	for _, p := range r.seed.participants {
		doc, ex, f := r.do(ctx, "GetParticipant", map[string]any{memberStageArn: p.StageArn, memberSessionID: p.SessionID, memberParticipantID: p.ParticipantID})
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
			return &Failure{Reason: fmt.Sprintf("participant %s joined without client information: each client attribute must be \"\"", p.ParticipantID), Diff: d, ex: ex}
		}
	}
	return nil
}

// participantOfAnotherSession makes a participant join a fresh stage and
// leave, which ends that session, then another join, which starts a new
// one; the first participant is found in its session and not in the new.
func participantOfAnotherSession(ctx context.Context, r *Runner) *Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	if r.suite.Contract.tokenLimit() < 2 {
		return skipf("CreateStage issues fewer than 2 tokens at once")
	}
	users, f := r.suite.Contract.userIDs(2)
	if f != nil {
		return f
	}
	st, tokens, ex, f := r.createStage(ctx, "another-session", map[string]any{
		memberTokenConfigs: []any{map[string]any{memberUserID: users[0]}, map[string]any{memberUserID: users[1]}},
	})
	if f != nil {
		return f
	}
	toks := stringsAt(tokens, "[]", "token")
	if len(toks) != 2 {
		return mismatch(ex, "CreateStage did not issue one token per configuration", 2, len(toks))
	}
	s := r.target.Seeder
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
		return skipf("the seeder's participants joined one session after the only participant left: no second session to ask in")
	}
	arn := st[memberArn].(string)
	if _, _, f := r.do(ctx, "GetParticipant", map[string]any{memberStageArn: arn, memberSessionID: first.SessionID, memberParticipantID: first.ParticipantID}); f != nil {
		f.Reason = "the participant is not found in the session it joined: " + f.Reason
		return f
	}
	return r.doError(ctx, "GetParticipant", map[string]any{memberStageArn: arn, memberSessionID: second.SessionID, memberParticipantID: first.ParticipantID}, errNotFound)
}

// maximumDuration wants a token configured with the longest duration the
// spec allows to come back with that duration, and to expire that long
// after its issue.
func maximumDuration(ctx context.Context, r *Runner) *Failure {
	if _, f := r.live(r.liveStage); f != nil {
		return f
	}
	m, f := r.suite.Contract.member(structTokenConfig, memberDuration)
	if f != nil {
		return f
	}
	if m.Max == nil {
		return skipf("the spec gives %s.%s no maximum", structTokenConfig, memberDuration)
	}
	most := *m.Max
	_, tokens, ex, f := r.createStage(ctx, "maximum-duration", map[string]any{memberTokenConfigs: []any{map[string]any{memberDuration: most}}})
	if f != nil {
		return f
	}
	got := firstValue(tokens, "[]", memberDuration)
	if n, ok := got.(float64); !ok || int64(n) != most {
		return mismatch(ex, fmt.Sprintf("a token configured for the maximum %s (%d minutes) does not echo it", memberDuration, most), float64(most), got)
	}
	s, _ := firstValue(tokens, "[]", "expirationTime").(string)
	exp, err := time.Parse(time.RFC3339Nano, s)
	issued, tolerance := issueTime(ex)
	want := issued.Add(time.Duration(most) * time.Minute).UTC()
	if err != nil || exp.Sub(want) > tolerance || want.Sub(exp) > tolerance {
		return mismatch(ex, fmt.Sprintf("a token of the maximum %s (%d minutes) does not expire that long after its issue (tolerance %v)", memberDuration, most, tolerance),
			want.Format(time.RFC3339), s)
	}
	return nil
}

// formatRegexp matches exactly the identifiers of the named format:
// literal parts as written, {alnum:N} as N letters and digits, a variable
// as the value vars gives it, else as anything without ':' or '/'.
func (c *Contract) formatRegexp(name string, vars map[string]string) (*regexp.Regexp, *Failure) {
	id := c.Identifier(name)
	if id == nil {
		return nil, failf(nil, "the contract has no identifier format %s", name)
	}
	var b strings.Builder
	b.WriteString("^")
	rest := id.Template
	for {
		loc := templateVar.FindStringSubmatchIndex(rest)
		if loc == nil {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:loc[0]]))
		v := rest[loc[2]:loc[3]]
		switch {
		case loc[4] >= 0:
			b.WriteString("[a-zA-Z0-9]{" + rest[loc[4]:loc[5]] + "}")
		case vars[v] != "":
			b.WriteString(regexp.QuoteMeta(vars[v]))
		default:
			b.WriteString("[^:/]+")
		}
		rest = rest[loc[1]:]
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, failf(nil, "identifier format %s: %v", name, err)
	}
	return re, nil
}

// wantFormat fails when value is not an identifier of the format of
// Struct.member.
func (r *Runner) wantFormat(ex *exchange, structName, member string, value any) *Failure {
	m, f := r.suite.Contract.member(structName, member)
	if f != nil {
		return f
	}
	if m.Identifier == "" {
		return failf(nil, "the contract gives %s.%s no identifier format", structName, member)
	}
	re, f := r.suite.Contract.formatRegexp(m.Identifier, map[string]string{"region": r.target.Region})
	if f != nil {
		return f
	}
	id := r.suite.Contract.Identifier(m.Identifier)
	if s, ok := value.(string); !ok || !re.MatchString(s) {
		return mismatch(ex, fmt.Sprintf("%s.%s %v is not of the format %s (%s)", structName, member, value, m.Identifier, id.Template), id.Template, value)
	}
	return nil
}

// stageArnFormat wants the ARN of a stage CreateStage made in the target's
// region to be of the contract's stage ARN format.
func stageArnFormat(ctx context.Context, r *Runner) *Failure {
	if _, f := r.live(r.liveStage); f != nil {
		return f
	}
	st, _, ex, f := r.createStage(ctx, "identifiers", map[string]any{})
	if f != nil {
		return f
	}
	return r.wantFormat(ex, "Stage", memberArn, st[memberArn])
}

// sessionAndParticipantFormats wants the seeded session's id, as the
// stage reports it, and every listed participant id to be of the
// contract's formats.
func sessionAndParticipantFormats(ctx context.Context, r *Runner) *Failure {
	op, base, f := r.seededList()
	if f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, "GetStage", map[string]any{memberArn: r.seed.stageArn})
	if f != nil {
		return f
	}
	if f := r.wantFormat(ex, "Stage", memberActiveSession, firstValue(doc, "stage", memberActiveSession)); f != nil {
		return f
	}
	items, ex, f := r.listAll(ctx, op, base, 0)
	if f != nil {
		return f
	}
	for _, it := range items {
		m, _ := it.(map[string]any)
		if f := r.wantFormat(ex, "ParticipantSummary", fieldParticipantID, m[fieldParticipantID]); f != nil {
			return f
		}
	}
	return nil
}

// tokenParticipantJoins wants the participantId of a token to be the id of
// the participant who joins with it, as the session lists it.
func tokenParticipantJoins(ctx context.Context, r *Runner) *Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	users, f := r.suite.Contract.userIDs(1)
	if f != nil {
		return f
	}
	st, tokens, ex, f := r.createStage(ctx, "token-participant", map[string]any{
		memberTokenConfigs: []any{map[string]any{memberUserID: users[0]}},
	})
	if f != nil {
		return f
	}
	tok, _ := firstValue(tokens, "[]", "token").(string)
	issued := firstValue(tokens, "[]", fieldParticipantID)
	if tok == "" {
		return mismatch(ex, "CreateStage issued no token for its one configuration", 1, len(tokens))
	}
	j, err := r.target.Seeder.Join(ctx, tok)
	if err != nil {
		return seederFailure("Join", err)
	}
	op, f := r.operation("ListParticipants")
	if f != nil {
		return f
	}
	items, lex, f := r.listAll(ctx, op, map[string]any{memberStageArn: st[memberArn], memberSessionID: j.SessionID}, 0)
	if f != nil {
		return f
	}
	var listed []string
	for _, it := range items {
		listed = append(listed, itemID(it))
	}
	if len(listed) != 1 || listed[0] != issued {
		return mismatch(lex, "the participant who joined with the stage's only token is not listed under the token's participantId", []any{issued}, listed)
	}
	return nil
}

// otherAccount is an account id of the same form as account that is not
// it: its last digit moved on by one.
func otherAccount(account string) string {
	if account == "" {
		return ""
	}
	last := account[len(account)-1]
	if d, err := strconv.Atoi(string(last)); err == nil {
		return account[:len(account)-1] + strconv.Itoa((d+1)%10)
	}
	return account[:len(account)-1] + string(rune('a'+(last-'a'+1)%26))
}

// anotherAccountsStage asks GetStage about a stage ARN of the target's
// region and another account, and wants AccessDeniedException.
func anotherAccountsStage(ctx context.Context, r *Runner) *Failure {
	if _, f := r.live(r.liveStage); f != nil {
		return f
	}
	vars := maps.Clone(r.vars)
	vars["account"] = otherAccount(r.vars["account"])
	m, f := r.suite.Contract.member(structGetStage, memberArn)
	if f != nil {
		return f
	}
	arn, f := r.mintWith(m.Identifier, vars)
	if f != nil {
		return f
	}
	if err := m.Check(arn); err != nil {
		return failf(nil, "the made-up ARN %s of another account breaks %s.%s: %v", arn, structGetStage, memberArn, err)
	}
	if r.suite.Contract.Error(errAccessDenied) == nil || !slices.Contains(r.suite.Contract.Operation("GetStage").Errors, errAccessDenied) {
		return skipf("GetStage declares no %s", errAccessDenied)
	}
	return r.doError(ctx, "GetStage", map[string]any{memberArn: arn}, errAccessDenied)
}
