package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/internal/targetflag"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// TestConformance runs the suite against the target of
//
//	go test ./conformance/... -args -endpoint URL [-region R] [-storage-configuration ARN]
//
// (or $IVSRT_ENDPOINT, $IVSRT_REGION, $IVSRT_STORAGE_CONFIGURATION), else against the fake started
// in-process by ivsfake.Start, where every case passes.
func TestConformance(t *testing.T) {
	if endpoint := targetflag.Endpoint(); endpoint != "" {
		t.Logf("running the suite against %s", endpoint)
		conformance.Run(t, behaviour.GiveStorageConfiguration(suite.Target{Endpoint: endpoint, Region: targetflag.Region()}, targetflag.StorageConfiguration()))
		return
	}
	f := ivsfake.Start(t)
	conformance.Run(t, suite.Target{Endpoint: f.URL})
}

// Against the fake nothing is skipped: the seeder reaches every state a
// filter can ask for. The one exception is an operation the spec has and
// the fake does not implement yet (it answers NotImplementedException):
// its own cases skip.
//
// The run holds about 100 stages at once and seeds more than 12
// publishers in one session, past AWS's default quotas, which the fake
// takes: it raises both through its seeder for its duration, and puts
// them back at its end.
func TestNothingSkippedAgainstTheFake(t *testing.T) {
	fake := ivsfake.New(ivsfake.Options{})
	rs := results(t, fake)
	for name, res := range rs {
		if res.Status == suite.Skip && res.Reason == "the target does not implement "+res.Operation {
			continue
		}
		assert.Equal(t, suite.Pass, res.Status, "%s: %s", name, res.Reason)
	}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	q, err := ivscontrol.NewControl(srv.URL, nil).SetQuotas(context.Background(), ivscontrol.QuotasInput{StageQuota: new(ivsfake.DefaultStageQuota)})
	require.NoError(t, err)
	assert.Equal(t, ivsfake.DefaultStageQuota, q.PreviousStageQuota, "the stage quota is put back")
	assert.Equal(t, ivsfake.DefaultPublisherQuota, q.PreviousPublisherQuota, "the publisher quota is put back")
	assert.Zero(t, q.Stages, "the run deleted what it made")
}

// The suite passes over HTTP against a separately started fake with another
// region and account, which it learns from the ARNs the fake mints.
func TestFakeOverHTTP(t *testing.T) {
	srv := httptest.NewServer(ivsfake.New(ivsfake.Options{Region: "eu-west-1", Account: "111122223333"}))
	t.Cleanup(srv.Close)
	conformance.Run(t, suite.Target{Endpoint: srv.URL, Region: "eu-west-1"})
}

// testCredentials keep the tests off the SDK's credential chain.
var testCredentials = credentials.NewStaticCredentialsProvider("AKIDTEST", "test-secret", "")

// results runs the whole suite against h served on 127.0.0.1.
func results(t *testing.T, h http.Handler) map[string]suite.Result {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	out := map[string]suite.Result{}
	for _, res := range conformance.RunAll(context.Background(), suite.Target{Endpoint: srv.URL, Credentials: testCredentials}) {
		out[res.Name] = res
	}
	requireExplained(t, out)
	return out
}

// requireExplained asserts that every failure shows a diff of what the
// contract wants against what the target did, and the request behind it.
func requireExplained(t *testing.T, rs map[string]suite.Result) {
	t.Helper()
	for name, res := range rs {
		if res.Status != suite.Fail {
			continue
		}
		assert.NotEmpty(t, res.Diff, "%s fails without a diff: %s", name, res.Reason)
		assert.NotEmpty(t, res.Request, "%s fails without the request: %s", name, res.Reason)
	}
}

// requireFails asserts that the named case failed with a reason that
// contains each of words.
func requireFails(t *testing.T, rs map[string]suite.Result, name string, words ...string) {
	t.Helper()
	res, ok := rs[name]
	require.True(t, ok, "no case %s", name)
	require.Equal(t, suite.Fail, res.Status, "%s should fail: %+v", name, res)
	for _, w := range words {
		assert.Contains(t, res.Reason, w, "%s", name)
	}
}

func failed(rs map[string]suite.Result) []string {
	var out []string
	for name, res := range rs {
		if res.Status == suite.Fail {
			out = append(out, name)
		}
	}
	return out
}

