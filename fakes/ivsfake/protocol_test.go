package ivsfake_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// TestUnknownMembersIgnored: members the fake does not model (newer SDKs
// send some) are ignored and the request succeeds.
func TestUnknownMembersIgnored(t *testing.T) {
	f := ivsfake.Start(t)
	r := post(t, f, "/CreateStage", `{
		"name": "ok",
		"bogus": {"deep": [1, 2, {"x": null}]},
		"participantTokenConfigurations": [{"userId": "u", "future": true}],
		"autoParticipantRecordingConfiguration": {"storageConfigurationArn": "", "hlsConfiguration": {"targetSegmentDurationSeconds": 6}, "recordParticipantReplicas": true}
	}`)
	require.Equal(t, http.StatusOK, r.Status, "body %s", r.Body)
	assert.Empty(t, r.ErrorType)
	assert.Contains(t, string(r.Body), `"name":"ok"`)
	assert.Contains(t, string(r.Body), `"userId":"u"`)
	assert.NotContains(t, string(r.Body), "bogus")

	// The SDK sends members the contract does not have (hlsConfiguration, ...).
	out := createStage(t, f, &ivsrealtime.CreateStageInput{
		AutoParticipantRecordingConfiguration: &typesRecordingWithExtras,
	})
	assert.Equal(t, storageArn, aws.ToString(out.Stage.AutoParticipantRecordingConfiguration.StorageConfigurationArn))
}

// TestEveryResponseHasRequestID: successes and errors through the SDK carry
// x-amzn-RequestId, and each request gets its own.
func TestEveryResponseHasRequestID(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	out, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	require.NoError(t, err)
	id1 := requestID(t, out.ResultMetadata)

	got, err := f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: out.Stage.Arn})
	require.NoError(t, err)
	id2 := requestID(t, got.ResultMetadata)
	assert.NotEqual(t, id1, id2)

	_, err = f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String(someStageArn)})
	var re *awshttp.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Regexp(t, requestIDPattern, re.RequestID)
	assert.NotEqual(t, id2, re.RequestID)
}

func requestID(t *testing.T, md middleware.Metadata) string {
	t.Helper()
	id, ok := awsmiddleware.GetRequestIDMetadata(md)
	require.True(t, ok, "no request id in the response")
	assert.Regexp(t, requestIDPattern, id)
	return id
}

// TestNoInputGives5xx throws a spread of odd bodies at every operation and
// path: raw() asserts each answer is below 500 and has a request id.
func TestNoInputGives5xx(t *testing.T) {
	f := ivsfake.Start(t)
	stage := createStage(t, f, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: tokenConfigs("u")})
	j := join(t, f, stage.ParticipantTokens[0])
	arn, sid := *stage.Stage.Arn, j.SessionId
	bodies := []string{
		``, `{}`, `null`, `[]`, `[[[[`, `"`, `{"`, `{}}`, "\x00\xff", `{"a":` + strings.Repeat("[", 10000) + `}`,
		`{"arn":"` + arn + `"}`, `{"arn":""}`, `{"arn":"` + strings.Repeat("a", 5000) + `"}`,
		`{"arn":"arn:aws:ivs:us-east-1:999999999999:stage/x"}`,
		`{"stageArn":"` + arn + `","sessionId":"` + sid + `","participantId":"` + j.ParticipantId + `"}`,
		`{"stageArn":"` + arn + `","sessionId":"` + sid + `","nextToken":""}`,
		`{"stageArn":"` + arn + `","sessionId":"` + sid + `","nextToken":"AAAA"}`,
		`{"stageArn":"` + arn + `","sessionId":"` + sid + `","maxResults":-1}`,
		`{"stageArn":"` + arn + `","sessionId":"` + sid + `","maxResults":1e2}`,
		`{"stageArn":"` + arn + `","sessionId":"` + sid + `","filterByPublished":false,"filterByUserId":""}`,
		`{"participantTokenConfigurations":[null,{},{"capabilities":[null]},{"attributes":{"":""}}]}`,
		`{"participantTokenConfigurations":[{"duration":-2147483648}]}`,
		`{"tags":{"":""}}`, `{"tags":null}`, `{"tags":[]}`,
		`{"autoParticipantRecordingConfiguration":null}`, `{"autoParticipantRecordingConfiguration":{}}`,
		`{"autoParticipantRecordingConfiguration":{"storageConfigurationArn":null,"mediaTypes":[]}}`,
		`{"arn":"` + arn + `","autoParticipantRecordingConfiguration":{"storageConfigurationArn":"","mediaTypes":null}}`,
		`{"name":"\ud800"}`, `{"name":"é"}`,
	}
	paths := []string{"/CreateStage", "/GetStage", "/UpdateStage", "/GetParticipant", "/ListParticipants", "/Nope", "/_ivsrt/join", "/_ivsrt/token", "/_ivsrt/faults", "/_ivsrt/recording"}
	for _, p := range paths {
		for _, b := range bodies {
			r := post(t, f, p, b)
			if r.Status != http.StatusOK {
				assert.NotEmptyf(t, r.ErrorType, "POST %s %q", p, b)
			}
		}
	}
}

