package ivsfake_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// The spec's pattern of a public key ARN (from AWS's model), anchored.
var publicKeyArnPattern = regexp.MustCompile(`^arn:aws:ivs:[a-z0-9-]+:[0-9]+:public-key/[a-zA-Z0-9-]+$`)

// newP384 makes a key pair of the kind AWS's user guide has made (openssl's
// secp384r1) and its public key as PEM.
func newP384(t *testing.T) (*ecdsa.PrivateKey, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	return key, publicPEM(t, &key.PublicKey)
}

func publicPEM(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// md5Fingerprint is the MD5 of a key's DER SubjectPublicKeyInfo as
// colon-separated hex pairs, the form of the user guide's example.
func md5Fingerprint(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	sum := md5.Sum(der)
	pairs := make([]string, len(sum))
	for i, b := range sum {
		pairs[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(pairs, ":")
}

func importKey(t *testing.T, f *ivsfake.Fake, in *ivsrealtime.ImportPublicKeyInput) *types.PublicKey {
	t.Helper()
	out, err := f.Client.ImportPublicKey(ctxT(t), in)
	require.NoError(t, err)
	require.NotNil(t, out.PublicKey)
	return out.PublicKey
}

// TestPublicKeyLifecycle: a key imported through the SDK is answered by
// GetPublicKey and listed by ListPublicKeys as imported, with its
// fingerprint; deleted, it is gone.
func TestPublicKeyLifecycle(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	key, material := newP384(t)
	k := importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material, Name: aws.String("signer-1"), Tags: map[string]string{"team": "video"}})
	assert.Regexp(t, publicKeyArnPattern, aws.ToString(k.Arn))
	assert.Contains(t, aws.ToString(k.Arn), ":us-east-1:123456789012:public-key/")
	assert.Equal(t, "signer-1", aws.ToString(k.Name))
	assert.Equal(t, material, aws.ToString(k.PublicKeyMaterial), "the material as imported")
	assert.Equal(t, md5Fingerprint(t, &key.PublicKey), aws.ToString(k.Fingerprint))
	assert.Equal(t, map[string]string{"team": "video"}, k.Tags)

	got, err := f.Client.GetPublicKey(ctx, &ivsrealtime.GetPublicKeyInput{Arn: k.Arn})
	require.NoError(t, err)
	assert.Equal(t, k, got.PublicKey)

	// Without a name: "", as the AWS CLI's examples show it.
	_, other := newP384(t)
	unnamed := importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &other})
	assert.Equal(t, "", aws.ToString(unnamed.Name))
	assert.NotNil(t, unnamed.Name)
	assert.Equal(t, map[string]string{}, unnamed.Tags)
	assert.NotEqual(t, k.Arn, unnamed.Arn)

	list, err := f.Client.ListPublicKeys(ctx, &ivsrealtime.ListPublicKeysInput{})
	require.NoError(t, err)
	assert.Equal(t, []types.PublicKeySummary{
		{Arn: k.Arn, Name: k.Name, Tags: k.Tags},
		{Arn: unnamed.Arn, Name: aws.String(""), Tags: map[string]string{}},
	}, list.PublicKeys)
	assert.Nil(t, list.NextToken)

	_, err = f.Client.DeletePublicKey(ctx, &ivsrealtime.DeletePublicKeyInput{Arn: k.Arn})
	require.NoError(t, err)
	_, err = f.Client.GetPublicKey(ctx, &ivsrealtime.GetPublicKeyInput{Arn: k.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Client.DeletePublicKey(ctx, &ivsrealtime.DeletePublicKeyInput{Arn: k.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	list, err = f.Client.ListPublicKeys(ctx, &ivsrealtime.ListPublicKeysInput{})
	require.NoError(t, err)
	require.Len(t, list.PublicKeys, 1)
	assert.Equal(t, unnamed.Arn, list.PublicKeys[0].Arn)

	// Deleted, the same key can be imported again, as a new resource.
	again := importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material})
	assert.NotEqual(t, k.Arn, again.Arn)
	assert.Equal(t, k.Fingerprint, again.Fingerprint)
}

// TestPublicKeyMaterialRefused: material that is not a PEM-encoded ECDSA
// P-384 public key is refused with ValidationException naming
// publicKeyMaterial, whether or not it matches the spec's pattern; a
// key the account holds already is ConflictException.
func TestPublicKeyMaterialRefused(t *testing.T) {
	f := ivsfake.Start(t)
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	require.NoError(t, err)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	for name, material := range map[string]string{
		"not PEM (the pattern)":           "hello",
		"the pattern, but no key":         "-----BEGIN PUBLIC KEY-----\na\n-----END PUBLIC KEY-----",
		"the pattern, base64 of nonsense": "-----BEGIN PUBLIC KEY-----\nAAAAAAAA\n-----END PUBLIC KEY-----",
		"ECDSA P-256":                     publicPEM(t, &p256.PublicKey),
		"ECDSA P-521":                     publicPEM(t, &p521.PublicKey),
		"RSA":                             publicPEM(t, &rsaKey.PublicKey),
		"Ed25519":                         publicPEM(t, edPub),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.Client.ImportPublicKey(ctxT(t), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: aws.String(material)})
			requireValidation(t, err, "publicKeyMaterial")
		})
	}
	list, err := f.Client.ListPublicKeys(ctxT(t), &ivsrealtime.ListPublicKeysInput{})
	require.NoError(t, err)
	assert.Empty(t, list.PublicKeys, "nothing refused was kept")

	// The same key twice, however laid out (CRLF, text around it).
	_, material := newP384(t)
	k := importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material})
	for name, dup := range map[string]string{
		"as before":     material,
		"CRLF":          strings.ReplaceAll(material, "\n", "\r\n"),
		"text around":   "my key: " + material + "end",
		"other name":    material,
		"no final line": strings.TrimSuffix(material, "\n"),
	} {
		_, err := f.Client.ImportPublicKey(ctxT(t), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: aws.String(dup), Name: aws.String("x")})
		ce := requireAPIError[*types.ConflictException](t, err, http.StatusConflict)
		assert.Contains(t, aws.ToString(ce.ExceptionMessage), aws.ToString(k.Arn), name)
	}

	// Other members are held to the spec as everywhere.
	_, other := newP384(t)
	_, err = f.Client.ImportPublicKey(ctxT(t), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &other, Name: aws.String("not valid!")})
	requireValidation(t, err, "name")
	_, err = f.Client.ImportPublicKey(ctxT(t), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &other, Tags: map[string]string{"AWS:owner": "x"}})
	requireValidation(t, err, "tags")
	// The SDK will not send a request without the material; raw HTTP does.
	r := post(t, f, "/ImportPublicKey", `{"name":"n"}`)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, ivsapi.ErrValidationException, r.ErrorType)
	assert.Contains(t, r.message(t), "'publicKeyMaterial'")
}

