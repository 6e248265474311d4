package conformance_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/rules"
)

// contractDocRows are the rule rows of docs/contract.md, as the tools
// that quote them read them (package rules).
func contractDocRows(t *testing.T) []*rules.Rule {
	t.Helper()
	return rules.Contract().Rules
}

// where names a row in a failure: its line and its rule.
func where(r *rules.Rule) string { return r.ID() + ": " + r.Text }

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
			for _, j := range row.MatchesPattern(c.Name) {
				found = true
				if used[i] == nil {
					used[i] = map[int]bool{}
				}
				used[i][j] = true
				assert.Equal(t, row.Source, c.Source, "%s is %s, but docs/contract.md lists it as %s in: %s", c.Name, c.Source, row.Source, where(row))
			}
		}
		assert.True(t, found, "docs/contract.md lists no rule for %s (%s)", c.Name, c.Source)
	}
	for i, row := range rows {
		assert.Contains(t, []string{"model", "documented", "inferred"}, row.Source, where(row))
		for j := range row.Patterns {
			assert.True(t, used[i][j], "pattern %d of this row of docs/contract.md names no case: %s", j+1, where(row))
		}
	}
}

// The model versions an evidence entry may name: aws-sdk-go v1.54.6 (the
// API of 2024-06-20), v1.55.8 (aws-sdk-go's last, released 2025-07-31) and
// botocore's of today (the spec's SPEC_VERSION).
var modelVersions = []string{"2024-06-20", "2025-07-31", "2026-04-08"}

// awsCLIExamples are the files of the AWS CLI's examples/ivs-realtime
// (awscli 1.45.11), each a command's examples: an entry names one of them.
var awsCLIExamples = []string{
	"create-encoder-configuration", "create-ingest-configuration", "create-participant-token",
	"create-stage", "create-storage-configuration", "delete-encoder-configuration",
	"delete-ingest-configuration", "delete-public-key", "delete-stage",
	"delete-storage-configuration", "disconnect-participant", "get-composition",
	"get-encoder-configuration", "get-ingest-configuration", "get-participant",
	"get-public-key", "get-stage-session", "get-stage", "get-storage-configuration",
	"import-public-key", "list-compositions", "list-encoder-configurations",
	"list-ingest-configurations", "list-participant-events", "list-participant-replicas",
	"list-participants", "list-public-keys", "list-stage-sessions", "list-stages",
	"list-storage-configurations", "start-composition", "start-participant-replication",
	"stop-composition", "stop-participant-replication", "update-ingest-configuration",
	"update-stage",
}

var (
	backticked = regexp.MustCompile("`([^`]+)`")
	// "model 2024-06-20", "models 2024-06-20 and 2026-04-08".
	modelRef = regexp.MustCompile(`\bmodels? (\d{4}-\d{2}-\d{2})(?: and (\d{4}-\d{2}-\d{2}))?`)
	// A model's name as an entry writes it: an operation or a shape
	// (CamelCase), a shape's member (Shape.member), or metadata.key.
	modelName = regexp.MustCompile(`^(?:[A-Z][a-z0-9]+[A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*)?|metadata\.[a-z][A-Za-z0-9]*)$`)
	cliFile   = regexp.MustCompile(`^([a-z]+(?:-[a-z]+)*)\.rst$`)
	// A page of AWS's documentation by its title: user guide "Title",
	// API reference "Title" (a guide's name may come before).
	pageRef = regexp.MustCompile(`\b(?:user guide|API reference) "[^"]+"`)
)

// apiModel is what an evidence entry's model names are checked against:
// the committed model of today (spec/models), which keeps every operation,
// shape and member of 2024-06-20.
type apiModel struct {
	Metadata   map[string]any `json:"metadata"`
	Operations map[string]any `json:"operations"`
	Shapes     map[string]struct {
		Members map[string]any `json:"members"`
	} `json:"shapes"`
}

