package spec

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEmbeddedLoads(t *testing.T) {
	d, err := Embedded()
	require.NoError(t, err)
	require.Regexp(t, `^20[0-9]{2}-[01][0-9]-[0-3][0-9]$`, d.OpenAPI.Info.Version)
	require.Greater(t, d.OpenAPI.Info.Version, "2024-06-20", "the current API is newer than the 2024-06-20 one")
	require.Equal(t, File, d.Name)
	require.Equal(t, Source, d.Source)
	// Every operation of today's model: 39 or more; the three tag
	// operations share one path.
	require.GreaterOrEqual(t, len(d.OpenAPI.Paths.Map()), 37)
	require.Equal(t, "restJson1", d.Extensions("").Service.Protocol)

	old, err := Load(File20240620, Source20240620)
	require.NoError(t, err)
	require.Equal(t, "2024-06-20", old.OpenAPI.Info.Version)
	require.Len(t, old.OpenAPI.Paths.Map(), 17, "the 19 operations of the 2024-06-20 spec")
	require.Equal(t, "restJson1", d.Extensions("").Service.Protocol)

	again, err := Embedded()
	require.NoError(t, err)
	require.Same(t, d, again, "the embedded spec is loaded once")
}

func TestLoadIsRepeatable(t *testing.T) {
	d, err := Load("copy.yaml", Source)
	require.NoError(t, err)
	require.Equal(t, "copy.yaml", d.Name)
}

// updateStage409 is UpdateStage's 409 response, the last path's last
// error, told from DeleteStage's and ListStages' by what follows it.
const updateStage409 = "        \"409\":\n          $ref: \"#/components/responses/ConflictException\"\n        default:\n          $ref: \"#/components/responses/ProtocolError\"\n  /tags/{resourceArn}:\n"

// edit returns the 2024-06-20 spec (which no longer changes) with old
// replaced by new; old must occur exactly once, so a drifting fixture fails
// the test instead of testing nothing.
func edit(t *testing.T, old, new string) []byte {
	t.Helper()
	src := string(Source20240620)
	require.Equal(t, 1, strings.Count(src, old), "the spec must contain %q exactly once", old)
	return []byte(strings.Replace(src, old, new, 1))
}

