package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// buildRoutes maps each operation of the contract to its route in the spec,
// by path: the suite knows which operation it called, so it needs no
// router (and no server URL matching the target).
func buildRoutes(s *Suite) (map[string]*routers.Route, error) {
	out := map[string]*routers.Route{}
	for _, op := range s.Contract.Operations {
		item := s.Spec.Paths.Find(op.Path)
		var o *openapi3.Operation
		if item != nil {
			o = item.GetOperation(op.method())
		}
		if o == nil {
			return nil, fmt.Errorf("suite: the spec has no %s %s for operation %s", op.method(), op.Path, op.Name)
		}
		out[op.Name] = &routers.Route{Spec: s.Spec, Path: op.Path, PathItem: item, Method: op.method(), Operation: o}
	}
	return out, nil
}

// Answer is what the diff of a failed expectation compares, as the JSON
// DiffJSON writes.
type Answer struct {
	Status    int      `json:"status"`
	ErrorType string   `json:"errorType,omitempty"`    // x-amzn-ErrorType
	Names     []string `json:"messageNames,omitempty"` // member paths the error message names
}

// Accepted is what the diff of an ExpectAccepted case compares.
type Accepted struct {
	Accepted  bool   `json:"accepted"`
	ErrorType string `json:"errorType"`
}

// rejections are the error types that say the input itself was refused.
var rejections = []string{"ValidationException", "SerializationException"}

// checkContract holds an answer to the rules every answer obeys, as far as
// the suite's spec knows them (known.go).
func (r *Runner) checkContract(op *Operation, ex *Exchange) *Failure {
	c := r.suite.Contract
	includeStatus := true
	if ex.Status != http.StatusOK {
		if notImplemented(ex) {
			// Run reports it as a skip: the target has not written op.
			return Failf(ex, "the target does not implement %s", op.Name)
		}
		if ex.ErrType == "" {
			return &Failure{Reason: fmt.Sprintf("error answer %d has no x-amzn-ErrorType header", ex.Status),
				Diff: DiffJSON(Answer{Status: ex.Status, ErrorType: "<one of the errors " + op.Name + " may answer>"}, Answer{Status: ex.Status}), Exchange: ex}
		}
		e := c.Error(ex.ErrType)
		if e == nil {
			// An error type the spec does not know at all: AWS adds new
			// ones to existing operations, and what such an error means,
			// its status and its body are a newer spec's to say. Nothing
			// here can judge it; a case that wants a 200 or a particular
			// error still fails on it (WantSuccess, expect).
			return nil
		}
		if !c.Allows(op.Name, ex.ErrType) {
			// A type the spec knows that op does not declare is allowed
			// too: AWS declares existing errors for more operations as the
			// service grows (a conflict, a quota, PendingVerification), so
			// an older spec's list of op's errors is no limit on a newer
			// endpoint, and failing on it would fail every gate built
			// before the change. The type is still held to what the spec
			// says of it: its status, its message, its body. Only the
			// operation's table of statuses is not asked (op may declare
			// none for that status).
			includeStatus = false
		}
		if e.Status != ex.Status {
			return &Failure{Reason: fmt.Sprintf("%s answered with HTTP %d; the spec gives it %d", ex.ErrType, ex.Status, e.Status),
				Diff: DiffJSON(Answer{Status: e.Status, ErrorType: ex.ErrType}, Answer{Status: ex.Status, ErrorType: ex.ErrType}), Exchange: ex}
		}
		if strings.TrimSpace(ex.Message) == "" {
			type errorBody struct {
				ExceptionMessage string `json:"exceptionMessage"`
			}
			return Mismatch(ex, fmt.Sprintf("%s has no exceptionMessage in its body", ex.ErrType),
				errorBody{ExceptionMessage: "<why, in words>"}, errorBody{ExceptionMessage: ex.Message})
		}
	}
	if err := r.validateResponse(op, ex, includeStatus); err != nil {
		return &Failure{Reason: fmt.Sprintf("the %d answer does not match the spec: %s", ex.Status, firstLine(err.Error())),
			Diff: violationDiff(violations(err)), Detail: err.Error(), Exchange: ex}
	}
	return nil
}

// violations lists what kin-openapi found wrong with an answer, one entry
// per error: the diff of a failed schema check wants none.
func violations(err error) []string {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []string
		for _, e := range me {
			out = append(out, violations(e)...)
		}
		return out
	}
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) && re.Err != nil && re.Err != err {
		if inner := violations(re.Err); len(inner) > 0 {
			return inner
		}
	}
	return []string{firstLine(err.Error())}
}

// validateResponse checks status, headers and body against the operation's
// responses in the spec with kin-openapi, and keeps of what it finds only
// what the spec knows (knownViolations). includeStatus asks that the
// operation declare the status (or a default).
func (r *Runner) validateResponse(op *Operation, ex *Exchange, includeStatus bool) error {
	err := knownViolations(r.validateWithKin(op, ex, includeStatus))
	if r.redacted != nil {
		err = dropViolations(err, func(e *openapi3.SchemaError) bool {
			s, ok := e.Value.(string)
			return ok && r.redacted(s)
		})
	}
	return err
}

