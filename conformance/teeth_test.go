package conformance_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// Broken variants of the fake, each breaking one behaviour rule, and the
// cases, named after the rule, that must catch them.

// callInner sends a JSON body to op on the inner handler and returns the
// status and the decoded answer. The members the op's route binds to the
// path, the query string and headers go there, as the SDK sends them; the
// rest is the body, when the route has one.
func callInner(h http.Handler, op string, body map[string]any) (int, map[string]any) {
	i := slices.IndexFunc(ivsapi.Routes, func(r wire.Route) bool { return r.Operation == op })
	if i < 0 {
		panic("no route for " + op)
	}
	route := ivsapi.Routes[i]
	body = maps.Clone(body)
	target := route.Path
	for _, l := range route.Labels {
		v, _ := body[l.Member].(string) // labels are strings; an absent one is empty
		target = strings.Replace(target, "{"+l.Name+"}", url.PathEscape(v), 1)
		delete(body, l.Member)
	}
	q := url.Values{}
	for _, b := range route.Query {
		switch v := body[b.Member].(type) {
		case nil:
		case []any:
			for _, x := range v {
				q.Add(b.Name, fmt.Sprint(x))
			}
		default:
			q.Add(b.Name, fmt.Sprint(v))
		}
		delete(body, b.Member)
	}
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	header := http.Header{}
	for _, h := range route.Headers {
		if v, ok := body[h.Member]; ok && v != nil {
			header.Set(h.Name, fmt.Sprint(v))
		}
		delete(body, h.Member)
	}
	var b []byte
	if route.Body {
		b, _ = json.Marshal(body)
	}
	req := httptest.NewRequest(route.Method, target, bytes.NewReader(b))
	req.Header = header
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// readJSON reads a request body as a JSON object, and puts the bytes back.
func readJSON(r *http.Request) map[string]any {
	data, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(data))
	var body map[string]any
	_ = json.Unmarshal(data, &body)
	return body
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func recordingOf(doc map[string]any) map[string]any {
	st, _ := doc["stage"].(map[string]any)
	rec, _ := st["autoParticipantRecordingConfiguration"].(map[string]any)
	return rec
}

// A partial update that clears what it is not given: UpdateStage without
// a name empties the name, without a recording configuration turns
// recording off.
func TestCatchesPartialUpdateClearingMembers(t *testing.T) {
	h := rewriteRequest(ivsfake.New(ivsfake.Options{}), "UpdateStage", func(body map[string]any) {
		if _, ok := body["name"]; !ok {
			body["name"] = ""
		}
		if _, ok := body["autoParticipantRecordingConfiguration"]; !ok {
			body["autoParticipantRecordingConfiguration"] = map[string]any{"storageConfigurationArn": ""}
		}
	})
	rs := results(t, h)
	requireFails(t, rs, "UpdateStage/behaviour/partial-update/name-only-keeps-recording-configuration-and-tags",
		"UpdateStage with only [name] changes other members of the stage")
	requireFails(t, rs, "UpdateStage/behaviour/partial-update/recording-configuration-only-keeps-name-and-tags",
		"UpdateStage with only [autoParticipantRecordingConfiguration] changes other members of the stage")
}

// noReset is an implementation that does not reset the recording
// configuration when its storage configuration is set to "": the media
// types stay what they were, or what the request gave.
type noReset struct {
	inner http.Handler
	mu    sync.Mutex
	media map[string]any // stage ARN -> the media types it shows instead
}

func (n *noReset) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := r.URL.Path[1:]
	if op != "CreateStage" && op != "GetStage" && op != "UpdateStage" {
		n.inner.ServeHTTP(w, r)
		return
	}
	body := readJSON(r)
	reqRec, _ := body["autoParticipantRecordingConfiguration"].(map[string]any)
	if op == "UpdateStage" && reqRec != nil && reqRec["storageConfigurationArn"] == "" {
		kept, given := reqRec["mediaTypes"]
		if !given {
			_, cur := callInner(n.inner, "GetStage", map[string]any{"arn": body["arn"]})
			kept = recordingOf(cur)["mediaTypes"]
		}
		n.mu.Lock()
		n.media[body["arn"].(string)] = kept
		n.mu.Unlock()
	}
	rec := httptest.NewRecorder()
	n.inner.ServeHTTP(rec, r)
	out := rec.Body.Bytes()
	if rec.Code == http.StatusOK {
		out = editJSON(out, func(doc map[string]any) {
			st, _ := doc["stage"].(map[string]any)
			arn, _ := st["arn"].(string)
			rc := recordingOf(doc)
			n.mu.Lock()
			defer n.mu.Unlock()
			if op == "CreateStage" && reqRec != nil && reqRec["storageConfigurationArn"] == "" && reqRec["mediaTypes"] != nil {
				n.media[arn] = reqRec["mediaTypes"]
			}
			if m, ok := n.media[arn]; ok && rc != nil && rc["storageConfigurationArn"] == "" {
				rc["mediaTypes"] = m
			}
		})
	}
	maps.Copy(w.Header(), rec.Header())
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(out)
}

func TestCatchesNoMediaTypesReset(t *testing.T) {
	sweep(t)
	rs := results(t, &noReset{inner: ivsfake.New(ivsfake.Options{}), media: map[string]any{}})
	for _, name := range []string{
		"UpdateStage/behaviour/recording-reset/mediaTypes-omitted",
		"UpdateStage/behaviour/recording-reset/mediaTypes-given",
		"CreateStage/behaviour/recording-reset/mediaTypes-given",
	} {
		requireFails(t, rs, name, "does not reset the other members of the recording configuration to their defaults")
	}
	// The reset of every member (the media types among them) too.
	for _, name := range []string{
		"UpdateStage/behaviour/recording-reset/every-member-reset",
		"CreateStage/behaviour/recording-reset/every-member-reset",
	} {
		requireFails(t, rs, name, "and the other members given does not reset each to its default")
	}
	assert.Len(t, failed(rs), 5, "%v", failed(rs))
}

// No ConflictException while recording: the refused update is answered
// with 200 and the stage as the request would have made it.
func TestCatchesNoConflictWhileRecording(t *testing.T) {
	fake := ivsfake.New(ivsfake.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/UpdateStage" {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		if rec.Code != http.StatusConflict {
			maps.Copy(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		_, cur := callInner(fake, "GetStage", map[string]any{"arn": body["arn"]})
		st := cur["stage"].(map[string]any)
		want := body["autoParticipantRecordingConfiguration"].(map[string]any)
		if _, ok := want["mediaTypes"]; !ok {
			want["mediaTypes"] = []any{"AUDIO_VIDEO"}
		}
		st["autoParticipantRecordingConfiguration"] = want
		writeJSON(w, cur)
	})
	rs := results(t, h)
	for _, state := range []string{"STARTING", "ACTIVE", "STOPPING"} {
		requireFails(t, rs, "UpdateStage/behaviour/conflict-while-recording/"+state,
			"UpdateStage of the recording configuration while a participant's recording is "+state, "want ConflictException", "got 200 OK")
	}
}

// ResourceNotFoundException for a session nobody knows, on an operation
// that declares none: ListParticipants answers 404 where its list is empty.
// The error is one the spec knows, and a newer endpoint may answer an
// operation errors an older spec did not declare for it, so the contract
// alone does not refuse it; the cases that want the empty list do.
func TestCatchesNotFoundOnUnknownSessionList(t *testing.T) {
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		var doc struct {
			Participants []any `json:"participants"`
		}
		if op != "ListParticipants" || rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &doc) != nil || len(doc.Participants) > 0 {
			return rec.Code, rec.Body.Bytes()
		}
		rec.Header()["x-amzn-ErrorType"] = []string{"ResourceNotFoundException"}
		return http.StatusNotFound, []byte(`{"exceptionMessage":"Session not found"}`)
	})
	rs := results(t, h)
	requireFails(t, rs, "ListParticipants/behaviour/unknown-session-id-lists-nothing",
		"want 200, got 404 ResourceNotFoundException")
	requireFails(t, rs, "ListParticipants/behaviour/unknown-stage-arn-lists-nothing", "ResourceNotFoundException")
}

