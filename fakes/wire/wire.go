// Package wire holds the server side of AWS's restJson1 protocol that every
// generated fake shares: reading and decoding request bodies, writing JSON
// responses, writing errors in AWS's form (status, x-amzn-ErrorType header,
// {"exceptionMessage": ...} body) and issuing request ids.
//
// Generated handlers call these helpers; nothing here knows about a
// particular service.
package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Header names, written with AWS's own spelling. They are set directly in
// the header map, not via Header.Set, so the case is kept on the wire.
const (
	HeaderErrorType = "x-amzn-ErrorType"
	HeaderRequestID = "x-amzn-RequestId"
)

// MaxBodyBytes is the default request body limit (1 MiB).
const MaxBodyBytes = 1 << 20

// Error is an AWS error as it goes on the wire.
type Error struct {
	Type    string // e.g. "ValidationException"
	Status  int    // HTTP status
	Message string // goes in {"exceptionMessage": ...}
}

// Error returns "Type: Message".
func (e *Error) Error() string { return e.Type + ": " + e.Message }

// NewError builds an Error. The message is fmt.Sprintf(format, args...) when
// args are given, else format as is (so a message containing '%' is safe).
//
// go vet treats NewError as a printf wrapper and reports a format that is
// not a constant; pass such a message as NewError(typ, status, "%s", msg).
func NewError(typ string, status int, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Type: typ, Status: status, Message: msg}
}

// SerializationError is the 400 SerializationException AWS answers with when
// the body is not valid JSON or a member has the wrong JSON type.
func SerializationError(format string, args ...any) *Error {
	return NewError("SerializationException", http.StatusBadRequest, format, args...)
}

// InternalError is the 500 InternalServerException.
func InternalError() *Error {
	return NewError("InternalServerException", http.StatusInternalServerError, "Internal server error")
}

// UnknownOperation is the 404 UnknownOperationException for a request that
// names no operation of the service.
func UnknownOperation(method, path string) *Error {
	return NewError("UnknownOperationException", http.StatusNotFound,
		"No operation matches %s %s", method, strconv.Quote(path))
}

// WriteError writes err in AWS's form: the status, header
// x-amzn-ErrorType: Type, Content-Type application/json and body
// {"exceptionMessage":"...","message":"..."}.
//
// If err is not and does not wrap an *Error, it writes InternalError(); the
// text of other Go errors never reaches the client. A status outside
// 100..599 is written as 500 (net/http would panic on some of them).
func WriteError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) || e == nil {
		e = InternalError()
	}
	status := e.Status
	if status < 100 || status > 599 {
		status = http.StatusInternalServerError
	}
	body := errorBody(e.Message)
	h := w.Header()
	h[HeaderErrorType] = []string{e.Type}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// errorBody is the JSON body of an error. IVS names the member
// exceptionMessage; the AWS SDKs' generic error reader looks for "message",
// so it goes out under both names and a client's err.Error() shows the
// reason. The bytes are json.Marshal's of
// struct{ExceptionMessage, Message string} (TestErrorBodyIsMarshal).
func errorBody(message string) []byte {
	b := make([]byte, 0, 2*len(message)+len(`{"exceptionMessage":"","message":""}`))
	b = append(b, `{"exceptionMessage":`...)
	b = AppendJSONString(b, message)
	b = append(b, `,"message":`...)
	b = AppendJSONString(b, message)
	return append(b, '}')
}

// WriteJSON writes 200 with Content-Type application/json and the
// json.Marshal of v. If v cannot be marshalled it writes InternalError().
//
// A v with a generated encoder (JSONAppender) is encoded by it, into a
// pooled buffer: the same bytes without reflection or an allocation per
// answer. A v with members bound to response headers (HeaderSetter) sets
// them once its body is encoded, so an answer that cannot be encoded goes
// out as InternalError() without them.
func WriteJSON(w http.ResponseWriter, v any) {
	if a, ok := v.(JSONAppender); ok {
		buf := bodyBuffers.Get().(*[]byte)
		body, err := a.AppendJSON((*buf)[:0])
		if err == nil {
			setHeaders(w, v)
			writeBody(w, body)
		} else {
			WriteError(w, InternalError())
		}
		if cap(body) <= maxPooledBody {
			*buf = body
			bodyBuffers.Put(buf)
		}
		return
	}
	body, err := json.Marshal(v)
	if err != nil {
		WriteError(w, InternalError())
		return
	}
	setHeaders(w, v)
	writeBody(w, body)
}

// HeaderSetter is an answer with members bound to response headers: the
// generated type of such an answer sets each member that is not nil as
// its header (a string or enum as it is, an integer or boolean as its
// text). WriteJSON calls it.
type HeaderSetter interface {
	SetHeaders(h http.Header)
}

func setHeaders(w http.ResponseWriter, v any) {
	if hs, ok := v.(HeaderSetter); ok {
		hs.SetHeaders(w.Header())
	}
}

// bodyBuffers holds the buffers WriteJSON encodes answers into; one that
// grew past maxPooledBody (a long list) is left to the GC rather than kept.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

const maxPooledBody = 64 << 10

