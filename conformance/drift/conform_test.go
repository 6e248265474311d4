package drift_test

import (
	"context"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/internal/heavy"
)

// The whole conformance suite's traffic with the fake, thousands of
// exchanges of every operation (refusals, pages, filters, compositions,
// public keys, participants made through the control API), recorded and
// replayed against a fresh fake: no drift. The exchanges the replay cannot
// send again are those of participants who joined with a token the suite
// signed itself (the cassette keeps no signature), and it says so.
//
// The recorder lets one exchange through at a time, so that the cassette's
// order (that of the answers) is the order the fake saw the requests in:
// a cassette of concurrent clients replays one exchange after the other,
// and a list answered while another client's create was in flight could
// differ.
func TestReplayOfAConformanceRunFindsNoDrift(t *testing.T) {
	heavy.Test(t, "records a whole conformance run and replays it")
	up := freshFake(t)
	u, err := url.Parse(up)
	require.NoError(t, err)
	rec := newRecorder(t, up, false)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = rec.rec
	var one sync.Mutex
	proxy := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		one.Lock()
		defer one.Unlock()
		rp.ServeHTTP(w, r)
	}))
	s, err := conformance.Suite()
	require.NoError(t, err)
	out, err := conformance.Execute(context.Background(), s, suite.Target{Endpoint: proxy, Region: region}, nil)
	require.NoError(t, err)
	_, failed, _ := suite.Counts(out.Results)
	require.Zero(t, failed, suite.Summary(out.Results))
	c := rec.cassette(t)
	require.Greater(t, len(c.Exchanges), 1000)

	rep := replay(t, c, freshFake(t))
	assert.False(t, rep.Drift(), text(t, rep))
	for _, ex := range rep.Exchanges {
		if ex.Skipped != "" {
			assert.True(t, strings.Contains(ex.Skipped, "signed itself") || strings.Contains(ex.Skipped, "could not make join"), "#%d: %s", ex.Seq, ex.Skipped)
		}
	}
	t.Log(rep.Summary())
}
