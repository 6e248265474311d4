package ivsfake

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/validate"
	"github.com/ivsrt/contract/fakes/wire"
)

// The HTTP server's bounds, so that clients that stall (mid-body, or idle
// on a keep-alive connection) are cut off rather than held forever.
const (
	// DefaultReadTimeout bounds reading one request, headers and body.
	DefaultReadTimeout = 30 * time.Second
	// DefaultIdleTimeout bounds how long a keep-alive connection waits
	// for its next request.
	DefaultIdleTimeout = 120 * time.Second
	// MaxHeaderTimeout bounds reading a request's headers, within the
	// read timeout.
	MaxHeaderTimeout = 10 * time.Second
	// MaxHeaderBytes bounds a request's header block; larger ones get a
	// 400 in AWS's form (through wire.NewListener).
	MaxHeaderBytes = 64 << 10
)

// NewHTTPServer returns the http.Server that Start and `ivsrt serve` run
// h (the fake, or the fake behind middleware) in, with opts' ReadTimeout
// and IdleTimeout (defaults DefaultReadTimeout and DefaultIdleTimeout),
// writing its own errors to opts.Logger.
// Serve it on wire.NewListener(ln), so that the requests net/http refuses
// itself get AWS's error form as well.
func NewHTTPServer(h http.Handler, opts Options) *http.Server {
	read, idle := opts.ReadTimeout, opts.IdleTimeout
	if read <= 0 {
		read = DefaultReadTimeout
	}
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(read, MaxHeaderTimeout),
		ReadTimeout:       read,
		IdleTimeout:       idle,
		MaxHeaderBytes:    MaxHeaderBytes,
		// The server's own errors (an accept error, say) go to the
		// fake's logger, in its format, at level ERROR.
		ErrorLog: slog.NewLogLogger(opts.withDefaults().Logger.Handler(), slog.LevelError),
	}
}

// Server is the whole fake as an http.Handler: every operation of the spec
// at its AWS path, and the control API under /_ivsrt/. Each account and
// region is its own namespace, with its own state and stage quota: a
// request acts in the one its signature names (see Options.Keys), which
// exists while it stores something (namespaces.go).
type Server struct {
	// Memory is the state of the default namespace (Options' account and
	// region), for tests that drive it directly in-process rather than
	// through the control API.
	Memory *Memory

	opts   Options // with defaults
	def    Namespace
	keys   Keys // nil: signatures are not checked
	api    *ivsapi.Handler
	faults faults
	spaces spaceTable
}

// New returns a fake with empty state.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{opts: opts, keys: opts.Keys, def: Namespace{opts.Account, opts.Region}}
	s.Memory = NewMemory(opts)
	s.Memory.peers = s
	s.spaces.held = map[Namespace]*heldSpace{s.def: {m: s.Memory, pinned: true}}
	s.spaces.perAccount = map[string]int{s.def.Account: 1}
	s.faults.pending = map[faultKey][]*ivscontrol.Fault{}
	s.faults.count = map[Namespace]int{}
	s.api = ivsapi.NewHandler(reservedChecks{ivsapi.Dispatch(s.pick)}, ivsapi.Options{Before: s.take})
	return s
}

// newNamespace makes the state of one account and region: every namespace
// but the default one is made here, from the server's options. A state
// file that cannot be read answers InternalServerException, not a panic
// in the middle of a request.
func newNamespace(base Options, ns Namespace) (*Memory, error) {
	base.Account, base.Region = ns.Account, ns.Region
	m, err := openMemory(base)
	if err != nil {
		// The file's path and Go's error are the operator's to see, not
		// the client's.
		base.Logger.Error("a namespace could not be read from the state file", "error", oneLine(err))
		return nil, ivsapi.NewInternalServerException("The state of account %s in region %s could not be read from the state file", ns.Account, ns.Region)
	}
	return m, nil
}

// pick is the state an operation acts on: its request's namespace, taken
// on first use (the lease is given back when the request is answered).
func (s *Server) pick(ctx context.Context) (ivsapi.Backend, error) {
	l := leaseOf(ctx)
	if l == nil {
		return s.Memory, nil
	}
	if l.m == nil {
		m, err := s.acquire(l.ns)
		if err != nil {
			return nil, err
		}
		l.m = m
	}
	return l.m, nil
}

