package ivsfake_test

import (
	"net/http"
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

const (
	unknownStageArn = "arn:aws:ivs:us-east-1:123456789012:stage/Unknown12345"
	foreignStageArn = "arn:aws:ivs:us-east-1:999999999999:stage/abc"
)

// TestUnknownResources: unknown stages, sessions and participants are
// ResourceNotFoundException, except for ListParticipants, which lists nothing.
func TestUnknownResources(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("u")})
	j := join(t, f, out.ParticipantTokens[0])

	_, err := f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String(unknownStageArn)})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)

	_, err = f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: aws.String(unknownStageArn), Name: aws.String("x")})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)

	for name, in := range map[string]ivsrealtime.GetParticipantInput{
		"unknown stage":       {StageArn: aws.String(unknownStageArn), SessionId: aws.String(j.SessionId), ParticipantId: aws.String(j.ParticipantId)},
		"unknown session":     {StageArn: aws.String(j.StageArn), SessionId: aws.String(someSessionID), ParticipantId: aws.String(j.ParticipantId)},
		"unknown participant": {StageArn: aws.String(j.StageArn), SessionId: aws.String(j.SessionId), ParticipantId: aws.String("Nobody123456")},
	} {
		t.Run("GetParticipant "+name, func(t *testing.T) {
			_, err := f.Client.GetParticipant(ctxT(t), &in)
			requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
		})
	}

	for name, in := range map[string]ivsrealtime.ListParticipantsInput{
		"unknown stage":   {StageArn: aws.String(unknownStageArn), SessionId: aws.String(j.SessionId)},
		"unknown session": {StageArn: aws.String(j.StageArn), SessionId: aws.String(someSessionID)},
	} {
		t.Run("ListParticipants "+name, func(t *testing.T) {
			got, err := f.Client.ListParticipants(ctxT(t), &in)
			require.NoError(t, err)
			assert.NotNil(t, got.Participants)
			assert.Empty(t, got.Participants)
			assert.Nil(t, got.NextToken)
		})
	}

	// The participant really is there.
	got, err := f.Client.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: aws.String(j.StageArn), SessionId: aws.String(j.SessionId)})
	require.NoError(t, err)
	require.Len(t, got.Participants, 1)
	assert.Equal(t, j.ParticipantId, aws.ToString(got.Participants[0].ParticipantId))
}

// TestAnotherAccountsStage: every operation on a stage of another account
// is AccessDeniedException (403).
func TestAnotherAccountsStage(t *testing.T) {
	f := ivsfake.Start(t)
	calls := map[string]func() error{
		"GetStage": func() error {
			_, err := f.Client.GetStage(ctxT(t), &ivsrealtime.GetStageInput{Arn: aws.String(foreignStageArn)})
			return err
		},
		"UpdateStage": func() error {
			_, err := f.Client.UpdateStage(ctxT(t), &ivsrealtime.UpdateStageInput{Arn: aws.String(foreignStageArn), Name: aws.String("x")})
			return err
		},
		"GetParticipant": func() error {
			_, err := f.Client.GetParticipant(ctxT(t), &ivsrealtime.GetParticipantInput{
				StageArn: aws.String(foreignStageArn), SessionId: aws.String(someSessionID), ParticipantId: aws.String("abc"),
			})
			return err
		},
		"ListParticipants": func() error {
			_, err := f.Client.ListParticipants(ctxT(t), &ivsrealtime.ListParticipantsInput{
				StageArn: aws.String(foreignStageArn), SessionId: aws.String(someSessionID),
			})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			requireAPIError[*types.AccessDeniedException](t, call(), http.StatusForbidden)
		})
	}

	// A fake of another account mints ARNs of that account and refuses ours.
	other := ivsfake.Start(t, ivsfake.Options{Account: "999999999999", Region: "eu-west-1"})
	theirs := createStage(t, other, nil)
	assert.Regexp(t, `^arn:aws:ivs:eu-west-1:999999999999:stage/[a-zA-Z0-9]{12}$`, *theirs.Stage.Arn)
	ours := createStage(t, f, nil)
	_, err := other.Client.GetStage(ctxT(t), &ivsrealtime.GetStageInput{Arn: ours.Stage.Arn})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
}

