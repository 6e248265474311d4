package drift

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/wire"
)

// replayer holds what a replay learned: which of the target's values
// stand for which recorded ones.
type replayer struct {
	c      *suite.Contract
	target Target
	hc     *http.Client // signs every request, as the SDK does
	router *wire.Router
	// exchanges are the cassette's, for what a later answer says of a
	// participant the replay seeds.
	exchanges []cassette.Exchange

	// ids maps a recorded identifier, token (its redacted form) or page
	// token to the target's, learned by position.
	ids map[string]string
	// arns are the recorded ARNs of ids, longest first, replaced inside
	// longer values too.
	arns []string
	// tokenOf is the target's token for a recorded participant id: the
	// one minted at the place of the token that named the participant.
	tokenOf map[string]string
	// present are the recorded participant ids that joined on the target
	// (by a replayed control call, or seeded).
	present map[string]bool
	// lost are the recorded participant ids the replay could not make
	// join: the exchanges that name them are not replayed.
	lost map[string]bool
	// joined are the participants the replay seeded, by recorded id, and
	// acted those it has made act as an answer showed them.
	joined map[string]ivscontrol.ParticipantRef
	acted  map[string]bool
}

// maxAnswer bounds what is read of an answer.
const maxAnswer = 8 << 20

// skipped headers are those the replay sets itself (signing, transport)
// or that name the recording's client.
var skipped = []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "Content-Length",
	"Host", "User-Agent", "Accept-Encoding", "Amz-Sdk-Invocation-Id", "Amz-Sdk-Request", "X-Amz-User-Agent"}

