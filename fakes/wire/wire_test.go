package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// raw reads a header by its exact, possibly non-canonical, spelling.
func raw(h http.Header, name string) []string { return h[name] }

func TestHeaderSpelling(t *testing.T) {
	assert.Equal(t, "x-amzn-ErrorType", HeaderErrorType)
	assert.Equal(t, "x-amzn-RequestId", HeaderRequestID)
}

func TestErrorAndNewError(t *testing.T) {
	e := NewError("ValidationException", 400, "bad %s", "name")
	assert.Equal(t, &Error{Type: "ValidationException", Status: 400, Message: "bad name"}, e)
	assert.Equal(t, "ValidationException: bad name", e.Error())

	// Without args the format is used as is, so '%' survives. (A vet-clean
	// call site passes a message that is not a constant as "%s", msg.)
	var noArgs []any
	msg := "100% wrong %s"
	e = NewError("ValidationException", 400, msg, noArgs...)
	assert.Equal(t, "100% wrong %s", e.Message)
	assert.Equal(t, "100% wrong %s", NewError("ValidationException", 400, "%s", msg).Message)
}

func TestProtocolErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    *Error
		typ    string
		status int
		msg    string
	}{
		{"serialization", SerializationError("bad %d", 1), "SerializationException", 400, "bad 1"},
		{"serialization no args", SerializationError("50%%"[:3], []any{}...), "SerializationException", 400, "50%"},
		{"internal", InternalError(), "InternalServerException", 500, "Internal server error"},
		{"unknown operation", UnknownOperation("GET", "/Nope"), "UnknownOperationException", 404, `No operation matches GET "/Nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.typ, tt.err.Type)
			assert.Equal(t, tt.status, tt.err.Status)
			assert.Equal(t, tt.msg, tt.err.Message)
		})
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		typ    string
		body   string
	}{
		{
			name:   "validation",
			err:    NewError("ValidationException", 400, "1 validation error detected"),
			status: 400, typ: "ValidationException",
			body: `{"exceptionMessage":"1 validation error detected","message":"1 validation error detected"}`,
		},
		{
			name:   "not found",
			err:    NewError("ResourceNotFoundException", 404, "Stage not found"),
			status: 404, typ: "ResourceNotFoundException",
			body: `{"exceptionMessage":"Stage not found","message":"Stage not found"}`,
		},
		{
			name:   "wrapped *Error",
			err:    fmt.Errorf("handler: %w", NewError("ConflictException", 409, "busy")),
			status: 409, typ: "ConflictException",
			body: `{"exceptionMessage":"busy","message":"busy"}`,
		},
		{
			name:   "escaping of quotes, backslashes, newlines and control characters",
			err:    NewError("ValidationException", 400, "Value 'a\"b\\c\nd\te\x01' at 'name'"),
			status: 400, typ: "ValidationException",
			body: `{"exceptionMessage":"Value 'a\"b\\c\nd\te\u0001' at 'name'","message":"Value 'a\"b\\c\nd\te\u0001' at 'name'"}`,
		},
		{
			name:   "plain Go error does not leak",
			err:    errors.New("open /secret/db: permission denied"),
			status: 500, typ: "InternalServerException",
			body: `{"exceptionMessage":"Internal server error","message":"Internal server error"}`,
		},
		{
			name:   "nil error",
			err:    nil,
			status: 500, typ: "InternalServerException",
			body: `{"exceptionMessage":"Internal server error","message":"Internal server error"}`,
		},
		{
			name:   "typed nil *Error",
			err:    (*Error)(nil),
			status: 500, typ: "InternalServerException",
			body: `{"exceptionMessage":"Internal server error","message":"Internal server error"}`,
		},
		{
			name:   "invalid status becomes 500",
			err:    NewError("WeirdException", 0, "x"),
			status: 500, typ: "WeirdException",
			body: `{"exceptionMessage":"x","message":"x"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteError(rec, tt.err)
			res := rec.Result()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)

			assert.Equal(t, tt.status, res.StatusCode)
			assert.Equal(t, tt.body, string(body))
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			assert.Equal(t, fmt.Sprint(len(body)), res.Header.Get("Content-Length"))
			// The header keeps AWS's spelling in the map.
			assert.Equal(t, []string{tt.typ}, raw(rec.Header(), "x-amzn-ErrorType"))
			assert.NotContains(t, string(body), "secret")

			var decoded map[string]string
			require.NoError(t, json.Unmarshal(body, &decoded), "body is valid JSON")
			if tt.status != 500 || tt.typ != "InternalServerException" {
				var e *Error
				require.True(t, errors.As(tt.err, &e))
				assert.Equal(t, e.Message, decoded["exceptionMessage"])
				assert.Equal(t, e.Message, decoded["message"])
			}
		})
	}
}

