package ivsfake

import (
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"slices"
	"strings"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/validate"
)

// Public keys are what an application imports so that IVS checks the
// participant tokens it signs itself (AWS's user guide, "Distribute
// participant tokens": an ECDSA P-384 key pair, the private key never
// leaving the application). The fake keeps each imported key, parsed, so
// that POST /_ivsrt/join can check a self-signed token's signature
// against it (jwt.go).

// publicKeyState holds the account's public keys, guarded by Memory.mu
// like the stages, so a DeletePublicKey and a join with a token the key
// signed cannot interleave.
type publicKeyState struct {
	byArn map[string]*publicKey
	// byFingerprint finds the key with the same material, which
	// ImportPublicKey refuses (see ImportPublicKey).
	byFingerprint map[string]*publicKey
	// order holds the keys by import, the order ListPublicKeys lists them
	// in; seq numbers them. A page token resumes at a sequence number, as
	// ListStages' does.
	order []*publicKey
	seq   uint32
}

type publicKey struct {
	seq         uint32
	arn         string
	name        string
	material    string // as imported, which GetPublicKey answers
	fingerprint string
	key         *ecdsa.PublicKey  // derived from material
	tags        map[string]string // replaced, never changed in place: see view
}

// maxPublicKeys bounds how many public keys one account holds in a region.
// AWS's service-quotas page for real-time streaming lists no quota for
// them (ImportPublicKey declares ServiceQuotaExceededException all the
// same); the fake takes the most one page of ListPublicKeys lists, as it
// does for storage configurations, so no client grows the process without
// end.
const maxPublicKeys = ivsapi.ListPublicKeysRequestMaxResultsMax

// publicKeyRule is the rule a publicKeyMaterial that is not such a key
// breaks, in AWS's validation form.
const pemBegin = "-----BEGIN PUBLIC KEY-----"

const publicKeyRule = "Member must be a PEM-encoded ECDSA public key on curve P-384 (secp384r1)"

// parsePublicKey reads key material: the first PEM block must be a
// PUBLIC KEY (an X.509 SubjectPublicKeyInfo) holding an ECDSA key on
// P-384, the curve AWS's user guide has keys made on (openssl's
// secp384r1) and the one ES384 signs with. The spec's pattern, checked
// before, lets text surround the block; it is ignored. It returns the key
// and the DER bytes the fingerprint is taken of.
func parsePublicKey(material string) (*ecdsa.PublicKey, []byte, error) {
	refuse := func(why string) error {
		var e validate.Errors
		e.Add(validate.Violation{Path: ivsapi.MemberPublicKeyMaterial, Value: validate.Render(material), Rule: publicKeyRule + ": " + why})
		return ivsapi.NewValidationException("%s", e.Message())
	}
	// The pattern lets text precede the block on its first line, which
	// PEM decoding would skip the block for.
	pemText := material
	if i := strings.Index(pemText, pemBegin); i > 0 {
		pemText = pemText[i:]
	}
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, nil, refuse("no PEM block could be read")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, nil, refuse("the PEM block is " + block.Type)
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, nil, refuse("the block holds no public key X.509 can read")
	}
	ec, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return nil, nil, refuse("the key is not an ECDSA key")
	}
	if ec.Curve != elliptic.P384() {
		return nil, nil, refuse("the key is on curve " + ec.Curve.Params().Name)
	}
	return ec, block.Bytes, nil
}

// fingerprint is the MD5 of the key's DER SubjectPublicKeyInfo, as
// colon-separated hex pairs.
//
// Inferred: the user guide's example fingerprint is 16 bytes in that form
// (an MD5's size, the form EC2 gives an imported key's fingerprint); what
// it is a hash of is not documented, and the DER of the key is what does
// not change with the PEM's line breaks or surrounding text.
func fingerprint(der []byte) string {
	sum := md5.Sum(der)
	pairs := make([]string, len(sum))
	for i, b := range sum {
		pairs[i] = hex.EncodeToString([]byte{b})
	}
	return strings.Join(pairs, ":")
}

// lookupPublicKey finds a public key the caller may see: another
// account's is AccessDeniedException, an unknown one
// ResourceNotFoundException. The caller holds m.mu.
func (m *Memory) lookupPublicKey(arn string) (*publicKey, error) {
	if k := m.publicKeys.byArn[arn]; k != nil {
		return k, nil
	}
	if _, account, ok := ivsapi.ParsePublicKeyArn(arn); ok && account != m.opts.Account {
		return nil, ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, arn)
	}
	return nil, ivsapi.NewResourceNotFoundException("Resource: %s not found", arn)
}

