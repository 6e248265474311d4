package suite

import (
	"context"
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
