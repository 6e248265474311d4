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
// From the command line, ivsrt conform (package main of cmd/ivsrt) runs it
// with Probe and Execute. This package links in no fake: the seeder of an
// ivsrt fake speaks its control API (package ivscontrol), and Full gives
// any suite it assembles the means to find it.
package conformance

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/ivscases/api20240620"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/spec"
)

// Suite returns the whole suite: the generated contract and cases, the
// hand-written default and behaviour checks (Full), and a copy of the spec
// of its own for response validation.
func Suite() (*suite.Suite, error) {
	return SuiteFor("")
}

// APIVersions are the versions of the API a suite ships for, newest first:
// the current API, the default, then the 2024-06-20 one.
func APIVersions() []string {
	return []string{ivscases.Contract.APIVersion, api20240620.Contract.APIVersion}
}

// SuiteFor returns the whole suite of one version of the API (one of
// APIVersions; "" is the current one): its generated cases, the behaviour
// cases that version's contract knows what they need of, and its spec for
// response validation. A suite of an older version checks only what that
// version knows, so it keeps passing against a service that has since
// added operations, members, enum values and error types.
func SuiteFor(version string) (*suite.Suite, error) {
	c, cases, file, src := ivscases.Contract, ivscases.Cases, spec.File, spec.Source
	switch version {
	case "", c.APIVersion:
	case api20240620.Contract.APIVersion:
		c, cases, file, src = api20240620.Contract, api20240620.Cases, spec.File20240620, spec.Source20240620
	default:
		return nil, fmt.Errorf("no suite for API version %q: there are %s", version, strings.Join(APIVersions(), " and "))
	}
	doc, err := spec.Load(file, src)
	if err != nil {
		return nil, err
	}
	return Full(c, cases, doc.OpenAPI), nil
}

// Full is the whole suite of a contract and the cases generated from it
// (behaviour.Full: the hand-written default and behaviour cases and the
// setup that makes what they point at), which gives a target that is an
// ivsrt fake the fake's seeder (ControlSeeder) when it has none. A
// downstream module assembles the suite it generated with it.
func Full(c *suite.Contract, generated []suite.Case, spec *openapi3.T) *suite.Suite {
	s := behaviour.Full(c, generated, spec)
	s.Prepare = prepare
	return s
}

// RunAll runs every case against target and returns the results in order.
func RunAll(ctx context.Context, target suite.Target) []suite.Result {
	s, err := Suite()
	if err != nil {
		return []suite.Result{{Name: "spec", Status: suite.Fail, Reason: err.Error()}}
	}
	return suite.RunAll(ctx, target, s)
}

// Probe checks with one request that target is an AWS JSON service at all
// (see suite.Probe): a run against nothing, or against a web server,
// would only print a failure per case.
func Probe(ctx context.Context, target suite.Target, s *suite.Suite) error {
	return suite.Probe(ctx, target, s)
}

// Outcome is what Execute did.
type Outcome struct {
	Results []suite.Result      // in case order
	RunID   string              // the run tag's value on every stage the run made
	Cleanup suite.CleanupReport // the deletion of what the run made
	Elapsed time.Duration       // setup and cases, without the cleanup
}

// Execute runs the cases of s against target, calling done, when not nil,
// with each result as its case finishes, one call at a time; then runs
// the run's cleanups (the deletion of the stages and storage
// configurations it made, where the target allows it). An error means the
// runner could not start.
func Execute(ctx context.Context, s *suite.Suite, target suite.Target, done func(suite.Result)) (*Outcome, error) {
	start := time.Now()
	r, err := suite.NewRunner(ctx, target, s)
	if err != nil {
		return nil, err
	}
	results := r.RunEach(ctx, s.Cases, done)
	out := &Outcome{Results: results, RunID: r.RunID(), Elapsed: time.Since(start)}
	out.Cleanup = r.Cleanup(ctx)
	return out, nil
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
