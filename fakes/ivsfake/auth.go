package ivsfake

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/wire"
)

// Key is one access key the fake accepts under signature checking, and
// the account it acts in.
type Key struct {
	AccessKeyID, SecretAccessKey, Account string
}

// Keys are the access keys a fake checks signatures against (Options.Keys),
// by access key id.
type Keys map[string]Key

// MaxClockSkew is how far a request's X-Amz-Date may be from the fake's
// clock, as AWS bounds it.
const MaxClockSkew = 5 * time.Minute

var (
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	// regionPattern is an AWS region's form (us-east-1, us-gov-west-1,
	// eu-central-2): namespaces are made only for names of that form.
	regionPattern = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)
	// keyIDPattern is what an access key id may look like: it goes into
	// the credential scope, which has no spaces or slashes.
	keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_+=.@-]{1,128}$`)
)

// ValidAccount reports whether s is an AWS account id: 12 digits.
func ValidAccount(s string) bool { return accountPattern.MatchString(s) }

// ValidRegion reports whether s has an AWS region's form, the one the fake
// takes from a credential scope: `ivsrt serve -region` holds its flag to
// the same.
func ValidRegion(s string) bool { return regionPattern.MatchString(s) }

// ParseKeys reads a keys file: one `ACCESS_KEY_ID SECRET_ACCESS_KEY
// ACCOUNT_ID` per line; blank lines and lines starting with # are skipped.
// A malformed line, an account id that is not 12 digits or an access key
// id given twice is an error naming name:line.
func ParseKeys(r io.Reader, name string) (Keys, error) {
	keys := Keys{}
	s := bufio.NewScanner(r)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		switch {
		case len(f) != 3:
			return nil, fmt.Errorf("%s:%d: want ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID, got %d fields", name, n, len(f))
		case !keyIDPattern.MatchString(f[0]):
			return nil, fmt.Errorf("%s:%d: access key id %q: use letters, digits and _+=.@-", name, n, f[0])
		case !accountPattern.MatchString(f[2]):
			return nil, fmt.Errorf("%s:%d: account id %q: an AWS account id is 12 digits", name, n, f[2])
		}
		if _, dup := keys[f[0]]; dup {
			return nil, fmt.Errorf("%s:%d: access key id %s is given twice", name, n, f[0])
		}
		keys[f[0]] = Key{AccessKeyID: f[0], SecretAccessKey: f[1], Account: f[2]}
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return keys, nil
}

// sigV4 is what an Authorization header of the form AWS4-HMAC-SHA256
// Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=...,
// Signature=... says. Its fields are substrings of the header: reading
// one allocates nothing, as with signatures unchecked every request's
// region is read from it.
type sigV4 struct {
	keyID, date, region, service string
	signedHeaders                string // ;-separated
	signature                    string
}

const sigV4Algorithm = "AWS4-HMAC-SHA256"

// parseAuthorization reads a SigV4 Authorization header; ok is false when
// the header is not one (absent, another scheme, or malformed).
func parseAuthorization(h string) (a sigV4, ok bool) {
	rest, found := strings.CutPrefix(h, sigV4Algorithm+" ")
	if !found {
		return a, false
	}
	var credential string
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			a.signedHeaders = v
		case "Signature":
			a.signature = v
		}
	}
	a.keyID, credential, _ = strings.Cut(credential, "/")
	a.date, credential, _ = strings.Cut(credential, "/")
	a.region, credential, _ = strings.Cut(credential, "/")
	a.service, credential, _ = strings.Cut(credential, "/")
	ok = credential == "aws4_request" && a.keyID != "" && a.date != "" && a.region != "" && a.service != "" &&
		a.signedHeaders != "" && a.signature != ""
	return a, ok
}

// authenticate says which namespace a request acts in. With signature
// checking off, the region is the credential scope's (else the default)
// and the account the default one; with it on (s.keys not nil), the
// request must be signed by a known key with a valid signature, and acts
// in that key's account and the scope's region.
func (s *Server) authenticate(r *http.Request) (Namespace, error) {
	def := Namespace{s.opts.Account, s.opts.Region}
	header := r.Header.Get("Authorization")
	a, signed := parseAuthorization(header)
	if s.keys == nil {
		if !signed || a.region == def.Region {
			return def, nil
		}
		if !ValidRegion(a.region) {
			return def, invalidRegion(a.region)
		}
		return Namespace{def.Account, a.region}, nil
	}
	if header == "" {
		return def, ivsapi.NewMissingAuthenticationTokenException("Missing Authentication Token")
	}
	if !signed {
		return def, ivsapi.NewIncompleteSignatureException("Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters, in the form %s Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=..., Signature=...", sigV4Algorithm)
	}
	key, known := s.keys[a.keyID]
	if !known {
		return def, ivsapi.NewUnrecognizedClientException("The security token included in the request is invalid.")
	}
	if a.service != ivsapi.SigningName {
		return def, ivsapi.NewInvalidSignatureException("Credential should be scoped to correct service: '%s'. ", ivsapi.SigningName)
	}
	if !ValidRegion(a.region) {
		return def, invalidRegion(a.region)
	}
	if err := s.checkSignature(r, a, key); err != nil {
		return def, err
	}
	return Namespace{key.Account, a.region}, nil
}

