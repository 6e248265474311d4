package conformance_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deps lists the packages of this module that pkg depends on, itself included.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
	require.NoError(t, err, "%s", out)
	var own []string
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/ivsrt/contract/") {
			own = append(own, p)
		}
	}
	return own
}

// The library links in no fake: a team running the suite against its own
// service gets the suite, the control API client and nothing of ivsfake.
// (ivsrt conform wires the embedded fake in cmd/ivsrt.)
func TestLibraryImportsNoFake(t *testing.T) {
	for _, pkg := range deps(t, ".") {
		assert.NotContains(t, []string{"github.com/ivsrt/contract/fakes/ivsfake", "github.com/ivsrt/contract/fakes/ivsapi"}, pkg)
	}
}

// The runtime knows no service: it depends on no other package of this
// module (no fake, no control API, no generated cases, no behaviour). IVS's own
// rules depend on the runtime and on the generated cases' package, for its
// operation and member names; on no fake.
func TestRuntimeAndBehaviourAreApart(t *testing.T) {
	assert.Equal(t, []string{"github.com/ivsrt/contract/conformance/suite"}, deps(t, "./suite"), "the runtime")
	assert.Equal(t, []string{"github.com/ivsrt/contract/conformance/suite", "github.com/ivsrt/contract/conformance/ivscases", "github.com/ivsrt/contract/conformance/behaviour"}, deps(t, "./behaviour"), "the behaviour")
}
