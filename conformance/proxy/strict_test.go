package proxy_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/proxy"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// TestProxyStrictRefusesInvalidInput: under Strict an invalid request is
// answered by the proxy in AWS's form (status, x-amzn-ErrorType, a JSON
// message naming the member) and never reaches the upstream; a valid one
// does.
func TestProxyStrictRefusesInvalidInput(t *testing.T) {
	up := &broken{fake: ivsfake.New(ivsfake.Options{})}
	srv := httptest.NewServer(up)
	t.Cleanup(srv.Close)
	px := startProxy(t, srv.URL, proxy.Options{Strict: true})

	res, err := http.Post(px.URL+"/CreateStage", "application/json", strings.NewReader(`{"name":"`+strings.Repeat("n", 200)+`"}`))
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Equal(t, "ValidationException", res.Header.Get("x-amzn-ErrorType"))
	var e struct{ Message string }
	require.NoError(t, json.Unmarshal(body, &e), string(body))
	assert.Contains(t, e.Message, "at 'name' failed to satisfy constraint")
	assert.Zero(t, up.requests.Load(), "the upstream never saw it")

	// The SDK sees the refusal as AWS's error.
	c := ivsfake.NewClient(px.URL, "us-east-1")
	_, err = c.GetStage(context.Background(), &ivsrealtime.GetStageInput{Arn: aws.String("arn:aws:ivs:us-east-1:123456789012:channel/abc")})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ValidationException", ae.ErrorCode())
	assert.Zero(t, up.requests.Load())

	_, err = c.CreateStage(context.Background(), &ivsrealtime.CreateStageInput{Name: aws.String("fine")})
	require.NoError(t, err)
	assert.EqualValues(t, 1, up.requests.Load(), "a valid request goes through")
	assert.Equal(t, 2, px.stats().Refused)
	assert.Contains(t, px.Log.String(), "REFUSED #1 CreateStage (strict): 400 ValidationException")
}

// TestProxyResignsForTheUpstream: toward an upstream that checks SigV4
// signatures (the fake under -auth verify), the proxy signs each request
// again with the credentials of the standard chain (here the
// environment's), in the region of the client's credential scope; the
// client's own signature, made with keys the upstream does not know, is
// refused without it.
func TestProxyResignsForTheUpstream(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDPROXYTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "proxy-test-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-west-2")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config"), nil, 0o600))

	fake := ivsfake.Start(t, ivsfake.Options{Keys: ivsfake.Keys{"AKIDPROXYTEST": {AccessKeyID: "AKIDPROXYTEST", SecretAccessKey: "proxy-test-secret", Account: "444455556666"}}})
	ctx := context.Background()

	plain := startProxy(t, fake.URL, proxy.Options{})
	_, err := ivsfake.NewClient(plain.URL, "eu-west-1").ListStages(ctx, &ivsrealtime.ListStagesInput{})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae, "the client's keys are not the upstream's")

	signer, err := proxy.NewSigner(ctx, "ivs", "")
	require.NoError(t, err)
	px := startProxy(t, fake.URL, proxy.Options{Sign: signer})
	out, err := ivsfake.NewClient(px.URL, "eu-west-1").CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("signed")})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:ivs:eu-west-1:444455556666:stage/", (*out.Stage.Arn)[:len("arn:aws:ivs:eu-west-1:444455556666:stage/")],
		"the upstream acted for the proxy's key, in the client's region")
	assert.Empty(t, px.violations(), px.Log.String())
}
