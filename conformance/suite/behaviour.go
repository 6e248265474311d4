package suite

import (
	"context"
)

// This file lists the behaviour cases: rules of the contract that need
// knowledge the spec cannot express, one file per family (roundtrip.go,
// update.go, recording.go, notfound.go, session.go, pagetokens.go, storagecases.go, sessioncases.go; what
// they share is in helpers.go). They are written by hand, but every VALUE
// they send or compare against comes from the generated Contract (see
// inputs.go): members' samples and bounds, defaults, enums, reset rules,
// error names and their statuses, identifier formats.

// Errors the behaviour cases expect.
const (
	errNotFound   = "ResourceNotFoundException"
	errConflict   = "ConflictException"
	errValidation = "ValidationException"
)

// BehaviourCases returns the hand-written behaviour cases. A case whose
// operation the contract lacks is left out; one that needs participants
// is skipped, with the reason, against a target without a Seeder.
func BehaviourCases(c *Contract) []Case {
	var out []Case
	add := func(name, op, member, rule, source string, run func(ctx context.Context, r *Runner) *Failure) {
		if c.Operation(op) == nil {
			return
		}
		out = append(out, Case{Name: name, Operation: op, Member: member, Rule: rule, Kind: KindCustom, Source: source,
			Custom: func(ctx context.Context, r *Runner, _ *Case) *Failure { return run(ctx, r) }})
	}

	// Round trip: what CreateStage is given, the stage and its tokens echo.
	add("CreateStage/behaviour/round-trip/stage", "CreateStage", "", "round-trip", SourceDocumented, roundTripStage)
	add("CreateStage/behaviour/round-trip/tokens-echo-configurations", "CreateStage", memberTokenConfigs, "round-trip", SourceInferred, roundTripTokens)
	add("CreateStage/behaviour/round-trip/tokens-expire-after-duration", "CreateStage", memberTokenConfigs+"[].duration", "round-trip", SourceDocumented, roundTripExpiration)
	add("GetStage/behaviour/round-trip/returns-the-created-stage", "GetStage", "", "round-trip", SourceDocumented, roundTripGetStage)

	// UpdateStage changes only the members it is given.
	add("UpdateStage/behaviour/partial-update/name-only-keeps-recording-configuration-and-tags", "UpdateStage", memberName, "partial-update", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure {
			names, f := r.suite.Contract.stageNames(2)
			if f != nil {
				return f
			}
			return partialUpdate(ctx, r, map[string]any{memberName: names[1]})
		})
	add("UpdateStage/behaviour/partial-update/recording-configuration-only-keeps-name-and-tags", "UpdateStage", memberRecording, "partial-update", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure {
			storage, f := r.storageArn()
			if f != nil {
				return f
			}
			return partialUpdate(ctx, r, map[string]any{memberRecording: map[string]any{memberStorage: storage}})
		})

	// An empty storage configuration resets the other members to defaults.
	add("UpdateStage/behaviour/recording-reset/mediaTypes-omitted", "UpdateStage", memberRecording+"."+memberMediaTypes, "reset", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure { return recordingReset(ctx, r, false) })
	add("UpdateStage/behaviour/recording-reset/mediaTypes-given", "UpdateStage", memberRecording+"."+memberMediaTypes, "reset", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure { return recordingReset(ctx, r, true) })
	add("CreateStage/behaviour/recording-reset/mediaTypes-given", "CreateStage", memberRecording+"."+memberMediaTypes, "reset", SourceInferred, createReset)

	// The recording configuration cannot change while someone is recorded.
	// AWS documents that the configuration cannot change while recording
	// is active; that STARTING and STOPPING count as active is our reading.
	for _, st := range []struct {
		state  string
		steps  seedRole
		source string
	}{
		{recStarting, seedRole{publish: true}, SourceInferred},
		{recActive, seedRole{publish: true, record: true}, SourceDocumented},
		{recStopping, seedRole{publish: true, record: true, leave: true}, SourceInferred},
	} {
		add("UpdateStage/behaviour/conflict-while-recording/"+st.state, "UpdateStage", memberRecording, "conflict", st.source,
			func(ctx context.Context, r *Runner) *Failure {
				return conflictWhileRecording(ctx, r, st.steps, st.state)
			})
	}
	add("UpdateStage/behaviour/conflict-while-recording/allowed-once-"+recStopped, "UpdateStage", memberRecording, "conflict", SourceDocumented, allowedOnceStopped)
	add("UpdateStage/behaviour/conflict-while-recording/name-update-allowed", "UpdateStage", memberName, "conflict", SourceInferred, nameWhileRecording)

	// Unknown resources.
	add("GetStage/behaviour/not-found/unknown-stage-arn", "GetStage", "arn", "not-found", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure {
			return unknownStage(ctx, r, "GetStage", func(arn string) map[string]any { return map[string]any{memberArn: arn} })
		})
	add("UpdateStage/behaviour/not-found/unknown-stage-arn", "UpdateStage", "arn", "not-found", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure {
			names, f := r.suite.Contract.stageNames(1)
			if f != nil {
				return f
			}
			return unknownStage(ctx, r, "UpdateStage", func(arn string) map[string]any { return map[string]any{memberArn: arn, memberName: names[0]} })
		})
	add("GetParticipant/behaviour/not-found/unknown-stage-arn", "GetParticipant", "stageArn", "not-found", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure { return unknownParticipant(ctx, r, memberStageArn) })
	add("GetParticipant/behaviour/not-found/unknown-session-id", "GetParticipant", "sessionId", "not-found", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure { return unknownParticipant(ctx, r, memberSessionID) })
	add("GetParticipant/behaviour/not-found/unknown-participant-id", "GetParticipant", "participantId", "not-found", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure { return unknownParticipant(ctx, r, memberParticipantID) })
	add("ListParticipants/behaviour/unknown-stage-arn-lists-nothing", "ListParticipants", "stageArn", "empty-list", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure { return unknownList(ctx, r, true) })
	add("ListParticipants/behaviour/unknown-session-id-lists-nothing", "ListParticipants", "sessionId", "empty-list", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure { return unknownList(ctx, r, false) })

	// The seeded session reads back as seeded.
	add("ListParticipants/behaviour/lists-seeded-participants-as-seeded", "ListParticipants", "participants", "lifecycle", SourceInferred, listsSeeded)
	add("GetParticipant/behaviour/reports-seeded-participants-as-seeded", "GetParticipant", "participant", "lifecycle", SourceInferred, getsSeeded)
	add("GetParticipant/behaviour/unrecorded-participant-has-no-recording-location", "GetParticipant", "participant.recordingS3BucketName", "lifecycle", SourceInferred, unrecordedLocation)

	// Page tokens are bound to their query; the default page size holds.
	add("ListParticipants/behaviour/page-token/from-another-filter", "ListParticipants", "nextToken", "page-token", SourceInferred, tokenFromAnotherFilter)
	add("ListParticipants/behaviour/page-token/from-another-session", "ListParticipants", "nextToken", "page-token", SourceInferred, tokenFromAnotherSession)
	add("ListParticipants/behaviour/page-token/modified", "ListParticipants", "nextToken", "page-token", SourceInferred, modifiedToken)
	add("ListParticipants/pagination/maxResults-omitted", "ListParticipants", "maxResults", "default", SourceDocumented, defaultPageSize)

	// Sharper rules (rules.go).
	add("ListParticipants/behaviour/filterByUserId/prefix-matches-nothing", "ListParticipants", memberFilterByUserID, "filter", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure { return userIDProbe(ctx, r, "a prefix", prefixOf) })
	add("ListParticipants/behaviour/filterByUserId/case-variant-matches-nothing", "ListParticipants", memberFilterByUserID, "filter", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure {
			return userIDProbe(ctx, r, "a case variant", caseVariant)
		})
	add("GetParticipant/behaviour/firstJoinTime/between-seeding-and-answer", "GetParticipant", "participant."+fieldFirstJoinTime, "timestamp", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure { return firstJoinTimes(ctx, r, "GetParticipant") })
	add("ListParticipants/behaviour/firstJoinTime/between-seeding-and-answer", "ListParticipants", "participants[]."+fieldFirstJoinTime, "timestamp", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure { return firstJoinTimes(ctx, r, "ListParticipants") })
	add("GetStage/behaviour/activeSessionId/equals-live-session", "GetStage", "stage."+memberActiveSession, "session", SourceDocumented, activeSessionIsLive)
	add("GetParticipant/behaviour/client-attributes-empty-when-unknown", "GetParticipant", "participant", "client-attributes", SourceDocumented, clientAttributesEmpty)
	add("GetParticipant/behaviour/not-found/participant-of-another-session", "GetParticipant", "sessionId", "not-found", SourceInferred, participantOfAnotherSession)
	add("CreateStage/behaviour/round-trip/token-echoes-maximum-duration", "CreateStage", memberTokenConfigs+"[].duration", "round-trip", SourceInferred, maximumDuration)
	add("CreateStage/behaviour/identifiers/stage-arn-format", "CreateStage", "stage.arn", "identifier", SourceDocumented, stageArnFormat)
	add("ListParticipants/behaviour/identifiers/session-and-participant-id-formats", "ListParticipants", "participants[].participantId", "identifier", SourceDocumented, sessionAndParticipantFormats)
	add("CreateStage/behaviour/identifiers/token-participantId-is-the-joined-id", "CreateStage", "participantTokens[].participantId", "identifier", SourceInferred, tokenParticipantJoins)
	add("GetStage/behaviour/access-denied/another-accounts-stage", "GetStage", "arn", "access-denied", SourceInferred, anotherAccountsStage)

	// The account's stages: deleted ones are gone, listed ones are as they
	// are, and the quota is a quota (stages.go).
	add("DeleteStage/behaviour/deletes-the-stage", "DeleteStage", "arn", "lifecycle", SourceDocumented, deletesTheStage)
	add("DeleteStage/behaviour/not-found/unknown-stage-arn", "DeleteStage", "arn", "not-found", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure {
			return unknownStage(ctx, r, "DeleteStage", func(arn string) map[string]any { return map[string]any{memberArn: arn} })
		})
	add("ListStages/behaviour/lists-created-stage", "ListStages", "stages", "round-trip", SourceInferred, listsCreatedStage)
	add("ListStages/behaviour/lists-live-session", "ListStages", "stages[].activeSessionId", "lifecycle", SourceInferred, listsLiveSession)

	// Storage configurations and tags (storagecases.go).
	add("CreateStorageConfiguration/behaviour/round-trip/get-and-list", opCreateStorage, "", "round-trip", SourceDocumented, storageRoundTrip)
	add("DeleteStorageConfiguration/behaviour/conflict/in-use-by-a-stage", opDeleteStorage, memberArn, "conflict", SourceInferred, storageInUse)
	add("CreateStage/behaviour/storage/unknown-storage-arn-accepted", createOperation, memberRecording+"."+memberStorage, "not-found", SourceInferred, unknownStorageAccepted)
	add("TagResource/behaviour/tags/shared-with-the-stage", opTagResource, memberTags, "round-trip", SourceInferred, tagsShared)
	for _, op := range []string{opTagResource, opUntagResource, opListTags} {
		add(op+"/behaviour/not-found/unknown-resource-arn", op, memberResourceArn, "not-found", SourceDocumented,
			func(ctx context.Context, r *Runner) *Failure { return unknownTagged(ctx, r, op) })
	}

	// Tokens, sessions, events and disconnects (sessioncases.go).
	add("CreateParticipantToken/behaviour/defaults/expires-after-default-duration", tokenOperation, memberDuration, "default", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure { return tokenDefaults(ctx, r, false) })
	add("CreateParticipantToken/behaviour/defaults/token-echoes-duration-and-capabilities", tokenOperation, memberCapabilities, "default", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure { return tokenDefaults(ctx, r, true) })
	add("CreateParticipantToken/behaviour/identifiers/token-participantId-is-the-joined-id", tokenOperation, "participantToken.participantId", "identifier", SourceInferred, tokenJoinsAsItsParticipant)
	add("GetStageSession/behaviour/sessions/live-session-has-no-endTime", opGetSession, memberStageSess+"."+fieldEndTime, "lifecycle", SourceDocumented,
		func(ctx context.Context, r *Runner) *Failure { return sessionTimes(ctx, r, false) })
	add("ListStageSessions/behaviour/sessions/ended-session-has-endTime", opListSessions, "stageSessions[]."+fieldEndTime, "lifecycle", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure { return sessionTimes(ctx, r, true) })
	add("ListParticipantEvents/behaviour/events/join-publish-leave-newest-first", opListEvents, "events", "lifecycle", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure { return eventsNewestFirst(ctx, r, false) })
	add("ListParticipantEvents/behaviour/events/disconnect-is-publish-stopped-then-left", opListEvents, "events", "lifecycle", SourceInferred,
		func(ctx context.Context, r *Runner) *Failure { return eventsNewestFirst(ctx, r, true) })
	add("DisconnectParticipant/behaviour/disconnects-and-revokes", opDisconnect, memberParticipantID, "lifecycle", SourceDocumented, disconnectRevokes)
	if c.Operation(deleteStage.Name) != nil {
		add("DeleteStage/behaviour/ends-the-session", deleteStage.Name, memberArn, "lifecycle", SourceInferred, deleteEndsTheSession)
	}

	if c.Operation(listStages) != nil && c.Operation(createOperation) != nil {
		add("CreateStage/behaviour/stage-quota/exceeded-is-"+errQuota, createOperation, "", "quota", SourceDocumented, quotaExceeded)
		out[len(out)-1].Alone = true // the lowered quota would refuse other cases' stages
	}
	return out
}
