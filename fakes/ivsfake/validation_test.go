package ivsfake_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsfake"
)

const (
	// A stage ARN and session id of valid form that need not exist:
	// validation comes before any lookup.
	someStageArn  = "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGh1234"
	someSessionID = "st-AbCdEfGh12345"
)

func tagsN(count int) map[string]string {
	m := make(map[string]string, count)
	for i := range count {
		m[fmt.Sprintf("k%02d", i)] = "v"
	}
	return m
}

// TestValidationThroughSDK sends each class of bad input through the SDK
// and expects a *types.ValidationException (400) naming the member path.
func TestValidationThroughSDK(t *testing.T) {
	create := func(in ivsrealtime.CreateStageInput) func(context.Context, *ivsrealtime.Client) error {
		return func(ctx context.Context, c *ivsrealtime.Client) error {
			_, err := c.CreateStage(ctx, &in)
			return err
		}
	}
	token := func(c types.ParticipantTokenConfiguration) ivsrealtime.CreateStageInput {
		return ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{}, c}}
	}
	recording := func(arn string, media ...types.ParticipantRecordingMediaType) ivsrealtime.CreateStageInput {
		return ivsrealtime.CreateStageInput{AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: aws.String(arn), MediaTypes: media,
		}}
	}
	list := func(in ivsrealtime.ListParticipantsInput) func(context.Context, *ivsrealtime.Client) error {
		if in.StageArn == nil {
			in.StageArn = aws.String(someStageArn)
		}
		if in.SessionId == nil {
			in.SessionId = aws.String(someSessionID)
		}
		return func(ctx context.Context, c *ivsrealtime.Client) error {
			_, err := c.ListParticipants(ctx, &in)
			return err
		}
	}
	getParticipant := func(stageArn, sessionID, participantID string) func(context.Context, *ivsrealtime.Client) error {
		return func(ctx context.Context, c *ivsrealtime.Client) error {
			_, err := c.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{
				StageArn: aws.String(stageArn), SessionId: aws.String(sessionID), ParticipantId: aws.String(participantID),
			})
			return err
		}
	}
	tooManyAttrs := map[string]string{"k": strings.Repeat("€", 341) + "a"} // 1 + 1023 + 1 = 1025 bytes

	cases := []struct {
		name string
		call func(context.Context, *ivsrealtime.Client) error
		path string // the member path the message must name
		rule string // part of the rule the message must state
	}{
		{"name too long", create(ivsrealtime.CreateStageInput{Name: aws.String(strings.Repeat("a", 129))}), "name", "length less than or equal to 128"},
		{"name pattern", create(ivsrealtime.CreateStageInput{Name: aws.String("bad name!")}), "name", "regular expression pattern"},
		{"duration 0", create(token(types.ParticipantTokenConfiguration{Duration: aws.Int32(0)})), "participantTokenConfigurations.2.member.duration", "greater than or equal to 1"},
		{"duration 20161", create(token(types.ParticipantTokenConfiguration{Duration: aws.Int32(20161)})), "participantTokenConfigurations.2.member.duration", "less than or equal to 20160"},
		{"13 token configurations", create(ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: make([]types.ParticipantTokenConfiguration, 13)}), "participantTokenConfigurations", "length less than or equal to 12"},
		{"3 capabilities", create(token(types.ParticipantTokenConfiguration{Capabilities: []types.ParticipantTokenCapability{"PUBLISH", "SUBSCRIBE", "PUBLISH"}})), "participantTokenConfigurations.2.member.capabilities", "length less than or equal to 2"},
		{"capability enum", create(token(types.ParticipantTokenConfiguration{Capabilities: []types.ParticipantTokenCapability{types.ParticipantTokenCapability("ADMIN")}})), "participantTokenConfigurations.2.member.capabilities.1.member", "enum value set"},
		{"userId too long", create(token(types.ParticipantTokenConfiguration{UserId: aws.String(strings.Repeat("u", 129))})), "participantTokenConfigurations.2.member.userId", "length less than or equal to 128"},
		{"attributes over 1024 bytes", create(token(types.ParticipantTokenConfiguration{Attributes: tooManyAttrs})), "participantTokenConfigurations.2.member.attributes", "1024"},
		{"51 tags", create(ivsrealtime.CreateStageInput{Tags: tagsN(51)}), "tags", "length less than or equal to 50"},
		{"tag key 129", create(ivsrealtime.CreateStageInput{Tags: map[string]string{strings.Repeat("k", 129): "v"}}), "tags", "Map keys must satisfy constraint"},
		{"tag value 257", create(ivsrealtime.CreateStageInput{Tags: map[string]string{"key": strings.Repeat("v", 257)}}), "tags.key", "length less than or equal to 256"},
		{"storage ARN", create(recording("arn:aws:s3:::bucket")), "autoParticipantRecordingConfiguration.storageConfigurationArn", "regular expression pattern"},
		{"2 media types", create(recording(storageArn, "AUDIO_VIDEO", "AUDIO_ONLY")), "autoParticipantRecordingConfiguration.mediaTypes", "length less than or equal to 1"},
		{"media type enum", create(recording(storageArn, "VIDEO_ONLY")), "autoParticipantRecordingConfiguration.mediaTypes.1.member", "enum value set"},
		{"GetStage ARN pattern", func(ctx context.Context, c *ivsrealtime.Client) error {
			_, err := c.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String("arn:aws:ivs:us-east-1:123456789012:channel/abc")})
			return err
		}, "arn", "regular expression pattern"},
		{"UpdateStage name pattern", func(ctx context.Context, c *ivsrealtime.Client) error {
			_, err := c.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: aws.String(someStageArn), Name: aws.String("a b")})
			return err
		}, "name", "regular expression pattern"},
		{"UpdateStage media type enum", func(ctx context.Context, c *ivsrealtime.Client) error {
			_, err := c.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: aws.String(someStageArn), AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
				StorageConfigurationArn: aws.String(storageArn), MediaTypes: []types.ParticipantRecordingMediaType{"X"},
			}})
			return err
		}, "autoParticipantRecordingConfiguration.mediaTypes.1.member", "enum value set"},
		{"maxResults 0", list(ivsrealtime.ListParticipantsInput{MaxResults: aws.Int32(0)}), "maxResults", "greater than or equal to 1"},
		{"maxResults 101", list(ivsrealtime.ListParticipantsInput{MaxResults: aws.Int32(101)}), "maxResults", "less than or equal to 100"},
		{"nextToken pattern", list(ivsrealtime.ListParticipantsInput{NextToken: aws.String("not a token!")}), "nextToken", "regular expression pattern"},
		{"nextToken too long", list(ivsrealtime.ListParticipantsInput{NextToken: aws.String(strings.Repeat("A", 1025))}), "nextToken", "length less than or equal to 1024"},
		{"ListParticipants sessionId length", list(ivsrealtime.ListParticipantsInput{SessionId: aws.String("st-short")}), "sessionId", "length greater than or equal to 16"},
		{"ListParticipants stageArn pattern", list(ivsrealtime.ListParticipantsInput{StageArn: aws.String("stage/abc")}), "stageArn", "regular expression pattern"},
		{"filterByUserId too long", list(ivsrealtime.ListParticipantsInput{FilterByUserId: aws.String(strings.Repeat("u", 129))}), "filterByUserId", "length less than or equal to 128"},
		{"filterByState enum", list(ivsrealtime.ListParticipantsInput{FilterByState: "GONE"}), "filterByState", "enum value set"},
		{"filterByRecordingState DISABLED", list(ivsrealtime.ListParticipantsInput{FilterByRecordingState: "DISABLED"}), "filterByRecordingState", "enum value set: [STARTING, ACTIVE, STOPPING, STOPPED, FAILED]"},
		{"two filters", list(ivsrealtime.ListParticipantsInput{FilterByUserId: aws.String("u"), FilterByState: types.ParticipantStateConnected}), "filterByUserId,filterByState", "Only one of"},
		{"three filters", list(ivsrealtime.ListParticipantsInput{FilterByPublished: true, FilterByState: types.ParticipantStateConnected, FilterByRecordingState: "ACTIVE"}), "filterByPublished,filterByState,filterByRecordingState", "Only one of"},
		{"GetParticipant sessionId too long", getParticipant(someStageArn, someSessionID+"x", "abc"), "sessionId", "length less than or equal to 16"},
		{"GetParticipant sessionId pattern", getParticipant(someStageArn, "xx-AbCdEfGh12345", "abc"), "sessionId", "regular expression pattern"},
		{"GetParticipant participantId pattern", getParticipant(someStageArn, someSessionID, "bad_id!"), "participantId", "regular expression pattern"},
	}

	f := ivsfake.Start(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(ctxT(t), f.Client)
			ve := requireValidation(t, err, tc.path)
			msg := validationMessage(ve)
			assert.True(t, strings.HasPrefix(msg, "1 validation error detected: "), msg)
			assert.Contains(t, msg, "failed to satisfy constraint: ")
			assert.Contains(t, msg, tc.rule)
		})
	}

	// None of these created anything.
	out, err := f.Client.ListParticipants(ctxT(t), &ivsrealtime.ListParticipantsInput{StageArn: aws.String(someStageArn), SessionId: aws.String(someSessionID)})
	require.NoError(t, err)
	assert.Empty(t, out.Participants)
}

