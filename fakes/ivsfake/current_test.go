package ivsfake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
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

// olderRecords rewrites a state file as an ivsrt of the 2024-06-20 API
// wrote it: format 1, stages without endpoints and with only the
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
		if err := tx.Bucket([]byte("ivsrt")).Put([]byte("format"), []byte("1")); err != nil {
			return err
		}
		return tx.Bucket([]byte("ns")).ForEachBucket(func(name []byte) error {
			ns := tx.Bucket([]byte("ns")).Bucket(name)
			// Records had no seal before format 4.
			require.NoError(t, ns.ForEachBucket(func(bucket []byte) error {
				b := ns.Bucket(bucket)
				var keys, values [][]byte
				require.NoError(t, b.ForEach(func(k, v []byte) error {
					keys, values = append(keys, slices.Clone(k)), append(values, slices.Clone(v[:len(v)-ivsfake.SealSize]))
					return nil
				}))
				for i, k := range keys {
					require.NoError(t, b.Put(k, values[i]))
				}
				return nil
			}))
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
	j, err := f.Control.Join(ctxT(t), ivscontrol.JoinInput{Token: issue(t, f, arn, `,"userId":"old"`)["token"].(string), Protocol: "WHIP"})
	require.NoError(t, err)
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
		p := participantDoc(t, f, j)
		assert.Equal(t, "NONE", p["replicationType"])
		assert.NotContains(t, p, "protocol", "the older record has none")
		require.NoError(t, s.Close())
	}
	assert.Equal(t, ids[0], ids[1], "a stage stored without endpoints gets the same ones at every load")
	assert.Equal(t, before, fileSum(t, path), "reading it rewrote nothing")

	assert.Equal(t, "1", storedFormat(t, path), "a file is not marked by reading it")

	// The older participant exchanges its token: the token it held is
	// shown without the expiry the older record does not know. The change
	// marks the file format 2, which an older ivsrt refuses.
	s = openStore(t, path)
	f = ivsfake.Start(t, ivsfake.Options{Store: s})
	_, err = f.Control.ExchangeToken(ctxT(t), ivscontrol.ExchangeTokenInput{ParticipantRef: ivscontrol.ParticipantRef{StageArn: j.StageArn, ParticipantId: j.ParticipantId}})
	require.NoError(t, err)
	x := eventDocs(t, f, j)[0]
	require.Equal(t, "TOKEN_EXCHANGED", x["name"])
	assert.JSONEq(t, `{"userId":"old","capabilities":["PUBLISH","SUBSCRIBE"]}`, canonical(t, x["previousToken"]))
	assert.Contains(t, x["newToken"], "expirationTime")
	require.NoError(t, s.Close())
	assert.Equal(t, fmt.Sprint(ivsfake.StoreFormat), storedFormat(t, path), "the first change marks the file")

	// and seals every record it held, so the file opens again whole.
	s = openStore(t, path)
	f = ivsfake.Start(t, ivsfake.Options{Store: s})
	assert.Equal(t, j.ParticipantId, participantDoc(t, f, j)["participantId"])
	assert.Equal(t, "TOKEN_EXCHANGED", eventDocs(t, f, j)[0]["name"])
	require.NoError(t, s.Close())
}

// storedFormat is the format a state file says it holds.
func storedFormat(t *testing.T, path string) string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	require.NoError(t, err)
	defer db.Close()
	var format string
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		format = string(tx.Bucket([]byte("ivsrt")).Get([]byte("format")))
		return nil
	}))
	return format
}

// doc sends body to path, wants a 200 and returns the answer.
func doc(t *testing.T, f *ivsfake.Fake, path, body string) map[string]any {
	t.Helper()
	r := post(t, f, path, body)
	require.Equal(t, http.StatusOK, r.Status, "%s %s: %s", path, body, r.Body)
	var out map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &out))
	return out
}

// at is the JSON members naming participant j.
func at(j *ivscontrol.JoinOutput) string {
	return `"stageArn":"` + j.StageArn + `","sessionId":"` + j.SessionId + `","participantId":"` + j.ParticipantId + `"`
}

// participantDoc is GetParticipant's participant.
func participantDoc(t *testing.T, f *ivsfake.Fake, j *ivscontrol.JoinOutput) map[string]any {
	t.Helper()
	return doc(t, f, "/GetParticipant", "{"+at(j)+"}")["participant"].(map[string]any)
}

// eventDocs are ListParticipantEvents' events of j, newest first.
func eventDocs(t *testing.T, f *ivsfake.Fake, j *ivscontrol.JoinOutput) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, e := range doc(t, f, "/ListParticipantEvents", "{"+at(j)+`,"maxResults":100}`)["events"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

func eventNames(evs []map[string]any) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e["name"].(string))
	}
	return out
}

// issue is a token of CreateParticipantToken for stage arn.
func issue(t *testing.T, f *ivsfake.Fake, arn, extra string) map[string]any {
	t.Helper()
	return doc(t, f, "/CreateParticipantToken", `{"stageArn":"`+arn+`"`+extra+`}`)["participantToken"].(map[string]any)
}

