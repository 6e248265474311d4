package ivsfake_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// Two keys in two accounts, for the tests that check signatures.
var (
	keyA = ivsfake.Key{AccessKeyID: "AKIDALICE", SecretAccessKey: "alice-secret", Account: "111111111111"}
	keyB = ivsfake.Key{AccessKeyID: "AKIDBOB", SecretAccessKey: "bob-secret", Account: "222222222222"}
)

// startVerifying starts a fake that checks signatures against keyA and keyB.
func startVerifying(t *testing.T, opts ivsfake.Options) *ivsfake.Fake {
	t.Helper()
	opts.Keys = ivsfake.Keys{keyA.AccessKeyID: keyA, keyB.AccessKeyID: keyB}
	return ivsfake.Start(t, opts)
}

// clientAs is an SDK client for the fake signing with key in region.
func clientAs(f *ivsfake.Fake, key ivsfake.Key, region string) *ivsrealtime.Client {
	return ivsrealtime.New(ivsrealtime.Options{
		Region:       region,
		BaseEndpoint: aws.String(f.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(key.AccessKeyID, key.SecretAccessKey, ""),
		Retryer:      aws.NopRetryer{},
	})
}

// controlAs is a control client for the fake signing with key in region.
func controlAs(f *ivsfake.Fake, key ivsfake.Key, region string) *ivscontrol.Control {
	creds := credentials.NewStaticCredentialsProvider(key.AccessKeyID, key.SecretAccessKey, "")
	return ivscontrol.NewControl(f.URL, ivscontrol.SigningClient(nil, creds, region))
}

// signedRequest is a POST of body to path, signed with key for region at
// the given time by aws-sdk-go-v2's signer, as the SDK signs.
func signedRequest(t *testing.T, f *ivsfake.Fake, key ivsfake.Key, region, path, body string, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t), http.MethodPost, f.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
	require.NoError(t, v4.NewSigner().SignHTTP(ctxT(t), creds, req, hex.EncodeToString(sum[:]), "ivs", region, at))
	return req
}

// send sends a request over loopback and returns what came back.
func send(t *testing.T, req *http.Request) rawResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	require.NoError(t, err)
	assert.Less(t, resp.StatusCode, 500, "%s", data)
	return rawResponse{Status: resp.StatusCode, ErrorType: resp.Header.Get("x-amzn-ErrorType"), RequestID: resp.Header.Get("x-amzn-RequestId"), Body: data}
}

