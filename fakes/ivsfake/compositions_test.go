package ivsfake_test

import (
	"net/http"
	"regexp"
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

// The spec's pattern of a composition ARN (from AWS's model), anchored.
var compositionArnPattern = regexp.MustCompile(`^arn:aws:ivs:[a-z0-9-]+:[0-9]+:composition/[a-zA-Z0-9-]+$`)

// compositionFixture is what a composition needs: a stage, an encoder
// configuration and a storage configuration.
type compositionFixture struct {
	stage, encoder, storage *string
}

func newCompositionFixture(t *testing.T, f *ivsfake.Fake) compositionFixture {
	t.Helper()
	sc, err := f.Client.CreateStorageConfiguration(ctxT(t), &ivsrealtime.CreateStorageConfigurationInput{S3: &types.S3StorageConfiguration{BucketName: aws.String("bucket")}})
	require.NoError(t, err)
	return compositionFixture{
		stage:   createStage(t, f, nil).Stage.Arn,
		encoder: createEncoder(t, f, nil).Arn,
		storage: sc.StorageConfiguration.Arn,
	}
}

// s3Input starts a composition recording the stage to the storage
// configuration, encoded with the encoder configuration.
func (fx compositionFixture) s3Input() *ivsrealtime.StartCompositionInput {
	return &ivsrealtime.StartCompositionInput{StageArn: fx.stage, Destinations: []types.DestinationConfiguration{{
		S3: &types.S3DestinationConfiguration{StorageConfigurationArn: fx.storage, EncoderConfigurationArns: []string{aws.ToString(fx.encoder)}},
	}}}
}

// channelArn is a channel of the fake's account and region.
const channelArn = "arn:aws:ivs:us-east-1:123456789012:channel/abcdABCD1234"

func startComposition(t *testing.T, f *ivsfake.Fake, in *ivsrealtime.StartCompositionInput) *types.Composition {
	t.Helper()
	out, err := f.Client.StartComposition(ctxT(t), in)
	require.NoError(t, err)
	require.NotNil(t, out.Composition)
	return out.Composition
}

func getComposition(t *testing.T, f *ivsfake.Fake, arn *string) *types.Composition {
	t.Helper()
	out, err := f.Client.GetComposition(ctxT(t), &ivsrealtime.GetCompositionInput{Arn: arn})
	require.NoError(t, err)
	return out.Composition
}

func compositionState(c *types.Composition, state string) ivscontrol.CompositionInput {
	return ivscontrol.CompositionInput{Arn: aws.ToString(c.Arn), State: state}
}

// TestCompositionLifecycle: a composition starts STARTING with its
// destinations, the default grid layout and tags; the control API makes
// it ACTIVE (destinations start), StopComposition STOPPING, the control
// API STOPPED (endTime set); an ended one changes no more.
func TestCompositionLifecycle(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	f := ivsfake.Start(t, ivsfake.Options{Now: clock.Now})
	ctx := ctxT(t)
	fx := newCompositionFixture(t, f)
	in := fx.s3Input()
	in.Destinations = append(in.Destinations, types.DestinationConfiguration{Name: aws.String("live"),
		Channel: &types.ChannelDestinationConfiguration{ChannelArn: aws.String(channelArn), EncoderConfigurationArn: fx.encoder}})
	in.Tags = map[string]string{"show": "1"}
	c := startComposition(t, f, in)
	assert.Regexp(t, compositionArnPattern, aws.ToString(c.Arn))
	assert.Equal(t, fx.stage, c.StageArn)
	assert.Equal(t, types.CompositionStateStarting, c.State)
	assert.Equal(t, map[string]string{"show": "1"}, c.Tags)
	assert.Equal(t, clock.Now(), aws.ToTime(c.StartTime))
	assert.Nil(t, c.EndTime)
	var grid ivsapi.GridConfiguration
	grid.SetDefaults()
	require.NotNil(t, c.Layout.Grid, "documented: Default: Grid layout")
	assert.Nil(t, c.Layout.Pip)
	assert.Equal(t, *grid.GridGap, c.Layout.Grid.GridGap)
	assert.Equal(t, types.VideoAspectRatio(*grid.VideoAspectRatio), c.Layout.Grid.VideoAspectRatio)
	require.Len(t, c.Destinations, 2)
	for _, d := range c.Destinations {
		assert.Equal(t, types.DestinationStateStarting, d.State)
		assert.NotEmpty(t, aws.ToString(d.Id))
		assert.Equal(t, clock.Now(), aws.ToTime(d.StartTime), "documented: a STARTING destination has its startTime")
		assert.Nil(t, d.EndTime)
	}
	s3 := c.Destinations[0]
	require.NotNil(t, s3.Detail)
	assert.NotEmpty(t, aws.ToString(s3.Detail.S3.RecordingPrefix))
	assert.Equal(t, fx.storage, s3.Configuration.S3.StorageConfigurationArn)
	assert.Nil(t, c.Destinations[1].Detail)
	assert.Equal(t, c, getComposition(t, f, c.Arn))

	clock.add(time.Second)
	require.NoError(t, f.Control.SetComposition(ctx, compositionState(c, ivscontrol.CompositionActive)))
	got := getComposition(t, f, c.Arn)
	assert.Equal(t, types.CompositionStateActive, got.State)
	for _, d := range got.Destinations {
		assert.Equal(t, types.DestinationStateActive, d.State)
		assert.Equal(t, c.StartTime, d.StartTime, "a destination keeps the startTime it started with")
	}
	require.NoError(t, f.Control.SetComposition(ctx, ivscontrol.CompositionInput{Arn: aws.ToString(c.Arn),
		DestinationId: aws.ToString(got.Destinations[1].Id), State: ivscontrol.CompositionDestinationReconnecting}))
	assert.Equal(t, types.DestinationStateReconnecting, getComposition(t, f, c.Arn).Destinations[1].State)

	_, err := f.Client.StopComposition(ctx, &ivsrealtime.StopCompositionInput{Arn: c.Arn})
	require.NoError(t, err)
	assert.Equal(t, types.CompositionStateStopping, getComposition(t, f, c.Arn).State)
	clock.add(time.Second)
	require.NoError(t, f.Control.SetComposition(ctx, compositionState(c, ivscontrol.CompositionStopped)))
	got = getComposition(t, f, c.Arn)
	assert.Equal(t, types.CompositionStateStopped, got.State)
	assert.Equal(t, clock.Now(), aws.ToTime(got.EndTime))
	for _, d := range got.Destinations {
		assert.Equal(t, types.DestinationStateStopped, d.State)
		assert.Equal(t, clock.Now(), aws.ToTime(d.EndTime))
	}
	err = f.Control.SetComposition(ctx, compositionState(c, ivscontrol.CompositionActive))
	requireWireError(t, err, "ConflictException", http.StatusConflict)
	_, err = f.Client.StopComposition(ctx, &ivsrealtime.StopCompositionInput{Arn: c.Arn})
	require.NoError(t, err, "stopping an ended composition has what it asks for")

	failed := startComposition(t, f, fx.s3Input())
	require.NoError(t, f.Control.SetComposition(ctx, compositionState(failed, ivscontrol.CompositionFailed)))
	assert.Equal(t, types.CompositionStateFailed, getComposition(t, f, failed.Arn).State)
}

// TestCompositionLayouts: a PiP layout takes its documented defaults; a
// layout of both grid and pip is refused; an empty layout is a grid.
func TestCompositionLayouts(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	fx := newCompositionFixture(t, f)
	in := fx.s3Input()
	in.Layout = &types.LayoutConfiguration{Pip: &types.PipConfiguration{PipOffset: 4}}
	c := startComposition(t, f, in)
	require.Nil(t, c.Layout.Grid)
	require.NotNil(t, c.Layout.Pip)
	assert.Equal(t, types.PipPositionBottomRight, c.Layout.Pip.PipPosition)
	assert.Equal(t, types.PipBehaviorStatic, c.Layout.Pip.PipBehavior)
	assert.Equal(t, types.VideoFillModeCover, c.Layout.Pip.VideoFillMode)

	// The SDK wrote the idempotency token it made into in: another
	// request needs its own.
	in.IdempotencyToken = nil
	in.Layout = &types.LayoutConfiguration{Grid: &types.GridConfiguration{}, Pip: &types.PipConfiguration{}}
	_, err := f.Client.StartComposition(ctx, in)
	requireValidation(t, err, "layout")

	in.IdempotencyToken = nil
	in.Layout = &types.LayoutConfiguration{}
	assert.NotNil(t, startComposition(t, f, in).Layout.Grid)
}

// TestCompositionDestinationRules: a destination is a channel or an s3,
// at most one of each; what it names must exist in the account.
func TestCompositionDestinationRules(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	fx := newCompositionFixture(t, f)
	start := func(ds ...types.DestinationConfiguration) error {
		_, err := f.Client.StartComposition(ctx, &ivsrealtime.StartCompositionInput{StageArn: fx.stage, Destinations: ds})
		return err
	}
	s3 := fx.s3Input().Destinations[0]
	channel := types.DestinationConfiguration{Channel: &types.ChannelDestinationConfiguration{ChannelArn: aws.String(channelArn)}}
	requireValidation(t, start(types.DestinationConfiguration{Name: aws.String("none")}), "destinations.1.member")
	requireValidation(t, start(types.DestinationConfiguration{Channel: channel.Channel, S3: s3.S3}), "destinations.1.member")
	requireValidation(t, start(s3, s3), "destinations")
	requireValidation(t, start(channel, channel), "destinations")
	err := start(types.DestinationConfiguration{Channel: &types.ChannelDestinationConfiguration{
		ChannelArn: aws.String("arn:aws:ivs:us-east-1:999999999999:channel/abcdABCD1234")}})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	err = start(types.DestinationConfiguration{Channel: &types.ChannelDestinationConfiguration{
		ChannelArn: aws.String("arn:aws:ivs:eu-west-1:123456789012:channel/abcdABCD1234")}})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	require.NoError(t, start(channel))

	unknownEncoder := "arn:aws:ivs:us-east-1:123456789012:encoder-configuration/abcdABCD1234"
	err = start(types.DestinationConfiguration{S3: &types.S3DestinationConfiguration{StorageConfigurationArn: fx.storage, EncoderConfigurationArns: []string{unknownEncoder}}})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	unknownStorage := "arn:aws:ivs:us-east-1:123456789012:storage-configuration/abcdABCD1234"
	err = start(types.DestinationConfiguration{S3: &types.S3DestinationConfiguration{StorageConfigurationArn: &unknownStorage, EncoderConfigurationArns: []string{aws.ToString(fx.encoder)}}})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	foreign := "arn:aws:ivs:us-east-1:999999999999:encoder-configuration/abcdABCD1234"
	err = start(types.DestinationConfiguration{Channel: &types.ChannelDestinationConfiguration{ChannelArn: aws.String(channelArn), EncoderConfigurationArn: &foreign}})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)

	unknownStage := "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234"
	_, err = f.Client.StartComposition(ctx, &ivsrealtime.StartCompositionInput{StageArn: &unknownStage, Destinations: []types.DestinationConfiguration{channel}})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
}

