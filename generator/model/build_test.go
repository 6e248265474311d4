package model

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/spec"
)

// embedded builds the 2024-06-20 spec: it no longer changes, so these
// tests can name its shapes, members and values without following AWS.
func embedded(t *testing.T) *Service {
	t.Helper()
	d, err := spec.Load(spec.File20240620, spec.Source20240620)
	require.NoError(t, err)
	svc, err := Build(d)
	require.NoError(t, err)
	return svc
}

// TestBuildCurrentSpec: the spec the fake serves, every operation of
// today's model, builds.
func TestBuildCurrentSpec(t *testing.T) {
	d, err := spec.Embedded()
	require.NoError(t, err)
	svc, err := Build(d)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(svc.Operations), 39)
	require.Equal(t, d.OpenAPI.Info.Version, svc.APIVersion)
	// The replication destinations may name another account's stage
	// (x-ivsrt-cross-account), their sources not.
	for _, op := range []string{"StartParticipantReplication", "StopParticipantReplication"} {
		for _, m := range operation(t, svc, op).Input.Members {
			require.Equal(t, m.Name == "destinationStageArn", m.CrossAccount, "%s.%s", op, m.Name)
		}
	}
}

func operation(t *testing.T, svc *Service, name string) *Operation {
	t.Helper()
	for _, o := range svc.Operations {
		if o.Name == name {
			return o
		}
	}
	require.FailNow(t, "no operation "+name)
	return nil
}

func structNamed(t *testing.T, svc *Service, name string) *Struct {
	t.Helper()
	for _, st := range svc.Structs {
		if st.Name == name {
			return st
		}
	}
	require.FailNow(t, "no struct "+name)
	return nil
}

func member(t *testing.T, svc *Service, structName, name string) *Member {
	t.Helper()
	m := structNamed(t, svc, structName).Member(name)
	require.NotNil(t, m, "%s.%s", structName, name)
	return m
}

func ip(i int) *int       { return &i }
func ip64(i int64) *int64 { return &i }

func TestBuildService(t *testing.T) {
	svc := embedded(t)
	require.Equal(t, "Amazon Interactive Video Service RealTime", svc.Title)
	require.Equal(t, "2024-06-20", svc.APIVersion)
	require.Equal(t, "restJson1", svc.Protocol)
	require.Equal(t, "ivs", svc.SigningName)
	require.Equal(t, "IVS RealTime", svc.ServiceID)
	require.Equal(t, "2020-07-14", svc.ModelVersion)
	require.Equal(t, "https://ivsrealtime.{region}.amazonaws.com", svc.Endpoint)
}

// errorList renders errors as "Name status" for comparison.
func errorList(errs []*Error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Name + " " + strconv.Itoa(e.Status)
		if e.Protocol {
			out[i] += " protocol"
		}
	}
	return out
}

func TestBuildOperations(t *testing.T) {
	svc := embedded(t)
	var names []string
	for _, o := range svc.Operations {
		names = append(names, o.Name)
		if !strings.HasPrefix(o.Path, "/tags/") { // the tag operations are REST-bound
			require.Equal(t, "/"+o.Name, o.Path)
		}
		require.Equal(t, o.Name+"Request", o.Input.Name)
		require.Equal(t, o.Name+"Response", o.Output.Name)
		require.True(t, o.Input.Input)
		require.True(t, o.Output.Output)
	}
	// In spec order; the spec may gain operations (SPEC_OPS in the Makefile).
	require.Equal(t, []string{"CreateParticipantToken", "CreateStage", "CreateStorageConfiguration", "DeleteStage", "DeleteStorageConfiguration", "DisconnectParticipant", "GetParticipant", "GetStage", "GetStageSession", "GetStorageConfiguration", "ListParticipantEvents", "ListParticipants", "ListStageSessions", "ListStages", "ListStorageConfigurations", "UpdateStage", "ListTagsForResource", "TagResource", "UntagResource"}, known(names,
		"CreateParticipantToken", "CreateStage", "CreateStorageConfiguration", "DeleteStage", "DeleteStorageConfiguration", "DisconnectParticipant", "GetParticipant", "GetStage", "GetStageSession", "GetStorageConfiguration", "ListParticipantEvents", "ListParticipants", "ListStageSessions", "ListStages", "ListStorageConfigurations", "UpdateStage", "ListTagsForResource", "TagResource", "UntagResource"))

	// Declared errors, in the order the responses list them, with their statuses.
	want := map[string][]string{
		"CreateStage": {"ValidationException 400", "ServiceQuotaExceededException 402",
			"AccessDeniedException 403", "PendingVerification 403"},
		"GetStage": {"ValidationException 400", "AccessDeniedException 403", "ResourceNotFoundException 404"},
		"UpdateStage": {"ValidationException 400", "ServiceQuotaExceededException 402", "AccessDeniedException 403",
			"PendingVerification 403", "ResourceNotFoundException 404", "ConflictException 409"},
		"GetParticipant":   {"ValidationException 400", "AccessDeniedException 403", "ResourceNotFoundException 404"},
		"ListParticipants": {"ValidationException 400", "AccessDeniedException 403"},
		"DeleteStage": {"ValidationException 400", "AccessDeniedException 403", "PendingVerification 403",
			"ResourceNotFoundException 404", "ConflictException 409"},
		"ListStages": {"ValidationException 400", "AccessDeniedException 403", "ConflictException 409"},
	}
	for name, errs := range want {
		op := operation(t, svc, name)
		require.Equal(t, errs, errorList(op.Errors), name)
	}
	list := operation(t, svc, "ListParticipants")
	require.False(t, list.Declares("ResourceNotFoundException"))
	require.False(t, list.Declares("ConflictException"))
	require.True(t, list.Declares("ValidationException"))
	require.False(t, operation(t, svc, "CreateStage").Declares("SerializationException"),
		"protocol errors are not declared errors")

	// One Error per name: operations share them.
	require.Same(t, operation(t, svc, "CreateStage").Errors[0], operation(t, svc, "GetStage").Errors[0])
}

