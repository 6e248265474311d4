package wire

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
)

// NewListener wraps ln so that the requests net/http refuses itself, before
// any handler runs, are answered in AWS's form too: 400, x-amzn-ErrorType
// SerializationException, x-amzn-RequestId and a JSON body whose message
// says what was wrong, where net/http writes a plain-text status line
// straight to the connection. It rewrites those answers, and only those:
//
//   - a malformed request line or header line, a bad Host header, a
//     missing Host on HTTP/1.1 (Go's 400);
//   - header fields larger than the server's MaxHeaderBytes (Go's 431);
//   - a Transfer-Encoding other than chunked (Go's 501);
//   - an HTTP version other than 1.0 and 1.1 (Go's 505);
//   - an Expect header other than 100-continue (Go's 417).
//
// All become 400s: they are bad input, and bad input never gets a 5xx.
// So does a request whose headers began but did not end within the
// server's ReadHeaderTimeout: net/http answers such a stall inside a
// header name (it parses the partial line) and closes silently on one
// inside a header value, so the listener answers both the same way. A
// connection closed mid-request, or idle between requests, stays
// unanswered, and OPTIONS * gets net/http's own empty 200.
func NewListener(ln net.Listener) net.Listener { return listener{ln} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c}, nil
}

type conn struct {
	net.Conn
	// Where the reading stands in the current request's header: headerNone
	// until a byte of it arrives, headerDone from the blank line that ends
	// it until the next answer is written. The others track that blank line
	// across reads.
	header headerState
	// answered: the listener answered a stalled header itself; net/http's
	// own answer to the same request, if any, is dropped.
	answered bool
}

type headerState uint8

const (
	headerNone headerState = iota
	headerLine             // inside a line
	headerLF               // just after a line's \n
	headerLFCR             // after \n\r
	headerDone
)

// Read follows the header's progress so that a deadline hit inside it can
// be answered. net/http reads from one goroutine per connection and writes
// its answers from that same goroutine, so the state needs no lock.
func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if c.header != headerDone {
		for _, b := range p[:n] {
			c.header = nextHeaderState(c.header, b)
			if c.header == headerDone {
				break
			}
		}
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() && c.header != headerNone && c.header != headerDone && !c.answered {
		c.answered = true
		_, _ = c.Conn.Write(refusal("Request headers did not arrive within the server's read timeout: send the whole header without pausing"))
	}
	return n, err
}

// nextHeaderState reads one byte of a header. A line ends in \n (net/http
// accepts a bare \n as well as \r\n), and an empty line ends the header.
func nextHeaderState(s headerState, b byte) headerState {
	switch {
	case b == '\n' && (s == headerLF || s == headerLFCR):
		return headerDone
	case b == '\n' && s != headerNone:
		return headerLF
	case b == '\n':
		// A blank line before the request line: net/http refuses it, and
		// no header has begun.
		return headerNone
	case b == '\r' && s == headerLF:
		return headerLFCR
	}
	return headerLine
}

// CloseWrite keeps net/http's half-close after a 431 (it looks for the
// method on the connection).
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Write passes everything through but net/http's own refusals. Each of
// those is one Write between two requests (net/http formats it in one
// call), so it is never confused with part of a handler's answer: those
// always carry x-amzn-RequestId and JSON, never the plain-text headers
// below.
//
// An answer, other than 100 Continue, ends the request: the next byte read
// begins another one's header.
func (c *conn) Write(p []byte) (int, error) {
	if c.answered {
		return len(p), nil
	}
	if !bytes.HasPrefix(p, []byte("HTTP/1.1 100 ")) {
		c.header = headerNone
	}
	msg, ok := goRefusal(p)
	if !ok {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(refusal(msg)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// refusal is a whole 400 answer in AWS's form that closes the connection.
func refusal(msg string) []byte {
	body := errorBody(msg)
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n%s: SerializationException\r\n%s: %s\r\n\r\n",
		len(body), HeaderErrorType, HeaderRequestID, NewRequestID())
	b.Write(body)
	return b.Bytes()
}

// goPlainHeaders is how net/http's refusals end their headers.
const goPlainHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// goRefusal recognises an answer net/http wrote itself and returns the
// message for AWS's form of it.
func goRefusal(p []byte) (string, bool) {
	const proto = "HTTP/1.1 "
	if len(p) < len(proto)+3 || string(p[:len(proto)]) != proto {
		return "", false
	}
	code, err := strconv.Atoi(string(p[len(proto) : len(proto)+3]))
	if err != nil {
		return "", false
	}
	if code == http.StatusExpectationFailed && !bytes.Contains(p, []byte(HeaderRequestID)) {
		return "Expect header is not supported: send Expect: 100-continue or none", true
	}
	_, text, found := bytes.Cut(p, []byte(goPlainHeaders))
	if !found {
		return "", false
	}
	switch code {
	case http.StatusRequestHeaderFieldsTooLarge:
		return "Request header fields are larger than the server accepts", true
	case http.StatusNotImplemented:
		return "Transfer-Encoding is not supported: send the body with Content-Length or Transfer-Encoding chunked", true
	case http.StatusHTTPVersionNotSupported:
		return "HTTP version is not supported: send HTTP/1.1", true
	}
	// "400 Bad Request" or "400 Bad Request: missing required Host header":
	// net/http's reasons are its own fixed words, never the client's input.
	prefix := []byte(strconv.Itoa(code) + " " + http.StatusText(code))
	reason := bytes.TrimPrefix(bytes.TrimPrefix(text, prefix), []byte(": "))
	if len(reason) == 0 || bytes.Equal(reason, text) {
		return "Request is not valid HTTP/1.1", true
	}
	return "Request is not valid HTTP/1.1: " + string(reason), true
}
