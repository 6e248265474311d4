package ivsfake_test

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
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
)

// selfSignedNow is the fake's clock in these tests: a self-signed token's
// times are seconds since the epoch.
var selfSignedNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// claims are a self-signed token's claims for participant jti of a stage,
// valid for an hour from selfSignedNow, with the members AWS's user guide
// lists.
func claims(stageArn, jti string) map[string]any {
	return map[string]any{
		"exp":          selfSignedNow.Add(time.Hour).Unix(),
		"iat":          selfSignedNow.Unix(),
		"jti":          jti,
		"resource":     stageArn,
		"events_url":   "wss://global.events.live-video.net",
		"whip_url":     "https://global.whip.live-video.net",
		"user_id":      "user-" + jti,
		"attributes":   map[string]string{"role": "guest"},
		"capabilities": map[string]bool{"allow_publish": true, "allow_subscribe": true},
		"version":      "1.0",
	}
}

// signToken signs claims with key as the example does (signParticipantToken).
func signToken(t *testing.T, key *ecdsa.PrivateKey, kid string, c map[string]any) string {
	t.Helper()
	token, err := signParticipantToken(key, kid, c)
	require.NoError(t, err)
	return token
}

func joinInput(token string) ivscontrol.JoinInput { return ivscontrol.JoinInput{Token: token} }

// selfSignedFake is a fake on a clock the test moves, with a stage and an
// imported key.
type selfSignedFake struct {
	*ivsfake.Fake
	clock    *fakeClock
	key      *ecdsa.PrivateKey
	kid      string
	stageArn string
}

func startSelfSigned(t *testing.T) selfSignedFake {
	t.Helper()
	clock := &fakeClock{now: selfSignedNow}
	f := ivsfake.Start(t, ivsfake.Options{Now: clock.Now})
	key, material := newP384(t)
	k := importKey(t, f, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &material})
	return selfSignedFake{Fake: f, clock: clock, key: key, kid: aws.ToString(k.Arn), stageArn: aws.ToString(createStage(t, f, nil).Stage.Arn)}
}

