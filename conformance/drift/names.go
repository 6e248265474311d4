package drift

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/rules"
	"github.com/ivsrt/contract/fakes/ivsapi"
)

// This file names each difference as the suite names the case that
// checks its rule, so that rules.Contract().For finds the row of
// docs/contract.md it touches: a difference in a created stage's tags is
// the rule of CreateStage/defaults/stage.tags, say. TestCaseNamesHaveRows
// holds every name given here to a row.

// fallbackCase is the case of the rule every answer keeps: a valid
// request answers 200 with a body of the operation's output shape.
func fallbackCase(op string) string { return op + "/shape/success" }

// statusCase names a difference of status or error type: the rule of the
// error the recording got, or of a success. A control call (op is then
// its path) is no part of AWS's contract: its name is "control" and its
// path, which no row names.
func statusCase(op string, rec Answer, control bool) string {
	switch {
	case control:
		return "control" + op
	case op == "":
		return "*/errors/ValidationException"
	case rec.Status == http.StatusOK:
		return fallbackCase(op)
	case rec.ErrorType == ivsapi.ErrResourceNotFoundException:
		// The rule that an identifier naming nothing is not found.
		return op + "/request/not-found/unknown"
	}
	// The error contract: a refusal is the declared error with its status
	// and type (the suite's case of it is named for ValidationException).
	return op + "/errors/" + ivsapi.ErrValidationException
}

// identifierCases are the cases of the rules on the form of the
// identifiers a target mints, by the contract's identifier format.
var identifierCases = map[string]string{
	"StageArn":                "CreateStage/behaviour/identifiers/stage-arn-format",
	"StorageConfigurationArn": "CreateStorageConfiguration/behaviour/identifiers/arn-format-in-the-request-region",
	"StageSessionId":          "ListParticipants/behaviour/identifiers/session-and-participant-id-formats",
	participantIDFormat:       "ListParticipants/behaviour/identifiers/session-and-participant-id-formats",
}

// participantIDFormat is the contract's identifier format of participant
// ids, which a token's participantId is held to as well.
const participantIDFormat = "ParticipantId"

// orderRule is the case of the rule that fixes the order of an
// operation's list member, "" where no rule does (the list is then
// compared whatever its order). A participant's events are newest first
// only where their times differ (AWS lists events of one second in either
// order): rec is the recorded list, which says whether they do.
func orderRule(op, member string, rec []any) string {
	switch {
	case op == ivscases.OpCreateStage && member == ivscases.MemberParticipantTokens:
		return "CreateStage/behaviour/round-trip/tokens-echo-configurations"
	case op == ivscases.OpListStageSessions && member == ivscases.MemberStageSessions:
		return "ListStageSessions/behaviour/sessions/newest-first"
	case op == ivscases.OpListParticipantEvents && member == ivscases.MemberEvents && distinctTimes(rec):
		return "ListParticipantEvents/behaviour/events/join-publish-leave-newest-first"
	}
	return ""
}

// distinctTimes reports whether no two recorded events share a time.
func distinctTimes(events []any) bool {
	seen := map[any]bool{}
	for _, e := range events {
		m, _ := e.(map[string]any)
		t := m[ivscases.MemberEventTime]
		if t == nil || seen[t] {
			return false
		}
		seen[t] = true
	}
	return true
}

