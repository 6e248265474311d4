package cassette_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// The Go SDK's traffic with the fake, recorded: every call in order, its
// operation named, secrets out, and the SDK none the wiser.
func TestRecorderRecordsTheSDKsTraffic(t *testing.T) {
	f := ivsfake.Start(t)
	var buf bytes.Buffer
	w, err := cassette.NewWriter(&buf, cassette.Header{Upstream: f.URL})
	require.NoError(t, err)
	router := wire.NewRouter(ivsapi.Routes)
	rec := &cassette.Recorder{Writer: w, Redactor: cassette.NewRedactor([]string{"token", "streamKey"}, false),
		Operation: func(r *http.Request) (string, bool) {
			if strings.HasPrefix(r.URL.Path, "/_ivsrt/") {
				return "", true
			}
			if i, _, ok := router.Match(r.Method, r.URL.EscapedPath()); ok {
				return ivsapi.Routes[i].Operation, false
			}
			return "", false
		}}
	client := ivsrealtime.New(ivsrealtime.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDRECORDED", "secret", "session-token"),
		HTTPClient:  &http.Client{Transport: rec}})
	ctx := context.Background()
	created, err := client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("recorded"),
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{UserId: aws.String("alice")}}})
	require.NoError(t, err)
	require.NotEmpty(t, *created.ParticipantTokens[0].Token, "the client gets the token whole")
	_, err = client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/AAAAAAAAAAAA")})
	require.Error(t, err)

	c, err := cassette.Read(&buf)
	require.NoError(t, err)
	require.Len(t, c.Exchanges, 2)
	first, second := c.Exchanges[0], c.Exchanges[1]
	assert.Equal(t, "CreateStage", first.Operation)
	assert.Equal(t, http.MethodPost, first.Request.Method)
	assert.Equal(t, "/CreateStage", first.Request.URI)
	assert.Contains(t, first.Request.Body, `"name":"recorded"`)
	assert.Equal(t, http.StatusOK, first.Response.Status)
	assert.Contains(t, first.Response.Body, *created.Stage.Arn)
	assert.NotContains(t, first.Response.Body, *created.ParticipantTokens[0].Token, "no usable token in the cassette")
	assert.Contains(t, first.Response.Body, `"token":"`+cassette.Mark(*created.ParticipantTokens[0].Token)+`"`, "a sensitive member that is no JWT is replaced by its mark")
	assert.Equal(t, cassette.Redacted, first.Request.Header.Get("Authorization"))
	assert.Equal(t, cassette.Redacted, first.Request.Header.Get("X-Amz-Security-Token"))
	assert.Positive(t, first.Duration)
	assert.Equal(t, "GetStage", second.Operation)
	assert.Equal(t, http.StatusNotFound, second.Response.Status)
	assert.Equal(t, "ResourceNotFoundException", strings.SplitN(second.Response.Header.Get("X-Amzn-Errortype"), ":", 2)[0])
	assert.False(t, second.Start.Before(first.Start))
}

// An upstream that cannot be reached is recorded too, with its error.
func TestRecorderRecordsAnUnreachableUpstream(t *testing.T) {
	var buf bytes.Buffer
	w, err := cassette.NewWriter(&buf, cassette.Header{})
	require.NoError(t, err)
	rec := &cassette.Recorder{Writer: w}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/ListStages", strings.NewReader(`{}`))
	require.NoError(t, err)
	_, err = rec.RoundTrip(req)
	require.Error(t, err)
	c, err := cassette.Read(&buf)
	require.NoError(t, err)
	require.Len(t, c.Exchanges, 1)
	assert.NotEmpty(t, c.Exchanges[0].Error)
	assert.Equal(t, `{}`, c.Exchanges[0].Request.Body)
}
