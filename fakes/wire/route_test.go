package wire

import (
	"net/http"
	"slices"
	"testing"
)

func TestRouterMatch(t *testing.T) {
	rt := NewRouter([]Route{
		{Method: "POST", Path: "/CreateStage"},
		{Method: "GET", Path: "/tags/{resourceArn}"},
		{Method: "DELETE", Path: "/tags/{resourceArn}"},
		{Method: "GET", Path: "/tags/list"},
		{Method: "GET", Path: "/a/{x}/b/{y}"},
	})
	for _, c := range []struct {
		method, path string
		index        int
		labels       []string
		ok           bool
	}{
		{"POST", "/CreateStage", 0, nil, true},
		{"GET", "/CreateStage", 0, nil, false},
		{"GET", "/tags/arn:aws:ivs:us-east-1:1:stage%2Fabc", 1, []string{"arn:aws:ivs:us-east-1:1:stage/abc"}, true},
		{"DELETE", "/tags/x", 2, []string{"x"}, true},
		{"PUT", "/tags/x", 0, nil, false},
		// A literal path wins over a label that would also match it.
		{"GET", "/tags/list", 3, nil, true},
		{"GET", "/tags/", 1, []string{""}, true},
		{"GET", "/tags", 0, nil, false},
		{"GET", "/tags/a/b", 0, nil, false},
		{"GET", "/a/1%202/b/3", 4, []string{"1 2", "3"}, true},
		{"GET", "/a/1/c/3", 0, nil, false},
		{"GET", "/tags/%zz", 0, nil, false},
	} {
		i, labels, ok := rt.Match(c.method, c.path)
		if ok != c.ok || (ok && (i != c.index || !slices.Equal(labels, c.labels))) {
			t.Errorf("Match(%s %s) = %d %q %v, want %d %q %v", c.method, c.path, i, labels, ok, c.index, c.labels, c.ok)
		}
	}
}

func TestQueryValues(t *testing.T) {
	if n, err := QueryInt32("maxResults", "42"); n != 42 || err != nil {
		t.Errorf("QueryInt32(42) = %d, %v", n, err)
	}
	if _, err := QueryInt32("maxResults", "3000000000"); err == nil || err.Type != "SerializationException" ||
		err.Message != "Value '3000000000' at 'maxResults' cannot be read as integer" {
		t.Errorf("QueryInt32 out of range = %v", err)
	}
	if n, err := QueryInt64("n", "-7"); n != -7 || err != nil {
		t.Errorf("QueryInt64(-7) = %d, %v", n, err)
	}
	if b, err := QueryBool("loud", "true"); !b || err != nil {
		t.Errorf("QueryBool(true) = %v, %v", b, err)
	}
	if _, err := QueryBool("loud", "TRUE"); err == nil || err.Status != 400 {
		t.Errorf("QueryBool(TRUE) = %v, want a 400", err)
	}
}

func TestHeader(t *testing.T) {
	h := http.Header{}
	if v, ok := Header(h, "X-Tag"); ok || v != "" {
		t.Errorf("absent header = %q, %v", v, ok)
	}
	h.Set("x-tag", "")
	if v, ok := Header(h, "X-Tag"); !ok || v != "" {
		t.Errorf("empty header = %q, %v: an empty value is a value", v, ok)
	}
	h.Set("X-Tag", "a,b")
	h.Add("X-TAG", "c")
	if v, ok := Header(h, "x-tag"); !ok || v != "a,b, c" {
		t.Errorf("header sent twice = %q, %v, want its lines joined", v, ok)
	}
}
