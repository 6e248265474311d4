package ivsfake_test

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
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// An application can sign participant tokens itself, with the Go standard
// library only: it imports the public key of an ECDSA P-384 key pair, then
// signs each token (a JWT, ES384) with the private key. The fake checks
// the signature at the join, as IVS does.
func Example_selfSignedToken() {
	t, done := exampleTest()
	defer done()
	f := ivsfake.Start(t)
	ctx := context.Background()

	// The key pair; the public key goes to IVS as PEM.
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		fmt.Println(err)
		return
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		fmt.Println(err)
		return
	}
	imported, err := f.Client.ImportPublicKey(ctx, &ivsrealtime.ImportPublicKeyInput{
		PublicKeyMaterial: aws.String(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	stage, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Now()
	token, err := signParticipantToken(key, *imported.PublicKey.Arn, map[string]any{
		"exp":          now.Add(time.Hour).Unix(),
		"iat":          now.Unix(),
		"jti":          "alice-1",
		"resource":     *stage.Stage.Arn,
		"events_url":   *stage.Stage.Endpoints.Events,
		"whip_url":     *stage.Stage.Endpoints.Whip,
		"user_id":      "alice",
		"attributes":   map[string]string{"role": "host"},
		"capabilities": map[string]bool{"allow_publish": true, "allow_subscribe": true},
		"version":      "1.0",
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	alice, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: token})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := f.Client.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{
		StageArn: stage.Stage.Arn, SessionId: aws.String(alice.SessionId), ParticipantId: aws.String(alice.ParticipantId),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*p.Participant.ParticipantId, *p.Participant.UserId, p.Participant.Attributes["role"], p.Participant.State)

	// A token whose claims were changed after signing is refused.
	_, err = f.Control.Join(ctx, ivscontrol.JoinInput{Token: tamper(token)})
	fmt.Println(err != nil)
	// Output:
	// alice-1 alice host CONNECTED
	// true
}

// signParticipantToken signs a participant token as AWS's user guide
// describes it: a JWT whose header names the algorithm (ES384) and, as
// kid, the imported public key's ARN; its signature is JWS's ES384
// encoding, r and s as 48 bytes each.
func signParticipantToken(key *ecdsa.PrivateKey, publicKeyArn string, claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "ES384", "typ": "JWT", "kid": publicKeyArn})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	b64 := base64.RawURLEncoding.EncodeToString
	input := b64(header) + "." + b64(payload)
	digest := sha512.Sum384([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 96)
	r.FillBytes(sig[:48])
	s.FillBytes(sig[48:])
	return input + "." + b64(sig), nil
}

// tamper gives a signed token other claims, keeping its header and
// signature.
func tamper(token string) string {
	parts := strings.Split(token, ".")
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"exp":4102444800,"jti":"mallory","resource":"x"}`))
	return strings.Join(parts, ".")
}
