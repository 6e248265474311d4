package stages

import (
	"context"
	"crypto/rand"
	"time"

	"example.com/downstream/ivs"
)

// The session operations of a store nobody joins: a token can be issued
// for a stored stage, but no session ever starts, so there are no sessions
// and no events to list, and disconnecting changes nothing.

// CreateParticipantToken issues one more token for a stored stage. The
// Handler has already validated the request and applied the defaults.
func (s *Store) CreateParticipantToken(_ context.Context, in *ivs.CreateParticipantTokenRequest) (*ivs.CreateParticipantTokenResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.find(*in.StageArn); err != nil {
		return nil, err
	}
	return &ivs.CreateParticipantTokenResponse{ParticipantToken: &ivs.ParticipantToken{
		ParticipantId:  new(ivs.NewParticipantId()),
		Token:          new(rand.Text()),
		UserId:         in.UserId,
		Attributes:     in.Attributes,
		Duration:       in.Duration,
		Capabilities:   in.Capabilities,
		ExpirationTime: new(time.Now().UTC().Add(time.Duration(*in.Duration) * time.Minute).Truncate(time.Second)),
	}}, nil
}

// DisconnectParticipant has nobody to disconnect on a stored stage.
func (s *Store) DisconnectParticipant(_ context.Context, in *ivs.DisconnectParticipantRequest) (*ivs.DisconnectParticipantResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.find(*in.StageArn); err != nil {
		return nil, err
	}
	return &ivs.DisconnectParticipantResponse{}, nil
}

// ListStageSessions lists no session: none ever starts.
func (s *Store) ListStageSessions(_ context.Context, in *ivs.ListStageSessionsRequest) (*ivs.ListStageSessionsResponse, error) {
	if err := s.denied(*in.StageArn); err != nil {
		return nil, err
	}
	return &ivs.ListStageSessionsResponse{StageSessions: []ivs.StageSessionSummary{}}, nil
}

// GetStageSession finds no session.
func (s *Store) GetStageSession(_ context.Context, in *ivs.GetStageSessionRequest) (*ivs.GetStageSessionResponse, error) {
	if err := s.denied(*in.StageArn); err != nil {
		return nil, err
	}
	return nil, ivs.NewResourceNotFoundException("Session not found: %s", *in.SessionId)
}

// ListParticipantEvents lists no event: nobody ever joins.
func (s *Store) ListParticipantEvents(_ context.Context, in *ivs.ListParticipantEventsRequest) (*ivs.ListParticipantEventsResponse, error) {
	if err := s.denied(*in.StageArn); err != nil {
		return nil, err
	}
	return &ivs.ListParticipantEventsResponse{Events: []ivs.Event{}}, nil
}
