package ivsfake_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
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
	"github.com/ivsrt/contract/fakes/wire"
)

// These tests hold the fake's bounds where AWS sets no quota (Limits):
// each attack of issue 18 at its figure, refused or trimmed at the bound,
// the heap against a control run of the bound's worth in the same test.

func newStageIn(t *testing.T, m *ivsfake.Memory) string {
	t.Helper()
	in := &ivsapi.CreateStageRequest{}
	in.SetDefaults()
	out, err := m.CreateStage(context.Background(), in)
	require.NoError(t, err)
	return *out.Stage.Arn
}

// attributesKiB is a token's attributes of 1 KiB in all, the spec's most,
// with text of their own, as each request decoded over HTTP has.
func attributesKiB(i int) map[string]string {
	out := map[string]string{}
	for j := range 4 {
		key := fmt.Sprintf("a%d-%d", j, i)
		out[key] = strings.Repeat("x", 256-len(key))
	}
	return out
}

// The attack of issue 18: 100,000 unused 14-day tokens with 1 KiB of
// attributes for one stage took 328 MB. A stage now keeps at most
// Limits.UnusedTokensPerStage (1,000) tokens nobody has joined with: the
// other 99,000 are refused with ServiceQuotaExceededException, which
// CreateParticipantToken declares, and the heap grows as for the 1,000
// alone. Joining with one, or its expiry, makes room.
func TestUnusedTokensPerStageBoundTheAttack(t *testing.T) {
	const attempts = 100_000
	bound := ivsfake.DefaultUnusedTokensPerStage
	ctx := context.Background()
	issue := func(m *ivsfake.Memory, arn string, n int) (refused int, last string) {
		for i := range n {
			in := &ivsapi.CreateParticipantTokenRequest{StageArn: &arn, Attributes: attributesKiB(i), Duration: aws.Int32(20160)}
			in.SetDefaults()
			out, err := m.CreateParticipantToken(ctx, in)
			if err != nil {
				var we *wire.Error
				require.ErrorAs(t, err, &we)
				require.Equal(t, ivsapi.ErrServiceQuotaExceededException, we.Type, we.Message)
				refused++
				continue
			}
			last = *out.ParticipantToken.Token
		}
		return refused, last
	}
	var refused int
	var m *ivsfake.Memory
	var arn, last string
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	start := time.Now()
	attack := heapGrowth(func() any {
		m = ivsfake.NewMemory(ivsfake.Options{Now: clock.Now})
		arn = newStageIn(t, m)
		refused, last = issue(m, arn, attempts)
		return m
	})
	took := time.Since(start)
	control := heapGrowth(func() any {
		c := ivsfake.NewMemory(ivsfake.Options{Now: clock.Now})
		r, _ := issue(c, newStageIn(t, c), bound)
		require.Zero(t, r)
		return c
	})
	t.Logf("%d 14-day tokens of 1 KiB attributes asked for one stage in %v: %d refused; heap +%d KiB, against +%d KiB for the bound's %d (%.2fx)",
		attempts, took.Round(time.Millisecond), refused, attack>>10, control>>10, bound, float64(attack)/float64(control))
	assert.Equal(t, attempts-bound, refused)
	assert.Less(t, float64(attack), 1.5*float64(control), "the refused tokens are not kept")

	// The refusal names the bound; a join makes room for one more.
	in := &ivsapi.CreateParticipantTokenRequest{StageArn: &arn}
	in.SetDefaults()
	_, err := m.CreateParticipantToken(ctx, in)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has 1000 tokens nobody has joined with, its limit is 1000 (a bound of this fake: AWS sets no such quota)")
	_, err = m.Join(ivscontrol.JoinInput{Token: last})
	require.NoError(t, err)
	_, err = m.CreateParticipantToken(ctx, in)
	require.NoError(t, err, "a token joined with no longer counts")
	_, err = m.CreateParticipantToken(ctx, in)
	require.Error(t, err)
	// Once they expire, they are freed and no longer count.
	clock.add(15 * 24 * time.Hour)
	_, err = m.CreateParticipantToken(ctx, in)
	require.NoError(t, err, "expired tokens no longer count")
	// Another stage has a bound of its own.
	other := newStageIn(t, m)
	_, err = m.CreateParticipantToken(ctx, &ivsapi.CreateParticipantTokenRequest{StageArn: &other, Duration: aws.Int32(60)})
	require.NoError(t, err)
}

