package ivsapi

// Hand-written: the generator leaves files that are not *_gen.go alone.

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ivsrt/contract/fakes/wire"
)

var (
	_ wire.HeaderSetter = (*StartParticipantReplicationResponse)(nil)
	_ wire.HeaderSetter = (*StopParticipantReplicationResponse)(nil)
)

// replicating answers the two operations whose answers AWS's model binds
// to headers, with no state: the Handler alone is under test here.
type replicating struct{ UnimplementedBackend }

func (replicating) StartParticipantReplication(context.Context, *StartParticipantReplicationRequest) (*StartParticipantReplicationResponse, error) {
	return &StartParticipantReplicationResponse{CacheControl: new("no-store"), XFrameOptions: new("DENY")}, nil
}

func (replicating) StopParticipantReplication(context.Context, *StopParticipantReplicationRequest) (*StopParticipantReplicationResponse, error) {
	return nil, nil
}

// TestAnswerHeaderMembersAreResponseHeaders: the Handler writes the members
// of an answer that are bound to headers as response headers, over HTTP,
// and leaves them out of the body; a nil member writes no header.
func TestAnswerHeaderMembersAreResponseHeaders(t *testing.T) {
	srv := httptest.NewServer(NewHandler(replicating{}, Options{}))
	t.Cleanup(srv.Close)
	const body = `{"sourceStageArn":"arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234",` +
		`"destinationStageArn":"arn:aws:ivs:us-east-1:123456789012:stage/ijklMNOP5678","participantId":"p1"}`
	post := func(op string) (*http.Response, string) {
		resp, err := http.Post(srv.URL+"/"+op, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(data)
	}

	resp, data := post(OpStartParticipantReplication)
	if resp.StatusCode != http.StatusOK || data != "{}" {
		t.Fatalf("StartParticipantReplication: %d %s, want 200 {}", resp.StatusCode, data)
	}
	if got := resp.Header.Values("Cache-Control"); len(got) != 1 || got[0] != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := resp.Header.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options = %q, want DENY", got)
	}
	for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options"} {
		if v, ok := resp.Header[h]; ok {
			t.Errorf("%s = %q: its member is nil", h, v)
		}
	}

	resp, data = post(OpStopParticipantReplication)
	if resp.StatusCode != http.StatusOK || data != "{}" || resp.Header.Get("Cache-Control") != "" {
		t.Fatalf("StopParticipantReplication with a nil answer: %d %v %s", resp.StatusCode, resp.Header, data)
	}
}