const badSignature = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// A client in us-west-2 gets us-west-2 ARNs: the region is the credential
// scope's, not the fake's -region, which only unsigned requests get.
func TestRegionFromCredentialScope(t *testing.T) {
	f := ivsfake.Start(t)
	west := ivsfake.NewClient(f.URL, "us-west-2")
	out, err := west.CreateStage(ctxT(t), &ivsrealtime.CreateStageInput{})
	require.NoError(t, err)
	assert.Regexp(t, `^arn:aws:ivs:us-west-2:123456789012:stage/`, aws.ToString(out.Stage.Arn))
	sc, err := west.CreateStorageConfiguration(ctxT(t), &ivsrealtime.CreateStorageConfigurationInput{S3: &types.S3StorageConfiguration{BucketName: aws.String("bucket-west")}})
	require.NoError(t, err)
	assert.Regexp(t, `^arn:aws:ivs:us-west-2:123456789012:storage-configuration/`, aws.ToString(sc.StorageConfiguration.Arn))

	// Unsigned: the default region.
	r := post(t, f, "/CreateStage", `{}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.Contains(t, string(r.Body), `"arn:aws:ivs:us-east-1:123456789012:stage/`)

	// A scope whose region is no AWS region's form is refused, not made a namespace.
	req, err := http.NewRequestWithContext(ctxT(t), http.MethodPost, f.URL+"/ListStages", strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/Not_A_Region/ivs/aws4_request, SignedHeaders=host, Signature=00")
	r = send(t, req)
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, ivsapi.ErrInvalidSignatureException, r.ErrorType)
}

// Each account and region is its own namespace: a us-west-2 stage is not
// listed in us-east-1; from us-east-1 of the same account it is not found,
// from another account access is denied.
func TestNamespacesIsolated(t *testing.T) {
	f := startVerifying(t, ivsfake.Options{})
	westA, eastA, westB := clientAs(f, keyA, "us-west-2"), clientAs(f, keyA, "us-east-1"), clientAs(f, keyB, "us-west-2")
	out, err := westA.CreateStage(ctxT(t), &ivsrealtime.CreateStageInput{Name: aws.String("west")})
	require.NoError(t, err)
	arn := out.Stage.Arn
	assert.Regexp(t, `^arn:aws:ivs:us-west-2:111111111111:stage/`, aws.ToString(arn))

	got, err := westA.GetStage(ctxT(t), &ivsrealtime.GetStageInput{Arn: arn})
	require.NoError(t, err)
	assert.Equal(t, "west", aws.ToString(got.Stage.Name))

	list, err := eastA.ListStages(ctxT(t), &ivsrealtime.ListStagesInput{})
	require.NoError(t, err)
	assert.Empty(t, list.Stages, "us-east-1 lists no us-west-2 stage")
	list, err = westB.ListStages(ctxT(t), &ivsrealtime.ListStagesInput{})
	require.NoError(t, err)
	assert.Empty(t, list.Stages, "another account lists none of this one's stages")

	_, err = eastA.GetStage(ctxT(t), &ivsrealtime.GetStageInput{Arn: arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = westB.GetStage(ctxT(t), &ivsrealtime.GetStageInput{Arn: arn})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	_, err = westB.CreateParticipantToken(ctxT(t), &ivsrealtime.CreateParticipantTokenInput{StageArn: arn})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)

	// The in-process default namespace (Options' account and region) holds none of it.
	_, n := f.Server.Memory.StageQuota()
	assert.Zero(t, n)
}

// Each namespace has its own stage quota.
func TestQuotaPerNamespace(t *testing.T) {
	f := startVerifying(t, ivsfake.Options{StageQuota: 1})
	for _, c := range []*ivsrealtime.Client{clientAs(f, keyA, "us-west-2"), clientAs(f, keyA, "eu-west-1"), clientAs(f, keyB, "us-west-2")} {
		_, err := c.CreateStage(ctxT(t), &ivsrealtime.CreateStageInput{})
		require.NoError(t, err, "the first stage of a namespace")
		_, err = c.CreateStage(ctxT(t), &ivsrealtime.CreateStageInput{})
		requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)
	}
	// Raising one namespace's quota leaves the others at theirs.
	q, err := controlAs(f, keyA, "us-west-2").SetStageQuota(ctxT(t), 2)
	require.NoError(t, err)
	assert.Equal(t, 1, q.PreviousStageQuota)
	assert.Equal(t, 1, q.Stages)
	_, err = clientAs(f, keyA, "us-west-2").CreateStage(ctxT(t), &ivsrealtime.CreateStageInput{})
	require.NoError(t, err)
	_, err = clientAs(f, keyB, "us-west-2").CreateStage(ctxT(t), &ivsrealtime.CreateStageInput{})
	requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)
}

