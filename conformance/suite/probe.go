package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
)

// probeTimeout bounds the probe: one request, which a live endpoint
// answers at once.
const probeTimeout = 15 * time.Second

// Probe sends the target one request, a malformed body to a read-only
// operation (which no implementation may act on), and says whether an
// AWS JSON service answered that takes the suite's credentials: an error
// with an x-amzn-ErrorType header or a JSON "__type" or "code", or a JSON
// 200. Nothing listening, or anything else answering (a web server's HTML
// page, say), is an error that names the endpoint and what came back; an
// answer (403, or 400 or 401) that refuses the credentials or the
// signature (SignatureErrors) is a *CredentialsError that says where the
// credentials came from. An AccessDeniedException is not one. So a run
// that cannot mean anything stops before it prints a failure per case.
func Probe(ctx context.Context, target Target, s *Suite) error {
	if s.Contract == nil || len(s.Contract.Operations) == 0 {
		return fmt.Errorf("suite: the contract has no operation to probe the target with")
	}
	// Not the suite's Prepare: the probe is one request, and needs no seeder.
	t, err := resolve(ctx, target, nil)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	r := &Runner{target: t, suite: s, signer: newSigner(),
		vars: map[string]string{"region": t.Region, "account": defaultAccount, "runId": "probe"}}
	op := probeOperation(s.Contract)
	ex, err := r.send(ctx, op, "{")
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("nothing answers at %s: %v", t.Endpoint, err)
	}
	// IVS answers them 403; other AWS JSON services answer some 400 (an
	// UnrecognizedClientException of DynamoDB's, say) or 401.
	if (ex.Status == http.StatusForbidden || ex.Status == http.StatusBadRequest || ex.Status == http.StatusUnauthorized) && slices.Contains(SignatureErrors, ex.ErrType) {
		// Every case would fail on this one answer: say it once.
		ce := &CredentialsError{Endpoint: t.Endpoint, Status: ex.Status, ErrType: ex.ErrType, Message: errorMessage(ex)}
		if v, err := t.Credentials.Retrieve(ctx); err == nil {
			ce.AccessKeyID, ce.Source = v.AccessKeyID, describeSource(v.Source)
		}
		return ce
	}
	if ex.ErrType != "" || jsonError(ex.Resp) || (ex.Status == 200 && isJSON(ex.Header.Get("Content-Type"))) {
		return nil
	}
	ct := ex.Header.Get("Content-Type")
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Errorf("%s does not answer as an AWS JSON service: %s %s with a malformed body got %d, %s, without x-amzn-ErrorType: %s",
		t.Endpoint, ex.Method, ex.Target, ex.Status, ct, firstLine(shorten(strings.TrimSpace(string(ex.Resp)))))
}

// probeOperation picks an operation that only reads (Get*, then List*),
// else the first; the malformed body keeps any of them from acting.
func probeOperation(c *Contract) *Operation {
	for _, prefix := range []string{"Get", "List"} {
		for i := range c.Operations {
			if strings.HasPrefix(c.Operations[i].Name, prefix) {
				return &c.Operations[i]
			}
		}
	}
	return &c.Operations[0]
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json") || strings.HasPrefix(mt, "application/x-amz-json"))
}

// errorMessage is an error answer's message: AWS's front door, which
// refuses credentials before the service sees the request, writes it as
// "message" or "Message", the service as "exceptionMessage".
func errorMessage(ex *Exchange) string {
	if ex.Message != "" {
		return ex.Message
	}
	var doc map[string]any
	if json.Unmarshal(ex.Resp, &doc) != nil {
		return ""
	}
	for _, k := range []string{"message", "Message"} {
		if m, ok := doc[k].(string); ok {
			return firstLine(shorten(m))
		}
	}
	return ""
}

// jsonError reports whether a body is an AWS JSON error document.
func jsonError(body []byte) bool {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return false
	}
	_, typ := doc["__type"]
	_, code := doc["code"]
	return typ || code
}

// CredentialsError is the probe's finding that the target refused the
// suite's credentials or their signature: every case would fail on it.
type CredentialsError struct {
	Endpoint string
	Status   int
	ErrType  string // one of SignatureErrors
	Message  string // the answer's message
	// AccessKeyID and Source are the refused credentials' key id (not a
	// secret) and where they came from, in words; "" when unknown.
	AccessKeyID, Source string
}

// Error is the finding in a Go caller's words (Text).
func (e *CredentialsError) Error() string { return e.Text(GoCaller) }

// Text is the finding in one line, for audience a: what the target
// answered, whose credentials it refused, and what to set instead.
func (e *CredentialsError) Text(a Audience) string {
	msg := fmt.Sprintf("%s refused the suite's credentials: %d %s", e.Endpoint, e.Status, e.ErrType)
	if e.Message != "" {
		msg += " (" + e.Message + ")"
	}
	if e.Source != "" {
		msg += "; they were " + e.Source
	}
	if e.AccessKeyID != "" {
		msg += ", key " + e.AccessKeyID
	}
	if e.ErrType == "ExpiredTokenException" || e.ErrType == "ExpiredToken" {
		if a == CommandLine {
			return msg + ": renew the session (AWS_SESSION_TOKEN) and run again"
		}
		return msg + ": renew the session of suite.Target.Credentials and run again"
	}
	return msg + ": " + SetCredentials.For(a)
}

// dummySource is the Source of the suite's dummy credentials.
const dummySource = "ivsrt-dummy"

// describeSource words an aws.Credentials Source: where the SDK (or the
// suite) found the credentials.
func describeSource(source string) string {
	switch {
	case source == dummySource:
		return "the suite's dummy credentials (none were set)"
	case source == config.CredentialsSourceName:
		return "from the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
	case strings.HasPrefix(source, "SharedConfigCredentials"):
		profile := os.Getenv("AWS_PROFILE")
		if profile == "" {
			profile = "default"
		}
		where := "the shared credentials file"
		if _, file, ok := strings.Cut(source, ": "); ok && file != "" {
			where = file
		}
		return fmt.Sprintf("profile %q of %s", profile, where)
	case source == "StaticCredentials":
		return "static credentials given in code (suite.Target.Credentials)"
	case source == "":
		return ""
	}
	return "from " + source
}
