package ivsfake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
)

// A token lives in Memory.tokens from its issue until it expires. Then an
// unused token is freed (a fake left running for days would otherwise
// keep every token it ever issued); a token a participant joined with is
// kept while its stage lives, so that a later join with it still records
// JOIN_ERROR on that participant. A freed token still answers "expired",
// because its value carries its expiry.

type pToken struct {
	value         string
	stageArn      string
	participantID string
	userID        *string
	attributes    map[string]string
	capabilities  []ivsapi.ParticipantTokenCapability
	duration      int32
	expires       time.Time
	used          bool // a participant joined with it
}

// expiring holds the tokens not yet swept, soonest expiry first.
type expiring []*pToken

func (q expiring) Len() int           { return len(q) }
func (q expiring) Less(i, j int) bool { return q[i].expires.Before(q[j].expires) }
func (q expiring) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *expiring) Push(x any)        { *q = append(*q, x.(*pToken)) }
func (q *expiring) Pop() any {
	old := *q
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return t
}

// capabilities returns a shared copy of a token's capabilities: the spec
// allows few distinct lists, and tokens never change theirs, so one copy
// of each serves every token. The caller holds m.mu for writing.
func (m *Memory) capabilities(c []ivsapi.ParticipantTokenCapability) []ivsapi.ParticipantTokenCapability {
	var key strings.Builder
	for _, v := range c {
		key.WriteString(string(v))
		key.WriteByte(0)
	}
	shared, ok := m.capSets[key.String()]
	if !ok {
		shared = slices.Clone(c)
		m.capSets[key.String()] = shared
	}
	return shared
}

// tokenValueLen is the bytes behind a token value: its expiry in Unix
// milliseconds, then random bytes that make it unguessable.
const tokenValueLen = 32

const tokenPrefix = "ivsrt."

func newTokenValue(expires time.Time) string {
	b := make([]byte, tokenValueLen)
	binary.BigEndian.PutUint64(b, uint64(expires.UnixMilli()))
	_, _ = rand.Read(b[8:]) // crypto/rand.Read never fails on supported platforms
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// tokenExpiry reads the expiry a token value carries; ok is false for a
// value the fake could not have issued.
func tokenExpiry(value string) (expires time.Time, ok bool) {
	if len(value) <= len(tokenPrefix) || value[:len(tokenPrefix)] != tokenPrefix {
		return time.Time{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(value[len(tokenPrefix):])
	if err != nil || len(b) != tokenValueLen {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(binary.BigEndian.Uint64(b))).UTC(), true
}

func (t *pToken) view() ivsapi.ParticipantToken {
	return ivsapi.ParticipantToken{
		ParticipantId:  new(t.participantID),
		Token:          new(t.value),
		UserId:         t.userID,
		Attributes:     copyMap(t.attributes),
		Duration:       new(t.duration),
		Capabilities:   append([]ivsapi.ParticipantTokenCapability(nil), t.capabilities...),
		ExpirationTime: new(t.expires),
	}
}

// exchanged is the token as a TOKEN_EXCHANGED event shows it.
func (t *pToken) exchanged() exchangedToken {
	return exchangedToken{userID: t.userID, attributes: copyMap(t.attributes), capabilities: t.capabilities, expires: t.expires}
}

// heldToken is the token a participant holds, as a TOKEN_EXCHANGED event
// shows it. The participant keeps its user id as "" when the token had
// none, which the event leaves out.
func (p *participant) heldToken() exchangedToken {
	var userID *string
	if p.userID != "" {
		userID = new(p.userID)
	}
	return exchangedToken{userID: userID, attributes: copyMap(p.attributes), capabilities: p.capabilities, expires: p.tokenExpires}
}
