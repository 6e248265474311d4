package suite

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// answerRoutes caches each suite's routes for CheckAnswer: building them
// walks the spec, which a proxy must not do once per answer.
var answerRoutes sync.Map // *Suite -> map[string]*routers.Route

// CheckAnswer judges one answer of op against the rules every answer
// obeys, as a run judges the answer of every case: the error form
// (x-amzn-ErrorType, the type's status, a message), the spec's schemas
// (shape, types, enums, formats, required members, declared statuses),
// only in what the spec knows (known.go), so that a newer service passes.
// ex needs Status, Header, Resp, ErrType and Message (as send fills
// them). It is for tools that judge traffic the suite did not send
// (ivsrt proxy); nil means the answer keeps the contract.
//
// newer lists the strings of the answer that no enum of the spec lists,
// as "/path: value": the run passes them (a service newer than the spec
// may answer them); a tool that measures an implementation against the
// spec reports them all the same, each a wrong value or one the spec
// does not know yet.
func (s *Suite) CheckAnswer(op string, ex *Exchange) (f *Failure, newer []string, err error) {
	return s.checkAnswer(op, ex, nil)
}

// CheckRecordedAnswer is CheckAnswer for an answer read from a recording
// whose secrets were replaced (a cassette's marks): a string redacted
// says true of breaks no schema (a stream key's pattern, say).
func (s *Suite) CheckRecordedAnswer(op string, ex *Exchange, redacted func(string) bool) (f *Failure, newer []string, err error) {
	return s.checkAnswer(op, ex, redacted)
}

func (s *Suite) checkAnswer(op string, ex *Exchange, redacted func(string) bool) (f *Failure, newer []string, err error) {
	o := s.Contract.Operation(op)
	if o == nil {
		return nil, nil, fmt.Errorf("suite: unknown operation %q", op)
	}
	v, ok := answerRoutes.Load(s)
	if !ok {
		routes, err := buildRoutes(s)
		if err != nil {
			return nil, nil, err
		}
		v, _ = answerRoutes.LoadOrStore(s, routes)
	}
	var kin error
	r := &Runner{suite: s, routes: v.(map[string]*routers.Route), kinErr: &kin, redacted: redacted}
	f = r.checkContract(o, ex)
	if f != nil && notImplemented(ex) {
		return nil, nil, nil // an operation the target has not written breaks no rule of the answer
	}
	if ex.Status == 200 {
		newer = newerEnums(kin)
	}
	return f, newer, nil
}

// newerEnums are the string enum values kin-openapi found that the spec
// does not list, as "/path: value".
func newerEnums(err error) []string {
	var out []string
	var walk func(err error)
	walk = func(err error) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, x := range e {
				walk(x)
			}
		case *openapi3filter.ResponseError:
			if e.Err != nil {
				walk(e.Err)
			}
		case *openapi3.SchemaError:
			if e.SchemaField == "enum" && newerValue(e) {
				out = append(out, fmt.Sprintf("/%s: %v", strings.Join(e.JSONPointer(), "/"), e.Value))
			}
			var inner openapi3.MultiError
			if errors.As(e.Origin, &inner) {
				walk(inner)
			}
		}
	}
	walk(err)
	return out
}

// ErrorTypeOf is the error type of an x-amzn-ErrorType header, without
// what AWS may append to it after a colon.
func ErrorTypeOf(header string) string { return errorType(header) }
