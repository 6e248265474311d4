package wire

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
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

func gz(t testing.TB, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := io.WriteString(zw, s)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func TestReadBodyContentEncoding(t *testing.T) {
	body := `{"name":"zipped"}`
	bomb := gz(t, strings.Repeat("x", 1000)) // 1000 bytes once decompressed, far fewer compressed
	require.Less(t, len(bomb), 100)
	tests := []struct {
		encoding []string
		body     []byte
		want     string
		err      string
	}{
		{nil, []byte(body), body, ""},
		{[]string{"gzip"}, gz(t, body), body, ""},
		{[]string{"GZIP "}, gz(t, body), body, ""},
		{[]string{"x-gzip"}, gz(t, body), body, ""},
		{[]string{"identity"}, []byte(body), body, ""},
		{[]string{"gzip, identity"}, gz(t, body), body, ""},
		{[]string{"gzip"}, append(gz(t, `{"a":`), gz(t, `1}`)...), `{"a":1}`, ""}, // two gzip members
		{[]string{"gzip"}, nil, "", ""},
		{[]string{"gzip"}, []byte(body), "", "Request body is not valid gzip data (Content-Encoding gzip)"},
		{[]string{"gzip"}, gz(t, body)[:20], "", "Request body is not valid gzip data (Content-Encoding gzip)"},
		{[]string{"gzip"}, bomb, "", "Request body is larger than 500 bytes once decompressed (Content-Encoding gzip)"},
		{[]string{"br"}, []byte(body), "", "Content-Encoding 'br' is not supported: send the body uncompressed or with Content-Encoding gzip"},
		{[]string{"deflate"}, []byte(body), "", "Content-Encoding 'deflate' is not supported: send the body uncompressed or with Content-Encoding gzip"},
		{[]string{"gzip", "gzip"}, gz(t, body), "", "Content-Encoding 'gzip, gzip' is not supported: send the body uncompressed or with Content-Encoding gzip"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.encoding), func(t *testing.T) {
			r := httptest.NewRequest("POST", "/X", bytes.NewReader(tt.body))
			for _, e := range tt.encoding {
				r.Header.Add("Content-Encoding", e)
			}
			got, err := ReadBody(r, 500)
			if tt.err != "" {
				assert.Equal(t, SerializationError("%s", tt.err), err)
				return
			}
			require.Nil(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

// refusing serves ReadBody over a real connection and answers what it
// read, or its error.
func refusing(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetRequestID(w)
		body, err := ReadBody(r, MaxBodyBytes)
		if err != nil {
			WriteError(w, err)
			return
		}
		WriteJSON(w, map[string]int{"read": len(body)})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// readAnswer reads one response off conn, with a deadline so a test fails
// rather than hangs.
func readAnswer(t *testing.T, conn net.Conn) (*http.Response, map[string]any) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "the client must read the answer, not a reset")
	defer res.Body.Close()
	var body map[string]any
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &body), "%s", raw)
	return res, body
}

// TestOversizeBodyIsDrained: a client that sends a whole 2 MiB body before
// it reads anything, as Python's http.client does, reads the 400 rather
// than ECONNRESET, and the connection stays usable.
func TestOversizeBodyIsDrained(t *testing.T) {
	srv := refusing(t)
	big := bytes.Repeat([]byte("x"), 2<<20)
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetWriteDeadline(time.Now().Add(10*time.Second)))
			var req bytes.Buffer
			if chunked {
				fmt.Fprintf(&req, "POST /X HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(big), big)
			} else {
				fmt.Fprintf(&req, "POST /X HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(big), big)
			}
			_, err = conn.Write(req.Bytes()) // all of it, before reading
			require.NoError(t, err)
			res, body := readAnswer(t, conn)
			assert.Equal(t, 400, res.StatusCode)
			assert.Equal(t, "SerializationException", res.Header.Get(HeaderErrorType))
			assert.Equal(t, fmt.Sprintf("Request body is larger than %d bytes", MaxBodyBytes), body["message"])

			// Same connection, next request.
			_, err = io.WriteString(conn, "POST /X HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
			require.NoError(t, err)
			res, body = readAnswer(t, conn)
			assert.Equal(t, 200, res.StatusCode, "%v", body)
		})
	}

	// A Go client gets the answer too, not a broken pipe.
	res, err := http.Post(srv.URL+"/X", "application/json", bytes.NewReader(big))
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, 400, res.StatusCode)
	assert.Equal(t, "SerializationException", res.Header.Get(HeaderErrorType))
}

// TestOversizeBodyWithExpectContinue: a client that waits for 100 Continue
// gets the 400 at once and never sends its body.
func TestOversizeBodyWithExpectContinue(t *testing.T) {
	srv := refusing(t)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /X HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", 2<<20)
	require.NoError(t, err)
	res, body := readAnswer(t, conn)
	assert.Equal(t, 400, res.StatusCode)
	assert.Equal(t, fmt.Sprintf("Request body is larger than %d bytes", MaxBodyBytes), body["message"])
}

// TestGzipBodyOnTheWire: a gzip body is read decompressed; another
// encoding is refused in AWS's form, its body drained.
func TestGzipBodyOnTheWire(t *testing.T) {
	srv := refusing(t)
	post := func(encoding string, body []byte) (*http.Response, map[string]any) {
		req, err := http.NewRequest("POST", srv.URL+"/X", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Encoding", encoding)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		return res, out
	}
	res, out := post("gzip", gz(t, strings.Repeat("y", 1000)))
	assert.Equal(t, 200, res.StatusCode)
	assert.EqualValues(t, 1000, out["read"])

	res, out = post("zstd", bytes.Repeat([]byte("z"), 300<<10))
	assert.Equal(t, 400, res.StatusCode)
	assert.Equal(t, "SerializationException", res.Header.Get(HeaderErrorType))
	assert.Contains(t, out["message"], "Content-Encoding 'zstd' is not supported")
}
