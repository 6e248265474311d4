package conformance_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/suite"
)

// A gate that passes a case because of what the target is, not what it
// does, is no gate: these targets do nothing at all, and the suite must
// see it (issue 16).

// honestRun runs the whole suite against h on 127.0.0.1.
func honestRun(t *testing.T, h http.Handler) []suite.Result {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rs := conformance.RunAll(context.Background(), suite.Target{Endpoint: srv.URL, Credentials: testCredentials})
	require.NotEmpty(t, rs)
	return rs
}

// refusing answers every request as AWS refuses a request it cannot
// authenticate: 403, the error type in x-amzn-ErrorType, the message in
// the body, under both the names AWS's JSON errors use, so that every
// answer is a well-formed error of a type the spec knows and only what
// each case expects can fail it.
func refusing(errType string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("x-amzn-ErrorType", errType)
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"The security token included in the request is invalid.","exceptionMessage":"The security token included in the request is invalid."}`))
	})
}

// A target that refuses every request passes no case: not one whose
// request is valid (accepted means it succeeded), not one that wants an
// error (a 403 is not the error any case wants).
func TestHonestRefusingTargetPassesNothing(t *testing.T) {
	for _, errType := range []string{"UnrecognizedClientException", "InvalidSignatureException"} {
		t.Run(errType, func(t *testing.T) {
			rs := honestRun(t, refusing(errType))
			var passed []string
			ran := 0
			for _, res := range rs {
				if res.Status == suite.Pass {
					passed = append(passed, res.Name)
				}
				if res.Status != suite.Skip {
					ran++
				}
			}
			assert.Empty(t, passed, "cases that passed against a target refusing everything")
			// Most of the suite must have run and failed, not been skipped:
			// a suite that skips everything would pass nothing too.
			assert.Greater(t, ran, len(rs)/2, "of %d cases only %d ran", len(rs), ran)
		})
	}
}

// emptyOK answers every request 200 with an empty JSON object.
var emptyOK = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{}`))
})

// A target that answers every request 200 {} passes no case that needs
// it to do something: refuse an invalid request, answer what the model
// says an answer holds, find, list, page or keep what it was given.
// What it may pass is a valid request accepted, and the shape of an
// answer the model gives no required member.
func TestHonestEmptyTargetPassesNoBehaviour(t *testing.T) {
	rs := honestRun(t, emptyOK)
	s, err := conformance.Suite()
	require.NoError(t, err)
	byName := map[string]*suite.Case{}
	for i := range s.Cases {
		byName[s.Cases[i].Name] = &s.Cases[i]
	}
	var passed []string
	for _, res := range rs {
		if res.Status != suite.Pass {
			continue
		}
		c := byName[res.Name]
		require.NotNil(t, c, res.Name)
		if c.Kind == suite.KindRequest && c.Expect == suite.ExpectAccepted || c.Kind == suite.KindShape {
			continue
		}
		passed = append(passed, res.Name)
	}
	slices.Sort(passed)
	assert.Empty(t, passed, "cases that need behaviour passed against a target answering 200 {} to everything")
}