// TestValidationMessageForm checks AWS's message word for word, and that
// all violations of a request are reported at once.
func TestValidationMessageForm(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)

	_, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("bad name!")})
	ve := requireValidation(t, err, "name")
	assert.Equal(t, "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]*", validationMessage(ve))

	_, err = f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{
		Name:                           aws.String("bad name!"),
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{Duration: aws.Int32(0)}},
	})
	ve = requireValidation(t, err, "name", "participantTokenConfigurations.1.member.duration")
	msg := validationMessage(ve)
	assert.True(t, strings.HasPrefix(msg, "2 validation errors detected: "), msg)
	assert.Contains(t, msg, "Value '0' at 'participantTokenConfigurations.1.member.duration' failed to satisfy constraint: Member must have value greater than or equal to 1")
	assert.Equal(t, 1, strings.Count(msg, "; "), msg)
}

// TestAttributesCountUTF8Bytes: the 1 KB limit on token attributes counts
// UTF-8 bytes of keys and values; exactly 1024 is accepted.
func TestAttributesCountUTF8Bytes(t *testing.T) {
	f := ivsfake.Start(t)
	exact := map[string]string{"k": strings.Repeat("€", 341)} // 1 + 3*341 = 1024 bytes, 342 characters
	total := 0
	for k, v := range exact {
		total += len(k) + len(v)
	}
	require.Equal(t, 1024, total)

	out := createStage(t, f, &ivsrealtime.CreateStageInput{
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{Attributes: exact}},
	})
	assert.Equal(t, exact, out.ParticipantTokens[0].Attributes)
	j := join(t, f, out.ParticipantTokens[0])
	assert.Equal(t, exact, getParticipant(t, f, j).Attributes)

	over := map[string]string{"k": strings.Repeat("€", 341), "é": ""} // 1024 + 2 bytes, 343 characters
	_, err := f.Client.CreateStage(ctxT(t), &ivsrealtime.CreateStageInput{
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{Attributes: over}},
	})
	requireValidation(t, err, "participantTokenConfigurations.1.member.attributes")
}

