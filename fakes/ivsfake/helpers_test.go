package ivsfake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// Patterns of the spec (from AWS's model), anchored.
var (
	stageArnPattern      = regexp.MustCompile(`^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$`)
	sessionIDPattern     = regexp.MustCompile(`^st-[a-zA-Z0-9]{13}$`)
	participantIDPattern = regexp.MustCompile(`^[a-zA-Z0-9]{12}$`)
	bucketPattern        = regexp.MustCompile(`^[a-z0-9-.]*$`)
	// The documented layout, which the overlay lets through the spec:
	// stage resource id / session id / participant id / epoch seconds.
	prefixPattern    = regexp.MustCompile(`^[a-zA-Z0-9-]+/st-[a-zA-Z0-9]{13}/[a-zA-Z0-9]{12}/[0-9]{10}$`)
	requestIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

const storageArn = "arn:aws:ivs:us-east-1:123456789012:storage-configuration/AbCd1234"

// requireAPIError asserts that err is (or wraps) an *E and that the HTTP
// response that carried it had the given status; it returns the typed error.
func requireAPIError[E error](t *testing.T, err error, status int) E {
	t.Helper()
	require.Error(t, err)
	var typed E
	require.Truef(t, errors.As(err, &typed), "want %T, got %T: %v", typed, err, err)
	assert.Equal(t, status, httpStatus(t, err), "HTTP status of %v", err)
	return typed
}

// httpStatus is the HTTP status of the response behind an SDK error.
func httpStatus(t *testing.T, err error) int {
	t.Helper()
	var re *awshttp.ResponseError
	require.Truef(t, errors.As(err, &re), "no HTTP response behind %T: %v", err, err)
	return re.HTTPStatusCode()
}

// requireValidation asserts a ValidationException (400) whose message names
// every one of paths.
func requireValidation(t *testing.T, err error, paths ...string) *types.ValidationException {
	t.Helper()
	ve := requireAPIError[*types.ValidationException](t, err, http.StatusBadRequest)
	msg := validationMessage(ve)
	assert.Contains(t, msg, "validation error")
	for _, p := range paths {
		assert.Containsf(t, msg, "'"+p+"'", "message should name the member path %q", p)
	}
	return ve
}

// validationMessage is the message of a ValidationException, wherever the
// SDK put it.
func validationMessage(ve *types.ValidationException) string {
	if ve.ExceptionMessage != nil && *ve.ExceptionMessage != "" {
		return *ve.ExceptionMessage
	}
	return ve.ErrorMessage()
}

// requireErrorCode asserts an SDK API error with the given code and status,
// for errors the SDK has no type for (ThrottlingException, ...).
func requireErrorCode(t *testing.T, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	var ae smithy.APIError
	require.Truef(t, errors.As(err, &ae), "not an API error: %T %v", err, err)
	assert.Equal(t, code, ae.ErrorCode())
	assert.Equal(t, status, httpStatus(t, err))
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// createStage creates a stage through the SDK (in nil means no members).
func createStage(t *testing.T, f *ivsfake.Fake, in *ivsrealtime.CreateStageInput) *ivsrealtime.CreateStageOutput {
	t.Helper()
	if in == nil {
		in = &ivsrealtime.CreateStageInput{}
	}
	out, err := f.Client.CreateStage(ctxT(t), in)
	require.NoError(t, err)
	require.NotNil(t, out.Stage)
	return out
}

// tokenConfigs returns n token configurations with the given userIds.
func tokenConfigs(userIDs ...string) []types.ParticipantTokenConfiguration {
	cfgs := make([]types.ParticipantTokenConfiguration, len(userIDs))
	for i, u := range userIDs {
		cfgs[i] = types.ParticipantTokenConfiguration{UserId: aws.String(u)}
	}
	return cfgs
}

func join(t *testing.T, f *ivsfake.Fake, tok types.ParticipantToken) *ivscontrol.JoinOutput {
	t.Helper()
	out, err := f.Control.Join(ctxT(t), ivscontrol.JoinInput{Token: aws.ToString(tok.Token)})
	require.NoError(t, err)
	return out
}

func getParticipant(t *testing.T, f *ivsfake.Fake, j *ivscontrol.JoinOutput) *types.Participant {
	t.Helper()
	out, err := f.Client.GetParticipant(ctxT(t), &ivsrealtime.GetParticipantInput{
		StageArn: aws.String(j.StageArn), SessionId: aws.String(j.SessionId), ParticipantId: aws.String(j.ParticipantId),
	})
	require.NoError(t, err)
	require.NotNil(t, out.Participant)
	return out.Participant
}

func getStage(t *testing.T, f *ivsfake.Fake, arn string) *types.Stage {
	t.Helper()
	out, err := f.Client.GetStage(ctxT(t), &ivsrealtime.GetStageInput{Arn: aws.String(arn)})
	require.NoError(t, err)
	require.NotNil(t, out.Stage)
	return out.Stage
}

// rawResponse is what a raw HTTP call got back.
type rawResponse struct {
	Status    int
	ErrorType string
	RequestID string
	Body      []byte
}

// message is the exceptionMessage of an error body.
func (r rawResponse) message(t *testing.T) string {
	t.Helper()
	var e struct {
		ExceptionMessage string `json:"exceptionMessage"`
	}
	require.NoErrorf(t, json.Unmarshal(r.Body, &e), "error body %q", r.Body)
	return e.ExceptionMessage
}

// raw sends method path with body to the fake over plain net/http.
func raw(t *testing.T, f *ivsfake.Fake, method, path string, body []byte) rawResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t), method, f.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	require.NoError(t, err)
	// Whatever was sent, the fake never answers 5xx and always gives a request id.
	assert.Less(t, resp.StatusCode, 500, "%s %s answered %d: %s", method, path, resp.StatusCode, data)
	assert.Regexp(t, requestIDPattern, resp.Header.Get("x-amzn-RequestId"), "%s %s", method, path)
	return rawResponse{
		Status:    resp.StatusCode,
		ErrorType: resp.Header.Get("x-amzn-ErrorType"),
		RequestID: resp.Header.Get("x-amzn-RequestId"),
		Body:      data,
	}
}

func post(t *testing.T, f *ivsfake.Fake, path, body string) rawResponse {
	t.Helper()
	return raw(t, f, http.MethodPost, path, []byte(body))
}

// requireWireError asserts a control API error of the given type and status.
func requireWireError(t *testing.T, err error, typ string, status int) {
	t.Helper()
	require.Error(t, err)
	var we *wire.Error
	require.Truef(t, errors.As(err, &we), "want *wire.Error, got %T: %v", err, err)
	assert.Equal(t, typ, we.Type, "error type of %v", err)
	assert.Equal(t, status, we.Status, "status of %v", err)
	assert.NotEmpty(t, we.Message)
}

// seedOptions are the options of a fake that tests seed with many
// publishers in one session (pagination, scale): more than AWS's 12
// publishers per stage, the default publisher quota.
var seedOptions = ivsfake.Options{PublisherQuota: ivsfake.MaxQuota}