func TestBuildErrors(t *testing.T) {
	svc := embedded(t)
	require.Equal(t, []string{
		"ValidationException 400", "ServiceQuotaExceededException 402", "AccessDeniedException 403",
		// CreateStorageConfiguration, early in the spec, declares the
		// InternalServerException the others get as a protocol error.
		"PendingVerification 403", "ResourceNotFoundException 404", "InternalServerException 500 protocol", "ConflictException 409",
		"SerializationException 400 protocol", "UnrecognizedClientException 403 protocol",
		"InvalidSignatureException 403 protocol", "IncompleteSignatureException 403 protocol", "MissingAuthenticationTokenException 403 protocol",
		"ThrottlingException 429 protocol",
	}, errorList(svc.Errors))
}

func TestBuildStructs(t *testing.T) {
	svc := embedded(t)
	type use struct{ in, out bool }
	got := map[string]use{}
	var order []string
	for _, st := range svc.Structs {
		got[st.Name] = use{st.Input, st.Output}
		order = append(order, st.Name)
		// The input of an operation without a body (ListTagsForResource,
		// UntagResource) is made from its parameters, at the operation.
		if !strings.HasPrefix(st.Pointer, "/paths/") {
			require.Equal(t, spec.Pointer("/components/schemas", st.Name), st.Pointer)
		}
	}
	require.NotContains(t, got, "ErrorBody", "structures no operation reaches are left out")
	require.Equal(t, "AutoParticipantRecordingConfiguration", order[0], "components order")
	require.Equal(t, use{true, false}, got["ParticipantTokenConfiguration"])
	require.Equal(t, use{true, true}, got["AutoParticipantRecordingConfiguration"], "in requests and in Stage")
	require.Equal(t, use{false, true}, got["Stage"])
	require.Equal(t, use{false, true}, got["ParticipantSummary"])
	require.Equal(t, use{true, false}, got["ListParticipantsRequest"])

	var members []string
	for _, m := range structNamed(t, svc, "Participant").Members {
		members = append(members, m.Name)
	}
	require.Equal(t, []string{"participantId", "userId", "state", "firstJoinTime", "attributes", "published",
		"ispName", "osName", "osVersion", "browserName", "browserVersion", "sdkVersion",
		"recordingS3BucketName", "recordingS3Prefix", "recordingState"}, members, "spec order")

	tok := member(t, svc, "ParticipantToken", "token")
	require.True(t, tok.Sensitive)
	require.False(t, member(t, svc, "ParticipantToken", "participantId").Sensitive)
	require.Equal(t, "ExpirationTime", member(t, svc, "ParticipantToken", "expirationTime").GoName)
	require.Equal(t, Timestamp, member(t, svc, "ParticipantToken", "expirationTime").Type.Kind)
	require.Equal(t, "/components/schemas/ParticipantToken/properties/token", tok.Pointer)

	require.True(t, member(t, svc, "ListParticipantsResponse", "participants").Required)
	require.False(t, member(t, svc, "ListParticipantsResponse", "nextToken").Required)
	require.True(t, member(t, svc, "Stage", "arn").Required)
	require.True(t, member(t, svc, "AutoParticipantRecordingConfiguration", "storageConfigurationArn").Required)
	for _, name := range []string{"stageArn", "sessionId", "participantId"} {
		require.True(t, member(t, svc, "GetParticipantRequest", name).Required, name)
	}
}

