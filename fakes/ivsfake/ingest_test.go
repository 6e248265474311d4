package ivsfake_test

import (
	"net/http"
	"path/filepath"
	"regexp"
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

// The spec's patterns of an ingest configuration ARN and a stream key
// (from AWS's model), anchored.
var (
	ingestArnPattern = regexp.MustCompile(`^arn:aws:ivs:[a-z0-9-]+:[0-9]+:ingest-configuration/[a-zA-Z0-9-]+$`)
	streamKeyPattern = regexp.MustCompile(`^rt_[0-9]+_[a-z0-9-]+_[a-zA-Z0-9-]+_.+$`)
)

func createIngest(t *testing.T, f *ivsfake.Fake, in *ivsrealtime.CreateIngestConfigurationInput) *types.IngestConfiguration {
	t.Helper()
	out, err := f.Client.CreateIngestConfiguration(ctxT(t), in)
	require.NoError(t, err)
	require.NotNil(t, out.IngestConfiguration)
	return out.IngestConfiguration
}

// TestIngestConfigurationLifecycle drives every ingest operation through
// the SDK over HTTP: created, a configuration is INACTIVE with a new
// participant id and stream key; Get answers it, List lists it, Update
// associates it with a stage, the tag operations take its ARN, and
// deleted it is gone.
func TestIngestConfigurationLifecycle(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	ic := createIngest(t, f, &ivsrealtime.CreateIngestConfigurationInput{
		IngestProtocol: types.IngestProtocolRtmps, Name: aws.String("encoder-1"), UserId: aws.String("u-1"),
		Attributes: map[string]string{"team": "video"}, Tags: map[string]string{"env": "test"},
	})
	arn := aws.ToString(ic.Arn)
	assert.Regexp(t, ingestArnPattern, arn)
	assert.Contains(t, arn, ":us-east-1:123456789012:ingest-configuration/")
	assert.Regexp(t, streamKeyPattern, aws.ToString(ic.StreamKey))
	assert.Regexp(t, `^[a-zA-Z0-9]{12}$`, aws.ToString(ic.ParticipantId))
	assert.Equal(t, types.IngestConfigurationStateInactive, ic.State)
	assert.Equal(t, types.IngestProtocolRtmps, ic.IngestProtocol)
	assert.Equal(t, "", aws.ToString(ic.StageArn), "not associated: the CLI example shows \"\"")
	assert.Equal(t, "encoder-1", aws.ToString(ic.Name))
	assert.Equal(t, "u-1", aws.ToString(ic.UserId))
	assert.Equal(t, map[string]string{"team": "video"}, ic.Attributes)
	assert.Equal(t, map[string]string{"env": "test"}, ic.Tags)

	got, err := f.Client.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: &arn})
	require.NoError(t, err)
	assert.Equal(t, ic.StreamKey, got.IngestConfiguration.StreamKey)

	stage := createStage(t, f, &ivsrealtime.CreateStageInput{}).Stage
	up, err := f.Client.UpdateIngestConfiguration(ctx, &ivsrealtime.UpdateIngestConfigurationInput{Arn: &arn, StageArn: stage.Arn})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(stage.Arn), aws.ToString(up.IngestConfiguration.StageArn))
	assert.Equal(t, ic.ParticipantId, up.IngestConfiguration.ParticipantId, "the participant id stays")

	list, err := f.Client.ListIngestConfigurations(ctx, &ivsrealtime.ListIngestConfigurationsInput{FilterByStageArn: stage.Arn})
	require.NoError(t, err)
	require.Len(t, list.IngestConfigurations, 1)
	assert.Equal(t, arn, aws.ToString(list.IngestConfigurations[0].Arn))

	_, err = f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"b": "2"}})
	require.NoError(t, err)
	_, err = f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"env"}})
	require.NoError(t, err)
	tags, err := f.Client.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: &arn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"b": "2"}, tags.Tags)

	_, err = f.Client.DeleteIngestConfiguration(ctx, &ivsrealtime.DeleteIngestConfigurationInput{Arn: &arn})
	require.NoError(t, err)
	_, err = f.Client.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: &arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
}