// TestRecordingConfigurationConflict: the recording configuration cannot
// change while a participant is STARTING, ACTIVE or STOPPING; it can when
// they are STOPPED or FAILED, or nobody has joined; the name always can.
func TestRecordingConfigurationConflict(t *testing.T) {
	newConfig := &types.AutoParticipantRecordingConfiguration{
		StorageConfigurationArn: aws.String("arn:aws:ivs:us-east-1:123456789012:storage-configuration/New1"),
		MediaTypes:              audioOnly,
	}
	// Each case brings the stage's only participant to a recording state.
	cases := []struct {
		state    types.ParticipantRecordingState
		steps    func(t *testing.T, f *ivsfake.Fake, ref ivscontrol.ParticipantRef)
		conflict bool
	}{
		{types.ParticipantRecordingStateStopped, func(*testing.T, *ivsfake.Fake, ivscontrol.ParticipantRef) {}, false},
		{types.ParticipantRecordingStateStarting, func(t *testing.T, f *ivsfake.Fake, ref ivscontrol.ParticipantRef) {
			require.NoError(t, f.Control.Publish(ctxT(t), ref))
		}, true},
		{types.ParticipantRecordingStateActive, func(t *testing.T, f *ivsfake.Fake, ref ivscontrol.ParticipantRef) {
			require.NoError(t, f.Control.Publish(ctxT(t), ref))
			require.NoError(t, f.Control.StartRecording(ctxT(t), ref))
		}, true},
		{types.ParticipantRecordingStateStopping, func(t *testing.T, f *ivsfake.Fake, ref ivscontrol.ParticipantRef) {
			require.NoError(t, f.Control.Publish(ctxT(t), ref))
			require.NoError(t, f.Control.StartRecording(ctxT(t), ref))
			require.NoError(t, f.Control.Leave(ctxT(t), ref))
		}, true},
		{types.ParticipantRecordingStateStopped, func(t *testing.T, f *ivsfake.Fake, ref ivscontrol.ParticipantRef) {
			require.NoError(t, f.Control.Publish(ctxT(t), ref))
			require.NoError(t, f.Control.StartRecording(ctxT(t), ref))
			require.NoError(t, f.Control.StopRecording(ctxT(t), ref))
		}, false},
		{types.ParticipantRecordingStateStopped, func(t *testing.T, f *ivsfake.Fake, ref ivscontrol.ParticipantRef) {
			require.NoError(t, f.Control.Publish(ctxT(t), ref))
			require.NoError(t, f.Control.StartRecording(ctxT(t), ref))
			require.NoError(t, f.Control.Leave(ctxT(t), ref))
			require.NoError(t, f.Control.StopRecording(ctxT(t), ref)) // the recording finishes after leaving
		}, false},
		{types.ParticipantRecordingStateFailed, func(t *testing.T, f *ivsfake.Fake, ref ivscontrol.ParticipantRef) {
			require.NoError(t, f.Control.Publish(ctxT(t), ref))
			require.NoError(t, f.Control.FailRecording(ctxT(t), ref))
		}, false},
	}
	f := ivsfake.Start(t)
	for i, tc := range cases {
		t.Run(string(tc.state), func(t *testing.T) {
			ctx := ctxT(t)
			out := createStage(t, f, &ivsrealtime.CreateStageInput{
				Name:                                  aws.String("rec"),
				ParticipantTokenConfigurations:        tokenConfigs("u"),
				AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)},
			})
			arn := *out.Stage.Arn
			j := join(t, f, out.ParticipantTokens[0])
			tc.steps(t, f, j.Ref())
			require.Equal(t, tc.state, getParticipant(t, f, j).RecordingState, "case %d", i)
			before := getStage(t, f, arn)

			up, err := f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: aws.String(arn), AutoParticipantRecordingConfiguration: newConfig})
			if tc.conflict {
				requireAPIError[*types.ConflictException](t, err, http.StatusConflict)
				assert.Equal(t, before, getStage(t, f, arn), "a refused update changes nothing")

				// Even with a new name alongside, nothing changes.
				_, err = f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: aws.String(arn), Name: aws.String("renamed"), AutoParticipantRecordingConfiguration: newConfig})
				requireAPIError[*types.ConflictException](t, err, http.StatusConflict)
				assert.Equal(t, before, getStage(t, f, arn))

				// The name alone can change while recording.
				up, err = f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: aws.String(arn), Name: aws.String("renamed")})
				require.NoError(t, err)
				assert.Equal(t, "renamed", aws.ToString(up.Stage.Name))
				assert.Equal(t, before.AutoParticipantRecordingConfiguration, up.Stage.AutoParticipantRecordingConfiguration)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, newConfig.StorageConfigurationArn, up.Stage.AutoParticipantRecordingConfiguration.StorageConfigurationArn)
			assert.Equal(t, audioOnly, up.Stage.AutoParticipantRecordingConfiguration.MediaTypes)
			assert.Equal(t, "rec", aws.ToString(up.Stage.Name))
		})
	}

	t.Run("no participants", func(t *testing.T) {
		out := createStage(t, f, &ivsrealtime.CreateStageInput{
			AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)},
		})
		_, err := f.Client.UpdateStage(ctxT(t), &ivsrealtime.UpdateStageInput{Arn: out.Stage.Arn, AutoParticipantRecordingConfiguration: newConfig})
		require.NoError(t, err)
	})

	t.Run("recording in an ended session still counts", func(t *testing.T) {
		// Two participants; one records and leaves (STOPPING), the other
		// leaves too, ending the session: the recording is still stopping.
		out := createStage(t, f, &ivsrealtime.CreateStageInput{
			ParticipantTokenConfigurations:        tokenConfigs("a", "b"),
			AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)},
		})
		ctx := ctxT(t)
		a, b := join(t, f, out.ParticipantTokens[0]), join(t, f, out.ParticipantTokens[1])
		require.NoError(t, f.Control.Publish(ctx, a.Ref()))
		require.NoError(t, f.Control.Leave(ctx, a.Ref()))
		require.NoError(t, f.Control.Leave(ctx, b.Ref()))
		require.Nil(t, getStage(t, f, *out.Stage.Arn).ActiveSessionId)
		_, err := f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: out.Stage.Arn, AutoParticipantRecordingConfiguration: newConfig})
		requireAPIError[*types.ConflictException](t, err, http.StatusConflict)

		require.NoError(t, f.Control.StopRecording(ctx, a.Ref()))
		assert.Equal(t, types.ParticipantRecordingStateStopped, getParticipant(t, f, a).RecordingState)
		_, err = f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: out.Stage.Arn, AutoParticipantRecordingConfiguration: newConfig})
		require.NoError(t, err)
	})
}

