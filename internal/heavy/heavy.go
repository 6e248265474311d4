// Package heavy is the one switch for the tests that take minutes:
// regenerating a copy of the module, building binaries, browsers, npm
// clients, scale runs and the full sweeps of broken fakes. go test ./...
// leaves them out so that it stays a quick check on a busy machine;
// IVSRT_TEST_ALL=1 (make test-all, and .ci/run) runs them.
package heavy

import (
	"os"
	"testing"
)

// Env is the variable that turns the heavy tests on, with the value "1".
const Env = "IVSRT_TEST_ALL"

// Enabled reports whether the heavy tests run.
func Enabled() bool { return os.Getenv(Env) == "1" }

// Test skips t unless the heavy tests run, saying what the test does.
func Test(t testing.TB, what string) {
	t.Helper()
	if !Enabled() {
		t.Skipf("%s: a heavy test, run with %s=1 (make test-all)", what, Env)
	}
}
