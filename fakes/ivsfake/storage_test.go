package ivsfake_test

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsfake"
)

var (
	storageArnPattern = regexp.MustCompile(`^arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+$`)
	// unknownStorageArn is well formed, of the fake's account, and never minted.
	unknownStorageArn = "arn:aws:ivs:us-east-1:123456789012:storage-configuration/Unknown12345"
)

// createStorage creates a storage configuration for bucket through the SDK.
func createStorage(t *testing.T, f *ivsfake.Fake, name, bucket string, tags map[string]string) *types.StorageConfiguration {
	t.Helper()
	out, err := f.Client.CreateStorageConfiguration(ctxT(t), &ivsrealtime.CreateStorageConfigurationInput{
		Name: aws.String(name),
		S3:   &types.S3StorageConfiguration{BucketName: aws.String(bucket)},
		Tags: tags,
	})
	require.NoError(t, err)
	require.NotNil(t, out.StorageConfiguration)
	return out.StorageConfiguration
}

// listTags is ListTagsForResource's answer for arn.
func listTags(t *testing.T, f *ivsfake.Fake, arn string) map[string]string {
	t.Helper()
	out, err := f.Client.ListTagsForResource(ctxT(t), &ivsrealtime.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	require.NoError(t, err)
	require.NotNil(t, out.Tags, "tags is {} when there are none, never absent")
	return out.Tags
}

// TestStorageConfigurationRoundTrip: what CreateStorageConfiguration
// answers, GetStorageConfiguration and ListStorageConfigurations give back;
// after DeleteStorageConfiguration it is gone from both.
func TestStorageConfigurationRoundTrip(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	sc := createStorage(t, f, "rec", "my-bucket", map[string]string{"team": "a"})
	assert.Regexp(t, storageArnPattern, aws.ToString(sc.Arn))
	assert.Equal(t, "rec", aws.ToString(sc.Name))
	require.NotNil(t, sc.S3)
	assert.Equal(t, "my-bucket", aws.ToString(sc.S3.BucketName))
	assert.Equal(t, map[string]string{"team": "a"}, sc.Tags)

	got, err := f.Client.GetStorageConfiguration(ctx, &ivsrealtime.GetStorageConfigurationInput{Arn: sc.Arn})
	require.NoError(t, err)
	assert.Equal(t, sc.Arn, got.StorageConfiguration.Arn)
	assert.Equal(t, sc.Name, got.StorageConfiguration.Name)
	assert.Equal(t, sc.S3.BucketName, got.StorageConfiguration.S3.BucketName)
	assert.Equal(t, sc.Tags, got.StorageConfiguration.Tags)

	list, err := f.Client.ListStorageConfigurations(ctx, &ivsrealtime.ListStorageConfigurationsInput{})
	require.NoError(t, err)
	require.Len(t, list.StorageConfigurations, 1)
	s := list.StorageConfigurations[0]
	assert.Equal(t, sc.Arn, s.Arn)
	assert.Equal(t, sc.Name, s.Name)
	assert.Equal(t, sc.S3.BucketName, s.S3.BucketName)
	assert.Equal(t, sc.Tags, s.Tags)
	assert.Nil(t, list.NextToken)

	_, err = f.Client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: sc.Arn})
	require.NoError(t, err)
	_, err = f.Client.GetStorageConfiguration(ctx, &ivsrealtime.GetStorageConfigurationInput{Arn: sc.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: sc.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	list, err = f.Client.ListStorageConfigurations(ctx, &ivsrealtime.ListStorageConfigurationsInput{})
	require.NoError(t, err)
	assert.Empty(t, list.StorageConfigurations)
}

// TestListStorageConfigurationsPaginator: the SDK's paginator walks more
// configurations than one page holds, each once and in creation order,
// with the default page (100) and with a small one.
func TestListStorageConfigurationsPaginator(t *testing.T) {
	f := ivsfake.Start(t, ivsfake.Options{StorageConfigurationQuota: 200})
	var want []string
	for i := range 103 {
		want = append(want, aws.ToString(createStorage(t, f, fmt.Sprintf("sc%d", i), "bucket", nil).Arn))
	}
	// Deleting one in the middle must not make the walk skip or repeat.
	_, err := f.Client.DeleteStorageConfiguration(ctxT(t), &ivsrealtime.DeleteStorageConfigurationInput{Arn: aws.String(want[50])})
	require.NoError(t, err)
	want = append(want[:50:50], want[51:]...)

	for _, limit := range []int32{0, 7} {
		in := &ivsrealtime.ListStorageConfigurationsInput{}
		if limit > 0 {
			in.MaxResults = aws.Int32(limit)
		}
		p := ivsrealtime.NewListStorageConfigurationsPaginator(f.Client, in)
		var got []string
		pages := 0
		for p.HasMorePages() {
			pages++
			require.Less(t, pages, 100, "the paginator does not end")
			out, err := p.NextPage(ctxT(t))
			require.NoError(t, err)
			if limit > 0 {
				require.LessOrEqual(t, len(out.StorageConfigurations), int(limit))
			} else {
				require.LessOrEqual(t, len(out.StorageConfigurations), 100)
			}
			for _, s := range out.StorageConfigurations {
				got = append(got, aws.ToString(s.Arn))
				assert.NotNil(t, s.Tags, "tags is {} when there are none")
			}
		}
		assert.Equal(t, want, got, "limit %d", limit)
		assert.Greater(t, pages, 1, "limit %d: more than one page", limit)
	}
}

// TestStorageConfigurationNotFound: an unknown storage ARN is
// ResourceNotFoundException for Get and Delete, another account's
// AccessDeniedException, a malformed one ValidationException.
func TestStorageConfigurationNotFound(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	_, err := f.Client.GetStorageConfiguration(ctx, &ivsrealtime.GetStorageConfigurationInput{Arn: aws.String(unknownStorageArn)})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: aws.String(unknownStorageArn)})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	foreign := "arn:aws:ivs:us-east-1:999999999999:storage-configuration/abc"
	_, err = f.Client.GetStorageConfiguration(ctx, &ivsrealtime.GetStorageConfigurationInput{Arn: aws.String(foreign)})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	_, err = f.Client.GetStorageConfiguration(ctx, &ivsrealtime.GetStorageConfigurationInput{Arn: aws.String("not-an-arn")})
	requireValidation(t, err, "arn")
}

