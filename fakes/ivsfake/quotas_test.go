package ivsfake_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
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

// heapGrowth is how much the live heap grows while fn runs and holds what
// it returns: a ratio of two of these, in one test, compares an attack
// with its control whatever the runtime's own heap.
func heapGrowth(fn func() any) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	kept := fn()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

// maxTagsOf is a tags map at the spec's bounds: 50 tags of 128-byte keys
// and 256-byte values.
func maxTagsOf(prefix string) map[string]string {
	tags := map[string]string{}
	for i := range ivsapi.TagResourceRequestTagsMaxEntries {
		key := fmt.Sprintf("%s-%03d", prefix, i)
		tags[key+strings.Repeat("k", 128-len(key))] = strings.Repeat("v", 256)
	}
	return tags
}

// The stage quota is AWS's: 100 stages per account and region by default
// (it was 1,000, ten times AWS's). The 101st CreateStage answers
// ServiceQuotaExceededException (402).
func TestStageQuotaIsAWSDefault(t *testing.T) {
	m := ivsfake.NewMemory(ivsfake.Options{})
	ctx := context.Background()
	in := &ivsapi.CreateStageRequest{}
	in.SetDefaults()
	for i := range ivsfake.DefaultStageQuota {
		_, err := m.CreateStage(ctx, in)
		require.NoError(t, err, "stage %d", i+1)
	}
	_, err := m.CreateStage(ctx, in)
	requireQuotaError(t, err, "Stage quota exceeded: the account holds 100 stages, its limit is 100")
	assert.Equal(t, 100, ivsfake.DefaultStageQuota)
}

func requireQuotaError(t *testing.T, err error, message string) {
	t.Helper()
	var we *wire.Error
	require.ErrorAs(t, err, &we)
	assert.Equal(t, ivsapi.ErrServiceQuotaExceededException, we.Type)
	assert.Equal(t, http.StatusPaymentRequired, we.Status)
	assert.Equal(t, message, we.Message)
}

// The attack of issue 18: 50,000 storage configurations with 50 tags each
// took the fake from 22 MB to 1,007 MB, never refused. Now the account
// holds at most its storage configuration quota (100 by default): the
// other 49,900 are refused with ServiceQuotaExceededException, and the
// heap grows as much as for the 100 alone (the control run).
func TestStorageConfigurationQuotaBoundsTheAttack(t *testing.T) {
	const attempts = 50_000
	base := maxTagsOf("tag")
	ctx := context.Background()
	create := func(m *ivsfake.Memory, n int) (refused int) {
		for i := range n {
			// Text of its own, as each request decoded over HTTP has.
			tags := make(map[string]string, len(base))
			for k, v := range base {
				tags[strings.Clone(k)] = strings.Clone(v)
			}
			in := &ivsapi.CreateStorageConfigurationRequest{Name: aws.String(fmt.Sprint("sc-", i)),
				S3: &ivsapi.S3StorageConfiguration{BucketName: aws.String("bucket")}, Tags: tags}
			in.SetDefaults()
			if _, err := m.CreateStorageConfiguration(ctx, in); err != nil {
				var we *wire.Error
				require.ErrorAs(t, err, &we)
				require.Equal(t, ivsapi.ErrServiceQuotaExceededException, we.Type)
				refused++
			}
		}
		return refused
	}
	var refused int
	start := time.Now()
	attack := heapGrowth(func() any {
		m := ivsfake.NewMemory(ivsfake.Options{})
		refused = create(m, attempts)
		return m
	})
	took := time.Since(start)
	control := heapGrowth(func() any {
		m := ivsfake.NewMemory(ivsfake.Options{})
		require.Zero(t, create(m, ivsfake.DefaultStorageConfigurationQuota))
		return m
	})
	t.Logf("%d storage configurations of 50 tags asked for in %v: %d refused; heap +%d KiB, against +%d KiB for the quota's %d (%.2fx)",
		attempts, took.Round(time.Millisecond), refused, attack>>10, control>>10, ivsfake.DefaultStorageConfigurationQuota, float64(attack)/float64(control))
	assert.Equal(t, attempts-ivsfake.DefaultStorageConfigurationQuota, refused)
	assert.Less(t, float64(attack), 1.5*float64(control), "the refused configurations are not kept")
}

