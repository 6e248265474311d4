package ivsfake_test

import (
	"encoding/base64"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// seeded is what the test expects of one participant, worked out from what
// it did to it, not read back from the fake.
type seeded struct {
	id        string
	userID    string
	published bool
	state     types.ParticipantState
	recording types.ParticipantRecordingState
}

// issueToken mints a token for an existing stage with CreateParticipantToken.
func issueToken(t *testing.T, f *ivsfake.Fake, stageArn string, userID *string) string {
	t.Helper()
	out, err := f.Client.CreateParticipantToken(ctxT(t), &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(stageArn), UserId: userID})
	require.NoError(t, err)
	return *out.ParticipantToken.Token
}

// seedVaried makes n participants join one session of a new stage, with
// varied userId, published, state and recording state. The first six join
// before the stage records (DISABLED); participant 0 stays connected, so
// the session stays live.
func seedVaried(t *testing.T, f *ivsfake.Fake, n int) (stageArn, sessionID string, want []seeded) {
	t.Helper()
	ctx := ctxT(t)
	stageArn = *createStage(t, f, nil).Stage.Arn
	for i := range n {
		if i == 6 {
			_, err := f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{
				Arn:                                   aws.String(stageArn),
				AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)},
			})
			require.NoError(t, err)
		}
		s := seeded{state: types.ParticipantStateConnected, recording: types.ParticipantRecordingStateStopped}
		var userID *string
		if i%4 != 0 {
			s.userID = fmt.Sprintf("user-%d", i%5)
			userID = aws.String(s.userID)
		}
		j, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: issueToken(t, f, stageArn, userID)})
		require.NoError(t, err)
		s.id = j.ParticipantId
		if sessionID == "" {
			sessionID = j.SessionId
		}
		require.Equal(t, sessionID, j.SessionId, "one session")
		ref := j.Ref()

		if i < 6 {
			s.recording = types.ParticipantRecordingStateDisabled
			if i%2 == 1 {
				require.NoError(t, f.Control.Publish(ctx, ref))
				s.published = true
			}
		} else {
			switch i % 6 {
			case 0: // joined only: STOPPED
			case 1:
				require.NoError(t, f.Control.Publish(ctx, ref))
				s.published, s.recording = true, types.ParticipantRecordingStateStarting
			case 2:
				require.NoError(t, f.Control.Publish(ctx, ref))
				require.NoError(t, f.Control.StartRecording(ctx, ref))
				s.published, s.recording = true, types.ParticipantRecordingStateActive
			case 3:
				require.NoError(t, f.Control.Publish(ctx, ref))
				require.NoError(t, f.Control.StartRecording(ctx, ref))
				require.NoError(t, f.Control.StopRecording(ctx, ref))
				s.published, s.recording = true, types.ParticipantRecordingStateStopped
			case 4:
				require.NoError(t, f.Control.Publish(ctx, ref))
				require.NoError(t, f.Control.FailRecording(ctx, ref))
				s.published, s.recording = true, types.ParticipantRecordingStateFailed
			case 5: // records, then leaves below
				require.NoError(t, f.Control.Publish(ctx, ref))
				require.NoError(t, f.Control.StartRecording(ctx, ref))
				s.published, s.recording = true, types.ParticipantRecordingStateActive
			}
		}
		if i%7 == 3 || (i >= 6 && i%6 == 5) { // some leave; participant 0 stays
			require.NoError(t, f.Control.Leave(ctx, ref))
			s.state = types.ParticipantStateDisconnected
			if s.recording == types.ParticipantRecordingStateStarting || s.recording == types.ParticipantRecordingStateActive {
				s.recording = types.ParticipantRecordingStateStopping
			}
		}
		want = append(want, s)
	}
	return stageArn, sessionID, want
}

// filterCase is one ListParticipants filter and the participants it keeps.
type filterCase struct {
	name  string
	apply func(in *ivsrealtime.ListParticipantsInput)
	keep  func(s seeded) bool
}

