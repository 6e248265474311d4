package suite

import (
	"context"
	"encoding/json"
	"fmt"
)

// This file is what a custom case (KindCustom) calls while it runs: sends
// whose answers are checked against the contract, the runtime's own
// judgement of an answer, listings, and readers of JSON answers.

// Send signs and sends one request of op with body (placeholders filled
// in already), and returns the answer unjudged.
func (r *Runner) Send(ctx context.Context, op *Operation, body string) (*Exchange, error) {
	return r.send(ctx, op, body)
}

// Call sends a body and checks the answer against the contract, as far as
// the spec knows it (checkContract): an error must carry its type header,
// and one of a type the spec knows its status and message; any answer
// must validate against the spec.
func (r *Runner) Call(ctx context.Context, op *Operation, body string) (*Exchange, *Failure) {
	return r.call(ctx, op, body)
}

// Expect judges an answer as the runtime judges a KindRequest case's:
// against c's Expect, Error and Paths.
func (r *Runner) Expect(c *Case, ex *Exchange) *Failure { return r.expect(c, ex) }

// CallJSON marshals body, fills its placeholders, sends it, and wants a 200
// that it decodes; the answer must obey the contract.
func (r *Runner) CallJSON(ctx context.Context, op *Operation, body any) (any, *Exchange, *Failure) {
	return r.callJSON(ctx, op, body, true)
}

// SendJSON is CallJSON for a setup, which only needs a 200 and the
// members it reads: the cases check the rest, each under its own name.
func (r *Runner) SendJSON(ctx context.Context, op *Operation, body any) (any, *Exchange, *Failure) {
	return r.callJSON(ctx, op, body, false)
}

func (r *Runner) callJSON(ctx context.Context, op *Operation, body any, strict bool) (any, *Exchange, *Failure) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, nil, Failf(nil, "cannot encode the request: %v", err)
	}
	s, miss := r.expand(string(b))
	if miss != nil {
		return nil, nil, miss
	}
	var ex *Exchange
	var f *Failure
	if strict {
		ex, f = r.call(ctx, op, s)
	} else if ex, err = r.send(ctx, op, s); err != nil {
		f = sendFailure(op, s, err)
	}
	if f != nil {
		return nil, ex, f
	}
	if f := WantSuccess(ex); f != nil {
		return nil, ex, f
	}
	var doc any
	if err := json.Unmarshal(ex.Resp, &doc); err != nil {
		return nil, ex, NotJSON(ex, err)
	}
	return doc, ex, nil
}

// NotJSON is the failure of a 200 answer whose body is not JSON.
func NotJSON(ex *Exchange, err error) *Failure {
	return &Failure{Reason: fmt.Sprintf("the answer is not JSON: %v", err),
		Diff: DiffJSON("a JSON object", string(ex.Resp)), Exchange: ex}
}

// FirstValue is the first value at path (see ValuesAt), or nil.
func FirstValue(doc any, path ...string) any {
	if v := ValuesAt(doc, path); len(v) > 0 {
		return v[0]
	}
	return nil
}

// BodyMap decodes a case body (placeholders filled) into a map.
func (r *Runner) BodyMap(body string) (map[string]any, *Failure) {
	s, miss := r.expand(body)
	if miss != nil {
		return nil, miss
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, Failf(nil, "the case body is not a JSON object: %v", err)
	}
	return m, nil
}

// Canonical is a value's JSON with sorted keys, for comparing and sorting.
func Canonical(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ListAll follows the pages of a listing (pageSize 0: the target's
// default) and returns every item and the last page's answer.
func (r *Runner) ListAll(ctx context.Context, op *Operation, base map[string]any, pageSize int) ([]any, *Exchange, *Failure) {
	return r.listAll(ctx, op, base, pageSize)
}
