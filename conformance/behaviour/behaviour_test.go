package behaviour

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/suite"
)

func TestWithDefaults(t *testing.T) {
	c := contract{&suite.Contract{
		Resets:   []suite.Reset{{Struct: "Config", Member: "arn", Equals: ""}},
		Defaults: []suite.Default{{Struct: "Config", Member: "media", JSON: `["AV"]`}},
	}}
	// The reset value drops the other members, then defaults fill them.
	assert.Equal(t, map[string]any{"arn": "", "media": []any{"AV"}}, c.withDefaults("Config", map[string]any{"arn": "", "media": []any{"A"}}))
	assert.Equal(t, map[string]any{"arn": "x", "media": []any{"A"}}, c.withDefaults("Config", map[string]any{"arn": "x", "media": []any{"A"}}))
	assert.Equal(t, map[string]any{"arn": "x", "media": []any{"AV"}}, c.withDefaults("Config", map[string]any{"arn": "x"}))
}

func TestSamples(t *testing.T) {
	c := contract{&suite.Contract{Members: []suite.Member{{Struct: "S", Name: "m", Value: suite.Value{Kind: "string", Samples: []string{`"a"`, `"b"`}}}}}}
	got, f := c.samples("S", "m", 2)
	require.Nil(t, f)
	assert.Equal(t, []string{"a", "b"}, got)
	_, f = c.samples("S", "m", 3)
	require.NotNil(t, f)
	require.True(t, f.Skipped, "too few distinct values skips: %s", f.Reason)
}

// The lifecycle the seeding follows (contract rule 7).
func TestSeedRoles(t *testing.T) {
	got := map[string][3]any{}
	for _, ro := range seedRoles {
		s, p, rec := ro.expect()
		got[ro.name] = [3]any{s, p, rec}
	}
	assert.Equal(t, [3]any{"CONNECTED", false, "DISABLED"}, got["unrecorded"])
	assert.Equal(t, [3]any{"CONNECTED", false, "STOPPED"}, got["joined"])
	assert.Equal(t, [3]any{"CONNECTED", true, "STARTING"}, got["publishing"])
	assert.Equal(t, [3]any{"CONNECTED", true, "ACTIVE"}, got["recorded"])
	assert.Equal(t, [3]any{"DISCONNECTED", true, "STOPPING"}, got["recorded-left"])
	assert.Equal(t, [3]any{"DISCONNECTED", true, "STOPPED"}, got["recorded-left-stopped"])
	assert.Equal(t, [3]any{"CONNECTED", true, "FAILED"}, got["recording-failed"])
	// Every state and flag has participants with it and without it.
	for i, want := range []map[any]bool{
		{"CONNECTED": true, "DISCONNECTED": true},
		{true: true, false: true},
		{"STARTING": true, "ACTIVE": true, "STOPPING": true, "STOPPED": true, "FAILED": true, "DISABLED": true},
	} {
		seen := map[any]bool{}
		for _, g := range got {
			seen[g[i]] = true
		}
		assert.Equal(t, want, seen)
	}
}

func TestStageCleanup(t *testing.T) {
	assert.Equal(t, "cleanup: the run created no stages", StageCleanup{}.String())
	assert.Equal(t, "cleanup: deleted the 3 stages the run created", StageCleanup{Created: 3, Deleted: 3}.String())
	s := StageCleanup{Created: 3, Tagged: 2, Refused: "404 UnknownOperationException", RunTag: "k=run-1"}.String()
	assert.Equal(t, "cleanup: the target does not allow DeleteStage, so the run's 3 stages are left (2 tagged k=run-1); it answered 404 UnknownOperationException", s)
}
