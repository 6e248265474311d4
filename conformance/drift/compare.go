package drift

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// The kinds of a difference in an answer's body.
const (
	kindMissing = "missing" // the recording has the member, the target not
	kindExtra   = "extra"   // the target has a member the spec knows and the recording lacks
	kindValue   = "value"   // both have it, with other values
	kindLength  = "length"  // lists of different lengths
	kindForm    = "form"    // a value the target minted is not of its format
)

// bodyDiff is a difference found by walking two answers.
type bodyDiff struct {
	kind     string
	path     string // JSON path, list items as [] ("stage.tags", "participants[].userId")
	rec, tgt any
	// identifier is the identifier format of a value of the wrong form;
	// timestamp says it is a timestamp.
	identifier string
	timestamp  bool
	// ordered is the case of the rule that fixes the order of the list
	// the difference lies in, if any.
	ordered string
	why     string
}

// compare judges the target's answer to an operation against the
// recorded one: status and error type; for a success, every member the
// spec knows, the values that must agree, the form of the identifiers and
// timestamps the target minted; then the single-answer rules of the
// behaviour cases that the recorded answer keeps and the target's breaks.
func (r *replayer) compare(op string, ex cassette.Exchange, er *ExchangeReport) {
	if d := statusDiff(op, er.Recorded, er.Target, false); d != nil {
		er.Differences = append(er.Differences, *d)
		return
	}
	if er.Target.Status != http.StatusOK || op == "" {
		return
	}
	rec, tgt := decode(ex.Response.Body), decode(er.Target.Body)
	w := &walker{r: r, op: op}
	if o := r.c.Operation(op); o != nil && o.Pagination != nil {
		w.items = o.Pagination.Items
		_, sent := decodeMap(ex.Request.Body)[o.Pagination.InputToken]
		_, given := decodeMap(ex.Response.Body)[o.Pagination.OutputToken]
		w.page = sent || given || strings.Contains(ex.Request.URI, o.Pagination.InputToken+"=")
	}
	w.value("", &suite.Value{Kind: "object", Schema: op + "Response"}, "", rec, tgt)
	req := r.request(op, ex, r.mapString)
	seen := map[string]bool{}
	for _, d := range w.diffs {
		diff := r.describe(op, req, d)
		// Items alike that differ alike are one difference.
		key := fmt.Sprintf("%s\x00%s\x00%s\x00%v\x00%v", diff.Case, diff.Path, diff.What, diff.Recorded, diff.Target)
		if seen[key] {
			continue
		}
		seen[key] = true
		er.Differences = append(er.Differences, diff)
	}
	er.Differences = append(er.Differences, r.answerChecks(op, req, ex, er, seenCases(er.Differences))...)
}

// decodeMap is a JSON body's object, nil when it is none.
func decodeMap(body string) map[string]any {
	m, _ := decode(body).(map[string]any)
	return m
}

// request is the members of a recorded request, as the cases' bodies
// hold them: its JSON body's, and those it sent in its path and query (a
// GET's), each string passed through mapped (the replay's identifiers, or
// the recorded ones as they are).
func (r *replayer) request(op string, ex cassette.Exchange, mapped func(string) string) map[string]any {
	req, _ := decode(ex.Request.Body).(map[string]any)
	if req == nil {
		req = map[string]any{}
	}
	mapAll(req, mapped)
	r.requestMembers(op, ex.Request.URI, req, mapped)
	return req
}

// mapAll passes every string of v through mapped, in place.
func mapAll(v any, mapped func(string) string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = mapAll(e, mapped)
		}
	case []any:
		for i, e := range x {
			x[i] = mapAll(e, mapped)
		}
	case string:
		return mapped(x)
	}
	return v
}

// requestMembers adds the members a request sent in its path and query
// to req.
func (r *replayer) requestMembers(op, uri string, req map[string]any, mapped func(string) string) {
	o := r.c.Operation(op)
	if o == nil {
		return
	}
	p, q, _ := strings.Cut(uri, "?")
	tmpl, segs := strings.Split(o.Path, "/"), strings.Split(p, "/")
	for _, l := range o.Labels {
		for i, t := range tmpl {
			if t == "{"+l.Name+"}" && i < len(segs) {
				req[l.Member] = mapped(unescape(segs[i], false))
			}
		}
	}
	for _, b := range o.Query {
		for _, kv := range strings.Split(q, "&") {
			if k, v, ok := strings.Cut(kv, "="); ok && k == b.Name {
				req[b.Member] = mapped(unescape(v, true))
			}
		}
	}
}

