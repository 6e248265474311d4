package model

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/spec"
)

// headerSpec is a one-operation spec with a header parameter and two
// headers on its answer; the tests edit it.
const headerSpec = `openapi: 3.0.3
info:
  title: Headers
  version: "2024-01-01"
x-ivsrt-service:
  protocol: restJson1
  signingName: ivs
  serviceId: IVS RealTime
  modelVersion: "2020-07-14"
  endpoint: https://ivsrealtime.{region}.amazonaws.com
paths:
  /Send:
    post:
      operationId: Send
      parameters:
        - name: X-Request-Tag
          in: header
          x-ivsrt-member: requestTag
          required: true
          schema:
            $ref: "#/components/schemas/Tag"
        - name: X-Retries
          in: header
          x-ivsrt-member: retries
          schema:
            type: integer
            format: int32
            maximum: 5
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/SendRequest"
      responses:
        "200":
          description: Success.
          headers:
            X-Echo:
              x-ivsrt-member: echo
              required: true
              schema:
                $ref: "#/components/schemas/Tag"
            Cache-Control:
              x-ivsrt-member: cacheControl
              schema:
                type: string
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/SendResponse"
        "400":
          $ref: "#/components/responses/ValidationException"
        default:
          $ref: "#/components/responses/ProtocolError"
  /Other:
    post:
      operationId: Other
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/OtherRequest"
      responses:
        "200":
          description: Success.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/OtherResponse"
        "400":
          $ref: "#/components/responses/ValidationException"
        default:
          $ref: "#/components/responses/ProtocolError"
components:
  responses:
    ValidationException:
      description: Invalid.
      x-ivsrt-errors: [ValidationException]
      headers:
        x-amzn-ErrorType:
          required: true
          schema:
            type: string
        Access-Control-Allow-Origin:
          x-ivsrt-member: accessControlAllowOrigin
          schema:
            type: string
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/ErrorBody"
    ProtocolError:
      description: Protocol errors.
      x-ivsrt-protocol-errors:
        SerializationException: 400
        InternalServerException: 500
      headers:
        x-amzn-ErrorType:
          required: true
          schema:
            type: string
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/ErrorBody"
  schemas:
    ErrorBody:
      type: object
      properties:
        exceptionMessage:
          type: string
    Tag:
      type: string
      minLength: 1
      maxLength: 8
    SendRequest:
      type: object
      properties:
        note:
          type: string
    SendResponse:
      type: object
      properties:
        note:
          type: string
    OtherRequest:
      type: object
    OtherResponse:
      type: object
    Holder:
      type: object
      properties:
        other:
          $ref: "#/components/schemas/OtherResponse"
`

// buildHeaders builds headerSpec with each pair of edits (old, new) made
// once: each old must occur exactly once.
func buildHeaders(t *testing.T, edits ...string) (*Service, error) {
	t.Helper()
	src := headerSpec
	for i := 0; i+1 < len(edits); i += 2 {
		require.Equal(t, 1, strings.Count(src, edits[i]), "the spec must contain %q exactly once", edits[i])
		src = strings.Replace(src, edits[i], edits[i+1], 1)
	}
	d, err := spec.Load("headers.yaml", []byte(src))
	require.NoError(t, err, "the edit must pass spec.Load: the model is what refuses it")
	return Build(d)
}

