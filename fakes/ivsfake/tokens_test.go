package ivsfake

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
)

// clock is a settable Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

func newStage(t *testing.T, m *Memory) string {
	t.Helper()
	in := &ivsapi.CreateStageRequest{}
	in.SetDefaults()
	out, err := m.CreateStage(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return *out.Stage.Arn
}

func issueFor(t *testing.T, m *Memory, stageArn string, minutes int32) string {
	t.Helper()
	in := &ivsapi.CreateParticipantTokenRequest{StageArn: &stageArn, Duration: &minutes}
	in.SetDefaults()
	out, err := m.CreateParticipantToken(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return *out.ParticipantToken.Token
}

// TestExpiredUnusedTokensAreFreed: tokens that expire unused are freed,
// a freed token still answers "expired", a token a participant joined
// with is kept (its later join records JOIN_ERROR) until its stage is
// deleted.
func TestExpiredUnusedTokensAreFreed(t *testing.T) {
	t.Run("in memory", func(t *testing.T) { checkTokensFreed(t, nil) })
	t.Run("with a state file", func(t *testing.T) {
		store, err := OpenStore(filepath.Join(t.TempDir(), "state"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.Close() })
		checkTokensFreed(t, store)
	})
}

func checkTokensFreed(t *testing.T, store *Store) {
	const unused = 1000
	c := &clock{now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	// The stage holds more unused tokens than the default bound allows.
	opts := Options{Now: c.Now, Store: store, Limits: Limits{UnusedTokensPerStage: 2 * unused}}
	m := NewMemory(opts)
	// reloaded is what the state file holds, when there is one: what a
	// restart would find.
	reloaded := func() *Memory {
		if store == nil {
			return m
		}
		return NewMemory(opts)
	}
	arn := newStage(t, m)

	var first string
	for i := range unused {
		v := issueFor(t, m, arn, 1)
		if i == 0 {
			first = v
		}
	}
	joined := issueFor(t, m, arn, 1)
	j, err := m.Join(ivscontrol.JoinInput{Token: joined})
	if err != nil {
		t.Fatal(err)
	}
	lasting := issueFor(t, m, arn, 60)
	if got := len(m.tokens); got != unused+2 {
		t.Fatalf("%d tokens held before expiry, want %d", got, unused+2)
	}

	c.add(2 * time.Minute)
	issueFor(t, m, arn, 60) // any issue sweeps
	if got := len(reloaded().tokens); got != 3 {
		t.Fatalf("%d tokens held after %d expired unused, want 3 (joined, lasting, new)", got, unused)
	}
	if tok := reloaded().tokens[joined]; tok == nil || !tok.used {
		t.Fatalf("the token a participant joined with is %+v, want kept and used", tok)
	}
	if _, ok := m.tokens[lasting]; !ok {
		t.Fatal("an unexpired token was freed")
	}

	_, err = m.Join(ivscontrol.JoinInput{Token: first})
	if err == nil || !strings.Contains(err.Error(), "token: expired at 2026-12-01T00:01:00Z") {
		t.Fatalf("join with a freed expired token: %v, want its expiry", err)
	}
	if _, err := m.Join(ivscontrol.JoinInput{Token: "ivsrt.nonsense"}); err == nil || !strings.Contains(err.Error(), "no stage issued this token") {
		t.Fatalf("join with a token never issued: %v", err)
	}

	// The participant that joined with the expired token is still
	// connected; its token answers "expired" and records JOIN_ERROR.
	if _, err := m.Join(ivscontrol.JoinInput{Token: joined}); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("join with an expired used token: %v", err)
	}
	p := m.stages[arn].active.byID[j.ParticipantId]
	if last := p.events[len(p.events)-1]; last.name != ivsapi.EventNameJoinError {
		t.Fatalf("last event %s, want JOIN_ERROR", last.name)
	}

	if _, err := m.DeleteStage(context.Background(), &ivsapi.DeleteStageRequest{Arn: &arn}); err != nil {
		t.Fatal(err)
	}
	if _, ok := reloaded().tokens[joined]; ok {
		t.Fatal("DeleteStage kept the expired token its participant joined with")
	}
	c.add(2 * time.Hour)
	issueFor(t, m, newStage(t, m), 1)
	if got := len(reloaded().tokens); got != 1 {
		t.Fatalf("%d tokens held once every token of the deleted stage expired, want 1", got)
	}
	if got := len(m.expiring); got != 1 {
		t.Fatalf("%d tokens queued for expiry, want 1", got)
	}
}
