package behaviour

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of events and sessions with more
// than one of each: two participants in one session, each listed with
// its own events only, at the times they acted, with the members the
// model documents for each event (no remote participant on a join or a
// publish, an error code only on an error, the one a refused publish
// gets), page by page; and two sessions of one stage, one after the
// other, newest first.

// errorCodeInsufficientCap is the error code of a token that may not do
// what the participant tried (the model's EventErrorCode: "The
// participant tried to take an action that the participant's token is not
// allowed to do").
const errorCodeInsufficientCap = "INSUFFICIENT_CAPABILITIES"

// window is when the suite made something happen: from just before it
// asked (this machine's clock, less clientClockBound) to when it had the
// answer (plus clientClockBound); a time the target stamps on it must lie
// within, and before the Date of the answer that reports it.
type window struct{ from, to time.Time }

func (r *runner) act(fn func() error) (window, error) {
	w := window{from: time.Now().Add(-clientClockBound)}
	err := fn()
	w.to = time.Now().Add(clientClockBound)
	return w, err
}

// within fails when the timestamp raw of what happened in w is not
// between w's start and the answer's Date (plus dateResolution), or w's
// end when the answer has no Date.
func within(ex *suite.Exchange, what string, raw any, w window) *suite.Failure {
	hi := w.to
	if d, err := http.ParseTime(ex.Header.Get("Date")); err == nil {
		hi = d.Add(dateResolution)
	}
	s, _ := raw.(string)
	got, err := time.Parse(time.RFC3339Nano, s)
	span := fmt.Sprintf("between %s and %s", w.from.UTC().Format(time.RFC3339), hi.UTC().Format(time.RFC3339))
	if err != nil {
		return suite.Mismatch(ex, what+" is no ISO 8601 timestamp", span, raw)
	}
	if got.Before(w.from) || got.After(hi) {
		return suite.Mismatch(ex, fmt.Sprintf("%s is %s: not between when the suite made it happen (less %v for this machine's clock) and the answer's Date (plus %v)",
			what, s, clientClockBound, dateResolution), span, got.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// pair is two participants of one session: a publisher, who joined,
// published and left, and one whose token (tokenRequest's: user id,
// attributes, duration and capabilities other than the defaults, PUBLISH
// not among them) may not publish, who joined after it, tried to publish
// and left. acts are when each event of each was made to happen, by
// participant id, oldest first.
type pair struct {
	publisher, refused suite.Joined
	refusedToken       map[string]any // the request of the refused one's token
	acts               map[string][]act
}

type act struct {
	name string
	w    window
}

// sessionFixture is a stage the cases of sessions and events share, made
// once (the first case that needs it waits for it): its first session is
// the pair's, which ends when they leave; a second later (sessionGap) a
// third participant joins, which starts its second session, still live.
// One stage for all of them, borrowed: a run holds no more stages than it
// must.
type sessionFixture struct {
	once   sync.Once
	f      *suite.Failure
	arn    string
	pair   *pair
	ids    []string // the sessions, oldest first
	starts []window // when the join that started each was made
}

// fixture makes the sessions' stage, once.
func (r *runner) fixture(ctx context.Context) (*sessionFixture, *suite.Failure) {
	fx := &r.sessions
	fx.once.Do(func() { fx.f = r.makeFixture(ctx, fx) })
	return fx, fx.f.Copy() // each case words its failure its own way
}

func (r *runner) makeFixture(ctx context.Context, fx *sessionFixture) *suite.Failure {
	if f := r.c.checkEventNames(eventJoined, eventLeft, eventPublishStarted, eventPublishStopped, eventPublishError); f != nil {
		return f
	}
	if f := r.needSeeder(); f != nil {
		return f
	}
	users, f := r.c.samples(structCreateToken, ivscases.MemberUserId, 2)
	if f != nil {
		return f
	}
	refBody, f := r.tokenRequest(false)
	if f != nil {
		return f
	}
	arn, f := r.borrowStage(ctx, "sessions")
	if f != nil {
		return f
	}
	fx.arn = arn
	pubTok, _, f := r.issueToken(ctx, arn, map[string]any{ivscases.MemberUserId: users[0]})
	if f != nil {
		return f
	}
	refTok, _, f := r.issueToken(ctx, arn, refBody)
	if f != nil {
		return f
	}
	s := r.Target().Seeder
	p := &pair{refusedToken: refBody, acts: map[string][]act{}}
	join := func(who *suite.Joined, tok map[string]any) func() error {
		return func() (err error) {
			*who, err = s.Join(ctx, tok["token"].(string))
			return err
		}
	}
	for _, a := range []struct {
		who          *suite.Joined
		name, action string
		fn           func() error
	}{
		{&p.publisher, eventJoined, "Join(the publisher)", join(&p.publisher, pubTok)},
		{&p.publisher, eventPublishStarted, "Publish(the publisher)", func() error { return s.Publish(ctx, p.publisher) }},
		{&p.refused, eventJoined, "Join(the participant that may not publish)", join(&p.refused, refTok)},
		// Refused: the seeder of an ivsrt fake says so with an error.
		{&p.refused, eventPublishError, "Publish(the participant that may not publish)", func() error { return s.Publish(ctx, p.refused) }},
		{&p.publisher, eventPublishStopped, "Leave(the publisher)", func() error { return s.Leave(ctx, p.publisher) }},
		{&p.refused, eventLeft, "Leave(the participant that may not publish)", func() error { return s.Leave(ctx, p.refused) }},
	} {
		w, err := r.act(a.fn)
		if err != nil && a.name != eventPublishError {
			return seederFailure(a.action, err)
		}
		p.acts[a.who.ParticipantID] = append(p.acts[a.who.ParticipantID], act{a.name, w})
		if a.name == eventPublishStopped {
			// The publisher's leave is two events: PUBLISH_STOPPED, then LEFT.
			p.acts[a.who.ParticipantID] = append(p.acts[a.who.ParticipantID], act{eventLeft, w})
		}
		if a.name == eventJoined && a.who == &p.publisher {
			fx.starts = append(fx.starts, w)
		}
	}
	if p.publisher.SessionID != p.refused.SessionID {
		return &suite.Failure{Reason: "the two participants did not join one session of the stage",
			Diff: cmp.Diff(p.publisher.SessionID, p.refused.SessionID), Request: "seeder Join"}
	}
	fx.pair = p
	fx.ids = append(fx.ids, p.publisher.SessionID)
	// The second session.
	time.Sleep(sessionGap)
	tok, _, f := r.issueToken(ctx, arn, map[string]any{ivscases.MemberUserId: users[0]})
	if f != nil {
		return f
	}
	var third suite.Joined
	w, err := r.act(join(&third, tok))
	if err != nil {
		return seederFailure("Join(the second session)", err)
	}
	fx.ids, fx.starts = append(fx.ids, third.SessionID), append(fx.starts, w)
	return nil
}

// twoInSession is the fixture's pair.
func (r *runner) twoInSession(ctx context.Context) (*pair, *suite.Failure) {
	fx, f := r.fixture(ctx)
	if f != nil {
		return nil, f
	}
	return fx.pair, nil
}

// both are the pair, publisher first.
func (p *pair) both() []suite.Joined { return []suite.Joined{p.publisher, p.refused} }

// wantNames are the names of a participant's events, newest first.
func (p *pair) wantNames(j suite.Joined) []string {
	var out []string
	for _, a := range slices.Backward(p.acts[j.ParticipantID]) {
		out = append(out, a.name)
	}
	return out
}

// knownEvents are the events of a listing whose names the contract
// knows (AWS adds event names; a newer service's are not the spec's to
// judge), and their names.
func (r *runner) knownEvents(evs []map[string]any) ([]map[string]any, []string) {
	known := r.c.EnumOf(structEvent, ivscases.MemberName)
	var out []map[string]any
	var names []string
	for _, e := range evs {
		if n, ok := e[ivscases.MemberName].(string); ok && !slices.Contains(known, n) {
			continue
		}
		out = append(out, e)
		names = append(names, fmt.Sprint(e[ivscases.MemberName]))
	}
	return out, names
}

// eventsOwn: each of two participants of one session has its own events
// listed, exactly those it caused, each naming it as its participantId:
// none of the other's (documented: ListParticipantEvents lists the events
// of the participant it names; an event's participantId is the
// participant who triggered it). In what order is not the rule: AWS's
// list-participant-events examples list JOINED before a PUBLISH_STARTED
// of the same second, and replication events after older ones, so
// nothing public says the events come newest first.
func eventsOwn(ctx context.Context, r *runner) *suite.Failure {
	p, f := r.twoInSession(ctx)
	if f != nil {
		return f
	}
	for _, j := range p.both() {
		evs, _, ex, f := r.events(ctx, j)
		if f != nil {
			return f
		}
		evs, names := r.knownEvents(evs)
		for _, e := range evs {
			if f := ownEvent(ex, j.ParticipantID, e); f != nil {
				return f
			}
		}
		if d := cmp.Diff(slices.Sorted(slices.Values(p.wantNames(j))), slices.Sorted(slices.Values(names))); d != "" {
			return &suite.Failure{Reason: fmt.Sprintf("%s of participant %s does not list exactly the events it caused (in any order)", ivscases.OpListParticipantEvents, j.ParticipantID), Diff: d, Exchange: ex}
		}
	}
	return nil
}

// eventTimes: every event's eventTime lies between when the suite made it
// happen and the answer's Date, as a participant's firstJoinTime does
// (documented: "ISO 8601 timestamp ... for when the event occurred").
func eventTimes(ctx context.Context, r *runner) *suite.Failure {
	p, f := r.twoInSession(ctx)
	if f != nil {
		return f
	}
	for _, j := range p.both() {
		evs, _, ex, f := r.events(ctx, j)
		if f != nil {
			return f
		}
		evs, names := r.knownEvents(evs)
		// Each event is matched to the act of its name, whatever the
		// order of the listing (eventsOwn says why no order is the rule).
		acts := slices.Clone(p.acts[j.ParticipantID])
		if len(evs) != len(acts) {
			return suite.Mismatch(ex, fmt.Sprintf("%s of participant %s does not list the events it caused", ivscases.OpListParticipantEvents, j.ParticipantID), p.wantNames(j), names)
		}
		for _, e := range evs {
			what := fmt.Sprintf("the %v event's %s of participant %s", e[ivscases.MemberName], ivscases.MemberEventTime, j.ParticipantID)
			i := slices.IndexFunc(acts, func(a act) bool { return a.name == e[ivscases.MemberName] })
			if i < 0 {
				return suite.Mismatch(ex, fmt.Sprintf("%s of participant %s lists an event it did not cause", ivscases.OpListParticipantEvents, j.ParticipantID), p.wantNames(j), names)
			}
			if f := within(ex, what, e[ivscases.MemberEventTime], acts[i].w); f != nil {
				return f
			}
			acts = slices.Delete(acts, i, i+1)
		}
	}
	return nil
}

// isJoinOrPublish reports whether an event is a join or a publish event:
// JOINED, JOIN_ERROR, PUBLISH_STARTED, PUBLISH_STOPPED, PUBLISH_ERROR.
func isJoinOrPublish(name string) bool {
	return strings.HasPrefix(name, "JOIN") || strings.HasPrefix(name, "PUBLISH_")
}

// eventMembers: the members of every event are as the model documents
// them (eventMembersWith), and on the refused publish the code of a
// token that does not allow it, INSUFFICIENT_CAPABILITIES. Checked where
// only is set on that member alone.
func eventMembers(ctx context.Context, r *runner, only string) *suite.Failure {
	if only == ivscases.MemberErrorCode && !slices.Contains(r.c.EnumOf(structEvent, ivscases.MemberErrorCode), errorCodeInsufficientCap) {
		return suite.Skipf("the contract's %s.%s has no %s", structEvent, ivscases.MemberErrorCode, errorCodeInsufficientCap)
	}
	p, f := r.twoInSession(ctx)
	if f != nil {
		return f
	}
	for _, j := range p.both() {
		evs, _, ex, f := r.events(ctx, j)
		if f != nil {
			return f
		}
		evs, names := r.knownEvents(evs)
		// The refused publish must be there to have its code.
		if j == p.refused && (only == "" || only == ivscases.MemberErrorCode) && !slices.Contains(names, eventPublishError) {
			return suite.Mismatch(ex, fmt.Sprintf("participant %s, whose token lacks %s, has no %s event for the publish it tried", j.ParticipantID, capabilityPublish, eventPublishError),
				p.wantNames(j), names)
		}
		for _, e := range evs {
			// The refused publish is refused for the token's capabilities.
			if f := eventMembersWith(r.c, ex, j.ParticipantID, e, only, errorCodeInsufficientCap); f != nil {
				return f
			}
		}
	}
	return nil
}

// eventPages: each participant's events, paged with every page size from
// 1 to their count, are its own and each exactly once, whole as the
// unpaged listing gives them: another participant's events in the same
// session are not on any page (documented, as eventsOwn).
func eventPages(ctx context.Context, r *runner) *suite.Failure {
	p, f := r.twoInSession(ctx)
	if f != nil {
		return f
	}
	op, f := r.operation(ivscases.OpListParticipantEvents)
	if f != nil {
		return f
	}
	if op.Pagination == nil {
		return suite.Failf(nil, "%s is not paginated", op.Name)
	}
	for _, j := range p.both() {
		base := map[string]any{ivscases.MemberStageArn: j.StageArn, ivscases.MemberSessionId: j.SessionID, ivscases.MemberParticipantId: j.ParticipantID}
		want := len(p.acts[j.ParticipantID])
		for size := max(op.Pagination.MinPageSize, 1); size <= want; size++ {
			pages, f := r.ListPages(ctx, op, base, size, want/size+2)
			if f != nil {
				return f
			}
			var got []string
			for _, pg := range pages {
				for _, it := range pg.Items {
					m, _ := it.(map[string]any)
					if n, ok := m[ivscases.MemberName].(string); ok && !slices.Contains(r.c.EnumOf(structEvent, ivscases.MemberName), n) {
						continue
					}
					if m[ivscases.MemberParticipantId] != j.ParticipantID {
						return suite.Mismatch(pg.Exchange, fmt.Sprintf("a page of %s=%d of participant %s's events holds an event of another participant", op.Pagination.PageSize, size, j.ParticipantID),
							j.ParticipantID, m[ivscases.MemberParticipantId])
					}
					got = append(got, suite.Canonical(it))
				}
			}
			evs, _, ex, f := r.events(ctx, j)
			if f != nil {
				return f
			}
			evs, _ = r.knownEvents(evs)
			var whole []string
			for _, e := range evs {
				whole = append(whole, suite.Canonical(e))
			}
			if d := cmp.Diff(whole, got); d != "" {
				return &suite.Failure{Reason: fmt.Sprintf("following %s with %s=%d does not give participant %s's events each once, whole and in order, as one page does",
					op.Pagination.OutputToken, op.Pagination.PageSize, size, j.ParticipantID), Diff: d, Exchange: ex}
			}
		}
	}
	return nil
}

// sessionGap is how long the fixture waits between its first session's
// end and its second's start, so that their times differ at any
// resolution AWS writes.
const sessionGap = 1100 * time.Millisecond

// twoSessionsListed: a stage's two sessions, one after the other, are two
// sessions with ids of their own, listed newest first by
// ListStageSessions; each startTime lies between the join that started it
// and the answer's Date, the second after the first session's endTime and
// later than the first's startTime; GetStageSession gives each as listed.
// With order, only the order is the rule (inferred: nothing public says
// how sessions are listed); without, the rest (inferred: that the first
// join starts a session and the last leave ends it is our reading).
func twoSessionsListed(ctx context.Context, r *runner, order bool) *suite.Failure {
	fx, f := r.fixture(ctx)
	if f != nil {
		return f
	}
	arn, ids, starts := fx.arn, fx.ids, fx.starts
	op, f := r.operation(ivscases.OpListStageSessions)
	if f != nil {
		return f
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{ivscases.MemberStageArn: arn}, 0)
	if f != nil {
		return f
	}
	var listed []string
	byID := map[string]map[string]any{}
	for _, it := range items {
		m, _ := it.(map[string]any)
		id, _ := m[ivscases.MemberSessionId].(string)
		listed = append(listed, id)
		byID[id] = m
	}
	if order {
		if d := cmp.Diff([]string{ids[1], ids[0]}, listed); d != "" {
			return &suite.Failure{Reason: ivscases.OpListStageSessions + " does not list a stage's two sessions newest first", Diff: d, Exchange: ex}
		}
		return nil
	}
	if ids[0] == ids[1] {
		return suite.Mismatch(ex, "a participant that joined a stage after the session's only participant left joined the same session", "two session ids", ids)
	}
	if d := cmp.Diff([]string{ids[0], ids[1]}, slices.Sorted(slices.Values(listed))); len(listed) != 2 || !slices.Contains(listed, ids[0]) || !slices.Contains(listed, ids[1]) {
		return &suite.Failure{Reason: ivscases.OpListStageSessions + " does not list the stage's two sessions, each once", Diff: d, Exchange: ex}
	}
	for i, id := range ids {
		s := byID[id]
		if f := within(ex, fmt.Sprintf("session %d's %s", i+1, ivscases.MemberStartTime), s[ivscases.MemberStartTime], starts[i]); f != nil {
			return f
		}
		doc, gex, f := r.do(ctx, ivscases.OpGetStageSession, map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberSessionId: id})
		if f != nil {
			return f
		}
		if d := r.c.Diff(suite.StructType(structSession), s, doc[ivscases.MemberStageSession]); d != "" {
			return &suite.Failure{Reason: ivscases.OpGetStageSession + " does not give a session as " + ivscases.OpListStageSessions + " lists it", Diff: d, Exchange: gex}
		}
	}
	first, second := byID[ids[0]], byID[ids[1]]
	if f := wantSessionTimes(ex, ivscases.OpListStageSessions, first, true); f != nil {
		return f
	}
	start1, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(first[ivscases.MemberStartTime]))
	end1, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(first[ivscases.MemberEndTime]))
	start2, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(second[ivscases.MemberStartTime]))
	if !start2.After(start1) || start2.Before(end1) {
		return suite.Mismatch(ex, fmt.Sprintf("the second session, started %v after the first ended, does not start after the first's startTime and endTime", sessionGap),
			fmt.Sprintf("a startTime later than %s and not before %s", first[ivscases.MemberStartTime], first[ivscases.MemberEndTime]), second[ivscases.MemberStartTime])
	}
	return nil
}

// unknownSession: GetStageSession of a well-formed session id that names
// no session of the live stage is ResourceNotFoundException (documented).
func unknownSession(ctx context.Context, r *runner) *suite.Failure {
	arn, f := r.Live(r.liveStage)
	if f != nil {
		return f
	}
	id, f := r.mintFor("GetStageSessionRequest", ivscases.MemberSessionId)
	if f != nil {
		return f
	}
	return r.doError(ctx, ivscases.OpGetStageSession, map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberSessionId: id}, errNotFound)
}