func TestBuildHeaderParameters(t *testing.T) {
	svc, err := buildHeaders(t)
	require.NoError(t, err)
	op := operation(t, svc, "Send")
	hs := op.Headers()
	require.Len(t, hs, 2)
	tag, retries := hs[0], hs[1]
	require.Equal(t, "requestTag", tag.Name)
	require.Equal(t, "RequestTag", tag.GoName)
	require.Equal(t, "X-Request-Tag", tag.WireName)
	require.Equal(t, Header, tag.Location)
	require.Equal(t, "header", tag.Location.String())
	require.True(t, tag.Required)
	require.Equal(t, "Tag", tag.Type.Scalar.Name)
	require.Equal(t, ip(8), tag.Type.Limits.MaxLength)
	require.Equal(t, "/paths/~1Send/post/parameters/0", tag.Pointer)
	require.Equal(t, "retries", retries.Name)
	require.Equal(t, Integer, retries.Type.Kind)
	require.Equal(t, 32, retries.Type.Bits)
	require.Equal(t, ip64(5), retries.Type.Limits.Max)
	require.False(t, retries.Required)

	// Parameters first, then the body, as for labels and query strings.
	var names []string
	for _, m := range op.Input.Members {
		names = append(names, m.Name+" "+m.Location.String())
	}
	require.Equal(t, []string{"requestTag header", "retries header", "note body"}, names)
	require.Len(t, op.Input.BodyMembers(), 1)
	require.Empty(t, op.Labels())
	require.Empty(t, op.Query())
}

func TestBuildResponseHeaders(t *testing.T) {
	svc, err := buildHeaders(t)
	require.NoError(t, err)
	op := operation(t, svc, "Send")
	hs := op.ResponseHeaders()
	require.Len(t, hs, 2)
	echo, cache := hs[0], hs[1]
	require.Equal(t, "echo", echo.Name)
	require.Equal(t, "X-Echo", echo.WireName)
	require.Equal(t, Header, echo.Location)
	require.True(t, echo.Required)
	require.Equal(t, "Tag", echo.Type.Scalar.Name)
	require.Equal(t, "/paths/~1Send/post/responses/200/headers/X-Echo", echo.Pointer)
	require.Equal(t, "cacheControl", cache.Name)
	require.Equal(t, "CacheControl", cache.GoName)
	require.Equal(t, "Cache-Control", cache.WireName)
	require.False(t, cache.Required)

	// The headers come first, then the body members.
	out := structNamed(t, svc, "SendResponse")
	require.Same(t, op.Output, out)
	require.Equal(t, []*Member{echo, cache}, out.HeaderMembers())
	require.Equal(t, "note", out.Members[2].Name)
	require.Equal(t, []*Member{out.Members[2]}, out.BodyMembers())
	require.True(t, out.Output)
	require.False(t, out.Input)
	require.Empty(t, operation(t, svc, "Other").ResponseHeaders())
}

// TestBuildHeaderNamedByItself: a header whose name is a member name needs
// no x-ivsrt-member.
func TestBuildHeaderNamedByItself(t *testing.T) {
	svc, err := buildHeaders(t, "            Cache-Control:\n              x-ivsrt-member: cacheControl\n", "            etag:\n")
	require.NoError(t, err)
	m := operation(t, svc, "Send").ResponseHeaders()[1]
	require.Equal(t, "etag", m.Name)
	require.Equal(t, "etag", m.WireName)
	require.Equal(t, "Etag", m.GoName)
}

// TestBuildIgnoresOptionalErrorHeaders: the headers of an error response
// other than x-amzn-ErrorType are in no model struct and no Error (see
// errorHeaders: the fake writes errors with wire.WriteError), so an
// optional one builds and changes nothing.
func TestBuildIgnoresOptionalErrorHeaders(t *testing.T) {
	svc, err := buildHeaders(t)
	require.NoError(t, err)
	for _, st := range svc.Structs {
		require.Nil(t, st.Member("accessControlAllowOrigin"), st.Name)
		require.NotEqual(t, "ErrorBody", st.Name)
	}
	require.Equal(t, []string{"ValidationException 400", "SerializationException 400 protocol", "InternalServerException 500 protocol"}, errorList(svc.Errors))
}

