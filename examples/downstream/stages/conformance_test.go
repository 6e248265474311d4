package stages_test

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/spec"

	"example.com/downstream/ivs"
	"example.com/downstream/stages"
)

// generatedSuite is this module's own generated suite: the contract and
// cases `ivsrt generate` wrote into package ivs, and the pinned spec they
// came from (for validating every answer against its schemas).
func generatedSuite(t *testing.T) *suite.Suite {
	t.Helper()
	data, err := os.ReadFile("../ivsrealtime.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := spec.Load("ivsrealtime.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return &suite.Suite{Contract: ivs.Contract, Cases: ivs.Cases, Spec: doc.OpenAPI}
}

// TestGeneratedSuite serves the Store with the generated Handler on
// 127.0.0.1 and runs the generated cases against it.
//
// Every request case (each constraint at its bound and past it, wrong JSON
// types, malformed bodies, mutually exclusive filters, the error contract)
// must pass: the generated Handler validates, and the Store answers valid
// input. The other cases check live behaviour (response shapes and
// timestamps of live resources, filters, paging over participants); the
// Store has no participants and the run has no seeder, so those are
// reported, not required.
func TestGeneratedSuite(t *testing.T) {
	srv := httptest.NewServer(ivs.NewHandler(stages.New("us-east-1", "123456789012"), ivs.Options{}))
	t.Cleanup(srv.Close)

	ctx := context.Background()
	s := generatedSuite(t)
	r, err := suite.NewRunner(ctx, suite.Target{Endpoint: srv.URL}, s)
	if err != nil {
		t.Fatal(err)
	}
	results := r.RunAll(ctx, s.Cases)

	var required int
	others := map[suite.Status][]string{}
	for i, res := range results {
		if s.Cases[i].Kind != suite.KindRequest {
			others[res.Status] = append(others[res.Status], res.Name)
			continue
		}
		required++
		if res.Status != suite.Pass {
			t.Errorf("%s: %s\n%s", res.Name, res.Status, res.Text())
		}
	}
	if required < 150 {
		t.Errorf("only %d request cases were generated; expected well over 150 from this spec", required)
	}
	t.Logf("request cases: %d, all required to pass", required)
	t.Logf("other cases (not required of this Store): %d passed, %d failed, %d skipped",
		len(others[suite.Pass]), len(others[suite.Fail]), len(others[suite.Skip]))
	for _, st := range []suite.Status{suite.Fail, suite.Skip} {
		for _, name := range others[st] {
			t.Logf("  %s %s", st, name)
		}
	}
}
