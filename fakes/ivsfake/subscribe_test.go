package ivsfake_test

import (
	"context"
	"net/http"
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

// subscribeEvent is what a test compares of an event: its name, its
// remote participant (nil where the model documents it as null) and its
// error code.
type subscribeEvent struct {
	Name   types.EventName
	Remote *string
	Code   types.EventErrorCode
}

// eventsOf lists a participant's events through the SDK, newest first.
func eventsOf(t *testing.T, ctx context.Context, f *ivsfake.Fake, j *ivscontrol.JoinOutput) []subscribeEvent {
	t.Helper()
	out, err := f.Client.ListParticipantEvents(ctx, &ivsrealtime.ListParticipantEventsInput{
		StageArn: &j.StageArn, SessionId: &j.SessionId, ParticipantId: &j.ParticipantId, MaxResults: aws.Int32(100)})
	require.NoError(t, err)
	var got []subscribeEvent
	for _, e := range out.Events {
		got = append(got, subscribeEvent{e.Name, e.RemoteParticipantId, e.ErrorCode})
	}
	return got
}

// TestSubscribe: participants subscribe to publishers through the control
// API, and ListParticipantEvents shows it as the model documents: a
// subscribe event names the publisher as remoteParticipantId, the others
// name none; each refusal is a SUBSCRIBE_ERROR with the model's code for
// its cause; a subscription ends (SUBSCRIBE_STOPPED) when either side
// leaves, the publisher stops publishing, or the subscriber unsubscribes.
func TestSubscribe(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	both := []types.ParticipantTokenCapability{types.ParticipantTokenCapabilityPublish, types.ParticipantTokenCapabilitySubscribe}
	out := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{
		{UserId: aws.String("alice"), Capabilities: both},
		{UserId: aws.String("bob"), Capabilities: []types.ParticipantTokenCapability{types.ParticipantTokenCapabilitySubscribe}},
		{UserId: aws.String("carol"), Capabilities: []types.ParticipantTokenCapability{types.ParticipantTokenCapabilityPublish}},
		{UserId: aws.String("dave"), Capabilities: both},
	}})
	var alice, bob, carol, dave *ivscontrol.JoinOutput
	for i, j := range []**ivscontrol.JoinOutput{&alice, &bob, &carol, &dave} {
		*j = join(t, f, out.ParticipantTokens[i])
	}
	require.NoError(t, f.Control.Publish(ctx, alice.Ref()))

	require.NoError(t, f.Control.Subscribe(ctx, bob.Ref(), alice.ParticipantId))
	require.NoError(t, f.Control.Subscribe(ctx, bob.Ref(), alice.ParticipantId), "subscribing again changes nothing")
	a := &alice.ParticipantId
	assert.Equal(t, []subscribeEvent{{Name: types.EventNameSubscribeStarted, Remote: a}, {Name: types.EventNameJoined}}, eventsOf(t, ctx, f, bob))

	// Refusals, each recorded with the model's code for it.
	requireWireError(t, f.Control.Subscribe(ctx, carol.Ref(), alice.ParticipantId), ivsapi.ErrAccessDeniedException, http.StatusForbidden)
	assert.Equal(t, subscribeEvent{types.EventNameSubscribeError, a, types.EventErrorCodeInsufficientCapabilities}, eventsOf(t, ctx, f, carol)[0])
	requireWireError(t, f.Control.Subscribe(ctx, alice.Ref(), bob.ParticipantId), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	assert.Equal(t, subscribeEvent{types.EventNameSubscribeError, &bob.ParticipantId, types.EventErrorCodePublisherNotFound}, eventsOf(t, ctx, f, alice)[0])
	requireWireError(t, f.Control.Subscribe(ctx, alice.Ref(), "nobody"), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	before := len(eventsOf(t, ctx, f, alice))
	requireWireError(t, f.Control.Subscribe(ctx, alice.Ref(), alice.ParticipantId), ivsapi.ErrValidationException, http.StatusBadRequest)
	for body, member := range map[string]string{
		`{"stageArn":"` + alice.StageArn + `","participantId":"` + dave.ParticipantId + `"}`:                                      "remoteParticipantId",
		`{"stageArn":"` + alice.StageArn + `","participantId":"` + dave.ParticipantId + `","remoteParticipantId":"not an id!"}`: "remoteParticipantId",
		`{"stageArn":"` + alice.StageArn + `","remoteParticipantId":"` + alice.ParticipantId + `"}`:                              "participantId",
	} {
		r := post(t, f, "/_ivsrt/subscribe", body)
		assert.Equal(t, http.StatusBadRequest, r.Status, body)
		assert.Equal(t, ivsapi.ErrValidationException, r.ErrorType, body)
		assert.Contains(t, r.message(t), "'"+member+"'", body)
	}
	assert.Len(t, eventsOf(t, ctx, f, alice), before, "a malformed request records nothing")

	// The subscriber quota counts participants subscribing, not
	// subscriptions: bob, subscribing already, may take a second publisher.
	_, err := f.Control.SetQuotas(ctx, ivscontrol.QuotasInput{SubscriberQuota: aws.Int(1)})
	require.NoError(t, err)
	requireWireError(t, f.Control.Subscribe(ctx, dave.Ref(), alice.ParticipantId), ivsapi.ErrServiceQuotaExceededException, http.StatusPaymentRequired)
	assert.Equal(t, subscribeEvent{types.EventNameSubscribeError, a, types.EventErrorCodeQuotaExceeded}, eventsOf(t, ctx, f, dave)[0])
	require.NoError(t, f.Control.Publish(ctx, carol.Ref()))
	require.NoError(t, f.Control.Subscribe(ctx, bob.Ref(), carol.ParticipantId))

	// The publisher leaves: bob's subscription to it ends; the other stays.
	require.NoError(t, f.Control.Leave(ctx, alice.Ref()))
	got := eventsOf(t, ctx, f, bob)
	require.Len(t, got, 4)
	assert.Equal(t, subscribeEvent{Name: types.EventNameSubscribeStopped, Remote: a}, got[0])
	assert.Equal(t, subscribeEvent{Name: types.EventNameSubscribeStarted, Remote: &carol.ParticipantId}, got[1])
	assert.Equal(t, []subscribeEvent{{Name: types.EventNameLeft}, {Name: types.EventNamePublishStopped}}, eventsOf(t, ctx, f, alice)[:2],
		"a publisher's own events name no remote participant")

	// bob unsubscribes: the quota frees for dave.
	require.NoError(t, f.Control.Unsubscribe(ctx, bob.Ref(), carol.ParticipantId))
	assert.Equal(t, subscribeEvent{Name: types.EventNameSubscribeStopped, Remote: &carol.ParticipantId}, eventsOf(t, ctx, f, bob)[0])
	requireWireError(t, f.Control.Unsubscribe(ctx, bob.Ref(), carol.ParticipantId), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	require.NoError(t, f.Control.Subscribe(ctx, dave.Ref(), carol.ParticipantId))

	// The publisher's publish fails mid-stream: its subscribers' end too;
	// dave leaving ends nothing more.
	require.NoError(t, f.Control.FailPublish(ctx, carol.Ref(), "BITRATE_EXCEEDED"))
	assert.Equal(t, subscribeEvent{Name: types.EventNameSubscribeStopped, Remote: &carol.ParticipantId}, eventsOf(t, ctx, f, dave)[0])
	require.NoError(t, f.Control.Leave(ctx, dave.Ref()))
	assert.Equal(t, types.EventNameLeft, eventsOf(t, ctx, f, dave)[0].Name)
}

// TestSubscriberLeaves: a subscriber that leaves, or whose session ends,
// stops subscribing first (SUBSCRIBE_STOPPED, then LEFT).
func TestSubscriberLeaves(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("pub", "sub", "sub2")})
	pub, sub, sub2 := join(t, f, out.ParticipantTokens[0]), join(t, f, out.ParticipantTokens[1]), join(t, f, out.ParticipantTokens[2])
	require.NoError(t, f.Control.Publish(ctx, pub.Ref()))
	require.NoError(t, f.Control.Subscribe(ctx, sub.Ref(), pub.ParticipantId))
	require.NoError(t, f.Control.Subscribe(ctx, sub2.Ref(), pub.ParticipantId))
	require.NoError(t, f.Control.Leave(ctx, sub.Ref()))
	assert.Equal(t, []subscribeEvent{{Name: types.EventNameLeft}, {Name: types.EventNameSubscribeStopped, Remote: &pub.ParticipantId}},
		eventsOf(t, ctx, f, sub)[:2])
	require.NoError(t, f.Control.EndSession(ctx, *out.Stage.Arn))
	assert.Equal(t, []subscribeEvent{{Name: types.EventNameLeft}, {Name: types.EventNameSubscribeStopped, Remote: &pub.ParticipantId}},
		eventsOf(t, ctx, f, sub2)[:2])
}
