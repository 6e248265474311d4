package suite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/ivsrt/contract/fakes/ivscontrol"
)

// Target is the implementation under test.
type Target struct {
	// Endpoint is the base URL, e.g. https://ivsrealtime.us-east-1.amazonaws.com
	// or http://127.0.0.1:4566. Each operation is its method on {Endpoint}{path}.
	Endpoint string
	// Region signs the requests and goes into the identifiers the cases
	// make up. Default us-east-1.
	Region string
	// Credentials sign the requests. Default: the SDK's standard chain
	// (environment, shared files, ...), falling back to static dummy
	// credentials when it has none; an ivsrt fake gets the dummies
	// directly, since fakes do not check signatures.
	Credentials aws.CredentialsProvider
	// HTTPClient sends the requests. Default: a client with a 30 s timeout.
	HTTPClient *http.Client
	// Seeder makes participants join, publish, record and leave. Cases
	// that need live participants are skipped when it is nil.
	Seeder Seeder
	// StorageConfigurationArn is the storage configuration the cases that
	// record point stages at. Default: a made-up ARN of the target's own
	// region and account, which a fake takes; the real service wants one
	// that exists.
	StorageConfigurationArn string
}

// DefaultRegion is the region used when a Target names none.
const DefaultRegion = "us-east-1"

// Seeder makes participants join a stage and act in it, which no AWS
// operation can do (on AWS, clients join through the WebRTC SDKs). The
// methods mirror an ivsrt fake's control API.
type Seeder interface {
	// Join makes the participant of a token CreateStage issued join its stage.
	Join(ctx context.Context, token string) (Joined, error)
	// Publish makes a joined participant publish.
	Publish(ctx context.Context, p Joined) error
	// StartRecording moves a participant's recording to ACTIVE.
	StartRecording(ctx context.Context, p Joined) error
	// Leave makes a participant leave.
	Leave(ctx context.Context, p Joined) error
}

// RecordingSetter is a Seeder that can also move a participant's recording
// to any state (STOPPED or FAILED, say), also after the participant left
// while its recording was STOPPING. Without one, the seeded session has no
// STOPPED-after-recording or FAILED participants.
type RecordingSetter interface {
	SetRecording(ctx context.Context, p Joined, state string) error
}

// QuotaSetter is a Seeder that can also set the account's stage quota,
// which no AWS operation can (an ivsrt fake's POST /_ivsrt/quota). It
// returns the quota it replaced. Without one, the quota case is skipped.
type QuotaSetter interface {
	SetStageQuota(ctx context.Context, quota int) (previous int, err error)
}

// Joined names a participant in a stage's session.
type Joined struct {
	StageArn      string
	SessionID     string
	ParticipantID string
}

// dummyCredentials are what a fake gets: it does not check signatures.
var dummyCredentials = credentials.NewStaticCredentialsProvider("AKIDIVSRTCONFORM", "ivsrt-conformance-secret", "")

// IsFake reports whether the endpoint answers GET /_ivsrt/ as an ivsrt fake.
//
// Deprecated: the probe lives with the control API; use ivscontrol.IsFake.
func IsFake(ctx context.Context, endpoint string, hc *http.Client) bool {
	return ivscontrol.IsFake(ctx, endpoint, hc)
}

