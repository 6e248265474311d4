package conformance_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/ivscases/api20240620"
	"github.com/ivsrt/contract/conformance/suite"
)

// The behaviour cases of what AWS added after 2024-06-20 that need members
// or enum values the 2024-06-20 contract lacks are left out of its suite;
// those that take everything from the contract (every media type, each
// publish error code it has, the subscribe events it has always had)
// stay. The current suite has them all.
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
		"ListParticipantEvents/behaviour/subscribe/names-the-publisher",
		"ListParticipantEvents/behaviour/subscribe/not-publishing-is-PUBLISHER_NOT_FOUND",
		"ListParticipantEvents/behaviour/subscribe/without-SUBSCRIBE-is-INSUFFICIENT_CAPABILITIES",
	}, names)
	assert.Greater(t, len(current), len(older))
	s, err := conformance.SuiteFor(api20240620.Contract.APIVersion)
	require.NoError(t, err)
	for _, c := range current {
		if !slices.Contains(names, c.Name) {
			assert.False(t, slices.ContainsFunc(s.Cases, func(o suite.Case) bool { return o.Name == c.Name }), "%s is in the 2024-06-20 suite", c.Name)
		}
	}
}
