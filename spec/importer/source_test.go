package importer

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewerModelsHint(t *testing.T) {
	hinted := func(err error) bool {
		lines := strings.Split(err.Error(), "\n")
		return lines[len(lines)-1] == newerModels
	}
	proxy404 := errors.New("go mod download github.com/aws/aws-sdk-go@v1.99.0: github.com/aws/aws-sdk-go@v1.99.0: reading https://proxy.golang.org/github.com/aws/aws-sdk-go/@v/v1.99.0.info: 404 Not Found\n\tserver response: not found: github.com/aws/aws-sdk-go@v1.99.0: invalid version: unknown revision v1.99.0")
	err := withNewerModels(proxy404, "v1.99.0")
	require.True(t, hinted(err), err)
	require.ErrorIs(t, err, proxy404)
	require.True(t, strings.HasPrefix(err.Error(), proxy404.Error()), "go's error, then the line")

	for _, tc := range []struct {
		err     string
		version string
		hint    bool
	}{
		{"reading https://proxy.golang.org/github.com/aws/aws-sdk-go/@v/v1.54.99.info: 403 Forbidden\n\tserver response: This module version is not available.", "v1.54.99", true},
		{"invalid version: unknown revision nope", "nope", true},
		{"dial tcp: lookup proxy.golang.org: no such host", "v1.56.0", true},
		{"dial tcp: lookup proxy.golang.org: no such host", "v1.55.9-0.20250801000000-abcdefabcdef", true},
		{"dial tcp: lookup proxy.golang.org: no such host", "v1.55.8", false},
		{"dial tcp: lookup proxy.golang.org: no such host", "v1.54.6", false},
	} {
		require.Equal(t, tc.hint, hinted(withNewerModels(errors.New(tc.err), tc.version)), "%s %s", tc.version, tc.err)
	}
	require.NotContains(t, newerModels, "\n", "one line")
	require.True(t, pastLastSDK("v2.0.0"))
	require.True(t, pastLastSDK("v1.56.0"))
	require.False(t, pastLastSDK("v1.9.99"))
	require.False(t, pastLastSDK("latest"))
}
