package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"nope"}, 2},
		{[]string{"help"}, 0},
		{[]string{"serve", "-log", "xml"}, 2},
		{[]string{"serve", "extra"}, 2},
		{[]string{"version", "extra"}, 2},
		{[]string{"generate"}, 2},
		{[]string{"generate", "-spec", "missing.yaml", "-out", t.TempDir(), "-package", "x"}, 2},
		{[]string{"generate", "-spec", "main.go", "-out", t.TempDir(), "-package", "x"}, 1},
	} {
		var out, errb bytes.Buffer
		require.Equal(t, tc.code, run(tc.args, &out, &errb), "ivsrt %v: %s", tc.args, errb.String())
	}
}

// serve refuses values it would turn into ARNs outside the spec's
// patterns, or a quota the fake would read as its default: one line each,
// exit 2, before it listens.
func TestServeRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-account", "abc"}, `ivsrt serve: -account "abc": an AWS account id is 12 digits`},
		{[]string{"-account", "1234567890123"}, `-account "1234567890123": an AWS account id is 12 digits`},
		{[]string{"-region", "US East"}, `ivsrt serve: -region "US East": an AWS region is dash-separated lowercase words ending in a number, like us-east-1`},
		{[]string{"-region", "us_east_1"}, `-region "us_east_1"`},
		{[]string{"-stage-quota", "-5"}, `ivsrt serve: -stage-quota -5: the quota must be at least 1`},
		{[]string{"-stage-quota", "0"}, `-stage-quota 0: the quota must be at least 1`},
	} {
		var out, errb bytes.Buffer
		// Port 0 would listen; a refusal comes first and prints nothing on stdout.
		require.Equal(t, 2, run(append([]string{"serve", "-addr", "127.0.0.1:0"}, tc.args...), &out, &errb), "%v", tc.args)
		require.Empty(t, out.String(), "%v", tc.args)
		require.Equal(t, 1, strings.Count(errb.String(), "\n"), "%v: %s", tc.args, errb.String())
		require.Contains(t, errb.String(), tc.want)
	}
}

// version prints the tool's version ("(devel)" from a checkout or go
// test) and the API version of the spec it carries.
func TestVersion(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"version"}, &out, &errb), errb.String())
	require.Equal(t, "ivsrt (devel), API version "+ivsapi.APIVersion+" (spec ivsrealtime.yaml)\n", out.String())
	require.Equal(t, "(devel)", toolVersion(nil, false))
	require.Equal(t, "v1.2.3", toolVersion(&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, true))
}

// TestServe runs the real binary as a user would: it prints where it
// listens, the official SDK works against it, it logs each request as JSON,
// and SIGTERM stops it cleanly.
func TestServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	var logs bytes.Buffer
	cmd, url := startServe(t, buildIvsrt(t), &logs, "-log", "json", "-region", "eu-west-1", "-account", "111122223333")

	ctx := context.Background()
	client := ivsfake.NewClient(url, "eu-west-1")
	out, err := client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("from-cli")})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(*out.Stage.Arn, "arn:aws:ivs:eu-west-1:111122223333:stage/"), *out.Stage.Arn)
	_, err = client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String("not-an-arn")})
	var ve *types.ValidationException
	require.True(t, errors.As(err, &ve), "%v", err)

	info, err := ivscontrol.NewControl(url, nil).Info(ctx)
	require.NoError(t, err)
	require.Equal(t, ivsapi.APIVersion, info.APIVersion)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "exit after SIGTERM; logs:\n%s", logs.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}

	// One JSON log line per request, with the AWS error type on failures.
	var requests []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		if rec["msg"] == "request" {
			requests = append(requests, rec)
		}
	}
	require.Len(t, requests, 3)
	require.Equal(t, "/CreateStage", requests[0]["path"])
	require.EqualValues(t, 200, requests[0]["status"])
	require.Equal(t, "ValidationException", requests[1]["errorType"])
	require.NotEmpty(t, requests[1]["requestId"])
}
