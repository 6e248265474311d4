// Exercise of the generated code: TestGeneratedCodeCompilesAndRuns in
// generator/ copies this file next to the code generated from spec.yaml.

package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// backend records what reaches it and echoes the configuration back.
type backend struct{ got []ConfigureThingRequest }

func (b *backend) ConfigureThing(_ context.Context, in *ConfigureThingRequest) (*ConfigureThingResponse, error) {
	b.got = append(b.got, *in)
	return &ConfigureThingResponse{Config: in.Config}, nil
}

func post(t *testing.T, url, path, body string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Post(url+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func TestHandler(t *testing.T) {
	b := &backend{}
	srv := httptest.NewServer(NewHandler(b, Options{}))
	t.Cleanup(srv.Close)

	valid := []struct{ body, want string }{
		// No config: the allOf default, then the struct's defaults.
		{`{}`, `{"config":{"mode":"OFF","level":3,"features":["AUDIO"],"loud":false}}`},
		// Given members are kept; absent ones take their defaults.
		{`{"config":{"mode":"ON","level":5,"note":"hi"}}`, `{"config":{"mode":"ON","level":5,"features":["AUDIO"],"loud":false,"note":"hi"}}`},
		// mode OFF resets every other member, even the given ones.
		{`{"config":{"mode":"OFF","level":5,"features":["VIDEO"],"loud":true,"note":"hi"}}`, `{"config":{"mode":"OFF","level":3,"features":["AUDIO"],"loud":false}}`},
	}
	for i, c := range valid {
		status, _, body := post(t, srv.URL, "/ConfigureThing", c.body)
		if status != http.StatusOK || body != c.want {
			t.Fatalf("%s: got %d %s, want 200 %s", c.body, status, body, c.want)
		}
		if len(b.got) != i+1 {
			t.Fatalf("%s: the backend was called %d times, want %d", c.body, len(b.got), i+1)
		}
		got, _ := json.Marshal(b.got[i])
		if string(got) != c.want {
			t.Fatalf("%s: the backend got %s, want %s", c.body, got, c.want)
		}
	}

	invalid := []struct{ body, errorType, message string }{
		{`{"config":{"mode":"ON","level":9}}`, "ValidationException",
			"1 validation error detected: Value '9' at 'config.level' failed to satisfy constraint: Member must have value less than or equal to 5"},
		{`{"config":{"level":0,"features":["AUDIO","VIDEO","AUDIO"]}}`, "ValidationException",
			"3 validation errors detected: Value null at 'config.mode' failed to satisfy constraint: Member must not be null; " +
				"Value '0' at 'config.level' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				"Value '[AUDIO, VIDEO, AUDIO]' at 'config.features' failed to satisfy constraint: Member must have length less than or equal to 2"},
		{`{"config":{"mode":"SOMETIMES","features":["LOUD"]}}`, "ValidationException",
			"2 validation errors detected: Value 'SOMETIMES' at 'config.mode' failed to satisfy constraint: Member must satisfy regular expression pattern: (ON|OFF); " +
				"Value 'LOUD' at 'config.features.1.member' failed to satisfy constraint: Member must satisfy enum value set: [AUDIO, VIDEO]"},
		{`{"config":`, "SerializationException", ""},
		{`{"config":{"level":"high"}}`, "SerializationException", ""},
	}
	for _, c := range invalid {
		status, header, body := post(t, srv.URL, "/ConfigureThing", c.body)
		if status != http.StatusBadRequest || header.Get("x-amzn-ErrorType") != c.errorType {
			t.Fatalf("%s: got %d %q, want 400 %s", c.body, status, header.Get("x-amzn-ErrorType"), c.errorType)
		}
		var e struct {
			Message string `json:"exceptionMessage"`
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil || e.Message == "" {
			t.Fatalf("%s: body %s", c.body, body)
		}
		if c.message != "" && e.Message != c.message {
			t.Fatalf("%s: message\n%s\nwant\n%s", c.body, e.Message, c.message)
		}
	}
	if len(b.got) != len(valid) {
		t.Fatalf("invalid requests reached the backend: %d calls", len(b.got))
	}

	if status, _, _ := post(t, srv.URL, "/DeleteThing", `{}`); status != http.StatusNotFound {
		t.Fatalf("an unknown operation: got %d", status)
	}
}