func TestBuildEnumsAndScalars(t *testing.T) {
	svc := embedded(t)
	enums := map[string][]string{}
	for _, e := range svc.Enums {
		enums[e.Name] = e.Values
	}
	require.Equal(t, map[string][]string{
		"EventErrorCode":                             {"INSUFFICIENT_CAPABILITIES", "QUOTA_EXCEEDED", "PUBLISHER_NOT_FOUND"},
		"EventName":                                  {"JOINED", "LEFT", "PUBLISH_STARTED", "PUBLISH_STOPPED", "SUBSCRIBE_STARTED", "SUBSCRIBE_STOPPED", "PUBLISH_ERROR", "SUBSCRIBE_ERROR", "JOIN_ERROR"},
		"ParticipantTokenCapability":                 {"PUBLISH", "SUBSCRIBE"},
		"ParticipantRecordingMediaType":              {"AUDIO_VIDEO", "AUDIO_ONLY"},
		"ParticipantState":                           {"CONNECTED", "DISCONNECTED"},
		"ParticipantRecordingState":                  {"STARTING", "ACTIVE", "STOPPING", "STOPPED", "FAILED", "DISABLED"},
		"ParticipantRecordingFilterByRecordingState": {"STARTING", "ACTIVE", "STOPPING", "STOPPED", "FAILED"},
	}, enums)

	var scalars []string
	for _, sc := range svc.Scalars {
		scalars = append(scalars, sc.Name)
	}
	wantScalars := []string{"AutoParticipantRecordingStorageConfigurationArn", "DisconnectParticipantReason", "PaginationToken",
		"ParticipantClientAttribute", "ParticipantId", "ParticipantRecordingS3BucketName", "ParticipantRecordingS3Prefix",
		"ParticipantTokenUserId", "ResourceArn", "S3BucketName", "StageArn", "StageName", "StageSessionId", "StorageConfigurationArn", "StorageConfigurationName", "TagKey", "TagValue", "UserId"}
	require.Equal(t, wantScalars, known(scalars, wantScalars...))
}

// known keeps, in order, the names of got that are among want: what a
// test pins of a spec that may gain operations and their shapes.
func known(got []string, want ...string) []string {
	var out []string
	for _, n := range got {
		if slices.Contains(want, n) {
			out = append(out, n)
		}
	}
	return out
}