// opOf names the AWS operation a request is for: the path, except for the
// tag operations, which share /tags/{resourceArn} and differ by method.
func opOf(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/tags/") {
		switch r.Method {
		case http.MethodGet:
			return "ListTagsForResource"
		case http.MethodPost:
			return "TagResource"
		case http.MethodDelete:
			return "UntagResource"
		}
	}
	return strings.TrimPrefix(r.URL.Path, "/")
}

// middleware rewrites requests of op before the fake sees them.
func rewriteRequest(h http.Handler, op string, rewrite func(body map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) == op {
			data, _ := io.ReadAll(r.Body)
			var body map[string]any
			if json.Unmarshal(data, &body) == nil {
				rewrite(body)
				data, _ = json.Marshal(body)
			}
			r.Body = io.NopCloser(bytes.NewReader(data))
			r.ContentLength = int64(len(data))
		}
		h.ServeHTTP(w, r)
	})
}

// rewriteResponse lets the fake answer, then rewrites the answer to an AWS
// operation (not the control API) before it goes out.
func rewriteResponse(h http.Handler, rewrite func(op string, rec *httptest.ResponseRecorder) (int, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, ivscontrol.Prefix) {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		status, body := rewrite(opOf(r), rec)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// editJSON applies edit to a JSON body.
func editJSON(data []byte, edit func(doc map[string]any)) []byte {
	var doc map[string]any
	if json.Unmarshal(data, &doc) != nil {
		return data
	}
	edit(doc)
	out, _ := json.Marshal(doc)
	return out
}

// A bound not enforced: duration 0 is rewritten to 1 before the fake sees it.
func TestCatchesUnenforcedMinimum(t *testing.T) {
	h := rewriteRequest(ivsfake.New(ivsfake.Options{}), "CreateStage", func(body map[string]any) {
		configs, _ := body["participantTokenConfigurations"].([]any)
		for _, c := range configs {
			if m, ok := c.(map[string]any); ok && m["duration"] == float64(0) {
				m["duration"] = 1
			}
		}
	})
	rs := results(t, h)
	requireFails(t, rs, "CreateStage/participantTokenConfigurations[].duration/minimum/under",
		"want ValidationException naming 'participantTokenConfigurations.1.member.duration'", "got 200")
	assert.ElementsMatch(t, []string{"CreateStage/participantTokenConfigurations[].duration/minimum/under"}, failed(rs))
}

// A default not applied: the stage's recording configuration goes out
// without its default mediaTypes.
func TestCatchesDroppedDefaultMediaTypes(t *testing.T) {
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if st, ok := doc["stage"].(map[string]any); ok {
				if rc, ok := st["autoParticipantRecordingConfiguration"].(map[string]any); ok {
					delete(rc, "mediaTypes")
				}
			}
		})
	})
	rs := results(t, h)
	requireFails(t, rs, "CreateStage/defaults/stage.autoParticipantRecordingConfiguration",
		"the default of CreateStageRequest.autoParticipantRecordingConfiguration")
	requireFails(t, rs, "CreateStage/defaults/autoParticipantRecordingConfiguration.mediaTypes",
		"the default of AutoParticipantRecordingConfiguration.mediaTypes is [\"AUDIO_VIDEO\"]")
	// The behaviour cases that read a recording configuration back see it too.
	assert.ElementsMatch(t, []string{
		"CreateStage/defaults/stage.autoParticipantRecordingConfiguration",
		"CreateStage/defaults/autoParticipantRecordingConfiguration.mediaTypes",
		"CreateStage/behaviour/round-trip/stage",
		"CreateStage/behaviour/recording-reset/mediaTypes-given",
		"UpdateStage/behaviour/recording-reset/mediaTypes-given",
		"UpdateStage/behaviour/recording-reset/mediaTypes-omitted",
		"UpdateStage/behaviour/partial-update/recording-configuration-only-keeps-name-and-tags",
		"UpdateStage/behaviour/conflict-while-recording/allowed-once-STOPPED",
		// And those of the members added after 2024-06-20, which read it whole.
		"CreateStage/behaviour/round-trip/every-recording-member",
		"CreateStage/behaviour/defaults/nested-recording-members",
		"CreateStage/behaviour/recording-reset/every-member-reset",
		"UpdateStage/behaviour/recording-reset/every-member-reset",
		"UpdateStage/behaviour/partial-update/recording-configuration-replaced-whole",
		"UpdateStage/behaviour/round-trip/every-media-type",
	}, failed(rs))
}

