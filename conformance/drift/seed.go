package drift

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
)

// seed makes, through the target's control API, what a recorded answer
// shows and the replay has not made yet: on AWS participants join through
// the broadcast SDKs, which no API call of the cassette did.
//
//   - A participant a ListParticipants or GetParticipant answer shows joins
//     with the token the target minted in place of the one that named it
//     (CreateStage's or CreateParticipantToken's), reporting the client it
//     was, then publishes, records and leaves as the answer shows. The
//     recorded session id the request names stands for the session the
//     join started.
//   - A session a GetStage (its activeSessionId) or ListStageSessions
//     answer shows is started by making the participants the cassette
//     later lists in it join (only join: what they do is seeded when an
//     answer shows it); an ended session's participants also act and
//     leave at once, which ends it.
func (r *replayer) seed(ctx context.Context, op string, ex cassette.Exchange, er *ExchangeReport) {
	if ex.Response.Status != http.StatusOK {
		return
	}
	rec, _ := decode(ex.Response.Body).(map[string]any)
	switch op {
	case ivscases.OpListParticipants, ivscases.OpGetParticipant:
		req, _ := decode(ex.Request.Body).(map[string]any)
		session, _ := req[ivscases.MemberSessionId].(string)
		r.seedParticipants(ctx, shownParticipants(rec), session, true, er)
	case ivscases.OpGetStage:
		st, _ := rec[ivscases.MemberStage].(map[string]any)
		if s, _ := st[ivscases.MemberActiveSessionId].(string); s != "" {
			r.seedSession(ctx, ex.Seq, s, false, er)
		}
	case ivscases.OpListStageSessions:
		sessions, _ := rec[ivscases.MemberStageSessions].([]any)
		// Newest first: the oldest is started (and ended) first.
		for _, it := range slices.Backward(sessions) {
			m, _ := it.(map[string]any)
			if s, _ := m[ivscases.MemberSessionId].(string); s != "" {
				_, ended := m[ivscases.MemberEndTime]
				r.seedSession(ctx, ex.Seq, s, ended, er)
			}
		}
	}
}

// shownParticipants are the participants of a ListParticipants or
// GetParticipant answer.
func shownParticipants(rec map[string]any) []map[string]any {
	var shown []map[string]any
	if p, ok := rec[ivscases.MemberParticipant].(map[string]any); ok {
		shown = append(shown, p)
	}
	if ps, ok := rec[ivscases.MemberParticipants].([]any); ok {
		for _, it := range ps {
			if p, ok := it.(map[string]any); ok {
				shown = append(shown, p)
			}
		}
	}
	return shown
}

// seedSession starts a recorded session the target has no counterpart
// of, by making the participants the cassette lists in it after exchange
// seq join; with ended, they also act as listed and leave. A session the
// cassette lists nobody of is noted.
func (r *replayer) seedSession(ctx context.Context, seq int, session string, ended bool, er *ExchangeReport) {
	if _, ok := r.ids[session]; ok {
		return
	}
	var shown []map[string]any
	for _, ex := range r.exchanges {
		if ex.Seq <= seq || ex.Response.Status != http.StatusOK || ex.Operation != ivscases.OpListParticipants && ex.Operation != ivscases.OpGetParticipant {
			continue
		}
		if req, _ := decode(ex.Request.Body).(map[string]any); req[ivscases.MemberSessionId] == session {
			rec, _ := decode(ex.Response.Body).(map[string]any)
			shown = append(shown, shownParticipants(rec)...)
		}
	}
	if len(shown) == 0 {
		er.Notes = append(er.Notes, fmt.Sprintf("the recording shows session %s, and lists none of its participants: not seeded", session))
		return
	}
	r.seedParticipants(ctx, shown, session, ended, er)
}

