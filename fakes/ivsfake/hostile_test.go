package ivsfake_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsfake"
)

// TestInvalidUTF8IsRefused: text that is not valid UTF-8, in a name, a tag
// or a token's attributes, through an operation or the control API, is
// refused naming the member, never stored as U+FFFD.
func TestInvalidUTF8IsRefused(t *testing.T) {
	f := ivsfake.Start(t)
	for body, want := range map[string]string{
		"{\"name\":\"a\xffb\"}":        "Value at 'name' is not valid UTF-8: byte 0xFF at byte 11",
		"{\"tags\":{\"k\xc3\":\"v\"}}": "Key in 'tags' is not valid UTF-8: byte 0xC3 at byte 12",
		`{"tags":{"k":"\udfff"}}`:      `Value at 'tags' is not valid Unicode: \udfff at byte 15 is an unpaired surrogate`,
		"{\"participantTokenConfigurations\":[{\"attributes\":{\"k\":\"\xe2\x82\"}}]}": "Value at 'participantTokenConfigurations.attributes' is not valid UTF-8: byte 0xE2 at byte 56",
	} {
		r := post(t, f, "/CreateStage", body)
		assert.Equal(t, 400, r.Status, body)
		assert.Equal(t, "SerializationException", r.ErrorType, body)
		assert.Equal(t, want, r.message(t), body)
	}

	stage := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{}}})
	r := post(t, f, "/_ivsrt/join", "{\"token\":\""+*stage.ParticipantTokens[0].Token+"\",\"osName\":\"\xff\"}")
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "SerializationException", r.ErrorType)
	assert.Contains(t, r.message(t), "Value at 'osName' is not valid UTF-8")
}

// TestContentEncoding: a gzip body is read decompressed; any other
// encoding is refused in AWS's form.
func TestContentEncoding(t *testing.T) {
	f := ivsfake.Start(t)
	send := func(encoding string, body []byte) rawResponse {
		req, err := http.NewRequestWithContext(ctxT(t), http.MethodPost, f.URL+"/CreateStage", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Encoding", encoding)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return rawResponse{Status: res.StatusCode, ErrorType: res.Header.Get("x-amzn-ErrorType"), Body: data}
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = io.WriteString(zw, `{"name":"zipped"}`)
	require.NoError(t, zw.Close())
	r := send("gzip", zipped.Bytes())
	require.Equal(t, 200, r.Status, "%s", r.Body)
	var out struct{ Stage struct{ Name string } }
	require.NoError(t, json.Unmarshal(r.Body, &out))
	assert.Equal(t, "zipped", out.Stage.Name)

	r = send("br", []byte(`{"name":"x"}`))
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "SerializationException", r.ErrorType)
	assert.Equal(t, "Content-Encoding 'br' is not supported: send the body uncompressed or with Content-Encoding gzip", r.message(t))
}

// TestHTTPLayerRefusalsInAWSForm: what net/http refuses before the fake
// sees it still gets AWS's form through Start's server, and a client that
// sends a 2 MiB body before it reads gets the 400.
func TestHTTPLayerRefusalsInAWSForm(t *testing.T) {
	f := ivsfake.Start(t)
	exchange := func(request string) *http.Response {
		c, err := net.Dial("tcp", strings.TrimPrefix(f.URL, "http://"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
		_, err = io.WriteString(c, request)
		require.NoError(t, err)
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = res.Body.Close() })
		return res
	}
	for _, request := range []string{
		"POST /GetStage HTTP/9.9\r\nHost: fake\r\n\r\n",
		"POST /GetStage HTTP/1.1\r\nHost: fake\r\nX-Big: " + strings.Repeat("h", ivsfake.MaxHeaderBytes+8<<10) + "\r\n\r\n",
		"POST /GetStage HTTP/1.1\r\nHost: fake\r\nbad header\r\n\r\n",
		fmt.Sprintf("POST /CreateStage HTTP/1.1\r\nHost: fake\r\nContent-Length: %d\r\n\r\n{\"name\":\"%s\"}", 2<<20+11, strings.Repeat("n", 2<<20)),
	} {
		res := exchange(request)
		assert.Equal(t, 400, res.StatusCode, request[:30])
		assert.Equal(t, "SerializationException", res.Header.Get("x-amzn-ErrorType"), request[:30])
		assert.Regexp(t, requestIDPattern, res.Header.Get("x-amzn-RequestId"), request[:30])
	}
}