// validationAs rewrites every ValidationException into another status and type.
func validationAs(status int, typ string) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		// The fake writes the header under AWS's spelling, not Go's canonical one.
		//lint:ignore SA1008 the key is meant to be AWS's spelling
		if got := rec.Header()["x-amzn-ErrorType"]; len(got) != 1 || got[0] != "ValidationException" {
			return rec.Code, rec.Body.Bytes()
		}
		rec.Header()["x-amzn-ErrorType"] = []string{typ}
		return status, rec.Body.Bytes()
	})
}

// An error with the wrong status: ValidationException as HTTP 500.
func TestCatchesValidationExceptionWithWrongStatus(t *testing.T) {
	rs := results(t, validationAs(http.StatusInternalServerError, "ValidationException"))
	for _, op := range []string{"CreateStage", "GetStage", "UpdateStage", "GetParticipant", "ListParticipants"} {
		requireFails(t, rs, op+"/errors/ValidationException", "ValidationException answered with HTTP 500; the spec gives it 400")
	}
	// Every case that wants a ValidationException fails; none other does.
	for name, res := range rs {
		assert.Equal(t, res.Status == suite.Fail, strings.Contains(res.Reason, "HTTP 500"), name)
	}
}

// An error type the contract does not know, "BadRequest", where the
// contract wants ValidationException: every case that demands the
// ValidationException fails, naming what came instead. No other case
// does: an error type the spec does not know is no contract violation in
// itself (AWS adds error types), so a case that only wants the input
// accepted passes.
func TestCatchesUndeclaredErrorType(t *testing.T) {
	sweep(t)
	rs := results(t, validationAs(http.StatusBadRequest, "BadRequest"))
	requireFails(t, rs, "CreateStage/errors/ValidationException", "want ValidationException naming 'name'", "got 400 BadRequest")
	requireFails(t, rs, "ListParticipants/filters/filterByState+filterByRecordingState", "want ValidationException", "got 400 BadRequest")
	requireFails(t, rs, "ListParticipants/behaviour/page-token/modified", "want ValidationException", "got 400 BadRequest")
	s, err := conformance.Suite()
	require.NoError(t, err)
	for _, c := range s.Cases {
		if c.Expect == suite.ExpectError && c.Error == "ValidationException" {
			requireFails(t, rs, c.Name, "want ValidationException", "got 400 BadRequest")
		}
	}
	for name, res := range rs {
		if res.Status == suite.Fail {
			assert.Contains(t, res.Reason, "want ValidationException", name)
		}
	}
}

// Timestamps written as epoch seconds, as some SDKs' JSON protocols do.
func TestCatchesEpochTimestamps(t *testing.T) {
	sweep(t)
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		epoch := func(m map[string]any, key string) {
			if s, ok := m[key].(string); ok {
				if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
					m[key] = ts.Unix()
				}
			}
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			for _, list := range []string{"participantTokens", "participants"} {
				items, _ := doc[list].([]any)
				for _, it := range items {
					if m, ok := it.(map[string]any); ok {
						epoch(m, "expirationTime")
						epoch(m, "firstJoinTime")
					}
				}
			}
			if p, ok := doc["participant"].(map[string]any); ok {
				epoch(p, "firstJoinTime")
			}
		})
	})
	rs := results(t, h)
	requireFails(t, rs, "CreateStage/shape/participantTokens[].expirationTime/iso8601", "participantTokens.[].expirationTime is a number, not an ISO 8601 string")
	requireFails(t, rs, "GetParticipant/shape/participant.firstJoinTime/iso8601", "is a number")
	requireFails(t, rs, "ListParticipants/shape/participants[].firstJoinTime/iso8601", "is a number")
	requireFails(t, rs, "CreateStage/shape/success", "does not match the spec")
}

