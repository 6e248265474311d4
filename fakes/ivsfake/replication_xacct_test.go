package ivsfake_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
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

// account is one account's view of the fake in a region: its SDK client
// and its control client, both signing with its key.
type account struct {
	c   *ivsrealtime.Client
	ctl *ivscontrol.Control
}

func accountOf(f *ivsfake.Fake, key ivsfake.Key, region string) account {
	return account{clientAs(f, key, region), controlAs(f, key, region)}
}

func (a account) stage(t *testing.T, in *ivsrealtime.CreateStageInput) *ivsrealtime.CreateStageOutput {
	t.Helper()
	if in == nil {
		in = &ivsrealtime.CreateStageInput{}
	}
	out, err := a.c.CreateStage(ctxT(t), in)
	require.NoError(t, err)
	return out
}

func (a account) join(t *testing.T, tok types.ParticipantToken) *ivscontrol.JoinOutput {
	t.Helper()
	out, err := a.ctl.Join(ctxT(t), ivscontrol.JoinInput{Token: aws.ToString(tok.Token)})
	require.NoError(t, err)
	return out
}

func (a account) participant(t *testing.T, stageArn, session, id string) *types.Participant {
	t.Helper()
	out, err := a.c.GetParticipant(ctxT(t), &ivsrealtime.GetParticipantInput{StageArn: &stageArn, SessionId: &session, ParticipantId: &id})
	require.NoError(t, err)
	return out.Participant
}

func (a account) start(src, dst, id string) error {
	_, err := a.c.StartParticipantReplication(context.Background(), &ivsrealtime.StartParticipantReplicationInput{
		SourceStageArn: &src, DestinationStageArn: &dst, ParticipantId: &id})
	return err
}

func (a account) stop(src, dst, id string) error {
	_, err := a.c.StopParticipantReplication(context.Background(), &ivsrealtime.StopParticipantReplicationInput{
		SourceStageArn: &src, DestinationStageArn: &dst, ParticipantId: &id})
	return err
}

func (a account) replicas(t *testing.T, src, id string) []types.ParticipantReplica {
	t.Helper()
	out, err := a.c.ListParticipantReplicas(ctxT(t), &ivsrealtime.ListParticipantReplicasInput{SourceStageArn: &src, ParticipantId: &id})
	require.NoError(t, err)
	assert.Nil(t, out.NextToken)
	return out.Replicas
}

func (a account) events(t *testing.T, stageArn, session, id string) []replEvent {
	t.Helper()
	out, err := a.c.ListParticipantEvents(ctxT(t), &ivsrealtime.ListParticipantEventsInput{
		StageArn: &stageArn, SessionId: &session, ParticipantId: &id, MaxResults: aws.Int32(100)})
	require.NoError(t, err)
	var got []replEvent
	for _, e := range out.Events {
		got = append(got, replEvent{e.Name, e.DestinationStageArn, e.DestinationSessionId, e.Replica})
	}
	return got
}

func (a account) summary(t *testing.T, stageArn, session, id string) types.ParticipantSummary {
	t.Helper()
	out, err := a.c.ListParticipants(ctxT(t), &ivsrealtime.ListParticipantsInput{StageArn: &stageArn, SessionId: &session})
	require.NoError(t, err)
	for _, p := range out.Participants {
		if aws.ToString(p.ParticipantId) == id {
			return p
		}
	}
	t.Fatalf("participant %s is not listed in session %s of %s", id, session, stageArn)
	return types.ParticipantSummary{}
}

