// Package proxy is the reverse proxy of `ivsrt proxy`: it sits between
// clients and an IVS Real-Time endpoint (AWS, ivsrt serve, another
// implementation), forwards every request and answer unchanged, checks
// each exchange against the spec and contract.md's rules as it goes
// (package traffic), can refuse invalid requests itself (Strict), record
// a cassette, and sign requests again for the upstream (SigV4).
package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/traffic"
	"github.com/ivsrt/contract/fakes/wire"
)

// Options configure a Proxy.
type Options struct {
	Upstream *url.URL         // scheme and host (and a path prefix, if any) of the endpoint
	Checker  *traffic.Checker // nil checks nothing
	// Strict refuses a request the spec refuses with the fake's own
	// answer (status, x-amzn-ErrorType, JSON message), never sending it
	// upstream. It needs a Checker.
	Strict   bool
	Record   *cassette.Writer   // nil records nothing
	Redactor *cassette.Redactor // what Record takes out; nil takes out nothing
	Sign     *Signer            // nil forwards the client's signature as it is
	// Log gets one line per violation as it is seen; nil discards them.
	Log io.Writer
	// Serial lets one request through to the upstream at a time, so that
	// the cassette's order (that of the answers) is the order the
	// upstream saw the requests in: what `ivsrt drift`, which replays one
	// exchange after the other, needs of concurrent clients.
	Serial bool
	// Transport carries requests upstream; nil is a transport like
	// http.DefaultTransport that leaves bodies as they are (no gzip).
	Transport http.RoundTripper
}

// Proxy is an http.Handler forwarding to one upstream.
type Proxy struct {
	opts      Options
	transport http.RoundTripper

	checks sync.WaitGroup // checks of answered exchanges still running
	serial sync.Mutex     // held for each request upstream under Options.Serial

	mu       sync.Mutex
	seq      int
	stats    Stats
	findings []traffic.Finding
}

// Stats count what a proxy has carried.
type Stats struct {
	Requests   int `json:"requests"`   // every request, control calls included
	Checked    int `json:"checked"`    // exchanges of an operation of the spec, checked
	Refused    int `json:"refused"`    // refused by the proxy itself (-strict)
	Violations int `json:"violations"` // findings that break a rule
	Confirmed  int `json:"confirmed"`  // findings that agree with a rule
	Notes      int `json:"notes"`      // what the spec cannot judge: values newer than it, or wrong
	Errors     int `json:"errors"`     // requests the upstream gave no answer to
}

// New returns a Proxy.
func New(o Options) (*Proxy, error) {
	if o.Upstream == nil || o.Upstream.Scheme == "" || o.Upstream.Host == "" {
		return nil, fmt.Errorf("proxy: the upstream needs a scheme and a host")
	}
	if o.Strict && o.Checker == nil {
		return nil, fmt.Errorf("proxy: strict needs a checker")
	}
	p := &Proxy{opts: o, transport: o.Transport}
	if p.transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// An answer goes back as the upstream wrote it: no transparent
		// gzip, which would change its headers and body.
		t.DisableCompression = true
		t.MaxIdleConnsPerHost = 64
		p.transport = t
	}
	if o.Record != nil {
		p.transport = &cassette.Recorder{Transport: p.transport, Writer: o.Record, Redactor: o.Redactor, Operation: operationOf,
			Written: func(req *http.Request, ex *cassette.Exchange) {
				if slot, ok := req.Context().Value(seqKey{}).(*int); ok {
					*slot = ex.Seq
				}
			}}
	}
	return p, nil
}

// operationOf names the operation of a request and whether it is a call
// of the fake's control API.
func operationOf(r *http.Request) (string, bool) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		return "", true
	}
	return traffic.Operation(r.Method, r.URL.EscapedPath()), false
}

// seqKey holds, in a request's context, where the recorder puts the seq
// the cassette gave its exchange.
type seqKey struct{}

// controlPrefix is where the fake's control API lives: forwarded, never
// checked.
const controlPrefix = "/_ivsrt/"

// maxBody bounds a request body the proxy holds to check and forward.
const maxBody = cassette.MaxBody