// TestParticipantMembersAddedSince: a participant that joined through the
// control API is neither a replica nor replicated (replicationType NONE,
// no replication state or source) nor came through an ingest
// configuration; it reports the protocol it joined with, and none when
// it joined as a broadcast SDK does. Every event says replica false.
func TestParticipantMembersAddedSince(t *testing.T) {
	f := ivsfake.Start(t)
	arn := stageDoc(t, f, "/CreateStage", `{}`)["arn"].(string)
	sdk := join(t, f, tokenOf(issue(t, f, arn, `,"userId":"sdk"`)))
	whip, err := f.Control.Join(ctxT(t), ivscontrol.JoinInput{Token: issue(t, f, arn, "")["token"].(string), Protocol: "WHIP"})
	require.NoError(t, err)

	p := participantDoc(t, f, sdk)
	assert.Equal(t, "NONE", p["replicationType"])
	for _, absent := range []string{"protocol", "replicationState", "sourceStageArn", "sourceSessionId", "redundantIngest", "ingestConfigurationArn"} {
		assert.NotContains(t, p, absent)
	}
	assert.Equal(t, "WHIP", participantDoc(t, f, whip)["protocol"])

	listed := doc(t, f, "/ListParticipants", `{"stageArn":"`+arn+`","sessionId":"`+sdk.SessionId+`"}`)["participants"].([]any)
	require.Len(t, listed, 2)
	for _, it := range listed {
		s := it.(map[string]any)
		assert.Equal(t, "NONE", s["replicationType"])
		assert.NotContains(t, s, "replicationState")
		assert.NotContains(t, s, "protocol", "ParticipantSummary has no protocol")
	}
	for _, e := range eventDocs(t, f, sdk) {
		assert.Equal(t, false, e["replica"], "%v", e)
	}

	// A protocol outside the spec's enum is refused, naming the member.
	_, err = f.Control.Join(ctxT(t), ivscontrol.JoinInput{Token: issue(t, f, arn, "")["token"].(string), Protocol: "SRT"})
	requireWireError(t, err, "ValidationException", http.StatusBadRequest)
	assert.Contains(t, err.Error(), "'protocol'")
}

func tokenOf(tok map[string]any) types.ParticipantToken {
	return types.ParticipantToken{Token: aws.String(tok["token"].(string))}
}

// TestTokenExchange: a joined participant exchanges its token (AWS's token
// exchange): TOKEN_EXCHANGED shows the token it held and the new one, the
// participant takes the new user id, attributes and capabilities, keeps
// its id, and joins again with the new token as itself; a publisher whose
// new token lacks PUBLISH stops publishing.
func TestTokenExchange(t *testing.T) {
	f := ivsfake.Start(t)
	st := stageDoc(t, f, "/CreateStage", `{"autoParticipantRecordingConfiguration":{"storageConfigurationArn":"`+storageArn+`"}}`)
	arn := st["arn"].(string)
	first := issue(t, f, arn, `,"userId":"guest","attributes":{"seat":"1"},"duration":30`)
	j := join(t, f, tokenOf(first))
	ref := ivscontrol.ParticipantRef{StageArn: j.StageArn, ParticipantId: j.ParticipantId}
	require.NoError(t, f.Control.Publish(ctxT(t), ref))
	require.NoError(t, f.Control.StartRecording(ctxT(t), ref))

	out, err := f.Control.ExchangeToken(ctxT(t), ivscontrol.ExchangeTokenInput{ParticipantRef: ref, UserId: aws.String("host"),
		Attributes: map[string]string{"seat": "2", "role": "viewer"}, Capabilities: []string{"SUBSCRIBE"}})
	require.NoError(t, err)
	tok := out.ParticipantToken
	assert.Equal(t, j.ParticipantId, tok.ParticipantId, "the same participant (AWS: jti may not change)")
	assert.Equal(t, int32(720), tok.Duration, "CreateParticipantToken's default duration")
	assert.Equal(t, []string{"SUBSCRIBE"}, tok.Capabilities)
	assert.NotEqual(t, first["token"], tok.Token)

	evs := eventDocs(t, f, j)
	assert.Equal(t, []string{"PUBLISH_STOPPED", "TOKEN_EXCHANGED", "PUBLISH_STARTED", "JOINED"}, eventNames(evs), "newest first")
	x := evs[1]
	assert.JSONEq(t, `{"userId":"guest","attributes":{"seat":"1"},"capabilities":["PUBLISH","SUBSCRIBE"],"expirationTime":"`+first["expirationTime"].(string)+`"}`,
		canonical(t, x["previousToken"]))
	assert.JSONEq(t, `{"userId":"host","attributes":{"seat":"2","role":"viewer"},"capabilities":["SUBSCRIBE"],"expirationTime":"`+tok.ExpirationTime.UTC().Format(time.RFC3339Nano)+`"}`,
		canonical(t, x["newToken"]))
	for _, e := range evs {
		if e["name"] != "TOKEN_EXCHANGED" {
			assert.NotContains(t, e, "previousToken")
			assert.NotContains(t, e, "newToken")
		}
	}

	p := participantDoc(t, f, j)
	assert.Equal(t, "host", p["userId"])
	assert.Equal(t, map[string]any{"seat": "2", "role": "viewer"}, p["attributes"])
	assert.Equal(t, "STOPPING", p["recordingState"], "its recording stops with its publishing")
	assert.Equal(t, true, p["published"], "it did publish")
	hosts := doc(t, f, "/ListParticipants", `{"stageArn":"`+arn+`","sessionId":"`+j.SessionId+`","filterByUserId":"host"}`)["participants"].([]any)
	assert.Len(t, hosts, 1, "the user id filter follows the exchange")

	// It may no longer publish; with the new token it joins again as itself.
	requireWireError(t, f.Control.Publish(ctxT(t), ref), "AccessDeniedException", http.StatusForbidden)
	require.NoError(t, f.Control.Leave(ctxT(t), ref))
	again, err := f.Control.Join(ctxT(t), ivscontrol.JoinInput{Token: tok.Token})
	require.NoError(t, err)
	assert.Equal(t, j.ParticipantId, again.ParticipantId)
	assert.Equal(t, "host", participantDoc(t, f, again)["userId"])

	// Only a connected participant exchanges, and the new token is held to
	// CreateParticipantToken's rules.
	_, err = f.Control.ExchangeToken(ctxT(t), ivscontrol.ExchangeTokenInput{ParticipantRef: ref, Capabilities: []string{"ADMIN"}, Duration: aws.Int32(0)})
	requireWireError(t, err, "ValidationException", http.StatusBadRequest)
	assert.Contains(t, err.Error(), "'capabilities.1.member'")
	assert.Contains(t, err.Error(), "'duration'")
	require.NoError(t, f.Control.Leave(ctxT(t), ref))
	_, err = f.Control.ExchangeToken(ctxT(t), ivscontrol.ExchangeTokenInput{ParticipantRef: ref})
	requireWireError(t, err, "ResourceNotFoundException", http.StatusNotFound)
}

