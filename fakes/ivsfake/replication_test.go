package ivsfake_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// replEvent is what a test compares of a replication test's event.
type replEvent struct {
	Name        types.EventName
	Destination *string
	Session     *string
	Replica     bool
}

func replEventsOf(t *testing.T, ctx context.Context, f *ivsfake.Fake, arn, session, id string) []replEvent {
	t.Helper()
	out, err := f.Client.ListParticipantEvents(ctx, &ivsrealtime.ListParticipantEventsInput{
		StageArn: &arn, SessionId: &session, ParticipantId: &id, MaxResults: aws.Int32(100)})
	require.NoError(t, err)
	var got []replEvent
	for _, e := range out.Events {
		got = append(got, replEvent{e.Name, e.DestinationStageArn, e.DestinationSessionId, e.Replica})
	}
	return got
}

func startRepl(ctx context.Context, f *ivsfake.Fake, src, dst, id string, window *int32, attrs map[string]string) (*ivsrealtime.StartParticipantReplicationOutput, error) {
	return f.Client.StartParticipantReplication(ctx, &ivsrealtime.StartParticipantReplicationInput{
		SourceStageArn: &src, DestinationStageArn: &dst, ParticipantId: &id, ReconnectWindowSeconds: window, Attributes: attrs})
}

func stopRepl(ctx context.Context, f *ivsfake.Fake, src, dst, id string) (*ivsrealtime.StopParticipantReplicationOutput, error) {
	return f.Client.StopParticipantReplication(ctx, &ivsrealtime.StopParticipantReplicationInput{
		SourceStageArn: &src, DestinationStageArn: &dst, ParticipantId: &id})
}

func replicasOf(t *testing.T, ctx context.Context, f *ivsfake.Fake, src, id string) []types.ParticipantReplica {
	t.Helper()
	var all []types.ParticipantReplica
	p := ivsrealtime.NewListParticipantReplicasPaginator(f.Client, &ivsrealtime.ListParticipantReplicasInput{
		SourceStageArn: &src, ParticipantId: &id, MaxResults: aws.Int32(1)})
	for range 10 {
		if !p.HasMorePages() {
			break
		}
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(out.Replicas), 1)
		all = append(all, out.Replicas...)
	}
	require.False(t, p.HasMorePages(), "paging ends")
	return all
}

