package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// BenchmarkServeGetStage is GetStage through the handler stack `ivsrt
// serve` runs, with its default request log (text) written to a file, in
// one process with its client: the profile to look at for per-request
// CPU (go test -run '^$' -bench ServeGetStage/serve -cpuprofile cpu.out
// ./cmd/ivsrt; ServeGetStage/bare is a bare net/http handler answering the
// same bytes, to profile the same way and compare). The ratio between
// processes is fakes/ivsfake's TestBenchmarkRatios.
func BenchmarkServeGetStage(b *testing.B) {
	logFile, err := os.Create(filepath.Join(b.TempDir(), "serve.log"))
	if err != nil {
		b.Fatal(err)
	}
	defer logFile.Close()
	opts := ivsfake.Options{}
	logOut := newLogBuffer(logFile, logFlushInterval)
	defer logOut.Close()
	logger := slog.New(newLineHandler(logOut, false))
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = ivsfake.NewHTTPServer(logRequests(ivsfake.New(opts), logger), opts)
	ts.Listener = wire.NewListener(ts.Listener)
	ts.Start()
	defer ts.Close()

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	hc := &http.Client{Transport: tr}
	defer hc.CloseIdleConnections()
	post := func(op string, body []byte) ([]byte, error) {
		res, err := hc.Post(ts.URL+"/"+op, "application/json", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		out, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			b.Fatalf("%s: status %d: %s", op, res.StatusCode, out)
		}
		return out, err
	}
	created, err := post("CreateStage", []byte(`{"name":"bench","tags":{"team":"media","env":"bench"}}`))
	if err != nil {
		b.Fatal(err)
	}
	var out struct{ Stage struct{ Arn string } }
	if err := json.Unmarshal(created, &out); err != nil {
		b.Fatal(err)
	}
	req, _ := json.Marshal(map[string]string{"arn": out.Stage.Arn})
	resp, err := post("GetStage", req)
	if err != nil {
		b.Fatal(err)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(resp)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(resp)
	}))
	defer bare.Close()
	for _, side := range []struct{ name, url string }{{"serve", ts.URL}, {"bare", bare.URL}} {
		b.Run(side.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					res, err := hc.Post(side.url+"/GetStage", "application/json", bytes.NewReader(req))
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
				}
			})
		})
	}
}