// specErrors lists every *Error in a (joined) error tree.
func specErrors(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if e, ok := err.(*Error); ok {
			out = append(out, e)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// requireRefused asserts that Load refuses data with an *Error at pointer,
// on a known line, whose message contains msg.
func requireRefused(t *testing.T, data []byte, pointer, msg string) {
	t.Helper()
	d, err := Load("edited.yaml", data)
	require.Error(t, err)
	require.Nil(t, d)

	var first *Error
	require.True(t, errors.As(err, &first), "want a *spec.Error, got %T: %v", err, err)
	require.Equal(t, "edited.yaml", first.File)

	var pointers []string
	for _, e := range specErrors(err) {
		pointers = append(pointers, e.Pointer)
		if e.Pointer != pointer {
			continue
		}
		require.Positive(t, e.Line, "error at %s has no line: %v", pointer, e)
		require.Contains(t, e.Msg, msg)
		require.Contains(t, e.Error(), "edited.yaml#"+pointer)
		return
	}
	require.Failf(t, "no error at the expected pointer", "want %s, got %q:\n%v", pointer, pointers, err)
}

const (
	schemas    = "/components/schemas"
	stageName  = "    StageName:\n      type: string\n"
	userID     = "    UserId:\n      type: string\n"
	getStageOp = "      operationId: GetStage\n"
)

func TestLoadRefuses(t *testing.T) {
	cases := []struct {
		name     string
		old, new string
		pointer  string
		msg      string
	}{
		// Unsupported schema keywords.
		{"oneOf", stageName, stageName + "      oneOf:\n        - type: string\n",
			schemas + "/StageName/oneOf", `unsupported keyword "oneOf"`},
		{"uniqueItems", "          default: [PUBLISH, SUBSCRIBE]\n    ParticipantTokenUserId:", "          default: [PUBLISH, SUBSCRIBE]\n          uniqueItems: true\n    ParticipantTokenUserId:",
			schemas + "/ParticipantTokenConfiguration/properties/capabilities/uniqueItems", `unsupported keyword "uniqueItems"`},
		{"multipleOf", "          maximum: 100\n          default: 50\n        filterByRecordingState:", "          maximum: 100\n          default: 50\n          multipleOf: 5\n        filterByRecordingState:",
			schemas + "/ListParticipantsRequest/properties/maxResults/multipleOf", `unsupported keyword "multipleOf"`},
		{"nullable", userID, userID + "      nullable: true\n",
			schemas + "/UserId/nullable", `unsupported keyword "nullable"`},
		{"unsupported type", "    ParticipantAttributes:\n      type: object\n", "    ParticipantAttributes:\n      type: file\n",
			schemas + "/ParticipantAttributes/type", `type "file" is not supported`},
		{"unsupported format", "        firstJoinTime:\n          type: string\n          format: date-time\n        attributes:",
			"        firstJoinTime:\n          type: string\n          format: uuid\n        attributes:",
			schemas + "/Participant/properties/firstJoinTime/format", `format "uuid" is not supported`},

		// Patterns.
		{"unanchored pattern", "pattern: \"^[a-zA-Z0-9-_]*$\"\n    StageSession:", "pattern: \"[a-zA-Z0-9-_]*\"\n    StageSession:",
			schemas + "/StageName/pattern", "not anchored"},
		{"pattern anchored only at the start", `pattern: "^st-[a-zA-Z0-9]+$"`, `pattern: "^st-[a-zA-Z0-9]+"`,
			schemas + "/StageSessionId/pattern", "not anchored"},
		{"one alternative unanchored", `"^$|^arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+$"`,
			`"^$|arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+"`,
			schemas + "/AutoParticipantRecordingStorageConfigurationArn/pattern", "not anchored"},
		{"pattern does not compile", "pattern: \"^[a-zA-Z0-9-_]*$\"\n    StageSession:", "pattern: \"^[a-zA-Z0-9-_*$\"\n    StageSession:",
			schemas + "/StageName/pattern", "does not compile"},

		// allOf and $ref.
		{"allOf with two entries", "            - $ref: \"#/components/schemas/Tags\"\n          default: {}\n        autoParticipantRecordingConfiguration:\n",
			"            - $ref: \"#/components/schemas/Tags\"\n            - $ref: \"#/components/schemas/UserId\"\n          default: {}\n        autoParticipantRecordingConfiguration:\n",
			schemas + "/CreateStageRequest/properties/tags/allOf", "single $ref"},
		{"allOf with an inline schema", "            - $ref: \"#/components/schemas/Tags\"\n          default: {}\n        autoParticipantRecordingConfiguration:\n",
			"            - type: object\n          default: {}\n        autoParticipantRecordingConfiguration:\n",
			schemas + "/CreateStageRequest/properties/tags/allOf", "single $ref"},
		{"constraint beside allOf", "          default: {}\n        autoParticipantRecordingConfiguration:\n",
			"          default: {}\n          maxProperties: 3\n        autoParticipantRecordingConfiguration:\n",
			schemas + "/CreateStageRequest/properties/tags/maxProperties", `"maxProperties" beside allOf`},
		{"default beside $ref", "        maxResults:\n          type: integer\n          format: int32\n          minimum: 1\n          maximum: 100\n          default: 50\n        filterByRecordingState:",
			"        maxResults:\n          $ref: \"#/components/schemas/ParticipantTokenCapability\"\n          type: integer\n          format: int32\n          minimum: 1\n          maximum: 100\n          default: 50\n        filterByRecordingState:",
			schemas + "/ListParticipantsRequest/properties/maxResults/type", `"type" beside $ref`},
		{"extension beside $ref", "        token:\n          type: string\n",
			"        token:\n          $ref: \"#/components/schemas/UserId\"\n",
			schemas + "/ParticipantToken/properties/token/x-ivsrt-sensitive", `"x-ivsrt-sensitive" beside $ref`},
		{"extension beside a response $ref", updateStage409,
			strings.Replace(updateStage409, "ConflictException\"\n", "ConflictException\"\n          x-ivsrt-errors: [ConflictException]\n", 1),
			"/paths/~1UpdateStage/post/responses/409/x-ivsrt-errors", `"x-ivsrt-errors" beside $ref`},

		// Unknown extensions, wherever they stand.
		{"unknown extension on a schema", stageName, stageName + "      x-ivsrt-trim: true\n",
			schemas + "/StageName/x-ivsrt-trim", `unsupported extension "x-ivsrt-trim" in a schema`},
		{"unknown extension on a property", "        published:\n          type: boolean\n        ispName:",
			"        published:\n          type: boolean\n          x-go-type: bool\n        ispName:",
			schemas + "/Participant/properties/published/x-go-type", `unsupported extension "x-go-type"`},
		{"unknown extension on an operation", getStageOp, getStageOp + "      x-ivsrt-idempotent: true\n",
			"/paths/~1GetStage/post/x-ivsrt-idempotent", `unsupported extension "x-ivsrt-idempotent" in an operation`},
		{"unknown extension on a response", "      x-ivsrt-errors: [ConflictException]\n",
			"      x-ivsrt-errors: [ConflictException]\n      x-ivsrt-retryable: true\n",
			"/components/responses/ConflictException/x-ivsrt-retryable", `unsupported extension "x-ivsrt-retryable" in a response`},
		{"unknown extension in x-ivsrt-service", "  signingName: ivs\n", "  signingName: ivs\n  region: us-east-1\n",
			"/x-ivsrt-service/region", `unsupported keyword "region"`},
		{"unknown top-level key", "paths:\n", "security: []\npaths:\n",
			"/security", `unsupported keyword "security" in the document`},
		{"unknown components section", "components:\n", "components:\n  parameters: {}\n",
			"/components/parameters", `unsupported keyword "parameters" in components`},

		// Paths and operations.
		{"HEAD path item", "  /GetStage:\n    post:\n", "  /GetStage:\n    head:\n      operationId: HeadStage\n    post:\n",
			"/paths/~1GetStage/head", `unsupported keyword "head" in a path item`},
		{"path label without a parameter", "  /GetStage:\n", "  /GetStage/{arn}:\n",
			"/paths/~1GetStage~1{arn}/post", "path label {arn} has no parameter with in: path"},
		{"path that is a parameter", "  /GetStage:\n", "  /{GetStage}:\n",
			"/paths/~1{GetStage}/post", "path label {GetStage} has no parameter"},
		{"greedy label", "  /GetStage:\n", "  /GetStage/{arn+}:\n",
			"/paths/~1GetStage~1{arn+}", "one whole {label}"},
		{"label inside a segment", "  /GetStage:\n", "  /GetStage-{arn}:\n",
			"/paths/~1GetStage-{arn}", "one whole {label}"},
		{"query string in the path", "  /GetStage:\n", "  /GetStage?x-id=1:\n",
			"/paths/~1GetStage?x-id=1", "one whole {label}"},
		{"operationId used twice", getStageOp, "      operationId: CreateStage\n",
			"/paths/~1GetStage/post/operationId", `operationId "CreateStage" is already used at /paths/~1CreateStage/post/operationId`},
		{"operationId not an identifier", getStageOp, "      operationId: get-stage\n",
			"/paths/~1GetStage/post/operationId", `operationId "get-stage" is not an identifier`},
		{"path parameter that is no label", getStageOp, getStageOp + "      parameters:\n        - name: arn\n          in: path\n          required: true\n          schema:\n            type: string\n",
			"/paths/~1GetStage/post/parameters/0/name", `path parameter "arn" is not a {label} of the path`},
		{"path parameter not required", "  /GetStage:\n    post:\n" + getStageOp,
			"  /GetStage/{arn}:\n    post:\n" + getStageOp + "      parameters:\n        - name: arn\n          in: path\n          schema:\n            type: string\n",
			"/paths/~1GetStage~1{arn}/post/parameters/0", `path parameter "arn" must be required: true`},
		{"cookie parameter", getStageOp, getStageOp + "      parameters:\n        - name: X-Token\n          in: cookie\n          schema:\n            type: string\n",
			"/paths/~1GetStage/post/parameters/0/in", `parameters in "cookie" are not supported (only path, query and header)`},
		{"query parameter without a schema", getStageOp, getStageOp + "      parameters:\n        - name: maxResults\n          in: query\n",
			"/paths/~1GetStage/post/parameters/0", `parameter "maxResults" needs a schema`},
		{"query parameter not exploded", getStageOp, getStageOp + "      parameters:\n        - name: keys\n          in: query\n          explode: false\n          schema:\n            type: array\n            items:\n              type: string\n",
			"/paths/~1GetStage/post/parameters/0/explode", "explode: only true"},
		{"query parameter in another style", getStageOp, getStageOp + "      parameters:\n        - name: keys\n          in: query\n          style: pipeDelimited\n          schema:\n            type: string\n",
			"/paths/~1GetStage/post/parameters/0/style", `style "pipeDelimited"`},
		{"parameter with an unknown keyword", getStageOp, getStageOp + "      parameters:\n        - name: keys\n          in: query\n          allowEmptyValue: true\n          schema:\n            type: string\n",
			"/paths/~1GetStage/post/parameters/0/allowEmptyValue", `unsupported keyword "allowEmptyValue" in a parameter`},
		{"x-ivsrt-member not a name", getStageOp, getStageOp + "      parameters:\n        - name: keys\n          in: query\n          x-ivsrt-member: two words\n          schema:\n            type: string\n",
			"/paths/~1GetStage/post/parameters/0/x-ivsrt-member", "x-ivsrt-member must be a member name"},
		{"x-ivsrt-idempotency-token not a boolean", "        published:\n          type: boolean\n        ispName:",
			"        published:\n          type: boolean\n          x-ivsrt-idempotency-token: yes please\n        ispName:",
			schemas + "/Participant/properties/published/x-ivsrt-idempotency-token", "x-ivsrt-idempotency-token must be a boolean"},
		{"x-ivsrt-idempotency-token beside $ref", "        token:\n          type: string\n          x-ivsrt-sensitive: true\n",
			"        token:\n          $ref: \"#/components/schemas/UserId\"\n          x-ivsrt-idempotency-token: true\n",
			schemas + "/ParticipantToken/properties/token/x-ivsrt-idempotency-token", `"x-ivsrt-idempotency-token" beside $ref`},
		{"x-ivsrt-cross-account not a boolean", "        published:\n          type: boolean\n        ispName:",
			"        published:\n          type: boolean\n          x-ivsrt-cross-account: 1\n        ispName:",
			schemas + "/Participant/properties/published/x-ivsrt-cross-account", "x-ivsrt-cross-account must be a boolean"},
		{"response key not a status", updateStage409, strings.Replace(updateStage409, "409", "4XX", 1),
			"/paths/~1UpdateStage/post/responses/4XX", "not a status code"},
		{"content other than JSON", "          application/json:\n            schema:\n              $ref: \"#/components/schemas/CreateStageRequest\"\n",
			"          application/xml:\n            schema:\n              $ref: \"#/components/schemas/CreateStageRequest\"\n",
			"/paths/~1CreateStage/post/requestBody/content/application~1xml", "only application/json"},
		{"header without a schema", "      x-ivsrt-errors: [ConflictException]\n      headers:\n",
			"      x-ivsrt-errors: [ConflictException]\n      headers:\n        Retry-After:\n          x-ivsrt-member: retryAfter\n",
			"/components/responses/ConflictException/headers/Retry-After", "a header needs a schema"},
		{"header with an unknown keyword", "      x-ivsrt-errors: [ConflictException]\n      headers:\n",
			"      x-ivsrt-errors: [ConflictException]\n      headers:\n        Retry-After:\n          style: simple\n          schema:\n            type: string\n",
			"/components/responses/ConflictException/headers/Retry-After/style", `unsupported keyword "style" in a header`},
		{"header member not a name", "      x-ivsrt-errors: [ConflictException]\n      headers:\n",
			"      x-ivsrt-errors: [ConflictException]\n      headers:\n        Retry-After:\n          x-ivsrt-member: retry-after\n          schema:\n            type: string\n",
			"/components/responses/ConflictException/headers/Retry-After/x-ivsrt-member", "x-ivsrt-member must be a member name"},
		{"protocol other than restJson1", "  protocol: restJson1\n", "  protocol: awsJson1_1\n",
			"/x-ivsrt-service/protocol", "only restJson1"},
		{"openapi 2.0", "openapi: 3.0.3\n", "openapi: 2.0\n",
			"/openapi", "only 3.0.x and 3.1.x"},

		// The shape of each extension.
		{"identifier template with an unknown part", `"st-{alnum:13}"`, `"st-{Alnum:13}"`,
			schemas + "/StageSessionId/x-ivsrt-identifier", "identifier template"},
		{"identifier template with alnum and no count", `"st-{alnum:13}"`, `"st-{alnum}-{alnum:}"`,
			schemas + "/StageSessionId/x-ivsrt-identifier", "identifier template"},
		{"identifier template with alnum:0", `"st-{alnum:13}"`, `"st-{alnum:0}"`,
			schemas + "/StageSessionId/x-ivsrt-identifier", "identifier template"},
		{"identifier template with an unclosed brace", `"st-{alnum:13}"`, `"st-{alnum:13"`,
			schemas + "/StageSessionId/x-ivsrt-identifier", "identifier template"},
		{"x-ivsrt-key-length with an unknown key", "        max: 128\n", "        max: 128\n        avg: 20\n",
			schemas + "/Tags/x-ivsrt-key-length/avg", `unsupported keyword "avg" in x-ivsrt-key-length`},
		{"x-ivsrt-key-length not an integer", "        max: 128\n", "        max: many\n",
			schemas + "/Tags/x-ivsrt-key-length/max", "non-negative integer"},
		{"x-ivsrt-max-total-bytes not an integer", "x-ivsrt-max-total-bytes: 1024", "x-ivsrt-max-total-bytes: 1KB",
			schemas + "/ParticipantTokenAttributes/x-ivsrt-max-total-bytes", "non-negative integer"},
		{"x-ivsrt-max-total-bytes quoted", "x-ivsrt-max-total-bytes: 1024", `x-ivsrt-max-total-bytes: "1024"`,
			schemas + "/ParticipantTokenAttributes/x-ivsrt-max-total-bytes", "non-negative integer"},
		{"x-ivsrt-max-total-bytes negative", "x-ivsrt-max-total-bytes: 1024", "x-ivsrt-max-total-bytes: -1",
			schemas + "/ParticipantTokenAttributes/x-ivsrt-max-total-bytes", "non-negative integer"},
		{"x-ivsrt-filters with an unknown key", "        items: ParticipantSummary\n", "        items: ParticipantSummary\n        mode: any\n",
			schemas + "/ListParticipantsRequest/x-ivsrt-filters/mode", `unsupported keyword "mode" in x-ivsrt-filters`},
		{"x-ivsrt-filters match not a mapping", "        match:\n          filterByUserId: userId\n          filterByPublished: published\n          filterByState: state\n          filterByRecordingState: recordingState\n",
			"        match: [filterByUserId]\n",
			schemas + "/ListParticipantsRequest/x-ivsrt-filters/match", "must be a mapping"},
		{"x-ivsrt-reset-when with an unknown key", "        equals: \"\"\n", "        equals: \"\"\n        also: mediaTypes\n",
			schemas + "/AutoParticipantRecordingConfiguration/x-ivsrt-reset-when/also", `unsupported keyword "also" in x-ivsrt-reset-when`},
		{"x-ivsrt-paginated with an unknown key", "        items: participants\n", "        items: participants\n        limit: 100\n",
			"/paths/~1ListParticipants/post/x-ivsrt-paginated/limit", `unsupported keyword "limit" in x-ivsrt-paginated`},
		{"x-ivsrt-paginated with an empty member", "        pageSize: maxResults\n        items: participants\n", "        pageSize: \"\"\n        items: participants\n",
			"/paths/~1ListParticipants/post/x-ivsrt-paginated/pageSize", "non-empty scalar"},
		{"x-ivsrt-sensitive not a boolean", "x-ivsrt-sensitive: true", "x-ivsrt-sensitive: yes please",
			schemas + "/ParticipantToken/properties/token/x-ivsrt-sensitive", "must be a boolean"},
		{"x-ivsrt-sensitive quoted", "x-ivsrt-sensitive: true", `x-ivsrt-sensitive: "true"`,
			schemas + "/ParticipantToken/properties/token/x-ivsrt-sensitive", "must be a boolean"},
		{"x-ivsrt-errors empty", "x-ivsrt-errors: [ConflictException]", "x-ivsrt-errors: []",
			"/components/responses/ConflictException/x-ivsrt-errors", "non-empty list"},
		{"x-ivsrt-errors not a name", "x-ivsrt-errors: [ConflictException]", "x-ivsrt-errors: [Conflict-Exception]",
			"/components/responses/ConflictException/x-ivsrt-errors/0", "not an identifier"},
		{"x-ivsrt-errors a boolean", "x-ivsrt-errors: [ConflictException]", "x-ivsrt-errors: [ConflictException, true]",
			"/components/responses/ConflictException/x-ivsrt-errors/1", "not an identifier"},
		{"x-ivsrt-protocol-errors with a 3xx status", "ThrottlingException: 429", "ThrottlingException: 302",
			"/components/responses/ProtocolError/x-ivsrt-protocol-errors/ThrottlingException", "4xx or 5xx"},
		{"x-ivsrt-protocol-errors with a 2xx status", "InternalServerException: 500", "InternalServerException: 200",
			"/components/responses/ProtocolError/x-ivsrt-protocol-errors/InternalServerException", "4xx or 5xx"},
		{"x-ivsrt-protocol-errors with a quoted status", "ThrottlingException: 429", `ThrottlingException: "429"`,
			"/components/responses/ProtocolError/x-ivsrt-protocol-errors/ThrottlingException", "4xx or 5xx"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireRefused(t, edit(t, tc.old, tc.new), tc.pointer, tc.msg)
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	data := edit(t, stageName, stageName+"      oneOf:\n        - type: string\n")
	data = []byte(strings.Replace(string(data), "operationId: GetStage\n", "operationId: CreateStage\n", 1))
	_, err := Load("two.yaml", data)
	require.Error(t, err)
	var pointers []string
	for _, e := range specErrors(err) {
		pointers = append(pointers, e.Pointer)
	}
	require.ElementsMatch(t, []string{"/paths/~1GetStage/post/operationId", schemas + "/StageName/oneOf"}, pointers)
}

func TestLoadRefusesNonDocuments(t *testing.T) {
	for name, data := range map[string]string{
		"invalid YAML":   "openapi: [3.0.3\n",
		"a list":         "- openapi\n",
		"a scalar":       "openapi\n",
		"a YAML comment": "# nothing\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load("bad.yaml", []byte(data))
			var e *Error
			require.True(t, errors.As(err, &e), "got %v", err)
			require.Equal(t, "bad.yaml", e.File)
		})
	}
}

// TestLoadRefusesInvalidOpenAPI: what the allowlist lets through, kin-openapi
// still validates (here: a default that breaks its own schema).
func TestLoadRefusesInvalidOpenAPI(t *testing.T) {
	_, err := Load("bad.yaml", edit(t, "          default: [PUBLISH, SUBSCRIBE]\n    ParticipantTokenUserId:", "          default: [PUBLISH]\n          minItems: 2\n    ParticipantTokenUserId:"))
	var e *Error
	require.True(t, errors.As(err, &e), "got %v", err)
	require.Contains(t, e.Msg, "invalid OpenAPI")
}

func TestKeysKeepSpecOrder(t *testing.T) {
	d, err := Load(File20240620, Source20240620)
	require.NoError(t, err)

	paths := []string{"/CreateParticipantToken", "/CreateStage", "/CreateStorageConfiguration", "/DeleteStage", "/DeleteStorageConfiguration", "/DisconnectParticipant", "/GetParticipant", "/GetStage", "/GetStageSession", "/GetStorageConfiguration", "/ListParticipantEvents", "/ListParticipants", "/ListStageSessions", "/ListStages", "/ListStorageConfigurations", "/UpdateStage", "/tags/{resourceArn}"}
	// The spec may gain operations: those it has keep their order.
	require.Equal(t, paths, slices.DeleteFunc(d.Keys("/paths"), func(p string) bool { return !slices.Contains(paths, p) }))
	require.Equal(t, []string{"participantId", "userId", "state", "firstJoinTime", "published", "recordingState"},
		d.Keys(Pointer(schemas, "ParticipantSummary", "properties")))
	require.Equal(t, []string{"filterByUserId", "filterByPublished", "filterByState", "filterByRecordingState"},
		d.Keys(Pointer(schemas, "ListParticipantsRequest", "x-ivsrt-filters", "match")))
	require.Equal(t, []string{"SerializationException", "UnrecognizedClientException", "InvalidSignatureException",
		"IncompleteSignatureException", "MissingAuthenticationTokenException", "ThrottlingException", "InternalServerException"},
		d.Keys("/components/responses/ProtocolError/x-ivsrt-protocol-errors"))
	require.Equal(t, []string{"200", "400", "402", "403", "404", "409", "default"}, d.Keys("/paths/~1UpdateStage/post/responses"))

	names := d.Keys(schemas)
	require.Equal(t, "AutoParticipantRecordingConfiguration", names[0])
	// The importer writes the schemas sorted by name, the spec may gain some.
	require.True(t, slices.IsSorted(names), "%v", names)
	require.Contains(t, names, "UserId")

	require.Nil(t, d.Keys("/paths/~1Nope"), "no such node")
	require.Nil(t, d.Keys("/openapi"), "a scalar has no keys")
	require.Nil(t, d.Keys("/servers"), "a sequence has no keys")
}

func TestLine(t *testing.T) {
	d, err := Embedded()
	require.NoError(t, err)
	lines := strings.Split(string(Source), "\n")
	at := func(pointer, text string) {
		t.Helper()
		n := d.Line(pointer)
		require.Positive(t, n, pointer)
		require.Contains(t, lines[n-1], text, pointer)
	}
	at("", "openapi")
	at("/paths/~1CreateStage", "/CreateStage:")
	// A member whose value is a mapping is on its key's line, not its first child's.
	at(Pointer(schemas, "ListParticipantsRequest", "x-ivsrt-filters"), "x-ivsrt-filters:")
	at("/paths/~1ListParticipants/post/x-ivsrt-paginated", "x-ivsrt-paginated:")
	at("/paths/~1CreateStage/post/operationId", "operationId: CreateStage")
	at(Pointer(schemas, "StageArn", "x-ivsrt-identifier"), "x-ivsrt-identifier")
	at("/servers/0", "url:")
	at("/components/responses/AccessDeniedExceptionOrPendingVerification/x-ivsrt-errors/1", "PendingVerification")

	for _, p := range []string{"/nope", "/servers/1", "/servers/-1", "/servers/+0", "/servers/0x", "/servers/x", "/openapi/deeper"} {
		require.Zero(t, d.Line(p), p)
	}

	e := d.Errorf("/paths/~1GetStage", "bad %s", "thing")
	require.Equal(t, &Error{File: File, Pointer: "/paths/~1GetStage", Line: d.Line("/paths/~1GetStage"), Msg: "bad thing"}, e)
	// The line is the path's own, wherever the import puts it.
	at("/paths/~1GetStage", "/GetStage:")
	require.Equal(t, fmt.Sprintf("ivsrealtime.yaml#/paths/~1GetStage (line %d): bad thing", d.Line("/paths/~1GetStage")), e.Error())
	require.Equal(t, "f.yaml#/x: m", (&Error{File: "f.yaml", Pointer: "/x", Msg: "m"}).Error())
}

func TestPointerEscaping(t *testing.T) {
	require.Equal(t, "", Pointer(""))
	require.Equal(t, "/paths/~1CreateStage/post", Pointer("", "paths", "/CreateStage", "post"))
	require.Equal(t, "/a/b~0c/d~1e/~01", Pointer("/a", "b~c", "d/e", "~1"))
	require.Equal(t, "/x/", Pointer("/x", ""))

	// A property whose name needs both escapes is found through its pointer.
	weird := "we/ird~name"
	data := edit(t, "      properties:\n        exceptionMessage:\n          type: string\n",
		"      properties:\n        exceptionMessage:\n          type: string\n        "+weird+":\n          type: string\n")
	d, err := Load("weird.yaml", data)
	require.NoError(t, err)
	props := Pointer(schemas, "ErrorBody", "properties")
	require.Equal(t, []string{"exceptionMessage", weird}, d.Keys(props))
	require.Equal(t, "/components/schemas/ErrorBody/properties/we~1ird~0name", Pointer(props, weird))
	require.Equal(t, d.Line(Pointer(props, "exceptionMessage"))+2, d.Line(Pointer(props, weird)))
	require.Equal(t, []string{"type"}, d.Keys(Pointer(props, weird)))
	require.Zero(t, d.Line(props+"/we/ird~name"), "an unescaped pointer names another path")
}

func TestTopLevelAlternatives(t *testing.T) {
	for in, want := range map[string][]string{
		"^a$":                {"^a$"},
		"^$|^a$":             {"^$", "^a$"},
		"^(a|b)$":            {"^(a|b)$"},
		"^[|]$|^x$":          {"^[|]$", "^x$"},
		`^a\|b$`:             {`^a\|b$`},
		"^(a(b|c)|d)$|^e$":   {"^(a(b|c)|d)$", "^e$"},
		"":                   {""},
		"^[a-z]|[0-9]$":      {"^[a-z]", "[0-9]$"},
		`^[\]|]$|^y$`:        {`^[\]|]$`, "^y$"},
		"^a$|":               {"^a$", ""},
		"^x-[a-zA-Z0-9-_]*$": {"^x-[a-zA-Z0-9-_]*$"},
	} {
		require.Equal(t, want, TopLevelAlternatives(in), in)
	}
}

// TestOverlaysRecord: the spec records the overlays make spec applied
// (info.x-ivsrt-overlays), decoded at /info, each correction's pointer a
// value of the spec; a record of another shape is refused.
func TestOverlaysRecord(t *testing.T) {
	d, err := Load("current.yaml", Source)
	require.NoError(t, err)
	ovs := d.Extensions("/info").Overlays
	require.NotEmpty(t, ovs)
	for _, ov := range ovs {
		require.NotEmpty(t, ov.Title)
		for _, c := range ov.Corrections {
			// The repo's overlays replace values, none removes one.
			require.Positive(t, d.Line(c.Pointer), "correction %s", c.Pointer)
			require.NotNil(t, c.Model)
		}
	}

	const first = "  x-ivsrt-overlays:\n    - title: Amazon IVS Real-Time rules the service model does not state\n      version: 1.0.0\n"
	const corrected = "        - pointer: /components/schemas/ParticipantRecordingS3Prefix/pattern\n"
	for _, tc := range []struct{ name, old, new, pointer, msg string }{
		{"not a list", first, "  x-ivsrt-overlays: all of them\n  x-other:\n    - title: Amazon IVS Real-Time rules the service model does not state\n      version: 1.0.0\n",
			"/info/x-ivsrt-overlays", "must list the overlays applied"},
		{"no title", first, "  x-ivsrt-overlays:\n    - version: 1.0.0\n",
			"/info/x-ivsrt-overlays/0", "needs its title"},
		{"unknown key", first, first + "      file: spec/ivsrealtime.overlay.yaml\n",
			"/info/x-ivsrt-overlays/0/file", `unsupported keyword "file" in x-ivsrt-overlays`},
		{"pointer not a pointer", corrected, "        - pointer: components.schemas.ParticipantRecordingS3Prefix.pattern\n",
			"/info/x-ivsrt-overlays/0/corrections/0/pointer", "must be a JSON pointer"},
		{"no model value", "          model: ^[a-zA-Z0-9-]*$\n", "",
			"/info/x-ivsrt-overlays/0/corrections/0", "needs a pointer and the model's value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireRefused(t, edit(t, tc.old, tc.new), tc.pointer, tc.msg)
		})
	}
}