// TestParticipantReplication drives the three replication operations with
// the Go SDK over HTTP: a publishing participant is replicated to a
// second stage, where its replica shows as REPLICA with its source, and
// it as SOURCE; both sides record events; the answers carry the headers
// the model binds to their members; refusals take the model's errors; a
// stop ends the replica and records REPLICATION_STOPPED.
func TestParticipantReplication(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	sc := createStorage(t, f, "", "bucket-r", nil)
	a := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{
		{UserId: aws.String("alice"), Attributes: map[string]string{"k": "v", "keep": "1"}},
		{UserId: aws.String("bob")},
	}})
	b := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("carol"),
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: sc.Arn}})
	// The Go SDK leaves a false recordParticipantReplicas out of the
	// request (its serializer sends the member only when true), so this
	// stage is made over plain HTTP.
	var c struct{ Stage struct{ Arn string } }
	made := post(t, f, "/CreateStage", `{"autoParticipantRecordingConfiguration":{"storageConfigurationArn":"`+*sc.Arn+`","recordParticipantReplicas":false}}`)
	require.Equal(t, http.StatusOK, made.Status)
	require.NoError(t, json.Unmarshal(made.Body, &c))
	srcArn, bArn, cArn := *a.Stage.Arn, *b.Stage.Arn, c.Stage.Arn
	alice, bob := join(t, f, a.ParticipantTokens[0]), join(t, f, a.ParticipantTokens[1])
	carol := join(t, f, b.ParticipantTokens[0])
	require.NoError(t, f.Control.Publish(ctx, alice.Ref()))

	// Refusals before anything is replicated.
	_, err := startRepl(ctx, f, srcArn, bArn, bob.ParticipantId, nil, nil)
	requireErrorCode(t, err, ivsapi.ErrConflictException, http.StatusConflict) // bob does not publish
	_, err = startRepl(ctx, f, srcArn, bArn, "nobody", nil, nil)
	requireErrorCode(t, err, ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	_, err = startRepl(ctx, f, srcArn, "arn:aws:ivs:us-east-1:123456789012:stage/NoSuchStage1", alice.ParticipantId, nil, nil)
	requireErrorCode(t, err, ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	// Another account's stage in this region may be a destination
	// (TestReplicationAcrossAccounts): one nobody holds is not found. One
	// of another region is refused, as before.
	_, err = startRepl(ctx, f, srcArn, "arn:aws:ivs:us-east-1:210987654321:stage/abcdEFGH1234", alice.ParticipantId, nil, nil)
	requireErrorCode(t, err, ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	_, err = startRepl(ctx, f, srcArn, "arn:aws:ivs:eu-west-1:210987654321:stage/abcdEFGH1234", alice.ParticipantId, nil, nil)
	requireErrorCode(t, err, ivsapi.ErrAccessDeniedException, http.StatusForbidden)
	_, err = startRepl(ctx, f, "arn:aws:ivs:us-east-1:210987654321:stage/abcdEFGH1234", bArn, alice.ParticipantId, nil, nil)
	requireErrorCode(t, err, ivsapi.ErrAccessDeniedException, http.StatusForbidden)
	_, err = startRepl(ctx, f, srcArn, srcArn, alice.ParticipantId, nil, nil)
	requireErrorCode(t, err, ivsapi.ErrConflictException, http.StatusConflict) // alice is in that session already
	_, err = stopRepl(ctx, f, srcArn, bArn, alice.ParticipantId)
	requireErrorCode(t, err, ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	_, err = startRepl(ctx, f, srcArn, bArn, alice.ParticipantId, aws.Int32(301), nil)
	requireValidation(t, err, "reconnectWindowSeconds")

	out, err := startRepl(ctx, f, srcArn, bArn, alice.ParticipantId, nil, map[string]string{"k": "w", "x": "y"})
	require.NoError(t, err)
	assert.Equal(t, "DENY", aws.ToString(out.XFrameOptions), "the answer's header-bound members arrive as headers")
	assert.Equal(t, "*", aws.ToString(out.AccessControlAllowOrigin))
	assert.Equal(t, "nosniff", aws.ToString(out.XContentTypeOptions))
	assert.NotEmpty(t, aws.ToString(out.CacheControl))
	_, err = startRepl(ctx, f, srcArn, bArn, alice.ParticipantId, nil, nil)
	requireErrorCode(t, err, ivsapi.ErrConflictException, http.StatusConflict) // replicated there already

	// The replica, in b's live session, with carol.
	replica := &ivscontrol.JoinOutput{StageArn: bArn, SessionId: carol.SessionId, ParticipantId: alice.ParticipantId}
	r := getParticipant(t, f, replica)
	assert.Equal(t, types.ReplicationTypeReplica, r.ReplicationType)
	assert.Equal(t, types.ReplicationStateActive, r.ReplicationState)
	assert.Equal(t, srcArn, aws.ToString(r.SourceStageArn))
	assert.Equal(t, alice.SessionId, aws.ToString(r.SourceSessionId))
	assert.Equal(t, types.ParticipantStateConnected, r.State)
	assert.True(t, r.Published)
	assert.Equal(t, "alice", aws.ToString(r.UserId))
	assert.Equal(t, map[string]string{"k": "w", "keep": "1", "x": "y"}, r.Attributes, "the request's attributes replace the token's they share")
	assert.Equal(t, types.ParticipantRecordingStateStarting, r.RecordingState, "b records replicas (recordParticipantReplicas defaults to true)")
	s := getParticipant(t, f, alice)
	assert.Equal(t, types.ReplicationTypeSource, s.ReplicationType)
	assert.Equal(t, types.ReplicationStateActive, s.ReplicationState)
	assert.Nil(t, s.SourceStageArn)
	assert.Equal(t, types.ReplicationTypeNone, getParticipant(t, f, carol).ReplicationType)
	assert.Equal(t, []replEvent{
		{Name: types.EventNameReplicationStarted, Destination: &bArn, Session: &carol.SessionId},
		{Name: types.EventNamePublishStarted}, {Name: types.EventNameJoined},
	}, replEventsOf(t, ctx, f, srcArn, alice.SessionId, alice.ParticipantId))
	assert.Equal(t, []replEvent{{Name: types.EventNamePublishStarted, Replica: true}, {Name: types.EventNameJoined, Replica: true}},
		replEventsOf(t, ctx, f, bArn, carol.SessionId, alice.ParticipantId))
	requireWireError(t, f.Control.Leave(ctx, replica.Ref()), ivsapi.ErrConflictException, http.StatusConflict) // a replica has no client

	// A subscribe event whose publisher is a replica says so.
	require.NoError(t, f.Control.Subscribe(ctx, carol.Ref(), alice.ParticipantId))
	assert.Equal(t, replEvent{Name: types.EventNameSubscribeStarted, Replica: true}, replEventsOf(t, ctx, f, bArn, carol.SessionId, carol.ParticipantId)[0])

	// A second destination, which does not record replicas; a session
	// starts there for the replica.
	_, err = startRepl(ctx, f, srcArn, cArn, alice.ParticipantId, aws.Int32(30), nil)
	require.NoError(t, err)
	cSession := aws.ToString(getStage(t, f, cArn).ActiveSessionId)
	require.NotEmpty(t, cSession, "the replica started a session in c")
	inC := &ivscontrol.JoinOutput{StageArn: cArn, SessionId: cSession, ParticipantId: alice.ParticipantId}
	assert.Equal(t, types.ParticipantRecordingStateDisabled, getParticipant(t, f, inC).RecordingState, "recordParticipantReplicas false")

	reps := replicasOf(t, ctx, f, srcArn, alice.ParticipantId)
	require.Len(t, reps, 2)
	assert.Equal(t, types.ParticipantReplica{SourceStageArn: &srcArn, ParticipantId: &alice.ParticipantId, SourceSessionId: &alice.SessionId,
		DestinationStageArn: &bArn, DestinationSessionId: &carol.SessionId, ReplicationState: types.ReplicationStateActive}, reps[0])
	assert.Equal(t, cArn, aws.ToString(reps[1].DestinationStageArn))
	assert.Empty(t, replicasOf(t, ctx, f, srcArn, "nobody"))

	// Stop b: the replica leaves, both sides say STOPPED.
	stopped, err := stopRepl(ctx, f, srcArn, bArn, alice.ParticipantId)
	require.NoError(t, err)
	assert.Equal(t, "DENY", aws.ToString(stopped.XFrameOptions))
	_, err = stopRepl(ctx, f, srcArn, bArn, alice.ParticipantId)
	requireErrorCode(t, err, ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	r = getParticipant(t, f, replica)
	assert.Equal(t, types.ReplicationStateStopped, r.ReplicationState)
	assert.Equal(t, types.ParticipantStateDisconnected, r.State)
	assert.Equal(t, types.ParticipantRecordingStateStopping, r.RecordingState)
	assert.Equal(t, replEvent{Name: types.EventNameReplicationStopped, Destination: &bArn, Session: &carol.SessionId},
		replEventsOf(t, ctx, f, srcArn, alice.SessionId, alice.ParticipantId)[0])
	assert.Equal(t, []replEvent{{Name: types.EventNameLeft, Replica: true}, {Name: types.EventNamePublishStopped, Replica: true}},
		replEventsOf(t, ctx, f, bArn, carol.SessionId, alice.ParticipantId)[:2])
	assert.Equal(t, types.ReplicationStateActive, getParticipant(t, f, alice).ReplicationState, "still replicated to c")

	// The source leaving ends the last one: c's session, held by the
	// replica alone, ends with it... once the 30 s window is over; here
	// the source is disconnected for good (revoked), so at once.
	_, err = f.Client.DisconnectParticipant(ctx, &ivsrealtime.DisconnectParticipantInput{StageArn: &srcArn, ParticipantId: &alice.ParticipantId})
	require.NoError(t, err)
	assert.Equal(t, types.ReplicationStateStopped, getParticipant(t, f, alice).ReplicationState)
	assert.Equal(t, types.ParticipantStateDisconnected, getParticipant(t, f, inC).State)
	assert.Nil(t, getStage(t, f, cArn).ActiveSessionId, "c's session ended with its only participant, the replica")
	for _, rep := range replicasOf(t, ctx, f, srcArn, alice.ParticipantId) {
		assert.Equal(t, types.ReplicationStateStopped, rep.ReplicationState)
	}
}

// TestReplicationReconnectWindow: a source that leaves and comes back
// within reconnectWindowSeconds keeps its replication ACTIVE (the model's
// docs of the member); one that stays away past it, or leaves with no
// window, ends it. A replica that leaves (its stage's session ends) ends
// it too.
func TestReplicationReconnectWindow(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 4, 8, 12, 0, 0, 0, time.UTC)}
	f := ivsfake.Start(t, ivsfake.Options{Now: clock.Now})
	ctx := ctxT(t)
	a := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("alice", "bob")})
	b := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("carol")})
	srcArn, bArn := *a.Stage.Arn, *b.Stage.Arn
	alice := join(t, f, a.ParticipantTokens[0])
	join(t, f, a.ParticipantTokens[1]) // keeps a's session going while alice is away
	carol := join(t, f, b.ParticipantTokens[0])
	require.NoError(t, f.Control.Publish(ctx, alice.Ref()))
	state := func() types.ReplicationState {
		return getParticipant(t, f, &ivscontrol.JoinOutput{StageArn: bArn, SessionId: carol.SessionId, ParticipantId: alice.ParticipantId}).ReplicationState
	}

	_, err := startRepl(ctx, f, srcArn, bArn, alice.ParticipantId, aws.Int32(10), nil)
	require.NoError(t, err)
	require.NoError(t, f.Control.Leave(ctx, alice.Ref()))
	clock.add(9 * time.Second)
	join(t, f, a.ParticipantTokens[0])
	assert.Equal(t, types.ReplicationStateActive, state(), "back within the window")
	require.NoError(t, f.Control.Publish(ctx, alice.Ref()))

	require.NoError(t, f.Control.Leave(ctx, alice.Ref()))
	clock.add(11 * time.Second)
	join(t, f, a.ParticipantTokens[0])
	assert.Equal(t, types.ReplicationStateStopped, state(), "back past the window")
	events := replEventsOf(t, ctx, f, srcArn, alice.SessionId, alice.ParticipantId)
	assert.Equal(t, types.EventNameJoined, events[0].Name)
	assert.Equal(t, types.EventNameReplicationStopped, events[1].Name, "stopped as the window closed, before the join")

	// No window: leaving ends it at once.
	require.NoError(t, f.Control.Publish(ctx, alice.Ref()))
	_, err = startRepl(ctx, f, srcArn, bArn, alice.ParticipantId, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, types.ReplicationStateActive, state())
	require.NoError(t, f.Control.Leave(ctx, alice.Ref()))
	assert.Equal(t, types.ReplicationStateStopped, state())

	// The destination's session ending ends the replication.
	join(t, f, a.ParticipantTokens[0])
	require.NoError(t, f.Control.Publish(ctx, alice.Ref()))
	_, err = startRepl(ctx, f, srcArn, bArn, alice.ParticipantId, nil, nil)
	require.NoError(t, err)
	require.NoError(t, f.Control.EndSession(ctx, bArn))
	assert.Equal(t, types.ReplicationStateStopped, getParticipant(t, f, alice).ReplicationState)
	assert.Equal(t, types.EventNameReplicationStopped, replEventsOf(t, ctx, f, srcArn, alice.SessionId, alice.ParticipantId)[0].Name)
}