// TestDeleteStorageConfigurationInUse: a configuration a stage records to
// is refused with ConflictException and stays; once the stage records
// elsewhere (or is deleted) it can go.
func TestDeleteStorageConfigurationInUse(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	sc := createStorage(t, f, "rec", "bucket", nil)
	st := createStage(t, f, &ivsrealtime.CreateStageInput{
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: sc.Arn},
	}).Stage

	_, err := f.Client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: sc.Arn})
	requireAPIError[*types.ConflictException](t, err, http.StatusConflict)
	_, err = f.Client.GetStorageConfiguration(ctx, &ivsrealtime.GetStorageConfigurationInput{Arn: sc.Arn})
	require.NoError(t, err, "a refused delete keeps the configuration")

	_, err = f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: st.Arn})
	require.NoError(t, err)
	_, err = f.Client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: sc.Arn})
	require.NoError(t, err, "no stage records to it any more")
}

// TestCreateStageUnknownStorageArn: CreateStage and UpdateStage declare no
// ResourceNotFoundException, so a storage ARN that names nothing is taken.
func TestCreateStageUnknownStorageArn(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	st := createStage(t, f, &ivsrealtime.CreateStageInput{
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(unknownStorageArn)},
	}).Stage
	assert.Equal(t, unknownStorageArn, aws.ToString(getStage(t, f, aws.ToString(st.Arn)).AutoParticipantRecordingConfiguration.StorageConfigurationArn))
	_, err := f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{
		Arn:                                   st.Arn,
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)},
	})
	require.NoError(t, err)
}

// TestTagsRoundTripStage: the tag operations and the stage's own tags are
// one and the same.
func TestTagsRoundTripStage(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	arn := aws.ToString(createStage(t, f, &ivsrealtime.CreateStageInput{Tags: map[string]string{"a": "1"}}).Stage.Arn)
	assert.Equal(t, map[string]string{"a": "1"}, listTags(t, f, arn))

	_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"a": "2", "b": "3"}})
	require.NoError(t, err)
	want := map[string]string{"a": "2", "b": "3"}
	assert.Equal(t, want, getStage(t, f, arn).Tags)
	assert.Equal(t, want, listTags(t, f, arn))
	all, _ := listStages(t, f, 0)
	require.Len(t, all, 1)
	assert.Equal(t, want, all[0].Tags)

	_, err = f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a", "absent"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"b": "3"}, getStage(t, f, arn).Tags)
	assert.Equal(t, map[string]string{"b": "3"}, listTags(t, f, arn))

	// UpdateStage does not touch the tags.
	_, err = f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: aws.String(arn), Name: aws.String("renamed")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"b": "3"}, listTags(t, f, arn))

	_, err = f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"b"}})
	require.NoError(t, err)
	assert.Empty(t, listTags(t, f, arn))
	assert.Empty(t, getStage(t, f, arn).Tags)
}