func filterCases() []filterCase {
	cases := []filterCase{
		{"none", func(*ivsrealtime.ListParticipantsInput) {}, func(seeded) bool { return true }},
		{"published", func(in *ivsrealtime.ListParticipantsInput) { in.FilterByPublished = true }, func(s seeded) bool { return s.published }},
	}
	for _, u := range []string{"user-1", "user-3", "", "nobody"} {
		cases = append(cases, filterCase{"userId=" + u,
			func(in *ivsrealtime.ListParticipantsInput) { in.FilterByUserId = aws.String(u) },
			func(s seeded) bool { return s.userID == u }})
	}
	for _, st := range []types.ParticipantState{types.ParticipantStateConnected, types.ParticipantStateDisconnected} {
		cases = append(cases, filterCase{"state=" + string(st),
			func(in *ivsrealtime.ListParticipantsInput) { in.FilterByState = st },
			func(s seeded) bool { return s.state == st }})
	}
	for _, rs := range types.ParticipantRecordingFilterByRecordingState("").Values() {
		cases = append(cases, filterCase{"recordingState=" + string(rs),
			func(in *ivsrealtime.ListParticipantsInput) { in.FilterByRecordingState = rs },
			func(s seeded) bool { return string(s.recording) == string(rs) }})
	}
	return cases
}

// walk follows a query to its end with the SDK's paginator and returns
// every summary, checking each page against maxResults.
func walk(t *testing.T, f *ivsfake.Fake, in ivsrealtime.ListParticipantsInput, maxPages int) []types.ParticipantSummary {
	t.Helper()
	limit := 50
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	var all []types.ParticipantSummary
	p := ivsrealtime.NewListParticipantsPaginator(f.Client, &in)
	for pages := 0; p.HasMorePages(); pages++ {
		require.Less(t, pages, maxPages, "too many pages")
		page, err := p.NextPage(ctxT(t))
		require.NoError(t, err)
		require.NotNil(t, page.Participants, "participants is required")
		assert.LessOrEqual(t, len(page.Participants), limit, "page %d", pages)
		if page.NextToken != nil {
			assert.NotEmpty(t, *page.NextToken)
			assert.NotEmpty(t, page.Participants, "a page with a next page is not empty")
		}
		all = append(all, page.Participants...)
	}
	return all
}

func ids(list []types.ParticipantSummary) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = aws.ToString(s.ParticipantId)
	}
	return out
}

// TestPaginationEveryFilterAndPageSize: for every filter and page size the
// paginator returns each matching participant exactly once, as seeded.
func TestPaginationEveryFilterAndPageSize(t *testing.T) {
	checkEveryFilter(t, 37, []int32{0, 1, 2, 7, 50, 100}, 40) // 0: maxResults not sent
}

// TestPaginationAcrossIndexWords does the same with participants enough
// to span several words of the fake's filter index (64 positions each).
func TestPaginationAcrossIndexWords(t *testing.T) {
	checkEveryFilter(t, 300, []int32{13, 64, 100}, 30)
}

func checkEveryFilter(t *testing.T, n int, sizes []int32, maxPages int) {
	f := ivsfake.Start(t, seedOptions)
	stageArn, sessionID, seed := seedVaried(t, f, n)
	byID := map[string]seeded{}
	for _, s := range seed {
		byID[s.id] = s
	}
	require.Len(t, byID, n)

	for _, fc := range filterCases() {
		var want []string
		for _, s := range seed {
			if fc.keep(s) {
				want = append(want, s.id)
			}
		}
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s/max=%d", fc.name, size), func(t *testing.T) {
				in := ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID)}
				if size > 0 {
					in.MaxResults = aws.Int32(size)
				}
				fc.apply(&in)
				got := walk(t, f, in, maxPages)
				gotIDs := ids(got)
				assert.ElementsMatch(t, want, gotIDs)
				assert.Len(t, gotIDs, len(want), "no duplicates")
				for _, s := range got {
					exp, ok := byID[aws.ToString(s.ParticipantId)]
					if !assert.True(t, ok, "unknown participant %s", aws.ToString(s.ParticipantId)) {
						continue
					}
					assert.Equal(t, exp.userID, aws.ToString(s.UserId), exp.id)
					assert.Equal(t, exp.published, s.Published, exp.id)
					assert.Equal(t, exp.state, s.State, exp.id)
					assert.Equal(t, exp.recording, s.RecordingState, exp.id)
					assert.NotNil(t, s.FirstJoinTime, exp.id)
				}
			})
		}
	}
}