// Under signature checking each refusal is a 403 of AWS's type, which the
// SDK surfaces as an API error with that code; a valid signature passes,
// and the key's account goes into the ARNs.
func TestVerifySignatures(t *testing.T) {
	f := startVerifying(t, ivsfake.Options{})
	ctx := ctxT(t)

	t.Run("valid", func(t *testing.T) {
		for _, key := range []ivsfake.Key{keyA, keyB} {
			out, err := clientAs(f, key, "eu-central-1").CreateStage(ctx, &ivsrealtime.CreateStageInput{})
			require.NoError(t, err)
			assert.Regexp(t, `^arn:aws:ivs:eu-central-1:`+key.Account+`:stage/`, aws.ToString(out.Stage.Arn), "the key's account")
		}
		r := send(t, signedRequest(t, f, keyA, "us-east-1", "/ListStages", `{}`, time.Now()))
		assert.Equal(t, http.StatusOK, r.Status, "%s", r.Body)

		// The tag operations: an escaped ARN in the path, a query string,
		// GET and DELETE without a body.
		c := clientAs(f, keyB, "us-west-2")
		out, err := c.CreateStage(ctx, &ivsrealtime.CreateStageInput{Tags: map[string]string{"a b": "1"}})
		require.NoError(t, err)
		_, err = c.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: out.Stage.Arn, Tags: map[string]string{"k/=+": "v"}})
		require.NoError(t, err)
		_, err = c.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: out.Stage.Arn, TagKeys: []string{"a b"}})
		require.NoError(t, err)
		tags, err := c.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: out.Stage.Arn})
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"k/=+": "v"}, tags.Tags)
	})
	t.Run("gzip", func(t *testing.T) {
		// The signature covers the body as sent: compressed.
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		_, err := zw.Write([]byte(`{"name":"zipped"}`))
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.URL+"/CreateStage", bytes.NewReader(zb.Bytes()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
		sum := sha256.Sum256(zb.Bytes())
		creds := aws.Credentials{AccessKeyID: keyA.AccessKeyID, SecretAccessKey: keyA.SecretAccessKey}
		require.NoError(t, v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ivs", "us-east-1", time.Now()))
		r := send(t, req)
		assert.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		assert.Contains(t, string(r.Body), `"name":"zipped"`)
	})
	t.Run("missing", func(t *testing.T) {
		r := post(t, f, "/ListStages", `{}`)
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ivsapi.ErrMissingAuthenticationTokenException, r.ErrorType)
		assert.NotEmpty(t, r.message(t))
		anon := ivsrealtime.New(ivsrealtime.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL), Credentials: aws.AnonymousCredentials{}, Retryer: aws.NopRetryer{}})
		_, err := anon.ListStages(ctx, &ivsrealtime.ListStagesInput{})
		requireErrorCode(t, err, ivsapi.ErrMissingAuthenticationTokenException, http.StatusForbidden)
	})
	t.Run("unknown key", func(t *testing.T) {
		_, err := clientAs(f, ivsfake.Key{AccessKeyID: "AKIDNOBODY", SecretAccessKey: "x"}, "us-east-1").ListStages(ctx, &ivsrealtime.ListStagesInput{})
		requireErrorCode(t, err, ivsapi.ErrUnrecognizedClientException, http.StatusForbidden)
		assert.Contains(t, err.Error(), "The security token included in the request is invalid.")
	})
	t.Run("wrong secret", func(t *testing.T) {
		_, err := clientAs(f, ivsfake.Key{AccessKeyID: keyA.AccessKeyID, SecretAccessKey: "not-alice"}, "us-east-1").ListStages(ctx, &ivsrealtime.ListStagesInput{})
		requireErrorCode(t, err, ivsapi.ErrInvalidSignatureException, http.StatusForbidden)
		assert.Contains(t, err.Error(), badSignature)
	})
	t.Run("tampered body", func(t *testing.T) {
		req := signedRequest(t, f, keyA, "us-east-1", "/CreateStage", `{"name":"signed"}`, time.Now())
		req.Body = io.NopCloser(strings.NewReader(`{"name":"forged"}`)) // the same length
		r := send(t, req)
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ivsapi.ErrInvalidSignatureException, r.ErrorType)
		assert.Equal(t, badSignature, r.message(t))
	})
	t.Run("tampered header", func(t *testing.T) {
		req := signedRequest(t, f, keyA, "us-east-1", "/ListStages", `{}`, time.Now())
		req.Header.Set("Content-Type", "text/plain")
		r := send(t, req)
		assert.Equal(t, ivsapi.ErrInvalidSignatureException, r.ErrorType)
	})
	t.Run("another service's scope", func(t *testing.T) {
		req := signedRequest(t, f, keyA, "us-east-1", "/ListStages", `{}`, time.Now())
		req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "/ivs/", "/s3/", 1))
		r := send(t, req)
		assert.Equal(t, ivsapi.ErrInvalidSignatureException, r.ErrorType)
		assert.Contains(t, r.message(t), "Credential should be scoped to correct service: 'ivs'.")
	})
	t.Run("skew", func(t *testing.T) {
		// Signed with a clock six minutes off either way: AWS allows five.
		r := send(t, signedRequest(t, f, keyA, "us-east-1", "/ListStages", `{}`, time.Now().Add(-6*time.Minute)))
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ivsapi.ErrInvalidSignatureException, r.ErrorType)
		assert.Regexp(t, `^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$`, r.message(t))
		r = send(t, signedRequest(t, f, keyA, "us-east-1", "/ListStages", `{}`, time.Now().Add(6*time.Minute)))
		assert.Equal(t, ivsapi.ErrInvalidSignatureException, r.ErrorType)
		assert.Regexp(t, `^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$`, r.message(t))
		// Within the bound, it passes.
		r = send(t, signedRequest(t, f, keyA, "us-east-1", "/ListStages", `{}`, time.Now().Add(-4*time.Minute)))
		assert.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	})
	t.Run("malformed", func(t *testing.T) {
		req := signedRequest(t, f, keyA, "us-east-1", "/ListStages", `{}`, time.Now())
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 nonsense")
		r := send(t, req)
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ivsapi.ErrIncompleteSignatureException, r.ErrorType, "a header that is not a signature is incomplete, as AWS answers it")
		assert.Contains(t, r.message(t), "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters")
	})
	t.Run("no X-Amz-Date", func(t *testing.T) {
		req := signedRequest(t, f, keyA, "us-east-1", "/ListStages", `{}`, time.Now())
		req.Header.Del("X-Amz-Date")
		r := send(t, req)
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ivsapi.ErrIncompleteSignatureException, r.ErrorType)
		assert.Equal(t, "Authorization header requires existence of a 'X-Amz-Date' header (this fake does not take the 'Date' header AWS also takes).", r.message(t))
		// The message does not offer what is then refused (issue 18): a
		// Date header in its stead is refused the same way.
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		r = send(t, req)
		assert.Equal(t, ivsapi.ErrIncompleteSignatureException, r.ErrorType)
		assert.NotContains(t, r.message(t), "either")
	})
}