// pager replaces the fake's paging of ListParticipants with its own
// tokens: an offset bound to the stage and session, but not to the filter.
// With repeatLast, each page starts with the last item of the page before.
type pager struct {
	inner      http.Handler
	repeatLast bool
}

type pagerToken struct {
	Stage, Session string
	Offset         int
}

func (p *pager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/ListParticipants" {
		p.inner.ServeHTTP(w, r)
		return
	}
	body := readJSON(r)
	tok, hasToken := body["nextToken"]
	if _, isString := tok.(string); body == nil || (hasToken && !isString) {
		p.inner.ServeHTTP(w, r)
		return
	}
	// The fake validates the rest of the request.
	check := maps.Clone(body)
	delete(check, "nextToken")
	if code, _ := callInner(p.inner, "ListParticipants", check); code != http.StatusOK {
		p.inner.ServeHTTP(w, r)
		return
	}
	size := 50
	if n, ok := body["maxResults"].(float64); ok {
		size = int(n)
	}
	offset := 0
	if tok, ok := body["nextToken"].(string); ok && tok != "" {
		var t pagerToken
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || json.Unmarshal(raw, &t) != nil || t.Stage != body["stageArn"] || t.Session != body["sessionId"] {
			wire.WriteError(w, wire.NewError("ValidationException", http.StatusBadRequest,
				"1 validation error detected: Value at 'nextToken' failed to satisfy constraint: not a token of this session"))
			return
		}
		offset = t.Offset
	}
	// Everything the filter keeps, from the fake; paging is done here.
	inner := maps.Clone(body)
	delete(inner, "nextToken")
	inner["maxResults"] = 100
	var all []any
	for {
		code, doc := callInner(p.inner, "ListParticipants", inner)
		if code != http.StatusOK {
			p.inner.ServeHTTP(w, r) // let the fake refuse it as it does
			return
		}
		items, _ := doc["participants"].([]any)
		all = append(all, items...)
		next, _ := doc["nextToken"].(string)
		if next == "" {
			break
		}
		inner["nextToken"] = next
	}
	end := min(offset+size, len(all))
	out := map[string]any{"participants": append([]any{}, all[min(offset, len(all)):end]...)}
	if end < len(all) {
		next := end
		if p.repeatLast && size > 1 {
			next = end - 1
		} else if p.repeatLast {
			next = offset
		}
		raw, _ := json.Marshal(pagerToken{Stage: body["stageArn"].(string), Session: body["sessionId"].(string), Offset: next})
		out["nextToken"] = base64.RawURLEncoding.EncodeToString(raw)
	}
	writeJSON(w, out)
}

// Page tokens that are not bound to the query's filter.
func TestCatchesPageTokensNotBoundToFilter(t *testing.T) {
	sweep(t)
	rs := results(t, &pager{inner: ivsfake.New(ivsfake.Options{})})
	requireFails(t, rs, "ListParticipants/behaviour/page-token/from-another-filter",
		"a page token issued for filterByState=CONNECTED, sent with filterByState=DISCONNECTED", "want ValidationException naming 'nextToken', got 200 OK")
	assert.Equal(t, []string{"ListParticipants/behaviour/page-token/from-another-filter"}, failed(rs),
		"the rest of paging works: only the binding to the filter is broken")
}

// A pagination that repeats the last item of each page on the next.
func TestCatchesRepeatedLastItem(t *testing.T) {
	sweep(t)
	rs := results(t, &pager{inner: ivsfake.New(ivsfake.Options{}), repeatLast: true})
	// Pages of one or two never get past the repeats.
	requireFails(t, rs, "ListParticipants/pagination/maxResults=1", "ListParticipants kept handing out nextToken")
	requireFails(t, rs, "ListParticipants/pagination/maxResults=2", "ListParticipants kept handing out nextToken")
	for _, n := range []int{7, 10, 29} {
		requireFails(t, rs, fmt.Sprintf("ListParticipants/pagination/maxResults=%d", n), "does not give each of the 30 participants exactly once")
	}
	assert.Equal(t, suite.Pass, rs["ListParticipants/pagination/maxResults=30"].Status, "one page holds them all: nothing to repeat")
}

// listWith answers ListParticipants requests that filter by user id from
// the fake's unfiltered list, keeping the participants match says match.
func listWith(match func(userID, filter string) bool) http.Handler {
	fake := ivsfake.New(ivsfake.Options{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ListParticipants" {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		filter, ok := body["filterByUserId"].(string)
		// Only a valid request with the filter alone: the fake answers the rest.
		if code, _ := callInner(fake, "ListParticipants", body); !ok || len(body) != 3 || code != http.StatusOK {
			fake.ServeHTTP(w, r)
			return
		}
		inner := map[string]any{"stageArn": body["stageArn"], "sessionId": body["sessionId"], "maxResults": 100}
		kept := []any{}
		for {
			_, doc := callInner(fake, "ListParticipants", inner)
			items, _ := doc["participants"].([]any)
			for _, it := range items {
				if u, _ := it.(map[string]any)["userId"].(string); match(u, filter) {
					kept = append(kept, it)
				}
			}
			next, _ := doc["nextToken"].(string)
			if next == "" {
				break
			}
			inner["nextToken"] = next
		}
		writeJSON(w, map[string]any{"participants": kept})
	})
}

// A user id filter that matches prefixes.
func TestCatchesUserIdFilterMatchingPrefixes(t *testing.T) {
	sweep(t)
	rs := results(t, listWith(strings.HasPrefix))
	requireFails(t, rs, "ListParticipants/behaviour/filterByUserId/prefix-matches-nothing", "a prefix of the present user id", "matches")
	// The generated filter case's own value, "a", is a prefix of present ids too.
	assert.ElementsMatch(t, []string{"ListParticipants/behaviour/filterByUserId/prefix-matches-nothing",
		"ListParticipants/filters/filterByUserId=each-present-value"}, failed(rs))
}

// A user id filter that ignores case.
func TestCatchesUserIdFilterIgnoringCase(t *testing.T) {
	sweep(t)
	rs := results(t, listWith(strings.EqualFold))
	requireFails(t, rs, "ListParticipants/behaviour/filterByUserId/case-variant-matches-nothing", "a case variant of the present user id")
	assert.Equal(t, []string{"ListParticipants/behaviour/filterByUserId/case-variant-matches-nothing"}, failed(rs))
}

// editParticipants applies edit to every participant (or summary) of
// GetParticipant and ListParticipants answers.
func editParticipants(edit func(p map[string]any)) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if rec.Code != http.StatusOK || (op != "GetParticipant" && op != "ListParticipants") {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if p, ok := doc["participant"].(map[string]any); ok {
				edit(p)
			}
			items, _ := doc["participants"].([]any)
			for _, it := range items {
				if p, ok := it.(map[string]any); ok {
					edit(p)
				}
			}
		})
	})
}

// A firstJoinTime three hours before the join.
func TestCatchesFirstJoinTimeHoursAway(t *testing.T) {
	sweep(t)
	rs := results(t, editParticipants(func(p map[string]any) {
		if s, ok := p["firstJoinTime"].(string); ok {
			if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
				p["firstJoinTime"] = ts.Add(-3 * time.Hour).Format(time.RFC3339Nano)
			}
		}
	}))
	for _, op := range []string{"GetParticipant", "ListParticipants"} {
		requireFails(t, rs, op+"/behaviour/firstJoinTime/between-seeding-and-answer", "firstJoinTime is", "not between the seeding start")
	}
	assert.ElementsMatch(t, []string{
		"GetParticipant/behaviour/firstJoinTime/between-seeding-and-answer",
		"ListParticipants/behaviour/firstJoinTime/between-seeding-and-answer",
	}, failed(rs))
}

