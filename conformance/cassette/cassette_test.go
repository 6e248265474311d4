package cassette_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/cassette"
)

func TestWriteThenRead(t *testing.T) {
	var buf bytes.Buffer
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	w, err := cassette.NewWriter(&buf, cassette.Header{Recorded: start, Upstream: "http://127.0.0.1:1", Region: "us-east-1"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			assert.NoError(t, w.Write(cassette.Exchange{Operation: "GetStage", Start: start, Duration: cassette.Millis(1500 * time.Microsecond),
				Request:  cassette.Request{Method: "POST", URI: "/GetStage", Body: fmt.Sprintf(`{"arn":"%d"}`, i)},
				Response: cassette.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{}`}}))
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 21, "a header line and one line per exchange")
	c, err := cassette.Read(&buf)
	require.NoError(t, err)
	assert.Equal(t, cassette.Format, c.Header.Format)
	assert.Equal(t, cassette.Version, c.Header.Version)
	assert.Equal(t, "us-east-1", c.Header.Region)
	require.Len(t, c.Exchanges, 20)
	seen := map[string]bool{}
	for i, ex := range c.Exchanges {
		assert.Equal(t, i+1, ex.Seq, "numbered in the order written")
		assert.Equal(t, 1500*time.Microsecond, time.Duration(ex.Duration))
		assert.Equal(t, "application/json", ex.Response.Header.Get("Content-Type"))
		seen[ex.Request.Body] = true
	}
	assert.Len(t, seen, 20, "no exchange lost or doubled")
}

func TestReadRefusesWhatIsNotACassette(t *testing.T) {
	header := `{"format":"ivsrt-cassette","version":1,"recorded":"2026-12-07T10:00:00Z","redacted":[]}`
	for name, tc := range map[string]struct{ text, want string }{
		"empty":         {"", "empty file"},
		"not a header":  {`{"seq":1}`, "line 1 is not the header"},
		"other version": {strings.Replace(header, `"version":1`, `"version":9`, 1), "version 9"},
		"broken line":   {header + "\n" + `{"seq":1,"request":{"method":"POST"`, "line 2: not an exchange"},
		"no request":    {header + "\n" + `{"seq":1,"response":{"status":200}}`, "line 2: an exchange without"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := cassette.Read(strings.NewReader(tc.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	c, err := cassette.Read(strings.NewReader(header + "\n" + `{"seq":1,"later":true,"request":{"method":"GET","uri":"/x"},"response":{"status":200}}` + "\n"))
	require.NoError(t, err, "a member a later version adds is ignored")
	assert.Len(t, c.Exchanges, 1)
}

func jwt(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"ES384","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "." + "c2lnbmF0dXJl"
}

func TestRedactorTakesOutEverySecret(t *testing.T) {
	tok := jwt(`{"resource":"arn:aws:ivs:us-east-1:111122223333:stage/abcdABCD1234"}`)
	ex := cassette.Exchange{
		Request: cassette.Request{Method: "POST", URI: "/tags/arn%3Aaws%3Aivs%3Aus-east-1%3A111122223333%3Astage%2FabcdABCD1234",
			Header: http.Header{"Authorization": {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/ivs/aws4_request, Signature=abc"},
				"X-Amz-Security-Token": {"FwoGZXIvYXdzEXAMPLE"}, "X-Amz-Date": {"20261207T100000Z"}},
			Body: `{"token":"` + tok + `","destinationStageArn":"arn:aws:ivs:us-east-1:444455556666:stage/efghEFGH5678"}`},
		Response: cassette.Response{Status: 200,
			Body: `{"participantToken":{"token":"` + tok + `","participantId":"p1"},"ingestConfiguration":{"streamKey":"sk_us-east-1_secret","arn":"arn:aws:ivs:us-east-1:111122223333:ingest-configuration/x"},"message":"User: arn:aws:iam::111122223333:root is not authorized; id 1111222233334 stays","n":12.50}`},
	}
	r := cassette.NewRedactor([]string{"streamKey", "token"}, true)
	r.Exchange(&ex)
	all := ex.Request.URI + ex.Request.Body + ex.Response.Body + fmt.Sprint(ex.Request.Header)
	for _, secret := range []string{"AKIDEXAMPLE", "Signature=abc", "FwoGZXIvYXdzEXAMPLE", "c2lnbmF0dXJl", "sk_us-east-1_secret", "444455556666"} {
		assert.NotContains(t, all, secret)
	}
	assert.NotRegexp(t, `(^|\D)111122223333(\D|$)`, all)
	_, claims, _ := strings.Cut(strings.Split(ex.Response.Body, `"token":"`)[1], ".")
	decoded, err := base64.RawURLEncoding.DecodeString(strings.Split(claims, ".")[0])
	require.NoError(t, err)
	assert.Equal(t, `{"resource":"arn:aws:ivs:us-east-1:000000000001:stage/abcdABCD1234"}`, string(decoded), "a token's claims name no account either")
	assert.Equal(t, "20261207T100000Z", ex.Request.Header.Get("X-Amz-Date"), "what is not secret is kept")
	assert.Contains(t, ex.Response.Body, `"participantId":"p1"`)
	assert.Contains(t, ex.Response.Body, `"n":12.50`, "numbers are kept as written")
	assert.Contains(t, ex.Response.Body, "1111222233334", "a longer number is not an account")
	assert.Contains(t, ex.Request.URI, "%3A000000000001%3Astage", "the first account seen gets the first stand-in, escaped or not")
	assert.Contains(t, ex.Request.Body, "arn:aws:ivs:us-east-1:000000000002:stage/efghEFGH5678")
	assert.Contains(t, ex.Response.Body, "arn:aws:iam::000000000001:root", "the same account, the same stand-in, wherever it appears")
	head, _, _ := strings.Cut(tok, ".")
	assert.Contains(t, ex.Response.Body, head+".", "a token keeps its header")
	assert.Contains(t, ex.Response.Body, "."+cassette.Mark("c2lnbmF0dXJl")+`"`, "and loses its signature to its mark")
	assert.Contains(t, ex.Request.Body, "."+cassette.Mark("c2lnbmF0dXJl")+`"`, "the same token, the same mark: a replay links its use to its minting")
	assert.Contains(t, ex.Response.Body, `"streamKey":"`+cassette.Mark("sk_us-east-1_secret")+`"`)
	assert.Regexp(t, `^REDACTED#[0-9a-f]{12}$`, cassette.Mark("x"))
	assert.True(t, cassette.IsRedacted(cassette.Mark("x")))
	assert.True(t, cassette.IsRedacted(cassette.Redacted))
	assert.False(t, cassette.IsRedacted("REDACTEDx"))

	again := cassette.Exchange{Request: cassette.Request{Method: "POST", URI: "/GetStage", Body: `{"arn":"arn:aws:ivs:us-east-1:444455556666:stage/efghEFGH5678"}`}}
	r.Exchange(&again)
	assert.Contains(t, again.Request.Body, ":000000000002:", "stand-ins hold across exchanges")
}

func TestRedactorKeepsWhatIsNotJSON(t *testing.T) {
	ex := cassette.Exchange{Request: cassette.Request{Method: "POST", URI: "/CreateStage", Body: `{"name": "x"`}}
	cassette.NewRedactor(nil, false).Exchange(&ex)
	assert.Equal(t, `{"name": "x"`, ex.Request.Body)
	_, ok := cassette.RedactJWT("a.b")
	assert.False(t, ok)
	_, ok = cassette.RedactJWT(base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT"}`)) + ".e30.sig")
	assert.False(t, ok, "a header without alg is no JWT")
}