// TestBoundariesAccepted: the limits themselves are valid.
func TestBoundariesAccepted(t *testing.T) {
	f := ivsfake.Start(t)
	out := createStage(t, f, &ivsrealtime.CreateStageInput{
		Name: aws.String(strings.Repeat("a", 128)),
		Tags: func() map[string]string {
			m := tagsN(49)
			m[strings.Repeat("k", 128)] = strings.Repeat("v", 256)
			return m
		}(),
		ParticipantTokenConfigurations: append(
			[]types.ParticipantTokenConfiguration{
				{Duration: aws.Int32(1), Capabilities: []types.ParticipantTokenCapability{}},
				{Duration: aws.Int32(20160), UserId: aws.String(strings.Repeat("ü", 128))},
			}, make([]types.ParticipantTokenConfiguration, 10)...),
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String("")},
	})
	assert.Len(t, out.ParticipantTokens, 12)
	assert.Len(t, out.Stage.Tags, 50)
	assert.Equal(t, int32(1), aws.ToInt32(out.ParticipantTokens[0].Duration))
	assert.Equal(t, int32(20160), aws.ToInt32(out.ParticipantTokens[1].Duration))
	assert.Equal(t, strings.Repeat("ü", 128), aws.ToString(out.ParticipantTokens[1].UserId))

	for _, max := range []int32{1, 100} {
		_, err := f.Client.ListParticipants(ctxT(t), &ivsrealtime.ListParticipantsInput{
			StageArn: out.Stage.Arn, SessionId: aws.String(someSessionID), MaxResults: aws.Int32(max),
		})
		assert.NoError(t, err, "maxResults %d", max)
	}
}

