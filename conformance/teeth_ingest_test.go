package conformance_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ivsrt/contract/fakes/ivsfake"
)

// The teeth of the behaviour cases of ingest configurations
// (conformance/behaviour/cases_ingest.go): a fake broken for each rule,
// caught by the case named for it and no other.

// RTMP taken without insecureIngest: the fake sees every RTMP request
// with insecureIngest true.
func TestCatchesRTMPWithoutInsecureIngest(t *testing.T) {
	rs := results(t, rewriteRequest(ivsfake.New(ivsfake.Options{}), "CreateIngestConfiguration", func(body map[string]any) {
		if v, given := body["insecureIngest"]; body["ingestProtocol"] == "RTMP" && (!given || v == false) {
			body["insecureIngest"] = true
		}
	}))
	requireAllFail(t, rs, "insecureIngest", "CreateIngestConfiguration/behaviour/rtmp-needs-insecureIngest")
}

// A new configuration answered ACTIVE.
func TestCatchesNewIngestConfigurationActive(t *testing.T) {
	sweep(t)
	rs := results(t, editIngestAnswer("CreateIngestConfiguration", func(ic map[string]any) { ic["state"] = "ACTIVE" }))
	requireAllFail(t, rs, "",
		"CreateIngestConfiguration/behaviour/new-is-inactive-and-unassociated",
		"UpdateIngestConfiguration/behaviour/only-the-stage-changes")
}

// An update that changes another member than the stage: a new
// participant id.
func TestCatchesIngestUpdateChangingMore(t *testing.T) {
	sweep(t)
	rs := results(t, editIngestAnswer("UpdateIngestConfiguration", func(ic map[string]any) { ic["participantId"] = "abcdABCDefgh" }))
	requireAllFail(t, rs, "changed more than the stage ARN", "UpdateIngestConfiguration/behaviour/only-the-stage-changes")
}

// A configuration an encoder publishes through answered INACTIVE.
func TestCatchesIngestNotActiveWhilePublishing(t *testing.T) {
	sweep(t)
	rs := results(t, editIngestAnswer("GetIngestConfiguration", func(ic map[string]any) { ic["state"] = "INACTIVE" }))
	requireAllFail(t, rs, "is not ACTIVE", "GetIngestConfiguration/behaviour/publishing/active-while-publishing")
}

// The participant an encoder publishes as without its configuration's ARN.
func TestCatchesIngestParticipantWithoutItsConfiguration(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "GetParticipant" || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if p, ok := doc["participant"].(map[string]any); ok {
				delete(p, "ingestConfigurationArn")
			}
		})
	}))
	requireAllFail(t, rs, "does not report the configuration", "GetParticipant/behaviour/publishing/ingest-participant-reports-its-configuration")
}

// An update of an ACTIVE configuration answered as if it had been made:
// the configuration as it is, with 200.
func TestCatchesActiveIngestUpdated(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	rs := results(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != "UpdateIngestConfiguration" {
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
		_, doc := callInner(fake, "GetIngestConfiguration", map[string]any{"arn": body["arn"]})
		writeJSON(w, doc)
	}))
	requireAllFail(t, rs, "ConflictException", "UpdateIngestConfiguration/behaviour/publishing/active-is-refused")
}

// An ACTIVE configuration deleted without force: every delete is sent
// with force.
func TestCatchesActiveIngestDeletedWithoutForce(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteRequest(ivsfake.New(ivsfake.Options{}), "DeleteIngestConfiguration", func(body map[string]any) {
		if _, given := body["force"]; !given {
			body["force"] = true
		}
	}))
	requireAllFail(t, rs, "without force", "DeleteIngestConfiguration/behaviour/publishing/active-needs-force")
}

// Page tokens of ListIngestConfigurations not bound to their filter: a
// token the fake refuses is tried again with each other filter, and the
// first answer that takes it is given.
func TestCatchesIngestPageTokenOfAnotherFilter(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	rs := results(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != "ListIngestConfigurations" {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		code, _ := callInner(fake, "ListIngestConfigurations", body)
		if _, has := body["nextToken"]; code == http.StatusBadRequest && has {
			for _, filter := range []map[string]any{{}, {"filterByState": "INACTIVE"}, {"filterByState": "ACTIVE"}} {
				again := maps.Clone(body)
				delete(again, "filterByState")
				delete(again, "filterByStageArn")
				maps.Copy(again, filter)
				if c, d := callInner(fake, "ListIngestConfigurations", again); c == http.StatusOK {
					writeJSON(w, d)
					return
				}
			}
		}
		fake.ServeHTTP(w, r)
	}))
	requireAllFail(t, rs, "ValidationException", "ListIngestConfigurations/behaviour/page-token/from-another-filter")
}

// editIngestAnswer applies edit to the ingestConfiguration of op's
// successful answers.
func editIngestAnswer(op string, edit func(ic map[string]any)) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(got string, rec *httptest.ResponseRecorder) (int, []byte) {
		if got != op || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if ic, ok := doc["ingestConfiguration"].(map[string]any); ok {
				edit(ic)
			}
		})
	})
}

// keepsStages is a fake whose ingest configurations keep their stage
// unless an UpdateIngestConfiguration changes it: DisconnectParticipant
// and DeleteStage dissociate none. It answers GetIngestConfiguration with
// the stage last given at create or update.
func keepsStages() http.Handler {
	var mu sync.Mutex
	given := map[string]any{} // ingest configuration ARN -> the stageArn last given
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			ic, _ := doc["ingestConfiguration"].(map[string]any)
			if ic == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			switch op {
			case "CreateIngestConfiguration", "UpdateIngestConfiguration":
				given[fmt.Sprint(ic["arn"])] = ic["stageArn"]
			case "GetIngestConfiguration":
				if st, ok := given[fmt.Sprint(ic["arn"])]; ok {
					ic["stageArn"] = st
				}
			}
		})
	})
}

// DisconnectParticipant and DeleteStage leave an encoder's configuration
// with its stage.
func TestCatchesIngestConfigurationKeepingItsStage(t *testing.T) {
	sweep(t)
	rs := results(t, keepsStages())
	want := []string{"DisconnectParticipant/behaviour/publishing/dissociates-the-ingest-configuration",
		"DeleteStage/behaviour/publishing/dissociates-the-ingest-configuration"}
	for _, name := range want {
		requireFails(t, rs, name, "the ingest configuration keeps the stage")
	}
	assert.ElementsMatch(t, want, failed(rs))
}
