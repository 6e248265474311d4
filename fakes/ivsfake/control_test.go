package ivsfake_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// TestControlInfo: GET /_ivsrt/ tells a fake from AWS.
func TestControlInfo(t *testing.T) {
	f := ivsfake.Start(t, ivsfake.Options{Region: "eu-west-1", Account: "111122223333"})
	for _, path := range []string{"/_ivsrt/", "/_ivsrt"} {
		r := raw(t, f, http.MethodGet, path, nil)
		require.Equal(t, http.StatusOK, r.Status, path)
		var info map[string]string
		require.NoError(t, json.Unmarshal(r.Body, &info))
		assert.Equal(t, "ivsrt", info["service"])
		assert.Equal(t, ivsapi.APIVersion, info["apiVersion"], "the version of the spec the fake serves")
		assert.Equal(t, "eu-west-1", info["region"])
		assert.Equal(t, "111122223333", info["account"])
	}
	info, err := f.Control.Info(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, ivscontrol.Info{Service: "ivsrt", APIVersion: ivsapi.APIVersion, Region: "eu-west-1", Account: "111122223333"}, *info)

	// The SDK client follows the options too.
	out := createStage(t, f, nil)
	assert.Regexp(t, `^arn:aws:ivs:eu-west-1:111122223333:stage/[a-zA-Z0-9]{12}$`, *out.Stage.Arn)
}

// TestControlInfoRefusesAnotherServer: Info fails on an endpoint that is not a fake.
func TestControlInfoRefusesAnotherServer(t *testing.T) {
	f := ivsfake.Start(t)
	// The AWS paths of the fake are not the control API.
	_, err := ivscontrol.NewControl(f.URL+"/GetStage", nil).Info(ctxT(t))
	require.Error(t, err)
}

// TestControlRawErrors: bad control input gets a 4xx in AWS's error form.
func TestControlRawErrors(t *testing.T) {
	f := ivsfake.Start(t)
	stage := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("u")})
	arn := *stage.Stage.Arn
	j := join(t, f, stage.ParticipantTokens[0])
	ref := `{"stageArn":"` + arn + `","participantId":"` + j.ParticipantId + `"}`

	cases := []struct {
		name, method, path, body string
		status                   int
		errType                  string
	}{
		{"join: not JSON", "POST", "/_ivsrt/join", `token=x`, 400, "SerializationException"},
		{"join: token is a number", "POST", "/_ivsrt/join", `{"token":5}`, 400, "SerializationException"},
		{"join: array", "POST", "/_ivsrt/join", `[]`, 400, "SerializationException"},
		{"join: unknown token", "POST", "/_ivsrt/join", `{"token":"nope"}`, 404, "ResourceNotFoundException"},
		{"join: no token", "POST", "/_ivsrt/join", `{}`, 404, "ResourceNotFoundException"},
		{"join: bad client info", "POST", "/_ivsrt/join", `{"token":"` + *stage.ParticipantTokens[0].Token + `","ispName":"evil<script>"}`, 400, "ValidationException"},
		{"join: client info too long", "POST", "/_ivsrt/join", `{"token":"` + *stage.ParticipantTokens[0].Token + `","osName":"` + strings.Repeat("a", 129) + `"}`, 400, "ValidationException"},
		{"publish: unknown stage", "POST", "/_ivsrt/publish", `{"stageArn":"` + unknownStageArn + `","participantId":"x"}`, 404, "ResourceNotFoundException"},
		{"publish: unknown participant", "POST", "/_ivsrt/publish", `{"stageArn":"` + arn + `","participantId":"Nobody123456"}`, 404, "ResourceNotFoundException"},
		{"join: protocol outside the spec's enum", "POST", "/_ivsrt/join", `{"token":"` + *stage.ParticipantTokens[0].Token + `","protocol":"SRT"}`, 400, "ValidationException"},
		{"publish: errorCode outside the spec's enum", "POST", "/_ivsrt/publish", strings.TrimSuffix(ref, "}") + `,"errorCode":"TOO_LOUD"}`, 400, "ValidationException"},
		{"publish: errorCode of a subscriber", "POST", "/_ivsrt/publish", strings.TrimSuffix(ref, "}") + `,"errorCode":"PUBLISHER_NOT_FOUND"}`, 400, "ValidationException"},
		{"exchange-token: capabilities not a list", "POST", "/_ivsrt/exchange-token", strings.TrimSuffix(ref, "}") + `,"capabilities":"PUBLISH"}`, 400, "SerializationException"},
		{"exchange-token: duration out of range", "POST", "/_ivsrt/exchange-token", strings.TrimSuffix(ref, "}") + `,"duration":20161}`, 400, "ValidationException"},
		{"exchange-token: malformed stage ARN", "POST", "/_ivsrt/exchange-token", `{"stageArn":"stage","participantId":"x"}`, 400, "ValidationException"},
		{"exchange-token: unknown participant", "POST", "/_ivsrt/exchange-token", `{"stageArn":"` + arn + `","participantId":"Nobody123456"}`, 404, "ResourceNotFoundException"},
		{"recording: bad state", "POST", "/_ivsrt/recording", strings.TrimSuffix(ref, "}") + `,"state":"DISABLED"}`, 400, "ValidationException"},
		{"recording: no state", "POST", "/_ivsrt/recording", ref, 400, "ValidationException"},
		{"leave: wrong type", "POST", "/_ivsrt/leave", `{"stageArn":["x"]}`, 400, "SerializationException"},
		{"end-session: unknown stage", "POST", "/_ivsrt/end-session", `{"stageArn":"` + unknownStageArn + `"}`, 404, "ResourceNotFoundException"},
		{"faults: unknown operation", "POST", "/_ivsrt/faults", `{"operation":"CreateChannel","error":"ThrottlingException"}`, 400, "ValidationException"},
		{"faults: undeclared error", "POST", "/_ivsrt/faults", `{"operation":"GetStage","error":"ConflictException"}`, 400, "ValidationException"},
		{"faults: count is a string", "POST", "/_ivsrt/faults", `{"operation":"GetStage","error":"ThrottlingException","count":"2"}`, 400, "SerializationException"},
		// Tokens come from AWS's CreateParticipantToken: the control API has no /token.
		{"token: gone", "POST", "/_ivsrt/token", `{"stageArn":"` + arn + `"}`, 404, "UnknownOperationException"},
		{"unknown control path", "POST", "/_ivsrt/nope", `{}`, 404, "UnknownOperationException"},
		{"GET on a control operation", "GET", "/_ivsrt/join", ``, 404, "UnknownOperationException"},
		{"POST on the info path", "POST", "/_ivsrt/", `{}`, 404, "UnknownOperationException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := raw(t, f, tc.method, tc.path, []byte(tc.body))
			assert.Equal(t, tc.status, r.Status, "body %s", r.Body)
			assert.Equal(t, tc.errType, r.ErrorType)
			assert.NotEmpty(t, r.message(t), "exceptionMessage")
		})
	}

	// None of that changed the participant.
	p := getParticipant(t, f, j)
	assert.Equal(t, types.ParticipantStateConnected, p.State)
	assert.False(t, p.Published)
	assert.Equal(t, "", aws.ToString(p.IspName))
}

