package suite

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newerSpec is a small spec: Op answers a Thing (a struct with a string
// enum, an integer enum, a required member, a map and a closed struct),
// and declares ValidationException; the spec also knows
// ConflictException, which Op does not declare. Op has no default
// response, so a status it does not list is not covered by one.
const newerSpec = `
openapi: 3.0.3
info: {title: T, version: v}
paths:
  /Op:
    post:
      operationId: Op
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/OpResponse"}
        "400": {$ref: "#/components/responses/Error"}
components:
  responses:
    Error:
      description: an error
      headers:
        x-amzn-ErrorType: {required: true, schema: {type: string}}
      content:
        application/json:
          schema:
            type: object
            required: [exceptionMessage]
            properties:
              exceptionMessage: {type: string}
  schemas:
    State:
      type: string
      enum: [ON, OFF]
    OpResponse:
      type: object
      required: [thing]
      properties:
        thing: {$ref: "#/components/schemas/Thing"}
        things:
          type: array
          items: {$ref: "#/components/schemas/Thing"}
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string, maxLength: 8}
        state: {$ref: "#/components/schemas/State"}
        mode:
          allOf: [{$ref: "#/components/schemas/State"}]
          default: ON
        level: {type: integer, enum: [1, 2]}
        tags:
          type: object
          additionalProperties: {type: string}
        closed:
          type: object
          additionalProperties: false
          properties:
            a: {type: string}
`

func newerRunner(t *testing.T) (*Runner, *Operation) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(newerSpec))
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	c := &Contract{
		Operations: []Operation{{Name: "Op", Path: "/Op", Errors: []string{"ValidationException"}}},
		Errors: []ErrorType{
			{Name: "ValidationException", Status: 400},
			{Name: "ConflictException", Status: 409},
			{Name: "ThrottlingException", Status: 429, Protocol: true},
		},
	}
	r := &Runner{suite: &Suite{Contract: c, Spec: doc}}
	r.routes, err = buildRoutes(r.suite)
	require.NoError(t, err)
	return r, &c.Operations[0]
}

func okAnswer(body string) *Exchange {
	return &Exchange{Op: "Op", Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Resp: []byte(body)}
}

func errAnswer(status int, typ, body string) *Exchange {
	ex := okAnswer(body)
	ex.Status, ex.ErrType, ex.Message = status, typ, ""
	ex.Header.Set("x-amzn-ErrorType", typ)
	var e struct {
		ExceptionMessage string `json:"exceptionMessage"`
	}
	if json.Unmarshal([]byte(body), &e) == nil {
		ex.Message = e.ExceptionMessage
	}
	return ex
}

// An answer newer than the spec passes the contract: members the spec
// does not list, at any depth (in the struct, in list items, in a closed
// struct), string enum values it does not list (also under allOf), and
// headers it does not declare.
func TestContractToleratesNewerAnswers(t *testing.T) {
	r, op := newerRunner(t)
	for name, body := range map[string]string{
		"new top-level member":   `{"thing":{"id":"a"},"addedLater":{"x":1}}`,
		"new nested members":     `{"thing":{"id":"a","addedLater":{"x":1},"addedName":"x"},"things":[{"id":"b","addedLater":[1]}]}`,
		"member of closed":       `{"thing":{"id":"a","closed":{"a":"x","addedLater":"y"}}}`,
		"new enum value":         `{"thing":{"id":"a","state":"STANDBY"},"things":[{"id":"b","state":"PAUSED"}]}`,
		"new enum value, allOf":  `{"thing":{"id":"a","mode":"STANDBY"}}`,
		"new members and values": `{"thing":{"id":"a","state":"STANDBY","x":{"state":"Z"}},"y":"z"}`,
	} {
		ex := okAnswer(body)
		ex.Header.Set("X-Added-Later", "1")
		assert.Nil(t, r.checkContract(op, ex), name)
		if name != "new top-level member" && name != "new nested members" {
			assert.Error(t, r.validateWithKin(op, ex, true), "%s: kin-openapi itself finds it", name)
		}
	}
	ok := okAnswer(`{"thing":{"id":"a","state":"ON","mode":"OFF","level":1,"tags":{"k":"v"},"closed":{"a":"x"}}}`)
	assert.NoError(t, r.validateWithKin(op, ok, true), "as the spec says")
}

// What the spec knows still fails: a wrong JSON type (also where the
// member is an enum), a required member missing, a bound, an integer
// enum, a map value of the wrong type. Where a newer member sits beside
// the fault, only the fault is reported.
func TestContractStillFailsWhatTheSpecKnows(t *testing.T) {
	r, op := newerRunner(t)
	for name, tc := range map[string]struct{ body, names string }{
		"required member missing":     {`{"thing":{"state":"ON","addedLater":1}}`, `"id"`},
		"required object missing":     {`{"addedLater":{}}`, `"thing"`},
		"wrong type":                  {`{"thing":{"id":5}}`, "id"},
		"enum member of wrong type":   {`{"thing":{"id":"a","state":5}}`, "state"},
		"enum member null":            {`{"thing":{"id":"a","state":null}}`, "state"},
		"past a bound":                {`{"thing":{"id":"aaaaaaaaa","addedLater":1}}`, "id"},
		"integer enum, new value":     {`{"thing":{"id":"a","level":3}}`, "level"},
		"integer enum, string value":  {`{"thing":{"id":"a","level":"3"}}`, "level"},
		"map value of the wrong type": {`{"thing":{"id":"a","tags":{"k":{"x":1}}}}`, "tags"},
		"list of the wrong type":      {`{"thing":{"id":"a"},"things":{"id":"b"}}`, "things"},
	} {
		f := r.checkContract(op, okAnswer(tc.body))
		if assert.NotNil(t, f, name) {
			assert.Contains(t, f.Reason, "does not match the spec", name)
			assert.Contains(t, f.Diff, tc.names, name)
			assert.NotContains(t, f.Diff, "addedLater", name)
		}
	}
}

