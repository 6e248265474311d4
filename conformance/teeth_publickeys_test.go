package conformance_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// importAnswered lets the fake answer ImportPublicKey, then, where refused
// says so of the status and body it answered, answers 200 with a key
// instead, as an implementation that skipped that check would.
func importAnswered(refused func(status int, body string) bool) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "ImportPublicKey" || !refused(rec.Code, rec.Body.String()) {
			return rec.Code, rec.Body.Bytes()
		}
		out, _ := json.Marshal(map[string]any{"publicKey": map[string]any{
			"arn": "arn:aws:ivs:us-east-1:123456789012:public-key/abcdABCD1234", "name": "", "fingerprint": "00", "tags": map[string]any{}}})
		return http.StatusOK, out
	})
}

// ImportPublicKey answers without the name a key was imported without.
func TestCatchesImportedKeyWithoutItsName(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "ImportPublicKey" {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			if k, ok := doc["publicKey"].(map[string]any); ok && k["name"] == "" {
				delete(k, "name")
			}
		})
	}))
	requireFails(t, rs, "ImportPublicKey/behaviour/answers-as-imported", "does not answer the key as imported")
	assert.Equal(t, []string{"ImportPublicKey/behaviour/answers-as-imported"}, failed(rs))
}

// The same key material imported twice is taken.
func TestCatchesDuplicateKeyImported(t *testing.T) {
	sweep(t)
	rs := results(t, importAnswered(func(status int, _ string) bool { return status == http.StatusConflict }))
	requireFails(t, rs, "ImportPublicKey/behaviour/same-key-twice-conflict", "want ConflictException, got 200")
	assert.Equal(t, []string{"ImportPublicKey/behaviour/same-key-twice-conflict"}, failed(rs))
}

// A key on another curve than P-384 is taken.
func TestCatchesKeyOfAnotherCurveImported(t *testing.T) {
	sweep(t)
	rs := results(t, importAnswered(func(status int, body string) bool {
		return status == http.StatusBadRequest && strings.Contains(body, "curve")
	}))
	requireFails(t, rs, "ImportPublicKey/behaviour/not-p384-refused", "a P-256 public key: want ValidationException", "got 200")
	assert.Equal(t, []string{"ImportPublicKey/behaviour/not-p384-refused"}, failed(rs))
}

// claimsOf is the claims of a JWT, nil for another token.
func claimsOf(token string) map[string]any {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	data, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var claims map[string]any
	_ = json.Unmarshal(data, &claims)
	return claims
}

// joins lets the fake answer the control API's join, then rewrites what
// it answered to a self-signed token (a JWT) with answer.
func joins(answer func(w http.ResponseWriter, rec *httptest.ResponseRecorder, claims map[string]any)) http.Handler {
	fake := ivsfake.New(ivsfake.Options{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != ivscontrol.Prefix+"join" {
			fake.ServeHTTP(w, r)
			return
		}
		body := readJSON(r)
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		tok, _ := body["token"].(string)
		if claims := claimsOf(tok); claims != nil {
			answer(w, rec, claims)
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// Self-signed tokens never join: the join answers AccessDenied to them.
func TestCatchesSelfSignedTokensRefused(t *testing.T) {
	sweep(t)
	rs := results(t, joins(func(w http.ResponseWriter, _ *httptest.ResponseRecorder, _ map[string]any) {
		w.Header().Set("x-amzn-ErrorType", "AccessDeniedException")
		w.WriteHeader(http.StatusForbidden)
		writeJSON(w, map[string]any{"message": "self-signed tokens are not supported"})
	}))
	requireFails(t, rs, "ImportPublicKey/behaviour/self-signed/token-joins", "seeder: Join with a self-signed token")
	assert.Equal(t, []string{"ImportPublicKey/behaviour/self-signed/token-joins"}, failed(rs))
}

// The signature of a self-signed token is not checked: a join the fake
// refuses is answered as if the participant of its claims joined.
func TestCatchesSelfSignedSignatureUnchecked(t *testing.T) {
	sweep(t)
	rs := results(t, joins(func(w http.ResponseWriter, rec *httptest.ResponseRecorder, claims map[string]any) {
		if rec.Code == http.StatusOK {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		writeJSON(w, map[string]any{"stageArn": claims["resource"], "sessionId": "st-abcdABCD1234", "participantId": claims["jti"]})
	}))
	requireFails(t, rs, "ImportPublicKey/behaviour/self-signed/tampered-token-refused", "changed after it was signed joined")
	requireFails(t, rs, "DeletePublicKey/behaviour/self-signed/token-of-deleted-key-refused", "deleted public key joined")
	assert.ElementsMatch(t, []string{"ImportPublicKey/behaviour/self-signed/tampered-token-refused",
		"DeletePublicKey/behaviour/self-signed/token-of-deleted-key-refused"}, failed(rs))
}
