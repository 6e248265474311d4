package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a buffer a child process writes to while the test reads it.
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

// waitFor waits, at most 10 s, for the buffer to hold s.
func waitFor(t *testing.T, l *lockedBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(l.String(), s) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	require.Contains(t, l.String(), s)
}

func writeKeys(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.txt")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// -auth and -keys go together (a usage error otherwise: exit 2, as a
// keys file that does not exist); a keys file that does not parse stops
// serve with exit 1 and the file, line and reason.
func TestServeAuthFlags(t *testing.T) {
	good := writeKeys(t, "# test keys\nAKIDA secretA 111111111111\n")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-auth", "verify"}, 2, "ivsrt serve: -auth verify needs -keys FILE"},
		{[]string{"-keys", good}, 2, "ivsrt serve: -keys is only for -auth verify"},
		{[]string{"-auth", "on"}, 2, `ivsrt serve: -auth "on": use off or verify`},
		{[]string{"-auth", "verify", "-keys", filepath.Join(t.TempDir(), "none")}, 2, "ivsrt serve: -keys /"},
		{[]string{"-auth", "verify", "-keys", writeKeys(t, "AKIDA secretA 111111111111\nAKIDB secretB 12345\n")}, 1, `keys.txt:2: account id "12345": an AWS account id is 12 digits`},
		{[]string{"-auth", "verify", "-keys", writeKeys(t, "AKIDA secretA\n")}, 1, "keys.txt:1: want ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID, got 2 fields"},
		{[]string{"-auth", "verify", "-keys", writeKeys(t, "AKIDA a 111111111111\n\nAKIDA b 222222222222\n")}, 1, "keys.txt:3: access key id AKIDA is given twice"},
		{[]string{"-auth", "verify", "-keys", writeKeys(t, "# nothing\n")}, 1, "no keys in the file"},
	} {
		var out, errb bytes.Buffer
		require.Equal(t, c.code, run(append([]string{"serve", "-addr", "127.0.0.1:0"}, c.args...), &out, &errb), "%v", c.args)
		assert.Contains(t, errb.String(), c.want, "%v", c.args)
		assert.Equal(t, 1, strings.Count(errb.String(), "\n"), "one line: %q", errb.String())
	}
}

// The default, -auth off, says at start, in the log (or as a plain line
// with -log off), that it checks no signature, the account it acts in and
// where regions come from.
func TestServeAuthOffSaysSo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	var logs lockedBuffer
	startServe(t, buildIvsrt(t), &logs, "-account", "444455556666")
	waitFor(t, &logs, `level=INFO msg="auth off: signatures are not checked; requests act in account 444455556666, in the region of their credential scope (unsigned: us-east-1)"`)
}

// ivsrt serve -auth verify takes the SDK's signatures by the keys in the
// file, each in its account and the client's region, refuses an unknown
// key, and `ivsrt conform` runs against it, control API included, with
// matching credentials in the environment.
func TestServeAuthVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	keys := writeKeys(t, "AKIDCONFORM conform-secret 777788889999\n")
	var logs lockedBuffer
	_, url := startServe(t, buildIvsrt(t), &logs, "-auth", "verify", "-keys", keys, "-log", "off")
	waitFor(t, &logs, "ivsrt serve: auth verify: signatures are checked against 1 access key; each request acts in its key's account, in the region of its credential scope")

	client := func(id, secret string) *ivsrealtime.Client {
		return ivsrealtime.New(ivsrealtime.Options{
			Region: "ap-south-1", BaseEndpoint: aws.String(url), Retryer: aws.NopRetryer{},
			Credentials: credentials.NewStaticCredentialsProvider(id, secret, ""),
		})
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	out, err := client("AKIDCONFORM", "conform-secret").CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	require.NoError(t, err)
	assert.Regexp(t, `^arn:aws:ivs:ap-south-1:777788889999:stage/`, aws.ToString(out.Stage.Arn))
	_, err = client("AKIDOTHER", "x").ListStages(ctx, &ivsrealtime.ListStagesInput{})
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, "UnrecognizedClientException", ae.ErrorCode())

	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDCONFORM")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "conform-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	var stdout, stderr bytes.Buffer
	code := conformMain([]string{"-endpoint", url, "-region", "eu-west-3", "-run", "^(GetStage/|ListParticipants/behaviour/)"}, &stdout, &stderr)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	m := closingLine.FindStringSubmatch(lastLine(stdout.String()))
	require.NotNil(t, m, stdout.String())
	assert.NotEqual(t, "0", m[1], "passed")
	assert.Equal(t, "0", m[2], "failed")
	t.Log(lastLine(stdout.String()))
	assert.Equal(t, "0", m[3], "blocked")
	assert.Equal(t, "0", m[4], "skipped: the seeder (the control API) was refused")
}
