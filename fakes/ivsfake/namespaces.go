package ivsfake

import (
	"context"
	"strings"
	"sync"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
)

// A namespace (an account and region) exists only while something is
// stored in it: a stage, a deleted stage's sessions, a token, a storage
// configuration, a quota set through the control API, or a pending fault.
// A request takes a lease on its namespace when it first needs its state
// (the operation's Backend, or a control action's) and gives it back
// when it is answered; a namespace that then holds nothing, and that no
// other request is using, is dropped. So reads, refusals and misses of
// the control API leave nothing behind, and an account's bound on
// namespaces counts only what it stores (and what it has in flight).
//
// Each account has its own bound (Limits.NamespacesPerAccount): past it,
// a request of that account for one more namespace is refused with
// ThrottlingException, and no other account is affected. A reset of a
// namespace (POST /_ivsrt/reset) frees it.

// DefaultNamespacesPerAccount is how many regions an account may hold
// state in at once, by default: more than AWS has regions, so a normal
// test never meets it, and few enough that one account cannot grow the
// process without end by naming ever new regions.
const DefaultNamespacesPerAccount = 100

// spaceTable holds the namespaces that exist, by account and region.
type spaceTable struct {
	mu         sync.Mutex
	held       map[Namespace]*heldSpace
	perAccount map[string]int // how many namespaces each account holds
}

type heldSpace struct {
	m      *Memory
	users  int  // requests holding a lease on it
	pinned bool // the default namespace (Server.Memory) is never dropped
}

// lease is a request's hold on its namespace: the Memory is set when the
// request first needs it (Server.pick, controlCall.space), and the
// namespace given back when the request is answered (Server.release).
type lease struct {
	ns Namespace
	m  *Memory
}

type leaseKey struct{}

func leaseOf(ctx context.Context) *lease {
	l, _ := ctx.Value(leaseKey{}).(*lease)
	return l
}

// namespaceOf is the namespace of the request whose context ctx is; ok
// is false for the default namespace.
func namespaceOf(ctx context.Context) (Namespace, bool) {
	if l := leaseOf(ctx); l != nil {
		return l.ns, true
	}
	return Namespace{}, false
}

// acquire returns the namespace's state, making it (empty, or as the
// state file holds it) when it does not exist, and counts the caller as
// one of its users until release.
func (s *Server) acquire(ns Namespace) (*Memory, error) {
	t := &s.spaces
	t.mu.Lock()
	defer t.mu.Unlock()
	if h := t.held[ns]; h != nil {
		h.users++
		return h.m, nil
	}
	if limit := s.opts.Limits.NamespacesPerAccount; t.perAccount[ns.Account] >= limit {
		remedy := "reset one (POST " + ivscontrol.Prefix + "reset, signed for its region)"
		if s.keys == nil {
			remedy = "reset the fake (POST " + ivscontrol.Prefix + "reset)"
		}
		return nil, ivsapi.NewThrottlingException("Account %s holds state in %d regions, the most this fake keeps for one account: %s to make room for %s",
			ns.Account, limit, remedy, ns.Region)
	}
	m, err := newNamespace(s.opts, ns)
	if err != nil {
		return nil, err
	}
	m.peers = s
	t.held[ns] = &heldSpace{m: m, users: 1}
	t.perAccount[ns.Account]++
	return m, nil
}

// release gives back a request's lease (if it took its namespace) and
// drops the namespace when it holds nothing and nobody else uses it. It
// runs for a request that never took its namespace too: a fault it
// consumed may have been the last thing stored there.
func (s *Server) release(l *lease) {
	t := &s.spaces
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.held[l.ns]
	if h == nil {
		return
	}
	if l.m != nil && l.m == h.m {
		h.users--
	}
	s.dropIfEmpty(l.ns, h)
}

// dropIfEmpty drops a namespace that holds nothing and that no request
// uses. The caller holds s.spaces.mu.
func (s *Server) dropIfEmpty(ns Namespace, h *heldSpace) {
	t := &s.spaces
	if h.users > 0 || h.pinned || s.faults.holds(ns) || !h.m.holdsNothing() {
		return
	}
	delete(t.held, ns)
	if t.perAccount[ns.Account]--; t.perAccount[ns.Account] <= 0 {
		delete(t.perAccount, ns.Account)
	}
}

// borrow lends a namespace's state to a request of another namespace (a
// replication to another account's stage, replication.go) under a lease
// like its own, which done gives back. A namespace neither held nor in
// the state file holds nothing: borrow returns nil rather than making it,
// so naming an account that stores nothing counts against no bound.
func (s *Server) borrow(ns Namespace) (*Memory, func()) {
	t := &s.spaces
	t.mu.Lock()
	h := t.held[ns]
	if h != nil {
		h.users++
	}
	t.mu.Unlock()
	if h == nil {
		if s.opts.Store == nil {
			return nil, nil
		}
		m, err := s.acquire(ns)
		if err != nil {
			return nil, nil
		}
		h = &heldSpace{m: m}
	}
	m := h.m
	return m, func() { s.release(&lease{ns: ns, m: m}) }
}

// Namespaces lists the namespaces the fake holds now (in memory: those a
// state file holds are loaded as they are first used).
func (s *Server) Namespaces() []Namespace {
	t := &s.spaces
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Namespace, 0, len(t.held))
	for ns := range t.held {
		out = append(out, ns)
	}
	return out
}