// A filter ignored: ListParticipants drops filterByState before the fake sees it.
func TestCatchesIgnoredFilter(t *testing.T) {
	h := rewriteRequest(ivsfake.New(ivsfake.Options{}), "ListParticipants", func(body map[string]any) {
		if _, others := body["filterByUserId"]; !others {
			delete(body, "filterByState")
		}
	})
	rs := results(t, h)
	requireFails(t, rs, "ListParticipants/filters/filterByState=CONNECTED", "filterByState=\"CONNECTED\" does not keep exactly the participants whose state is \"CONNECTED\"")
	requireFails(t, rs, "ListParticipants/filters/filterByState=DISCONNECTED")
}

// Mutually exclusive filters let through: all but the first filter are dropped.
func TestCatchesFilterPairsAccepted(t *testing.T) {
	sweep(t)
	filters := []string{"filterByUserId", "filterByPublished", "filterByState", "filterByRecordingState"}
	h := rewriteRequest(ivsfake.New(ivsfake.Options{}), "ListParticipants", func(body map[string]any) {
		kept := false
		for _, f := range filters {
			if _, ok := body[f]; ok {
				if kept {
					delete(body, f)
				}
				kept = true
			}
		}
	})
	rs := results(t, h)
	requireFails(t, rs, "ListParticipants/filters/filterByPublished+filterByState", "want ValidationException naming 'filterByPublished' and 'filterByState', got 200")
}

// A required response member missing: ListParticipants without participants.
func TestCatchesMissingRequiredResponseMember(t *testing.T) {
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "ListParticipants" || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) { delete(doc, "participants") })
	})
	rs := results(t, h)
	requireFails(t, rs, "ListParticipants/shape/success", "does not match the spec")
	assert.Contains(t, rs["ListParticipants/shape/success"].Detail, "participants")
}

// Without a seeder (the control API hidden), the cases that need live
// participants are skipped with the reason; the rest pass.
func TestSkipsWithoutSeeder(t *testing.T) {
	fake := ivsfake.New(ivsfake.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_ivsrt") {
			http.NotFound(w, r)
			return
		}
		fake.ServeHTTP(w, r)
	})
	rs := results(t, h)
	assert.Empty(t, failed(rs))
	for _, name := range []string{
		"GetParticipant/shape/success", "ListParticipants/filters/filterByState=CONNECTED", "ListParticipants/pagination/maxResults=1",
		"ListParticipants/pagination/maxResults=100", "UpdateStage/behaviour/conflict-while-recording/ACTIVE",
		"GetParticipant/behaviour/not-found/unknown-participant-id", "ListParticipants/behaviour/page-token/from-another-filter",
	} {
		require.Equal(t, suite.Skip, rs[name].Status, name)
		assert.Contains(t, rs[name].Reason, "no seeder", name)
	}
	// Recording needs a storage configuration that exists: a made-up one
	// is only for fakes.
	for _, name := range []string{"CreateStage/behaviour/round-trip/stage", "UpdateStage/behaviour/partial-update/name-only-keeps-recording-configuration-and-tags"} {
		require.Equal(t, suite.Skip, rs[name].Status, name)
		assert.Contains(t, rs[name].Reason, "no storage configuration", name)
		if assert.NotNil(t, rs[name].Setting, name) {
			assert.Equal(t, behaviour.SetStorageConfiguration, *rs[name].Setting, "%s: what to set, in Go and on the command line", name)
		}
	}
	for _, name := range []string{
		"GetStage/shape/success", "GetStage/arn/not-found/unknown", "GetStage/arn/not-found/deleted", "GetStage/arn/another-account/denied",
		"GetParticipant/behaviour/not-found/unknown-session-id",
		"ListParticipants/behaviour/unknown-session-id-lists-nothing", "CreateStage/behaviour/recording-reset/mediaTypes-given",
	} {
		assert.Equal(t, suite.Pass, rs[name].Status, name)
	}
	// A storage configuration to delete wants a bucket that exists too.
	require.Equal(t, suite.Skip, rs["GetStorageConfiguration/arn/not-found/deleted"].Status)
	assert.Contains(t, rs["GetStorageConfiguration/arn/not-found/deleted"].Reason, "a bucket that exists")

	// Given a storage configuration, the cases that record without
	// participants run.
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	for _, res := range conformance.RunAll(context.Background(), behaviour.GiveStorageConfiguration(suite.Target{Endpoint: srv.URL, Credentials: testCredentials},
		"arn:aws:ivs:us-east-1:123456789012:storage-configuration/AbCdEf")) {
		// A storage configuration of the case's own wants a bucket that
		// exists: without a seeder it is skipped, storage ARN or not.
		if strings.HasPrefix(res.Name, "CreateStorageConfiguration/behaviour/") {
			assert.Equal(t, suite.Skip, res.Status, "%s: %s", res.Name, res.Reason)
			assert.Contains(t, res.Reason, "a bucket that exists", res.Name)
			continue
		}
		if strings.Contains(res.Name, "/round-trip/") || strings.Contains(res.Name, "/partial-update/") || strings.Contains(res.Name, "/recording-reset/") {
			assert.Equal(t, suite.Pass, res.Status, "%s: %s", res.Name, res.Reason)
		}
	}
}

