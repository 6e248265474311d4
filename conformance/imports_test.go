package conformance_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The library links in no fake: a team running the suite against its own
// service gets the suite, the control API client and nothing of ivsfake.
// (ivsrt conform wires the embedded fake in cmd/ivsrt.)
func TestLibraryImportsNoFake(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".", "./suite").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, pkg := range strings.Fields(string(out)) {
		assert.NotContains(t, []string{"github.com/ivsrt/contract/fakes/ivsfake", "github.com/ivsrt/contract/fakes/ivsapi"}, pkg)
	}
}
