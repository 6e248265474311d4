package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
)

// rewriteRequest rewrites requests of op before the handler sees them.
func rewriteRequest(h http.Handler, op string, rewrite func(body map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/"+op {
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

// readJSON reads a request body as a JSON object, and puts the bytes back.
func readJSON(r *http.Request) map[string]any {
	data, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(data))
	var body map[string]any
	_ = json.Unmarshal(data, &body)
	return body
}