// TestReplicationSurvivesRestart: a state file keeps both sides of a
// replication and its events.
func TestReplicationSurvivesRestart(t *testing.T) {
	path := t.TempDir() + "/state.db"
	st, err := ivsfake.OpenStore(path)
	require.NoError(t, err)
	f := ivsfake.Start(t, ivsfake.Options{Store: st})
	ctx := ctxT(t)
	a := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("alice")})
	b := createStage(t, f, nil)
	alice := join(t, f, a.ParticipantTokens[0])
	require.NoError(t, f.Control.Publish(ctx, alice.Ref()))
	_, err = startRepl(ctx, f, *a.Stage.Arn, *b.Stage.Arn, alice.ParticipantId, aws.Int32(5), nil)
	require.NoError(t, err)
	before := replicasOf(t, ctx, f, *a.Stage.Arn, alice.ParticipantId)
	events := replEventsOf(t, ctx, f, *a.Stage.Arn, alice.SessionId, alice.ParticipantId)
	require.NoError(t, st.Close())

	g := ivsfake.Start(t, ivsfake.Options{Store: openStore(t, path)})
	assert.Equal(t, before, replicasOf(t, ctx, g, *a.Stage.Arn, alice.ParticipantId))
	assert.Equal(t, events, replEventsOf(t, ctx, g, *a.Stage.Arn, alice.SessionId, alice.ParticipantId))
	session := aws.ToString(before[0].DestinationSessionId)
	r := getParticipant(t, g, &ivscontrol.JoinOutput{StageArn: *b.Stage.Arn, SessionId: session, ParticipantId: alice.ParticipantId})
	assert.Equal(t, types.ReplicationTypeReplica, r.ReplicationType)
	_, err = stopRepl(ctx, g, *a.Stage.Arn, *b.Stage.Arn, alice.ParticipantId)
	require.NoError(t, err, "the replication loaded is the one that goes on")
}