// hopHeaders are the headers of one connection, not of the request
// (RFC 9110, 7.6.1): they are not forwarded.
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// ServeHTTP forwards one request and its answer.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		// Refused in AWS's form, as the fake refuses a body past its limit.
		p.count(func(s *Stats) { s.Requests++; s.Errors++ })
		wire.WriteError(w, wire.SerializationError("Request body could not be read whole, or is larger than %d bytes", maxBody))
		return
	}
	op, control := operationOf(r)
	p.count(func(s *Stats) { s.Requests++ })
	// An exchange is named by its seq: the cassette's when recording, so
	// a log line points at its line of the cassette; else the proxy's
	// count of the requests answered.
	seq := new(int)
	r = r.WithContext(context.WithValue(r.Context(), seqKey{}, seq))
	if p.opts.Strict && !control && op != "" {
		if ref := p.opts.Checker.Request(op, r, body); ref != nil {
			p.refuse(w, r, op, body, ref, start, seq)
			return
		}
	}
	out, err := p.outgoing(r, body)
	if err != nil {
		p.count(func(s *Stats) { s.Errors++ })
		badGateway(w, "ivsrt proxy: "+err.Error())
		return
	}
	if p.opts.Serial {
		p.serial.Lock()
	}
	resp, err := p.transport.RoundTrip(out)
	if p.opts.Serial {
		p.serial.Unlock()
	}
	if p.opts.Record == nil {
		p.mu.Lock()
		p.seq++
		*seq = p.seq
		p.mu.Unlock()
	}
	if err != nil {
		p.count(func(s *Stats) { s.Errors++ })
		p.logf("ivsrt proxy: %s %s: the upstream gave no answer: %v", r.Method, r.URL.RequestURI(), err)
		badGateway(w, "ivsrt proxy: the upstream gave no answer: "+err.Error())
		return
	}
	defer resp.Body.Close()
	answer, rerr := io.ReadAll(resp.Body)
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = vs
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
	if rerr != nil || control || op == "" || p.opts.Checker == nil {
		return
	}
	// The client has its answer before the checks run: they add to the
	// proxy's work, not to the request's time. Wait waits for them.
	p.checks.Add(1)
	defer p.checks.Done()
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	ex := &cassette.Exchange{Seq: *seq, Operation: op, Start: start.UTC(), Duration: cassette.Millis(time.Since(start)),
		Request:  cassette.Request{Method: r.Method, URI: r.URL.RequestURI(), Header: r.Header, Body: string(body)},
		Response: cassette.Response{Status: resp.StatusCode, Header: resp.Header, Body: string(answer)}}
	p.check(ex)
}

