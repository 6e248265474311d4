package ivsfake_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// madeUpRegion is the i-th of a series of regions in AWS's form that AWS
// does not have: zz-a-1, zz-b-1, ..., zz-ba-1, ...
func madeUpRegion(i int) string {
	var name []byte
	for ; ; i /= 26 {
		name = append([]byte{byte('a' + i%26)}, name...)
		if i < 26 {
			break
		}
	}
	return "zz-" + string(name) + "-1"
}

// serveSigned sends a POST of body to path, signed with key for region
// as the SDK signs (or unsigned with a scope naming region when key has
// no secret, as a client under -auth off may send), to srv in-process.
func serveSigned(t *testing.T, srv http.Handler, key ivsfake.Key, region, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key.SecretAccessKey == "" {
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/"+region+"/ivs/aws4_request, SignedHeaders=host, Signature=00")
	} else {
		sum := sha256.Sum256([]byte(body))
		creds := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
		require.NoError(t, v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), "ivs", region, time.Now()))
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// held counts the namespaces a fake holds, by account.
func held(srv *ivsfake.Server) map[string]int {
	out := map[string]int{}
	for _, ns := range srv.Namespaces() {
		out[ns.Account]++
	}
	return out
}

// A namespace exists only once something is stored in it: reads of any
// operation, requests refused (by validation, a missing resource, an
// unknown path) and control-API misses in 500 made-up regions leave the
// fake holding its default namespace alone. A stage stored makes one; a
// reset drops it again.
func TestNamespacesExistOnlyWhileTheyStoreSomething(t *testing.T) {
	srv := ivsfake.New(ivsfake.Options{})
	anyKey := ivsfake.Key{AccessKeyID: "AKID"}
	const regions = 500
	for i := range regions {
		region := madeUpRegion(i)
		for _, c := range []struct {
			path, body string
			status     int
		}{
			{"/ListStages", `{}`, http.StatusOK},
			{"/ListStorageConfigurations", `{}`, http.StatusOK},
			{"/GetStage", `{"arn":"arn:aws:ivs:` + region + `:123456789012:stage/abcdefghijkl"}`, http.StatusNotFound},
			{"/CreateStage", `{"name":"not a valid name!"}`, http.StatusBadRequest},
			{"/CreateParticipantToken", `{"stageArn":"arn:aws:ivs:` + region + `:123456789012:stage/abcdefghijkl"}`, http.StatusNotFound},
			{"/NoSuchOperation", `{}`, http.StatusNotFound},
			{"/_ivsrt/no-such-action", `{}`, http.StatusNotFound},
			{"/_ivsrt/leave", `{"stageArn":"arn:aws:ivs:` + region + `:123456789012:stage/abcdefghijkl","participantId":"p"}`, http.StatusNotFound},
			{"/_ivsrt/join", `{"token":"nope"}`, http.StatusNotFound},
		} {
			rec := serveSigned(t, srv, anyKey, region, c.path, c.body)
			require.Equal(t, c.status, rec.Code, "%s in %s: %s", c.path, region, rec.Body)
		}
	}
	assert.Equal(t, map[string]int{"123456789012": 1}, held(srv), "after %d regions of reads and refusals, only the default namespace", regions)

	rec := serveSigned(t, srv, anyKey, "zz-kept-1", "/CreateStage", `{}`)
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	arn := strings.Split(strings.Split(rec.Body.String(), `"arn":"`)[1], `"`)[0]
	assert.Equal(t, map[string]int{"123456789012": 2}, held(srv), "a stage makes its namespace")
	rec = serveSigned(t, srv, anyKey, "zz-kept-1", "/DeleteStage", `{"arn":"`+arn+`"}`)
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	assert.Equal(t, 2, held(srv)["123456789012"], "a deleted stage's sessions stay readable: the namespace stays")
	require.NoError(t, srv.Reset())
	assert.Equal(t, map[string]int{"123456789012": 1}, held(srv), "a reset drops it")

	// A pending fault is stored: it keeps its namespace until it is used.
	rec = serveSigned(t, srv, anyKey, "zz-fault-1", "/_ivsrt/faults", `{"operation":"ListStages","error":"ThrottlingException"}`)
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	assert.Equal(t, 2, held(srv)["123456789012"])
	rec = serveSigned(t, srv, anyKey, "zz-fault-1", "/ListStages", `{}`)
	require.Equal(t, http.StatusTooManyRequests, rec.Code, "%s", rec.Body)
	assert.Equal(t, 1, held(srv)["123456789012"], "the fault used, nothing is left")
}

