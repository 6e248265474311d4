package ivsfake_test

// Benchmarks for two figures:
//
//  1. GetStage through `ivsrt serve` against a bare net/http handler that
//     answers the very bytes of a real GetStage response (goal: the fake
//     reaches at least 0.85x the bare handler's throughput);
//  2. the generated validator (read + decode + Validate) of a full CreateStage
//     request against kin-openapi's openapi3filter.ValidateRequest on the same
//     raw HTTP request.
//
// go test -run '^$' -bench . -benchmem ./fakes/ivsfake/ runs the standard
// benchmarks (GetStage there is in-process, both servers in the test
// binary); go test -run TestBenchmarkRatios -count=1 -v ./fakes/ivsfake/ -args -ratios
// measures each pair side by side, interleaved, and prints the ratios. The
// ratios are only reported, never asserted: timings are too noisy for that.
//
// The GetStage ratio is measured between processes, as a user runs the
// fake (see newBenchGetStageProcs): the built `ivsrt serve` binary
// (-ivsrt, or built by the test) with its default request log sent to a
// file, and the bare handler in a process of its own (this test binary run
// again, see TestMain). The client is this process's, the same for both,
// and the rounds alternate so that both sides see the same machine.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
	"github.com/ivsrt/contract/spec"
)

var ratios = flag.Bool("ratios", false, "run TestBenchmarkRatios: measure the fake against a bare handler and the generated validator against kin-openapi, and print the ratios")

const (
	// benchRatioRounds is how many times TestBenchmarkRatios runs each side of a
	// pair, alternating A, B, A, B, ...
	benchRatioRounds = 5
	// benchParallelism multiplies GOMAXPROCS to give the number of client
	// goroutines in the GetStage benchmarks, so throughput, not the latency
	// of one round trip, is measured.
	benchParallelism = 8
	// benchWarmupRequests bounds the requests sent to each server before timing.
	benchWarmupRequests = 64
	// benchThroughputGoal is the goal for fake/bare.
	benchThroughputGoal = 0.85
)

// ---- GetStage over loopback ---------------------------------------------------

// benchGetStagePair is a fake holding one stage and a bare handler answering that
// stage's GetStage response, both on 127.0.0.1, and the one client both are
// measured with.
type benchGetStagePair struct {
	client           *http.Client
	fakeURL, bareURL string // full URLs of the GetStage operation
	reqBody          []byte // {"arn": "<the stage's arn>"}
	respBody         []byte // the fake's GetStage response, which the bare handler answers
}

// newBenchClient is the client both sides share: keep-alive connections enough
// for every benchmark goroutine.
func newBenchClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

func newBenchGetStagePair(tb testing.TB) *benchGetStagePair {
	tb.Helper()
	p := &benchGetStagePair{client: newBenchClient()}
	tb.Cleanup(p.client.CloseIdleConnections)

	fake := httptest.NewServer(ivsfake.New(ivsfake.Options{}))
	tb.Cleanup(fake.Close)
	p.createBenchStage(tb, fake.URL)

	bare := httptest.NewServer(benchBareHandler(p.respBody))
	tb.Cleanup(bare.Close)
	p.bareURL = bare.URL + "/" + ivsapi.OpGetStage
	p.warmUp(tb)
	return p
}

// benchStageRequest is the CreateStage request of the stage both sides
// answer GetStage for: tags and a recording configuration, so the answer
// has the size of a real one.
func benchStageRequest(tb testing.TB) []byte {
	tb.Helper()
	create, err := json.Marshal(&ivsapi.CreateStageRequest{
		Name: new("bench-get-stage"),
		Tags: map[string]string{
			"team": "media", "env": "bench", "cost-center": "cc-1234",
			"owner": "ivsrt-contract", "purpose": "throughput benchmark",
		},
		AutoParticipantRecordingConfiguration: &ivsapi.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: new("arn:aws:ivs:us-east-1:123456789012:storage-configuration/AbCdEf123456"),
			MediaTypes:              []ivsapi.ParticipantRecordingMediaType{ivsapi.ParticipantRecordingMediaTypeAudioOnly},
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return create
}

// benchBareHandler is the baseline: a bare net/http handler that reads the
// request and answers resp, the bytes the fake answered.
func benchBareHandler(resp []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(resp)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(resp)
	})
}

