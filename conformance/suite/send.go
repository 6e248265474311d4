package suite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Exchange is one request and its answer.
type Exchange struct {
	Op     string
	Method string
	Target string // path and query string, as sent
	// Bound are the request headers members are bound to, as sent.
	Bound    http.Header
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
// and put in the URL (path-escaped, lists as repeated parameters), those it
// binds to headers in headers; what is left is the body, or no body at all
// when op has none and nothing is left.
func (r *Runner) send(ctx context.Context, op *Operation, body string) (*Exchange, error) {
	path, query, bound, payload, hasBody := r.bind(op, body)
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
	for name, vs := range bound {
		req.Header[name] = vs
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
	ex := &Exchange{Op: op.Name, Method: op.method(), Target: strings.TrimPrefix(target, r.target.Endpoint), Bound: bound, Body: payload, Sent: sent, Status: resp.StatusCode, Header: resp.Header,
		Resp: data, Request: req, Duration: time.Since(sent)}
	if resp.StatusCode != http.StatusOK {
		ex.ErrType = errorType(resp.Header.Get("x-amzn-ErrorType"))
		var e struct {
			ExceptionMessage string `json:"exceptionMessage"`
		}
		if json.Unmarshal(data, &e) == nil {
			ex.Message = e.ExceptionMessage
		}
	}
	for _, fn := range r.observers {
		fn(ex)
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

// requestLine renders the request for a report: the headers members are
// bound to go between the target and the body.
func (ex *Exchange) requestLine() string {
	if ex.Method == "" { // never sent
		return ex.Op + " " + shorten(ex.Body)
	}
	line := ex.Method + " " + ex.Target
	for _, name := range slices.Sorted(maps.Keys(ex.Bound)) {
		for _, v := range ex.Bound[name] {
			line += " [" + name + ": " + shorten(v) + "]"
		}
	}
	return line + " " + shorten(ex.Body)
}

// bind splits a case's body into the URL, the headers and the body op
// sends. A body that is not a JSON object goes as it is (it is the body
// under test), its labels taken from their samples and no header set.
// Without labels, query or header members the body goes unchanged, byte
// for byte.
func (r *Runner) bind(op *Operation, body string) (path, query string, header http.Header, payload string, hasBody bool) {
	if len(op.Labels)+len(op.Query)+len(op.Headers) == 0 && (op.Body || op.Method == "") {
		return op.Path, "", nil, body, true
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
	for _, b := range op.Headers {
		x, ok := obj[b.Member]
		if !ok {
			continue
		}
		delete(obj, b.Member)
		if x == nil { // null is no value: the header is left out
			continue
		}
		if header == nil {
			header = http.Header{}
		}
		header.Set(b.Name, text(x))
	}
	switch {
	case obj == nil:
		return path, query, header, body, true
	case len(obj) == 0 && !op.Body:
		return path, query, header, "", false
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return path, query, header, body, true
	}
	return path, query, header, string(out), true
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
func (ex *Exchange) responseLine(sensitive []string) string {
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
