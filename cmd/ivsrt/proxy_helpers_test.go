package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// newBrokenStageServer serves the fake with CreateStage's answer stripped
// of the stage's tags (the default {} a stage created without tags
// reports), and returns its URL.
func newBrokenStageServer(t *testing.T, fake http.Handler) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/CreateStage" {
			fake.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		body := bytes.Replace(rec.Body.Bytes(), []byte(`"tags":{},`), nil, 1)
		body = bytes.Replace(body, []byte(`,"tags":{}`), nil, 1)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