func writeBody(w http.ResponseWriter, body []byte) {
	h := w.Header()
	// One allocation for both values; each slice is capped so that an
	// append to one cannot write over the other.
	v := []string{"application/json", strconv.Itoa(len(body))}
	h["Content-Type"] = v[0:1:1]
	h["Content-Length"] = v[1:2:2]
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// SetRequestID sets x-amzn-RequestId to a fresh request id and returns it.
func SetRequestID(w http.ResponseWriter) string {
	id := NewRequestID()
	w.Header()[HeaderRequestID] = []string{id}
	return id
}

// NewRequestID returns a random UUID version 4 in its canonical form
// (xxxxxxxx-xxxx-4xxx-Yxxx-xxxxxxxxxxxx, lower case).
//
// The bits come from math/rand/v2, the runtime's ChaCha8 generator seeded
// by the system, not from crypto/rand: a request id is no secret, and
// every answer has one, so the cheaper source saves a getrandom call per
// request.
func NewRequestID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[0:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:16], rand.Uint64())
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// maxEcho bounds how much of a client's input an error message repeats.
const maxEcho = 32

// Decode unmarshals a JSON request body into v, a pointer to a generated
// request struct, with encoding/json. Rules, as AWS applies them:
//
//   - an empty or all-whitespace body means {} (no members), and so does a
//     top-level JSON null (the fake is lenient here; v is left untouched);
//   - invalid JSON, a top-level value that is not an object, a member of the
//     wrong JSON type (including numbers that do not fit the member, such as
//     3000000000 or 1.5 for an int32) and data after the object all give a
//     400 SerializationException whose message names the member path when
//     it is known, e.g. "Value of type string at
//     'participantTokenConfigurations.duration' cannot be read as integer";
//   - a string that is not valid UTF-8, or holds an unpaired surrogate
//     escape, gives a SerializationException naming the member, as the
//     generated decoders do (encoding/json alone would rewrite it to U+FFFD);
//   - a member whose value is null stays absent;
//   - unknown members are ignored.
//
// Member names are matched exactly, as AWS matches them: a member that
// matches a field only in another case ("Name" for "name"), which
// encoding/json alone would take, is ignored like any unknown member.
// Generated handlers use DecodeBody, which keeps these rules.
//
// A v that is not a non-nil pointer is a bug in the caller and gives
// InternalError().
func Decode(body []byte, v any) *Error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil
	}
	if trimmed[0] == '{' {
		var e *Error
		if body, e = prepare(body, reflect.TypeOf(v)); e != nil {
			return e
		}
		// json.Unmarshal checks the whole body, trailing data included,
		// before it decodes, and is cheaper than a Decoder for small bodies.
		if err := json.Unmarshal(body, v); err != nil {
			return decodeError(err)
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return decodeError(err)
	}
	if string(raw) != "null" {
		return SerializationError("Request body must be a JSON object, not %s", jsonKind(raw[0]))
	}
	if rest := bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return SerializationError("Request body is not valid JSON: unexpected data after the top-level value at byte %d",
			len(body)-len(rest)+1)
	}
	return nil
}

func decodeError(err error) *Error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		inv *json.InvalidUnmarshalError
	)
	switch {
	case errors.As(err, &typ):
		return typeError(typ)
	case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
		return SerializationError("Request body is not valid JSON: unexpected end of input")
	case errors.As(err, &syn) && strings.HasSuffix(syn.Error(), "after top-level value"):
		return SerializationError("Request body is not valid JSON: unexpected data after the top-level value at byte %d", syn.Offset)
	case errors.As(err, &syn):
		return SerializationError("Request body is not valid JSON: %s at byte %d", syn.Error(), syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return SerializationError("Request body is not valid JSON: unexpected end of input")
	case errors.As(err, &inv):
		return InternalError()
	default:
		return SerializationError("Request body could not be read as JSON")
	}
}

func typeError(e *json.UnmarshalTypeError) *Error {
	got := e.Value
	literal := ""
	switch {
	case len(got) > len("number ") && got[:len("number ")] == "number ":
		literal = got[len("number "):]
		got = "number"
	case got == "bool":
		got = "boolean"
	case got == "array":
		got = "list"
	case got == "object":
		got = "structure"
	}
	if literal != "" {
		got += " (" + truncate(literal, maxEcho) + ")"
	}
	want := goTypeWord(e.Type)
	if e.Field == "" {
		return SerializationError("Value of type %s cannot be read as %s", got, want)
	}
	return SerializationError("Value of type %s at '%s' cannot be read as %s", got, e.Field, want)
}

// goTypeWord names a Go type with the word AWS's models use.
func goTypeWord(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.Map:
		return "map"
	case reflect.Struct:
		return "structure"
	default:
		return "value"
	}
}

func jsonKind(c byte) string {
	switch {
	case c == '[':
		return "a list"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	default:
		return "a JSON value"
	}
}

// truncate cuts s to at most n bytes on a rune boundary, adding "...".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// HeaderValue returns the first value of header name, matched without
// regard to case. The headers this package writes keep AWS's spelling, so
// on the server side Header.Get, which canonicalizes, would miss them.
func HeaderValue(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, name) {
			return v[0]
		}
	}
	return ""
}
