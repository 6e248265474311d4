package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/go-cmp/cmp"
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
func DefaultCases(c *Contract) []Case {
	if c.Operation("CreateStage") == nil {
		return nil
	}
	tags := fmt.Sprintf(`"tags":{%q:"${runId}"}`, c.RunTagKey)
	oneToken := `{` + tags + `,"participantTokenConfigurations":[{}]}`
	mk := func(name, member, source, body string, check func(ctx context.Context, r *Runner, c *Case, doc any, ex *exchange) *Failure) Case {
		return Case{
			Name: "CreateStage/defaults/" + name, Operation: "CreateStage", Member: member, Rule: "default",
			Kind: KindCustom, Source: source, Body: body,
			Custom: func(ctx context.Context, r *Runner, c *Case) *Failure {
				op := r.suite.Contract.Operation(c.Operation)
				body, miss := r.expand(c.Body)
				if miss != nil {
					return miss
				}
				ex, f := r.call(ctx, op, body)
				if f != nil {
					return f
				}
				if f := wantSuccess(ex); f != nil {
					return f
				}
				var doc any
				if err := json.Unmarshal(ex.Resp, &doc); err != nil {
					return notJSON(ex, err)
				}
				return check(ctx, r, c, doc, ex)
			},
		}
	}
	// The request defaults of a token are documented, but AWS's examples
	// show no token answer carrying them: their echo is our reading. A
	// stage's recording configuration and tags, defaults applied, are in
	// AWS's CLI examples.
	return []Case{
		mk("participantTokens[].duration", "participantTokenConfigurations[].duration", SourceInferred, oneToken,
			func(_ context.Context, r *Runner, _ *Case, doc any, ex *exchange) *Failure {
				return r.wantDefault(ex, "ParticipantTokenConfiguration", "duration", firstValue(doc, "participantTokens", "[]", "duration"))
			}),
		mk("participantTokens[].capabilities", "participantTokenConfigurations[].capabilities", SourceInferred, oneToken,
			func(_ context.Context, r *Runner, _ *Case, doc any, ex *exchange) *Failure {
				return r.wantDefault(ex, "ParticipantTokenConfiguration", "capabilities", firstValue(doc, "participantTokens", "[]", "capabilities"))
			}),
		mk("participantTokens[].expirationTime", "participantTokenConfigurations[].duration", SourceDocumented, oneToken, checkExpiration),
		mk("stage.autoParticipantRecordingConfiguration", "autoParticipantRecordingConfiguration", SourceDocumented, `{`+tags+`}`,
			func(_ context.Context, r *Runner, _ *Case, doc any, ex *exchange) *Failure {
				return r.wantDefault(ex, "CreateStageRequest", "autoParticipantRecordingConfiguration", firstValue(doc, "stage", "autoParticipantRecordingConfiguration"))
			}),
		mk("autoParticipantRecordingConfiguration.mediaTypes", "autoParticipantRecordingConfiguration.mediaTypes", SourceDocumented,
			`{`+tags+`,"autoParticipantRecordingConfiguration":{"storageConfigurationArn":""}}`,
			func(_ context.Context, r *Runner, _ *Case, doc any, ex *exchange) *Failure {
				return r.wantDefault(ex, "AutoParticipantRecordingConfiguration", "mediaTypes", firstValue(doc, "stage", "autoParticipantRecordingConfiguration", "mediaTypes"))
			}),
		// No tags at all: this one stage goes without the run tag.
		mk("stage.tags", "tags", SourceDocumented, `{}`,
			func(_ context.Context, r *Runner, _ *Case, doc any, ex *exchange) *Failure {
				return r.wantDefault(ex, "CreateStageRequest", "tags", firstValue(doc, "stage", "tags"))
			}),
	}
}

// defaultValue decodes the default of Struct.Member, with the defaults of
// an object-valued default's own members applied.
func (c *Contract) defaultValue(structName, member string) (any, bool) {
	d, ok := c.Default(structName, member)
	if !ok {
		return nil, false
	}
	var v any
	if err := json.Unmarshal([]byte(d.JSON), &v); err != nil {
		return nil, false
	}
	if m, ok := v.(map[string]any); ok && d.Type != "" {
		c.applyDefaults(d.Type, m)
	}
	return v, true
}

// applyDefaults fills the members of m (an object of struct structName)
// that are absent and have a default.
func (c *Contract) applyDefaults(structName string, m map[string]any) {
	for _, d := range c.Defaults {
		if d.Struct != structName {
			continue
		}
		if _, ok := m[d.Member]; ok {
			continue
		}
		if v, ok := c.defaultValue(d.Struct, d.Member); ok {
			m[d.Member] = v
		}
	}
}

func (r *Runner) wantDefault(ex *exchange, structName, member string, got any) *Failure {
	want, ok := r.suite.Contract.defaultValue(structName, member)
	if !ok {
		return skipf("the spec gives %s.%s no default", structName, member)
	}
	if d := cmp.Diff(want, got); d != "" {
		return &Failure{Reason: fmt.Sprintf("the default of %s.%s is %s, the answer shows %s", structName, member, canonical(want), canonical(got)),
			Diff: d, ex: ex}
	}
	return nil
}

// checkExpiration wants the token's expirationTime to be its issue time
// (the answer's Date header, else when the request was sent) plus the
// default duration in minutes.
func checkExpiration(_ context.Context, r *Runner, _ *Case, doc any, ex *exchange) *Failure {
	dur, ok := r.suite.Contract.defaultValue("ParticipantTokenConfiguration", "duration")
	minutes, isNum := dur.(float64)
	if !ok || !isNum {
		return skipf("the spec gives ParticipantTokenConfiguration.duration no numeric default")
	}
	raw := firstValue(doc, "participantTokens", "[]", "expirationTime")
	s, ok := raw.(string)
	if !ok {
		return mismatch(ex, "the token has no expirationTime string", "an ISO 8601 string such as 2024-06-20T17:04:05Z", raw)
	}
	got, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return mismatch(ex, fmt.Sprintf("expirationTime %q is not ISO 8601: %v", s, err), "an ISO 8601 string such as 2024-06-20T17:04:05Z", s)
	}
	issued, tolerance := issueTime(ex)
	want := issued.Add(time.Duration(minutes) * time.Minute).UTC()
	if diff := got.Sub(want); diff > tolerance || diff < -tolerance {
		return &Failure{
			Reason: fmt.Sprintf("expirationTime is %s; issue time %s + %v minutes is %s (tolerance %v)",
				s, issued.UTC().Format(time.RFC3339), minutes, want.Format(time.RFC3339), tolerance),
			Diff: cmp.Diff(want.Format(time.RFC3339), got.UTC().Format(time.RFC3339)), ex: ex,
		}
	}
	return nil
}