// TestReplicationAcrossAccounts replicates a publishing participant of
// account A's stage into a stage of account B in the same region, as
// AWS's CLI example start-participant-replication does (123456789012 to
// 234567890123, both in us-west-2), with the Go SDK over HTTP and each
// account signing its own requests: B's stage lists the replica with its
// source, A lists the replication; both sides record events; a stop, the
// source leaving, its being disconnected and B's stage deleted each end
// the replica on both sides. A destination of another region is still
// refused, and one of another account that names nothing is not found.
func TestReplicationAcrossAccounts(t *testing.T) {
	f := startVerifying(t, ivsfake.Options{})
	ctx := ctxT(t)
	const region = "us-west-2"
	a, b := accountOf(f, keyA, region), accountOf(f, keyB, region)
	sc, err := b.c.CreateStorageConfiguration(ctx, &ivsrealtime.CreateStorageConfigurationInput{S3: &types.S3StorageConfiguration{BucketName: aws.String("bucket-b")}})
	require.NoError(t, err)
	as := a.stage(t, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("alice", "bob")})
	bs := b.stage(t, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("carol"),
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: sc.StorageConfiguration.Arn, RecordParticipantReplicas: true}})
	srcArn, dstArn := *as.Stage.Arn, *bs.Stage.Arn
	require.Regexp(t, `^arn:aws:ivs:us-west-2:111111111111:`, srcArn)
	require.Regexp(t, `^arn:aws:ivs:us-west-2:222222222222:`, dstArn)
	alice, carol := a.join(t, as.ParticipantTokens[0]), b.join(t, bs.ParticipantTokens[0])
	require.NoError(t, a.ctl.Publish(ctx, alice.Ref()))
	id := alice.ParticipantId

	// Refused as before: a destination of another region, another
	// account's source; not found: another account's stage that does not
	// exist, in an account that holds something or nothing.
	eastB := accountOf(f, keyB, "us-east-1").stage(t, nil)
	requireErrorCode(t, a.start(srcArn, *eastB.Stage.Arn, id), ivsapi.ErrAccessDeniedException, http.StatusForbidden)
	requireErrorCode(t, b.start(srcArn, dstArn, id), ivsapi.ErrAccessDeniedException, http.StatusForbidden)
	requireErrorCode(t, a.start(srcArn, "arn:aws:ivs:us-west-2:222222222222:stage/abcdEFGH1234", id), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	requireErrorCode(t, a.start(srcArn, "arn:aws:ivs:us-west-2:333333333333:stage/abcdEFGH1234", id), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	requireErrorCode(t, a.stop(srcArn, dstArn, id), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	assert.NotContains(t, f.Server.Namespaces(), ivsfake.Namespace{Account: "333333333333", Region: region}, "naming an account makes no namespace for it")

	// Replicated: B's stage has the replica, with its source in A.
	require.NoError(t, a.start(srcArn, dstArn, id))
	requireErrorCode(t, a.start(srcArn, dstArn, id), ivsapi.ErrConflictException, http.StatusConflict)
	r := b.participant(t, dstArn, carol.SessionId, id)
	assert.Equal(t, types.ReplicationTypeReplica, r.ReplicationType)
	assert.Equal(t, types.ReplicationStateActive, r.ReplicationState)
	assert.Equal(t, srcArn, aws.ToString(r.SourceStageArn))
	assert.Equal(t, alice.SessionId, aws.ToString(r.SourceSessionId))
	assert.Equal(t, "alice", aws.ToString(r.UserId))
	assert.Equal(t, types.ParticipantStateConnected, r.State)
	assert.True(t, r.Published)
	assert.Equal(t, types.ParticipantRecordingStateStarting, r.RecordingState, "B's stage records replicas (recordParticipantReplicas)")
	assert.Equal(t, "bucket-b", aws.ToString(r.RecordingS3BucketName), "in B's bucket")
	sum := b.summary(t, dstArn, carol.SessionId, id)
	assert.Equal(t, types.ReplicationTypeReplica, sum.ReplicationType)
	assert.Equal(t, srcArn, aws.ToString(sum.SourceStageArn))
	assert.Equal(t, alice.SessionId, aws.ToString(sum.SourceSessionId))
	src := a.participant(t, srcArn, alice.SessionId, id)
	assert.Equal(t, types.ReplicationTypeSource, src.ReplicationType)
	assert.Equal(t, types.ReplicationStateActive, src.ReplicationState)
	reps := a.replicas(t, srcArn, id)
	require.Len(t, reps, 1)
	assert.Equal(t, types.ParticipantReplica{SourceStageArn: &srcArn, ParticipantId: &id, SourceSessionId: &alice.SessionId,
		DestinationStageArn: &dstArn, DestinationSessionId: &carol.SessionId, ReplicationState: types.ReplicationStateActive}, reps[0])
	// What each account may see stays its own.
	_, err = b.c.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: &srcArn, SessionId: &alice.SessionId, ParticipantId: &id})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	_, err = b.c.ListParticipantReplicas(ctx, &ivsrealtime.ListParticipantReplicasInput{SourceStageArn: &srcArn, ParticipantId: &id})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)

	started := replEvent{Name: types.EventNameReplicationStarted, Destination: &dstArn, Session: &carol.SessionId}
	stopped := replEvent{Name: types.EventNameReplicationStopped, Destination: &dstArn, Session: &carol.SessionId}
	// Newest first, as ListParticipantEvents lists them.
	assert.Equal(t, []replEvent{started, {Name: types.EventNamePublishStarted}, {Name: types.EventNameJoined}}, a.events(t, srcArn, alice.SessionId, id))
	assert.Equal(t, []replEvent{{Name: types.EventNamePublishStarted, Replica: true}, {Name: types.EventNameJoined, Replica: true}},
		b.events(t, dstArn, carol.SessionId, id))

	// A stop ends the replica in B.
	require.NoError(t, a.stop(srcArn, dstArn, id))
	requireErrorCode(t, a.stop(srcArn, dstArn, id), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	r = b.participant(t, dstArn, carol.SessionId, id)
	assert.Equal(t, types.ParticipantStateDisconnected, r.State)
	assert.Equal(t, types.ReplicationStateStopped, r.ReplicationState)
	assert.Equal(t, types.ReplicationStateStopped, a.replicas(t, srcArn, id)[0].ReplicationState)
	assert.Equal(t, []replEvent{stopped, started, {Name: types.EventNamePublishStarted}, {Name: types.EventNameJoined}}, a.events(t, srcArn, alice.SessionId, id))
	assert.Equal(t, replEvent{Name: types.EventNameLeft, Replica: true}, b.events(t, dstArn, carol.SessionId, id)[0])

	// The source leaving ends it.
	require.NoError(t, a.start(srcArn, dstArn, id))
	assert.Equal(t, types.ParticipantStateConnected, b.participant(t, dstArn, carol.SessionId, id).State, "replicated again into the same session")
	require.NoError(t, a.ctl.Leave(ctx, alice.Ref()))
	r = b.participant(t, dstArn, carol.SessionId, id)
	assert.Equal(t, types.ParticipantStateDisconnected, r.State)
	assert.Equal(t, types.ReplicationStateStopped, r.ReplicationState)
	assert.Equal(t, types.ReplicationStateStopped, a.replicas(t, srcArn, id)[0].ReplicationState)
	assert.Equal(t, stopped, a.events(t, srcArn, alice.SessionId, id)[0], "as it left")

	// Within its reconnect window a source that leaves and comes back
	// keeps the replica; then leaving for good (a stop naming it once
	// it is back, here) ends it as before.
	alice = a.join(t, as.ParticipantTokens[0])
	bob := a.join(t, as.ParticipantTokens[1]) // keeps A's session going while alice is away
	require.NoError(t, a.ctl.Publish(ctx, alice.Ref()))
	_, err = a.c.StartParticipantReplication(ctx, &ivsrealtime.StartParticipantReplicationInput{
		SourceStageArn: &srcArn, DestinationStageArn: &dstArn, ParticipantId: &id, ReconnectWindowSeconds: aws.Int32(300)})
	require.NoError(t, err)
	require.NoError(t, a.ctl.Leave(ctx, alice.Ref()))
	assert.Equal(t, types.ReplicationStateActive, b.participant(t, dstArn, carol.SessionId, id).ReplicationState, "away within the window")
	alice = a.join(t, as.ParticipantTokens[0])
	assert.Equal(t, types.ReplicationStateActive, a.replicas(t, srcArn, id)[0].ReplicationState, "back within the window")
	require.NoError(t, a.stop(srcArn, dstArn, id))
	assert.Equal(t, types.ParticipantStateDisconnected, b.participant(t, dstArn, carol.SessionId, id).State)

	// DisconnectParticipant of the source ends it.
	require.NoError(t, a.ctl.Publish(ctx, bob.Ref()))
	require.NoError(t, a.start(srcArn, dstArn, bob.ParticipantId))
	assert.Equal(t, types.ReplicationTypeReplica, b.participant(t, dstArn, carol.SessionId, bob.ParticipantId).ReplicationType)
	_, err = a.c.DisconnectParticipant(ctx, &ivsrealtime.DisconnectParticipantInput{StageArn: &srcArn, ParticipantId: &bob.ParticipantId})
	require.NoError(t, err)
	r = b.participant(t, dstArn, carol.SessionId, bob.ParticipantId)
	assert.Equal(t, types.ParticipantStateDisconnected, r.State)
	assert.Equal(t, types.ReplicationStateStopped, r.ReplicationState)
	assert.Equal(t, types.ReplicationStateStopped, a.replicas(t, srcArn, bob.ParticipantId)[0].ReplicationState)

	// B's stage deleted ends it: A's side records REPLICATION_STOPPED.
	require.NoError(t, a.ctl.Publish(ctx, alice.Ref()))
	require.NoError(t, a.start(srcArn, dstArn, id))
	_, err = b.c.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: &dstArn})
	require.NoError(t, err)
	reps = a.replicas(t, srcArn, id)
	require.Len(t, reps, 1)
	assert.Equal(t, types.ReplicationStateStopped, reps[0].ReplicationState)
	assert.Equal(t, alice.SessionId, aws.ToString(reps[0].SourceSessionId))
	assert.Equal(t, types.EventNameReplicationStopped, a.events(t, srcArn, alice.SessionId, id)[0].Name)
	assert.Equal(t, types.ReplicationStateStopped, a.participant(t, srcArn, alice.SessionId, id).ReplicationState, "no replication active")
	requireErrorCode(t, a.stop(srcArn, dstArn, id), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
	requireErrorCode(t, a.start(srcArn, dstArn, id), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)
}