func TestWriteErrorOnTheWire(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetRequestID(w)
		WriteError(w, NewError("ValidationException", 400, "bad"))
	}))
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST /CreateStage HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	raw, err := io.ReadAll(conn)
	require.NoError(t, err)
	s := string(raw)
	assert.True(t, strings.HasPrefix(s, "HTTP/1.1 400 "), s)
	assert.Contains(t, s, "\r\nx-amzn-ErrorType: ValidationException\r\n")
	assert.Regexp(t, "\r\nx-amzn-RequestId: [0-9a-f-]{36}\r\n", s)

	// A Go client canonicalises the names; both headers are still found.
	res, err := http.Post(srv.URL+"/CreateStage", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, "ValidationException", res.Header.Get(HeaderErrorType))
	assert.Regexp(t, uuidV4, res.Header.Get(HeaderRequestID))
}

func TestWriteJSON(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteJSON(rec, map[string]any{"stage": map[string]string{"arn": "arn:aws:ivs:us-east-1:1:stage/a"}})
	assert.Equal(t, 200, rec.Code)
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	assert.Equal(t, `{"stage":{"arn":"arn:aws:ivs:us-east-1:1:stage/a"}}`, rec.Body.String())
	assert.Empty(t, raw(rec.Header(), HeaderErrorType))

	rec = httptest.NewRecorder()
	WriteJSON(rec, map[string]any{"bad": math.NaN()})
	assert.Equal(t, 500, rec.Code)
	assert.Equal(t, []string{"InternalServerException"}, raw(rec.Header(), HeaderErrorType))
	assert.Equal(t, `{"exceptionMessage":"Internal server error","message":"Internal server error"}`, rec.Body.String())

	rec = httptest.NewRecorder()
	WriteJSON(rec, make(chan int))
	assert.Equal(t, 500, rec.Code)
}

// appender is a JSONAppender that writes its text, or fails.
type appender struct {
	text string
	fail bool
}

func (a *appender) AppendJSON(b []byte) ([]byte, error) {
	if a.fail {
		return append(b, "partial"...), errors.New("cannot")
	}
	return append(b, a.text...), nil
}

// TestWriteJSONAppender: a value with a generated encoder goes out
// through it, with the same status and headers; one whose encoder fails
// gets the InternalServerException json.Marshal's failure gets, with none
// of the partial output; and the pooled buffer a long answer grew is not
// kept, nor does one answer leak into the next.
func TestWriteJSONAppender(t *testing.T) {
	for _, text := range []string{`{"stage":{"arn":"a"}}`, `{"long":"` + strings.Repeat("x", maxPooledBody) + `"}`, `{}`} {
		rec := httptest.NewRecorder()
		WriteJSON(rec, &appender{text: text})
		assert.Equal(t, 200, rec.Code)
		assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		assert.Equal(t, fmt.Sprint(len(text)), rec.Header().Get("Content-Length"))
		assert.Equal(t, text, rec.Body.String())
	}
	rec := httptest.NewRecorder()
	WriteJSON(rec, &appender{fail: true})
	assert.Equal(t, 500, rec.Code)
	assert.Equal(t, []string{"InternalServerException"}, raw(rec.Header(), HeaderErrorType))
	assert.Equal(t, `{"exceptionMessage":"Internal server error","message":"Internal server error"}`, rec.Body.String())
}

