package suite

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A case's Needs are made for it by the provisioners they name, which
// fill its placeholders instead of the run's shared value.
func TestProvision(t *testing.T) {
	r := &Runner{vars: map[string]string{"live:StageArn": "shared"}, provisioners: map[string]Provisioner{}}
	made := 0
	r.Provide("stage", func(context.Context, *Case) (string, *Failure) {
		made++
		return "own", nil
	})
	c := &Case{Body: `{"arn":"${live:StageArn}","other":"${live:StageArn}"}`, Needs: []Need{{Placeholder: "live:StageArn", Provisioner: "stage"}}}
	body, f := r.provision(context.Background(), c)
	require.Nil(t, f)
	assert.Equal(t, `{"arn":"own","other":"own"}`, body)
	assert.Equal(t, 1, made, "one resource per need")

	// Without a need, the shared value fills it.
	body, f = r.expand(`{"arn":"${live:StageArn}"}`)
	require.Nil(t, f)
	assert.Equal(t, `{"arn":"shared"}`, body)

	// A provisioner's failure is the case's; an unknown one is the suite's.
	r.Provide("broken", func(context.Context, *Case) (string, *Failure) { return "", Skipf("no seeder") })
	_, f = r.provision(context.Background(), &Case{Body: "{}", Needs: []Need{{Placeholder: "x", Provisioner: "broken"}}})
	require.NotNil(t, f)
	assert.True(t, f.Skipped)
	_, f = r.provision(context.Background(), &Case{Body: "{}", Needs: []Need{{Placeholder: "x", Provisioner: "nobody"}}})
	require.NotNil(t, f)
	assert.Contains(t, f.Reason, "no provisioner")
	assert.Equal(t, SuiteError, f.failureType())
}

// Cleanups run in the order registered; one with nothing to say adds no line.
func TestCleanupOrder(t *testing.T) {
	r := &Runner{}
	var order []string
	for _, name := range []string{"stages", "quiet", "storage"} {
		r.AddCleanup(func(context.Context) string {
			order = append(order, name)
			if name == "quiet" {
				return ""
			}
			return "cleanup: " + name
		})
	}
	rep := r.Cleanup(context.Background())
	assert.Equal(t, []string{"stages", "quiet", "storage"}, order)
	assert.Equal(t, "cleanup: stages\ncleanup: storage", rep.String())
}

// A listing known in advance is the first hook's that knows it.
func TestListingHooks(t *testing.T) {
	r := &Runner{}
	r.KnowListing(func(op *Operation, _ string) *Listing {
		if op.Name != "ListThings" {
			return nil
		}
		return &Listing{Key: "id", Items: map[string]map[string]any{"a": {"state": "ON"}}}
	})
	assert.Nil(t, r.listing(&Operation{Name: "ListOthers"}, "{}"))
	l := r.listing(&Operation{Name: "ListThings"}, "{}")
	require.NotNil(t, l)
	assert.Equal(t, "id", l.Key)
	assert.Equal(t, "a", itemKey(map[string]any{"id": "a", "state": "ON"}, l.Key))
	assert.Equal(t, `{"state":"ON"}`, itemKey(map[string]any{"state": "ON"}, ""), "without a key, an item is its value")
}