// outgoing is the request as it goes upstream: the same method, path,
// query, headers and body, to the upstream's host, signed again when the
// proxy signs.
func (p *Proxy) outgoing(r *http.Request, body []byte) (*http.Request, error) {
	u := *p.opts.Upstream
	u.Path = strings.TrimSuffix(u.Path, "/") + r.URL.Path
	u.RawPath = ""
	if r.URL.RawPath != "" {
		u.RawPath = strings.TrimSuffix(p.opts.Upstream.EscapedPath(), "/") + r.URL.RawPath
	}
	u.RawQuery = r.URL.RawQuery
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	out.Header = r.Header.Clone()
	for _, k := range hopHeaders {
		out.Header.Del(k)
	}
	out.ContentLength = int64(len(body))
	if len(body) == 0 && r.ContentLength <= 0 {
		out.Body = http.NoBody
	}
	if p.opts.Sign != nil && !strings.HasPrefix(r.URL.Path, controlPrefix) {
		if err := p.opts.Sign.sign(r.Context(), out, body); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// refuse answers a request the spec refuses as the fake would, and
// records it: the upstream never sees it.
func (p *Proxy) refuse(w http.ResponseWriter, r *http.Request, op string, body []byte, ref *traffic.Refusal, start time.Time, seq *int) {
	for k, vs := range ref.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(ref.Status)
	_, _ = w.Write(ref.Body)
	p.count(func(s *Stats) { s.Refused++ })
	if p.opts.Record != nil {
		ex := cassette.Exchange{Operation: op, Start: start.UTC(), Duration: cassette.Millis(time.Since(start)),
			Request:  cassette.Request{Method: r.Method, URI: r.URL.RequestURI(), Header: r.Header.Clone(), Body: string(body)},
			Response: cassette.Response{Status: ref.Status, Header: ref.Header.Clone(), Body: string(ref.Body)},
			Error:    "refused by ivsrt proxy -strict; not sent upstream"}
		if p.opts.Redactor != nil {
			p.opts.Redactor.Exchange(&ex)
		}
		_ = p.opts.Record.Append(&ex)
		*seq = ex.Seq
	} else {
		p.mu.Lock()
		p.seq++
		*seq = p.seq
		p.mu.Unlock()
	}
	p.logf("REFUSED #%d %s (strict): %d %s: %s", *seq, op, ref.Status, ref.ErrorType, ref.Message)
}

// check judges one exchange, logs each violation and keeps the findings.
func (p *Proxy) check(ex *cassette.Exchange) {
	p.count(func(s *Stats) { s.Checked++ })
	fs := p.opts.Checker.Exchange(ex)
	p.mu.Lock()
	for _, f := range fs {
		switch {
		case f.Note:
			p.stats.Notes++
		case f.Confirms:
			p.stats.Confirmed++
		default:
			p.stats.Violations++
		}
	}
	p.findings = append(p.findings, fs...)
	p.mu.Unlock()
	for _, f := range fs {
		if !f.Confirms {
			p.logf("%s", ViolationLine(f))
		}
	}
}

// badGateway answers 502, as any reverse proxy does, with the reason
// where an SDK shows an error's message (a JSON body's message).
func badGateway(w http.ResponseWriter, msg string) {
	body, _ := json.Marshal(map[string]string{"message": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = w.Write(body)
}

// ViolationLine is a violation's line in the proxy's log (or a note's,
// NOTE for VIOLATION): the exchange, the check, what was seen, and the
// rule of contract.md with its source.
func ViolationLine(f traffic.Finding) string {
	kind := "VIOLATION"
	if f.Note {
		kind = "NOTE"
	}
	line := fmt.Sprintf("%s #%d %s: %s", kind, f.Seq, f.Check, f.Message)
	if f.Rule != nil {
		line += fmt.Sprintf(" [%s, %s: %s]", f.Rule.ID(), f.Rule.Source, f.Rule.Text)
	}
	return line
}

func (p *Proxy) logf(format string, args ...any) {
	if p.opts.Log == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.opts.Log, format+"\n", args...)
}

func (p *Proxy) count(fn func(*Stats)) {
	p.mu.Lock()
	fn(&p.stats)
	p.mu.Unlock()
}

// Wait waits for the checks of the exchanges already answered: a client
// has its answer before its exchange is checked.
func (p *Proxy) Wait() { p.checks.Wait() }

// Stats are the counts so far.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// Findings are every finding so far, in the order they were made.
func (p *Proxy) Findings() []traffic.Finding {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]traffic.Finding(nil), p.findings...)
}

// Violations are the findings that break a rule, in order.
func (p *Proxy) Violations() []traffic.Finding {
	var out []traffic.Finding
	for _, f := range p.Findings() {
		if !f.Confirms && !f.Note {
			out = append(out, f)
		}
	}
	return out
}

// Signer signs requests again for the upstream with SigV4: the client's
// signature covered the proxy's address, not the upstream's.
type Signer struct {
	Credentials aws.CredentialsProvider
	Service     string // the signing name, ivs
	// Region signs a request whose client gave none (no SigV4
	// Authorization); "" refuses such a request.
	Region string

	once   sync.Once
	signer *v4.Signer
}

// NewSigner signs with the credentials of the standard AWS chain
// (environment, shared files, SSO, container and instance roles), as
// aws-sdk-go-v2's config loads them. region is the fallback region.
func NewSigner(ctx context.Context, service, region string) (*Signer, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("proxy: loading AWS credentials: %w", err)
	}
	if region == "" {
		region = cfg.Region
	}
	return &Signer{Credentials: cfg.Credentials, Service: service, Region: region}, nil
}

// sign replaces the client's signature of req with one of the signer's
// credentials, for req's host, the signer's service and the region of the
// client's credential scope.
func (s *Signer) sign(ctx context.Context, req *http.Request, body []byte) error {
	region := traffic.RegionOf(req.Header.Get("Authorization"))
	if region == "" {
		region = s.Region
	}
	if region == "" {
		return fmt.Errorf("cannot sign again: the request has no SigV4 credential scope to take the region from")
	}
	if s.Credentials == nil {
		return fmt.Errorf("cannot sign again: no AWS credentials")
	}
	creds, err := s.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("AWS credentials: %w", err)
	}
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"} {
		req.Header.Del(h)
	}
	s.once.Do(func() { s.signer = v4.NewSigner() })
	req.Host = req.URL.Host
	return s.signer.SignHTTP(ctx, creds, req, payloadHash(body), s.Service, region, time.Now().UTC())
}

// IsLoopback reports whether u's host is a loopback address or localhost:
// `ivsrt proxy -sign auto` signs again only for any other.
func IsLoopback(u *url.URL) bool {
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// SortedChecks are the checks of findings with their counts of
// violations and confirmations, by name.
func SortedChecks(fs []traffic.Finding) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range fs {
		if !seen[f.Check] {
			seen[f.Check] = true
			out = append(out, f.Check)
		}
	}
	sort.Strings(out)
	return out
}
