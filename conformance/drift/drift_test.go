package drift_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/drift"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

var update = flag.Bool("update", false, "record examples/cassettes/stage-lifecycle.jsonl again against the fake")

// exampleCassette is the example cassette the repository ships.
const exampleCassette = "../../examples/cassettes/stage-lifecycle.jsonl"

// serve serves h on 127.0.0.1 for the rest of the test.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func freshFake(t *testing.T) string {
	t.Helper()
	return serve(t, ivsfake.New(ivsfake.Options{Region: region}))
}

func replay(t *testing.T, c *cassette.Cassette, endpoint string) *drift.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	target, err := drift.NewTarget(ctx, endpoint, region, nil)
	require.NoError(t, err)
	rep, err := drift.Replay(ctx, c, target, drift.Options{Name: "test"})
	require.NoError(t, err)
	return rep
}

func text(t *testing.T, rep *drift.Report) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, drift.WriteText(&b, rep))
	return b.String()
}

// A session the Go SDK had with the fake, control calls and all, replays
// against a fresh fake with no drift: identifiers, tokens, session ids
// and page tokens mapped, every answer as recorded.
func TestReplayOfASessionAgainstAFreshFakeFindsNoDrift(t *testing.T) {
	c := recordSession(t, freshFake(t), true)
	require.True(t, slices.ContainsFunc(c.Exchanges, func(e cassette.Exchange) bool { return e.Control }), "the control calls are in the cassette")
	rep := replay(t, c, freshFake(t))
	assert.False(t, rep.Drift(), text(t, rep))
	assert.Equal(t, len(c.Exchanges), rep.Replayed)
	assert.Zero(t, rep.Seeded, "the cassette's own control calls made the participants")
	for _, ex := range rep.Exchanges {
		assert.Empty(t, ex.Notes, "exchange %d", ex.Seq)
	}
}

// A cassette recorded from AWS holds no control calls: the participants
// its ListParticipants answers show joined through the broadcast SDKs.
// The replay makes them join (and publish, and leave) through the fake's
// control API before the call that shows them, with the tokens the fake
// minted in place of the recorded ones: no drift.
func TestReplayOfACassetteWithoutControlCallsSeedsItsParticipants(t *testing.T) {
	c := recordSession(t, freshFake(t), false)
	require.False(t, slices.ContainsFunc(c.Exchanges, func(e cassette.Exchange) bool { return e.Control }))
	listed := false
	for _, ex := range c.Exchanges {
		if ex.Operation == ivscases.OpListParticipants && strings.Contains(ex.Response.Body, `"participantId"`) {
			listed = true
		}
	}
	require.True(t, listed, "a ListParticipants answer shows joined participants")
	require.Contains(t, c.Exchanges[0].Response.Body, ":000000000001:stage/", "the account is a stand-in")
	rep := replay(t, c, freshFake(t))
	assert.False(t, rep.Drift(), text(t, rep))
	if testing.Verbose() {
		t.Log(text(t, rep))
	}
	assert.GreaterOrEqual(t, rep.Seeded, 4, "two joins, a publish and a leave")
	first := slices.IndexFunc(rep.Exchanges, func(ex drift.ExchangeReport) bool { return len(ex.Seeded) > 0 })
	require.GreaterOrEqual(t, first, 0)
	assert.Equal(t, ivscases.OpGetStage, rep.Exchanges[first].Operation, "the session is started before the GetStage that shows it live")
	var seeded []string
	for _, ex := range rep.Exchanges {
		seeded = append(seeded, ex.Seeded...)
		assert.Empty(t, ex.Notes, "exchange %d", ex.Seq)
	}
	assert.Contains(t, strings.Join(seeded, "\n"), "publish")
	assert.Contains(t, strings.Join(seeded, "\n"), "leave")
}

// A target that is no fake (no control API) cannot be seeded: the replay
// says so in notes, and the participants it lacks are drift.
func TestReplayWithoutAControlAPINotesWhatItCouldNotSeed(t *testing.T) {
	c := recordSession(t, freshFake(t), false)
	ctx := context.Background()
	target, err := drift.NewTarget(ctx, freshFake(t), region, nil)
	require.NoError(t, err)
	target.Control = nil
	rep, err := drift.Replay(ctx, c, target, drift.Options{})
	require.NoError(t, err)
	assert.True(t, rep.Drift())
	assert.Contains(t, text(t, rep), "no control API")
}

// breakage is an implementation broken on purpose: a fresh fake behind a
// handler that changes requests (req) or answers (resp), and the case
// (and so the row of contract.md) the replay must name.
type breakage struct {
	name string
	want string // the case of the difference the replay must find
	req  func(op, uri string, body []byte) (string, []byte)
	resp func(op string, status int, h http.Header, body []byte) (int, []byte)
}