// TestPaginationSeedCoversEveryValue makes sure the seed is varied enough
// for the filter test to mean something.
func TestPaginationSeedCoversEveryValue(t *testing.T) {
	f := ivsfake.Start(t, seedOptions)
	_, _, seed := seedVaried(t, f, 37)
	for _, fc := range filterCases() {
		count := 0
		for _, s := range seed {
			if fc.keep(s) {
				count++
			}
		}
		if fc.name == "userId=nobody" {
			assert.Zero(t, count)
			continue
		}
		assert.Positive(t, count, fc.name)
		if fc.name != "none" {
			assert.Less(t, count, len(seed), fc.name)
		}
	}
}

// TestPaginationDefaultPageSize: without maxResults a page holds 50.
func TestPaginationDefaultPageSize(t *testing.T) {
	f := ivsfake.Start(t, seedOptions)
	stageArn := *createStage(t, f, nil).Stage.Arn
	var sessionID string
	want := make([]string, 0, 60)
	for range 60 {
		j, err := f.Control.Join(ctxT(t), ivscontrol.JoinInput{Token: issueToken(t, f, stageArn, nil)})
		require.NoError(t, err)
		sessionID = j.SessionId
		want = append(want, j.ParticipantId)
	}
	in := &ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID)}
	first, err := f.Client.ListParticipants(ctxT(t), in)
	require.NoError(t, err)
	assert.Len(t, first.Participants, 50)
	require.NotNil(t, first.NextToken)

	second, err := f.Client.ListParticipants(ctxT(t), &ivsrealtime.ListParticipantsInput{
		StageArn: in.StageArn, SessionId: in.SessionId, NextToken: first.NextToken,
	})
	require.NoError(t, err)
	assert.Len(t, second.Participants, 10)
	assert.Nil(t, second.NextToken, "the last page has no nextToken")
	assert.ElementsMatch(t, want, append(ids(first.Participants), ids(second.Participants)...))

	// Exactly a page's worth: the only page has no nextToken.
	one, err := f.Client.ListParticipants(ctxT(t), &ivsrealtime.ListParticipantsInput{
		StageArn: in.StageArn, SessionId: in.SessionId, MaxResults: aws.Int32(60 - 0),
	})
	require.NoError(t, err)
	assert.Len(t, one.Participants, 60)
	assert.Nil(t, one.NextToken)

	// An empty nextToken is the first page.
	again, err := f.Client.ListParticipants(ctxT(t), &ivsrealtime.ListParticipantsInput{
		StageArn: in.StageArn, SessionId: in.SessionId, NextToken: aws.String(""),
	})
	require.NoError(t, err)
	assert.Equal(t, ids(first.Participants), ids(again.Participants))
}

// TestPaginationWhileParticipantsJoin: participants join (and some leave and
// rejoin) between page fetches; everyone there at the start is returned
// exactly once and nobody twice.
func TestPaginationWhileParticipantsJoin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		userID *string
		filter func(*ivsrealtime.ListParticipantsInput)
	}{
		{"no filter", nil, func(*ivsrealtime.ListParticipantsInput) {}},
		{"filterByUserId", aws.String("same"), func(in *ivsrealtime.ListParticipantsInput) { in.FilterByUserId = aws.String("same") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := ivsfake.Start(t, seedOptions)
			ctx := ctxT(t)
			stageArn := *createStage(t, f, nil).Stage.Arn
			var sessionID string
			type member struct {
				j     *ivscontrol.JoinOutput
				token string
			}
			var initial []member
			for range 20 {
				tok := issueToken(t, f, stageArn, tc.userID)
				j, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: tok})
				require.NoError(t, err)
				sessionID = j.SessionId
				initial = append(initial, member{j, tok})
			}
			in := ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), MaxResults: aws.Int32(3)}
			tc.filter(&in)
			p := ivsrealtime.NewListParticipantsPaginator(f.Client, &in)
			var got []string
			for pages := 0; p.HasMorePages(); pages++ {
				require.Less(t, pages, 50, "too many pages")
				page, err := p.NextPage(ctx)
				require.NoError(t, err)
				assert.LessOrEqual(t, len(page.Participants), 3)
				got = append(got, ids(page.Participants)...)
				// Between pages: two newcomers join, and one of the first
				// participants leaves and rejoins.
				for range 2 {
					_, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: issueToken(t, f, stageArn, tc.userID)})
					require.NoError(t, err)
				}
				if pages < len(initial) {
					m := initial[pages]
					require.NoError(t, f.Control.Leave(ctx, m.j.Ref()))
					again, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: m.token})
					require.NoError(t, err)
					require.Equal(t, *m.j, *again, "rejoins the same session as the same participant")
				}
			}
			seen := map[string]int{}
			for _, id := range got {
				seen[id]++
			}
			for id, count := range seen {
				assert.Equal(t, 1, count, "participant %s returned %d times", id, count)
			}
			for _, m := range initial {
				assert.Equal(t, 1, seen[m.j.ParticipantId], "initial participant %s", m.j.ParticipantId)
			}
			assert.Greater(t, len(got), len(initial), "some newcomers were listed too")
		})
	}
}

