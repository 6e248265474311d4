package wire

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is the deepest nesting of objects and arrays a body may have, as
// in encoding/json.
const maxDepth = 10000

// JSONDecoder is a pull decoder over a request body, used by generated
// decodeJSON methods. Member names are matched exactly, as AWS does; the
// generated code skips unknown members with Skip.
//
// Methods return an *Error; after the first error the decoder must not be
// used further (DecodeBody turns the error into the final answer).
type JSONDecoder struct {
	data  []byte
	pos   int
	depth int
	path  []string // member names from the top-level object down
	inKey bool     // reading a member name or map key, for textError
	keyAt int      // where the member name being read starts, for prepare
	// inexact holds where member names that match a field only without
	// regard to case start, for prepare.
	inexact []int
	// pathBuf backs path for the usual shallow body, saving an allocation
	// per request (the decoder is on the heap already).
	pathBuf [4]string
}

// errSyntax marks an error found by the decoder's own scanner; DecodeBody
// replaces it with encoding/json's wording of the same error.
var errSyntax = SerializationError("Request body is not valid JSON")

// DecodeBody decodes a request body with fn, which reads the top-level
// object with d.Object. It keeps Decode's rules (an empty body or a
// top-level null is {}, a top-level value that is not an object, invalid
// JSON, trailing data and members of the wrong JSON type give a
// SerializationException with the same messages) except that member names
// are matched exactly: a member spelled in another case is unknown and
// ignored, as AWS ignores it.
func DecodeBody(body []byte, fn func(*JSONDecoder) error) *Error {
	d := JSONDecoder{data: body}
	d.path = d.pathBuf[:0]
	d.skipWS()
	if d.pos == len(body) {
		return nil
	}
	if body[d.pos] != '{' {
		// Rare: null, or an error. Decode words these.
		return Decode(body, &struct{}{})
	}
	err := fn(&d)
	if err == nil {
		d.skipWS()
		if d.pos == len(body) {
			return nil
		}
		err = errSyntax
	}
	// Invalid JSON wins over a type error, as with encoding/json, which
	// checks the whole body first; it also words syntax errors for us.
	if jerr := json.Unmarshal(body, &struct{}{}); jerr != nil {
		return decodeError(jerr)
	}
	if e, ok := err.(*Error); ok && e != nil {
		return e
	}
	return SerializationError("Request body could not be read as JSON")
}

func (d *JSONDecoder) skipWS() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\r', '\n':
			d.pos++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (d *JSONDecoder) peek() byte {
	d.skipWS()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// typeError reports a value of the wrong JSON type at the current member
// path. The value is not consumed.
func (d *JSONDecoder) typeError(want string) error {
	var got string
	switch c := d.peek(); {
	case c == '"':
		got = "string"
	case c == '{':
		got = "structure"
	case c == '[':
		got = "list"
	case c == 't' || c == 'f':
		got = "boolean"
	case c == '-' || (c >= '0' && c <= '9'):
		got = "number"
	default:
		return errSyntax
	}
	return d.typeErrorOf(got, want)
}

func (d *JSONDecoder) typeErrorOf(got, want string) error {
	if len(d.path) == 0 {
		return SerializationError("Value of type %s cannot be read as %s", got, want)
	}
	return SerializationError("Value of type %s at '%s' cannot be read as %s", got, strings.Join(d.path, "."), want)
}

// Object reads an object, calling fn for each member with its unescaped
// name; fn must consume the member's value. While fn runs, the name is part
// of the path that error messages show.
func (d *JSONDecoder) Object(fn func(key string) error) error {
	return d.object("structure", true, fn)
}

// Map reads an object as a map, calling fn for each entry's key; unlike
// Object, keys do not become part of error paths.
func (d *JSONDecoder) Map(fn func(key string) error) error {
	return d.object("map", false, fn)
}

func (d *JSONDecoder) object(want string, member bool, fn func(key string) error) error {
	if d.peek() != '{' {
		return d.typeError(want)
	}
	d.pos++
	if d.depth++; d.depth > maxDepth {
		return errSyntax
	}
	if d.peek() == '}' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		if d.peek() != '"' {
			return errSyntax
		}
		d.inKey, d.keyAt = true, d.pos
		key, err := d.str()
		d.inKey = false
		if err != nil {
			return err
		}
		if d.peek() != ':' {
			return errSyntax
		}
		d.pos++
		if member {
			d.path = append(d.path, key)
		}
		if err := fn(key); err != nil {
			return err
		}
		if member {
			d.path = d.path[:len(d.path)-1]
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			d.depth--
			return nil
		default:
			return errSyntax
		}
	}
}

