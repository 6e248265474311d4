package behaviour

import (
	"context"
	"fmt"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the cases of the seeded session: it reads back as the
// seeder made it act.

// seededNeeded fails or skips unless the setup seeded the live session.
func (r *runner) seededNeeded() *suite.Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	if _, f := r.Live(r.liveSession); f != nil {
		return f
	}
	return nil
}

func listsSeeded(ctx context.Context, r *runner) *suite.Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	op, f := r.operation(ivscases.OpListParticipants)
	if f != nil {
		return f
	}
	items, ex, f := r.ListAll(ctx, op, map[string]any{ivscases.MemberStageArn: r.seed.stageArn, ivscases.MemberSessionId: r.seed.sessionID}, 0)
	if f != nil {
		return f
	}
	want, got := map[string]map[string]any{}, map[string]map[string]any{}
	for _, p := range r.seed.participants {
		want[p.ParticipantID] = p.summary()
	}
	for _, it := range items {
		m, _ := it.(map[string]any)
		g := map[string]any{}
		for k := range r.seed.participants[0].summary() {
			if v, ok := m[k]; ok {
				g[k] = v
			}
		}
		got[participantID(it)] = g
	}
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: "ListParticipants does not list the seeded participants as they joined, published, were recorded and left", Diff: d, Exchange: ex}
	}
	return nil
}

func getsSeeded(ctx context.Context, r *runner) *suite.Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	for _, p := range r.seed.participants {
		doc, ex, f := r.do(ctx, ivscases.OpGetParticipant, map[string]any{ivscases.MemberStageArn: p.StageArn, ivscases.MemberSessionId: p.SessionID, ivscases.MemberParticipantId: p.ParticipantID})
		if f != nil {
			return f
		}
		want := p.summary()
		got := map[string]any{}
		part, _ := doc["participant"].(map[string]any)
		for k := range want {
			if v, ok := part[k]; ok {
				got[k] = v
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			return &suite.Failure{Reason: fmt.Sprintf("GetParticipant does not report the seeded participant %s (%s) as it acted", p.ParticipantID, p.role.name), Diff: d, Exchange: ex}
		}
	}
	return nil
}

// unrecordedLocation: a participant whose recording is DISABLED has an
// empty bucket name and prefix (contract rule 7).
func unrecordedLocation(ctx context.Context, r *runner) *suite.Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	for _, p := range r.seed.participants {
		if !p.role.unrecorded {
			continue
		}
		doc, ex, f := r.do(ctx, ivscases.OpGetParticipant, map[string]any{ivscases.MemberStageArn: p.StageArn, ivscases.MemberSessionId: p.SessionID, ivscases.MemberParticipantId: p.ParticipantID})
		if f != nil {
			return f
		}
		part, _ := doc["participant"].(map[string]any)
		want := map[string]any{ivscases.MemberRecordingState: recDisabled, "recordingS3BucketName": "", "recordingS3Prefix": ""}
		got := map[string]any{}
		for k := range want {
			got[k] = part[k]
		}
		if d := cmp.Diff(want, got); d != "" {
			return &suite.Failure{Reason: "a participant that is not recorded must have an empty recording bucket name and prefix", Diff: d, Exchange: ex}
		}
	}
	return nil
}