func (m *apiModel) has(name string) bool {
	if key, ok := strings.CutPrefix(name, "metadata."); ok {
		_, found := m.Metadata[key]
		return found
	}
	shape, member, qualified := strings.Cut(name, ".")
	if !qualified {
		_, op := m.Operations[name]
		_, sh := m.Shapes[name]
		return op || sh
	}
	_, found := m.Shapes[shape].Members[member]
	return found
}

// Every rule of docs/contract.md says where its evidence is, in a form a
// reader can follow: a rule that is not inferred names the model (its
// version and a member, shape or operation that is in it, or its service
// docs), an AWS CLI
// example file that exists, or a page of AWS's documentation by title; a
// model rule names the model; an inferred rule says that none was found.
// Whatever an entry names must exist, inferred or not.
func TestContractDocEvidence(t *testing.T) {
	data, err := os.ReadFile("../spec/models/ivs-realtime/service-2.json")
	require.NoError(t, err)
	var model apiModel
	require.NoError(t, json.Unmarshal(data, &model))
	require.NotEmpty(t, model.Shapes)
	// Where testdata/aws-examples holds the CLI's examples as data (a
	// directory per example file), the file an entry names is there too.
	examplesDir := filepath.Join("..", "testdata", "aws-examples")
	_, dirErr := os.Stat(examplesDir)
	haveExamplesDir := dirErr == nil

	rows := contractDocRows(t)
	require.NotEmpty(t, rows)
	checked := 0
	for _, row := range rows {
		if !assert.Equal(t, 4, row.Cells, "a row of docs/contract.md without its evidence (| rule | source | evidence | cases |): %s", where(row)) {
			continue
		}
		ev := row.Evidence
		if !assert.NotEmpty(t, ev, "a rule of docs/contract.md with an empty evidence entry: %s", where(row)) {
			continue
		}
		checked++
		var models, files, pages int
		for _, m := range modelRef.FindAllStringSubmatch(ev, -1) {
			for _, v := range m[1:] {
				if v != "" {
					assert.Contains(t, modelVersions, v, "the evidence names model %s, not one of %v: %s", v, modelVersions, where(row))
				}
			}
		}
		for _, m := range backticked.FindAllStringSubmatch(ev, -1) {
			name := m[1]
			if f := cliFile.FindStringSubmatch(name); f != nil {
				files++
				assert.True(t, slices.Contains(awsCLIExamples, f[1]), "the evidence names CLI example %s, which the AWS CLI does not have: %s", name, where(row))
				if haveExamplesDir {
					_, err := os.Stat(filepath.Join(examplesDir, f[1]))
					assert.NoError(t, err, "the evidence names CLI example %s, which testdata/aws-examples does not hold: %s", name, where(row))
				}
				continue
			}
			if modelName.MatchString(name) {
				models++
				assert.True(t, model.has(name), "the evidence names %s, which is not in the model: %s", name, where(row))
			}
		}
		// The service's own documentation string has no name of its own.
		models += strings.Count(ev, "service docs")
		pages = len(pageRef.FindAllString(ev, -1))
		citesModel := modelRef.MatchString(ev)
		if citesModel {
			assert.Positive(t, models, "the evidence names a model but no member, shape or operation of it: %s", where(row))
		}
		if row.Source == "inferred" {
			assert.True(t, strings.HasPrefix(ev, "none found"), "an inferred rule's evidence starts \"none found\": %s", where(row))
			continue
		}
		assert.False(t, strings.HasPrefix(ev, "none found"), "a %s rule with no evidence found: %s", row.Source, where(row))
		if row.Source == "model" {
			assert.True(t, citesModel, "a model rule's evidence names the model and its version: %s", where(row))
		}
		assert.True(t, (citesModel && models > 0) || files > 0 || pages > 0,
			"a %s rule's evidence names a model member or shape with its version, a CLI example file or a page by title: %s", row.Source, where(row))
	}
	assert.Equal(t, len(rows), checked, "rules of docs/contract.md without an evidence entry")
}
