package generator_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
)

// The spec's patterns for the identifier types (spec/ivsrealtime.yaml).
var (
	stageArnPattern      = regexp.MustCompile(`^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$`)
	sessionIDPattern     = regexp.MustCompile(`^st-[a-zA-Z0-9]+$`)
	participantIDPattern = regexp.MustCompile(`^[a-zA-Z0-9-]*$`)
	alnum                = regexp.MustCompile(`^[a-zA-Z0-9]+$`)
)

func TestNewStageArn(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		arn := ivsapi.NewStageArn("us-west-2", "123456789012")
		require.Regexp(t, stageArnPattern, arn)
		require.LessOrEqual(t, len(arn), 128)
		prefix := "arn:aws:ivs:us-west-2:123456789012:stage/"
		require.True(t, strings.HasPrefix(arn, prefix), arn)
		suffix := strings.TrimPrefix(arn, prefix)
		require.Len(t, suffix, 12)
		require.Regexp(t, alnum, suffix)
		require.False(t, seen[arn], "duplicate %s", arn)
		seen[arn] = true

		// What is minted passes the generated validation.
		require.NoError(t, (&ivsapi.GetStageRequest{Arn: &arn}).Validate())
	}
}

func TestParseStageArn(t *testing.T) {
	arn := ivsapi.NewStageArn("eu-central-1", "000011112222")
	region, account, ok := ivsapi.ParseStageArn(arn)
	require.True(t, ok)
	require.Equal(t, "eu-central-1", region)
	require.Equal(t, "000011112222", account)

	// Identifiers minted elsewhere need not have 12 random characters.
	region, account, ok = ivsapi.ParseStageArn("arn:aws:ivs:us-east-1:123:stage/abc")
	require.True(t, ok)
	require.Equal(t, "us-east-1", region)
	require.Equal(t, "123", account)

	for _, s := range []string{
		"",
		"st-abcdefghijklm",
		"arn:aws:ivs:us-east-1:123:channel/abc",
		"arn:aws:ivs:us-east-1:123:stage/",
		"arn:aws:ivs::123:stage/abc",
		"arn:aws:ivs:us-east-1::stage/abc",
		"xarn:aws:ivs:us-east-1:123:stage/abc",
		"arn:aws:ivs:us-east-1:123:storage-configuration/abc",
	} {
		_, _, ok := ivsapi.ParseStageArn(s)
		require.False(t, ok, "%q parsed as a stage ARN", s)
	}
}

func TestNewSessionId(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		id := ivsapi.NewStageSessionId()
		require.Len(t, id, 16, "SessionId is exactly 16 characters")
		require.Regexp(t, sessionIDPattern, id)
		require.Regexp(t, alnum, strings.TrimPrefix(id, "st-"))
		require.False(t, seen[id])
		seen[id] = true
	}
}

func TestNewParticipantId(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		id := ivsapi.NewParticipantId()
		require.Len(t, id, 12)
		require.Regexp(t, participantIDPattern, id)
		require.Regexp(t, alnum, id)
		require.False(t, seen[id])
		seen[id] = true
	}
}
