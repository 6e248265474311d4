package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// exchange is one request to the fake and the body it answered.
type exchange struct {
	path, body string
	status     int
	answer     string
}

// call posts body to the fake at url+path and returns the exchange.
func call(t *testing.T, url, path, body string) exchange {
	t.Helper()
	resp, err := http.Post(url+path, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return exchange{path: path, body: body, status: resp.StatusCode, answer: string(data)}
}

// pages reads a listing page by page (at most 20 pages) and returns every
// exchange, so that replaying them later also replays their page tokens.
func pages(t *testing.T, url, path string, query map[string]any) []exchange {
	t.Helper()
	var out []exchange
	for range 20 {
		body, err := json.Marshal(query)
		require.NoError(t, err)
		x := call(t, url, path, string(body))
		require.Equal(t, http.StatusOK, x.status, "%s %s: %s", path, body, x.answer)
		out = append(out, x)
		var page struct {
			NextToken string `json:"nextToken"`
		}
		require.NoError(t, json.Unmarshal([]byte(x.answer), &page))
		if page.NextToken == "" {
			return out
		}
		query = clone(query)
		query["nextToken"] = page.NextToken
	}
	t.Fatalf("%s did not end within 20 pages", path)
	return nil
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestServeStateSurvivesKill9 makes a rich state through the SDK and the
// control API in `ivsrt serve -state F`, records the answers of every read
// operation (every page of every listing), SIGKILLs the process, starts it
// again on F, and replays the reads: every answer is byte for byte the
// same, the old page tokens continue the listings exactly, a token issued
// before still joins, and the stage quota set before is still set.
func TestServeStateSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildIvsrt(t)
	state := filepath.Join(t.TempDir(), "state.db")
	cmd, url := startServe(t, bin, os.Stderr, "-log", "off", "-state", state)
	ctx := ctxFor(t)
	c := ivsfake.NewClient(url, "us-east-1")
	ctl := ivscontrol.NewControl(url, nil)

	var storage []string
	for i := range 3 {
		out, err := c.CreateStorageConfiguration(ctx, &ivsrealtime.CreateStorageConfigurationInput{
			Name: aws.String(fmt.Sprint("sc-", i)), S3: &types.S3StorageConfiguration{BucketName: aws.String(fmt.Sprint("bucket-", i))},
			Tags: map[string]string{"sc": fmt.Sprint(i)},
		})
		require.NoError(t, err)
		storage = append(storage, *out.StorageConfiguration.Arn)
	}
	_, err := c.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: aws.String(storage[2])})
	require.NoError(t, err)
	_, err = c.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: aws.String(storage[0]), Tags: map[string]string{"more": "yes"}})
	require.NoError(t, err)

	tokens := []types.ParticipantTokenConfiguration{
		{UserId: aws.String("alice"), Attributes: map[string]string{"role": "host"}, Duration: aws.Int32(720)},
		{UserId: aws.String("bob"), Capabilities: []types.ParticipantTokenCapability{types.ParticipantTokenCapabilitySubscribe}},
		{UserId: aws.String("carol")},
	}
	recorded, err := c.CreateStage(ctx, &ivsrealtime.CreateStageInput{
		Name: aws.String("recorded"), Tags: map[string]string{"team": "a", "drop": "me"},
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: aws.String(storage[0]), MediaTypes: []types.ParticipantRecordingMediaType{types.ParticipantRecordingMediaTypeAudioVideo},
		},
		ParticipantTokenConfigurations: tokens,
	})
	require.NoError(t, err)
	stageA := *recorded.Stage.Arn
	var stages []string
	for i := range 3 {
		out, err := c.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String(fmt.Sprint("plain-", i)), ParticipantTokenConfigurations: tokens[2:]})
		require.NoError(t, err)
		stages = append(stages, *out.Stage.Arn)
		if i == 2 { // a stage with a session, deleted: kept in the history
			_, err = ctl.Join(ctx, ivscontrol.JoinInput{Token: *out.ParticipantTokens[0].Token})
			require.NoError(t, err)
			_, err = c.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: out.Stage.Arn})
			require.NoError(t, err)
		}
	}
	_, err = c.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: aws.String(stageA), TagKeys: []string{"drop"}})
	require.NoError(t, err)
	_, err = c.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: aws.String(stages[0]), Name: aws.String("renamed")})
	require.NoError(t, err)

	client := ivscontrol.ClientInfo{IspName: "isp", OsName: "linux", OsVersion: "6", BrowserName: "firefox", BrowserVersion: "140", SdkVersion: "1.2.3"}
	var refs []ivscontrol.ParticipantRef
	for _, tok := range recorded.ParticipantTokens {
		j, err := ctl.Join(ctx, ivscontrol.JoinInput{Token: *tok.Token, ClientInfo: client})
		require.NoError(t, err)
		refs = append(refs, ivscontrol.ParticipantRef{StageArn: j.StageArn, ParticipantId: j.ParticipantId})
	}
	require.NoError(t, ctl.Publish(ctx, refs[0]))
	require.NoError(t, ctl.StartRecording(ctx, refs[0]))
	require.Error(t, ctl.Publish(ctx, refs[1]), "bob may only subscribe: a PUBLISH_ERROR event")
	require.NoError(t, ctl.Leave(ctx, refs[1]))
	_, err = c.DisconnectParticipant(ctx, &ivsrealtime.DisconnectParticipantInput{StageArn: aws.String(stageA), ParticipantId: aws.String(refs[2].ParticipantId)})
	require.NoError(t, err)
	_, err = ctl.Join(ctx, ivscontrol.JoinInput{Token: *recorded.ParticipantTokens[2].Token})
	require.Error(t, err, "carol was revoked: a JOIN_ERROR event")
	require.NoError(t, ctl.Leave(ctx, refs[0])) // the session ends; alice's recording is STOPPING
	require.NoError(t, ctl.SetRecording(ctx, refs[0], "STOPPED"))
	_, err = ctl.Join(ctx, ivscontrol.JoinInput{Token: *recorded.ParticipantTokens[0].Token})
	require.NoError(t, err, "a second session")
	for i := range 4 { // more participants, for ListParticipants pages
		tok, err := c.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(stageA), UserId: aws.String(fmt.Sprint("guest-", i))})
		require.NoError(t, err)
		_, err = ctl.Join(ctx, ivscontrol.JoinInput{Token: *tok.ParticipantToken.Token})
		require.NoError(t, err)
	}
	require.NoError(t, ctl.EndSession(ctx, stageA))
	live, err := c.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(stages[0])})
	require.NoError(t, err)
	_, err = ctl.Join(ctx, ivscontrol.JoinInput{Token: *live.ParticipantToken.Token, ClientInfo: client})
	require.NoError(t, err, "a live session")
	pending, err := c.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(stages[1]), UserId: aws.String("after-restart")})
	require.NoError(t, err)
	_, err = ctl.SetStageQuota(ctx, 42)
	require.NoError(t, err)

	// Every read, every page of every listing.
	var reads []exchange
	for _, arn := range append([]string{stageA}, stages...) {
		reads = append(reads, call(t, url, "/GetStage", `{"arn":"`+arn+`"}`))
		reads = append(reads, call(t, url, "/ListTagsForResource", `{"resourceArn":"`+arn+`"}`))
		for _, s := range pages(t, url, "/ListStageSessions", map[string]any{"stageArn": arn, "maxResults": 1}) {
			reads = append(reads, s)
			var list struct {
				StageSessions []struct{ SessionId string } `json:"stageSessions"`
			}
			require.NoError(t, json.Unmarshal([]byte(s.answer), &list))
			for _, sess := range list.StageSessions {
				reads = append(reads, call(t, url, "/GetStageSession", `{"stageArn":"`+arn+`","sessionId":"`+sess.SessionId+`"}`))
				for _, filter := range []map[string]any{{}, {"filterByPublished": true}, {"filterByState": "DISCONNECTED"}} {
					q := clone(filter)
					q["stageArn"], q["sessionId"], q["maxResults"] = arn, sess.SessionId, 2
					for _, p := range pages(t, url, "/ListParticipants", q) {
						reads = append(reads, p)
						var ps struct {
							Participants []struct{ ParticipantId string } `json:"participants"`
						}
						require.NoError(t, json.Unmarshal([]byte(p.answer), &ps))
						for _, part := range ps.Participants {
							reads = append(reads, call(t, url, "/GetParticipant", `{"stageArn":"`+arn+`","sessionId":"`+sess.SessionId+`","participantId":"`+part.ParticipantId+`"}`))
							reads = append(reads, pages(t, url, "/ListParticipantEvents", map[string]any{"stageArn": arn, "sessionId": sess.SessionId, "participantId": part.ParticipantId, "maxResults": 1})...)
						}
					}
				}
			}
		}
	}
	reads = append(reads, pages(t, url, "/ListStages", map[string]any{"maxResults": 1})...)
	reads = append(reads, pages(t, url, "/ListStorageConfigurations", map[string]any{"maxResults": 1})...)
	for _, arn := range storage {
		reads = append(reads, call(t, url, "/GetStorageConfiguration", `{"arn":"`+arn+`"}`))
		reads = append(reads, call(t, url, "/ListTagsForResource", `{"resourceArn":"`+arn+`"}`))
	}
	require.Greater(t, len(reads), 80)
	for _, want := range []string{`"recordingState":"STOPPED"`, `"PUBLISH_ERROR"`, `"JOIN_ERROR"`, `"endTime"`, `"nextToken"`, `"ispName":"isp"`} {
		found := false
		for _, r := range reads {
			found = found || strings.Contains(r.answer, want)
		}
		assert.True(t, found, "the state shows %s somewhere", want)
	}

	// A second serve on the file in use is refused, within seconds.
	bounded, cancel := context.WithTimeout(ctx, 30*time.Second) // killed if it serves instead
	defer cancel()
	second := exec.CommandContext(bounded, bin, "serve", "-addr", "127.0.0.1:0", "-state", state)
	var secondErr bytes.Buffer
	second.Stderr = &secondErr
	start := time.Now()
	err = second.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the second serve must exit")
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, secondErr.String(), "refused: in use by another process")
	assert.Less(t, time.Since(start), 20*time.Second)

	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no shutdown, no flush
	_ = cmd.Wait()
	_, url = startServe(t, bin, os.Stderr, "-log", "off", "-state", state)
	for _, want := range reads {
		got := call(t, url, want.path, want.body)
		assert.Equal(t, want.status, got.status, "%s %s", want.path, want.body)
		assert.Equal(t, want.answer, got.answer, "%s %s", want.path, want.body)
	}
	ctl = ivscontrol.NewControl(url, nil)
	j, err := ctl.Join(ctx, ivscontrol.JoinInput{Token: *pending.ParticipantToken.Token})
	require.NoError(t, err, "a token issued before the restart joins")
	assert.Equal(t, stages[1], j.StageArn)
	q, err := ctl.SetStageQuota(ctx, 42)
	require.NoError(t, err)
	assert.Equal(t, 42, q.PreviousStageQuota, "the quota set before the restart")
	assert.Equal(t, 3, q.Stages)
}

