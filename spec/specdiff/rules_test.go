package specdiff

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRules applies one spec edit at a time to the five-operation spec and
// states everything the diff must say about it. Each breaking rule and
// each non-breaking rule has a case.
func TestRules(t *testing.T) {
	const stageName = "    StageName:\n      type: string\n      maxLength: 128\n      pattern: \"^[a-zA-Z0-9-_]*$\"\n"
	const getStage = "      operationId: GetStage\n"
	const viewParam = getStage + "      parameters:\n        - name: view\n          in: query\n          required: %s\n          schema:\n            type: string\n            enum: [FULL, BRIEF]\n"
	for _, tc := range []struct {
		name   string
		before []string // edits to the old spec, when the case needs a different start
		edits  []string
		want   []string
	}{
		// ---- breaking ------------------------------------------------------
		{
			name:  "request member made required",
			edits: []string{"      required: [stageArn, sessionId]\n", "      required: [stageArn, sessionId, maxResults]\n"},
			want:  []string{"ListParticipants request maxResults required false -> true !"},
		},
		{
			name:  "new required request member",
			edits: []string{"      required: [stageArn, sessionId]\n      # At most", "      required: [stageArn, sessionId, region]\n      # At most", "        stageArn:\n          $ref: \"#/components/schemas/StageArn\"\n        sessionId:\n          $ref: \"#/components/schemas/SessionId\"\n        filterByUserId:", "        region:\n          type: string\n        stageArn:\n          $ref: \"#/components/schemas/StageArn\"\n        sessionId:\n          $ref: \"#/components/schemas/SessionId\"\n        filterByUserId:"},
			want: []string{
				"ListParticipants request +region",
				"ListParticipants request region required false -> true !",
			},
		},
		{
			// A shared schema: tightening breaks the requests that send it,
			// not the responses that return it.
			name:  "maxLength down",
			edits: []string{stageName, "    StageName:\n      type: string\n      maxLength: 10\n      pattern: \"^[a-zA-Z0-9-_]*$\"\n"},
			want: []string{
				"CreateStage request name maxLength 128 -> 10 !",
				"CreateStage response stage.name maxLength 128 -> 10",
				"GetStage response stage.name maxLength 128 -> 10",
				"UpdateStage request name maxLength 128 -> 10 !",
				"UpdateStage response stage.name maxLength 128 -> 10",
			},
		},
		{
			name:  "minLength up",
			edits: []string{"    SessionId:\n      type: string\n      minLength: 16\n", "    SessionId:\n      type: string\n      minLength: 17\n"},
			want: []string{
				"CreateStage response stage.activeSessionId minLength 16 -> 17",
				"GetParticipant request sessionId minLength 16 -> 17 !",
				"GetStage response stage.activeSessionId minLength 16 -> 17",
				"ListParticipants request sessionId minLength 16 -> 17 !",
				"UpdateStage response stage.activeSessionId minLength 16 -> 17",
			},
		},
		{
			name:  "maximum down",
			edits: []string{"          maximum: 100\n", "          maximum: 50\n"},
			want:  []string{"ListParticipants request maxResults maximum 100 -> 50 !"},
		},
		{
			name:  "pattern changed",
			edits: []string{stageName, "    StageName:\n      type: string\n      maxLength: 128\n      pattern: \"^[a-z]*$\"\n"},
			want: []string{
				`CreateStage request name pattern "^[a-zA-Z0-9-_]*$" -> "^[a-z]*$" !`,
				`CreateStage response stage.name pattern "^[a-zA-Z0-9-_]*$" -> "^[a-z]*$"`,
				`GetStage response stage.name pattern "^[a-zA-Z0-9-_]*$" -> "^[a-z]*$"`,
				`UpdateStage request name pattern "^[a-zA-Z0-9-_]*$" -> "^[a-z]*$" !`,
				`UpdateStage response stage.name pattern "^[a-zA-Z0-9-_]*$" -> "^[a-z]*$"`,
			},
		},
		{
			name: "enum value removed",
			edits: []string{
				"enum: [PUBLISH, SUBSCRIBE]", "enum: [PUBLISH]",
				"          default: [PUBLISH, SUBSCRIBE]\n", "          default: [PUBLISH]\n",
			},
			want: []string{
				`CreateStage request participantTokenConfigurations[].capabilities default ["PUBLISH","SUBSCRIBE"] -> ["PUBLISH"]`,
				`CreateStage request participantTokenConfigurations[].capabilities[] enum ["PUBLISH","SUBSCRIBE"] -> ["PUBLISH"] !`,
				`CreateStage response participantTokens[].capabilities[] enum ["PUBLISH","SUBSCRIBE"] -> ["PUBLISH"]`,
			},
		},
		{
			name:  "request type changed",
			edits: []string{"        filterByPublished:\n          type: boolean\n", "        filterByPublished:\n          type: string\n"},
			want:  []string{`ListParticipants request filterByPublished type "boolean" -> "string" !`},
		},
		{
			name:  "response type changed",
			edits: []string{"        published:\n          type: boolean\n        ispName:", "        published:\n          type: integer\n          format: int32\n        ispName:"},
			want:  []string{`GetParticipant response participant.published type "boolean" -> "integer/int32" !`},
		},
		{
			name:  "request member removed",
			edits: []string{"        filterByUserId:\n          $ref: \"#/components/schemas/UserId\"\n", "", "          filterByUserId: userId\n", ""},
			want:  []string{"ListParticipants request -filterByUserId !"},
		},
		{
			name:  "response member removed",
			edits: []string{"        expirationTime:\n          $ref: \"#/components/schemas/Timestamp\"\n", ""},
			want:  []string{"CreateStage response -participantTokens[].expirationTime !"},
		},
		{
			name:  "operation removed",
			edits: []string{"      operationId: GetStage\n", "      operationId: GetStageGone\n"},
			want:  []string{"GetStage removed", "GetStageGone added"},
		},

		{
			name:   "query parameter made required",
			before: []string{getStage, fmt.Sprintf(viewParam, "false")},
			edits:  []string{getStage, fmt.Sprintf(viewParam, "true")},
			want:   []string{"GetStage request view required false -> true !"},
		},

		// ---- not breaking ------------------------------------------------------
		{
			name:  "optional query parameter added",
			edits: []string{getStage, fmt.Sprintf(viewParam, "false")},
			want:  []string{"GetStage request +view"},
		},
		{
			name:  "optional request member added",
			edits: []string{"        name:\n          $ref: \"#/components/schemas/StageName\"\n        participantTokenConfigurations:", "        name:\n          $ref: \"#/components/schemas/StageName\"\n        labels:\n          type: array\n          items:\n            type: object\n            properties:\n              key:\n                type: string\n              at:\n                type: string\n                format: date-time\n        participantTokenConfigurations:"},
			want: []string{
				"CreateStage request +labels",
				"CreateStage request +labels[].at",
				"CreateStage request +labels[].key",
			},
		},
		{
			name:  "enum value added",
			edits: []string{"enum: [CONNECTED, DISCONNECTED]", "enum: [CONNECTED, DISCONNECTED, KICKED]"},
			want: []string{
				`GetParticipant response participant.state enum ["CONNECTED","DISCONNECTED"] -> ["CONNECTED","DISCONNECTED","KICKED"]`,
				`ListParticipants request filterByState enum ["CONNECTED","DISCONNECTED"] -> ["CONNECTED","DISCONNECTED","KICKED"]`,
				`ListParticipants response participants[].state enum ["CONNECTED","DISCONNECTED"] -> ["CONNECTED","DISCONNECTED","KICKED"]`,
			},
		},
		{
			name: "bounds loosened, pattern dropped, required dropped",
			edits: []string{
				"          maximum: 100\n", "          maximum: 1000\n",
				"    SessionId:\n      type: string\n      minLength: 16\n", "    SessionId:\n      type: string\n      minLength: 1\n",
				"          maxItems: 12\n", "",
				"      required: [stageArn, sessionId, participantId]\n", "      required: [stageArn, sessionId]\n",
				"          maxLength: 1024\n          pattern: \"^[a-zA-Z0-9+/=_-]*$\"\n        maxResults:", "          maxLength: 1024\n        maxResults:",
			},
			want: []string{
				"CreateStage request participantTokenConfigurations maxItems 12 -> none",
				"CreateStage response stage.activeSessionId minLength 16 -> 1",
				"GetParticipant request participantId required true -> false",
				"GetParticipant request sessionId minLength 16 -> 1",
				"GetStage response stage.activeSessionId minLength 16 -> 1",
				"ListParticipants request maxResults maximum 100 -> 1000",
				`ListParticipants request nextToken pattern "^[a-zA-Z0-9+/=_-]*$" -> none`,
				"ListParticipants request sessionId minLength 16 -> 1",
				"UpdateStage response stage.activeSessionId minLength 16 -> 1",
			},
		},
		{
			name:  "response constraint tightened",
			edits: []string{"          maxLength: 63\n", "          maxLength: 32\n"},
			want:  []string{"GetParticipant response participant.recordingS3BucketName maxLength 63 -> 32"},
		},
		{
			name:  "default changed",
			edits: []string{"          default: 50\n", "          default: 25\n"},
			want:  []string{"ListParticipants request maxResults default 50 -> 25"},
		},

		// ---- no change -----------------------------------------------------------
		{
			// $ref and allOf: [$ref] are transparent: inlining a component
			// or wrapping a reference is no change.
			name: "refs are transparent",
			edits: []string{
				"    GetStageRequest:\n      type: object\n      required: [arn]\n      properties:\n        arn:\n          $ref: \"#/components/schemas/StageArn\"\n",
				"    GetStageRequest:\n      type: object\n      required: [arn]\n      properties:\n        arn:\n          type: string\n          minLength: 1\n          maxLength: 128\n          pattern: \"^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$\"\n",
				"        autoParticipantRecordingConfiguration:\n          $ref: \"#/components/schemas/AutoParticipantRecordingConfiguration\"\n    GetParticipantRequest:",
				"        autoParticipantRecordingConfiguration:\n          allOf:\n            - $ref: \"#/components/schemas/AutoParticipantRecordingConfiguration\"\n    GetParticipantRequest:",
			},
			want: nil,
		},
		{
			name:  "a wrapper's default is the member's default",
			edits: []string{"          # A stage always reports its tags, {} when there are none.\n          default: {}\n", ""},
			want:  []string{"CreateStage request tags default {} -> none"},
		},
		{
			name:  "documentation only",
			edits: []string{"      summary: Gets information for the specified stage.\n", "      summary: Reads a stage.\n      description: Reads one stage.\n"},
			want:  nil,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := read(t, "new.yaml")
			r, err := CompareBytes(edit(t, base, tc.before...), edit(t, base, tc.edits...))
			require.NoError(t, err)
			require.Equal(t, tc.want, summary(r))
			n := 0
			for _, line := range tc.want {
				if line[len(line)-1] == '!' || slices.Contains([]string{"removed"}, lastWord(line)) {
					n++
				}
			}
			require.Equal(t, n, r.Breaking, "breaking count")
		})
	}
}