// ServeHTTP checks the request's signature, then routes it to the control
// API or the AWS operations, in its namespace.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ns, err := s.authenticate(r)
	if err != nil {
		wire.SetRequestID(w)
		wire.WriteError(w, err)
		return
	}
	control := r.URL.Path == strings.TrimSuffix(ivscontrol.Prefix, "/") || strings.HasPrefix(r.URL.Path, ivscontrol.Prefix)
	// The default namespace always exists and needs no lease: most
	// requests skip the context's copy.
	if ns == s.def && !control {
		s.api.ServeHTTP(w, r)
		return
	}
	l := &lease{ns: ns}
	defer s.release(l)
	r = r.WithContext(context.WithValue(r.Context(), leaseKey{}, l))
	if control {
		s.serveControl(w, r, l)
		return
	}
	s.api.ServeHTTP(w, r)
}

type faults struct {
	mu      sync.Mutex
	pending map[faultKey][]*ivscontrol.Fault // oldest first
	count   map[Namespace]int                // pending faults by namespace
}

// faultKey is where a fault applies: an operation (or "*") in a namespace.
type faultKey struct {
	ns Namespace
	op string
}

// InjectFault queues a fault for the default namespace; it checks the
// operation and the error against the spec.
func (s *Server) InjectFault(f ivscontrol.Fault) error {
	return s.injectFault(s.def, f)
}

func (s *Server) injectFault(ns Namespace, f ivscontrol.Fault) error {
	ops := ivsapi.Operations
	if f.Operation != "*" {
		ops = []string{f.Operation}
		if _, ok := ivsapi.DeclaredErrors[f.Operation]; !ok {
			return ivsapi.NewValidationException("operation: %q is not one of %v or \"*\"", f.Operation, ivsapi.Operations)
		}
	}
	for _, op := range ops {
		if !ivsapi.Allows(op, f.Error) {
			return ivsapi.NewValidationException("error: %s may not answer %s: it declares %v, and any operation may answer %v",
				f.Error, op, ivsapi.DeclaredErrors[op], ivsapi.ProtocolErrors)
		}
	}
	if f.Count < 0 {
		return countError(f.Count)
	}
	if f.Count == 0 {
		f.Count = 1
	}
	if f.Message == "" {
		f.Message = "Injected by the ivsrt control API"
	}
	limits := s.opts.Limits
	if len(f.Message) > limits.FaultMessageBytes {
		var e validate.Errors
		e.Add(validate.Violation{Path: "message", Value: validate.Render(f.Message),
			Rule: fmt.Sprintf("Member must have length less than or equal to %d bytes", limits.FaultMessageBytes)})
		return ivsapi.NewValidationException("%s", e.Message())
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if n := s.faults.count[ns]; n >= limits.PendingFaults {
		return ivsapi.NewServiceQuotaExceededException("Fault bound exceeded: %d faults are pending in account %s, region %s, the most this fake keeps: let some be used, or reset (POST %sreset)",
			n, ns.Account, ns.Region, ivscontrol.Prefix)
	}
	k := faultKey{ns, f.Operation}
	s.faults.pending[k] = append(s.faults.pending[k], &f)
	s.faults.count[ns]++
	return nil
}

func countError(n int) error {
	return ivsapi.NewValidationException("1 validation error detected: Value '%d' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
}

// take is the Handler's Before hook: it answers with the oldest pending
// fault for the operation in the request's namespace, specific ones
// before "*".
func (s *Server) take(op string, r *http.Request) error {
	ns, ok := namespaceOf(r.Context())
	if !ok {
		ns = s.def
	}
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.count[ns] == 0 {
		return nil
	}
	for _, key := range [...]faultKey{{ns, op}, {ns, "*"}} {
		q := f.pending[key]
		if len(q) == 0 {
			continue
		}
		fault := q[0]
		if fault.Count--; fault.Count == 0 {
			if f.pending[key] = q[1:]; len(f.pending[key]) == 0 {
				delete(f.pending, key)
			}
			if f.count[ns]--; f.count[ns] == 0 {
				delete(f.count, ns)
			}
		}
		return ivsapi.NewError(fault.Error, "%s", fault.Message)
	}
	return nil
}

// holds reports whether faults are pending in a namespace.
func (f *faults) holds(ns Namespace) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.count[ns] > 0
}

// clear drops the pending faults of one namespace, or of all when all.
func (f *faults) clear(ns Namespace, all bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.pending {
		if all || k.ns == ns {
			delete(f.pending, k)
		}
	}
	for n := range f.count {
		if all || n == ns {
			delete(f.count, n)
		}
	}
}

// Reset forgets all state and pending faults, of every namespace, those
// only a state file holds too; the namespaces other than the default one
// are dropped (made again, empty, when something is next stored there).
func (s *Server) Reset() error {
	t := &s.spaces
	t.mu.Lock()
	spaces := make([]*Memory, 0, len(t.held))
	loaded := map[Namespace]bool{}
	for ns, h := range t.held {
		spaces = append(spaces, h.m)
		loaded[ns] = true
	}
	t.mu.Unlock()
	if store := s.opts.Store; store != nil {
		stored, err := store.Namespaces()
		if err != nil {
			s.opts.Logger.Error("the state file's namespaces could not be read", "path", store.Path(), "error", oneLine(err))
			return ivsapi.NewInternalServerException("The state file could not be read")
		}
		for _, ns := range stored {
			if !loaded[ns] {
				m, err := newNamespace(s.opts, ns)
				if err != nil {
					return err
				}
				spaces = append(spaces, m)
			}
		}
	}
	s.faults.clear(Namespace{}, true)
	var first error
	for _, m := range spaces {
		if err := m.Reset(); err != nil && first == nil {
			first = err
		}
	}
	// A namespace a request is using now is dropped when it gives it back.
	t.mu.Lock()
	for ns, h := range t.held {
		s.dropIfEmpty(ns, h)
	}
	t.mu.Unlock()
	return first
}

// controlCall is one control API request: its namespace, taken only when
// the action needs its state (space), as an operation takes its own.
type controlCall struct {
	s *Server
	r *http.Request
	l *lease
}

func (c *controlCall) ns() Namespace { return c.l.ns }

// space is the namespace's state, taken on first use.
func (c *controlCall) space() (*Memory, error) {
	if c.l.m == nil {
		m, err := c.s.acquire(c.l.ns)
		if err != nil {
			return nil, err
		}
		c.l.m = m
	}
	return c.l.m, nil
}

// serveControl answers the control API, acting in the request's namespace.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request, l *lease) {
	wire.SetRequestID(w)
	path := strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(ivscontrol.Prefix, "/"))
	if r.Method == http.MethodGet && (path == "" || path == "/") {
		wire.WriteJSON(w, ivscontrol.Info{Service: ivscontrol.Service, APIVersion: ivsapi.APIVersion, Region: l.ns.Region, Account: l.ns.Account})
		return
	}
	if r.Method != http.MethodPost {
		wire.WriteError(w, wire.UnknownOperation(r.Method, r.URL.Path))
		return
	}
	action := controlActions[path]
	if action == nil {
		wire.WriteError(w, wire.UnknownOperation(r.Method, r.URL.Path))
		return
	}
	out, err := action(&controlCall{s: s, r: r, l: l})
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	wire.WriteJSON(w, out)
}

