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
	require.Equal(t, 2, run([]string{"serve", "-h"}, &out, &errb))
	usage := errb.String()
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
	bin := filepath.Join(t.TempDir(), "ivsrt")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	drain := 2 * time.Second
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-log", "json", "-drain-timeout", drain.String())
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		if s.Scan() {
			lines <- s.Text()
		}
	}()
	var addr string
	select {
	case line := <-lines:
		addr = strings.TrimPrefix(line, "listening on http://")
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not say where it listens")
	}

	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		require.NoError(t, c.SetDeadline(time.Now().Add(30*time.Second)))
		return c
	}
	body := `{"name":"in-flight"}`
	stalled, inFlight := dial(), dial()
	_, err = io.WriteString(stalled, "POST /CreateStage HTTP/1.1\r\nHost: fake\r\nContent-Length: 100\r\n\r\n{\"name\":")
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
