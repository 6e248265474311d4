package ivsfake

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
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
// and IdleTimeout (defaults DefaultReadTimeout and DefaultIdleTimeout).
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
	}
}

// Server is the whole fake as an http.Handler: the five AWS operations at
// POST /{Operation} and the control API under /_ivsrt/.
type Server struct {
	// Memory is the state behind the server, for tests that drive it
	// directly in-process rather than through the control API.
	Memory *Memory

	api    *ivsapi.Handler
	faults faults
}

// New returns a fake with empty state.
func New(opts Options) *Server {
	s := &Server{Memory: NewMemory(opts)}
	s.faults.pending = map[string][]*Fault{}
	s.api = ivsapi.NewHandler(s.Memory, ivsapi.Options{Before: s.faults.take})
	return s
}

// ServeHTTP routes to the control API or the AWS operations.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == strings.TrimSuffix(ControlPrefix, "/") || strings.HasPrefix(r.URL.Path, ControlPrefix) {
		s.serveControl(w, r)
		return
	}
	s.api.ServeHTTP(w, r)
}

type faults struct {
	mu      sync.Mutex
	pending map[string][]*Fault // by operation, oldest first
}

// InjectFault queues a fault; it checks the operation and the error against the spec.
func (s *Server) InjectFault(f Fault) error {
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
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.pending[f.Operation] = append(s.faults.pending[f.Operation], &f)
	return nil
}

func countError(n int) error {
	return ivsapi.NewValidationException("1 validation error detected: Value '%d' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
}

// take is the Handler's Before hook: it answers with the oldest pending
// fault for the operation, specific ones before "*".
func (f *faults) take(op string, _ *http.Request) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, key := range [...]string{op, "*"} {
		q := f.pending[key]
		if len(q) == 0 {
			continue
		}
		fault := q[0]
		if fault.Count--; fault.Count == 0 {
			f.pending[key] = q[1:]
		}
		return ivsapi.NewError(fault.Error, "%s", fault.Message)
	}
	return nil
}

func (f *faults) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = map[string][]*Fault{}
}

// Reset forgets all state and pending faults.
func (s *Server) Reset() error {
	s.faults.clear()
	return s.Memory.Reset()
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	wire.SetRequestID(w)
	path := strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(ControlPrefix, "/"))
	if r.Method == http.MethodGet && (path == "" || path == "/") {
		wire.WriteJSON(w, Info{Service: ivscontrol.Service, APIVersion: ivsapi.APIVersion, Region: s.Memory.opts.Region, Account: s.Memory.opts.Account})
		return
	}
	if r.Method != http.MethodPost {
		wire.WriteError(w, wire.UnknownOperation(r.Method, r.URL.Path))
		return
	}
	var err error
	var out any = struct{}{}
	switch path {
	case "/join":
		var in JoinInput
		if err = decodeControl(r, &in); err == nil {
			out, err = s.Memory.Join(in)
		}
	case "/publish":
		var in ParticipantRef
		if err = decodeControl(r, &in); err == nil {
			err = s.Memory.Publish(in)
		}
	case "/recording":
		var in RecordingInput
		if err = decodeControl(r, &in); err == nil {
			err = s.Memory.SetRecording(in)
		}
	case "/leave":
		var in ParticipantRef
		if err = decodeControl(r, &in); err == nil {
			err = s.Memory.Leave(in)
		}
	case "/end-session":
		var in struct {
			StageArn string `json:"stageArn"`
		}
		if err = decodeControl(r, &in); err == nil {
			err = s.Memory.EndSession(in.StageArn)
		}
	case "/faults":
		var in struct {
			Fault
			Count *int `json:"count"` // to tell an explicit 0 from none
		}
		if err = decodeControl(r, &in); err == nil {
			if in.Count != nil && *in.Count < 1 {
				err = countError(*in.Count)
			} else {
				in.Fault.Count = valueOf(in.Count)
				err = s.InjectFault(in.Fault)
			}
		}
	case "/quota":
		var body []byte
		var n int
		if body, err = readControl(r); err == nil {
			n, err = parseQuota(body)
		}
		if err == nil {
			var prev int
			if prev, err = s.Memory.SetStageQuota(n); err == nil {
				_, stages := s.Memory.StageQuota()
				out = QuotaOutput{StageQuota: n, PreviousStageQuota: prev, Stages: stages}
			}
		}
	case "/reset":
		err = s.Reset()
	default:
		err = wire.UnknownOperation(r.Method, r.URL.Path)
	}
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	wire.WriteJSON(w, out)
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
