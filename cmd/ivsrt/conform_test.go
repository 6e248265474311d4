package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// conformMain is ivsrt conform as a user runs it: through the command's run.
func conformMain(args []string, stdout, stderr io.Writer) int {
	return run(append([]string{"conform"}, args...), stdout, stderr)
}

// closingLine reads "N passed, N failed, N blocked, N skipped": m[1]
// passed, m[2] failed, m[3] blocked, m[4] skipped.
var closingLine = regexp.MustCompile(`^(\d+) passed, (\d+) failed, (\d+) blocked, (\d+) skipped$`)

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// With no endpoint, Main starts the embedded fake and everything passes.
func TestMainEmbeddedFake(t *testing.T) {
	var out, errOut bytes.Buffer
	code := conformMain(nil, &out, &errOut)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	first := strings.SplitN(out.String(), "\n", 2)[0]
	assert.Contains(t, first, "API version "+ivsapi.APIVersion)
	assert.Contains(t, first, "(embedded fake)")
	m := closingLine.FindStringSubmatch(lastLine(out.String()))
	require.NotNil(t, m, out.String())
	assert.Equal(t, "0", m[2])
	assert.NotContains(t, out.String(), "FAIL")
	// Not a terminal: no progress line, nothing \r-garbled.
	assert.NotContains(t, out.String()+errOut.String(), "\r")
	assert.Empty(t, errOut.String())
	// The fake has DeleteStage: the run deletes what it made, said once for
	// stages, once each for storage configurations, public keys and
	// ingest configurations and encoder configurations; and it stops its
	// compositions, said once.
	assert.Equal(t, 6, strings.Count(out.String(), "cleanup: "), out.String())
	assert.Regexp(t, `(?m)^cleanup: stopped the \d+ compositions the run created$`, out.String())
	assert.Regexp(t, `(?m)^cleanup: deleted the \d+ encoder configurations the run created$`, out.String())
	assert.Regexp(t, `(?m)^cleanup: deleted the \d+ stages the run created \(\d+ by its DeleteStage cases\)$`, out.String())
	assert.Regexp(t, `(?m)^cleanup: deleted the \d+ storage configurations the run created$`, out.String())
	assert.Regexp(t, `(?m)^cleanup: deleted the \d+ public keys the run created$`, out.String())
	assert.Regexp(t, `(?m)^cleanup: deleted the \d+ ingest configurations the run created$`, out.String())
}

func TestMainRunSelects(t *testing.T) {
	s, err := conformance.Suite()
	require.NoError(t, err)
	want := 0
	for _, c := range s.Cases {
		if strings.HasPrefix(c.Name, "GetStage/arn/") {
			want++
		}
	}
	require.Greater(t, want, 5)
	var out bytes.Buffer
	require.Equal(t, 0, conformMain([]string{"-run", `^GetStage/arn/`}, &out, &out), out.String())
	assert.Contains(t, out.String(), fmt.Sprintf(": %d cases against", want))
	assert.Equal(t, fmt.Sprintf("%d passed, 0 failed, 0 blocked, 0 skipped", want), lastLine(out.String()))
}

func TestMainBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-nope"},
		{"extra"},
		{"-run", "("},
		{"-run", "no case is named like this"},
	} {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, conformMain(args, &out, &errOut), "%v", args)
		assert.NotEmpty(t, errOut.String(), "%v", args)
	}
}

