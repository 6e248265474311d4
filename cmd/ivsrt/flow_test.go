package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// plantedServer is an IVS implementation broken on purpose in three ways:
// a stage created without tags is answered without its tags {}, a rename
// is not applied, and a page of stages holds one more than maxResults.
func plantedServer(t *testing.T) string {
	fake := ivsfake.New(ivsfake.Options{Region: "us-east-1"})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]any
		if rec.Code == http.StatusOK && json.Unmarshal(body, &m) == nil {
			stage, _ := m[ivscases.MemberStage].(map[string]any)
			switch r.URL.Path {
			case "/" + ivscases.OpCreateStage:
				if tags, _ := stage[ivscases.MemberTags].(map[string]any); stage != nil && len(tags) == 0 {
					delete(stage, ivscases.MemberTags)
				}
			case "/" + ivscases.OpUpdateStage:
				if stage != nil {
					stage[ivscases.MemberName] = "flow"
				}
			case "/" + ivscases.OpListStages:
				if ss, _ := m["stages"].([]any); len(ss) > 0 {
					m["stages"] = append(ss, ss[0])
				}
			}
			body, _ = json.Marshal(m)
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// The flow of docs/drift.md, without AWS: the Go SDK (and the control
// API) through `ivsrt proxy -record` to the fake; `ivsrt drift` of the
// cassette against the embedded fake finds no drift (exit 0), against an
// implementation broken three ways names each break with its rule (exit
// 1); recorded against that implementation and replayed against the
// fake, the same three; and -evidence confirms what the fake's answers
// show.
func TestProxyRecordThenDrift(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "session.jsonl")
	fake := ivsfake.Start(t)
	var stdout, stderr syncBuffer
	addr, stop := runProxy(t, &stdout, &stderr, "-upstream", fake.URL, "-record", rec)
	// session is what the application does, through the proxy at addr.
	session := func(c *ivsrealtime.Client, addr string) {
		ctx := context.Background()
		st, err := c.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("flow"),
			ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{UserId: aws.String("alice")}}})
		require.NoError(t, err)
		_, err = c.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
		require.NoError(t, err)
		joined, err := ivscontrol.NewControl(addr, http.DefaultClient).Join(ctx, ivscontrol.JoinInput{Token: *st.ParticipantTokens[0].Token})
		require.NoError(t, err)
		_, err = c.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: st.Stage.Arn, SessionId: aws.String(joined.SessionId)})
		require.NoError(t, err)
		_, err = c.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: st.Stage.Arn, Name: aws.String("renamed")})
		require.NoError(t, err)
		_, err = c.ListStages(ctx, &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(1)})
		require.NoError(t, err)
	}
	session(ivsfake.NewClient(addr, "us-east-1"), addr)
	require.Equal(t, 0, stop(), "stderr:\n%s", stderr.String())

	var out, errb bytes.Buffer
	code := run([]string{"drift", rec}, &out, &errb)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	assert.Contains(t, out.String(), "replayed 6 exchanges: no drift")

	out.Reset()
	errb.Reset()
	code = run([]string{"drift", rec, "-endpoint", plantedServer(t)}, &out, &errb)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	for _, planted := range []struct{ check, rule string }{
		{"DRIFT CreateStage/defaults/stage.tags", "A stage created without tags reports `{}`"},
		{"DRIFT UpdateStage/", `target:   "flow"`},
		{"DRIFT ListStages/pagination/maxResults=1", "no page over `maxResults`"},
	} {
		assert.Contains(t, out.String(), planted.check)
		assert.Contains(t, out.String(), planted.rule)
	}

	// The other way round: recorded against the broken implementation,
	// replayed against the embedded fake, each break is found all the same.
	brokenRec := filepath.Join(dir, "broken.jsonl")
	stdout, stderr = syncBuffer{}, syncBuffer{}
	addr, stop = runProxy(t, &stdout, &stderr, "-upstream", plantedServer(t), "-record", brokenRec)
	session(ivsfake.NewClient(addr, "us-east-1"), addr)
	require.Equal(t, 1, stop(), "the proxy saw the breaks as they happened; stderr:\n%s", stderr.String())
	out.Reset()
	errb.Reset()
	code = run([]string{"drift", brokenRec}, &out, &errb)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	for _, planted := range []struct{ check, rule string }{
		{"DRIFT CreateStage/defaults/stage.tags", "A stage created without tags reports `{}`"},
		{"DRIFT UpdateStage/", `recorded: "flow"`},
		{"DRIFT ListStages/pagination/maxResults=1", "no page over `maxResults`"},
	} {
		assert.Contains(t, out.String(), planted.check)
		assert.Contains(t, out.String(), planted.rule)
	}

	out.Reset()
	errb.Reset()
	code = run([]string{"drift", "-evidence", rec}, &out, &errb)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	assert.Regexp(t, `(?m)^confirmed +contract\.md:\d+ \[documented\] CreateStage: A stage created without tags reports`, out.String())
}
