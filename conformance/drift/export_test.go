package drift

import (
	"maps"
	"slices"

	"github.com/ivsrt/contract/conformance/ivscases"
)

// HasRow reports whether a row of contract.md names the case.
func HasRow(name string) bool { return caseRows(name) }

// CaseNames are the names a difference can get: each fixed one, and those
// made from an operation's name for every operation.
func CaseNames() []string {
	names := slices.Collect(maps.Values(identifierCases))
	r := &replayer{c: ivscases.Contract}
	for _, op := range ivscases.Operations {
		names = append(names, fallbackCase(op), statusCase(op, Answer{Status: 400, ErrorType: "ValidationException"}, false))
		if o := r.c.Operation(op); o != nil && hasNotFound(o.Errors) {
			names = append(names, statusCase(op, Answer{Status: 404, ErrorType: "ResourceNotFoundException"}, false))
		}
		for _, kind := range []string{kindMissing, kindValue} {
			for _, req := range []map[string]any{{}, {ivscases.MemberTags: map[string]any{}, ivscases.MemberAutoParticipantRecordingConfiguration: map[string]any{}}} {
				for _, path := range []string{"stage.tags", "stage.autoParticipantRecordingConfiguration", "participantTokens", "stage.name"} {
					names = append(names, r.valueCase(op, req, bodyDiff{kind: kind, path: path}))
				}
			}
		}
	}
	events := []any{map[string]any{ivscases.MemberEventTime: "2026-01-01T00:00:01Z"}, map[string]any{ivscases.MemberEventTime: "2026-01-01T00:00:00Z"}}
	names = append(names, orderRule(ivscases.OpCreateStage, ivscases.MemberParticipantTokens, nil), orderRule(ivscases.OpListStageSessions, ivscases.MemberStageSessions, nil),
		orderRule(ivscases.OpListParticipantEvents, ivscases.MemberEvents, events),
		r.valueCase(ivscases.OpListParticipants, map[string]any{ivscases.MemberFilterByPublished: true}, bodyDiff{kind: kindLength, path: ivscases.MemberParticipants}),
		r.valueCase(ivscases.OpListParticipants, map[string]any{ivscases.MemberMaxResults: 1}, bodyDiff{kind: kindLength, path: ivscases.MemberParticipants}),
		r.valueCase(ivscases.OpListStages, map[string]any{}, bodyDiff{kind: kindLength, path: "stages"}))
	slices.Sort(names)
	return slices.Compact(names)
}

func hasNotFound(errs []string) bool { return slices.Contains(errs, "ResourceNotFoundException") }