// Under signature checking the control API is signed too, and acts in the
// signer's account and region.
func TestControlSignedUnderVerify(t *testing.T) {
	f := startVerifying(t, ivsfake.Options{})
	ctx := ctxT(t)

	_, err := f.Control.Info(ctx) // unsigned
	requireWireError(t, err, ivsapi.ErrMissingAuthenticationTokenException, http.StatusForbidden)
	requireWireError(t, f.Control.Reset(ctx), ivsapi.ErrMissingAuthenticationTokenException, http.StatusForbidden)
	_, err = controlAs(f, ivsfake.Key{AccessKeyID: "AKIDNOBODY", SecretAccessKey: "x"}, "us-west-2").Info(ctx)
	requireWireError(t, err, ivsapi.ErrUnrecognizedClientException, http.StatusForbidden)
	_, err = controlAs(f, ivsfake.Key{AccessKeyID: keyA.AccessKeyID, SecretAccessKey: "x"}, "us-west-2").Info(ctx)
	requireWireError(t, err, ivsapi.ErrInvalidSignatureException, http.StatusForbidden)

	ctlA, ctlB := controlAs(f, keyA, "us-west-2"), controlAs(f, keyB, "us-west-2")
	info, err := ctlA.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, ivscontrol.Info{Service: "ivsrt", APIVersion: ivsapi.APIVersion, Region: "us-west-2", Account: keyA.Account}, *info)
	assert.True(t, ivscontrol.IsFake(ctx, f.URL, ivscontrol.SigningClient(nil, credentials.NewStaticCredentialsProvider(keyB.AccessKeyID, keyB.SecretAccessKey, ""), "us-east-1")))
	assert.False(t, ivscontrol.IsFake(ctx, f.URL, nil), "unsigned, the probe is refused")

	westA := clientAs(f, keyA, "us-west-2")
	out, err := westA.CreateStage(ctx, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("u")})
	require.NoError(t, err)
	tok := aws.ToString(out.ParticipantTokens[0].Token)
	_, err = ctlB.Join(ctx, ivscontrol.JoinInput{Token: tok})
	requireWireError(t, err, ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	j, err := ctlA.Join(ctx, ivscontrol.JoinInput{Token: tok})
	require.NoError(t, err)
	requireWireError(t, ctlB.Publish(ctx, j.Ref()), ivsapi.ErrAccessDeniedException, http.StatusForbidden)
	require.NoError(t, ctlA.Publish(ctx, j.Ref()))

	// Faults are the namespace's: B's fault does not reach A.
	require.NoError(t, ctlB.InjectFault(ctx, ivscontrol.Fault{Operation: "GetStage", Error: "ThrottlingException"}))
	_, err = westA.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: out.Stage.Arn})
	require.NoError(t, err)
	_, err = clientAs(f, keyB, "us-west-2").GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String("arn:aws:ivs:us-west-2:222222222222:stage/abcdefghijkl")})
	requireErrorCode(t, err, "ThrottlingException", http.StatusTooManyRequests)

	// B's reset is B's: A's stage stays.
	require.NoError(t, ctlB.Reset(ctx))
	_, err = westA.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: out.Stage.Arn})
	require.NoError(t, err)
	require.NoError(t, ctlA.Reset(ctx))
	_, err = westA.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: out.Stage.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
}

