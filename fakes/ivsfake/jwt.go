package ivsfake

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/wire"
)

// A self-signed participant token is a JWT (RFC 7519) in JWS compact form
// that an application signs with the private key of a public key it
// imported (AWS's user guide, "Distribute participant tokens", "Creating
// tokens with a key pair"):
//
//   - the header: alg ES384 (ECDSA on P-384 with SHA-384), typ JWT, and
//     kid, the ARN of the imported public key;
//   - the claims: exp (and iat), when it expires and was issued, in
//     seconds since the epoch; jti, the participant id; resource, the
//     stage's ARN; user_id and attributes, as CreateParticipantToken
//     takes them; capabilities, {"allow_publish": bool,
//     "allow_subscribe": bool}; and events_url, whip_url and version
//     ("1.0"), which the fake reads but does not check;
//   - the signature: JWS's ES384 encoding (RFC 7518 3.4), r and s as
//     48-byte big-endian integers, one after the other.
//
// The fake keeps none of them (AWS stores no token it did not issue): each
// join checks the token afresh against the keys the account holds now, so
// a token stops joining when its key is deleted.

// selfSignedAlg is the one algorithm IVS checks: ES384.
const selfSignedAlg = "ES384"

// p384Bytes is the size of r and of s in an ES384 signature.
const p384Bytes = 48

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

type selfSignedClaims struct {
	Exp          *float64          `json:"exp"`
	Iat          *float64          `json:"iat"`
	Jti          *string           `json:"jti"`
	Resource     *string           `json:"resource"`
	UserID       *string           `json:"user_id"`
	Attributes   map[string]string `json:"attributes"`
	Capabilities *struct {
		AllowPublish   bool `json:"allow_publish"`
		AllowSubscribe bool `json:"allow_subscribe"`
	} `json:"capabilities"`
	EventsURL string `json:"events_url"`
	WhipURL   string `json:"whip_url"`
	Version   string `json:"version"`
}

// looksSelfSigned reports whether a token has a JWT's shape: three parts,
// dot-separated. The fake's own tokens have one.
func looksSelfSigned(token string) bool { return strings.Count(token, ".") == 2 }