// TestReplicationAcrossAccountsSurvivesRestart: a state file keeps both
// sides of a replication across accounts, each in its account's
// namespace; after a restart A stops it, and the replica leaves B's
// session (whose namespace is loaded from the file when the stop needs it).
func TestReplicationAcrossAccountsSurvivesRestart(t *testing.T) {
	path := t.TempDir() + "/state.db"
	st, err := ivsfake.OpenStore(path)
	require.NoError(t, err)
	f := startVerifying(t, ivsfake.Options{Store: st})
	const region = "us-west-2"
	a, b := accountOf(f, keyA, region), accountOf(f, keyB, region)
	as := a.stage(t, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("alice")})
	bs := b.stage(t, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("carol")})
	srcArn, dstArn := *as.Stage.Arn, *bs.Stage.Arn
	alice, carol := a.join(t, as.ParticipantTokens[0]), b.join(t, bs.ParticipantTokens[0])
	require.NoError(t, a.ctl.Publish(ctxT(t), alice.Ref()))
	id := alice.ParticipantId
	require.NoError(t, a.start(srcArn, dstArn, id))
	before := a.replicas(t, srcArn, id)
	replica := b.participant(t, dstArn, carol.SessionId, id)
	require.NoError(t, st.Close())

	g := startVerifying(t, ivsfake.Options{Store: openStore(t, path)})
	a, b = accountOf(g, keyA, region), accountOf(g, keyB, region)
	assert.Equal(t, before, a.replicas(t, srcArn, id))
	assert.NotContains(t, g.Server.Namespaces(), ivsfake.Namespace{Account: keyB.Account, Region: region}, "B is not loaded yet")
	require.NoError(t, a.stop(srcArn, dstArn, id), "the replication loaded is the one that goes on")
	after := b.participant(t, dstArn, carol.SessionId, id)
	assert.Equal(t, replica.SourceStageArn, after.SourceStageArn)
	assert.Equal(t, types.ReplicationStateStopped, after.ReplicationState)
	assert.Equal(t, types.ParticipantStateDisconnected, after.State)
}

