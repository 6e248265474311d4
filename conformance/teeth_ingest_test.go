package conformance_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

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