// TestIngestRTMPNeedsInsecureIngest: RTMP without insecureIngest true is
// refused naming insecureIngest (the model's docs); with it, taken.
func TestIngestRTMPNeedsInsecureIngest(t *testing.T) {
	f := ivsfake.Start(t)
	_, err := f.Client.CreateIngestConfiguration(ctxT(t), &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmp})
	requireValidation(t, err, ivsapi.MemberInsecureIngest)
	ic := createIngest(t, f, &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmp, InsecureIngest: true})
	assert.Equal(t, types.IngestProtocolRtmp, ic.IngestProtocol)
}

// TestIngestOfAnotherAccount: another account's configuration, or stage,
// is AccessDeniedException; an unknown one ResourceNotFoundException.
func TestIngestOfAnotherAccount(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	other := "arn:aws:ivs:us-east-1:210987654321:ingest-configuration/abcdABCDefgh"
	_, err := f.Client.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: &other})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	_, err = f.Client.DeleteIngestConfiguration(ctx, &ivsrealtime.DeleteIngestConfigurationInput{Arn: &other})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	unknown := "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/abcdABCDefgh"
	_, err = f.Client.UpdateIngestConfiguration(ctx, &ivsrealtime.UpdateIngestConfigurationInput{Arn: &unknown})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Client.CreateIngestConfiguration(ctx, &ivsrealtime.CreateIngestConfigurationInput{
		IngestProtocol: types.IngestProtocolRtmps, StageArn: aws.String("arn:aws:ivs:us-east-1:210987654321:stage/abcdABCDefgh"),
	})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
}

// TestIngestPublishing: publishing through a configuration associated
// with a stage makes its participant join the stage's session with the
// protocol it connected with, and the configuration ACTIVE; while ACTIVE
// it cannot be updated and is deleted only with force, which disconnects
// the participant.
func TestIngestPublishing(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	stage := createStage(t, f, &ivsrealtime.CreateStageInput{}).Stage
	ic := createIngest(t, f, &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps, StageArn: stage.Arn, UserId: aws.String("obs")})
	j, err := f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(ic.StreamKey)})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(ic.ParticipantId), j.ParticipantId)
	p := getParticipant(t, f, j)
	assert.Equal(t, types.ParticipantProtocolRtmps, p.Protocol)
	assert.Equal(t, "obs", aws.ToString(p.UserId))
	assert.True(t, p.Published)
	raw := post(t, f, "/GetParticipant", `{"stageArn":"`+j.StageArn+`","sessionId":"`+j.SessionId+`","participantId":"`+j.ParticipantId+`"}`)
	assert.Contains(t, string(raw.Body), `"ingestConfigurationArn":"`+aws.ToString(ic.Arn)+`"`)

	got, err := f.Client.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: ic.Arn})
	require.NoError(t, err)
	assert.Equal(t, types.IngestConfigurationStateActive, got.IngestConfiguration.State)
	active, err := f.Client.ListIngestConfigurations(ctx, &ivsrealtime.ListIngestConfigurationsInput{FilterByState: types.IngestConfigurationStateActive})
	require.NoError(t, err)
	require.Len(t, active.IngestConfigurations, 1)

	_, err = f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(ic.StreamKey)})
	requireWireError(t, err, "ConflictException", http.StatusConflict)
	_, err = f.Client.UpdateIngestConfiguration(ctx, &ivsrealtime.UpdateIngestConfigurationInput{Arn: ic.Arn, StageArn: aws.String("")})
	requireAPIError[*types.ConflictException](t, err, http.StatusConflict)
	_, err = f.Client.DeleteIngestConfiguration(ctx, &ivsrealtime.DeleteIngestConfigurationInput{Arn: ic.Arn})
	requireAPIError[*types.ConflictException](t, err, http.StatusConflict)
	_, err = f.Client.DeleteIngestConfiguration(ctx, &ivsrealtime.DeleteIngestConfigurationInput{Arn: ic.Arn, Force: true})
	require.NoError(t, err)
	p = getParticipant(t, f, j)
	assert.Equal(t, types.ParticipantStateDisconnected, p.State, "force disconnects the participant")
	_, err = f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(ic.StreamKey)})
	requireWireError(t, err, "ResourceNotFoundException", http.StatusNotFound)
}