// TestBuildRequestConstraints spot-checks that every row of the original contract's
// request table reaches the model.
func TestBuildRequestConstraints(t *testing.T) {
	svc := embedded(t)

	name := member(t, svc, "CreateStageRequest", "name").Type
	require.Equal(t, String, name.Kind)
	require.Equal(t, "StageName", name.Scalar.Name)
	require.Nil(t, name.Limits.MinLength)
	require.Equal(t, ip(128), name.Limits.MaxLength)
	require.Equal(t, &Pattern{Expr: "^[a-zA-Z0-9-_]*$", Display: "[a-zA-Z0-9-_]*"}, name.Limits.Pattern)
	require.Equal(t, name, member(t, svc, "UpdateStageRequest", "name").Type, "UpdateStage.name as CreateStage.name")

	ptc := member(t, svc, "CreateStageRequest", "participantTokenConfigurations").Type
	require.Equal(t, List, ptc.Kind)
	require.Equal(t, ip(12), ptc.Limits.MaxItems)
	require.Nil(t, ptc.Limits.MinItems)
	require.Equal(t, "ParticipantTokenConfiguration", ptc.Elem.Struct.Name)
	require.Equal(t, "[]ParticipantTokenConfiguration", ptc.String())

	duration := member(t, svc, "ParticipantTokenConfiguration", "duration")
	require.Equal(t, Integer, duration.Type.Kind)
	require.Equal(t, 32, duration.Type.Bits)
	require.Equal(t, ip64(1), duration.Type.Limits.Min)
	require.Equal(t, ip64(20160), duration.Type.Limits.Max)
	require.Equal(t, 720.0, duration.Default)

	userID := member(t, svc, "ParticipantTokenConfiguration", "userId").Type
	require.Equal(t, ip(128), userID.Limits.MaxLength)
	require.Nil(t, userID.Limits.Pattern, "any UTF-8")

	attrs := member(t, svc, "ParticipantTokenConfiguration", "attributes").Type
	require.Equal(t, Map, attrs.Kind)
	require.Equal(t, String, attrs.Elem.Kind)
	require.Equal(t, ip(1024), attrs.Limits.MaxTotalBytes)
	require.Equal(t, "map[string]string", attrs.String())

	caps := member(t, svc, "ParticipantTokenConfiguration", "capabilities")
	require.Equal(t, ip(2), caps.Type.Limits.MaxItems)
	require.Nil(t, caps.Type.Limits.MinItems, "minItems: 0 is no constraint")
	require.Equal(t, "ParticipantTokenCapability", caps.Type.Elem.Enum.Name)
	require.Equal(t, []any{"PUBLISH", "SUBSCRIBE"}, caps.Default)

	tags := member(t, svc, "CreateStageRequest", "tags")
	require.Equal(t, Map, tags.Type.Kind)
	require.Equal(t, ip(50), tags.Type.Limits.MaxEntries)
	require.Equal(t, ip(1), tags.Type.Limits.MinKeyLength)
	require.Equal(t, ip(128), tags.Type.Limits.MaxKeyLength)
	require.Equal(t, ip(256), tags.Type.Elem.Limits.MaxLength)
	require.Nil(t, tags.Type.Limits.MaxTotalBytes)
	require.Equal(t, map[string]any{}, tags.Default, "default beside allOf")

	recording := member(t, svc, "CreateStageRequest", "autoParticipantRecordingConfiguration")
	require.Equal(t, "AutoParticipantRecordingConfiguration", recording.Type.Struct.Name)
	require.Equal(t, map[string]any{"storageConfigurationArn": ""}, recording.Default)
	require.Nil(t, member(t, svc, "UpdateStageRequest", "autoParticipantRecordingConfiguration").Default,
		"UpdateStage changes only what it is given")

	arn := member(t, svc, "AutoParticipantRecordingConfiguration", "storageConfigurationArn")
	require.True(t, arn.Required)
	require.Equal(t, ip(128), arn.Type.Limits.MaxLength)
	require.Equal(t, "^$|arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+", arn.Type.Limits.Pattern.Display)
	require.Equal(t, "^$|^arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+$", arn.Type.Limits.Pattern.Expr)

	media := member(t, svc, "AutoParticipantRecordingConfiguration", "mediaTypes")
	require.Equal(t, ip(1), media.Type.Limits.MaxItems)
	require.Equal(t, "ParticipantRecordingMediaType", media.Type.Elem.Enum.Name)
	require.Equal(t, []any{"AUDIO_VIDEO"}, media.Default)

	for _, op := range []string{"GetStageRequest", "UpdateStageRequest"} {
		m := member(t, svc, op, "arn")
		require.True(t, m.Required, op)
		require.Equal(t, "StageArn", m.Type.Scalar.Name)
		require.Equal(t, ip(1), m.Type.Limits.MinLength)
		require.Equal(t, ip(128), m.Type.Limits.MaxLength)
		require.Equal(t, "arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+", m.Type.Limits.Pattern.Display)
	}

	session := member(t, svc, "GetParticipantRequest", "sessionId").Type
	require.Equal(t, "StageSessionId", session.Scalar.Name)
	require.Equal(t, ip(16), session.Limits.MinLength)
	require.Equal(t, ip(16), session.Limits.MaxLength)
	require.Equal(t, "st-[a-zA-Z0-9]+", session.Limits.Pattern.Display)

	pid := member(t, svc, "GetParticipantRequest", "participantId").Type
	require.Equal(t, ip(64), pid.Limits.MaxLength)
	require.Equal(t, "[a-zA-Z0-9-]*", pid.Limits.Pattern.Display)

	require.Equal(t, ip(128), member(t, svc, "ListParticipantsRequest", "filterByUserId").Type.Limits.MaxLength)
	require.Equal(t, Boolean, member(t, svc, "ListParticipantsRequest", "filterByPublished").Type.Kind)
	require.Equal(t, []string{"CONNECTED", "DISCONNECTED"}, member(t, svc, "ListParticipantsRequest", "filterByState").Type.Enum.Values)
	rs := member(t, svc, "ListParticipantsRequest", "filterByRecordingState").Type.Enum
	require.Equal(t, []string{"STARTING", "ACTIVE", "STOPPING", "STOPPED", "FAILED"}, rs.Values)
	require.NotContains(t, rs.Values, "DISABLED")

	next := member(t, svc, "ListParticipantsRequest", "nextToken").Type
	require.Equal(t, ip(1024), next.Limits.MaxLength)
	require.Equal(t, "[a-zA-Z0-9+/=_-]*", next.Limits.Pattern.Display)

	maxResults := member(t, svc, "ListParticipantsRequest", "maxResults")
	require.Equal(t, ip64(1), maxResults.Type.Limits.Min)
	require.Equal(t, ip64(100), maxResults.Type.Limits.Max)
	require.Equal(t, 50.0, maxResults.Default)
}

