package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// buildIvsrt builds this command into a temporary directory, for the tests
// that run the binary as a user would.
func buildIvsrt(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ivsrt")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	return bin
}

// startServe runs `bin serve -addr 127.0.0.1:0 args...` with its stderr
// going to stderr, waits for its "listening on" line, and returns the
// process and its base URL. The process is killed when the test ends.
func startServe(t *testing.T, bin string, stderr io.Writer, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...)...)
	cmd.Stderr = stderr
	return cmd, startCmd(t, cmd)
}

// startCmd starts an `ivsrt serve` command made by the caller (its own
// directory or environment), as startServe does, and returns its base URL.
func startCmd(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		if s.Scan() {
			lines <- s.Text()
		}
	}()
	select {
	case line := <-lines:
		require.True(t, strings.HasPrefix(line, "listening on http://127.0.0.1:"), line)
		return strings.TrimPrefix(line, "listening on ")
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not say where it listens")
	}
	return ""
}

// rewriteRequest rewrites requests of op before the handler sees them.
func rewriteRequest(h http.Handler, op string, rewrite func(body map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/"+op {
			data, _ := io.ReadAll(r.Body)
			var body map[string]any
			if json.Unmarshal(data, &body) == nil {
				rewrite(body)
				data, _ = json.Marshal(body)
			}
			r.Body = io.NopCloser(bytes.NewReader(data))
			r.ContentLength = int64(len(data))
		}
		h.ServeHTTP(w, r)
	})
}

// readJSON reads a request body as a JSON object, and puts the bytes back.
func readJSON(r *http.Request) map[string]any {
	data, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(data))
	var body map[string]any
	_ = json.Unmarshal(data, &body)
	return body
}
