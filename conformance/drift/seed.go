package drift

import (
	"context"
	"fmt"
	"net/http"

	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
)

// seed makes, through the target's control API, the participants a
// recorded answer shows and the replay has not made yet: on AWS they
// joined through the broadcast SDKs, which no API call of the cassette
// did. Each joins with the token the target minted in place of the one
// that named it (CreateStage's or CreateParticipantToken's), reporting
// the client it was, then publishes, records and leaves as the answer
// shows. The recorded session id the request names stands for the
// session the join started.
func (r *replayer) seed(ctx context.Context, op string, ex cassette.Exchange, er *ExchangeReport) {
	if ex.Response.Status != http.StatusOK || op != ivscases.OpListParticipants && op != ivscases.OpGetParticipant {
		return
	}
	rec, _ := decode(ex.Response.Body).(map[string]any)
	req, _ := decode(ex.Request.Body).(map[string]any)
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
	session, _ := req[ivscases.MemberSessionId].(string)
	for _, p := range shown {
		pid, _ := p[ivscases.MemberParticipantId].(string)
		if pid == "" || r.present[pid] {
			continue
		}
		r.present[pid] = true // tried once, whatever comes of it
		if r.target.Control == nil {
			er.Notes = append(er.Notes, fmt.Sprintf("the recording shows participant %s, and the target has no control API to make it join", pid))
			continue
		}
		tok, ok := r.tokenOf[pid]
		if !ok {
			er.Notes = append(er.Notes, fmt.Sprintf("participant %s: no token of the cassette names it, so it cannot be made to join", pid))
			r.lost[pid] = true
			continue
		}
		if err := r.seedOne(ctx, p, tok, session, er); err != nil {
			er.Notes = append(er.Notes, fmt.Sprintf("seeding participant %s: %v", pid, err))
		}
	}
}

// seedOne makes one recorded participant join, and act as it shows.
func (r *replayer) seedOne(ctx context.Context, p map[string]any, token, session string, er *ExchangeReport) error {
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
	ctl := r.target.Control
	in := ivscontrol.JoinInput{Token: token, Protocol: client(ivscases.MemberProtocol), ClientInfo: ivscontrol.ClientInfo{
		IspName: client(ivscases.MemberIspName), OsName: client(ivscases.MemberOsName), OsVersion: client(ivscases.MemberOsVersion),
		BrowserName: client(ivscases.MemberBrowserName), BrowserVersion: client(ivscases.MemberBrowserVersion), SdkVersion: client(ivscases.MemberSdkVersion)}}
	out, err := ctl.Join(ctx, in)
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	ref := out.Ref()
	er.Seeded = append(er.Seeded, "join "+out.ParticipantId)
	if session != "" {
		r.learn(session, out.SessionId)
	}
	if published, _ := p[ivscases.MemberPublished].(bool); published {
		if err := ctl.Publish(ctx, ref); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		er.Seeded = append(er.Seeded, "publish "+out.ParticipantId)
	}
	recording := str(ivscases.MemberRecordingState)
	set := func(state string) error {
		if err := ctl.SetRecording(ctx, ref, state); err != nil {
			return fmt.Errorf("recording %s: %w", state, err)
		}
		er.Seeded = append(er.Seeded, "recording "+state+" "+out.ParticipantId)
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
		er.Seeded = append(er.Seeded, "leave "+out.ParticipantId)
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