// TestRawProtocolErrors sends what the SDK cannot: missing required members,
// wrong JSON types, malformed JSON, non-object bodies, huge bodies, unknown
// paths and methods.
func TestRawProtocolErrors(t *testing.T) {
	huge := `{"name":"` + strings.Repeat("a", 1<<20+10) + `"}`
	cases := []struct {
		name    string
		method  string
		path    string
		body    string
		status  int
		errType string
		message []string // parts of exceptionMessage
	}{
		{"GetStage missing arn", "POST", "/GetStage", `{}`, 400, "ValidationException", []string{"'arn'", "Member must not be null", "Value null"}},
		{"GetStage empty body", "POST", "/GetStage", ``, 400, "ValidationException", []string{"'arn'", "Member must not be null"}},
		{"GetStage null body", "POST", "/GetStage", `null`, 400, "ValidationException", []string{"'arn'", "Member must not be null"}},
		{"GetStage null arn", "POST", "/GetStage", `{"arn":null}`, 400, "ValidationException", []string{"'arn'", "Member must not be null"}},
		{"UpdateStage missing arn", "POST", "/UpdateStage", `{"name":"x"}`, 400, "ValidationException", []string{"'arn'", "Member must not be null"}},
		{"GetParticipant missing all", "POST", "/GetParticipant", `{}`, 400, "ValidationException", []string{"3 validation errors", "'stageArn'", "'sessionId'", "'participantId'", "Member must not be null"}},
		{"ListParticipants missing sessionId", "POST", "/ListParticipants", `{"stageArn":"` + someStageArn + `"}`, 400, "ValidationException", []string{"1 validation error", "'sessionId'", "Member must not be null"}},
		{"CreateStage recording without storage ARN", "POST", "/CreateStage", `{"autoParticipantRecordingConfiguration":{"mediaTypes":["AUDIO_ONLY"]}}`, 400, "ValidationException", []string{"'autoParticipantRecordingConfiguration.storageConfigurationArn'", "Member must not be null"}},
		{"name is a number", "POST", "/CreateStage", `{"name":5}`, 400, "SerializationException", []string{"name"}},
		{"token configurations is a string", "POST", "/CreateStage", `{"participantTokenConfigurations":"x"}`, 400, "SerializationException", []string{"participantTokenConfigurations"}},
		{"duration is fractional", "POST", "/CreateStage", `{"participantTokenConfigurations":[{"duration":1.5}]}`, 400, "SerializationException", nil},
		{"duration overflows int32", "POST", "/CreateStage", `{"participantTokenConfigurations":[{"duration":3000000000}]}`, 400, "SerializationException", nil},
		{"tag value is a number", "POST", "/CreateStage", `{"tags":{"a":1}}`, 400, "SerializationException", nil},
		{"maxResults is a string", "POST", "/ListParticipants", `{"stageArn":"` + someStageArn + `","sessionId":"` + someSessionID + `","maxResults":"10"}`, 400, "SerializationException", []string{"maxResults"}},
		{"filterByPublished is a string", "POST", "/ListParticipants", `{"stageArn":"` + someStageArn + `","sessionId":"` + someSessionID + `","filterByPublished":"true"}`, 400, "SerializationException", nil},
		{"arn is an object", "POST", "/GetStage", `{"arn":{}}`, 400, "SerializationException", nil},
		{"malformed JSON", "POST", "/CreateStage", `{"name":`, 400, "SerializationException", nil},
		{"not JSON", "POST", "/CreateStage", `name=x`, 400, "SerializationException", nil},
		{"unquoted key", "POST", "/CreateStage", `{name:"x"}`, 400, "SerializationException", nil},
		{"trailing data", "POST", "/CreateStage", `{"name":"x"} {}`, 400, "SerializationException", nil},
		{"top-level array", "POST", "/CreateStage", `[]`, 400, "SerializationException", nil},
		{"top-level array of object", "POST", "/GetStage", `[{"arn":"` + someStageArn + `"}]`, 400, "SerializationException", nil},
		{"top-level string", "POST", "/CreateStage", `"x"`, 400, "SerializationException", nil},
		{"top-level number", "POST", "/CreateStage", `5`, 400, "SerializationException", nil},
		{"unknown path", "POST", "/CreateChannel", `{}`, 404, "UnknownOperationException", nil},
		{"root path", "POST", "/", `{}`, 404, "UnknownOperationException", nil},
		{"wrong case path", "POST", "/getstage", `{}`, 404, "UnknownOperationException", nil},
		{"trailing slash", "POST", "/GetStage/", `{}`, 404, "UnknownOperationException", nil},
		{"GET on an operation", "GET", "/GetStage", ``, 404, "UnknownOperationException", nil},
		{"PUT on an operation", "PUT", "/CreateStage", `{}`, 404, "UnknownOperationException", nil},
		{"DELETE on an operation", "DELETE", "/UpdateStage", `{}`, 404, "UnknownOperationException", nil},
	}
	f := ivsfake.Start(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := raw(t, f, tc.method, tc.path, []byte(tc.body))
			assert.Equal(t, tc.status, r.Status, "body %q", r.Body)
			assert.Equal(t, tc.errType, r.ErrorType)
			msg := r.message(t)
			assert.NotEmpty(t, msg)
			for _, part := range tc.message {
				assert.Contains(t, msg, part)
			}
		})
	}

	// A fake that may hold one stage tells whether a refused request created one.
	one := ivsfake.Start(t, ivsfake.Options{StageQuota: 1})
	t.Run("body over 1 MiB", func(t *testing.T) {
		r := post(t, one, "/CreateStage", huge)
		assert.GreaterOrEqual(t, r.Status, 400)
		assert.Less(t, r.Status, 500)
		assert.NotEmpty(t, r.ErrorType)
		assert.NotEmpty(t, r.message(t))
	})
	t.Run("body over 1 MiB without Content-Length", func(t *testing.T) {
		req, err := http.NewRequestWithContext(ctxT(t), http.MethodPost, one.URL+"/CreateStage", io.NopCloser(strings.NewReader(huge)))
		require.NoError(t, err)
		req.ContentLength = -1 // chunked
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.GreaterOrEqual(t, resp.StatusCode, 400)
		assert.Less(t, resp.StatusCode, 500)
		assert.NotEmpty(t, resp.Header.Get("x-amzn-ErrorType"))
		assert.NotEmpty(t, resp.Header.Get("x-amzn-RequestId"))
	})
	createStage(t, one, nil) // the quota of one was still free
}
