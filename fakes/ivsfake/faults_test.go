package ivsfake_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// TestFaultCount: a fault answers the next Count calls, then stops.
func TestFaultCount(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	require.NoError(t, f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "CreateStage", Error: "ServiceQuotaExceededException", Count: 2, Message: "no more stages"}))

	for i := range 2 {
		_, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
		e := requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)
		assert.Equal(t, "no more stages", aws.ToString(e.ExceptionMessage), "call %d", i)
	}
	out := createStage(t, f, nil)

	// The faults created nothing and touched nothing else.
	assert.Equal(t, *out.Stage.Arn, *getStage(t, f, *out.Stage.Arn).Arn)
}

// TestFaultEachError injects each kind of error on an operation and checks
// what the SDK makes of it.
func TestFaultEachError(t *testing.T) {
	f := ivsfake.Start(t)
	stage := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("u")})
	j := join(t, f, stage.ParticipantTokens[0])
	arn := stage.Stage.Arn

	getStage := func() error {
		_, err := f.Client.GetStage(ctxT(t), &ivsrealtime.GetStageInput{Arn: arn})
		return err
	}
	updateStage := func() error {
		_, err := f.Client.UpdateStage(ctxT(t), &ivsrealtime.UpdateStageInput{Arn: arn, Name: aws.String("x")})
		return err
	}
	listParticipants := func() error {
		_, err := f.Client.ListParticipants(ctxT(t), &ivsrealtime.ListParticipantsInput{StageArn: arn, SessionId: aws.String(j.SessionId)})
		return err
	}
	getParticipant := func() error {
		_, err := f.Client.GetParticipant(ctxT(t), &ivsrealtime.GetParticipantInput{StageArn: arn, SessionId: aws.String(j.SessionId), ParticipantId: aws.String(j.ParticipantId)})
		return err
	}

	cases := []struct {
		fault ivscontrol.Fault
		call  func() error
		check func(t *testing.T, err error)
	}{
		{ivscontrol.Fault{Operation: "UpdateStage", Error: "PendingVerification"}, updateStage, func(t *testing.T, err error) {
			requireAPIError[*types.PendingVerification](t, err, http.StatusForbidden)
		}},
		{ivscontrol.Fault{Operation: "UpdateStage", Error: "ConflictException"}, updateStage, func(t *testing.T, err error) {
			requireAPIError[*types.ConflictException](t, err, http.StatusConflict)
		}},
		{ivscontrol.Fault{Operation: "UpdateStage", Error: "ServiceQuotaExceededException"}, updateStage, func(t *testing.T, err error) {
			requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)
		}},
		{ivscontrol.Fault{Operation: "GetStage", Error: "AccessDeniedException"}, getStage, func(t *testing.T, err error) {
			requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
		}},
		{ivscontrol.Fault{Operation: "GetStage", Error: "ResourceNotFoundException"}, getStage, func(t *testing.T, err error) {
			requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
		}},
		{ivscontrol.Fault{Operation: "GetParticipant", Error: "ValidationException"}, getParticipant, func(t *testing.T, err error) {
			requireAPIError[*types.ValidationException](t, err, http.StatusBadRequest)
		}},
		{ivscontrol.Fault{Operation: "ListParticipants", Error: "ThrottlingException"}, listParticipants, func(t *testing.T, err error) {
			requireErrorCode(t, err, "ThrottlingException", http.StatusTooManyRequests)
		}},
		{ivscontrol.Fault{Operation: "ListParticipants", Error: "InternalServerException"}, listParticipants, func(t *testing.T, err error) {
			requireErrorCode(t, err, "InternalServerException", http.StatusInternalServerError)
		}},
		{ivscontrol.Fault{Operation: "GetParticipant", Error: "UnrecognizedClientException"}, getParticipant, func(t *testing.T, err error) {
			requireErrorCode(t, err, "UnrecognizedClientException", http.StatusForbidden)
		}},
		{ivscontrol.Fault{Operation: "GetStage", Error: "SerializationException"}, getStage, func(t *testing.T, err error) {
			requireErrorCode(t, err, "SerializationException", http.StatusBadRequest)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.fault.Operation+"/"+tc.fault.Error, func(t *testing.T) {
			require.NoError(t, f.Control.InjectFault(ctxT(t), tc.fault))
			tc.check(t, tc.call())
			require.NoError(t, tc.call(), "a fault of count 1 answers once")
		})
	}
}