// TestCompositionIdempotency: the same token and request answer the same
// composition; the same token with another request is ConflictException
// while that composition runs, and starts a new one once it has ended.
// The SDK fills a token in when none is given, so two calls without one
// make two compositions.
func TestCompositionIdempotency(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	fx := newCompositionFixture(t, f)
	in := fx.s3Input()
	in.IdempotencyToken = aws.String("retry-1")
	first := startComposition(t, f, in)
	again := startComposition(t, f, in)
	assert.Equal(t, first, again)
	in.Tags = map[string]string{"other": "request"}
	_, err := f.Client.StartComposition(ctx, in)
	requireAPIError[*types.ConflictException](t, err, http.StatusConflict)

	// Once the first has ended, the other request starts a composition
	// the token then names; the first request no longer answers the first.
	require.NoError(t, f.Control.SetComposition(ctx, compositionState(first, ivscontrol.CompositionStopped)))
	second := startComposition(t, f, in)
	assert.NotEqual(t, first.Arn, second.Arn)
	assert.Equal(t, second, startComposition(t, f, in))
	in.Tags = nil
	_, err = f.Client.StartComposition(ctx, in)
	requireAPIError[*types.ConflictException](t, err, http.StatusConflict)

	a, b := startComposition(t, f, fx.s3Input()), startComposition(t, f, fx.s3Input())
	assert.NotEqual(t, a.Arn, b.Arn)
}