// Against a broken implementation Main prints the failed case with its diff
// and request, writes the reports, and exits 1.
func TestMainReportsFailures(t *testing.T) {
	h := rewriteRequest(ivsfake.New(ivsfake.Options{}), "CreateStage", func(body map[string]any) {
		configs, _ := body["participantTokenConfigurations"].([]any)
		for _, c := range configs {
			if m, ok := c.(map[string]any); ok && m["duration"] == float64(0) {
				m["duration"] = 1
			}
		}
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	junit, report := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.json")

	var out, errOut bytes.Buffer
	code := conformMain([]string{"-endpoint", srv.URL, "-junit", junit, "-json", report}, &out, &errOut)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	s := out.String()
	assert.Contains(t, s, "FAIL CreateStage/participantTokenConfigurations[].duration/minimum/under: want ValidationException naming 'participantTokenConfigurations.1.member.duration', got 200 OK\n")
	assert.Contains(t, s, "diff (-want +got)")
	assert.Contains(t, s, `request:  POST /CreateStage {"participantTokenConfigurations":[{"duration":0}]`)
	assert.Contains(t, s, `"token":"<redacted>"`)
	assert.Equal(t, 1, strings.Count(s, "FAIL "))
	m := closingLine.FindStringSubmatch(lastLine(s))
	require.NotNil(t, m, s)
	assert.Equal(t, "1", m[2])

	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	var suites struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Failures int    `xml:"failures,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &suites))
	failures := 0
	for _, s := range suites.Suites {
		failures += s.Failures
	}
	assert.Equal(t, 1, failures)

	data, err = os.ReadFile(report)
	require.NoError(t, err)
	var rep struct {
		APIVersion string `json:"apiVersion"`
		Failed     int    `json:"failed"`
	}
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.Equal(t, ivsapi.APIVersion, rep.APIVersion)
	assert.Equal(t, 1, rep.Failed)
}

// recorder serves a fake and notes what the suite sent and got.
type recorder struct {
	inner       http.Handler
	mu          sync.Mutex
	created     []map[string]any // stages CreateStage answered with
	bodies      []string         // CreateStage request bodies
	deleted     []string         // ARNs DeleteStage deleted
	scopes      map[string]bool  // SigV4 credential scopes (date/region/service)
	deletes     int
	allowDelete bool
}

func newRecorder(opts ivsfake.Options, allowDelete bool) *recorder {
	return &recorder{inner: ivsfake.New(opts), scopes: map[string]bool{}, allowDelete: allowDelete}
}

var credentialScope = regexp.MustCompile(`Credential=[^/]+/\d+/([^/]+)/([^/]+)/aws4_request`)

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		rc.scopes[m[1]+"/"+m[2]] = true
	}
	rc.mu.Unlock()
	switch r.URL.Path {
	case "/DeleteStage":
		body := readJSON(r)
		rc.mu.Lock()
		rc.deletes++
		rc.mu.Unlock()
		if !rc.allowDelete {
			// As a target without DeleteStage answers.
			wire.WriteError(w, wire.UnknownOperation(r.Method, r.URL.Path))
			return
		}
		rec := httptest.NewRecorder()
		rc.inner.ServeHTTP(rec, r)
		if arn, ok := body["arn"].(string); ok && rec.Code == http.StatusOK {
			rc.mu.Lock()
			rc.deleted = append(rc.deleted, arn)
			rc.mu.Unlock()
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	case "/CreateStage":
		data, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(data))
		rec := httptest.NewRecorder()
		rc.inner.ServeHTTP(rec, r)
		var doc map[string]any
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &doc) == nil {
			rc.mu.Lock()
			rc.created = append(rc.created, doc["stage"].(map[string]any))
			rc.bodies = append(rc.bodies, string(data))
			rc.mu.Unlock()
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	rc.inner.ServeHTTP(w, r)
}

// counts reads N passed, N failed, N skipped off the closing line, and
// requires that none was blocked (blockedCounts reads them all).
func counts(t *testing.T, out string) (passed, failed, skipped int) {
	t.Helper()
	passed, failed, blocked, skipped := blockedCounts(t, out)
	require.Zero(t, blocked, "blocked cases:\n%s", out)
	return passed, failed, skipped
}

// blockedCounts reads N passed, N failed, N blocked, N skipped off the
// closing line.
func blockedCounts(t *testing.T, out string) (passed, failed, blocked, skipped int) {
	t.Helper()
	m := closingLine.FindStringSubmatch(lastLine(out))
	require.NotNil(t, m, out)
	passed, _ = strconv.Atoi(m[1])
	failed, _ = strconv.Atoi(m[2])
	blocked, _ = strconv.Atoi(m[3])
	skipped, _ = strconv.Atoi(m[4])
	return
}

// -endpoint and -region: the suite runs against that endpoint, signing
// for that region.
func TestMainEndpointAndRegion(t *testing.T) {
	rc := newRecorder(ivsfake.Options{Region: "eu-west-1", Account: "111122223333"}, false)
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	var out, errOut bytes.Buffer
	code := conformMain([]string{"-endpoint", srv.URL, "-region", "eu-west-1", "-run", "^GetStage/"}, &out, &errOut)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	assert.True(t, strings.HasSuffix(strings.SplitN(out.String(), "\n", 2)[0], "cases against "+srv.URL), out.String())
	assert.NotContains(t, out.String(), "embedded fake")
	assert.Equal(t, map[string]bool{"eu-west-1/ivs": true}, rc.scopes, "every request signed for eu-west-1, service ivs")
	require.NotEmpty(t, rc.created)
	for _, st := range rc.created {
		assert.Contains(t, st["arn"], ":111122223333:stage/")
	}
}

// -storage-configuration: the cases that record point stages at it.
func TestMainStorageConfiguration(t *testing.T) {
	const arn = "arn:aws:ivs:us-east-1:123456789012:storage-configuration/MyStorage1"
	rc := newRecorder(ivsfake.Options{}, false)
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	var out bytes.Buffer
	require.Equal(t, 0, conformMain([]string{"-endpoint", srv.URL, "-storage-configuration", arn, "-run", "round-trip"}, &out, &out), out.String())
	n := 0
	for _, b := range rc.bodies {
		if strings.Contains(b, `"storageConfigurationArn":"`+arn+`"`) {
			n++
		}
	}
	// The four of the recording configuration's 2024-06-20 members, and
	// CreateStage/behaviour/round-trip/every-recording-member.
	assert.Equal(t, 5, n, "the five round-trip cases that make a stage that records each create one that records to %s", arn)
}

// -junit writes valid JUnit XML whose counts are the closing line's.
func TestMainJUnitCounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.xml")
	var out bytes.Buffer
	require.Equal(t, 0, conformMain([]string{"-junit", path, "-run", "^(GetStage|UpdateStage)/"}, &out, &out), out.String())
	passed, failed, skipped := counts(t, out.String())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct {
		XMLName xml.Name `xml:"testsuites"`
		Suites  []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Skipped  int    `xml:"skipped,attr"`
			Cases    []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &doc))
	var tests, fails, skips, listed int
	var names []string
	for _, s := range doc.Suites {
		names = append(names, s.Name)
		tests, fails, skips, listed = tests+s.Tests, fails+s.Failures, skips+s.Skipped, listed+len(s.Cases)
	}
	assert.Equal(t, []string{"ivsrt-conformance/GetStage", "ivsrt-conformance/UpdateStage"}, names)
	assert.Equal(t, passed+failed+skipped, tests)
	assert.Equal(t, tests, listed)
	assert.Equal(t, failed, fails)
	assert.Equal(t, skipped, skips)
}

// -json writes one JSON document whose counts and results are the run's.
func TestMainJSONReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	var out bytes.Buffer
	require.Equal(t, 0, conformMain([]string{"-json", path, "-run", "^ListParticipants/pagination/"}, &out, &out), out.String())
	passed, failed, skipped := counts(t, out.String())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var rep struct {
		Title, APIVersion, Endpoint, RunID string
		Passed, Failed, Skipped            int
		Results                            []struct {
			Name   string
			Status string
		}
	}
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.Equal(t, ivsapi.APIVersion, rep.APIVersion)
	assert.Regexp(t, `^run-`, rep.RunID)
	assert.Equal(t, []int{passed, failed, skipped}, []int{rep.Passed, rep.Failed, rep.Skipped})
	require.Len(t, rep.Results, passed+failed+skipped)
	assert.Equal(t, 101, len(rep.Results), "maxResults=1..100 and maxResults-omitted")
	for _, res := range rep.Results {
		assert.Equal(t, "pass", res.Status, res.Name)
	}
}

// Cleanup, where the target has DeleteStage: every stage the run created
// is deleted, once.
func TestMainDeletesTheStagesItCreated(t *testing.T) {
	rc := newRecorder(ivsfake.Options{}, true)
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	var out bytes.Buffer
	require.Equal(t, 0, conformMain([]string{"-endpoint", srv.URL}, &out, &out), out.String())
	var created []string
	for _, st := range rc.created {
		created = append(created, st["arn"].(string))
	}
	require.Greater(t, len(created), 20)
	// Each exactly once: by the DeleteStage cases or by the cleanup.
	assert.ElementsMatch(t, created, rc.deleted)
	assert.Contains(t, out.String(), fmt.Sprintf("cleanup: deleted the %d stages the run created (", len(created)))
}

// Cleanup, where the target refuses DeleteStage: asked once, said once.
// The DeleteStage cases, which such a target fails, are left out.
func TestMainStopsDeletingAfterARefusal(t *testing.T) {
	rc := newRecorder(ivsfake.Options{}, false)
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	var out bytes.Buffer
	require.Equal(t, 0, conformMain([]string{"-endpoint", srv.URL, "-run", "^(Create|Get|List|Update)"}, &out, &out), out.String())
	assert.Equal(t, 1, rc.deletes)
	// One line for the stages left, one each for the storage
	// configurations, the public keys, the ingest configurations and the
	// encoder configurations, which their deletes delete, and one for the
	// compositions stopped.
	assert.Equal(t, 6, strings.Count(out.String(), "cleanup: "), out.String())
	assert.Contains(t, out.String(), fmt.Sprintf("so the run's %d stages are left (%d tagged ivsrt-conformance=run-", len(rc.created), len(rc.created)-1))
}

// Every stage the suite creates carries the run tag, but the one of the
// case that checks the default of tags (it must send none).
func TestEveryCreatedStageIsTagged(t *testing.T) {
	const untagged = "CreateStage/defaults/stage.tags"
	s, err := conformance.Suite()
	require.NoError(t, err)
	key := s.Contract.RunTagKey
	for _, tc := range []struct {
		run          string
		wantUntagged int
	}{{"", 1}, {"^(?:" + regexp.QuoteMeta(untagged) + ")$", 1}} {
		rc := newRecorder(ivsfake.Options{}, true)
		srv := httptest.NewServer(rc)
		args := []string{"-endpoint", srv.URL}
		if tc.run != "" {
			args = append(args, "-run", tc.run)
		}
		var out bytes.Buffer
		require.Equal(t, 0, conformMain(args, &out, &out), out.String())
		srv.Close()
		runIDs := map[string]bool{}
		untaggedStages := 0
		for _, st := range rc.created {
			tags, _ := st["tags"].(map[string]any)
			if id, ok := tags[key].(string); ok {
				runIDs[id] = true
			} else {
				untaggedStages++
				assert.Empty(t, tags, "an untagged stage is one created without tags")
			}
		}
		assert.Equal(t, tc.wantUntagged, untaggedStages, "-run %q", tc.run)
		assert.LessOrEqual(t, len(runIDs), 1, "one run, one run id: %v", runIDs)
	}
	// Without that one case, no stage goes untagged.
	rc := newRecorder(ivsfake.Options{}, true)
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	cases := []suite.Case{}
	for _, c := range s.Cases {
		if c.Name != untagged {
			cases = append(cases, c)
		}
	}
	s.Cases = cases
	ctx := context.Background()
	suite.RunAll(ctx, suite.Target{Endpoint: srv.URL}, s)
	require.Greater(t, len(rc.created), 20)
	for _, st := range rc.created {
		tags, _ := st["tags"].(map[string]any)
		assert.Contains(t, tags, key, "stage %v", st["arn"])
	}
}

// Against ivsrt serve -auth verify, credentials it refuses end the run
// before any case, with one line on stderr that says what was refused,
// where the credentials came from and what to set, and exit 2: with none
// set (the suite's dummies), and with a known key and a wrong secret.
func TestConformRefusedCredentials(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	keys := writeKeys(t, "AKIDRUNNERGOOD runner-secret 777788889999\n")
	var logs lockedBuffer
	_, url := startServe(t, buildIvsrt(t), &logs, "-auth", "verify", "-keys", keys, "-log", "off")
	for _, tc := range []struct {
		id, secret string
		want       []string
	}{
		{"", "", []string{"refused the suite's credentials: 403 UnrecognizedClientException (", "they were the suite's dummy credentials (none were set), key AKIDIVSRTCONFORM"}},
		{"AKIDRUNNERGOOD", "not-its-secret", []string{"refused the suite's credentials: 403 InvalidSignatureException (", "they were from the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), key AKIDRUNNERGOOD"}},
	} {
		t.Setenv("AWS_ACCESS_KEY_ID", tc.id)
		t.Setenv("AWS_SECRET_ACCESS_KEY", tc.secret)
		t.Setenv("AWS_SESSION_TOKEN", "")
		var out, errOut bytes.Buffer
		require.Equal(t, 2, conformMain([]string{"-endpoint", url}, &out, &errOut), "key %q:\n%s%s", tc.id, out.String(), errOut.String())
		assert.Empty(t, out.String(), "nothing ran")
		line := errOut.String()
		assert.Equal(t, 1, strings.Count(line, "\n"), "one line: %s", line)
		assert.True(t, strings.HasPrefix(line, "ivsrt conform: "+url+" refused"), line)
		for _, w := range tc.want {
			assert.Contains(t, line, w)
		}
		assert.Contains(t, line, ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) to a key the target takes")
		assert.NotContains(t, line, "suite.Target", "the command line's words, not Go's")
	}
	// The key it knows: the run goes on.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDRUNNERGOOD")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "runner-secret")
	var out, errOut bytes.Buffer
	require.Equal(t, 0, conformMain([]string{"-endpoint", url, "-run", "^GetStage/arn/"}, &out, &errOut), "%s%s", out.String(), errOut.String())
}

// A fault injected into the setup (one ThrottlingException on the first
// CreateParticipantToken, which seeds the live session) blocks every case
// that needs the session: the text says so once, with the count, the
// step's request and answer, what to do and the cases by operation; the
// closing line, JUnit (<error>, not <failure>), JSON and HTML count them
// apart from the failures; and the run exits 1.
func TestConformGroupsBlockedCases(t *testing.T) {
	f := ivsfake.Start(t)
	require.NoError(t, f.Control.InjectFault(t.Context(), ivscontrol.Fault{Operation: "CreateParticipantToken", Error: "ThrottlingException", Count: 1}))
	dir := t.TempDir()
	junit, report, page := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.json"), filepath.Join(dir, "r.html")
	var out, errOut bytes.Buffer
	require.Equal(t, 1, conformMain([]string{"-endpoint", f.URL, "-junit", junit, "-json", report, "-html", page}, &out, &errOut), "%s%s", out.String(), errOut.String())
	text := out.String()
	_, failed, blocked, _ := blockedCounts(t, text)
	assert.Zero(t, failed, "the fault hit the setup only:\n%s", text)
	require.Greater(t, blocked, 100, "the seeded session's cases:\n%s", text)

	causes := regexp.MustCompile(`(?m)^BLOCKED (\d+) cases?: (.*)$`).FindAllStringSubmatch(text, -1)
	require.Len(t, causes, 1, "one cause, one line:\n%s", text)
	assert.Equal(t, strconv.Itoa(blocked), causes[0][1])
	assert.Regexp(t, `^setup: CreateParticipantToken\(stage arn:aws:ivs:[^)]+\): want 200, got 429 ThrottlingException \(`, causes[0][2])
	assert.Regexp(t, `(?m)^    request:  POST /CreateParticipantToken \{`, text)
	assert.Contains(t, text, "\n    response: 429 ThrottlingException {")
	assert.Contains(t, text, "\n    next:     the target throttled the suite, which sends 8 requests at once: raise the target's rate limit, or run part of the suite at a time (-run)\n")
	assert.Regexp(t, `(?m)^    cases:    by operation: ListParticipants \d+, `, text)
	assert.NotContains(t, text, "FAIL ")
	assert.Less(t, strings.Count(text, "\n"), 40, "not a diff per case:\n%s", text)

	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	var suites struct {
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Cases []struct {
				Name  string `xml:"name,attr"`
				Error *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
				} `xml:"error"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &suites))
	assert.Equal(t, 0, suites.Failures)
	assert.Equal(t, blocked, suites.Errors)
	errs := 0
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			assert.Nil(t, c.Failure, c.Name)
			if c.Error != nil {
				errs++
				assert.True(t, strings.HasPrefix(c.Error.Message, "blocked: setup: CreateParticipantToken("), c.Error.Message)
				assert.Equal(t, suite.ContractViolation, c.Error.Type)
			}
		}
	}
	assert.Equal(t, blocked, errs)

	data, err = os.ReadFile(report)
	require.NoError(t, err)
	var rep suite.Report
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.Equal(t, [2]int{0, blocked}, [2]int{rep.Failed, rep.Blocked})
	require.Len(t, rep.BlockedCauses, 1)
	assert.Equal(t, blocked, rep.BlockedCauses[0].Count)
	assert.Len(t, rep.BlockedCauses[0].Cases, blocked, "the JSON names every case")
	assert.Equal(t, causes[0][2], rep.BlockedCauses[0].Reason)

	data, err = os.ReadFile(page)
	require.NoError(t, err)
	html := string(data)
	assert.Contains(t, html, `<span class="blocked" id="blocked">`+strconv.Itoa(blocked)+` blocked</span>`)
	assert.Contains(t, html, fmt.Sprintf(`<h2>Blocked (%d cases, 1 cause)</h2>`, blocked))
	assert.Equal(t, 1, strings.Count(html, `<details class="cause"`))
	assert.NotContains(t, html, `<details class="failure"`)
}