// TestSelfSignedTokenJoins: a token the application signed joins as the
// participant its claims describe (jti its id, user_id, attributes,
// capabilities, exp when its token expires), listed, filtered and
// recorded like any other; a token without allow_publish cannot publish.
func TestSelfSignedTokenJoins(t *testing.T) {
	f := startSelfSigned(t)
	ctx := ctxT(t)
	j, err := f.Control.Join(ctx, joinInput(signToken(t, f.key, f.kid, claims(f.stageArn, "host-1"))))
	require.NoError(t, err)
	assert.Equal(t, f.stageArn, j.StageArn)
	assert.Equal(t, "host-1", j.ParticipantId)
	p := getParticipant(t, f.Fake, j)
	assert.Equal(t, "user-host-1", aws.ToString(p.UserId))
	assert.Equal(t, map[string]string{"role": "guest"}, p.Attributes)
	assert.Equal(t, types.ParticipantStateConnected, p.State)
	require.NoError(t, f.Control.Publish(ctx, j.Ref()))

	viewer := claims(f.stageArn, "viewer-1")
	viewer["capabilities"] = map[string]bool{"allow_publish": false, "allow_subscribe": true}
	delete(viewer, "attributes")
	delete(viewer, "user_id")
	v, err := f.Control.Join(ctx, joinInput(signToken(t, f.key, f.kid, viewer)))
	require.NoError(t, err)
	assert.Equal(t, j.SessionId, v.SessionId, "both in the live session")
	requireWireError(t, f.Control.Publish(ctx, v.Ref()), ivsapi.ErrAccessDeniedException, http.StatusForbidden)
	vp := getParticipant(t, f.Fake, v)
	assert.Equal(t, "", aws.ToString(vp.UserId))
	assert.Equal(t, map[string]string{}, vp.Attributes)

	// Listed and filtered like a participant of CreateParticipantToken's.
	tok, err := f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: &f.stageArn, UserId: aws.String("api-user")})
	require.NoError(t, err)
	api := join(t, f.Fake, *tok.ParticipantToken)
	list, err := f.Client.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: &f.stageArn, SessionId: &j.SessionId})
	require.NoError(t, err)
	var ids []string
	for _, p := range list.Participants {
		ids = append(ids, aws.ToString(p.ParticipantId))
	}
	assert.Equal(t, []string{"host-1", "viewer-1", api.ParticipantId}, ids)
	byUser, err := f.Client.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: &f.stageArn, SessionId: &j.SessionId, FilterByUserId: aws.String("user-host-1")})
	require.NoError(t, err)
	require.Len(t, byUser.Participants, 1)
	assert.Equal(t, "host-1", aws.ToString(byUser.Participants[0].ParticipantId))
	published, err := f.Client.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: &f.stageArn, SessionId: &j.SessionId, FilterByPublished: true})
	require.NoError(t, err)
	require.Len(t, published.Participants, 1)
	assert.Equal(t, "host-1", aws.ToString(published.Participants[0].ParticipantId))

	// It leaves and joins again with the same token, as with any token.
	require.NoError(t, f.Control.Leave(ctx, j.Ref()))
	_, err = f.Control.Join(ctx, joinInput(signToken(t, f.key, f.kid, claims(f.stageArn, "host-1"))))
	require.NoError(t, err)
	events, err := f.Client.ListParticipantEvents(ctx, &ivsrealtime.ListParticipantEventsInput{StageArn: &f.stageArn, SessionId: &j.SessionId, ParticipantId: aws.String("host-1")})
	require.NoError(t, err)
	require.NotEmpty(t, events.Events)
	assert.Equal(t, types.EventNameJoined, events.Events[0].Name)

	// A participant DisconnectParticipant revoked cannot come back with a
	// token it signs anew.
	_, err = f.Client.DisconnectParticipant(ctx, &ivsrealtime.DisconnectParticipantInput{StageArn: &f.stageArn, ParticipantId: aws.String("viewer-1")})
	require.NoError(t, err)
	_, err = f.Control.Join(ctx, joinInput(signToken(t, f.key, f.kid, viewer)))
	requireWireError(t, err, ivsapi.ErrAccessDeniedException, http.StatusForbidden)
}