// TestPaginationTokenMisuse: a nextToken only works for the query it was
// issued for, by the fake that issued it.
func TestPaginationTokenMisuse(t *testing.T) {
	f := ivsfake.Start(t, seedOptions)
	ctx := ctxT(t)
	stageArn, sessionID, _ := seedVaried(t, f, 12)
	otherStage, otherSession, _ := seedVaried(t, f, 12)

	first := func(f *ivsfake.Fake, in ivsrealtime.ListParticipantsInput) string {
		in.MaxResults = aws.Int32(2)
		out, err := f.Client.ListParticipants(ctx, &in)
		require.NoError(t, err)
		require.NotNil(t, out.NextToken)
		return *out.NextToken
	}
	base := ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID)}
	token := first(f, base)

	// The token works for its own query, also with another page size.
	follow := base
	follow.NextToken, follow.MaxResults = aws.String(token), aws.Int32(5)
	_, err := f.Client.ListParticipants(ctx, &follow)
	require.NoError(t, err)

	// Another session of the same stage: end this one, start the next.
	require.NoError(t, f.Control.EndSession(ctx, stageArn))
	j, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: issueToken(t, f, stageArn, nil)})
	require.NoError(t, err)
	require.NotEqual(t, sessionID, j.SessionId)

	// A second fake with its own participants.
	g := ivsfake.Start(t, seedOptions)
	gStage, gSession, _ := seedVaried(t, g, 12)
	foreign := first(g, ivsrealtime.ListParticipantsInput{StageArn: aws.String(gStage), SessionId: aws.String(gSession)})

	withFilter := base
	withFilter.FilterByPublished = true
	filteredToken := first(f, withFilter)

	raw, err := base64.RawURLEncoding.DecodeString(token)
	require.NoError(t, err)
	forge := func(i int) string {
		b := slices.Clone(raw)
		b[i] ^= 0x01
		return base64.RawURLEncoding.EncodeToString(b)
	}

	cases := []struct {
		name string
		in   ivsrealtime.ListParticipantsInput
	}{
		{"another session", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(j.SessionId), NextToken: aws.String(token)}},
		{"another stage", ivsrealtime.ListParticipantsInput{StageArn: aws.String(otherStage), SessionId: aws.String(otherSession), NextToken: aws.String(token)}},
		{"unknown session", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(someSessionID), NextToken: aws.String(token)}},
		{"added a filter", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), FilterByState: types.ParticipantStateConnected, NextToken: aws.String(token)}},
		{"dropped the filter", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), NextToken: aws.String(filteredToken)}},
		{"another filter value", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), FilterByUserId: aws.String("user-1"), NextToken: aws.String(filteredToken)}},
		{"another fake", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), NextToken: aws.String(foreign)}},
		{"position changed", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), NextToken: aws.String(forge(3))}},
		{"query hash changed", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), NextToken: aws.String(forge(6))}},
		{"mac changed", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), NextToken: aws.String(forge(len(raw) - 1))}},
		{"truncated", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), NextToken: aws.String(token[:len(token)-2])}},
		{"made up", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), NextToken: aws.String("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")}},
		{"standard base64", ivsrealtime.ListParticipantsInput{StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), NextToken: aws.String("ab+/cd==")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Client.ListParticipants(ctxT(t), &tc.in)
			requireValidation(t, err, "nextToken")
		})
	}
}
