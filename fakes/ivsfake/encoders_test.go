package ivsfake_test

import (
	"net/http"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// The spec's pattern of an encoder configuration ARN (from AWS's model), anchored.
var encoderArnPattern = regexp.MustCompile(`^arn:aws:ivs:[a-z0-9-]+:[0-9]+:encoder-configuration/[a-zA-Z0-9-]+$`)

func createEncoder(t *testing.T, f *ivsfake.Fake, in *ivsrealtime.CreateEncoderConfigurationInput) *types.EncoderConfiguration {
	t.Helper()
	if in == nil {
		in = &ivsrealtime.CreateEncoderConfigurationInput{}
	}
	out, err := f.Client.CreateEncoderConfiguration(ctxT(t), in)
	require.NoError(t, err)
	require.NotNil(t, out.EncoderConfiguration)
	return out.EncoderConfiguration
}

// defaultVideo is the video an encoder configuration created without one
// has: the spec's defaults (documented).
func defaultVideo() *types.Video {
	var v ivsapi.Video
	v.SetDefaults()
	return &types.Video{Width: v.Width, Height: v.Height, Framerate: v.Framerate, Bitrate: v.Bitrate}
}

// TestEncoderConfigurationLifecycle: created through the SDK, an encoder
// configuration has its ARN, name, tags and the documented video
// defaults; Get answers it as created, List lists it, Delete deletes it.
func TestEncoderConfigurationLifecycle(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	ec := createEncoder(t, f, &ivsrealtime.CreateEncoderConfigurationInput{Name: aws.String("hd"), Tags: map[string]string{"team": "video"}})
	assert.Regexp(t, encoderArnPattern, aws.ToString(ec.Arn))
	assert.Contains(t, aws.ToString(ec.Arn), ":us-east-1:123456789012:encoder-configuration/")
	assert.Equal(t, "hd", aws.ToString(ec.Name))
	assert.Equal(t, map[string]string{"team": "video"}, ec.Tags)
	assert.Equal(t, defaultVideo(), ec.Video)
	assert.Equal(t, int32(1280), aws.ToInt32(ec.Video.Width), "documented: Default: 1280")

	got, err := f.Client.GetEncoderConfiguration(ctx, &ivsrealtime.GetEncoderConfigurationInput{Arn: ec.Arn})
	require.NoError(t, err)
	assert.Equal(t, ec, got.EncoderConfiguration)

	// A video given in part keeps what it gave; the rest takes the defaults.
	part := createEncoder(t, f, &ivsrealtime.CreateEncoderConfigurationInput{Video: &types.Video{Width: aws.Int32(1920), Height: aws.Int32(1080)}})
	want := defaultVideo()
	want.Width, want.Height = aws.Int32(1920), aws.Int32(1080)
	assert.Equal(t, want, part.Video)
	assert.Equal(t, "", aws.ToString(part.Name))
	assert.Equal(t, map[string]string{}, part.Tags)

	list, err := f.Client.ListEncoderConfigurations(ctx, &ivsrealtime.ListEncoderConfigurationsInput{})
	require.NoError(t, err)
	require.Len(t, list.EncoderConfigurations, 2)
	assert.Equal(t, types.EncoderConfigurationSummary{Arn: ec.Arn, Name: ec.Name, Tags: ec.Tags}, list.EncoderConfigurations[0])
	assert.Equal(t, part.Arn, list.EncoderConfigurations[1].Arn)

	_, err = f.Client.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: ec.Arn})
	require.NoError(t, err)
	_, err = f.Client.GetEncoderConfiguration(ctx, &ivsrealtime.GetEncoderConfigurationInput{Arn: ec.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Client.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: ec.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
}

// TestEncoderConfigurationVideoRules: width and height must be even, and
// their product at most 1920x1080 (documented); the spec's own bounds
// hold as well.
func TestEncoderConfigurationVideoRules(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	for _, c := range []struct {
		name, path string
		video      *types.Video
	}{
		{"odd width", "video.width", &types.Video{Width: aws.Int32(1281)}},
		{"odd height", "video.height", &types.Video{Height: aws.Int32(721)}},
		{"too large", "video", &types.Video{Width: aws.Int32(1920), Height: aws.Int32(1920)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.Client.CreateEncoderConfiguration(ctx, &ivsrealtime.CreateEncoderConfigurationInput{Video: c.video})
			requireValidation(t, err, c.path)
		})
	}
	_, err := f.Client.CreateEncoderConfiguration(ctx, &ivsrealtime.CreateEncoderConfigurationInput{Video: &types.Video{Width: aws.Int32(1080), Height: aws.Int32(1920)}})
	require.NoError(t, err, "1080x1920 is the documented largest portrait frame")
	_, err = f.Client.CreateEncoderConfiguration(ctx, &ivsrealtime.CreateEncoderConfigurationInput{Video: &types.Video{Bitrate: aws.Int32(ivsapi.VideoBitrateMax + 1)}})
	requireValidation(t, err, "video.bitrate")
}

// TestEncoderConfigurationsPage: pages hold maxResults; their tokens give
// every configuration once and are refused by another operation.
func TestEncoderConfigurationsPage(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	var made []string
	for range 5 {
		made = append(made, aws.ToString(createEncoder(t, f, nil).Arn))
	}
	var seen []string
	var token *string
	for range 10 {
		out, err := f.Client.ListEncoderConfigurations(ctx, &ivsrealtime.ListEncoderConfigurationsInput{MaxResults: aws.Int32(2), NextToken: token})
		require.NoError(t, err)
		assert.LessOrEqual(t, len(out.EncoderConfigurations), 2)
		for _, ec := range out.EncoderConfigurations {
			seen = append(seen, aws.ToString(ec.Arn))
		}
		if token = out.NextToken; token == nil {
			break
		}
		_, err = f.Client.ListPublicKeys(ctx, &ivsrealtime.ListPublicKeysInput{NextToken: token})
		requireValidation(t, err, "nextToken")
	}
	assert.Equal(t, made, seen)
}

// TestEncoderConfigurationOfAnotherAccount: another account's ARN is
// AccessDeniedException, as for the other resources.
func TestEncoderConfigurationOfAnotherAccount(t *testing.T) {
	f := ivsfake.Start(t)
	arn := "arn:aws:ivs:us-east-1:999999999999:encoder-configuration/abcdABCD1234"
	_, err := f.Client.GetEncoderConfiguration(ctxT(t), &ivsrealtime.GetEncoderConfigurationInput{Arn: &arn})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	_, err = f.Client.DeleteEncoderConfiguration(ctxT(t), &ivsrealtime.DeleteEncoderConfigurationInput{Arn: &arn})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
}

// TestEncoderConfigurationTags: the tag operations work on an encoder
// configuration; reserved tag keys are refused at creation.
func TestEncoderConfigurationTags(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	ec := createEncoder(t, f, &ivsrealtime.CreateEncoderConfigurationInput{Tags: map[string]string{"a": "1"}})
	_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: ec.Arn, Tags: map[string]string{"b": "2"}})
	require.NoError(t, err)
	_, err = f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: ec.Arn, TagKeys: []string{"a"}})
	require.NoError(t, err)
	got, err := f.Client.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: ec.Arn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"b": "2"}, got.Tags)
	_, err = f.Client.CreateEncoderConfiguration(ctx, &ivsrealtime.CreateEncoderConfigurationInput{Tags: map[string]string{"aws:x": "1"}})
	requireValidation(t, err)
}

