// Package drift replays a cassette (package cassette: what `ivsrt proxy
// -record` or a test's cassette.Recorder wrote) against a target, the
// fake or any implementation of IVS Real-Time, and compares its answers
// with the recorded ones, answer by answer: status, error type, the
// members the spec knows, the values that must agree, and the form of the
// identifiers the target mints itself. Each difference names the rule of
// docs/contract.md it touches (package rules). `ivsrt drift` is its
// command.
//
// Identifiers are mapped by position: the ARN, id, session id, token or
// page token the target gave at the place of the recording's answer stands
// for the recorded value from then on, in every later request (body, path
// and query). Where the recording shows participants that joined, and no
// control call of the recording made them, the replay makes them through
// the target's control API (a fake's) before the call that showed them.
package drift

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/wire"
)

// Target is what a cassette is replayed against: its endpoint, region
// and credentials (suite.Target's; its Seeder and Given are not used),
// and the control client of a target that is an ivsrt fake, nil for one
// that is not (AWS): its control calls are then not replayed and nothing
// is seeded.
type Target struct {
	suite.Target
	Control *ivscontrol.Control
}

// NewTarget is the target at endpoint, signed for region: dummy
// credentials for one on loopback or an ivsrt fake (which take any), the
// SDK's standard chain for any other; the control client when it is an
// ivsrt fake. hc nil means a client with a 30 s timeout.
func NewTarget(ctx context.Context, endpoint, region string, hc *http.Client) (Target, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Target{}, fmt.Errorf("drift: endpoint %q is not an http(s) URL", endpoint)
	}
	if region == "" {
		region = suite.DefaultRegion
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	t := Target{Target: suite.Target{Endpoint: endpoint, Region: region, HTTPClient: hc}}
	fake := ivscontrol.IsFake(ctx, endpoint, hc)
	switch {
	case fake || isLoopback(u):
		t.Credentials = suite.DummyCredentials()
	default:
		cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
		if err == nil && cfg.Credentials == nil {
			err = errors.New("the SDK's standard chain has none")
		}
		if err == nil {
			// Found now rather than as the first request fails, which
			// would read as a target that does not answer.
			rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			_, err = cfg.Credentials.Retrieve(rctx)
			cancel()
		}
		if err != nil {
			return Target{}, fmt.Errorf("drift: credentials for %s: %w", endpoint, err)
		}
		t.Credentials = cfg.Credentials
	}
	if fake {
		t.Control = ivscontrol.NewControl(endpoint, ivscontrol.SigningClient(hc, t.Credentials, region))
	}
	return t, nil
}

func isLoopback(u *url.URL) bool {
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// Options tune a replay.
type Options struct {
	// Contract is the contract the answers are judged by; nil is the
	// current API's (ivscases.Contract).
	Contract *suite.Contract
	// Name names the cassette in the report (its file, say).
	Name string
}

// ErrUnreachable wraps the error of a request the target gave no answer
// to: the replay could not run.
var ErrUnreachable = errors.New("drift: the target gave no answer")

// Replay replays the exchanges of cs in order against target and compares
// each answer with the recorded one. An error means the replay could not
// run (the target does not answer, say); drift is in the report.
func Replay(ctx context.Context, cs *cassette.Cassette, target Target, opts Options) (*Report, error) {
	if cs == nil {
		return nil, errors.New("drift: no cassette")
	}
	c := opts.Contract
	if c == nil {
		c = ivscases.Contract
	}
	if target.Endpoint == "" {
		return nil, errors.New("drift: the target needs an endpoint")
	}
	if target.Region == "" {
		target.Region = suite.DefaultRegion
	}
	if target.HTTPClient == nil {
		target.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if target.Credentials == nil {
		target.Credentials = suite.DummyCredentials()
	}
	target.Credentials = aws.NewCredentialsCache(target.Credentials)
	r := &replayer{
		c:       c,
		target:  target,
		hc:      ivscontrol.SigningClient(target.HTTPClient, target.Credentials, target.Region),
		router:  wire.NewRouter(ivsapi.Routes),
		ids:     map[string]string{},
		tokenOf: map[string]string{},
		present: map[string]bool{},
		lost:    map[string]bool{},
		joined:  map[string]ivscontrol.ParticipantRef{},
		acted:   map[string]bool{},

		exchanges: cs.Exchanges,
	}
	rep := &Report{Cassette: opts.Name, Endpoint: target.Endpoint, Region: target.Region, APIVersion: c.APIVersion,
		Recorded: cs.Header.Upstream, ControlAPI: target.Control != nil}
	for _, ex := range cs.Exchanges {
		er, err := r.replay(ctx, ex)
		if err != nil {
			return nil, err
		}
		rep.Exchanges = append(rep.Exchanges, er)
	}
	rep.count()
	return rep, nil
}