// With signatures unchecked, a signed control call acts in the region of
// its signature (an unsigned one where its resource lives:
// TestControlActsWhereItsResourceLives); /reset resets every namespace.
func TestControlRegionUnderAuthOff(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	anyKey := ivsfake.Key{AccessKeyID: "AKIDANY", SecretAccessKey: "any"}
	west := ivsfake.NewClient(f.URL, "us-west-2")
	out, err := west.CreateStage(ctx, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("u")})
	require.NoError(t, err)
	tok := aws.ToString(out.ParticipantTokens[0].Token)

	_, err = controlAs(f, anyKey, "us-east-1").Join(ctx, ivscontrol.JoinInput{Token: tok})
	requireWireError(t, err, ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	ctlWest := controlAs(f, anyKey, "us-west-2")
	info, err := ctlWest.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, "us-west-2", info.Region)
	assert.Equal(t, "123456789012", info.Account)
	_, err = ctlWest.Join(ctx, ivscontrol.JoinInput{Token: tok})
	require.NoError(t, err)

	createStage(t, f, nil) // in the default namespace
	require.NoError(t, f.Control.Reset(ctx))
	_, n := f.Server.Memory.StageQuota()
	assert.Zero(t, n)
	_, err = west.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: out.Stage.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
}

// The control endpoints hold a stage ARN to the AWS operations' rules
// before any lookup (a malformed one is a ValidationException naming the
// member), and answer another account's stage as those operations do (to
// a signed call: an unsigned one acts in the ARN's account).
func TestControlValidatesBeforeLookup(t *testing.T) {
	f := ivsfake.Start(t)
	anyKey := ivsfake.Key{AccessKeyID: "AKIDANY", SecretAccessKey: "any"}
	foreign := "arn:aws:ivs:us-east-1:999999999999:stage/abcdefghijkl"
	for _, path := range []string{"/publish", "/leave", "/recording", "/end-session"} {
		body := map[string]string{
			"/publish": `{"stageArn":%q,"participantId":"p"}`, "/leave": `{"stageArn":%q,"participantId":"p"}`,
			"/recording": `{"stageArn":%q,"participantId":"p","state":"ACTIVE"}`, "/end-session": `{"stageArn":%q}`,
		}[path]
		r := post(t, f, "/_ivsrt"+path, strings.Replace(body, "%q", `"not-an-arn"`, 1))
		assert.Equal(t, http.StatusBadRequest, r.Status, path)
		assert.Equal(t, ivsapi.ErrValidationException, r.ErrorType, path)
		assert.Contains(t, r.message(t), "'stageArn' failed to satisfy constraint: Member must satisfy regular expression pattern", path)

		r = send(t, signedRequest(t, f, anyKey, "us-east-1", "/_ivsrt"+path, strings.Replace(body, "%q", `"`+foreign+`"`, 1), time.Now()))
		assert.Equal(t, http.StatusForbidden, r.Status, path)
		assert.Equal(t, ivsapi.ErrAccessDeniedException, r.ErrorType, path)
	}
	r := post(t, f, "/_ivsrt/end-session", `{}`)
	assert.Equal(t, ivsapi.ErrValidationException, r.ErrorType)
	assert.Contains(t, r.message(t), "'stageArn'")
}

// The control client signs with the service name the SDK uses.
func TestSigningNameMatchesTheSpec(t *testing.T) {
	assert.Equal(t, ivsapi.SigningName, ivscontrol.SigningName)
}

func TestParseKeys(t *testing.T) {
	keys, err := ivsfake.ParseKeys(strings.NewReader("# comment\n\nAKIDA secretA 111111111111\n  AKIDB  secretB  222222222222  \n"), "keys.txt")
	require.NoError(t, err)
	assert.Equal(t, ivsfake.Keys{
		"AKIDA": {AccessKeyID: "AKIDA", SecretAccessKey: "secretA", Account: "111111111111"},
		"AKIDB": {AccessKeyID: "AKIDB", SecretAccessKey: "secretB", Account: "222222222222"},
	}, keys)
	for in, want := range map[string]string{
		"AKIDA secretA\n":                                     "keys.txt:1: want ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID, got 2 fields",
		"# c\nAKIDA secretA 12345\n":                          `keys.txt:2: account id "12345": an AWS account id is 12 digits`,
		"AKIDA s 111111111111\nAKIDA t 222222222222\n":        "keys.txt:2: access key id AKIDA is given twice",
		"AKID/A s 111111111111\n":                             `keys.txt:1: access key id "AKID/A"`,
		"AKIDA s 111111111111 extra\n":                        "keys.txt:1: want ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID, got 4 fields",
		"\n\n\nAKIDA s 11111111111a\n":                        "keys.txt:4: account id",
		"AKIDA s 111111111111\n#\nAKIDB t 2222222222222222\n": "keys.txt:3:",
	} {
		_, err := ivsfake.ParseKeys(bytes.NewReader([]byte(in)), "keys.txt")
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
}
