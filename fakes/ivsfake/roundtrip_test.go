package ivsfake_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsfake"
)

var (
	audioVideo       = []types.ParticipantRecordingMediaType{types.ParticipantRecordingMediaTypeAudioVideo}
	audioOnly        = []types.ParticipantRecordingMediaType{types.ParticipantRecordingMediaTypeAudioOnly}
	publishSubscribe = []types.ParticipantTokenCapability{types.ParticipantTokenCapabilityPublish, types.ParticipantTokenCapabilitySubscribe}
)

// TestCreateStageRoundTrip sends every member of CreateStage through the SDK
// and checks that each comes back, with the defaults the contract gives.
func TestCreateStageRoundTrip(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	attrs := map[string]string{"role": "host", "displayName": "Alice Ünlü"}
	tags := map[string]string{"team": "video", "env": "test"}

	before := time.Now()
	out, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{
		Name: aws.String("my-stage_1"),
		Tags: tags,
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{
			{
				Duration:     aws.Int32(90),
				UserId:       aws.String("alice"),
				Attributes:   attrs,
				Capabilities: []types.ParticipantTokenCapability{types.ParticipantTokenCapabilityPublish},
			},
			{},
		},
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: aws.String(storageArn),
			MediaTypes:              audioOnly,
		},
	})
	after := time.Now()
	require.NoError(t, err)

	st := out.Stage
	require.NotNil(t, st)
	assert.Regexp(t, stageArnPattern, aws.ToString(st.Arn))
	assert.Contains(t, aws.ToString(st.Arn), ":us-east-1:123456789012:stage/")
	assert.Equal(t, "my-stage_1", aws.ToString(st.Name))
	assert.Equal(t, tags, st.Tags)
	require.NotNil(t, st.AutoParticipantRecordingConfiguration)
	assert.Equal(t, storageArn, aws.ToString(st.AutoParticipantRecordingConfiguration.StorageConfigurationArn))
	assert.Equal(t, audioOnly, st.AutoParticipantRecordingConfiguration.MediaTypes)
	assert.Nil(t, st.ActiveSessionId, "nobody has joined yet")

	require.Len(t, out.ParticipantTokens, 2)
	full, empty := out.ParticipantTokens[0], out.ParticipantTokens[1]

	assert.Regexp(t, participantIDPattern, aws.ToString(full.ParticipantId))
	assert.NotEmpty(t, aws.ToString(full.Token))
	assert.Equal(t, int32(90), aws.ToInt32(full.Duration))
	assert.Equal(t, []types.ParticipantTokenCapability{types.ParticipantTokenCapabilityPublish}, full.Capabilities)
	assert.Equal(t, "alice", aws.ToString(full.UserId))
	assert.Equal(t, attrs, full.Attributes)
	requireExpiry(t, full.ExpirationTime, before, after, 90*time.Minute)

	assert.Regexp(t, participantIDPattern, aws.ToString(empty.ParticipantId))
	assert.NotEmpty(t, aws.ToString(empty.Token))
	assert.Equal(t, int32(720), aws.ToInt32(empty.Duration), "default duration")
	assert.Equal(t, publishSubscribe, empty.Capabilities, "default capabilities")
	assert.Empty(t, aws.ToString(empty.UserId))
	assert.Empty(t, empty.Attributes)
	requireExpiry(t, empty.ExpirationTime, before, after, 720*time.Minute)

	assert.NotEqual(t, aws.ToString(full.ParticipantId), aws.ToString(empty.ParticipantId))
	assert.NotEqual(t, aws.ToString(full.Token), aws.ToString(empty.Token))

	// GetStage answers with the same stage.
	assert.Equal(t, st, getStage(t, f, aws.ToString(st.Arn)))
}

// requireExpiry checks that exp is issue time + d, the issue time lying
// between before and after (give or take the fake's millisecond rounding).
func requireExpiry(t *testing.T, exp *time.Time, before, after time.Time, d time.Duration) {
	t.Helper()
	require.NotNil(t, exp, "expirationTime")
	assert.WithinRange(t, *exp, before.Add(d).Add(-time.Second), after.Add(d).Add(time.Second))
}

// TestCreateStageDefaults: a stage created with nothing reports its tags as
// {} and its recording configuration with defaults applied.
func TestCreateStageDefaults(t *testing.T) {
	f := ivsfake.Start(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{})
	st := out.Stage

	assert.Regexp(t, stageArnPattern, aws.ToString(st.Arn))
	assert.NotNil(t, st.Tags, "tags must be {} (a non-nil map), not absent")
	assert.Empty(t, st.Tags)
	require.NotNil(t, st.AutoParticipantRecordingConfiguration)
	assert.Equal(t, "", aws.ToString(st.AutoParticipantRecordingConfiguration.StorageConfigurationArn))
	assert.NotNil(t, st.AutoParticipantRecordingConfiguration.StorageConfigurationArn, "storageConfigurationArn must be \"\", not absent")
	assert.Equal(t, audioVideo, st.AutoParticipantRecordingConfiguration.MediaTypes)
	assert.Empty(t, out.ParticipantTokens)

	got := getStage(t, f, aws.ToString(st.Arn))
	assert.Equal(t, st, got)
	assert.NotNil(t, got.Tags)

	// An explicit "" on create resets mediaTypes as on update.
	off := createStage(t, f, &ivsrealtime.CreateStageInput{
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(""), MediaTypes: audioOnly},
	})
	assert.Equal(t, audioVideo, off.Stage.AutoParticipantRecordingConfiguration.MediaTypes)
	assert.Equal(t, "", aws.ToString(off.Stage.AutoParticipantRecordingConfiguration.StorageConfigurationArn))
}