// Client attributes left out instead of "".
func TestCatchesClientAttributesDropped(t *testing.T) {
	sweep(t)
	rs := results(t, editParticipants(func(p map[string]any) {
		for _, a := range []string{"ispName", "osName", "osVersion", "browserName", "browserVersion", "sdkVersion"} {
			if p[a] == "" {
				delete(p, a)
			}
		}
	}))
	requireFails(t, rs, "GetParticipant/behaviour/client-attributes-empty-when-unknown", "each client attribute must be \"\"")
	assert.Equal(t, []string{"GetParticipant/behaviour/client-attributes-empty-when-unknown"}, failed(rs))
}

// No activeSessionId while a session is live.
func TestCatchesMissingActiveSessionId(t *testing.T) {
	sweep(t)
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if st, ok := doc["stage"].(map[string]any); ok {
				delete(st, "activeSessionId")
			}
		})
	})
	rs := results(t, h)
	requireFails(t, rs, "GetStage/behaviour/activeSessionId/equals-live-session", "the stage's activeSessionId is not its live session")
	requireFails(t, rs, "ListParticipants/behaviour/identifiers/session-and-participant-id-formats", "Stage.activeSessionId <nil> is not of the format StageSessionId")
	assert.ElementsMatch(t, []string{
		"GetStage/behaviour/activeSessionId/equals-live-session",
		"ListParticipants/behaviour/identifiers/session-and-participant-id-formats",
	}, failed(rs))
}

// sessionBlind finds a participant under any session of its stage: it
// remembers the session each participant joined (the control API's join
// answers) and asks the fake in that one instead of the one requested.
type sessionBlind struct {
	inner  http.Handler
	mu     sync.Mutex
	joined map[string]string // participantId -> sessionId
}

func (s *sessionBlind) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case ivscontrol.Prefix + "join":
		rec := httptest.NewRecorder()
		s.inner.ServeHTTP(rec, r)
		var out struct{ SessionId, ParticipantId string }
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &out) == nil {
			s.mu.Lock()
			s.joined[out.ParticipantId] = out.SessionId
			s.mu.Unlock()
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	case "/GetParticipant":
		body := readJSON(r)
		id, _ := body["participantId"].(string)
		s.mu.Lock()
		session, ok := s.joined[id]
		s.mu.Unlock()
		if ok {
			body["sessionId"] = session
		}
		code, doc := callInner(s.inner, "GetParticipant", body)
		if code != http.StatusOK {
			s.inner.ServeHTTP(w, r)
			return
		}
		writeJSON(w, doc)
	default:
		s.inner.ServeHTTP(w, r)
	}
}

// A participant found under a session it never joined.
func TestCatchesParticipantFoundUnderAnotherSession(t *testing.T) {
	rs := results(t, &sessionBlind{inner: ivsfake.New(ivsfake.Options{}), joined: map[string]string{}})
	requireFails(t, rs, "GetParticipant/behaviour/not-found/participant-of-another-session", "want ResourceNotFoundException", "got 200")
	assert.Equal(t, []string{"GetParticipant/behaviour/not-found/participant-of-another-session"}, failed(rs))
}

// Token durations above a day silently clamped to a day.
func TestCatchesClampedTokenDuration(t *testing.T) {
	sweep(t)
	const day = 24 * 60
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "CreateStage" || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			tokens, _ := doc["participantTokens"].([]any)
			for _, it := range tokens {
				tok, _ := it.(map[string]any)
				d, _ := tok["duration"].(float64)
				exp, err := time.Parse(time.RFC3339Nano, fmt.Sprint(tok["expirationTime"]))
				if d <= day || err != nil {
					continue
				}
				tok["duration"] = day
				tok["expirationTime"] = exp.Add(-time.Duration(d-day) * time.Minute).Format(time.RFC3339Nano)
			}
		})
	})
	rs := results(t, h)
	requireFails(t, rs, "CreateStage/behaviour/round-trip/token-echoes-maximum-duration", "a token configured for the maximum duration (20160 minutes) does not echo it")
}

// rewriteIDs rewrites every value of the named members the fake hands out,
// and takes it back in requests: consistent, but not the contract's format.
func rewriteIDs(keys []string, out func(string) string, in func(string) string) http.Handler {
	fake := ivsfake.New(ivsfake.Options{})
	var walk func(v any, f func(string) string)
	walk = func(v any, f func(string) string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && slices.Contains(keys, k) {
					x[k] = f(s)
					continue
				}
				walk(e, f)
			}
		case []any:
			for _, e := range x {
				walk(e, f)
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The tag operations carry the resource ARN in the path.
		if arn, ok := strings.CutPrefix(r.URL.Path, "/tags/"); ok && slices.Contains(keys, "arn") {
			r.URL.Path = "/tags/" + in(arn)
			r.URL.RawPath = "/tags/" + url.PathEscape(in(arn))
		}
		if data, _ := io.ReadAll(r.Body); len(data) > 0 {
			data = editJSON(data, func(doc map[string]any) { walk(doc, in) })
			r.Body = io.NopCloser(bytes.NewReader(data))
			r.ContentLength = int64(len(data))
		}
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		body := editJSON(rec.Body.Bytes(), func(doc map[string]any) { walk(doc, out) })
		maps.Copy(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// Participant ids of another length and form than the fake's (a prefix
// before its own) that the model allows pass: AWS's CLI examples show ids
// of 12 and of 23 characters, so no case holds one to the fake's 12
// letters and digits.
func TestParticipantIdsOfAnotherFormPass(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteIDs([]string{"participantId", "remoteParticipantId"}, func(s string) string { return "ivs-" + s }, func(s string) string { return strings.TrimPrefix(s, "ivs-") }))
	// Only the id a self-signed token's jti claim chose, which this target
	// rewrites too: the user guide makes jti the participant's id.
	requireFails(t, rs, "ImportPublicKey/behaviour/self-signed/token-joins", "not the one its claims describe")
	assert.Equal(t, []string{"ImportPublicKey/behaviour/self-signed/token-joins"}, failed(rs))
}

// Participants listed and read with an empty participant id, which the
// model's pattern allows but no participant has.
func TestCatchesEmptyParticipantIds(t *testing.T) {
	sweep(t)
	rs := results(t, editParticipants(func(p map[string]any) { p["participantId"] = "" }))
	requireFails(t, rs, "ListParticipants/behaviour/identifiers/session-and-participant-id-formats", "ParticipantSummary.participantId is not a participant id")
}

// Stage ARNs whose id is longer than the contract's (a suffix after the
// fake's own).
func TestCatchesStageArnsInAnotherFormat(t *testing.T) {
	// Only stage ARNs: a storage configuration's "arn" left alone, since
	// a stage names it in storageConfigurationArn, which is not rewritten.
	// An ARN at the model's longest (an ingest configuration's stageArn
	// maxLength case) is left alone: one past it is another break.
	out := func(s string) string {
		if strings.Contains(s, ":stage/") && len(s)+len("-v2") <= ivsapi.IngestConfigurationStageArnMaxLength {
			return s + "-v2"
		}
		return s
	}
	// ListIngestConfigurations and ListCompositions filter by a stage too,
	// and replication names two: the ARN each was given back.
	rs := results(t, rewriteIDs([]string{"arn", "stageArn", "filterByStageArn", "sourceStageArn", "destinationStageArn"}, out, func(s string) string { return strings.TrimSuffix(s, "-v2") }))
	requireFails(t, rs, "CreateStage/behaviour/identifiers/stage-arn-format", "Stage.arn arn:aws:ivs:", "is not of the format StageArn")
	// A token the suite signs names its stage by the ARN the target
	// answered, inside the signed claims, where this target does not take
	// its own ARN back: that join fails too.
	assert.ElementsMatch(t, []string{"CreateStage/behaviour/identifiers/stage-arn-format", "ImportPublicKey/behaviour/self-signed/token-joins"}, failed(rs))
}

// A token's participantId that is not the id its participant joins with.
func TestCatchesTokenParticipantIdNotTheJoinedOne(t *testing.T) {
	sweep(t)
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "CreateStage" {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			tokens, _ := doc["participantTokens"].([]any)
			for _, it := range tokens {
				if tok, ok := it.(map[string]any); ok {
					if id, ok := tok["participantId"].(string); ok {
						r := []rune(id)
						slices.Reverse(r)
						tok["participantId"] = string(r)
					}
				}
			}
		})
	})
	rs := results(t, h)
	requireFails(t, rs, "CreateStage/behaviour/identifiers/token-participantId-is-the-joined-id", "is not listed under the token's participantId")
	assert.Equal(t, []string{"CreateStage/behaviour/identifiers/token-participantId-is-the-joined-id"}, failed(rs))
}

