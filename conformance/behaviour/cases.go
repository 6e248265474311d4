package behaviour

import (
	"context"

	"github.com/ivsrt/contract/conformance/suite"
)

// This file lists the behaviour cases: rules of the contract that need
// knowledge the spec cannot express, one file per family (cases_*.go;
// what they share is in cases_shared.go). They are written by hand, but
// every VALUE they send or compare against comes from the generated
// Contract (see cases_inputs.go): members' samples and bounds, defaults,
// enums, reset rules, error names and their statuses, identifier formats.

// Errors the behaviour cases expect.
const (
	errNotFound   = "ResourceNotFoundException"
	errConflict   = "ConflictException"
	errValidation = "ValidationException"
)

// Cases returns the hand-written behaviour cases. A case whose operation
// the contract lacks is left out; one that needs participants is skipped,
// with the reason, against a target without a Seeder.
func Cases(sc *suite.Contract) []suite.Case {
	c := contract{sc}
	var out []suite.Case
	add := func(name, op, member, rule, source string, run func(ctx context.Context, r *runner) *suite.Failure) {
		if c.Operation(op) == nil {
			return
		}
		out = append(out, suite.Case{Name: name, Operation: op, Member: member, Rule: rule, Kind: suite.KindCustom, Source: source,
			Custom: custom(func(ctx context.Context, r *runner, _ *suite.Case) *suite.Failure { return run(ctx, r) })})
	}

	// Round trip: what CreateStage is given, the stage and its tokens echo.
	add("CreateStage/behaviour/round-trip/stage", "CreateStage", "", "round-trip", suite.SourceDocumented, roundTripStage)
	add("CreateStage/behaviour/round-trip/tokens-echo-configurations", "CreateStage", memberTokenConfigs, "round-trip", suite.SourceInferred, roundTripTokens)
	add("CreateStage/behaviour/round-trip/tokens-expire-after-duration", "CreateStage", memberTokenConfigs+"[].duration", "round-trip", suite.SourceDocumented, roundTripExpiration)
	add("GetStage/behaviour/round-trip/returns-the-created-stage", "GetStage", "", "round-trip", suite.SourceDocumented, roundTripGetStage)

	// UpdateStage changes only the members it is given.
	add("UpdateStage/behaviour/partial-update/name-only-keeps-recording-configuration-and-tags", "UpdateStage", memberName, "partial-update", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure {
			names, f := r.c.stageNames(2)
			if f != nil {
				return f
			}
			return partialUpdate(ctx, r, map[string]any{memberName: names[1]})
		})
	add("UpdateStage/behaviour/partial-update/recording-configuration-only-keeps-name-and-tags", "UpdateStage", memberRecording, "partial-update", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure {
			storage, f := r.storageArn()
			if f != nil {
				return f
			}
			return partialUpdate(ctx, r, map[string]any{memberRecording: map[string]any{memberStorage: storage}})
		})

	// An empty storage configuration resets the other members to defaults.
	add("UpdateStage/behaviour/recording-reset/mediaTypes-omitted", "UpdateStage", memberRecording+"."+memberMediaTypes, "reset", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return recordingReset(ctx, r, false) })
	add("UpdateStage/behaviour/recording-reset/mediaTypes-given", "UpdateStage", memberRecording+"."+memberMediaTypes, "reset", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return recordingReset(ctx, r, true) })
	add("CreateStage/behaviour/recording-reset/mediaTypes-given", "CreateStage", memberRecording+"."+memberMediaTypes, "reset", suite.SourceInferred, createReset)

	// The recording configuration cannot change while someone is recorded.
	// AWS documents that the configuration cannot change while recording
	// is active; that STARTING and STOPPING count as active is our reading.
	for _, st := range []struct {
		state  string
		steps  seedRole
		source string
	}{
		{recStarting, seedRole{publish: true}, suite.SourceInferred},
		{recActive, seedRole{publish: true, record: true}, suite.SourceDocumented},
		{recStopping, seedRole{publish: true, record: true, leave: true}, suite.SourceInferred},
	} {
		add("UpdateStage/behaviour/conflict-while-recording/"+st.state, "UpdateStage", memberRecording, "conflict", st.source,
			func(ctx context.Context, r *runner) *suite.Failure {
				return conflictWhileRecording(ctx, r, st.steps, st.state)
			})
	}
	add("UpdateStage/behaviour/conflict-while-recording/allowed-once-"+recStopped, "UpdateStage", memberRecording, "conflict", suite.SourceDocumented, allowedOnceStopped)
	add("UpdateStage/behaviour/conflict-while-recording/name-update-allowed", "UpdateStage", memberName, "conflict", suite.SourceInferred, nameWhileRecording)

	// Unknown resources.
	add("GetStage/behaviour/not-found/unknown-stage-arn", "GetStage", "arn", "not-found", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			return unknownStage(ctx, r, "GetStage", func(arn string) map[string]any { return map[string]any{memberArn: arn} })
		})
	add("UpdateStage/behaviour/not-found/unknown-stage-arn", "UpdateStage", "arn", "not-found", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			names, f := r.c.stageNames(1)
			if f != nil {
				return f
			}
			return unknownStage(ctx, r, "UpdateStage", func(arn string) map[string]any { return map[string]any{memberArn: arn, memberName: names[0]} })
		})
	add("GetParticipant/behaviour/not-found/unknown-stage-arn", "GetParticipant", "stageArn", "not-found", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return unknownParticipant(ctx, r, memberStageArn) })
	add("GetParticipant/behaviour/not-found/unknown-session-id", "GetParticipant", "sessionId", "not-found", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			return unknownParticipant(ctx, r, memberSessionID)
		})
	add("GetParticipant/behaviour/not-found/unknown-participant-id", "GetParticipant", "participantId", "not-found", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			return unknownParticipant(ctx, r, memberParticipantID)
		})
	add("ListParticipants/behaviour/unknown-stage-arn-lists-nothing", "ListParticipants", "stageArn", "empty-list", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return unknownList(ctx, r, true) })
	add("ListParticipants/behaviour/unknown-session-id-lists-nothing", "ListParticipants", "sessionId", "empty-list", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return unknownList(ctx, r, false) })

	// The seeded session reads back as seeded.
	add("ListParticipants/behaviour/lists-seeded-participants-as-seeded", "ListParticipants", "participants", "lifecycle", suite.SourceInferred, listsSeeded)
	add("GetParticipant/behaviour/reports-seeded-participants-as-seeded", "GetParticipant", "participant", "lifecycle", suite.SourceInferred, getsSeeded)
	add("GetParticipant/behaviour/unrecorded-participant-has-no-recording-location", "GetParticipant", "participant.recordingS3BucketName", "lifecycle", suite.SourceInferred, unrecordedLocation)

	// Page tokens are bound to their query; the default page size holds.
	add("ListParticipants/behaviour/page-token/from-another-filter", "ListParticipants", "nextToken", "page-token", suite.SourceInferred, tokenFromAnotherFilter)
	add("ListParticipants/behaviour/page-token/from-another-session", "ListParticipants", "nextToken", "page-token", suite.SourceInferred, tokenFromAnotherSession)
	add("ListParticipants/behaviour/page-token/modified", "ListParticipants", "nextToken", "page-token", suite.SourceInferred, modifiedToken)
	add("ListParticipants/pagination/maxResults-omitted", "ListParticipants", "maxResults", "default", suite.SourceDocumented, defaultPageSize)

	// Sharper rules (cases_rules.go).
	add("ListParticipants/behaviour/filterByUserId/prefix-matches-nothing", "ListParticipants", memberFilterByUserID, "filter", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return userIDProbe(ctx, r, "a prefix", prefixOf) })
	add("ListParticipants/behaviour/filterByUserId/case-variant-matches-nothing", "ListParticipants", memberFilterByUserID, "filter", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure {
			return userIDProbe(ctx, r, "a case variant", caseVariant)
		})
	add("GetParticipant/behaviour/firstJoinTime/between-seeding-and-answer", "GetParticipant", "participant."+fieldFirstJoinTime, "timestamp", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return firstJoinTimes(ctx, r, "GetParticipant") })
	add("ListParticipants/behaviour/firstJoinTime/between-seeding-and-answer", "ListParticipants", "participants[]."+fieldFirstJoinTime, "timestamp", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return firstJoinTimes(ctx, r, "ListParticipants") })
	add("GetStage/behaviour/activeSessionId/equals-live-session", "GetStage", "stage."+memberActiveSession, "session", suite.SourceDocumented, activeSessionIsLive)
	add("GetParticipant/behaviour/client-attributes-empty-when-unknown", "GetParticipant", "participant", "client-attributes", suite.SourceDocumented, clientAttributesEmpty)
	add("GetParticipant/behaviour/not-found/participant-of-another-session", "GetParticipant", "sessionId", "not-found", suite.SourceInferred, participantOfAnotherSession)
	add("CreateStage/behaviour/round-trip/token-echoes-maximum-duration", "CreateStage", memberTokenConfigs+"[].duration", "round-trip", suite.SourceInferred, maximumDuration)
	add("CreateStage/behaviour/identifiers/stage-arn-format", "CreateStage", "stage.arn", "identifier", suite.SourceDocumented, stageArnFormat)
	add("ListParticipants/behaviour/identifiers/session-and-participant-id-formats", "ListParticipants", "participants[].participantId", "identifier", suite.SourceDocumented, sessionAndParticipantFormats)
	add("CreateStage/behaviour/identifiers/token-participantId-is-the-joined-id", "CreateStage", "participantTokens[].participantId", "identifier", suite.SourceInferred, tokenParticipantJoins)
	add("GetStage/behaviour/access-denied/another-accounts-stage", "GetStage", "arn", "access-denied", suite.SourceInferred, anotherAccountsStage)

	// The account's stages: deleted ones are gone, listed ones are as they
	// are, and the quota is a quota (cases_stages.go).
	add("DeleteStage/behaviour/deletes-the-stage", "DeleteStage", "arn", "lifecycle", suite.SourceDocumented, deletesTheStage)
	add("DeleteStage/behaviour/not-found/unknown-stage-arn", "DeleteStage", "arn", "not-found", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			return unknownStage(ctx, r, "DeleteStage", func(arn string) map[string]any { return map[string]any{memberArn: arn} })
		})
	add("ListStages/behaviour/lists-created-stage", "ListStages", "stages", "round-trip", suite.SourceInferred, listsCreatedStage)
	add("ListStages/behaviour/lists-live-session", "ListStages", "stages[].activeSessionId", "lifecycle", suite.SourceInferred, listsLiveSession)

	// Storage configurations and tags (cases_storage.go).
	add("CreateStorageConfiguration/behaviour/round-trip/get-and-list", opCreateStorage, "", "round-trip", suite.SourceDocumented, storageRoundTrip)
	add("DeleteStorageConfiguration/behaviour/conflict/in-use-by-a-stage", opDeleteStorage, memberArn, "conflict", suite.SourceInferred, storageInUse)
	add("CreateStage/behaviour/storage/unknown-storage-arn-accepted", createOperation, memberRecording+"."+memberStorage, "not-found", suite.SourceInferred, unknownStorageAccepted)
	add("TagResource/behaviour/tags/shared-with-the-stage", opTagResource, memberTags, "round-trip", suite.SourceInferred, tagsShared)
	for _, op := range []string{opTagResource, opUntagResource, opListTags} {
		add(op+"/behaviour/not-found/unknown-resource-arn", op, memberResourceArn, "not-found", suite.SourceDocumented,
			func(ctx context.Context, r *runner) *suite.Failure { return unknownTagged(ctx, r, op) })
	}

	// Tokens, sessions, events and disconnects (cases_sessions.go).
	add("CreateParticipantToken/behaviour/defaults/expires-after-default-duration", tokenOperation, memberDuration, "default", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return tokenDefaults(ctx, r, false) })
	add("CreateParticipantToken/behaviour/defaults/token-echoes-duration-and-capabilities", tokenOperation, memberCapabilities, "default", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return tokenDefaults(ctx, r, true) })
	add("CreateParticipantToken/behaviour/identifiers/token-participantId-is-the-joined-id", tokenOperation, "participantToken.participantId", "identifier", suite.SourceInferred, tokenJoinsAsItsParticipant)
	add("GetStageSession/behaviour/sessions/live-session-has-no-endTime", opGetSession, memberStageSess+"."+fieldEndTime, "lifecycle", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return sessionTimes(ctx, r, false) })
	add("ListStageSessions/behaviour/sessions/ended-session-has-endTime", opListSessions, "stageSessions[]."+fieldEndTime, "lifecycle", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return sessionTimes(ctx, r, true) })
	add("ListParticipantEvents/behaviour/events/join-publish-leave-newest-first", opListEvents, "events", "lifecycle", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return eventsNewestFirst(ctx, r, false) })
	add("ListParticipantEvents/behaviour/events/disconnect-is-publish-stopped-then-left", opListEvents, "events", "lifecycle", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return eventsNewestFirst(ctx, r, true) })
	add("DisconnectParticipant/behaviour/disconnects-and-revokes", opDisconnect, memberParticipantID, "lifecycle", suite.SourceDocumented, disconnectRevokes)
	if c.Operation(deleteStage.Name) != nil {
		add("DeleteStage/behaviour/ends-the-session", deleteStage.Name, memberArn, "lifecycle", suite.SourceInferred, deleteEndsTheSession)
	}

	if c.Operation(listStages) != nil && c.Operation(createOperation) != nil {
		add("CreateStage/behaviour/stage-quota/exceeded-is-"+errQuota, createOperation, "", "quota", suite.SourceDocumented, quotaExceeded)
		out[len(out)-1].Alone = true // the lowered quota would refuse other cases' stages
	}
	return out
}