func seenCases(ds []Difference) map[string]bool {
	m := map[string]bool{}
	for _, d := range ds {
		m[d.Case] = true
	}
	return m
}

// statusDiff is the difference of two answers' status or error type, nil
// when they agree.
func statusDiff(op string, rec, tgt Answer, control bool) *Difference {
	if rec.Status == tgt.Status && rec.ErrorType == tgt.ErrorType {
		return nil
	}
	name := statusCase(op, rec, control)
	if rec.Status == tgt.Status {
		return &Difference{Case: name, What: fmt.Sprintf("the error type is %s, the recording's %s", orNone(tgt.ErrorType), orNone(rec.ErrorType)),
			Recorded: rec.ErrorType, Target: tgt.ErrorType}
	}
	return &Difference{Case: name, What: fmt.Sprintf("the target answered %d %s, the recording %d %s", tgt.Status, tgt.ErrorType, rec.Status, rec.ErrorType),
		Recorded: strings.TrimSpace(fmt.Sprint(rec.Status, " ", rec.ErrorType)), Target: strings.TrimSpace(fmt.Sprint(tgt.Status, " ", tgt.ErrorType))}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// walker walks a recorded answer and the target's side by side.
type walker struct {
	r     *replayer
	op    string
	diffs []bodyDiff
	// dry walks without learning mappings, to pair the items of a list
	// whose order is free.
	dry     bool
	ordered string
	// page says the answer is one page of a longer list (a page token
	// was sent or given): which items it holds is not fixed. items is
	// the path of the operation's list.
	page  bool
	items string
}

func (w *walker) add(d bodyDiff) {
	if d.ordered == "" {
		d.ordered = w.ordered
	}
	w.diffs = append(w.diffs, d)
}

// minted reports whether the value of member (of type t) is the target's
// own: an identifier, a token, a secret, a page token, a stage's
// endpoints (minted with their stage), a recording's S3 prefix, a
// composition destination's id and recording prefix.
func (w *walker) minted(path, member string, t *suite.Value) bool {
	if t != nil && t.Identifier != "" || member == ivscases.MemberParticipantId {
		// A token's participantId has no identifier format of its own (a
		// token may name a participant that has not joined), yet the
		// service mints it.
		return true
	}
	// A recording's prefix names its stage, session and participant, and
	// the time it began.
	if slices.Contains(w.r.c.Sensitive, member) || member == ivscases.MemberNextToken || member == ivscases.MemberRecordingS3Prefix ||
		member == ivscases.MemberId || member == ivscases.MemberRecordingPrefix {
		return true
	}
	return strings.Contains("."+path+".", "."+ivscases.MemberEndpoints+".")
}

func (w *walker) value(path string, t *suite.Value, member string, rec, tgt any) {
	if t != nil && t.Kind == "timestamp" {
		if s, ok := tgt.(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return
			}
		}
		w.add(bodyDiff{kind: kindForm, path: path, rec: rec, tgt: tgt, timestamp: true, why: "a timestamp that is not ISO 8601"})
		return
	}
	if rs, ok := rec.(string); ok && (w.minted(path, member, t) || cassette.IsRedacted(rs) || isRedactedJWT(rs)) {
		ts, ok := tgt.(string)
		if !ok {
			w.add(bodyDiff{kind: kindValue, path: path, rec: rec, tgt: tgt, why: "not a string"})
			return
		}
		if rs == "" || ts == "" {
			// "" names nothing (a stage without recording, an ingest
			// configuration without a stage): it must agree.
			if rs != ts {
				w.add(bodyDiff{kind: kindValue, path: path, rec: rs, tgt: ts})
			}
			return
		}
		if mapped, ok := w.r.ids[rs]; ok {
			if mapped != ts {
				w.add(bodyDiff{kind: kindValue, path: path, rec: rs, tgt: ts, why: fmt.Sprintf("is not what the recorded value stands for on the target (%s, from an earlier answer): another resource than the recording's", mapped)})
			}
			return
		}
		if w.dry {
			return
		}
		w.r.learn(rs, ts)
		if t != nil {
			if why := w.r.form(t, ts); why != "" {
				id := t.Identifier
				if id == "" && member == ivscases.MemberParticipantId {
					id = participantIDFormat
				}
				w.add(bodyDiff{kind: kindForm, path: path, rec: rs, tgt: ts, identifier: id, why: why})
			}
		}
		return
	}
	switch x := rec.(type) {
	case map[string]any:
		y, ok := tgt.(map[string]any)
		if !ok {
			w.add(bodyDiff{kind: kindValue, path: path, rec: rec, tgt: tgt, why: "not an object"})
			return
		}
		w.object(path, t, x, y)
	case []any:
		y, ok := tgt.([]any)
		if !ok {
			w.add(bodyDiff{kind: kindValue, path: path, rec: rec, tgt: tgt, why: "not a list"})
			return
		}
		w.list(path, t, member, x, y)
	case string:
		if s, ok := tgt.(string); !ok || w.r.mapString(x) != s {
			w.add(bodyDiff{kind: kindValue, path: path, rec: rec, tgt: tgt})
		}
	default:
		if !reflect.DeepEqual(rec, tgt) {
			w.add(bodyDiff{kind: kindValue, path: path, rec: rec, tgt: tgt})
		}
	}
}