// TestCompositionInUse: an encoder or storage configuration an active
// composition uses cannot be deleted (ConflictException naming the
// composition); once the composition has ended, it can.
func TestCompositionInUse(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	fx := newCompositionFixture(t, f)
	c := startComposition(t, f, fx.s3Input())
	// The SDK reads no exceptionMessage for this error: the raw answer
	// shows the message names the composition.
	for _, op := range []string{"/DeleteEncoderConfiguration", "/DeleteStorageConfiguration"} {
		arn := fx.encoder
		if op == "/DeleteStorageConfiguration" {
			arn = fx.storage
		}
		r := post(t, f, op, `{"arn":"`+aws.ToString(arn)+`"}`)
		assert.Equal(t, http.StatusConflict, r.Status)
		assert.Equal(t, "ConflictException", r.ErrorType)
		assert.Contains(t, r.message(t), aws.ToString(c.Arn))
	}
	_, err := f.Client.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: fx.encoder})
	requireAPIError[*types.ConflictException](t, err, http.StatusConflict)

	_, err = f.Client.StopComposition(ctx, &ivsrealtime.StopCompositionInput{Arn: c.Arn})
	require.NoError(t, err)
	_, err = f.Client.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: fx.encoder})
	requireAPIError[*types.ConflictException](t, err, http.StatusConflict)
	require.NoError(t, f.Control.SetComposition(ctx, compositionState(c, ivscontrol.CompositionStopped)))
	_, err = f.Client.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: fx.encoder})
	require.NoError(t, err)
	_, err = f.Client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: fx.storage})
	require.NoError(t, err)
}