// Error types: one the spec does not know passes the contract (a case
// that wants success or another error still fails on it); one the spec
// knows that the operation does not declare passes when it comes with the
// spec's status and a message, and fails otherwise; an error without its
// type header fails.
func TestContractErrorTypes(t *testing.T) {
	r, op := newerRunner(t)
	assert.Nil(t, r.checkContract(op, errAnswer(418, "AddedLaterException", `{"message":"new"}`)), "unknown to the spec")
	assert.Nil(t, r.checkContract(op, errAnswer(418, "AddedLaterException", "")), "unknown to the spec, no body the spec could judge")
	assert.Nil(t, r.checkContract(op, errAnswer(409, "ConflictException", `{"exceptionMessage":"why"}`)), "known, not declared by Op")
	assert.Nil(t, r.checkContract(op, errAnswer(400, "ValidationException", `{"exceptionMessage":"why","addedLater":1}`)), "declared, newer body")

	f := r.checkContract(op, errAnswer(500, "ConflictException", `{"exceptionMessage":"why"}`))
	require.NotNil(t, f, "a known type with another status than the spec's")
	assert.Contains(t, f.Reason, "ConflictException answered with HTTP 500; the spec gives it 409")
	f = r.checkContract(op, errAnswer(409, "ConflictException", `{}`))
	require.NotNil(t, f, "a known type without its message")
	assert.Contains(t, f.Reason, "no exceptionMessage")
	f = r.checkContract(op, errAnswer(400, "", `{"exceptionMessage":"why"}`))
	require.NotNil(t, f, "no type header")
	assert.Contains(t, f.Reason, "no x-amzn-ErrorType header")
	f = r.checkContract(op, errAnswer(400, "ValidationException", `{"exceptionMessage":5}`))
	require.NotNil(t, f, "a declared error whose message is not a string")
	assert.Contains(t, f.Reason, "no exceptionMessage")
	f = r.checkContract(op, errAnswer(http.StatusNotImplemented, NotImplemented, `{"exceptionMessage":"Op"}`))
	require.NotNil(t, f, "not implemented is reported (as a skip, by Run)")
	assert.True(t, notImplemented(f.Exchange))

	// The case still asks what it asks.
	unknown := errAnswer(418, "AddedLaterException", `{"message":"new"}`)
	assert.NotNil(t, WantSuccess(unknown))
	assert.NotNil(t, r.expect(&Case{Expect: ExpectSuccess}, unknown))
	// Accepted means it succeeded: an error the spec does not know is no
	// success, unless the case takes it as acceptance (a made-up
	// identifier under test names nothing).
	f = r.expect(&Case{Expect: ExpectAccepted}, unknown)
	require.NotNil(t, f)
	assert.Contains(t, f.Reason, "want the valid request accepted (200), got 418 AddedLaterException")
	assert.Nil(t, r.expect(&Case{Expect: ExpectAccepted, AcceptErrors: []string{"AddedLaterException"}}, unknown))
	assert.Nil(t, r.expect(&Case{Expect: ExpectAccepted}, &Exchange{Status: http.StatusOK}))
	f = r.expect(&Case{Expect: ExpectError, Error: "ValidationException"}, unknown)
	require.NotNil(t, f)
	assert.Contains(t, f.Reason, "want ValidationException, got 418 AddedLaterException")
	f = r.expect(&Case{Expect: ExpectError, Error: "ValidationException"}, errAnswer(409, "ConflictException", `{"exceptionMessage":"why"}`))
	require.NotNil(t, f)
	assert.Contains(t, f.Reason, "want ValidationException, got 409 ConflictException")
}

var knownContract = &Contract{Members: []Member{
	{Struct: "Stage", Name: "arn", Value: Value{Kind: "string"}},
	{Struct: "Stage", Name: "tags", Value: Value{Kind: "map", Elem: &Value{Kind: "string"}}},
	{Struct: "Stage", Name: "rec", Value: Value{Kind: "object", Schema: "Rec"}},
	{Struct: "Stage", Name: "tokens", Value: Value{Kind: "list", Elem: &Value{Kind: "object", Schema: "Token"}}},
	{Struct: "Stage", Name: "byName", Value: Value{Kind: "map", Elem: &Value{Kind: "object", Schema: "Token"}}},
	{Struct: "Rec", Name: "storage", Value: Value{Kind: "string"}},
	{Struct: "Rec", Name: "media", Value: Value{Kind: "list", Elem: &Value{Kind: "string"}}},
	{Struct: "Token", Name: "userId", Value: Value{Kind: "string"}},
}}

func knownJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v))
	return v
}

// Diff compares what the expectation names: members an answer has
// besides them, at any depth (in a nested struct, in list items, in the
// struct values of a map), make no difference; members the spec does not
// list are left out even of an expectation read from another answer.
func TestDiffIgnoresNewerMembers(t *testing.T) {
	c := knownContract
	stage := StructType("Stage")
	for name, tc := range map[string]struct{ want, got string }{
		"nested struct":     {`{"rec":{"storage":"","media":["AV"]}}`, `{"arn":"a","rec":{"storage":"","media":["AV"],"thumbnails":{"on":true},"window":0}}`},
		"list items":        {`{"tokens":[{"userId":"u"}]}`, `{"tokens":[{"userId":"u","addedLater":{"x":1}}]}`},
		"map of structs":    {`{"byName":{"k":{"userId":"u"}}}`, `{"byName":{"k":{"userId":"u","addedLater":"x"}}}`},
		"answer vs answer":  {`{"arn":"a","addedLater":{"x":1},"rec":{"storage":"","x":2}}`, `{"arn":"a","rec":{"storage":""}}`},
		"empty expectation": {`{}`, `{"arn":"a"}`},
	} {
		assert.Empty(t, c.Diff(stage, knownJSON(t, tc.want), knownJSON(t, tc.got)), name)
	}
	// A struct the contract does not list is compared in the members the
	// expectation names, all of them.
	assert.Empty(t, c.Diff(nil, knownJSON(t, `{"a":{"b":1}}`), knownJSON(t, `{"a":{"b":1,"c":2},"d":3}`)))
	assert.NotEmpty(t, c.Diff(nil, knownJSON(t, `{"a":{"b":1,"e":5}}`), knownJSON(t, `{"a":{"b":1,"c":2},"d":3}`)))
}

// The teeth of Diff: a member the expectation names that the answer
// lacks, or holds with another value or type, fails, at any depth; maps
// are data, so an extra, missing or changed entry fails; so does an extra
// or missing list item.
func TestDiffFailsWhatTheExpectationNames(t *testing.T) {
	c := knownContract
	stage := StructType("Stage")
	for name, tc := range map[string]struct{ want, got, shows string }{
		"nested member differs":   {`{"rec":{"storage":"","media":["AV"]}}`, `{"rec":{"storage":"","media":["AO"],"addedLater":1}}`, "AO"},
		"nested member missing":   {`{"rec":{"storage":"","media":["AV"]}}`, `{"rec":{"storage":"","addedLater":1}}`, "media"},
		"member missing":          {`{"arn":"a","rec":{"storage":""}}`, `{"rec":{"storage":""}}`, "arn"},
		"struct not an object":    {`{"rec":{"storage":""}}`, `{"rec":"none"}`, "none"},
		"extra tag":               {`{"tags":{"k":"v"}}`, `{"tags":{"k":"v","other":"w"}}`, "other"},
		"missing tag":             {`{"tags":{"k":"v","other":"w"}}`, `{"tags":{"k":"v"}}`, "other"},
		"no tags for empty tags":  {`{"tags":{}}`, `{"tags":{"k":"v"}}`, "k"},
		"tag value differs":       {`{"tags":{"k":"v"}}`, `{"tags":{"k":"w"}}`, "w"},
		"list item member":        {`{"tokens":[{"userId":"u"}]}`, `{"tokens":[{"userId":"v","addedLater":1}]}`, "v"},
		"extra list item":         {`{"tokens":[{"userId":"u"}]}`, `{"tokens":[{"userId":"u"},{"userId":"v"}]}`, "v"},
		"missing list item":       {`{"tokens":[{"userId":"u"},{"userId":"v"}]}`, `{"tokens":[{"userId":"u"}]}`, "v"},
		"map of structs, member":  {`{"byName":{"k":{"userId":"u"}}}`, `{"byName":{"k":{"userId":"v"}}}`, "v"},
		"map of structs, entry":   {`{"byName":{"k":{"userId":"u"}}}`, `{"byName":{"k":{"userId":"u"},"j":{"userId":"u"}}}`, "j"},
		"number for string":       {`{"arn":"1"}`, `{"arn":1}`, "arn"},
		"whole answer is missing": {`{"arn":"a"}`, `null`, "arn"},
	} {
		d := c.Diff(stage, knownJSON(t, tc.want), knownJSON(t, tc.got))
		if assert.NotEmpty(t, d, name) {
			assert.Contains(t, d, tc.shows, name)
			assert.NotContains(t, d, "addedLater", name)
		}
	}
	// A default of a map type (tags default to {}) holds the answer to no
	// more entries than it names.
	tags := c.TypeOf("Stage", "tags")
	assert.NotEmpty(t, c.Diff(tags, map[string]any{}, map[string]any{"k": "v"}))
	assert.Empty(t, c.Diff(tags, map[string]any{}, map[string]any{}))
}
