package behaviour

import (
	"context"

	"github.com/ivsrt/contract/conformance/ivscases"
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
	add("CreateStage/behaviour/round-trip/stage", ivscases.OpCreateStage, "", "round-trip", suite.SourceDocumented, roundTripStage)
	add("CreateStage/behaviour/round-trip/tokens-echo-configurations", ivscases.OpCreateStage, ivscases.MemberParticipantTokenConfigurations, "round-trip", suite.SourceInferred, roundTripTokens)
	add("CreateStage/behaviour/round-trip/tokens-expire-after-duration", ivscases.OpCreateStage, ivscases.MemberParticipantTokenConfigurations+"[].duration", "round-trip", suite.SourceDocumented, roundTripExpiration)
	add("GetStage/behaviour/round-trip/returns-the-created-stage", ivscases.OpGetStage, "", "round-trip", suite.SourceDocumented, roundTripGetStage)

	// UpdateStage changes only the members it is given.
	add("UpdateStage/behaviour/partial-update/name-only-keeps-recording-configuration-and-tags", ivscases.OpUpdateStage, ivscases.MemberName, "partial-update", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure {
			names, f := r.c.stageNames(2)
			if f != nil {
				return f
			}
			return partialUpdate(ctx, r, map[string]any{ivscases.MemberName: names[1]})
		})
	add("UpdateStage/behaviour/partial-update/recording-configuration-only-keeps-name-and-tags", ivscases.OpUpdateStage, ivscases.MemberAutoParticipantRecordingConfiguration, "partial-update", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure {
			storage, f := r.storageArn()
			if f != nil {
				return f
			}
			return partialUpdate(ctx, r, map[string]any{ivscases.MemberAutoParticipantRecordingConfiguration: map[string]any{ivscases.MemberStorageConfigurationArn: storage}})
		})

	// An empty storage configuration resets the other members to defaults.
	add("UpdateStage/behaviour/recording-reset/mediaTypes-omitted", ivscases.OpUpdateStage, ivscases.MemberAutoParticipantRecordingConfiguration+"."+ivscases.MemberMediaTypes, "reset", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return recordingReset(ctx, r, false) })
	add("UpdateStage/behaviour/recording-reset/mediaTypes-given", ivscases.OpUpdateStage, ivscases.MemberAutoParticipantRecordingConfiguration+"."+ivscases.MemberMediaTypes, "reset", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return recordingReset(ctx, r, true) })
	add("CreateStage/behaviour/recording-reset/mediaTypes-given", ivscases.OpCreateStage, ivscases.MemberAutoParticipantRecordingConfiguration+"."+ivscases.MemberMediaTypes, "reset", suite.SourceDocumented, createReset)

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
		add("UpdateStage/behaviour/conflict-while-recording/"+st.state, ivscases.OpUpdateStage, ivscases.MemberAutoParticipantRecordingConfiguration, "conflict", st.source,
			func(ctx context.Context, r *runner) *suite.Failure {
				return conflictWhileRecording(ctx, r, st.steps, st.state)
			})
	}
	add("UpdateStage/behaviour/conflict-while-recording/allowed-once-"+recStopped, ivscases.OpUpdateStage, ivscases.MemberAutoParticipantRecordingConfiguration, "conflict", suite.SourceDocumented, allowedOnceStopped)
	add("UpdateStage/behaviour/conflict-while-recording/name-update-allowed", ivscases.OpUpdateStage, ivscases.MemberName, "conflict", suite.SourceInferred, nameWhileRecording)

	// Unknown resources under a live one (the generated not-found cases
	// make every identifier up: Op/member/not-found/unknown).
	add("GetParticipant/behaviour/not-found/unknown-session-id", ivscases.OpGetParticipant, ivscases.MemberSessionId, "not-found", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			return unknownParticipant(ctx, r, ivscases.MemberSessionId)
		})
	add("GetParticipant/behaviour/not-found/unknown-participant-id", ivscases.OpGetParticipant, ivscases.MemberParticipantId, "not-found", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			return unknownParticipant(ctx, r, ivscases.MemberParticipantId)
		})
	add("ListParticipants/behaviour/unknown-stage-arn-lists-nothing", ivscases.OpListParticipants, ivscases.MemberStageArn, "empty-list", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return unknownList(ctx, r, true) })
	add("ListParticipants/behaviour/unknown-session-id-lists-nothing", ivscases.OpListParticipants, ivscases.MemberSessionId, "empty-list", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return unknownList(ctx, r, false) })

	// The seeded session reads back as seeded.
	add("ListParticipants/behaviour/lists-seeded-participants-as-seeded", ivscases.OpListParticipants, ivscases.MemberParticipants, "lifecycle", suite.SourceInferred, listsSeeded)
	add("GetParticipant/behaviour/reports-seeded-participants-as-seeded", ivscases.OpGetParticipant, ivscases.MemberParticipant, "lifecycle", suite.SourceInferred, getsSeeded)
	add("GetParticipant/behaviour/unrecorded-participant-has-no-recording-location", ivscases.OpGetParticipant, "participant.recordingS3BucketName", "lifecycle", suite.SourceInferred, unrecordedLocation)

	// Page tokens are bound to their query; the default page size holds.
	add("ListParticipants/behaviour/page-token/from-another-filter", ivscases.OpListParticipants, ivscases.MemberNextToken, "page-token", suite.SourceInferred, tokenFromAnotherFilter)
	add("ListParticipants/behaviour/page-token/from-another-session", ivscases.OpListParticipants, ivscases.MemberNextToken, "page-token", suite.SourceInferred, tokenFromAnotherSession)
	add("ListParticipants/behaviour/page-token/modified", ivscases.OpListParticipants, ivscases.MemberNextToken, "page-token", suite.SourceInferred, modifiedToken)
	add("ListParticipants/pagination/maxResults-omitted", ivscases.OpListParticipants, ivscases.MemberMaxResults, "default", suite.SourceDocumented, defaultPageSize)

	// Sharper rules (cases_rules.go).
	add("ListParticipants/behaviour/filterByUserId/prefix-matches-nothing", ivscases.OpListParticipants, ivscases.MemberFilterByUserId, "filter", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return userIDProbe(ctx, r, "a prefix", prefixOf) })
	add("ListParticipants/behaviour/filterByUserId/case-variant-matches-nothing", ivscases.OpListParticipants, ivscases.MemberFilterByUserId, "filter", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure {
			return userIDProbe(ctx, r, "a case variant", caseVariant)
		})
	add("GetParticipant/behaviour/firstJoinTime/between-seeding-and-answer", ivscases.OpGetParticipant, "participant."+ivscases.MemberFirstJoinTime, "timestamp", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			return firstJoinTimes(ctx, r, ivscases.OpGetParticipant)
		})
	add("ListParticipants/behaviour/firstJoinTime/between-seeding-and-answer", ivscases.OpListParticipants, "participants[]."+ivscases.MemberFirstJoinTime, "timestamp", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			return firstJoinTimes(ctx, r, ivscases.OpListParticipants)
		})
	add("GetStage/behaviour/activeSessionId/equals-live-session", ivscases.OpGetStage, "stage."+ivscases.MemberActiveSessionId, "session", suite.SourceDocumented, activeSessionIsLive)
	add("GetParticipant/behaviour/client-attributes-empty-when-unknown", ivscases.OpGetParticipant, ivscases.MemberParticipant, "client-attributes", suite.SourceDocumented, clientAttributesEmpty)
	add("GetParticipant/behaviour/not-found/participant-of-another-session", ivscases.OpGetParticipant, ivscases.MemberSessionId, "not-found", suite.SourceInferred, participantOfAnotherSession)
	add("CreateStage/behaviour/round-trip/token-echoes-maximum-duration", ivscases.OpCreateStage, ivscases.MemberParticipantTokenConfigurations+"[].duration", "round-trip", suite.SourceInferred, maximumDuration)
	add("CreateStage/behaviour/identifiers/stage-arn-format", ivscases.OpCreateStage, "stage.arn", "identifier", suite.SourceDocumented, stageArnFormat)
	add("ListParticipants/behaviour/identifiers/session-and-participant-id-formats", ivscases.OpListParticipants, "participants[].participantId", "identifier", suite.SourceModel, sessionAndParticipantFormats)
	add("CreateStage/behaviour/identifiers/token-participantId-is-the-joined-id", ivscases.OpCreateStage, "participantTokens[].participantId", "identifier", suite.SourceDocumented, tokenParticipantJoins)

	// The account's stages: deleted ones are gone, listed ones are as they
	// are, and the quota is a quota (cases_stages.go).
	add("DeleteStage/behaviour/deletes-the-stage", ivscases.OpDeleteStage, ivscases.MemberArn, "lifecycle", suite.SourceDocumented, deletesTheStage)
	add("ListStages/behaviour/lists-created-stage", ivscases.OpListStages, ivscases.MemberStages, "round-trip", suite.SourceDocumented, listsCreatedStage)
	add("ListStages/behaviour/lists-live-session", ivscases.OpListStages, "stages[].activeSessionId", "lifecycle", suite.SourceDocumented, listsLiveSession)

	// Storage configurations and tags (cases_storage.go).
	add("CreateStorageConfiguration/behaviour/round-trip/get-and-list", ivscases.OpCreateStorageConfiguration, "", "round-trip", suite.SourceDocumented, storageRoundTrip)
	add("DeleteStorageConfiguration/behaviour/conflict/in-use-by-a-stage", ivscases.OpDeleteStorageConfiguration, ivscases.MemberArn, "conflict", suite.SourceInferred, storageInUse)
	add("CreateStage/behaviour/storage/unknown-storage-arn-accepted", ivscases.OpCreateStage, ivscases.MemberAutoParticipantRecordingConfiguration+"."+ivscases.MemberStorageConfigurationArn, "not-found", suite.SourceInferred, unknownStorageAccepted)
	add("TagResource/behaviour/tags/shared-with-the-stage", ivscases.OpTagResource, ivscases.MemberTags, "round-trip", suite.SourceDocumented, tagsShared)

	// Tokens, sessions, events and disconnects (cases_sessions.go).
	add("CreateParticipantToken/behaviour/defaults/expires-after-default-duration", ivscases.OpCreateParticipantToken, ivscases.MemberDuration, "default", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return tokenDefaults(ctx, r, false) })
	add("CreateParticipantToken/behaviour/defaults/token-echoes-duration-and-capabilities", ivscases.OpCreateParticipantToken, ivscases.MemberCapabilities, "default", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return tokenDefaults(ctx, r, true) })
	add("CreateParticipantToken/behaviour/identifiers/token-participantId-is-the-joined-id", ivscases.OpCreateParticipantToken, "participantToken.participantId", "identifier", suite.SourceDocumented, tokenJoinsAsItsParticipant)
	add("GetStageSession/behaviour/sessions/live-session-has-no-endTime", ivscases.OpGetStageSession, ivscases.MemberStageSession+"."+ivscases.MemberEndTime, "lifecycle", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return sessionTimes(ctx, r, false) })
	add("ListStageSessions/behaviour/sessions/ended-session-has-endTime", ivscases.OpListStageSessions, "stageSessions[]."+ivscases.MemberEndTime, "lifecycle", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return sessionTimes(ctx, r, true) })
	add("ListParticipantEvents/behaviour/events/join-publish-leave-newest-first", ivscases.OpListParticipantEvents, ivscases.MemberEvents, "lifecycle", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return eventsNewestFirst(ctx, r, false) })
	add("ListParticipantEvents/behaviour/events/disconnect-is-publish-stopped-then-left", ivscases.OpListParticipantEvents, ivscases.MemberEvents, "lifecycle", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return eventsNewestFirst(ctx, r, true) })
	add("DisconnectParticipant/behaviour/disconnects", ivscases.OpDisconnectParticipant, ivscases.MemberParticipantId, "lifecycle", suite.SourceDocumented, disconnects)
	if c.Operation(ivscases.OpDeleteStage) != nil {
		add("DeleteStage/behaviour/ends-the-session", ivscases.OpDeleteStage, ivscases.MemberArn, "lifecycle", suite.SourceInferred, deleteEndsTheSession)
	}

	// Tokens asked for with members other than their defaults (cases_tokens.go).
	add("CreateParticipantToken/behaviour/round-trip/token-echoes-request", ivscases.OpCreateParticipantToken, ivscases.MemberParticipantToken, "round-trip", suite.SourceInferred, tokenEchoes)
	add("CreateParticipantToken/behaviour/expiration/expires-after-the-duration-given", ivscases.OpCreateParticipantToken, ivscases.MemberDuration, "round-trip", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return tokenExpires(ctx, r, false) })
	add("CreateParticipantToken/behaviour/round-trip/token-echoes-maximum-duration", ivscases.OpCreateParticipantToken, ivscases.MemberDuration, "round-trip", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return tokenExpires(ctx, r, true) })
	add("CreateParticipantToken/behaviour/joined/participant-has-the-tokens-user-id-and-attributes", ivscases.OpCreateParticipantToken, ivscases.MemberAttributes, "lifecycle", suite.SourceDocumented, tokenParticipant)
	add("CreateParticipantToken/behaviour/capabilities/without-publish-cannot-publish", ivscases.OpCreateParticipantToken, ivscases.MemberCapabilities, "lifecycle", suite.SourceDocumented, tokenWithoutPublish)

	// Two participants in one session, two sessions of one stage (cases_events.go).
	add("ListParticipantEvents/behaviour/events/two-participants-each-its-own", ivscases.OpListParticipantEvents, ivscases.MemberEvents, "lifecycle", suite.SourceDocumented, eventsOwn)
	add("ListParticipantEvents/behaviour/events/eventTime-between-action-and-answer", ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberEventTime, "timestamp", suite.SourceDocumented, eventTimes)
	add("ListParticipantEvents/behaviour/events/members-as-documented", ivscases.OpListParticipantEvents, ivscases.MemberEvents, "lifecycle", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure { return eventMembers(ctx, r, "") })
	add("ListParticipantEvents/behaviour/events/remoteParticipantId-null-on-join-and-publish", ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberRemoteParticipantId, "lifecycle", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			return eventMembers(ctx, r, ivscases.MemberRemoteParticipantId)
		})
	add("ListParticipantEvents/behaviour/publish-error/refused-publish-is-"+errorCodeInsufficientCap, ivscases.OpListParticipantEvents, "events[]."+ivscases.MemberErrorCode, "publish-error", suite.SourceDocumented,
		func(ctx context.Context, r *runner) *suite.Failure {
			return eventMembers(ctx, r, ivscases.MemberErrorCode)
		})
	add("ListParticipantEvents/behaviour/pagination/two-participants-each-page-its-own", ivscases.OpListParticipantEvents, ivscases.MemberNextToken, "pagination", suite.SourceDocumented, eventPages)
	add("ListStageSessions/behaviour/sessions/two-sessions-one-after-the-other", ivscases.OpListStageSessions, "stageSessions[]."+ivscases.MemberStartTime, "lifecycle", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return twoSessionsListed(ctx, r, false) })
	add("ListStageSessions/behaviour/sessions/newest-first", ivscases.OpListStageSessions, ivscases.MemberStageSessions, "lifecycle", suite.SourceInferred,
		func(ctx context.Context, r *runner) *suite.Failure { return twoSessionsListed(ctx, r, true) })
	add("GetStageSession/behaviour/not-found/unknown-session-id", ivscases.OpGetStageSession, ivscases.MemberSessionId, "not-found", suite.SourceDocumented, unknownSession)

	// Stages, storage configurations and tags (cases_stages.go, cases_storage.go, cases_tags.go).
	add("ListStages/behaviour/lists-unnamed-stage", ivscases.OpListStages, ivscases.MemberStages, "round-trip", suite.SourceDocumented, listsUnnamedStage)
	add("DeleteStorageConfiguration/behaviour/deletes-the-storage-configuration", ivscases.OpDeleteStorageConfiguration, ivscases.MemberArn, "lifecycle", suite.SourceDocumented, storageDeletes)
	add("CreateStorageConfiguration/behaviour/identifiers/arn-format-in-the-request-region", ivscases.OpCreateStorageConfiguration, "storageConfiguration.arn", "identifier", suite.SourceDocumented, storageArnFormat)
	add("TagResource/behaviour/tags/keys-are-case-sensitive", ivscases.OpTagResource, ivscases.MemberTags, "round-trip", suite.SourceDocumented, tagKeysCase)
	add("UntagResource/behaviour/tags/removes-every-key-named", ivscases.OpUntagResource, ivscases.MemberTagKeys, "round-trip", suite.SourceDocumented, untagSeveral)
	add("TagResource/behaviour/tags/limit-per-resource-across-calls", ivscases.OpTagResource, ivscases.MemberTags, "limit", suite.SourceInferred, tagLimit)
	add("ListTagsForResource/behaviour/tags/resource-without-tags-lists-empty-map", ivscases.OpListTagsForResource, ivscases.MemberTags, "round-trip", suite.SourceModel, untaggedResource)

	if c.Operation(ivscases.OpListStages) != nil && c.Operation(ivscases.OpCreateStage) != nil {
		add("CreateStage/behaviour/stage-quota/exceeded-is-"+errQuota, ivscases.OpCreateStage, "", "quota", suite.SourceDocumented, quotaExceeded)
		out[len(out)-1].Alone = true // the lowered quota would refuse other cases' stages
	}
	return out
}
