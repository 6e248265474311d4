// Exercise of the generated code: TestGeneratedCodeCompilesAndRuns in
// generator/ copies this file next to the code generated from spec.yaml
// (fake and suite, emit.txt) and runs it: request headers reach the
// backend as members, an answer's header members go out as response
// headers, over real HTTP, and the generated suite sends and checks both.

package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/wire"
)

// An answer with header members sets them through wire.WriteJSON.
var _ wire.HeaderSetter = (*SendResponse)(nil)

// backend records the inputs that reach it and answers Send with the
// request's headers echoed in its own; dropEcho leaves the required X-Echo
// out, as a broken service would.
type backend struct {
	mu       sync.Mutex
	sent     []SendRequest
	pinged   []PingRequest
	dropEcho bool
}

func (b *backend) Send(_ context.Context, in *SendRequest) (*SendResponse, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, *in)
	out := &SendResponse{Echo: in.RequestTag, DryRun: in.DryRun, Priority: in.Priority, Note: in.Note}
	if b.dropEcho {
		out.Echo = nil
	}
	if in.Retries != nil {
		n := *in.Retries + 1
		out.Attempts = &n
	}
	return out, nil
}

func (b *backend) Ping(_ context.Context, in *PingRequest) (*PingResponse, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pinged = append(b.pinged, *in)
	return nil, nil
}

func serve(t *testing.T, b *backend) string {
	srv := httptest.NewServer(NewHandler(b, Options{}))
	t.Cleanup(srv.Close)
	return srv.URL
}

type answer struct {
	status  int
	errType string
	header  http.Header
	body    string
}

func do(t *testing.T, method, url string, header map[string]string, body string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), resp.Header, string(data)}
}

func TestRequestHeaders(t *testing.T) {
	b := &backend{}
	url := serve(t, b)
	for _, c := range []struct {
		method, path string
		header       map[string]string
		body         string
		status       int
		errType      string
		contains     string
	}{
		// The required header, absent, then its constraints.
		{"POST", "/Send", nil, "{}", 400, "ValidationException", "Value null at 'requestTag' failed to satisfy constraint: Member must not be null"},
		{"POST", "/Send", map[string]string{"X-Request-Tag": "Not-A-Tag"}, "{}", 400, "ValidationException", "at 'requestTag' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z0-9-]+"},
		{"POST", "/Send", map[string]string{"X-Request-Tag": strings.Repeat("a", 17)}, "{}", 400, "ValidationException", "at 'requestTag' failed to satisfy constraint: Member must have length less than or equal to 16"},
		// Integers and booleans are parsed from the header's text; an enum is checked.
		{"POST", "/Send", map[string]string{"X-Request-Tag": "t", "X-Retries": "many"}, "{}", 400, "SerializationException", "Value 'many' at 'X-Retries' cannot be read as integer"},
		{"POST", "/Send", map[string]string{"X-Request-Tag": "t", "X-Retries": "6"}, "{}", 400, "ValidationException", "Value '6' at 'retries' failed to satisfy constraint: Member must have value less than or equal to 5"},
		{"POST", "/Send", map[string]string{"X-Request-Tag": "t", "X-Dry-Run": "yes"}, "{}", 400, "SerializationException", "at 'X-Dry-Run' cannot be read as boolean"},
		{"POST", "/Send", map[string]string{"X-Request-Tag": "t", "X-Priority": "low"}, "{}", 400, "ValidationException", "at 'priority' failed to satisfy constraint: Member must satisfy enum value set: [LOW, HIGH]"},
		// A header is not a body member, nor a body member a header.
		{"POST", "/Send", nil, `{"requestTag":"t"}`, 400, "ValidationException", "Member must not be null"},
		// Header names are case-insensitive.
		{"POST", "/Send", map[string]string{"x-request-tag": "tag-1", "X-RETRIES": "2", "x-dry-run": "true", "X-Priority": "HIGH"}, `{"note":"n"}`, 200, "", `{"note":"n"}`},
		// A GET with no body takes its member from a header.
		{"GET", "/Ping", nil, "", 400, "ValidationException", "at 'token'"},
		{"GET", "/Ping", map[string]string{"X-Token": "secret"}, "", 200, "", "{}"},
	} {
		a := do(t, c.method, url+c.path, c.header, c.body)
		if a.status != c.status || a.errType != c.errType || !strings.Contains(a.body, c.contains) {
			t.Errorf("%s %s %v %q: got %d %q %s, want %d %q containing %q", c.method, c.path, c.header, c.body, a.status, a.errType, a.body, c.status, c.errType, c.contains)
		}
	}
	if len(b.sent) != 1 {
		t.Fatalf("Send reached the backend %d times, want once", len(b.sent))
	}
	in := b.sent[0]
	if *in.RequestTag != "tag-1" || *in.Retries != 2 || !*in.DryRun || *in.Priority != PriorityHigh || *in.Note != "n" {
		t.Errorf("Send reached the backend as %+v", in)
	}
	if len(b.pinged) != 1 || *b.pinged[0].Token != "secret" {
		t.Errorf("Ping reached the backend as %+v", b.pinged)
	}
}

