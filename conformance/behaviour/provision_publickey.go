package behaviour

import (
	"context"
	"crypto/elliptic"
	"encoding/json"
	"strings"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file makes the public keys the generated cases need: the model's
// pattern for publicKeyMaterial admits any PEM "PUBLIC KEY" block, but
// AWS takes only an ECDSA P-384 key (the user guide, "Distribute
// Participant Tokens"), and refuses one it holds already, so no sample
// the spec can state is accepted twice. The suite makes a key pair where a
// case needs key material: a fresh one for each ImportPublicKey case that
// must succeed, one imported for the run (the live public key the Get and
// tag cases read), one imported and deleted (the deleted key of the
// not-found cases), and one imported for each DeletePublicKey case that
// must succeed. The run's keys go at its cleanup.

// The placeholder of fresh key material, and the provisioners of this file.
const (
	freshKeyMaterial       = "fresh:PublicKeyMaterial"
	provisionKeyMaterial   = "public-key-material"
	provisionKeyToDelete   = "public-key-to-delete"
	structGetPublicKey     = "GetPublicKeyRequest"
	structImportPublicKey  = "ImportPublicKeyRequest"
	caseTagPublicKeyLive   = "live-public-key"
	caseTagPublicKeyDelete = "public-key-to-delete"
)

// newKeyMaterial is the PEM of a new ECDSA P-384 public key.
func newKeyMaterial() (string, *suite.Failure) {
	_, material, f := keyPair(elliptic.P384())
	return material, f
}

// declarePublicKeys adds to a generated case of public keys what it needs.
func declarePublicKeys(c *suite.Contract, cs *suite.Case, need func(placeholder, provisioner string)) {
	mustSucceed := cs.Kind == suite.KindShape || cs.Kind == suite.KindTimestamp ||
		cs.Kind == suite.KindRequest && cs.Expect == suite.ExpectAccepted
	if !mustSucceed {
		return
	}
	switch cs.Operation {
	case ivscases.OpImportPublicKey:
		if body, ok := withMember(cs.Body, ivscases.MemberPublicKeyMaterial, "${"+freshKeyMaterial+"}"); ok {
			cs.Body = body
			need(freshKeyMaterial, provisionKeyMaterial)
		}
	case ivscases.OpDeletePublicKey:
		if live := c.LiveName(structGetPublicKey, ivscases.MemberArn); containsPlaceholder(cs.Body, live) {
			need(live, provisionKeyToDelete)
		}
	}
}

// keyMaterial is fresh key material for one case, as it goes inside a
// JSON string (the placeholder sits between quotes).
func (r *runner) keyMaterial(context.Context, *suite.Case) (string, *suite.Failure) {
	pem, f := newKeyMaterial()
	if f != nil {
		return "", f
	}
	b, _ := json.Marshal(pem)
	return strings.TrimSuffix(strings.TrimPrefix(string(b), `"`), `"`), nil
}

// importKey imports a new public key tagged for the run, and returns its ARN.
func (r *runner) importKey(ctx context.Context, caseTag string) (string, *suite.Failure) {
	material, f := newKeyMaterial()
	if f != nil {
		return "", f
	}
	doc, ex, f := r.do(ctx, ivscases.OpImportPublicKey, map[string]any{ivscases.MemberPublicKeyMaterial: material, ivscases.MemberTags: r.caseTags(caseTag)})
	if f != nil {
		return "", f
	}
	key, _ := doc[ivscases.MemberPublicKey].(map[string]any)
	arn, _ := key[ivscases.MemberArn].(string)
	if arn == "" {
		return "", suite.Mismatch(ex, "ImportPublicKey answered without publicKey.arn", "a public key ARN", key[ivscases.MemberArn])
	}
	return arn, nil
}

// keyToDelete imports a public key for a case to delete.
func (r *runner) keyToDelete(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return "", f // the target could not even make a stage
	}
	arn, f := r.importKey(ctx, caseTagPublicKeyDelete)
	if f != nil {
		f.Reason = "importing a public key for the case to delete: " + f.Reason
	}
	return arn, f
}

// setupPublicKeys imports the run's live public key and one it deletes:
// the values of ${live:PublicKeyArn} and ${deleted:PublicKeyArn}. A
// contract without ImportPublicKey (the 2024-06-20 one) has neither.
func (r *runner) setupPublicKeys(ctx context.Context) {
	c := r.c
	m := c.Member(structGetPublicKey, ivscases.MemberArn)
	if m == nil || m.Identifier == "" || c.Operation(ivscases.OpImportPublicKey) == nil {
		return
	}
	live, deleted := placeholderName(suite.PlaceholderLive, m.Identifier), placeholderName(suite.PlaceholderDeleted, m.Identifier)
	if _, f := r.Live(r.liveStage); f != nil {
		r.SetMissing(f, live, deleted) // the target could not even make a stage
		return
	}
	arn, f := r.importKey(ctx, caseTagPublicKeyLive)
	if f != nil {
		f.Reason = "setup: ImportPublicKey of the run's public key: " + f.Reason
		r.SetMissing(f, live, deleted)
		return
	}
	r.SetLive(live, arn)
	if c.Operation(ivscases.OpDeletePublicKey) == nil {
		r.SetMissing(suite.Skipf("the contract has no %s to delete a public key with", ivscases.OpDeletePublicKey), deleted)
		return
	}
	gone, f := r.importKey(ctx, caseTagPublicKeyDelete)
	if f == nil {
		_, _, f = r.do(ctx, ivscases.OpDeletePublicKey, map[string]any{ivscases.MemberArn: gone})
	}
	if f != nil {
		f.Reason = "setup: a public key to import and delete: " + f.Reason
		r.SetMissing(f, deleted)
		return
	}
	r.SetLive(deleted, gone)
}
