package conformance_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// Teeth of the replication cases (conformance/behaviour/cases_replication.go):
// each breaks the fake's replication one way and wants the case about it
// to fail.

// editAnswers rewrites the 200 answers of op.
func editAnswers(op string, edit func(doc map[string]any)) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(got string, rec *httptest.ResponseRecorder) (int, []byte) {
		if got != op || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), edit)
	})
}

// A replica that does not say where it is replicated from.
func TestCatchesReplicaWithoutItsSource(t *testing.T) {
	sweep(t)
	rs := results(t, editParticipants(func(p map[string]any) {
		if p["replicationType"] == "REPLICA" {
			delete(p, "sourceSessionId")
		}
	}))
	requireAllFail(t, rs, "the replica does not report the replication it is", "StartParticipantReplication/behaviour/replication/replica-and-source")
}

// A replicated participant that reports itself not replicated.
func TestCatchesSourceNotReportedReplicated(t *testing.T) {
	sweep(t)
	rs := results(t, editParticipants(func(p map[string]any) {
		if p["replicationType"] == "SOURCE" {
			p["replicationType"] = "NONE"
		}
	}))
	requireFails(t, rs, "StartParticipantReplication/behaviour/replication/replica-and-source", "does not report itself the source")
}

// ListParticipantReplicas listing an active replication as stopped.
func TestCatchesReplicaListedStopped(t *testing.T) {
	sweep(t)
	rs := results(t, editAnswers("ListParticipantReplicas", func(doc map[string]any) {
		items, _ := doc["replicas"].([]any)
		for _, it := range items {
			it.(map[string]any)["replicationState"] = "STOPPED"
		}
	}))
	requireAllFail(t, rs, "does not list the one replication", "ListParticipantReplicas/behaviour/replication/lists-the-replica")
}

// Replication events that do not name the destination.
func TestCatchesReplicationEventsWithoutDestination(t *testing.T) {
	sweep(t)
	rs := results(t, editEvents(func(events []any) []any {
		for _, e := range events {
			if m := e.(map[string]any); strings.HasPrefix(m["name"].(string), "REPLICATION_") {
				delete(m, "destinationStageArn")
			}
		}
		return events
	}))
	requireAllFail(t, rs, "do not each name the destination",
		"ListParticipantEvents/behaviour/replication/started-and-stopped-name-the-destination")
}

// A replica's events that do not say they are a replica's.
func TestCatchesReplicaEventsNotReplica(t *testing.T) {
	sweep(t)
	rs := results(t, editEvents(func(events []any) []any {
		for _, e := range events {
			delete(e.(map[string]any), "replica")
		}
		return events
	}))
	requireAllFail(t, rs, "does not say it is a replica's", "ListParticipantEvents/behaviour/replication/replica-events-are-replica")
}

// A stop that answers 200 and stops nothing.
func TestCatchesStopThatStopsNothing(t *testing.T) {
	sweep(t)
	rs := results(t, stopUndone())
	requireFails(t, rs, "StopParticipantReplication/behaviour/replication/stops-both-sides", "still going")
	requireFails(t, rs, "ListParticipantEvents/behaviour/replication/started-and-stopped-name-the-destination", "do not each name the destination")
	assert.ElementsMatch(t, []string{
		"StopParticipantReplication/behaviour/replication/stops-both-sides",
		"ListParticipantEvents/behaviour/replication/started-and-stopped-name-the-destination",
	}, failed(rs))
}

// stopUndone answers a StopParticipantReplication the fake would take with
// 200 without making the stop: the fake is asked first whether the
// replication exists (ListParticipantReplicas), so that what it refuses is
// refused as before.
func stopUndone() http.Handler {
	fake := ivsfake.New(ivsfake.Options{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != "StopParticipantReplication" {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		list := httptest.NewRequest(http.MethodPost, "/ListParticipantReplicas",
			strings.NewReader(`{"sourceStageArn":"`+asText(body["sourceStageArn"])+`","participantId":"`+asText(body["participantId"])+`"}`))
		list.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, list)
		active := false
		editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			items, _ := doc["replicas"].([]any)
			for _, it := range items {
				m := it.(map[string]any)
				active = active || m["destinationStageArn"] == body["destinationStageArn"] && m["replicationState"] == "ACTIVE"
			}
		})
		if !active {
			fake.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	})
}

func asText(v any) string {
	s, _ := v.(string)
	return s
}

// A participant that does not publish replicated all the same.
func TestCatchesNotPublishingReplicated(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "StartParticipantReplication" || rec.Code != http.StatusConflict {
			return rec.Code, rec.Body.Bytes()
		}
		rec.Header().Del("x-amzn-ErrorType")
		rec.Header()["x-amzn-ErrorType"] = nil
		return http.StatusOK, []byte(`{}`)
	}))
	requireFails(t, rs, "StartParticipantReplication/behaviour/replication/not-publishing-refused", "ConflictException")
}

// A fake that refuses a destination of another account, as ivsrt's did
// before the CLI example start-participant-replication.rst (a stage of
// 234567890123 replicated into from 123456789012) set it right:
// AccessDeniedException for a Start- or StopParticipantReplication whose
// destination's account is not its source's, whatever else it names. The
// generated another-account cases of destinationStageArn
// (x-ivsrt-cross-account) and the behaviour case fail, nothing else.
func TestCatchesAnotherAccountDestinationRefused(t *testing.T) {
	fake := ivsfake.New(ivsfake.Options{})
	rs := results(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if op := opOf(r); op == "StartParticipantReplication" || op == "StopParticipantReplication" {
			body := readJSON(r)
			_, src, ok1 := ivsapi.ParseStageArn(asText(body["sourceStageArn"]))
			_, dst, ok2 := ivsapi.ParseStageArn(asText(body["destinationStageArn"]))
			// The fake is asked first, so a request it refuses as
			// malformed is refused as before; a destination of another
			// account changes nothing in it (the suite makes none).
			rec := httptest.NewRecorder()
			fake.ServeHTTP(rec, r)
			if ok1 && ok2 && src != dst && rec.Code != http.StatusBadRequest {
				wire.WriteError(w, wire.NewError("AccessDeniedException", http.StatusForbidden, "User: arn:aws:iam::%s:root is not authorized to access %s", src, asText(body["destinationStageArn"])))
				return
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		fake.ServeHTTP(w, r)
	}))
	names := []string{
		"StartParticipantReplication/destinationStageArn/another-account/not-found",
		"StopParticipantReplication/destinationStageArn/another-account/not-found",
	}
	for _, name := range names {
		requireFails(t, rs, name, "ResourceNotFoundException", "AccessDeniedException")
	}
	behaviour := "StartParticipantReplication/behaviour/replication/another-account-destination-not-found"
	requireFails(t, rs, behaviour, "StartParticipantReplication to another account's stage that does not exist", "AccessDeniedException")
	assert.ElementsMatch(t, append(names, behaviour), failed(rs))
}
