package ivsfake_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// TestParticipantEveryField joins a participant with client information and
// checks every field GetParticipant shows, on a stage that does not record.
func TestParticipantEveryField(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	attrs := map[string]string{"seat": "12A"}
	out := createStage(t, f, &ivsrealtime.CreateStageInput{
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{
			{UserId: aws.String("alice"), Attributes: attrs},
			{}, // no userId, no attributes
		},
	})
	client := ivscontrol.ClientInfo{
		IspName: "Comcast Cable", OsName: "Linux", OsVersion: "6.8.0-45",
		BrowserName: "Firefox", BrowserVersion: "128.0.3", SdkVersion: "1.20.0",
	}

	before := time.Now()
	j, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *out.ParticipantTokens[0].Token, ClientInfo: client})
	after := time.Now()
	require.NoError(t, err)
	assert.Equal(t, *out.Stage.Arn, j.StageArn)
	assert.Equal(t, *out.ParticipantTokens[0].ParticipantId, j.ParticipantId)
	assert.Regexp(t, sessionIDPattern, j.SessionId)
	assert.Len(t, j.SessionId, 16)

	p := getParticipant(t, f, j)
	assert.Equal(t, j.ParticipantId, aws.ToString(p.ParticipantId))
	assert.Equal(t, "alice", aws.ToString(p.UserId))
	assert.Equal(t, types.ParticipantStateConnected, p.State)
	require.NotNil(t, p.FirstJoinTime)
	assert.WithinRange(t, *p.FirstJoinTime, before.Add(-time.Second), after.Add(time.Second))
	assert.Equal(t, attrs, p.Attributes)
	assert.False(t, p.Published)
	assert.Equal(t, client.IspName, aws.ToString(p.IspName))
	assert.Equal(t, client.OsName, aws.ToString(p.OsName))
	assert.Equal(t, client.OsVersion, aws.ToString(p.OsVersion))
	assert.Equal(t, client.BrowserName, aws.ToString(p.BrowserName))
	assert.Equal(t, client.BrowserVersion, aws.ToString(p.BrowserVersion))
	assert.Equal(t, client.SdkVersion, aws.ToString(p.SdkVersion))
	assert.Equal(t, types.ParticipantRecordingStateDisabled, p.RecordingState)
	require.NotNil(t, p.RecordingS3BucketName, "bucket name is \"\", not absent")
	require.NotNil(t, p.RecordingS3Prefix, "prefix is \"\", not absent")
	assert.Equal(t, "", *p.RecordingS3BucketName)
	assert.Equal(t, "", *p.RecordingS3Prefix)

	require.NoError(t, f.Control.Publish(ctx, j.Ref()))
	p2 := getParticipant(t, f, j)
	assert.True(t, p2.Published)
	assert.Equal(t, types.ParticipantRecordingStateDisabled, p2.RecordingState, "publishing does not record on a stage without storage")
	assert.Equal(t, p.FirstJoinTime, p2.FirstJoinTime)

	// Without a userId in the token, and without client information, they are "".
	j2 := join(t, f, out.ParticipantTokens[1])
	assert.Equal(t, j.SessionId, j2.SessionId, "joins the live session")
	anon := getParticipant(t, f, j2)
	require.NotNil(t, anon.UserId)
	assert.Equal(t, "", *anon.UserId)
	for name, v := range map[string]*string{
		"ispName": anon.IspName, "osName": anon.OsName, "osVersion": anon.OsVersion,
		"browserName": anon.BrowserName, "browserVersion": anon.BrowserVersion, "sdkVersion": anon.SdkVersion,
	} {
		require.NotNilf(t, v, "%s is \"\", not absent", name)
		assert.Equalf(t, "", *v, "%s", name)
	}
	assert.Empty(t, anon.Attributes)
	assert.False(t, anon.Published)

	// Leaving keeps the participant, DISCONNECTED.
	require.NoError(t, f.Control.Leave(ctx, j.Ref()))
	gone := getParticipant(t, f, j)
	assert.Equal(t, types.ParticipantStateDisconnected, gone.State)
	assert.True(t, gone.Published, "published means ever published")
}

// TestRecordingLifecycle follows a participant of a recorded stage:
// STOPPED (joined) -> STARTING (published) -> ACTIVE (recording) -> STOPPING (left).
func TestRecordingLifecycle(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{
		ParticipantTokenConfigurations: tokenConfigs("rec"),
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: aws.String(storageArn),
		},
	})
	j := join(t, f, out.ParticipantTokens[0])

	state := func() types.ParticipantRecordingState { return getParticipant(t, f, j).RecordingState }

	p := getParticipant(t, f, j)
	assert.Equal(t, types.ParticipantRecordingStateStopped, p.RecordingState)
	bucket, prefix := aws.ToString(p.RecordingS3BucketName), aws.ToString(p.RecordingS3Prefix)
	assert.NotEmpty(t, bucket)
	assert.NotEmpty(t, prefix)
	assert.Regexp(t, bucketPattern, bucket)
	assert.LessOrEqual(t, len(bucket), 63)
	assert.Regexp(t, prefixPattern, prefix)
	assert.True(t, strings.HasPrefix(prefix, j.StageArn[strings.LastIndex(j.StageArn, "/")+1:]+"/"+j.SessionId+"/"+j.ParticipantId+"/"),
		"prefix %q is stage id / session id / participant id / time", prefix)
	assert.LessOrEqual(t, len(prefix), 256)

	require.NoError(t, f.Control.Publish(ctx, j.Ref()))
	assert.Equal(t, types.ParticipantRecordingStateStarting, state())

	require.NoError(t, f.Control.StartRecording(ctx, j.Ref()))
	assert.Equal(t, types.ParticipantRecordingStateActive, state())

	require.NoError(t, f.Control.Leave(ctx, j.Ref()))
	p = getParticipant(t, f, j)
	assert.Equal(t, types.ParticipantRecordingStateStopping, p.RecordingState)
	assert.Equal(t, types.ParticipantStateDisconnected, p.State)
	assert.Equal(t, bucket, aws.ToString(p.RecordingS3BucketName), "bucket stays")
	assert.Equal(t, prefix, aws.ToString(p.RecordingS3Prefix), "prefix stays")

	// The recording of a participant that has left can still finish.
	require.NoError(t, f.Control.StopRecording(ctx, j.Ref()))
	assert.Equal(t, types.ParticipantRecordingStateStopped, state())
}

