package specdiff_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/spec/importer"
	"github.com/ivsrt/contract/spec/specdiff"
)

// TestImportedRecordingChange shows, on AWS's real change, AWS's own
// models of the day before and the day of the 2024-06-20 change, every
// operation imported and no overlay, differ in exactly the five operations
// AWS's change log names, in the members it names, and nothing breaks.
func TestImportedRecordingChange(t *testing.T) {
	if testing.Short() {
		t.Skip("reads two aws-sdk-go releases through the module cache")
	}
	imported := func(version string) []byte {
		src, err := importer.Resolve(context.Background(), importer.SDKModule+"@"+version)
		require.NoError(t, err)
		out, err := importer.Import(src, importer.Options{})
		require.NoError(t, err)
		return out
	}
	r, err := specdiff.CompareBytes(imported("v1.54.5"), imported("v1.54.6"))
	require.NoError(t, err)

	added := map[string][]string{}
	for _, op := range r.Operations {
		require.Equal(t, specdiff.ChangeUpdated, op.Change, op.Name)
		require.Empty(t, op.Request.Removed, op.Name)
		require.Empty(t, op.Response.Removed, op.Name)
		require.Empty(t, op.Request.Changed, op.Name)
		require.Empty(t, op.Response.Changed, op.Name)
		added[op.Name] = append(append([]string(nil), op.Request.Added...), op.Response.Added...)
	}
	recording := []string{"autoParticipantRecordingConfiguration", "autoParticipantRecordingConfiguration.mediaTypes",
		"autoParticipantRecordingConfiguration.storageConfigurationArn"}
	stage := []string{"stage.autoParticipantRecordingConfiguration", "stage.autoParticipantRecordingConfiguration.mediaTypes",
		"stage.autoParticipantRecordingConfiguration.storageConfigurationArn"}
	require.Equal(t, map[string][]string{
		"CreateStage":      append(append([]string(nil), recording...), stage...),
		"UpdateStage":      append(append([]string(nil), recording...), stage...),
		"GetStage":         stage,
		"GetParticipant":   {"participant.recordingS3BucketName", "participant.recordingS3Prefix", "participant.recordingState"},
		"ListParticipants": {"filterByRecordingState", "participants[].recordingState"},
	}, added)
	require.Zero(t, r.Breaking)

	var text bytes.Buffer
	require.NoError(t, specdiff.WriteText(&text, r))
	require.Contains(t, text.String(), "2024/06/20 - Amazon Interactive Video Service RealTime - 5 updated api methods\n")
}