// headed is an answer with a member bound to a response header.
type headed struct {
	appender
	cache *string
}

func (h *headed) SetHeaders(hd http.Header) {
	if h.cache != nil {
		hd.Set("Cache-Control", *h.cache)
	}
}

// TestWriteJSONSetsHeaders: an answer's header members go out with its
// body, and not with the error that an answer which cannot be encoded
// becomes.
func TestWriteJSONSetsHeaders(t *testing.T) {
	cache := "no-store"
	rec := httptest.NewRecorder()
	WriteJSON(rec, &headed{appender: appender{text: "{}"}, cache: &cache})
	assert.Equal(t, 200, rec.Code)
	assert.Equal(t, []string{"no-store"}, rec.Header().Values("Cache-Control"))
	assert.Equal(t, "{}", rec.Body.String())

	rec = httptest.NewRecorder()
	WriteJSON(rec, &headed{appender: appender{text: "{}"}})
	assert.Equal(t, 200, rec.Code)
	assert.NotContains(t, rec.Header(), "Cache-Control", "a nil member sets no header")

	rec = httptest.NewRecorder()
	WriteJSON(rec, &headed{appender: appender{fail: true}, cache: &cache})
	assert.Equal(t, 500, rec.Code)
	assert.NotContains(t, rec.Header(), "Cache-Control", "the error of an answer that cannot be encoded has none of its headers")
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestRequestIDs(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		id := NewRequestID()
		require.Regexp(t, uuidV4, id)
		require.False(t, seen[id], "duplicate id %s", id)
		seen[id] = true
	}
	rec := httptest.NewRecorder()
	id := SetRequestID(rec)
	assert.Regexp(t, uuidV4, id)
	assert.Equal(t, []string{id}, raw(rec.Header(), "x-amzn-RequestId"))
	assert.NotEqual(t, id, SetRequestID(rec), "a second call issues a fresh id")
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset by peer") }

func TestReadBody(t *testing.T) {
	tooLarge := func(n int) *Error {
		return &Error{Type: "SerializationException", Status: 400, Message: fmt.Sprintf("Request body is larger than %d bytes", n)}
	}
	tests := []struct {
		name  string
		req   func() *http.Request
		limit int64
		want  string
		err   *Error
	}{
		{"nil body", func() *http.Request { return &http.Request{} }, 10, "", nil},
		{"NoBody", func() *http.Request { return httptest.NewRequest("POST", "/X", http.NoBody) }, 10, "", nil},
		{"small", func() *http.Request { return httptest.NewRequest("POST", "/X", strings.NewReader(`{"a":1}`)) }, 10, `{"a":1}`, nil},
		{"exactly the limit", func() *http.Request { return httptest.NewRequest("POST", "/X", strings.NewReader("0123456789")) }, 10, "0123456789", nil},
		{"one over the limit", func() *http.Request { return httptest.NewRequest("POST", "/X", strings.NewReader("0123456789A")) }, 10, "", tooLarge(10)},
		{"over the limit, unknown length", func() *http.Request {
			r := httptest.NewRequest("POST", "/X", io.NopCloser(strings.NewReader(strings.Repeat("x", 100))))
			r.ContentLength = -1
			return r
		}, 10, "", tooLarge(10)},
		{"Content-Length over the limit", func() *http.Request {
			r := httptest.NewRequest("POST", "/X", strings.NewReader("x"))
			r.ContentLength = 11
			return r
		}, 10, "", tooLarge(10)},
		{"default limit", func() *http.Request {
			return httptest.NewRequest("POST", "/X", strings.NewReader(strings.Repeat("x", MaxBodyBytes+1)))
		}, 0, "", tooLarge(MaxBodyBytes)},
		{"MaxBytesReader", func() *http.Request {
			r := httptest.NewRequest("POST", "/X", strings.NewReader(strings.Repeat("x", 100)))
			r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 5)
			return r
		}, 10, "", tooLarge(10)},
		{"read error", func() *http.Request {
			r := httptest.NewRequest("POST", "/X", errReader{})
			r.ContentLength = -1
			return r
		}, 10, "", SerializationError("Request body could not be read")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := ReadBody(tt.req(), tt.limit)
			assert.Equal(t, tt.err, err)
			if err == nil {
				assert.Equal(t, tt.want, string(body))
			} else {
				assert.NotContains(t, err.Message, "reset")
			}
		})
	}
	assert.NotPanics(t, func() { _, _ = ReadBody(nil, 0) })
}

