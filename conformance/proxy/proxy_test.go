package proxy_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/proxy"
	"github.com/ivsrt/contract/conformance/traffic"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

var (
	checkerOnce sync.Once
	checker     *traffic.Checker
	checkerErr  error
)

func newChecker(t testing.TB) *traffic.Checker {
	checkerOnce.Do(func() {
		s, err := conformance.Suite()
		if err != nil {
			checkerErr = err
			return
		}
		checker, checkerErr = traffic.NewChecker(s)
	})
	require.NoError(t, checkerErr)
	return checker
}

// lockedBuffer is a log safe for the proxy's goroutines and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type started struct {
	URL   string
	Proxy *proxy.Proxy
	Log   *lockedBuffer
}

// startProxy serves a proxy to upstream on 127.0.0.1.
func startProxy(t testing.TB, upstream string, o proxy.Options) *started {
	t.Helper()
	u, err := url.Parse(upstream)
	require.NoError(t, err)
	o.Upstream = u
	if o.Checker == nil {
		o.Checker = newChecker(t)
	}
	log := &lockedBuffer{}
	if o.Log == nil {
		o.Log = log
	}
	p, err := proxy.New(o)
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return &started{URL: srv.URL, Proxy: p, Log: log}
}

// drive makes a client call a few operations of every kind the checks
// look at: a stage with defaults, tokens, a listing with a filter, a
// page size.
func drive(t *testing.T, c *ivsrealtime.Client, join func(token string) string) (stageArn string) {
	ctx := context.Background()
	cs, err := c.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("proxied"),
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{UserId: aws.String("alice")}}})
	require.NoError(t, err)
	stageArn = *cs.Stage.Arn
	_, err = c.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: cs.Stage.Arn})
	require.NoError(t, err)
	_, err = c.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: cs.Stage.Arn, UserId: aws.String("bob")})
	require.NoError(t, err)
	_, err = c.ListStages(ctx, &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(2)})
	require.NoError(t, err)
	if join != nil {
		session := join(*cs.ParticipantTokens[0].Token)
		_, err = c.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: cs.Stage.Arn, SessionId: aws.String(session),
			FilterByUserId: aws.String("alice"), MaxResults: aws.Int32(1)})
		require.NoError(t, err)
	}
	_, err = c.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: cs.Stage.Arn, Name: aws.String("renamed")})
	require.NoError(t, err)
	return stageArn
}

// TestProxyCarriesTheSDKUnchanged: the Go SDK through the proxy to the
// fake sees no violation, every answer as the fake gave it, and the
// cassette holds every exchange, readable.
func TestProxyCarriesTheSDKUnchanged(t *testing.T) {
	fake := ivsfake.Start(t)
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "c.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	w, err := cassette.NewWriter(f, cassette.Header{Upstream: fake.URL})
	require.NoError(t, err)
	s, err := conformance.Suite()
	require.NoError(t, err)
	px := startProxy(t, fake.URL, proxy.Options{Record: w, Redactor: cassette.NewRedactor(s.Contract.Sensitive, true)})
	client := ivsfake.NewClient(px.URL, "us-east-1")
	ctl := ivscontrol.NewControl(px.URL, http.DefaultClient)
	drive(t, client, func(token string) string {
		out, err := ctl.Join(context.Background(), ivscontrol.JoinInput{Token: token})
		require.NoError(t, err)
		return out.SessionId
	})
	assert.Empty(t, px.Proxy.Violations(), "log:\n%s", px.Log.String())
	st := px.Proxy.Stats()
	assert.Equal(t, 6, st.Checked)
	assert.Positive(t, st.Confirmed)
	require.NoError(t, w.Err())

	rf, err := os.Open(f.Name())
	require.NoError(t, err)
	defer rf.Close()
	cs, err := cassette.Read(rf)
	require.NoError(t, err)
	assert.Len(t, cs.Exchanges, 7, "six API calls and one control call")
	for _, ex := range cs.Exchanges {
		t.Logf("%d %s %s %d", ex.Seq, ex.Operation, ex.Request.URI, ex.Response.Status)
	}
}
