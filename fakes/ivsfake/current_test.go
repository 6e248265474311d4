package ivsfake_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// This file holds the tests of what AWS added to stages, participants,
// tokens and events after 2024-06-20, through raw JSON so that every value
// (recordParticipantReplicas false, which aws-sdk-go-v2 v1.30.0 cannot
// send, say) is what goes over the wire.

// defaultRecording is a recording configuration with every default of the
// spec: what create-stage.rst shows for a stage created without one.
const defaultRecording = `{"hlsConfiguration":{"targetSegmentDurationSeconds":6},"mediaTypes":["AUDIO_VIDEO"],` +
	`"recordParticipantReplicas":true,"recordingReconnectWindowSeconds":0,"storageConfigurationArn":"",` +
	`"thumbnailConfiguration":{"recordingMode":"DISABLED","storage":["SEQUENTIAL"],"targetIntervalSeconds":60}}`

// stageDoc sends body to path and returns the answer's stage.
func stageDoc(t *testing.T, f *ivsfake.Fake, path, body string) map[string]any {
	t.Helper()
	r := post(t, f, path, body)
	require.Equal(t, http.StatusOK, r.Status, "%s %s: %s", path, body, r.Body)
	var doc struct{ Stage map[string]any }
	require.NoError(t, json.Unmarshal(r.Body, &doc))
	require.NotNil(t, doc.Stage)
	return doc.Stage
}

// recordingJSON is a stage's recording configuration as canonical JSON.
func recordingJSON(t *testing.T, st map[string]any) string {
	t.Helper()
	return canonical(t, st["autoParticipantRecordingConfiguration"])
}

func canonical(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return string(data)
}

// TestRecordingConfigurationKeepsEveryMember: the members AWS added to
// autoParticipantRecordingConfiguration are echoed as given by CreateStage,
// GetStage and UpdateStage, with their documented defaults where they are
// left out (also inside a nested object given in part); an update replaces
// the configuration whole; and storageConfigurationArn "" resets every
// other member, the new ones too, to its default.
func TestRecordingConfigurationKeepsEveryMember(t *testing.T) {
	f := ivsfake.Start(t)
	full := `{"storageConfigurationArn":"` + storageArn + `","mediaTypes":["NONE"],` +
		`"thumbnailConfiguration":{"targetIntervalSeconds":5,"storage":["SEQUENTIAL","LATEST"],"recordingMode":"INTERVAL"},` +
		`"recordingReconnectWindowSeconds":300,"hlsConfiguration":{"targetSegmentDurationSeconds":2},"recordParticipantReplicas":false}`
	want := `{"hlsConfiguration":{"targetSegmentDurationSeconds":2},"mediaTypes":["NONE"],"recordParticipantReplicas":false,` +
		`"recordingReconnectWindowSeconds":300,"storageConfigurationArn":"` + storageArn + `",` +
		`"thumbnailConfiguration":{"recordingMode":"INTERVAL","storage":["SEQUENTIAL","LATEST"],"targetIntervalSeconds":5}}`
	st := stageDoc(t, f, "/CreateStage", `{"autoParticipantRecordingConfiguration":`+full+`}`)
	arn := st["arn"].(string)
	assert.JSONEq(t, want, recordingJSON(t, st), "CreateStage echoes every member")
	assert.JSONEq(t, want, recordingJSON(t, stageDoc(t, f, "/GetStage", `{"arn":"`+arn+`"}`)), "GetStage returns them")

	// A stage created without one reports every default (create-stage.rst).
	assert.JSONEq(t, defaultRecording, recordingJSON(t, stageDoc(t, f, "/CreateStage", `{}`)))

	// Nested objects given in part, and members left out, take their defaults.
	partial := `{"storageConfigurationArn":"` + storageArn + `","thumbnailConfiguration":{"recordingMode":"INTERVAL"},"hlsConfiguration":{}}`
	wantPartial := `{"hlsConfiguration":{"targetSegmentDurationSeconds":6},"mediaTypes":["AUDIO_VIDEO"],"recordParticipantReplicas":true,` +
		`"recordingReconnectWindowSeconds":0,"storageConfigurationArn":"` + storageArn + `",` +
		`"thumbnailConfiguration":{"recordingMode":"INTERVAL","storage":["SEQUENTIAL"],"targetIntervalSeconds":60}}`
	st2 := stageDoc(t, f, "/CreateStage", `{"autoParticipantRecordingConfiguration":`+partial+`}`)
	assert.JSONEq(t, wantPartial, recordingJSON(t, st2))

	// UpdateStage replaces the configuration whole: what it leaves out
	// goes back to its default, not to what the stage had.
	updated := stageDoc(t, f, "/UpdateStage", `{"arn":"`+arn+`","autoParticipantRecordingConfiguration":`+partial+`}`)
	assert.JSONEq(t, wantPartial, recordingJSON(t, updated))
	assert.JSONEq(t, wantPartial, recordingJSON(t, stageDoc(t, f, "/GetStage", `{"arn":"`+arn+`"}`)))

	// An update without a recording configuration keeps it.
	renamed := stageDoc(t, f, "/UpdateStage", `{"arn":"`+arn+`","name":"renamed"}`)
	assert.JSONEq(t, wantPartial, recordingJSON(t, renamed))

	// The reset value resets the new members too, given or not.
	stageDoc(t, f, "/UpdateStage", `{"arn":"`+arn+`","autoParticipantRecordingConfiguration":`+full+`}`)
	reset := `{"storageConfigurationArn":"","thumbnailConfiguration":{"recordingMode":"INTERVAL"},"recordingReconnectWindowSeconds":9,"recordParticipantReplicas":false}`
	assert.JSONEq(t, defaultRecording, recordingJSON(t, stageDoc(t, f, "/UpdateStage", `{"arn":"`+arn+`","autoParticipantRecordingConfiguration":`+reset+`}`)))
	assert.JSONEq(t, defaultRecording, recordingJSON(t, stageDoc(t, f, "/CreateStage", `{"autoParticipantRecordingConfiguration":`+reset+`}`)))

	// The new members are held to the spec's bounds (generated).
	r := post(t, f, "/CreateStage", `{"autoParticipantRecordingConfiguration":{"storageConfigurationArn":"","recordingReconnectWindowSeconds":301,"hlsConfiguration":{"targetSegmentDurationSeconds":11},"thumbnailConfiguration":{"targetIntervalSeconds":0}}}`)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	for _, m := range []string{"recordingReconnectWindowSeconds", "hlsConfiguration.targetSegmentDurationSeconds", "thumbnailConfiguration.targetIntervalSeconds"} {
		assert.Contains(t, r.message(t), "autoParticipantRecordingConfiguration."+m)
	}
}

