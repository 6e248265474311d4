package conformance_test

import (
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ivsrt/contract/fakes/ivsfake"
)

// Each operation below answers success where the fake would answer
// ResourceNotFoundException (an identifier of nothing, or of a resource
// deleted): its generated not-found cases fail, with the status they got,
// and so do the behaviour cases that read or delete again what a delete
// removed. TagResource and UntagResource are tried with each kind of ARN
// they take, another account's included (it names nothing the caller
// holds).
func TestCatchesUnknownResourceAnsweredAsFound(t *testing.T) {
	sweep(t)
	stage := func(body map[string]any) any {
		return map[string]any{"stage": map[string]any{"arn": body["arn"], "name": "", "tags": map[string]any{}}}
	}
	key := func(body map[string]any) any {
		return map[string]any{"publicKey": map[string]any{"arn": body["arn"], "name": "", "fingerprint": "00", "tags": map[string]any{}}}
	}
	none := func(map[string]any) any { return map[string]any{} }
	identifier := func(op, member string) []string {
		return []string{op + "/" + member + "/not-found/unknown", op + "/" + member + "/not-found/deleted"}
	}
	tagging := func(op string) []string {
		var names []string
		for _, kind := range []string{"StageArn", "StorageConfigurationArn"} {
			names = append(names, op+"/resourceArn/not-found/unknown-"+kind, op+"/resourceArn/not-found/deleted-"+kind)
		}
		return names
	}
	for _, tc := range []struct {
		op       string
		answer   func(map[string]any) any
		notFound []string // each fails with the status it got
		also     []string // fail too, for reasons of their own
	}{
		{"GetStage", stage, identifier("GetStage", "arn"), []string{"DeleteStage/behaviour/deletes-the-stage"}},
		{"UpdateStage", stage, identifier("UpdateStage", "arn"), nil},
		{"DeleteStage", none, identifier("DeleteStage", "arn"), []string{"DeleteStage/behaviour/deletes-the-stage"}},
		{"GetPublicKey", key, identifier("GetPublicKey", "arn"), nil},
		{"DeletePublicKey", none, identifier("DeletePublicKey", "arn"), nil},
		{"TagResource", none, tagging("TagResource"), []string{
			"TagResource/resourceArn/another-account/not-found-StageArn", "TagResource/resourceArn/another-account/not-found-StorageConfigurationArn"}},
		{"UntagResource", none, tagging("UntagResource"), []string{
			"UntagResource/resourceArn/another-account/not-found-StageArn", "UntagResource/resourceArn/another-account/not-found-StorageConfigurationArn"}},
	} {
		t.Run(tc.op, func(t *testing.T) {
			rs := results(t, notFoundAnswered(tc.op, tc.answer))
			for _, name := range tc.notFound {
				requireFails(t, rs, name, "want ResourceNotFoundException, got 200")
			}
			assert.ElementsMatch(t, append(slices.Clip(tc.notFound), tc.also...), failed(rs))
		})
	}
}

// ListStageSessions lists a stage's sessions oldest first: the one case
// of their order fails, and nothing else.
func TestCatchesSessionsListedOldestFirst(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "ListStageSessions" {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if sessions, ok := doc["stageSessions"].([]any); ok {
				slices.Reverse(sessions)
			}
		})
	}))
	requireFails(t, rs, "ListStageSessions/behaviour/sessions/newest-first")
	assert.Equal(t, []string{"ListStageSessions/behaviour/sessions/newest-first"}, failed(rs))
}