func TestBuildResponseConstraints(t *testing.T) {
	svc := embedded(t)
	require.Equal(t, []string{"STARTING", "ACTIVE", "STOPPING", "STOPPED", "FAILED", "DISABLED"},
		member(t, svc, "Participant", "recordingState").Type.Enum.Values)
	bucket := member(t, svc, "Participant", "recordingS3BucketName").Type
	require.Equal(t, ip(63), bucket.Limits.MaxLength)
	require.Equal(t, "[a-z0-9-.]*", bucket.Limits.Pattern.Display)
	client := member(t, svc, "Participant", "sdkVersion").Type
	require.Equal(t, "ParticipantClientAttribute", client.Scalar.Name)
	require.Equal(t, `[a-zA-Z0-9-_.,:;\s]*`, client.Limits.Pattern.Display)
	require.Nil(t, member(t, svc, "ParticipantToken", "participantId").Type.Limits.MaxLength, "the model leaves ParticipantTokenId unbounded")
}

func TestBuildFilters(t *testing.T) {
	svc := embedded(t)
	req := structNamed(t, svc, "ListParticipantsRequest")
	require.NotNil(t, req.Filters)
	summary := structNamed(t, svc, "ParticipantSummary")
	require.Same(t, summary, req.Filters.Items)
	require.Equal(t, []string{"filterByUserId", "filterByPublished", "filterByState", "filterByRecordingState"}, req.Filters.Names())
	fields := []string{"userId", "published", "state", "recordingState"}
	for i, m := range req.Filters.Match {
		require.Same(t, req.Member(m.Filter.Name), m.Filter)
		require.Same(t, summary.Member(fields[i]), m.Field, m.Filter.Name)
		require.Equal(t, m.Filter.Type.Kind, m.Field.Type.Kind)
	}
	for _, st := range svc.Structs {
		if st != req {
			require.Nil(t, st.Filters, st.Name)
		}
	}
}

func TestBuildResetWhen(t *testing.T) {
	svc := embedded(t)
	st := structNamed(t, svc, "AutoParticipantRecordingConfiguration")
	require.NotNil(t, st.ResetWhen)
	require.Same(t, st.Member("storageConfigurationArn"), st.ResetWhen.Member)
	require.Equal(t, "", st.ResetWhen.Equals)
	require.Nil(t, structNamed(t, svc, "Stage").ResetWhen)
}

func TestBuildPagination(t *testing.T) {
	svc := embedded(t)
	items := map[string]string{"ListParticipants": "participants", "ListStages": "stages", "ListStorageConfigurations": "storageConfigurations",
		"ListStageSessions": "stageSessions", "ListParticipantEvents": "events"}
	for _, op := range svc.Operations {
		item, paged := items[op.Name]
		if !paged {
			require.Nil(t, op.Paginated, op.Name)
			continue
		}
		require.NotNil(t, op.Paginated, op.Name)
		require.Same(t, op.Input.Member("nextToken"), op.Paginated.InputToken, op.Name)
		require.Same(t, op.Output.Member("nextToken"), op.Paginated.OutputToken, op.Name)
		require.Same(t, op.Input.Member("maxResults"), op.Paginated.PageSize, op.Name)
		require.Same(t, op.Output.Member(item), op.Paginated.Items, op.Name)
	}
}

func TestBuildIdentifiers(t *testing.T) {
	svc := embedded(t)
	got := map[string]*Identifier{}
	var order []string
	for _, sc := range svc.Identifiers {
		got[sc.Name] = sc.Identifier
		order = append(order, sc.Name)
	}
	require.Equal(t, []string{"ParticipantId", "StageArn", "StageSessionId", "StorageConfigurationArn"}, order)
	require.Equal(t, &Identifier{
		Template: "arn:aws:ivs:{region}:{account}:stage/{alnum:12}",
		Parts: []IdentifierPart{{Literal: "arn:aws:ivs:"}, {Var: "region"}, {Literal: ":"}, {Var: "account"},
			{Literal: ":stage/"}, {Random: 12}},
	}, got["StageArn"])
	require.Equal(t, []string{"region", "account"}, got["StageArn"].Vars())
	require.Equal(t, []IdentifierPart{{Literal: "st-"}, {Random: 13}}, got["StageSessionId"].Parts)
	require.Empty(t, got["StageSessionId"].Vars())
	require.Equal(t, []IdentifierPart{{Random: 12}}, got["ParticipantId"].Parts)
}

func TestParseIdentifier(t *testing.T) {
	for tmpl, want := range map[string][]IdentifierPart{
		"x":                    {{Literal: "x"}},
		"{alnum:3}":            {{Random: 3}},
		"{a}{b}":               {{Var: "a"}, {Var: "b"}},
		"{alnum:10}-{alnum:2}": {{Random: 10}, {Literal: "-"}, {Random: 2}},
		"pre:{region}/post":    {{Literal: "pre:"}, {Var: "region"}, {Literal: "/post"}},
		"{alnumx}":             {{Var: "alnumx"}},
	} {
		id := parseIdentifier(tmpl)
		require.Equal(t, tmpl, id.Template)
		require.Equal(t, want, id.Parts, tmpl)
	}
}

