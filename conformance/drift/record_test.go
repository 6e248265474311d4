package drift_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/wire"
)

const region = "us-east-1"

// recorder records what goes through it to a cassette in memory, as
// `ivsrt proxy -record` does: redacted, each exchange with its operation.
type recorder struct {
	buf bytes.Buffer
	rec *cassette.Recorder
}

// With accounts, account ids are replaced by stand-ins, as `ivsrt proxy
// -redact-account` does.
func newRecorder(t *testing.T, upstream string, accounts bool) *recorder {
	t.Helper()
	r := &recorder{}
	w, err := cassette.NewWriter(&r.buf, cassette.Header{Recorded: time.Now().UTC(), Upstream: upstream, Region: region, API: ivscases.Contract.APIVersion,
		Tool:     "the tests of conformance/drift (go test ./conformance/drift -run TestExampleCassette -update)",
		Redacted: cassette.NewRedactor(ivscases.Contract.Sensitive, accounts).Redactions()})
	require.NoError(t, err)
	router := wire.NewRouter(ivsapi.Routes)
	r.rec = &cassette.Recorder{Writer: w, Redactor: cassette.NewRedactor(ivscases.Contract.Sensitive, accounts),
		Operation: func(req *http.Request) (string, bool) {
			if strings.HasPrefix(req.URL.Path, ivscontrol.Prefix) {
				return "", true
			}
			if i, _, ok := router.Match(req.Method, req.URL.EscapedPath()); ok {
				return ivsapi.Routes[i].Operation, false
			}
			return "", false
		}}
	return r
}

func (r *recorder) cassette(t *testing.T) *cassette.Cassette {
	t.Helper()
	c, err := cassette.Read(bytes.NewReader(r.buf.Bytes()))
	require.NoError(t, err)
	return c
}

// sdk is the Go SDK's client of the endpoint, through hc.
func sdk(endpoint string, hc *http.Client) *ivsrealtime.Client {
	return ivsrealtime.New(ivsrealtime.Options{Region: region, BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDDRIFT", "drift-secret", ""), HTTPClient: hc,
		RetryMaxAttempts: 1})
}

