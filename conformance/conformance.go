// Package conformance checks an implementation of Amazon IVS Real-Time
// (the real AWS endpoint or a fake) against the contract in spec/: the
// cases generated from the spec (package ivscases) run on the runtime of
// package suite.
//
// In a test:
//
//	f := ivsfake.Start(t)
//	conformance.Run(t, suite.Target{Endpoint: f.URL})
//
// This package's own tests run the suite against the in-process fake, or
// against any endpoint with
//
//	go test ./conformance/... -args -endpoint URL [-region R]
//
// (or IVSRT_ENDPOINT and IVSRT_REGION in the environment).
//
// From the command line: ivsrt conform [-endpoint URL] (see Main).
package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/spec"
)

// Suite returns the whole suite: the generated contract and cases, the
// hand-written default and behaviour checks (suite.Full), and a copy of
// the spec of its own for response validation.
func Suite() (*suite.Suite, error) {
	doc, err := spec.Load(spec.File, spec.Source)
	if err != nil {
		return nil, err
	}
	return suite.Full(ivscases.Contract, ivscases.Cases, doc.OpenAPI), nil
}

// Prepare gives a target without a Seeder the control API of an ivsrt fake
// as its seeder, when its endpoint is one. suite.NewRunner does the same,
// so a target needs it only to read the seeder back.
func Prepare(ctx context.Context, target suite.Target) suite.Target {
	if target.Seeder == nil && target.Endpoint != "" && suite.IsFake(ctx, target.Endpoint, target.HTTPClient) {
		target.Seeder = FakeSeeder(target.Endpoint, target.HTTPClient)
	}
	return target
}

// RunAll runs every case against target and returns the results in order.
func RunAll(ctx context.Context, target suite.Target) []suite.Result {
	s, err := Suite()
	if err != nil {
		return []suite.Result{{Name: "spec", Status: suite.Fail, Reason: err.Error()}}
	}
	return suite.RunAll(ctx, target, s)
}

// Run runs every case against target as a parallel subtest named after the
// case (suite.Test). A failed case reports its name, its diff and the
// request that produced it; a case that cannot run there (no seeder, say)
// is skipped with the reason. When all are done, the stages the run
// created are deleted where the target allows it.
func Run(t *testing.T, target suite.Target) {
	t.Helper()
	s, err := Suite()
	if err != nil {
		t.Fatal(err)
	}
	suite.Test(t, target, s)
}

// FakeSeeder drives the participants of an ivsrt fake through its control
// API at endpoint; hc nil means http.DefaultClient.
func FakeSeeder(endpoint string, hc *http.Client) suite.Seeder {
	return suite.ControlSeeder(endpoint, hc)
}
