// Package readme_test holds the Go snippets of the README and docs/*.md
// that a user would paste into a test file, as written there, so CI
// compiles and runs them; TestSnippetsAreTheDocs keeps the two identical.
// It also holds docs/contract.md to the spec's operations: a section for
// each one the fake implements.
package readme_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// createDemoStage creates a stage with the official client at endpoint:
// http://127.0.0.1:4566 for `ivsrt serve -addr 127.0.0.1:4566`.
func createDemoStage(ctx context.Context, endpoint string) (*ivsrealtime.CreateStageOutput, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"),
		// Under -auth off (the default) the fake takes any credentials:
		// static ones keep your own out of it.
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")))
	if err != nil {
		return nil, err
	}
	client := ivsrealtime.NewFromConfig(cfg, func(o *ivsrealtime.Options) {
		o.BaseEndpoint = aws.String(endpoint)
	})
	return client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("demo")})
}

func TestCreateDemoStage(t *testing.T) {
	srv := httptest.NewServer(ivsfake.New(ivsfake.Options{}))
	t.Cleanup(srv.Close)
	out, err := createDemoStage(context.Background(), srv.URL)
	require.NoError(t, err)
	require.Equal(t, "demo", aws.ToString(out.Stage.Name))
}

func TestMyService(t *testing.T) {
	f := ivsfake.Start(t) // f.URL, f.Client (*ivsrealtime.Client), f.Control
	ctx := context.Background()

	out, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{UserId: aws.String("alice")}},
	})
	require.NoError(t, err)

	p, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *out.ParticipantTokens[0].Token})
	require.NoError(t, err)
	require.NoError(t, f.Control.Publish(ctx, p.Ref()))
	// ... GetParticipant / ListParticipants now see alice, connected and published.
}

func TestSelfSignedToken(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := context.Background()

	// Your server's key pair, ECDSA P-384; IVS gets the public key as PEM.
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	pub, err := f.Client.ImportPublicKey(ctx, &ivsrealtime.ImportPublicKeyInput{
		PublicKeyMaterial: aws.String(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))),
	})
	require.NoError(t, err)
	stage, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	require.NoError(t, err)

	// The token: a JWT with the header and claims of AWS's user guide, signed ES384.
	b64 := base64.RawURLEncoding.EncodeToString
	header, _ := json.Marshal(map[string]string{"alg": "ES384", "typ": "JWT", "kid": *pub.PublicKey.Arn})
	claims, _ := json.Marshal(map[string]any{
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(),
		"jti": "alice-1", "resource": *stage.Stage.Arn, "user_id": "alice",
		"capabilities": map[string]bool{"allow_publish": true, "allow_subscribe": true},
		"events_url":   *stage.Stage.Endpoints.Events, "whip_url": *stage.Stage.Endpoints.Whip, "version": "1.0",
	})
	input := b64(header) + "." + b64(claims)
	digest := sha512.Sum384([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	require.NoError(t, err)
	signature := append(r.FillBytes(make([]byte, 48)), s.FillBytes(make([]byte, 48))...)

	p, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: input + "." + b64(signature)})
	require.NoError(t, err)
	require.Equal(t, "alice-1", p.ParticipantId)
}

func TestConformance(t *testing.T) {
	f := ivsfake.Start(t) // or the endpoint of your own implementation
	conformance.Run(t, suite.Target{Endpoint: f.URL, Region: "us-east-1"})
}

func TestRecordedStageLife(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := context.Background()

	// Somewhere to record, and a stage that records every participant there.
	sc, err := f.Client.CreateStorageConfiguration(ctx, &ivsrealtime.CreateStorageConfigurationInput{
		Name: aws.String("recordings"),
		S3:   &types.S3StorageConfiguration{BucketName: aws.String("my-recordings")},
	})
	require.NoError(t, err)
	stage, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{
		Name: aws.String("show"),
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: sc.StorageConfiguration.Arn,
		},
	})
	require.NoError(t, err)

	// A user gets a token, joins, publishes and is recorded.
	tok, err := f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{
		StageArn: stage.Stage.Arn, UserId: aws.String("alice"),
	})
	require.NoError(t, err)
	p, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *tok.ParticipantToken.Token})
	require.NoError(t, err)
	require.NoError(t, f.Control.Publish(ctx, p.Ref()))
	require.NoError(t, f.Control.StartRecording(ctx, p.Ref()))

	got, err := f.Client.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{
		StageArn: stage.Stage.Arn, SessionId: aws.String(p.SessionId), ParticipantId: aws.String(p.ParticipantId),
	})
	require.NoError(t, err)
	require.Equal(t, types.ParticipantRecordingStateActive, got.Participant.RecordingState)
	require.Equal(t, "my-recordings", aws.ToString(got.Participant.RecordingS3BucketName))

	// What happened, newest first: PUBLISH_STARTED, then JOINED.
	events, err := f.Client.ListParticipantEvents(ctx, &ivsrealtime.ListParticipantEventsInput{
		StageArn: stage.Stage.Arn, SessionId: aws.String(p.SessionId), ParticipantId: aws.String(p.ParticipantId),
	})
	require.NoError(t, err)
	require.Equal(t, types.EventNamePublishStarted, events.Events[0].Name)

	// Moderation: disconnected for good; then the stage and its storage go.
	_, err = f.Client.DisconnectParticipant(ctx, &ivsrealtime.DisconnectParticipantInput{
		StageArn: stage.Stage.Arn, ParticipantId: aws.String(p.ParticipantId),
	})
	require.NoError(t, err)
	_, err = f.Control.Join(ctx, ivscontrol.JoinInput{Token: *tok.ParticipantToken.Token})
	require.Error(t, err, "a disconnected participant's token cannot join again")
	_, err = f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: stage.Stage.Arn})
	require.NoError(t, err)
	_, err = f.Client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: sc.StorageConfiguration.Arn})
	require.NoError(t, err)
}
