package conformance_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// Broken variants of the fake in the ways the newer operations were found
// to break (issue 17): one per fault, by family (not found, tokens,
// sessions and events, stages, storage and tags; another account is in
// teeth_test.go), each caught by the cases named for its rule.

// resultsIn is results with the run signed for region.
func resultsIn(t *testing.T, h http.Handler, region string) map[string]suite.Result {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	out := map[string]suite.Result{}
	for _, res := range conformance.RunAll(context.Background(), suite.Target{Endpoint: srv.URL, Region: region, Credentials: testCredentials}) {
		out[res.Name] = res
	}
	requireExplained(t, out)
	return out
}

// requireAllFail asserts that each named case failed with words in its
// reason, and that nothing else did.
func requireAllFail(t *testing.T, rs map[string]suite.Result, words string, names ...string) {
	t.Helper()
	for _, name := range names {
		requireFails(t, rs, name, words)
	}
	assert.ElementsMatch(t, names, failed(rs))
}

// notFoundAnswered answers op's ResourceNotFoundException with 200 and
// the body answer makes of the request.
func notFoundAnswered(op string, answer func(body map[string]any) any) http.Handler {
	fake := ivsfake.New(ivsfake.Options{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != op {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		if rec.Code != http.StatusNotFound {
			maps.Copy(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		writeJSON(w, answer(body))
	})
}

// ---- not found ------------------------------------------------------------------

// CreateParticipantToken for a stage that does not exist issues a token.
func TestCatchesTokenForAnUnknownStage(t *testing.T) {
	sweep(t)
	rs := results(t, notFoundAnswered("CreateParticipantToken", func(map[string]any) any {
		return map[string]any{"participantToken": map[string]any{"participantId": "abcdABCDefgh", "token": "t", "duration": 720,
			"capabilities": []any{"PUBLISH", "SUBSCRIBE"}, "expirationTime": time.Now().Add(12 * time.Hour).UTC().Format(time.RFC3339)}}
	}))
	requireAllFail(t, rs, "want ResourceNotFoundException, got 200",
		"CreateParticipantToken/stageArn/not-found/unknown", "CreateParticipantToken/stageArn/not-found/deleted")
}

// DisconnectParticipant of a stage that does not exist answers 200.
func TestCatchesDisconnectOfAnUnknownStage(t *testing.T) {
	sweep(t)
	rs := results(t, notFoundAnswered("DisconnectParticipant", func(map[string]any) any { return map[string]any{} }))
	requireAllFail(t, rs, "want ResourceNotFoundException, got 200",
		"DisconnectParticipant/stageArn/not-found/unknown", "DisconnectParticipant/stageArn/not-found/deleted")
}

// GetStageSession of what does not exist answers a session.
func TestCatchesUnknownSessionFound(t *testing.T) {
	sweep(t)
	rs := results(t, notFoundAnswered("GetStageSession", func(body map[string]any) any {
		return map[string]any{"stageSession": map[string]any{"sessionId": body["sessionId"], "startTime": time.Now().UTC().Format(time.RFC3339)}}
	}))
	requireAllFail(t, rs, "want ResourceNotFoundException, got 200",
		"GetStageSession/stageArn/not-found/unknown", "GetStageSession/stageArn/not-found/deleted", "GetStageSession/behaviour/not-found/unknown-session-id",
		"GetStageSession/sessionId/not-found/unknown-in-live-parent")
}

// GetStorageConfiguration of what does not exist answers one.
func TestCatchesUnknownStorageConfigurationFound(t *testing.T) {
	sweep(t)
	rs := results(t, notFoundAnswered("GetStorageConfiguration", func(body map[string]any) any {
		return map[string]any{"storageConfiguration": map[string]any{"arn": body["arn"], "name": "", "s3": map[string]any{"bucketName": "bucket"}, "tags": map[string]any{}}}
	}))
	for _, name := range []string{"GetStorageConfiguration/arn/not-found/unknown", "GetStorageConfiguration/arn/not-found/deleted"} {
		requireFails(t, rs, name, "want ResourceNotFoundException, got 200")
	}
	requireFails(t, rs, "DeleteStorageConfiguration/behaviour/deletes-the-storage-configuration", "GetStorageConfiguration of a deleted storage configuration")
	assert.ElementsMatch(t, []string{"GetStorageConfiguration/arn/not-found/unknown", "GetStorageConfiguration/arn/not-found/deleted",
		"DeleteStorageConfiguration/behaviour/deletes-the-storage-configuration"}, failed(rs))
}

// DeleteStorageConfiguration of what does not exist answers 200.
func TestCatchesDeleteOfAnUnknownStorageConfiguration(t *testing.T) {
	sweep(t)
	rs := results(t, notFoundAnswered("DeleteStorageConfiguration", func(map[string]any) any { return map[string]any{} }))
	for _, name := range []string{"DeleteStorageConfiguration/arn/not-found/unknown", "DeleteStorageConfiguration/arn/not-found/deleted"} {
		requireFails(t, rs, name, "want ResourceNotFoundException, got 200")
	}
	requireFails(t, rs, "DeleteStorageConfiguration/behaviour/deletes-the-storage-configuration", "DeleteStorageConfiguration of a deleted storage configuration")
	assert.ElementsMatch(t, []string{"DeleteStorageConfiguration/arn/not-found/unknown", "DeleteStorageConfiguration/arn/not-found/deleted",
		"DeleteStorageConfiguration/behaviour/deletes-the-storage-configuration"}, failed(rs))
}

// undead keeps what DeleteStage and DeleteStorageConfiguration delete:
// with readable, a deleted storage configuration is still read; with
// listed, still listed (on a listing's only page); with tagged, a deleted
// resource keeps its tags.
type undead struct {
	inner                    http.Handler
	readable, listed, tagged bool
	mu                       sync.Mutex
	storage                  map[string]map[string]any // ARN -> the configuration as it was
	tags                     map[string]map[string]any // ARN -> its tags as they were
}

func newUndead(readable, listed, tagged bool) *undead {
	return &undead{inner: ivsfake.New(ivsfake.Options{}), readable: readable, listed: listed, tagged: tagged,
		storage: map[string]map[string]any{}, tags: map[string]map[string]any{}}
}

func (u *undead) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := opOf(r)
	body := readJSON(r)
	arn, _ := body["arn"].(string)
	if op == "DeleteStage" || op == "DeleteStorageConfiguration" {
		_, tags := callInner(u.inner, "ListTagsForResource", map[string]any{"resourceArn": arn})
		_, sc := callInner(u.inner, "GetStorageConfiguration", map[string]any{"arn": arn})
		rec := httptest.NewRecorder()
		u.inner.ServeHTTP(rec, r)
		if rec.Code == http.StatusOK {
			u.mu.Lock()
			if t, ok := tags["tags"].(map[string]any); ok {
				u.tags[arn] = t
			}
			if s, ok := sc["storageConfiguration"].(map[string]any); ok && op == "DeleteStorageConfiguration" {
				u.storage[arn] = s
			}
			u.mu.Unlock()
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	u.mu.Lock()
	sc, gone := u.storage[arn]
	var tags map[string]any
	var tagged bool
	if op == "ListTagsForResource" {
		res, _ := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/tags/"))
		tags, tagged = u.tags[res]
	}
	var kept []any
	for _, s := range u.storage {
		kept = append(kept, s)
	}
	u.mu.Unlock()
	switch {
	case u.readable && op == "GetStorageConfiguration" && gone:
		writeJSON(w, map[string]any{"storageConfiguration": sc})
		return
	case u.tagged && op == "ListTagsForResource" && tagged:
		writeJSON(w, map[string]any{"tags": tags})
		return
	case u.listed && op == "ListStorageConfigurations" && body["nextToken"] == nil:
		// The deleted ones after the first page of the fake's own.
		code, doc := callInner(u.inner, op, body)
		if code == http.StatusOK {
			if doc["nextToken"] == nil {
				items, _ := doc["storageConfigurations"].([]any)
				doc["storageConfigurations"] = append(items, kept...)
			}
			writeJSON(w, doc)
			return
		}
	}
	u.inner.ServeHTTP(w, r)
}

// A deleted storage configuration still read and listed.
func TestCatchesDeletedStorageConfigurationStillThere(t *testing.T) {
	sweep(t)
	rs := results(t, newUndead(true, true, false))
	requireFails(t, rs, "GetStorageConfiguration/arn/not-found/deleted", "want ResourceNotFoundException, got 200")
	requireFails(t, rs, "DeleteStorageConfiguration/behaviour/deletes-the-storage-configuration", "GetStorageConfiguration of a deleted storage configuration")
	for _, name := range failed(rs) {
		assert.Contains(t, []string{"GetStorageConfiguration", "DeleteStorageConfiguration", "ListStorageConfigurations"}, rs[name].Operation, name)
	}
	// Listed only (GetStorageConfiguration no longer finds it) is caught too.
	rs = results(t, newUndead(false, true, false))
	requireFails(t, rs, "DeleteStorageConfiguration/behaviour/deletes-the-storage-configuration", "ListStorageConfigurations still lists a deleted storage configuration")
	for _, name := range failed(rs) {
		assert.Contains(t, []string{"DeleteStorageConfiguration", "ListStorageConfigurations"}, rs[name].Operation, name)
	}
}

// A deleted resource keeps its tags: ListTagsForResource of a deleted stage
// or storage configuration answers the tags it had.
func TestCatchesDeletedResourceKeepingItsTags(t *testing.T) {
	sweep(t)
	rs := results(t, newUndead(false, false, true))
	for _, name := range []string{"ListTagsForResource/resourceArn/not-found/deleted-StageArn", "ListTagsForResource/resourceArn/not-found/deleted-StorageConfigurationArn"} {
		requireFails(t, rs, name, "want ResourceNotFoundException, got 200")
	}
	requireFails(t, rs, "DeleteStorageConfiguration/behaviour/deletes-the-storage-configuration", "ListTagsForResource of a deleted storage configuration")
	assert.ElementsMatch(t, []string{"ListTagsForResource/resourceArn/not-found/deleted-StageArn", "ListTagsForResource/resourceArn/not-found/deleted-StorageConfigurationArn",
		"DeleteStorageConfiguration/behaviour/deletes-the-storage-configuration"}, failed(rs))
}

// ---- tokens -----------------------------------------------------------------------

// tokenRequests rewrites CreateParticipantToken requests before the fake
// sees them, and puts back in the answer what answer says the request
// asked for, so that the token still looks as asked.
func tokenRequests(rewrite func(body map[string]any), answer func(asked, tok map[string]any)) http.Handler {
	fake := ivsfake.New(ivsfake.Options{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != "CreateParticipantToken" {
			fake.ServeHTTP(w, r)
			return
		}
		asked := readJSON(r)
		sent := maps.Clone(asked)
		rewrite(sent)
		code, doc := callInner(fake, "CreateParticipantToken", sent)
		if code != http.StatusOK {
			fake.ServeHTTP(w, r) // the fake refuses it as it does
			return
		}
		if tok, ok := doc["participantToken"].(map[string]any); ok && answer != nil {
			answer(asked, tok)
		}
		w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
		writeJSON(w, doc)
	})
}

// Attributes not kept for the participant who joins with a token of
// CreateParticipantToken: the token answers them, the participant has none.
func TestCatchesTokenAttributesNotKept(t *testing.T) {
	rs := results(t, tokenRequests(func(b map[string]any) { delete(b, "attributes") }, func(asked, tok map[string]any) {
		if a, ok := asked["attributes"]; ok {
			tok["attributes"] = a
		}
	}))
	requireAllFail(t, rs, "does not have the token's user id and attributes",
		"CreateParticipantToken/behaviour/joined/participant-has-the-tokens-user-id-and-attributes")
}

// Capabilities ignored: a token without PUBLISH publishes.
func TestCatchesTokenCapabilitiesIgnored(t *testing.T) {
	sweep(t)
	rs := results(t, tokenRequests(func(b map[string]any) { delete(b, "capabilities") }, func(asked, tok map[string]any) {
		if c, ok := asked["capabilities"]; ok {
			tok["capabilities"] = c
		}
	}))
	requireFails(t, rs, "CreateParticipantToken/behaviour/capabilities/without-publish-cannot-publish", "published")
	// The participant that may not publish then publishes in the sessions
	// of two: its events are a publisher's.
	for _, name := range []string{
		"ListParticipantEvents/behaviour/events/two-participants-each-its-own",
		"ListParticipantEvents/behaviour/events/eventTime-between-action-and-answer",
		"ListParticipantEvents/behaviour/events/members-as-documented",
		"ListParticipantEvents/behaviour/publish-error/refused-publish-is-INSUFFICIENT_CAPABILITIES",
	} {
		assert.Contains(t, failed(rs), name)
	}
	for _, name := range failed(rs) {
		assert.Contains(t, []string{"CreateParticipantToken", "ListParticipantEvents"}, rs[name].Operation, name)
	}
}

// The maximum duration clamped: a token asked for with more than a day
// lasts a day, and says so.
func TestCatchesTokenMaximumDurationClamped(t *testing.T) {
	sweep(t)
	rs := results(t, tokenRequests(func(b map[string]any) {
		if d, ok := b["duration"].(float64); ok && d > 1440 {
			b["duration"] = 1440
		}
	}, nil))
	requireAllFail(t, rs, "does not repeat it", "CreateParticipantToken/behaviour/round-trip/token-echoes-maximum-duration")
}

// The expiration computed from the default duration, whatever the
// duration given.
func TestCatchesTokenExpiringAfterTheDefaultDuration(t *testing.T) {
	sweep(t)
	rs := results(t, tokenRequests(func(map[string]any) {}, func(asked, tok map[string]any) {
		exp, err := time.Parse(time.RFC3339Nano, fmt.Sprint(tok["expirationTime"]))
		d, _ := tok["duration"].(float64)
		if err == nil {
			tok["expirationTime"] = exp.Add(time.Duration(720-d) * time.Minute).UTC().Format(time.RFC3339Nano)
		}
	}))
	requireAllFail(t, rs, "does not expire that long after its issue",
		"CreateParticipantToken/behaviour/expiration/expires-after-the-duration-given", "CreateParticipantToken/behaviour/round-trip/token-echoes-maximum-duration")
}

// ---- sessions and events --------------------------------------------------------

// A second session's startTime equal to the first's: every session of a
// stage answers the startTime of its oldest.
func TestCatchesSecondSessionStartingWithTheFirst(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	oldest := func(stageArn any) any {
		body := map[string]any{"stageArn": stageArn, "maxResults": 100}
		var start any
		for {
			_, doc := callInner(fake, "ListStageSessions", body)
			items, _ := doc["stageSessions"].([]any)
			if len(items) > 0 {
				start = items[len(items)-1].(map[string]any)["startTime"]
			}
			next, _ := doc["nextToken"].(string)
			if next == "" {
				return start
			}
			body["nextToken"] = next
		}
	}
	rs := results(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := opOf(r)
		if op != "ListStageSessions" && op != "GetStageSession" {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		code, doc := callInner(fake, op, body)
		if code != http.StatusOK {
			fake.ServeHTTP(w, r)
			return
		}
		start := oldest(body["stageArn"])
		if s, ok := doc["stageSession"].(map[string]any); ok {
			s["startTime"] = start
		}
		items, _ := doc["stageSessions"].([]any)
		for _, it := range items {
			it.(map[string]any)["startTime"] = start
		}
		writeJSON(w, doc)
	}))
	requireFails(t, rs, "ListStageSessions/behaviour/sessions/two-sessions-one-after-the-other", "does not start after the first's startTime")
	// A session's start before its participant joined is caught where the
	// live stage has two sessions too; nothing else is.
	for _, name := range failed(rs) {
		assert.Contains(t, []string{"ListStageSessions/behaviour/sessions/two-sessions-one-after-the-other"}, name)
	}
}

// eventTime hours off.
func TestCatchesEventTimeHoursOff(t *testing.T) {
	sweep(t)
	rs := results(t, editEvents(func(events []any) []any {
		for _, e := range events {
			m := e.(map[string]any)
			if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(m["eventTime"])); err == nil {
				m["eventTime"] = at.Add(-3 * time.Hour).Format(time.RFC3339Nano)
			}
		}
		return events
	}))
	requireAllFail(t, rs, "eventTime", "ListParticipantEvents/behaviour/events/eventTime-between-action-and-answer")
}

// remoteParticipantId set on join and publish events.
func TestCatchesRemoteParticipantOnJoinAndPublish(t *testing.T) {
	sweep(t)
	rs := results(t, editEvents(func(events []any) []any {
		for _, e := range events {
			m := e.(map[string]any)
			m["remoteParticipantId"] = "abcdABCDefgh"
		}
		return events
	}))
	documented := []string{"ListParticipantEvents/behaviour/events/remoteParticipantId-null-on-join-and-publish", "ListParticipantEvents/behaviour/events/members-as-documented"}
	for _, name := range documented {
		requireFails(t, rs, name, "does not have the members the model documents")
	}
	// A subscribe event names its publisher, so the made-up remote
	// participant fails the subscribe cases too.
	subscribe := []string{"ListParticipantEvents/behaviour/subscribe/names-the-publisher",
		"ListParticipantEvents/behaviour/subscribe/not-publishing-is-PUBLISHER_NOT_FOUND",
		"ListParticipantEvents/behaviour/subscribe/without-SUBSCRIBE-is-INSUFFICIENT_CAPABILITIES"}
	for _, name := range subscribe {
		requireFails(t, rs, name, "subscri")
	}
	assert.ElementsMatch(t, append(documented, subscribe...), failed(rs))
}

// Subscribe events without their publisher: remoteParticipantId left out
// where the model documents it as the publisher.
func TestCatchesSubscribeEventsWithoutThePublisher(t *testing.T) {
	rs := results(t, editEvents(func(events []any) []any {
		for _, e := range events {
			if m := e.(map[string]any); strings.HasPrefix(fmt.Sprint(m["name"]), "SUBSCRIBE_") {
				delete(m, "remoteParticipantId")
			}
		}
		return events
	}))
	requireAllFail(t, rs, "subscri",
		"ListParticipantEvents/behaviour/subscribe/names-the-publisher",
		"ListParticipantEvents/behaviour/subscribe/not-publishing-is-PUBLISHER_NOT_FOUND",
		"ListParticipantEvents/behaviour/subscribe/without-SUBSCRIBE-is-INSUFFICIENT_CAPABILITIES")
}

// A subscription to a participant that does not publish refused with
// another code than PUBLISHER_NOT_FOUND.
func TestCatchesSubscribeRefusedWithAnotherCode(t *testing.T) {
	rs := results(t, editEvents(func(events []any) []any {
		for _, e := range events {
			if m := e.(map[string]any); m["errorCode"] == "PUBLISHER_NOT_FOUND" {
				m["errorCode"] = "QUOTA_EXCEEDED"
			}
		}
		return events
	}))
	requireAllFail(t, rs, "PUBLISHER_NOT_FOUND", "ListParticipantEvents/behaviour/subscribe/not-publishing-is-PUBLISHER_NOT_FOUND")
}

// The wrong errorCode for a refused publish.
func TestCatchesRefusedPublishWithAnotherCode(t *testing.T) {
	sweep(t)
	rs := results(t, editEvents(func(events []any) []any {
		for _, e := range events {
			if m := e.(map[string]any); m["errorCode"] == "INSUFFICIENT_CAPABILITIES" && m["name"] == "PUBLISH_ERROR" {
				m["errorCode"] = "QUOTA_EXCEEDED"
			}
		}
		return events
	}))
	requireAllFail(t, rs, "does not have the members the model documents",
		"ListParticipantEvents/behaviour/publish-error/refused-publish-is-INSUFFICIENT_CAPABILITIES", "ListParticipantEvents/behaviour/events/members-as-documented")
}

// Events of other participants listed: an unpaged ListParticipantEvents
// answers every event of the session, newest first.
func TestCatchesEventsOfOtherParticipants(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	rs := results(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != "ListParticipantEvents" {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		code, doc := callInner(fake, "ListParticipantEvents", body)
		if code != http.StatusOK || doc["nextToken"] != nil || body["nextToken"] != nil {
			fake.ServeHTTP(w, r)
			return
		}
		_, ps := callInner(fake, "ListParticipants", map[string]any{"stageArn": body["stageArn"], "sessionId": body["sessionId"], "maxResults": 100})
		var all []any
		items, _ := ps["participants"].([]any)
		for _, p := range items {
			_, evs := callInner(fake, "ListParticipantEvents", map[string]any{"stageArn": body["stageArn"], "sessionId": body["sessionId"],
				"participantId": p.(map[string]any)["participantId"], "maxResults": 100})
			more, _ := evs["events"].([]any)
			all = append(all, more...)
		}
		slices.SortStableFunc(all, func(a, b any) int {
			return strings.Compare(fmt.Sprint(b.(map[string]any)["eventTime"]), fmt.Sprint(a.(map[string]any)["eventTime"]))
		})
		writeJSON(w, map[string]any{"events": all})
	}))
	requireFails(t, rs, "ListParticipantEvents/behaviour/events/two-participants-each-its-own", "lists an event of another participant")
	// Paged, each participant's own events; whole, everybody's.
	requireFails(t, rs, "ListParticipantEvents/behaviour/pagination/two-participants-each-page-its-own", "whole and in order, as one page does")
	// The other's events do not name the participant asked about.
	requireFails(t, rs, "ListParticipantEvents/behaviour/events/members-as-documented", "does not have the members the model documents")
	// The publisher's PUBLISH_STARTED is listed as the refused one's.
	requireFails(t, rs, "CreateParticipantToken/behaviour/capabilities/without-publish-cannot-publish", "has a PUBLISH_STARTED event")
	for _, name := range failed(rs) {
		assert.Contains(t, []string{"ListParticipantEvents", "CreateParticipantToken"}, rs[name].Operation, name)
	}
}

// eventPager pages a participant's events itself, over the fake's whole
// list, with offsets for tokens; each page after the first starts with
// the last event of the page before, so an event is repeated across pages.
func eventPager() http.Handler {
	fake := ivsfake.New(ivsfake.Options{})
	type token struct {
		Query  string
		Offset int
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != "ListParticipantEvents" {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		if body == nil {
			fake.ServeHTTP(w, r)
			return
		}
		query := fmt.Sprint(body["stageArn"], body["sessionId"], body["participantId"])
		offset := 0
		if tok, _ := body["nextToken"].(string); tok != "" {
			var t token
			raw, err := base64.RawURLEncoding.DecodeString(tok)
			if err != nil || json.Unmarshal(raw, &t) != nil || t.Query != query {
				wire.WriteError(w, wire.NewError("ValidationException", http.StatusBadRequest,
					"1 validation error detected: Value at 'nextToken' failed to satisfy constraint: not a token of this participant"))
				return
			}
			offset = t.Offset
		}
		inner := maps.Clone(body)
		delete(inner, "nextToken")
		inner["maxResults"] = 100
		code, doc := callInner(fake, "ListParticipantEvents", inner)
		if code != http.StatusOK {
			fake.ServeHTTP(w, r)
			return
		}
		all, _ := doc["events"].([]any)
		size := 50
		if n, ok := body["maxResults"].(float64); ok {
			size = int(n)
		}
		end := min(offset+size, len(all))
		out := map[string]any{"events": append([]any{}, all[min(offset, len(all)):end]...)}
		if end < len(all) {
			next := max(end-1, offset+1)
			raw, _ := json.Marshal(token{Query: query, Offset: next})
			out["nextToken"] = base64.RawURLEncoding.EncodeToString(raw)
		}
		writeJSON(w, out)
	})
}

// Events repeated across pages.
func TestCatchesEventsRepeatedAcrossPages(t *testing.T) {
	sweep(t)
	rs := results(t, eventPager())
	requireFails(t, rs, "ListParticipantEvents/behaviour/pagination/two-participants-each-page-its-own", "does not give participant")
	requireFails(t, rs, "ListParticipantEvents/pagination/maxResults=2", "does not give each of the")
	for _, name := range failed(rs) {
		assert.Equal(t, "ListParticipantEvents", rs[name].Operation, name)
	}
}

// Items that change from page to page: ListParticipants answers, on the
// pages after the first, each participant with its firstJoinTime a second
// later. Every participant is there once, so a check by id alone passes.
func TestCatchesPagesChangingItems(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	rs := results(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != "ListParticipants" {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		code, doc := callInner(fake, "ListParticipants", body)
		if code != http.StatusOK || body["nextToken"] == nil {
			fake.ServeHTTP(w, r)
			return
		}
		items, _ := doc["participants"].([]any)
		for _, it := range items {
			m := it.(map[string]any)
			if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(m["firstJoinTime"])); err == nil {
				m["firstJoinTime"] = at.Add(time.Second).Format(time.RFC3339Nano)
			}
		}
		writeJSON(w, doc)
	}))
	requireFails(t, rs, "ListParticipants/pagination/maxResults=1", "member for member")
	requireFails(t, rs, "ListParticipants/pagination/maxResults=29", "member for member")
	assert.Equal(t, suite.Pass, rs["ListParticipants/pagination/maxResults=30"].Status, "one page holds them all")
	for _, name := range failed(rs) {
		assert.Equal(t, "ListParticipants", rs[name].Operation, name)
	}
}