// endpointsPattern is the form of create-stage.rst's endpoints, on the
// production host: one 12-character id shared by rtmp, rtmps and whip.
var endpointsPattern = regexp.MustCompile(`^\{"events":"wss://global\.events\.live-video\.net",` +
	`"rtmp":"rtmp://([a-z0-9]{12})\.global-contribute\.live-video\.net/app/",` +
	`"rtmps":"rtmps://([a-z0-9]{12})\.global-contribute\.live-video\.net:443/app/",` +
	`"whip":"https://([a-z0-9]{12})\.global-bm\.whip\.live-video\.net"\}$`)

// endpointID checks a stage's endpoints against the documented form and
// returns their shared id.
func endpointID(t *testing.T, st map[string]any) string {
	t.Helper()
	got := canonical(t, st["endpoints"])
	m := endpointsPattern.FindStringSubmatch(got)
	require.NotNil(t, m, "endpoints in the documented form: %s", got)
	require.Equal(t, m[1], m[2], "rtmp and rtmps share the id")
	require.Equal(t, m[1], m[3], "rtmp and whip share the id")
	return m[1]
}

// TestStageEndpoints: every stage has endpoints in AWS's documented form,
// minted when it is created, its own, and kept by GetStage, UpdateStage,
// ListStages' later reads and a restart on the state file.
func TestStageEndpoints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := openStore(t, path)
	f := ivsfake.Start(t, ivsfake.Options{Store: s})
	st := stageDoc(t, f, "/CreateStage", `{"name":"a"}`)
	arn := st["arn"].(string)
	id := endpointID(t, st)
	assert.Equal(t, id, endpointID(t, stageDoc(t, f, "/GetStage", `{"arn":"`+arn+`"}`)))
	assert.Equal(t, id, endpointID(t, stageDoc(t, f, "/UpdateStage", `{"arn":"`+arn+`","name":"b","autoParticipantRecordingConfiguration":{"storageConfigurationArn":""}}`)))
	other := endpointID(t, stageDoc(t, f, "/CreateStage", `{}`))
	assert.NotEqual(t, id, other, "each stage has endpoints of its own")

	require.NoError(t, s.Close())
	f2 := ivsfake.Start(t, ivsfake.Options{Store: openStore(t, path)})
	assert.Equal(t, id, endpointID(t, stageDoc(t, f2, "/GetStage", `{"arn":"`+arn+`"}`)), "kept across a restart")
}

