package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// This file is the seeder of an ivsrt fake: its control API under
// /_ivsrt/ (IsFake finds it), spoken over HTTP so that any suite, the
// repository's own or one a downstream module generated, finds the fake's
// participants without importing the fake.

// ControlSeeder drives the participants of an ivsrt fake through its
// control API at endpoint; hc nil means http.DefaultClient. It also issues
// tokens and sets recording states.
func ControlSeeder(endpoint string, hc *http.Client) Seeder {
	if hc == nil {
		hc = http.DefaultClient
	}
	return controlSeeder{base: strings.TrimSuffix(endpoint, "/") + "/_ivsrt", http: hc}
}

type controlSeeder struct {
	base string
	http *http.Client
}

var (
	_ TokenIssuer     = controlSeeder{}
	_ RecordingSetter = controlSeeder{}
)

// participantRef names a participant in the control API's requests.
type participantRef struct {
	StageArn      string `json:"stageArn"`
	ParticipantID string `json:"participantId"`
	State         string `json:"state,omitempty"`
}

func (s controlSeeder) Join(ctx context.Context, token string) (Joined, error) {
	var out struct {
		StageArn      string `json:"stageArn"`
		SessionID     string `json:"sessionId"`
		ParticipantID string `json:"participantId"`
	}
	if err := s.call(ctx, "/join", map[string]string{"token": token}, &out); err != nil {
		return Joined{}, err
	}
	return Joined(out), nil
}

func (s controlSeeder) Publish(ctx context.Context, p Joined) error {
	return s.call(ctx, "/publish", participantRef{StageArn: p.StageArn, ParticipantID: p.ParticipantID}, nil)
}

func (s controlSeeder) StartRecording(ctx context.Context, p Joined) error {
	return s.SetRecording(ctx, p, recActive)
}

func (s controlSeeder) Leave(ctx context.Context, p Joined) error {
	return s.call(ctx, "/leave", participantRef{StageArn: p.StageArn, ParticipantID: p.ParticipantID}, nil)
}

// SetRecording sets a participant's recording state (POST /_ivsrt/recording).
func (s controlSeeder) SetRecording(ctx context.Context, p Joined, state string) error {
	return s.call(ctx, "/recording", participantRef{StageArn: p.StageArn, ParticipantID: p.ParticipantID, State: state}, nil)
}

// IssueToken mints one more token for a stage (POST /_ivsrt/token).
func (s controlSeeder) IssueToken(ctx context.Context, stageArn, userID string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	if err := s.call(ctx, "/token", map[string]string{"stageArn": stageArn, "userId": userID}, &out); err != nil {
		return "", err
	}
	if out.Token == "" {
		return "", fmt.Errorf("the fake issued a token without a value")
	}
	return out.Token, nil
}

// call posts in as JSON and decodes a 200's body into out (when not nil);
// an error answer, in AWS's form, becomes an error naming its type.
func (s controlSeeder) call(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Message string `json:"exceptionMessage"`
		}
		_ = json.Unmarshal(data, &e)
		return fmt.Errorf("POST /_ivsrt%s: %d %s: %s", path, resp.StatusCode, errorType(resp.Header.Get("x-amzn-ErrorType")), e.Message)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("POST /_ivsrt%s: the answer is not JSON: %v", path, err)
	}
	return nil
}
