package ivsfake_test

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