// TestPublicKeyAnotherAccount: another account's public key is
// AccessDeniedException, as another account's stage; an unknown one of
// the caller's, ResourceNotFoundException.
func TestPublicKeyAnotherAccount(t *testing.T) {
	f := ivsfake.Start(t)
	foreign := aws.String("arn:aws:ivs:us-east-1:999999999999:public-key/AbCdEf123456")
	_, err := f.Client.GetPublicKey(ctxT(t), &ivsrealtime.GetPublicKeyInput{Arn: foreign})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	_, err = f.Client.DeletePublicKey(ctxT(t), &ivsrealtime.DeletePublicKeyInput{Arn: foreign})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	unknown := aws.String("arn:aws:ivs:us-east-1:123456789012:public-key/AbCdEf123456")
	_, err = f.Client.GetPublicKey(ctxT(t), &ivsrealtime.GetPublicKeyInput{Arn: unknown})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)

	// Another region of the same account holds its own keys.
	_, material := newP384(t)
	k := importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material})
	west := ivsfake.NewClient(f.URL, "us-west-2")
	list, err := west.ListPublicKeys(ctxT(t), &ivsrealtime.ListPublicKeysInput{})
	require.NoError(t, err)
	assert.Empty(t, list.PublicKeys)
	_, err = west.ImportPublicKey(ctxT(t), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material})
	require.NoError(t, err, "the same key in another region is another resource")
	_, err = west.GetPublicKey(ctxT(t), &ivsrealtime.GetPublicKeyInput{Arn: k.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
}

// TestPublicKeyTags: TagResource, UntagResource and ListTagsForResource
// work on a public key as on a stage; the key's own answers show the same
// tags; the aws: prefix is refused.
func TestPublicKeyTags(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	_, material := newP384(t)
	k := importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material, Tags: map[string]string{"a": "1"}})
	_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: k.Arn, Tags: map[string]string{"b": "2"}})
	require.NoError(t, err)
	_, err = f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: k.Arn, TagKeys: []string{"a"}})
	require.NoError(t, err)
	tags, err := f.Client.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: k.Arn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"b": "2"}, tags.Tags)
	got, err := f.Client.GetPublicKey(ctx, &ivsrealtime.GetPublicKeyInput{Arn: k.Arn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"b": "2"}, got.PublicKey.Tags)
	list, err := f.Client.ListPublicKeys(ctx, &ivsrealtime.ListPublicKeysInput{})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"b": "2"}, list.PublicKeys[0].Tags)

	_, err = f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: k.Arn, Tags: map[string]string{"aws:x": "1"}})
	requireValidation(t, err, "tags")
	_, err = f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: k.Arn, TagKeys: []string{"Aws:b"}})
	requireValidation(t, err)

	_, err = f.Client.DeletePublicKey(ctx, &ivsrealtime.DeletePublicKeyInput{Arn: k.Arn})
	require.NoError(t, err)
	_, err = f.Client.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: k.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
}