// TestServeStateKeepsAcknowledgedWrites: clients write concurrently, the
// process is SIGKILLed mid-stream, and every write answered 200 before the
// kill is there after the restart.
func TestServeStateKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildIvsrt(t)
	state := filepath.Join(t.TempDir(), "state.db")
	cmd, url := startServe(t, bin, os.Stderr, "-log", "off", "-state", state, "-stage-quota", "100000")
	ctx := ctxFor(t)
	c := ivsfake.NewClient(url, "us-east-1")
	ctl := ivscontrol.NewControl(url, nil)

	const writers, perWriter = 8, 400
	var (
		mu     sync.Mutex
		acked  = map[string]string{} // stage ARN -> name
		joined = map[string]string{} // participant id -> stage ARN
		count  atomic.Int64
		wg     sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				name := fmt.Sprintf("w%d-%d", w, i)
				out, err := c.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String(name), ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{UserId: aws.String(name)}}})
				if err != nil {
					return // the kill
				}
				mu.Lock()
				acked[*out.Stage.Arn] = name
				mu.Unlock()
				count.Add(1)
				j, err := ctl.Join(ctx, ivscontrol.JoinInput{Token: *out.ParticipantTokens[0].Token})
				if err != nil {
					return
				}
				mu.Lock()
				joined[j.ParticipantId] = j.StageArn
				mu.Unlock()
			}
		})
	}
	deadline := time.Now().Add(30 * time.Second)
	for count.Load() < 200 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	require.NoError(t, cmd.Process.Kill())
	wg.Wait()
	_ = cmd.Wait()
	require.GreaterOrEqual(t, count.Load(), int64(200), "writes before the kill")
	require.Less(t, count.Load(), int64(writers*perWriter), "the kill came mid-stream")

	_, url = startServe(t, bin, os.Stderr, "-log", "off", "-state", state)
	c = ivsfake.NewClient(url, "us-east-1")
	for arn, name := range acked {
		out, err := c.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String(arn)})
		require.NoError(t, err, "acknowledged stage %s", name)
		assert.Equal(t, name, *out.Stage.Name)
	}
	for pid, arn := range joined {
		st, err := c.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String(arn)})
		require.NoError(t, err)
		require.NotNil(t, st.Stage.ActiveSessionId, "the join's session")
		p, err := c.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: aws.String(arn), SessionId: st.Stage.ActiveSessionId, ParticipantId: aws.String(pid)})
		require.NoError(t, err, "acknowledged join of %s", pid)
		assert.Equal(t, types.ParticipantStateConnected, p.Participant.State)
	}
	t.Logf("%d stages and %d joins acknowledged before the kill, all there after it", len(acked), len(joined))
}

