package ivsfake_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// listStages pages through ListStages with pages of size (0: the default)
// and returns every summary and the number of pages.
func listStages(t *testing.T, f *ivsfake.Fake, size int32) ([]types.StageSummary, int) {
	t.Helper()
	in := &ivsrealtime.ListStagesInput{}
	if size > 0 {
		in.MaxResults = aws.Int32(size)
	}
	var all []types.StageSummary
	for pages := 1; ; pages++ {
		require.Less(t, pages, 1000, "ListStages keeps handing out nextToken")
		out, err := f.Client.ListStages(ctxT(t), in)
		require.NoError(t, err)
		require.NotNil(t, out.Stages)
		if size > 0 {
			require.LessOrEqual(t, len(out.Stages), int(size))
		}
		all = append(all, out.Stages...)
		if out.NextToken == nil {
			return all, pages
		}
		in.NextToken = out.NextToken
	}
}

func arns(ss []types.StageSummary) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = aws.ToString(s.Arn)
	}
	return out
}

// TestDeleteStage: the stage is gone, its live session ends (its
// participants are disconnected) and its tokens no longer join.
func TestDeleteStage(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("a", "b")})
	arn := *out.Stage.Arn
	j := join(t, f, out.ParticipantTokens[0])
	other := *createStage(t, f, nil).Stage.Arn

	_, err := f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: aws.String(arn)})
	require.NoError(t, err)

	_, err = f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String(arn)})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: aws.String(arn)})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Client.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{
		StageArn: aws.String(arn), SessionId: aws.String(j.SessionId), ParticipantId: aws.String(j.ParticipantId)})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	// The participant was disconnected: there is nothing left to leave.
	requireWireError(t, f.Control.Leave(ctx, j.Ref()), "ResourceNotFoundException", 404)
	_, err = f.Control.Join(ctx, ivscontrol.JoinInput{Token: *out.ParticipantTokens[1].Token})
	requireWireError(t, err, "ResourceNotFoundException", 404)

	all, _ := listStages(t, f, 0)
	assert.Equal(t, []string{other}, arns(all))
	// The other stage is untouched.
	assert.Equal(t, other, *getStage(t, f, other).Arn)
}

// TestDeleteStageErrors: an unknown stage is ResourceNotFoundException,
// another account's AccessDeniedException, as for the other operations.
func TestDeleteStageErrors(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	_, err := f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: aws.String(unknownStageArn)})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: aws.String(foreignStageArn)})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	_, err = f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: aws.String("not-an-arn")})
	requireValidation(t, err, "arn")
}

// TestListStages: every stage once, in creation order, as a summary of
// arn, name, tags ({} when none) and the live session, in pages within
// the spec's bounds; the default page is 50.
func TestListStages(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	empty, pages := listStages(t, f, 0)
	assert.Empty(t, empty)
	assert.Equal(t, 1, pages)

	var want []string
	for i := range 53 {
		in := &ivsrealtime.CreateStageInput{Name: aws.String(fmt.Sprintf("s%d", i))}
		if i == 0 {
			in.Tags = map[string]string{"k": "v"}
			in.ParticipantTokenConfigurations = tokenConfigs("u")
		}
		out := createStage(t, f, in)
		want = append(want, *out.Stage.Arn)
		if i == 0 {
			join(t, f, out.ParticipantTokens[0])
		}
	}
	all, pages := listStages(t, f, 0)
	assert.Equal(t, want, arns(all))
	assert.Equal(t, 2, pages, "50 a page by default")
	first := getStage(t, f, want[0])
	assert.Equal(t, types.StageSummary{Arn: first.Arn, Name: aws.String("s0"), ActiveSessionId: first.ActiveSessionId, Tags: map[string]string{"k": "v"}}, all[0])
	require.NotNil(t, first.ActiveSessionId)
	assert.Equal(t, map[string]string{}, all[1].Tags)
	assert.Nil(t, all[1].ActiveSessionId)

	for _, size := range []int32{1, 7, 53, 100} {
		got, pages := listStages(t, f, size)
		assert.Equal(t, want, arns(got), "maxResults=%d", size)
		assert.Equal(t, (53+int(size)-1)/int(size), pages, "maxResults=%d: no empty last page", size)
	}
	for _, size := range []int32{0, 101} {
		_, err := f.Client.ListStages(ctx, &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(size)})
		requireValidation(t, err, "maxResults")
	}
}

// TestListStagesPagingWhileStagesChange: a page token resumes where it
// left off while stages are created and deleted: no stage twice, none that
// stayed missed, new ones at the end.
func TestListStagesPagingWhileStagesChange(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	var arnsMade []string
	for range 6 {
		arnsMade = append(arnsMade, *createStage(t, f, nil).Stage.Arn)
	}
	out, err := f.Client.ListStages(ctx, &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(2)})
	require.NoError(t, err)
	seen := arns(out.Stages)
	// The next page's first stage and an already listed one go; one comes.
	for _, arn := range []string{arnsMade[2], arnsMade[0]} {
		_, err := f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: aws.String(arn)})
		require.NoError(t, err)
	}
	added := *createStage(t, f, nil).Stage.Arn
	for in := (&ivsrealtime.ListStagesInput{MaxResults: aws.Int32(2), NextToken: out.NextToken}); in.NextToken != nil; in.NextToken = out.NextToken {
		out, err = f.Client.ListStages(ctx, in)
		require.NoError(t, err)
		seen = append(seen, arns(out.Stages)...)
	}
	assert.Equal(t, []string{arnsMade[0], arnsMade[1], arnsMade[3], arnsMade[4], arnsMade[5], added}, seen)
}