// TestListPublicKeysPages: pages of maxResults in import order, each key
// once, no token on the last page; a key imported while paging shows on a
// later page; a token is bound to ListPublicKeys.
func TestListPublicKeysPages(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	var want []string
	for range 5 {
		_, material := newP384(t)
		want = append(want, aws.ToString(importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material}).Arn))
	}
	var got []string
	var sizes []int
	in := &ivsrealtime.ListPublicKeysInput{MaxResults: aws.Int32(2)}
	for page := 0; ; page++ {
		require.Less(t, page, 10, "paging ends")
		out, err := f.Client.ListPublicKeys(ctx, in)
		require.NoError(t, err)
		sizes = append(sizes, len(out.PublicKeys))
		for _, k := range out.PublicKeys {
			got = append(got, aws.ToString(k.Arn))
		}
		if page == 0 {
			_, material := newP384(t)
			want = append(want, aws.ToString(importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material}).Arn))
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	assert.Equal(t, want, got)
	assert.Equal(t, []int{2, 2, 2}, sizes)

	first, err := f.Client.ListPublicKeys(ctx, &ivsrealtime.ListPublicKeysInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.NotNil(t, first.NextToken)
	_, err = f.Client.ListStages(ctx, &ivsrealtime.ListStagesInput{NextToken: first.NextToken})
	requireValidation(t, err, "nextToken")
	_, err = f.Client.ListPublicKeys(ctx, &ivsrealtime.ListPublicKeysInput{MaxResults: aws.Int32(int32(ivsapi.ListPublicKeysRequestMaxResultsMax + 1))})
	requireValidation(t, err, "maxResults")
}

// TestPublicKeyBound: the fake holds at most a page of public keys per
// account and region (AWS publishes no quota); past it,
// ServiceQuotaExceededException, which ImportPublicKey declares.
func TestPublicKeyBound(t *testing.T) {
	f := ivsfake.Start(t)
	for range ivsapi.ListPublicKeysRequestMaxResultsMax {
		_, material := newP384(t)
		importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material})
	}
	_, material := newP384(t)
	_, err := f.Client.ImportPublicKey(ctxT(t), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material})
	requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)
}

// TestPublicKeysPersist: with a state file, public keys outlive a restart
// as they were (name, material, fingerprint, tags, order), a deleted one
// stays deleted, and a token signed by a key imported before the restart
// joins after it.
func TestPublicKeysPersist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := openStore(t, path)
	clock := &fakeClock{now: selfSignedNow}
	f := ivsfake.Start(t, ivsfake.Options{Store: s, Now: clock.Now})
	ctx := ctxT(t)
	key, material := newP384(t)
	kept := importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material, Name: aws.String("kept"), Tags: map[string]string{"a": "1"}})
	_, other := newP384(t)
	gone := importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &other})
	_, err := f.Client.DeletePublicKey(ctx, &ivsrealtime.DeletePublicKeyInput{Arn: gone.Arn})
	require.NoError(t, err)
	stage := createStage(t, f, nil)

	again := ivsfake.Start(t, ivsfake.Options{Store: s, Now: clock.Now})
	got, err := again.Client.GetPublicKey(ctx, &ivsrealtime.GetPublicKeyInput{Arn: kept.Arn})
	require.NoError(t, err)
	assert.Equal(t, kept, got.PublicKey)
	_, err = again.Client.GetPublicKey(ctx, &ivsrealtime.GetPublicKeyInput{Arn: gone.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = again.Client.ImportPublicKey(ctx, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material})
	requireAPIError[*types.ConflictException](t, err, http.StatusConflict)

	token := signToken(t, key, aws.ToString(kept.Arn), claims(aws.ToString(stage.Stage.Arn), "p1"))
	j, err := again.Control.Join(ctx, joinInput(token))
	require.NoError(t, err)
	assert.Equal(t, "p1", j.ParticipantId)
}