// TestPublishErrors: a publish made to fail with one of the spec's event
// error codes records PUBLISH_ERROR with it; a participant publishing
// already stops (PUBLISH_STOPPED, its recording STOPPING). Codes that are
// not a failed publish's, or not the spec's, are refused.
func TestPublishErrors(t *testing.T) {
	f := ivsfake.Start(t)
	arn := stageDoc(t, f, "/CreateStage", `{"autoParticipantRecordingConfiguration":{"storageConfigurationArn":"`+storageArn+`"}}`)["arn"].(string)
	for _, code := range ivsapi.EventErrorCodeValues {
		if code == "PUBLISHER_NOT_FOUND" || code == "INSUFFICIENT_CAPABILITIES" {
			continue
		}
		j := join(t, f, tokenOf(issue(t, f, arn, "")))
		ref := ivscontrol.ParticipantRef{StageArn: j.StageArn, ParticipantId: j.ParticipantId}
		require.NoError(t, f.Control.FailPublish(ctxT(t), ref, code), code)
		evs := eventDocs(t, f, j)
		assert.Equal(t, []string{"PUBLISH_ERROR", "JOINED"}, eventNames(evs), code)
		assert.Equal(t, code, evs[0]["errorCode"])
		assert.Equal(t, false, participantDoc(t, f, j)["published"], "%s: it never published", code)
	}

	j := join(t, f, tokenOf(issue(t, f, arn, "")))
	ref := ivscontrol.ParticipantRef{StageArn: j.StageArn, ParticipantId: j.ParticipantId}
	require.NoError(t, f.Control.Publish(ctxT(t), ref))
	require.NoError(t, f.Control.StartRecording(ctxT(t), ref))
	require.NoError(t, f.Control.FailPublish(ctxT(t), ref, "BITRATE_EXCEEDED"))
	assert.Equal(t, []string{"PUBLISH_STOPPED", "PUBLISH_ERROR", "PUBLISH_STARTED", "JOINED"}, eventNames(eventDocs(t, f, j)))
	p := participantDoc(t, f, j)
	assert.Equal(t, "STOPPING", p["recordingState"])
	assert.Equal(t, true, p["published"])
	require.NoError(t, f.Control.Publish(ctxT(t), ref), "it may publish again")

	for _, bad := range []string{"PUBLISHER_NOT_FOUND", "INSUFFICIENT_CAPABILITIES", "TOO_LOUD"} {
		requireWireError(t, f.Control.FailPublish(ctxT(t), ref, bad), "ValidationException", http.StatusBadRequest)
	}
	// A token that may not publish fails as it does without an error code.
	sub := join(t, f, tokenOf(issue(t, f, arn, `,"capabilities":["SUBSCRIBE"]`)))
	subRef := ivscontrol.ParticipantRef{StageArn: sub.StageArn, ParticipantId: sub.ParticipantId}
	requireWireError(t, f.Control.FailPublish(ctxT(t), subRef, "BITRATE_EXCEEDED"), "AccessDeniedException", http.StatusForbidden)
	assert.Equal(t, "INSUFFICIENT_CAPABILITIES", eventDocs(t, f, sub)[0]["errorCode"])
}
