package cassette

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// MaxBody bounds the body of a request or answer a Recorder keeps: the
// API's bodies are far smaller, and a recorder must not hold without end
// what a broken peer sends. A longer body still goes through whole; the
// cassette keeps its first MaxBody bytes and says so in the exchange's
// error.
const MaxBody = 8 << 20

// Recorder is an http.RoundTripper that writes each exchange it carries
// to a cassette, redacted. `ivsrt proxy -record` forwards through one; a
// test records an SDK's traffic by giving the SDK's HTTP client one.
type Recorder struct {
	Transport http.RoundTripper // http.DefaultTransport when nil
	Writer    *Writer
	Redactor  *Redactor // nil keeps everything (only for tests of redaction itself)
	// Operation names the operation a request was routed to, and whether
	// it is a control call; nil records no operation.
	Operation func(r *http.Request) (op string, control bool)
	Now       func() time.Time // time.Now when nil
	// Written, when set, is called with each exchange once it is written
	// (redacted, its Seq set), with the request it recorded: a proxy
	// names an exchange in its log by the seq the cassette gives it.
	Written func(req *http.Request, ex *Exchange)
}

// RoundTrip sends req and records it with its answer. The answer's body
// is read whole and handed on unchanged.
func (rec *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	now := rec.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	ex := Exchange{Start: start.UTC(), Request: Request{Method: req.Method, URI: req.URL.RequestURI(), Header: req.Header.Clone()}}
	if rec.Operation != nil {
		ex.Operation, ex.Control = rec.Operation(req)
	}
	var notes []string
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		ex.Request.Body, notes = keep(body, "request", notes)
	}
	t := rec.Transport
	if t == nil {
		t = http.DefaultTransport
	}
	resp, err := t.RoundTrip(req)
	if err != nil {
		ex.Duration = Millis(now().Sub(start))
		ex.Error = err.Error()
		rec.write(req, &ex)
		return nil, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	ex.Duration = Millis(now().Sub(start))
	ex.Response = Response{Status: resp.StatusCode, Header: resp.Header.Clone()}
	ex.Response.Body, notes = keep(body, "answer", notes)
	if rerr != nil {
		notes = append(notes, "the answer's body broke off: "+rerr.Error())
	}
	if len(notes) > 0 {
		ex.Error = strings.Join(notes, "; ")
	}
	if werr := rec.write(req, &ex); werr != nil {
		return resp, nil // the client still gets its answer; Writer.Err tells
	}
	if rerr != nil {
		return nil, rerr
	}
	return resp, nil
}

func keep(body []byte, what string, notes []string) (string, []string) {
	if len(body) > MaxBody {
		return string(body[:MaxBody]), append(notes, fmt.Sprintf("the %s's body of %d bytes is kept to its first %d", what, len(body), MaxBody))
	}
	return string(body), notes
}

func (rec *Recorder) write(req *http.Request, ex *Exchange) error {
	if rec.Redactor != nil {
		rec.Redactor.Exchange(ex)
	}
	if rec.Writer == nil {
		return errors.New("cassette: a Recorder without a Writer")
	}
	if err := rec.Writer.Append(ex); err != nil {
		return err
	}
	if rec.Written != nil {
		rec.Written(req, ex)
	}
	return nil
}

// Err is the error that stopped the writer, if any: a recorder keeps
// carrying traffic when its cassette cannot be written, and its owner
// reports this at the end.
func (cw *Writer) Err() error {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	return cw.err
}