// controlActions are the control API's POST actions, by path under
// ivscontrol.Prefix. It is a table rather than a switch so that
// TestStoreCommitsEveryChangeItself can range over it: an action added
// here without a step there (or a note that it changes nothing stored)
// fails that test.
var controlActions = map[string]func(c *controlCall) (any, error){
	"/join": func(c *controlCall) (any, error) {
		var in ivscontrol.JoinInput
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		c.atToken(in.Token)
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		return m.Join(in)
	},
	"/ingest": func(c *controlCall) (any, error) {
		var in ivscontrol.IngestInput
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		if err := checkIngest(in); err != nil {
			return nil, err
		}
		c.atStreamKey(in.StreamKey)
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		if in.Stop {
			return struct{}{}, m.StopIngest(in.StreamKey)
		}
		return m.StartIngest(in)
	},
	"/publish": func(c *controlCall) (any, error) {
		var in ivscontrol.PublishInput
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		if err := checkRef(in.ParticipantRef); err != nil {
			return nil, err
		}
		c.atStage(in.StageArn)
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		if in.ErrorCode != "" {
			return struct{}{}, m.FailPublish(in.ParticipantRef, in.ErrorCode)
		}
		return struct{}{}, m.Publish(in.ParticipantRef)
	},
	"/subscribe": func(c *controlCall) (any, error) {
		var in ivscontrol.SubscribeInput
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		if err := checkSubscribe(in); err != nil {
			return nil, err
		}
		c.atStage(in.StageArn)
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		return struct{}{}, m.Subscribe(in)
	},
	"/unsubscribe": func(c *controlCall) (any, error) {
		var in ivscontrol.SubscribeInput
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		if err := checkSubscribe(in); err != nil {
			return nil, err
		}
		c.atStage(in.StageArn)
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		return struct{}{}, m.Unsubscribe(in)
	},
	"/exchange-token": func(c *controlCall) (any, error) {
		var in ivscontrol.ExchangeTokenInput
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		c.atStage(in.StageArn)
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		return m.ExchangeToken(in)
	},
	"/recording": func(c *controlCall) (any, error) {
		var in ivscontrol.RecordingInput
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		if err := checkRef(in.ParticipantRef); err != nil {
			return nil, err
		}
		c.atStage(in.StageArn)
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		return struct{}{}, m.SetRecording(in)
	},
	"/composition": func(c *controlCall) (any, error) {
		var in ivscontrol.CompositionInput
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		if err := (&ivsapi.GetCompositionRequest{Arn: &in.Arn}).Validate(); err != nil {
			return nil, err
		}
		c.atComposition(in.Arn)
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		return struct{}{}, m.SetComposition(in)
	},
	"/leave": func(c *controlCall) (any, error) {
		var in ivscontrol.ParticipantRef
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		if err := checkRef(in); err != nil {
			return nil, err
		}
		c.atStage(in.StageArn)
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		return struct{}{}, m.Leave(in)
	},
	"/end-session": func(c *controlCall) (any, error) {
		var in struct {
			StageArn string `json:"stageArn"`
		}
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		if err := checkStageArn(in.StageArn); err != nil {
			return nil, err
		}
		c.atStage(in.StageArn)
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		return struct{}{}, m.EndSession(in.StageArn)
	},
	"/faults": func(c *controlCall) (any, error) {
		var in struct {
			ivscontrol.Fault
			Count *int `json:"count"` // to tell an explicit 0 from none
		}
		if err := decodeControl(c.r, &in); err != nil {
			return nil, err
		}
		if in.Count != nil && *in.Count < 1 {
			return nil, countError(*in.Count)
		}
		in.Fault.Count = valueOf(in.Count)
		// A pending fault is stored in its namespace: it counts against
		// the account's bound on namespaces, and keeps the namespace.
		if _, err := c.space(); err != nil {
			return nil, err
		}
		return struct{}{}, c.s.injectFault(c.ns(), in.Fault)
	},
	"/quota": func(c *controlCall) (any, error) {
		body, err := readControl(c.r)
		if err != nil {
			return nil, err
		}
		set, err := parseQuotas(body)
		if err != nil {
			return nil, err
		}
		m, err := c.space()
		if err != nil {
			return nil, err
		}
		prev, err := m.SetQuotas(set)
		if err != nil {
			return nil, err
		}
		return m.quotaOutput(prev), nil
	},
	"/reset": func(c *controlCall) (any, error) {
		// Signed by a key, a reset is that account's and region's, and
		// frees that namespace; with signatures unchecked, anyone may
		// reset everything.
		if c.s.keys == nil {
			return struct{}{}, c.s.Reset()
		}
		return struct{}{}, c.s.resetNamespace(c.ns())
	},
}

// checkRef holds a participant reference to the rules the AWS operations
// put on the same members (DisconnectParticipant's stageArn and
// participantId), so a malformed ARN is a ValidationException before any
// lookup.
func checkRef(ref ivscontrol.ParticipantRef) error {
	// Both are required: a member left out decodes as "", which the
	// request's own rules (no minimum length for a participant id) would
	// let through.
	req := ivsapi.DisconnectParticipantRequest{}
	if ref.StageArn != "" {
		req.StageArn = &ref.StageArn
	}
	if ref.ParticipantId != "" {
		req.ParticipantId = &ref.ParticipantId
	}
	return req.Validate()
}

// checkStageArn holds a stage ARN to the rules CreateParticipantToken puts
// on its stageArn.
func checkStageArn(arn string) error {
	return (&ivsapi.CreateParticipantTokenRequest{StageArn: &arn}).Validate()
}

func decodeControl(r *http.Request, v any) error {
	body, err := readControl(r)
	if err != nil {
		return err
	}
	if err := wire.Decode(body, v); err != nil {
		return err
	}
	return nil
}

func readControl(r *http.Request) ([]byte, error) {
	body, err := wire.ReadBody(r, wire.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	return body, nil
}