// resetNamespace forgets one namespace's state and pending faults, and
// frees it: a signed reset under signature checking. A namespace the fake
// does not hold is emptied in the state file, if that holds it, without
// being counted against its account.
func (s *Server) resetNamespace(ns Namespace) error {
	s.faults.clear(ns, false)
	t := &s.spaces
	t.mu.Lock()
	h := t.held[ns]
	if h != nil {
		h.users++
	}
	t.mu.Unlock()
	if h != nil {
		err := h.m.Reset()
		s.release(&lease{ns: ns, m: h.m})
		return err
	}
	if s.opts.Store == nil {
		return nil
	}
	m, err := newNamespace(s.opts, ns)
	if err != nil {
		return err
	}
	return m.Reset()
}

// holdsNothing reports whether the namespace stores nothing: no stage,
// deleted stage, token or storage configuration, and no quota set.
func (m *Memory) holdsNothing() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.holdsNothingLocked()
}

// holdsNothingLocked is holdsNothing for a caller that holds m.mu.
func (m *Memory) holdsNothingLocked() bool {
	return len(m.stages) == 0 && len(m.deleted.order) == 0 && len(m.tokens) == 0 &&
		len(m.storage.byArn) == 0 && len(m.publicKeys.byArn) == 0 && len(m.ingest.byArn) == 0 &&
		len(m.encoders.byArn) == 0 && len(m.compositions.byArn) == 0 && m.quotaSet == [numQuotas]bool{}
}

// A control call acts where its resource lives. A participant's device
// holds a token, not AWS credentials, and the token (or the stage ARN a
// test names) already says which account and region it belongs to: so
// with signatures unchecked, an unsigned control call whose body names a
// stage ARN acts in that ARN's account and region, and a join in the
// namespace of the token's stage, not in -region. A signed call acts for
// its signer, as an AWS request does, and cannot reach another account's
// stage (AccessDeniedException from the lookup) or another region's.
// Calls that name no resource (faults, quota) act in the call's own
// namespace.

// unsigned reports whether the call may follow its resource: signatures
// are unchecked and the call carries none.
func (c *controlCall) unsigned() bool {
	if c.s.keys != nil {
		return false
	}
	_, signed := parseAuthorization(c.r.Header.Get("Authorization"))
	return !signed
}

// atStage makes an unsigned call act in the account and region of the
// stage ARN it names. A malformed ARN leaves the call where it is, to be
// refused by the rules on stageArn. It must run before the call takes its
// namespace (space).
func (c *controlCall) atStage(arn string) {
	if c.l.m != nil || !c.unsigned() {
		return
	}
	region, account, ok := ivsapi.ParseStageArn(arn)
	if ok && ValidRegion(region) && ValidAccount(account) {
		c.l.ns = Namespace{Account: account, Region: region}
	}
}

// atComposition makes an unsigned control call about a composition act
// where the composition lives, as atStage does for a stage.
func (c *controlCall) atComposition(arn string) {
	if c.l.m != nil || !c.unsigned() {
		return
	}
	region, account, ok := ivsapi.ParseCompositionArn(arn)
	if ok && ValidRegion(region) && ValidAccount(account) {
		c.l.ns = Namespace{Account: account, Region: region}
	}
}

// atToken makes an unsigned join act in the namespace that issued its
// token, or, for a token an application signed itself, in its stage's
// (its resource claim, read here only to route the call: the join checks
// the signature). A token no namespace holds (unknown, or expired and
// freed) leaves the call where it is, to be answered there.
func (c *controlCall) atToken(token string) {
	if c.l.m != nil || !c.unsigned() {
		return
	}
	if looksSelfSigned(token) {
		var claims selfSignedClaims
		if parts := strings.Split(token, "."); decodeJWTPart(parts[1], &claims) && claims.Resource != nil {
			c.atStage(*claims.Resource)
		}
		return
	}
	if ns, ok := c.s.tokenNamespace(token, c.l.ns); ok {
		c.l.ns = ns
	}
}

// atStreamKey makes an unsigned ingest call act in the account and region
// its stream key names (rt_ACCOUNT_REGION_ID_SECRET, newStreamKey). A key
// of another form leaves the call where it is, to be refused there.
func (c *controlCall) atStreamKey(key string) {
	if c.l.m != nil || !c.unsigned() {
		return
	}
	parts := strings.SplitN(key, "_", 5)
	if len(parts) == 5 && parts[0] == "rt" && ValidRegion(parts[2]) && ValidAccount(parts[1]) {
		c.l.ns = Namespace{Account: parts[1], Region: parts[2]}
	}
}

// tokenNamespace finds the namespace holding a token: first, then the
// others held in memory, then those only the state file holds (loaded as
// a request naming them would load them). Their number is bounded by the
// accounts' bounds on namespaces, so the search is too.
func (s *Server) tokenNamespace(token string, first Namespace) (Namespace, bool) {
	t := &s.spaces
	t.mu.Lock()
	held := make(map[Namespace]*Memory, len(t.held))
	for ns, h := range t.held {
		held[ns] = h.m
	}
	t.mu.Unlock()
	if m := held[first]; m != nil && m.holdsToken(token) {
		return first, true
	}
	for ns, m := range held {
		if m.holdsToken(token) {
			return ns, true
		}
	}
	if s.opts.Store == nil {
		return Namespace{}, false
	}
	stored, err := s.opts.Store.Namespaces()
	if err != nil {
		return Namespace{}, false // the call fails where it is
	}
	for _, ns := range stored {
		if held[ns] != nil {
			continue
		}
		m, err := s.acquire(ns)
		if err != nil {
			continue
		}
		found := m.holdsToken(token)
		s.release(&lease{ns: ns, m: m})
		if found {
			return ns, true
		}
	}
	return Namespace{}, false
}

// holdsToken reports whether the namespace issued the token and holds it
// still.
func (m *Memory) holdsToken(token string) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.tokens[token] != nil
}
