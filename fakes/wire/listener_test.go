package wire

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestListenerGivesGoRefusalsAWSForm sends requests net/http refuses
// before any handler runs; through NewListener each gets a 400 in AWS's
// form instead of Go's plain text (one of them a 505).
func TestListenerGivesGoRefusalsAWSForm(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetRequestID(w)
		WriteJSON(w, struct{}{})
	}))
	srv.Config.MaxHeaderBytes = 1 << 10
	srv.Listener = NewListener(srv.Listener)
	srv.Start()
	defer srv.Close()

	for _, tc := range []struct{ name, request, message string }{
		{"bad header line", "POST /X HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", "Request is not valid HTTP/1.1"},
		{"bad request line", "POST\r\n\r\n", "Request is not valid HTTP/1.1"},
		{"bad URL", "POST %zz HTTP/1.1\r\nHost: x\r\n\r\n", "Request is not valid HTTP/1.1"},
		{"bad version", "POST /X HTTP/9.9\r\nHost: x\r\n\r\n", "HTTP version is not supported: send HTTP/1.1"},
		{"no Host", "POST /X HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "Request is not valid HTTP/1.1: missing required Host header"},
		{"two Hosts", "POST /X HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "Request is not valid HTTP/1.1"},
		{"bad header name", "POST /X HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", "Request is not valid HTTP/1.1: invalid header name"},
		{"bad Content-Length", "POST /X HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", "Request is not valid HTTP/1.1"},
		{"headers too large", "POST /X HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 8<<10) + "\r\n\r\n", "Request header fields are larger than the server accepts"},
		{"unknown Transfer-Encoding", "POST /X HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "Transfer-Encoding is not supported: send the body with Content-Length or Transfer-Encoding chunked"},
		{"unknown Expect", "POST /X HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 0\r\n\r\n", "Expect header is not supported: send Expect: 100-continue or none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
			_, err = io.WriteString(conn, tc.request)
			require.NoError(t, err)
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err)
			defer res.Body.Close()
			assert.Equal(t, 400, res.StatusCode)
			assert.Equal(t, "SerializationException", res.Header.Get(HeaderErrorType))
			assert.Regexp(t, uuidV4, res.Header.Get(HeaderRequestID))
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			var body struct{ Message, ExceptionMessage string }
			require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
			assert.Equal(t, tc.message, body.Message)
			assert.Equal(t, tc.message, body.ExceptionMessage)
		})
	}

	// Answers of the handler pass through untouched, keep-alive included.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	r := bufio.NewReader(conn)
	for range 3 {
		_, err = io.WriteString(conn, "POST /X HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
		require.NoError(t, err)
		res, err := http.ReadResponse(r, nil)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		assert.Equal(t, 200, res.StatusCode)
		assert.Equal(t, "{}", string(b))
	}
}

func TestGoRefusalIgnoresOtherWrites(t *testing.T) {
	for _, p := range []string{
		"", "HTTP/1.1 ", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}",
		"HTTP/1.1 400 Bad Request\r\nx-amzn-ErrorType: ValidationException\r\nContent-Type: application/json\r\n\r\n{}",
		"HTTP/1.1 417 Expectation Failed\r\nx-amzn-RequestId: abc\r\n\r\n",
		`{"HTTP/1.1 400 Bad Request":1}`, "HTTP/1.1 xyz",
	} {
		_, ok := goRefusal([]byte(p))
		assert.False(t, ok, p)
	}
}

// TestListenerAnswersAStalledHeader stops sending partway through a
// header: inside a header's name, inside its value, and after a complete
// line. Each gets the same 400 in AWS's form once ReadHeaderTimeout
// passes; a connection that sends nothing is closed without an answer.
func TestListenerAnswersAStalledHeader(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetRequestID(w)
		WriteJSON(w, struct{}{})
	}))
	srv.Config.ReadHeaderTimeout = 300 * time.Millisecond
	srv.Config.IdleTimeout = 300 * time.Millisecond
	srv.Listener = NewListener(srv.Listener)
	srv.Start()
	defer srv.Close()

	send := func(t *testing.T, partial string) []byte {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
		_, err = io.WriteString(conn, partial)
		require.NoError(t, err)
		b, err := io.ReadAll(conn)
		require.NoError(t, err, "the server closes the connection")
		return b
	}
	for _, tc := range []struct{ name, partial string }{
		{"inside a name", "POST /X HTTP/1.1\r\nHost: x\r\nConte"},
		{"inside a value", "POST /X HTTP/1.1\r\nHost: x\r\nContent-Type: appl"},
		{"after a line", "POST /X HTTP/1.1\r\nHost: x\r\n"},
		{"inside the request line", "POST /X HT"},
		{"after a bare LF line", "POST /X HTTP/1.1\nHost: x\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := send(t, tc.partial)
			res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(string(raw))), nil)
			require.NoError(t, err, "one answer: %q", raw)
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, 400, res.StatusCode)
			assert.Equal(t, "SerializationException", res.Header.Get(HeaderErrorType))
			assert.Regexp(t, uuidV4, res.Header.Get(HeaderRequestID))
			assert.JSONEq(t, `{"message":"Request headers did not arrive within the server's read timeout: send the whole header without pausing","exceptionMessage":"Request headers did not arrive within the server's read timeout: send the whole header without pausing"}`, string(body))
			assert.Equal(t, len(raw), strings.Index(string(raw), "\r\n\r\n")+4+len(body), "nothing follows the answer")
		})
	}
	t.Run("nothing sent", func(t *testing.T) {
		assert.Empty(t, send(t, ""))
	})
	t.Run("between two requests", func(t *testing.T) {
		// The first request is answered; the pause after it is idleness,
		// not a stalled header.
		raw := send(t, "POST /X HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(string(raw))), nil)
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		assert.Equal(t, 200, res.StatusCode)
		assert.Equal(t, "{}", string(body))
		assert.Equal(t, len(raw), strings.Index(string(raw), "\r\n\r\n")+4+len(body), "one answer only")
	})
}