// The attack of issue 18: under signature checking, account A signing
// read-only calls for 999 made-up regions filled the fake's one table of
// 1,000 namespaces, and account B then got ThrottlingException in a
// region it never used, and on the reset its message named; A's own reset
// freed nothing. Now reads make no namespace; each account has its own
// bound on the namespaces it stores in (Limits.NamespacesPerAccount);
// when A fills it, B is served all the same, and A's reset of a region
// frees that one.
func TestOneAccountCannotLockOthersOut(t *testing.T) {
	srv := ivsfake.New(ivsfake.Options{Keys: ivsfake.Keys{keyA.AccessKeyID: keyA, keyB.AccessKeyID: keyB}})
	const reads = 999
	for i := range reads {
		rec := serveSigned(t, srv, keyA, madeUpRegion(i), "/ListStages", `{}`)
		require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	}
	assert.Zero(t, held(srv)[keyA.Account], "A's %d reads hold no namespace", reads)
	rec := serveSigned(t, srv, keyB, "eu-west-1", "/CreateStage", `{}`)
	require.Equal(t, http.StatusOK, rec.Code, "B after A's reads: %s", rec.Body)

	// A stores something in as many regions as its bound allows.
	bound := ivsfake.DefaultNamespacesPerAccount
	for i := range bound {
		rec := serveSigned(t, srv, keyA, madeUpRegion(i), "/CreateStage", `{}`)
		require.Equal(t, http.StatusOK, rec.Code, "A's stage in region %d: %s", i, rec.Body)
	}
	assert.Equal(t, bound, held(srv)[keyA.Account])
	for _, path := range []string{"/CreateStage", "/ListStages", "/_ivsrt/faults"} {
		rec = serveSigned(t, srv, keyA, "zz-one-more-1", path, `{"operation":"*","error":"ThrottlingException"}`)
		assert.Equal(t, http.StatusTooManyRequests, rec.Code, "A past its bound, %s: %s", path, rec.Body)
		assert.Equal(t, ivsapi.ErrThrottlingException, wire.HeaderValue(rec.Header(), wire.HeaderErrorType))
		assert.Contains(t, rec.Body.String(), fmt.Sprintf("Account %s holds state in %d regions", keyA.Account, bound))
	}
	rec = serveSigned(t, srv, keyA, madeUpRegion(7), "/ListStages", `{}`)
	assert.Equal(t, http.StatusOK, rec.Code, "a region A holds is still served")

	// B is never refused because of A: in a region of its own, in a
	// region A holds, in a new one, and its reset.
	for _, region := range []string{"eu-west-1", madeUpRegion(3), "ap-south-1"} {
		rec = serveSigned(t, srv, keyB, region, "/CreateStage", `{}`)
		require.Equal(t, http.StatusOK, rec.Code, "B in %s: %s", region, rec.Body)
	}
	rec = serveSigned(t, srv, keyB, "sa-east-1", "/_ivsrt/reset", `{}`)
	require.Equal(t, http.StatusOK, rec.Code, "B's reset: %s", rec.Body)
	assert.Equal(t, 3, held(srv)[keyB.Account])

	// A's reset of one of its regions frees that one: A may store in a
	// new region again, once.
	rec = serveSigned(t, srv, keyA, madeUpRegion(0), "/_ivsrt/reset", `{}`)
	require.Equal(t, http.StatusOK, rec.Code, "A's reset: %s", rec.Body)
	assert.Equal(t, bound-1, held(srv)[keyA.Account])
	assert.False(t, slices.Contains(srv.Namespaces(), ivsfake.Namespace{Account: keyA.Account, Region: madeUpRegion(0)}))
	rec = serveSigned(t, srv, keyA, "zz-one-more-1", "/CreateStage", `{}`)
	require.Equal(t, http.StatusOK, rec.Code, "A after its reset: %s", rec.Body)
	rec = serveSigned(t, srv, keyA, "zz-two-more-1", "/CreateStage", `{}`)
	assert.Equal(t, http.StatusTooManyRequests, rec.Code, "and full again: %s", rec.Body)
	t.Logf("namespaces held: A %d (its bound %d), B %d, default account %d", held(srv)[keyA.Account], bound, held(srv)[keyB.Account], held(srv)["123456789012"])
}

// Limits.NamespacesPerAccount lowers the bound, for a test that wants to
// meet it; under -auth off every request is the one account's.
func TestNamespacesPerAccountUnderAuthOff(t *testing.T) {
	srv := ivsfake.New(ivsfake.Options{Limits: ivsfake.Limits{NamespacesPerAccount: 3}})
	anyKey := ivsfake.Key{AccessKeyID: "AKID"}
	for i := range 2 { // the default namespace is the first
		rec := serveSigned(t, srv, anyKey, madeUpRegion(i), "/CreateStage", `{}`)
		require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	}
	rec := serveSigned(t, srv, anyKey, "zz-full-1", "/CreateStage", `{}`)
	assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.Contains(t, rec.Body.String(), "reset the fake (POST /_ivsrt/reset)")
	rec = serveSigned(t, srv, anyKey, madeUpRegion(0), "/ListStages", `{}`)
	assert.Equal(t, http.StatusOK, rec.Code, "a namespace held is still served")
	require.NoError(t, srv.Reset())
	rec = serveSigned(t, srv, anyKey, "zz-full-1", "/CreateStage", `{}`)
	assert.Equal(t, http.StatusOK, rec.Code, "after a reset: %s", rec.Body)
}
