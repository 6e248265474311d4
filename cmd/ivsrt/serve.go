package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

func serve(args []string, stdout, stderr io.Writer) int {
	cmd := newCommand("serve", "[flags]", `It prints "listening on http://HOST:PORT" on stdout once it accepts
connections, one line per request on stderr (-log), and stops cleanly on
SIGINT or SIGTERM (exit 0). It exits 1 when it cannot listen, when the
state file is refused (corrupt, foreign, of a later format or in use), or
when the keys file does not parse.
`, stdout, stderr)
	fs := cmd.flags
	addr := fs.String("addr", "127.0.0.1:4566", "listen `address`; port 0 picks a free port")
	region := fs.String("region", "us-east-1", "AWS `region` of unsigned requests; a signed one acts in the region of its credential scope")
	account := fs.String("account", "123456789012", "AWS `account` id of requests under -auth off")
	quota := fs.Int("stage-quota", ivsfake.DefaultStageQuota, "how many stages each account may hold in each region, at least 1")
	logFormat := fs.String("log", "text", "request log `format`: text, json or off")
	readTimeout := fs.Duration("read-timeout", ivsfake.DefaultReadTimeout, "cut off a client that has not sent its whole request (headers and body) within this `duration`")
	idleTimeout := fs.Duration("idle-timeout", ivsfake.DefaultIdleTimeout, "close a keep-alive connection that sends no request for this `duration`")
	statePath := fs.String("state", "", "keep the state in this bbolt `file` across restarts; created when missing or empty, refused (exit 1) when corrupt, foreign, of a later format or in use")
	drainTimeout := fs.Duration("drain-timeout", 5*time.Second, "on SIGINT or SIGTERM, wait this `duration` for requests in flight, then cut off what is left")
	auth := fs.String("auth", "off", "signature `mode`: off accepts any signature (or none); verify checks each request's SigV4 signature against -keys")
	keysFile := fs.String("keys", "", "with -auth verify, the `file` of access keys: one ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID per line")
	if code, ok := cmd.parse(args); !ok {
		return code
	}
	for _, d := range []struct {
		name string
		d    time.Duration
	}{{"read-timeout", *readTimeout}, {"idle-timeout", *idleTimeout}, {"drain-timeout", *drainTimeout}} {
		if d.d <= 0 {
			return cmd.usageError("-%s %v: must be positive", d.name, d.d)
		}
	}
	if code := cmd.noArgs(); code != exitOK {
		return code
	}
	// Bad values are refused here, not turned into ARNs that break the
	// spec's patterns or a quota that the fake would read as its default.
	switch {
	case !ivsfake.ValidAccount(*account):
		return cmd.usageError("-account %q: an AWS account id is 12 digits", *account)
	case !ivsfake.ValidRegion(*region):
		return cmd.usageError("-region %q: an AWS region is dash-separated lowercase words ending in a number, like us-east-1", *region)
	case *quota < 1:
		return cmd.usageError("-stage-quota %d: the quota must be at least 1", *quota)
	}
	var keys ivsfake.Keys
	switch {
	case *auth != "off" && *auth != "verify":
		return cmd.usageError("-auth %q: use off or verify", *auth)
	case *auth == "verify" && *keysFile == "":
		return cmd.usageError("-auth verify needs -keys FILE: the access keys to check signatures against")
	case *auth == "off" && *keysFile != "":
		return cmd.usageError("-keys is only for -auth verify")
	case *auth == "verify":
		if code := cmd.mustExist("-keys", *keysFile); code != exitOK {
			return code
		}
		f, err := os.Open(*keysFile)
		if err != nil {
			return cmd.fail("-keys: %v", err)
		}
		keys, err = ivsfake.ParseKeys(f, *keysFile)
		_ = f.Close()
		if err != nil {
			return cmd.fail("-keys %v", err)
		}
		if len(keys) == 0 {
			return cmd.fail("-keys %s: no keys in the file", *keysFile)
		}
	}
	if *logFormat != "text" && *logFormat != "json" && *logFormat != "off" {
		return cmd.usageError("-log %q: use text, json or off", *logFormat)
	}
	// From here on everything serve writes to stderr, the request log
	// included, goes through one buffer, in order: a write per request
	// line cost more CPU than the rest of the log. Close flushes it on
	// every return, after the server has stopped, so every line of an
	// answered request is written.
	logOut := newLogBuffer(stderr, logFlushInterval)
	defer logOut.Close()
	stderr = logOut
	var logger *slog.Logger
	switch *logFormat {
	case "text":
		logger = slog.New(newLineHandler(stderr, false))
	case "json":
		logger = slog.New(newLineHandler(stderr, true))
	default:
		logger = slog.New(slog.DiscardHandler)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "ivsrt serve: %v\n", err)
		return 1
	}
	// What goes wrong inside (an accept error, a change the state file
	// cannot take) is logged in the log's format; with the request log
	// off, as a text line all the same.
	errLog := logger
	if *logFormat == "off" {
		errLog = slog.New(newLineHandler(stderr, false))
	}
	opts := ivsfake.Options{Region: *region, Account: *account, StageQuota: *quota, Keys: keys, ReadTimeout: *readTimeout, IdleTimeout: *idleTimeout, Logger: errLog}
	if *statePath != "" {
		store, err := ivsfake.OpenStore(*statePath)
		if err != nil {
			_ = ln.Close()
			fmt.Fprintf(stderr, "ivsrt serve: -state: %v\n", err)
			return 1
		}
		// Closed after the server has stopped: every answered write is
		// committed already, so closing loses nothing.
		defer store.Close()
		opts.Store = store
	}
	fake := ivsfake.New(opts)
	// What the fake makes of signatures is said at start, in the log's
	// format, or as a plain line when there is no log.
	if *logFormat == "off" {
		fmt.Fprintln(stderr, "ivsrt serve: "+fake.AuthLine())
	} else {
		logger.Info(fake.AuthLine())
	}
	srv := ivsfake.NewHTTPServer(logRequests(fake, logger), opts)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(wire.NewListener(ln)) }()
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

	select {
	case err := <-done:
		fmt.Fprintf(stderr, "ivsrt serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	// Requests in flight finish; a client that has not sent its whole
	// request by the drain timeout is cut off, which is a clean stop too:
	// the stop was asked for, and what is cut off was never acknowledged.
	logger.Info("stopping", "drainTimeout", *drainTimeout)
	shutdown, cancel := context.WithTimeout(context.Background(), *drainTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		logger.Warn("cut off the connections still open after the drain timeout", "drainTimeout", *drainTimeout)
		_ = srv.Close()
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "ivsrt serve: %v\n", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

// logFlushInterval bounds how long a request log line waits in the buffer
// before it reaches stderr: short enough for someone watching the log.
const logFlushInterval = 100 * time.Millisecond

// logBufferSize is the request log's buffer: about 400 lines of the text
// log, so a busy server writes rarely even between flushes.
const logBufferSize = 64 << 10

// logBuffer is a buffered writer safe for concurrent use, flushed every
// interval and on Close.
type logBuffer struct {
	mu     sync.Mutex
	w      *bufio.Writer
	closed bool // after Close, writes go straight through
	stop   chan struct{}
	done   chan struct{}
}

func newLogBuffer(w io.Writer, interval time.Duration) *logBuffer {
	b := &logBuffer{w: bufio.NewWriterSize(w, logBufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-b.stop:
				return
			case <-tick.C:
				_ = b.Flush()
			}
		}
	}()
	return b
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.w.Write(p)
	if err == nil && b.closed {
		err = b.w.Flush()
	}
	return n, err
}

// Flush writes what is buffered.
func (b *logBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Flush()
}

// Close stops the periodic flush and flushes; later writes are not
// buffered.
func (b *logBuffer) Close() error {
	close(b.stop)
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return b.w.Flush()
}

// statusRecorder remembers what a handler answered, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// logRequests writes one structured line per request: method, path, status,
// AWS error type, request id and duration.
//
// It hands the record to the handler itself rather than through
// Logger.LogAttrs, which would look up its caller's program counter for
// every line (runtime.Callers); nothing in the log shows it.
func logRequests(next http.Handler, logger *slog.Logger) http.Handler {
	handler := logger.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		h := rec.Header()
		level := slog.LevelInfo
		errorType := wire.HeaderValue(h, wire.HeaderErrorType)
		if errorType != "" {
			level = slog.LevelWarn
		}
		ctx := r.Context()
		if !handler.Enabled(ctx, level) {
			return
		}
		now := time.Now()
		line := slog.NewRecord(now, level, "request", 0)
		line.AddAttrs(
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.String("requestId", wire.HeaderValue(h, wire.HeaderRequestID)),
			slog.Duration("duration", now.Sub(start)),
		)
		if errorType != "" {
			line.AddAttrs(slog.String("errorType", errorType))
		}
		_ = handler.Handle(ctx, line)
	})
}