// An endpoint that is not there fails every case with the reason, and
// does not hang: a case that sends its own request fails, one that needs
// what the setup would have made is blocked by the setup's request, which
// got no answer either.
func TestUnreachableEndpoint(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	rs := conformance.RunAll(context.Background(), suite.Target{Endpoint: url, Credentials: testCredentials})
	require.NotEmpty(t, rs)
	byName := map[string]suite.Result{}
	for _, res := range rs {
		if res.Status == suite.Blocked {
			assert.Equal(t, suite.NoAnswer, res.FailureType, "%s: %s", res.Name, res.Reason)
			assert.True(t, strings.HasPrefix(res.Reason, "setup: "), "%s: %s", res.Name, res.Reason)
			continue
		}
		assert.Equal(t, suite.Fail, res.Status, res.Name)
		byName[res.Name] = res
	}
	require.NotEmpty(t, byName)
	requireExplained(t, byName)
}

// Paging ignored: ListParticipants drops maxResults, so a page holds more.
func TestCatchesIgnoredPageSize(t *testing.T) {
	h := rewriteRequest(ivsfake.New(ivsfake.Options{}), "ListParticipants", func(body map[string]any) {
		delete(body, "maxResults")
	})
	rs := results(t, h)
	for _, n := range []int{1, 2, 29} {
		requireFails(t, rs, fmt.Sprintf("ListParticipants/pagination/maxResults=%d", n), "a page of ListParticipants holds", fmt.Sprintf("items; maxResults was %d", n))
	}
}

// plainSeeder is a seeder with none of the optional abilities, setting
// quotas among them.
type plainSeeder struct{ suite.Seeder }

// The quota case needs a seeder that sets the stage quota: against a
// target without the control API, or with a seeder that cannot, it is
// skipped with the reason. Where it runs, it puts the quota back.
func TestQuotaCase(t *testing.T) {
	const name = "CreateStage/behaviour/stage-quota/exceeded-is-ServiceQuotaExceededException"
	s, err := conformance.Suite()
	require.NoError(t, err)
	s.Cases = suite.Select(s.Cases, regexp.MustCompile("^"+regexp.QuoteMeta(name)+"$"))
	require.Len(t, s.Cases, 1)
	require.True(t, s.Cases[0].Alone, "it lowers the quota every case's CreateStage meets")

	fake := ivsfake.New(ivsfake.Options{StageQuota: 77})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	// The same fake with its control API hidden: the runner finds no seeder.
	hidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, ivscontrol.Prefix) {
			http.NotFound(w, r)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(hidden.Close)
	for _, tc := range []struct {
		endpoint string
		seeder   suite.Seeder
		reason   string
	}{
		{hidden.URL, nil, "no seeder"},
		{srv.URL, plainSeeder{conformance.ControlSeeder(srv.URL, nil)}, "the seeder cannot set the stage quota"},
	} {
		res := suite.RunAll(ctx, suite.Target{Endpoint: tc.endpoint, Seeder: tc.seeder, Credentials: testCredentials}, s)[0]
		assert.Equal(t, suite.Skip, res.Status, "%+v", res)
		assert.Contains(t, res.Reason, tc.reason)
	}
	res := suite.RunAll(ctx, suite.Target{Endpoint: srv.URL, Credentials: testCredentials}, s)[0]
	assert.Equal(t, suite.Pass, res.Status, "%+v", res)
	quota, stages := fake.Memory.StageQuota()
	assert.Equal(t, 77, quota, "the quota is put back")
	assert.Equal(t, 0, stages, "the run deleted what it made")
}
