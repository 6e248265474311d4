package ivsfake_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// openStore opens a state file, closed when the test ends.
func openStore(t *testing.T, path string) *ivsfake.Store {
	t.Helper()
	s, err := ivsfake.OpenStore(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(data)
}

// stateFile makes a state file holding one stage, and returns its path.
func stateFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := ivsfake.OpenStore(path)
	require.NoError(t, err)
	f := ivsfake.Start(t, ivsfake.Options{Store: s})
	createStage(t, f, &ivsrealtime.CreateStageInput{Name: aws.String("kept")})
	require.NoError(t, s.Close())
	return path
}

// TestStoreRefusesWhatIsNotItsOwn: random bytes, a truncated file, a bbolt
// file of somebody else, a state file of a later format and a file in use
// are refused with one line naming the reason, and left byte for byte as
// they were.
func TestStoreRefusesWhatIsNotItsOwn(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	page := os.Getpagesize()
	randomPages := make([]byte, 8*page)
	_, _ = rand.Read(randomPages)

	goodPath := stateFile(t)
	good, err := os.ReadFile(goodPath)
	require.NoError(t, err)
	// used is how much of the file bbolt's pages take; past it is room
	// to grow, which a truncation may cut without losing anything.
	db, err := bolt.Open(goodPath, 0o600, &bolt.Options{ReadOnly: true})
	require.NoError(t, err)
	var used int
	require.NoError(t, db.View(func(tx *bolt.Tx) error { used = int(tx.Size()); return nil }))
	require.NoError(t, db.Close())
	require.Greater(t, used, 5*page)

	foreign := filepath.Join(dir, "foreign.db")
	db, err = bolt.Open(foreign, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("widgets"))
		if err != nil {
			return err
		}
		return b.Put([]byte("a"), []byte("b"))
	}))
	require.NoError(t, db.Close())

	future := write("future.db", good)
	db, err = bolt.Open(future, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("ivsrt")).Put([]byte("format"), []byte(fmt.Sprint(ivsfake.StoreFormat+1)))
	}))
	require.NoError(t, db.Close())

	cases := map[string]struct {
		path, why string
	}{
		"random bytes":         {write("random.db", randomPages[:5000]), "not a whole bbolt file"},
		"random pages":         {write("pages.db", randomPages), "not an ivsrt state file"},
		"truncated":            {write("truncated.db", good[:used-page]), "truncated"},
		"truncated mid-page":   {write("short.db", good[:len(good)-100]), "not a whole bbolt file"},
		"a foreign bbolt file": {foreign, `not an ivsrt state file (no "ivsrt state" marker)`},
		"a later format":       {future, fmt.Sprintf("format %d, written by a later ivsrt", ivsfake.StoreFormat+1)},
		"a directory":          {dir, "not a regular file"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var before [32]byte
			if name != "a directory" {
				before = fileSum(t, c.path)
			}
			s, err := ivsfake.OpenStore(c.path)
			require.Error(t, err)
			if s != nil {
				_ = s.Close()
			}
			assert.ErrorIs(t, err, ivsfake.ErrStateRefused)
			assert.Contains(t, err.Error(), c.why)
			assert.NotContains(t, err.Error(), "\n", "one line")
			if name != "a directory" {
				assert.Equal(t, before, fileSum(t, c.path), "the refused file is unchanged")
			}
		})
	}
}

// TestStoreDanglingSymlink: a state file path that is a symbolic link to
// a missing file is refused, and its target is not created (issue 18: it
// was); a link to an existing state file is followed.
func TestStoreDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere", "state.db")
	require.NoError(t, os.Mkdir(filepath.Dir(target), 0o700))
	link := filepath.Join(dir, "state.db")
	require.NoError(t, os.Symlink(target, link))
	s, err := ivsfake.OpenStore(link)
	if s != nil {
		_ = s.Close()
	}
	require.ErrorIs(t, err, ivsfake.ErrStateRefused)
	assert.Contains(t, err.Error(), "a symbolic link to "+target+", which does not exist")
	_, err = os.Stat(target)
	assert.ErrorIs(t, err, os.ErrNotExist, "the target is not created")

	good := stateFile(t)
	require.NoError(t, os.Remove(link))
	require.NoError(t, os.Symlink(good, link))
	openStore(t, link)
}

// TestStoreInUse: a second open of a file in use is refused within the
// lock timeout, not left waiting.
func TestStoreInUse(t *testing.T) {
	path := stateFile(t)
	openStore(t, path)
	before := fileSum(t, path)
	start := time.Now()
	_, err := ivsfake.OpenStore(path)
	require.ErrorIs(t, err, ivsfake.ErrStateRefused)
	assert.Contains(t, err.Error(), "in use by another process")
	assert.Less(t, time.Since(start), 10*ivsfake.StoreLockTimeout)
	assert.Equal(t, before, fileSum(t, path))
}

// TestStoreCreatesMissingAndEmptyFiles: a missing file is created, and so
// is a zero-length one (it holds no state to lose).
func TestStoreCreatesMissingAndEmptyFiles(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	for _, path := range []string{filepath.Join(dir, "missing.db"), empty} {
		s := openStore(t, path)
		ns, err := s.Namespaces()
		require.NoError(t, err)
		assert.Empty(t, ns)
		require.NoError(t, s.Close())
		info, err := os.Stat(path)
		require.NoError(t, err)
		assert.Positive(t, info.Size())
		openStore(t, path) // and it opens again as a state file
	}
}

