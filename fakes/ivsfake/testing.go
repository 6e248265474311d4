package ivsfake

import (
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
)

// Fake is a fake running on loopback for one test.
type Fake struct {
	// URL is the fake's base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Client is the official SDK client pointed at the fake. It does not
	// retry, so an injected fault reaches the test as it was injected.
	Client *ivsrealtime.Client
	// Control drives participants, sessions, faults and state.
	Control *Control
	// Server is the fake itself, for in-process access to its state.
	Server *Server
}

// Start serves a new fake on 127.0.0.1 for the rest of the test and stops it
// in t.Cleanup. At most one Options may be given.
func Start(t testing.TB, opts ...Options) *Fake {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	s := New(o)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &Fake{URL: ts.URL, Client: NewClient(ts.URL, s.Memory.opts.Region), Control: NewControl(ts.URL, ts.Client()), Server: s}
}

// NewClient returns an SDK client for the fake at url, with static
// credentials (the fake accepts any) and no retries.
func NewClient(url, region string) *ivsrealtime.Client {
	cfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDIVSRTFAKE", "ivsrt-fake-secret", ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
	return ivsrealtime.NewFromConfig(cfg, func(o *ivsrealtime.Options) { o.BaseEndpoint = aws.String(url) })
}

// Ref names a joined participant, for Publish, recording and Leave.
func (j *JoinOutput) Ref() ParticipantRef {
	return ParticipantRef{StageArn: j.StageArn, ParticipantId: j.ParticipantId}
}
