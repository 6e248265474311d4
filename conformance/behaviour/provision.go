package behaviour

import (
	"context"
	"slices"
	"strings"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file is what a case needs made for it alone, as its Needs declare:
// a generated case that deletes the live stage or storage configuration
// deletes one made for it instead (the other cases need the live one), and
// a timestamp case about a session reads the live stage's ended session,
// since a live session has no endTime yet (documented). The provisioners
// are registered by Setup.

// The provisioners Declare names.
const (
	provisionStage        = "stage"
	provisionStorage      = "storage-configuration"
	provisionEndedSession = "ended-session"
)

// Declare returns the generated cases, each declaring what it needs made
// for it (Needs) and whether it must run alone, but those about a deleted
// resource of a kind the suite cannot make and delete (a composition,
// say: the suite makes and deletes stages, storage configurations and public keys
// only): a pagination case pages
// through a list other cases change (the account's stages and storage
// configurations, a participant's events, a stage's sessions) unless it
// lists the seeded session's participants, which hold still.
func Declare(c *suite.Contract, generated []suite.Case) []suite.Case {
	liveStage := c.LiveName(structGetStage, ivscases.MemberArn)
	liveSession := c.LiveName(structList, ivscases.MemberSessionId)
	liveParticipant := c.LiveName(structGetPart, ivscases.MemberParticipantId)
	liveStorage := contract{c}.liveStorageName()
	deletable := contract{c}.deletable()
	var out []suite.Case
	for _, cs := range generated {
		// A case about a deleted resource of a kind the suite does not
		// know how to make and delete cannot run anywhere: it is left out.
		if needsUndeletable(deletable, cs.Body) {
			continue
		}
		out = append(out, cs)
	}
	for i := range out {
		cs := &out[i]
		need := func(placeholder, provisioner string) {
			cs.Needs = append(slices.Clip(cs.Needs), suite.Need{Placeholder: placeholder, Provisioner: provisioner})
		}
		switch cs.Kind {
		case suite.KindRequest, suite.KindShape, suite.KindTimestamp:
			if cs.Operation == ivscases.OpDeleteStage && containsPlaceholder(cs.Body, liveStage) {
				need(liveStage, provisionStage)
			}
			if cs.Kind == suite.KindTimestamp && containsPlaceholder(cs.Body, liveSession) && !containsPlaceholder(cs.Body, liveParticipant) {
				need(liveSession, provisionEndedSession)
			}
			if cs.Operation == ivscases.OpDeleteStorageConfiguration && containsPlaceholder(cs.Body, liveStorage) {
				need(liveStorage, provisionStorage)
			}
			declareAccepted(c, cs, need)
		case suite.KindPagination:
			if !listsSeededParticipants(liveSession, c.Operation(cs.Operation), cs.Body) {
				cs.Alone = true
			}
		}
	}
	return out
}

func containsPlaceholder(body, name string) bool {
	return strings.Contains(body, "${"+name+"}")
}

// stageToDelete makes a stage for a case to delete.
func (r *runner) stageToDelete(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return "", f
	}
	st, _, _, f := r.createStage(ctx, "delete-stage", map[string]any{})
	if f != nil {
		f.Reason = "making a stage for the case to delete: " + f.Reason
		return "", f
	}
	return st[ivscases.MemberArn].(string), nil
}

// storageToDelete makes a storage configuration for a case to delete.
func (r *runner) storageToDelete(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	if _, f := r.Live(r.c.liveStorageName()); f != nil {
		return "", f
	}
	sc, _, f := r.createStorage(ctx, "delete-storage", nil)
	if f != nil {
		f.Reason = "making a storage configuration for the case to delete: " + f.Reason
		return "", f
	}
	return sc[ivscases.MemberArn].(string), nil
}

// endedSessionID is the live stage's ended session, else (no seeder made
// one) the live session, or why there is none.
func (r *runner) endedSessionID(context.Context, *suite.Case) (string, *suite.Failure) {
	if r.seed.endedSessionID != "" {
		return r.seed.endedSessionID, nil
	}
	return r.Live(r.liveSession)
}
