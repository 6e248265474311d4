package conformance_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
)

// docRow is a row of a rule table in docs/contract.md: its source and the
// name patterns of its cases.
type docRow struct {
	line     string
	source   string
	patterns []*regexp.Regexp
}

var backticked = regexp.MustCompile("`([^`]+)`")

// contractDocRows reads the rule tables of docs/contract.md: rows of
// | rule | source | cases |, cases as backticked name patterns where *
// stands for any text within one part of a name.
func contractDocRows(t *testing.T) []docRow {
	t.Helper()
	data, err := os.ReadFile("../docs/contract.md")
	require.NoError(t, err)
	var rows []docRow
	for _, line := range strings.Split(string(data), "\n") {
		cells := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| ") || len(cells) != 3 {
			continue
		}
		source := strings.TrimSpace(cells[1])
		if source == "source" {
			continue
		}
		row := docRow{line: line, source: source}
		for _, m := range backticked.FindAllStringSubmatch(cells[2], -1) {
			re := "^" + strings.ReplaceAll(regexp.QuoteMeta(m[1]), `\*`, "[^/]*") + "$"
			row.patterns = append(row.patterns, regexp.MustCompile(re))
		}
		rows = append(rows, row)
	}
	return rows
}

// docs/contract.md lists every case of the suite under a rule, with the
// source the case carries; every pattern it gives names a case.
func TestContractDocMatchesTheSuite(t *testing.T) {
	s, err := conformance.Suite()
	require.NoError(t, err)
	rows := contractDocRows(t)
	require.NotEmpty(t, rows)
	used := make([]map[int]bool, len(rows))
	for _, c := range s.Cases {
		found := false
		for i, row := range rows {
			for j, re := range row.patterns {
				if !re.MatchString(c.Name) {
					continue
				}
				found = true
				if used[i] == nil {
					used[i] = map[int]bool{}
				}
				used[i][j] = true
				assert.Equal(t, row.source, c.Source, "%s is %s, but docs/contract.md lists it as %s in: %s", c.Name, c.Source, row.source, row.line)
			}
		}
		assert.True(t, found, "docs/contract.md lists no rule for %s (%s)", c.Name, c.Source)
	}
	for i, row := range rows {
		assert.Contains(t, []string{"model", "documented", "inferred"}, row.source, row.line)
		for j := range row.patterns {
			assert.True(t, used[i][j], "pattern %d of this row of docs/contract.md names no case: %s", j+1, row.line)
		}
	}
}