// The storage configuration quota over HTTP: the 101st answers
// ServiceQuotaExceededException (402); deleting one makes room; the
// control API sets it, and a reset puts the default back.
func TestStorageConfigurationQuota(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	var arns []string
	for i := range ivsfake.DefaultStorageConfigurationQuota {
		arns = append(arns, aws.ToString(createStorage(t, f, fmt.Sprint("sc", i), "bucket", nil).Arn))
	}
	in := &ivsrealtime.CreateStorageConfigurationInput{S3: &types.S3StorageConfiguration{BucketName: aws.String("bucket")}}
	_, err := f.Client.CreateStorageConfiguration(ctx, in)
	requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)
	r := post(t, f, "/CreateStorageConfiguration", `{"s3":{"bucketName":"bucket"}}`)
	assert.Equal(t, "Storage configuration quota exceeded: the account holds 100 storage configurations, its limit is 100", r.message(t))

	_, err = f.Client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: &arns[0]})
	require.NoError(t, err)
	_, err = f.Client.CreateStorageConfiguration(ctx, in)
	require.NoError(t, err, "deleting one makes room")

	q, err := f.Control.SetQuotas(ctx, ivscontrol.QuotasInput{StorageConfigurationQuota: aws.Int(101)})
	require.NoError(t, err)
	assert.Equal(t, 101, q.StorageConfigurationQuota)
	assert.Equal(t, 100, q.PreviousStorageConfigurationQuota)
	assert.Equal(t, 100, q.StorageConfigurations)
	assert.Equal(t, ivsfake.DefaultStageQuota, q.StageQuota, "the others stay")
	assert.Equal(t, ivsfake.DefaultStageQuota, q.PreviousStageQuota)
	_, err = f.Client.CreateStorageConfiguration(ctx, in)
	require.NoError(t, err)
	_, err = f.Client.CreateStorageConfiguration(ctx, in)
	requireAPIError[*types.ServiceQuotaExceededException](t, err, http.StatusPaymentRequired)

	require.NoError(t, f.Control.Reset(ctx))
	q, err = f.Control.SetQuotas(ctx, ivscontrol.QuotasInput{StageQuota: aws.Int(3)})
	require.NoError(t, err)
	assert.Equal(t, ivsfake.DefaultStorageConfigurationQuota, q.StorageConfigurationQuota, "a reset puts the default back")
}

