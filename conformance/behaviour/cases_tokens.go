package behaviour

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of tokens CreateParticipantToken
// issues with members other than their defaults: the answer repeats what
// was asked, the token expires its own duration after its issue (the
// longest the model allows too), the participant who joins with it has
// its user id and attributes, and one whose capabilities lack PUBLISH may
// not publish. Every value comes from the contract: samples of the
// request's members, their bounds, the defaults they must differ from.

// tokenRequest is a CreateParticipantToken request with a member of every
// kind set to a value other than its default: the second user id of the
// contract, its first attributes, a duration that is not the default
// (with most: the largest the model allows) and a set of capabilities that
// is not the default (without PUBLISH where the enum allows that).
func (r *runner) tokenRequest(most bool) (map[string]any, *suite.Failure) {
	c := r.c
	users, f := c.samples(structCreateToken, ivscases.MemberUserId, 2)
	if f != nil {
		return nil, f
	}
	body := map[string]any{ivscases.MemberUserId: users[1]}
	if attrs := c.attributesOf(structCreateToken); len(attrs) > 0 {
		body[ivscases.MemberAttributes] = attrs[0]
	}
	dur, f := c.member(structCreateToken, ivscases.MemberDuration)
	if f != nil {
		return nil, f
	}
	def, _ := c.DefaultValue(structCreateToken, ivscases.MemberDuration)
	switch {
	case most && dur.Max != nil:
		body[ivscases.MemberDuration] = float64(*dur.Max)
	case most:
		return nil, suite.Skipf("the spec gives %s.%s no maximum", structCreateToken, ivscases.MemberDuration)
	default:
		for _, v := range dur.Values() {
			if suite.Canonical(v) != suite.Canonical(def) && (dur.Max == nil || suite.Canonical(v) != suite.Canonical(float64(*dur.Max))) {
				body[ivscases.MemberDuration] = v
				break
			}
		}
		if body[ivscases.MemberDuration] == nil {
			return nil, suite.Skipf("the spec allows %s.%s no value but its default and maximum", structCreateToken, ivscases.MemberDuration)
		}
	}
	caps, f := c.capabilitiesWithout(capabilityPublish)
	if f != nil {
		return nil, f
	}
	body[ivscases.MemberCapabilities] = caps
	return body, nil
}

// attributesOf are the valid, non-empty attribute maps of
// structName.attributes.
func (c contract) attributesOf(structName string) []any {
	m := c.Member(structName, ivscases.MemberAttributes)
	if m == nil {
		return nil
	}
	var out []any
	for _, v := range m.Values() {
		if mv, ok := v.(map[string]any); ok && len(mv) > 0 {
			out = append(out, mv)
		}
	}
	return out
}

// capabilitiesWithout is the token capabilities of the contract's enum
// but one, which must be one of them: a set a token may have that is not
// the default (every capability).
func (c contract) capabilitiesWithout(capability string) ([]any, *suite.Failure) {
	m, f := c.member(structCreateToken, ivscases.MemberCapabilities)
	if f != nil {
		return nil, f
	}
	if m.Elem == nil || !slices.Contains(m.Elem.Enum, capability) {
		return nil, suite.Skipf("the contract's %s.%s has no capability %s", structCreateToken, ivscases.MemberCapabilities, capability)
	}
	out := []any{}
	for _, v := range m.Elem.Enum {
		if v != capability {
			out = append(out, v)
		}
	}
	if m.Check(out) != nil {
		return nil, suite.Skipf("the contract's %s.%s does not allow %v", structCreateToken, ivscases.MemberCapabilities, out)
	}
	return out, nil
}

// tokenEchoes: a token asked for with a user id, attributes, a duration
// and capabilities other than the defaults repeats each in the answer,
// with a participantId and the token itself (inferred: AWS's examples
// show the members the request gave echoed).
func tokenEchoes(ctx context.Context, r *runner) *suite.Failure {
	arn, f := r.Live(r.liveStage)
	if f != nil {
		return f
	}
	body, f := r.tokenRequest(false)
	if f != nil {
		return f
	}
	tok, ex, f := r.issueToken(ctx, arn, body)
	if f != nil {
		return f
	}
	// Only the members the token carries: AWS's create-participant-token
	// example asks for a userId and shows a token without it.
	want, got := map[string]any{}, map[string]any{}
	for k, v := range body {
		if tok[k] != nil && k != ivscases.MemberStageArn {
			want[k], got[k] = v, tok[k]
		}
	}
	if len(got) == 0 {
		return suite.Skipf("the token repeats none of the members it was asked for")
	}
	if d := cmp.Diff(jsonCopy(want), jsonCopy(got)); d != "" {
		return &suite.Failure{Reason: ivscases.OpCreateParticipantToken + " does not repeat the user id, attributes, duration and capabilities it was asked for", Diff: d, Exchange: ex}
	}
	if id, _ := tok[ivscases.MemberParticipantId].(string); id == "" {
		return suite.Mismatch(ex, ivscases.OpCreateParticipantToken+" answers a token without its participantId", "a participant id", tok[ivscases.MemberParticipantId])
	}
	return nil
}

