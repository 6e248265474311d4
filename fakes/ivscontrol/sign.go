package ivscontrol

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// SigningName is the service name in the SigV4 credential scope of IVS
// real-time requests: what the AWS SDKs sign with, and what a fake that
// checks signatures wants in a control request's scope too.
const SigningName = "ivs"

// SigningClient returns a client that sends through hc (nil means
// http.DefaultClient) and SigV4-signs each request that has no
// Authorization header yet, with creds for region, as the AWS SDK signs
// IVS real-time requests. Give it to NewControl or IsFake to drive a fake
// that checks signatures (`ivsrt serve -auth verify`), or to act in a
// region's namespace of one that does not. Requests the SDK signed itself
// pass through unchanged, so one client can serve both.
func SigningClient(hc *http.Client, creds aws.CredentialsProvider, region string) *http.Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c := *hc
	c.Transport = &signer{next: next, creds: creds, region: region, v4: v4.NewSigner()}
	return &c
}

type signer struct {
	next   http.RoundTripper
	creds  aws.CredentialsProvider
	region string
	v4     *v4.Signer
}

func (s *signer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return s.next.RoundTrip(req)
	}
	closeBody := func() {
		if req.Body != nil {
			_ = req.Body.Close()
		}
	}
	creds, err := s.creds.Retrieve(req.Context())
	if err != nil {
		closeBody()
		return nil, fmt.Errorf("ivscontrol: credentials: %w", err)
	}
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		body, err = io.ReadAll(req.Body)
		closeBody()
		if err != nil {
			return nil, err
		}
	}
	// A RoundTripper must not change the request it is given.
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = int64(len(body))
	if len(body) == 0 {
		out.Body = http.NoBody
	}
	sum := sha256.Sum256(body)
	if err := s.v4.SignHTTP(req.Context(), creds, out, hex.EncodeToString(sum[:]), SigningName, s.region, time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("ivscontrol: signing: %w", err)
	}
	return s.next.RoundTrip(out)
}