// TestFaultAnyOperation: "*" answers the next call of whatever operation,
// and a fault for the operation itself goes first.
func TestFaultAnyOperation(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	stage := createStage(t, f, nil)

	require.NoError(t, f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "*", Error: "ThrottlingException", Count: 2}))
	require.NoError(t, f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "GetStage", Error: "AccessDeniedException"}))

	_, err := f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: stage.Stage.Arn})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	_, err = f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: stage.Stage.Arn})
	requireErrorCode(t, err, "ThrottlingException", http.StatusTooManyRequests)
	_, err = f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	requireErrorCode(t, err, "ThrottlingException", http.StatusTooManyRequests)
	_, err = f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: stage.Stage.Arn})
	require.NoError(t, err)

	// The fault comes before validation: even a bad request gets it.
	require.NoError(t, f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "*", Error: "InternalServerException"}))
	_, err = f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("bad name!")})
	requireErrorCode(t, err, "InternalServerException", http.StatusInternalServerError)
	_, err = f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("bad name!")})
	requireValidation(t, err, "name")
}

// TestFaultRefused: the control API refuses faults the contract does not
// allow, with a ValidationException, and queues nothing.
func TestFaultRefused(t *testing.T) {
	f := ivsfake.Start(t)
	for _, fault := range []ivscontrol.Fault{
		{Operation: "GetStage", Error: "ConflictException"},                 // not declared by GetStage
		{Operation: "ListParticipants", Error: "ResourceNotFoundException"}, // not declared by ListParticipants
		{Operation: "CreateStage", Error: "ResourceNotFoundException"},
		{Operation: "*", Error: "ConflictException"},               // not every operation declares it
		{Operation: "CreateChannel", Error: "ThrottlingException"}, // an AWS operation outside the spec
		{Operation: "", Error: "ThrottlingException"},
		{Operation: "getstage", Error: "ThrottlingException"},
		{Operation: "GetStage", Error: "NoSuchError"},
		{Operation: "GetStage", Error: ""},
		{Operation: "GetStage", Error: "UnknownOperationException"},
	} {
		t.Run(fault.Operation+"/"+fault.Error, func(t *testing.T) {
			err := f.Control.InjectFault(ctxT(t), fault)
			requireWireError(t, err, "ValidationException", 400)
		})
	}
	// Nothing was queued.
	stage := createStage(t, f, nil)
	getStage(t, f, *stage.Stage.Arn)
	_, err := f.Client.ListParticipants(ctxT(t), &ivsrealtime.ListParticipantsInput{StageArn: stage.Stage.Arn, SessionId: aws.String(someSessionID)})
	require.NoError(t, err)
}

// TestReset clears stages, tokens and pending faults.
func TestReset(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	stage := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("u", "v")})
	j := join(t, f, stage.ParticipantTokens[0])
	require.NoError(t, f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "*", Error: "ThrottlingException", Count: 5}))

	require.NoError(t, f.Control.Reset(ctx))

	_, err := f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: stage.Stage.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Client.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: stage.Stage.Arn, SessionId: aws.String(j.SessionId), ParticipantId: aws.String(j.ParticipantId)})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Control.Join(ctx, ivscontrol.JoinInput{Token: *stage.ParticipantTokens[1].Token})
	requireWireError(t, err, "ResourceNotFoundException", 404)
	createStage(t, f, nil) // no fault left
}

// TestFaultCountMustBePositive: a count of 0 or less is refused, not
// silently made 1; no count means 1.
func TestFaultCountMustBePositive(t *testing.T) {
	f := ivsfake.Start(t)
	for _, n := range []string{"0", "-3"} {
		r := post(t, f, "/_ivsrt/faults", `{"operation":"GetStage","error":"ThrottlingException","count":`+n+`}`)
		assert.Equal(t, 400, r.Status, n)
		assert.Equal(t, "ValidationException", r.ErrorType, n)
		assert.Equal(t, "1 validation error detected: Value '"+n+"' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1", r.message(t))
	}
	requireWireError(t, f.Control.InjectFault(ctxT(t), ivscontrol.Fault{Operation: "GetStage", Error: "ThrottlingException", Count: -1}), "ValidationException", 400)

	r := post(t, f, "/_ivsrt/faults", `{"operation":"GetStage","error":"ThrottlingException"}`)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	r = post(t, f, "/GetStage", `{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/abcdefghijkl"}`)
	assert.Equal(t, "ThrottlingException", r.ErrorType, "no count means one call")
	r = post(t, f, "/GetStage", `{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/abcdefghijkl"}`)
	assert.Equal(t, "ResourceNotFoundException", r.ErrorType, "and only one")
}