func join(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

func (w *walker) object(path string, t *suite.Value, rec, tgt map[string]any) {
	c := w.r.c
	if t != nil && t.Kind == "map" {
		// A map (tags, attributes) is data: entry for entry.
		for _, k := range sortedKeys(rec) {
			if v, ok := tgt[k]; ok {
				w.value(join(path, k), t.Elem, k, rec[k], v)
			} else {
				w.add(bodyDiff{kind: kindMissing, path: join(path, k), rec: rec[k]})
			}
		}
		for _, k := range sortedKeys(tgt) {
			if _, ok := rec[k]; !ok {
				w.add(bodyDiff{kind: kindExtra, path: join(path, k), tgt: tgt[k]})
			}
		}
		return
	}
	var schema string
	if t != nil {
		schema = t.Schema
	}
	listed := c.KnowsStruct(schema)
	for _, k := range sortedKeys(rec) {
		mt := c.TypeOf(schema, k)
		if listed && mt == nil {
			continue // a member the spec does not know: not ours to judge
		}
		v, ok := tgt[k]
		if !ok {
			w.add(bodyDiff{kind: kindMissing, path: join(path, k), rec: rec[k]})
			continue
		}
		w.value(join(path, k), mt, k, rec[k], v)
	}
	for _, k := range sortedKeys(tgt) {
		if _, ok := rec[k]; ok || !listed || c.TypeOf(schema, k) == nil {
			continue
		}
		w.add(bodyDiff{kind: kindExtra, path: join(path, k), tgt: tgt[k]})
	}
	// A token names its participant: the target's token stands for it.
	rt, _ := rec[ivscases.MemberToken].(string)
	rp, _ := rec[ivscases.MemberParticipantId].(string)
	tt, _ := tgt[ivscases.MemberToken].(string)
	if !w.dry && rt != "" && rp != "" && tt != "" {
		w.r.tokenOf[rp] = tt
	}
}

// list compares two lists. Where a rule fixes the order, item by item;
// else each recorded item with the target's item it matches, whatever its
// place, the rest in order.
func (w *walker) list(path string, t *suite.Value, member string, rec, tgt []any) {
	var elem *suite.Value
	if t != nil {
		elem = t.Elem
	}
	if len(rec) != len(tgt) {
		w.add(bodyDiff{kind: kindLength, path: path, rec: len(rec), tgt: len(tgt)})
	}
	order := orderRule(w.op, member, rec)
	if order != "" {
		saved := w.ordered
		w.ordered = order
		for i := range min(len(rec), len(tgt)) {
			w.value(path+"[]", elem, member, rec[i], tgt[i])
		}
		w.ordered = saved
		return
	}
	pairs := w.pair(path, elem, member, rec, tgt)
	for i, j := range pairs {
		if j >= 0 {
			w.value(path+"[]", elem, member, rec[i], tgt[j])
		}
	}
}

// pair finds the target's item that faces each recorded one in a list
// whose order no rule fixes (-1 for none): first the item that names the
// same resource (an identifier of the recorded item maps to the target
// item's), then one a dry walk finds no difference with, then the rest in
// their order. Which items a page holds is not fixed either: on a page of
// a longer list (w.page), a recorded item neither way matches faces
// none, and only the page's length is compared.
func (w *walker) pair(path string, elem *suite.Value, member string, rec, tgt []any) []int {
	pairs := make([]int, len(rec))
	used := make([]bool, len(tgt))
	for i := range pairs {
		pairs[i] = -1
	}
	// The same resource.
	for i, rv := range rec {
		rm, _ := rv.(map[string]any)
		k := ownIdentifier(rm)
		rs, ok := rm[k].(string)
		mapped, known := w.r.ids[rs]
		if k == "" || !ok || !known {
			continue
		}
		for j, tv := range tgt {
			if tm, _ := tv.(map[string]any); !used[j] && tm != nil && tm[k] == mapped {
				pairs[i], used[j] = j, true
				break
			}
		}
	}
	// An item that agrees in everything.
	for i, rv := range rec {
		for j, tv := range tgt {
			if pairs[i] >= 0 || used[j] {
				continue
			}
			dry := &walker{r: w.r, op: w.op, dry: true}
			dry.value(path+"[]", elem, member, rv, tv)
			if len(dry.diffs) == 0 {
				pairs[i], used[j] = j, true
			}
		}
	}
	if w.page && path == w.items {
		return pairs
	}
	// The rest in their order.
	j := 0
	for i := range pairs {
		if pairs[i] >= 0 {
			continue
		}
		for j < len(tgt) && used[j] {
			j++
		}
		if j < len(tgt) {
			pairs[i], used[j] = j, true
		}
	}
	return pairs
}

// ownIdentifier is the member of a list item that names the item itself
// (not another resource it refers to, as a composition's stageArn does),
// "" for none: its ARN, its id, a session's id, a participant's id (an
// event's participantId names whose event it is, not the event).
func ownIdentifier(item map[string]any) string {
	for _, k := range []string{ivscases.MemberArn, ivscases.MemberId, ivscases.MemberSessionId} {
		if _, ok := item[k]; ok {
			return k
		}
	}
	if _, event := item[ivscases.MemberEventTime]; !event {
		if _, ok := item[ivscases.MemberParticipantId]; ok {
			return ivscases.MemberParticipantId
		}
	}
	return ""
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// isRedactedJWT reports whether s is a token whose signature a recorder
// replaced by its mark.
func isRedactedJWT(s string) bool {
	parts := strings.Split(s, ".")
	return len(parts) == 3 && cassette.IsRedacted(parts[2])
}

// form says how an identifier the target minted breaks its format: the
// model's constraints of its shape, and the contract's identifier format
// in the target's region. A format whose template reads nothing back
// (its Parse takes any text: a participant id, which AWS mints in more
// than one length) is held to the model's constraints alone.
func (r *replayer) form(t *suite.Value, s string) string {
	if err := t.Check(s); err != nil {
		return "breaks the model's constraints: " + err.Error()
	}
	if t.Identifier == "" {
		return ""
	}
	id := r.c.Identifier(t.Identifier)
	if id == nil || id.Parse == "^.+$" {
		return ""
	}
	re, f := r.c.FormatRegexp(t.Identifier, map[string]string{"region": r.target.Region})
	if f != nil {
		return ""
	}
	if !re.MatchString(s) {
		return fmt.Sprintf("is not of the format %s (%s) in region %s", t.Identifier, id.Template, r.target.Region)
	}
	return ""
}

// answerChecks are the single-answer rules of the behaviour cases
// (behaviour.AnswerChecks: identifier formats, defaults, echoes,
// endpoints) that the recorded exchange keeps (judged as it was recorded)
// and the target's answer to the replayed request breaks, each once: a
// rule the recording itself breaks says nothing about drift.
func (r *replayer) answerChecks(op string, req map[string]any, ex cassette.Exchange, er *ExchangeReport, seen map[string]bool) []Difference {
	recReq := r.request(op, ex, func(s string) string { return s })
	rec, _ := decode(ex.Response.Body).(map[string]any)
	tgt, _ := decode(er.Target.Body).(map[string]any)
	if rec == nil || tgt == nil {
		return nil
	}
	exch := func(a Answer, h http.Header) *suite.Exchange {
		return &suite.Exchange{Op: op, Method: ex.Request.Method, Target: ex.Request.URI, Body: ex.Request.Body,
			Status: a.Status, Header: h, Resp: []byte(a.Body), ErrType: a.ErrorType}
	}
	var out []Difference
	for _, chk := range behaviour.AnswerChecks() {
		if seen[chk.Case] || !slices.Contains(chk.Operations, op) {
			continue
		}
		if f := chk.Check(r.c, op, recReq, rec, exch(er.Recorded, ex.Response.Header)); f != nil {
			continue
		}
		f := chk.Check(r.c, op, req, tgt, exch(er.Target, er.header))
		if f == nil || f.Skipped {
			continue
		}
		d := Difference{Case: chk.Case, What: f.Reason, Diff: f.Diff}
		out = append(out, named(d))
		seen[chk.Case] = true
	}
	return out
}

// unescape is a path segment or query value unescaped (as it was, when
// it does not unescape).
func unescape(s string, query bool) string {
	un := url.PathUnescape
	if query {
		un = url.QueryUnescape
	}
	if u, err := un(s); err == nil {
		return u
	}
	return s
}
