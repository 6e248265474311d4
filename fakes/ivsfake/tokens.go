package ivsfake

import (
	"container/heap"
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

// issue mints a token for a stage from a configuration with defaults
// applied. The caller holds m.mu.
func (m *Memory) issue(stageArn string, c ivsapi.ParticipantTokenConfiguration, now time.Time) *pToken {
	m.sweep(now)
	t := &pToken{
		stageArn:      stageArn,
		participantID: ivsapi.NewParticipantId(),
		userID:        c.UserId,
		attributes:    copyMap(c.Attributes),
		capabilities:  m.capabilities(c.Capabilities),
		duration:      *c.Duration,
	}
	t.expires = now.Add(time.Duration(t.duration) * time.Minute)
	t.value = newTokenValue(t.expires)
	m.addToken(t)
	m.markToken(t.value)
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

// sweep frees the tokens that have expired unused, and those of deleted
// stages. The caller holds m.mu for writing.
func (m *Memory) sweep(now time.Time) {
	for len(m.expiring) > 0 && !now.Before(m.expiring[0].expires) {
		t := heap.Pop(&m.expiring).(*pToken)
		if st := m.stages[t.stageArn]; t.used && st != nil {
			st.used = append(st.used, t.value) // DeleteStage frees it
			continue
		}
		delete(m.tokens, t.value)
		m.markToken(t.value)
	}
}

// forgetTokens frees the expired tokens of a deleted stage that its
// participants joined with; its other tokens go when they expire.
func (m *Memory) forgetTokens(st *stage) {
	for _, v := range st.used {
		delete(m.tokens, v)
		m.markToken(v)
	}
	st.used = nil
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