// Over HTTP, the token bound answers CreateParticipantToken's declared
// ServiceQuotaExceededException (402), and CreateStage asking for more
// tokens than the bound is refused the same way.
func TestUnusedTokensPerStageOverHTTP(t *testing.T) {
	f := ivsfake.Start(t, ivsfake.Options{Limits: ivsfake.Limits{UnusedTokensPerStage: 3}})
	ctx := ctxT(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: make([]types.ParticipantTokenConfiguration, 2)})
	_, err := f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: out.Stage.Arn})
	require.NoError(t, err)
	_, err = f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: out.Stage.Arn})
	requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)
	_, err = f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: make([]types.ParticipantTokenConfiguration, 4)})
	requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)
}

// The attack of issue 18: 400 faults with 1 MB messages in the control
// API's queue took the fake from 27 MB to 538 MB. A fault's message is now
// at most Limits.FaultMessageBytes (1,024) bytes, and an account and
// region holds at most Limits.PendingFaults (100) pending faults: the 1 MB
// message is refused with ValidationException, and of 400 faults with the
// longest message, 300 are refused with ServiceQuotaExceededException;
// the heap grows as for the 100 alone. Faults used, or a reset, make room.
func TestFaultQueueBounded(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	err := f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "GetStage", Error: "ThrottlingException", Message: strings.Repeat("m", 1_000_000)})
	requireWireError(t, err, ivsapi.ErrValidationException, http.StatusBadRequest)
	assert.Contains(t, err.Error(), "at 'message' failed to satisfy constraint: Member must have length less than or equal to 1024 bytes")

	const attempts = 400
	bound := ivsfake.DefaultPendingFaults
	inject := func(srv *ivsfake.Server, n int) (refused int) {
		for i := range n {
			msg := fmt.Sprintf("%04d", i) + strings.Repeat("m", ivsfake.DefaultFaultMessageBytes-4)
			if err := srv.InjectFault(ivscontrol.Fault{Operation: "GetStage", Error: "ThrottlingException", Message: msg}); err != nil {
				var we *wire.Error
				require.ErrorAs(t, err, &we)
				require.Equal(t, ivsapi.ErrServiceQuotaExceededException, we.Type, we.Message)
				refused++
			}
		}
		return refused
	}
	var refused int
	attack := heapGrowth(func() any {
		srv := ivsfake.New(ivsfake.Options{})
		refused = inject(srv, attempts)
		return srv
	})
	control := heapGrowth(func() any {
		srv := ivsfake.New(ivsfake.Options{})
		require.Zero(t, inject(srv, bound))
		return srv
	})
	t.Logf("%d faults of %d-byte messages: %d refused; heap +%d KiB, against +%d KiB for the bound's %d (%.2fx)",
		attempts, ivsfake.DefaultFaultMessageBytes, refused, attack>>10, control>>10, bound, float64(attack)/float64(control))
	assert.Equal(t, attempts-bound, refused)
	assert.Less(t, float64(attack), 1.5*float64(control), "the refused faults are not kept")

	// Over HTTP: the 101st is refused naming the bound; one used makes
	// room; a reset empties the queue.
	for range bound {
		require.NoError(t, f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "ListStages", Error: "ThrottlingException"}))
	}
	err = f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "ListStages", Error: "ThrottlingException"})
	requireWireError(t, err, ivsapi.ErrServiceQuotaExceededException, http.StatusPaymentRequired)
	assert.Contains(t, err.Error(), "100 faults are pending in account 123456789012, region us-east-1, the most this fake keeps")
	_, err = f.Client.ListStages(ctx, &ivsrealtime.ListStagesInput{})
	require.Error(t, err, "a fault is used")
	require.NoError(t, f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "ListStages", Error: "ThrottlingException"}), "the used one made room")
	require.NoError(t, f.Control.Reset(ctx))
	require.NoError(t, f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "ListStages", Error: "ThrottlingException", Count: 1000}),
		"a fault's count is not the bound: one fault of 1,000 calls is one fault")
}