// Unknown request members refused with a ValidationException.
func TestCatchesUnknownMembersRefused(t *testing.T) {
	fake := ivsfake.New(ivsfake.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if op := opOf(r); ivscases.Contract.Operation(op) != nil {
			for k := range readJSON(r) {
				if ivscases.Contract.Member(op+"Request", k) == nil {
					wire.WriteError(w, wire.NewError("ValidationException", http.StatusBadRequest,
						"1 validation error detected: Value at '%s' failed to satisfy constraint: unknown member", k))
					return
				}
			}
		}
		fake.ServeHTTP(w, r)
	})
	rs := results(t, h)
	var want []string
	for _, op := range ivscases.Contract.Operations {
		if !op.Body {
			continue // no body, no member to add: the generator makes no such case
		}
		want = append(want, op.Name+"/unknown-member/ignored")
		requireFails(t, rs, op.Name+"/unknown-member/ignored", "ValidationException")
	}
	assert.ElementsMatch(t, want, failed(rs))
}

// casesNamed are the cases of rs whose name matches re and that ran (not
// skipped: the fake implements their operation), sorted.
func casesNamed(rs map[string]suite.Result, re string) []string {
	var out []string
	for name, res := range rs {
		if res.Status != suite.Skip && regexp.MustCompile(re).MatchString(name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// Another account's resources answered as not found, instead of access
// denied: every operation that declares AccessDeniedException, the stage
// operations and the newer ones alike.
func TestCatchesAnotherAccountAnsweredAsNotFound(t *testing.T) {
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		//lint:ignore SA1008 the key is meant to be AWS's spelling
		if got := rec.Header()["x-amzn-ErrorType"]; len(got) != 1 || got[0] != "AccessDeniedException" {
			return rec.Code, rec.Body.Bytes()
		}
		rec.Header()["x-amzn-ErrorType"] = []string{"ResourceNotFoundException"}
		return http.StatusNotFound, []byte(`{"exceptionMessage":"Resource not found"}`)
	})
	rs := results(t, h)
	want := casesNamed(rs, `^\w+/\w+/another-account/denied$`)
	for _, name := range []string{"GetStage/arn", "UpdateStage/arn", "DeleteStage/arn", "GetStorageConfiguration/arn", "DeleteStorageConfiguration/arn",
		"CreateParticipantToken/stageArn", "DisconnectParticipant/stageArn", "GetParticipant/stageArn", "ListParticipants/stageArn",
		"ListStageSessions/stageArn", "GetStageSession/stageArn", "ListParticipantEvents/stageArn"} {
		assert.Contains(t, want, name+"/another-account/denied")
	}
	for _, name := range want {
		requireFails(t, rs, name, "want AccessDeniedException", "got 404 ResourceNotFoundException")
	}
	// The longest ARN a list takes is made up, of another account: where
	// the list declares AccessDeniedException but no ResourceNotFound-
	// Exception, only that or a 200 shows it accepted.
	atMax := []string{"ListParticipants/stageArn/maxLength/at", "ListParticipantEvents/stageArn/maxLength/at", "ListStageSessions/stageArn/maxLength/at",
		"ListParticipantReplicas/sourceStageArn/maxLength/at"}
	for _, name := range atMax {
		requireFails(t, rs, name, "want the valid request accepted (200 or AccessDeniedException), got 404 ResourceNotFoundException")
	}
	assert.ElementsMatch(t, append(want, atMax...), failed(rs))
}

// Another account's stage listed as empty, instead of access denied: the
// list operations of a stage answer an empty list, as for a stage of the
// caller's that they do not find.
func TestCatchesAnotherAccountListedAsEmpty(t *testing.T) {
	sweep(t)
	lists := map[string]string{"ListParticipants": "participants", "ListStageSessions": "stageSessions", "ListParticipantEvents": "events"}
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		//lint:ignore SA1008 the key is meant to be AWS's spelling
		if got := rec.Header()["x-amzn-ErrorType"]; lists[op] == "" || len(got) != 1 || got[0] != "AccessDeniedException" {
			return rec.Code, rec.Body.Bytes()
		}
		delete(rec.Header(), "x-amzn-ErrorType")
		return http.StatusOK, []byte(`{"` + lists[op] + `":[]}`)
	})
	rs := results(t, h)
	var want []string
	for op := range lists {
		name := op + "/stageArn/another-account/denied"
		requireFails(t, rs, name, "want AccessDeniedException", "got 200")
		want = append(want, name)
	}
	assert.ElementsMatch(t, want, failed(rs))
}

// The stage quota answered as throttling: CreateStage over the quota gets
// 429 ThrottlingException, a protocol error any operation may answer,
// instead of 402 ServiceQuotaExceededException.
func TestCatchesQuotaAnsweredAsThrottling(t *testing.T) {
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "CreateStage" || rec.Code != http.StatusPaymentRequired {
			return rec.Code, rec.Body.Bytes()
		}
		rec.Header().Set(wire.HeaderErrorType, "ThrottlingException")
		return http.StatusTooManyRequests, []byte(`{"exceptionMessage":"Rate exceeded"}`)
	})
	rs := results(t, h)
	const name = "CreateStage/behaviour/stage-quota/exceeded-is-ServiceQuotaExceededException"
	requireFails(t, rs, name, "with the stage quota set to the", "want ServiceQuotaExceededException", "got 429 ThrottlingException")
	assert.Equal(t, []string{name}, failed(rs), "only the quota is broken")
}

// editTokens edits the participantToken of every CreateParticipantToken
// answer.
func editTokens(edit func(tok map[string]any)) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "CreateParticipantToken" || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if tok, ok := doc["participantToken"].(map[string]any); ok {
				edit(tok)
			}
		})
	})
}

// A token of CreateParticipantToken that expires an hour early.
func TestCatchesParticipantTokenExpiringEarly(t *testing.T) {
	sweep(t)
	rs := results(t, editTokens(func(tok map[string]any) {
		if exp, err := time.Parse(time.RFC3339Nano, fmt.Sprint(tok["expirationTime"])); err == nil {
			tok["expirationTime"] = exp.Add(-time.Hour).Format(time.RFC3339Nano)
		}
	}))
	const name = "CreateParticipantToken/behaviour/defaults/expires-after-default-duration"
	requireFails(t, rs, name, "does not expire the default 720 minutes after its issue")
	// The token a participant joined with, as TOKEN_EXCHANGED shows it,
	// then expires at another time than the one the answer gave.
	const exchanged = "ListParticipantEvents/behaviour/token-exchange/previous-and-new-token"
	requireFails(t, rs, exchanged, "previousToken does not expire when the token the participant joined with does")
	// And so do the tokens asked for with a duration, the longest too.
	given := "CreateParticipantToken/behaviour/expiration/expires-after-the-duration-given"
	requireFails(t, rs, given, "does not expire that long after its issue")
	longest := "CreateParticipantToken/behaviour/round-trip/token-echoes-maximum-duration"
	requireFails(t, rs, longest, "does not expire that long after its issue")
	assert.ElementsMatch(t, []string{name, exchanged, given, longest}, failed(rs))
}