// ---- stages, storage and tags -----------------------------------------------------

// ListStages leaving out the stages that have no name.
func TestCatchesUnnamedStagesNotListed(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "ListStages" || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			items, _ := doc["stages"].([]any)
			doc["stages"] = slices.DeleteFunc(items, func(it any) bool { return it.(map[string]any)["name"] == "" })
		})
	}))
	requireFails(t, rs, "ListStages/behaviour/lists-unnamed-stage", "does not list a stage created without a name")
	for _, name := range failed(rs) {
		assert.Equal(t, "ListStages", rs[name].Operation, name)
	}
}

// Storage configuration ARNs in a fixed region (us-east-1), whatever the
// region of the request: the suite runs in eu-west-1 (against a fake whose
// control API, unsigned, acts there too), and the ARNs the fake mints are
// rewritten on the way out and back on the way in.
func TestCatchesStorageArnsInAFixedRegion(t *testing.T) {
	sweep(t)
	const account = "123456789012"
	fixed := "arn:aws:ivs:us-east-1:" + account + ":storage-configuration/"
	asked := "arn:aws:ivs:eu-west-1:" + account + ":storage-configuration/"
	fake := ivsfake.New(ivsfake.Options{Region: "eu-west-1", Account: account})
	var mu sync.Mutex
	minted := map[string]bool{} // the ids of the ARNs the fake minted
	swap := func(data []byte, from, to string) []byte {
		mu.Lock()
		defer mu.Unlock()
		for id := range minted {
			data = bytes.ReplaceAll(data, []byte(from+id), []byte(to+id))
		}
		return data
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if arn, ok := strings.CutPrefix(r.URL.Path, "/tags/"); ok {
			arn = string(swap([]byte(arn), fixed, asked))
			r.URL.Path, r.URL.RawPath = "/tags/"+arn, "/tags/"+url.PathEscape(arn)
		}
		if data, _ := io.ReadAll(r.Body); len(data) > 0 {
			data = swap(data, fixed, asked)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(data)), int64(len(data))
		}
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		if opOf(r) == "CreateStorageConfiguration" && rec.Code == http.StatusOK {
			var doc struct {
				SC struct{ Arn string } `json:"storageConfiguration"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &doc) == nil && strings.HasPrefix(doc.SC.Arn, asked) {
				mu.Lock()
				minted[strings.TrimPrefix(doc.SC.Arn, asked)] = true
				mu.Unlock()
			}
		}
		maps.Copy(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(swap(rec.Body.Bytes(), asked, fixed))
	})
	rs := resultsIn(t, h, "eu-west-1")
	requireAllFail(t, rs, "is not of the format StorageConfigurationArn",
		"CreateStorageConfiguration/behaviour/identifiers/arn-format-in-the-request-region")
}

// Tag keys folded to lower case by TagResource.
func TestCatchesTagKeysCaseFolded(t *testing.T) {
	rs := results(t, rewriteRequest(ivsfake.New(ivsfake.Options{}), "TagResource", func(body map[string]any) {
		if tags, ok := body["tags"].(map[string]any); ok {
			folded := map[string]any{}
			for k, v := range tags {
				folded[strings.ToLower(k)] = v
			}
			body["tags"] = folded
		}
	}))
	requireAllFail(t, rs, "does not list the stage's tags", "TagResource/behaviour/tags/keys-are-case-sensitive")
}

// UntagResource removing only the first key it is given.
func TestCatchesUntagRemovingOnlyTheFirstKey(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	rs := results(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) == "UntagResource" {
			q := r.URL.Query()
			if keys := q["tagKeys"]; len(keys) > 1 {
				q["tagKeys"] = keys[:1]
				r.URL.RawQuery = q.Encode()
			}
		}
		fake.ServeHTTP(w, r)
	}))
	requireFails(t, rs, "UntagResource/behaviour/tags/removes-every-key-named", "does not list the stage's tags")
	// One key of too many is no longer too many.
	requireFails(t, rs, "UntagResource/tagKeys/maxItems/over", "want ValidationException")
	assert.ElementsMatch(t, []string{"UntagResource/behaviour/tags/removes-every-key-named", "UntagResource/tagKeys/maxItems/over"}, failed(rs))
}

// The tag limit counted per request instead of per resource: a TagResource
// that would take the resource past it is answered 200 (and the tags are
// not stored).
func TestCatchesTagLimitPerRequest(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op == "TagResource" && rec.Code == http.StatusBadRequest && strings.Contains(rec.Body.String(), "together with the resource's") {
			delete(rec.Header(), wire.HeaderErrorType)
			return http.StatusOK, []byte(`{}`)
		}
		return rec.Code, rec.Body.Bytes()
	}))
	requireAllFail(t, rs, "want ValidationException naming 'tags', got 200", "TagResource/behaviour/tags/limit-per-resource-across-calls")
}

// ListTagsForResource omitting tags when a resource has none.
func TestCatchesEmptyTagsOmitted(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op == "ListTagsForResource" && rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), `"tags":{}`) {
			return rec.Code, []byte(`{}`)
		}
		return rec.Code, rec.Body.Bytes()
	}))
	requireAllFail(t, rs, "does not match the spec", "ListTagsForResource/behaviour/tags/resource-without-tags-lists-empty-map")
}

// ---- what must succeed, and limits however counted (issue 16) --------------------

// GetParticipant checks the stage but not the session or participant:
// any session or participant id under a live stage is found.
func TestCatchesUnknownChildOfALiveParentFound(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != "GetParticipant" {
			fake.ServeHTTP(w, r)
			return
		}
		data, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(data))
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		var body map[string]any
		_ = json.Unmarshal(data, &body)
		if rec.Code == http.StatusNotFound {
			if status, _ := callInner(fake, "GetStage", map[string]any{"arn": body["stageArn"]}); status == http.StatusOK {
				writeJSON(w, map[string]any{"participant": map[string]any{"participantId": body["participantId"], "state": "CONNECTED",
					"firstJoinTime": time.Now().UTC().Format(time.RFC3339), "userId": "u", "attributes": map[string]any{}}})
				return
			}
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
	rs := results(t, h)
	requireAllFail(t, rs, "want ResourceNotFoundException, got 200",
		"GetParticipant/sessionId/not-found/unknown-in-live-parent", "GetParticipant/participantId/not-found/unknown-in-live-parent",
		"GetParticipant/behaviour/not-found/unknown-session-id", "GetParticipant/behaviour/not-found/unknown-participant-id",
		"GetParticipant/behaviour/not-found/participant-of-another-session")
}

// A valid request at a bound is refused with something other than a
// ValidationException: the token of the longest duration overflows and
// the server answers 500. Accepted means it succeeded.
func TestCatchesValidRequestAtABoundFailing(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) == "CreateParticipantToken" {
			data, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(data))
			var body map[string]any
			if json.Unmarshal(data, &body) == nil && body["duration"] == float64(20160) {
				wire.WriteError(w, wire.NewError("InternalServerException", http.StatusInternalServerError, "expiration overflowed"))
				return
			}
		}
		fake.ServeHTTP(w, r)
	})
	rs := results(t, h)
	requireFails(t, rs, "CreateParticipantToken/duration/maximum/at", "want the valid request accepted (200), got 500 InternalServerException")
	for _, name := range failed(rs) {
		assert.Contains(t, []string{"CreateParticipantToken/duration/maximum/at", "CreateParticipantToken/behaviour/round-trip/token-echoes-maximum-duration"}, name)
	}
}

// The 1 KB of token attributes counted in characters, not bytes: 1,025
// bytes in 343 characters are let through. Only the case past the bound
// in bytes alone catches it; the one past it in both is refused either way.
func TestCatchesAttributesCountedInCharacters(t *testing.T) {
	sweep(t)
	underInChars := func(attrs any) bool {
		m, ok := attrs.(map[string]any)
		if !ok {
			return false
		}
		bytes, chars := 0, 0
		for k, v := range m {
			s, _ := v.(string)
			bytes += len(k) + len(s)
			chars += len([]rune(k)) + len([]rune(s))
		}
		return bytes > 1024 && chars <= 1024
	}
	h := rewriteRequest(ivsfake.New(ivsfake.Options{}), "CreateParticipantToken", func(body map[string]any) {
		if underInChars(body["attributes"]) {
			delete(body, "attributes")
		}
	})
	h = rewriteRequest(h, "CreateStage", func(body map[string]any) {
		configs, _ := body["participantTokenConfigurations"].([]any)
		for _, c := range configs {
			if m, ok := c.(map[string]any); ok && underInChars(m["attributes"]) {
				delete(m, "attributes")
			}
		}
	})
	rs := results(t, h)
	requireAllFail(t, rs, "want ValidationException naming",
		"CreateParticipantToken/attributes/maxTotalBytes/over-multibyte", "CreateStage/participantTokenConfigurations[].attributes/maxTotalBytes/over-multibyte")
	assert.Equal(t, suite.SourceInferred, rs["CreateParticipantToken/attributes/maxTotalBytes/over-multibyte"].Source, "a count of bytes is our reading")
}
