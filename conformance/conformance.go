// Package conformance checks an implementation of Amazon IVS Real-Time
// (the real AWS endpoint or a fake) against the contract in spec/: the
// cases generated from the spec (package ivscases) run on the runtime of
// package suite.
//
// In a test:
//
//	f := ivsfake.Start(t)
//	conformance.Run(t, suite.Target{Endpoint: f.URL})
//
// This package's own tests run the suite against the in-process fake, or
// against any endpoint with
//
//	go test ./conformance/... -args -endpoint URL [-region R]
//
// (or IVSRT_ENDPOINT and IVSRT_REGION in the environment).
//
// From the command line: ivsrt conform [-endpoint URL] (see Main).
package conformance

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/spec"
)

// Suite returns the whole suite: the generated contract and cases, the
// hand-written default and behaviour checks, and a copy of the spec of its own for
// response validation.
func Suite() (*suite.Suite, error) {
	doc, err := spec.Load(spec.File, spec.Source)
	if err != nil {
		return nil, err
	}
	cases := append(slices.Clone(ivscases.Cases), suite.DefaultCases(ivscases.Contract)...)
	cases = append(cases, suite.BehaviourCases(ivscases.Contract)...)
	return &suite.Suite{Contract: ivscases.Contract, Cases: cases, Spec: doc.OpenAPI}, nil
}

// Prepare gives a target without a Seeder the control API of an ivsrt fake
// as its seeder, when its endpoint is one.
func Prepare(ctx context.Context, target suite.Target) suite.Target {
	if target.Seeder == nil && target.Endpoint != "" && suite.IsFake(ctx, target.Endpoint, target.HTTPClient) {
		target.Seeder = FakeSeeder(target.Endpoint, target.HTTPClient)
	}
	return target
}

// RunAll runs every case against target and returns the results in order.
func RunAll(ctx context.Context, target suite.Target) []suite.Result {
	s, err := Suite()
	if err != nil {
		return []suite.Result{{Name: "spec", Status: suite.Fail, Reason: err.Error()}}
	}
	return suite.RunAll(ctx, Prepare(ctx, target), s)
}

// Run runs every case against target as a parallel subtest named after the
// case. A failed case reports its diff and the request that produced it; a
// case that cannot run there (no seeder, say) is skipped with the reason.
// When all are done, the stages the run created are deleted where the
// target allows it.
func Run(t *testing.T, target suite.Target) {
	t.Helper()
	s, err := Suite()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := suite.NewRunner(ctx, Prepare(ctx, target), s)
	if err != nil {
		t.Fatal(err)
	}
	// After every subtest: delete the stages the run created.
	t.Cleanup(func() { t.Log(r.Cleanup(ctx)) })
	for i := range s.Cases {
		c := &s.Cases[i]
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			switch res := r.Run(ctx, c); res.Status {
			case suite.Fail:
				t.Error(res.Text())
			case suite.Skip:
				t.Skip(res.Reason)
			}
		})
	}
}

// FakeSeeder drives the participants of an ivsrt fake through its control
// API at endpoint; hc nil means http.DefaultClient.
func FakeSeeder(endpoint string, hc *http.Client) suite.Seeder {
	return controlSeeder{ivsfake.NewControl(endpoint, hc)}
}

type controlSeeder struct{ c *ivsfake.Control }

func ref(p suite.Joined) ivsfake.ParticipantRef {
	return ivsfake.ParticipantRef{StageArn: p.StageArn, ParticipantId: p.ParticipantID}
}

func (s controlSeeder) Join(ctx context.Context, token string) (suite.Joined, error) {
	out, err := s.c.Join(ctx, ivsfake.JoinInput{Token: token})
	if err != nil {
		return suite.Joined{}, err
	}
	return suite.Joined{StageArn: out.StageArn, SessionID: out.SessionId, ParticipantID: out.ParticipantId}, nil
}

func (s controlSeeder) Publish(ctx context.Context, p suite.Joined) error {
	return s.c.Publish(ctx, ref(p))
}

func (s controlSeeder) StartRecording(ctx context.Context, p suite.Joined) error {
	return s.c.StartRecording(ctx, ref(p))
}

func (s controlSeeder) Leave(ctx context.Context, p suite.Joined) error {
	return s.c.Leave(ctx, ref(p))
}

// IssueToken mints one more token through POST /_ivsrt/token.
func (s controlSeeder) IssueToken(ctx context.Context, stageArn, userID string) (string, error) {
	in := ivsfake.TokenInput{StageArn: stageArn}
	in.UserId = &userID
	out, err := s.c.IssueToken(ctx, in)
	if err != nil {
		return "", err
	}
	if out.Token == nil {
		return "", fmt.Errorf("the fake issued a token without a value")
	}
	return *out.Token, nil
}

// SetRecording sets a participant's recording state through POST /_ivsrt/recording.
func (s controlSeeder) SetRecording(ctx context.Context, p suite.Joined, state string) error {
	return s.c.SetRecording(ctx, ref(p), ivsapi.ParticipantRecordingState(state))
}

// SetStageQuota sets the stage quota through POST /_ivsrt/quota.
func (s controlSeeder) SetStageQuota(ctx context.Context, quota int) (int, error) {
	out, err := s.c.SetStageQuota(ctx, quota)
	if err != nil {
		return 0, err
	}
	return out.PreviousStageQuota, nil
}

var (
	_ suite.TokenIssuer     = controlSeeder{}
	_ suite.RecordingSetter = controlSeeder{}
	_ suite.QuotaSetter     = controlSeeder{}
)