// TestEndpointsFitTheSpec: the endpoints the fake mints pass the spec's
// own checks of StageEndpoints (each at most 2048 characters).
func TestEndpointsFitTheSpec(t *testing.T) {
	f := ivsfake.Start(t)
	r := post(t, f, "/CreateStage", `{}`)
	var out ivsapi.CreateStageResponse
	require.NoError(t, json.Unmarshal(r.Body, &out))
	require.NotNil(t, out.Stage.Endpoints)
	require.NoError(t, out.Stage.Endpoints.Validate())
	for _, e := range []*string{out.Stage.Endpoints.Events, out.Stage.Endpoints.Whip, out.Stage.Endpoints.Rtmp, out.Stage.Endpoints.Rtmps} {
		require.NotNil(t, e)
		assert.LessOrEqual(t, len(*e), ivsapi.StageEndpointsEventsMaxLength)
	}
}

// olderRecords rewrites every record of a state file as an ivsrt of the
// 2024-06-20 API wrote it: stages without endpoints and with only the
// recording configuration's storageConfigurationArn and mediaTypes;
// participants without the members added since; events without
// exchanged tokens.
func olderRecords(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	defer db.Close()
	edit := func(b *bolt.Bucket, fn func(rec map[string]any)) {
		require.NoError(t, b.ForEach(func(k, v []byte) error {
			var rec map[string]any
			require.NoError(t, json.Unmarshal(v, &rec))
			fn(rec)
			data, err := json.Marshal(rec)
			require.NoError(t, err)
			return b.Put(k, data)
		}))
	}
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("ns")).ForEachBucket(func(name []byte) error {
			ns := tx.Bucket([]byte("ns")).Bucket(name)
			edit(ns.Bucket([]byte("stages")), func(rec map[string]any) {
				delete(rec, "endpoints")
				r := rec["rec"].(map[string]any)
				for k := range r {
					if k != "storageConfigurationArn" && k != "mediaTypes" {
						delete(r, k)
					}
				}
			})
			edit(ns.Bucket([]byte("participants")), func(rec map[string]any) {
				for _, k := range []string{"protocol", "tokenExpires"} {
					delete(rec, k)
				}
				for _, e := range rec["events"].([]any) {
					delete(e.(map[string]any), "exchange")
				}
			})
			return nil
		})
	}))
}

// TestOlderStateFileLoads: a state file written before the members AWS
// added after 2024-06-20 loads; its stages read back with the documented
// defaults of those members and with endpoints in the documented form,
// the same at every load, and the file is not rewritten by reading it.
func TestOlderStateFileLoads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := openStore(t, path)
	f := ivsfake.Start(t, ivsfake.Options{Store: s})
	arn := stageDoc(t, f, "/CreateStage", `{"autoParticipantRecordingConfiguration":{"storageConfigurationArn":"`+storageArn+`","mediaTypes":["AUDIO_ONLY"],"recordingReconnectWindowSeconds":60}}`)["arn"].(string)
	require.NoError(t, s.Close())
	olderRecords(t, path)

	before := fileSum(t, path)
	var ids []string
	for range 2 {
		s := openStore(t, path)
		f := ivsfake.Start(t, ivsfake.Options{Store: s})
		st := stageDoc(t, f, "/GetStage", `{"arn":"`+arn+`"}`)
		assert.JSONEq(t, `{"hlsConfiguration":{"targetSegmentDurationSeconds":6},"mediaTypes":["AUDIO_ONLY"],`+
			`"recordParticipantReplicas":true,"recordingReconnectWindowSeconds":0,"storageConfigurationArn":"`+storageArn+`",`+
			`"thumbnailConfiguration":{"recordingMode":"DISABLED","storage":["SEQUENTIAL"],"targetIntervalSeconds":60}}`, recordingJSON(t, st))
		ids = append(ids, endpointID(t, st))
		require.NoError(t, s.Close())
	}
	assert.Equal(t, ids[0], ids[1], "a stage stored without endpoints gets the same ones at every load")
	assert.Equal(t, before, fileSum(t, path), "reading it rewrote nothing")
}
