package rules_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/rules"
)

func TestParseReadsRowsUnderTheirSection(t *testing.T) {
	doc := strings.Join([]string{
		"# The contract",
		"## Every operation",
		"| rule | source | evidence | cases |",
		"|---|---|---|---|",
		"| A refusal names the member | model | model 2026-04-08 `X` | `*/errors/ValidationException` |",
		"",
		"## CreateStage",
		"| rule | source | evidence | cases |",
		"|---|---|---|---|",
		"| Tags default to `{}` | documented | CLI example `create-stage.rst` | `CreateStage/defaults/stage.tags`, `CreateStage/behaviour/*/tags` |",
		"",
		"| setting | default |",
		"|---|---|",
		"| region | us-east-1 |",
	}, "\n")
	s := rules.Parse(doc)
	require.Len(t, s.Rules, 2, "a table row is a rule; a table of another heading is not")
	r := s.Rules[1]
	assert.Equal(t, "CreateStage", r.Section)
	assert.Equal(t, 10, r.Line)
	assert.Equal(t, "contract.md:10", r.ID())
	assert.Equal(t, "Tags default to `{}`", r.Text)
	assert.Equal(t, "documented", r.Source)
	assert.Equal(t, "CLI example `create-stage.rst`", r.Evidence)
	assert.Equal(t, []string{"CreateStage/defaults/stage.tags", "CreateStage/behaviour/*/tags"}, r.Patterns)
	assert.True(t, r.Matches("CreateStage/behaviour/round-trip/tags"))
	assert.False(t, r.Matches("CreateStage/behaviour/a/b/tags"), "* stays within one part of a name")
	assert.Equal(t, []int{1}, r.MatchesPattern("CreateStage/behaviour/x/tags"))
	assert.Same(t, s.Rules[0], s.First("GetStage/errors/ValidationException"))
	assert.Nil(t, s.First("GetStage/errors/ConflictException"))
}

// The built-in contract is docs/contract.md: every row well formed, and
// a case the suite has falls under the row that documents it.
func TestContractIsTheProjectsDoc(t *testing.T) {
	s := rules.Contract()
	require.NotEmpty(t, s.Rules)
	for _, r := range s.Rules {
		assert.Equal(t, 4, r.Cells, r.ID())
		assert.NotEmpty(t, r.Section, r.ID())
	}
	got := s.For("CreateStage/defaults/stage.tags")
	require.NotEmpty(t, got)
	assert.Equal(t, "CreateStage", got[0].Section)
	assert.Equal(t, "documented", got[0].Source)
}