// AWS lets at most 12 participants publish to a stage at once ("Stage
// participants (publishers)"). The 13th publish is refused with
// ServiceQuotaExceededException (402) and recorded as a PUBLISH_ERROR
// event with QUOTA_EXCEEDED, the model's code for it; a publisher that
// leaves makes room; one publishing already publishes on; the control
// API sets the quota.
func TestPublisherQuota(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	const n = ivsfake.DefaultPublisherQuota + 2
	configs := make([]types.ParticipantTokenConfiguration, 12)
	var tokens []types.ParticipantToken
	out := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: configs})
	tokens = append(tokens, out.ParticipantTokens...)
	for len(tokens) < n {
		tok, err := f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: out.Stage.Arn})
		require.NoError(t, err)
		tokens = append(tokens, *tok.ParticipantToken)
	}
	var refs []ivscontrol.ParticipantRef
	var sessionID string
	for _, tok := range tokens {
		j, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *tok.Token})
		require.NoError(t, err)
		refs, sessionID = append(refs, j.Ref()), j.SessionId
	}
	for i := range ivsfake.DefaultPublisherQuota {
		require.NoError(t, f.Control.Publish(ctx, refs[i]), "publisher %d", i+1)
	}
	err := f.Control.Publish(ctx, refs[12])
	requireWireError(t, err, ivsapi.ErrServiceQuotaExceededException, http.StatusPaymentRequired)
	assert.Contains(t, err.Error(), "has 12 participants publishing, its limit is 12")
	events, err := f.Client.ListParticipantEvents(ctx, &ivsrealtime.ListParticipantEventsInput{
		StageArn: out.Stage.Arn, SessionId: &sessionID, ParticipantId: &refs[12].ParticipantId})
	require.NoError(t, err)
	require.NotEmpty(t, events.Events)
	assert.Equal(t, types.EventNamePublishError, events.Events[0].Name)
	assert.Equal(t, types.EventErrorCodeQuotaExceeded, events.Events[0].ErrorCode)
	got, err := f.Client.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: out.Stage.Arn, SessionId: &sessionID, ParticipantId: &refs[12].ParticipantId})
	require.NoError(t, err)
	assert.False(t, got.Participant.Published, "the refused participant did not publish")

	require.NoError(t, f.Control.Publish(ctx, refs[0]), "a publisher publishing already is no new one")
	require.NoError(t, f.Control.Leave(ctx, refs[0]))
	require.NoError(t, f.Control.Publish(ctx, refs[12]), "a publisher that left made room")
	requireWireError(t, f.Control.Publish(ctx, refs[13]), ivsapi.ErrServiceQuotaExceededException, http.StatusPaymentRequired)

	q, err := f.Control.SetQuotas(ctx, ivscontrol.QuotasInput{PublisherQuota: aws.Int(13)})
	require.NoError(t, err)
	assert.Equal(t, 13, q.PublisherQuota)
	assert.Equal(t, ivsfake.DefaultPublisherQuota, q.PreviousPublisherQuota)
	require.NoError(t, f.Control.Publish(ctx, refs[13]))
}

// POST /_ivsrt/quota sets any of the four quotas at once; each bad one
// is a ValidationException naming its member, and none is set then.
func TestQuotaControlMembers(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	q, err := f.Control.SetQuotas(ctx, ivscontrol.QuotasInput{StageQuota: aws.Int(1), StorageConfigurationQuota: aws.Int(2), PublisherQuota: aws.Int(3), SubscriberQuota: aws.Int(4)})
	require.NoError(t, err)
	assert.Equal(t, ivscontrol.QuotaOutput{StageQuota: 1, PreviousStageQuota: ivsfake.DefaultStageQuota,
		StorageConfigurationQuota: 2, PreviousStorageConfigurationQuota: ivsfake.DefaultStorageConfigurationQuota,
		PublisherQuota: 3, PreviousPublisherQuota: ivsfake.DefaultPublisherQuota,
		SubscriberQuota: 4, PreviousSubscriberQuota: ivsfake.DefaultSubscriberQuota}, *q)
	for body, member := range map[string]string{
		`{"storageConfigurationQuota":-1}`:                    "storageConfigurationQuota",
		`{"publisherQuota":"12"}`:                             "publisherQuota",
		`{"publisherQuota":null}`:                             "publisherQuota",
		`{"stageQuota":5,"storageConfigurationQuota":1.5}`:    "storageConfigurationQuota",
		`{"publisherQuota":2147483648}`:                       "publisherQuota",
		`{"unknownQuota":5}`:                                  "stageQuota",
		`{"stageQuota":7,"publisherQuota":99999999999999999}`: "publisherQuota",
		`{"subscriberQuota":-3}`:                              "subscriberQuota",
	} {
		r := post(t, f, "/_ivsrt/quota", body)
		assert.Equal(t, http.StatusBadRequest, r.Status, body)
		assert.Equal(t, ivsapi.ErrValidationException, r.ErrorType, body)
		assert.Contains(t, r.message(t), " at '"+member+"' failed to satisfy constraint: Member must ", body)
	}
	q, err = f.Control.SetQuotas(ctx, ivscontrol.QuotasInput{StageQuota: aws.Int(1)})
	require.NoError(t, err)
	assert.Equal(t, [4]int{1, 2, 3, 4}, [4]int{q.PreviousStageQuota, q.PreviousStorageConfigurationQuota, q.PreviousPublisherQuota, q.PreviousSubscriberQuota},
		"the refused requests set nothing")
}