// recordSession records a realistic session of an application with the
// Go SDK against the fake at endpoint: a stage created with tokens and
// tags, another without either, participants who join and publish
// through the control API (recorded too when control is true: the
// recorder wraps the control client's HTTP client; else made unseen, as
// on AWS, where they join through the broadcast SDKs), lists filtered
// and paged, a participant read, sessions listed, the stage updated and
// read, a storage configuration created, read and deleted, a request
// refused for a bad name, a participant leaving, the stages deleted.
// Without control, the account ids are replaced too, as a team recording
// AWS would.
func recordSession(t *testing.T, endpoint string, control bool) *cassette.Cassette {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rec := newRecorder(t, endpoint, !control)
	hc := &http.Client{Transport: rec.rec}
	client := sdk(endpoint, hc)
	ctlClient := http.DefaultClient
	if control {
		ctlClient = hc
	}
	ctl := ivscontrol.NewControl(endpoint, ctlClient)

	created, err := client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("lifecycle"),
		Tags: map[string]string{"team": "drift", "env": "test"},
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{
			{UserId: aws.String("alice"), Attributes: map[string]string{"role": "host"}},
			{UserId: aws.String("bob"), Capabilities: []types.ParticipantTokenCapability{types.ParticipantTokenCapabilitySubscribe}},
		}})
	require.NoError(t, err)
	stage := created.Stage.Arn
	plain, err := client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("plain")})
	require.NoError(t, err)

	alice, err := ctl.Join(ctx, ivscontrol.JoinInput{Token: *created.ParticipantTokens[0].Token,
		ClientInfo: ivscontrol.ClientInfo{BrowserName: "Google Chrome", BrowserVersion: "120.0", OsName: "macOS", SdkVersion: "1.13.0"}})
	require.NoError(t, err)
	require.NoError(t, ctl.Publish(ctx, alice.Ref()))
	bob, err := ctl.Join(ctx, ivscontrol.JoinInput{Token: *created.ParticipantTokens[1].Token})
	require.NoError(t, err)
	if !control {
		// As on AWS: bob left before anyone listed the session, and the
		// application read the stage (its live session) first.
		require.NoError(t, ctl.Leave(ctx, bob.Ref()))
		_, err = client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: stage})
		require.NoError(t, err)
		_, err = client.ListStageSessions(ctx, &ivsrealtime.ListStageSessionsInput{StageArn: stage})
		require.NoError(t, err)
	}

	if !control {
		// The whole session first: what an application that shows who
		// is there lists.
		_, err = client.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: stage, SessionId: aws.String(alice.SessionId)})
		require.NoError(t, err)
	}
	_, err = client.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: stage, SessionId: aws.String(alice.SessionId), FilterByPublished: true})
	require.NoError(t, err)
	_, err = client.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: stage, SessionId: aws.String(alice.SessionId), MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	_, err = client.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: stage, SessionId: aws.String(alice.SessionId), ParticipantId: aws.String(alice.ParticipantId)})
	require.NoError(t, err)
	if control {
		_, err = client.ListStageSessions(ctx, &ivsrealtime.ListStageSessionsInput{StageArn: stage})
		require.NoError(t, err)
		_, err = client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: stage, Name: aws.String("lifecycle-renamed")})
		require.NoError(t, err)
		_, err = client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: stage})
		require.NoError(t, err)
		sc, err := client.CreateStorageConfiguration(ctx, &ivsrealtime.CreateStorageConfigurationInput{Name: aws.String("recordings"),
			S3: &types.S3StorageConfiguration{BucketName: aws.String("drift-recordings")}, Tags: map[string]string{"team": "drift"}})
		require.NoError(t, err)
		_, err = client.GetStorageConfiguration(ctx, &ivsrealtime.GetStorageConfigurationInput{Arn: sc.StorageConfiguration.Arn})
		require.NoError(t, err)
		_, err = client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: sc.StorageConfiguration.Arn})
		require.NoError(t, err)
		_, err = client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("not a valid name!")})
		require.Error(t, err, "the fake refuses a name outside the model's pattern")
		require.NoError(t, ctl.Leave(ctx, bob.Ref()))
	}
	_, err = client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: plain.Stage.Arn})
	require.NoError(t, err)
	_, err = client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: stage})
	require.NoError(t, err)
	require.NoError(t, rec.rec.Writer.Err())
	return rec.cassette(t)
}

// rewriting is a handler that serves next and lets fn change each answer
// (its status, headers and JSON body) to the request of op it answers:
// an implementation broken on purpose. req, when set, changes the request
// first (its body, and its URI).
type rewriting struct {
	next   http.Handler
	router *wire.Router
	req    func(op string, uri string, body []byte) (string, []byte)
	resp   func(op string, status int, h http.Header, body []byte) (int, []byte)
}

func (h *rewriting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := ""
	if i, _, ok := h.router.Match(r.Method, r.URL.EscapedPath()); ok {
		op = ivsapi.Routes[i].Operation
	}
	body, _ := io.ReadAll(r.Body)
	if h.req != nil {
		uri, b := h.req(op, r.URL.RequestURI(), body)
		body = b
		if uri != r.URL.RequestURI() {
			u, err := r.URL.Parse(uri)
			if err == nil {
				r.URL = u
				r.RequestURI = uri
			}
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	rr := &captured{header: http.Header{}, status: http.StatusOK}
	h.next.ServeHTTP(rr, r)
	status, out := rr.status, rr.body.Bytes()
	if h.resp != nil {
		status, out = h.resp(op, status, rr.header, out)
	}
	for k, vs := range rr.header {
		w.Header()[k] = vs
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// captured is an http.ResponseWriter that keeps the answer.
type captured struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *captured) Header() http.Header         { return c.header }
func (c *captured) Write(b []byte) (int, error) { return c.body.Write(b) }
func (c *captured) WriteHeader(status int)      { c.status = status }
