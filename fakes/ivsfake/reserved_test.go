package ivsfake_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// Tag keys that begin with "aws:", in any case, are AWS's own: every
// operation that sets or removes tags refuses them with
// ValidationException, and nothing is stored (issue 18: they were
// accepted).
func TestReservedTagKeysAreRefused(t *testing.T) {
	f := ivsfake.Start(t)
	arn := *createStage(t, f, &ivsrealtime.CreateStageInput{Tags: map[string]string{"awsome": "1", "a:ws": "2"}}).Stage.Arn
	const rule = "failed to satisfy constraint: Map keys must satisfy constraint: [Member must not begin with 'aws:', in any case: AWS reserves the prefix]"
	for _, c := range []struct {
		method, path, body, message string
	}{
		{http.MethodPost, "/CreateStage", `{"tags":{"aws:cloudformation:stack-name":"x"}}`, "1 validation error detected: Value 'aws:cloudformation:stack-name' at 'tags' " + rule},
		{http.MethodPost, "/CreateStorageConfiguration", `{"s3":{"bucketName":"bucket"},"tags":{"AWS:x":"1","Aws:y":"2","ok":"3"}}`,
			"2 validation errors detected: Value 'AWS:x' at 'tags' " + rule + "; Value 'Aws:y' at 'tags' " + rule},
		{http.MethodPost, "/tags/" + url.PathEscape(arn), `{"tags":{"aWs:z":"1"}}`, "1 validation error detected: Value 'aWs:z' at 'tags' " + rule},
		{http.MethodDelete, "/tags/" + url.PathEscape(arn) + "?tagKeys=ok&tagKeys=aws%3Aname", ``,
			"1 validation error detected: Value 'aws:name' at 'tagKeys.2.member' failed to satisfy constraint: Member must not begin with 'aws:', in any case: AWS reserves the prefix"},
	} {
		r := raw(t, f, c.method, c.path, []byte(c.body))
		assert.Equal(t, http.StatusBadRequest, r.Status, c.path)
		assert.Equal(t, ivsapi.ErrValidationException, r.ErrorType, c.path)
		assert.Equal(t, c.message, r.message(t), c.path)
	}
	all, _ := listStages(t, f, 0)
	assert.Len(t, all, 1, "no stage was made")
	assert.Equal(t, map[string]string{"awsome": "1", "a:ws": "2"}, tagsOf(t, f, arn), "keys that only look alike are taken")
	out, err := f.Client.ListStorageConfigurations(ctxT(t), &ivsrealtime.ListStorageConfigurationsInput{})
	require.NoError(t, err)
	assert.Empty(t, out.StorageConfigurations)
}
