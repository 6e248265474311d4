package behaviour

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the hand-written default checks of CreateStage: which
// answer shows which default needs knowledge of the service's behaviour
// (a token echoes its configuration; a stage reports its recording
// configuration and tags), which the spec cannot state. The expected VALUES
// always come from the generated Contract.Defaults, never from here.

// expirationTolerance is how far a token's expirationTime may be from its
// issue time (the answer's Date header) plus its duration.
const expirationTolerance = time.Minute

// DefaultCases returns the hand-written default checks of CreateStage.
// A check whose default the contract does not give is skipped.
func DefaultCases(c *suite.Contract) []suite.Case {
	if c.Operation(ivscases.OpCreateStage) == nil {
		return nil
	}
	tags := fmt.Sprintf(`"tags":{%q:"${runId}"}`, c.RunTagKey)
	oneToken := `{` + tags + `,"participantTokenConfigurations":[{}]}`
	mk := func(name, member, source, body string, check func(ctx context.Context, r *runner, c *suite.Case, doc any, ex *suite.Exchange) *suite.Failure) suite.Case {
		return suite.Case{
			Name: "CreateStage/defaults/" + name, Operation: ivscases.OpCreateStage, Member: member, Rule: "default",
			Kind: suite.KindCustom, Source: source, Body: body,
			Custom: custom(func(ctx context.Context, r *runner, c *suite.Case) *suite.Failure {
				op := r.c.Operation(c.Operation)
				body, miss := r.Expand(c.Body)
				if miss != nil {
					return miss
				}
				ex, f := r.Call(ctx, op, body)
				if f != nil {
					return f
				}
				if f := suite.WantSuccess(ex); f != nil {
					return f
				}
				var doc any
				if err := json.Unmarshal(ex.Resp, &doc); err != nil {
					return suite.NotJSON(ex, err)
				}
				return check(ctx, r, c, doc, ex)
			}),
		}
	}
	// The request defaults of a token are documented, but AWS's examples
	// show token answers without them (create-stage.rst): that a token
	// which carries one carries the default is our reading, and one
	// without is no failure. A stage's recording configuration and tags,
	// defaults applied, are in AWS's CLI examples.
	return []suite.Case{
		mk("participantTokens[].duration", "participantTokenConfigurations[].duration", suite.SourceInferred, oneToken,
			func(_ context.Context, r *runner, _ *suite.Case, doc any, ex *suite.Exchange) *suite.Failure {
				return r.wantDefaultIfPresent(ex, "ParticipantTokenConfiguration", "duration", suite.FirstValue(doc, "participantTokens", "[]", "duration"))
			}),
		mk("participantTokens[].capabilities", "participantTokenConfigurations[].capabilities", suite.SourceInferred, oneToken,
			func(_ context.Context, r *runner, _ *suite.Case, doc any, ex *suite.Exchange) *suite.Failure {
				return r.wantDefaultIfPresent(ex, "ParticipantTokenConfiguration", "capabilities", suite.FirstValue(doc, "participantTokens", "[]", "capabilities"))
			}),
		mk("participantTokens[].expirationTime", "participantTokenConfigurations[].duration", suite.SourceDocumented, oneToken, checkExpiration),
		mk("stage.autoParticipantRecordingConfiguration", "autoParticipantRecordingConfiguration", suite.SourceDocumented, `{`+tags+`}`,
			func(_ context.Context, r *runner, _ *suite.Case, doc any, ex *suite.Exchange) *suite.Failure {
				return r.wantDefault(ex, "CreateStageRequest", "autoParticipantRecordingConfiguration", suite.FirstValue(doc, "stage", "autoParticipantRecordingConfiguration"))
			}),
		mk("autoParticipantRecordingConfiguration.mediaTypes", "autoParticipantRecordingConfiguration.mediaTypes", suite.SourceDocumented,
			`{`+tags+`,"autoParticipantRecordingConfiguration":{"storageConfigurationArn":""}}`,
			func(_ context.Context, r *runner, _ *suite.Case, doc any, ex *suite.Exchange) *suite.Failure {
				return r.wantDefault(ex, "AutoParticipantRecordingConfiguration", "mediaTypes", suite.FirstValue(doc, "stage", "autoParticipantRecordingConfiguration", "mediaTypes"))
			}),
		// No tags at all: this one stage goes without the run tag.
		mk("stage.tags", "tags", suite.SourceDocumented, `{}`,
			func(_ context.Context, r *runner, _ *suite.Case, doc any, ex *suite.Exchange) *suite.Failure {
				return r.wantDefault(ex, "CreateStageRequest", "tags", suite.FirstValue(doc, "stage", "tags"))
			}),
	}
}

// wantDefaultIfPresent is wantDefault for a member AWS's published
// answers leave out: absent, there is nothing to check (a skip).
func (r *runner) wantDefaultIfPresent(ex *suite.Exchange, structName, member string, got any) *suite.Failure {
	if got == nil {
		return suite.Skipf("the token carries no %s to compare with its default (AWS's examples show tokens without it)", member)
	}
	return r.wantDefault(ex, structName, member, got)
}

// wantDefault wants got to be the default of Struct.member (checkDefault).
func (r *runner) wantDefault(ex *suite.Exchange, structName, member string, got any) *suite.Failure {
	return checkDefault(r.c, ex, structName, member, got)
}

// checkExpiration wants the token's expirationTime, where it has one, to
// be its issue time (the answer's Date header, else when the request was
// sent) plus the default duration in minutes. A token without one is no
// failure: AWS's create-stage example prints its token without an
// expirationTime (the model does not require it), so only its value is
// the rule.
func checkExpiration(_ context.Context, r *runner, _ *suite.Case, doc any, ex *suite.Exchange) *suite.Failure {
	dur, ok := r.c.DefaultValue("ParticipantTokenConfiguration", "duration")
	minutes, isNum := dur.(float64)
	if !ok || !isNum {
		return suite.Skipf("the spec gives ParticipantTokenConfiguration.duration no numeric default")
	}
	raw := suite.FirstValue(doc, "participantTokens", "[]", "expirationTime")
	if raw == nil {
		return suite.Skipf("the token CreateStage issued has no expirationTime to check")
	}
	s, ok := raw.(string)
	if !ok {
		return suite.Mismatch(ex, "the token's expirationTime is not a string", "an ISO 8601 string such as 2024-06-20T17:04:05Z", raw)
	}
	got, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return suite.Mismatch(ex, fmt.Sprintf("expirationTime %q is not ISO 8601: %v", s, err), "an ISO 8601 string such as 2024-06-20T17:04:05Z", s)
	}
	issued, tolerance := issueTime(ex)
	want := issued.Add(time.Duration(minutes) * time.Minute).UTC()
	if diff := got.Sub(want); diff > tolerance || diff < -tolerance {
		return &suite.Failure{
			Reason: fmt.Sprintf("expirationTime is %s; issue time %s + %v minutes is %s (tolerance %v)",
				s, issued.UTC().Format(time.RFC3339), minutes, want.Format(time.RFC3339), tolerance),
			Diff: cmp.Diff(want.Format(time.RFC3339), got.UTC().Format(time.RFC3339)), Exchange: ex,
		}
	}
	return nil
}
