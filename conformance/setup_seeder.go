package conformance

import (
	"context"
	"net/http"

	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivscontrol"
)

// This file is the seeder of an ivsrt fake: its control API under
// /_ivsrt/ (ivscontrol.IsFake finds it), through the control API's own
// client, so that any suite Full assembles, the repository's own or one a
// downstream module generated, finds the fake's participants without
// importing the fake.

// prepare gives a target without a Seeder whose endpoint is an ivsrt fake
// the fake's seeder, and the dummy credentials a fake takes when it has
// none: the suite's Prepare hook.
func prepare(ctx context.Context, t suite.Target) suite.Target {
	if t.Seeder != nil && t.Credentials != nil || !ivscontrol.IsFake(ctx, t.Endpoint, t.HTTPClient) {
		return t
	}
	if t.Seeder == nil {
		t.Seeder = ControlSeeder(t.Endpoint, t.HTTPClient)
	}
	if t.Credentials == nil {
		t.Credentials = suite.DummyCredentials()
	}
	return t
}

// ControlSeeder drives the participants of an ivsrt fake through its
// control API at endpoint; hc nil means http.DefaultClient. It also sets
// recording states and the stage quota.
func ControlSeeder(endpoint string, hc *http.Client) suite.Seeder {
	return controlSeeder{ivscontrol.NewControl(endpoint, hc)}
}

type controlSeeder struct{ c *ivscontrol.Control }

var (
	_ suite.RecordingSetter          = controlSeeder{}
	_ suite.QuotaSetter              = controlSeeder{}
	_ behaviour.PublisherQuotaSetter = controlSeeder{}
	_ behaviour.Subscriber           = controlSeeder{}
	_ behaviour.ProtocolJoiner       = controlSeeder{}
	_ behaviour.TokenExchanger       = controlSeeder{}
	_ behaviour.PublishFailer        = controlSeeder{}
	_ behaviour.Ingester             = controlSeeder{}
	_ behaviour.CompositionSetter    = controlSeeder{}
)

// SetCompositionState moves a composition to a state (POST /_ivsrt/composition).
func (s controlSeeder) SetCompositionState(ctx context.Context, arn, state string) error {
	return s.c.SetComposition(ctx, ivscontrol.CompositionInput{Arn: arn, State: state})
}

func ref(p suite.Joined) ivscontrol.ParticipantRef {
	return ivscontrol.ParticipantRef{StageArn: p.StageArn, ParticipantId: p.ParticipantID}
}

func (s controlSeeder) Join(ctx context.Context, token string) (suite.Joined, error) {
	out, err := s.c.Join(ctx, ivscontrol.JoinInput{Token: token})
	if err != nil {
		return suite.Joined{}, err
	}
	return suite.Joined{StageArn: out.StageArn, SessionID: out.SessionId, ParticipantID: out.ParticipantId}, nil
}

// JoinWithProtocol makes a participant join with an ingest protocol
// (POST /_ivsrt/join with its protocol).
func (s controlSeeder) JoinWithProtocol(ctx context.Context, token, protocol string) (suite.Joined, error) {
	out, err := s.c.Join(ctx, ivscontrol.JoinInput{Token: token, Protocol: protocol})
	if err != nil {
		return suite.Joined{}, err
	}
	return suite.Joined{StageArn: out.StageArn, SessionID: out.SessionId, ParticipantID: out.ParticipantId}, nil
}

// StartIngest publishes with an ingest configuration's stream key, as an
// RTMP(S) encoder (POST /_ivsrt/ingest).
func (s controlSeeder) StartIngest(ctx context.Context, streamKey, protocol string) (suite.Joined, error) {
	out, err := s.c.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: streamKey, Protocol: protocol})
	if err != nil {
		return suite.Joined{}, err
	}
	return suite.Joined{StageArn: out.StageArn, SessionID: out.SessionId, ParticipantID: out.ParticipantId}, nil
}

// StopIngest stops the publishing a stream key started.
func (s controlSeeder) StopIngest(ctx context.Context, streamKey string) error {
	return s.c.StopIngest(ctx, streamKey)
}

func (s controlSeeder) Publish(ctx context.Context, p suite.Joined) error {
	return s.c.Publish(ctx, ref(p))
}

// FailPublish makes a participant's publish fail with an event error code
// (POST /_ivsrt/publish with its errorCode).
func (s controlSeeder) FailPublish(ctx context.Context, p suite.Joined, errorCode string) error {
	return s.c.FailPublish(ctx, ref(p), errorCode)
}

// ExchangeToken makes a participant exchange its token (POST
// /_ivsrt/exchange-token).
func (s controlSeeder) ExchangeToken(ctx context.Context, p suite.Joined, t behaviour.ExchangedToken) error {
	_, err := s.c.ExchangeToken(ctx, ivscontrol.ExchangeTokenInput{ParticipantRef: ref(p),
		UserId: t.UserID, Attributes: t.Attributes, Capabilities: t.Capabilities, Duration: t.Duration})
	return err
}

func (s controlSeeder) StartRecording(ctx context.Context, p suite.Joined) error {
	return s.c.StartRecording(ctx, ref(p))
}

func (s controlSeeder) Leave(ctx context.Context, p suite.Joined) error {
	return s.c.Leave(ctx, ref(p))
}

// Subscribe makes a participant subscribe to a publisher of its session.
func (s controlSeeder) Subscribe(ctx context.Context, p suite.Joined, remoteParticipantID string) error {
	return s.c.Subscribe(ctx, ivscontrol.ParticipantRef{StageArn: p.StageArn, ParticipantId: p.ParticipantID}, remoteParticipantID)
}

// Unsubscribe makes a participant stop subscribing to a publisher.
func (s controlSeeder) Unsubscribe(ctx context.Context, p suite.Joined, remoteParticipantID string) error {
	return s.c.Unsubscribe(ctx, ivscontrol.ParticipantRef{StageArn: p.StageArn, ParticipantId: p.ParticipantID}, remoteParticipantID)
}

// SetRecording sets a participant's recording state (POST /_ivsrt/recording).
func (s controlSeeder) SetRecording(ctx context.Context, p suite.Joined, state string) error {
	return s.c.SetRecording(ctx, ref(p), state)
}

// SetStageQuota sets the stage quota (POST /_ivsrt/quota) and returns the
// one it replaced.
func (s controlSeeder) SetStageQuota(ctx context.Context, quota int) (int, error) {
	out, err := s.c.SetStageQuota(ctx, quota)
	if err != nil {
		return 0, err
	}
	return out.PreviousStageQuota, nil
}

// SetPublisherQuota sets how many participants may publish to a stage at
// once (POST /_ivsrt/quota) and returns the one it replaced.
func (s controlSeeder) SetPublisherQuota(ctx context.Context, quota int) (int, error) {
	out, err := s.c.SetQuotas(ctx, ivscontrol.QuotasInput{PublisherQuota: &quota})
	if err != nil {
		return 0, err
	}
	return out.PreviousPublisherQuota, nil
}