// A stage keeps at most Limits.SessionsPerStage (100) sessions: issue 18
// found every session kept (about 3 KB each), after DeleteStage too. Of
// 1,000 sessions one after the other, the newest 100 are listed and
// readable, the older dropped (GetStageSession: ResourceNotFoundException),
// as AWS forgets old sessions; a page token issued before the oldest went
// pages on exactly; and the heap grows as for the 100 alone.
func TestSessionsPerStageBounded(t *testing.T) {
	const sessions = 1000
	bound := ivsfake.DefaultSessionsPerStage
	ctx := context.Background()
	// cycle makes n sessions, one after the other: in each the
	// participants of tokens join, and leave, which ends it.
	cycle := func(m *ivsfake.Memory, tokens []string, n int) (first string) {
		for i := range n {
			var refs []ivscontrol.ParticipantRef
			for _, tok := range tokens {
				j, err := m.Join(ivscontrol.JoinInput{Token: tok})
				require.NoError(t, err)
				refs = append(refs, j.Ref())
				if i == 0 {
					first = j.SessionId
				}
			}
			for _, ref := range refs {
				require.NoError(t, m.Leave(ref))
			}
		}
		return first
	}
	// tokens are 5 tokens of the stage with 1 KiB of attributes, which
	// each participant keeps: a session of about 8 KB.
	tokens := func(m *ivsfake.Memory, arn string) (out []string) {
		for i := range 5 {
			in := &ivsapi.CreateParticipantTokenRequest{StageArn: &arn, Attributes: attributesKiB(i)}
			in.SetDefaults()
			tok, err := m.CreateParticipantToken(ctx, in)
			require.NoError(t, err)
			out = append(out, *tok.ParticipantToken.Token)
		}
		return out
	}
	var m *ivsfake.Memory
	var arn, first string
	attack := heapGrowth(func() any {
		m = ivsfake.NewMemory(ivsfake.Options{})
		arn = newStageIn(t, m)
		first = cycle(m, tokens(m, arn), sessions)
		return m
	})
	control := heapGrowth(func() any {
		c := ivsfake.NewMemory(ivsfake.Options{})
		cycle(c, tokens(c, newStageIn(t, c)), bound)
		return c
	})
	t.Logf("%d sessions on one stage: heap +%d KiB, against +%d KiB for the bound's %d (%.2fx)",
		sessions, attack>>10, control>>10, bound, float64(attack)/float64(control))
	assert.Less(t, float64(attack), 1.5*float64(control), "the dropped sessions are not kept")

	list := func(next *string, size int32) *ivsapi.ListStageSessionsResponse {
		in := &ivsapi.ListStageSessionsRequest{StageArn: &arn, NextToken: next, MaxResults: &size}
		out, err := m.ListStageSessions(ctx, in)
		require.NoError(t, err)
		return out
	}
	var all []string
	var next *string
	for {
		page := list(next, 100)
		for _, s := range page.StageSessions {
			all = append(all, *s.SessionId)
		}
		if next = page.NextToken; next == nil {
			break
		}
	}
	assert.Len(t, all, bound, "the newest sessions are listed")
	_, err := m.GetStageSession(ctx, &ivsapi.GetStageSessionRequest{StageArn: &arn, SessionId: &first})
	var we *wire.Error
	require.ErrorAs(t, err, &we)
	assert.Equal(t, ivsapi.ErrResourceNotFoundException, we.Type, "the oldest is dropped")

	// A page token from before more sessions drop the ones it has not
	// reached pages on over those still kept, each once.
	page := list(nil, 10)
	seen := map[string]bool{}
	for _, s := range page.StageSessions {
		seen[*s.SessionId] = true
	}
	cycle(m, tokens(m, arn)[:1], 50)
	rest := 0
	for next := page.NextToken; next != nil; {
		p := list(next, 7)
		for _, s := range p.StageSessions {
			require.False(t, seen[*s.SessionId], "session %s listed twice", *s.SessionId)
			seen[*s.SessionId] = true
			rest++
		}
		next = p.NextToken
	}
	assert.Equal(t, bound-10-50, rest, "the token pages on over the 40 of its listing still kept")
}

