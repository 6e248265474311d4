package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/drift"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// exampleCassette is the cassette the repository ships, recorded against
// the fake.
const exampleCassette = "../../examples/cassettes/stage-lifecycle.jsonl"

// The example cassette replays against the embedded fake with no drift:
// exit 0.
func TestDriftOfTheExampleCassetteAgainstTheEmbeddedFakeExits0(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"drift", exampleCassette}, &out, &errb)
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	assert.Contains(t, out.String(), "(embedded fake)")
	assert.Contains(t, out.String(), ": no drift\n")
	assert.Empty(t, errb.String())
}

// Against an implementation that leaves out the tags of a stage created
// without any: exit 1, the difference named with its rule in the text,
// the JSON and the HTML report.
func TestDriftAgainstABrokenEndpointExits1(t *testing.T) {
	fake := ivsfake.New(ivsfake.Options{Region: "us-east-1"})
	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+ivscases.OpCreateStage {
			fake.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			if st, ok := m[ivscases.MemberStage].(map[string]any); ok {
				if tags, _ := st[ivscases.MemberTags].(map[string]any); len(tags) == 0 {
					delete(st, ivscases.MemberTags)
				}
			}
			body, _ = json.Marshal(m)
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
	srv := httptest.NewServer(broken)
	defer srv.Close()
	dir := t.TempDir()
	jsonFile, htmlFile := filepath.Join(dir, "drift.json"), filepath.Join(dir, "drift.html")
	var out, errb bytes.Buffer
	code := run([]string{"drift", exampleCassette, "-endpoint", srv.URL, "-json", jsonFile, "-html", htmlFile}, &out, &errb)
	assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	assert.Contains(t, out.String(), "DRIFT CreateStage/defaults/stage.tags: stage.tags")
	assert.Contains(t, out.String(), "rule:     contract.md:")
	assert.Contains(t, out.String(), "with drift")

	data, err := os.ReadFile(jsonFile)
	require.NoError(t, err)
	var rep drift.Report
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.Positive(t, rep.Differences)
	var cases []string
	for _, ex := range rep.Exchanges {
		for _, d := range ex.Differences {
			cases = append(cases, d.Case)
			assert.NotEmpty(t, d.Rule, d.Case)
		}
	}
	assert.Contains(t, cases, "CreateStage/defaults/stage.tags")
	page, err := os.ReadFile(htmlFile)
	require.NoError(t, err)
	assert.Contains(t, string(page), "CreateStage/defaults/stage.tags")
}

// What keeps the replay from running is one line and exit 2.
func TestDriftThatCannotRunExits2(t *testing.T) {
	dir := t.TempDir()
	notCassette := filepath.Join(dir, "notes.jsonl")
	require.NoError(t, os.WriteFile(notCassette, []byte("{\"hello\":1}\n"), 0o644))
	// A web server, not IVS: every exchange would "drift".
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>hello</html>"))
	}))
	t.Cleanup(web.Close)
	for _, tc := range []struct {
		args  []string
		first string
	}{
		{[]string{"drift"}, "ivsrt drift: a cassette is required; run 'ivsrt drift -h' for usage"},
		{[]string{"drift", exampleCassette, "extra"}, `ivsrt drift: unexpected argument "extra"; run 'ivsrt drift -h' for usage`},
		{[]string{"drift", filepath.Join(dir, "missing.jsonl")}, "ivsrt drift: cassette " + filepath.Join(dir, "missing.jsonl") + ": no such file"},
		{[]string{"drift", notCassette}, "ivsrt drift: " + notCassette + ": cassette: line 1 is not the header"},
		{[]string{"drift", exampleCassette, "-endpoint", "http://127.0.0.1:1"}, "ivsrt drift: nothing answers at http://127.0.0.1:1"},
		{[]string{"drift", exampleCassette, "-endpoint", web.URL}, "ivsrt drift: " + web.URL + " does not answer as an AWS JSON service"},
		{[]string{"drift", "-endpoint", "ftp://example.com", exampleCassette}, `ivsrt drift: -endpoint "ftp://example.com": not an http(s) URL; run 'ivsrt drift -h' for usage`},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		assert.Equal(t, 2, code, "ivsrt %q: %s", tc.args, errb.String())
		assert.True(t, strings.HasPrefix(errb.String(), tc.first), "ivsrt %q: %q does not start with %q", tc.args, errb.String(), tc.first)
		assert.Equal(t, 1, strings.Count(errb.String(), "\n"), "ivsrt %q: one line: %q", tc.args, errb.String())
	}
}

// A target off this machine without credentials in the SDK's chain: one
// line and exit 2 before any request, not a target that "does not answer".
func TestDriftWithoutCredentialsExits2(t *testing.T) {
	home := t.TempDir()
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"HOME": home, "AWS_CONFIG_FILE": filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_WEB_IDENTITY_TOKEN_FILE": ""} {
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	code := run([]string{"drift", exampleCassette, "-endpoint", "https://ivsrealtime.example.invalid"}, &out, &errb)
	assert.Equal(t, 2, code, errb.String())
	assert.True(t, strings.HasPrefix(errb.String(), "ivsrt drift: credentials for https://ivsrealtime.example.invalid: "), errb.String())
	assert.Equal(t, 1, strings.Count(errb.String(), "\n"))
	assert.Empty(t, out.String())
}

// -evidence judges the cassette alone: the example cassette, recorded
// against the fake, confirms rules and contradicts none (exit 0); the same
// cassette with a stage's default tags taken out of a recorded answer
// contradicts the row of that default (exit 1), in the text and the JSON.
func TestDriftEvidence(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"drift", "-evidence", exampleCassette}, &out, &errb)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	assert.Regexp(t, `(?m)^confirmed +contract\.md:\d+ \[documented\] CreateStage: A stage created without tags reports`, out.String())
	assert.Regexp(t, `(?m)^\d+ rules: [1-9]\d* confirmed, 0 contradicted, \d+ the cassette says nothing of$`, out.String())

	data, err := os.ReadFile(exampleCassette)
	require.NoError(t, err)
	edited := strings.Replace(string(data), `\"tags\":{}`, `\"tags\":{\"added\":\"by nobody\"}`, 1)
	require.NotEqual(t, string(data), edited, "the example cassette has a stage answered with tags {}")
	path := filepath.Join(t.TempDir(), "edited.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(edited), 0o644))
	jsonPath := filepath.Join(t.TempDir(), "evidence.json")
	out.Reset()
	errb.Reset()
	code = run([]string{"drift", "-evidence", "-json", jsonPath, path}, &out, &errb)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	assert.Regexp(t, `(?m)^contradicted +contract\.md:\d+ \[documented\] CreateStage: A stage created without tags reports`, out.String())
	var rep struct {
		Contradicted int `json:"Contradicted"`
		Rules        []struct {
			Text    string `json:"text"`
			Verdict string `json:"verdict"`
		} `json:"rules"`
	}
	raw, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &rep))
	assert.Positive(t, rep.Contradicted)
	found := false
	for _, r := range rep.Rules {
		if strings.Contains(r.Text, "created without tags") {
			found = true
			assert.Equal(t, "contradicted", r.Verdict)
		}
	}
	assert.True(t, found)
}
