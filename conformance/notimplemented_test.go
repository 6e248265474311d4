package conformance_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// An operation a target answers with 501 NotImplementedException (what a
// Backend embedding the generated UnimplementedBackend does for an
// operation it has not written) skips that operation's cases with the
// reason; it fails none. Its cases of invalid input still pass: the
// generated Handler refuses those before it calls the Backend.
func TestSkipsOperationsTheTargetDoesNotImplement(t *testing.T) {
	const op = ivsapi.OpListParticipantEvents
	fake := ivsfake.New(ivsfake.Options{})
	unimplemented := ivsapi.NewHandler(ivsapi.UnimplementedBackend{}, ivsapi.Options{})
	rs := results(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/"+op {
			unimplemented.ServeHTTP(w, r)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	var skipped int
	for name, res := range rs {
		if res.Operation != op || res.Status == suite.Pass {
			continue
		}
		skipped++
		assert.Equal(t, suite.Skip, res.Status, name)
		assert.Equal(t, "the target does not implement "+op, res.Reason, name)
	}
	require.Positive(t, skipped, "no case of %s was skipped", op)
	for name, res := range rs {
		assert.NotEqual(t, suite.Fail, res.Status, "%s: %s", name, res.Reason)
	}
}