var typesRecordingWithExtras = types.AutoParticipantRecordingConfiguration{
	StorageConfigurationArn:         aws.String(storageArn),
	HlsConfiguration:                &types.ParticipantRecordingHlsConfiguration{TargetSegmentDurationSeconds: aws.Int32(6)},
	RecordingReconnectWindowSeconds: 30,
	RecordParticipantReplicas:       true,
	ThumbnailConfiguration:          &types.ParticipantThumbnailConfiguration{TargetIntervalSeconds: aws.Int32(60)},
}

// TestResponsesSatisfyTheSpec reads the raw answers of every operation
// into the generated response types and holds them to the spec's own
// constraints (patterns, lengths, enums), so the fake never answers with
// what a real client could not get from AWS.
func TestResponsesSatisfyTheSpec(t *testing.T) {
	f := ivsfake.Start(t)
	stageArn, sessionID, seed := seedVaried(t, f, 15)

	check := func(path, body string, out interface{ Validate() error }) {
		t.Helper()
		r := post(t, f, path, body)
		require.Equal(t, http.StatusOK, r.Status, "%s %s: %s", path, body, r.Body)
		require.NoError(t, json.Unmarshal(r.Body, out), "%s", r.Body)
		assert.NoError(t, out.Validate(), "%s answered %s", path, r.Body)
	}
	check("/CreateStage", `{"name":"n","participantTokenConfigurations":[{},{"userId":"u","attributes":{"a":"b"},"capabilities":["PUBLISH"],"duration":20160}],
		"tags":{"k":"v"},"autoParticipantRecordingConfiguration":{"storageConfigurationArn":"`+storageArn+`"}}`, &ivsapi.CreateStageResponse{})
	check("/GetStage", `{"arn":"`+stageArn+`"}`, &ivsapi.GetStageResponse{})
	check("/UpdateStage", `{"arn":"`+stageArn+`","name":"renamed"}`, &ivsapi.UpdateStageResponse{})
	var list ivsapi.ListParticipantsResponse
	check("/ListParticipants", `{"stageArn":"`+stageArn+`","sessionId":"`+sessionID+`","maxResults":4}`, &list)
	require.NotNil(t, list.NextToken)
	check("/ListParticipants", `{"stageArn":"`+stageArn+`","sessionId":"`+sessionID+`","maxResults":4,"nextToken":"`+*list.NextToken+`"}`, &ivsapi.ListParticipantsResponse{})
	for _, s := range seed {
		var got ivsapi.GetParticipantResponse
		check("/GetParticipant", `{"stageArn":"`+stageArn+`","sessionId":"`+sessionID+`","participantId":"`+s.id+`"}`, &got)
		require.NotNil(t, got.Participant)
		// Every member is present, "" or {} when unknown, as in AWS's examples.
		for name, v := range map[string]*string{
			"userId": got.Participant.UserId, "ispName": got.Participant.IspName, "osName": got.Participant.OsName,
			"osVersion": got.Participant.OsVersion, "browserName": got.Participant.BrowserName, "browserVersion": got.Participant.BrowserVersion,
			"sdkVersion": got.Participant.SdkVersion, "recordingS3BucketName": got.Participant.RecordingS3BucketName, "recordingS3Prefix": got.Participant.RecordingS3Prefix,
		} {
			assert.NotNil(t, v, "%s of %s", name, s.id)
		}
		assert.NotNil(t, got.Participant.Attributes)
	}
}

// TestFilterByPublishedFalse: the SDK cannot send filterByPublished false
// (its member is a plain bool), so it goes raw.
func TestFilterByPublishedFalse(t *testing.T) {
	f := ivsfake.Start(t)
	stageArn, sessionID, seed := seedVaried(t, f, 20)
	var want []string
	for _, s := range seed {
		if !s.published {
			want = append(want, s.id)
		}
	}
	require.NotEmpty(t, want)
	var got []string
	token := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 30)
		body := `{"stageArn":"` + stageArn + `","sessionId":"` + sessionID + `","filterByPublished":false,"maxResults":2`
		if token != "" {
			body += `,"nextToken":"` + token + `"`
		}
		r := post(t, f, "/ListParticipants", body+"}")
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		var out ivsapi.ListParticipantsResponse
		require.NoError(t, json.Unmarshal(r.Body, &out))
		for _, p := range out.Participants {
			assert.False(t, *p.Published)
			got = append(got, *p.ParticipantId)
		}
		if out.NextToken == nil {
			break
		}
		token = *out.NextToken
	}
	assert.ElementsMatch(t, want, got)

	// A token for published=false is not one for published=true.
	r := post(t, f, "/ListParticipants", `{"stageArn":"`+stageArn+`","sessionId":"`+sessionID+`","filterByPublished":false,"maxResults":1}`)
	var first ivsapi.ListParticipantsResponse
	require.NoError(t, json.Unmarshal(r.Body, &first))
	require.NotNil(t, first.NextToken)
	r = post(t, f, "/ListParticipants", `{"stageArn":"`+stageArn+`","sessionId":"`+sessionID+`","filterByPublished":true,"nextToken":"`+*first.NextToken+`"}`)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, "ValidationException", r.ErrorType)
	assert.Contains(t, r.message(t), "'nextToken'")
}
