// Package traffic judges traffic the suite did not send: one exchange
// between a client and an IVS Real-Time endpoint (live, as ivsrt proxy
// carries it, or from a cassette), against the spec and the rules of
// docs/contract.md. Each finding names its check in the suite's case-name
// form (CreateStage/defaults/stage.tags, CreateStage/name/maxLength/over),
// so that rules.Contract().For(check) finds the row it confirms or
// contradicts, with its source.
package traffic

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"

	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/validate"
	"github.com/ivsrt/contract/fakes/wire"
)

// Refusal is what the fake would answer a request the spec refuses: the
// status, the error type and the message in AWS's form, and the answer
// whole (headers and body), as the fake's generated handler writes it.
type Refusal struct {
	Status    int
	ErrorType string
	Message   string
	Header    http.Header
	Body      []byte
}

// reachedType is the error the request checker's backend answers every
// operation with: the request passed decoding and validation. It is no
// type of the service, and never leaves this package.
const reachedType = "IvsrtTrafficReached"

// reachedBackend answers every operation with reachedType: the generated
// handler decodes, validates and applies defaults exactly as the fake
// does before it calls its backend, so reaching the backend is the spec
// accepting the request.
var reachedBackend = ivsapi.Dispatch(func(context.Context) (ivsapi.Backend, error) {
	return nil, wire.NewError(reachedType, http.StatusAccepted, "reached")
})

// routes maps a request's method and path to an operation, as the fake
// routes it.
var routes = wire.NewRouter(ivsapi.Routes)

// Operation is the operation a request's method and path route to, ""
// for none (a control call of the fake, /_ivsrt/..., routes to none).
func Operation(method, escapedPath string) string {
	if i, _, ok := routes.Match(method, escapedPath); ok {
		return ivsapi.Routes[i].Operation
	}
	return ""
}

// Request is what the fake would refuse of the request: nil when the
// spec accepts it (or it names no operation of the spec). r gives the
// method, URL and headers; body is the request's body (r.Body is not
// read).
func (c *Checker) Request(op string, r *http.Request, body []byte) *Refusal {
	if op == "" {
		return nil
	}
	req := httptest.NewRequest(r.Method, r.URL.RequestURI(), bytes.NewReader(body))
	req.Header = r.Header.Clone()
	req.ContentLength = int64(len(body))
	rec := httptest.NewRecorder()
	c.handler.ServeHTTP(rec, req)
	et := errorTypeIn(rec.Header())
	if et == reachedType || rec.Code == http.StatusOK {
		return nil
	}
	ref := &Refusal{Status: rec.Code, ErrorType: et, Header: rec.Header(), Body: rec.Body.Bytes()}
	ref.Message = messageOf(ref.Body)
	if ref.ErrorType == "UnknownOperationException" || ref.Status == http.StatusNotFound && et == "" {
		return nil // the route table and the handler disagree on nothing the spec says
	}
	return ref
}

// messageOf reads an error body's message: AWS's restJson1 errors carry
// it as message, or exceptionMessage as IVS writes it.
func messageOf(body []byte) string {
	var e struct {
		Message          string `json:"message"`
		ExceptionMessage string `json:"exceptionMessage"`
	}
	_ = json.Unmarshal(body, &e)
	if e.ExceptionMessage != "" {
		return e.ExceptionMessage
	}
	return e.Message
}

// refusalCheck names the check a refusal of op's request stands for, in
// the suite's case-name form: the member (list indexes and ".member" as
// the generated cases write them) and the rule, read with the fake's own
// validation (validate.FirstViolation, validate.KindOf). A message it
// cannot read stands for the rule every refusal obeys
// (op/errors/ValidationException), a body that is not JSON for
// op/json/malformed.
func refusalCheck(op, errType, msg string) string {
	v, ok := validate.FirstViolation(msg)
	if errType == "SerializationException" {
		if ok {
			return op + "/" + casePath(v.Path) + "/wrong-type"
		}
		return op + "/json/malformed"
	}
	kind, known := validate.KindOf(v.Rule)
	if !ok || !known {
		return op + "/errors/ValidationException"
	}
	member := casePath(v.Path)
	if strings.HasSuffix(member, "[]") && kind != validate.KindEnum {
		// a list's own constraint is named by the list
		member = strings.TrimSuffix(member, "[]")
	}
	return op + "/" + member + "/" + string(kind) + "/" + variants[kind]
}

// variants are the suite's names for the refused side of each rule's
// cases (CreateStage/name/maxLength/over).
var variants = map[validate.Kind]string{
	validate.KindRequired: "omitted", validate.KindMinLength: "under", validate.KindMaxLength: "over",
	validate.KindPattern: "mismatch", validate.KindMinimum: "under", validate.KindMaximum: "over",
	validate.KindEnum: "not-a-member",
}

// listIndex is a list index in a violation's path, as AWS writes it
// ("participantTokenConfigurations.1.member.duration").
var listIndex = regexp.MustCompile(`\.\d+(\.member)?`)

// casePath turns a violation's member path into the cases' form
// (participantTokenConfigurations[].duration).
func casePath(p string) string {
	return listIndex.ReplaceAllString(p, "[]")
}

// errorTypeIn is the error type of an answer's headers, whatever the case
// of the header's name: the fake writes x-amzn-ErrorType as AWS spells
// it, which http.Header.Get (canonical names) does not find in a header
// map written directly.
func errorTypeIn(h http.Header) string {
	if v := h.Get("x-amzn-ErrorType"); v != "" {
		return suite.ErrorTypeOf(v)
	}
	for k, vs := range h {
		if strings.EqualFold(k, "x-amzn-ErrorType") && len(vs) > 0 {
			return suite.ErrorTypeOf(vs[0])
		}
	}
	return ""
}
