package ivsfake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// FuzzOperations sends arbitrary bodies to every operation. Whatever comes
// in, the answer is 200 or an error the operation may give, in AWS's form,
// never a 5xx (but the 501 of an operation the fake does not implement
// yet), and the stage stored before is still there afterwards.
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
	unimplemented := map[string]bool{}
	for _, op := range ivsapi.Operations {
		unimplemented[op] = ivsfake.NotImplemented(ivsfake.NewMemory(ivsfake.Options{}), op)
	}

	f.Fuzz(func(t *testing.T, op string, body []byte) {
		if _, ok := ivsapi.DeclaredErrors[op]; !ok {
			op = ivsapi.Operations[len(op)%len(ivsapi.Operations)]
		}
		rec := httptest.NewRecorder()
		method, path := http.MethodPost, "/"+op
		// The tag operations are bound to /tags/{resourceArn}: the body goes
		// to the stored stage's tags (or, for the GET and DELETE, is sent
		// and ignored).
		if m, ok := tagMethods[op]; ok {
			method, path = m, "/tags/"+url.PathEscape(stored)+"?tagKeys=k"
		}
		srv.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(string(body))))
		if rec.Code == http.StatusNotImplemented && unimplemented[op] {
			return // an operation the fake has no behaviour for yet answers 501, whatever it is sent
		}
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