// TestListCompositions: the filters keep the compositions of a stage and
// those using an encoder configuration; pages give each once, and a
// token is refused for other filters.
func TestListCompositions(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	fx := newCompositionFixture(t, f)
	other := createStage(t, f, nil).Stage.Arn
	otherEncoder := createEncoder(t, f, nil).Arn
	var ofStage []string
	for i := range 5 {
		c := startComposition(t, f, fx.s3Input())
		ofStage = append(ofStage, aws.ToString(c.Arn))
		if i == 2 {
			in := fx.s3Input()
			in.StageArn = other
			in.Destinations[0].S3.EncoderConfigurationArns = []string{aws.ToString(otherEncoder)}
			startComposition(t, f, in)
		}
	}
	list := func(in *ivsrealtime.ListCompositionsInput) []string {
		var out []string
		for range 10 {
			page, err := f.Client.ListCompositions(ctx, in)
			require.NoError(t, err)
			for _, c := range page.Compositions {
				out = append(out, aws.ToString(c.Arn))
			}
			if page.NextToken == nil {
				break
			}
			in.NextToken = page.NextToken
		}
		return out
	}
	all := list(&ivsrealtime.ListCompositionsInput{})
	assert.Len(t, all, 6)
	assert.Equal(t, ofStage, list(&ivsrealtime.ListCompositionsInput{FilterByStageArn: fx.stage, MaxResults: aws.Int32(2)}))
	assert.Equal(t, ofStage, list(&ivsrealtime.ListCompositionsInput{FilterByEncoderConfigurationArn: fx.encoder, MaxResults: aws.Int32(1)}))
	assert.Len(t, list(&ivsrealtime.ListCompositionsInput{FilterByStageArn: other}), 1)

	page, err := f.Client.ListCompositions(ctx, &ivsrealtime.ListCompositionsInput{FilterByStageArn: fx.stage, MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.NotNil(t, page.NextToken)
	_, err = f.Client.ListCompositions(ctx, &ivsrealtime.ListCompositionsInput{FilterByStageArn: other, NextToken: page.NextToken})
	requireValidation(t, err, "nextToken")
	summary := page.Compositions[0]
	assert.Equal(t, types.CompositionStateStarting, summary.State)
	require.Len(t, summary.Destinations, 1)
	assert.Equal(t, types.DestinationStateStarting, summary.Destinations[0].State)
}

// TestCompositionOfAnotherAccount: another account's composition ARN is
// AccessDeniedException; the control API acts where the composition lives.
func TestCompositionOfAnotherAccount(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	arn := "arn:aws:ivs:us-east-1:999999999999:composition/abcdABCD1234"
	_, err := f.Client.GetComposition(ctx, &ivsrealtime.GetCompositionInput{Arn: &arn})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	_, err = f.Client.StopComposition(ctx, &ivsrealtime.StopCompositionInput{Arn: &arn})
	requireAPIError[*types.AccessDeniedException](t, err, http.StatusForbidden)
	err = f.Control.SetComposition(ctx, ivscontrol.CompositionInput{Arn: arn, State: ivscontrol.CompositionActive})
	requireWireError(t, err, "ResourceNotFoundException", http.StatusNotFound)
	err = f.Control.SetComposition(ctx, ivscontrol.CompositionInput{Arn: "nope", State: ivscontrol.CompositionActive})
	requireWireError(t, err, "ValidationException", http.StatusBadRequest)
}

// TestCompositionsReset: /_ivsrt/reset forgets encoder configurations and
// compositions.
func TestCompositionsReset(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	fx := newCompositionFixture(t, f)
	c := startComposition(t, f, fx.s3Input())
	require.NoError(t, f.Control.Reset(ctx))
	_, err := f.Client.GetComposition(ctx, &ivsrealtime.GetCompositionInput{Arn: c.Arn})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
	_, err = f.Client.GetEncoderConfiguration(ctx, &ivsrealtime.GetEncoderConfigurationInput{Arn: fx.encoder})
	requireAPIError[*types.ResourceNotFoundException](t, err, http.StatusNotFound)
}

// TestCompositionOperationsThroughTheSDK drives each operation of encoder
// configurations and compositions once with AWS's Go SDK over HTTP, in
// the order an application would: an encoder configuration, a
// composition recording a stage with it, the composition read, listed
// and stopped, and the encoder configuration deleted once the stop is
// done.
func TestCompositionOperationsThroughTheSDK(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	sc, err := f.Client.CreateStorageConfiguration(ctx, &ivsrealtime.CreateStorageConfigurationInput{S3: &types.S3StorageConfiguration{BucketName: aws.String("bucket")}})
	require.NoError(t, err)
	stage := createStage(t, f, nil).Stage.Arn

	created, err := f.Client.CreateEncoderConfiguration(ctx, &ivsrealtime.CreateEncoderConfigurationInput{Name: aws.String("720p")})
	require.NoError(t, err)
	encoder := created.EncoderConfiguration.Arn
	got, err := f.Client.GetEncoderConfiguration(ctx, &ivsrealtime.GetEncoderConfigurationInput{Arn: encoder})
	require.NoError(t, err)
	assert.Equal(t, created.EncoderConfiguration, got.EncoderConfiguration)
	encoders, err := f.Client.ListEncoderConfigurations(ctx, &ivsrealtime.ListEncoderConfigurationsInput{})
	require.NoError(t, err)
	require.Len(t, encoders.EncoderConfigurations, 1)

	started, err := f.Client.StartComposition(ctx, &ivsrealtime.StartCompositionInput{StageArn: stage, Destinations: []types.DestinationConfiguration{{
		S3: &types.S3DestinationConfiguration{StorageConfigurationArn: sc.StorageConfiguration.Arn, EncoderConfigurationArns: []string{aws.ToString(encoder)}},
	}}})
	require.NoError(t, err)
	arn := started.Composition.Arn
	read, err := f.Client.GetComposition(ctx, &ivsrealtime.GetCompositionInput{Arn: arn})
	require.NoError(t, err)
	assert.Equal(t, started.Composition, read.Composition)
	listed, err := f.Client.ListCompositions(ctx, &ivsrealtime.ListCompositionsInput{FilterByEncoderConfigurationArn: encoder})
	require.NoError(t, err)
	require.Len(t, listed.Compositions, 1)
	assert.Equal(t, arn, listed.Compositions[0].Arn)

	_, err = f.Client.StopComposition(ctx, &ivsrealtime.StopCompositionInput{Arn: arn})
	require.NoError(t, err)
	require.NoError(t, f.Control.SetComposition(ctx, compositionState(started.Composition, ivscontrol.CompositionStopped)))
	_, err = f.Client.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: encoder})
	require.NoError(t, err)
}
