package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"time"
)

// probeTimeout bounds the probe: one request, which a live endpoint
// answers at once.
const probeTimeout = 15 * time.Second

// Probe sends the target one request, a malformed body to a read-only
// operation (which no implementation may act on), and says whether an
// AWS JSON service answered: an error with an x-amzn-ErrorType header or a
// JSON "__type" or "code", or a JSON 200. Nothing listening, or anything
// else answering (a web server's HTML page, say), is an error that names
// the endpoint and what came back, so a run that cannot mean anything
// stops before it prints a failure per case.
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