// tokenExpires: a token asked for with a duration (other than the
// default, or the longest the model allows) expires that many minutes
// after its issue, the answer's Date (documented: duration is the
// token's lifetime), and the answer repeats the duration, not shortened.
func tokenExpires(ctx context.Context, r *runner, most bool) *suite.Failure {
	arn, f := r.Live(r.liveStage)
	if f != nil {
		return f
	}
	body, f := r.tokenRequest(most)
	if f != nil {
		return f
	}
	tok, ex, f := r.issueToken(ctx, arn, body)
	if f != nil {
		return f
	}
	minutes, _ := body[ivscases.MemberDuration].(float64)
	// A token that leaves its duration out is no failure (AWS's examples
	// show such tokens); one that gives another is.
	if d := cmp.Diff(minutes, tok[ivscases.MemberDuration]); tok[ivscases.MemberDuration] != nil && d != "" {
		return &suite.Failure{Reason: fmt.Sprintf("a token asked for with a %s of %v minutes does not repeat it", ivscases.MemberDuration, minutes), Diff: d, Exchange: ex}
	}
	s, _ := tok[ivscases.MemberExpirationTime].(string)
	got, err := time.Parse(time.RFC3339Nano, s)
	issued, tolerance := issueTime(ex)
	want := issued.Add(time.Duration(minutes) * time.Minute).UTC()
	if err != nil || got.Sub(want) > tolerance || want.Sub(got) > tolerance {
		return suite.Mismatch(ex, fmt.Sprintf("a token asked for with a %s of %v minutes does not expire that long after its issue, the answer's Date (tolerance %v)", ivscases.MemberDuration, minutes, tolerance),
			want.Format(time.RFC3339), tok[ivscases.MemberExpirationTime])
	}
	return nil
}

// tokenParticipant: the participant who joins with a token has the
// token's user id and attributes, as GetParticipant reports it
// (documented: a participant's attributes are the application-provided
// attributes encoded into its token). The participant is the one of the
// sessions' fixture whose token tokenRequest made (cases_events.go).
func tokenParticipant(ctx context.Context, r *runner) *suite.Failure {
	p, f := r.twoInSession(ctx)
	if f != nil {
		return f
	}
	body := p.refusedToken
	if _, ok := body[ivscases.MemberAttributes]; !ok {
		return suite.Skipf("the contract gives %s.%s no sample with an entry", structCreateToken, ivscases.MemberAttributes)
	}
	part, ex, f := r.participant(ctx, p.refused)
	if f != nil {
		return f
	}
	want := map[string]any{ivscases.MemberUserId: body[ivscases.MemberUserId], ivscases.MemberAttributes: body[ivscases.MemberAttributes]}
	got := map[string]any{ivscases.MemberUserId: part[ivscases.MemberUserId], ivscases.MemberAttributes: part[ivscases.MemberAttributes]}
	if d := cmp.Diff(jsonCopy(want), jsonCopy(got)); d != "" {
		return &suite.Failure{Reason: "the participant who joined with a token does not have the token's user id and attributes", Diff: d, Exchange: ex}
	}
	return nil
}

// tokenWithoutPublish: a participant whose token's capabilities lack
// PUBLISH may not publish (documented: capabilities are what the
// participant may do in the stage): when it tries (the fixture's refused
// one), it has not published, and it has no PUBLISH_STARTED event.
func tokenWithoutPublish(ctx context.Context, r *runner) *suite.Failure {
	p, f := r.twoInSession(ctx)
	if f != nil {
		return f
	}
	caps := p.refusedToken[ivscases.MemberCapabilities]
	part, ex, f := r.participant(ctx, p.refused)
	if f != nil {
		return f
	}
	if part[ivscases.MemberPublished] != false {
		return suite.Mismatch(ex, fmt.Sprintf("a participant whose token's capabilities are %v published", caps), false, part[ivscases.MemberPublished])
	}
	_, names, ex, f := r.events(ctx, p.refused)
	if f != nil {
		return f
	}
	if slices.Contains(names, eventPublishStarted) {
		return suite.Mismatch(ex, fmt.Sprintf("a participant whose token's capabilities are %v has a %s event", caps, eventPublishStarted), nil, names)
	}
	return nil
}