// Array reads an array, calling fn for each element with its index; fn
// must consume the element.
func (d *JSONDecoder) Array(fn func(i int) error) error {
	if d.peek() != '[' {
		return d.typeError("list")
	}
	d.pos++
	if d.depth++; d.depth > maxDepth {
		return errSyntax
	}
	if d.peek() == ']' {
		d.pos++
		d.depth--
		return nil
	}
	for i := 0; ; i++ {
		if err := fn(i); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			d.depth--
			return nil
		default:
			return errSyntax
		}
	}
}

// Null consumes a literal null if it comes next and reports whether it did.
func (d *JSONDecoder) Null() bool {
	if d.peek() == 'n' && d.pos+4 <= len(d.data) && string(d.data[d.pos:d.pos+4]) == "null" {
		d.pos += 4
		return true
	}
	return false
}

// NullItem is the error of a null item of a list, or value of a map (kind
// "list" or "map"), which the decoder has just read: AWS's services read
// lists and maps as dense and refuse a null in one as a
// SerializationException (Smithy's restJson1 protocol tests
// RestJsonBodyMalformedListNullItem and RestJsonBodyMalformedMapNullValue),
// where encoding/json would store the zero value ("" for a tag).
func (d *JSONDecoder) NullItem(kind string) error {
	what := map[string]string{"list": "a list's items", "map": "a map's values"}[kind]
	if len(d.path) == 0 {
		return SerializationError("Value of type null cannot be read: %s may not be null", what)
	}
	return SerializationError("Value of type null at '%s' cannot be read: %s may not be null", strings.Join(d.path, "."), what)
}

// String reads a string.
func (d *JSONDecoder) String() (string, error) {
	if d.peek() != '"' {
		if d.isNumber() {
			return "", d.typeErrorOf("number", "string")
		}
		return "", d.typeError("string")
	}
	return d.str()
}

func (d *JSONDecoder) isNumber() bool {
	c := d.peek()
	return c == '-' || (c >= '0' && c <= '9')
}

// str reads the string at d.pos, which is '"'.
func (d *JSONDecoder) str() (string, error) {
	start := d.pos + 1
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			return string(d.data[start:i]), nil
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return d.strSlow(start, i)
		}
	}
	return "", errSyntax
}

// strSlow unescapes a string with escapes or non-ASCII bytes. Invalid
// UTF-8 and unpaired surrogate escapes are refused (textError), where
// encoding/json would rewrite them to U+FFFD.
func (d *JSONDecoder) strSlow(start, i int) (string, error) {
	data := d.data
	b := make([]byte, 0, i-start+16)
	b = append(b, data[start:i]...)
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return string(b), nil
		case c < 0x20:
			return "", errSyntax
		case c == '\\':
			if i+1 >= len(data) {
				return "", errSyntax
			}
			switch data[i+1] {
			case '"', '\\', '/':
				b = append(b, data[i+1])
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(data, i+2)
				if r < 0 {
					return "", errSyntax
				}
				at := i
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
						r2 = hex4(data, i+2)
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						b = utf8.AppendRune(b, dec)
						i += 6
						continue
					}
					return "", d.textError(fmt.Sprintf("Unicode: \\u%04x at byte %d is an unpaired surrogate", r, at+1))
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				return "", errSyntax
			}
			i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return "", d.textError(fmt.Sprintf("UTF-8: byte 0x%02X at byte %d", c, i+1))
			}
			b = append(b, data[i:i+size]...)
			i += size
		}
	}
	return "", errSyntax
}