// tagMethods are the methods of the operations bound to /tags/{resourceArn}.
var tagMethods = map[string]string{
	ivsapi.OpListTagsForResource: http.MethodGet,
	ivsapi.OpTagResource:         http.MethodPost,
	ivsapi.OpUntagResource:       http.MethodDelete,
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

// controlEndpoints are the control API's requests FuzzControl sends to:
// every one but /reset, whose point is to lose what is stored.
var controlEndpoints = []string{
	"POST /_ivsrt/join", "POST /_ivsrt/publish", "POST /_ivsrt/subscribe", "POST /_ivsrt/unsubscribe", "POST /_ivsrt/recording",
	"POST /_ivsrt/leave", "POST /_ivsrt/end-session", "POST /_ivsrt/faults", "POST /_ivsrt/quota", "GET /_ivsrt/",
	"POST /_ivsrt/nope", "DELETE /_ivsrt/token",
}

// FuzzControl sends arbitrary bodies to the control API. Whatever comes in,
// the answer is 200 or an error in AWS's form (status, x-amzn-ErrorType,
// a JSON message that names no Go type), never a 5xx, and the stage and
// participant stored before are still there afterwards.
func FuzzControl(f *testing.F) {
	srv := ivsfake.New(ivsfake.Options{})
	arn, token := seedStage(f, srv), ""
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/CreateParticipantToken", strings.NewReader(`{"stageArn":"`+arn+`","userId":"kept"}`)))
	var out ivsapi.CreateParticipantTokenResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.ParticipantToken == nil || out.ParticipantToken.Token == nil {
		f.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	token = *out.ParticipantToken.Token
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_ivsrt/join", strings.NewReader(`{"token":"`+token+`"}`)))
	var joined ivscontrol.JoinOutput
	if err := json.Unmarshal(rec.Body.Bytes(), &joined); err != nil || joined.SessionId == "" {
		f.Fatalf("join: %d %s", rec.Code, rec.Body)
	}
	ref := `"stageArn":"` + arn + `","participantId":"` + joined.ParticipantId + `"`
	seeds := []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"stageArn":5}`, `{"stageArn":"` + arn + `"}`, `{"stageArn":"not-an-arn"}`,
		`{"stageArn":"arn:aws:ivs:us-east-1:999999999999:stage/abcdefghijkl"}`,
		`{"stageArn":"` + arn + `","duration":0,"capabilities":["ADMIN"],"attributes":{"k":"\ud800"}}`,
		"{\"stageArn\":\"" + arn + "\",\"userId\":\"\xff\"}",
		`{"token":"` + token + `","osName":"` + strings.Repeat("o", 200) + `"}`, `{"token":""}`,
		`{` + ref + `}`, `{` + ref + `,"state":"ACTIVE"}`, `{` + ref + `,"state":"nope"}`, `{"StageArn":"` + arn + `"}`,
		`{"operation":"GetStage","error":"ThrottlingException","count":0}`, `{"operation":"*","error":"Nope","count":-1}`,
		`{"operation":"GetStage","error":"ValidationException","count":1.5}`, `{"count":1e400}`, `{} {}`,
		`{"stageQuota":"x"}`, `{"stageQuota":1.5}`, `{"stageQuota":-1}`, `{"stageQuota":[]}`,
		`{"stageArn":"arn:aws:ivs:us-east-1:999999999999:stage/abcdefghijkl","participantId":"p","state":"ACTIVE"}`,
		`{` + ref + `,"remoteParticipantId":"` + joined.ParticipantId + `"}`, `{` + ref + `,"remoteParticipantId":"x y"}`,
		`{"subscriberQuota":0}`,
	}
	for i := range controlEndpoints {
		for _, s := range seeds {
			f.Add(i, []byte(s))
		}
	}
	// Go's names for its types, which a message must not show (unless it
	// echoes them from the request).
	goNames := regexp.MustCompile(`ivsapi\.|ivsfake\.|wire\.|\bstruct\b|\bu?int(8|16|32|64)?\b|\bfloat(32|64)\b|map\[|\[\]string|json:`)

	f.Fuzz(func(t *testing.T, endpoint int, body []byte) {
		method, path, _ := strings.Cut(controlEndpoints[uint(endpoint)%uint(len(controlEndpoints))], " ")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(method, path, bytes.NewReader(body)))
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: status %d: %s", method, path, body, rec.Code, rec.Body)
		}
		if wire.HeaderValue(rec.Header(), wire.HeaderRequestID) == "" {
			t.Fatalf("%s %s %q: no request id", method, path, body)
		}
		if rec.Code != http.StatusOK {
			typ := wire.HeaderValue(rec.Header(), wire.HeaderErrorType)
			if typ == "" {
				t.Fatalf("%s %s %q: %d without x-amzn-ErrorType", method, path, body, rec.Code)
			}
			if want, ok := ivsapi.ErrorStatus[typ]; ok && want != rec.Code {
				t.Fatalf("%s %s %q: %s with status %d, not %d", method, path, body, typ, rec.Code, want)
			}
			var e struct {
				ExceptionMessage, Message string
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Message == "" || e.ExceptionMessage != e.Message {
				t.Fatalf("%s %s %q: error body %q", method, path, body, rec.Body)
			}
			if m := goNames.FindString(e.Message); m != "" && !bytes.Contains(body, []byte(m)) {
				t.Fatalf("%s %s %q: message names a Go type (%q): %s", method, path, body, m, e.Message)
			}
		}
		// Nothing stored is lost, whatever was sent.
		ctx := context.Background()
		if _, err := srv.Memory.GetStage(ctx, &ivsapi.GetStageRequest{Arn: &arn}); err != nil {
			t.Fatalf("after %s %s %q the stored stage is gone: %v", method, path, body, err)
		}
		if _, err := srv.Memory.GetParticipant(ctx, &ivsapi.GetParticipantRequest{StageArn: &arn, SessionId: &joined.SessionId, ParticipantId: &joined.ParticipantId}); err != nil {
			t.Fatalf("after %s %s %q the stored participant is gone: %v", method, path, body, err)
		}
	})
}

// FuzzAuthorization sends arbitrary Authorization and X-Amz-Date headers
// to a fake that checks signatures, and to one that does not. Checking,
// the answer is one of AWS's three refusals (403) or, for a request the
// fake cannot tell from a signed one, 200; not checking, any header is
// taken but a scope whose region is no region's form. Never a 5xx.
func FuzzAuthorization(f *testing.F) {
	for _, s := range []string{
		"", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 ", "Basic abc",
		"AWS4-HMAC-SHA256 Credential=AKIDA/20260101/us-west-2/ivs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
		"AWS4-HMAC-SHA256 Credential=AKIDA/20260101/us-west-2/ivs/aws4_request, SignedHeaders=, Signature=",
		"AWS4-HMAC-SHA256 Credential=AKIDA/x/../ivs/aws4_request, SignedHeaders=host, Signature=zz",
		"AWS4-HMAC-SHA256 Credential=AKIDA////, SignedHeaders=content-length;host;;;, Signature=1",
		"AWS4-HMAC-SHA256 Credential=nobody/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host, Signature=1",
	} {
		f.Add(s, "20260101T000000Z", `{}`)
		f.Add(s, "", ``)
		f.Add(s, "garbage", `{"name":"x"}`)
	}
	verifying := ivsfake.New(ivsfake.Options{Keys: ivsfake.Keys{"AKIDA": {AccessKeyID: "AKIDA", SecretAccessKey: "s", Account: "111111111111"}}})
	open := ivsfake.New(ivsfake.Options{})
	refusals := []string{ivsapi.ErrMissingAuthenticationTokenException, ivsapi.ErrUnrecognizedClientException, ivsapi.ErrInvalidSignatureException, ivsapi.ErrIncompleteSignatureException}

	f.Fuzz(func(t *testing.T, authorization, date, body string) {
		for _, srv := range []*ivsfake.Server{verifying, open} {
			for _, path := range []string{"/ListStages", "/_ivsrt/"} {
				method := http.MethodPost
				if path == "/_ivsrt/" {
					method = http.MethodGet
				}
				req := httptest.NewRequest(method, path, strings.NewReader(body))
				req.Header.Set("Authorization", authorization)
				req.Header.Set("X-Amz-Date", date)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code >= 500 {
					t.Fatalf("%s %q: status %d: %s", path, authorization, rec.Code, rec.Body)
				}
				typ := wire.HeaderValue(rec.Header(), wire.HeaderErrorType)
				if srv == verifying && !slices.Contains(refusals, typ) {
					t.Fatalf("%s %q: %d %q, not a refusal", path, authorization, rec.Code, typ)
				}
				if typ != "" && rec.Code != ivsapi.ErrorStatus[typ] {
					t.Fatalf("%s %q: %s with status %d", path, authorization, typ, rec.Code)
				}
			}
		}
	})
}