// TestRecordingConfigurationMediaTypesDefault: a configuration given without
// mediaTypes gets [AUDIO_VIDEO], on create and on update.
func TestRecordingConfigurationMediaTypesDefault(t *testing.T) {
	f := ivsfake.Start(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)},
	})
	rec := out.Stage.AutoParticipantRecordingConfiguration
	assert.Equal(t, storageArn, aws.ToString(rec.StorageConfigurationArn))
	assert.Equal(t, audioVideo, rec.MediaTypes)

	up, err := f.Client.UpdateStage(ctxT(t), &ivsrealtime.UpdateStageInput{
		Arn:                                   out.Stage.Arn,
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)},
	})
	require.NoError(t, err)
	assert.Equal(t, audioVideo, up.Stage.AutoParticipantRecordingConfiguration.MediaTypes)
}

// TestUpdateStageChangesOnlyWhatItIsGiven covers partial updates and the
// reset of the recording configuration.
func TestUpdateStageChangesOnlyWhatItIsGiven(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	tags := map[string]string{"k": "v"}
	out := createStage(t, f, &ivsrealtime.CreateStageInput{
		Name: aws.String("before"),
		Tags: tags,
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: aws.String(storageArn), MediaTypes: audioOnly,
		},
	})
	arn := out.Stage.Arn

	// Name only: recording configuration and tags stay.
	up, err := f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: arn, Name: aws.String("after")})
	require.NoError(t, err)
	assert.Equal(t, "after", aws.ToString(up.Stage.Name))
	assert.Equal(t, tags, up.Stage.Tags)
	assert.Equal(t, storageArn, aws.ToString(up.Stage.AutoParticipantRecordingConfiguration.StorageConfigurationArn))
	assert.Equal(t, audioOnly, up.Stage.AutoParticipantRecordingConfiguration.MediaTypes)
	assert.Equal(t, up.Stage, getStage(t, f, *arn), "GetStage sees the update")

	// Configuration only: name and tags stay.
	other := "arn:aws:ivs:us-east-1:123456789012:storage-configuration/Other99"
	up, err = f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{
		Arn: arn,
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: aws.String(other), MediaTypes: audioOnly,
		},
	})
	require.NoError(t, err)
	assert.Equal(t, "after", aws.ToString(up.Stage.Name))
	assert.Equal(t, tags, up.Stage.Tags)
	assert.Equal(t, other, aws.ToString(up.Stage.AutoParticipantRecordingConfiguration.StorageConfigurationArn))
	assert.Equal(t, up.Stage, getStage(t, f, *arn))

	// Nothing but the ARN: nothing changes.
	same, err := f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: arn})
	require.NoError(t, err)
	assert.Equal(t, up.Stage, same.Stage)

	// "" turns recording off and resets mediaTypes, even when AUDIO_ONLY is sent.
	up, err = f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{
		Arn: arn,
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: aws.String(""), MediaTypes: audioOnly,
		},
	})
	require.NoError(t, err)
	assert.Equal(t, "", aws.ToString(up.Stage.AutoParticipantRecordingConfiguration.StorageConfigurationArn))
	assert.Equal(t, audioVideo, up.Stage.AutoParticipantRecordingConfiguration.MediaTypes)
	assert.Equal(t, "after", aws.ToString(up.Stage.Name))
	assert.Equal(t, up.Stage, getStage(t, f, *arn))

	// The name can be set to "".
	up, err = f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: arn, Name: aws.String("")})
	require.NoError(t, err)
	assert.Equal(t, "", aws.ToString(up.Stage.Name))
	assert.Equal(t, tags, up.Stage.Tags)
}

// TestCreateStageTwelveTokensInOrder: one token per configuration, in order.
func TestCreateStageTwelveTokensInOrder(t *testing.T) {
	f := ivsfake.Start(t)
	ids := make([]string, 12)
	for i := range ids {
		ids[i] = "user-" + string(rune('a'+i))
	}
	out := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs(ids...)})
	require.Len(t, out.ParticipantTokens, 12)
	seen := map[string]bool{}
	for i, tok := range out.ParticipantTokens {
		assert.Equal(t, ids[i], aws.ToString(tok.UserId), "token %d", i)
		seen[aws.ToString(tok.ParticipantId)] = true
	}
	assert.Len(t, seen, 12, "participant ids are unique")
}
