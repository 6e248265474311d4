package conformance_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/suite"
)

// Every case, generated or hand-written, says where its rule comes from,
// with one of the three sources.
func TestEveryCaseHasASource(t *testing.T) {
	s, err := conformance.Suite()
	require.NoError(t, err)
	counts := map[string]int{}
	for _, c := range s.Cases {
		assert.Contains(t, []string{suite.SourceModel, suite.SourceDocumented, suite.SourceInferred}, c.Source, "%s has source %q", c.Name, c.Source)
		counts[c.Source]++
	}
	t.Logf("%d cases: %v", len(s.Cases), counts)
	for _, src := range []string{suite.SourceModel, suite.SourceDocumented, suite.SourceInferred} {
		assert.Positive(t, counts[src], "no case is %s", src)
	}
}

// The sources the issue settles: request defaults are documented, their
// echo in token answers is inferred; a bound of the model is model.
func TestSourcesOfSettledRules(t *testing.T) {
	s, err := conformance.Suite()
	require.NoError(t, err)
	source := func(name string) string {
		i := slices.IndexFunc(s.Cases, func(c suite.Case) bool { return c.Name == name })
		require.GreaterOrEqual(t, i, 0, "no case %s", name)
		return s.Cases[i].Source
	}
	assert.Equal(t, suite.SourceInferred, source("CreateStage/defaults/participantTokens[].duration"))
	assert.Equal(t, suite.SourceInferred, source("CreateStage/defaults/participantTokens[].capabilities"))
	assert.Equal(t, suite.SourceDocumented, source("CreateStage/defaults/stage.autoParticipantRecordingConfiguration"))
	assert.Equal(t, suite.SourceModel, source("CreateStage/participantTokenConfigurations[].duration/maximum/over"))
	assert.Equal(t, suite.SourceDocumented, source("ListParticipants/filters/filterByPublished+filterByState"))
	assert.Equal(t, suite.SourceInferred, source("CreateStage/participantTokenConfigurations[].attributes/maxTotalBytes/at"))
	assert.Equal(t, suite.SourceDocumented, source("CreateStage/participantTokenConfigurations[].attributes/maxTotalBytes/over"))
}
