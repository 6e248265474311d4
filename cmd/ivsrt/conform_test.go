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
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// conformMain is ivsrt conform as a user runs it: through the command's run.
func conformMain(args []string, stdout, stderr io.Writer) int {
	return run(append([]string{"conform"}, args...), stdout, stderr)
}

var closingLine = regexp.MustCompile(`^(\d+) passed, (\d+) failed, (\d+) skipped$`)

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
	// stages and once for storage configurations.
	assert.Equal(t, 2, strings.Count(out.String(), "cleanup: "), out.String())
	assert.Regexp(t, `(?m)^cleanup: deleted the \d+ stages the run created \(\d+ by its DeleteStage cases\)$`, out.String())
	assert.Regexp(t, `(?m)^cleanup: deleted the \d+ storage configurations the run created$`, out.String())
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
	assert.Equal(t, fmt.Sprintf("%d passed, 0 failed, 0 skipped", want), lastLine(out.String()))
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

// counts reads N passed, N failed, N skipped off the closing line.
func counts(t *testing.T, out string) (passed, failed, skipped int) {
	t.Helper()
	m := closingLine.FindStringSubmatch(lastLine(out))
	require.NotNil(t, m, out)
	passed, _ = strconv.Atoi(m[1])
	failed, _ = strconv.Atoi(m[2])
	skipped, _ = strconv.Atoi(m[3])
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
	// One line for the stages left, one for the storage configurations,
	// which DeleteStorageConfiguration deletes.
	assert.Equal(t, 2, strings.Count(out.String(), "cleanup: "), out.String())
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