// warmUp is bounded: it opens connections and checks that both sides
// answer the same bytes.
func (p *benchGetStagePair) warmUp(tb testing.TB) {
	tb.Helper()
	for _, url := range []string{p.fakeURL, p.bareURL} {
		for range benchWarmupRequests {
			got, err := benchPost(p.client, url, p.reqBody)
			if err != nil {
				tb.Fatalf("warm-up %s: %v", url, err)
			}
			if !bytes.Equal(got, p.respBody) {
				tb.Fatalf("warm-up %s answered\n%s\nwant\n%s", url, got, p.respBody)
			}
		}
	}
}

// createBenchStage creates the benchmark's stage at baseURL and returns
// the GetStage request for it and the GetStage URL.
func (p *benchGetStagePair) createBenchStage(tb testing.TB, baseURL string) {
	tb.Helper()
	created, err := benchPost(p.client, baseURL+"/"+ivsapi.OpCreateStage, benchStageRequest(tb))
	if err != nil {
		tb.Fatalf("CreateStage: %v", err)
	}
	var out ivsapi.CreateStageResponse
	if err := json.Unmarshal(created, &out); err != nil || out.Stage == nil || out.Stage.Arn == nil {
		tb.Fatalf("CreateStage answered %s (%v)", created, err)
	}
	if p.reqBody, err = json.Marshal(map[string]string{"arn": *out.Stage.Arn}); err != nil {
		tb.Fatal(err)
	}
	p.fakeURL = baseURL + "/" + ivsapi.OpGetStage
	if p.respBody, err = benchPost(p.client, p.fakeURL, p.reqBody); err != nil {
		tb.Fatalf("GetStage: %v", err)
	}
}

// ---- GetStage between processes ---------------------------------------------------

var ivsrtBin = flag.String("ivsrt", "", "the built ivsrt binary whose `ivsrt serve` TestBenchmarkRatios measures (default: go build ./cmd/ivsrt into a temporary directory)")

// benchBareEnv, set to a file holding the response bytes, makes this test
// binary the bare server's process instead of running tests.
const benchBareEnv = "IVSRT_BENCH_BARE_RESPONSE"

func TestMain(m *testing.M) {
	if path := os.Getenv(benchBareEnv); path != "" {
		os.Exit(benchServeBare(path))
	}
	os.Exit(m.Run())
}

// benchServeBare is the bare side's process: a plain http.Server on
// 127.0.0.1 answering the bytes in path. It prints its URL like `ivsrt
// serve` and exits when its stdin closes, so it never outlives the test.
func benchServeBare(path string) int {
	resp, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	fmt.Fprintln(os.Stderr, http.Serve(ln, benchBareHandler(resp)))
	return 1
}

// benchStartProcess starts cmd and returns the URL it prints ("listening
// on URL" on its first line of stdout).
func benchStartProcess(tb testing.TB, cmd *exec.Cmd) string {
	tb.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		s.Scan()
		lines <- s.Text()
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-lines:
		url, ok := strings.CutPrefix(line, "listening on ")
		if !ok {
			tb.Fatalf("%s printed %q, not where it listens", cmd.Path, line)
		}
		return url
	case <-time.After(30 * time.Second):
		tb.Fatalf("%s did not say where it listens", cmd.Path)
	}
	return ""
}

// benchGetStageProcs is the GetStage pair between processes: `ivsrt serve`
// and the bare server each in a process of its own. stop ends `ivsrt
// serve` with SIGTERM and returns its request log.
type benchGetStageProcs struct {
	*benchGetStagePair
	serve, bare *exec.Cmd
	logPath     string
}