func TestBuildRefusesHeaders(t *testing.T) {
	const (
		send    = "/paths/~1Send/post"
		retries = "          x-ivsrt-member: retries\n          schema:\n            type: integer\n            format: int32\n            maximum: 5\n"
		cache   = "            Cache-Control:\n              x-ivsrt-member: cacheControl\n              schema:\n                type: string\n"
		other   = "              $ref: \"#/components/schemas/OtherResponse\"\n        \"400\""
	)
	cases := []struct {
		name    string
		edits   []string
		pointer string
		msg     string
	}{
		{"a list in a request header", []string{retries, "          x-ivsrt-member: retries\n          schema:\n            type: array\n            items:\n              type: string\n"},
			send + "/parameters/1/schema", "a list in a header is not supported yet: restJson1 writes it as one comma-separated value"},
		{"a list in a response header", []string{cache, "            Cache-Control:\n              x-ivsrt-member: cacheControl\n              schema:\n                type: array\n                items:\n                  type: string\n"},
			send + "/responses/200/headers/Cache-Control/schema", "a list in a header is not supported yet"},
		{"a timestamp in a header", []string{retries, "          x-ivsrt-member: retries\n          schema:\n            type: string\n            format: date-time\n"},
			send + "/parameters/1/schema", "a timestamp in a header is not supported: restJson1 writes it as an HTTP date"},
		{"a float in a header", []string{retries, "          x-ivsrt-member: retries\n          schema:\n            type: number\n            format: double\n"},
			send + "/parameters/1/schema", "a header must be a string, integer, boolean or enum, not float"},
		{"a map in a header", []string{cache, "            Cache-Control:\n              x-ivsrt-member: cacheControl\n              schema:\n                type: object\n                additionalProperties:\n                  type: string\n"},
			send + "/responses/200/headers/Cache-Control/schema", "a header must be a string, integer, boolean or enum, not map[string]string"},
		{"a header the protocol writes", []string{"        - name: X-Retries\n", "        - name: x-amzn-requestid\n"},
			send + "/parameters/1", "header x-amzn-requestid is the protocol's own"},
		{"a response header the protocol writes", []string{cache, "            Content-Type:\n              x-ivsrt-member: cacheControl\n              schema:\n                type: string\n"},
			send + "/responses/200/headers/Content-Type", "header Content-Type is the protocol's own"},
		{"a header name that is no HTTP token", []string{"        - name: X-Retries\n", "        - name: X Retries\n"},
			send + "/parameters/1", `"X Retries" is not an HTTP header name`},
		{"two members on one header", []string{"        - name: X-Retries\n", "        - name: x-request-tag\n"},
			send + "/parameters/1", "header x-request-tag is already bound to member requestTag (header names are case-insensitive)"},
		{"a response header named no member", []string{"              x-ivsrt-member: cacheControl\n", ""},
			send + "/responses/200/headers/Cache-Control", `member name "Cache-Control" must be letters and digits`},
		{"a response header named as a body member", []string{"              x-ivsrt-member: cacheControl\n", "              x-ivsrt-member: note\n"},
			"/components/schemas/SendResponse/properties/note", `the output of Send has two members named "note"`},
		{"a default on a response header", []string{"              x-ivsrt-member: cacheControl\n              schema:\n                type: string\n",
			"              x-ivsrt-member: cacheControl\n              schema:\n                type: string\n                default: no-store\n"},
			send + "/responses/200/headers/Cache-Control/schema", "a default on a header is not supported"},
		{"an idempotency token on a response header", []string{"              x-ivsrt-member: cacheControl\n              schema:\n                type: string\n",
			"              x-ivsrt-member: cacheControl\n              schema:\n                type: string\n                x-ivsrt-idempotency-token: true\n"},
			send + "/responses/200/headers/Cache-Control/schema", "x-ivsrt-idempotency-token belongs on a request member"},
		{"an answer with headers shared with another operation", []string{other, "              $ref: \"#/components/schemas/SendResponse\"\n        \"400\""},
			send + "/responses/200", "SendResponse takes the response headers of Send, so no other operation may use it"},
		{"an answer with headers that is a member's type", []string{"        other:\n          $ref: \"#/components/schemas/OtherResponse\"\n", "        other:\n          $ref: \"#/components/schemas/SendResponse\"\n"},
			send + "/responses/200", "SendResponse takes the response headers of Send, so it may not be the type of /components/schemas/Holder/properties/other"},
		{"an answer with headers that is also a request", []string{"              $ref: \"#/components/schemas/OtherRequest\"\n", "              $ref: \"#/components/schemas/SendResponse\"\n"},
			send + "/responses/200", "SendResponse takes the response headers of Send, so no other operation may use it"},
		{"a body with header parameters shared with another operation", []string{"              $ref: \"#/components/schemas/OtherRequest\"\n", "              $ref: \"#/components/schemas/SendRequest\"\n"},
			send + "/requestBody", "SendRequest takes the parameters of Send, so no other operation may use it"},
		{"a required header on an error", []string{"        Access-Control-Allow-Origin:\n          x-ivsrt-member: accessControlAllowOrigin\n",
			"        Access-Control-Allow-Origin:\n          x-ivsrt-member: accessControlAllowOrigin\n          required: true\n"},
			"/components/responses/ValidationException/headers/Access-Control-Allow-Origin", "header Access-Control-Allow-Origin is required on an error, which the fake cannot send"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc, err := buildHeaders(t, tc.edits...)
			require.Error(t, err)
			require.Nil(t, svc)
			var pointers []string
			for _, e := range specErrors(err) {
				pointers = append(pointers, e.Pointer)
				if e.Pointer == tc.pointer {
					require.Equal(t, "headers.yaml", e.File)
					require.Positive(t, e.Line)
					require.Contains(t, e.Msg, tc.msg)
					return
				}
			}
			require.Failf(t, "no error at the expected pointer", "want %s, got %q:\n%v", tc.pointer, pointers, err)
		})
	}
}