// goTestInner selects what TestGoTestInner runs, when TestGoTestSpeaksGo
// runs it in a test binary of its own.
const goTestInner = "IVSRT_GOTEST_INNER"

// TestGoTestInner is a user's own test of the suite under go test, run by
// TestGoTestSpeaksGo (and skipped otherwise): against a fake without its
// control API ("skips"), with a fault injected into the setup
// ("blocked"), or checking signatures against a key the suite lacks
// ("refused").
func TestGoTestInner(t *testing.T) {
	mode := os.Getenv(goTestInner)
	if mode == "" {
		t.Skip("TestGoTestSpeaksGo runs it")
	}
	s, err := conformance.Suite()
	require.NoError(t, err)
	s.Cases = suite.Select(s.Cases, regexp.MustCompile(`^(GetParticipant/shape/success|CreateStage/behaviour/round-trip/stage|GetStage/arn/maxLength/over)$`))
	require.Len(t, s.Cases, 3)
	url := brokenTarget(t)
	switch mode {
	case "blocked":
		f := ivsfake.Start(t)
		require.NoError(t, f.Control.InjectFault(t.Context(), ivscontrol.Fault{Operation: "CreateStage", Error: "ThrottlingException", Count: 1}))
		url = f.URL
	case "refused":
		// Signatures checked against a key the suite does not have.
		srv := httptest.NewServer(ivsfake.New(ivsfake.Options{Keys: ivsfake.Keys{"AKIDOTHER": {AccessKeyID: "AKIDOTHER", SecretAccessKey: "s", Account: "111122223333"}}}))
		t.Cleanup(srv.Close)
		url = srv.URL
	}
	suite.Test(t, suite.Target{Endpoint: url}, s) // the caller's line
}

