package ivsfake_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsfake"
)

// TestHTTPServerDefaults: the server of Start and `ivsrt serve` has a
// read timeout of at most 30 s and an idle timeout of at most 120 s unless
// told otherwise, and bounds headers.
func TestHTTPServerDefaults(t *testing.T) {
	srv := ivsfake.NewHTTPServer(http.NotFoundHandler(), ivsfake.Options{})
	assert.Equal(t, 30*time.Second, srv.ReadTimeout)
	assert.Equal(t, 120*time.Second, srv.IdleTimeout)
	assert.Equal(t, 10*time.Second, srv.ReadHeaderTimeout)
	assert.Equal(t, 64<<10, srv.MaxHeaderBytes)

	srv = ivsfake.NewHTTPServer(http.NotFoundHandler(), ivsfake.Options{ReadTimeout: 3 * time.Second, IdleTimeout: 4 * time.Second})
	assert.Equal(t, 3*time.Second, srv.ReadTimeout)
	assert.Equal(t, 3*time.Second, srv.ReadHeaderTimeout, "headers are read within the read timeout")
	assert.Equal(t, 4*time.Second, srv.IdleTimeout)
}

// TestStalledClientsAreCutOff: 300 clients that send their headers and
// stall mid-body, and 20 that stall mid-headers, are all cut off with a
// 400 in AWS's form (within 40 s; here the read timeout is 5 s so the test
// runs in seconds), while other clients are served meanwhile. Every request of those others must
// complete before a 10 s deadline; their latency is logged, not asserted.
func TestStalledClientsAreCutOff(t *testing.T) {
	const (
		midBody    = 300
		midHeaders = 20
		servers    = 4    // clients served meanwhile, in parallel
		maxServed  = 4000 // requests each, at most, one per pause
		pause      = 10 * time.Millisecond
	)
	readTimeout := 5 * time.Second
	f := ivsfake.Start(t, ivsfake.Options{ReadTimeout: readTimeout})
	stage := createStage(t, f, &ivsrealtime.CreateStageInput{Name: aws.String("kept")})
	addr := strings.TrimPrefix(f.URL, "http://")

	start := time.Now()
	deadline := start.Add(40 * time.Second)
	var conns []net.Conn
	for i := range midBody + midHeaders {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		if i < midBody {
			_, err = io.WriteString(c, "POST /CreateStage HTTP/1.1\r\nHost: fake\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":")
		} else {
			_, err = io.WriteString(c, "POST /CreateStage HTTP/1.1\r\nHost: fake\r\nContent-Len")
		}
		require.NoError(t, err)
		conns = append(conns, c)
	}
	t.Logf("%d stalled clients connected in %v", len(conns), time.Since(start).Round(time.Millisecond))

	// Each stalled client reads until the server closes its connection.
	type cutOff struct {
		midBody bool
		after   time.Duration
		status  int    // of the answer before the close, 0 for none
		err     error  // a failure: not cut off before the deadline
		errTyp  string // x-amzn-ErrorType of the answer
	}
	results := make(chan cutOff, len(conns))
	for i, c := range conns {
		go func() {
			r := cutOff{midBody: i < midBody}
			_ = c.SetReadDeadline(deadline)
			br := bufio.NewReader(c)
			if res, err := http.ReadResponse(br, nil); err == nil {
				r.status, r.errTyp = res.StatusCode, res.Header.Get("x-amzn-ErrorType")
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
			}
			if _, err := br.ReadByte(); !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					r.err = fmt.Errorf("not cut off within %v", deadline.Sub(start))
				}
			}
			r.after = time.Since(start)
			results <- r
		}()
	}

	// Meanwhile other clients are served, until every stalled one is cut off.
	done := make(chan struct{})
	var mu sync.Mutex
	var latencies []time.Duration
	servedBeforeCutOff := 0
	var wg sync.WaitGroup
	for range servers {
		wg.Go(func() {
			for range maxServed {
				select {
				case <-done:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				t0 := time.Now()
				_, err := f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: stage.Stage.Arn})
				took := time.Since(t0)
				cancel()
				if !assert.NoError(t, err, "a client served while others stall") {
					return
				}
				mu.Lock()
				latencies = append(latencies, took)
				mu.Unlock()
				time.Sleep(pause)
			}
		})
	}

	var got []cutOff
	for range conns {
		r := <-results
		if len(got) == 0 {
			mu.Lock()
			servedBeforeCutOff = len(latencies)
			mu.Unlock()
		}
		got = append(got, r)
	}
	close(done)
	wg.Wait()

	last, answered := time.Duration(0), 0
	for _, r := range got {
		require.NoError(t, r.err)
		last = max(last, r.after)
		assert.Equal(t, 400, r.status, "a stalled client (mid-body: %v) reads a 400 before its connection closes", r.midBody)
		assert.Equal(t, "SerializationException", r.errTyp)
		if r.status != 0 {
			answered++
		}
	}
	assert.Equal(t, midBody+midHeaders, answered, "each stalled client reads a 400 before its connection closes")
	assert.Less(t, last, 40*time.Second)
	assert.Positive(t, servedBeforeCutOff, "others are served while the stalled clients are held")

	slices.Sort(latencies)
	require.NotEmpty(t, latencies)
	t.Logf("read timeout %v: all %d stalled clients cut off %v after the first connected; meanwhile %d GetStage calls (%d before the first cut-off), latency p50 %v, max %v",
		readTimeout, len(got), last.Round(time.Millisecond), len(latencies), servedBeforeCutOff,
		latencies[len(latencies)/2].Round(time.Microsecond), latencies[len(latencies)-1].Round(time.Microsecond))

	// The fake is still whole.
	getStage(t, f, *stage.Stage.Arn)
}

// TestIdleConnectionsAreClosed: a keep-alive connection that sends nothing
// after its answer is closed once the idle timeout has passed.
func TestIdleConnectionsAreClosed(t *testing.T) {
	idle := time.Second
	f := ivsfake.Start(t, ivsfake.Options{IdleTimeout: idle})
	c, err := net.Dial("tcp", strings.TrimPrefix(f.URL, "http://"))
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(c, "POST /GetStage HTTP/1.1\r\nHost: fake\r\nContent-Length: 2\r\n\r\n{}")
	require.NoError(t, err)
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	require.NoError(t, res.Body.Close())
	require.False(t, res.Close, "the connection is kept alive")
	answered := time.Now()

	_, err = br.ReadByte()
	require.ErrorIs(t, err, io.EOF, "the server closes the idle connection (not the test's 10 s deadline)")
	t.Logf("idle timeout %v: closed %v after the answer", idle, time.Since(answered).Round(time.Millisecond))
}

// The HTTP server's own errors (an accept error, say) go to
// Options.Logger, in its format, at level ERROR: issue 18 found them
// written as plain text beside the structured log.
func TestHTTPServerErrorsGoToTheLogger(t *testing.T) {
	var log bytes.Buffer
	srv := ivsfake.NewHTTPServer(http.NotFoundHandler(), ivsfake.Options{Logger: slog.New(slog.NewJSONHandler(&log, nil))})
	srv.ErrorLog.Printf("http: Accept error: %v; retrying in %v", "accept tcp 127.0.0.1:4566: accept4: too many open files", "5ms")
	var line map[string]any
	require.NoError(t, json.Unmarshal(log.Bytes(), &line), "one JSON line: %q", log.String())
	assert.Equal(t, "ERROR", line["level"])
	assert.Equal(t, "http: Accept error: accept tcp 127.0.0.1:4566: accept4: too many open files; retrying in 5ms", line["msg"])
}