// A case whose live value the setup could not make is blocked by the
// setup's failure, as is one whose provisioner failed; one the setup
// skipped is skipped. Each result has the failure as it was recorded, even
// when a case rewords its copy.
func TestBlockedBySetup(t *testing.T) {
	r := &Runner{suite: &Suite{Contract: testContract}, vars: map[string]string{}, missing: map[string]*Failure{}, provisioners: map[string]Provisioner{}}
	setupFailure := &Failure{Reason: "setup: CreateStage: want 200, got 429 ThrottlingException", Exchange: &Exchange{Op: "CreateStage", Method: "POST", Target: "/CreateStage", Status: 429, ErrType: "ThrottlingException", Resp: []byte(`{}`)}}
	r.SetMissing(setupFailure, "live:StageArn")
	r.SetMissing(SkipFor(SetSeeder, "no seeder"), "live:SessionId")
	r.Provide("own-stage", func(context.Context, *Case) (string, *Failure) {
		return "", Failf(&Exchange{Op: "CreateStage", Method: "POST", Target: "/CreateStage", Status: 500, ErrType: "InternalServerException"}, "setup: CreateStage of a stage to delete: 500")
	})
	cases := []Case{
		{Name: "Op/a", Operation: "Op", Kind: KindShape, Body: `{"arn":"${live:StageArn}"}`},
		{Name: "Op/b", Operation: "Op", Kind: KindShape, Body: `{"arn":"${live:StageArn}"}`},
		{Name: "Op/c", Operation: "Op", Kind: KindShape, Body: `{"id":"${live:SessionId}"}`},
		{Name: "Op/d", Operation: "Op", Kind: KindShape, Body: `{"arn":"${live:StageArn}"}`, Needs: []Need{{Placeholder: "live:StageArn", Provisioner: "own-stage"}}},
		{Name: "Op/e", Operation: "Op", Kind: KindCustom, Custom: func(context.Context, *Runner, *Case) *Failure {
			_, f := r.Live("live:StageArn")
			f.Reason = "my own words: " + f.Reason // a copy: the others keep theirs
			return f
		}},
	}
	var results []Result
	for i := range cases {
		results = append(results, r.Run(context.Background(), &cases[i]))
	}
	for i, want := range []Status{Blocked, Blocked, Skip, Blocked, Blocked} {
		assert.Equal(t, want, results[i].Status, results[i].Name)
	}
	assert.Equal(t, setupFailure.Reason, results[0].Reason)
	assert.Equal(t, setupFailure.Reason, results[1].Reason, "rewording a copy left it alone")
	assert.Equal(t, ContractViolation, results[0].FailureType)
	assert.Equal(t, &SetSeeder, results[2].Setting)
	assert.Equal(t, Tally{Blocked: 4, Skipped: 1}, TallyOf(results))
	_, failed, _ := Counts(results)
	assert.Equal(t, 4, failed, "for whoever asks whether the run passed, a blocked case did not")

	var b bytes.Buffer
	require.NoError(t, WriteBlocked(&b, results))
	assert.True(t, strings.HasPrefix(b.String(), "BLOCKED 2 cases: setup: CreateStage: want 200, got 429 ThrottlingException\n"+
		"    request:  POST /CreateStage \n"+
		"    response: 429 ThrottlingException {}\n"+
		"    next:     the target throttled the suite, which sends 8 requests at once: raise the target's rate limit, or run part of the suite at a time (suite.Select)\n"+
		"    cases:    Op/a, Op/b\n"), "the cause of most cases first, told once:\n%s", b.String())
	assert.Contains(t, b.String(), "\nBLOCKED 1 case: my own words: setup: CreateStage: want 200, got 429 ThrottlingException\n")
	assert.Equal(t, 3, strings.Count(b.String(), "BLOCKED "), b.String())
	assert.Contains(t, b.String(), "BLOCKED 1 case: setup: CreateStage of a stage to delete: 500\n")

	// Many cases of one cause are counted by operation, not listed.
	var many []Result
	for i := range 12 {
		op := []string{"ListParticipants", "GetParticipant"}[min(i/8, 1)]
		many = append(many, Result{Name: fmt.Sprintf("%s/x%d", op, i), Operation: op, Status: Blocked, Reason: "setup: X failed"})
	}
	b.Reset()
	require.NoError(t, WriteBlocked(&b, many))
	assert.Equal(t, "BLOCKED 12 cases: setup: X failed\n    cases:    by operation: ListParticipants 8, GetParticipant 4\n", b.String())

	// JUnit: an <error>, counted apart from the failures.
	b.Reset()
	require.NoError(t, WriteJUnit(&b, "ivsrt", results))
	assert.Contains(t, b.String(), `<testsuites name="ivsrt" tests="5" failures="0" errors="4" skipped="1"`)
	assert.Contains(t, b.String(), `<error message="blocked: setup: CreateStage: want 200, got 429 ThrottlingException" type="ContractViolation">`)
	assert.NotContains(t, b.String(), "<failure")
}