func TestDisplayPattern(t *testing.T) {
	for expr, want := range map[string]string{
		"^[a-zA-Z0-9-_]*$":    "[a-zA-Z0-9-_]*",
		"^$|^arn:[a-z]+$":     "^$|arn:[a-z]+",
		"^(a|b)$":             "(a|b)",
		"^a$|^b$":             "a|b",
		`^[\^$]*$`:            `[\^$]*`,
		`^a\$$`:               `a\$`,
		"^st-[a-zA-Z0-9]+$":   "st-[a-zA-Z0-9]+",
		"^[a-zA-Z0-9+/=_-]*$": "[a-zA-Z0-9+/=_-]*",
	} {
		require.Equal(t, want, displayPattern(expr), expr)
	}
}

func TestGoName(t *testing.T) {
	require.Equal(t, "UserId", GoName("userId"))
	require.Equal(t, "Arn", GoName("arn"))
	require.Equal(t, "ParticipantTokenConfigurations", GoName("participantTokenConfigurations"))
	require.Equal(t, "", GoName(""))
}

func TestKindAndTypeString(t *testing.T) {
	require.Equal(t, "timestamp", Timestamp.String())
	require.Equal(t, "object", Object.String())
	require.Equal(t, "integer", (&Type{Kind: Integer}).String())
	require.Equal(t, "[]map[string]string", (&Type{Kind: List, Elem: &Type{Kind: Map, Elem: &Type{Kind: String}}}).String())
}

// buildEdited loads the 2024-06-20 spec with old replaced by new, and builds it.
func buildEdited(t *testing.T, old, new string) (*Service, error) {
	t.Helper()
	src := string(spec.Source20240620)
	require.Equal(t, 1, strings.Count(src, old), "the spec must contain %q exactly once", old)
	d, err := spec.Load("edited.yaml", []byte(strings.Replace(src, old, new, 1)))
	require.NoError(t, err, "the edit must pass spec.Load: the model is what refuses it")
	return Build(d)
}

func specErrors(err error) []*spec.Error {
	var out []*spec.Error
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var se *spec.Error
		if errors.As(e, &se) {
			out = append(out, se)
		}
	}
	return out
}

// updateStage409 is UpdateStage's 409 response, the last path's last
// error, told from DeleteStage's and ListStages' by what follows it.
const updateStage409 = "        \"409\":\n          $ref: \"#/components/responses/ConflictException\"\n        default:\n          $ref: \"#/components/responses/ProtocolError\"\n  /tags/{resourceArn}:\n"

