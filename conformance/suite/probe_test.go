package suite

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A 403 that refuses the credentials or their signature is a
// CredentialsError that names where the credentials came from and what to
// set, in each audience's words; a 403 AccessDeniedException (the
// credentials were taken, their policy refused) is not, nor is any other
// AWS JSON error.
func TestProbeCredentials(t *testing.T) {
	answer := func(status int, errType string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("x-amzn-ErrorType", errType)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"message":"nope"}`))
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	s := &Suite{Contract: testContract}
	for i, errType := range SignatureErrors {
		status := []int{http.StatusForbidden, http.StatusBadRequest, http.StatusUnauthorized}[i%3]
		url := answer(status, errType)
		err := Probe(context.Background(), Target{Endpoint: url}, s)
		var ce *CredentialsError
		require.True(t, errors.As(err, &ce), "%s: %v", errType, err)
		assert.Equal(t, errType, ce.ErrType)
		assert.Equal(t, "AKIDIVSRTCONFORM", ce.AccessKeyID)
		goText, cliText := ce.Text(GoCaller), ce.Text(CommandLine)
		assert.Equal(t, goText, err.Error())
		assert.Contains(t, goText, fmt.Sprintf("%s refused the suite's credentials: %d %s (nope);", url, status, errType)+" they were the suite's dummy credentials (none were set), key AKIDIVSRTCONFORM: ")
		assert.NotContains(t, goText, "\n")
		if errType == "ExpiredTokenException" || errType == "ExpiredToken" {
			assert.Contains(t, goText, "renew the session of suite.Target.Credentials")
			assert.Contains(t, cliText, "renew the session (AWS_SESSION_TOKEN)")
			continue
		}
		assert.Contains(t, goText, SetCredentials.Go)
		assert.Contains(t, cliText, SetCredentials.CLI)
	}
	for _, tc := range []struct {
		status  int
		errType string
	}{{403, "AccessDeniedException"}, {500, "UnrecognizedClientException"}, {400, "ValidationException"}, {429, "ThrottlingException"}} {
		assert.NoError(t, Probe(context.Background(), Target{Endpoint: answer(tc.status, tc.errType)}, s), "%d %s", tc.status, tc.errType)
	}
}

// Where the SDK found the credentials, in words.
func TestDescribeSource(t *testing.T) {
	t.Setenv("AWS_PROFILE", "ci")
	assert.Equal(t, `profile "ci" of /home/u/.aws/credentials`, describeSource("SharedConfigCredentials: /home/u/.aws/credentials"))
	assert.Equal(t, "from the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)", describeSource("EnvConfigCredentials"))
	assert.Equal(t, "from SSOProvider", describeSource("SSOProvider"))
	assert.Equal(t, "", describeSource(""))
}