// TestIngestRefusals: a configuration with no stage does not publish;
// RTMP to one that allows only RTMPS is refused, and where its
// participant is in the session a PUBLISH_ERROR with INVALID_PROTOCOL
// records it; a second encoder on the key records REUSE_OF_STREAM_KEY.
func TestIngestRefusals(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	loose := createIngest(t, f, &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps})
	_, err := f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(loose.StreamKey)})
	requireWireError(t, err, "ResourceNotFoundException", http.StatusNotFound)
	_, err = f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(loose.StreamKey), Protocol: "WHIP"})
	requireWireError(t, err, "ValidationException", http.StatusBadRequest)
	_, err = f.Control.StartIngest(ctx, ivscontrol.IngestInput{})
	requireWireError(t, err, "ValidationException", http.StatusBadRequest)
	_, err = f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: "rt_123456789012_us-east-1_abcdABCDefgh_nothing"})
	requireWireError(t, err, "ResourceNotFoundException", http.StatusNotFound)
	require.Error(t, f.Control.StopIngest(ctx, aws.ToString(loose.StreamKey)))

	stage := createStage(t, f, &ivsrealtime.CreateStageInput{}).Stage
	ic := createIngest(t, f, &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps, StageArn: stage.Arn})
	j, err := f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(ic.StreamKey)})
	require.NoError(t, err)
	_, err = f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(ic.StreamKey), Protocol: "RTMP"})
	requireWireError(t, err, "ValidationException", http.StatusBadRequest)
	_, err = f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(ic.StreamKey)})
	requireWireError(t, err, "ConflictException", http.StatusConflict)
	events, err := f.Client.ListParticipantEvents(ctx, &ivsrealtime.ListParticipantEventsInput{StageArn: &j.StageArn, SessionId: &j.SessionId, ParticipantId: &j.ParticipantId})
	require.NoError(t, err)
	var codes []types.EventErrorCode
	for _, e := range events.Events {
		if e.Name == types.EventNamePublishError {
			codes = append(codes, e.ErrorCode)
		}
	}
	assert.ElementsMatch(t, []types.EventErrorCode{types.EventErrorCodeInvalidProtocol, types.EventErrorCodeReuseOfStreamKey}, codes)

	require.NoError(t, f.Control.StopIngest(ctx, aws.ToString(ic.StreamKey)))
	got, err := f.Client.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: ic.Arn})
	require.NoError(t, err)
	assert.Equal(t, types.IngestConfigurationStateInactive, got.IngestConfiguration.State)
}

// TestIngestListPaging: following nextToken lists every configuration
// once; a token is bound to its filter; two filters are refused.
func TestIngestListPaging(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	want := map[string]bool{}
	for range 5 {
		want[aws.ToString(createIngest(t, f, &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps}).Arn)] = true
	}
	got := map[string]bool{}
	in := &ivsrealtime.ListIngestConfigurationsInput{MaxResults: aws.Int32(2)}
	var token *string
	for range 10 {
		in.NextToken = token
		out, err := f.Client.ListIngestConfigurations(ctx, in)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(out.IngestConfigurations), 2)
		for _, s := range out.IngestConfigurations {
			assert.False(t, got[aws.ToString(s.Arn)], "listed twice")
			got[aws.ToString(s.Arn)] = true
		}
		if token = out.NextToken; token == nil {
			break
		}
		if len(got) == 2 {
			_, err := f.Client.ListIngestConfigurations(ctx, &ivsrealtime.ListIngestConfigurationsInput{NextToken: token, FilterByState: types.IngestConfigurationStateInactive})
			requireValidation(t, err, "nextToken")
		}
	}
	assert.Equal(t, want, got)
	_, err := f.Client.ListIngestConfigurations(ctx, &ivsrealtime.ListIngestConfigurationsInput{
		FilterByState: types.IngestConfigurationStateActive, FilterByStageArn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh"),
	})
	requireValidation(t, err, "filterByStageArn,filterByState")
}