// textError refuses a string that is not valid Unicode text, naming the
// member that holds it. AWS's services parse request bodies as UTF-8 and
// refuse what does not decode as a SerializationException before any
// validation; rewriting it to U+FFFD, as encoding/json does, would store
// text the client never sent.
func (d *JSONDecoder) textError(what string) error {
	path := strings.Join(d.path, ".")
	var where string
	switch {
	case d.inKey && path == "":
		where = "Member name"
	case d.inKey:
		where = "Key in '" + path + "'"
	case path == "":
		where = "Value"
	default:
		where = "Value at '" + path + "'"
	}
	return SerializationError("%s is not valid %s", where, what)
}

// hex4 parses four hex digits at data[i:], or returns -1.
func hex4(data []byte, i int) rune {
	if i+4 > len(data) {
		return -1
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// number reads a JSON number's literal.
func (d *JSONDecoder) number() ([]byte, error) {
	data, i := d.data, d.pos
	start := i
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	default:
		return nil, errSyntax
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return nil, errSyntax
		}
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return nil, errSyntax
		}
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	}
	d.pos = i
	return data[start:i], nil
}

func (d *JSONDecoder) integer(bits int) (int64, error) {
	if !d.isNumber() {
		return 0, d.typeError("integer")
	}
	lit, err := d.number()
	if err != nil {
		return 0, err
	}
	// Fast path: up to 18 digits cannot overflow an int64.
	neg := lit[0] == '-'
	digits := lit
	if neg {
		digits = lit[1:]
	}
	var n int64
	ok := len(digits) <= 18
	for _, c := range digits {
		if c < '0' || c > '9' {
			ok = false
			break
		}
		n = n*10 + int64(c-'0')
	}
	if ok {
		if neg {
			n = -n
		}
	} else {
		n, err = strconv.ParseInt(string(lit), 10, 64)
	}
	if err != nil || (bits == 32 && int64(int32(n)) != n) {
		return 0, d.typeErrorOf("number ("+truncate(string(lit), maxEcho)+")", "integer")
	}
	return n, nil
}

// Int32 reads an integer that fits an int32.
func (d *JSONDecoder) Int32() (int32, error) {
	n, err := d.integer(32)
	return int32(n), err
}

// Int64 reads an integer that fits an int64.
func (d *JSONDecoder) Int64() (int64, error) {
	return d.integer(64)
}

// Float32 reads a number that fits a float32 (AWS's float).
func (d *JSONDecoder) Float32() (float32, error) {
	f, err := d.float(32, "float")
	return float32(f), err
}

// Float64 reads a number that fits a float64 (AWS's double).
func (d *JSONDecoder) Float64() (float64, error) {
	return d.float(64, "double")
}

func (d *JSONDecoder) float(bits int, word string) (float64, error) {
	if !d.isNumber() {
		return 0, d.typeError(word)
	}
	lit, err := d.number()
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(string(lit), bits)
	if err != nil { // out of range
		return 0, d.typeErrorOf("number ("+truncate(string(lit), maxEcho)+")", word)
	}
	return f, nil
}

// Bool reads true or false.
func (d *JSONDecoder) Bool() (bool, error) {
	switch d.peek() {
	case 't':
		if d.literal("true") {
			return true, nil
		}
		return false, errSyntax
	case 'f':
		if d.literal("false") {
			return false, nil
		}
		return false, errSyntax
	}
	if d.isNumber() {
		return false, d.typeErrorOf("number", "boolean")
	}
	return false, d.typeError("boolean")
}