// Tokens of CreateParticipantToken that leave their duration and
// capabilities out of the answer pass, as AWS's create-participant-token
// example shows such a token.
func TestTokensWithoutDurationOrCapabilitiesPass(t *testing.T) {
	sweep(t)
	rs := results(t, editTokens(func(tok map[string]any) {
		delete(tok, "duration")
		delete(tok, "capabilities")
	}))
	assert.Empty(t, failed(rs))
}

// A token of CreateParticipantToken that gives another duration and other
// capabilities than it was asked for (or their defaults).
func TestCatchesParticipantTokenDefaultsNotEchoed(t *testing.T) {
	sweep(t)
	rs := results(t, editTokens(func(tok map[string]any) {
		tok["duration"] = 719.0 // neither the default nor any duration the suite asks for
		tok["capabilities"] = []any{}
	}))
	const name = "CreateParticipantToken/behaviour/defaults/token-echoes-duration-and-capabilities"
	requireFails(t, rs, name, "the default of CreateParticipantTokenRequest.duration is 720")
	// The token as TOKEN_EXCHANGED shows it then has capabilities the answer did not give.
	const exchanged = "ListParticipantEvents/behaviour/token-exchange/previous-and-new-token"
	requireFails(t, rs, exchanged, "previousToken is not the token the participant joined with")
	// The tokens asked for with a duration and capabilities lose them too.
	echoes := "CreateParticipantToken/behaviour/round-trip/token-echoes-request"
	requireFails(t, rs, echoes, "does not repeat the user id, attributes, duration and capabilities")
	given := "CreateParticipantToken/behaviour/expiration/expires-after-the-duration-given"
	longest := "CreateParticipantToken/behaviour/round-trip/token-echoes-maximum-duration"
	for _, n := range []string{given, longest} {
		requireFails(t, rs, n, "does not repeat it")
	}
	assert.ElementsMatch(t, []string{name, exchanged, echoes, given, longest}, failed(rs))
}

// A token of CreateParticipantToken whose participantId is not the id its
// participant joins with.
func TestCatchesParticipantTokenIdNotTheJoinedOne(t *testing.T) {
	sweep(t)
	rs := results(t, editTokens(func(tok map[string]any) {
		if id, ok := tok["participantId"].(string); ok {
			r := []rune(id)
			slices.Reverse(r)
			tok["participantId"] = string(r)
		}
	}))
	const name = "CreateParticipantToken/behaviour/identifiers/token-participantId-is-the-joined-id"
	requireFails(t, rs, name, "is not listed under the token's participantId")
	assert.Equal(t, []string{name}, failed(rs))
}

// editSessions edits every session ListStageSessions and GetStageSession
// answer.
func editSessions(edit func(s map[string]any)) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if rec.Code != http.StatusOK || (op != "ListStageSessions" && op != "GetStageSession") {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if s, ok := doc["stageSession"].(map[string]any); ok {
				edit(s)
			}
			list, _ := doc["stageSessions"].([]any)
			for _, it := range list {
				if s, ok := it.(map[string]any); ok {
					edit(s)
				}
			}
		})
	})
}

// A live session given an endTime (its start).
func TestCatchesLiveSessionWithEndTime(t *testing.T) {
	rs := results(t, editSessions(func(s map[string]any) {
		if _, ok := s["endTime"]; !ok {
			s["endTime"] = s["startTime"]
		}
	}))
	const name = "GetStageSession/behaviour/sessions/live-session-has-no-endTime"
	requireFails(t, rs, name, "ListStageSessions gives a live session an endTime")
	assert.Equal(t, []string{name}, failed(rs))
}

// An ended session that never gets its endTime.
func TestCatchesEndedSessionWithoutEndTime(t *testing.T) {
	sweep(t)
	rs := results(t, editSessions(func(s map[string]any) { delete(s, "endTime") }))
	const name = "ListStageSessions/behaviour/sessions/ended-session-has-endTime"
	requireFails(t, rs, name, "gives the session its only participant left no ISO 8601 endTime")
	// A session that never ends also does not end when its stage is
	// deleted, nor before a second one starts.
	two := "ListStageSessions/behaviour/sessions/two-sessions-one-after-the-other"
	requireFails(t, rs, two, "no ISO 8601 endTime")
	assert.ElementsMatch(t, []string{name, "DeleteStage/behaviour/ends-the-session", two}, failed(rs))
}

// A participant's events listed oldest first, their times made to differ
// (milliseconds apart, in the order a participant causes them): the order
// is asserted only where times differ, and the fake's seeded events share
// their millisecond.
func TestCatchesEventsOldestFirst(t *testing.T) {
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "ListParticipantEvents" || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if events, ok := doc["events"].([]any); ok {
				slices.Reverse(events)
				later := map[any]time.Duration{"PUBLISH_STARTED": 1, "PUBLISH_ERROR": 1, "PUBLISH_STOPPED": 2, "LEFT": 3}
				for _, e := range events {
					m := e.(map[string]any)
					if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(m["eventTime"])); err == nil {
						m["eventTime"] = at.Add(later[m["name"]] * time.Millisecond).Format(time.RFC3339Nano)
					}
				}
			}
		})
	})
	rs := results(t, h)
	const name = "ListParticipantEvents/behaviour/events/join-publish-leave-newest-first"
	const disconnected = "ListParticipantEvents/behaviour/events/disconnect-is-publish-stopped-then-left"
	requireFails(t, rs, name, "lists an event before an older one")
	requireFails(t, rs, disconnected, "lists an event before an older one")
	// So do the events of a token exchange and of a failed publish.
	assert.ElementsMatch(t, []string{name, disconnected,
		"ListParticipantEvents/behaviour/token-exchange/previous-and-new-token",
		"ListParticipantEvents/behaviour/token-exchange/publish-capability-removed-unpublishes",
		"ListParticipantEvents/behaviour/publish-error/each-code",
		"ListParticipantEvents/behaviour/publish-error/mid-stream-stops-publishing",
		// and of two participants in one session, page by page (their
		// order in a listing is no rule, but it is one listing's).
		"ListParticipantEvents/behaviour/pagination/two-participants-each-page-its-own",
	}, failed(rs))
}

// DisconnectParticipant answering 200 and leaving the participant as it
// was: it disconnects another id (the one named, reversed), which the fake
// accepts, so that invalid requests are still refused as before.
func TestCatchesDisconnectDoingNothing(t *testing.T) {
	sweep(t)
	h := rewriteRequest(ivsfake.New(ivsfake.Options{}), "DisconnectParticipant", func(body map[string]any) {
		if id, ok := body["participantId"].(string); ok {
			r := []rune(id)
			slices.Reverse(r)
			body["participantId"] = string(r)
		}
	})
	rs := results(t, h)
	const name = "DisconnectParticipant/behaviour/disconnects"
	requireFails(t, rs, name, "does not show a participant DisconnectParticipant disconnected as disconnected")
	// A disconnect that disconnects nobody records no LEFT either.
	const events = "ListParticipantEvents/behaviour/events/disconnect-is-publish-stopped-then-left"
	requireFails(t, rs, events, "disconnection by DisconnectParticipant")
	// Nor does it leave an encoder's ingest configuration without its stage.
	const ingest = "DisconnectParticipant/behaviour/publishing/dissociates-the-ingest-configuration"
	requireFails(t, rs, ingest, "the ingest configuration keeps the stage")
	assert.ElementsMatch(t, []string{name, events, ingest}, failed(rs))
}