// TestIngestStateFile: a configuration, and the participant that
// publishes through it, outlive a restart on the same state file.
func TestIngestStateFile(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "state.db"))
	f := ivsfake.Start(t, ivsfake.Options{Store: s})
	ctx := ctxT(t)
	stage := createStage(t, f, &ivsrealtime.CreateStageInput{}).Stage
	ic := createIngest(t, f, &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps, StageArn: stage.Arn, Tags: map[string]string{"a": "1"}})
	_, err := f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(ic.StreamKey)})
	require.NoError(t, err)
	before, err := f.Client.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: ic.Arn})
	require.NoError(t, err)

	again := ivsfake.Start(t, ivsfake.Options{Store: s})
	after, err := again.Client.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: ic.Arn})
	require.NoError(t, err)
	assert.Equal(t, before.IngestConfiguration, after.IngestConfiguration)
	assert.Equal(t, types.IngestConfigurationStateActive, after.IngestConfiguration.State)
}

// TestIngestRevokedAndQuota: DisconnectParticipant leaves an encoder's
// configuration without its stage, and the participant it revoked does not
// publish again through it once associated again; past the publisher
// quota an encoder is refused, its participant disconnected.
func TestIngestRevokedAndQuota(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	stage := createStage(t, f, &ivsrealtime.CreateStageInput{}).Stage
	ic := createIngest(t, f, &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps, StageArn: stage.Arn})
	key := aws.ToString(ic.StreamKey)
	_, err := f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: key})
	require.NoError(t, err)
	_, err = f.Client.DisconnectParticipant(ctx, &ivsrealtime.DisconnectParticipantInput{StageArn: stage.Arn, ParticipantId: ic.ParticipantId})
	require.NoError(t, err)
	// The disconnect left the configuration without its stage (documented);
	// associated again, its revoked participant still does not publish.
	after, err := f.Client.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: ic.Arn})
	require.NoError(t, err)
	assert.Equal(t, "", aws.ToString(after.IngestConfiguration.StageArn))
	_, err = f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: key})
	requireWireError(t, err, "ResourceNotFoundException", http.StatusNotFound)
	_, err = f.Client.UpdateIngestConfiguration(ctx, &ivsrealtime.UpdateIngestConfigurationInput{Arn: ic.Arn, StageArn: stage.Arn})
	require.NoError(t, err)
	_, err = f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: key})
	requireWireError(t, err, "AccessDeniedException", http.StatusForbidden)

	_, err = f.Control.SetQuotas(ctx, ivscontrol.QuotasInput{PublisherQuota: aws.Int(0)})
	require.NoError(t, err)
	other := createIngest(t, f, &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps, StageArn: stage.Arn})
	_, err = f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(other.StreamKey)})
	requireWireError(t, err, "ServiceQuotaExceededException", http.StatusPaymentRequired)
	got, err := f.Client.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: other.Arn})
	require.NoError(t, err)
	assert.Equal(t, types.IngestConfigurationStateInactive, got.IngestConfiguration.State)
}

// TestIngestActsWhereItsKeyLives: an unsigned ingest call acts in the
// account and region its stream key names, as a join does in its token's.
func TestIngestActsWhereItsKeyLives(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	west := ivsfake.NewClient(f.URL, "us-west-2")
	st, err := west.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	require.NoError(t, err)
	out, err := west.CreateIngestConfiguration(ctx, &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps, StageArn: st.Stage.Arn})
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(out.IngestConfiguration.StreamKey), "_us-west-2_")
	j, err := f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: aws.ToString(out.IngestConfiguration.StreamKey)})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(st.Stage.Arn), j.StageArn)
}