func (d *JSONDecoder) literal(lit string) bool {
	if d.pos+len(lit) <= len(d.data) && string(d.data[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return true
	}
	return false
}

// Time reads a timestamp as encoding/json reads a time.Time (an RFC 3339
// string).
func (d *JSONDecoder) Time() (time.Time, error) {
	d.skipWS()
	from := d.pos
	if err := d.Skip(); err != nil {
		return time.Time{}, err
	}
	var t time.Time
	if err := t.UnmarshalJSON(d.data[from:d.pos]); err != nil {
		return time.Time{}, SerializationError("Request body could not be read as JSON")
	}
	return t, nil
}

// Skip consumes any JSON value, checking that it is valid.
func (d *JSONDecoder) Skip() error {
	switch c := d.peek(); {
	case c == '{':
		return d.Map(func(string) error { return d.Skip() })
	case c == '[':
		return d.Array(func(int) error { return d.Skip() })
	case c == '"':
		// Skip a string without building it.
		for i := d.pos + 1; i < len(d.data); i++ {
			switch c := d.data[i]; {
			case c == '"':
				d.pos = i + 1
				return nil
			case c < 0x20:
				return errSyntax
			case c >= utf8.RuneSelf, c == '\\' && i+1 < len(d.data) && d.data[i+1] == 'u':
				// Unescaping checks the text; skipped members are held to
				// it too, as AWS parses the whole body.
				_, err := d.strSlow(d.pos+1, i)
				return err
			case c == '\\':
				i++
				if i >= len(d.data) {
					return errSyntax
				}
				switch d.data[i] {
				case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				case 'u':
					if hex4(d.data, i+1) < 0 {
						return errSyntax
					}
					i += 4
				default:
					return errSyntax
				}
			}
		}
		return errSyntax
	case c == 't':
		return d.lit("true")
	case c == 'f':
		return d.lit("false")
	case c == 'n':
		return d.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := d.number()
		return err
	}
	return errSyntax
}

func (d *JSONDecoder) lit(s string) error {
	if d.literal(s) {
		return nil
	}
	return errSyntax
}

// prepare readies a body for Decode, which decodes with encoding/json into
// t: it refuses a string that is not valid Unicode text, with the generated
// decoders' message, and hides each member whose name matches a field only
// without regard to case (by prefixing "\u0000", which no field name holds),
// so that encoding/json ignores it as AWS and the generated decoders do.
// Invalid JSON is left for encoding/json to word.
func prepare(body []byte, t reflect.Type) ([]byte, *Error) {
	d := JSONDecoder{data: body}
	err := d.walk(t)
	if err != nil {
		if err == errSyntax || !json.Valid(body) {
			return body, nil
		}
		e, _ := err.(*Error)
		return body, e
	}
	if len(d.inexact) == 0 || !json.Valid(body) {
		return body, nil // (offsets in syntax errors stay the client's)
	}
	out := make([]byte, 0, len(body)+6*len(d.inexact))
	from := 0
	for _, at := range d.inexact { // in body order
		out = append(append(out, body[from:at+1]...), `\u0000`...)
		from = at + 1
	}
	return append(out, body[from:]...), nil
}

// walk reads any JSON value, checking its strings' text and noting, in
// d.inexact, the members of structures that match a field of t only
// without regard to case.
func (d *JSONDecoder) walk(t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch d.peek() {
	case '{':
		if t == nil || t.Kind() != reflect.Struct {
			// A map, or a member the type does not have (which the
			// generated decoders Skip): keys are not part of the path.
			var elem reflect.Type
			if t != nil && t.Kind() == reflect.Map {
				elem = t.Elem()
			}
			return d.Map(func(string) error {
				if elem != nil && d.Null() {
					return d.NullItem("map")
				}
				return d.walk(elem)
			})
		}
		return d.Object(func(key string) error {
			ft, exact := fieldType(t, key)
			if ft != nil && !exact {
				d.inexact = append(d.inexact, d.keyAt)
				ft = nil
			}
			return d.walk(ft)
		})
	case '[':
		var elem reflect.Type
		// A byte slice (json.RawMessage) holds any JSON value.
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() != reflect.Uint8 {
			elem = t.Elem()
		}
		return d.Array(func(int) error {
			if elem != nil && d.Null() {
				return d.NullItem("list")
			}
			return d.walk(elem)
		})
	case '"':
		_, err := d.str()
		return err
	}
	return d.Skip()
}

// fieldType is the type of the field of struct t that encoding/json
// decodes member key into, or nil; exact is whether the names are equal,
// not only equal without regard to case.
func fieldType(t reflect.Type, key string) (ft reflect.Type, exact bool) {
	if t == nil || t.Kind() != reflect.Struct {
		return nil, false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			inner := f.Type
			if inner.Kind() == reflect.Pointer {
				inner = inner.Elem()
			}
			if found, ok := fieldType(inner, key); found != nil && (ok || ft == nil) {
				ft, exact = found, ok
			}
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		switch {
		case name == key:
			return f.Type, true
		case ft == nil && strings.EqualFold(name, key):
			ft = f.Type
		}
	}
	return ft, exact
}