func lastWord(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			return s[i+1:]
		}
	}
	return s
}

// TestOperationAdded: a new operation lists every member of its request
// (parameters and body) and response, and breaks nothing.
func TestOperationAdded(t *testing.T) {
	base := read(t, "new.yaml")
	r, err := CompareBytes(base, edit(t, base,
		"  /GetStage:\n    post:\n      operationId: GetStage\n",
		"  /GetStage:\n    get:\n      operationId: GetStageByArn\n      parameters:\n        - name: arn\n          in: query\n          required: true\n          schema:\n            $ref: \"#/components/schemas/StageArn\"\n      responses:\n        \"200\":\n          description: The stage.\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/GetStageResponse\"\n    post:\n      operationId: GetStage\n"))
	require.NoError(t, err)
	require.Len(t, r.Operations, 1)
	op := r.Operations[0]
	require.Equal(t, "GetStageByArn", op.Name)
	require.Equal(t, ChangeAdded, op.Change)
	require.False(t, op.Breaking)
	require.Zero(t, r.Breaking)
	require.Equal(t, []string{"arn"}, op.Request.Added)
	require.Equal(t, []string{
		"stage",
		"stage.activeSessionId",
		"stage.arn",
		"stage.autoParticipantRecordingConfiguration",
		"stage.autoParticipantRecordingConfiguration.mediaTypes",
		"stage.autoParticipantRecordingConfiguration.storageConfigurationArn",
		"stage.name",
		"stage.tags",
	}, op.Response.Added)
	require.Empty(t, op.Request.Removed)
	require.Empty(t, op.Response.Changed)
}

