package proxy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/proxy"
	"github.com/ivsrt/contract/conformance/rules"
	"github.com/ivsrt/contract/conformance/traffic"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// breakage changes the fake's answer to one operation; request, when
// set, changes the request before the fake sees it.
type breakage struct {
	op      string
	request func(body map[string]any)
	answer  func(status *int, h http.Header, body map[string]any)
}

// broken is an implementation broken on purpose: the fake, with the
// answers of some operations changed on the way out.
type broken struct {
	fake     http.Handler
	breaks   []breakage
	requests atomic.Int64
}

func (b *broken) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.requests.Add(1)
	op := traffic.Operation(r.Method, r.URL.EscapedPath())
	var br *breakage
	for i := range b.breaks {
		if b.breaks[i].op == op {
			br = &b.breaks[i]
		}
	}
	if br == nil {
		b.fake.ServeHTTP(w, r)
		return
	}
	if br.request != nil {
		body, _ := io.ReadAll(r.Body)
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			br.request(m)
			body, _ = json.Marshal(m)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	rec := httptest.NewRecorder()
	b.fake.ServeHTTP(rec, r)
	status := rec.Code
	h := rec.Header().Clone()
	var m map[string]any
	body := rec.Body.Bytes()
	if br.answer != nil && json.Unmarshal(body, &m) == nil {
		br.answer(&status, h, m)
		body, _ = json.Marshal(m)
	}
	h.Del("Content-Length")
	for k, vs := range h {
		w.Header()[k] = vs
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func obj(m map[string]any, k string) map[string]any {
	o, _ := m[k].(map[string]any)
	return o
}

// TestProxyReportsEachBreak: in front of an implementation broken in
// several ways, the proxy reports each break with the row of contract.md
// whose rule it breaks, one log line each.
func TestProxyReportsEachBreak(t *testing.T) {
	fake := ivsfake.New(ivsfake.Options{})
	up := &broken{fake: fake, breaks: []breakage{
		// drops a required member of the answer
		{op: "GetStage", answer: func(_ *int, _ http.Header, m map[string]any) { delete(obj(m, "stage"), "arn") }},
		// answers a value no enum lists (a note: it may be newer than
		// the spec)
		{op: "CreateParticipantToken", answer: func(_ *int, _ http.Header, m map[string]any) {
			obj(m, "participantToken")["capabilities"] = []any{"BROADCAST"}
		}},
		// an error without x-amzn-ErrorType
		{op: "DeleteStage", answer: func(_ *int, h http.Header, _ map[string]any) {
			for k := range h {
				if strings.EqualFold(k, "x-amzn-ErrorType") {
					delete(h, k)
				}
			}
		}},
		// a stage created without tags, answered without its default {}
		// (and a name longer than the spec allows accepted)
		{op: "CreateStage", request: func(m map[string]any) {
			if n, ok := m["name"].(string); ok && len(n) > 8 {
				m["name"] = n[:8]
			}
		}, answer: func(status *int, h http.Header, m map[string]any) {
			delete(obj(m, "stage"), "tags")
			// and an invalid name refused, at 400, as another type
			if *status == http.StatusBadRequest {
				h.Set("X-Amzn-Errortype", "BadRequestException")
			}
		}},
		// lists a participant who does not match the filter
		{op: "ListParticipants", answer: func(_ *int, _ http.Header, m map[string]any) {
			if ps, _ := m["participants"].([]any); len(ps) > 0 {
				p := obj(map[string]any{"p": ps[0]}, "p")
				p["userId"] = "mallory"
			}
		}},
		// a page over maxResults
		{op: "ListStages", answer: func(_ *int, _ http.Header, m map[string]any) {
			if ss, _ := m["stages"].([]any); len(ss) > 0 {
				m["stages"] = append(ss, ss[0])
			}
		}},
	}}
	srv := httptest.NewServer(up)
	t.Cleanup(srv.Close)
	px := startProxy(t, srv.URL, proxy.Options{})
	c := ivsfake.NewClient(px.URL, "us-east-1")
	ctx := context.Background()

	cs, err := c.CreateStage(ctx, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{{UserId: aws.String("alice")}}})
	require.NoError(t, err)
	_, _ = c.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: cs.Stage.Arn})
	_, _ = c.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: cs.Stage.Arn})
	_, _ = c.ListStages(ctx, &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(1)})
	join, err := ivscontrol.NewControl(px.URL, http.DefaultClient).Join(ctx, ivscontrol.JoinInput{Token: *cs.ParticipantTokens[0].Token})
	require.NoError(t, err)
	_, _ = c.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: cs.Stage.Arn, SessionId: aws.String(join.SessionId), FilterByUserId: aws.String("alice")})
	_, _ = c.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: aws.String(strings.Replace(*cs.Stage.Arn, "stage/", "stage/Zz", 1))})
	_, _ = c.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String(strings.Repeat("n", 200))})
	_, _ = c.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("not a valid name!")})

	want := map[string]string{ // check -> a word of its rule's row
		"GetStage/shape/success":                                     "output shape",
		"DeleteStage/errors/ValidationException":                     "x-amzn-ErrorType",
		"CreateStage/defaults/stage.tags":                            "without tags reports `{}`",
		"ListParticipants/filters/filterByUserId=each-present-value": "filter keeps exactly",
		"ListStages/pagination/maxResults=1":                         "no page over `maxResults`",
		"CreateStage/name/maxLength/over":                            "Lengths are counted in characters",
		"CreateStage/name/pattern/mismatch":                          "Patterns match the whole value",
	}
	got := map[string]traffic.Finding{}
	for _, f := range px.violations() {
		got[f.Check] = f
	}
	log := px.Log.String()
	for check, word := range want {
		f, ok := got[check]
		if !assert.True(t, ok, "no violation of %s; log:\n%s", check, log) {
			continue
		}
		require.NotNil(t, f.Rule, check)
		assert.Contains(t, f.Rule.Text, word, check)
		assert.Equal(t, rules.Contract().First(check), f.Rule)
		assert.Contains(t, log, "VIOLATION #"+itoa(f.Seq)+" "+check+": ", "one line per violation as it happens")
		assert.Contains(t, log, f.Rule.ID())
	}
	assert.Len(t, got, len(want), "no other violation; log:\n%s", log)
	notes := px.Proxy.Summary("").Notes
	if assert.Len(t, notes, 1, "the value no enum lists is a note, not a violation") {
		assert.Equal(t, "CreateParticipantToken/shape/success", notes[0].Check)
		assert.Contains(t, notes[0].Message, "BROADCAST")
		assert.Contains(t, log, "NOTE #"+itoa(notes[0].Seq)+" CreateParticipantToken/shape/success: ")
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