// TestStoreKeepsStateAndPageTokens: a fake on a reopened store answers as
// before, page tokens of the first one continue its listings, and a token
// issued before still joins.
func TestStoreKeepsStateAndPageTokens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := openStore(t, path)
	f := ivsfake.Start(t, ivsfake.Options{Store: s})
	var arns []string
	for i := range 5 {
		out := createStage(t, f, &ivsrealtime.CreateStageInput{
			Name: aws.String(fmt.Sprint("stage-", i)), Tags: map[string]string{"i": fmt.Sprint(i)},
			ParticipantTokenConfigurations: tokenConfigs("alice", "bob"),
		})
		arns = append(arns, *out.Stage.Arn)
		if i == 0 {
			j := join(t, f, out.ParticipantTokens[0])
			require.NoError(t, f.Control.Publish(ctxT(t), ivscontrol.ParticipantRef{StageArn: j.StageArn, ParticipantId: j.ParticipantId}))
		}
	}
	pending, err := f.Client.CreateParticipantToken(ctxT(t), &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(arns[1]), UserId: aws.String("later")})
	require.NoError(t, err)
	_, err = f.Client.DeleteStage(ctxT(t), &ivsrealtime.DeleteStageInput{Arn: aws.String(arns[4])})
	require.NoError(t, err)
	first := post(t, f, "/ListStages", `{"maxResults":2}`)
	require.Equal(t, http.StatusOK, first.Status)
	var page struct{ NextToken string }
	require.NoError(t, json.Unmarshal(first.Body, &page))
	require.NotEmpty(t, page.NextToken)
	next := `{"maxResults":2,"nextToken":"` + page.NextToken + `"}`
	want := post(t, f, "/ListStages", next)
	wantStage := post(t, f, "/GetStage", `{"arn":"`+arns[0]+`"}`)
	wantSessions := post(t, f, "/ListStageSessions", `{"stageArn":"`+arns[4]+`"}`)
	require.NoError(t, s.Close())

	f2 := ivsfake.Start(t, ivsfake.Options{Store: openStore(t, path)})
	assert.Equal(t, string(want.Body), string(post(t, f2, "/ListStages", next).Body), "an old page token continues the listing")
	assert.Equal(t, string(first.Body), string(post(t, f2, "/ListStages", `{"maxResults":2}`).Body))
	assert.Equal(t, string(wantStage.Body), string(post(t, f2, "/GetStage", `{"arn":"`+arns[0]+`"}`).Body))
	assert.Equal(t, string(wantSessions.Body), string(post(t, f2, "/ListStageSessions", `{"stageArn":"`+arns[4]+`"}`).Body), "a deleted stage's sessions are kept")
	j := join(t, f2, *pending.ParticipantToken)
	assert.Equal(t, arns[1], j.StageArn)
}

// TestStoreNamespacesAndReset: namespaces of one file are apart, and
// Namespaces lists those stored. A reset with signatures unchecked
// empties every namespace the file holds, those the fake never loaded
// too (TestControlSignedUnderVerify: a signed one only the signer's).
func TestStoreNamespacesAndReset(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "state.db"))
	east := ivsfake.Start(t, ivsfake.Options{Store: s})
	west := ivsfake.Start(t, ivsfake.Options{Store: s, Region: "us-west-2", Account: "210987654321"})
	createStage(t, east, nil)
	createStage(t, west, nil)
	ns, err := s.Namespaces()
	require.NoError(t, err)
	assert.ElementsMatch(t, []ivsfake.Namespace{{Account: "123456789012", Region: "us-east-1"}, {Account: "210987654321", Region: "us-west-2"}}, ns)

	// A Memory of its own reads what the file holds for west.
	westStored := ivsfake.NewMemory(ivsfake.Options{Store: s, Region: "us-west-2", Account: "210987654321"})
	_, stages := westStored.StageQuota()
	assert.Equal(t, 1, stages, "west's stage is in the file")

	require.NoError(t, east.Control.Reset(ctxT(t)))
	ns, err = s.Namespaces()
	require.NoError(t, err)
	assert.Empty(t, ns, "a namespace that holds nothing is not kept in the file either")
	for _, opts := range []ivsfake.Options{{Store: s}, {Store: s, Region: "us-west-2", Account: "210987654321"}} {
		quota, stages := ivsfake.NewMemory(opts).StageQuota()
		assert.Equal(t, 0, stages, "%s/%s is empty in the file after the reset", opts.Account, opts.Region)
		assert.Equal(t, ivsfake.DefaultStageQuota, quota)
	}
}