// An unknown resource's tags listed as none: ListTagsForResource answers
// 200 with an empty map where the fake finds nothing (an unknown ARN, a
// deleted resource's, another account's).
func TestCatchesUnknownResourceListedWithoutTags(t *testing.T) {
	sweep(t)
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "ListTagsForResource" || rec.Code != http.StatusNotFound {
			return rec.Code, rec.Body.Bytes()
		}
		delete(rec.Header(), wire.HeaderErrorType) // set as AWS spells it, not canonical
		return http.StatusOK, []byte(`{"tags":{}}`)
	})
	rs := results(t, h)
	want := casesNamed(rs, `^ListTagsForResource/resourceArn/(not-found|another-account)/`)
	assert.Len(t, want, 6, "unknown, deleted and another account's, of a stage and of a storage configuration: %v", want)
	for _, name := range want {
		requireFails(t, rs, name, "want ResourceNotFoundException", "got 200")
	}
	// A deleted storage configuration's tags are asked for too.
	const deleted = "DeleteStorageConfiguration/behaviour/deletes-the-storage-configuration"
	requireFails(t, rs, deleted, "ListTagsForResource of a deleted storage configuration")
	want = append(want, deleted)
	assert.ElementsMatch(t, want, failed(rs), "only ListTagsForResource of what the caller does not have is broken")
}

// GetStorageConfiguration without the tags the configuration was created
// with.
func TestCatchesStorageConfigurationTagsDropped(t *testing.T) {
	sweep(t)
	h := rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "GetStorageConfiguration" || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if sc, ok := doc["storageConfiguration"].(map[string]any); ok {
				delete(sc, "tags")
			}
		})
	})
	rs := results(t, h)
	const name = "CreateStorageConfiguration/behaviour/round-trip/get-and-list"
	requireFails(t, rs, name, "GetStorageConfiguration does not give back the created storage configuration")
	assert.Equal(t, []string{name}, failed(rs), "only GetStorageConfiguration's tags are broken")
}

// A storage ARN that names nothing refused: CreateStage answers
// ResourceNotFoundException, which it does not declare, where its
// recording configuration names a storage configuration the fake does not
// have.
func TestCatchesUnknownStorageRefused(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) == "CreateStage" {
			rec, _ := readJSON(r)["autoParticipantRecordingConfiguration"].(map[string]any)
			if arn, _ := rec["storageConfigurationArn"].(string); arn != "" {
				if code, _ := callInner(fake, "GetStorageConfiguration", map[string]any{"arn": arn}); code == http.StatusNotFound {
					wire.WriteError(w, wire.NewError("ResourceNotFoundException", http.StatusNotFound, "Storage configuration %s not found", arn))
					return
				}
			}
		}
		fake.ServeHTTP(w, r)
	})
	rs := results(t, h)
	const name = "CreateStage/behaviour/storage/unknown-storage-arn-accepted"
	requireFails(t, rs, name, "CreateStage with a storage ARN that names nothing", "ResourceNotFoundException")
	assert.Equal(t, []string{name}, failed(rs), "only unknown storage ARNs are refused")
}

// eagerDelete deletes a storage configuration a stage records to: where
// the fake refuses DeleteStorageConfiguration with ConflictException, it
// answers 200 and, from then on, the configuration is gone to Get and
// List. The fake itself deletes it once no stage records to it.
type eagerDelete struct {
	inner http.Handler
	mu    sync.Mutex
	gone  map[string]bool // storage ARNs deleted here, still in the fake
}

func (e *eagerDelete) isGone(arn any) bool {
	s, _ := arn.(string)
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.gone[s]
}

func (e *eagerDelete) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	notFound := func(arn any) {
		wire.WriteError(w, wire.NewError("ResourceNotFoundException", http.StatusNotFound, "Storage configuration %v not found", arn))
	}
	switch op := opOf(r); op {
	case "DeleteStorageConfiguration", "GetStorageConfiguration":
		arn := readJSON(r)["arn"]
		rec := httptest.NewRecorder()
		e.inner.ServeHTTP(rec, r)
		switch {
		case op == "DeleteStorageConfiguration" && rec.Code == http.StatusConflict && !e.isGone(arn):
			e.mu.Lock()
			e.gone[arn.(string)] = true
			e.mu.Unlock()
			writeJSON(w, map[string]any{})
		case e.isGone(arn):
			notFound(arn) // deleted already, to the caller (the fake may delete it now)
		default:
			maps.Copy(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		}
	case "ListStorageConfigurations":
		rec := httptest.NewRecorder()
		e.inner.ServeHTTP(rec, r)
		out := editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			items, _ := doc["storageConfigurations"].([]any)
			kept := []any{}
			for _, it := range items {
				if m, _ := it.(map[string]any); m == nil || !e.isGone(m["arn"]) {
					kept = append(kept, it)
				}
			}
			if items != nil {
				doc["storageConfigurations"] = kept
			}
		})
		maps.Copy(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	default:
		e.inner.ServeHTTP(w, r)
	}
}

// A storage configuration deleted while a stage records to it.
func TestCatchesStorageInUseDeleted(t *testing.T) {
	rs := results(t, &eagerDelete{inner: ivsfake.New(ivsfake.Options{}), gone: map[string]bool{}})
	const name = "DeleteStorageConfiguration/behaviour/conflict/in-use-by-a-stage"
	requireFails(t, rs, name, "DeleteStorageConfiguration of one a stage records to", "want ConflictException", "got 200")
	// One a composition records to is deleted just as eagerly.
	const byComposition = "DeleteStorageConfiguration/behaviour/in-use/by-a-composition-conflict"
	requireFails(t, rs, byComposition, "DeleteStorageConfiguration of one a composition records to", "want ConflictException", "got 200")
	assert.ElementsMatch(t, []string{name, byComposition}, failed(rs), "only deleting a configuration in use is broken")
}

// Tags not stored: TagResource answers as the fake does (its validation,
// its not found), but then puts the resource's tags back as they were.
func TestCatchesTagsNotStored(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != "TagResource" {
			fake.ServeHTTP(w, r)
			return
		}
		arn, _ := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/tags/"))
		_, before := callInner(fake, "ListTagsForResource", map[string]any{"resourceArn": arn})
		old, _ := before["tags"].(map[string]any)
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		if rec.Code == http.StatusOK {
			_, after := callInner(fake, "ListTagsForResource", map[string]any{"resourceArn": arn})
			now, _ := after["tags"].(map[string]any)
			var added []any
			for k := range now {
				if _, had := old[k]; !had {
					added = append(added, k)
				}
			}
			if len(added) > 0 {
				callInner(fake, "UntagResource", map[string]any{"resourceArn": arn, "tagKeys": added})
			}
			if len(old) > 0 {
				callInner(fake, "TagResource", map[string]any{"resourceArn": arn, "tags": old})
			}
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
	rs := results(t, h)
	// Every case that tags a stage and reads its tags back catches it.
	want := []string{"TagResource/behaviour/tags/shared-with-the-stage", "TagResource/behaviour/tags/keys-are-case-sensitive",
		"UntagResource/behaviour/tags/removes-every-key-named", "TagResource/behaviour/tags/limit-per-resource-across-calls"}
	for _, name := range want {
		requireFails(t, rs, name, "ListTagsForResource", "does not list the stage's tags")
	}
	assert.ElementsMatch(t, want, failed(rs), "only TagResource's storing is broken")
}

// DeleteStage leaving the stage's session live: GetStageSession of a
// deleted stage's session answers it without its endTime.
func TestCatchesDeleteStageLeavingTheSessionLive(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/GetStageSession" {
			fake.ServeHTTP(w, r)
			return
		}
		// Only a deleted stage's session: GetStage no longer finds it.
		body := readJSON(r)
		code, doc := callInner(fake, "GetStageSession", body)
		if gone, _ := callInner(fake, "GetStage", map[string]any{"arn": body["stageArn"]}); code != http.StatusOK || gone != http.StatusNotFound {
			fake.ServeHTTP(w, r)
			return
		}
		if s, _ := doc["stageSession"].(map[string]any); s != nil {
			delete(s, "endTime")
		}
		writeJSON(w, doc)
	})
	rs := results(t, h)
	const name = "DeleteStage/behaviour/ends-the-session"
	requireFails(t, rs, name, "GetStageSession after DeleteStage", "no ISO 8601 endTime")
	assert.Equal(t, []string{name}, failed(rs), "only DeleteStage's ending of the session is broken")
}