// TestReplicationAcrossAccountsConcurrently: A replicates its publishers
// into B's stage while B replicates its own into A's, each side then
// stopping half and making the rest leave, all at once. Under -race this
// checks the two namespaces' locks are taken safely (in one order: were
// they not, the two directions would deadlock); at the end no replica is
// connected on either side and every replication is stopped.
func TestReplicationAcrossAccountsConcurrently(t *testing.T) {
	f := startVerifying(t, ivsfake.Options{})
	const region, n = "us-west-2", 6
	a, b := accountOf(f, keyA, region), accountOf(f, keyB, region)
	users := make([]string, n+1)
	for i := range users {
		users[i] = fmt.Sprintf("user%d", i)
	}
	as := a.stage(t, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs(users...)})
	bs := b.stage(t, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs(users...)})
	type side struct {
		acct             account
		own, other       string
		joined, listener []*ivscontrol.JoinOutput
	}
	sides := []*side{{acct: a, own: *as.Stage.Arn, other: *bs.Stage.Arn}, {acct: b, own: *bs.Stage.Arn, other: *as.Stage.Arn}}
	for i, s := range sides {
		toks := [][]types.ParticipantToken{as.ParticipantTokens, bs.ParticipantTokens}[i]
		s.listener = append(s.listener, s.acct.join(t, toks[n])) // keeps the session going
		for _, tok := range toks[:n] {
			j := s.acct.join(t, tok)
			require.NoError(t, s.acct.ctl.Publish(ctxT(t), j.Ref()))
			s.joined = append(s.joined, j)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*n)
	for _, s := range sides {
		for i, j := range s.joined {
			wg.Go(func() {
				if err := s.acct.start(s.own, s.other, j.ParticipantId); err != nil {
					errs <- err
					return
				}
				if i%2 == 0 {
					errs <- s.acct.stop(s.own, s.other, j.ParticipantId)
				} else {
					errs <- s.acct.ctl.Leave(context.Background(), j.Ref())
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for k, s := range sides {
		dest := sides[1-k]
		for _, j := range s.joined {
			reps := s.acct.replicas(t, s.own, j.ParticipantId)
			require.Len(t, reps, 1)
			assert.Equal(t, types.ReplicationStateStopped, reps[0].ReplicationState)
			r := dest.acct.participant(t, s.other, dest.listener[0].SessionId, j.ParticipantId)
			assert.Equal(t, types.ParticipantStateDisconnected, r.State)
			assert.Equal(t, types.ReplicationStateStopped, r.ReplicationState)
		}
	}
}

// A reset of either account's namespace ends a replication across
// accounts as deleting its stage does: reset B (the destination's), and
// A's source records REPLICATION_STOPPED; reset A (the source's), and
// the replica leaves B's stage.
func TestReplicationAcrossAccountsEndsWithAReset(t *testing.T) {
	f := startVerifying(t, ivsfake.Options{})
	ctx := ctxT(t)
	const region = "us-west-2"
	a, b := accountOf(f, keyA, region), accountOf(f, keyB, region)
	as := a.stage(t, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("alice")})
	srcArn := *as.Stage.Arn
	alice := a.join(t, as.ParticipantTokens[0])
	require.NoError(t, a.ctl.Publish(ctx, alice.Ref()))
	id := alice.ParticipantId

	bs := b.stage(t, nil)
	require.NoError(t, a.start(srcArn, *bs.Stage.Arn, id))
	require.NoError(t, b.ctl.Reset(ctx))
	reps := a.replicas(t, srcArn, id)
	require.Len(t, reps, 1)
	assert.Equal(t, types.ReplicationStateStopped, reps[0].ReplicationState, "B's reset stopped it")
	assert.Equal(t, types.EventNameReplicationStopped, a.events(t, srcArn, alice.SessionId, id)[0].Name)
	requireErrorCode(t, a.start(srcArn, *bs.Stage.Arn, id), ivsapi.ErrResourceNotFoundException, http.StatusNotFound)

	bs = b.stage(t, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("carol")})
	dstArn := *bs.Stage.Arn
	carol := b.join(t, bs.ParticipantTokens[0])
	require.NoError(t, a.start(srcArn, dstArn, id))
	require.Equal(t, types.ParticipantStateConnected, b.participant(t, dstArn, carol.SessionId, id).State)
	require.NoError(t, a.ctl.Reset(ctx))
	r := b.participant(t, dstArn, carol.SessionId, id)
	assert.Equal(t, types.ParticipantStateDisconnected, r.State, "A's reset ended the replica")
	assert.Equal(t, types.ReplicationStateStopped, r.ReplicationState)
}
