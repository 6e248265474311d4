package ivsfake

import (
	"context"
	"errors"
	"reflect"
	"time"

	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/wire"
)

// Fake is a fake running on loopback for one test.
type Fake struct {
	// URL is the fake's base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Client is the official SDK client pointed at the fake. It retries no
	// answer, so an injected fault reaches the test as it was injected.
	Client *ivsrealtime.Client
	// Control drives participants, sessions, faults and state.
	Control *ivscontrol.Control
	// Server is the fake itself, for in-process access to its state.
	Server *Server
}

// Start serves a new fake on 127.0.0.1 for the rest of the test and stops it
// in t.Cleanup. At most one Options may be given.
func Start(t testing.TB, opts ...Options) *Fake {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	s := New(o)
	ts := httptest.NewUnstartedServer(s)
	ts.Config = NewHTTPServer(s, o)
	ts.Listener = wire.NewListener(ts.Listener)
	ts.Start()
	t.Cleanup(ts.Close)
	return &Fake{URL: ts.URL, Client: NewClient(ts.URL, s.Memory.opts.Region), Control: ivscontrol.NewControl(ts.URL, ts.Client()), Server: s}
}

// NewClient returns an SDK client for the fake at url, with static
// credentials (the fake accepts any) that retries nothing the fake answers.
func NewClient(url, region string) *ivsrealtime.Client {
	cfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDIVSRTFAKE", "ivsrt-fake-secret", ""),
		Retryer:     connectionRetryer,
	}
	return ivsrealtime.NewFromConfig(cfg, func(o *ivsrealtime.Options) { o.BaseEndpoint = aws.String(url) })
}

// connectionRetryer retries only broken connections, never an answer, so
// an injected ThrottlingException or InternalServerException reaches the
// caller exactly once. aws-sdk-go-v2 can find its own connection closed
// under it while it reads a response body of more than a few KB (its issue
// #2737); its default retryer retries that, and so must this one.
func connectionRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 5
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
		o.RateLimiter = ratelimit.None
		// A short pause before each retry: retried at once, on a loaded
		// machine (the race detector), the same race met three attempts
		// in a row.
		o.Backoff = retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
			return time.Duration(attempt) * 20 * time.Millisecond, nil
		})
	})
}

// NotImplemented reports whether backend b answers operation op with
// NotImplementedException: an operation the spec has but b gives no
// behaviour yet (it falls through to ivsapi.UnimplementedBackend). Tests
// that range over every operation use it to pass by the ones not written
// yet. It calls op with an empty request, so b should be a Memory of its
// own; behaviour that panics on an empty request is behaviour.
func NotImplemented(b ivsapi.Backend, op string) (yes bool) {
	method := reflect.ValueOf(b).MethodByName(op)
	if !method.IsValid() {
		return false
	}
	defer func() {
		if recover() != nil {
			yes = false
		}
	}()
	out := method.Call([]reflect.Value{reflect.ValueOf(context.Background()), reflect.New(method.Type().In(1).Elem())})
	err, _ := out[len(out)-1].Interface().(error)
	var we *wire.Error
	return errors.As(err, &we) && we.Type == ivsapi.ErrNotImplemented
}
