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
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// Broken variants of the fake, each breaking one behaviour rule, and the
// cases, named after the rule, that must catch them.

// callInner sends a JSON body to op on the inner handler and returns the
// status and the decoded answer.
func callInner(h http.Handler, op string, body map[string]any) (int, map[string]any) {
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, "/"+op, bytes.NewReader(b))
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
	rs := results(t, &noReset{inner: ivsfake.New(ivsfake.Options{}), media: map[string]any{}})
	for _, name := range []string{
		"UpdateStage/behaviour/recording-reset/mediaTypes-omitted",
		"UpdateStage/behaviour/recording-reset/mediaTypes-given",
		"CreateStage/behaviour/recording-reset/mediaTypes-given",
	} {
		requireFails(t, rs, name, "does not reset the other members of the recording configuration to their defaults")
	}
	assert.Len(t, failed(rs), 3, "%v", failed(rs))
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
		"error type ResourceNotFoundException is not one ListParticipants may answer")
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
	rs := results(t, &pager{inner: ivsfake.New(ivsfake.Options{})})
	requireFails(t, rs, "ListParticipants/behaviour/page-token/from-another-filter",
		"a page token issued for filterByState=CONNECTED, sent with filterByState=DISCONNECTED", "want ValidationException naming 'nextToken', got 200 OK")
	assert.Equal(t, []string{"ListParticipants/behaviour/page-token/from-another-filter"}, failed(rs),
		"the rest of paging works: only the binding to the filter is broken")
}

// A pagination that repeats the last item of each page on the next.
func TestCatchesRepeatedLastItem(t *testing.T) {
	rs := results(t, &pager{inner: ivsfake.New(ivsfake.Options{}), repeatLast: true})
	// Pages of one or two never get past the repeats.
	requireFails(t, rs, "ListParticipants/pagination/maxResults=1", "ListParticipants kept handing out nextToken")
	requireFails(t, rs, "ListParticipants/pagination/maxResults=2", "ListParticipants kept handing out nextToken")
	for _, n := range []int{7, 10, 29} {
		requireFails(t, rs, fmt.Sprintf("ListParticipants/pagination/maxResults=%d", n), "does not give each of the 30 participants exactly once")
	}
	assert.Equal(t, suite.Pass, rs["ListParticipants/pagination/maxResults=30"].Status, "one page holds them all: nothing to repeat")
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
