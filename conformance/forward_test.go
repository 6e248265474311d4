package conformance_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// The suite compares only what its spec knows. These tests run the whole
// suite against the fake made to look newer than the spec, as AWS looks
// to a gate built from an older spec the day it adds something, and want
// every case to end as it does against the fake itself.

// Members a newer service answers: one of a kind the spec has no schema
// for (an object), and one that looks like any other (a string).
const (
	addedObject = "ivsrtAddedLater"
	addedString = "ivsrtAddedLaterName"
	addedHeader = "X-Ivsrt-Added-Later"
	// addedEvent is an event name the spec's EventName does not list.
	addedEvent = "IVSRT_ADDED_LATER"
)

// newer serves the fake's answers as a newer service would: rewrite edits
// each successful answer's JSON body, given the schema of the answer (nil
// when the spec has none for the request), and every answer of the AWS
// API gets a header the spec does not know. The control API goes through
// untouched.
type newer struct {
	inner   http.Handler
	spec    *openapi3.T
	c       *suite.Contract
	rewrite func(r *http.Request, body map[string]any, schema *openapi3.Schema, doc any) any
}

func (n *newer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, ivscontrol.Prefix) {
		n.inner.ServeHTTP(w, r)
		return
	}
	req := readJSON(r)
	rec := httptest.NewRecorder()
	n.inner.ServeHTTP(rec, r)
	out := rec.Body.Bytes()
	if rec.Code == http.StatusOK {
		var doc any
		if json.Unmarshal(out, &doc) == nil {
			doc = n.rewrite(r, req, n.answerSchema(r), doc)
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if enc.Encode(doc) == nil {
				out = b.Bytes()
			}
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.Header().Set(addedHeader, "1")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(out)
}

// answerSchema is the schema of the 200 answer to r in the spec.
func (n *newer) answerSchema(r *http.Request) *openapi3.Schema {
	op := n.c.Operation(opOf(r))
	if op == nil {
		return nil
	}
	method := op.Method
	if method == "" {
		method = http.MethodPost
	}
	item := n.spec.Paths.Find(op.Path)
	if item == nil || item.GetOperation(method) == nil {
		return nil
	}
	resp := item.GetOperation(method).Responses.Status(http.StatusOK)
	if resp == nil || resp.Value == nil || resp.Value.Content.Get("application/json") == nil {
		return nil
	}
	if s := resp.Value.Content.Get("application/json").Schema; s != nil {
		return s.Value
	}
	return nil
}

// additions counts the structs addMembers added to: answers, and structs
// nested in them.
type additions struct{ top, nested atomic.Int64 }

// addMembers adds both kinds of member to every struct in v, nested ones
// included (in structs, in list items, in the values of maps of structs),
// as the schema s tells them from maps: a map (tags, attributes) is the
// caller's data, which a newer service does not add to.
func addMembers(s *openapi3.Schema, v any, depth int, n *additions) {
	for s != nil && len(s.Properties) == 0 && len(s.AllOf) > 0 && s.AllOf[0] != nil {
		s = s.AllOf[0].Value
	}
	switch x := v.(type) {
	case map[string]any:
		if s != nil && (s.AdditionalProperties.Schema != nil || s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) {
			var elem *openapi3.Schema
			if s.AdditionalProperties.Schema != nil {
				elem = s.AdditionalProperties.Schema.Value
			}
			for _, e := range x {
				addMembers(elem, e, depth+1, n)
			}
			return
		}
		if s == nil {
			return // a value the spec does not describe
		}
		for k, e := range x {
			if p := s.Properties[k]; p != nil {
				addMembers(p.Value, e, depth+1, n)
			}
		}
		x[addedObject] = map[string]any{"x": 1}
		x[addedString] = "added later"
		if depth == 0 {
			n.top.Add(1)
		} else {
			n.nested.Add(1)
		}
	case []any:
		if s == nil || s.Items == nil {
			return
		}
		for _, e := range x {
			addMembers(s.Items.Value, e, depth+1, n)
		}
	}
}

func newerFake(t *testing.T, rewrite func(r *http.Request, body map[string]any, schema *openapi3.Schema, doc any) any) *newer {
	t.Helper()
	s, err := conformance.Suite()
	require.NoError(t, err)
	return &newer{inner: ivsfake.New(ivsfake.Options{}), spec: s.Spec, c: s.Contract, rewrite: rewrite}
}

// sameOutcomes wants every case to end against got as it does against
// want: same status, case by case, and so the same counts.
func sameOutcomes(t *testing.T, want, got map[string]suite.Result) {
	t.Helper()
	require.Equal(t, len(want), len(got), "the same cases")
	var changed []string
	for name, w := range want {
		g, ok := got[name]
		if !assert.True(t, ok, "no case %s", name) {
			continue
		}
		if g.Status != w.Status {
			changed = append(changed, name+": "+string(w.Status)+" -> "+string(g.Status)+": "+g.Reason+"\n"+g.Diff)
		}
	}
	sort.Strings(changed)
	assert.Empty(t, changed, "cases that end otherwise against the newer fake")
	wp, wf, ws := suite.Counts(values(want))
	gp, gf, gs := suite.Counts(values(got))
	assert.Equal(t, [3]int{wp, wf, ws}, [3]int{gp, gf, gs}, "passed, failed, skipped")
	t.Logf("plain fake: %d passed, %d failed, %d skipped; newer fake: %d passed, %d failed, %d skipped", wp, wf, ws, gp, gf, gs)
}

func values(rs map[string]suite.Result) []suite.Result {
	out := make([]suite.Result, 0, len(rs))
	for _, r := range rs {
		out = append(out, r)
	}
	return out
}

// Members the spec does not know, in every struct of every successful
// answer (top level and nested: a stage's recording configuration, each
// token, participant, event, session and storage configuration, in lists
// too), and a header it does not know on every answer: the whole suite
// ends as it does against the fake itself.
func TestNewerMembersPassTheWholeSuite(t *testing.T) {
	plain := results(t, ivsfake.New(ivsfake.Options{}))
	var n additions
	h := newerFake(t, func(_ *http.Request, _ map[string]any, schema *openapi3.Schema, doc any) any {
		addMembers(schema, doc, 0, &n)
		return doc
	})
	wrapped := results(t, h)
	sameOutcomes(t, plain, wrapped)
	assert.Positive(t, n.top.Load(), "answers given new members")
	assert.Greater(t, n.nested.Load(), n.top.Load(), "nested structs given new members")
	t.Logf("new members added to %d answers and %d nested structs", n.top.Load(), n.nested.Load())
}

// The teeth of it: with the same new members everywhere, a member the
// spec knows that differs, or is missing, still fails the case that
// checks it, and its diff names that member, not the new ones.
func TestNewerMembersHideNoFault(t *testing.T) {
	sweep(t)
	const name = "CreateStage/defaults/stage.autoParticipantRecordingConfiguration"
	for fault, edit := range map[string]func(rc map[string]any){
		"differs": func(rc map[string]any) { rc["mediaTypes"] = []any{"AUDIO_ONLY"} },
		"missing": func(rc map[string]any) { delete(rc, "mediaTypes") },
	} {
		var n additions
		h := newerFake(t, func(r *http.Request, _ map[string]any, schema *openapi3.Schema, doc any) any {
			addMembers(schema, doc, 0, &n)
			if opOf(r) == "CreateStage" {
				if rc := recordingOf(doc.(map[string]any)); rc != nil {
					edit(rc)
				}
			}
			return doc
		})
		rs := results(t, h)
		requireFails(t, rs, name, "the default of CreateStageRequest.autoParticipantRecordingConfiguration")
		assert.Contains(t, rs[name].Diff, "mediaTypes", fault)
		assert.NotContains(t, rs[name].Diff, addedObject, fault)
		assert.NotContains(t, rs[name].Diff, addedString, fault)
	}
}

// An enum value the spec does not know, in answers no behaviour case
// reads: the events of the live stage's participants (the behaviour cases
// read the events of stages of their own), where JOINED becomes a name
// EventName does not list. Its generated cases (the answer's shape, its
// timestamps, its pages) end as they do against the fake itself.
func TestNewerEnumValuePassesTheWholeSuite(t *testing.T) {
	sweep(t)
	plain := results(t, ivsfake.New(ivsfake.Options{}))
	var (
		mu       sync.Mutex
		live     string // the first stage the run made: the setup's live stage
		replaced atomic.Int64
	)
	h := newerFake(t, func(r *http.Request, body map[string]any, _ *openapi3.Schema, doc any) any {
		m, _ := doc.(map[string]any)
		mu.Lock()
		defer mu.Unlock()
		switch opOf(r) {
		case "CreateStage":
			st, _ := m["stage"].(map[string]any)
			if arn, _ := st["arn"].(string); live == "" && arn != "" {
				live = arn
			}
		case "ListParticipantEvents":
			if live == "" || body["stageArn"] != live {
				break
			}
			events, _ := m["events"].([]any)
			for _, e := range events {
				if ev, _ := e.(map[string]any); ev != nil && ev["name"] == "JOINED" {
					ev["name"] = addedEvent
					replaced.Add(1)
				}
			}
		}
		return doc
	})
	wrapped := results(t, h)
	sameOutcomes(t, plain, wrapped)
	require.Positive(t, replaced.Load(), "no event name was replaced")
	for _, name := range []string{"ListParticipantEvents/shape/success", "ListParticipantEvents/pagination/maxResults=1"} {
		assert.Equal(t, suite.Pass, wrapped[name].Status, "%s: %s", name, wrapped[name].Reason)
	}
	t.Logf("%d event names replaced with %s", replaced.Load(), addedEvent)
}