func TestAnswerHeaders(t *testing.T) {
	url := serve(t, &backend{})
	a := do(t, "POST", url+"/Send", map[string]string{"X-Request-Tag": "tag-1", "X-Retries": "4", "X-Dry-Run": "false", "X-Priority": "LOW"}, `{"note":"n"}`)
	if a.status != 200 {
		t.Fatalf("got %d %s", a.status, a.body)
	}
	for name, want := range map[string]string{"X-Echo": "tag-1", "X-Attempts": "5", "X-Dry-Run": "false", "X-Priority": "LOW"} {
		if got := a.header.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("response header %s = %q, want %q", name, got, want)
		}
	}
	// A member left nil writes no header; the body holds the body members alone.
	if v, ok := a.header["Cache-Control"]; ok {
		t.Errorf("Cache-Control = %q: a nil member writes no header", v)
	}
	if a.body != `{"note":"n"}` {
		t.Errorf("body = %s, want the note alone", a.body)
	}
	a = do(t, "POST", url+"/Send", map[string]string{"X-Request-Tag": "t"}, "")
	for _, name := range []string{"X-Attempts", "X-Dry-Run", "X-Priority", "Cache-Control"} {
		if v, ok := a.header[http.CanonicalHeaderKey(name)]; ok {
			t.Errorf("%s = %q with no member set", name, v)
		}
	}
	if a.header.Get("X-Echo") != "t" || a.body != "{}" {
		t.Errorf("got %v %s", a.header, a.body)
	}

	// AppendJSON writes what json.Marshal writes: neither has the headers.
	out := &SendResponse{Echo: new("e"), Attempts: new(int32(1)), CacheControl: new("no-store"), Note: new("n")}
	got, err := out.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(out)
	if string(got) != string(want) || string(got) != `{"note":"n"}` {
		t.Errorf("AppendJSON = %s, json.Marshal = %s, want {\"note\":\"n\"}", got, want)
	}
}

func specDoc(t *testing.T) *openapi3.T {
	data, err := os.ReadFile("spec.yaml") // copied here by the test that runs this one
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestGeneratedSuite runs the suite generated from the same spec against
// this fake: header members go in headers, and each is refused for the
// member it names.
func TestGeneratedSuite(t *testing.T) {
	url := serve(t, &backend{})
	results := suite.RunAll(context.Background(), suite.Target{Endpoint: url}, &suite.Suite{Contract: Contract, Cases: Cases, Spec: specDoc(t)})
	passed := map[string]bool{}
	for _, r := range results {
		switch r.Status {
		case suite.Fail:
			t.Errorf("%s: %s\n%s\n%s\n%s", r.Name, r.Reason, r.Diff, r.Request, r.Response)
		case suite.Pass:
			passed[r.Name] = true
		}
	}
	for _, name := range []string{"Send/requestTag/required/omitted", "Send/requestTag/pattern/mismatch", "Send/requestTag/pattern/junk-after",
		"Send/requestTag/maxLength/over", "Send/retries/maximum/over", "Send/priority/enum/not-a-member", "Send/shape/success",
		"Ping/token/required/omitted", "Ping/token/maxLength/over", "Ping/shape/success"} {
		if !passed[name] {
			t.Errorf("case %s did not pass", name)
		}
	}
	if len(results) != len(Cases) {
		t.Fatalf("%d results for %d cases", len(results), len(Cases))
	}
}

// TestSuiteWantsRequiredAnswerHeaders: the suite holds an answer to the
// headers the spec declares: a required one missing fails the shape case;
// optional ones missing (Cache-Control, always) do not.
func TestSuiteWantsRequiredAnswerHeaders(t *testing.T) {
	url := serve(t, &backend{dropEcho: true})
	var shape *suite.Case
	for i := range Cases {
		if Cases[i].Name == "Send/shape/success" {
			shape = &Cases[i]
		}
	}
	if shape == nil {
		t.Fatal("no Send/shape/success case")
	}
	results := suite.RunAll(context.Background(), suite.Target{Endpoint: url}, &suite.Suite{Contract: Contract, Cases: []suite.Case{*shape}, Spec: specDoc(t)})
	if len(results) != 1 || results[0].Status != suite.Fail || !strings.Contains(results[0].Reason, `response header "X-Echo" missing`) {
		t.Fatalf("without X-Echo: %+v, want a failure naming the missing header", results)
	}
}
