package importer

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHeadersOfAnswersAndErrors: today's model binds members of two answers
// and of every error to headers. They become the responses' headers, with
// x-ivsrt-member naming the member, and stay out of the JSON bodies.
func TestHeadersOfAnswersAndErrors(t *testing.T) {
	src, err := Resolve(context.Background(), filepath.Join("../..", makeVar(t, "SPEC_MODEL")))
	require.NoError(t, err)
	out, err := Import(src, Options{Version: "2026-04-08", Ops: []string{"StartParticipantReplication", "GetStage"}})
	require.NoError(t, err)
	doc := kinValid(t, out)

	ok := doc.Paths.Find("/StartParticipantReplication").Post.Responses.Value("200").Value
	h := ok.Headers["Access-Control-Allow-Origin"]
	require.NotNil(t, h, "the answer's header-bound member is a response header")
	require.Equal(t, "accessControlAllowOrigin", h.Value.Extensions["x-ivsrt-member"])
	require.False(t, h.Value.Required)
	// Every member of that answer is a header: its body is an empty object.
	body := doc.Components.Schemas["StartParticipantReplicationResponse"].Value
	require.Empty(t, body.Properties, "a header member is not in the body")

	errBody := doc.Components.Schemas["ErrorBody"].Value
	require.Contains(t, errBody.Properties, "exceptionMessage")
	for name := range errBody.Properties {
		require.NotContains(t, []string{"accessControlAllowOrigin", "xAmznErrorType", "cacheControl"}, name, "an error's header members are not in its body")
	}
	notFound := doc.Components.Responses["ResourceNotFoundException"].Value
	require.Contains(t, notFound.Headers, "x-amzn-ErrorType")
	require.Contains(t, notFound.Headers, "Strict-Transport-Security")
	require.NotContains(t, notFound.Headers, "x-amzn-errortype", "x-amzn-ErrorType is written once")
}

// TestHeaderParameter: a request member bound to a header is a parameter
// in: header, named as the header.
func TestHeaderParameter(t *testing.T) {
	src, err := Resolve(context.Background(), small)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(src.API, &m))
	shapes := m["shapes"].(map[string]any)
	req := shapes["ListTagsRequest"].(map[string]any)
	req["members"].(map[string]any)["clientToken"] = map[string]any{"shape": "WidgetName", "location": "header", "locationName": "X-Client-Token"}
	// Members come out sorted: this test asks only for the parameter.
	src.API, err = json.Marshal(m)
	require.NoError(t, err)
	out, err := Import(src, Options{Version: "2021-02-03"})
	require.NoError(t, err)
	doc := kinValid(t, out)
	p := doc.Paths.Find("/tags/{resourceArn}").Get.Parameters.GetByInAndName("header", "X-Client-Token")
	require.NotNil(t, p)
	require.Equal(t, "clientToken", p.Extensions["x-ivsrt-member"])
}

// TestStripDocumentation: a model without its prose imports to the same
// spec, and no documentation is left.
func TestStripDocumentation(t *testing.T) {
	src, err := Resolve(context.Background(), small)
	require.NoError(t, err)
	require.Contains(t, string(src.API), "documentation")
	stripped, err := StripDocumentation(src.API)
	require.NoError(t, err)
	require.NotContains(t, string(stripped), "documentation")
	require.NotContains(t, string(stripped), "PROSE-MUST-NOT-APPEAR")
	want, err := Import(src, Options{Version: "2021-02-03"})
	require.NoError(t, err)
	src.API = stripped
	got, err := Import(src, Options{Version: "2021-02-03"})
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))

	_, err = StripDocumentation([]byte(`{"a":1} {"b":2}`))
	require.ErrorContains(t, err, "data after the document")
	_, err = StripDocumentation([]byte(`{"a":`))
	require.ErrorContains(t, err, "not a JSON model")
}