// TestStoreCommitFailure: when the file cannot take a change (here it is
// full), the operation answers 500 InternalServerException and the change
// is not kept, in the file or in memory.
func TestStoreCommitFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := openStore(t, path)
	var log bytes.Buffer
	f := ivsfake.Start(t, ivsfake.Options{Store: s, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	kept := *createStage(t, f, nil).Stage.Arn
	info, err := os.Stat(path)
	require.NoError(t, err)
	ivsfake.SetStoreMaxSize(s, int(info.Size()))

	big := map[string]string{}
	for i := range 50 {
		big[fmt.Sprintf("key-%02d", i)] = strings.Repeat("v", 256)
	}
	var failed error
	var failedName string
	for i := 0; i < 100 && failed == nil; i++ {
		failedName = fmt.Sprint("big-", i)
		_, failed = f.Client.CreateStage(ctxT(t), &ivsrealtime.CreateStageInput{Name: aws.String(failedName), Tags: big})
	}
	require.Error(t, failed, "a full file fails a commit within 100 stages of 13 KB")
	requireErrorCode(t, failed, "InternalServerException", http.StatusInternalServerError)
	assert.Contains(t, failed.Error(), "The change could not be stored in the state file")
	// The file's path and Go's error are the operator's, in the log, not
	// the client's (issue 18: the 500 showed both).
	assert.NotContains(t, failed.Error(), path)
	assert.NotContains(t, failed.Error(), "mmap")
	assert.Contains(t, log.String(), "a change could not be stored in the state file")
	assert.Contains(t, log.String(), "path="+path)
	assert.Contains(t, log.String(), "error=")

	listed, err := f.Client.ListStages(ctxT(t), &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(100)})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	f2 := ivsfake.Start(t, ivsfake.Options{Store: openStore(t, path)})
	relisted, err := f2.Client.ListStages(ctxT(t), &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(100)})
	require.NoError(t, err)
	assert.Equal(t, len(listed.Stages), len(relisted.Stages), "memory holds what the file holds")
	assert.Equal(t, kept, *relisted.Stages[0].Arn)
	for _, st := range append(listed.Stages, relisted.Stages...) {
		assert.NotEqual(t, failedName, *st.Name, "the failed stage is not kept")
	}
}

// snapshot reads everything the fake shows, through the API: each stage
// (live, or deleted and still kept, of arns) with its tags, sessions,
// participants and events, the storage configurations and public keys
// with their tags, and the stage quota.
func snapshot(t *testing.T, f *ivsfake.Fake, arns []string) []string {
	t.Helper()
	var out []string
	read := func(path, body string) rawResponse {
		r := post(t, f, path, body)
		out = append(out, path+" "+body+" -> "+fmt.Sprint(r.Status)+" "+string(r.Body))
		return r
	}
	read("/ListStages", `{"maxResults":100}`)
	for _, arn := range arns {
		read("/GetStage", `{"arn":"`+arn+`"}`)
		read("/ListTagsForResource", `{"resourceArn":"`+arn+`"}`)
		var sessions struct{ StageSessions []struct{ SessionId string } }
		require.NoError(t, json.Unmarshal(read("/ListStageSessions", `{"stageArn":"`+arn+`","maxResults":100}`).Body, &sessions))
		for _, s := range sessions.StageSessions {
			at := `"stageArn":"` + arn + `","sessionId":"` + s.SessionId + `"`
			read("/GetStageSession", "{"+at+"}")
			var ps struct {
				Participants []struct{ ParticipantId string }
			}
			require.NoError(t, json.Unmarshal(read("/ListParticipants", "{"+at+`,"maxResults":100}`).Body, &ps))
			for _, p := range ps.Participants {
				read("/GetParticipant", "{"+at+`,"participantId":"`+p.ParticipantId+`"}`)
				read("/ListParticipantEvents", "{"+at+`,"participantId":"`+p.ParticipantId+`","maxResults":100}`)
				read("/ListParticipantReplicas", `{"sourceStageArn":"`+arn+`","participantId":"`+p.ParticipantId+`"}`)
			}
		}
	}
	var scs struct{ StorageConfigurations []struct{ Arn string } }
	require.NoError(t, json.Unmarshal(read("/ListStorageConfigurations", `{"maxResults":100}`).Body, &scs))
	for _, sc := range scs.StorageConfigurations {
		read("/GetStorageConfiguration", `{"arn":"`+sc.Arn+`"}`)
		read("/ListTagsForResource", `{"resourceArn":"`+sc.Arn+`"}`)
	}
	var pks struct{ PublicKeys []struct{ Arn string } }
	require.NoError(t, json.Unmarshal(read("/ListPublicKeys", `{"maxResults":100}`).Body, &pks))
	for _, k := range pks.PublicKeys {
		read("/GetPublicKey", `{"arn":"`+k.Arn+`"}`)
		read("/ListTagsForResource", `{"resourceArn":"`+k.Arn+`"}`)
	}
	var ics struct{ IngestConfigurations []struct{ Arn string } }
	require.NoError(t, json.Unmarshal(read("/ListIngestConfigurations", `{"maxResults":100}`).Body, &ics))
	for _, ic := range ics.IngestConfigurations {
		read("/GetIngestConfiguration", `{"arn":"`+ic.Arn+`"}`)
		read("/ListTagsForResource", `{"resourceArn":"`+ic.Arn+`"}`)
	}
	var ecs struct{ EncoderConfigurations []struct{ Arn string } }
	require.NoError(t, json.Unmarshal(read("/ListEncoderConfigurations", `{"maxResults":100}`).Body, &ecs))
	for _, ec := range ecs.EncoderConfigurations {
		read("/GetEncoderConfiguration", `{"arn":"`+ec.Arn+`"}`)
		read("/ListTagsForResource", `{"resourceArn":"`+ec.Arn+`"}`)
	}
	var cs struct{ Compositions []struct{ Arn string } }
	require.NoError(t, json.Unmarshal(read("/ListCompositions", `{"maxResults":100}`).Body, &cs))
	for _, c := range cs.Compositions {
		read("/GetComposition", `{"arn":"`+c.Arn+`"}`)
		read("/ListTagsForResource", `{"resourceArn":"`+c.Arn+`"}`)
	}
	quota, stages := f.Server.Memory.StageQuota()
	return append(out, fmt.Sprint("quota ", quota, " stages ", stages))
}

