package behaviour

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
	"maps"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of public keys: what ImportPublicKey
// answers (the AWS CLI's import-public-key example), what it refuses, and,
// with a seeder, what a participant token signed with the private key of
// an imported public key does at a join (AWS's user guide, "Distribute
// participant tokens", "Creating tokens with a key pair").

const (
	structPublicKey    = "PublicKey"
	caseTagPublicKeys  = "public-key-cases"
	selfSignedDuration = time.Hour
)

// publicKeyCases returns the cases of this file whose operations the
// contract has.
func publicKeyCases(c contract) []suite.Case {
	var out []suite.Case
	add := func(name, op, member, rule, source string, needs []string, run func(ctx context.Context, r *runner) *suite.Failure) {
		if c.Operation(op) == nil || c.Operation(ivscases.OpImportPublicKey) == nil || !c.knows(needs...) {
			return
		}
		out = append(out, suite.Case{Name: name, Operation: op, Member: member, Rule: rule, Kind: suite.KindCustom, Source: source,
			Custom: custom(func(ctx context.Context, r *runner, _ *suite.Case) *suite.Failure { return run(ctx, r) })})
	}
	answers := []string{structPublicKey + "." + ivscases.MemberName, structPublicKey + "." + ivscases.MemberTags,
		structPublicKey + "." + ivscases.MemberPublicKeyMaterial, structPublicKey + "." + ivscases.MemberFingerprint}
	add("ImportPublicKey/behaviour/answers-as-imported", ivscases.OpImportPublicKey, ivscases.MemberPublicKey, "round-trip", suite.SourceDocumented,
		answers, keyAnswersAsImported)
	add("ImportPublicKey/behaviour/same-key-twice-conflict", ivscases.OpImportPublicKey, ivscases.MemberPublicKeyMaterial, "conflict", suite.SourceInferred,
		nil, sameKeyTwice)
	add("ImportPublicKey/behaviour/not-p384-refused", ivscases.OpImportPublicKey, ivscases.MemberPublicKeyMaterial, "key-type", suite.SourceInferred,
		nil, notP384Refused)
	joins := []string{"GetStageResponse." + ivscases.MemberStage, structParticipant + "." + ivscases.MemberUserId, structParticipant + "." + ivscases.MemberAttributes}
	if c.Operation(ivscases.OpGetParticipant) != nil && c.Operation(ivscases.OpGetStage) != nil {
		add("ImportPublicKey/behaviour/self-signed/token-joins", ivscases.OpImportPublicKey, ivscases.MemberPublicKey, "self-signed", suite.SourceDocumented,
			joins, selfSignedJoins)
		add("ImportPublicKey/behaviour/self-signed/tampered-token-refused", ivscases.OpImportPublicKey, ivscases.MemberPublicKey, "self-signed", suite.SourceDocumented,
			joins, tamperedRefused)
		add("DeletePublicKey/behaviour/self-signed/token-of-deleted-key-refused", ivscases.OpDeletePublicKey, ivscases.MemberArn, "self-signed", suite.SourceInferred,
			joins, deletedKeyRefused)
	}
	return out
}

// keyPair is a new ECDSA key pair on curve and its public key's PEM.
func keyPair(curve elliptic.Curve) (*ecdsa.PrivateKey, string, *suite.Failure) {
	key, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		return nil, "", suite.Failf(nil, "making a key pair: %v", err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, "", suite.Failf(nil, "encoding a public key: %v", err)
	}
	return key, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// importMaterial imports material for a case and returns the public key
// ImportPublicKey answered.
func (r *runner) importMaterial(ctx context.Context, material string) (map[string]any, *suite.Exchange, *suite.Failure) {
	doc, ex, f := r.do(ctx, ivscases.OpImportPublicKey, map[string]any{ivscases.MemberPublicKeyMaterial: material, ivscases.MemberTags: r.caseTags(caseTagPublicKeys)})
	if f != nil {
		return nil, ex, f
	}
	key, _ := doc[ivscases.MemberPublicKey].(map[string]any)
	if arn, _ := key[ivscases.MemberArn].(string); arn == "" {
		return nil, ex, suite.Mismatch(ex, "ImportPublicKey answered without publicKey.arn", "a public key ARN", key[ivscases.MemberArn])
	}
	return key, ex, nil
}

// keyAnswersAsImported: a key imported without a name reports name "",
// its material as given and a fingerprint, and GetPublicKey answers the
// same (documented: the AWS CLI's import-public-key and get-public-key
// examples). The run's tags are given, so tags are compared as given.
func keyAnswersAsImported(ctx context.Context, r *runner) *suite.Failure {
	_, material, f := keyPair(elliptic.P384())
	if f != nil {
		return f
	}
	key, ex, f := r.importMaterial(ctx, material)
	if f != nil {
		return f
	}
	fp, _ := key[ivscases.MemberFingerprint].(string)
	want := map[string]any{ivscases.MemberName: "", ivscases.MemberPublicKeyMaterial: material, ivscases.MemberTags: r.caseTags(caseTagPublicKeys), "fingerprint given": true}
	got := map[string]any{ivscases.MemberName: key[ivscases.MemberName], ivscases.MemberPublicKeyMaterial: key[ivscases.MemberPublicKeyMaterial],
		ivscases.MemberTags: key[ivscases.MemberTags], "fingerprint given": fp != ""}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: "ImportPublicKey does not answer the key as imported, as AWS's example shows", Diff: d, Exchange: ex}
	}
	doc, gex, f := r.do(ctx, ivscases.OpGetPublicKey, map[string]any{ivscases.MemberArn: key[ivscases.MemberArn]})
	if f != nil {
		return f
	}
	if d := cmp.Diff(key, doc[ivscases.MemberPublicKey]); d != "" {
		return &suite.Failure{Reason: "GetPublicKey does not answer the key ImportPublicKey imported", Diff: d, Exchange: gex}
	}
	return nil
}

