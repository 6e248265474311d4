package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/proxy"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// syncBuffer is an output the command writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runProxy runs `ivsrt proxy args...` in-process until it prints its
// address, and returns the address and a stop function that sends the
// process SIGTERM (the command's handler takes it) and returns the exit
// code.
func runProxy(t *testing.T, stdout, stderr *syncBuffer, args ...string) (string, func() int) {
	t.Helper()
	codes := make(chan int, 1)
	go func() { codes <- run(append([]string{"proxy", "-listen", "127.0.0.1:0"}, args...), stdout, stderr) }()
	var addr string
	for i := 0; i < 500 && addr == ""; i++ {
		select {
		case code := <-codes:
			t.Fatalf("ivsrt proxy exited %d early: %s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if line, _, ok := strings.Cut(stdout.String(), "\n"); ok {
			addr = strings.TrimPrefix(line, "listening on ")
		}
	}
	require.True(t, strings.HasPrefix(addr, "http://127.0.0.1:"), "no address: %q", stdout.String())
	return addr, func() int {
		require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
		select {
		case code := <-codes:
			return code
		case <-time.After(30 * time.Second):
			t.Fatal("ivsrt proxy did not stop on SIGTERM")
			return -1
		}
	}
}

// TestProxyCommand: `ivsrt proxy` in front of the fake carries the SDK,
// records a readable cassette, and on SIGTERM writes its summaries and
// exits 0; in front of an implementation that answers a stage without
// its default tags it prints the violation as it happens, names it in
// every summary and exits 1.
func TestProxyCommand(t *testing.T) {
	dir := t.TempDir()
	fake := ivsfake.Start(t)
	var stdout, stderr syncBuffer
	rec := filepath.Join(dir, "c.jsonl")
	addr, stop := runProxy(t, &stdout, &stderr, "-upstream", fake.URL, "-record", rec, "-redact-account",
		"-summary-json", filepath.Join(dir, "s.json"), "-summary-html", filepath.Join(dir, "s.html"))
	c := ivsfake.NewClient(addr, "us-east-1")
	ctx := context.Background()
	st, err := c.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("cli")})
	require.NoError(t, err)
	_, err = c.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: st.Stage.Arn})
	require.NoError(t, err)
	require.Equal(t, 0, stop(), "stderr:\n%s", stderr.String())
	assert.Contains(t, stdout.String(), "2 requests, 2 checked")
	assert.Contains(t, stdout.String(), "0 violations")

	f, err := os.Open(rec)
	require.NoError(t, err)
	defer f.Close()
	cs, err := cassette.Read(f)
	require.NoError(t, err)
	assert.Len(t, cs.Exchanges, 2)
	assert.Contains(t, cs.Header.Redacted, "accounts")
	assert.NotContains(t, cs.Exchanges[0].Response.Body, "123456789012")

	var sum proxy.Summary
	b, err := os.ReadFile(filepath.Join(dir, "s.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &sum))
	assert.Equal(t, 2, sum.Stats.Checked)
	assert.Empty(t, sum.Violations)
	html, err := os.ReadFile(filepath.Join(dir, "s.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "<html")
}

// TestProxyCommandViolation: a violation is one line on stderr as it
// happens, in each summary, and the exit code 1.
func TestProxyCommandViolation(t *testing.T) {
	dir := t.TempDir()
	fake := ivsfake.New(ivsfake.Options{})
	srv := newBrokenStageServer(t, fake)
	var stdout, stderr syncBuffer
	addr, stop := runProxy(t, &stdout, &stderr, "-upstream", srv, "-summary-json", filepath.Join(dir, "s.json"), "-summary-html", filepath.Join(dir, "s.html"))
	_, err := ivsfake.NewClient(addr, "us-east-1").CreateStage(context.Background(), &ivsrealtime.CreateStageInput{})
	require.NoError(t, err)
	require.Equal(t, 1, stop(), "stderr:\n%s", stderr.String())
	assert.Contains(t, stderr.String(), "VIOLATION #1 CreateStage/defaults/stage.tags: ")
	assert.Contains(t, stderr.String(), "A stage created without tags reports `{}`")
	assert.Contains(t, stdout.String(), "CreateStage/defaults/stage.tags: 1 violated")
	b, err := os.ReadFile(filepath.Join(dir, "s.json"))
	require.NoError(t, err)
	var sum proxy.Summary
	require.NoError(t, json.Unmarshal(b, &sum))
	require.Len(t, sum.Violations, 1)
	assert.Equal(t, "documented", sum.Violations[0].Source)
	assert.Regexp(t, `^contract\.md:\d+$`, sum.Violations[0].Rule)
	html, err := os.ReadFile(filepath.Join(dir, "s.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "CreateStage/defaults/stage.tags")
}
