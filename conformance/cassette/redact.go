package cassette

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// Redacted is what a secret is replaced with. A participant token or a
// stream key is replaced with Redacted, "#" and the first 12 hex digits
// of its SHA-256 (Mark): the same secret gets the same mark, so a replay
// can tell which answer minted the token a later join used, and nothing
// of a secret of that much entropy can be had from it.
const Redacted = "REDACTED"

// Mark is what a value of a sensitive member, or a token's signature, is
// replaced with.
func Mark(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return Redacted + "#" + hex.EncodeToString(sum[:6])
}

// IsRedacted reports whether s is a redacted value (Redacted or a Mark).
func IsRedacted(s string) bool {
	return s == Redacted || strings.HasPrefix(s, Redacted+"#")
}

// Redactor takes secrets out of exchanges before they are written:
//   - the Authorization header and the session token (X-Amz-Security-Token),
//     of requests and, should an answer carry them, of answers;
//   - the signature of every participant token (a JWT anywhere in a JSON
//     body: header and claims are kept, they say what the token is for);
//   - the value of every member the spec marks sensitive (a stream key);
//     a sensitive member holding a JWT keeps its header and claims;
//   - with Accounts, every AWS account id named in an ARN, replaced
//     wherever it appears by a stand-in of twelve digits, the same
//     stand-in for the same account throughout the cassette.
//
// It is safe for concurrent use.
type Redactor struct {
	Sensitive map[string]bool // member names whose values are secret
	Accounts  bool

	mu       sync.Mutex
	accounts map[string]string // account id -> stand-in
}

// NewRedactor redacts the sensitive member names, and account ids when
// accounts is set.
func NewRedactor(sensitive []string, accounts bool) *Redactor {
	r := &Redactor{Sensitive: map[string]bool{}, Accounts: accounts, accounts: map[string]string{}}
	for _, s := range sensitive {
		r.Sensitive[s] = true
	}
	return r
}

// Redactions is what the header's Redacted lists for r.
func (r *Redactor) Redactions() []string {
	out := []string{"authorization", "security-token", "token-signatures", "sensitive-members"}
	if r.Accounts {
		out = append(out, "accounts")
	}
	return out
}

var secretHeaders = []string{"Authorization", "X-Amz-Security-Token"}

// Exchange redacts ex in place.
func (r *Redactor) Exchange(ex *Exchange) {
	for _, h := range []http.Header{ex.Request.Header, ex.Response.Header} {
		for _, name := range secretHeaders {
			if _, ok := h[name]; ok {
				h[name] = []string{Redacted}
			}
		}
	}
	ex.Request.Body = r.body(ex.Request.Body)
	ex.Response.Body = r.body(ex.Response.Body)
	if r.Accounts {
		r.accountsIn(ex)
	}
}

// body redacts a JSON body; a body that is not JSON is kept, since the
// API's secrets travel only in JSON members.
func (r *Redactor) body(b string) string {
	if b == "" {
		return b
	}
	dec := json.NewDecoder(strings.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return b
	}
	v, changed := r.value("", v)
	if !changed {
		return b
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return b
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func (r *Redactor) value(name string, v any) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		changed := false
		for k, e := range x {
			if ne, c := r.value(k, e); c {
				x[k], changed = ne, true
			}
		}
		return x, changed
	case []any:
		changed := false
		for i, e := range x {
			if ne, c := r.value(name, e); c {
				x[i], changed = ne, true
			}
		}
		return x, changed
	case string:
		if s, ok := RedactJWT(x); ok {
			if r.Accounts {
				s = r.jwtAccounts(s)
			}
			return s, s != x
		}
		if r.Sensitive[name] && !IsRedacted(x) {
			return Mark(x), true
		}
	}
	return v, false
}

// RedactJWT replaces the signature of a JWT (three base64url parts, the
// first a JSON object with an alg) with its Mark; ok is false for a
// string that is not a JWT.
func RedactJWT(s string) (string, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" {
		return s, false
	}
	head, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return s, false
	}
	var h struct {
		Alg *string `json:"alg"`
	}
	if json.Unmarshal(head, &h) != nil || h.Alg == nil {
		return s, false
	}
	if IsRedacted(parts[2]) {
		return s, true
	}
	return parts[0] + "." + parts[1] + "." + Mark(parts[2]), true
}

// arnAccount finds the account of an ARN, plain or path-escaped (a tag
// operation's ARN in the path): arn:PARTITION:SERVICE:REGION:ACCOUNT:.
var arnAccount = regexp.MustCompile(`arn(?::|%3[aA])aws[a-z-]*(?::|%3[aA])[a-z0-9-]+(?::|%3[aA])[a-z0-9-]*(?::|%3[aA])(\d{12})(?::|%3[aA]|/)`)

// digitRuns finds each whole run of digits: an account id is replaced
// only where it stands alone, never inside a longer number.
var digitRuns = regexp.MustCompile(`\d+`)

// accountsIn replaces the accounts named by ARNs in ex, wherever their
// ids appear as a whole run of digits (an error message's IAM user, a
// header), so that none is left behind in a cassette.
func (r *Redactor) accountsIn(ex *Exchange) {
	texts := []*string{&ex.Request.URI, &ex.Request.Body, &ex.Response.Body}
	var headers []*string
	for _, h := range []http.Header{ex.Request.Header, ex.Response.Header} {
		for _, vs := range h {
			for i := range vs {
				headers = append(headers, &vs[i])
			}
		}
	}
	texts = append(texts, headers...)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replaceAccounts(texts)
}

// jwtAccounts replaces the accounts of a token's claims (its ARNs), which
// base64 hides from accountsIn; the token's signature is gone already.
func (r *Redactor) jwtAccounts(tok string) string {
	parts := strings.Split(tok, ".")
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return tok
	}
	text := string(claims)
	r.mu.Lock()
	r.replaceAccounts([]*string{&text})
	r.mu.Unlock()
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(text))
	return strings.Join(parts, ".")
}

// replaceAccounts learns the accounts the texts' ARNs name and replaces
// each wherever it appears in them. r.mu is held.
func (r *Redactor) replaceAccounts(texts []*string) {
	for _, t := range texts {
		for _, m := range arnAccount.FindAllStringSubmatch(*t, -1) {
			if _, ok := r.accounts[m[1]]; !ok {
				r.accounts[m[1]] = r.standIn(len(r.accounts) + 1)
			}
		}
	}
	if len(r.accounts) == 0 {
		return
	}
	for _, t := range texts {
		*t = digitRuns.ReplaceAllStringFunc(*t, func(d string) string {
			if s, ok := r.accounts[d]; ok {
				return s
			}
			return d
		})
	}
}

// standIn is the n-th account's stand-in: 000000000001, 000000000002, ...
// (a reader sees at once that they were replaced); one that is itself an
// account of the cassette is passed over.
func (r *Redactor) standIn(n int) string {
	s := fmt.Sprintf("%012d", n)
	for r.isAccount(s) {
		n++
		s = fmt.Sprintf("%012d", n)
	}
	return s
}

func (r *Redactor) isAccount(s string) bool {
	_, ok := r.accounts[s]
	return ok
}
