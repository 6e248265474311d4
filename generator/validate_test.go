package generator_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/wire"
)

// Tests of the code generated from the embedded spec (fakes/ivsapi), through
// its exported API: the validators, defaults and filters the spec implies.

func ptr[T any](v T) *T { return &v }

const (
	validArn     = "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234"
	validSession = "st-abcdefABCDEF1"
	storageArn   = "arn:aws:ivs:us-east-1:123456789012:storage-configuration/abc-123"
)

type validator interface{ Validate() error }

// requireViolations asserts that v fails validation with a ValidationException
// whose message is AWS's, listing exactly the given violations in order.
func requireViolations(t *testing.T, v validator, violations ...string) {
	t.Helper()
	err := v.Validate()
	require.Error(t, err)
	var we *wire.Error
	require.True(t, errors.As(err, &we), "want a *wire.Error, got %T", err)
	require.Equal(t, "ValidationException", we.Type)
	require.Equal(t, 400, we.Status)
	head := "1 validation error detected: "
	if len(violations) > 1 {
		head = strconv.Itoa(len(violations)) + " validation errors detected: "
	}
	require.Equal(t, head+strings.Join(violations, "; "), we.Message)
}

func violation(value, path, rule string) string {
	return "Value " + value + " at '" + path + "' failed to satisfy constraint: " + rule
}

func lengthMax(n string) string { return "Member must have length less than or equal to " + n }
func lengthMin(n string) string { return "Member must have length greater than or equal to " + n }

func TestValidateAcceptsValidRequests(t *testing.T) {
	valid := []validator{
		&ivsapi.CreateStageRequest{},
		&ivsapi.CreateStageRequest{
			Name: ptr(strings.Repeat("a", 128)),
			ParticipantTokenConfigurations: []ivsapi.ParticipantTokenConfiguration{
				{Duration: ptr[int32](1)}, {Duration: ptr[int32](20160), UserId: ptr(strings.Repeat("ü", 128))},
				{Capabilities: []ivsapi.ParticipantTokenCapability{"PUBLISH", "SUBSCRIBE"}},
				// 1024 bytes exactly: 1 + 1 + 511 two-byte characters.
				{Attributes: map[string]string{"k": "v" + strings.Repeat("é", 511)}},
			},
			Tags: map[string]string{strings.Repeat("k", 128): strings.Repeat("v", 256), "ä": ""},
			AutoParticipantRecordingConfiguration: &ivsapi.AutoParticipantRecordingConfiguration{
				StorageConfigurationArn: ptr(""), MediaTypes: []ivsapi.ParticipantRecordingMediaType{"AUDIO_ONLY"},
			},
		},
		&ivsapi.UpdateStageRequest{Arn: ptr(validArn), AutoParticipantRecordingConfiguration: &ivsapi.AutoParticipantRecordingConfiguration{StorageConfigurationArn: ptr(storageArn)}},
		&ivsapi.GetParticipantRequest{StageArn: ptr(validArn), SessionId: ptr(validSession), ParticipantId: ptr("abc-DEF-123")},
		&ivsapi.ListParticipantsRequest{StageArn: ptr(validArn), SessionId: ptr(validSession), MaxResults: ptr[int32](1), NextToken: ptr("aB3+/=_-")},
		&ivsapi.ListParticipantsRequest{StageArn: ptr(validArn), SessionId: ptr(validSession), MaxResults: ptr[int32](100),
			FilterByRecordingState: ptr(ivsapi.ParticipantRecordingFilterByRecordingStateActive)},
	}
	for i, v := range valid {
		require.NoError(t, v.Validate(), "case %d", i)
	}
}