// storeReadOnly are the operations and control actions that change
// nothing a state file holds, and why. Every other operation and action
// needs a step in TestStoreCommitsEveryChangeItself.
var storeReadOnly = map[string]string{
	ivsapi.OpGetParticipant:            "reads",
	ivsapi.OpGetStage:                  "reads",
	ivsapi.OpGetStageSession:           "reads",
	ivsapi.OpGetStorageConfiguration:   "reads",
	ivsapi.OpListParticipantEvents:     "reads",
	ivsapi.OpListParticipants:          "reads",
	ivsapi.OpListStageSessions:         "reads",
	ivsapi.OpListStages:                "reads",
	ivsapi.OpListStorageConfigurations: "reads",
	ivsapi.OpListTagsForResource:       "reads",
	ivsapi.OpGetPublicKey:              "reads",
	ivsapi.OpListPublicKeys:            "reads",
	ivsapi.OpGetIngestConfiguration:    "reads",
	ivsapi.OpListIngestConfigurations:  "reads",
	ivsapi.OpGetEncoderConfiguration:   "reads",
	ivsapi.OpListEncoderConfigurations: "reads",
	ivsapi.OpGetComposition:            "reads",
	ivsapi.OpListCompositions:          "reads",
	ivsapi.OpListParticipantReplicas:   "reads (a reconnect window it finds over is stopped as the source's next call would)",
	"/faults":                          "injected faults live in the process only: a restart clears them",
}

// storeStep is one change TestStoreCommitsEveryChangeItself makes, by the
// operation (ivsapi.Operations) or control action (ControlActions) it
// calls.
type storeStep struct {
	action, name string
	do           func() error
}

// unimplementedGetStage is a Memory whose GetStage has no behaviour yet,
// as ivsapi.UnimplementedBackend answers.
type unimplementedGetStage struct{ *ivsfake.Memory }

func (unimplementedGetStage) GetStage(context.Context, *ivsapi.GetStageRequest) (*ivsapi.GetStageResponse, error) {
	return nil, ivsapi.NotImplemented(ivsapi.OpGetStage)
}

// TestStoreStepsSkipWhatIsNotImplemented: checkStoreSteps tells an
// operation without behaviour (skipped) from one with behaviour (which
// needs a step or a declaration), by calling it.
func TestStoreStepsSkipWhatIsNotImplemented(t *testing.T) {
	m := ivsfake.NewMemory(ivsfake.Options{})
	assert.True(t, ivsfake.NotImplemented(unimplementedGetStage{m}, ivsapi.OpGetStage))
	assert.False(t, ivsfake.NotImplemented(m, ivsapi.OpGetStage), "GetStage with an empty request panics: it has behaviour")
	assert.False(t, ivsfake.NotImplemented(m, ivsapi.OpListStages), "ListStages answers")
	assert.False(t, ivsfake.NotImplemented(m, "NoSuchOperation"))
}

// checkStoreSteps fails the test for an operation or control action that
// has neither a step nor a place in storeReadOnly, and for a step or
// declaration naming one that no longer exists.
func checkStoreSteps(t *testing.T, steps []storeStep) {
	t.Helper()
	stepped := map[string]bool{}
	for _, s := range steps {
		stepped[s.action] = true
	}
	known := map[string]bool{}
	for _, op := range ivsapi.Operations {
		known[op] = true
		switch {
		case stepped[op] && storeReadOnly[op] != "":
			t.Errorf("operation %s has a step and is declared read-only in storeReadOnly: which is it?", op)
		case stepped[op] || storeReadOnly[op] != "":
		case ivsfake.NotImplemented(ivsfake.NewMemory(ivsfake.Options{}), op):
			t.Logf("operation %s answers NotImplementedException: it has no behaviour yet, so nothing to store", op)
		default:
			t.Errorf("operation %s has no step in TestStoreCommitsEveryChangeItself and is not declared in storeReadOnly: "+
				"give it a step that changes the state (the test then checks the state file holds the change), or declare it read-only", op)
		}
	}
	for _, a := range ivsfake.ControlActions() {
		known[a] = true
		if !stepped[a] && storeReadOnly[a] == "" {
			t.Errorf("control action %s has no step in TestStoreCommitsEveryChangeItself and is not declared in storeReadOnly: "+
				"give it a step that changes the state, or declare why it changes nothing stored", a)
		}
	}
	for a := range stepped {
		if !known[a] {
			t.Errorf("step for %s: no such operation or control action", a)
		}
	}
	for a := range storeReadOnly {
		if !known[a] {
			t.Errorf("storeReadOnly declares %s: no such operation or control action", a)
		}
	}
}