// A participant keeps at most Limits.EventsPerParticipant (1,000) events
// in a session: issue 18 found 30,000 refused joins stored 30,002
// JOIN_ERROR events. Now the newest 1,000 are kept (the oldest go first),
// and a page token pages on exactly while older ones go. The bound is a
// count of events (each a few dozen bytes, too few for the heap to tell
// 1,000 from 30,000 over its noise), checked as a count.
func TestEventsPerParticipantBounded(t *testing.T) {
	const refusals = 30_000
	bound := ivsfake.DefaultEventsPerParticipant
	ctx := context.Background()
	// setup: two participants in one session; the second is disconnected
	// for good, so each join with its token is refused as JOIN_ERROR.
	setup := func(m *ivsfake.Memory) (arn, sid, pid, revoked string) {
		arn = newStageIn(t, m)
		var toks []string
		for range 2 {
			in := &ivsapi.CreateParticipantTokenRequest{StageArn: &arn}
			in.SetDefaults()
			out, err := m.CreateParticipantToken(ctx, in)
			require.NoError(t, err)
			toks = append(toks, *out.ParticipantToken.Token)
		}
		_, err := m.Join(ivscontrol.JoinInput{Token: toks[0]})
		require.NoError(t, err)
		j, err := m.Join(ivscontrol.JoinInput{Token: toks[1]})
		require.NoError(t, err)
		_, err = m.DisconnectParticipant(ctx, &ivsapi.DisconnectParticipantRequest{StageArn: &arn, ParticipantId: &j.ParticipantId})
		require.NoError(t, err)
		return arn, j.SessionId, j.ParticipantId, toks[1]
	}
	refuse := func(m *ivsfake.Memory, token string, n int) {
		for range n {
			_, err := m.Join(ivscontrol.JoinInput{Token: token})
			require.Error(t, err)
		}
	}
	m := ivsfake.NewMemory(ivsfake.Options{})
	arn, sid, pid, revoked := setup(m)
	start := time.Now()
	refuse(m, revoked, refusals)
	t.Logf("%d refused joins in %v", refusals, time.Since(start).Round(time.Millisecond))

	list := func(next *string, size int32) *ivsapi.ListParticipantEventsResponse {
		out, err := m.ListParticipantEvents(ctx, &ivsapi.ListParticipantEventsRequest{StageArn: &arn, SessionId: &sid, ParticipantId: &pid, NextToken: next, MaxResults: &size})
		require.NoError(t, err)
		return out
	}
	count := 0
	for next := (*string)(nil); ; {
		page := list(next, 100)
		for _, e := range page.Events {
			assert.Equal(t, ivsapi.EventNameJoinError, *e.Name)
			count++
		}
		if next = page.NextToken; next == nil {
			break
		}
	}
	assert.Equal(t, bound, count, "the newest events are kept, all JOIN_ERROR")
	t.Logf("events kept: %d of %d", count, refusals+2)

	// A token from before 500 more events pages on over the older ones
	// still kept: 1,000 in all, less its first page and the 500 gone.
	page := list(nil, 100)
	refuse(m, revoked, 500)
	rest := 0
	for next := page.NextToken; next != nil; {
		p := list(next, 100)
		rest += len(p.Events)
		next = p.NextToken
	}
	assert.Equal(t, bound-100-500, rest)
}

// At most Limits.DeletedStages (1,000) deleted stages keep their sessions
// readable; deleting more drops the oldest deleted first.
func TestDeletedStagesBounded(t *testing.T) {
	m := ivsfake.NewMemory(ivsfake.Options{Limits: ivsfake.Limits{DeletedStages: 50}})
	ctx := context.Background()
	var arns []string
	for range 60 {
		arn := newStageIn(t, m)
		in := &ivsapi.CreateParticipantTokenRequest{StageArn: &arn}
		in.SetDefaults()
		tok, err := m.CreateParticipantToken(ctx, in)
		require.NoError(t, err)
		_, err = m.Join(ivscontrol.JoinInput{Token: *tok.ParticipantToken.Token})
		require.NoError(t, err)
		_, err = m.DeleteStage(ctx, &ivsapi.DeleteStageRequest{Arn: &arn})
		require.NoError(t, err)
		arns = append(arns, arn)
	}
	sessions := func(arn string) int {
		size := int32(10)
		out, err := m.ListStageSessions(ctx, &ivsapi.ListStageSessionsRequest{StageArn: &arn, MaxResults: &size})
		require.NoError(t, err)
		return len(out.StageSessions)
	}
	assert.Zero(t, sessions(arns[9]), "the oldest deleted are forgotten")
	assert.Equal(t, 1, sessions(arns[10]), "the newest 50 deleted are kept")
	assert.Equal(t, 1, sessions(arns[59]))
	assert.Equal(t, 1000, ivsfake.DefaultDeletedStages)
}