// ---- what AWS added after 2024-06-20 (cases_current.go) ----------------------

// newRecordingMembers are the members AWS added to a recording
// configuration after 2024-06-20.
var newRecordingMembers = []string{"thumbnailConfiguration", "hlsConfiguration", "recordingReconnectWindowSeconds", "recordParticipantReplicas"}

// editRecording applies edit to the recording configuration of
// CreateStage and UpdateStage requests.
func editRecording(h http.Handler, edit func(op string, rec map[string]any)) http.Handler {
	for _, op := range []string{"CreateStage", "UpdateStage"} {
		h = rewriteRequest(h, op, func(body map[string]any) {
			if rec, ok := body["autoParticipantRecordingConfiguration"].(map[string]any); ok {
				edit(op, rec)
			}
		})
	}
	return h
}

// rewriteControl rewrites the bodies of requests to a control API action
// (path under ivscontrol.Prefix) before the fake sees them.
func rewriteControl(h http.Handler, action string, rewrite func(body map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == strings.TrimSuffix(ivscontrol.Prefix, "/")+action {
			body := readJSON(r)
			rewrite(body)
			data, _ := json.Marshal(body)
			r.Body = io.NopCloser(bytes.NewReader(data))
			r.ContentLength = int64(len(data))
		}
		h.ServeHTTP(w, r)
	})
}

// editEvents applies edit to the events of ListParticipantEvents answers.
func editEvents(edit func(events []any) []any) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "ListParticipantEvents" || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if events, ok := doc["events"].([]any); ok {
				doc["events"] = edit(events)
			}
		})
	})
}

// The members added to the recording configuration not kept: a stage
// reports their defaults whatever it was given.
func TestCatchesRecordingMembersNotKept(t *testing.T) {
	sweep(t)
	_, made := callInner(ivsfake.New(ivsfake.Options{}), "CreateStage", map[string]any{})
	defaults := recordingOf(made)
	rs := results(t, rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if rc := recordingOf(doc); rc != nil {
				for _, m := range newRecordingMembers {
					rc[m] = defaults[m]
				}
			}
		})
	}))
	requireFails(t, rs, "CreateStage/behaviour/round-trip/every-recording-member", "CreateStage does not echo every member of the recording configuration")
	requireFails(t, rs, "CreateStage/behaviour/defaults/nested-recording-members", "does not give the members of a nested object given in part their defaults")
	requireFails(t, rs, "UpdateStage/behaviour/partial-update/recording-configuration-replaced-whole", "keeps members of the recording configuration the update left out")
	assert.ElementsMatch(t, []string{
		"CreateStage/behaviour/round-trip/every-recording-member",
		"CreateStage/behaviour/defaults/nested-recording-members",
		"UpdateStage/behaviour/partial-update/recording-configuration-replaced-whole",
	}, failed(rs))
}

// UpdateStage merging the recording configuration it is given into the
// stage's, instead of replacing it: what the update leaves out is kept.
func TestCatchesRecordingConfigurationMerged(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	h := rewriteRequest(fake, "UpdateStage", func(body map[string]any) {
		rec, ok := body["autoParticipantRecordingConfiguration"].(map[string]any)
		if !ok || rec["storageConfigurationArn"] == "" {
			return
		}
		_, cur := callInner(fake, "GetStage", map[string]any{"arn": body["arn"]})
		for k, v := range recordingOf(cur) {
			if _, given := rec[k]; !given {
				rec[k] = v
			}
		}
	})
	rs := results(t, h)
	const name = "UpdateStage/behaviour/partial-update/recording-configuration-replaced-whole"
	requireFails(t, rs, name, "keeps members of the recording configuration the update left out")
	// The older rule of the media types catches a merge too.
	const media = "UpdateStage/behaviour/partial-update/recording-configuration-only-keeps-name-and-tags"
	requireFails(t, rs, media, "UpdateStage with only [autoParticipantRecordingConfiguration] changes other members of the stage")
	assert.ElementsMatch(t, []string{name, media}, failed(rs))
}

// The reset value resetting only the members of 2024-06-20: the answer
// shows the new members the request gave.
func TestCatchesResetKeepingNewMembers(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := opOf(r)
		if op != "CreateStage" && op != "UpdateStage" {
			fake.ServeHTTP(w, r)
			return
		}
		given, _ := readJSON(r)["autoParticipantRecordingConfiguration"].(map[string]any)
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		out := rec.Body.Bytes()
		if given != nil && given["storageConfigurationArn"] == "" && rec.Code == http.StatusOK {
			out = editJSON(out, func(doc map[string]any) {
				for _, m := range newRecordingMembers {
					if v, ok := given[m]; ok {
						recordingOf(doc)[m] = v
					}
				}
			})
		}
		maps.Copy(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	})
	rs := results(t, h)
	names := []string{"UpdateStage/behaviour/recording-reset/every-member-reset", "CreateStage/behaviour/recording-reset/every-member-reset"}
	for _, name := range names {
		requireFails(t, rs, name, "and the other members given does not reset each to its default")
	}
	assert.ElementsMatch(t, names, failed(rs))
}

// The media type AWS added (NONE) dropped: an update to it keeps the default.
func TestCatchesMediaTypeNoneDropped(t *testing.T) {
	sweep(t)
	rs := results(t, editRecording(ivsfake.New(ivsfake.Options{}), func(op string, rec map[string]any) {
		if media, _ := rec["mediaTypes"].([]any); op == "UpdateStage" && slices.Contains(media, any("NONE")) {
			delete(rec, "mediaTypes")
		}
	}))
	const name = "UpdateStage/behaviour/round-trip/every-media-type"
	requireFails(t, rs, name, "UpdateStage with mediaTypes [NONE] does not show it")
	assert.Equal(t, []string{name}, failed(rs))
}

// editEndpoints applies edit to the stage endpoints of answers to op.
func editEndpoints(ops []string, edit func(eps map[string]any)) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if !slices.Contains(ops, op) || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			st, _ := doc["stage"].(map[string]any)
			if eps, ok := st["endpoints"].(map[string]any); ok {
				edit(eps)
			}
		})
	})
}

// An RTMPS endpoint without its port: not in the documented form.
func TestCatchesEndpointsOutOfForm(t *testing.T) {
	sweep(t)
	rs := results(t, editEndpoints([]string{"CreateStage", "GetStage", "UpdateStage"}, func(eps map[string]any) {
		eps["rtmps"] = strings.Replace(fmt.Sprint(eps["rtmps"]), ":443", "", 1)
	}))
	const name = "CreateStage/behaviour/endpoints/documented-form"
	requireFails(t, rs, name, "the stage's rtmps endpoint is not in the form of AWS's examples")
	assert.Equal(t, []string{name}, failed(rs))
}

