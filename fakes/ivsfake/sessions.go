package ivsfake

import (
	"context"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
)

// This file holds the operations about tokens, sessions and participant
// events: CreateParticipantToken, DisconnectParticipant, ListStageSessions,
// GetStageSession and ListParticipantEvents (docs/contract.md).

// history keeps the last Limits.DeletedStages deleted stages, by ARN (so
// a fake left running, ivsrt serve, does not grow without end), so that what
// happened in their sessions (their end, their participants leaving) can
// still be read. AWS documents nothing about it; ListStageSessions and
// ListParticipantEvents declare no ResourceNotFoundException.
type history struct {
	byArn map[string]*stage
	order []string
}

// event is one entry of a participant's events.
type event struct {
	name ivsapi.EventName
	at   time.Time
	code *ivsapi.EventErrorCode
	// remote is the publisher of a subscribe event (remoteParticipantId);
	// "" for the others, where the model documents it as null.
	remote string
	// exchange holds the tokens of a TOKEN_EXCHANGED event.
	exchange *exchange
	// dstArn and dstSession are the destination of a REPLICATION_STARTED
	// or REPLICATION_STOPPED event ("" for the others).
	dstArn, dstSession string
}

// exchange is what a TOKEN_EXCHANGED event shows: the token the
// participant held and the one it took instead.
type exchange struct {
	previous, next exchangedToken
}

// exchangedToken is a token as an ExchangedParticipantToken shows it.
type exchangedToken struct {
	userID       *string
	attributes   map[string]string
	capabilities []ivsapi.ParticipantTokenCapability
	expires      time.Time // zero: unknown (a participant an older state file holds)
}

// view shows the token's members as a ParticipantToken of the fake shows
// them (pToken.view): none that it lacks.
func (t exchangedToken) view() *ivsapi.ExchangedParticipantToken {
	out := &ivsapi.ExchangedParticipantToken{
		UserId:       t.userID,
		Attributes:   copyMap(t.attributes),
		Capabilities: append([]ivsapi.ParticipantTokenCapability(nil), t.capabilities...),
	}
	if !t.expires.IsZero() {
		out.ExpirationTime = new(t.expires)
	}
	return out
}

// view is the event of participant p of session s as ListParticipantEvents
// lists it. replica is true for the events of a replica and for a
// subscribe event whose publisher is one (the model's Event.replica: "If
// this is a subscribe event, then this flag refers to
// remoteParticipantId"); otherwise it is left to the spec's default
// (false, which the generated SetDefaults applies to every answer).
func (e *event) view(p *participant, s *session) ivsapi.Event {
	out := ivsapi.Event{Name: new(e.name), ParticipantId: new(p.id), EventTime: new(e.at), ErrorCode: e.code}
	if e.remote != "" {
		out.RemoteParticipantId = new(e.remote)
		if r := s.byID[e.remote]; r != nil && r.source != nil {
			out.Replica = new(true)
		}
	} else if p.source != nil {
		out.Replica = new(true)
	}
	if e.dstArn != "" {
		out.DestinationStageArn, out.DestinationSessionId = new(e.dstArn), new(e.dstSession)
	}
	if e.exchange != nil {
		out.PreviousToken, out.NewToken = e.exchange.previous.view(), e.exchange.next.view()
	}
	return out
}

// CreateParticipantToken issues one more token for a stage. The request
// arrives validated and defaulted by the generated layer, with the same
// limits and defaults as a token configuration of CreateStage.
func (m *Memory) CreateParticipantToken(_ context.Context, in *ivsapi.CreateParticipantTokenRequest) (_ *ivsapi.CreateParticipantTokenResponse, err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, err := m.lookup(*in.StageArn)
	if err != nil {
		return nil, err
	}
	// Tokens that expired unused no longer count toward the bound.
	m.sweep(now)
	if limit := m.opts.Limits.UnusedTokensPerStage; st.unused >= limit {
		return nil, unusedTokensExceeded(st.arn, st.unused, limit)
	}
	c := ivsapi.ParticipantTokenConfiguration{Duration: in.Duration, UserId: in.UserId, Attributes: in.Attributes, Capabilities: in.Capabilities}
	tok := m.issue(st.arn, c, now).view()
	return &ivsapi.CreateParticipantTokenResponse{ParticipantToken: &tok}, nil
}

// DisconnectParticipant disconnects a participant from the stage's live
// session and revokes it for good: its token no longer joins. A participant
// that is not connected is still revoked. Nothing public says what AWS
// answers for an id the stage never issued; the fake revokes it all the
// same and answers 200 (inferred), keeping ResourceNotFoundException for
// an unknown stage. A participant publishing through an ingest
// configuration leaves that configuration without a stage (documented:
// the operation's description).
func (m *Memory) DisconnectParticipant(_ context.Context, in *ivsapi.DisconnectParticipantRequest) (_ *ivsapi.DisconnectParticipantResponse, err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, err := m.lookup(*in.StageArn)
	if err != nil {
		return nil, err
	}
	id := *in.ParticipantId
	m.revoke(st, id)
	if st.active != nil {
		if p := st.active.byID[id]; p != nil && p.state == ivsapi.ParticipantStateConnected {
			m.dissociateIngest(st, p)
			m.disconnect(st, p, now)
		}
	}
	return &ivsapi.DisconnectParticipantResponse{}, nil
}