// TestRecordingFailedAndDisabled: FAILED is reachable, and a participant of a
// stage without storage cannot be made to record.
func TestRecordingFailedAndDisabled(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	rec := createStage(t, f, &ivsrealtime.CreateStageInput{
		ParticipantTokenConfigurations:        tokenConfigs("a"),
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)},
	})
	j := join(t, f, rec.ParticipantTokens[0])
	require.NoError(t, f.Control.Publish(ctx, j.Ref()))
	require.NoError(t, f.Control.FailRecording(ctx, j.Ref()))
	assert.Equal(t, types.ParticipantRecordingStateFailed, getParticipant(t, f, j).RecordingState)

	plain := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("b")})
	jp := join(t, f, plain.ParticipantTokens[0])
	err := f.Control.StartRecording(ctx, jp.Ref())
	requireWireError(t, err, "ConflictException", 409)
	assert.Equal(t, types.ParticipantRecordingStateDisabled, getParticipant(t, f, jp).RecordingState)
}

// TestSessionLifecycle: activeSessionId is set while someone is connected
// and absent after everybody leaves or the session is ended; the next join
// starts a new session.
func TestSessionLifecycle(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("a", "b")})
	arn := *out.Stage.Arn
	assert.Nil(t, getStage(t, f, arn).ActiveSessionId)

	a := join(t, f, out.ParticipantTokens[0])
	b := join(t, f, out.ParticipantTokens[1])
	require.Equal(t, a.SessionId, b.SessionId)
	assert.Equal(t, a.SessionId, aws.ToString(getStage(t, f, arn).ActiveSessionId))

	require.NoError(t, f.Control.Leave(ctx, a.Ref()))
	assert.Equal(t, a.SessionId, aws.ToString(getStage(t, f, arn).ActiveSessionId), "b is still connected")
	require.NoError(t, f.Control.Leave(ctx, b.Ref()))
	assert.Nil(t, getStage(t, f, arn).ActiveSessionId, "everybody left")

	// A new join starts a new session; the old one can still be read.
	a2 := join(t, f, out.ParticipantTokens[0])
	assert.NotEqual(t, a.SessionId, a2.SessionId)
	assert.Regexp(t, sessionIDPattern, a2.SessionId)
	assert.Len(t, a2.SessionId, 16)
	assert.Equal(t, a2.SessionId, aws.ToString(getStage(t, f, arn).ActiveSessionId))
	assert.Equal(t, types.ParticipantStateDisconnected, getParticipant(t, f, a).State)
	assert.Equal(t, types.ParticipantStateConnected, getParticipant(t, f, a2).State)

	// EndSession disconnects everybody and clears activeSessionId.
	b2 := join(t, f, out.ParticipantTokens[1])
	require.NoError(t, f.Control.EndSession(ctx, arn))
	assert.Nil(t, getStage(t, f, arn).ActiveSessionId)
	assert.Equal(t, types.ParticipantStateDisconnected, getParticipant(t, f, a2).State)
	assert.Equal(t, types.ParticipantStateDisconnected, getParticipant(t, f, b2).State)
	requireWireError(t, f.Control.EndSession(ctx, arn), "ResourceNotFoundException", 404)

	a3 := join(t, f, out.ParticipantTokens[0])
	assert.NotEqual(t, a2.SessionId, a3.SessionId)
	assert.NotEqual(t, a.SessionId, a3.SessionId)
	assert.Regexp(t, sessionIDPattern, a3.SessionId)
}

// TestEndSessionStopsRecordings: EndSession stops every recording of the session.
func TestEndSessionStopsRecordings(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{
		ParticipantTokenConfigurations:        tokenConfigs("a", "b"),
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)},
	})
	a, b := join(t, f, out.ParticipantTokens[0]), join(t, f, out.ParticipantTokens[1])
	require.NoError(t, f.Control.Publish(ctx, a.Ref()))
	require.NoError(t, f.Control.StartRecording(ctx, a.Ref()))
	require.NoError(t, f.Control.EndSession(ctx, *out.Stage.Arn))
	for _, j := range []*ivscontrol.JoinOutput{a, b} {
		p := getParticipant(t, f, j)
		assert.Equal(t, types.ParticipantStateDisconnected, p.State)
		assert.Equal(t, types.ParticipantRecordingStateStopped, p.RecordingState)
	}
}

// TestJoinTwiceIsConflict: a connected participant cannot join again; after
// leaving it rejoins the same live session as the same participant.
func TestJoinTwiceIsConflict(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("a", "b")})
	a := join(t, f, out.ParticipantTokens[0])
	join(t, f, out.ParticipantTokens[1]) // keeps the session live while a is away
	_, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *out.ParticipantTokens[0].Token})
	requireWireError(t, err, "ConflictException", 409)

	require.NoError(t, f.Control.Leave(ctx, a.Ref()))
	again := join(t, f, out.ParticipantTokens[0])
	assert.Equal(t, *a, *again)
	assert.Equal(t, types.ParticipantStateConnected, getParticipant(t, f, a).State)
}
