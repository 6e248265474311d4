package proxy_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
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

func (s *started) violations() []traffic.Finding { s.Proxy.Wait(); return s.Proxy.Violations() }
func (s *started) findings() []traffic.Finding   { s.Proxy.Wait(); return s.Proxy.Findings() }
func (s *started) stats() proxy.Stats            { s.Proxy.Wait(); return s.Proxy.Stats() }

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
// fake sees no violation; the cassette holds every exchange, readable,
// with every secret taken out: the Authorization header, the session
// token, participant tokens' signatures, stream keys, and the account
// (-redact-account).
func TestProxyCarriesTheSDKUnchanged(t *testing.T) {
	const account = "210987654321"
	fake := ivsfake.Start(t, ivsfake.Options{Account: account})
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "c.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	w, err := cassette.NewWriter(f, cassette.Header{Upstream: fake.URL})
	require.NoError(t, err)
	s, err := conformance.Suite()
	require.NoError(t, err)
	px := startProxy(t, fake.URL, proxy.Options{Record: w, Redactor: cassette.NewRedactor(s.Contract.Sensitive, true)})
	const sessionToken = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN"
	client := ivsrealtime.NewFromConfig(aws.Config{Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDCLIENTKEY", "client-secret", sessionToken)},
		func(o *ivsrealtime.Options) { o.BaseEndpoint = aws.String(px.URL) })
	ctl := ivscontrol.NewControl(px.URL, http.DefaultClient)
	var tokens []string
	stageArn := drive(t, client, func(token string) string {
		tokens = append(tokens, token)
		out, err := ctl.Join(context.Background(), ivscontrol.JoinInput{Token: token})
		require.NoError(t, err)
		return out.SessionId
	})
	ing, err := client.CreateIngestConfiguration(context.Background(), &ivsrealtime.CreateIngestConfigurationInput{
		IngestProtocol: types.IngestProtocolRtmps, StageArn: aws.String(stageArn)})
	require.NoError(t, err)
	assert.Empty(t, px.violations(), "log:\n%s", px.Log.String())
	st := px.stats()
	assert.Equal(t, 7, st.Checked)
	confirmed := map[string]bool{}
	for _, f := range px.findings() {
		confirmed[f.Check] = f.Confirms
	}
	for _, check := range []string{"CreateStage/shape/success", "CreateStage/defaults/stage.tags", "CreateStage/defaults/stage.autoParticipantRecordingConfiguration",
		"CreateStage/behaviour/identifiers/stage-arn-format", "ListStages/pagination/maxResults=2", "ListParticipants/filters/filterByUserId=each-present-value"} {
		assert.True(t, confirmed[check], "%s confirmed", check)
	}
	require.NoError(t, w.Err())

	raw, err := os.ReadFile(f.Name())
	require.NoError(t, err)
	cs, err := cassette.Read(bytes.NewReader(raw))
	require.NoError(t, err)
	require.Len(t, cs.Exchanges, 8, "seven API calls and one control call")
	assert.True(t, cs.Exchanges[4].Control)
	text := string(raw)
	secrets := map[string]string{"the session token": sessionToken, "the access key": "AKIDCLIENTKEY", "the account": account,
		"the stream key": *ing.IngestConfiguration.StreamKey}
	for i, tok := range tokens {
		secrets["token signature "+itoa(i)] = tok[strings.LastIndex(tok, ".")+1:]
	}
	for what, secret := range secrets {
		assert.NotContains(t, text, secret, what)
	}
	assert.NotContains(t, text, "Signature=")
	for _, ex := range cs.Exchanges {
		if ex.Control {
			continue
		}
		assert.Equal(t, []string{cassette.Redacted}, ex.Request.Header["Authorization"], "#%d", ex.Seq)
		assert.Equal(t, []string{cassette.Redacted}, ex.Request.Header["X-Amz-Security-Token"], "#%d", ex.Seq)
	}
}

// TestProxyAnswersUnchanged: an answer through the proxy is the answer
// the upstream gave: status, headers (but its request id and date) and
// body, byte for byte, for a success, an error and the control API.
func TestProxyAnswersUnchanged(t *testing.T) {
	fake := ivsfake.Start(t)
	px := startProxy(t, fake.URL, proxy.Options{})
	send := func(base, method, path, body string) (*http.Response, []byte) {
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, b
	}
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/ListStages", `{}`},
		{"POST", "/GetStage", `{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234"}`},
		{"POST", "/CreateStage", `{"name":1}`},
		{"GET", "/_ivsrt/info", ``},
	} {
		dr, db := send(fake.URL, c.method, c.path, c.body)
		pr, pb := send(px.URL, c.method, c.path, c.body)
		assert.Equal(t, dr.StatusCode, pr.StatusCode, c.path)
		assert.Equal(t, string(db), string(pb), c.path)
		for _, h := range []http.Header{dr.Header, pr.Header} {
			h.Del("Date")
			h.Del("X-Amzn-Requestid")
		}
		assert.Equal(t, dr.Header, pr.Header, c.path)
	}
}

// An upstream that does not answer: the client gets 502 with the reason
// as the message its SDK shows, the proxy counts it, and nothing else.
func TestProxyWithoutAnUpstreamAnswers502(t *testing.T) {
	px := startProxy(t, "http://127.0.0.1:1", proxy.Options{})
	_, err := ivsfake.NewClient(px.URL, "us-east-1").GetStage(context.Background(), &ivsrealtime.GetStageInput{Arn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/AAAAAAAAAAAA")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "StatusCode: 502")
	assert.Contains(t, err.Error(), "ivsrt proxy: the upstream gave no answer")
	st := px.stats()
	assert.Equal(t, 1, st.Errors)
	assert.Zero(t, st.Violations)
	assert.Contains(t, px.Log.String(), "POST /GetStage: the upstream gave no answer")
}

// Serial lets one request through to the upstream at a time, whatever the
// clients do at once; without it, requests reach the upstream together.
func TestProxySerialForwardsOneAtATime(t *testing.T) {
	fake := ivsfake.New(ivsfake.Options{})
	for _, serial := range []bool{true, false} {
		var mu sync.Mutex
		inFlight, most := 0, 0
		together := make(chan struct{})
		up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			if inFlight == 2 {
				close(together)
			}
			mu.Unlock()
			if !serial {
				// Hold each request until two are in: proof they came at once.
				select {
				case <-together:
				case <-r.Context().Done():
				}
			}
			fake.ServeHTTP(w, r)
			mu.Lock()
			inFlight--
			mu.Unlock()
		}))
		px := startProxy(t, up.URL, proxy.Options{Serial: serial})
		c := ivsfake.NewClient(px.URL, "us-east-1")
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				_, err := c.ListStages(context.Background(), &ivsrealtime.ListStagesInput{})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		up.Close()
		if serial {
			assert.Equal(t, 1, most, "one request upstream at a time")
		} else {
			assert.Equal(t, 2, most)
		}
	}
}