// breaks are the implementations broken on purpose the replay must find.
var breaks = []breakage{
	{name: "error type changed", want: "CreateStage/errors/ValidationException",
		resp: func(op string, status int, h http.Header, body []byte) (int, []byte) {
			if op == ivscases.OpCreateStage && status == http.StatusBadRequest {
				h.Set("X-Amzn-Errortype", ivsapi.ErrConflictException)
			}
			return status, body
		}},
	{name: "member dropped", want: "GetStage/behaviour/round-trip/returns-the-created-stage",
		resp: editStage(ivscases.OpGetStage, func(st map[string]any) { delete(st, ivscases.MemberAutoParticipantRecordingConfiguration) })},
	{name: "recording turned on", want: "GetStage/behaviour/round-trip/returns-the-created-stage",
		resp: editStage(ivscases.OpGetStage, func(st map[string]any) {
			if rec, ok := st[ivscases.MemberAutoParticipantRecordingConfiguration].(map[string]any); ok {
				rec[ivscases.MemberStorageConfigurationArn] = "arn:aws:ivs:us-east-1:123456789012:storage-configuration/AAAAAAAAAAAA"
			}
		})},
	{name: "tags missing", want: "CreateStage/defaults/stage.tags",
		resp: editStage(ivscases.OpCreateStage, func(st map[string]any) {
			if tags, _ := st[ivscases.MemberTags].(map[string]any); len(tags) == 0 {
				delete(st, ivscases.MemberTags)
			}
		})},
	{name: "name changed", want: "UpdateStage/behaviour/partial-update/name-only-keeps-recording-configuration-and-tags",
		resp: editStage(ivscases.OpUpdateStage, func(st map[string]any) { st[ivscases.MemberName] = "renamed-otherwise" })},
	{name: "page size ignored", want: "ListParticipants/pagination/maxResults=1",
		req: func(op, uri string, body []byte) (string, []byte) {
			if op != ivscases.OpListParticipants {
				return uri, body
			}
			var m map[string]any
			if json.Unmarshal(body, &m) == nil {
				delete(m, ivscases.MemberMaxResults)
				body, _ = json.Marshal(m)
			}
			return uri, body
		}},
	{name: "stage ARNs of another form", want: "CreateStage/behaviour/identifiers/stage-arn-format",
		req: func(_, uri string, body []byte) (string, []byte) {
			for _, from := range []string{"stage/zz", "stage%2Fzz", "stage%2fzz"} {
				to := strings.Replace(from, "zz", "", 1)
				uri = strings.ReplaceAll(uri, from, to)
				body = bytes.ReplaceAll(body, []byte(from), []byte(to))
			}
			return uri, body
		},
		resp: func(_ string, status int, _ http.Header, body []byte) (int, []byte) {
			return status, bytes.ReplaceAll(body, []byte(":stage/"), []byte(":stage/zz"))
		}},
	{name: "endpoints of another form", want: "CreateStage/behaviour/endpoints/documented-form",
		resp: editStage(ivscases.OpCreateStage, func(st map[string]any) {
			if ep, ok := st[ivscases.MemberEndpoints].(map[string]any); ok {
				for k := range ep {
					ep[k] = "https://ivs.example.com/" + k
				}
			}
		})},
	{name: "tokens in another order", want: "CreateStage/behaviour/round-trip/tokens-echo-configurations",
		resp: editAnswer(ivscases.OpCreateStage, func(m map[string]any) {
			if toks, _ := m[ivscases.MemberParticipantTokens].([]any); len(toks) > 1 {
				slices.Reverse(toks)
			}
		})},
}

// editAnswer changes the JSON body of op's successful answers.
func editAnswer(op string, fn func(m map[string]any)) func(string, int, http.Header, []byte) (int, []byte) {
	return func(got string, status int, _ http.Header, body []byte) (int, []byte) {
		if got != op || status != http.StatusOK {
			return status, body
		}
		var m map[string]any
		if json.Unmarshal(body, &m) != nil {
			return status, body
		}
		fn(m)
		out, _ := json.Marshal(m)
		return status, out
	}
}

// editStage changes the stage of op's successful answers.
func editStage(op string, fn func(st map[string]any)) func(string, int, http.Header, []byte) (int, []byte) {
	return editAnswer(op, func(m map[string]any) {
		if st, ok := m[ivscases.MemberStage].(map[string]any); ok {
			fn(st)
		}
	})
}

