package ivsfake_test

import (
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

// The Go SDK's CreateParticipantToken: CreateStage's defaults and limits,
// and the joined participant carries the token's participantId.
func TestCreateParticipantToken(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	arn := *createStage(t, f, nil).Stage.Arn

	out, err := f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(arn), UserId: aws.String("bob")})
	require.NoError(t, err)
	tok := out.ParticipantToken
	assert.Equal(t, int32(720), aws.ToInt32(tok.Duration))
	assert.Equal(t, []types.ParticipantTokenCapability{"PUBLISH", "SUBSCRIBE"}, tok.Capabilities)
	assert.Equal(t, "bob", aws.ToString(tok.UserId))
	assert.Regexp(t, participantIDPattern, aws.ToString(tok.ParticipantId))
	j := join(t, f, *tok)
	assert.Equal(t, *tok.ParticipantId, j.ParticipantId)
	assert.Equal(t, "bob", aws.ToString(getParticipant(t, f, j).UserId))

	_, err = f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(arn), Duration: aws.Int32(20161)})
	requireValidation(t, err, "duration")
	_, err = f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(arn),
		Capabilities: []types.ParticipantTokenCapability{"ADMIN"}})
	requireValidation(t, err, "capabilities.1.member")
	_, err = f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(unknownStageArn)})
	requireAPIError[*types.ResourceNotFoundException](t, err, 404)
	_, err = f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(foreignStageArn)})
	requireAPIError[*types.AccessDeniedException](t, err, 403)
}

// events lists a participant's events through the SDK's paginator, one
// event a page, as names.
func events(t *testing.T, f *ivsfake.Fake, j *ivscontrol.JoinOutput) []types.Event {
	t.Helper()
	p := ivsrealtime.NewListParticipantEventsPaginator(f.Client, &ivsrealtime.ListParticipantEventsInput{
		StageArn: aws.String(j.StageArn), SessionId: aws.String(j.SessionId), ParticipantId: aws.String(j.ParticipantId), MaxResults: aws.Int32(1),
	})
	var out []types.Event
	for i := 0; p.HasMorePages() && i < 100; i++ {
		pg, err := p.NextPage(ctxT(t))
		require.NoError(t, err)
		require.LessOrEqual(t, len(pg.Events), 1)
		out = append(out, pg.Events...)
	}
	return out
}

func names(es []types.Event) []types.EventName {
	var out []types.EventName
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

// DisconnectParticipant disconnects and revokes: the events say so newest
// first, the token no longer joins, and the refused join is a JOIN_ERROR
// while the session lives.
func TestDisconnectParticipantRevokes(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	st := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("a", "b")})
	a, b := join(t, f, st.ParticipantTokens[0]), join(t, f, st.ParticipantTokens[1])
	require.NoError(t, f.Control.Publish(ctx, a.Ref()))

	_, err := f.Client.DisconnectParticipant(ctx, &ivsrealtime.DisconnectParticipantInput{
		StageArn: aws.String(a.StageArn), ParticipantId: aws.String(a.ParticipantId), Reason: aws.String("moderated"),
	})
	require.NoError(t, err)
	assert.Equal(t, types.ParticipantStateDisconnected, getParticipant(t, f, a).State)
	_, err = f.Control.Join(ctx, ivscontrol.JoinInput{Token: *st.ParticipantTokens[0].Token})
	requireWireError(t, err, "AccessDeniedException", 403)

	es := events(t, f, a)
	assert.Equal(t, []types.EventName{"JOIN_ERROR", "LEFT", "PUBLISH_STOPPED", "PUBLISH_STARTED", "JOINED"}, names(es))
	for i := 1; i < len(es); i++ {
		assert.False(t, es[i].EventTime.After(*es[i-1].EventTime), "newest first")
	}
	assert.Equal(t, a.ParticipantId, aws.ToString(es[0].ParticipantId))
	assert.Equal(t, []types.EventName{"JOINED"}, names(events(t, f, b)))

	_, err = f.Client.DisconnectParticipant(ctx, &ivsrealtime.DisconnectParticipantInput{StageArn: aws.String(unknownStageArn), ParticipantId: aws.String("x")})
	requireAPIError[*types.ResourceNotFoundException](t, err, 404)
}

