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
// What net/http closes without an answer (a request whose headers do not
// arrive within ReadHeaderTimeout, a connection closed mid-request) stays
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

type conn struct{ net.Conn }

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
func (c *conn) Write(p []byte) (int, error) {
	msg, ok := goRefusal(p)
	if !ok {
		return c.Conn.Write(p)
	}
	body := errorBody(msg)
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n%s: SerializationException\r\n%s: %s\r\n\r\n",
		len(body), HeaderErrorType, HeaderRequestID, NewRequestID())
	b.Write(body)
	if _, err := c.Conn.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
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
