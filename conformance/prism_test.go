//go:build unix

package conformance_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/suite"
)

// prismBinary finds Prism (@stoplight/prism-cli): under $PRISM_BIN
// (the --prefix of its npm install, or the binary itself), else on PATH.
func prismBinary() string {
	if dir := os.Getenv("PRISM_BIN"); dir != "" {
		for _, p := range []string{filepath.Join(dir, "node_modules", ".bin", "prism"), filepath.Join(dir, "prism"), dir} {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
	}
	p, _ := exec.LookPath("prism")
	return p
}

// lockedBuffer collects a child's output safely.
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

// A stateless mock serving the spec's own examples must FAIL the suite:
// it answers every valid-looking request with the same canned stage,
// keeps nothing, and knows none of the rules the spec cannot state.
//
// Install Prism for this test with
//
//	npm install --no-audit --no-fund --prefix /tmp/prism @stoplight/prism-cli
//	PRISM_BIN=/tmp/prism go test ./conformance -run TestPrismMockFailsTheSuite
func TestPrismMockFailsTheSuite(t *testing.T) {
	heavyTest(t, "runs the suite against Prism, an npm package")
	bin := prismBinary()
	if bin == "" {
		t.Skip("prism not found: npm install --prefix DIR @stoplight/prism-cli and set PRISM_BIN=DIR, or put prism on PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())

	var logs lockedBuffer
	cmd := exec.Command(bin, "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(port), filepath.Join("..", "spec", "ivsrealtime.yaml"))
	cmd.Stdout, cmd.Stderr = &logs, &logs
	// Its own process group, so that node and anything it starts stop together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})

	endpoint := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Post(endpoint+"/GetStage", "application/json", strings.NewReader(`{}`))
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("prism did not answer within 60 s: %v\n%s", err, logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}

	// A storage configuration, as a user would give one, so that the cases
	// that record run too.
	results := conformance.RunAll(context.Background(), behaviour.GiveStorageConfiguration(suite.Target{Endpoint: endpoint, Credentials: testCredentials},
		"arn:aws:ivs:us-east-1:123456789012:storage-configuration/AbCdEfGh1234"))
	rs := map[string]suite.Result{}
	for _, res := range results {
		rs[res.Name] = res
	}
	passed, failedN, skipped := suite.Counts(results)
	t.Logf("prism %s: %d passed, %d failed, %d skipped of %d cases", bin, passed, failedN, skipped, len(results))
	assert.Greater(t, failedN, len(results)/2, "a stateless mock must fail most of the suite")

	// Among them: validation (its errors are not AWS's), defaults, and the
	// behaviour only a stateful implementation gets right.
	for _, name := range []string{
		"CreateStage/json/malformed",
		"CreateStage/name/maxLength/over",
		"CreateStage/errors/ValidationException",
		"GetStage/arn/not-found/unknown",
		"CreateStage/behaviour/round-trip/stage",
		"GetStage/behaviour/round-trip/returns-the-created-stage",
		"UpdateStage/behaviour/partial-update/name-only-keeps-recording-configuration-and-tags",
		"UpdateStage/behaviour/recording-reset/mediaTypes-omitted",
	} {
		res, ok := rs[name]
		if assert.True(t, ok, "no case %s", name) {
			assert.Equal(t, suite.Fail, res.Status, "%s: %s", name, res.Reason)
		}
	}
	requireExplained(t, rs)
	var sample []string
	for _, res := range results {
		if res.Status == suite.Fail && strings.Contains(res.Name, "/behaviour/") {
			sample = append(sample, res.Name+": "+res.Reason)
		}
	}
	sort.Strings(sample)
	t.Logf("behaviour cases prism fails (%d):\n%s", len(sample), strings.Join(sample, "\n"))
}
