package suite

import (
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBindHeaders: members an operation binds to request headers leave the
// body and go in headers, as text; null leaves the header out.
func TestBindHeaders(t *testing.T) {
	r := &Runner{}
	op := &Operation{Name: "Send", Method: "POST", Path: "/Send", Body: true,
		Headers: []Binding{{Member: "tag", Name: "X-Tag"}, {Member: "n", Name: "X-N"}, {Member: "dry", Name: "X-Dry-Run"}, {Member: "gone", Name: "X-Gone"}}}
	path, query, header, payload, hasBody := r.bind(op, `{"tag":"a b","n":3,"dry":true,"gone":null,"note":"x"}`)
	assert.Equal(t, "/Send", path)
	assert.Empty(t, query)
	assert.Equal(t, http.Header{"X-Tag": {"a b"}, "X-N": {"3"}, "X-Dry-Run": {"true"}}, header)
	assert.JSONEq(t, `{"note":"x"}`, payload)
	assert.True(t, hasBody)

	// A body that is not an object is the body under test: no header.
	_, _, header, payload, _ = r.bind(op, `{"`)
	assert.Nil(t, header)
	assert.Equal(t, `{"`, payload)

	// An operation without a body sends none when its headers take every member.
	get := &Operation{Name: "Ping", Method: "GET", Path: "/Ping", Headers: []Binding{{Member: "token", Name: "X-Token"}}}
	_, _, header, payload, hasBody = r.bind(get, `{"token":"t"}`)
	assert.Equal(t, http.Header{"X-Token": {"t"}}, header)
	assert.Empty(t, payload)
	assert.False(t, hasBody)

	ex := &Exchange{Method: "GET", Target: "/Ping", Bound: header}
	assert.Equal(t, "GET /Ping [X-Token: t] ", ex.requestLine(), "a report shows the headers members went in")
}

const headerAnswerSpec = `openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /Send:
    post:
      operationId: Send
      responses:
        "200":
          description: Success.
          headers:
            X-Echo:
              required: true
              schema: {type: string, maxLength: 4}
            X-Attempts:
              schema: {type: integer}
            Cache-Control:
              schema: {type: string}
          content:
            application/json:
              schema: {type: object}
        "400":
          description: Invalid.
          headers:
            x-amzn-ErrorType:
              required: true
              schema: {type: string}
            Access-Control-Allow-Origin:
              schema: {type: string}
          content:
            application/json:
              schema:
                type: object
                properties:
                  exceptionMessage: {type: string}
`

// TestResponseHeadersAgainstTheSpec: an answer is held to the headers its
// response declares (kin-openapi): a required one missing or of the wrong
// form fails; an optional one missing does not, on an answer or an error.
func TestResponseHeadersAgainstTheSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(headerAnswerSpec))
	require.NoError(t, err)
	s := &Suite{Contract: &Contract{Operations: []Operation{{Name: "Send", Path: "/Send"}}}, Spec: doc}
	routes, err := buildRoutes(s)
	require.NoError(t, err)
	r := &Runner{suite: s, routes: routes}
	op := &s.Contract.Operations[0]
	check := func(status int, header http.Header, body string) error {
		header.Set("Content-Type", "application/json")
		return r.validateResponse(op, &Exchange{Op: "Send", Status: status, Header: header, Resp: []byte(body), Body: "{}"}, true)
	}

	assert.NoError(t, check(200, http.Header{"X-Echo": {"abc"}}, `{}`), "the optional headers may be missing")
	assert.NoError(t, check(200, http.Header{"X-Echo": {"abc"}, "X-Attempts": {"2"}, "Cache-Control": {"no-store"}}, `{}`))
	assert.ErrorContains(t, check(200, http.Header{"X-Attempts": {"2"}}, `{}`), `response header "X-Echo" missing`)
	assert.ErrorContains(t, check(200, http.Header{"X-Echo": {"abcde"}}, `{}`), `response header "X-Echo" doesn't match schema`)
	assert.ErrorContains(t, check(200, http.Header{"X-Echo": {"abc"}, "X-Attempts": {"two"}}, `{}`), `X-Attempts`)
	assert.NoError(t, check(400, http.Header{"X-Amzn-Errortype": {"ValidationException"}}, `{"exceptionMessage":"m"}`),
		"an error without its optional headers")
	assert.ErrorContains(t, check(400, http.Header{}, `{"exceptionMessage":"m"}`), `response header "x-amzn-ErrorType" missing`)
}
