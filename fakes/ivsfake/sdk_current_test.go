package ivsfake_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
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

// wireTap is an HTTP client that keeps the body of the last answer to
// each operation, so a test sees what went over the wire where the SDK
// does not know a member.
type wireTap struct {
	mu   sync.Mutex
	last map[string][]byte // by request path
}

func (w *wireTap) Do(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	w.mu.Lock()
	defer w.mu.Unlock()
	w.last[req.URL.Path] = body
	return resp, nil
}

func (w *wireTap) body(path string) []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last[path]
}

// TestSDKRoundTripsMembersAddedSince2024 drives every member AWS added to
// stages, participants and events after 2024-06-20 through the fake over
// HTTP with the real aws-sdk-go-v2 client, pinned at v1.30.0. That
// release knows the recording configuration's new members, NONE, the
// endpoints, a participant's protocol and replication members and an
// event's replica; it does not know TOKEN_EXCHANGED's previousToken and
// newToken, a participant's redundantIngest and ingestConfigurationArn,
// nor can it send recordParticipantReplicas false (its serializer leaves
// a false out). What it does not know is checked on the wire.
func TestSDKRoundTripsMembersAddedSince2024(t *testing.T) {
	f := ivsfake.Start(t)
	tap := &wireTap{last: map[string][]byte{}}
	client := ivsrealtime.New(f.Client.Options(), func(o *ivsrealtime.Options) { o.HTTPClient = tap })
	ctx := ctxT(t)

	rec := &types.AutoParticipantRecordingConfiguration{
		StorageConfigurationArn:         aws.String(storageArn),
		MediaTypes:                      []types.ParticipantRecordingMediaType{types.ParticipantRecordingMediaTypeNone},
		ThumbnailConfiguration:          &types.ParticipantThumbnailConfiguration{TargetIntervalSeconds: aws.Int32(5), Storage: []types.ThumbnailStorageType{types.ThumbnailStorageTypeSequential, types.ThumbnailStorageTypeLatest}, RecordingMode: types.ThumbnailRecordingModeInterval},
		RecordingReconnectWindowSeconds: 300,
		HlsConfiguration:                &types.ParticipantRecordingHlsConfiguration{TargetSegmentDurationSeconds: aws.Int32(2)},
	}
	created, err := client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("sdk"), AutoParticipantRecordingConfiguration: rec,
		ParticipantTokenConfigurations: tokenConfigs("alice", "bob")})
	require.NoError(t, err)
	checkRecording := func(what string, got *types.AutoParticipantRecordingConfiguration) {
		t.Helper()
		require.NotNil(t, got, what)
		assert.Equal(t, storageArn, aws.ToString(got.StorageConfigurationArn), what)
		assert.Equal(t, []types.ParticipantRecordingMediaType{types.ParticipantRecordingMediaTypeNone}, got.MediaTypes, what)
		require.NotNil(t, got.ThumbnailConfiguration, what)
		assert.Equal(t, int32(5), aws.ToInt32(got.ThumbnailConfiguration.TargetIntervalSeconds), what)
		assert.Equal(t, []types.ThumbnailStorageType{types.ThumbnailStorageTypeSequential, types.ThumbnailStorageTypeLatest}, got.ThumbnailConfiguration.Storage, what)
		assert.Equal(t, types.ThumbnailRecordingModeInterval, got.ThumbnailConfiguration.RecordingMode, what)
		assert.Equal(t, int32(300), got.RecordingReconnectWindowSeconds, what)
		require.NotNil(t, got.HlsConfiguration, what)
		assert.Equal(t, int32(2), aws.ToInt32(got.HlsConfiguration.TargetSegmentDurationSeconds), what)
		assert.True(t, got.RecordParticipantReplicas, "%s: the default, as the SDK sent none", what)
	}
	checkRecording("CreateStage", created.Stage.AutoParticipantRecordingConfiguration)
	arn := aws.ToString(created.Stage.Arn)
	eps := created.Stage.Endpoints
	require.NotNil(t, eps)
	assert.Equal(t, "wss://global.events.live-video.net", aws.ToString(eps.Events))
	id := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(eps.Whip), "https://"), ".global-bm.whip.live-video.net")
	assert.Regexp(t, `^[a-z0-9]{12}$`, id)
	assert.Equal(t, "rtmp://"+id+".global-contribute.live-video.net/app/", aws.ToString(eps.Rtmp))
	assert.Equal(t, "rtmps://"+id+".global-contribute.live-video.net:443/app/", aws.ToString(eps.Rtmps))

	got, err := client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: &arn})
	require.NoError(t, err)
	checkRecording("GetStage", got.Stage.AutoParticipantRecordingConfiguration)
	assert.Equal(t, eps, got.Stage.Endpoints, "kept")

	// An update with part of a thumbnail configuration: the rest of the
	// configuration takes its defaults.
	updated, err := client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: &arn, AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
		StorageConfigurationArn: aws.String(storageArn), ThumbnailConfiguration: &types.ParticipantThumbnailConfiguration{RecordingMode: types.ThumbnailRecordingModeInterval},
	}})
	require.NoError(t, err)
	u := updated.Stage.AutoParticipantRecordingConfiguration
	assert.Equal(t, []types.ParticipantRecordingMediaType{types.ParticipantRecordingMediaTypeAudioVideo}, u.MediaTypes)
	assert.Equal(t, int32(60), aws.ToInt32(u.ThumbnailConfiguration.TargetIntervalSeconds))
	assert.Equal(t, []types.ThumbnailStorageType{types.ThumbnailStorageTypeSequential}, u.ThumbnailConfiguration.Storage)
	assert.Equal(t, types.ThumbnailRecordingModeInterval, u.ThumbnailConfiguration.RecordingMode)
	assert.Equal(t, int32(0), u.RecordingReconnectWindowSeconds)
	assert.Equal(t, int32(6), aws.ToInt32(u.HlsConfiguration.TargetSegmentDurationSeconds))
	assert.True(t, u.RecordParticipantReplicas)
	assert.Equal(t, eps, updated.Stage.Endpoints, "kept")

	listed, err := client.ListStages(ctx, &ivsrealtime.ListStagesInput{})
	require.NoError(t, err)
	require.Len(t, listed.Stages, 1)
	assert.Equal(t, arn, aws.ToString(listed.Stages[0].Arn))

	// Participants: one joined as an SDK client, one with WHIP.
	alice := join(t, f, created.ParticipantTokens[0])
	bob, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: aws.ToString(created.ParticipantTokens[1].Token), Protocol: "WHIP"})
	require.NoError(t, err)
	for _, c := range []struct {
		j        *ivscontrol.JoinOutput
		protocol types.ParticipantProtocol
	}{{alice, ""}, {bob, types.ParticipantProtocolWhip}} {
		out, err := client.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: &arn, SessionId: &c.j.SessionId, ParticipantId: &c.j.ParticipantId})
		require.NoError(t, err)
		p := out.Participant
		assert.Equal(t, c.protocol, p.Protocol)
		assert.Equal(t, types.ReplicationTypeNone, p.ReplicationType)
		assert.Equal(t, types.ReplicationState(""), p.ReplicationState)
		assert.Nil(t, p.SourceStageArn)
		assert.Nil(t, p.SourceSessionId)
		assert.NotContains(t, string(tap.body("/GetParticipant")), "redundantIngest", "unknown to the SDK: on the wire")
		assert.NotContains(t, string(tap.body("/GetParticipant")), "ingestConfigurationArn")
	}
	parts, err := client.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: &arn, SessionId: &alice.SessionId})
	require.NoError(t, err)
	require.Len(t, parts.Participants, 2)
	for _, p := range parts.Participants {
		assert.Equal(t, types.ReplicationTypeNone, p.ReplicationType)
	}

	// Events: a token exchange and a failed publish.
	ref := ivscontrol.ParticipantRef{StageArn: arn, ParticipantId: alice.ParticipantId}
	exchanged, err := f.Control.ExchangeToken(ctx, ivscontrol.ExchangeTokenInput{ParticipantRef: ref, UserId: aws.String("alice-host"),
		Attributes: map[string]string{"role": "host"}, Capabilities: []string{"PUBLISH", "SUBSCRIBE"}, Duration: aws.Int32(60)})
	require.NoError(t, err)
	require.NoError(t, f.Control.FailPublish(ctx, ref, string(types.EventErrorCodeBFramePresent)))
	events, err := client.ListParticipantEvents(ctx, &ivsrealtime.ListParticipantEventsInput{StageArn: &arn, SessionId: &alice.SessionId, ParticipantId: &alice.ParticipantId})
	require.NoError(t, err)
	var names []types.EventName
	for _, e := range events.Events {
		names = append(names, e.Name)
		assert.False(t, e.Replica)
		assert.Nil(t, e.DestinationStageArn)
	}
	assert.Equal(t, []types.EventName{types.EventNamePublishError, "TOKEN_EXCHANGED", types.EventNameJoined}, names, "v1.30.0 has no constant for TOKEN_EXCHANGED; the name comes through")
	assert.Equal(t, types.EventErrorCodeBFramePresent, events.Events[0].ErrorCode)

	// previousToken and newToken, which v1.30.0 does not know, on the wire.
	var raw struct {
		Events []struct {
			Name                    string
			Replica                 *bool
			PreviousToken, NewToken *struct {
				UserId         string
				Attributes     map[string]string
				Capabilities   []string
				ExpirationTime time.Time
			}
		}
	}
	require.NoError(t, json.Unmarshal(tap.body("/ListParticipantEvents"), &raw))
	x := raw.Events[1]
	require.Equal(t, "TOKEN_EXCHANGED", x.Name)
	require.NotNil(t, x.PreviousToken)
	require.NotNil(t, x.NewToken)
	assert.Equal(t, "alice", x.PreviousToken.UserId)
	assert.Equal(t, []string{"PUBLISH", "SUBSCRIBE"}, x.PreviousToken.Capabilities)
	assert.Equal(t, aws.ToTime(created.ParticipantTokens[0].ExpirationTime), x.PreviousToken.ExpirationTime)
	assert.Equal(t, "alice-host", x.NewToken.UserId)
	assert.Equal(t, map[string]string{"role": "host"}, x.NewToken.Attributes)
	assert.Equal(t, exchanged.ParticipantToken.ExpirationTime, x.NewToken.ExpirationTime)
	for _, e := range raw.Events {
		require.NotNil(t, e.Replica)
	}
	after, err := client.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: &arn, SessionId: &alice.SessionId, ParticipantId: &alice.ParticipantId})
	require.NoError(t, err)
	assert.Equal(t, "alice-host", aws.ToString(after.Participant.UserId))
	assert.Equal(t, map[string]string{"role": "host"}, after.Participant.Attributes)
}