// TestStoreCommitsEveryChangeItself: after each mutating operation, of
// the AWS API and of the control API, a fake loaded from the file shows
// exactly what the live one shows, and holds the same records: each
// operation commits what it changed, not a later one. Each operation and
// control action has a step here or is declared read-only, and reading
// everything after each step writes nothing.
func TestStoreCommitsEveryChangeItself(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := openStore(t, path)
	clock := &fakeClock{now: time.Date(2024, 6, 20, 12, 0, 0, 0, time.UTC)}
	// Bounds low enough for steps to pass them: what they drop goes from
	// the file too, and what page tokens count from stays.
	limits := ivsfake.Limits{SessionsPerStage: 3, EventsPerParticipant: 6, Compositions: 2}
	f := ivsfake.Start(t, ivsfake.Options{Store: s, Now: clock.Now, Limits: limits})
	ctx := ctxT(t)
	var arns []string
	var bob ivscontrol.ParticipantRef
	var sc string
	var tokens, unused []types.ParticipantToken
	var refs []ivscontrol.ParticipantRef
	var exchanged string
	signer, signerPEM := newP384(t)
	var pk, ingest, streamKey, enc, comp string
	ref := func(i int) ivscontrol.ParticipantRef { return refs[i] }
	steps := []storeStep{
		{ivsapi.OpCreateStorageConfiguration, "", func() error {
			out, err := f.Client.CreateStorageConfiguration(ctx, &ivsrealtime.CreateStorageConfigurationInput{S3: &types.S3StorageConfiguration{BucketName: aws.String("bucket-b")}, Tags: map[string]string{"a": "1"}})
			if err == nil {
				sc = *out.StorageConfiguration.Arn
			}
			return err
		}},
		{ivsapi.OpTagResource, "storage", func() error {
			_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: &sc, Tags: map[string]string{"b": "2"}})
			return err
		}},
		{ivsapi.OpUntagResource, "storage", func() error {
			_, err := f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: &sc, TagKeys: []string{"a"}})
			return err
		}},
		{ivsapi.OpImportPublicKey, "", func() error {
			out, err := f.Client.ImportPublicKey(ctx, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &signerPEM, Name: aws.String("signer"), Tags: map[string]string{"a": "1"}})
			if err == nil {
				pk = *out.PublicKey.Arn
			}
			return err
		}},
		{ivsapi.OpTagResource, "public key", func() error {
			_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: &pk, Tags: map[string]string{"b": "2"}})
			return err
		}},
		{ivsapi.OpUntagResource, "public key", func() error {
			_, err := f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: &pk, TagKeys: []string{"a"}})
			return err
		}},
		{ivsapi.OpCreateStage, "", func() error {
			out, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{
				Name: aws.String("s"), Tags: map[string]string{"x": "1"},
				AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: &sc},
				ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{
					{UserId: aws.String("alice"), Attributes: map[string]string{"k": "v"}},
					{UserId: aws.String("bob"), Capabilities: []types.ParticipantTokenCapability{types.ParticipantTokenCapabilitySubscribe}},
					{UserId: aws.String("carol")},
				},
			})
			if err == nil {
				arns, tokens = append(arns, *out.Stage.Arn), out.ParticipantTokens
			}
			return err
		}},
		{ivsapi.OpCreateStage, "plain, with a token nobody uses", func() error {
			out, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{UserId: aws.String("nobody")}}})
			if err == nil {
				arns, unused = append(arns, *out.Stage.Arn), out.ParticipantTokens
			}
			return err
		}},
		{ivsapi.OpUpdateStage, "", func() error {
			_, err := f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: &arns[0], Name: aws.String("renamed")})
			return err
		}},
		{ivsapi.OpTagResource, "stage", func() error {
			_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: &arns[0], Tags: map[string]string{"y": "2"}})
			return err
		}},
		{ivsapi.OpUntagResource, "stage", func() error {
			_, err := f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: &arns[0], TagKeys: []string{"x"}})
			return err
		}},
		{ivsapi.OpCreateParticipantToken, "", func() error {
			out, err := f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: &arns[0], UserId: aws.String("dave")})
			if err == nil {
				tokens = append(tokens, *out.ParticipantToken)
			}
			return err
		}},
		{"/join", "", func() error {
			for i, tok := range tokens {
				in := ivscontrol.JoinInput{Token: *tok.Token, ClientInfo: ivscontrol.ClientInfo{OsName: "linux"}}
				if i == 3 {
					in.Protocol = "WHIP"
				}
				j, err := f.Control.Join(ctx, in)
				if err != nil {
					return err
				}
				refs = append(refs, ivscontrol.ParticipantRef{StageArn: j.StageArn, ParticipantId: j.ParticipantId})
			}
			return nil
		}},
		{"/publish", "", func() error { return f.Control.Publish(ctx, ref(0)) }},
		{"/publish", "refused (PUBLISH_ERROR)", func() error {
			if f.Control.Publish(ctx, ref(1)) == nil {
				return fmt.Errorf("bob published")
			}
			return nil
		}},
		{"/publish", "that fails (PUBLISH_ERROR)", func() error { return f.Control.FailPublish(ctx, ref(3), "BITRATE_EXCEEDED") }},
		{"/publish", "dave", func() error { return f.Control.Publish(ctx, ref(3)) }},
		{ivsapi.OpStartParticipantReplication, "dave to the plain stage", func() error {
			_, err := f.Client.StartParticipantReplication(ctx, &ivsrealtime.StartParticipantReplicationInput{SourceStageArn: &arns[0],
				DestinationStageArn: &arns[1], ParticipantId: &refs[3].ParticipantId, ReconnectWindowSeconds: aws.Int32(5), Attributes: map[string]string{"r": "1"}})
			return err
		}},
		{ivsapi.OpStopParticipantReplication, "", func() error {
			_, err := f.Client.StopParticipantReplication(ctx, &ivsrealtime.StopParticipantReplicationInput{SourceStageArn: &arns[0],
				DestinationStageArn: &arns[1], ParticipantId: &refs[3].ParticipantId})
			return err
		}},
		{ivsapi.OpStartParticipantReplication, "dave again, for good (the stage's deletion ends it)", func() error {
			_, err := f.Client.StartParticipantReplication(ctx, &ivsrealtime.StartParticipantReplicationInput{SourceStageArn: &arns[0],
				DestinationStageArn: &arns[1], ParticipantId: &refs[3].ParticipantId})
			return err
		}},
		{"/subscribe", "bob to dave", func() error { return f.Control.Subscribe(ctx, ref(1), ref(3).ParticipantId) }},
		{"/subscribe", "carol to dave", func() error { return f.Control.Subscribe(ctx, ref(2), ref(3).ParticipantId) }},
		{"/subscribe", "refused: bob does not publish (SUBSCRIBE_ERROR)", func() error {
			if f.Control.Subscribe(ctx, ref(0), ref(1).ParticipantId) == nil {
				return fmt.Errorf("alice subscribed to bob, who does not publish")
			}
			return nil
		}},
		{"/unsubscribe", "carol from dave", func() error { return f.Control.Unsubscribe(ctx, ref(2), ref(3).ParticipantId) }},
		{"/exchange-token", "without PUBLISH: dave stops publishing, and bob subscribing to him", func() error {
			out, err := f.Control.ExchangeToken(ctx, ivscontrol.ExchangeTokenInput{ParticipantRef: ref(3), UserId: aws.String("dave-2"),
				Attributes: map[string]string{"role": "viewer"}, Capabilities: []string{"SUBSCRIBE"}, Duration: aws.Int32(60)})
			if err == nil {
				exchanged = out.ParticipantToken.Token
			}
			return err
		}},
		{"/leave", "dave", func() error { return f.Control.Leave(ctx, ref(3)) }},
		{"/join", "again, with the token of the exchange", func() error {
			_, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: exchanged, Protocol: "RTMPS"})
			return err
		}},
		{"/recording", "started", func() error { return f.Control.StartRecording(ctx, ref(0)) }},
		{"/publish", "that fails mid-stream (PUBLISH_ERROR, PUBLISH_STOPPED)", func() error {
			return f.Control.FailPublish(ctx, ref(0), "STREAM_DURATION_EXCEEDED")
		}},
		{"/leave", "", func() error { return f.Control.Leave(ctx, ref(0)) }},
		{"/recording", "of one who left", func() error { return f.Control.SetRecording(ctx, ref(0), "STOPPED") }},
		{"/join", "again", func() error {
			_, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *tokens[0].Token})
			return err
		}},
		{ivsapi.OpDisconnectParticipant, "", func() error {
			_, err := f.Client.DisconnectParticipant(ctx, &ivsrealtime.DisconnectParticipantInput{StageArn: &arns[0], ParticipantId: &refs[2].ParticipantId})
			return err
		}},
		{"/join", "refused (JOIN_ERROR)", func() error {
			if _, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *tokens[2].Token}); err == nil {
				return fmt.Errorf("carol joined")
			}
			return nil
		}},
		{"/end-session", "", func() error { return f.Control.EndSession(ctx, arns[0]) }},
		{"/join", "a new session", func() error {
			_, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *tokens[3].Token})
			return err
		}},
		{"/join", "bob, in the new session", func() error {
			j, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *tokens[1].Token})
			bob = j.Ref()
			return err
		}},
		{"/leave", "and joins again, past the events bound (the oldest go)", func() error {
			for range 4 {
				if err := f.Control.Leave(ctx, bob); err != nil {
					return err
				}
				if _, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *tokens[1].Token}); err != nil {
					return err
				}
			}
			ev, err := f.Client.ListParticipantEvents(ctx, &ivsrealtime.ListParticipantEventsInput{StageArn: &arns[0], SessionId: aws.String(liveSession(t, f, bob)), ParticipantId: &bob.ParticipantId})
			if err == nil && len(ev.Events) != limits.EventsPerParticipant {
				err = fmt.Errorf("bob has %d events, want the bound's %d", len(ev.Events), limits.EventsPerParticipant)
			}
			return err
		}},
		{"/end-session", "and new ones, past the sessions bound (the oldest go)", func() error {
			for range 2 {
				if err := f.Control.EndSession(ctx, arns[0]); err != nil {
					return err
				}
				if _, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *tokens[3].Token}); err != nil {
					return err
				}
			}
			ss, err := f.Client.ListStageSessions(ctx, &ivsrealtime.ListStageSessionsInput{StageArn: &arns[0]})
			if err == nil && len(ss.StageSessions) != limits.SessionsPerStage {
				err = fmt.Errorf("the stage has %d sessions, want the bound's %d", len(ss.StageSessions), limits.SessionsPerStage)
			}
			return err
		}},
		{"/join", "refused, the tokens expired (the unused one is freed)", func() error {
			clock.add(13 * time.Hour)
			if _, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *unused[0].Token}); err == nil {
				return fmt.Errorf("an expired token joined")
			}
			return nil
		}},
		{ivsapi.OpDeleteStage, "(its used, expired tokens are freed)", func() error {
			_, err := f.Client.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: &arns[0]})
			return err
		}},
		{ivsapi.OpUpdateStage, "off the storage", func() error {
			_, err := f.Client.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: &arns[1], Name: aws.String("n")})
			return err
		}},
		{ivsapi.OpDeleteStorageConfiguration, "", func() error {
			_, err := f.Client.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: &sc})
			return err
		}},
		{"/join", "with a self-signed token", func() error {
			c := claims(arns[1], "self-signed")
			c["exp"] = clock.Now().Add(time.Hour).Unix()
			token, err := signParticipantToken(signer, pk, c)
			if err == nil {
				_, err = f.Control.Join(ctx, ivscontrol.JoinInput{Token: token})
			}
			return err
		}},
		{ivsapi.OpDeletePublicKey, "", func() error {
			_, err := f.Client.DeletePublicKey(ctx, &ivsrealtime.DeletePublicKeyInput{Arn: &pk})
			return err
		}},
		{ivsapi.OpImportPublicKey, "again, after the delete", func() error {
			_, err := f.Client.ImportPublicKey(ctx, &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: &signerPEM})
			return err
		}},
		{ivsapi.OpCreateIngestConfiguration, "", func() error {
			out, err := f.Client.CreateIngestConfiguration(ctx, &ivsrealtime.CreateIngestConfigurationInput{
				IngestProtocol: types.IngestProtocolRtmps, Name: aws.String("encoder"), UserId: aws.String("u"),
				Attributes: map[string]string{"k": "v"}, Tags: map[string]string{"a": "1"},
			})
			if err == nil {
				ingest, streamKey = *out.IngestConfiguration.Arn, *out.IngestConfiguration.StreamKey
			}
			return err
		}},
		{ivsapi.OpTagResource, "ingest configuration", func() error {
			_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: &ingest, Tags: map[string]string{"b": "2"}})
			return err
		}},
		{ivsapi.OpUntagResource, "ingest configuration", func() error {
			_, err := f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: &ingest, TagKeys: []string{"a"}})
			return err
		}},
		{ivsapi.OpUpdateIngestConfiguration, "", func() error {
			_, err := f.Client.UpdateIngestConfiguration(ctx, &ivsrealtime.UpdateIngestConfigurationInput{Arn: &ingest, StageArn: &arns[1]})
			return err
		}},
		{ivsapi.OpCreateIngestConfiguration, "RTMP, kept", func() error {
			_, err := f.Client.CreateIngestConfiguration(ctx, &ivsrealtime.CreateIngestConfigurationInput{
				IngestProtocol: types.IngestProtocolRtmp, InsecureIngest: true, StageArn: &arns[1],
			})
			return err
		}},
		{"/ingest", "", func() error {
			_, err := f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: streamKey})
			return err
		}},
		{"/ingest", "stop", func() error { return f.Control.StopIngest(ctx, streamKey) }},
		{"/ingest", "again", func() error {
			_, err := f.Control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: streamKey})
			return err
		}},
		{ivsapi.OpDeleteIngestConfiguration, "with force, while publishing", func() error {
			_, err := f.Client.DeleteIngestConfiguration(ctx, &ivsrealtime.DeleteIngestConfigurationInput{Arn: &ingest, Force: true})
			return err
		}},
		{ivsapi.OpCreateEncoderConfiguration, "", func() error {
			out, err := f.Client.CreateEncoderConfiguration(ctx, &ivsrealtime.CreateEncoderConfigurationInput{Name: aws.String("e"), Tags: map[string]string{"a": "1"}})
			if err == nil {
				enc = *out.EncoderConfiguration.Arn
			}
			return err
		}},
		{ivsapi.OpTagResource, "encoder configuration", func() error {
			_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: &enc, Tags: map[string]string{"b": "2"}})
			return err
		}},
		{ivsapi.OpUntagResource, "encoder configuration", func() error {
			_, err := f.Client.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: &enc, TagKeys: []string{"a"}})
			return err
		}},
		{ivsapi.OpStartComposition, "", func() error {
			out, err := f.Client.StartComposition(ctx, &ivsrealtime.StartCompositionInput{StageArn: &arns[1], IdempotencyToken: aws.String("t-1"),
				Destinations: []types.DestinationConfiguration{{Channel: &types.ChannelDestinationConfiguration{
					ChannelArn: aws.String("arn:aws:ivs:us-east-1:123456789012:channel/abcdABCD1234"), EncoderConfigurationArn: &enc}}}})
			if err == nil {
				comp = *out.Composition.Arn
			}
			return err
		}},
		{ivsapi.OpTagResource, "composition", func() error {
			_, err := f.Client.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: &comp, Tags: map[string]string{"b": "2"}})
			return err
		}},
		{"/composition", "active", func() error {
			return f.Control.SetComposition(ctx, ivscontrol.CompositionInput{Arn: comp, State: ivscontrol.CompositionActive})
		}},
		{ivsapi.OpStopComposition, "", func() error {
			_, err := f.Client.StopComposition(ctx, &ivsrealtime.StopCompositionInput{Arn: &comp})
			return err
		}},
		{"/composition", "one destination reconnecting", func() error {
			out, err := f.Client.GetComposition(ctx, &ivsrealtime.GetCompositionInput{Arn: &comp})
			if err == nil {
				err = f.Control.SetComposition(ctx, ivscontrol.CompositionInput{Arn: comp, DestinationId: *out.Composition.Destinations[0].Id,
					State: ivscontrol.CompositionDestinationReconnecting})
			}
			return err
		}},
		{"/composition", "stopped", func() error {
			return f.Control.SetComposition(ctx, ivscontrol.CompositionInput{Arn: comp, State: ivscontrol.CompositionStopped})
		}},
		{ivsapi.OpStartComposition, "past the bound, which drops the ended one", func() error {
			for range 2 {
				_, err := f.Client.StartComposition(ctx, &ivsrealtime.StartCompositionInput{StageArn: &arns[1],
					Destinations: []types.DestinationConfiguration{{Channel: &types.ChannelDestinationConfiguration{
						ChannelArn: aws.String("arn:aws:ivs:us-east-1:123456789012:channel/abcdABCD1234")}}}})
				if err != nil {
					return err
				}
			}
			if _, err := f.Client.GetComposition(ctx, &ivsrealtime.GetCompositionInput{Arn: &comp}); err == nil {
				return fmt.Errorf("the ended composition was kept past the bound")
			}
			return nil
		}},
		{ivsapi.OpDeleteEncoderConfiguration, "", func() error {
			_, err := f.Client.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: &enc})
			return err
		}},
		{"/quota", "", func() error {
			_, err := f.Control.SetStageQuota(ctx, 7)
			return err
		}},
		{"/quota", "every quota", func() error {
			_, err := f.Control.SetQuotas(ctx, ivscontrol.QuotasInput{StageQuota: aws.Int(8), StorageConfigurationQuota: aws.Int(9), PublisherQuota: aws.Int(10)})
			return err
		}},
		{"/reset", "", func() error { return f.Control.Reset(ctx) }},
	}
	checkStoreSteps(t, steps)
	read := map[string]bool{} // the operations snapshot called
	for _, step := range steps {
		name := strings.TrimSpace(step.action + " " + step.name)
		require.NoError(t, step.do(), name)
		before := fileSum(t, path)
		want := append(snapshot(t, f, arns), ivsfake.StateRecords(f.Server.Memory))
		assert.Equal(t, before, fileSum(t, path), "after %s, reading everything wrote to the file", name)
		loaded := ivsfake.Start(t, ivsfake.Options{Store: s, Now: clock.Now, Limits: limits})
		got := append(snapshot(t, loaded, arns), ivsfake.StateRecords(loaded.Server.Memory))
		require.Equal(t, want, got, "after %s, the file holds what the fake shows", name)
		for _, line := range want {
			if op, _, ok := strings.Cut(line, " "); ok && strings.HasPrefix(op, "/") {
				read[op[1:]] = true
			}
		}
	}
	for _, op := range ivsapi.Operations {
		if storeReadOnly[op] != "" {
			assert.True(t, read[op], "%s is declared read-only, but snapshot never calls it: nothing checks that it writes nothing", op)
		}
	}
}

