package ivsfake

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/validate"
)

// pageTokens issues and opens page tokens of ListParticipants and
// ListStages. A token holds the position to resume from and a hash of the
// query (for ListParticipants the stage, session and filter; for
// ListStages the operation and account) it was issued for, sealed with an HMAC under a key of this fake, so
// a token of another query, another fake or a forged one is refused. With
// a state file the key is kept in it (persist.go), so tokens outlive a
// restart.
type pageTokens struct{ key []byte }

func newPageTokens() pageTokens {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return pageTokens{key: key}
}

const (
	posLen   = 4
	queryLen = 8
	macLen   = 12
)

// pageQuery is the hash of what a token is bound to: three fields, which
// no ListStages query ("ListStages", account, "") shares with a
// ListParticipants one (a stage ARN first).
func pageQuery(a, b, c string) [queryLen]byte {
	h := sha256.Sum256([]byte(a + "\x00" + b + "\x00" + c))
	var q [queryLen]byte
	copy(q[:], h[:])
	return q
}

func (t pageTokens) mac(msg []byte) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write(msg)
	return m.Sum(nil)[:macLen]
}

func (t pageTokens) issue(pos int, query [queryLen]byte) string {
	b := make([]byte, posLen+queryLen, posLen+queryLen+macLen)
	binary.BigEndian.PutUint32(b, uint32(pos))
	copy(b[posLen:], query[:])
	return base64.RawURLEncoding.EncodeToString(append(b, t.mac(b)...))
}

// open returns the position a token resumes from, or a ValidationException
// naming nextToken, with rule as its rule, when the token was not issued by
// this fake for this query.
func (t pageTokens) open(token string, query [queryLen]byte, rule string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != posLen+queryLen+macLen ||
		!hmac.Equal(b[posLen+queryLen:], t.mac(b[:posLen+queryLen])) ||
		!hmac.Equal(b[posLen:posLen+queryLen], query[:]) {
		var e validate.Errors
		e.Add(validate.Violation{
			Path:  "nextToken",
			Value: validate.Render(token),
			Rule:  rule,
		})
		return 0, ivsapi.NewValidationException("%s", e.Message())
	}
	return int(binary.BigEndian.Uint32(b)), nil
}