// readable finds a stage for the session and event operations: a live
// stage, or a deleted one whose sessions are still kept. Another account's
// stage is AccessDeniedException; nil, nil is an unknown stage.
func (m *Memory) readable(arn string) (*stage, error) {
	if st := m.stages[arn]; st != nil {
		return st, nil
	}
	if st := m.deleted.byArn[arn]; st != nil {
		return st, nil
	}
	if _, account, ok := ivsapi.ParseStageArn(arn); ok && account != m.opts.Account {
		_, err := m.lookup(arn)
		return nil, err
	}
	return nil, nil
}

// ListStageSessions lists a stage's sessions newest first. A page token
// holds the index, in start order, to resume at; sessions are only ever
// appended, so paging stays exact while new sessions start. An unknown
// stage lists nothing: the operation declares no ResourceNotFoundException.
func (m *Memory) ListStageSessions(_ context.Context, in *ivsapi.ListStageSessionsRequest) (*ivsapi.ListStageSessionsResponse, error) {
	query := pageQuery(ivsapi.OpListStageSessions, *in.StageArn, "")
	m.mu.RLock()
	defer m.mu.RUnlock()
	st, err := m.readable(*in.StageArn)
	if err != nil {
		return nil, err
	}
	out := &ivsapi.ListStageSessionsResponse{StageSessions: []ivsapi.StageSessionSummary{}}
	if st == nil {
		return out, nil
	}
	// Page tokens count from the stage's first session: those the bound
	// dropped still count, so a token stays exact as old ones go.
	from := len(st.history) - 1
	if in.NextToken != nil && *in.NextToken != "" {
		if from, err = m.pages.open(*in.NextToken, query, "Member must be a token ListStageSessions issued for this stageArn"); err != nil {
			return nil, err
		}
		from -= st.sessionsDropped
	}
	for i := min(from, len(st.history)-1); i >= 0; i-- {
		if len(out.StageSessions) == int(*in.MaxResults) {
			out.NextToken = new(m.pages.issue(i+st.sessionsDropped, query))
			break
		}
		v := st.history[i].view()
		out.StageSessions = append(out.StageSessions, ivsapi.StageSessionSummary{SessionId: v.SessionId, StartTime: v.StartTime, EndTime: v.EndTime})
	}
	return out, nil
}

// GetStageSession returns one session of a stage.
func (m *Memory) GetStageSession(_ context.Context, in *ivsapi.GetStageSessionRequest) (*ivsapi.GetStageSessionResponse, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	st, err := m.readable(*in.StageArn)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, ivsapi.NewResourceNotFoundException("Resource: %s not found", *in.StageArn)
	}
	s := st.sessions[*in.SessionId]
	if s == nil {
		return nil, ivsapi.NewResourceNotFoundException("Session %s not found in stage %s", *in.SessionId, st.arn)
	}
	return &ivsapi.GetStageSessionResponse{StageSession: s.view()}, nil
}

// ListParticipantEvents lists a participant's events in a session, newest
// first. Events are only ever appended, so a page token holds the index,
// in time order, to resume at. An unknown stage, session or participant
// lists nothing: the operation declares no ResourceNotFoundException.
func (m *Memory) ListParticipantEvents(_ context.Context, in *ivsapi.ListParticipantEventsRequest) (*ivsapi.ListParticipantEventsResponse, error) {
	query := pageQuery(*in.StageArn, *in.SessionId, "events\x00"+*in.ParticipantId)
	m.mu.RLock()
	defer m.mu.RUnlock()
	st, err := m.readable(*in.StageArn)
	if err != nil {
		return nil, err
	}
	out := &ivsapi.ListParticipantEventsResponse{Events: []ivsapi.Event{}}
	var events []event
	var p *participant
	var s *session
	dropped := 0 // page tokens count from the first event, dropped ones too
	if st != nil && st.sessions[*in.SessionId] != nil {
		s = st.sessions[*in.SessionId]
		if p = s.byID[*in.ParticipantId]; p != nil {
			events, dropped = p.events, int(p.eventsDropped)
		}
	}
	from := len(events) - 1
	if in.NextToken != nil && *in.NextToken != "" {
		if from, err = m.pages.open(*in.NextToken, query, "Member must be a token ListParticipantEvents issued for this stageArn, sessionId and participantId"); err != nil {
			return nil, err
		}
		from -= dropped
	}
	for i := min(from, len(events)-1); i >= 0; i-- {
		if len(out.Events) == int(*in.MaxResults) {
			out.NextToken = new(m.pages.issue(i+dropped, query))
			break
		}
		out.Events = append(out.Events, events[i].view(p, s))
	}
	return out, nil
}

func (s *session) view() *ivsapi.StageSession {
	out := &ivsapi.StageSession{SessionId: new(s.id), StartTime: new(s.start)}
	if !s.end.IsZero() {
		out.EndTime = new(s.end)
	}
	return out
}
