package ivscontrol

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ivsrt/contract/fakes/wire"
)

// Control is the Go API over a fake's control endpoints. It speaks HTTP, so
// it drives an in-process fake and an `ivsrt serve` alike. Errors the fake
// returns are *wire.Error.
type Control struct {
	base string
	http *http.Client
}

// NewControl returns a Control for the fake at baseURL (e.g.
// http://127.0.0.1:4566); hc nil means http.DefaultClient.
func NewControl(baseURL string, hc *http.Client) *Control {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Control{base: strings.TrimSuffix(baseURL, "/") + strings.TrimSuffix(Prefix, "/"), http: hc}
}

// Join makes the token's participant join its stage.
func (c *Control) Join(ctx context.Context, in JoinInput) (*JoinOutput, error) {
	var out JoinOutput
	if err := c.call(ctx, http.MethodPost, "/join", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// StartIngest makes an encoder publish with an ingest configuration's
// stream key: its participant joins the configuration's stage and
// publishes.
func (c *Control) StartIngest(ctx context.Context, in IngestInput) (*JoinOutput, error) {
	in.Stop = false
	var out JoinOutput
	if err := c.call(ctx, http.MethodPost, "/ingest", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// StopIngest ends the publishing a stream key started: its participant
// leaves.
func (c *Control) StopIngest(ctx context.Context, streamKey string) error {
	return c.call(ctx, http.MethodPost, "/ingest", IngestInput{StreamKey: streamKey, Stop: true}, nil)
}

// Publish makes a participant publish.
func (c *Control) Publish(ctx context.Context, ref ParticipantRef) error {
	return c.call(ctx, http.MethodPost, "/publish", ref, nil)
}

// Subscribe makes a participant subscribe to a participant publishing to
// the same session, the remote participant of its subscribe events.
func (c *Control) Subscribe(ctx context.Context, ref ParticipantRef, remoteParticipantID string) error {
	return c.call(ctx, http.MethodPost, "/subscribe", SubscribeInput{ParticipantRef: ref, RemoteParticipantId: remoteParticipantID}, nil)
}

// Unsubscribe makes a participant stop subscribing to a publisher.
func (c *Control) Unsubscribe(ctx context.Context, ref ParticipantRef, remoteParticipantID string) error {
	return c.call(ctx, http.MethodPost, "/unsubscribe", SubscribeInput{ParticipantRef: ref, RemoteParticipantId: remoteParticipantID}, nil)
}

// FailPublish makes a participant's publish fail with an event error code
// (BITRATE_EXCEEDED, ...): a PUBLISH_ERROR event with that code; a
// participant publishing already stops.
func (c *Control) FailPublish(ctx context.Context, ref ParticipantRef, errorCode string) error {
	return c.call(ctx, http.MethodPost, "/publish", PublishInput{ParticipantRef: ref, ErrorCode: errorCode}, nil)
}

// ExchangeToken makes a connected participant exchange its token for a
// new one of the same stage and participant, and returns the new token.
func (c *Control) ExchangeToken(ctx context.Context, in ExchangeTokenInput) (*ExchangeTokenOutput, error) {
	var out ExchangeTokenOutput
	if err := c.call(ctx, http.MethodPost, "/exchange-token", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetRecording sets a participant's recording state.
func (c *Control) SetRecording(ctx context.Context, ref ParticipantRef, state string) error {
	return c.call(ctx, http.MethodPost, "/recording", RecordingInput{ParticipantRef: ref, State: state}, nil)
}

// StartRecording moves a participant's recording to ACTIVE.
func (c *Control) StartRecording(ctx context.Context, ref ParticipantRef) error {
	return c.SetRecording(ctx, ref, RecordingActive)
}

// StopRecording moves a participant's recording to STOPPED.
func (c *Control) StopRecording(ctx context.Context, ref ParticipantRef) error {
	return c.SetRecording(ctx, ref, RecordingStopped)
}

// FailRecording moves a participant's recording to FAILED.
func (c *Control) FailRecording(ctx context.Context, ref ParticipantRef) error {
	return c.SetRecording(ctx, ref, RecordingFailed)
}

// SetComposition moves a composition, or one of its destinations, to a state.
func (c *Control) SetComposition(ctx context.Context, in CompositionInput) error {
	return c.call(ctx, http.MethodPost, "/composition", in, nil)
}

// Leave makes a participant leave.
func (c *Control) Leave(ctx context.Context, ref ParticipantRef) error {
	return c.call(ctx, http.MethodPost, "/leave", ref, nil)
}

// EndSession ends a stage's live session.
func (c *Control) EndSession(ctx context.Context, stageArn string) error {
	return c.call(ctx, http.MethodPost, "/end-session", map[string]string{"stageArn": stageArn}, nil)
}

// InjectFault makes the next calls of an operation fail.
func (c *Control) InjectFault(ctx context.Context, f Fault) error {
	return c.call(ctx, http.MethodPost, "/faults", f, nil)
}

// SetStageQuota sets how many stages the account may hold; the answer
// also gives the quota it replaced and how many stages there are.
func (c *Control) SetStageQuota(ctx context.Context, quota int) (*QuotaOutput, error) {
	var out QuotaOutput
	if err := c.call(ctx, http.MethodPost, "/quota", QuotaInput{StageQuota: quota}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetQuotas sets the quotas given in (stages, storage configurations,
// publishers per stage); the answer gives every quota, the one it
// replaced, and how many stages and storage configurations there are.
func (c *Control) SetQuotas(ctx context.Context, in QuotasInput) (*QuotaOutput, error) {
	var out QuotaOutput
	if err := c.call(ctx, http.MethodPost, "/quota", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Reset forgets all state and pending faults.
func (c *Control) Reset(ctx context.Context) error {
	return c.call(ctx, http.MethodPost, "/reset", struct{}{}, nil)
}

// Info reports what the fake is; an error means the endpoint is not an ivsrt fake.
func (c *Control) Info(ctx context.Context) (*Info, error) {
	var out Info
	if err := c.call(ctx, http.MethodGet, "/", nil, &out); err != nil {
		return nil, err
	}
	if out.Service != Service {
		return nil, fmt.Errorf("ivscontrol: %s does not answer as an ivsrt fake", c.base)
	}
	return &out, nil
}

func (c *Control) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, wire.MaxBodyBytes))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Message string `json:"exceptionMessage"`
		}
		_ = json.Unmarshal(data, &e)
		typ := resp.Header.Get(wire.HeaderErrorType)
		if typ == "" {
			typ = "UnknownError"
		}
		return &wire.Error{Type: typ, Status: resp.StatusCode, Message: e.Message}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("ivscontrol: %s%s answered %q: %w", c.base, path, data, err)
		}
	}
	return nil
}
