package proxy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/proxy"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// TestProxyConformRunHasNoViolations runs the whole conformance suite
// through the proxy to the fake: the suite's thousands of valid and
// invalid requests, the control API's seeding, every answer. The fake
// keeps the contract, so a violation here is the checker's mistake (a
// rule judged that traffic cannot show, a refusal read wrong); the run
// still passes, so the proxy changed nothing the suite sees.
func TestProxyConformRunHasNoViolations(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite through the proxy")
	}
	fake := ivsfake.Start(t)
	px := startProxy(t, fake.URL, proxy.Options{})
	results := conformance.RunAll(context.Background(), suite.Target{Endpoint: px.URL})
	tally := suite.TallyOf(results)
	assert.Zero(t, tally.Failed+tally.Blocked, suite.Summary(results))
	for _, v := range px.violations() {
		t.Errorf("%s", proxy.ViolationLine(v))
	}
	st := px.stats()
	require.Greater(t, st.Checked, 1000)
	t.Logf("%d cases; %d requests, %d checked, %d confirmations", len(results), st.Requests, st.Checked, st.Confirmed)
}