// TestStageQuota: the account may hold StageQuota stages.
func TestStageQuota(t *testing.T) {
	f := ivsfake.Start(t, ivsfake.Options{StageQuota: 2})
	createStage(t, f, nil)
	createStage(t, f, nil)
	_, err := f.Client.CreateStage(ctxT(t), &ivsrealtime.CreateStageInput{Name: aws.String("third")})
	requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)
	_, err = f.Client.CreateStage(ctxT(t), &ivsrealtime.CreateStageInput{})
	requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)

	require.NoError(t, f.Control.Reset(ctxT(t)))
	createStage(t, f, nil) // Reset frees the quota
}

// clock is a settable clock for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestTokenExpiry: a token expires duration minutes after it is issued, on
// the fake's clock.
func TestTokenExpiry(t *testing.T) {
	start := time.Date(2024, 6, 20, 17, 4, 5, 0, time.UTC)
	c := &clock{now: start}
	f := ivsfake.Start(t, ivsfake.Options{Now: c.Now})
	out := createStage(t, f, &ivsrealtime.CreateStageInput{
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{Duration: aws.Int32(1)}, {Duration: aws.Int32(1)}, {}},
	})
	assert.Equal(t, start.Add(time.Minute), aws.ToTime(out.ParticipantTokens[0].ExpirationTime))
	assert.Equal(t, start.Add(720*time.Minute), aws.ToTime(out.ParticipantTokens[2].ExpirationTime))

	c.Advance(59 * time.Second)
	j := join(t, f, out.ParticipantTokens[0]) // still valid
	assert.Equal(t, start.Add(59*time.Second), aws.ToTime(getParticipant(t, f, j).FirstJoinTime), "firstJoinTime comes from the clock")

	c.Advance(time.Second) // exactly at expiry
	_, err := f.Control.Join(ctxT(t), ivscontrol.JoinInput{Token: *out.ParticipantTokens[1].Token})
	requireWireError(t, err, "ValidationException", 400)

	c.Advance(time.Hour)
	_, err = f.Control.Join(ctxT(t), ivscontrol.JoinInput{Token: *out.ParticipantTokens[1].Token})
	requireWireError(t, err, "ValidationException", 400)
	join(t, f, out.ParticipantTokens[2]) // the 720-minute token is still good

	_, err = f.Control.Join(ctxT(t), ivscontrol.JoinInput{Token: "ivsrt.not-a-token"})
	requireWireError(t, err, "ResourceNotFoundException", 404)
}