// TestControlRawHappyPath drives a participant through the control API as
// a non-Go client would.
func TestControlRawHappyPath(t *testing.T) {
	f := ivsfake.Start(t)
	stage := createStage(t, f, &ivsrealtime.CreateStageInput{
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)},
	})
	arn := *stage.Stage.Arn

	r := post(t, f, "/CreateParticipantToken", `{"stageArn":"`+arn+`","userId":"raw","attributes":{"a":"b"},"capabilities":["PUBLISH"]}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var out ivsapi.CreateParticipantTokenResponse
	require.NoError(t, json.Unmarshal(r.Body, &out))
	tok := *out.ParticipantToken
	assert.Regexp(t, participantIDPattern, aws.ToString(tok.ParticipantId))
	assert.Equal(t, int32(720), aws.ToInt32(tok.Duration))
	assert.Equal(t, []ivsapi.ParticipantTokenCapability{"PUBLISH"}, tok.Capabilities)
	assert.Equal(t, "raw", aws.ToString(tok.UserId))

	r = post(t, f, "/_ivsrt/join", `{"token":"`+*tok.Token+`","osName":"iOS","sdkVersion":"1.2.3"}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var j ivscontrol.JoinOutput
	require.NoError(t, json.Unmarshal(r.Body, &j))
	assert.Equal(t, arn, j.StageArn)
	assert.Equal(t, *tok.ParticipantId, j.ParticipantId)

	ref := `{"stageArn":"` + arn + `","participantId":"` + j.ParticipantId + `"}`
	for _, step := range []struct{ path, body string }{
		{"/_ivsrt/publish", ref},
		{"/_ivsrt/recording", strings.TrimSuffix(ref, "}") + `,"state":"ACTIVE"}`},
	} {
		r = post(t, f, step.path, step.body)
		require.Equal(t, http.StatusOK, r.Status, "%s: %s", step.path, r.Body)
		assert.JSONEq(t, `{}`, string(r.Body))
	}
	r = post(t, f, "/_ivsrt/exchange-token", strings.TrimSuffix(ref, "}")+`,"attributes":{"a":"c"},"capabilities":["PUBLISH"],"userId":"raw"}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var exchanged ivscontrol.ExchangeTokenOutput
	require.NoError(t, json.Unmarshal(r.Body, &exchanged))
	assert.Equal(t, ivscontrol.Token{ParticipantId: j.ParticipantId, Token: exchanged.ParticipantToken.Token, UserId: aws.String("raw"),
		Attributes: map[string]string{"a": "c"}, Capabilities: []string{"PUBLISH"}, Duration: 720, ExpirationTime: exchanged.ParticipantToken.ExpirationTime}, exchanged.ParticipantToken)
	assert.NotEqual(t, *tok.Token, exchanged.ParticipantToken.Token)
	p := getParticipant(t, f, &j)
	assert.Equal(t, map[string]string{"a": "c"}, p.Attributes, "the exchanged token's")
	r = post(t, f, "/_ivsrt/exchange-token", strings.TrimSuffix(ref, "}")+`,"attributes":{"a":"b"},"capabilities":["PUBLISH"],"userId":"raw"}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	p = getParticipant(t, f, &j)
	assert.Equal(t, "raw", aws.ToString(p.UserId))
	assert.Equal(t, map[string]string{"a": "b"}, p.Attributes)
	assert.Equal(t, "iOS", aws.ToString(p.OsName))
	assert.Equal(t, "1.2.3", aws.ToString(p.SdkVersion))
	assert.True(t, p.Published)
	assert.Equal(t, types.ParticipantRecordingStateActive, p.RecordingState)

	r = post(t, f, "/_ivsrt/faults", `{"operation":"GetStage","error":"AccessDeniedException"}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	r = post(t, f, "/GetStage", `{"arn":"`+arn+`"}`)
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, "AccessDeniedException", r.ErrorType)
	assert.Equal(t, "Injected by the ivsrt control API", r.message(t))

	r = post(t, f, "/_ivsrt/end-session", `{"stageArn":"`+arn+`"}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.Nil(t, getStage(t, f, arn).ActiveSessionId)

	r = post(t, f, "/_ivsrt/reset", ``)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	r = post(t, f, "/GetStage", `{"arn":"`+arn+`"}`)
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, "ResourceNotFoundException", r.ErrorType)
}