// TestBuildRefusesAPageTokenInAHeader: the suite and the fake read the
// next token and the items of a page from the body.
func TestBuildRefusesAPageTokenInAHeader(t *testing.T) {
	_, err := buildHeaders(t,
		"      operationId: Send\n", "      operationId: Send\n      x-ivsrt-paginated:\n        inputToken: note\n        outputToken: cacheControl\n",
	)
	require.Error(t, err)
	require.Contains(t, err.Error(), "headers.yaml#/paths/~1Send/post/x-ivsrt-paginated")
	require.Contains(t, err.Error(), "outputToken: SendResponse.cacheControl travels in a header; the page token and the items must be members of the body")
}

// TestBuildEmbeddedResponseHeaders: AWS's model binds the answers of
// StartParticipantReplication and StopParticipantReplication to CORS and
// security headers; each is an optional string member of the output.
func TestBuildEmbeddedResponseHeaders(t *testing.T) {
	d, err := spec.Embedded() // today's API: the 2024-06-20 spec has no headers
	require.NoError(t, err)
	svc, err := Build(d)
	require.NoError(t, err)
	want := []string{
		"accessControlAllowOrigin Access-Control-Allow-Origin", "accessControlExposeHeaders Access-Control-Expose-Headers",
		"cacheControl Cache-Control", "contentSecurityPolicy Content-Security-Policy", "strictTransportSecurity Strict-Transport-Security",
		"xContentTypeOptions X-Content-Type-Options", "xFrameOptions X-Frame-Options",
	}
	var withHeaders []string
	for _, op := range svc.Operations {
		require.Empty(t, op.Headers(), "no IVS operation takes a header: %s", op.Name)
		hs := op.ResponseHeaders()
		if len(hs) == 0 {
			continue
		}
		withHeaders = append(withHeaders, op.Name)
		var got []string
		for _, m := range hs {
			require.False(t, m.Required, "%s.%s", op.Name, m.Name)
			require.Equal(t, String, m.Type.Kind)
			got = append(got, m.Name+" "+m.WireName)
		}
		require.Equal(t, want, got, op.Name)
		require.Len(t, op.Output.Members, len(want), "%s answers with headers alone", op.Name)
	}
	require.Equal(t, []string{"StartParticipantReplication", "StopParticipantReplication"}, withHeaders)
}