// seedParticipants makes each participant shown join, unless the replay
// made it already; with act, it also publishes, records and leaves as
// shown (once).
func (r *replayer) seedParticipants(ctx context.Context, shown []map[string]any, session string, act bool, er *ExchangeReport) {
	for _, p := range shown {
		pid, _ := p[ivscases.MemberParticipantId].(string)
		if pid == "" || r.present[pid] || r.lost[pid] || act && r.acted[pid] {
			continue
		}
		ref, joined := r.joined[pid]
		if !joined {
			if r.target.Control == nil {
				er.Notes = append(er.Notes, fmt.Sprintf("the recording shows participant %s, and the target has no control API to make it join", pid))
				r.lost[pid] = true
				continue
			}
			tok, ok := r.tokenOf[pid]
			if !ok {
				er.Notes = append(er.Notes, fmt.Sprintf("participant %s: no token of the cassette names it, so it cannot be made to join", pid))
				r.lost[pid] = true
				continue
			}
			var err error
			if ref, err = r.join(ctx, p, tok, session, er); err != nil {
				er.Notes = append(er.Notes, fmt.Sprintf("seeding participant %s: %v", pid, err))
				r.lost[pid] = true
				continue
			}
			r.joined[pid] = ref
		}
		if act {
			r.acted[pid] = true // once, whatever comes of it
			if err := r.act(ctx, p, ref, er); err != nil {
				er.Notes = append(er.Notes, fmt.Sprintf("seeding participant %s: %v", pid, err))
			}
		}
	}
}

// join makes one recorded participant join with the target's token.
func (r *replayer) join(ctx context.Context, p map[string]any, token, session string, er *ExchangeReport) (ivscontrol.ParticipantRef, error) {
	str := func(m string) string { s, _ := p[m].(string); return s }
	// The client a participant was is in GetParticipant's answer, not in
	// a list's summary: take it from the cassette's, where it has one.
	full := r.participantView(str(ivscases.MemberParticipantId))
	client := func(m string) string {
		if s, ok := full[m].(string); ok {
			return s
		}
		return str(m)
	}
	in := ivscontrol.JoinInput{Token: token, Protocol: client(ivscases.MemberProtocol), ClientInfo: ivscontrol.ClientInfo{
		IspName: client(ivscases.MemberIspName), OsName: client(ivscases.MemberOsName), OsVersion: client(ivscases.MemberOsVersion),
		BrowserName: client(ivscases.MemberBrowserName), BrowserVersion: client(ivscases.MemberBrowserVersion), SdkVersion: client(ivscases.MemberSdkVersion)}}
	out, err := r.target.Control.Join(ctx, in)
	if err != nil {
		return ivscontrol.ParticipantRef{}, fmt.Errorf("join: %w", err)
	}
	er.Seeded = append(er.Seeded, "join "+out.ParticipantId)
	if session != "" {
		r.learn(session, out.SessionId)
	}
	return out.Ref(), nil
}

// act makes a joined participant publish, record and leave as the
// recorded participant p shows.
func (r *replayer) act(ctx context.Context, p map[string]any, ref ivscontrol.ParticipantRef, er *ExchangeReport) error {
	str := func(m string) string { s, _ := p[m].(string); return s }
	ctl := r.target.Control
	if published, _ := p[ivscases.MemberPublished].(bool); published {
		if err := ctl.Publish(ctx, ref); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		er.Seeded = append(er.Seeded, "publish "+ref.ParticipantId)
	}
	recording := str(ivscases.MemberRecordingState)
	set := func(state string) error {
		if err := ctl.SetRecording(ctx, ref, state); err != nil {
			return fmt.Errorf("recording %s: %w", state, err)
		}
		er.Seeded = append(er.Seeded, "recording "+state+" "+ref.ParticipantId)
		return nil
	}
	if recording == ivscontrol.RecordingActive {
		if err := set(recording); err != nil {
			return err
		}
	}
	if str(ivscases.MemberState) == string(ivsapi.ParticipantStateDisconnected) {
		if err := ctl.Leave(ctx, ref); err != nil {
			return fmt.Errorf("leave: %w", err)
		}
		er.Seeded = append(er.Seeded, "leave "+ref.ParticipantId)
	}
	// A recording that ended ends once its participant left (or stopped
	// publishing): set last.
	if recording == ivscontrol.RecordingStopped || recording == ivscontrol.RecordingFailed {
		return set(recording)
	}
	return nil
}

// participantView is the participant of the cassette's first
// GetParticipant answer about the recorded participant id, nil when none
// is.
func (r *replayer) participantView(pid string) map[string]any {
	for _, ex := range r.exchanges {
		if ex.Operation != ivscases.OpGetParticipant || ex.Response.Status != http.StatusOK {
			continue
		}
		rec, _ := decode(ex.Response.Body).(map[string]any)
		if p, ok := rec[ivscases.MemberParticipant].(map[string]any); ok && p[ivscases.MemberParticipantId] == pid {
			return p
		}
	}
	return nil
}
