package ivsfake_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// FuzzOperations sends arbitrary bodies to every operation. Whatever comes
// in, the answer is 200 or an error the operation may give, in AWS's form,
// never a 5xx, and the stage stored before is still there afterwards.
// `go test` runs the seeds; `go test -fuzz FuzzOperations -fuzztime 30s`
// explores further.
func FuzzOperations(f *testing.F) {
	seeds := []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"name":5}`, `{"arn":null}`, `{"arn":"` + strings.Repeat("a", 200) + `"}`,
		`{"name":"ok","participantTokenConfigurations":[{"duration":0},{"capabilities":["ADMIN"]}],"tags":{"":"v"}}`,
		`{"autoParticipantRecordingConfiguration":{"storageConfigurationArn":"","mediaTypes":["AUDIO_ONLY","AUDIO_VIDEO"]}}`,
		`{"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/abc","sessionId":"st-abcdefghijklm","maxResults":101,"nextToken":"!!"}`,
		`{"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/abc","sessionId":"st-abcdefghijklm","filterByUserId":"u","filterByPublished":true}`,
		`{"participantTokenConfigurations":[{"attributes":{"k":"` + strings.Repeat("é", 600) + `"}}]}`,
		`{"maxResults":1e400}`, `{"maxResults":-0}`, `{"name":"\ud800"}`, `{"a":{"b":{"c":[[[[]]]]}}}`, `{} {}`,
	}
	for _, op := range ivsapi.Operations {
		for _, s := range seeds {
			f.Add(op, []byte(s))
		}
	}
	srv := ivsfake.New(ivsfake.Options{})
	stored := seedStage(f, srv)

	f.Fuzz(func(t *testing.T, op string, body []byte) {
		if _, ok := ivsapi.DeclaredErrors[op]; !ok {
			op = ivsapi.Operations[len(op)%len(ivsapi.Operations)]
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/"+op, strings.NewReader(string(body))))
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", op, body, rec.Code, rec.Body)
		}
		if wire.HeaderValue(rec.Header(), wire.HeaderRequestID) == "" {
			t.Fatalf("%s %q: no request id", op, body)
		}
		if rec.Code != http.StatusOK {
			typ := wire.HeaderValue(rec.Header(), wire.HeaderErrorType)
			if !ivsapi.Allows(op, typ) || ivsapi.ErrorStatus[typ] != rec.Code {
				t.Fatalf("%s %q: answered %d %q, which the spec does not allow", op, body, rec.Code, typ)
			}
			var e struct {
				Message string `json:"exceptionMessage"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Message == "" {
				t.Fatalf("%s %q: error body %q", op, body, rec.Body)
			}
		}
		// Nothing stored is lost, whatever was sent.
		if _, err := srv.Memory.GetStage(context.Background(), &ivsapi.GetStageRequest{Arn: &stored}); err != nil {
			t.Fatalf("after %s %q the stored stage is gone: %v", op, body, err)
		}
	})
}

func seedStage(f *testing.F, srv *ivsfake.Server) string {
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/CreateStage", strings.NewReader(`{"name":"kept"}`)))
	var out ivsapi.CreateStageResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Stage == nil {
		f.Fatalf("CreateStage: %d %s", rec.Code, rec.Body)
	}
	return *out.Stage.Arn
}