// resolve fills in the defaults of a target.
func resolve(ctx context.Context, t Target) (Target, error) {
	if t.Endpoint == "" {
		return t, fmt.Errorf("suite: the target needs an endpoint")
	}
	u, err := url.Parse(t.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return t, fmt.Errorf("suite: endpoint %q is not an http(s) URL", t.Endpoint)
	}
	t.Endpoint = strings.TrimSuffix(t.Endpoint, "/")
	if t.Region == "" {
		t.Region = DefaultRegion
	}
	if t.HTTPClient == nil {
		t.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if t.Credentials == nil {
		t.Credentials = defaultCredentials(ctx, t)
	}
	t.Credentials = aws.NewCredentialsCache(t.Credentials)
	return t, nil
}

// defaultCredentials takes the SDK's standard chain, unless the target is on
// this machine (an ivsrt fake or another local implementation: no AWS
// endpoint is on loopback, and local fakes take any signature) or the chain
// has nothing to give.
func defaultCredentials(ctx context.Context, t Target) aws.CredentialsProvider {
	if isLoopback(t.Endpoint) || ivscontrol.IsFake(ctx, t.Endpoint, t.HTTPClient) {
		return dummyCredentials
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(t.Region))
	if err != nil || cfg.Credentials == nil {
		return dummyCredentials
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(rctx); err != nil {
		return dummyCredentials
	}
	return cfg.Credentials
}

// isLoopback reports whether an endpoint's host is a loopback address.
func isLoopback(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// exchange is one request and its answer.
type exchange struct {
	Op       string
	Method   string
	Target   string // path and query string, as sent
	Body     string // as sent
	Sent     time.Time
	Status   int
	Header   http.Header
	Resp     []byte
	ErrType  string // x-amzn-ErrorType without any ":..." suffix
	Message  string // exceptionMessage (or message)
	Request  *http.Request
	Duration time.Duration
}

// maxResponseBytes bounds what the suite reads of an answer.
const maxResponseBytes = 4 << 20

// send signs and sends one request of op. body is the case's JSON body:
// members op binds to path labels and the query string are taken out of it
// and put in the URL (path-escaped, lists as repeated parameters); what is
// left is the body, or no body at all when op has none and nothing is left.
func (r *Runner) send(ctx context.Context, op *Operation, body string) (*exchange, error) {
	path, query, payload, hasBody := r.bind(op, body)
	target := r.target.Endpoint + path
	if query != "" {
		target += "?" + query
	}
	var rd io.Reader
	if hasBody {
		rd = strings.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, op.method(), target, rd)
	if err != nil {
		return nil, err
	}
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "ivsrt-conformance")
	creds, err := r.target.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	// The signature covers the request as it goes: method, final path,
	// query string and the body actually sent (empty when there is none).
	sum := sha256.Sum256([]byte(payload))
	sent := time.Now()
	if err := r.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), r.suite.Contract.SigningName, r.target.Region, sent); err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	resp, err := r.target.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	ex := &exchange{Op: op.Name, Method: op.method(), Target: strings.TrimPrefix(target, r.target.Endpoint), Body: payload, Sent: sent, Status: resp.StatusCode, Header: resp.Header,
		Resp: data, Request: req, Duration: time.Since(sent)}
	if op.Name == createOperation && resp.StatusCode == http.StatusOK {
		r.created.note(r.suite.Contract.RunTagKey, r.vars["runId"], data)
	}
	if op.Name == deleteStage.Name && resp.StatusCode == http.StatusOK {
		r.created.noteDeleted(payload)
	}
	if resp.StatusCode == http.StatusOK {
		r.createdStorage.observe(op.Name, payload, data)
	}
	if resp.StatusCode != http.StatusOK {
		ex.ErrType = errorType(resp.Header.Get("x-amzn-ErrorType"))
		var e struct {
			ExceptionMessage string `json:"exceptionMessage"`
		}
		if json.Unmarshal(data, &e) == nil {
			ex.Message = e.ExceptionMessage
		}
	}
	return ex, nil
}

// errorType strips what AWS may append to the error type header
// ("ValidationException:http://internal.amazon.com/...").
func errorType(h string) string {
	if i := strings.IndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	return strings.TrimSpace(h)
}

// maxShown bounds how much of a body a report repeats.
const maxShown = 300

// requestLine renders the request for a report.
func (ex *exchange) requestLine() string {
	if ex.Method == "" { // never sent
		return ex.Op + " " + shorten(ex.Body)
	}
	return ex.Method + " " + ex.Target + " " + shorten(ex.Body)
}

// bind splits a case's body into the URL and the body op sends. A body
// that is not a JSON object goes as it is (it is the body under test), its
// labels taken from their samples. Without labels or query members the
// body goes unchanged, byte for byte.
func (r *Runner) bind(op *Operation, body string) (path, query, payload string, hasBody bool) {
	if len(op.Labels)+len(op.Query) == 0 && (op.Body || op.Method == "") {
		return op.Path, "", body, true
	}
	var obj map[string]any
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber() // numbers go back out as written
	if dec.Decode(&obj) != nil || obj == nil || dec.More() {
		obj = nil
	}
	path = op.Path
	for _, l := range op.Labels {
		v := l.Sample
		if obj != nil {
			if x, ok := obj[l.Member]; ok {
				v = text(x)
				delete(obj, l.Member)
			}
		}
		v, _ = r.expand(v)
		path = strings.Replace(path, "{"+l.Name+"}", url.PathEscape(v), 1)
	}
	q := url.Values{}
	for _, b := range op.Query {
		x, ok := obj[b.Member]
		if !ok {
			continue
		}
		delete(obj, b.Member)
		switch x := x.(type) {
		case nil: // null is no value: the parameter is left out
		case []any:
			for _, e := range x {
				q.Add(b.Name, text(e))
			}
		default:
			q.Add(b.Name, text(x))
		}
	}
	query = q.Encode()
	switch {
	case obj == nil:
		return path, query, body, true
	case len(obj) == 0 && !op.Body:
		return path, query, "", false
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return path, query, body, true
	}
	return path, query, string(out), true
}

// text is a JSON value as it goes in a URL: strings as they are, anything
// else as its JSON text.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// responseLine renders the answer for a report, without the values of
// sensitive members.
func (ex *exchange) responseLine(sensitive []string) string {
	s := fmt.Sprintf("%d", ex.Status)
	if ex.ErrType != "" {
		s += " " + ex.ErrType
	}
	return s + " " + shorten(string(redact(bytes.TrimSpace(ex.Resp), sensitive)))
}

// redact replaces the values of the named members, at any depth, with
// "<redacted>". A body that is not JSON is shown as it is.
func redact(body []byte, names []string) []byte {
	if len(names) == 0 || !bytes.ContainsAny(body, "{") {
		return body
	}
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if slices.Contains(names, k) {
					x[k] = "<redacted>"
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if enc.Encode(doc) != nil {
		return body
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n"))
}

func shorten(s string) string {
	r := []rune(s)
	if len(r) <= maxShown {
		return s
	}
	return string(r[:maxShown]) + fmt.Sprintf("... (%d characters)", len(r))
}

func newSigner() *v4.Signer { return v4.NewSigner() }
