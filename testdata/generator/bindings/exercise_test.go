// Exercise of the generated code: TestGeneratedCodeCompilesAndRuns in
// generator/ copies this file next to the code generated from spec.yaml
// (fake and suite, emit.txt) and runs it. The tag operations are driven by
// the AWS SDK for Go's own IVS Real-Time client, over real HTTP.

package api

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ivsrt/contract/conformance/suite"
)

// backend keeps tags per resource and records the inputs that reach it.
type backend struct {
	mu     sync.Mutex
	tags   map[string]map[string]string
	untag  [][]string
	gains  []SetGainRequest
	listed []ListGainsRequest
}

func newBackend() *backend { return &backend{tags: map[string]map[string]string{}} }

func (b *backend) ListTagsForResource(_ context.Context, in *ListTagsForResourceRequest) (*ListTagsForResourceResponse, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return &ListTagsForResourceResponse{Tags: maps.Clone(b.tags[*in.ResourceArn])}, nil
}

func (b *backend) TagResource(_ context.Context, in *TagResourceRequest) (*TagResourceResponse, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tags[*in.ResourceArn] == nil {
		b.tags[*in.ResourceArn] = map[string]string{}
	}
	maps.Copy(b.tags[*in.ResourceArn], in.Tags)
	return nil, nil
}

func (b *backend) UntagResource(_ context.Context, in *UntagResourceRequest) (*UntagResourceResponse, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.untag = append(b.untag, in.TagKeys)
	for _, k := range in.TagKeys {
		delete(b.tags[*in.ResourceArn], k)
	}
	return &UntagResourceResponse{}, nil
}

func (b *backend) SetGain(_ context.Context, in *SetGainRequest) (*SetGainResponse, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gains = append(b.gains, *in)
	return &SetGainResponse{Gain: in.Gain, Balance: in.Balance}, nil
}

func (b *backend) ListGains(_ context.Context, in *ListGainsRequest) (*ListGainsResponse, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.listed = append(b.listed, *in)
	return &ListGainsResponse{Gains: []float64{1.5}}, nil
}

func serve(t *testing.T) (*backend, string) {
	b := newBackend()
	srv := httptest.NewServer(NewHandler(b, Options{}))
	t.Cleanup(srv.Close)
	return b, srv.URL
}

func sdkClient(url string) *ivsrealtime.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	return ivsrealtime.NewFromConfig(cfg, func(o *ivsrealtime.Options) {
		o.BaseEndpoint = aws.String(url)
		o.RetryMaxAttempts = 1
	})
}

const arn = "arn:aws:ivs:us-west-2:123456789012:stage/abcdEFGH1234"

func TestTagsThroughTheSDK(t *testing.T) {
	b, url := serve(t)
	c := sdkClient(url)
	ctx := context.Background()

	if _, err := c.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: map[string]string{"team": "video", "env": "test", "tier": "gold"}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	got, err := c.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("ListTagsForResource: %v", err)
	}
	if want := map[string]string{"team": "video", "env": "test", "tier": "gold"}; !maps.Equal(got.Tags, want) {
		t.Fatalf("tags = %v, want %v (the label must arrive unescaped, slash included)", got.Tags, want)
	}

	if _, err := c.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team", "env"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}
	// The SDK sends the list as repeated tagKeys parameters (in its own order).
	if len(b.untag) != 1 || !slices.Equal(slices.Sorted(slices.Values(b.untag[0])), []string{"env", "team"}) {
		t.Fatalf("tagKeys arrived as %q, want env and team", b.untag)
	}
	got, err = c.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || !maps.Equal(got.Tags, map[string]string{"tier": "gold"}) {
		t.Fatalf("after UntagResource: %v, %v", got, err)
	}
}

func TestBadLabelThroughTheSDK(t *testing.T) {
	_, url := serve(t)
	c := sdkClient(url)
	_, err := c.ListTagsForResource(context.Background(), &ivsrealtime.ListTagsForResourceInput{ResourceArn: aws.String("not-an-arn")})
	var ve *types.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a ValidationException", err)
	}
	if msg := aws.ToString(ve.ExceptionMessage); !strings.Contains(msg, "at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern") {
		t.Fatalf("message %q does not name resourceArn and its pattern", msg)
	}
	_, err = c.UntagResource(context.Background(), &ivsrealtime.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{""}})
	if !errors.As(err, &ve) || !strings.Contains(aws.ToString(ve.ExceptionMessage), "at 'tagKeys.1.member'") {
		t.Fatalf("empty tag key: %v, want a ValidationException naming tagKeys.1.member", err)
	}
}

func do(t *testing.T, method, url, body string) (int, string, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
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
	return resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), string(data)
}

