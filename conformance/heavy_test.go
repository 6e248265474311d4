package conformance_test

import (
	"testing"

	"github.com/ivsrt/contract/internal/heavy"
)

// heavyTest skips a test that takes minutes, or needs a browser, an npm
// or Python client, unless IVSRT_TEST_ALL=1 (make test-all, .ci/run):
// go test ./... stays a quick check (see internal/heavy).
func heavyTest(t *testing.T, what string) {
	t.Helper()
	heavy.Test(t, what)
}

// sweep skips a teeth test unless IVSRT_TEST_ALL=1: each runs the whole
// suite against one more broken fake, and the ones without this line (one
// of each family: bounds, defaults, error form, shapes, filters, paging,
// updates, recording, not found, participants, sessions, tokens,
// identifiers, unknown members, accounts, quotas, events, tags, storage,
// token exchange) keep go test ./... able to catch a suite that lost its
// teeth.
func sweep(t *testing.T) {
	t.Helper()
	heavy.Test(t, "runs the whole suite against one more broken fake")
}