// TestRulesTable holds the mapping from oasdiff's fields to keywords and the
// direction each tightens in.
func TestRulesTable(t *testing.T) {
	got := map[string]direction{}
	for _, r := range rules {
		got[r.keyword] = r.dir
	}
	require.Equal(t, map[string]direction{
		"minLength": lower, "maxLength": upper, "pattern": anyChange,
		"minimum": lower, "maximum": upper, "minItems": lower, "maxItems": upper,
		"minProperties": lower, "maxProperties": upper, "default": never,
	}, got)
	for k := range got {
		require.Contains(t, Keywords, k)
	}
	for _, k := range []string{"type", "required", "enum"} {
		require.Contains(t, Keywords, k) // judged in walk.go
	}
	for _, tc := range []struct {
		dir       direction
		old, new  any
		tightened bool
	}{
		{lower, nil, uint64(1), true},
		{lower, uint64(1), uint64(2), true},
		{lower, uint64(2), uint64(1), false},
		{lower, uint64(2), nil, false},
		{lower, nil, float64(0), true},
		{upper, nil, uint64(10), true},
		{upper, uint64(128), uint64(10), true},
		{upper, float64(100), float64(1000), false},
		{upper, uint64(128), nil, false},
		{anyChange, "^a$", "^b$", true},
		{anyChange, nil, "^b$", true},
		{anyChange, "^a$", nil, false},
		{never, 1.0, 2.0, false},
	} {
		require.Equal(t, tc.tightened, tightens(tc.dir, tc.old, tc.new), "%v %v -> %v", tc.dir, tc.old, tc.new)
		require.Equal(t, tc.tightened, constraintBreaks(true, tc.dir, tc.old, tc.new))
		require.False(t, constraintBreaks(false, tc.dir, tc.old, tc.new), "a response constraint never breaks")
	}
	require.True(t, requiredBreaks(true, true))
	require.False(t, requiredBreaks(true, false))
	require.False(t, requiredBreaks(false, true))
}
