package behaviour

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the round-trip cases: what CreateStage is given, the
// stage and its tokens echo, and GetStage returns.

// roundTrip creates a stage with a name, tags, token configurations and a
// recording configuration, and returns what it sent and got.
func roundTrip(ctx context.Context, r *runner) (sent map[string]any, st map[string]any, tokens []any, ex *suite.Exchange, f *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return nil, nil, nil, nil, f
	}
	c := r.c
	caps, most, f := c.capabilities()
	if f != nil {
		return nil, nil, nil, nil, f
	}
	rec, f := r.recordingConfig()
	if f != nil {
		return nil, nil, nil, nil, f
	}
	names, f := c.stageNames(1)
	if f != nil {
		return nil, nil, nil, nil, f
	}
	users, f := c.userIDs(3)
	if f != nil {
		return nil, nil, nil, nil, f
	}
	durations, f := c.durations()
	if f != nil {
		return nil, nil, nil, nil, f
	}
	duration := func(i int) any { return durations[i%len(durations)] }
	// Configurations from the fullest to the emptiest (all defaults), as
	// many as one CreateStage takes.
	configs := []any{
		map[string]any{ivscases.MemberUserId: users[0], ivscases.MemberCapabilities: caps[len(caps)-1:], ivscases.MemberDuration: duration(0)},
		map[string]any{ivscases.MemberUserId: users[1], ivscases.MemberCapabilities: caps[:most], ivscases.MemberDuration: duration(1)},
		map[string]any{ivscases.MemberUserId: users[2], ivscases.MemberCapabilities: caps[:min(1, most)]},
		map[string]any{ivscases.MemberDuration: duration(2)},
		map[string]any{},
	}
	// Attributes, the richest first (they hold multi-byte characters where
	// the spec allows them).
	attrs := c.attributeMaps()
	slices.Reverse(attrs)
	for i, a := range attrs[:min(2, len(attrs))] {
		configs[i].(map[string]any)[ivscases.MemberAttributes] = a
	}
	sent = map[string]any{
		ivscases.MemberName:                                  names[0],
		ivscases.MemberParticipantTokenConfigurations:        configs[:min(len(configs), c.tokenLimit())],
		ivscases.MemberAutoParticipantRecordingConfiguration: rec,
	}
	st, tokens, ex, f = r.createStage(ctx, "round-trip", sent)
	if f != nil {
		return nil, nil, nil, ex, f
	}
	sent[ivscases.MemberTags] = r.caseTags("round-trip")
	return sent, st, tokens, ex, nil
}

func roundTripStage(ctx context.Context, r *runner) *suite.Failure {
	sent, st, _, ex, f := roundTrip(ctx, r)
	if f != nil {
		return f
	}
	return createdAsGiven(r.c, ex, structCreate, structStage, sent, st, stageEchoed, stageEchoedReason)
}

func roundTripGetStage(ctx context.Context, r *runner) *suite.Failure {
	_, st, _, _, f := roundTrip(ctx, r)
	if f != nil {
		return f
	}
	got, ex, f := r.getStage(ctx, st[ivscases.MemberArn].(string))
	if f != nil {
		return f
	}
	if d := r.c.Diff(suite.StructType(structStage), st, got); d != "" {
		return &suite.Failure{Reason: "GetStage does not return the stage CreateStage returned", Diff: d, Exchange: ex}
	}
	return nil
}

// echoed are the members of a token that echo its configuration.
var echoed = []string{ivscases.MemberUserId, ivscases.MemberAttributes, ivscases.MemberCapabilities, ivscases.MemberDuration}

// roundTripTokens wants each token to repeat its configuration, defaults
// applied, in the members it carries: AWS's create-stage example shows a
// token with its userId and without its duration or capabilities, so a
// member left out is no failure; one given otherwise is.
func roundTripTokens(ctx context.Context, r *runner) *suite.Failure {
	sent, _, tokens, ex, f := roundTrip(ctx, r)
	if f != nil {
		return f
	}
	configs := sent[ivscases.MemberParticipantTokenConfigurations].([]any)
	var want, got []map[string]any
	compared := 0
	for i, c := range configs {
		w := r.c.withDefaults(structTokenConfig, c.(map[string]any))
		wi, g := map[string]any{}, map[string]any{}
		if i < len(tokens) {
			tok, _ := tokens[i].(map[string]any)
			for _, k := range echoed {
				v, ok := tok[k]
				asked, isAsked := w[k]
				if ok && isAsked {
					g[k], wi[k] = v, asked
					compared++
				}
			}
		}
		want, got = append(want, wi), append(got, g)
	}
	if compared == 0 && len(tokens) == len(configs) {
		return suite.Skipf("the tokens carry none of %v to compare with their configurations", echoed)
	}
	for i := len(configs); i < len(tokens); i++ {
		got = append(got, map[string]any{"unexpected token": i + 1})
	}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: fmt.Sprintf("the %d tokens do not echo their configurations (userId, attributes, capabilities, duration; defaults applied) in order",
			len(tokens)), Diff: d, Exchange: ex}
	}
	return nil
}

// roundTripExpiration wants each token's expirationTime, where it has one,
// to be its issue time plus its duration. A token without one is no
// failure (checkExpiration says why); none at all is a skip.
func roundTripExpiration(ctx context.Context, r *runner) *suite.Failure {
	sent, _, tokens, ex, f := roundTrip(ctx, r)
	if f != nil {
		return f
	}
	issued, tolerance := issueTime(ex)
	configs := sent[ivscases.MemberParticipantTokenConfigurations].([]any)
	var want, got []string
	bad, seen := false, 0
	for i, c := range configs {
		d, _ := r.c.withDefaults(structTokenConfig, c.(map[string]any))[ivscases.MemberDuration].(float64)
		w := issued.Add(time.Duration(d) * time.Minute).UTC()
		var raw any
		if i < len(tokens) {
			raw = tokens[i].(map[string]any)["expirationTime"]
		}
		if raw == nil {
			continue
		}
		seen++
		want = append(want, w.Format(time.RFC3339))
		s, _ := raw.(string)
		g, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			got, bad = append(got, fmt.Sprintf("%q (not ISO 8601)", s)), true
			continue
		}
		if diff := g.Sub(w); diff > tolerance || diff < -tolerance {
			bad = true
		}
		got = append(got, g.UTC().Format(time.RFC3339))
	}
	if seen == 0 {
		return suite.Skipf("no token CreateStage issued has an expirationTime to check")
	}
	if bad {
		return &suite.Failure{Reason: fmt.Sprintf("a token's expirationTime is not its issue time %s plus its duration (tolerance %v)",
			issued.UTC().Format(time.RFC3339), tolerance), Diff: cmp.Diff(want, got), Exchange: ex}
	}
	return nil
}

// issueTime is when the target issued what it answered: the answer's Date
// header, else when the request was sent (with a wider tolerance).
func issueTime(ex *suite.Exchange) (time.Time, time.Duration) {
	if d, err := http.ParseTime(ex.Header.Get("Date")); err == nil {
		return d, expirationTolerance
	}
	return ex.Sent, 5 * time.Minute
}
