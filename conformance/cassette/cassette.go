// Package cassette is the recording `ivsrt proxy -record` writes and
// `ivsrt drift` replays: every exchange between a client and an IVS
// Real-Time endpoint, in order, with its timing, secrets redacted.
//
// A cassette is JSON Lines: a header line, then one line per exchange,
// written as each is answered, so a proxy stopped at any point leaves
// every exchange it finished readable. docs/cassette.md describes the
// format; Version changes whenever a reader of the previous version
// would misread a new cassette.
package cassette

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Format is the header's format member: what the file is.
const Format = "ivsrt-cassette"

// Version is the version of the format this package writes and reads.
const Version = 1

// Header is a cassette's first line.
type Header struct {
	Format   string    `json:"format"`
	Version  int       `json:"version"`
	Recorded time.Time `json:"recorded"`           // when recording began
	Upstream string    `json:"upstream,omitempty"` // the endpoint the exchanges went to: scheme and host
	Region   string    `json:"region,omitempty"`   // the clients' region, where known
	API      string    `json:"api,omitempty"`      // the spec version the recorder checked against
	Tool     string    `json:"tool,omitempty"`     // the recorder and its version
	// Redacted says what was taken out: "authorization",
	// "security-token", "token-signatures", "sensitive-members",
	// "accounts" (see Redactor).
	Redacted []string `json:"redacted"`
}

// Exchange is one request and its answer.
type Exchange struct {
	Seq int `json:"seq"` // from 1, in the order answers were written
	// Operation is the API operation the request was routed to, "" for a
	// request that matched none (or a control call).
	Operation string `json:"operation,omitempty"`
	// Control is set for a call of the fake's control API (/_ivsrt/...).
	Control  bool      `json:"control,omitempty"`
	Start    time.Time `json:"start"`
	Duration Millis    `json:"durationMs"`
	Request  Request   `json:"request"`
	Response Response  `json:"response"`
	// Error is set when no answer came (the upstream could not be
	// reached, say); Response is then what the client was given.
	Error string `json:"error,omitempty"`
}

// Request is a request as the client sent it (secrets redacted).
type Request struct {
	Method string      `json:"method"`
	URI    string      `json:"uri"` // path and query string, as sent
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
}

// Response is the answer as the client got it (secrets redacted).
type Response struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
}

// Millis is a duration written as fractional milliseconds.
type Millis time.Duration

func (d Millis) MarshalJSON() ([]byte, error) {
	return json.Marshal(float64(d) / float64(time.Millisecond))
}

func (d *Millis) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("durationMs: %w", err)
	}
	*d = Millis(f * float64(time.Millisecond))
	return nil
}

// Cassette is a cassette read whole.
type Cassette struct {
	Header    Header
	Exchanges []Exchange
}

// Writer appends exchanges to a cassette. It is safe for concurrent use:
// each exchange is one line, written whole.
type Writer struct {
	mu  sync.Mutex
	w   *bufio.Writer
	seq int
	err error
}

// NewWriter writes h (with Format and Version set) as the first line.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	h.Format, h.Version = Format, Version
	if h.Redacted == nil {
		h.Redacted = []string{}
	}
	cw := &Writer{w: bufio.NewWriter(w)}
	if err := cw.line(h); err != nil {
		return nil, err
	}
	return cw, nil
}

// Write numbers ex and appends it. After a failed write every later one
// fails with the same error.
func (cw *Writer) Write(ex Exchange) error { return cw.Append(&ex) }

// Append numbers ex (setting its Seq) and appends it, as Write does.
func (cw *Writer) Append(ex *Exchange) error {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if cw.err != nil {
		return cw.err
	}
	cw.seq++
	ex.Seq = cw.seq
	return cw.line(ex)
}

// line writes v as one line and flushes it, so that what was answered is
// on disk however the recorder ends.
func (cw *Writer) line(v any) error {
	b, err := json.Marshal(v)
	if err == nil {
		b = append(b, '\n')
		if _, err = cw.w.Write(b); err == nil {
			err = cw.w.Flush()
		}
	}
	if err != nil {
		cw.err = fmt.Errorf("cassette: %w", err)
	}
	return cw.err
}

// maxLine bounds one line of a cassette: an answer of the API is far
// smaller (a page of 100 items), so a longer line is not a cassette's.
const maxLine = 64 << 20

// Read reads a whole cassette. It refuses a file that is not a cassette,
// one of another version, and a line that is not an exchange, naming the
// line.
func Read(r io.Reader) (*Cassette, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	c := &Cassette{}
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if n == 1 {
			if err := json.Unmarshal(line, &c.Header); err != nil || c.Header.Format != Format {
				return nil, errors.New("cassette: line 1 is not the header of an ivsrt cassette (format " + Format + ")")
			}
			if c.Header.Version != Version {
				return nil, fmt.Errorf("cassette: version %d; this ivsrt reads version %d", c.Header.Version, Version)
			}
			continue
		}
		var ex Exchange
		// Members this version does not know are ignored: a later
		// version may add some without changing what these mean.
		if err := json.Unmarshal(line, &ex); err != nil {
			return nil, fmt.Errorf("cassette: line %d: not an exchange: %v", n, err)
		}
		if ex.Request.Method == "" || ex.Request.URI == "" {
			return nil, fmt.Errorf("cassette: line %d: an exchange without its request's method and URI", n)
		}
		c.Exchanges = append(c.Exchanges, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cassette: line %d: %w", n+1, err)
	}
	if n == 0 {
		return nil, errors.New("cassette: empty file; a cassette starts with its header line")
	}
	return c, nil
}