func (r *replayer) replay(ctx context.Context, ex cassette.Exchange) (ExchangeReport, error) {
	er := ExchangeReport{Seq: ex.Seq, Operation: ex.Operation, Control: ex.Control || strings.HasPrefix(pathOf(ex.Request.URI), ivscontrol.Prefix)}
	er.Recorded = answerOf(ex.Response.Status, headerValue(ex.Response.Header, errorTypeHeader), ex.Response.Body)
	if er.Operation == "" && !er.Control {
		if i, _, ok := r.router.Match(ex.Request.Method, pathOf(ex.Request.URI)); ok {
			er.Operation = ivsapi.Routes[i].Operation
		}
	}
	switch {
	case ex.Response.Status == 0:
		er.Request = ex.Request.Method + " " + ex.Request.URI
		er.Skipped = "the recording has no answer to it: " + ex.Error
		return er, nil
	case er.Control && r.target.Control == nil:
		er.Request = ex.Request.Method + " " + ex.Request.URI
		er.Skipped = "a control call, and the target has no control API (not an ivsrt fake): what it made is seeded where the recording shows it"
		return er, nil
	}
	if why := r.unreplayable(ex, er.Control); why != "" {
		er.Request = ex.Request.Method + " " + ex.Request.URI
		er.Skipped = why
		return er, nil
	}
	if !er.Control {
		r.seed(ctx, er.Operation, ex, &er)
	}
	uri := r.mapURI(ex.Request.URI)
	body := r.mapBody(ex.Request.Body)
	er.Request = ex.Request.Method + " " + uri
	req, err := http.NewRequestWithContext(ctx, ex.Request.Method, strings.TrimSuffix(r.target.Endpoint, "/")+uri, bytes.NewReader([]byte(body)))
	if err != nil {
		return er, fmt.Errorf("drift: exchange %d: %w", ex.Seq, err)
	}
	if body == "" {
		req.Body = http.NoBody
	}
	for name, vs := range ex.Request.Header {
		if slices.ContainsFunc(skipped, func(s string) bool { return strings.EqualFold(s, name) }) {
			continue
		}
		for _, v := range vs {
			req.Header.Add(name, r.mapString(v))
		}
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return er, fmt.Errorf("%w: exchange %d (%s): %v", ErrUnreachable, ex.Seq, er.Request, err)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	resp.Body.Close()
	if err != nil {
		return er, fmt.Errorf("%w: exchange %d (%s): reading the answer: %v", ErrUnreachable, ex.Seq, er.Request, err)
	}
	er.Target = answerOf(resp.StatusCode, resp.Header.Get(errorTypeHeader), string(data))
	er.header = resp.Header
	if er.Control {
		r.control(ex, &er)
	} else {
		r.compare(er.Operation, ex, &er)
	}
	for i := range er.Differences {
		er.Differences[i] = named(er.Differences[i])
	}
	return er, nil
}

// unreplayable says why an exchange cannot be replayed, "" when it can:
// a join with a token the application signed itself (its signature is
// redacted, and no answer of the cassette minted it), or a request that
// names a participant such a join, or seeding, could not make.
func (r *replayer) unreplayable(ex cassette.Exchange, control bool) string {
	if control && pathOf(ex.Request.URI) == ivscontrol.Prefix+"join" {
		body, _ := decode(ex.Request.Body).(map[string]any)
		tok, _ := body[ivscases.MemberToken].(string)
		if _, minted := r.ids[tok]; isRedactedJWT(tok) && !minted {
			if out, ok := decode(ex.Response.Body).(map[string]any); ok {
				if pid, ok := out[ivscases.MemberParticipantId].(string); ok {
					r.lost[pid] = true
				}
			}
			return "a join with a token the application signed itself: the cassette keeps no signature, and no answer of it minted the token"
		}
	}
	for pid := range r.lost {
		if strings.Contains(ex.Request.URI, pid) || strings.Contains(ex.Request.Body, `"`+pid+`"`) {
			return "names participant " + pid + ", whom the replay could not make join"
		}
	}
	return ""
}

func pathOf(uri string) string {
	p, _, _ := strings.Cut(uri, "?")
	return p
}

// errorTypeHeader is the header of AWS's error type.
const errorTypeHeader = "X-Amzn-ErrorType"

// headerValue is a header's first value whatever the case its name was
// recorded in (a cassette written by hand, or by another tool, need not
// canonicalise it as Go does).
func headerValue(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return v
	}
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

func answerOf(status int, errType, body string) Answer {
	a := Answer{Status: status, Body: body}
	if status != http.StatusOK {
		if i := strings.IndexByte(errType, ':'); i >= 0 {
			errType = errType[:i]
		}
		a.ErrorType = strings.TrimSpace(errType)
	}
	return a
}

// control judges a replayed control call: its status and error type, and
// learns the identifiers of its answer (a join's session and participant)
// by position.
func (r *replayer) control(ex cassette.Exchange, er *ExchangeReport) {
	if d := statusDiff(pathOf(ex.Request.URI), er.Recorded, er.Target, true); d != nil {
		er.Differences = append(er.Differences, *d)
		return
	}
	rec, tgt := decode(ex.Response.Body), decode(er.Target.Body)
	r.learnAll(rec, tgt)
	if pathOf(ex.Request.URI) == ivscontrol.Prefix+"join" && er.Target.Status == http.StatusOK {
		if m, ok := rec.(map[string]any); ok {
			if pid, ok := m["participantId"].(string); ok {
				r.present[pid] = true
			}
		}
	}
}

// learnAll learns every string of a control answer whose value differs
// between the recording and the target: the control API's answers are
// not in the spec, and all they hold are identifiers and tokens.
func (r *replayer) learnAll(rec, tgt any) {
	switch x := rec.(type) {
	case map[string]any:
		if y, ok := tgt.(map[string]any); ok {
			for k, v := range x {
				r.learnAll(v, y[k])
			}
		}
	case []any:
		if y, ok := tgt.([]any); ok {
			for i := range min(len(x), len(y)) {
				r.learnAll(x[i], y[i])
			}
		}
	case string:
		if y, ok := tgt.(string); ok {
			r.learn(x, y)
		}
	}
}

// learn maps a recorded value to the target's, unless it has a mapping.
func (r *replayer) learn(rec, tgt string) {
	if rec == "" || tgt == "" {
		return
	}
	if _, ok := r.ids[rec]; ok {
		return
	}
	r.ids[rec] = tgt
	if strings.HasPrefix(rec, arnPrefix) {
		// Kept longest first, so that an ARN is replaced before a
		// shorter one it starts with.
		i, _ := slices.BinarySearchFunc(r.arns, rec, longestFirst)
		r.arns = slices.Insert(r.arns, i, rec)
	}
}

// arnPrefix starts every ARN.
const arnPrefix = "arn:"

func longestFirst(a, b string) int {
	if len(a) != len(b) {
		return len(b) - len(a)
	}
	return strings.Compare(a, b)
}

// mapString is a recorded value with the target's identifiers: the whole
// value when it has a mapping (an identifier, a token, a page token),
// else each mapped ARN in it (an error message's, say).
func (r *replayer) mapString(s string) string {
	if t, ok := r.ids[s]; ok {
		return t
	}
	if !strings.Contains(s, arnPrefix) {
		return s
	}
	for _, rec := range r.arns {
		if strings.Contains(s, rec) {
			s = strings.ReplaceAll(s, rec, r.ids[rec])
		}
	}
	return s
}

// mapURI maps the identifiers of a recorded URI: each path segment
// unescaped, mapped and escaped again, each query value likewise.
func (r *replayer) mapURI(uri string) string {
	p, q, hasQuery := strings.Cut(uri, "?")
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			if m := r.mapString(u); m != u {
				segs[i] = url.PathEscape(m)
			}
		}
	}
	out := strings.Join(segs, "/")
	if !hasQuery {
		return out
	}
	vals, err := url.ParseQuery(q)
	if err != nil {
		return out + "?" + q
	}
	for k, vs := range vals {
		for i, v := range vs {
			vs[i] = r.mapString(v)
		}
		vals[k] = vs
	}
	return out + "?" + vals.Encode()
}

// mapBody maps the identifiers and tokens in a recorded JSON body's
// strings; a body that is not JSON goes as it was.
func (r *replayer) mapBody(body string) string {
	if body == "" {
		return body
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return body
	}
	v = r.mapValue(v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return body
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func (r *replayer) mapValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = r.mapValue(e)
		}
	case []any:
		for i, e := range x {
			x[i] = r.mapValue(e)
		}
	case string:
		return r.mapString(x)
	}
	return v
}

// decode is a JSON body's value, nil when it is none.
func decode(body string) any {
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return nil
	}
	return v
}