// valueCase names a difference of members or values in a success's body:
// the rule of the operation that says what the answer holds.
func (r *replayer) valueCase(op string, req map[string]any, d bodyDiff) string {
	if d.ordered != "" {
		return d.ordered
	}
	if o := r.c.Operation(op); o != nil && o.Pagination != nil && d.kind == kindLength && d.path == o.Pagination.Items {
		for _, k := range sortedKeys(req) {
			if strings.HasPrefix(k, "filterBy") {
				return fmt.Sprintf("%s/filters/%s=%v", op, k, req[k])
			}
		}
		if n, ok := req[o.Pagination.PageSize]; ok {
			return fmt.Sprintf("%s/pagination/%s=%v", op, o.Pagination.PageSize, n)
		}
		return fmt.Sprintf("%s/pagination/%s=default", op, o.Pagination.PageSize)
	}
	under := func(member string) bool { return d.path == member || strings.HasPrefix(d.path, member+".") }
	given := func(member string) bool { _, ok := req[member]; return ok }
	stage := func(m string) string { return ivscases.MemberStage + "." + m }
	switch op {
	case ivscases.OpCreateStage:
		switch {
		case under(stage(ivscases.MemberTags)) && !given(ivscases.MemberTags):
			return "CreateStage/defaults/stage.tags"
		case under(stage(ivscases.MemberAutoParticipantRecordingConfiguration)) && !given(ivscases.MemberAutoParticipantRecordingConfiguration):
			return "CreateStage/defaults/stage.autoParticipantRecordingConfiguration"
		case under(ivscases.MemberParticipantTokens):
			return "CreateStage/behaviour/round-trip/tokens-echo-configurations"
		}
		return "CreateStage/behaviour/round-trip/stage"
	case ivscases.OpGetStage:
		return "GetStage/behaviour/round-trip/returns-the-created-stage"
	case ivscases.OpUpdateStage:
		if given(ivscases.MemberAutoParticipantRecordingConfiguration) {
			return "UpdateStage/behaviour/partial-update/recording-configuration-only-keeps-name-and-tags"
		}
		return "UpdateStage/behaviour/partial-update/name-only-keeps-recording-configuration-and-tags"
	case ivscases.OpListStages:
		return "ListStages/behaviour/lists-created-stage"
	case ivscases.OpListParticipants:
		for _, k := range sortedKeys(req) {
			if strings.HasPrefix(k, "filterBy") {
				return fmt.Sprintf("%s/filters/%s=%v", op, k, req[k])
			}
		}
		return "ListParticipants/behaviour/lists-seeded-participants-as-seeded"
	case ivscases.OpGetParticipant:
		return "GetParticipant/behaviour/reports-seeded-participants-as-seeded"
	case ivscases.OpCreateStorageConfiguration, ivscases.OpGetStorageConfiguration, ivscases.OpListStorageConfigurations:
		return "CreateStorageConfiguration/behaviour/round-trip/get-and-list"
	case ivscases.OpListTagsForResource:
		return "TagResource/behaviour/tags/shared-with-the-stage"
	}
	return fallbackCase(op)
}

// describe words a body difference and names its case.
func (r *replayer) describe(op string, req map[string]any, d bodyDiff) Difference {
	out := Difference{Path: d.path, Recorded: d.rec, Target: d.tgt}
	switch d.kind {
	case kindForm:
		out.Case = identifierCases[d.identifier]
		if d.timestamp {
			out.Case = op + "/shape/" + d.path + "/iso8601"
		} else if out.Case == "" {
			out.Case = fallbackCase(op)
		}
		out.What = fmt.Sprintf("%s %v, which the target minted, %s", d.path, d.tgt, d.why)
		return out
	case kindMissing:
		out.What = fmt.Sprintf("%s: the recording has it, the target's answer lacks it", d.path)
	case kindExtra:
		out.What = fmt.Sprintf("%s: the target's answer has it (a member the spec knows), the recording's lacks it", d.path)
	case kindLength:
		out.What = fmt.Sprintf("%s: %v items, the recording %v", d.path, d.tgt, d.rec)
	default:
		out.What = fmt.Sprintf("%s: the target's value differs from the recording's", d.path)
		if d.why != "" {
			out.What = fmt.Sprintf("%s %s", d.path, d.why)
		}
	}
	out.Case = r.valueCase(op, req, d)
	if rules := caseRows(out.Case); !rules {
		out.Case = fallbackCase(op)
	}
	return out
}

// caseRows reports whether a row of docs/contract.md names the case.
func caseRows(name string) bool { return rules.Contract().First(name) != nil }