// TestStoreUnreadableNamespace: a namespace first asked for when its state
// file can no longer be read (here closed under the fake) answers 500
// InternalServerException in AWS's form, not a dropped connection.
func TestStoreUnreadableNamespace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := openStore(t, path)
	var log bytes.Buffer
	f := ivsfake.Start(t, ivsfake.Options{Store: s, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	require.NoError(t, s.Close())
	_, err := ivsfake.NewClient(f.URL, "eu-west-1").ListStages(ctxT(t), &ivsrealtime.ListStagesInput{})
	requireErrorCode(t, err, "InternalServerException", http.StatusInternalServerError)
	assert.Contains(t, err.Error(), "The state of account 123456789012 in region eu-west-1 could not be read from the state file")
	assert.NotContains(t, err.Error(), path, "the path and Go's error are the operator's, in the log")
	assert.NotContains(t, err.Error(), "database not open")
	assert.Contains(t, log.String(), "database not open")
}

// liveSession is the live session of a participant's stage.
func liveSession(t *testing.T, f *ivsfake.Fake, ref ivscontrol.ParticipantRef) string {
	t.Helper()
	st, err := f.Client.GetStage(ctxT(t), &ivsrealtime.GetStageInput{Arn: &ref.StageArn})
	require.NoError(t, err)
	return aws.ToString(st.Stage.ActiveSessionId)
}