// selfSignedToken checks a self-signed token and returns the token it
// stands for: the claims' stage, participant, user id, attributes,
// capabilities and expiry, marked used (a participant's join does not
// change it: it is nowhere stored). It does not check the expiry or the
// stage's existence: Join does, for every token alike, recording
// JOIN_ERROR where it records one for the fake's own tokens.
//
// What a participant is told: a token that is not a well-formed JWT, or
// whose claims break the rules CreateParticipantToken holds its tokens
// to, ValidationException; a token that is not signed by a key the
// account imported in this region (an unknown or deleted key, another
// algorithm, a signature that does not verify), or that names a stage of
// another account or region, AccessDeniedException, the refusal of a
// participant the service cannot trust. Inferred: AWS documents no error
// for either; these are the error types the fake's join already answers
// for a token that is malformed and for one that is revoked. A token that
// cannot be trusted names no participant either, so no JOIN_ERROR is
// recorded for it. The caller holds m.mu for writing.
func (m *Memory) selfSignedToken(token string) (*pToken, error) {
	parts := strings.Split(token, ".")
	var header jwtHeader
	if !decodeJWTPart(parts[0], &header) {
		return nil, ivsapi.NewValidationException("token: its JWT header is not a base64url-encoded JSON object of alg, typ and kid")
	}
	if header.Alg != selfSignedAlg {
		return nil, ivsapi.NewAccessDeniedException("token: signed with alg %q; a participant token is signed with %s", header.Alg, selfSignedAlg)
	}
	if header.Kid == "" {
		return nil, ivsapi.NewAccessDeniedException("token: its JWT header has no kid naming the public key that signed it")
	}
	key := m.publicKeys.byArn[header.Kid]
	if key == nil {
		if region, account, ok := ivsapi.ParsePublicKeyArn(header.Kid); ok && (account != m.opts.Account || region != m.opts.Region) {
			return nil, ivsapi.NewAccessDeniedException("token: signed by public key %s, not of account %s in region %s", header.Kid, m.opts.Account, m.opts.Region)
		}
		return nil, ivsapi.NewAccessDeniedException("token: signed by public key %s, which account %s has not imported in region %s (or has deleted)", header.Kid, m.opts.Account, m.opts.Region)
	}
	if !verifyES384(key.key, parts[0]+"."+parts[1], parts[2]) {
		return nil, ivsapi.NewAccessDeniedException("token: its signature does not verify against public key %s", key.arn)
	}
	var c selfSignedClaims
	if !decodeJWTPart(parts[1], &c) {
		return nil, ivsapi.NewValidationException("token: its JWT claims are not a base64url-encoded JSON object of the claims a participant token has")
	}
	switch {
	case c.Exp == nil:
		return nil, ivsapi.NewValidationException("token: claim exp is missing: a participant token says when it expires")
	case *c.Exp < 0 || *c.Exp > maxNumericDate:
		// A time the API's timestamps cannot carry (a participant shows
		// when its token expires).
		return nil, ivsapi.NewValidationException("token: claim exp %v is not a time from 1970 to 9999", *c.Exp)
	case c.Jti == nil || *c.Jti == "":
		return nil, ivsapi.NewValidationException("token: claim jti is missing: a participant token names its participant id")
	case c.Resource == nil:
		return nil, ivsapi.NewValidationException("token: claim resource is missing: a participant token names its stage's ARN")
	}
	region, account, ok := ivsapi.ParseStageArn(*c.Resource)
	if !ok {
		return nil, ivsapi.NewValidationException("token: claim resource %q is not a stage ARN", *c.Resource)
	}
	if account != m.opts.Account || region != m.opts.Region {
		return nil, ivsapi.NewAccessDeniedException("token: for stage %s, not of account %s in region %s, whose public key %s signed it", *c.Resource, m.opts.Account, m.opts.Region, key.arn)
	}
	// The participant id and the token's members follow the rules of the
	// tokens CreateParticipantToken issues, which the spec states.
	if err := (&ivsapi.Participant{ParticipantId: c.Jti}).Validate(); err != nil {
		return nil, ivsapi.NewValidationException("token: claim jti: %s", errMessage(err))
	}
	var caps []ivsapi.ParticipantTokenCapability
	if c.Capabilities != nil {
		if c.Capabilities.AllowPublish {
			caps = append(caps, ivsapi.ParticipantTokenCapabilityPublish)
		}
		if c.Capabilities.AllowSubscribe {
			caps = append(caps, ivsapi.ParticipantTokenCapabilitySubscribe)
		}
	}
	cfg := ivsapi.ParticipantTokenConfiguration{UserId: c.UserID, Attributes: c.Attributes, Capabilities: caps}
	if err := cfg.Validate(); err != nil {
		return nil, ivsapi.NewValidationException("token: claims user_id and attributes: %s", errMessage(err))
	}
	// exp is a NumericDate: seconds, possibly with a fraction; the fake's
	// clock counts milliseconds.
	expires := time.UnixMilli(int64(*c.Exp * 1000)).UTC()
	return &pToken{
		stageArn: *c.Resource, participantID: *c.Jti, userID: c.UserID, attributes: copyMap(c.Attributes),
		capabilities: m.capabilities(caps), expires: expires,
		used: true, // nowhere stored: Join must not note its use
	}, nil
}

// decodeJWTPart decodes a base64url part of a JWT (unpadded, RFC 7515)
// holding a JSON object into v, reporting whether it could. Why not is
// Go's to say, not the client's.
func decodeJWTPart(part string, v any) bool {
	data, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return false
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return false
	}
	return json.Unmarshal(data, v) == nil
}

// errMessage is the message of an error in AWS's form, without its type.
func errMessage(err error) string {
	if e, ok := errors.AsType[*wire.Error](err); ok {
		return e.Message
	}
	return err.Error()
}

// maxNumericDate is the last second of year 9999, the latest time an
// answer's timestamp (RFC 3339) can carry.
var maxNumericDate = float64(time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix())

// verifyES384 checks a JWS ES384 signature (base64url r||s) of the
// signing input (header.payload) with key.
func verifyES384(key *ecdsa.PublicKey, signingInput, signature string) bool {
	sig, err := base64.RawURLEncoding.DecodeString(signature)
	if err != nil || len(sig) != 2*p384Bytes {
		return false
	}
	digest := sha512.Sum384([]byte(signingInput))
	r := new(big.Int).SetBytes(sig[:p384Bytes])
	s := new(big.Int).SetBytes(sig[p384Bytes:])
	return ecdsa.Verify(key, digest[:], r, s)
}