// sameKeyTwice: the key material an account holds already is refused with
// ConflictException (inferred: ImportPublicKey declares the error, and a
// second key of the same material could not be told apart by the
// fingerprint that names it; nothing public says so).
func sameKeyTwice(ctx context.Context, r *runner) *suite.Failure {
	_, material, f := keyPair(elliptic.P384())
	if f != nil {
		return f
	}
	if _, _, f := r.importMaterial(ctx, material); f != nil {
		return f
	}
	if f := r.doError(ctx, ivscases.OpImportPublicKey, map[string]any{ivscases.MemberPublicKeyMaterial: material, ivscases.MemberTags: r.caseTags(caseTagPublicKeys)}, errConflict); f != nil {
		f.Reason = "the same key material imported again: " + f.Reason
		return f
	}
	return nil
}

// notP384Refused: a public key on another curve (P-256) is refused with
// ValidationException naming publicKeyMaterial (inferred: the user guide
// makes the key pair on P-384 and signs ES384; that ImportPublicKey
// refuses other keys, and how, is our reading).
func notP384Refused(ctx context.Context, r *runner) *suite.Failure {
	_, material, f := keyPair(elliptic.P256())
	if f != nil {
		return f
	}
	if f := r.doError(ctx, ivscases.OpImportPublicKey, map[string]any{ivscases.MemberPublicKeyMaterial: material, ivscases.MemberTags: r.caseTags(caseTagPublicKeys)},
		errValidation, ivscases.MemberPublicKeyMaterial); f != nil {
		f.Reason = "a P-256 public key: " + f.Reason
		return f
	}
	return nil
}

// selfSigned is what a self-signed case joins with: a borrowed stage, the
// imported key's ARN, its private key and the claims of a token for it.
type selfSigned struct {
	key    *ecdsa.PrivateKey
	arn    string
	stage  string
	claims map[string]any
}

// newSelfSigned imports a new P-384 key and borrows a stage, and gives the
// claims of a token for a participant of that stage, as the user guide
// lists them.
func (r *runner) newSelfSigned(ctx context.Context) (*selfSigned, *suite.Failure) {
	if f := r.needSeeder(); f != nil {
		return nil, f
	}
	users, f := r.c.userIDs(1)
	if f != nil {
		return nil, f
	}
	priv, material, f := keyPair(elliptic.P384())
	if f != nil {
		return nil, f
	}
	key, _, f := r.importMaterial(ctx, material)
	if f != nil {
		return nil, f
	}
	stage, f := r.borrowStage(ctx, caseTagPublicKeys)
	if f != nil {
		return nil, f
	}
	doc, _, f := r.do(ctx, ivscases.OpGetStage, map[string]any{ivscases.MemberArn: stage})
	if f != nil {
		return nil, f
	}
	eps, _ := suite.FirstValue(doc, ivscases.MemberStage, ivscases.MemberEndpoints).(map[string]any)
	now := time.Now()
	return &selfSigned{key: priv, arn: key[ivscases.MemberArn].(string), stage: stage, claims: map[string]any{
		"exp": now.Add(selfSignedDuration).Unix(), "iat": now.Unix(), "jti": newParticipantID(), "resource": stage,
		"user_id": users[0], "attributes": map[string]any{"seat": "1"},
		"capabilities": map[string]any{"allow_publish": true, "allow_subscribe": true},
		"events_url":   eps[ivscases.MemberEvents], "whip_url": eps[ivscases.MemberWhip], "version": "1.0",
	}}, nil
}