func TestBuildRefuses(t *testing.T) {
	const schemas = "/components/schemas"
	cases := []struct {
		name     string
		old, new string
		pointer  string
		msg      string
	}{
		{"filter naming a missing element member", "          filterByState: state\n", "          filterByState: status\n",
			schemas + "/ListParticipantsRequest/x-ivsrt-filters/match/filterByState", `ParticipantSummary has no member "status"`},
		{"filter naming a missing request member", "          filterByState: state\n", "          filterByStatus: state\n",
			schemas + "/ListParticipantsRequest/x-ivsrt-filters/match/filterByStatus", `ListParticipantsRequest has no member "filterByStatus"`},
		{"filter kind differing from its field", "          filterByPublished: published\n", "          filterByPublished: userId\n",
			schemas + "/ListParticipantsRequest/x-ivsrt-filters/match/filterByPublished", "filter filterByPublished (boolean) cannot match ParticipantSummary.userId (string)"},
		{"filter on a timestamp", "          filterByUserId: userId\n", "          filterByUserId: firstJoinTime\n",
			schemas + "/ListParticipantsRequest/x-ivsrt-filters/match/filterByUserId", "cannot match ParticipantSummary.firstJoinTime (timestamp)"},
		{"filter items not an object", "        items: ParticipantSummary\n", "        items: UserId\n",
			schemas + "/ListParticipantsRequest/x-ivsrt-filters/items", `"UserId" is not an object schema`},
		{"x-ivsrt-reset-when on a non-string member", "        member: storageConfigurationArn\n", "        member: mediaTypes\n",
			schemas + "/AutoParticipantRecordingConfiguration/x-ivsrt-reset-when", "needs a string member"},
		{"x-ivsrt-reset-when on a missing member", "        member: storageConfigurationArn\n", "        member: storageArn\n",
			schemas + "/AutoParticipantRecordingConfiguration/x-ivsrt-reset-when", "needs a string member"},
		{"x-ivsrt-reset-when equals not a string", "        equals: \"\"\n", "        equals: 0\n",
			schemas + "/AutoParticipantRecordingConfiguration/x-ivsrt-reset-when", "a string value"},
		{"x-ivsrt-paginated naming a missing member", "        pageSize: maxResults\n        items: participants\n", "        pageSize: limit\n        items: participants\n",
			"/paths/~1ListParticipants/post/x-ivsrt-paginated", `pageSize: ListParticipantsRequest has no member "limit"`},
		{"x-ivsrt-paginated items not a list", "        items: participants\n", "        items: nextToken\n",
			"/paths/~1ListParticipants/post/x-ivsrt-paginated", "items: ListParticipantsResponse.nextToken is of kind string, not list"},
		{"x-ivsrt-paginated page size not an integer", "        pageSize: maxResults\n        items: participants\n", "        pageSize: filterByUserId\n        items: participants\n",
			"/paths/~1ListParticipants/post/x-ivsrt-paginated", "pageSize: ListParticipantsRequest.filterByUserId is of kind string, not integer"},
		{"inline enum", "        state:\n          $ref: \"#/components/schemas/ParticipantState\"\n        firstJoinTime:\n          type: string\n          format: date-time\n        attributes:",
			"        state:\n          type: string\n          enum: [UP, DOWN]\n        firstJoinTime:\n          type: string\n          format: date-time\n        attributes:",
			schemas + "/Participant/properties/state", "inline enums are not supported"},
		{"integer enum", "          maximum: 100\n          default: 50\n        filterByRecordingState:", "          maximum: 100\n          default: 50\n          enum: [10, 50]\n        filterByRecordingState:",
			schemas + "/ListParticipantsRequest/properties/maxResults", "enums are supported only on strings"},
		{"inline object", "        attributes:\n          $ref: \"#/components/schemas/ParticipantAttributes\"\n",
			"        attributes:\n          type: object\n          properties:\n            a:\n              type: string\n",
			schemas + "/Participant/properties/attributes", "inline objects are not supported"},
		{"map of non-strings", "    ParticipantAttributes:\n      type: object\n      additionalProperties:\n        type: string\n",
			"    ParticipantAttributes:\n      type: object\n      additionalProperties:\n        type: integer\n",
			schemas + "/ParticipantAttributes/additionalProperties", "only maps of strings"},
		{"map of timestamps", "    ParticipantAttributes:\n      type: object\n      additionalProperties:\n        type: string\n",
			"    ParticipantAttributes:\n      type: object\n      additionalProperties:\n        type: string\n        format: date-time\n",
			schemas + "/ParticipantAttributes/additionalProperties", "only maps of strings"},
		{"an error name with two statuses", "x-ivsrt-errors: [ConflictException]", "x-ivsrt-errors: [ConflictException, ValidationException]",
			"/paths/~1UpdateStage/post/responses/409", "error ValidationException has status 409 here but 400 elsewhere"},
		{"a protocol error also declared", "x-ivsrt-errors: [ConflictException]", "x-ivsrt-errors: [ThrottlingException]",
			"/paths/~1UpdateStage/post/responses/409", "error ThrottlingException has status 409 here but 429 elsewhere"},
		{"an error response without x-ivsrt-errors", "      x-ivsrt-errors: [ConflictException]\n", "",
			"/paths/~1UpdateStage/post/responses/409", "needs x-ivsrt-errors"},
		{"x-ivsrt-errors on the default response", "      x-ivsrt-protocol-errors:\n", "      x-ivsrt-errors: [Oops]\n      x-ivsrt-protocol-errors:\n",
			"/paths/~1CreateStage/post/responses/default", "x-ivsrt-errors belongs on a response with a 4xx or 5xx status"},
		{"x-ivsrt-protocol-errors on a status response", "      x-ivsrt-errors: [ConflictException]\n", "      x-ivsrt-errors: [ConflictException]\n      x-ivsrt-protocol-errors: {Oops: 499}\n",
			"/paths/~1UpdateStage/post/responses/409", "x-ivsrt-protocol-errors belongs on the default response"},
		{"a success status other than 200", updateStage409, strings.Replace(updateStage409, "409", "201", 1),
			"/paths/~1UpdateStage/post/responses/201", "answers 200 on success"},
		{"an operation without operationId", "      operationId: GetStage\n", "",
			"/paths/~1GetStage/post", "needs an operationId"},
		{"a required member that is no property", "      required: [arn]\n      properties:\n        arn:\n          $ref: \"#/components/schemas/StageArn\"\n    GetStageResponse:",
			"      required: [arn, id]\n      properties:\n        arn:\n          $ref: \"#/components/schemas/StageArn\"\n    GetStageResponse:",
			schemas + "/GetStageRequest/required", `required member "id" is not a property`},
		{"a member name that is no identifier", "        exceptionMessage:\n", "        exception-message:\n",
			schemas + "/ErrorBody/properties/exception-message", "must be letters and digits"},
		{"a default on a timestamp", "        expirationTime:\n          type: string\n          format: date-time\n",
			"        expirationTime:\n          type: string\n          format: date-time\n          default: \"2024-06-20T00:00:00Z\"\n",
			schemas + "/ParticipantToken/properties/expirationTime", "a default on a timestamp"},
		{"x-ivsrt-max-total-bytes on a string", "    UserId:\n      type: string\n", "    UserId:\n      type: string\n      x-ivsrt-max-total-bytes: 3\n",
			schemas + "/UserId/x-ivsrt-max-total-bytes", "does not apply to a string"},
		{"x-ivsrt-cross-account on a member that takes no identifier", "        token:\n          type: string\n", "        token:\n          type: string\n          x-ivsrt-cross-account: true\n",
			schemas + "/ParticipantToken/properties/token", "x-ivsrt-cross-account belongs on a member that takes an identifier"},
		{"x-ivsrt-key-length on an object", "    Stage:\n      type: object\n", "    Stage:\n      type: object\n      x-ivsrt-key-length: {max: 3}\n",
			schemas + "/Stage/x-ivsrt-key-length", "does not apply to an object"},
		{"x-ivsrt-key-length on an inline string", "        token:\n          type: string\n", "        token:\n          type: string\n          x-ivsrt-key-length: {max: 3}\n",
			schemas + "/ParticipantToken/properties/token/x-ivsrt-key-length", "does not apply to an inline schema"},
		{"x-ivsrt-identifier on an inline string", "        token:\n          type: string\n", "        token:\n          type: string\n          x-ivsrt-identifier: \"{alnum:3}\"\n",
			schemas + "/ParticipantToken/properties/token/x-ivsrt-identifier", "belongs on a named string schema"},
		{"x-ivsrt-identifier on an enum", "    ParticipantState:\n      type: string\n", "    ParticipantState:\n      type: string\n      x-ivsrt-identifier: \"{alnum:3}\"\n",
			schemas + "/ParticipantState/x-ivsrt-identifier", "does not apply to an enum"},
		{"x-ivsrt-filters on a map", "    Tags:\n      type: object\n", "    Tags:\n      type: object\n      x-ivsrt-filters: {items: Stage}\n",
			schemas + "/Tags/x-ivsrt-filters", "does not apply to a map"},
		{"x-ivsrt-reset-when on a string", "    UserId:\n      type: string\n", "    UserId:\n      type: string\n      x-ivsrt-reset-when: {member: a, equals: b}\n",
			schemas + "/UserId/x-ivsrt-reset-when", "does not apply to a string"},
		{"identifier variable that is a Go keyword", `"arn:aws:ivs:{region}:{account}:stage/{alnum:12}"`, `"arn:aws:ivs:{region}:{type}:stage/{alnum:12}"`,
			schemas + "/StageArn/x-ivsrt-identifier", "{type} cannot be a Go parameter name"},
		{"identifier variable clashing with Parse's own names", `"arn:aws:ivs:{region}:{account}:stage/{alnum:12}"`, `"arn:aws:ivs:{region}:{ok}:stage/{alnum:12}"`,
			schemas + "/StageArn/x-ivsrt-identifier", "{ok} cannot be a Go parameter name"},
		{"identifier variable repeated", `"arn:aws:ivs:{region}:{account}:stage/{alnum:12}"`, `"arn:aws:ivs:{region}:{region}:stage/{alnum:12}"`,
			schemas + "/StageArn/x-ivsrt-identifier", "{region} appears twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc, err := buildEdited(t, tc.old, tc.new)
			require.Error(t, err)
			require.Nil(t, svc)
			var first *spec.Error
			require.True(t, errors.As(err, &first), "got %T", err)
			var pointers []string
			for _, e := range specErrors(err) {
				pointers = append(pointers, e.Pointer)
				if e.Pointer == tc.pointer {
					require.Equal(t, "edited.yaml", e.File)
					require.Positive(t, e.Line)
					require.Contains(t, e.Msg, tc.msg)
					require.Contains(t, e.Error(), "edited.yaml#"+tc.pointer)
					return
				}
			}
			require.Failf(t, "no error at the expected pointer", "want %s, got %q:\n%v", tc.pointer, pointers, err)
		})
	}
}

// TestBuildReportsOnce: a misplaced extension in a named map that two
// members use (CreateStageRequest.tags, Stage.tags) is reported once.
func TestBuildReportsOnce(t *testing.T) {
	_, err := buildEdited(t, "      x-ivsrt-key-length:\n        min: 1\n        max: 128\n", "      x-ivsrt-key-length:\n        min: 1\n        max: 128\n      x-ivsrt-identifier: \"{alnum:3}\"\n")
	require.Error(t, err)
	errs := specErrors(err)
	require.Len(t, errs, 1, "%v", err)
	require.Equal(t, "/components/schemas/Tags/x-ivsrt-identifier", errs[0].Pointer)
}