// TestSelfSignedTokenRefused: each token a participant cannot join with
// gets the refusal it would see, and the state does not change: no
// participant joins.
func TestSelfSignedTokenRefused(t *testing.T) {
	f := startSelfSigned(t)
	ctx := ctxT(t)
	other, otherMaterial := newP384(t)
	deleted := importKey(t, f.Fake, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &otherMaterial})
	_, err := f.Client.DeletePublicKey(ctx, &ivsrealtime.DeletePublicKeyInput{Arn: deleted.Arn})
	require.NoError(t, err)
	foreignStage := "arn:aws:ivs:us-east-1:999999999999:stage/AbCdEf123456"
	westStage := "arn:aws:ivs:us-west-2:123456789012:stage/AbCdEf123456"
	unknownStage := "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf123456"
	with := func(change func(c map[string]any)) map[string]any {
		c := claims(f.stageArn, "p1")
		change(c)
		return c
	}
	b64 := base64.RawURLEncoding.EncodeToString
	good := signToken(t, f.key, f.kid, claims(f.stageArn, "p1"))
	parts := strings.Split(good, ".")
	// An HS256 token: a MAC whose secret is the public key's ARN.
	hsHeader, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT", "kid": f.kid})
	hsInput := b64(hsHeader) + "." + parts[1]
	mac := hmac.New(sha256.New, []byte(f.kid))
	mac.Write([]byte(hsInput))
	noneHeader, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT", "kid": f.kid})

	for _, c := range []struct {
		name, token, errType string
		status               int
		says                 string
	}{
		{"unknown key", signToken(t, f.key, "arn:aws:ivs:us-east-1:123456789012:public-key/AbCdEf123456", claims(f.stageArn, "p1")), ivsapi.ErrAccessDeniedException, http.StatusForbidden, "has not imported"},
		{"deleted key", signToken(t, other, aws.ToString(deleted.Arn), claims(f.stageArn, "p1")), ivsapi.ErrAccessDeniedException, http.StatusForbidden, aws.ToString(deleted.Arn)},
		{"another account's key", signToken(t, f.key, "arn:aws:ivs:us-east-1:999999999999:public-key/AbCdEf123456", claims(f.stageArn, "p1")), ivsapi.ErrAccessDeniedException, http.StatusForbidden, "not of account"},
		{"signed by another key than its kid's", signToken(t, other, f.kid, claims(f.stageArn, "p1")), ivsapi.ErrAccessDeniedException, http.StatusForbidden, "signature does not verify"},
		{"claims changed after signing", parts[0] + "." + b64([]byte(`{"exp":4102444800,"jti":"p1","resource":"`+f.stageArn+`"}`)) + "." + parts[2], ivsapi.ErrAccessDeniedException, http.StatusForbidden, "signature does not verify"},
		{"signature cut short", parts[0] + "." + parts[1] + "." + parts[2][:20], ivsapi.ErrAccessDeniedException, http.StatusForbidden, "signature does not verify"},
		{"alg HS256", hsInput + "." + b64(mac.Sum(nil)), ivsapi.ErrAccessDeniedException, http.StatusForbidden, "HS256"},
		{"alg none", b64(noneHeader) + "." + parts[1] + ".", ivsapi.ErrAccessDeniedException, http.StatusForbidden, "none"},
		{"expired", signToken(t, f.key, f.kid, with(func(c map[string]any) { c["exp"] = selfSignedNow.Add(-time.Second).Unix() })), ivsapi.ErrValidationException, http.StatusBadRequest, "expired at 2026-12-01T11:59:59Z"},
		// An unsigned join acts where the token's stage lives, which
		// holds no key of this account and region.
		{"for another account's stage", signToken(t, f.key, f.kid, claims(foreignStage, "p1")), ivsapi.ErrAccessDeniedException, http.StatusForbidden, "not of account 999999999999 in region us-east-1"},
		{"for a stage of another region", signToken(t, f.key, f.kid, claims(westStage, "p1")), ivsapi.ErrAccessDeniedException, http.StatusForbidden, "not of account 123456789012 in region us-west-2"},
		{"for a stage that does not exist", signToken(t, f.key, f.kid, claims(unknownStage, "p1")), ivsapi.ErrResourceNotFoundException, http.StatusNotFound, unknownStage},
		{"resource not a stage ARN", signToken(t, f.key, f.kid, with(func(c map[string]any) { c["resource"] = f.kid })), ivsapi.ErrValidationException, http.StatusBadRequest, "resource"},
		{"no exp", signToken(t, f.key, f.kid, with(func(c map[string]any) { delete(c, "exp") })), ivsapi.ErrValidationException, http.StatusBadRequest, "exp"},
		{"exp past year 9999", signToken(t, f.key, f.kid, with(func(c map[string]any) { c["exp"] = 1e300 })), ivsapi.ErrValidationException, http.StatusBadRequest, "exp"},
		{"exp not a number", signToken(t, f.key, f.kid, with(func(c map[string]any) { c["exp"] = "soon" })), ivsapi.ErrValidationException, http.StatusBadRequest, "claims"},
		{"no jti", signToken(t, f.key, f.kid, with(func(c map[string]any) { delete(c, "jti") })), ivsapi.ErrValidationException, http.StatusBadRequest, "jti"},
		{"jti breaks the participant id's pattern", signToken(t, f.key, f.kid, with(func(c map[string]any) { c["jti"] = "not valid!" })), ivsapi.ErrValidationException, http.StatusBadRequest, "participantId"},
		{"user_id over 128 characters", signToken(t, f.key, f.kid, with(func(c map[string]any) {
			c["user_id"] = strings.Repeat("u", ivsapi.CreateParticipantTokenRequestUserIdMaxLength+1)
		})), ivsapi.ErrValidationException, http.StatusBadRequest, "userId"},
		{"header not JSON", b64([]byte("nope")) + "." + parts[1] + "." + parts[2], ivsapi.ErrValidationException, http.StatusBadRequest, "header"},
		{"header not base64url", "!!." + parts[1] + "." + parts[2], ivsapi.ErrValidationException, http.StatusBadRequest, "header"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.Control.Join(ctx, joinInput(c.token))
			requireWireError(t, err, c.errType, c.status)
			assert.Contains(t, err.Error(), c.says)
		})
	}
	st := getStage(t, f.Fake, f.stageArn)
	assert.Nil(t, st.ActiveSessionId, "no refused token started a session")
}

