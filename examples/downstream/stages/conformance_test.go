package stages_test

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/spec"

	"example.com/downstream/ivs"
	"example.com/downstream/stages"
)

// TestConformance is the snippet of docs/downstream.md, as written: the whole suite
// (this module's generated cases and the hand-written default and
// behaviour cases) against the Store behind the generated Handler. The
// Store has no participants and the run no seeder, so the cases about live
// participants are skipped with the reason; every other case must pass.
func TestConformance(t *testing.T) {
	data, err := os.ReadFile("../ivsrealtime.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := spec.Load("ivsrealtime.yaml", data) // github.com/ivsrt/contract/spec
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ivs.NewHandler(stages.New("us-east-1", "123456789012"), ivs.Options{}))
	t.Cleanup(srv.Close)
	// Every case, generated and hand-written, as a subtest named after it.
	suite.Test(t, suite.Target{Endpoint: srv.URL}, conformance.Full(ivs.Contract, ivs.Cases, doc.OpenAPI))
}

// generatedSuite is this module's whole suite, as TestConformance makes it.
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
	return conformance.Full(ivs.Contract, ivs.Cases, doc.OpenAPI)
}

// The suite this module generated is the one conformance.Run runs, case
// for case, and against an ivsrt fake it finds the fake's seeder by
// itself: every case runs, none is skipped, none fails.
func TestSameSuiteAsConformanceRun(t *testing.T) {
	s := generatedSuite(t)
	ours, err := conformance.Suite()
	if err != nil {
		t.Fatal(err)
	}
	names := func(cs []suite.Case) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Name + " [" + c.Source + "]"
		}
		return out
	}
	got, want := names(s.Cases), names(ours.Cases)
	if len(got) != len(want) {
		t.Fatalf("this module's suite has %d cases, conformance.Run's %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("case %d is %s here and %s in conformance.Run", i, got[i], want[i])
		}
	}

	f := ivsfake.Start(t)
	ctx := context.Background()
	r, err := suite.NewRunner(ctx, suite.Target{Endpoint: f.URL}, s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Cleanup(ctx) })
	results := r.RunAll(ctx, s.Cases)
	passed, failed, skipped := suite.Counts(results)
	for _, res := range results {
		// An operation the spec has and the fake does not implement yet
		// skips its own cases.
		if res.Status == suite.Skip && res.Reason == "the target does not implement "+res.Operation {
			continue
		}
		if res.Status != suite.Pass {
			t.Errorf("%s: %s: %s", res.Name, res.Status, res.Reason)
		}
	}
	t.Logf("against ivsfake: %d passed, %d failed, %d skipped of %d", passed, failed, skipped, len(results))
}