func TestBindingsOverHTTP(t *testing.T) {
	b, url := serve(t)
	tagsURL := url + "/tags/arn:aws:ivs:us-west-2:123456789012:stage%2Fabc"
	for _, c := range []struct {
		method, url, body string
		status            int
		errType, contains string
	}{
		// A GET has no body to read; one sent anyway is ignored.
		{"GET", tagsURL, "", 200, "", `{"tags":{}}`},
		{"GET", tagsURL, "not json", 200, "", `{"tags":{}}`},
		// A method the path does not have names no operation.
		{"PUT", tagsURL, "{}", 404, "UnknownOperationException", ""},
		{"GET", url + "/tags", "", 404, "UnknownOperationException", ""},
		// The required query list, absent, then its items' constraints.
		{"DELETE", tagsURL, "", 400, "ValidationException", "at 'tagKeys' failed to satisfy constraint: Member must not be null"},
		{"DELETE", tagsURL + "?tagKeys=" + strings.Repeat("k", 129), "", 400, "ValidationException", "at 'tagKeys.1.member'"},
		{"DELETE", tagsURL + "?tagKeys=a&tagKeys=b&tagKeys=c", "", 200, "", "{}"},
		// The body of a POST with a label is JSON; the label is not in it.
		{"POST", tagsURL, `{"tags":`, 400, "SerializationException", ""},
		{"POST", tagsURL, `{"tags":{}}`, 400, "ValidationException", "at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		// Query integers and booleans are parsed from text.
		{"POST", url + "/ListGains?maxResults=abc", "{}", 400, "SerializationException", "Value 'abc' at 'maxResults' cannot be read as integer"},
		{"POST", url + "/ListGains?maxResults=0", "{}", 400, "ValidationException", "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"POST", url + "/ListGains?loud=maybe", "{}", 400, "SerializationException", "at 'loud' cannot be read as boolean"},
		{"POST", url + "/ListGains?maxResults=100&loud=true", "", 200, "", `{"gains":[1.5]}`},
		// Floats: bounds, wrong types, defaults.
		{"POST", url + "/SetGain", `{"gain":0.5}`, 200, "", `{"gain":0.5,"balance":0.5}`},
		{"POST", url + "/SetGain", `{"gain":60,"balance":-1.25,"idempotencyToken":"tok-1"}`, 200, "", `{"gain":60,"balance":-1.25}`},
		{"POST", url + "/SetGain", `{"gain":0.49}`, 400, "ValidationException", "at 'gain' failed to satisfy constraint: Member must have value greater than or equal to 0.5"},
		{"POST", url + "/SetGain", `{"gain":1,"balance":1.26}`, 400, "ValidationException", "Value '1.26' at 'balance' failed to satisfy constraint: Member must have value less than or equal to 1.25"},
		{"POST", url + "/SetGain", `{"gain":"1"}`, 400, "SerializationException", "at 'gain' cannot be read as float"},
		{"POST", url + "/SetGain", `{"gain":1e39}`, 400, "SerializationException", "at 'gain' cannot be read as float"},
		{"POST", url + "/SetGain", `{"gain":1,"idempotencyToken":""}`, 400, "ValidationException", "at 'idempotencyToken'"},
	} {
		status, errType, body := do(t, c.method, c.url, c.body)
		if status != c.status || errType != c.errType || !strings.Contains(body, c.contains) {
			t.Errorf("%s %s %q: got %d %q %s, want %d %q containing %q", c.method, c.url, c.body, status, errType, body, c.status, c.errType, c.contains)
		}
	}
	if n := len(b.listed); n != 1 || *b.listed[0].MaxResults != 100 || !*b.listed[0].LoudOnly {
		t.Errorf("ListGains reached the backend as %+v", b.listed)
	}
	if len(b.gains) != 2 || *b.gains[1].IdempotencyToken != "tok-1" {
		t.Errorf("SetGain reached the backend as %+v", b.gains)
	}
}

// TestGeneratedSuite runs the suite generated from the same spec, through
// the suite runtime, against this fake: labels and query strings go in the
// URL, bodies only where there are body members left.
func TestGeneratedSuite(t *testing.T) {
	_, url := serve(t)
	data, err := os.ReadFile("spec.yaml") // copied here by the test that runs this one
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	results := suite.RunAll(context.Background(), suite.Target{Endpoint: url}, &suite.Suite{Contract: Contract, Cases: Cases, Spec: doc})
	passed := map[string]bool{}
	for _, r := range results {
		switch r.Status {
		case suite.Fail:
			t.Errorf("%s: %s\n%s\n%s\n%s", r.Name, r.Reason, r.Diff, r.Request, r.Response)
		case suite.Pass:
			passed[r.Name] = true
		}
	}
	// A label, a query list, a query integer and a float, each refused
	// for the member it names.
	for _, name := range []string{"TagResource/resourceArn/pattern/mismatch", "UntagResource/tagKeys/maxItems/over",
		"UntagResource/tagKeys[]/minLength/under", "ListGains/maxResults/maximum/over", "SetGain/gain/minimum/under"} {
		if !passed[name] {
			t.Errorf("case %s did not pass", name)
		}
	}
	if len(results) != len(Cases) {
		t.Fatalf("%d results for %d cases", len(results), len(Cases))
	}
}