// A publish without the PUBLISH capability is refused and recorded.
func TestPublishWithoutCapabilityIsAnEvent(t *testing.T) {
	f := ivsfake.Start(t)
	st := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{
		{Capabilities: []types.ParticipantTokenCapability{"SUBSCRIBE"}},
	}})
	j := join(t, f, st.ParticipantTokens[0])
	requireWireError(t, f.Control.Publish(ctxT(t), j.Ref()), "AccessDeniedException", 403)
	es := events(t, f, j)
	require.Equal(t, []types.EventName{"PUBLISH_ERROR", "JOINED"}, names(es))
	assert.Equal(t, types.EventErrorCodeInsufficientCapabilities, es[0].ErrorCode)
	assert.False(t, getParticipant(t, f, j).Published)
}

// ListStageSessions (through its paginator) and GetStageSession: newest
// first, an endTime once ended; DeleteStage ends the live session and its
// participants' events show it.
func TestStageSessions(t *testing.T) {
	clock := &fakeClock{now: time.Date(2024, 6, 20, 12, 0, 0, 0, time.UTC)}
	f := ivsfake.Start(t, ivsfake.Options{Now: clock.Now})
	ctx := ctxT(t)
	st := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("a", "b")})
	first := join(t, f, st.ParticipantTokens[0])
	clock.add(time.Minute)
	require.NoError(t, f.Control.Leave(ctx, first.Ref()))
	clock.add(time.Minute)
	second := join(t, f, st.ParticipantTokens[1])
	require.NoError(t, f.Control.Publish(ctx, second.Ref()))
	require.NotEqual(t, first.SessionId, second.SessionId)

	p := ivsrealtime.NewListStageSessionsPaginator(f.Client, &ivsrealtime.ListStageSessionsInput{StageArn: st.Stage.Arn, MaxResults: aws.Int32(1)})
	var got []types.StageSessionSummary
	for i := 0; p.HasMorePages() && i < 10; i++ {
		pg, err := p.NextPage(ctx)
		require.NoError(t, err)
		got = append(got, pg.StageSessions...)
	}
	require.Len(t, got, 2)
	assert.Equal(t, second.SessionId, aws.ToString(got[0].SessionId), "newest first")
	assert.Nil(t, got[0].EndTime, "live")
	assert.Equal(t, first.SessionId, aws.ToString(got[1].SessionId))
	assert.Equal(t, clock.start.Add(time.Minute), aws.ToTime(got[1].EndTime))
	assert.Equal(t, clock.start, aws.ToTime(got[1].StartTime))

	one, err := f.Client.GetStageSession(ctx, &ivsrealtime.GetStageSessionInput{StageArn: st.Stage.Arn, SessionId: aws.String(first.SessionId)})
	require.NoError(t, err)
	assert.Equal(t, got[1].EndTime, one.StageSession.EndTime)
	_, err = f.Client.GetStageSession(ctx, &ivsrealtime.GetStageSessionInput{StageArn: st.Stage.Arn, SessionId: aws.String("st-Unknown123456")})
	requireAPIError[*types.ResourceNotFoundException](t, err, 404)

	clock.add(time.Minute)
	_, err = f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: st.Stage.Arn})
	require.NoError(t, err)
	one, err = f.Client.GetStageSession(ctx, &ivsrealtime.GetStageSessionInput{StageArn: st.Stage.Arn, SessionId: aws.String(second.SessionId)})
	require.NoError(t, err)
	assert.Equal(t, clock.start.Add(3*time.Minute), aws.ToTime(one.StageSession.EndTime), "DeleteStage ended it")
	assert.Equal(t, []types.EventName{"LEFT", "PUBLISH_STOPPED", "PUBLISH_STARTED", "JOINED"}, names(events(t, f, second)))
}

// fakeClock is a clock a test moves by hand; the fake reads it from its
// own goroutines.
type fakeClock struct {
	mu         sync.Mutex
	start, now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.start.IsZero() {
		c.start = c.now
	}
	c.now = c.now.Add(d)
}
