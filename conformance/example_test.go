package conformance_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// Run is called from a test: each case becomes a parallel subtest named
// after it, which fails with a diff or skips with the reason. Here the
// target is a fake started for the test; any endpoint will do (an
// implementation of your own, or AWS's with credentials in the environment).
func ExampleRun() {
	var t *testing.T // in func TestConformance(t *testing.T)

	f := ivsfake.Start(t)
	conformance.Run(t, suite.Target{Endpoint: f.URL, Region: "us-east-1"})
}

// RunAll runs the suite outside go test and returns one result per case,
// for reports (suite.WriteFailures, suite.WriteJUnit, suite.WriteJSON).
func ExampleRunAll() {
	srv := httptest.NewServer(ivsfake.New(ivsfake.Options{}))
	defer srv.Close()

	results := conformance.RunAll(context.Background(), suite.Target{Endpoint: srv.URL})
	passed, failed, _ := suite.Counts(results)
	fmt.Println("failed:", failed)
	fmt.Println("more than 200 passed:", passed > 200)
	// Output:
	// failed: 0
	// more than 200 passed: true
}