type tokenConfig struct {
	Duration     *int32            `json:"duration,omitempty"`
	UserID       *string           `json:"userId,omitempty"`
	Attributes   map[string]string `json:"attributes,omitempty"`
	Capabilities []string          `json:"capabilities,omitempty"`
}

type createStage struct {
	Name    *string           `json:"name,omitempty"`
	Configs []tokenConfig     `json:"participantTokenConfigurations,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Max     *int32            `json:"maxResults,omitempty"`
	Flag    *bool             `json:"filterByPublished,omitempty"`
}

type decodeCase struct {
	name string
	body string
	want createStage
	err  *Error
}

func ser(msg string) *Error { return &Error{Type: "SerializationException", Status: 400, Message: msg} }

// decodeCases are Decode's contract; DecodeBody keeps it (jsondecode_test.go).
func decodeCases() []decodeCase {
	str := func(s string) *string { return &s }
	i32 := func(i int32) *int32 { return &i }
	return []decodeCase{
		{name: "empty body", body: ""},
		{name: "whitespace", body: " \t\r\n "},
		{name: "empty object", body: "{}"},
		{name: "top-level null is an empty body", body: " null\n"},
		{name: "members", body: `{"name":"s1","maxResults":5,"filterByPublished":true,"tags":{"k":"v"},"participantTokenConfigurations":[{"duration":20160,"userId":"u"}]}`,
			want: createStage{Name: str("s1"), Max: i32(5), Flag: func() *bool { b := true; return &b }(), Tags: map[string]string{"k": "v"},
				Configs: []tokenConfig{{Duration: i32(20160), UserID: str("u")}}}},
		{name: "null member stays absent", body: `{"name":null,"maxResults":null}`},
		{name: "unknown member ignored", body: `{"name":"a","brandNewMember":{"x":[1,2]}}`, want: createStage{Name: str("a")}},
		{name: "int32 max fits", body: `{"maxResults":2147483647}`, want: createStage{Max: i32(math.MaxInt32)}},

		{name: "top-level array", body: `[{"name":"a"}]`, err: ser("Request body must be a JSON object, not a list")},
		{name: "top-level string", body: `"x"`, err: ser("Request body must be a JSON object, not a string")},
		{name: "top-level number", body: `12`, err: ser("Request body must be a JSON object, not a number")},
		{name: "top-level boolean", body: `true`, err: ser("Request body must be a JSON object, not a boolean")},
		{name: "wrong type top-level member", body: `{"name":5}`,
			err: ser("Value of type number at 'name' cannot be read as string")},
		{name: "string for boolean", body: `{"filterByPublished":"true"}`,
			err: ser("Value of type string at 'filterByPublished' cannot be read as boolean")},
		{name: "object for list", body: `{"participantTokenConfigurations":{}}`,
			err: ser("Value of type structure at 'participantTokenConfigurations' cannot be read as list")},
		{name: "list for map", body: `{"tags":[]}`,
			err: ser("Value of type list at 'tags' cannot be read as map")},
		{name: "wrong map value type", body: `{"tags":{"k":1}}`,
			err: ser("Value of type number at 'tags' cannot be read as string")},
		{name: "wrong type nested in list of structs", body: `{"participantTokenConfigurations":[{},{"duration":"720"}]}`,
			err: ser("Value of type string at 'participantTokenConfigurations.duration' cannot be read as integer")},
		{name: "wrong list element type nested", body: `{"participantTokenConfigurations":[{"capabilities":[true]}]}`,
			err: ser("Value of type boolean at 'participantTokenConfigurations.capabilities' cannot be read as string")},
		{name: "int32 overflow", body: `{"maxResults":2147483648}`,
			err: ser("Value of type number (2147483648) at 'maxResults' cannot be read as integer")},
		{name: "int32 underflow nested", body: `{"participantTokenConfigurations":[{"duration":-3000000000}]}`,
			err: ser("Value of type number (-3000000000) at 'participantTokenConfigurations.duration' cannot be read as integer")},
		{name: "float for int", body: `{"maxResults":1.5}`,
			err: ser("Value of type number (1.5) at 'maxResults' cannot be read as integer")},
		{name: "huge number is not echoed", body: `{"maxResults":` + strings.Repeat("9", 5000) + `}`,
			err: ser("Value of type number (" + strings.Repeat("9", 32) + "...) at 'maxResults' cannot be read as integer")},
		{name: "trailing object", body: `{}{}`,
			err: ser("Request body is not valid JSON: unexpected data after the top-level value at byte 3")},
		{name: "trailing garbage", body: "{} x",
			err: ser("Request body is not valid JSON: unexpected data after the top-level value at byte 4")},
		{name: "trailing after null", body: "null x",
			err: ser("Request body is not valid JSON: unexpected data after the top-level value at byte 6")},
		{name: "truncated", body: `{"name":"a"`,
			err: ser("Request body is not valid JSON: unexpected end of input")},
		{name: "truncated array", body: `[1,`,
			err: ser("Request body is not valid JSON: unexpected end of input")},
		{name: "syntax error", body: `{"name" "a"}`,
			err: ser("Request body is not valid JSON: invalid character '\"' after object key at byte 9")},
		{name: "bare word", body: `nope`,
			err: ser("Request body is not valid JSON: invalid character 'o' in literal null (expecting 'u') at byte 2")},
	}
}

func TestDecode(t *testing.T) {
	for _, tt := range decodeCases() {
		t.Run(tt.name, func(t *testing.T) {
			var got createStage
			err := Decode([]byte(tt.body), &got)
			assert.Equal(t, tt.err, err)
			if tt.err == nil {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

func TestDecodeSyntaxErrorDoesNotEchoInput(t *testing.T) {
	body := `{"name":"` + strings.Repeat("A", 10000) + `"` // unterminated object
	err := Decode([]byte(body), &createStage{})
	require.NotNil(t, err)
	assert.Equal(t, "SerializationException", err.Type)
	assert.Less(t, len(err.Message), 200)

	body = `{"name":"` + strings.Repeat("A", 10000) + `" ` + strings.Repeat("B", 10000) + `}`
	err = Decode([]byte(body), &createStage{})
	require.NotNil(t, err)
	assert.Less(t, len(err.Message), 200)
	assert.Contains(t, err.Message, "Request body is not valid JSON: ")
}

func TestDecodeBadTarget(t *testing.T) {
	assert.Equal(t, InternalError(), Decode([]byte(`{}`), nil))
	assert.Equal(t, InternalError(), Decode([]byte(`{}`), createStage{}))
}

func BenchmarkNewRequestID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = NewRequestID()
	}
}

func TestHeaderValue(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, NewError("ThrottlingException", 429, "slow down"))
	assert.Equal(t, "ThrottlingException", HeaderValue(rec.Header(), HeaderErrorType))
	assert.Equal(t, "ThrottlingException", HeaderValue(rec.Header(), "X-Amzn-Errortype"))
	assert.Equal(t, "", HeaderValue(rec.Header(), HeaderRequestID))
}