// The control package spells the recording states by hand (it imports no
// generated code); they must be the spec's.
func TestControlRecordingStatesAreTheSpecs(t *testing.T) {
	for _, s := range []string{ivscontrol.RecordingStarting, ivscontrol.RecordingActive, ivscontrol.RecordingStopping, ivscontrol.RecordingStopped, ivscontrol.RecordingFailed} {
		assert.Contains(t, ivsapi.ParticipantRecordingFilterByRecordingStateValues, s)
	}
}

// Under -auth off an unsigned control call acts where its resource lives:
// a join in the namespace of its token's stage, a call naming a stage ARN
// in that ARN's account and region, whatever the fake's -region. Here the
// official client is configured for us-west-2 and the fake for us-east-1,
// the issue a user met (the join answered 404).
func TestControlActsWhereItsResourceLives(t *testing.T) {
	f := ivsfake.Start(t, ivsfake.Options{Region: "us-east-1"})
	ctx := ctxT(t)
	west := ivsfake.NewClient(f.URL, "us-west-2")
	stage, err := west.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	require.NoError(t, err)
	arn := aws.ToString(stage.Stage.Arn)
	require.Contains(t, arn, ":us-west-2:")
	tok, err := west.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: stage.Stage.Arn, UserId: aws.String("alice")})
	require.NoError(t, err)

	// An unsigned join, as a device makes it: no credentials, only the token.
	r := post(t, f, "/_ivsrt/join", `{"token":"`+aws.ToString(tok.ParticipantToken.Token)+`"}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var j ivscontrol.JoinOutput
	require.NoError(t, json.Unmarshal(r.Body, &j))
	assert.Equal(t, arn, j.StageArn)
	assert.Equal(t, aws.ToString(tok.ParticipantToken.ParticipantId), j.ParticipantId)

	list, err := west.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: stage.Stage.Arn, SessionId: aws.String(j.SessionId)})
	require.NoError(t, err)
	require.Len(t, list.Participants, 1)
	assert.Equal(t, j.ParticipantId, aws.ToString(list.Participants[0].ParticipantId))
	assert.Equal(t, "alice", aws.ToString(list.Participants[0].UserId))
	assert.Equal(t, types.ParticipantStateConnected, list.Participants[0].State)

	// The calls naming the stage ARN follow it too, through the Go client
	// (unsigned: ivsfake.Start's Control).
	require.NoError(t, f.Control.Publish(ctx, j.Ref()))
	got, err := west.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: stage.Stage.Arn, SessionId: aws.String(j.SessionId), ParticipantId: aws.String(j.ParticipantId)})
	require.NoError(t, err)
	assert.True(t, got.Participant.Published)

	// The fake's own region holds nothing of it.
	east, err := f.Client.ListStages(ctx, &ivsrealtime.ListStagesInput{})
	require.NoError(t, err)
	assert.Empty(t, east.Stages)

	// A signed call acts for its signer: signed for us-east-1, neither the
	// token nor the stage of us-west-2 is there.
	anyKey := ivsfake.Key{AccessKeyID: "AKIDANY", SecretAccessKey: "any"}
	ctlEast := controlAs(f, anyKey, "us-east-1")
	_, err = ctlEast.Join(ctx, ivscontrol.JoinInput{Token: aws.ToString(tok.ParticipantToken.Token)})
	requireWireError(t, err, ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	requireWireError(t, ctlEast.Leave(ctx, j.Ref()), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	// Signed for us-west-2, it reaches them.
	require.NoError(t, controlAs(f, anyKey, "us-west-2").EndSession(ctx, arn))
	got, err = west.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: stage.Stage.Arn, SessionId: aws.String(j.SessionId), ParticipantId: aws.String(j.ParticipantId)})
	require.NoError(t, err)
	assert.Equal(t, types.ParticipantStateDisconnected, got.Participant.State)

	// An unsigned call naming a stage of an account the fake holds nothing
	// of acts there, and finds no such stage; an unknown token stays in
	// -region and is unknown there.
	foreign := "arn:aws:ivs:eu-west-1:999999999999:stage/abcdefghijkl"
	r = post(t, f, "/_ivsrt/end-session", `{"stageArn":"`+foreign+`"}`)
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, ivsapi.ErrResourceNotFoundException, r.ErrorType)
	r = post(t, f, "/_ivsrt/join", `{"token":"ivsrt.unknown"}`)
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, ivsapi.ErrResourceNotFoundException, r.ErrorType)
	// Those misses leave no namespace behind.
	assert.ElementsMatch(t, []ivsfake.Namespace{{Account: "123456789012", Region: "us-east-1"}, {Account: "123456789012", Region: "us-west-2"}}, f.Server.Namespaces())
}

// Under signature checking every control call is signed and acts for its
// signer: another account's stage is AccessDeniedException and its token
// is not found, whatever the body names.
func TestControlSignedCannotReachAnotherAccount(t *testing.T) {
	f := startVerifying(t, ivsfake.Options{Region: "us-east-1"})
	ctx := ctxT(t)
	westA := clientAs(f, keyA, "us-west-2")
	out, err := westA.CreateStage(ctx, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("u")})
	require.NoError(t, err)
	tok := aws.ToString(out.ParticipantTokens[0].Token)

	r := post(t, f, "/_ivsrt/join", `{"token":"`+tok+`"}`)
	assert.Equal(t, ivsapi.ErrMissingAuthenticationTokenException, r.ErrorType, "unsigned")
	ctlB := controlAs(f, keyB, "us-west-2")
	_, err = ctlB.Join(ctx, ivscontrol.JoinInput{Token: tok})
	requireWireError(t, err, ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	j, err := controlAs(f, keyA, "us-west-2").Join(ctx, ivscontrol.JoinInput{Token: tok})
	require.NoError(t, err)
	requireWireError(t, ctlB.Leave(ctx, j.Ref()), ivsapi.ErrAccessDeniedException, http.StatusForbidden)
	requireWireError(t, ctlB.EndSession(ctx, j.StageArn), ivsapi.ErrAccessDeniedException, http.StatusForbidden)
}

// A token of a namespace that only the state file holds (the fake was
// restarted and nothing has used that region since) still joins unsigned.
func TestControlFindsATokenInTheStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := openStore(t, path)
	f := ivsfake.Start(t, ivsfake.Options{Region: "us-east-1", Store: s})
	ctx := ctxT(t)
	out, err := ivsfake.NewClient(f.URL, "eu-central-1").CreateStage(ctx, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("u")})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	f2 := ivsfake.Start(t, ivsfake.Options{Region: "us-east-1", Store: openStore(t, path)})
	j, err := f2.Control.Join(ctx, ivscontrol.JoinInput{Token: aws.ToString(out.ParticipantTokens[0].Token)})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(out.Stage.Arn), j.StageArn)
}