// TestReplicationQuotaAndPageTokens: a replica publishes in its
// destination, so a destination at its publisher quota refuses it
// (ServiceQuotaExceededException, which the operation declares); a page
// token of ListParticipantReplicas is bound to its source stage and
// participant.
func TestReplicationQuotaAndPageTokens(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	a := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("alice")})
	b := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("bob")})
	c := createStage(t, f, nil)
	alice, bob := join(t, f, a.ParticipantTokens[0]), join(t, f, b.ParticipantTokens[0])
	require.NoError(t, f.Control.Publish(ctx, alice.Ref()))
	require.NoError(t, f.Control.Publish(ctx, bob.Ref()))
	_, err := f.Control.SetQuotas(ctx, ivscontrol.QuotasInput{PublisherQuota: aws.Int(1)})
	require.NoError(t, err)
	_, err = startRepl(ctx, f, *a.Stage.Arn, *b.Stage.Arn, alice.ParticipantId, nil, nil)
	requireErrorCode(t, err, ivsapi.ErrServiceQuotaExceededException, http.StatusPaymentRequired)

	_, err = f.Control.SetQuotas(ctx, ivscontrol.QuotasInput{PublisherQuota: aws.Int(ivsfake.DefaultPublisherQuota)})
	require.NoError(t, err)
	for _, dst := range []string{*b.Stage.Arn, *c.Stage.Arn} {
		_, err = startRepl(ctx, f, *a.Stage.Arn, dst, alice.ParticipantId, nil, nil)
		require.NoError(t, err)
	}
	page, err := f.Client.ListParticipantReplicas(ctx, &ivsrealtime.ListParticipantReplicasInput{SourceStageArn: a.Stage.Arn, ParticipantId: &alice.ParticipantId, MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.NotNil(t, page.NextToken)
	_, err = f.Client.ListParticipantReplicas(ctx, &ivsrealtime.ListParticipantReplicasInput{SourceStageArn: a.Stage.Arn, ParticipantId: &bob.ParticipantId, NextToken: page.NextToken})
	requireValidation(t, err, "nextToken")
}