// TestSelfSignedTokenExpiredJoinError: a participant of the live session
// whose self-signed token has expired is refused, and JOIN_ERROR records
// it, as for a token CreateParticipantToken issued; a token signed by a
// key since deleted no longer joins, and records nothing (it names no
// participant the fake can trust).
func TestSelfSignedTokenExpiredJoinError(t *testing.T) {
	f := startSelfSigned(t)
	ctx := ctxT(t)
	token := signToken(t, f.key, f.kid, claims(f.stageArn, "p1"))
	j, err := f.Control.Join(ctx, joinInput(token))
	require.NoError(t, err)
	// p2 keeps the session live after p1 leaves.
	_, err = f.Control.Join(ctx, joinInput(signToken(t, f.key, f.kid, claims(f.stageArn, "p2"))))
	require.NoError(t, err)
	require.NoError(t, f.Control.Leave(ctx, j.Ref()))

	f.clock.add(time.Hour)
	_, err = f.Control.Join(ctx, joinInput(token))
	requireWireError(t, err, ivsapi.ErrValidationException, http.StatusBadRequest)
	assert.Contains(t, err.Error(), "expired at 2026-12-01T13:00:00Z")
	events := func() []types.EventName {
		out, err := f.Client.ListParticipantEvents(ctx, &ivsrealtime.ListParticipantEventsInput{StageArn: &f.stageArn, SessionId: &j.SessionId, ParticipantId: &j.ParticipantId})
		require.NoError(t, err)
		var names []types.EventName
		for _, e := range out.Events {
			names = append(names, e.Name)
		}
		return names
	}
	assert.Equal(t, []types.EventName{types.EventNameJoinError, types.EventNameLeft, types.EventNameJoined}, events())

	fresh := claims(f.stageArn, "p1")
	fresh["exp"] = f.clock.Now().Add(time.Hour).Unix()
	_, err = f.Client.DeletePublicKey(ctx, &ivsrealtime.DeletePublicKeyInput{Arn: &f.kid})
	require.NoError(t, err)
	_, err = f.Control.Join(ctx, joinInput(signToken(t, f.key, f.kid, fresh)))
	requireWireError(t, err, ivsapi.ErrAccessDeniedException, http.StatusForbidden)
	assert.Equal(t, []types.EventName{types.EventNameJoinError, types.EventNameLeft, types.EventNameJoined}, events(), "no event for a token nobody can trust")
}

// TestSelfSignedTokenJoinsWhereItsStageLives: an unsigned join with a
// token an application signed acts in its stage's account and region (its
// resource claim), not the fake's -region, as a join with a token
// CreateParticipantToken issued does.
func TestSelfSignedTokenJoinsWhereItsStageLives(t *testing.T) {
	f := ivsfake.Start(t, ivsfake.Options{Region: "us-east-1"})
	ctx := ctxT(t)
	west := ivsfake.NewClient(f.URL, "us-west-2")
	stage, err := west.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	require.NoError(t, err)
	key, material := newP384(t)
	imported, err := west.ImportPublicKey(ctx, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: aws.String(material)})
	require.NoError(t, err)
	c := claims(aws.ToString(stage.Stage.Arn), "alice-west")
	c["exp"] = time.Now().Add(time.Hour).Unix() // this fake runs on the real clock
	token := signToken(t, key, aws.ToString(imported.PublicKey.Arn), c)

	j, err := f.Control.Join(ctx, joinInput(token))
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(stage.Stage.Arn), j.StageArn)
	got, err := west.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: stage.Stage.Arn, SessionId: aws.String(j.SessionId), ParticipantId: aws.String("alice-west")})
	require.NoError(t, err)
	assert.Equal(t, types.ParticipantStateConnected, got.Participant.State)
}