// validateWithKin is all kin-openapi finds wrong with an answer.
func (r *Runner) validateWithKin(op *Operation, ex *Exchange, includeStatus bool) error {
	route := r.routes[op.Name]
	req, _ := http.NewRequestWithContext(context.Background(), op.method(), "http://target"+op.Path, strings.NewReader(ex.Body))
	req.Header.Set("Content-Type", "application/json")
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route},
		Status:                 ex.Status,
		Header:                 ex.Header,
		Body:                   io.NopCloser(bytes.NewReader(ex.Resp)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: includeStatus, MultiError: true},
	}
	err := openapi3filter.ValidateResponse(context.Background(), in)
	if r.kinErr != nil {
		*r.kinErr = err
	}
	return err
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// expect checks a request case's expectation.
func (r *Runner) expect(c *Case, ex *Exchange) *Failure {
	switch c.Expect {
	case ExpectAccepted:
		// Accepted means it succeeded: not merely "not refused as invalid",
		// which a target that answers everything with a 403 would pass.
		if ex.Status == http.StatusOK || slices.Contains(c.AcceptErrors, ex.ErrType) {
			return nil
		}
		want := "200"
		if len(c.AcceptErrors) > 0 {
			want += " or " + strings.Join(c.AcceptErrors, " or ")
		}
		reason := fmt.Sprintf("want the valid request accepted (%s), got %s", want, Describe(ex))
		if slices.Contains(rejections, ex.ErrType) {
			reason = fmt.Sprintf("rejected a valid request: %s: %s", ex.ErrType, shorten(ex.Message))
		}
		return &Failure{Reason: reason, Diff: DiffJSON(Accepted{Accepted: true}, Accepted{ErrorType: ex.ErrType}), Exchange: ex}
	case ExpectSuccess:
		return WantSuccess(ex)
	case ExpectError:
		want := Answer{Status: r.suite.Contract.Error(c.Error).Status, ErrorType: c.Error, Names: c.Paths}
		got := Answer{Status: ex.Status, ErrorType: ex.ErrType}
		if ex.ErrType == c.Error {
			for _, p := range c.Paths {
				if NamesPath(ex.Message, p) {
					got.Names = append(got.Names, p)
				}
			}
		}
		if d := DiffJSON(want, got); d != "" {
			reason := fmt.Sprintf("want %s naming %s, got %s", c.Error, quoteAll(c.Paths), Describe(ex))
			if len(c.Paths) == 0 {
				reason = fmt.Sprintf("want %s, got %s", c.Error, Describe(ex))
			}
			return &Failure{Reason: reason, Diff: d, Exchange: ex}
		}
		return nil
	}
	return Failf(ex, "unknown expectation %q", c.Expect)
}

func Describe(ex *Exchange) string {
	if ex.Status == http.StatusOK {
		return "200 OK"
	}
	if ex.Message != "" {
		return fmt.Sprintf("%d %s (%s)", ex.Status, ex.ErrType, shorten(ex.Message))
	}
	return fmt.Sprintf("%d %s", ex.Status, ex.ErrType)
}

func quoteAll(paths []string) string {
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = "'" + p + "'"
	}
	return strings.Join(q, " and ")
}

func WantSuccess(ex *Exchange) *Failure {
	if ex.Status != http.StatusOK {
		return &Failure{Reason: "want 200, got " + Describe(ex),
			Diff: DiffJSON(Answer{Status: http.StatusOK}, Answer{Status: ex.Status, ErrorType: ex.ErrType}), Exchange: ex}
	}
	return nil
}

// NamesPath reports whether an error message names the member path p, as
// AWS writes paths ('participantTokenConfigurations.1.member.duration'):
// p must stand alone, or be followed by a deeper part of the path.
func NamesPath(msg, p string) bool {
	if p == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(msg[i:], p)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(p)
		if (start == 0 || strings.ContainsRune(pathBefore, rune(msg[start-1]))) &&
			(end == len(msg) || strings.ContainsRune(pathAfter, rune(msg[end]))) {
			return true
		}
		i = start + 1
	}
}

const (
	pathBefore = "'\" ,[("
	pathAfter  = "'\" ,.]):;"
)

// checkTimestamps wants every value at path in the answer to be an ISO 8601
// timestamp string. No value at all is a skip: the answer had none to check.
func CheckTimestamps(ex *Exchange, path []string) *Failure {
	var doc any
	if err := json.Unmarshal(ex.Resp, &doc); err != nil {
		return NotJSON(ex, err)
	}
	vals := ValuesAt(doc, path)
	if len(vals) == 0 {
		return Skipf("the answer has no value at %s to check", strings.Join(path, "."))
	}
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			return &Failure{Reason: fmt.Sprintf("%s is %s, not an ISO 8601 string", strings.Join(path, "."), jsonKind(v)),
				Diff: DiffJSON("an ISO 8601 string such as 2024-06-20T17:04:05Z", v), Exchange: ex}
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return Mismatch(ex, fmt.Sprintf("%s is %q, not an ISO 8601 timestamp: %v", strings.Join(path, "."), s, err),
				"an ISO 8601 string such as 2024-06-20T17:04:05Z", s)
		}
	}
	return nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case []any:
		return "a list"
	default:
		return "an object"
	}
}

// valuesAt collects the values at a path of member names, "[]" standing for
// every element of a list.
func ValuesAt(v any, path []string) []any {
	if len(path) == 0 {
		return []any{v}
	}
	switch x := v.(type) {
	case map[string]any:
		if path[0] == "[]" {
			return nil
		}
		next, ok := x[path[0]]
		if !ok {
			return nil
		}
		return ValuesAt(next, path[1:])
	case []any:
		if path[0] != "[]" {
			return nil
		}
		var out []any
		for _, e := range x {
			out = append(out, ValuesAt(e, path[1:])...)
		}
		return out
	}
	return nil
}