// token signs claims with the key: a JWT, ES384, r and s as 48 bytes each
// (RFC 7518 3.4), the header naming the public key's ARN as kid.
func (s *selfSigned) token(claims map[string]any) (string, *suite.Failure) {
	part := func(v any) (string, *suite.Failure) {
		b, err := json.Marshal(v)
		if err != nil {
			return "", suite.Failf(nil, "encoding a token: %v", err)
		}
		return base64.RawURLEncoding.EncodeToString(b), nil
	}
	head, f := part(map[string]any{"alg": "ES384", "typ": "JWT", "kid": s.arn})
	if f != nil {
		return "", f
	}
	body, f := part(claims)
	if f != nil {
		return "", f
	}
	digest := sha512.Sum384([]byte(head + "." + body))
	rr, ss, err := ecdsa.Sign(rand.Reader, s.key, digest[:])
	if err != nil {
		return "", suite.Failf(nil, "signing a token: %v", err)
	}
	sig := make([]byte, 96)
	rr.FillBytes(sig[:48])
	ss.FillBytes(sig[48:])
	return head + "." + body + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// selfSignedJoins: a token signed with the private key of an imported
// public key joins the stage its resource claim names, as the participant
// its jti claim names, with the user id and attributes of its claims
// (documented: the user guide, "Creating tokens with a key pair").
func selfSignedJoins(ctx context.Context, r *runner) *suite.Failure {
	s, f := r.newSelfSigned(ctx)
	if f != nil {
		return f
	}
	tok, f := s.token(s.claims)
	if f != nil {
		return f
	}
	j, err := r.Target().Seeder.Join(ctx, tok)
	if err != nil {
		return seederFailure("Join with a self-signed token", err)
	}
	p, ex, f := r.participant(ctx, j)
	if f != nil {
		return f
	}
	want := map[string]any{"stageArn": s.stage, ivscases.MemberParticipantId: s.claims["jti"], ivscases.MemberUserId: s.claims["user_id"], ivscases.MemberAttributes: s.claims["attributes"]}
	got := map[string]any{"stageArn": j.StageArn, ivscases.MemberParticipantId: p[ivscases.MemberParticipantId], ivscases.MemberUserId: p[ivscases.MemberUserId], ivscases.MemberAttributes: p[ivscases.MemberAttributes]}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: "the participant of a self-signed token is not the one its claims describe", Diff: d, Exchange: ex}
	}
	return nil
}

// refusedJoin fails unless the seeder's join with tok is refused.
func (r *runner) refusedJoin(ctx context.Context, what, tok string) *suite.Failure {
	j, err := r.Target().Seeder.Join(ctx, tok)
	if err == nil {
		return &suite.Failure{Reason: fmt.Sprintf("%s joined (participant %s of session %s)", what, j.ParticipantID, j.SessionID),
			Diff: cmp.Diff("refused", "joined"), Request: "seeder Join"}
	}
	return nil
}

// tamperedRefused: a token whose claims changed after it was signed does
// not join (documented: IVS checks the token's signature with the
// imported public key, the user guide's reason to import one).
func tamperedRefused(ctx context.Context, r *runner) *suite.Failure {
	s, f := r.newSelfSigned(ctx)
	if f != nil {
		return f
	}
	tok, f := s.token(s.claims)
	if f != nil {
		return f
	}
	changed := maps.Clone(s.claims)
	changed["user_id"] = fmt.Sprint(s.claims["user_id"], "x")
	forged, f := s.token(changed)
	if f != nil {
		return f
	}
	// The header and claims of the changed token, the signature of the
	// first.
	signed, changedParts := strings.Split(tok, "."), strings.Split(forged, ".")
	return r.refusedJoin(ctx, "a token whose user_id changed after it was signed", changedParts[0]+"."+changedParts[1]+"."+signed[2])
}

// deletedKeyRefused: a token signed by a public key since deleted does not
// join (inferred: the user guide says IVS checks tokens with the imported
// key; that a deleted one checks nothing more is our reading).
func deletedKeyRefused(ctx context.Context, r *runner) *suite.Failure {
	s, f := r.newSelfSigned(ctx)
	if f != nil {
		return f
	}
	tok, f := s.token(s.claims)
	if f != nil {
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpDeletePublicKey, map[string]any{ivscases.MemberArn: s.arn}); f != nil {
		return f
	}
	return r.refusedJoin(ctx, "a token signed by a deleted public key", tok)
}

// newParticipantID is a participant id of AWS's form, 12 letters and
// digits, new each time: the one a self-signed token's jti claim gives.
func newParticipantID() string {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}