// ImportPublicKey stores a public key for checking self-signed
// participant tokens.
//
// Inferred: a key the account holds already (the same key, however its
// PEM is laid out) is refused with ConflictException, which the model
// declares here: two resources for one key would make a token's kid the
// only thing telling them apart, and deleting one would leave the key
// trusted. Past maxPublicKeys, ServiceQuotaExceededException, which the
// model declares too.
func (m *Memory) ImportPublicKey(_ context.Context, in *ivsapi.ImportPublicKeyRequest) (_ *ivsapi.ImportPublicKeyResponse, err error) {
	key, der, err := parsePublicKey(*in.PublicKeyMaterial)
	if err != nil {
		return nil, err
	}
	fp := fingerprint(der)
	m.mu.Lock()
	defer m.unlock(&err)
	if k := m.publicKeys.byFingerprint[fp]; k != nil {
		return nil, ivsapi.NewConflictException("Public key with fingerprint %s is already imported as %s", fp, k.arn)
	}
	if n := len(m.publicKeys.byArn); n >= maxPublicKeys {
		return nil, ivsapi.NewServiceQuotaExceededException("Public key bound exceeded: the account holds %d public keys, its limit is %d (a bound of this fake: AWS publishes no such quota)", n, maxPublicKeys)
	}
	k := m.importPublicKey(valueOf(in.Name), *in.PublicKeyMaterial, fp, key, in.Tags)
	return &ivsapi.ImportPublicKeyResponse{PublicKey: k.view()}, nil
}

// GetPublicKey returns a public key.
func (m *Memory) GetPublicKey(_ context.Context, in *ivsapi.GetPublicKeyRequest) (*ivsapi.GetPublicKeyResponse, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	k, err := m.lookupPublicKey(*in.Arn)
	if err != nil {
		return nil, err
	}
	return &ivsapi.GetPublicKeyResponse{PublicKey: k.view()}, nil
}

// DeletePublicKey deletes a public key: tokens it signed no longer join
// (the model: it "invalidates future participant tokens generated using
// the key pair's private key"). Participants who joined with one stay.
//
// The model declares ConflictException here but names no case for it;
// nothing uses a public key but joins, so the fake answers none.
func (m *Memory) DeletePublicKey(_ context.Context, in *ivsapi.DeletePublicKeyRequest) (_ *ivsapi.DeletePublicKeyResponse, err error) {
	m.mu.Lock()
	defer m.unlock(&err)
	k, err := m.lookupPublicKey(*in.Arn)
	if err != nil {
		return nil, err
	}
	m.deletePublicKey(k)
	return &ivsapi.DeletePublicKeyResponse{}, nil
}

// ListPublicKeys returns one page of the account's public keys, in import
// order; page tokens work as ListStages' do. The model gives it no
// filter.
//
// The model declares AccessDeniedException too; the fake lists only the
// caller's account, so it answers none.
func (m *Memory) ListPublicKeys(_ context.Context, in *ivsapi.ListPublicKeysRequest) (*ivsapi.ListPublicKeysResponse, error) {
	query := pageQuery(ivsapi.OpListPublicKeys, m.opts.Account, "")
	var from uint32
	if in.NextToken != nil && *in.NextToken != "" {
		pos, err := m.pages.open(*in.NextToken, query, "Member must be a token ListPublicKeys issued")
		if err != nil {
			return nil, err
		}
		from = uint32(pos)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := &ivsapi.ListPublicKeysResponse{PublicKeys: []ivsapi.PublicKeySummary{}}
	i, _ := slices.BinarySearchFunc(m.publicKeys.order, from, func(k *publicKey, seq uint32) int { return cmp.Compare(k.seq, seq) })
	limit := int(*in.MaxResults)
	for _, k := range m.publicKeys.order[i:] {
		if len(out.PublicKeys) == limit {
			out.NextToken = new(m.pages.issue(int(k.seq), query))
			break
		}
		v := k.view()
		out.PublicKeys = append(out.PublicKeys, ivsapi.PublicKeySummary{Arn: v.Arn, Name: v.Name, Tags: v.Tags})
	}
	return out, nil
}

// view shares the key's tags with the response: TagResource and
// UntagResource replace the map instead of changing it. The name is ""
// when the key has none, as the AWS CLI's examples show it.
func (k *publicKey) view() *ivsapi.PublicKey {
	out := &ivsapi.PublicKey{
		Arn:               new(k.arn),
		Name:              new(k.name),
		PublicKeyMaterial: new(k.material),
		Fingerprint:       new(k.fingerprint),
		Tags:              k.tags,
	}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out
}
