package wire

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Route is how one operation travels over HTTP, as the spec writes it: its
// method and path template (POST /CreateStage, GET /tags/{resourceArn}),
// the input members bound to the path's labels, to the query string and
// to request headers, and whether the rest goes in a JSON body. A generated package's Routes
// table is one per operation; its Handler routes by it, and a client (a
// test sending raw requests) can build any operation's request from it.
type Route struct {
	Operation string
	Method    string
	Path      string
	// Labels are the members that fill the path's {labels}, in path order;
	// Query those that go in the query string (a list as the parameter
	// repeated); Headers those that go in request headers, in spec order.
	Labels, Query, Headers []Binding
	// Body says the request has a JSON body, holding the members not bound
	// to the URL or to headers.
	Body bool
}

// Binding is an input member that travels outside the body: in the URL or
// in a header.
type Binding struct {
	Member string // its JSON name
	Name   string // the label, query parameter or header name
}

// Router finds the route of a request. Literal paths are tried first, then
// templates, those with the fewest labels first, so a literal segment wins
// over a label where both match.
type Router struct {
	literal   map[string]map[string]int // path -> method -> route index
	templates []template
}

type template struct {
	index  int
	method string
	segs   []string // literal text, or "" for a label
	labels int
}

// NewRouter indexes routes; Match returns indexes into this slice.
func NewRouter(routes []Route) *Router {
	rt := &Router{literal: map[string]map[string]int{}}
	for i, r := range routes {
		if !strings.Contains(r.Path, "{") {
			if rt.literal[r.Path] == nil {
				rt.literal[r.Path] = map[string]int{}
			}
			rt.literal[r.Path][r.Method] = i
			continue
		}
		t := template{index: i, method: r.Method}
		for _, seg := range strings.Split(strings.TrimPrefix(r.Path, "/"), "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				seg = ""
				t.labels++
			}
			t.segs = append(t.segs, seg)
		}
		rt.templates = append(rt.templates, t)
	}
	slices.SortStableFunc(rt.templates, func(a, b template) int { return a.labels - b.labels })
	return rt
}

// Match returns the index of the route for method and the request's
// escaped path (URL.EscapedPath, so a label may carry an escaped "/"), and
// the values of its labels in path order, unescaped. A label may be empty:
// the member's own constraints then say what is wrong with it. ok is false
// when no route has both the path and the method; AWS answers both alike.
func (rt *Router) Match(method, escapedPath string) (index int, labels []string, ok bool) {
	if byMethod, found := rt.literal[escapedPath]; found {
		if i, found := byMethod[method]; found {
			return i, nil, true
		}
	}
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
next:
	for _, t := range rt.templates {
		if t.method != method || len(t.segs) != len(segs) {
			continue
		}
		labels = labels[:0]
		for i, seg := range t.segs {
			if seg != "" {
				if segs[i] != seg {
					continue next
				}
				continue
			}
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				continue next
			}
			labels = append(labels, v)
		}
		return t.index, slices.Clone(labels), true
	}
	return 0, nil, false
}

// Header returns the value of a request header bound to a member, and
// whether the request has it: the field lines of that name joined with
// ", ", which is how HTTP reads a header sent more than once (RFC 9110).
// An empty value is a value.
func Header(h http.Header, name string) (string, bool) {
	v := h.Values(name)
	if len(v) == 0 {
		return "", false
	}
	return strings.Join(v, ", "), true
}

// QueryInt32 reads a query string value, or a header's, as an int32. Text
// that is not one gives a SerializationException naming the parameter or
// header, as a JSON member of the wrong type does.
func QueryInt32(name, s string) (int32, *Error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, queryError(name, s, "integer")
	}
	return int32(n), nil
}

// QueryInt64 reads a query string value, or a header's, as an int64.
func QueryInt64(name, s string) (int64, *Error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, queryError(name, s, "integer")
	}
	return n, nil
}

// QueryBool reads a query string value, or a header's, as a boolean: true
// or false.
func QueryBool(name, s string) (bool, *Error) {
	switch s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, queryError(name, s, "boolean")
}

func queryError(name, s, want string) *Error {
	return SerializationError("Value '%s' at '%s' cannot be read as %s", truncate(s, maxEcho), name, want)
}

// URLValues reads what a request's URL carries for its route, as AWS reads
// it: the values of the path's labels (Router.Match unescaped them) and
// the query string. Text that is not valid UTF-8 is refused, as in a
// body, with a SerializationException naming the member (or the query
// parameter no member takes); so is a query string with a malformed
// escape. A ';' separates nothing: it is part of the pair it is in, as
// AWS's query parser and its signature check read it, where Go's
// url.Query would drop the pair unsaid.
func URLValues(r *http.Request, route *Route, labels []string) (url.Values, *Error) {
	for i, v := range labels {
		if at := invalidUTF8(v); at >= 0 && i < len(route.Labels) {
			return nil, urlTextError("Value at '"+route.Labels[i].Member+"'", v, at)
		}
	}
	query, err := url.ParseQuery(LiteralSemicolons(r.URL.RawQuery))
	if err != nil {
		return nil, SerializationError("The query string is not valid: %v", err)
	}
	member := map[string]string{}
	for _, b := range route.Query {
		member[b.Name] = b.Member
	}
	for _, name := range slices.Sorted(maps.Keys(query)) {
		where := "Query parameter '" + url.QueryEscape(name) + "'"
		if m, ok := member[name]; ok {
			where = "Value at '" + m + "'"
		}
		if at := invalidUTF8(name); at >= 0 {
			return nil, urlTextError("Query parameter name '"+url.QueryEscape(name)+"'", name, at)
		}
		for _, v := range query[name] {
			if at := invalidUTF8(v); at >= 0 {
				return nil, urlTextError(where, v, at)
			}
		}
	}
	return query, nil
}

// LiteralSemicolons escapes each ';' of a raw query string, so that
// url.ParseQuery (and what reads the query through it, as the SDK's
// signer does) reads it as part of its pair, as AWS does.
func LiteralSemicolons(rawQuery string) string {
	return strings.ReplaceAll(rawQuery, ";", "%3B")
}

// invalidUTF8 is the index of the first byte of s that does not begin a
// valid UTF-8 sequence, or -1.
func invalidUTF8(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return -1
}

func urlTextError(where, s string, at int) *Error {
	return SerializationError("%s is not valid UTF-8: byte 0x%02X at byte %d", where, s[at], at+1)
}
