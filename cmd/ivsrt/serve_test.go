package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeTimeoutFlags: the timeouts' defaults are at most 30 s (read)
// and 120 s (idle), and a timeout must be positive.
func TestServeTimeoutFlags(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"serve", "-h"}, &out, &errb))
	usage := out.String()
	assert.Regexp(t, `-read-timeout duration\n.*\n?.*\(default 30s\)`, usage)
	assert.Regexp(t, `-idle-timeout duration\n.*\n?.*\(default 2m0s\)`, usage)
	assert.Regexp(t, `-drain-timeout duration\n.*\n?.*\(default 5s\)`, usage)
	for _, flag := range []string{"-read-timeout", "-idle-timeout", "-drain-timeout"} {
		errb.Reset()
		require.Equal(t, 2, run([]string{"serve", flag, "0s"}, &out, &errb), flag)
		assert.Contains(t, errb.String(), flag+" 0s: must be positive")
	}
}

// TestServeDrainsOnSIGTERM runs the built binary: on SIGTERM a request in
// flight (its body half sent) still completes, a client stalled mid-body
// is cut off once the drain timeout has passed, and the process exits 0.
// Before, the stalled client made it exit 1.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	drain := 2 * time.Second
	var logs bytes.Buffer
	cmd, url := startServe(t, buildIvsrt(t), &logs, "-log", "json", "-drain-timeout", drain.String())
	addr := strings.TrimPrefix(url, "http://")

	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		require.NoError(t, c.SetDeadline(time.Now().Add(30*time.Second)))
		return c
	}
	body := `{"name":"in-flight"}`
	stalled, inFlight := dial(), dial()
	_, err := io.WriteString(stalled, "POST /CreateStage HTTP/1.1\r\nHost: fake\r\nContent-Length: 100\r\n\r\n{\"name\":")
	require.NoError(t, err)
	_, err = fmt.Fprintf(inFlight, "POST /CreateStage HTTP/1.1\r\nHost: fake\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:8])
	require.NoError(t, err)
	time.Sleep(500 * time.Millisecond) // for the server to read both requests' headers

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	signalled := time.Now()
	_, err = io.WriteString(inFlight, body[8:])
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(inFlight), nil)
	require.NoError(t, err, "the request in flight is answered")
	_ = res.Body.Close()
	assert.Equal(t, 200, res.StatusCode)

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "exit status after SIGTERM; logs:\n%s", logs.String())
	case <-time.After(drain + 10*time.Second):
		t.Fatalf("serve did not stop within the drain timeout; logs:\n%s", logs.String())
	}
	t.Logf("drain timeout %v: exited 0 %v after SIGTERM", drain, time.Since(signalled).Round(time.Millisecond))
	assert.Contains(t, logs.String(), "cut off the connections still open after the drain timeout")

	// The stalled client's connection is closed, not held.
	_, err = stalled.Read(make([]byte, 1))
	var ne net.Error
	assert.False(t, errors.As(err, &ne) && ne.Timeout(), "the stalled client is cut off: %v", err)
}

// TestServeLogReachesTheFileOnSIGTERM runs the built binary with its
// default request log and stderr a file, as a user leaves it running:
// the log is buffered, and after SIGTERM every answered request has its
// line in the file, the last ones too, then "stopped".
func TestServeLogReachesTheFileOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ivsrt")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	logPath := filepath.Join(dir, "serve.log")
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	defer logFile.Close()
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0")
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	s := bufio.NewScanner(stdout)
	require.True(t, s.Scan(), "serve says where it listens")
	url := strings.TrimPrefix(s.Text(), "listening on ")

	const requests = 200
	var ids []string
	for i := range requests {
		op, body := "CreateStage", fmt.Sprintf(`{"name":"log-%d"}`, i)
		if i%2 == 1 {
			op, body = "GetStage", `{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGhIjKl"}` // a 404, logged as a warning
		}
		res, err := http.Post(url+"/"+op, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		id := res.Header.Get("x-amzn-RequestId")
		require.NotEmpty(t, id)
		ids = append(ids, id)
	}
	before, err := os.ReadFile(logPath)
	require.NoError(t, err)
	t.Logf("before SIGTERM the file held %d of %d lines (the rest still buffered)", strings.Count(string(before), "msg=request"), requests)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "exit status after SIGTERM")
	raw, err := os.ReadFile(logPath)
	require.NoError(t, err)
	log := string(raw)
	var missing []int
	for i, id := range ids {
		if !strings.Contains(log, "requestId="+id) {
			missing = append(missing, i)
		}
	}
	assert.Empty(t, missing, "the requests whose line is not in the log")
	lines := strings.Split(strings.TrimSuffix(log, "\n"), "\n")
	assert.Len(t, lines, requests+3, "the auth line, one line per request, then stopping and stopped")
	assert.Contains(t, lines[0], "auth off")
	assert.Contains(t, lines[len(lines)-1], "msg=stopped")
}