func TestValidateReportsEachConstraint(t *testing.T) {
	long := strings.Repeat("a", 129)
	cases := []struct {
		name       string
		req        validator
		violations []string
	}{
		{"missing required", &ivsapi.GetStageRequest{},
			[]string{violation("null", "arn", "Member must not be null")}},
		{"missing required members, in spec order", &ivsapi.GetParticipantRequest{SessionId: ptr(validSession)},
			[]string{violation("null", "stageArn", "Member must not be null"), violation("null", "participantId", "Member must not be null")}},
		{"missing required in a nested structure", &ivsapi.UpdateStageRequest{Arn: ptr(validArn), AutoParticipantRecordingConfiguration: &ivsapi.AutoParticipantRecordingConfiguration{}},
			[]string{violation("null", "autoParticipantRecordingConfiguration.storageConfigurationArn", "Member must not be null")}},
		{"too long", &ivsapi.CreateStageRequest{Name: ptr(long)},
			[]string{violation("'"+long+"'", "name", lengthMax("128"))}},
		{"too long in characters, not bytes", &ivsapi.CreateStageRequest{ParticipantTokenConfigurations: []ivsapi.ParticipantTokenConfiguration{{UserId: ptr(strings.Repeat("ü", 129))}}},
			[]string{violation("'"+strings.Repeat("ü", 129)+"'", "participantTokenConfigurations.1.member.userId", lengthMax("128"))}},
		{"too short", &ivsapi.GetParticipantRequest{StageArn: ptr(validArn), SessionId: ptr("st-abc"), ParticipantId: ptr("p")},
			[]string{violation("'st-abc'", "sessionId", lengthMin("16"))}},
		{"too long and wrong pattern", &ivsapi.ListParticipantsRequest{StageArn: ptr(validArn), SessionId: ptr("xx-abcdefABCDEF12")},
			[]string{violation("'xx-abcdefABCDEF12'", "sessionId", lengthMax("16")),
				violation("'xx-abcdefABCDEF12'", "sessionId", "Member must satisfy regular expression pattern: st-[a-zA-Z0-9]+")}},
		{"empty ARN: too short and wrong pattern", &ivsapi.GetStageRequest{Arn: ptr("")},
			[]string{violation("''", "arn", lengthMin("1")),
				violation("''", "arn", "Member must satisfy regular expression pattern: arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+")}},
		{"wrong pattern, in AWS's words", &ivsapi.CreateStageRequest{Name: ptr("bad name!")},
			[]string{violation("'bad name!'", "name", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]*")}},
		{"storage ARN pattern shown with its ^$ alternative", &ivsapi.CreateStageRequest{AutoParticipantRecordingConfiguration: &ivsapi.AutoParticipantRecordingConfiguration{StorageConfigurationArn: ptr(validArn)}},
			[]string{violation("'"+validArn+"'", "autoParticipantRecordingConfiguration.storageConfigurationArn",
				"Member must satisfy regular expression pattern: ^$|arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+")}},
		{"a pattern must match the whole value", &ivsapi.GetParticipantRequest{StageArn: ptr(validArn + "/x"), SessionId: ptr(validSession), ParticipantId: ptr("a_b")},
			[]string{violation("'"+validArn+"/x'", "stageArn", "Member must satisfy regular expression pattern: arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+"),
				violation("'a_b'", "participantId", "Member must satisfy regular expression pattern: [a-zA-Z0-9-]*")}},
		{"out of range, below", &ivsapi.CreateStageRequest{ParticipantTokenConfigurations: []ivsapi.ParticipantTokenConfiguration{{}, {Duration: ptr[int32](0)}}},
			[]string{violation("'0'", "participantTokenConfigurations.2.member.duration", "Member must have value greater than or equal to 1")}},
		{"out of range, above", &ivsapi.CreateStageRequest{ParticipantTokenConfigurations: []ivsapi.ParticipantTokenConfiguration{{Duration: ptr[int32](20161)}}},
			[]string{violation("'20161'", "participantTokenConfigurations.1.member.duration", "Member must have value less than or equal to 20160")}},
		{"maxResults out of range", &ivsapi.ListParticipantsRequest{StageArn: ptr(validArn), SessionId: ptr(validSession), MaxResults: ptr[int32](101)},
			[]string{violation("'101'", "maxResults", "Member must have value less than or equal to 100")}},
		{"maxResults zero", &ivsapi.ListParticipantsRequest{StageArn: ptr(validArn), SessionId: ptr(validSession), MaxResults: ptr[int32](0)},
			[]string{violation("'0'", "maxResults", "Member must have value greater than or equal to 1")}},
		{"bad enum in a list", &ivsapi.CreateStageRequest{ParticipantTokenConfigurations: []ivsapi.ParticipantTokenConfiguration{{Capabilities: []ivsapi.ParticipantTokenCapability{"PUBLISH", "ADMIN"}}}},
			[]string{violation("'ADMIN'", "participantTokenConfigurations.1.member.capabilities.2.member", "Member must satisfy enum value set: [PUBLISH, SUBSCRIBE]")}},
		{"DISABLED is no filter", &ivsapi.ListParticipantsRequest{StageArn: ptr(validArn), SessionId: ptr(validSession), FilterByRecordingState: ptr(ivsapi.ParticipantRecordingFilterByRecordingState("DISABLED"))},
			[]string{violation("'DISABLED'", "filterByRecordingState", "Member must satisfy enum value set: [STARTING, ACTIVE, STOPPING, STOPPED, FAILED]")}},
		{"bad state filter", &ivsapi.ListParticipantsRequest{StageArn: ptr(validArn), SessionId: ptr(validSession), FilterByState: ptr(ivsapi.ParticipantState("connected"))},
			[]string{violation("'connected'", "filterByState", "Member must satisfy enum value set: [CONNECTED, DISCONNECTED]")}},
		{"too many items", &ivsapi.CreateStageRequest{ParticipantTokenConfigurations: make([]ivsapi.ParticipantTokenConfiguration, 13)},
			[]string{violation("'["+strings.TrimSuffix(strings.Repeat("..., ", 13), ", ")+"]'", "participantTokenConfigurations", lengthMax("12"))}},
		{"too many capabilities", &ivsapi.CreateStageRequest{ParticipantTokenConfigurations: []ivsapi.ParticipantTokenConfiguration{{Capabilities: []ivsapi.ParticipantTokenCapability{"PUBLISH", "SUBSCRIBE", "PUBLISH"}}}},
			[]string{violation("'[PUBLISH, SUBSCRIBE, PUBLISH]'", "participantTokenConfigurations.1.member.capabilities", lengthMax("2"))}},
		{"too many media types", &ivsapi.UpdateStageRequest{Arn: ptr(validArn), AutoParticipantRecordingConfiguration: &ivsapi.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: ptr(storageArn), MediaTypes: []ivsapi.ParticipantRecordingMediaType{"AUDIO_VIDEO", "AUDIO_ONLY"}}},
			[]string{violation("'[AUDIO_VIDEO, AUDIO_ONLY]'", "autoParticipantRecordingConfiguration.mediaTypes", lengthMax("1"))}},
		{"tag key too long", &ivsapi.CreateStageRequest{Tags: map[string]string{long[:129]: "v"}},
			[]string{violation("'"+long+"'", "tags", "Map keys must satisfy constraint: ["+lengthMax("128")+"]")}},
		{"tag key empty", &ivsapi.CreateStageRequest{Tags: map[string]string{"": "v"}},
			[]string{violation("''", "tags", "Map keys must satisfy constraint: ["+lengthMin("1")+"]")}},
		{"tag value too long", &ivsapi.CreateStageRequest{Tags: map[string]string{"k": strings.Repeat("v", 257)}},
			[]string{violation("'"+strings.Repeat("v", 256)+"...'", "tags.k", lengthMax("256"))}},
		{"attributes over 1024 bytes, in multi-byte UTF-8", &ivsapi.CreateStageRequest{ParticipantTokenConfigurations: []ivsapi.ParticipantTokenConfiguration{
			{Attributes: map[string]string{"k": "vv" + strings.Repeat("é", 511)}}}}, // 515 characters, 1025 bytes
			[]string{violation("'{k=vv"+strings.Repeat("é", 251)+"...'", "participantTokenConfigurations.1.member.attributes",
				"Member must have total size (keys and values, UTF-8 bytes) less than or equal to 1024")}},
		{"combined filters", &ivsapi.ListParticipantsRequest{StageArn: ptr(validArn), SessionId: ptr(validSession),
			FilterByUserId: ptr("u"), FilterByState: ptr(ivsapi.ParticipantStateConnected), FilterByRecordingState: ptr(ivsapi.ParticipantRecordingFilterByRecordingStateFailed)},
			[]string{violation("'[filterByUserId, filterByState, filterByRecordingState]'", "filterByUserId,filterByState,filterByRecordingState",
				"Only one of [filterByUserId, filterByPublished, filterByState, filterByRecordingState] can be provided per request")}},
		{"published=false is a filter too", &ivsapi.ListParticipantsRequest{StageArn: ptr(validArn), SessionId: ptr(validSession),
			FilterByUserId: ptr(""), FilterByPublished: ptr(false)},
			[]string{violation("'[filterByUserId, filterByPublished]'", "filterByUserId,filterByPublished",
				"Only one of [filterByUserId, filterByPublished, filterByState, filterByRecordingState] can be provided per request")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { requireViolations(t, c.req, c.violations...) })
	}
}

func TestValidateReportsAllViolationsAtOnce(t *testing.T) {
	req := &ivsapi.CreateStageRequest{
		Name: ptr("bad name!"),
		ParticipantTokenConfigurations: []ivsapi.ParticipantTokenConfiguration{
			{Duration: ptr[int32](0)},
			{Duration: ptr[int32](30), Capabilities: []ivsapi.ParticipantTokenCapability{"SING"}},
		},
		Tags: map[string]string{"b": strings.Repeat("x", 257), "a": strings.Repeat("y", 257)},
	}
	want := []string{
		violation("'bad name!'", "name", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]*"),
		violation("'0'", "participantTokenConfigurations.1.member.duration", "Member must have value greater than or equal to 1"),
		violation("'SING'", "participantTokenConfigurations.2.member.capabilities.1.member", "Member must satisfy enum value set: [PUBLISH, SUBSCRIBE]"),
		// Map values in key order, whatever the map's iteration order.
		violation("'"+strings.Repeat("y", 256)+"...'", "tags.a", lengthMax("256")),
		violation("'"+strings.Repeat("x", 256)+"...'", "tags.b", lengthMax("256")),
	}
	for range 20 {
		requireViolations(t, req, want...)
	}
	err := req.Validate()
	require.True(t, strings.HasPrefix(err.(*wire.Error).Message, "5 validation errors detected: Value 'bad name!' at 'name'"))

	two := &ivsapi.GetStageRequest{Arn: ptr("nope")}
	require.Equal(t, "ValidationException: 1 validation error detected: "+
		violation("'nope'", "arn", "Member must satisfy regular expression pattern: arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+"),
		two.Validate().Error())
}

func TestSetDefaults(t *testing.T) {
	t.Run("CreateStage", func(t *testing.T) {
		req := &ivsapi.CreateStageRequest{ParticipantTokenConfigurations: []ivsapi.ParticipantTokenConfiguration{
			{},
			{Duration: ptr[int32](60), Capabilities: []ivsapi.ParticipantTokenCapability{ivsapi.ParticipantTokenCapabilitySubscribe}},
			{Capabilities: []ivsapi.ParticipantTokenCapability{}}, // given empty: kept
		}}
		req.SetDefaults()
		tok := req.ParticipantTokenConfigurations
		require.Equal(t, int32(720), *tok[0].Duration)
		require.Equal(t, []ivsapi.ParticipantTokenCapability{"PUBLISH", "SUBSCRIBE"}, tok[0].Capabilities)
		require.Equal(t, int32(60), *tok[1].Duration)
		require.Equal(t, []ivsapi.ParticipantTokenCapability{"SUBSCRIBE"}, tok[1].Capabilities)
		require.Empty(t, tok[2].Capabilities)
		require.NotNil(t, tok[2].Capabilities)
		require.NotNil(t, req.Tags)
		require.Empty(t, req.Tags)
		// Nested objects take their own members' defaults too.
		require.Equal(t, &ivsapi.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: ptr(""),
			MediaTypes:              []ivsapi.ParticipantRecordingMediaType{ivsapi.ParticipantRecordingMediaTypeAudioVideo},
			ThumbnailConfiguration: &ivsapi.ParticipantThumbnailConfiguration{
				TargetIntervalSeconds: ptr[int32](60),
				Storage:               []ivsapi.ThumbnailStorageType{ivsapi.ThumbnailStorageTypeSequential},
				RecordingMode:         ptr(ivsapi.ThumbnailRecordingModeDisabled),
			},
			RecordingReconnectWindowSeconds: ptr[int32](0),
			HlsConfiguration:                &ivsapi.ParticipantRecordingHlsConfiguration{TargetSegmentDurationSeconds: ptr[int32](6)},
			RecordParticipantReplicas:       ptr(true),
		}, req.AutoParticipantRecordingConfiguration)

		body, err := json.Marshal(&ivsapi.CreateStageRequest{})
		require.NoError(t, err)
		require.JSONEq(t, `{}`, string(body))
		empty := &ivsapi.CreateStageRequest{}
		empty.SetDefaults()
		body, err = json.Marshal(empty)
		require.NoError(t, err)
		// What the AWS CLI's create-stage example answers for a stage made without a recording configuration.
		require.JSONEq(t, `{"tags":{},"autoParticipantRecordingConfiguration":{"storageConfigurationArn":"","mediaTypes":["AUDIO_VIDEO"],
			"thumbnailConfiguration":{"targetIntervalSeconds":60,"storage":["SEQUENTIAL"],"recordingMode":"DISABLED"},
			"recordingReconnectWindowSeconds":0,"hlsConfiguration":{"targetSegmentDurationSeconds":6},"recordParticipantReplicas":true}}`, string(body))
	})

	t.Run("recording configuration", func(t *testing.T) {
		cases := []struct {
			name  string
			in    ivsapi.AutoParticipantRecordingConfiguration
			media []ivsapi.ParticipantRecordingMediaType
		}{
			{"no media types", ivsapi.AutoParticipantRecordingConfiguration{StorageConfigurationArn: ptr(storageArn)},
				[]ivsapi.ParticipantRecordingMediaType{"AUDIO_VIDEO"}},
			{"media types given", ivsapi.AutoParticipantRecordingConfiguration{StorageConfigurationArn: ptr(storageArn), MediaTypes: []ivsapi.ParticipantRecordingMediaType{"AUDIO_ONLY"}},
				[]ivsapi.ParticipantRecordingMediaType{"AUDIO_ONLY"}},
			// An empty storage ARN turns recording off and resets the rest.
			{"reset by an empty ARN", ivsapi.AutoParticipantRecordingConfiguration{StorageConfigurationArn: ptr(""), MediaTypes: []ivsapi.ParticipantRecordingMediaType{"AUDIO_ONLY"}},
				[]ivsapi.ParticipantRecordingMediaType{"AUDIO_VIDEO"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				clone := func() *ivsapi.AutoParticipantRecordingConfiguration {
					in := c.in
					in.MediaTypes = append([]ivsapi.ParticipantRecordingMediaType(nil), c.in.MediaTypes...)
					return &in
				}
				create := &ivsapi.CreateStageRequest{AutoParticipantRecordingConfiguration: clone()}
				create.SetDefaults()
				update := &ivsapi.UpdateStageRequest{Arn: ptr(validArn), AutoParticipantRecordingConfiguration: clone()}
				update.SetDefaults()
				for _, got := range []*ivsapi.AutoParticipantRecordingConfiguration{create.AutoParticipantRecordingConfiguration, update.AutoParticipantRecordingConfiguration} {
					require.Equal(t, c.media, got.MediaTypes)
					require.Equal(t, *c.in.StorageConfigurationArn, *got.StorageConfigurationArn)
				}
			})
		}
	})

	t.Run("UpdateStage changes only what it is given", func(t *testing.T) {
		req := &ivsapi.UpdateStageRequest{Arn: ptr(validArn)}
		req.SetDefaults()
		require.Nil(t, req.AutoParticipantRecordingConfiguration)
		require.Nil(t, req.Name)
	})

	t.Run("ListParticipants", func(t *testing.T) {
		req := &ivsapi.ListParticipantsRequest{}
		req.SetDefaults()
		require.Equal(t, int32(50), *req.MaxResults)
		req = &ivsapi.ListParticipantsRequest{MaxResults: ptr[int32](7)}
		req.SetDefaults()
		require.Equal(t, int32(7), *req.MaxResults)
		require.Nil(t, req.NextToken)
	})

	t.Run("responses", func(t *testing.T) {
		out := &ivsapi.ListParticipantsResponse{}
		out.SetDefaults()
		body, err := json.Marshal(out)
		require.NoError(t, err)
		require.JSONEq(t, `{"participants":[]}`, string(body))

		stage := &ivsapi.GetStageResponse{Stage: &ivsapi.Stage{Arn: ptr(validArn),
			AutoParticipantRecordingConfiguration: &ivsapi.AutoParticipantRecordingConfiguration{StorageConfigurationArn: ptr("")}}}
		stage.SetDefaults()
		require.Equal(t, []ivsapi.ParticipantRecordingMediaType{"AUDIO_VIDEO"}, stage.Stage.AutoParticipantRecordingConfiguration.MediaTypes)
	})
}

func TestListParticipantsFilters(t *testing.T) {
	require.Equal(t, []string{"filterByUserId", "filterByPublished", "filterByState", "filterByRecordingState"}, ivsapi.ListParticipantsRequestFilters)

	alice := &ivsapi.ParticipantSummary{UserId: ptr("alice"), Published: ptr(true),
		State: ptr(ivsapi.ParticipantStateConnected), RecordingState: ptr(ivsapi.ParticipantRecordingStateActive)}
	unknown := &ivsapi.ParticipantSummary{} // every member absent

	cases := []struct {
		name             string
		req              ivsapi.ListParticipantsRequest
		key              string
		alice, anonymous bool
	}{
		{"no filter", ivsapi.ListParticipantsRequest{}, "", true, true},
		{"userId", ivsapi.ListParticipantsRequest{FilterByUserId: ptr("alice")}, "filterByUserId=alice", true, false},
		{"other userId", ivsapi.ListParticipantsRequest{FilterByUserId: ptr("bob")}, "filterByUserId=bob", false, false},
		{"empty userId matches an absent one", ivsapi.ListParticipantsRequest{FilterByUserId: ptr("")}, "filterByUserId=", false, true},
		{"published", ivsapi.ListParticipantsRequest{FilterByPublished: ptr(true)}, "filterByPublished=true", true, false},
		{"not published", ivsapi.ListParticipantsRequest{FilterByPublished: ptr(false)}, "filterByPublished=false", false, true},
		{"state", ivsapi.ListParticipantsRequest{FilterByState: ptr(ivsapi.ParticipantStateConnected)}, "filterByState=CONNECTED", true, false},
		{"other state", ivsapi.ListParticipantsRequest{FilterByState: ptr(ivsapi.ParticipantStateDisconnected)}, "filterByState=DISCONNECTED", false, false},
		{"recording state across enums", ivsapi.ListParticipantsRequest{FilterByRecordingState: ptr(ivsapi.ParticipantRecordingFilterByRecordingStateActive)},
			"filterByRecordingState=ACTIVE", true, false},
		{"other recording state", ivsapi.ListParticipantsRequest{FilterByRecordingState: ptr(ivsapi.ParticipantRecordingFilterByRecordingStateStopped)},
			"filterByRecordingState=STOPPED", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.alice, c.req.Match(alice))
			require.Equal(t, c.anonymous, c.req.Match(unknown))
			require.Equal(t, c.key, c.req.FilterKey())
		})
	}
	// Paging state is not part of the filter key.
	require.Equal(t, "filterByUserId=a", (&ivsapi.ListParticipantsRequest{FilterByUserId: ptr("a"), NextToken: ptr("t"), MaxResults: ptr[int32](3)}).FilterKey())
}