// Under go test, a skip says what to set in Go (the Target field, not
// ivsrt conform's flag) and go test reports it at the line of the
// caller's test that called suite.Test, not inside package suite; a setup
// step that fails fails the test once, however many cases it blocked; and
// refused credentials are one t.Fatal line before any case.
func TestGoTestSpeaksGo(t *testing.T) {
	src, err := os.ReadFile("conform_test.go")
	require.NoError(t, err)
	line := 0
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(l, "// the caller's line") && strings.Contains(l, "suite.Test(") {
			line = i + 1
		}
	}
	require.NotZero(t, line)
	at := fmt.Sprintf("conform_test.go:%d: ", line)
	inner := func(mode string) string {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestGoTestInner$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), goTestInner+"="+mode)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}

	out := inner("skips")
	assert.Contains(t, out, "--- PASS: TestGoTestInner/GetStage/arn/maxLength/over", out)
	assert.Regexp(t, `(?m)^ +`+regexp.QuoteMeta(at+"no seeder: nothing can make participants join the target; "+suite.SetSeeder.Go)+`$`, out)
	assert.Regexp(t, `(?m)^ +`+regexp.QuoteMeta(at+"no storage configuration to record to: a made-up one is only for fakes; "+behaviour.SetStorageConfiguration.Go)+`$`, out)
	assert.NotContains(t, out, "-storage-configuration", "a flag means nothing to a Go test")
	assert.NotContains(t, out, "gotest.go:", "the suite's own lines mean nothing to its caller")
	assert.True(t, strings.HasSuffix(out, "\nPASS\n"), out)

	out = inner("blocked")
	assert.Contains(t, out, "--- FAIL: TestGoTestInner ", out)
	assert.Regexp(t, `(?m)^ +`+regexp.QuoteMeta(at+"blocked: setup: CreateStage of the live stage: want 200, got 429 ThrottlingException"), out)
	causes := regexp.MustCompile(`(?m)^ +`+regexp.QuoteMeta(at)+`(\d+) cases? blocked: setup: CreateStage of the live stage: want 200, got 429 ThrottlingException`).FindAllStringSubmatch(out, -1)
	require.Len(t, causes, 1, "one cause, one failure:\n%s", out)
	assert.Equal(t, "2", causes[0][1], "GetParticipant's live participant, and the stage that records")
	assert.Contains(t, out, "(suite.Select)", "the next step in Go's words")
	assert.NotContains(t, out, "gotest.go:")

	// Refused credentials: one line, before any case runs.
	out = inner("refused")
	assert.Contains(t, out, "--- FAIL: TestGoTestInner ", out)
	assert.Regexp(t, `(?m)^ +`+regexp.QuoteMeta(at)+`http://127\.0\.0\.1:\d+ refused the suite's credentials: 403 UnrecognizedClientException \(.*\); they were the suite's dummy credentials \(none were set\), key AKIDIVSRTCONFORM: `+regexp.QuoteMeta(suite.SetCredentials.Go)+`$`, out)
	assert.NotContains(t, out, "=== RUN   TestGoTestInner/", "no case ran")
	assert.NotContains(t, out, "AWS_ACCESS_KEY_ID", "Go's words")
}
