package ivsfake_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// tagsOf lists a resource's tags through the SDK.
func tagsOf(t *testing.T, f *ivsfake.Fake, arn string) map[string]string {
	t.Helper()
	out, err := f.Client.ListTagsForResource(ctxT(t), &ivsrealtime.ListTagsForResourceInput{ResourceArn: &arn})
	require.NoError(t, err)
	return out.Tags
}

// A ';' in a query string separates nothing: it is part of the pair it is
// in, as AWS reads it. Go's url.Query would drop such a pair unsaid (issue
// 18: the pair was not covered by the signature check, and dropped).
func TestQuerySemicolonIsPartOfItsPair(t *testing.T) {
	f := ivsfake.Start(t)
	arn := *createStage(t, f, &ivsrealtime.CreateStageInput{Tags: map[string]string{"a": "1", "a;b": "2", "x;tagKeys=a": "3"}}).Stage.Arn
	path := "/tags/" + url.PathEscape(arn)

	r := raw(t, f, http.MethodDelete, path+"?tagKeys=a;b", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.Equal(t, map[string]string{"a": "1", "x;tagKeys=a": "3"}, tagsOf(t, f, arn), "the key is a;b, not a with b dropped")
	r = raw(t, f, http.MethodDelete, path+"?tagKeys=x;tagKeys=a", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.Equal(t, map[string]string{"a": "1"}, tagsOf(t, f, arn), "one pair: the key x;tagKeys=a")
}

// Under signature checking, a ';' pair is covered by the signature as AWS
// covers it: a request the SDK's signer signed without it (Go's signer
// drops such a pair) answers InvalidSignatureException, as AWS answers
// it; one signed with the pair as AWS reads it (botocore's signer) is
// taken.
func TestQuerySemicolonIsSigned(t *testing.T) {
	f := startVerifying(t, ivsfake.Options{})
	ctx := ctxT(t)
	west := clientAs(f, keyA, "us-east-1")
	out, err := west.CreateStage(ctx, &ivsrealtime.CreateStageInput{Tags: map[string]string{"a": "1", "a;b": "2"}})
	require.NoError(t, err)
	path := "/tags/" + url.PathEscape(*out.Stage.Arn)
	signed := func(signedQuery, sentQuery string) rawResponse {
		req, err := http.NewRequestWithContext(ctx, http.MethodDelete, f.URL+path+"?"+signedQuery, nil)
		require.NoError(t, err)
		sum := sha256.Sum256(nil)
		creds := aws.Credentials{AccessKeyID: keyA.AccessKeyID, SecretAccessKey: keyA.SecretAccessKey}
		require.NoError(t, v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ivs", "us-east-1", time.Now()))
		req.URL.RawQuery = sentQuery
		return send(t, req)
	}
	r := signed("tagKeys=a;b", "tagKeys=a;b")
	assert.Equal(t, http.StatusForbidden, r.Status, "%s", r.Body)
	assert.Equal(t, ivsapi.ErrInvalidSignatureException, r.ErrorType)
	r = signed("tagKeys=a%3Bb", "tagKeys=a;b")
	assert.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	tags, err := west.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: out.Stage.Arn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "1"}, tags.Tags)
}

// Text that is not valid UTF-8 in a path label or a query string is
// refused as in a body: SerializationException (400) naming the member.
func TestURLTextMustBeUTF8(t *testing.T) {
	f := ivsfake.Start(t)
	arn := *createStage(t, f, nil).Stage.Arn
	for _, c := range []struct {
		method, path, message string
	}{
		{http.MethodGet, "/tags/%FF", "Value at 'resourceArn' is not valid UTF-8: byte 0xFF at byte 1"},
		{http.MethodGet, "/tags/arn%C3", "Value at 'resourceArn' is not valid UTF-8: byte 0xC3 at byte 4"},
		{http.MethodDelete, "/tags/" + url.PathEscape(arn) + "?tagKeys=ok&tagKeys=k%FF", "Value at 'tagKeys' is not valid UTF-8: byte 0xFF at byte 2"},
		{http.MethodDelete, "/tags/" + url.PathEscape(arn) + "?tagKeys=a&other%FE=1", "Query parameter name 'other%FE' is not valid UTF-8: byte 0xFE at byte 6"},
		{http.MethodDelete, "/tags/" + url.PathEscape(arn) + "?tagKeys=%zz", `The query string is not valid: invalid URL escape "%zz"`},
	} {
		r := raw(t, f, c.method, c.path, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status, c.path)
		assert.Equal(t, ivsapi.ErrSerializationException, r.ErrorType, c.path)
		assert.Equal(t, c.message, r.message(t), c.path)
	}
}

// A null value of a map or item of a list is refused as AWS's services
// refuse it (Smithy's restJson1 protocol tests: a dense map or list with a
// null is a 400 SerializationException), not stored as "" (issue 18:
// {"tags":{"k":null}} was stored as a tag k of value ""); a null member
// is still an absent one.
func TestNullItemsAreRefused(t *testing.T) {
	f := ivsfake.Start(t)
	for body, message := range map[string]string{
		`{"tags":{"k":null}}`:                                                    "Value of type null at 'tags' cannot be read: a map's values may not be null",
		`{"participantTokenConfigurations":[null]}`:                              "Value of type null at 'participantTokenConfigurations' cannot be read: a list's items may not be null",
		`{"participantTokenConfigurations":[{"attributes":{"a":null}}]}`:         "Value of type null at 'participantTokenConfigurations.attributes' cannot be read: a map's values may not be null",
		`{"participantTokenConfigurations":[{"capabilities":["PUBLISH",null]}]}`: "Value of type null at 'participantTokenConfigurations.capabilities' cannot be read: a list's items may not be null",
	} {
		r := post(t, f, "/CreateStage", body)
		assert.Equal(t, http.StatusBadRequest, r.Status, body)
		assert.Equal(t, ivsapi.ErrSerializationException, r.ErrorType, body)
		assert.Equal(t, message, r.message(t), body)
	}
	r := post(t, f, "/CreateStage", `{"tags":null,"name":null}`)
	assert.Equal(t, http.StatusOK, r.Status, "a null member is an absent one: %s", r.Body)
	all, _ := listStages(t, f, 0)
	assert.Len(t, all, 1, "nothing refused was stored")

	// The control API's bodies too.
	r = post(t, f, "/_ivsrt/exchange-token", `{"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/abcdefghijkl","participantId":"p","attributes":{"k":null}}`)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, ivsapi.ErrSerializationException, r.ErrorType)
}