func newBenchGetStageProcs(t *testing.T) *benchGetStageProcs {
	t.Helper()
	dir := t.TempDir()
	bin := *ivsrtBin
	if bin == "" {
		bin = filepath.Join(dir, "ivsrt")
		build := exec.Command("go", "build", "-o", bin, "github.com/ivsrt/contract/cmd/ivsrt")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			t.Fatalf("go build ./cmd/ivsrt: %v", err)
		}
	}
	p := &benchGetStageProcs{benchGetStagePair: &benchGetStagePair{client: newBenchClient()}, logPath: filepath.Join(dir, "serve.log")}
	t.Cleanup(p.client.CloseIdleConnections)

	// `ivsrt serve` with its defaults but the port: the request log is the
	// default one (text, on stderr), and stderr is a file.
	logFile, err := os.Create(p.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close() // the child holds its own descriptor
	p.serve = exec.Command(bin, "serve", "-addr", "127.0.0.1:0")
	p.serve.Stderr = logFile
	p.createBenchStage(t, benchStartProcess(t, p.serve))

	respPath := filepath.Join(dir, "response.json")
	if err := os.WriteFile(respPath, p.respBody, 0o600); err != nil {
		t.Fatal(err)
	}
	p.bare = exec.Command(os.Args[0])
	p.bare.Env = append(os.Environ(), benchBareEnv+"="+respPath)
	p.bare.Stderr = os.Stderr
	stdin, err := p.bare.StdinPipe() // the bare server exits when it closes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stdin.Close() })
	p.bareURL = benchStartProcess(t, p.bare) + "/" + ivsapi.OpGetStage
	p.warmUp(t)
	return p
}

// stop sends `ivsrt serve` SIGTERM, requires exit status 0 and returns its
// request log.
func (p *benchGetStageProcs) stop(t *testing.T) string {
	t.Helper()
	p.client.CloseIdleConnections()
	if err := p.serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.serve.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ivsrt serve after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("ivsrt serve did not stop after SIGTERM")
	}
	log, err := os.ReadFile(p.logPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(log)
}

// benchPost is the client code both sides are measured with: POST the JSON body,
// read the whole answer, require 200.
func benchPost(hc *http.Client, url string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST %s: status %d %s: %s", url, resp.StatusCode, resp.Header.Get(wire.HeaderErrorType), got)
	}
	return got, nil
}

// benchPostDiscard is benchPost without keeping the answer.
func benchPostDiscard(hc *http.Client, url string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: status %d %s", url, resp.StatusCode, resp.Header.Get(wire.HeaderErrorType))
	}
	return nil
}

// benchFirstError keeps the first error of concurrent goroutines.
type benchFirstError struct {
	once sync.Once
	err  error
}

func (f *benchFirstError) set(err error) { f.once.Do(func() { f.err = err }) }

// benchRunGetStage measures b.N GetStage calls to url from GOMAXPROCS*benchParallelism
// goroutines. It returns the first request error; a goroutine stops at its
// first error.
func benchRunGetStage(b *testing.B, hc *http.Client, url string, body []byte) error {
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	var fe benchFirstError
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := benchPostDiscard(hc, url, body); err != nil {
				fe.set(err)
				return
			}
		}
	})
	return fe.err
}