// Each break of an implementation is found, and named with its case and
// the row of contract.md the case falls under.
func TestReplayFindsEachBreakAndNamesItsRule(t *testing.T) {
	c := recordSession(t, freshFake(t), true)
	for _, b := range breaks {
		t.Run(b.name, func(t *testing.T) {
			h := &rewriting{next: ivsfake.New(ivsfake.Options{Region: region}), router: wire.NewRouter(ivsapi.Routes), req: b.req, resp: b.resp}
			rep := replay(t, c, serve(t, h))
			require.True(t, rep.Drift(), "the break went unnoticed")
			if testing.Verbose() {
				t.Log(text(t, rep))
			}
			var found *drift.Difference
			var cases []string
			for _, ex := range rep.Exchanges {
				for i, d := range ex.Differences {
					cases = append(cases, d.Case)
					if d.Case == b.want && found == nil {
						found = &ex.Differences[i]
					}
				}
			}
			require.NotNil(t, found, "no difference named %s; found %v\n%s", b.want, cases, text(t, rep))
			assert.Regexp(t, `^contract\.md:\d+$`, found.Rule)
			assert.NotEmpty(t, found.Source)
			assert.NotEmpty(t, found.RuleText)
			assert.Contains(t, text(t, rep), "DRIFT "+b.want)
		})
	}
}

// Every case name a difference can get lands on a row of contract.md.
func TestCaseNamesHaveRows(t *testing.T) {
	for _, name := range drift.CaseNames() {
		assert.True(t, drift.HasRow(name), "no row of contract.md names %s", name)
	}
}

// The report writers: JSON holds every difference with its rule; the
// HTML is the conform report's page.
func TestReportWriters(t *testing.T) {
	c := recordSession(t, freshFake(t), true)
	i := slices.IndexFunc(breaks, func(b breakage) bool { return b.name == "tags missing" })
	h := &rewriting{next: ivsfake.New(ivsfake.Options{Region: region}), router: wire.NewRouter(ivsapi.Routes), resp: breaks[i].resp}
	rep := replay(t, c, serve(t, h))
	var js bytes.Buffer
	require.NoError(t, drift.WriteJSON(&js, rep))
	var back drift.Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Equal(t, rep.Differences, back.Differences)
	assert.Contains(t, js.String(), `"rule": "contract.md:`)
	var page bytes.Buffer
	require.NoError(t, drift.WriteHTML(&page, rep))
	assert.Contains(t, page.String(), "CreateStage/defaults/stage.tags")
	assert.Contains(t, page.String(), "<title>ivsrt drift: ")
}

// A target that does not answer: the replay cannot run.
func TestReplayOfAnUnreachableTargetIsAnError(t *testing.T) {
	c := recordSession(t, freshFake(t), false)
	_, err := drift.Replay(context.Background(), c, drift.Target{Target: suite.Target{Endpoint: "http://127.0.0.1:1", Region: region}}, drift.Options{})
	require.ErrorIs(t, err, drift.ErrUnreachable)
}

// The example cassette replays against a fresh fake with no drift.
// go test ./conformance/drift -run TestExampleCassette -update records it
// again.
func TestExampleCassetteReplaysWithoutDrift(t *testing.T) {
	if *update {
		c := recordSession(t, freshFake(t), true)
		var b bytes.Buffer
		w, err := cassette.NewWriter(&b, c.Header)
		require.NoError(t, err)
		for _, ex := range c.Exchanges {
			require.NoError(t, w.Write(ex))
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(exampleCassette), 0o755))
		require.NoError(t, os.WriteFile(exampleCassette, b.Bytes(), 0o644))
	}
	f, err := os.Open(exampleCassette)
	require.NoError(t, err)
	defer f.Close()
	c, err := cassette.Read(f)
	require.NoError(t, err)
	require.NotEmpty(t, c.Exchanges)
	rep := replay(t, c, freshFake(t))
	assert.False(t, rep.Drift(), text(t, rep))
}

// A cassette in AWS's own form, as another tool may write it: the error
// type header in AWS's spelling with AWS's suffix after the type. It
// replays with no drift against a fake that answers the same error.
func TestReplayReadsAWSsErrorForm(t *testing.T) {
	const lines = `{"format":"ivsrt-cassette","version":1,"recorded":"2026-12-01T10:00:00Z","upstream":"https://ivsrealtime.us-east-1.amazonaws.com","region":"us-east-1","redacted":["authorization"]}
{"seq":1,"operation":"GetStage","start":"2026-12-01T10:00:01Z","durationMs":41.5,"request":{"method":"POST","uri":"/GetStage","header":{"content-type":["application/json"],"authorization":["REDACTED"]},"body":"{\"arn\":\"arn:aws:ivs:us-east-1:123456789012:stage/AAAAAAAAAAAA\"}"},"response":{"status":404,"header":{"x-amzn-ErrorType":["ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.ivs/"]},"body":"{\"exceptionMessage\":\"Resource not found\"}"}}
`
	c, err := cassette.Read(strings.NewReader(lines))
	require.NoError(t, err)
	rep := replay(t, c, freshFake(t))
	assert.False(t, rep.Drift(), text(t, rep))
	require.Len(t, rep.Exchanges, 1)
	assert.Equal(t, ivsapi.ErrResourceNotFoundException, rep.Exchanges[0].Recorded.ErrorType)
}
