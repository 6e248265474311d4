package conformance_test

import (
	"context"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/ivscases/api20240620"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/spec"
)

// olderSuite is the suite assembled from the 2024-06-20 spec and the cases
// generated from it, as a team pinned to that API would run it.
func olderSuite(t *testing.T) *suite.Suite {
	t.Helper()
	data, err := os.ReadFile("../spec/2024-06-20/ivsrealtime.yaml")
	require.NoError(t, err)
	doc, err := spec.Load("ivsrealtime.yaml", data)
	require.NoError(t, err)
	return conformance.Full(api20240620.Contract, api20240620.Cases, doc.OpenAPI)
}

// The behaviour cases of what AWS added after 2024-06-20 that need members
// or enum values the 2024-06-20 contract lacks are left out of its suite;
// those that take everything from the contract (every media type, each
// publish error code it has) stay. The current suite has them all.
func TestOlderSuiteLeavesOutCasesOfNewerMembers(t *testing.T) {
	current := behaviour.CurrentCases(ivscases.Contract)
	older := behaviour.CurrentCases(api20240620.Contract)
	var names []string
	for _, c := range older {
		names = append(names, c.Name)
	}
	assert.ElementsMatch(t, []string{
		"UpdateStage/behaviour/round-trip/every-media-type",
		"ListParticipantEvents/behaviour/publish-error/each-code",
		"ListParticipantEvents/behaviour/publish-error/mid-stream-stops-publishing",
	}, names)
	assert.Greater(t, len(current), len(older))
	s := olderSuite(t)
	for _, c := range current {
		if !slices.Contains(names, c.Name) {
			assert.False(t, slices.ContainsFunc(s.Cases, func(o suite.Case) bool { return o.Name == c.Name }), "%s is in the 2024-06-20 suite", c.Name)
		}
	}
}

// olderSuiteFailsFor are the cases of the 2024-06-20 suite known to fail
// against today's fake, and why. An entry whose case passes fails the
// test, so the list shrinks as they are fixed.
var olderSuiteFailsFor = map[string]string{
	"CreateStage/defaults/stage.autoParticipantRecordingConfiguration": "cases_defaults.go's wantDefault compares the whole recording configuration of the answer, the members added since 2024-06-20 too, instead of what the contract knows of it (known)",
}

// A suite of the 2024-06-20 spec passes against today's fake: the members
// the fake answers with that the older contract does not know are not held
// against it.
func TestOlderSuiteAgainstTheFake(t *testing.T) {
	srv := httptest.NewServer(ivsfake.New(ivsfake.Options{}))
	t.Cleanup(srv.Close)
	for _, res := range suite.RunAll(context.Background(), suite.Target{Endpoint: srv.URL, Credentials: testCredentials}, olderSuite(t)) {
		if why := olderSuiteFailsFor[res.Name]; why != "" {
			assert.Equal(t, suite.Fail, res.Status, "%s passes now: take it out of olderSuiteFailsFor (%s)", res.Name, why)
			continue
		}
		if res.Status == suite.Skip && strings.HasPrefix(res.Reason, "the target does not implement") {
			continue
		}
		assert.Equal(t, suite.Pass, res.Status, "%s: %s\n%s", res.Name, res.Reason, res.Diff)
	}
}
