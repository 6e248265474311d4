package behaviour_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// Declare gives the generated cases what they need made for them alone,
// and runs alone the pagination cases over lists other cases change; the
// cases themselves are left as generated, but those about a deleted
// resource the suite cannot make and delete, which are left out.
func TestDeclare(t *testing.T) {
	got := behaviour.Declare(ivscases.Contract, ivscases.Cases)
	var kept []suite.Case
	var left []string
	for _, c := range ivscases.Cases {
		if strings.Contains(c.Body, "${deleted:") && !strings.Contains(c.Body, "${deleted:StageArn}") && !strings.Contains(c.Body, "${deleted:StorageConfigurationArn}") &&
			!strings.Contains(c.Body, "${deleted:PublicKeyArn}") && !strings.Contains(c.Body, "${deleted:EncoderConfigurationArn}") {
			left = append(left, c.Name)
			continue
		}
		kept = append(kept, c)
	}
	assert.Contains(t, left, "GetComposition/arn/not-found/deleted")
	assert.NotContains(t, left, "GetStage/arn/not-found/deleted")
	assert.NotContains(t, left, "GetPublicKey/arn/not-found/deleted")
	assert.NotContains(t, left, "GetEncoderConfiguration/arn/not-found/deleted")
	require.Len(t, got, len(kept))
	needs := map[string]int{}
	alone := map[string]int{}
	for i, c := range got {
		gen := kept[i]
		assert.Equal(t, gen.Name, c.Name)
		// The bucket a storage configuration is made in is the user's (AWS
		// wants one the caller owns): the generated sample is replaced.
		// Nor is a key the suite makes (no sample of the pattern is a
		// P-384 key, and none is taken twice).
		switch {
		case c.Operation == ivscases.OpCreateStorageConfiguration && strings.Contains(c.Body, "${live:Bucket}"):
			assert.Equal(t, gen.Body, strings.Replace(c.Body, "${live:Bucket}", "aaa", 1), "%s: only the bucket is replaced", c.Name)
		case c.Operation == ivscases.OpImportPublicKey && strings.Contains(c.Body, "${fresh:PublicKeyMaterial}"):
			assert.NotContains(t, c.Body, "BEGIN PUBLIC KEY", "%s: the generated key material is replaced", c.Name)
			assert.Contains(t, gen.Body, "BEGIN PUBLIC KEY", c.Name)
		case c.Operation == ivscases.OpCreateIngestConfiguration && strings.Contains(c.Body, `"insecureIngest":true`) && !strings.Contains(gen.Body, "insecureIngest"):
			// RTMP must have insecureIngest true (cases that must succeed).
			assert.Contains(t, gen.Body, `"ingestProtocol":"RTMP"`, c.Name)
		// A destination AWS would refuse (neither channel nor s3) is given
		// the live s3 one or a channel; a video at one dimension's maximum
		// gets the other's minimum, within the documented pixels.
		case c.Operation == ivscases.OpStartComposition && c.Body != gen.Body:
			assert.Contains(t, gen.Body, `"destinations":[{`, c.Name)
			if strings.Contains(gen.Body, `"channelArn"`) && len(c.AcceptErrors) > 0 {
				assert.NotContains(t, c.Body, "${made-up:ChannelArn}", "%s: the channel ARN under test is kept", c.Name)
			}
		case c.Operation == ivscases.OpCreateEncoderConfiguration && c.Body != gen.Body:
			assert.Equal(t, "maximum", c.Rule, c.Name)
		// A timestamp case of compositions lists a stage whose composition
		// has ended.
		case c.Operation == ivscases.OpListCompositions && c.Body != gen.Body:
			assert.Equal(t, suite.KindTimestamp, c.Kind, c.Name)
			assert.Contains(t, c.Body, "${ended:CompositionStageArn}", c.Name)
		case strings.Contains(c.Body, "${replication:"):
			// A replication case that must succeed replicates a publishing
			// participant of its own to a stage of its own.
			assert.NotContains(t, c.Body, "${live:", c.Name)
			assert.Contains(t, gen.Body, "${live:ParticipantId}", c.Name)
		default:
			assert.Equal(t, gen.Body, c.Body, "%s: the body is left as generated", c.Name)
		}
		assert.Empty(t, gen.Needs, "%s: the generated table is not changed", gen.Name)
		for _, n := range c.Needs {
			if n.Provisioner != "made-up-bucket" { // a gate: it fills in nothing
				assert.Contains(t, c.Body, "${"+n.Placeholder+"}", c.Name)
			}
			needs[c.Operation+" "+n.Provisioner]++
		}
		if c.Alone {
			alone[c.Operation]++
		}
		switch {
		case c.Operation == "DeleteStage" && strings.Contains(c.Body, "${live:StageArn}"):
			assert.Contains(t, c.Needs, suite.Need{Placeholder: "live:StageArn", Provisioner: "stage"}, c.Name)
		case c.Operation == "DeleteStorageConfiguration" && strings.Contains(c.Body, "${live:StorageConfigurationArn}"):
			assert.Contains(t, c.Needs, suite.Need{Placeholder: "live:StorageConfigurationArn", Provisioner: "storage-configuration"}, c.Name)
		}
	}
	assert.Positive(t, needs["DeleteStage stage"])
	assert.Positive(t, needs["DeleteStorageConfiguration storage-configuration"])
	// What must succeed and changes what it names gets its own.
	for _, need := range []string{"UpdateStage shared-stage", "UntagResource shared-stage", "TagResource shared-stage", "TagResource taggable-stage",
		"DisconnectParticipant token-participant", "CreateStorageConfiguration bucket", "CreateStorageConfiguration made-up-bucket",
		"ImportPublicKey public-key-material", "DeletePublicKey public-key-to-delete", "DeleteIngestConfiguration ingest-configuration-to-delete",
		"DeleteEncoderConfiguration encoder-configuration-to-delete", "StopComposition composition-to-stop", "StartComposition made-up-channel",
		"GetComposition ended-composition", "ListCompositions ended-composition-stage", "StartComposition ended-composition-token",
		"StartParticipantReplication replication-source", "StopParticipantReplication replication-participant"} {
		assert.Positive(t, needs[need], need)
	}
	assert.Positive(t, needs["GetStageSession ended-session"], "a session's timestamps are read on an ended session: %v", needs)
	for op := range needs {
		assert.Regexp(t, `^(DeleteStage stage|DeleteStorageConfiguration storage-configuration|\w+ ended-session|(UpdateStage|TagResource|UntagResource) shared-stage|TagResource taggable-stage|DisconnectParticipant token-participant|CreateStorageConfiguration (made-up-)?bucket|ImportPublicKey public-key-material|DeletePublicKey public-key-to-delete|DeleteIngestConfiguration ingest-configuration-to-delete|DeleteEncoderConfiguration encoder-configuration-to-delete|StopComposition composition-to-stop|StartComposition made-up-channel|GetComposition ended-composition|ListCompositions ended-composition-stage|StartComposition ended-composition-token|(Start|Stop)ParticipantReplication replication-(source|destination|participant))$`, op)
	}
	assert.Zero(t, alone["ListParticipants"], "the seeded session's participants hold still")
	for _, op := range []string{"ListStages", ivscases.OpListStorageConfigurations, ivscases.OpListParticipantEvents, "ListStageSessions"} {
		assert.Positive(t, alone[op], "%s pages through a list other cases change", op)
	}
}

// A storage configuration given to the target is found under the
// placeholder the generated cases name it by.
func TestGiveStorageConfiguration(t *testing.T) {
	assert.Equal(t, behaviour.LiveStorageConfiguration, ivscases.Contract.LiveName("GetStorageConfigurationRequest", "arn"))
	given := map[string]string{"live:Other": "x"}
	got := behaviour.GiveStorageConfiguration(suite.Target{Given: given}, "arn:aws:ivs:us-east-1:123456789012:storage-configuration/abc")
	assert.Equal(t, map[string]string{"live:Other": "x", behaviour.LiveStorageConfiguration: "arn:aws:ivs:us-east-1:123456789012:storage-configuration/abc"}, got.Given)
	assert.Equal(t, map[string]string{"live:Other": "x"}, given, "the caller's map is left as it was")
	assert.Nil(t, behaviour.GiveStorageConfiguration(suite.Target{}, "").Given)
}