// TestListStagesPageTokens: a page token of ListParticipants, of another
// fake or a forged one is refused as nextToken.
func TestListStagesPageTokens(t *testing.T) {
	f := ivsfake.Start(t)
	g := ivsfake.Start(t)
	ctx := ctxT(t)
	for range 3 {
		createStage(t, f, nil)
		createStage(t, g, nil)
	}
	out, err := g.Client.ListStages(ctx, &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.NotNil(t, out.NextToken)
	st := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("a", "b")})
	j := join(t, f, st.ParticipantTokens[0])
	join(t, f, st.ParticipantTokens[1])
	lp, err := f.Client.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: st.Stage.Arn, SessionId: aws.String(j.SessionId), MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.NotNil(t, lp.NextToken)
	for name, tok := range map[string]string{"another fake's": *out.NextToken, "ListParticipants'": *lp.NextToken, "forged": "AAAAAQ"} {
		_, err := f.Client.ListStages(ctx, &ivsrealtime.ListStagesInput{NextToken: aws.String(tok)})
		requireValidation(t, err, "nextToken")
		t.Log(name, "refused")
	}
}

// TestStageQuotaControl: the control API sets the stage quota; CreateStage
// past it is ServiceQuotaExceededException (402), and deleting a stage
// makes room again. A bad quota is a ValidationException naming stageQuota.
func TestStageQuotaControl(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	a := createStage(t, f, nil)
	createStage(t, f, nil)

	q, err := f.Control.SetStageQuota(ctx, 2)
	require.NoError(t, err)
	assert.Equal(t, stageQuotaOutput(2, ivsfake.DefaultStageQuota, 2), *q)
	_, err = f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)

	_, err = f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: a.Stage.Arn})
	require.NoError(t, err)
	createStage(t, f, nil)

	// Lowered under the count: the stages stay, none can be made.
	q, err = f.Control.SetStageQuota(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, stageQuotaOutput(0, 2, 2), *q)
	_, err = f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)
	all, _ := listStages(t, f, 0)
	assert.Len(t, all, 2)

	_, err = f.Control.SetStageQuota(ctx, -1)
	requireWireError(t, err, "ValidationException", 400)
	for _, body := range []string{`{"stageQuota":-5}`, `{"stageQuota":1.5}`, `{"stageQuota":"3"}`, `{"stageQuota":true}`,
		`{"stageQuota":1e3}`, `{"stageQuota":null}`, `{}`, `{"stageQuota":2147483648}`, `{"stageQuota":99999999999999999999999}`} {
		r := post(t, f, "/_ivsrt/quota", body)
		assert.Equal(t, http.StatusBadRequest, r.Status, body)
		assert.Equal(t, "ValidationException", r.ErrorType, body)
		assert.Contains(t, r.message(t), "1 validation error detected: Value ", body)
		assert.Contains(t, r.message(t), " at 'stageQuota' failed to satisfy constraint: Member must ", body)
	}
	for _, body := range []string{`[]`, `{"stageQuota":`} {
		r := post(t, f, "/_ivsrt/quota", body)
		assert.Equal(t, http.StatusBadRequest, r.Status, body)
		assert.Equal(t, "SerializationException", r.ErrorType, body)
	}
	// None of that changed it; reset puts the configured quota back.
	q, err = f.Control.SetStageQuota(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, 0, q.PreviousStageQuota)
	require.NoError(t, f.Control.Reset(ctx))
	q, err = f.Control.SetStageQuota(ctx, 5)
	require.NoError(t, err)
	assert.Equal(t, stageQuotaOutput(5, ivsfake.DefaultStageQuota, 0), *q)
}

// stageQuotaOutput is what POST /_ivsrt/quota answers when it sets the
// stage quota alone, the other quotas at their defaults and no storage
// configuration held.
func stageQuotaOutput(quota, previous, stages int) ivscontrol.QuotaOutput {
	return ivscontrol.QuotaOutput{StageQuota: quota, PreviousStageQuota: previous, Stages: stages,
		StorageConfigurationQuota: ivsfake.DefaultStorageConfigurationQuota, PreviousStorageConfigurationQuota: ivsfake.DefaultStorageConfigurationQuota,
		PublisherQuota: ivsfake.DefaultPublisherQuota, PreviousPublisherQuota: ivsfake.DefaultPublisherQuota,
		SubscriberQuota: ivsfake.DefaultSubscriberQuota, PreviousSubscriberQuota: ivsfake.DefaultSubscriberQuota}
}