func invalidRegion(region string) error {
	return ivsapi.NewInvalidSignatureException("Credential should be scoped to a valid region, not '%s'. ", region)
}

const amzDateFormat = "20060102T150405Z"

// checkSignature signs the request again with the key's secret, through
// aws-sdk-go-v2's signer, and compares the signatures. The request is
// rebuilt from the headers the client signed, its X-Amz-Date and the
// SHA-256 of its body as sent, which is read here and put back for the
// handler.
func (s *Server) checkSignature(r *http.Request, a sigV4, key Key) error {
	date := r.Header.Get("X-Amz-Date")
	if date == "" {
		// AWS's message offers a Date header instead, which this fake does
		// not take (the SDKs sign with X-Amz-Date): it names the one it
		// takes, so that a client following it is not refused again.
		return ivsapi.NewIncompleteSignatureException("Authorization header requires existence of a 'X-Amz-Date' header (this fake does not take the 'Date' header AWS also takes).")
	}
	at, err := time.Parse(amzDateFormat, date)
	if err != nil {
		return ivsapi.NewIncompleteSignatureException("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", date)
	}
	now := s.opts.Now().UTC()
	switch {
	case at.Before(now.Add(-MaxClockSkew)):
		return ivsapi.NewInvalidSignatureException("Signature expired: %s is now earlier than %s (%s - 5 min.)",
			date, now.Add(-MaxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat))
	case at.After(now.Add(MaxClockSkew)):
		return ivsapi.NewInvalidSignatureException("Signature not yet current: %s is still later than %s (%s + 5 min.)",
			date, now.Add(MaxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat))
	}

	body, werr := readRaw(r)
	if werr != nil {
		return werr
	}
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	if claimed := r.Header.Get("X-Amz-Content-Sha256"); claimed != "" && claimed != payload {
		return ivsapi.NewInvalidSignatureException("The provided 'x-amz-content-sha256' header does not match what was computed.")
	}

	// The request as the client signed it: its method, URL and signed
	// headers only. The signer always signs host, and content-length when
	// the length is positive, so the length is set only when it was signed.
	// A ';' in the query is part of its pair, as AWS reads it; the SDK's
	// signer, which drops such a pair, then signed something else.
	u := *r.URL
	u.RawQuery = wire.LiteralSemicolons(u.RawQuery)
	re := &http.Request{Method: r.Method, URL: &u, Header: http.Header{}}
	creds := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
	for h := range strings.SplitSeq(a.signedHeaders, ";") {
		switch h {
		case "host":
			re.Host = r.Host
			u.Host = r.Host
		case "content-length":
			re.ContentLength = r.ContentLength
		case "x-amz-security-token":
			// The signer writes the token from the credentials.
			creds.SessionToken = r.Header.Get(h)
		default:
			if v, ok := r.Header[http.CanonicalHeaderKey(h)]; ok {
				re.Header[http.CanonicalHeaderKey(h)] = v
			}
		}
	}
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, re, payload, a.service, a.region, at); err != nil {
		return ivsapi.NewInvalidSignatureException("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	want, _ := parseAuthorization(re.Header.Get("Authorization"))
	if subtle.ConstantTimeCompare([]byte(want.signature), []byte(a.signature)) != 1 {
		return ivsapi.NewInvalidSignatureException("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	return nil
}

// readRaw reads the request's body as sent (compressed or not: the
// signature covers the bytes on the wire), up to wire.MaxBodyBytes, and
// puts it back for the handler. A body over the bound gets wire's answer.
func readRaw(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, wire.MaxBodyBytes+1))
	if err != nil || int64(len(body)) > wire.MaxBodyBytes {
		// wire.ReadBody words the error (too large, cut off) as the
		// handler would.
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		if _, werr := wire.ReadBody(r, wire.MaxBodyBytes); werr != nil {
			return nil, werr
		}
		return nil, ivsapi.NewSerializationException("the request body could not be read")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// AuthLine says how the fake treats signatures, for a server's start line.
func (s *Server) AuthLine() string {
	if s.keys == nil {
		return "auth off: signatures are not checked; requests act in account " + s.opts.Account +
			", in the region of their credential scope (unsigned: " + s.opts.Region + ")"
	}
	keys := strconv.Itoa(len(s.keys)) + " access keys"
	if len(s.keys) == 1 {
		keys = "1 access key"
	}
	return "auth verify: signatures are checked against " + keys + "; each request acts in its key's account, in the region of its credential scope"
}