// TestEncodersAndCompositionsPersist: with a state file, encoder
// configurations and compositions outlive a restart as they were, and an
// idempotency token still answers the composition it made.
func TestEncodersAndCompositionsPersist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := openStore(t, path)
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	f := ivsfake.Start(t, ivsfake.Options{Store: s, Now: clock.Now})
	ctx := ctxT(t)
	kept := createEncoder(t, f, &ivsrealtime.CreateEncoderConfigurationInput{Name: aws.String("kept"), Tags: map[string]string{"a": "1"}})
	gone := createEncoder(t, f, nil)
	_, err := f.Client.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: gone.Arn})
	require.NoError(t, err)
	fx := newCompositionFixture(t, f)
	in := fx.s3Input()
	in.IdempotencyToken = aws.String("token-1")
	c := startComposition(t, f, in)
	clock.add(time.Minute)
	require.NoError(t, f.Control.SetComposition(ctx, compositionState(c, "ACTIVE")))
	c = getComposition(t, f, c.Arn)

	again := ivsfake.Start(t, ivsfake.Options{Store: s, Now: clock.Now})
	got, err := again.Client.GetEncoderConfiguration(ctx, &ivsrealtime.GetEncoderConfigurationInput{Arn: kept.Arn})
	require.NoError(t, err)
	assert.Equal(t, kept, got.EncoderConfiguration)
	_, err = again.Client.GetEncoderConfiguration(ctx, &ivsrealtime.GetEncoderConfigurationInput{Arn: gone.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	assert.Equal(t, c, getComposition(t, again, c.Arn))
	repeat, err := again.Client.StartComposition(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, c.Arn, repeat.Composition.Arn)
	_, err = again.Client.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: fx.encoder})
	requireAPIError[*types.ConflictException](t, err, http.StatusConflict)
}