// TestTagsRoundTripStorageConfiguration: likewise for a storage
// configuration, through Get and List.
func TestTagsRoundTripStorageConfiguration(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	sc := createStorage(t, f, "rec", "bucket", nil)
	assert.Empty(t, listTags(t, f, aws.ToString(sc.Arn)))

	_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: sc.Arn, Tags: map[string]string{"k": "v"}})
	require.NoError(t, err)
	got, err := f.Client.GetStorageConfiguration(ctx, &ivsrealtime.GetStorageConfigurationInput{Arn: sc.Arn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"k": "v"}, got.StorageConfiguration.Tags)
	list, err := f.Client.ListStorageConfigurations(ctx, &ivsrealtime.ListStorageConfigurationsInput{})
	require.NoError(t, err)
	require.Len(t, list.StorageConfigurations, 1)
	assert.Equal(t, map[string]string{"k": "v"}, list.StorageConfigurations[0].Tags)
	assert.Equal(t, map[string]string{"k": "v"}, listTags(t, f, aws.ToString(sc.Arn)))

	_, err = f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: sc.Arn, TagKeys: []string{"k"}})
	require.NoError(t, err)
	assert.Empty(t, listTags(t, f, aws.ToString(sc.Arn)))

	// A deleted configuration's tags go with it.
	_, err = f.Client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: sc.Arn})
	require.NoError(t, err)
	_, err = f.Client.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: sc.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
}

// TestTagsUnknownResource: every tag operation answers
// ResourceNotFoundException for a resource that does not exist, including
// another account's (the tag operations declare no AccessDeniedException).
func TestTagsUnknownResource(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	for _, arn := range []string{unknownStageArn, unknownStorageArn, foreignStageArn} {
		_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"k": "v"}})
		requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
		_, err = f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"k"}})
		requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
		_, err = f.Client.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	}
}

// TestTagResourceTooMany: past 50 tags in all the request is refused whole,
// with ValidationException, and the stage keeps the tags it had; keys it
// already has do not count twice.
func TestTagResourceTooMany(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	have := map[string]string{}
	for i := range 45 {
		have[fmt.Sprintf("k%d", i)] = "v"
	}
	arn := aws.ToString(createStage(t, f, &ivsrealtime.CreateStageInput{Tags: have}).Stage.Arn)

	more := map[string]string{}
	for i := 40; i < 51; i++ { // five old keys, six new: 51 in all
		more[fmt.Sprintf("k%d", i)] = "new"
	}
	_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: aws.String(arn), Tags: more})
	requireValidation(t, err, "tags")
	assert.Equal(t, have, getStage(t, f, arn).Tags, "nothing of a refused request is kept")
	assert.Equal(t, have, listTags(t, f, arn))

	delete(more, "k50") // 50 in all: taken
	_, err = f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: aws.String(arn), Tags: more})
	require.NoError(t, err)
	assert.Len(t, listTags(t, f, arn), 50)
	assert.Equal(t, "new", listTags(t, f, arn)["k40"])
}

// A stage may not record to another account's storage configuration:
// CreateStage and UpdateStage answer AccessDeniedException, as reading
// that configuration does (issue 18: the stage took it). One of this
// account that does not exist is still taken (docs/contract.md), as is
// an ARN whose account is no account id.
func TestStageMayNotNameAnotherAccountsStorage(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	foreign := "arn:aws:ivs:us-east-1:999999999999:storage-configuration/abcdefghijkl"
	rec := &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(foreign)}
	_, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{AutoParticipantRecordingConfiguration: rec})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	st := createStage(t, f, nil)
	_, err = f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: st.Stage.Arn, AutoParticipantRecordingConfiguration: rec})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	got, err := f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: st.Stage.Arn})
	require.NoError(t, err)
	assert.Empty(t, aws.ToString(got.Stage.AutoParticipantRecordingConfiguration.StorageConfigurationArn), "the stage kept its own")
	all, _ := listStages(t, f, 0)
	assert.Len(t, all, 1)

	for _, arn := range []string{"arn:aws:ivs:us-east-1:123456789012:storage-configuration/abcdefghijkl", "arn:aws:ivs:a:0:storage-configuration/a"} {
		_, err = f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(arn)}})
		require.NoError(t, err, arn)
	}
}