func BenchmarkGetStage(b *testing.B) {
	p := newBenchGetStagePair(b)
	for _, side := range []struct{ name, url string }{{"fake", p.fakeURL}, {"bare", p.bareURL}} {
		b.Run(side.name, func(b *testing.B) {
			if err := benchRunGetStage(b, p.client, side.url, p.reqBody); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// ---- CreateStage validation ----------------------------------------------------

const benchCreateStageURL = "https://ivsrealtime.us-east-1.amazonaws.com/" + ivsapi.OpCreateStage

// benchFullCreateStage is a CreateStage request using every member at its limits'
// scale: a name, 12 token configurations each with duration, userId,
// attributes and capabilities, 50 tags and a recording configuration.
func benchFullCreateStage() *ivsapi.CreateStageRequest {
	in := &ivsapi.CreateStageRequest{
		Name: new("bench-stage-full_1"),
		Tags: map[string]string{},
		AutoParticipantRecordingConfiguration: &ivsapi.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: new("arn:aws:ivs:us-east-1:123456789012:storage-configuration/AbCdEf123456"),
			MediaTypes:              []ivsapi.ParticipantRecordingMediaType{ivsapi.ParticipantRecordingMediaTypeAudioVideo},
		},
	}
	for i := range 12 {
		in.ParticipantTokenConfigurations = append(in.ParticipantTokenConfigurations, ivsapi.ParticipantTokenConfiguration{
			Duration: new(int32(60 + 60*i)),
			UserId:   new(fmt.Sprintf("user-%02d@example.com", i)),
			Attributes: map[string]string{
				"displayName": fmt.Sprintf("Participant number %d", i),
				"role":        []string{"host", "guest", "viewer"}[i%3],
				"avatar":      fmt.Sprintf("https://cdn.example.com/avatars/%04d.png", i),
				"locale":      "en-US",
			},
			Capabilities: []ivsapi.ParticipantTokenCapability{ivsapi.ParticipantTokenCapabilityPublish, ivsapi.ParticipantTokenCapabilitySubscribe},
		})
	}
	for i := range 50 {
		in.Tags[fmt.Sprintf("tag-key-%02d", i)] = fmt.Sprintf("tag value number %02d for the benchmark", i)
	}
	return in
}

func benchJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// benchValidators holds both validators of CreateStage requests. Each takes the
// raw HTTP request, whose body it reads.
type benchValidators struct {
	generated func(r *http.Request) error
	kin       func(r *http.Request) error
}

func newBenchValidators(tb testing.TB) *benchValidators {
	tb.Helper()
	// A document of our own: the router must not touch the shared embedded one.
	doc, err := spec.Load(spec.File, spec.Source)
	if err != nil {
		tb.Fatal(err)
	}
	router, err := legacy.NewRouter(doc.OpenAPI)
	if err != nil {
		tb.Fatal(err)
	}
	probe, err := http.NewRequest(http.MethodPost, benchCreateStageURL, nil)
	if err != nil {
		tb.Fatal(err)
	}
	route, pathParams, err := router.FindRoute(probe)
	if err != nil {
		tb.Fatalf("kin-openapi finds no route for POST %s: %v", benchCreateStageURL, err)
	}
	// Like the generated side, kin-openapi only decodes and validates: the
	// generated Validate does not apply defaults either (SetDefaults does).
	opts := &openapi3filter.Options{SkipSettingDefaults: true}
	ctx := context.Background()
	return &benchValidators{
		generated: func(r *http.Request) error {
			body, werr := wire.ReadBody(r, wire.MaxBodyBytes)
			if werr == nil {
				var in ivsapi.CreateStageRequest
				if werr = ivsapi.DecodeRequest(body, &in); werr == nil {
					return in.Validate()
				}
			}
			return werr
		},
		kin: func(r *http.Request) error {
			return openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
				Request: r, PathParams: pathParams, Route: route, Options: opts,
			})
		},
	}
}

// benchCreateStageRequest is a POST /CreateStage of body whose body rewind resets
// to the start, so one request serves every iteration.
func benchCreateStageRequest(tb testing.TB, body []byte) (r *http.Request, rewind func()) {
	tb.Helper()
	r, err := http.NewRequest(http.MethodPost, benchCreateStageURL, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	rd := bytes.NewReader(body)
	return r, func() {
		rd.Reset(body)
		r.Body = io.NopCloser(rd)
	}
}

// benchValidate runs v once on a fresh request of body.
func benchValidate(tb testing.TB, v func(*http.Request) error, body []byte) error {
	tb.Helper()
	r, rewind := benchCreateStageRequest(tb, body)
	rewind()
	return v(r)
}

// benchInvalidCreateStages are requests both validators must refuse.
func benchInvalidCreateStages() map[string]func(*ivsapi.CreateStageRequest) {
	return map[string]func(*ivsapi.CreateStageRequest){
		"duration-0":     func(in *ivsapi.CreateStageRequest) { in.ParticipantTokenConfigurations[5].Duration = new(int32(0)) },
		"duration-20161": func(in *ivsapi.CreateStageRequest) { in.ParticipantTokenConfigurations[0].Duration = new(int32(20161)) },
		"13-tokens": func(in *ivsapi.CreateStageRequest) {
			in.ParticipantTokenConfigurations = append(in.ParticipantTokenConfigurations, in.ParticipantTokenConfigurations[0])
		},
		"51-tags":        func(in *ivsapi.CreateStageRequest) { in.Tags["one-too-many"] = "x" },
		"tag-value-257":  func(in *ivsapi.CreateStageRequest) { in.Tags["tag-key-07"] = strings.Repeat("v", 257) },
		"bad-capability": func(in *ivsapi.CreateStageRequest) { in.ParticipantTokenConfigurations[3].Capabilities[1] = "ADMIN" },
		"bad-name":       func(in *ivsapi.CreateStageRequest) { in.Name = new("no spaces allowed") },
		"user-id-129": func(in *ivsapi.CreateStageRequest) {
			in.ParticipantTokenConfigurations[11].UserId = new(strings.Repeat("u", 129))
		},
		"2-media-types": func(in *ivsapi.CreateStageRequest) {
			in.AutoParticipantRecordingConfiguration.MediaTypes = append(in.AutoParticipantRecordingConfiguration.MediaTypes, ivsapi.ParticipantRecordingMediaTypeAudioOnly)
		},
		"no-storage-arn": func(in *ivsapi.CreateStageRequest) {
			in.AutoParticipantRecordingConfiguration.StorageConfigurationArn = nil
		},
		"bad-storage-arn": func(in *ivsapi.CreateStageRequest) {
			in.AutoParticipantRecordingConfiguration.StorageConfigurationArn = new("arn:aws:s3:::bucket")
		},
	}
}

// benchCheckValidatorsAgree requires both validators to accept the full request
// and to refuse each invalid one, so the benchmark compares like with like.
func benchCheckValidatorsAgree(t *testing.T, v *benchValidators) {
	full := benchJSON(t, benchFullCreateStage())
	t.Run("accepts-full", func(t *testing.T) {
		if err := benchValidate(t, v.generated, full); err != nil {
			t.Errorf("generated refuses the full request: %v", err)
		}
		if err := benchValidate(t, v.kin, full); err != nil {
			t.Errorf("kin-openapi refuses the full request: %v", err)
		}
	})
	rejects := func(t *testing.T, body []byte) {
		t.Helper()
		gerr := benchValidate(t, v.generated, body)
		if gerr == nil {
			t.Errorf("generated accepts it: %s", body)
		}
		kerr := benchValidate(t, v.kin, body)
		if kerr == nil {
			t.Errorf("kin-openapi accepts it: %s", body)
		}
		if gerr != nil && kerr != nil {
			first, _, _ := strings.Cut(kerr.Error(), "\n") // kin-openapi goes on with the schema
			t.Logf("generated: %v; kin-openapi: %s", gerr, first)
		}
	}
	cases := benchInvalidCreateStages()
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		mutate := cases[name]
		t.Run("rejects/"+name, func(t *testing.T) {
			in := benchFullCreateStage()
			mutate(in)
			rejects(t, benchJSON(t, in))
		})
	}
	t.Run("rejects/duration-as-string", func(t *testing.T) {
		body := bytes.Replace(full, []byte(`"duration":60,`), []byte(`"duration":"60",`), 1)
		if bytes.Equal(body, full) {
			t.Fatal("the full request has no duration 60 to replace")
		}
		rejects(t, body)
	})
}

func TestValidateCreateStageAgree(t *testing.T) {
	benchCheckValidatorsAgree(t, newBenchValidators(t))
}

// benchRunValidate measures b.N validations of the full request by v, a fresh
// read of the request body each time.
func benchRunValidate(b *testing.B, v func(*http.Request) error, body []byte) error {
	b.ReportAllocs()
	r, rewind := benchCreateStageRequest(b, body)
	for b.Loop() {
		rewind()
		if err := v(r); err != nil {
			return err
		}
	}
	return nil
}

func BenchmarkValidateCreateStage(b *testing.B) {
	v := newBenchValidators(b)
	full := benchJSON(b, benchFullCreateStage())
	invalid := benchFullCreateStage()
	invalid.ParticipantTokenConfigurations[5].Duration = new(int32(0))
	bad := benchJSON(b, invalid)
	for _, side := range []struct {
		name string
		fn   func(*http.Request) error
	}{{"generated", v.generated}, {"kin-openapi", v.kin}} {
		b.Run(side.name, func(b *testing.B) {
			if err := benchValidate(b, side.fn, full); err != nil {
				b.Fatalf("refuses the full request: %v", err)
			}
			if err := benchValidate(b, side.fn, bad); err == nil {
				b.Fatal("accepts duration 0")
			}
			if err := benchRunValidate(b, side.fn, full); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// ---- side by side ------------------------------------------------------------

// benchPairResult sums the runs of one side of a pair.
type benchPairResult struct {
	n int
	t time.Duration
	// calls counts every iteration run, the testing package's ramp-up
	// runs included, and cpu the CPU time the side's server process spent
	// meanwhile (when it is measured).
	calls     int
	cpu       time.Duration
	clientCPU time.Duration // this process's, measured with cpu
}

func (p *benchPairResult) add(r testing.BenchmarkResult) { p.n += r.N; p.t += r.T }
func (p benchPairResult) perSecond() float64             { return float64(p.n) / p.t.Seconds() }
func (p benchPairResult) micros() float64                { return float64(p.t.Nanoseconds()) / 1e3 / float64(p.n) }
func (p benchPairResult) cpuMicros() float64 {
	return float64(p.cpu.Nanoseconds()) / 1e3 / float64(p.calls)
}
func (p benchPairResult) clientCPUMicros() float64 {
	return float64(p.clientCPU.Nanoseconds()) / 1e3 / float64(p.calls)
}

// benchRunPair runs a and b alternately for benchRatioRounds rounds with
// testing.Benchmark and sums each side. A run that fails (N == 0) or
// returns an error fails the test. cpu, where not nil, reads a side's
// server process's CPU time, so that its CPU per request is known too:
// that figure, unlike throughput, holds when other work shares the
// machine.
func benchRunPair(t *testing.T, names [2]string, fns [2]func(*testing.B) error, cpu [2]func() time.Duration) [2]benchPairResult {
	t.Helper()
	var sums [2]benchPairResult
	for round := 1; round <= benchRatioRounds; round++ {
		for i, fn := range fns {
			var err error
			var once sync.Once
			var cpu0, self0 time.Duration
			self := benchProcessCPU(t, os.Getpid())
			if cpu[i] != nil {
				cpu0, self0 = cpu[i](), self()
			}
			r := testing.Benchmark(func(b *testing.B) {
				sums[i].calls += b.N
				if e := fn(b); e != nil {
					once.Do(func() { err = e })
					b.FailNow()
				}
			})
			if cpu[i] != nil {
				sums[i].cpu += cpu[i]() - cpu0
				sums[i].clientCPU += self() - self0
			}
			if err != nil || r.N == 0 {
				t.Fatalf("round %d, %s: the benchmark failed: %v", round, names[i], err)
			}
			t.Logf("round %d: %-11s %s %s", round, names[i], r.String(), r.MemString())
			sums[i].add(r)
		}
	}
	return sums
}

// benchProcessCPU returns a function reading the CPU time (user and
// system) process pid has used, from /proc/pid/stat; nil where there is
// no /proc.
func benchProcessCPU(t *testing.T, pid int) func() time.Duration {
	path := fmt.Sprintf("/proc/%d/stat", pid)
	if _, err := os.Stat(path); err != nil {
		t.Logf("no CPU figures: %v", err)
		return nil
	}
	return func() time.Duration {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Fields 14 and 15, utime and stime in clock ticks (USER_HZ, 100
		// on Linux), counted after the command name's closing parenthesis.
		fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
		utime, err1 := strconv.ParseInt(fields[11], 10, 64)
		stime, err2 := strconv.ParseInt(fields[12], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %s", path, raw)
		}
		return time.Duration(utime+stime) * 10 * time.Millisecond
	}
}

// benchReport prints a line to the test log and to stdout.
func benchReport(t *testing.T, format string, args ...any) {
	t.Helper()
	line := fmt.Sprintf(format, args...)
	t.Log(line)
	fmt.Println(line)
}

func benchFmtMicros(us float64) string {
	if us < 10 {
		return strconv.FormatFloat(us, 'f', 1, 64)
	}
	return strconv.FormatFloat(us, 'f', 0, 64)
}

func benchFmtTimes(x float64) string {
	if x < 10 {
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 0, 64)
}

// TestBenchmarkRatios measures each pair side by side, interleaved, and
// reports the ratios. It never fails on a timing figure, only when a request
// fails. Run it with -args -ratios.
func TestBenchmarkRatios(t *testing.T) {
	if !*ratios {
		t.Skip("timing benchReport: run with -args -ratios")
	}

	t.Run("GetStage", func(t *testing.T) {
		p := newBenchGetStageProcs(t)
		t.Logf("GetStage: request %d bytes, response %d bytes, %d client goroutines", len(p.reqBody), len(p.respBody), benchParallelism*runtime.GOMAXPROCS(0))
		// Every GetStage the fake answers, warm-up included, must be in its
		// log once it has stopped: buffered log lines are not lost.
		sent := int64(benchWarmupRequests + 1) // and the GetStage of createBenchStage
		sums := benchRunPair(t, [2]string{"ivsrt serve", "bare"}, [2]func(*testing.B) error{
			func(b *testing.B) error {
				sent += int64(b.N)
				return benchRunGetStage(b, p.client, p.fakeURL, p.reqBody)
			},
			func(b *testing.B) error { return benchRunGetStage(b, p.client, p.bareURL, p.reqBody) },
		}, [2]func() time.Duration{benchProcessCPU(t, p.serve.Process.Pid), benchProcessCPU(t, p.bare.Process.Pid)})
		fake, bare := sums[0].perSecond(), sums[1].perSecond()
		benchReport(t, "GetStage throughput: ivsrt serve (default log to a file) %.0f req/s, bare net/http (own process) %.0f req/s, ratio %.2f (goal >= %.2f)",
			fake, bare, fake/bare, benchThroughputGoal)
		if sums[0].cpu > 0 && sums[1].cpu > 0 {
			// CPU per request holds when other work shares the machine, and
			// throughput does not. With client and server on the same cores
			// and the cores busy, throughput goes as 1/(client + server CPU).
			c := (sums[0].clientCPUMicros() + sums[1].clientCPUMicros()) / 2
			benchReport(t, "GetStage server CPU per request: ivsrt serve %.1f µs, bare net/http %.1f µs, ratio %.2f; client %.1f µs; (client+bare)/(client+serve) %.2f",
				sums[0].cpuMicros(), sums[1].cpuMicros(), sums[1].cpuMicros()/sums[0].cpuMicros(), c,
				(c+sums[1].cpuMicros())/(c+sums[0].cpuMicros()))
		}

		log := p.stop(t)
		logged := int64(strings.Count(log, "msg=request method=POST path=/GetStage status=200 "))
		if logged != sent {
			t.Errorf("ivsrt serve answered %d GetStage requests and its log holds %d of them", sent, logged)
		}
		t.Logf("request log: %d bytes, %d GetStage lines", len(log), logged)
	})

	t.Run("CreateStage", func(t *testing.T) {
		v := newBenchValidators(t)
		t.Run("sanity", func(t *testing.T) { benchCheckValidatorsAgree(t, v) })
		if t.Failed() {
			t.FailNow()
		}
		full := benchJSON(t, benchFullCreateStage())
		t.Logf("CreateStage: request body %d bytes", len(full))
		sums := benchRunPair(t, [2]string{"generated", "kin-openapi"}, [2]func(*testing.B) error{
			func(b *testing.B) error { return benchRunValidate(b, v.generated, full) },
			func(b *testing.B) error { return benchRunValidate(b, v.kin, full) },
		}, [2]func() time.Duration{})
		gen, kin := sums[0].micros(), sums[1].micros()
		benchReport(t, "CreateStage validation: generated %s µs/op, kin-openapi %s µs/op, generated is %sx faster",
			benchFmtMicros(gen), benchFmtMicros(kin), benchFmtTimes(kin/gen))
	})
}

// BenchmarkCreateStageState is CreateStage (a name, two tags, no tokens)
// from parallel clients against a fake in memory and against one that
// commits every stage to a state file (Options.Store), fsync included.
func BenchmarkCreateStageState(b *testing.B) {
	for _, side := range []string{"memory", "state"} {
		b.Run(side, func(b *testing.B) {
			opts := ivsfake.Options{StageQuota: math.MaxInt32}
			if side == "state" {
				s, err := ivsfake.OpenStore(filepath.Join(b.TempDir(), "state.db"))
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				opts.Store = s
			}
			fake := httptest.NewServer(ivsfake.New(opts))
			defer fake.Close()
			hc := newBenchClient()
			defer hc.CloseIdleConnections()
			if err := benchRunGetStage(b, hc, fake.URL+"/"+ivsapi.OpCreateStage, []byte(`{"name":"bench","tags":{"team":"media","env":"bench"}}`)); err != nil {
				b.Fatal(err)
			}
		})
	}
}