// TestServeStateRefusals: a file that is not a usable state file is
// refused at start with one line and exit status 1, and left unchanged;
// a second serve on a file in use is refused, not left waiting.
func TestServeStateRefusals(t *testing.T) {
	dir := t.TempDir()
	random := filepath.Join(dir, "random.db")
	data := make([]byte, 16*os.Getpagesize())
	_, _ = rand.Read(data)
	require.NoError(t, os.WriteFile(random, data, 0o600))
	inUse := filepath.Join(dir, "in-use.db")
	s, err := ivsfake.OpenStore(inUse)
	require.NoError(t, err)
	defer s.Close()

	for path, why := range map[string]string{random: "not an ivsrt state file", inUse: "in use by another process"} {
		before, err := os.ReadFile(path)
		require.NoError(t, err)
		var out, errb bytes.Buffer
		done := make(chan int, 1)
		go func() { done <- run([]string{"serve", "-addr", "127.0.0.1:0", "-state", path}, &out, &errb) }()
		select {
		case code := <-done:
			assert.Equal(t, 1, code)
		case <-time.After(30 * time.Second):
			t.Fatalf("serve -state %s neither refused nor started", path)
		}
		msg := errb.String()
		assert.Equal(t, 1, strings.Count(msg, "\n"), "one line: %q", msg)
		assert.True(t, strings.HasPrefix(msg, "ivsrt serve: -state: state file "+path+" refused: "+why), msg)
		assert.Empty(t, out.String(), "it never listened")
		after, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, sha256.Sum256(before), sha256.Sum256(after), "the refused file is unchanged")
	}
}

// TestServeWithoutStateWritesNothing: without -state, serve writes no file
// (its working directory, HOME and TMPDIR stay empty) and a restart starts
// empty.
func TestServeWithoutStateWritesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildIvsrt(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-log", "off")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "TMPDIR="+dir, "XDG_CACHE_HOME="+dir, "XDG_DATA_HOME="+dir)
	url := startCmd(t, cmd)
	c := ivsfake.NewClient(url, "us-east-1")
	_, err := c.CreateStage(ctxFor(t), &ivsrealtime.CreateStageInput{Name: aws.String("gone")})
	require.NoError(t, err)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
