// Package spec holds the machine-readable contract of the Amazon IVS
// Real-Time operations (ivsrealtime.yaml, OpenAPI 3.0.3) and loads it.
// ivsrealtime.yaml is written by `make spec` (package spec/importer): AWS's
// service model plus ivsrealtime.overlay.yaml, which holds, as overlay
// actions with their reasons, every rule the model does not state.
//
// Load parses a spec with kin-openapi, validates it, and refuses any keyword
// or extension that the generator does not handle, naming the file, the JSON
// pointer and the line. A spec that loads is one the generator can turn into
// code without silently dropping a rule.
//
// # Paths and operations
//
// A path is the operation's HTTP request URI: literal segments and
// segments that are one whole {label} (no greedy labels, no query string).
// A path item holds operations under get, post, put, delete and patch.
// Each operation has a unique operationId that is an identifier; it need
// not match the path. An operation may have:
//
//   - parameters: one per {label} (in: path, required: true, a string
//     schema or a $ref to one), query strings (in: query, a string,
//     integer, boolean or enum schema or an array of those; style: form and
//     explode: true may be written, which is how a list goes: the parameter
//     repeated) and request headers (in: header, a string, integer, boolean
//     or enum schema). x-ivsrt-member names the input member when it
//     differs from the parameter's name. Every {label} has exactly one path
//     parameter and every path parameter is a {label}.
//   - requestBody: application/json, a $ref to an object schema holding
//     the body members (an object with no properties is fine). It may be
//     absent when the operation has no body members; the operation's input
//     is then named <operationId>Request.
//   - responses: "200" with an application/json $ref to an object schema,
//     error responses per status, and default (the protocol errors). The
//     200 response may have headers: each is a member of the answer bound
//     to that header (x-ivsrt-member names it, or the header's own name
//     when that is a member name; required and description may be written;
//     a string, integer, boolean or enum schema, no default). The headers
//     of an error response are x-amzn-ErrorType, as the importer writes
//     it, and those AWS's error shapes bind members to (CORS and security
//     headers): these must be optional, and the generator leaves them out,
//     since the fake writes its errors with wire.WriteError and a client
//     tells errors apart by their type and message; the suite still holds
//     a target's errors to them.
//
// The operation's input is the parameters, in order, then the body
// members; its output is the 200 response's headers, in order, then the
// body members. A body schema that takes parameters, or response headers,
// belongs to its operation alone: no other operation may use it and no
// member may have it as its type.
//
// A header's name is an HTTP field name and case-insensitive, so two
// members may not share one; the headers the protocol itself reads or
// writes (Authorization, Content-Length, Content-Type, Host,
// Transfer-Encoding, X-Amz-Content-Sha256, X-Amz-Date, X-Amz-Security-Token,
// X-Amzn-ErrorType and X-Amzn-RequestId) are no member's. A list in a
// header (which restJson1 writes as one comma-separated value, strings
// with a comma or a quote quoted) and a timestamp (an HTTP date, unless
// the model's timestampFormat says otherwise, which format: date-time
// cannot say) are refused, and so are floats, maps and objects. The page
// token and the items an answer pages (x-ivsrt-paginated) travel in its
// body.
//
// # Schema keywords
//
// Schemas may use: type (string, integer, number, boolean, object, array),
// format (int32, int64, float, double, date-time), description, properties,
// required, items, enum, minLength, maxLength, pattern, minimum, maximum
// (on a number they need not be integers), minItems, maxItems,
// minProperties, maxProperties, additionalProperties (a string schema),
// default, $ref, and allOf with exactly one $ref (the OpenAPI 3.0 way to
// put a default or an extension beside a reference). Beside a $ref only
// description may stand, and beside allOf only default, description,
// x-ivsrt-sensitive, x-ivsrt-idempotency-token and x-ivsrt-cross-account:
// OpenAPI 3.0 ignores the rest, so a constraint or extension there would be
// lost. Patterns must be anchored
// (every top-level alternative starts with ^ and ends with $), because AWS
// matches them against the whole value. Numbers and booleans in extensions
// are YAML numbers and booleans, not quoted strings.
//
// # Extensions
//
//   - x-ivsrt-service (document): protocol, signingName, serviceId,
//     modelVersion and endpoint of the AWS service. info.version is the date
//     of the SDK release the model was imported from (2024-06-20).
//   - x-ivsrt-errors (response): the AWS error names (x-amzn-ErrorType) that
//     the response's status code stands for. The status is the response key,
//     so one error name must have one status throughout the spec.
//   - x-ivsrt-protocol-errors (response used as "default"): a map of the
//     protocol-level error names any endpoint may answer with to their status.
//   - x-ivsrt-paginated (operation): {inputToken, outputToken, pageSize, items}
//     naming the request token member, response token member, page-size member
//     and the response list that is paged.
//   - x-ivsrt-filters (request schema): {items, match}. items names the schema
//     of the listed elements; match maps each filter member of the request to
//     the element member it must equal. All the filters named are mutually
//     exclusive: a request may give at most one.
//   - x-ivsrt-max-total-bytes (string map schema): the most UTF-8 bytes that
//     all keys and values together may take.
//   - x-ivsrt-key-length (map schema): {min, max} characters of each key;
//     OpenAPI 3.0 has no propertyNames.
//   - x-ivsrt-reset-when (object schema): {member, equals}. When the member
//     has that value, every other member is reset to its default (or
//     removed when it has none).
//   - x-ivsrt-identifier (string schema): the template a service uses to
//     mint identifiers of this type: literal text, {variable} parts given by
//     the caller (region, account) and {alnum:N} random letters and digits
//     (N >= 1). Variables become Go parameters, so they must be distinct and
//     may not be Go keywords or predeclared names.
//   - x-ivsrt-identifier-of (string schema): the names of the string
//     schemas with an x-ivsrt-identifier whose values this one takes (a
//     resource ARN is the ARN of any resource that can be tagged). A
//     generated case that needs a live value uses the first one's.
//   - x-ivsrt-sensitive (property): the value is a secret (a participant
//     token) that reports and logs must not print.
//   - x-ivsrt-idempotency-token (property, boolean): the member is an
//     idempotency token (the model's idempotencyToken): the AWS SDKs fill it
//     with a fresh UUID when the caller leaves it out, and the service
//     answers a repeated request with the same token as it answered the
//     first, instead of acting twice.
//   - x-ivsrt-cross-account (property of a request, boolean): the member
//     names a resource that may belong to another account of the caller's
//     region (a replication's destination stage: AWS's CLI example
//     start-participant-replication replicates to a stage of another
//     account). No another-account case expects it refused; naming another
//     account's resource that does not exist is ResourceNotFoundException.
//   - x-ivsrt-member (parameter, response header): the member a path,
//     query or header parameter stands for, or a header of a response, when
//     its name differs from the parameter's or the header's.
//   - x-ivsrt-overlays (info): the overlays ivsrt import applied, in order
//     (make spec), each {title, version, corrections}: the title and version
//     of the overlay's own info, and corrections, the values of AWS's model
//     the overlay replaced or removed, each {pointer, model}: the JSON
//     pointer of the value in this spec and the value the model gave (the
//     spec follows the service where its documented answers differ from
//     the model: a pattern, say). What an overlay adds (a default, an
//     x-ivsrt-* rule, a response) is not listed. The import writes it only
//     when it applies an overlay, so a spec without it was imported from
//     the model alone (or written by hand). The generator does not read it;
//     ivsrt diff does, to tell overlay facts from the model's
//     (docs/spec.md).
package spec