// Endpoints minted anew on every GetStage.
func TestCatchesEndpointsNotKept(t *testing.T) {
	sweep(t)
	var n atomic.Int64
	rs := results(t, editEndpoints([]string{"GetStage"}, func(eps map[string]any) {
		id := fmt.Sprintf("%012d", n.Add(1))
		for _, k := range []string{"whip", "rtmp", "rtmps"} {
			s := fmt.Sprint(eps[k])
			scheme, rest, _ := strings.Cut(s, "://")
			_, host, _ := strings.Cut(rest, ".")
			eps[k] = scheme + "://" + id + "." + host
		}
	}))
	const name = "GetStage/behaviour/endpoints/kept-from-creation"
	requireFails(t, rs, name, "GetStage does not give the endpoints the stage was created with")
	// The cases that read a whole stage back see it as well.
	assert.ElementsMatch(t, []string{name,
		"GetStage/behaviour/round-trip/returns-the-created-stage",
		"UpdateStage/behaviour/partial-update/name-only-keeps-recording-configuration-and-tags",
		"UpdateStage/behaviour/partial-update/recording-configuration-only-keeps-name-and-tags",
		"UpdateStage/behaviour/conflict-while-recording/STARTING",
		"UpdateStage/behaviour/conflict-while-recording/ACTIVE",
		"UpdateStage/behaviour/conflict-while-recording/STOPPING",
	}, failed(rs))
}

// Participants that look replicated, or come through an ingest
// configuration: no replicationType, a replicationState, a protocol
// UNKNOWN and redundantIngest false where the fake gives none.
func TestCatchesParticipantsLookingReplicatedOrIngested(t *testing.T) {
	sweep(t)
	rs := results(t, editParticipants(func(p map[string]any) {
		delete(p, "replicationType")
		p["replicationState"] = "ACTIVE"
		if _, ok := p["protocol"]; !ok {
			p["protocol"] = "UNKNOWN"
		}
		p["redundantIngest"] = false
	}))
	for _, op := range []string{"GetParticipant/behaviour/replication/not-replicated-participant", "ListParticipants/behaviour/replication/not-replicated-participants"} {
		requireFails(t, rs, op, "which is not replicated, as replicated")
	}
	requireFails(t, rs, "GetParticipant/behaviour/protocol/sdk-join-has-no-protocol-or-ingest", "reports an ingest protocol or configuration")
	// The replication cases see the replica and source lose their type too.
	assert.ElementsMatch(t, []string{
		"GetParticipant/behaviour/replication/not-replicated-participant",
		"ListParticipants/behaviour/replication/not-replicated-participants",
		"GetParticipant/behaviour/protocol/sdk-join-has-no-protocol-or-ingest",
		"StartParticipantReplication/behaviour/replication/replica-and-source",
		"StopParticipantReplication/behaviour/replication/stops-both-sides",
	}, failed(rs))
}

// A join's protocol ignored.
func TestCatchesJoinProtocolIgnored(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteControl(ivsfake.New(ivsfake.Options{}), "/join", func(body map[string]any) { delete(body, "protocol") }))
	const name = "GetParticipant/behaviour/protocol/reports-join-protocol"
	requireFails(t, rs, name, "does not report it")
	assert.Equal(t, []string{name}, failed(rs))
}

// TOKEN_EXCHANGED without the tokens it exchanged.
func TestCatchesExchangedTokensNotShown(t *testing.T) {
	sweep(t)
	rs := results(t, editEvents(func(events []any) []any {
		for _, e := range events {
			delete(e.(map[string]any), "previousToken")
			delete(e.(map[string]any), "newToken")
		}
		return events
	}))
	const name = "ListParticipantEvents/behaviour/token-exchange/previous-and-new-token"
	requireFails(t, rs, name, "previousToken does not expire when the token the participant joined with does")
	// The generated shape cases of the tokens find nothing to check: skipped, not failed.
	assert.Equal(t, suite.Skip, rs["ListParticipantEvents/shape/events[].previousToken.expirationTime/iso8601"].Status)
	assert.Equal(t, []string{name}, failed(rs))
}

// A participant that does not take the token it exchanged for: GetParticipant
// shows the user id and attributes of the token it gave up.
func TestCatchesExchangedTokenNotTaken(t *testing.T) {
	fake := ivsfake.New(ivsfake.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/GetParticipant" {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		code, doc := callInner(fake, "GetParticipant", body)
		_, evs := callInner(fake, "ListParticipantEvents", body)
		events, _ := evs["events"].([]any)
		for i := len(events) - 1; i >= 0 && code == http.StatusOK; i-- { // the oldest exchange holds the first token
			if e := events[i].(map[string]any); e["name"] == "TOKEN_EXCHANGED" {
				prev, _ := e["previousToken"].(map[string]any)
				p := doc["participant"].(map[string]any)
				p["userId"], p["attributes"] = prev["userId"], map[string]any{}
				if a, ok := prev["attributes"]; ok {
					p["attributes"] = a
				}
				break
			}
		}
		if code != http.StatusOK {
			fake.ServeHTTP(w, r)
			return
		}
		writeJSON(w, doc)
	})
	rs := results(t, h)
	const name = "GetParticipant/behaviour/token-exchange/takes-the-new-token"
	requireFails(t, rs, name, "does not show the participant with the user id and attributes of the token it took")
	assert.Equal(t, []string{name}, failed(rs))
}

// An exchange that keeps a publisher publishing although its new token
// may not: the fake is asked for a token that may publish.
func TestCatchesExchangeKeepingPublishing(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteControl(ivsfake.New(ivsfake.Options{}), "/exchange-token", func(body map[string]any) {
		if caps, ok := body["capabilities"].([]any); ok && !slices.Contains(caps, any("PUBLISH")) {
			body["capabilities"] = append(caps, "PUBLISH")
		}
	}))
	const name = "ListParticipantEvents/behaviour/token-exchange/publish-capability-removed-unpublishes"
	requireFails(t, rs, name, "a publisher whose new token may not publish does not stop publishing")
	assert.Equal(t, []string{name}, failed(rs))
}

// Events that say replica true of a participant that is no replica, and a
// publisher whose stream failed listed without PUBLISH_STOPPED. (Events
// without replica pass: AWS's examples print none.)
func TestCatchesEventsWithoutReplicaOrStop(t *testing.T) {
	sweep(t)
	rs := results(t, editEvents(func(events []any) []any {
		out := []any{}
		for i, e := range events {
			m := e.(map[string]any)
			m["replica"] = true
			if m["name"] == "PUBLISH_STOPPED" && i+1 < len(events) && events[i+1].(map[string]any)["name"] == "PUBLISH_ERROR" {
				continue
			}
			out = append(out, m)
		}
		return out
	}))
	requireFails(t, rs, "ListParticipantEvents/behaviour/events/replica-false", "of a participant that is no replica says replica other than false")
	requireFails(t, rs, "ListParticipantEvents/behaviour/publish-error/mid-stream-stops-publishing", "does not stop publishing")
	requireFails(t, rs, "ListParticipantEvents/behaviour/events/members-as-documented", "does not have the members the model documents")
	assert.ElementsMatch(t, []string{
		"ListParticipantEvents/behaviour/events/replica-false",
		"ListParticipantEvents/behaviour/events/members-as-documented",
		"ListParticipantEvents/behaviour/publish-error/mid-stream-stops-publishing",
	}, failed(rs))
}

// A failed publish taken for one that worked: the error code is not heard.
func TestCatchesPublishErrorIgnored(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteControl(ivsfake.New(ivsfake.Options{}), "/publish", func(body map[string]any) { delete(body, "errorCode") }))
	requireFails(t, rs, "ListParticipantEvents/behaviour/publish-error/each-code", "is not a PUBLISH_ERROR event with that code")
	requireFails(t, rs, "ListParticipantEvents/behaviour/publish-error/mid-stream-stops-publishing", "does not stop publishing")
	assert.ElementsMatch(t, []string{
		"ListParticipantEvents/behaviour/publish-error/each-code",
		"ListParticipantEvents/behaviour/publish-error/mid-stream-stops-publishing",
	}, failed(rs))
}
