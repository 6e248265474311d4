package suite

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/google/go-cmp/cmp"
)

// This file holds the behaviour cases: rules of the contract that need
// knowledge the spec cannot express (a stage reads back as it was written,
// an update changes only what it names, recording blocks a configuration
// change, unknown resources, filters and page tokens over a seeded
// session). They are written by hand, but every VALUE they compare against
// comes from the generated Contract: defaults, enums, reset rules, error
// names and their statuses, identifier formats.

// Members and structs of the service the behaviour cases speak of.
const (
	memberName          = "name"
	memberTags          = "tags"
	memberRecording     = "autoParticipantRecordingConfiguration"
	memberTokenConfigs  = "participantTokenConfigurations"
	memberStorage       = "storageConfigurationArn"
	memberMediaTypes    = "mediaTypes"
	memberActiveSession = "activeSessionId"

	structRecording   = "AutoParticipantRecordingConfiguration"
	structTokenConfig = "ParticipantTokenConfiguration"

	errNotFound   = "ResourceNotFoundException"
	errConflict   = "ConflictException"
	errValidation = "ValidationException"
)

// BehaviourCases returns the hand-written behaviour cases. A case whose
// operation the contract lacks is left out; one that needs participants
// is skipped, with the reason, against a target without a Seeder.
func BehaviourCases(c *Contract) []Case {
	var out []Case
	add := func(name, op, member, rule string, run func(ctx context.Context, r *Runner) *Failure) {
		if c.Operation(op) == nil {
			return
		}
		out = append(out, Case{Name: name, Operation: op, Member: member, Rule: rule, Kind: KindCustom,
			Custom: func(ctx context.Context, r *Runner, _ *Case) *Failure { return run(ctx, r) }})
	}

	// Round trip: what CreateStage is given, the stage and its tokens echo.
	add("CreateStage/behaviour/round-trip/stage", "CreateStage", "", "round-trip", roundTripStage)
	add("CreateStage/behaviour/round-trip/tokens-echo-configurations", "CreateStage", memberTokenConfigs, "round-trip", roundTripTokens)
	add("CreateStage/behaviour/round-trip/tokens-expire-after-duration", "CreateStage", memberTokenConfigs+"[].duration", "round-trip", roundTripExpiration)
	add("GetStage/behaviour/round-trip/returns-the-created-stage", "GetStage", "", "round-trip", roundTripGetStage)

	// UpdateStage changes only the members it is given.
	add("UpdateStage/behaviour/partial-update/name-only-keeps-recording-configuration-and-tags", "UpdateStage", memberName, "partial-update",
		func(ctx context.Context, r *Runner) *Failure {
			return partialUpdate(ctx, r, map[string]any{memberName: "ivsrt-renamed"})
		})
	add("UpdateStage/behaviour/partial-update/recording-configuration-only-keeps-name-and-tags", "UpdateStage", memberRecording, "partial-update",
		func(ctx context.Context, r *Runner) *Failure {
			storage, f := r.storageArn()
			if f != nil {
				return f
			}
			return partialUpdate(ctx, r, map[string]any{memberRecording: map[string]any{memberStorage: storage}})
		})

	// An empty storage configuration resets the other members to defaults.
	add("UpdateStage/behaviour/recording-reset/mediaTypes-omitted", "UpdateStage", memberRecording+"."+memberMediaTypes, "reset",
		func(ctx context.Context, r *Runner) *Failure { return recordingReset(ctx, r, false) })
	add("UpdateStage/behaviour/recording-reset/mediaTypes-given", "UpdateStage", memberRecording+"."+memberMediaTypes, "reset",
		func(ctx context.Context, r *Runner) *Failure { return recordingReset(ctx, r, true) })
	add("CreateStage/behaviour/recording-reset/mediaTypes-given", "CreateStage", memberRecording+"."+memberMediaTypes, "reset", createReset)

	// The recording configuration cannot change while someone is recorded.
	for _, st := range []struct {
		state string
		steps seedRole
	}{
		{recStarting, seedRole{publish: true}},
		{recActive, seedRole{publish: true, record: true}},
		{recStopping, seedRole{publish: true, record: true, leave: true}},
	} {
		add("UpdateStage/behaviour/conflict-while-recording/"+st.state, "UpdateStage", memberRecording, "conflict",
			func(ctx context.Context, r *Runner) *Failure {
				return conflictWhileRecording(ctx, r, st.steps, st.state)
			})
	}
	add("UpdateStage/behaviour/conflict-while-recording/allowed-once-"+recStopped, "UpdateStage", memberRecording, "conflict", allowedOnceStopped)
	add("UpdateStage/behaviour/conflict-while-recording/name-update-allowed", "UpdateStage", memberName, "conflict", nameWhileRecording)

	// Unknown resources.
	add("GetStage/behaviour/not-found/unknown-stage-arn", "GetStage", "arn", "not-found",
		func(ctx context.Context, r *Runner) *Failure {
			return unknownStage(ctx, r, "GetStage", func(arn string) map[string]any { return map[string]any{"arn": arn} })
		})
	add("UpdateStage/behaviour/not-found/unknown-stage-arn", "UpdateStage", "arn", "not-found",
		func(ctx context.Context, r *Runner) *Failure {
			return unknownStage(ctx, r, "UpdateStage", func(arn string) map[string]any { return map[string]any{"arn": arn, memberName: "ivsrt-unknown"} })
		})
	add("GetParticipant/behaviour/not-found/unknown-stage-arn", "GetParticipant", "stageArn", "not-found",
		func(ctx context.Context, r *Runner) *Failure { return unknownParticipant(ctx, r, "stageArn") })
	add("GetParticipant/behaviour/not-found/unknown-session-id", "GetParticipant", "sessionId", "not-found",
		func(ctx context.Context, r *Runner) *Failure { return unknownParticipant(ctx, r, "sessionId") })
	add("GetParticipant/behaviour/not-found/unknown-participant-id", "GetParticipant", "participantId", "not-found",
		func(ctx context.Context, r *Runner) *Failure { return unknownParticipant(ctx, r, "participantId") })
	add("ListParticipants/behaviour/unknown-stage-arn-lists-nothing", "ListParticipants", "stageArn", "empty-list",
		func(ctx context.Context, r *Runner) *Failure { return unknownList(ctx, r, true) })
	add("ListParticipants/behaviour/unknown-session-id-lists-nothing", "ListParticipants", "sessionId", "empty-list",
		func(ctx context.Context, r *Runner) *Failure { return unknownList(ctx, r, false) })

	// The seeded session reads back as seeded.
	add("ListParticipants/behaviour/lists-seeded-participants-as-seeded", "ListParticipants", "participants", "lifecycle", listsSeeded)
	add("GetParticipant/behaviour/reports-seeded-participants-as-seeded", "GetParticipant", "participant", "lifecycle", getsSeeded)
	add("GetParticipant/behaviour/unrecorded-participant-has-no-recording-location", "GetParticipant", "participant.recordingS3BucketName", "lifecycle", unrecordedLocation)

	// Page tokens are bound to their query; the default page size holds.
	add("ListParticipants/behaviour/page-token/from-another-filter", "ListParticipants", "nextToken", "page-token", tokenFromAnotherFilter)
	add("ListParticipants/behaviour/page-token/from-another-session", "ListParticipants", "nextToken", "page-token", tokenFromAnotherSession)
	add("ListParticipants/behaviour/page-token/modified", "ListParticipants", "nextToken", "page-token", modifiedToken)
	add("ListParticipants/pagination/maxResults-omitted", "ListParticipants", "maxResults", "default", defaultPageSize)
	return out
}

// ---- helpers -----------------------------------------------------------------

// live returns a live value the setup made, or why there is none.
func (r *Runner) live(name string) (string, *Failure) {
	if v, ok := r.vars[name]; ok {
		return v, nil
	}
	if f := r.missing[name]; f != nil {
		return "", f
	}
	return "", failf(nil, "the setup made no ${%s}", name)
}

// needSeeder fails when the setup could not even make a stage (the target
// is broken), and skips when nothing can make participants join.
func (r *Runner) needSeeder() *Failure {
	if _, f := r.live(liveStageArn); f != nil {
		return f
	}
	if r.target.Seeder == nil {
		return noSeeder()
	}
	return nil
}

func (r *Runner) operation(name string) (*Operation, *Failure) {
	if op := r.suite.Contract.Operation(name); op != nil {
		return op, nil
	}
	return nil, failf(nil, "the contract has no operation %s", name)
}

// do sends body to op and wants a 200 that obeys the contract.
func (r *Runner) do(ctx context.Context, opName string, body map[string]any) (map[string]any, *exchange, *Failure) {
	op, f := r.operation(opName)
	if f != nil {
		return nil, nil, f
	}
	doc, ex, f := r.callJSON(ctx, op, body)
	if f != nil {
		return nil, ex, f
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, ex, mismatch(ex, "the answer is not a JSON object", "a JSON object", doc)
	}
	return m, ex, nil
}

// doError sends body to op and wants error errName, with the contract's
// status, naming each of paths.
func (r *Runner) doError(ctx context.Context, opName string, body map[string]any, errName string, paths ...string) *Failure {
	op, f := r.operation(opName)
	if f != nil {
		return f
	}
	if r.suite.Contract.Error(errName) == nil {
		return failf(nil, "the contract knows no error %s", errName)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return failf(nil, "cannot encode the request: %v", err)
	}
	s, miss := r.expand(string(b))
	if miss != nil {
		return miss
	}
	ex, f := r.call(ctx, op, s)
	if f != nil {
		return f
	}
	return r.expect(&Case{Expect: ExpectError, Error: errName, Paths: paths}, ex)
}

// stageOf reads the stage of an answer, without its activeSessionId
// (which comes and goes with sessions).
func stageOf(ex *exchange, doc map[string]any) (map[string]any, *Failure) {
	st, ok := doc["stage"].(map[string]any)
	if !ok {
		return nil, mismatch(ex, "the answer has no stage", "a stage object", doc["stage"])
	}
	st = maps.Clone(st)
	delete(st, memberActiveSession)
	return st, nil
}

// createStage creates a stage tagged with the run tag (and caseTag), and
// returns it with the token list.
func (r *Runner) createStage(ctx context.Context, caseTag string, body map[string]any) (map[string]any, []any, *exchange, *Failure) {
	body = maps.Clone(body)
	tags := r.runTags()
	tags["ivsrt-case"] = caseTag
	body[memberTags] = tags
	doc, ex, f := r.do(ctx, createOperation, body)
	if f != nil {
		return nil, nil, ex, f
	}
	st, f := stageOf(ex, doc)
	if f != nil {
		return nil, nil, ex, f
	}
	if arn, _ := st["arn"].(string); arn == "" {
		return nil, nil, ex, mismatch(ex, "CreateStage answered without stage.arn", "a stage ARN", st["arn"])
	}
	tokens, _ := doc["participantTokens"].([]any)
	return st, tokens, ex, nil
}

func (r *Runner) getStage(ctx context.Context, arn string) (map[string]any, *exchange, *Failure) {
	doc, ex, f := r.do(ctx, "GetStage", map[string]any{"arn": arn})
	if f != nil {
		return nil, ex, f
	}
	st, f := stageOf(ex, doc)
	return st, ex, f
}

// withDefaults is what the service must store for a value of a struct:
// the struct's reset rule applied (its trigger value resets the other
// members), then its defaults.
func (c *Contract) withDefaults(structName string, v map[string]any) map[string]any {
	out, _ := jsonCopy(v).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	if rs, ok := c.Reset(structName); ok {
		if got, present := out[rs.Member]; present && canonical(got) == canonical(rs.Equals) {
			out = map[string]any{rs.Member: got}
		}
	}
	c.applyDefaults(structName, out)
	return out
}

func jsonCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// otherMediaType is a media type that is not the default one.
func (r *Runner) otherMediaType() (string, *Failure) {
	c := r.suite.Contract
	def, _ := c.defaultValue(structRecording, memberMediaTypes)
	defs, _ := def.([]any)
	for _, v := range c.EnumOf(structRecording, memberMediaTypes) {
		if !slices.Contains(defs, any(v)) {
			return v, nil
		}
	}
	return "", skipf("every media type of the contract is in the default %s: none to set instead", canonical(def))
}

// resetValue is the value of the recording configuration's member that
// turns recording off and resets the rest.
func (r *Runner) resetValue() (Reset, *Failure) {
	rs, ok := r.suite.Contract.Reset(structRecording)
	if !ok || rs.Member != memberStorage {
		return Reset{}, skipf("the contract gives %s no reset rule on %s", structRecording, memberStorage)
	}
	return rs, nil
}

// recordingConfig is a configuration that records, with a media type
// other than the default.
func (r *Runner) recordingConfig() (map[string]any, *Failure) {
	media, f := r.otherMediaType()
	if f != nil {
		return nil, f
	}
	storage, f := r.storageArn()
	if f != nil {
		return nil, f
	}
	return map[string]any{memberStorage: storage, memberMediaTypes: []any{media}}, nil
}

var templateVar = regexp.MustCompile(`\{([a-zA-Z]+)(?::(\d+))?\}`)

// mint makes a well-formed identifier of the named format that the target
// did not mint: random where the template is random, the target's own
// region and account where it names them.
func (r *Runner) mint(name string) (string, *Failure) {
	id := r.suite.Contract.Identifier(name)
	if id == nil {
		return "", failf(nil, "the contract has no identifier format %s", name)
	}
	var miss *Failure
	out := templateVar.ReplaceAllStringFunc(id.Template, func(m string) string {
		sub := templateVar.FindStringSubmatch(m)
		if sub[2] != "" {
			n, _ := strconv.Atoi(sub[2])
			return randomAlnum(n)
		}
		if v, ok := r.vars[sub[1]]; ok {
			return v
		}
		miss = failf(nil, "identifier %s needs {%s}, which the suite does not know", name, sub[1])
		return m
	})
	return out, miss
}

func randomAlnum(n int) string {
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// ---- round trip ----------------------------------------------------------------

// roundTrip creates a stage with a name, tags, token configurations and a
// recording configuration, and returns what it sent and got.
func roundTrip(ctx context.Context, r *Runner) (sent map[string]any, st map[string]any, tokens []any, ex *exchange, f *Failure) {
	if _, f := r.live(liveStageArn); f != nil {
		return nil, nil, nil, nil, f
	}
	caps := r.suite.Contract.EnumOf(structTokenConfig, "capabilities")
	if len(caps) == 0 {
		return nil, nil, nil, nil, skipf("the contract gives %s.capabilities no enum", structTokenConfig)
	}
	rec, f := r.recordingConfig()
	if f != nil {
		return nil, nil, nil, nil, f
	}
	all := make([]any, len(caps))
	for i, c := range caps {
		all[i] = c
	}
	sent = map[string]any{
		memberName: "ivsrt-round-trip",
		memberTokenConfigs: []any{
			map[string]any{"userId": "ivsrt-round-trip-1", "attributes": map[string]any{"role": "host", "seat": "1"},
				"capabilities": []any{caps[len(caps)-1]}, "duration": 60},
			map[string]any{"userId": "ivsrt-round-trip-ü", "attributes": map[string]any{"note": "ünïcödé"}, "capabilities": all, "duration": 1},
			map[string]any{"userId": "ivsrt-round-trip-3", "capabilities": []any{caps[0]}},
			map[string]any{"duration": 1440},
			map[string]any{},
		},
		memberRecording: rec,
	}
	st, tokens, ex, f = r.createStage(ctx, "round-trip", sent)
	if f != nil {
		return nil, nil, nil, ex, f
	}
	sent[memberTags] = r.runTags()
	sent[memberTags].(map[string]any)["ivsrt-case"] = "round-trip"
	return sent, st, tokens, ex, nil
}

func roundTripStage(ctx context.Context, r *Runner) *Failure {
	sent, st, _, ex, f := roundTrip(ctx, r)
	if f != nil {
		return f
	}
	want := map[string]any{
		memberName:      sent[memberName],
		memberTags:      jsonCopy(sent[memberTags]),
		memberRecording: r.suite.Contract.withDefaults(structRecording, sent[memberRecording].(map[string]any)),
	}
	got := map[string]any{}
	for k := range want {
		if v, ok := st[k]; ok {
			got[k] = v
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		return &Failure{Reason: "the created stage does not show the name, tags and recording configuration it was created with (defaults applied)", Diff: d, ex: ex}
	}
	return nil
}

func roundTripGetStage(ctx context.Context, r *Runner) *Failure {
	_, st, _, _, f := roundTrip(ctx, r)
	if f != nil {
		return f
	}
	got, ex, f := r.getStage(ctx, st["arn"].(string))
	if f != nil {
		return f
	}
	if d := cmp.Diff(st, got); d != "" {
		return &Failure{Reason: "GetStage does not return the stage CreateStage returned", Diff: d, ex: ex}
	}
	return nil
}

// echoed are the members of a token that echo its configuration.
var echoed = []string{"userId", "attributes", "capabilities", "duration"}

func roundTripTokens(ctx context.Context, r *Runner) *Failure {
	sent, _, tokens, ex, f := roundTrip(ctx, r)
	if f != nil {
		return f
	}
	configs := sent[memberTokenConfigs].([]any)
	var want, got []map[string]any
	for i, c := range configs {
		w := r.suite.Contract.withDefaults(structTokenConfig, c.(map[string]any))
		want = append(want, w)
		g := map[string]any{}
		if i < len(tokens) {
			tok, _ := tokens[i].(map[string]any)
			for _, k := range echoed {
				if v, ok := tok[k]; ok {
					if _, asked := w[k]; asked {
						g[k] = v
					}
				}
			}
		}
		got = append(got, g)
	}
	for i := len(configs); i < len(tokens); i++ {
		got = append(got, map[string]any{"unexpected token": i + 1})
	}
	if d := cmp.Diff(want, got); d != "" {
		return &Failure{Reason: fmt.Sprintf("the %d tokens do not echo their configurations (userId, attributes, capabilities, duration; defaults applied) in order",
			len(tokens)), Diff: d, ex: ex}
	}
	return nil
}

func roundTripExpiration(ctx context.Context, r *Runner) *Failure {
	sent, _, tokens, ex, f := roundTrip(ctx, r)
	if f != nil {
		return f
	}
	issued, tolerance := issueTime(ex)
	configs := sent[memberTokenConfigs].([]any)
	var want, got []string
	bad := false
	for i, c := range configs {
		d, _ := r.suite.Contract.withDefaults(structTokenConfig, c.(map[string]any))["duration"].(float64)
		w := issued.Add(time.Duration(d) * time.Minute).UTC()
		want = append(want, w.Format(time.RFC3339))
		var s string
		if i < len(tokens) {
			s, _ = tokens[i].(map[string]any)["expirationTime"].(string)
		}
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
	if bad {
		return &Failure{Reason: fmt.Sprintf("a token's expirationTime is not its issue time %s plus its duration (tolerance %v)",
			issued.UTC().Format(time.RFC3339), tolerance), Diff: cmp.Diff(want, got), ex: ex}
	}
	return nil
}

// issueTime is when the target issued what it answered: the answer's Date
// header, else when the request was sent (with a wider tolerance).
func issueTime(ex *exchange) (time.Time, time.Duration) {
	if d, err := http.ParseTime(ex.Header.Get("Date")); err == nil {
		return d, expirationTolerance
	}
	return ex.Sent, 5 * time.Minute
}

// ---- partial update and reset ------------------------------------------------

// partialUpdate creates a stage with a name, tags and a recording
// configuration, updates it with update only, and wants the stage (in the
// answer and from GetStage) changed in exactly the members given.
func partialUpdate(ctx context.Context, r *Runner, update map[string]any) *Failure {
	if _, f := r.live(liveStageArn); f != nil {
		return f
	}
	rec, f := r.recordingConfig()
	if f != nil {
		return f
	}
	before, _, _, f := r.createStage(ctx, "partial-update", map[string]any{memberName: "ivsrt-partial-update", memberRecording: rec})
	if f != nil {
		return f
	}
	want := maps.Clone(before)
	for k, v := range update {
		if k == memberRecording {
			v = r.suite.Contract.withDefaults(structRecording, v.(map[string]any))
		}
		want[k] = v
	}
	body := maps.Clone(update)
	body["arn"] = before["arn"]
	return r.wantStage(ctx, body, want, func(string) bool { return true },
		fmt.Sprintf("UpdateStage with only %v changes other members of the stage", slices.Sorted(maps.Keys(update))))
}

// wantStage sends UpdateStage body and wants the stage, in the answer and
// from GetStage after it, to equal want in the members keep selects.
func (r *Runner) wantStage(ctx context.Context, body, want map[string]any, keep func(member string) bool, reason string) *Failure {
	pick := func(st map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range st {
			if keep(k) {
				out[k] = v
			}
		}
		return out
	}
	doc, ex, f := r.do(ctx, "UpdateStage", body)
	if f != nil {
		return f
	}
	got, f := stageOf(ex, doc)
	if f != nil {
		return f
	}
	if d := cmp.Diff(pick(want), pick(got)); d != "" {
		return &Failure{Reason: reason + " (UpdateStage's answer)", Diff: d, ex: ex}
	}
	got, ex, f = r.getStage(ctx, body["arn"].(string))
	if f != nil {
		return f
	}
	if d := cmp.Diff(pick(want), pick(got)); d != "" {
		return &Failure{Reason: reason + " (GetStage after it)", Diff: d, ex: ex}
	}
	return nil
}

// recordingReset creates a stage that records with a non-default media
// type, then sets the storage configuration to the reset value (with that
// media type given again, or not): the media types must be back at their
// default.
func recordingReset(ctx context.Context, r *Runner, mediaGiven bool) *Failure {
	if _, f := r.live(liveStageArn); f != nil {
		return f
	}
	rs, f := r.resetValue()
	if f != nil {
		return f
	}
	rec, f := r.recordingConfig()
	if f != nil {
		return f
	}
	before, _, _, f := r.createStage(ctx, "recording-reset", map[string]any{memberRecording: rec})
	if f != nil {
		return f
	}
	update := map[string]any{memberStorage: rs.Equals}
	if mediaGiven {
		update[memberMediaTypes] = rec[memberMediaTypes]
	}
	want := maps.Clone(before)
	want[memberRecording] = r.suite.Contract.withDefaults(structRecording, update)
	return r.wantStage(ctx, map[string]any{"arn": before["arn"], memberRecording: update}, want,
		func(m string) bool { return m == memberRecording },
		fmt.Sprintf("%s %s=%q does not reset the other members of the recording configuration to their defaults", "UpdateStage", rs.Member, rs.Equals))
}

// createReset: CreateStage with the reset value and a media type gives
// the default media types.
func createReset(ctx context.Context, r *Runner) *Failure {
	if _, f := r.live(liveStageArn); f != nil {
		return f
	}
	rs, f := r.resetValue()
	if f != nil {
		return f
	}
	media, f := r.otherMediaType()
	if f != nil {
		return f
	}
	rec := map[string]any{memberStorage: rs.Equals, memberMediaTypes: []any{media}}
	st, _, ex, f := r.createStage(ctx, "recording-reset", map[string]any{memberRecording: rec})
	if f != nil {
		return f
	}
	if d := cmp.Diff(r.suite.Contract.withDefaults(structRecording, rec), st[memberRecording]); d != "" {
		return &Failure{Reason: fmt.Sprintf("CreateStage with %s=%q does not reset the other members of the recording configuration to their defaults",
			rs.Member, rs.Equals), Diff: d, ex: ex}
	}
	return nil
}

// ---- ConflictException while recording --------------------------------------------

// recordedStage creates a stage that records, with one participant who
// joins and acts out role; it checks the participant's recording state is
// then wantState, and returns the stage as GetStage shows it.
func recordedStage(ctx context.Context, r *Runner, role seedRole, wantState string) (map[string]any, Joined, *Failure) {
	if f := r.needSeeder(); f != nil {
		return nil, Joined{}, f
	}
	if role.finish != "" {
		if _, ok := r.target.Seeder.(RecordingSetter); !ok {
			return nil, Joined{}, skipf("the seeder cannot set a recording to %s (no RecordingSetter)", role.finish)
		}
	}
	if err := r.suite.Contract.checkLifecycleNames(); err != nil {
		return nil, Joined{}, failf(nil, "%v", err)
	}
	storage, f := r.storageArn()
	if f != nil {
		return nil, Joined{}, f
	}
	st, tokens, ex, f := r.createStage(ctx, "conflict-while-recording", map[string]any{
		memberRecording:    map[string]any{memberStorage: storage},
		memberTokenConfigs: []any{map[string]any{"userId": "ivsrt-recorded"}},
	})
	if f != nil {
		return nil, Joined{}, f
	}
	tok, _ := firstValue(tokens, "[]", "token").(string)
	if tok == "" {
		return nil, Joined{}, mismatch(ex, "CreateStage issued no token for its one configuration", 1, len(tokens))
	}
	arn := st["arn"].(string)
	one := seedRole{name: "recorded", publish: role.publish, record: role.record, leave: role.leave, finish: role.finish}
	ps, f := r.seedParticipants(ctx, arn, []string{tok}, []seedRole{one}, []string{"ivsrt-recorded"})
	if f != nil {
		return nil, Joined{}, f
	}
	p := ps[0].Joined
	doc, ex, f := r.do(ctx, "GetParticipant", map[string]any{"stageArn": arn, "sessionId": p.SessionID, "participantId": p.ParticipantID})
	if f != nil {
		return nil, p, f
	}
	if got := firstValue(doc, "participant", fieldRecordingState); got != wantState {
		return nil, p, mismatch(ex, fmt.Sprintf("the participant's recording is not %s after it acted that out", wantState), wantState, got)
	}
	before, _, f := r.getStage(ctx, arn)
	return before, p, f
}

// conflictWhileRecording wants UpdateStage of the recording configuration
// refused with ConflictException while the stage's participant is
// recorded in state, and the stage unchanged.
func conflictWhileRecording(ctx context.Context, r *Runner, role seedRole, state string) *Failure {
	rs, f := r.resetValue()
	if f != nil {
		return f
	}
	before, _, f := recordedStage(ctx, r, role, state)
	if f != nil {
		return f
	}
	arn := before["arn"].(string)
	if f := r.doError(ctx, "UpdateStage", map[string]any{"arn": arn, memberRecording: map[string]any{memberStorage: rs.Equals}}, errConflict); f != nil {
		f.Reason = fmt.Sprintf("UpdateStage of the recording configuration while a participant's recording is %s: %s", state, f.Reason)
		return f
	}
	after, ex, f := r.getStage(ctx, arn)
	if f != nil {
		return f
	}
	if d := cmp.Diff(before, after); d != "" {
		return &Failure{Reason: "the stage changed although UpdateStage was refused with " + errConflict, Diff: d, ex: ex}
	}
	return nil
}

// allowedOnceStopped: once the participant left and its recording
// stopped, the configuration may change.
func allowedOnceStopped(ctx context.Context, r *Runner) *Failure {
	rs, f := r.resetValue()
	if f != nil {
		return f
	}
	before, _, f := recordedStage(ctx, r, seedRole{publish: true, record: true, leave: true, finish: recStopped}, recStopped)
	if f != nil {
		return f
	}
	update := map[string]any{memberStorage: rs.Equals}
	want := maps.Clone(before)
	want[memberRecording] = r.suite.Contract.withDefaults(structRecording, update)
	return r.wantStage(ctx, map[string]any{"arn": before["arn"], memberRecording: update}, want,
		func(m string) bool { return m == memberRecording },
		"UpdateStage of the recording configuration once every recording stopped does not apply it")
}

// nameWhileRecording: only the recording configuration is blocked; the
// name may change while a participant is recorded.
func nameWhileRecording(ctx context.Context, r *Runner) *Failure {
	before, _, f := recordedStage(ctx, r, seedRole{publish: true, record: true}, recActive)
	if f != nil {
		return f
	}
	want := maps.Clone(before)
	want[memberName] = "ivsrt-renamed-while-recording"
	return r.wantStage(ctx, map[string]any{"arn": before["arn"], memberName: want[memberName]}, want,
		func(m string) bool { return m == memberName || m == memberRecording },
		"UpdateStage of the name alone while a participant is recorded does not apply it")
}

// ---- unknown resources ------------------------------------------------------------

func unknownStage(ctx context.Context, r *Runner, op string, body func(arn string) map[string]any) *Failure {
	if _, f := r.live(liveStageArn); f != nil {
		return f
	}
	arn, f := r.mint("StageArn")
	if f != nil {
		return f
	}
	return r.doError(ctx, op, body(arn), errNotFound)
}

// unknownParticipant asks GetParticipant about a made-up stage, session or
// participant, in a live stage and session where the suite has them.
func unknownParticipant(ctx context.Context, r *Runner, unknown string) *Failure {
	arn, f := r.live(liveStageArn)
	if f != nil {
		return f
	}
	mint := func(ident string) string {
		if f != nil {
			return ""
		}
		var id string
		id, f = r.mint(ident)
		return id
	}
	var body map[string]any
	switch unknown {
	case "stageArn":
		body = map[string]any{"stageArn": mint("StageArn"), "sessionId": mint("StageSessionId"), "participantId": mint("ParticipantId")}
	case "sessionId":
		body = map[string]any{"stageArn": arn, "sessionId": mint("StageSessionId"), "participantId": mint("ParticipantId")}
	default:
		if f := r.seededNeeded(); f != nil {
			return f
		}
		body = map[string]any{"stageArn": arn, "sessionId": r.seed.sessionID, "participantId": mint("ParticipantId")}
	}
	if f != nil {
		return f
	}
	return r.doError(ctx, "GetParticipant", body, errNotFound)
}

// unknownList wants an empty list, not an error, for an unknown stage or
// session (ListParticipants declares no ResourceNotFoundException).
func unknownList(ctx context.Context, r *Runner, unknownStage bool) *Failure {
	arn, f := r.live(liveStageArn)
	if f != nil {
		return f
	}
	if unknownStage {
		if arn, f = r.mint("StageArn"); f != nil {
			return f
		}
	}
	session, f := r.mint("StageSessionId")
	if f != nil {
		return f
	}
	op, f := r.operation("ListParticipants")
	if f != nil {
		return f
	}
	pg := op.Pagination
	if pg == nil {
		return failf(nil, "ListParticipants is not paginated")
	}
	doc, ex, f := r.do(ctx, op.Name, map[string]any{"stageArn": arn, "sessionId": session})
	if f != nil {
		return f
	}
	type list struct {
		Items     int
		NextToken any
	}
	items, isList := doc[pg.Items].([]any)
	got := list{Items: len(items), NextToken: doc[pg.OutputToken]}
	if !isList {
		got.Items = -1
	}
	if d := cmp.Diff(list{}, got); d != "" {
		return &Failure{Reason: "an unknown stage or session must list no participants (Items is -1 when the list is missing)", Diff: d, ex: ex}
	}
	return nil
}

// ---- the seeded session -------------------------------------------------------------

// seededNeeded fails or skips unless the setup seeded the live session.
func (r *Runner) seededNeeded() *Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	if _, f := r.live(liveSessionID); f != nil {
		return f
	}
	return nil
}

func listsSeeded(ctx context.Context, r *Runner) *Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	op, f := r.operation("ListParticipants")
	if f != nil {
		return f
	}
	items, ex, f := r.listAll(ctx, op, map[string]any{"stageArn": r.seed.stageArn, "sessionId": r.seed.sessionID}, 0)
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
		got[itemID(it)] = g
	}
	if d := cmp.Diff(want, got); d != "" {
		return &Failure{Reason: "ListParticipants does not list the seeded participants as they joined, published, were recorded and left", Diff: d, ex: ex}
	}
	return nil
}

func getsSeeded(ctx context.Context, r *Runner) *Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	for _, p := range r.seed.participants {
		doc, ex, f := r.do(ctx, "GetParticipant", map[string]any{"stageArn": p.StageArn, "sessionId": p.SessionID, "participantId": p.ParticipantID})
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
			return &Failure{Reason: fmt.Sprintf("GetParticipant does not report the seeded participant %s (%s) as it acted", p.ParticipantID, p.role.name), Diff: d, ex: ex}
		}
	}
	return nil
}

// unrecordedLocation: a participant whose recording is DISABLED has an
// empty bucket name and prefix (contract rule 7).
func unrecordedLocation(ctx context.Context, r *Runner) *Failure {
	if f := r.seededNeeded(); f != nil {
		return f
	}
	for _, p := range r.seed.participants {
		if !p.role.unrecorded {
			continue
		}
		doc, ex, f := r.do(ctx, "GetParticipant", map[string]any{"stageArn": p.StageArn, "sessionId": p.SessionID, "participantId": p.ParticipantID})
		if f != nil {
			return f
		}
		part, _ := doc["participant"].(map[string]any)
		want := map[string]any{fieldRecordingState: recDisabled, "recordingS3BucketName": "", "recordingS3Prefix": ""}
		got := map[string]any{}
		for k := range want {
			got[k] = part[k]
		}
		if d := cmp.Diff(want, got); d != "" {
			return &Failure{Reason: "a participant that is not recorded must have an empty recording bucket name and prefix", Diff: d, ex: ex}
		}
	}
	return nil
}

// ---- page tokens --------------------------------------------------------------------

// pageToken lists base one item a page and returns the first nextToken.
func (r *Runner) pageToken(ctx context.Context, op *Operation, base map[string]any) (string, *Failure) {
	body := maps.Clone(base)
	body[op.Pagination.PageSize] = max(op.Pagination.MinPageSize, 1)
	doc, ex, f := r.do(ctx, op.Name, body)
	if f != nil {
		return "", f
	}
	tok, _ := doc[op.Pagination.OutputToken].(string)
	if tok == "" {
		items, _ := doc[op.Pagination.Items].([]any)
		return "", mismatch(ex, fmt.Sprintf("a page of %d of a list of more gives no %s", len(items), op.Pagination.OutputToken),
			"a "+op.Pagination.OutputToken, doc[op.Pagination.OutputToken])
	}
	return tok, nil
}

// wantTokenRefused sends the token with base and wants a ValidationException
// naming the token member.
func (r *Runner) wantTokenRefused(ctx context.Context, op *Operation, base map[string]any, token, why string) *Failure {
	body := maps.Clone(base)
	body[op.Pagination.InputToken] = token
	if f := r.doError(ctx, op.Name, body, errValidation, op.Pagination.InputToken); f != nil {
		f.Reason = why + ": " + f.Reason
		return f
	}
	return nil
}

func (r *Runner) seededList() (*Operation, map[string]any, *Failure) {
	if f := r.seededNeeded(); f != nil {
		return nil, nil, f
	}
	op, f := r.operation("ListParticipants")
	if f != nil {
		return nil, nil, f
	}
	if op.Pagination == nil {
		return nil, nil, failf(nil, "ListParticipants is not paginated")
	}
	return op, map[string]any{"stageArn": r.seed.stageArn, "sessionId": r.seed.sessionID}, nil
}

func tokenFromAnotherFilter(ctx context.Context, r *Runner) *Failure {
	op, base, f := r.seededList()
	if f != nil {
		return f
	}
	const filter = "filterByState"
	values := r.suite.Contract.EnumOf("ListParticipantsRequest", filter)
	count := map[string]int{}
	for _, p := range r.seed.participants {
		count[p.summary()[fieldState].(string)]++
	}
	var from, to string
	for _, v := range values {
		if from == "" && count[v] >= 2 {
			from = v
		} else if to == "" {
			to = v
		}
	}
	if from == "" || to == "" {
		return skipf("the seeded session has no %s value with two participants and another to switch to", filter)
	}
	issued := maps.Clone(base)
	issued[filter] = from
	tok, f := r.pageToken(ctx, op, issued)
	if f != nil {
		return f
	}
	other := maps.Clone(base)
	other[filter] = to
	return r.wantTokenRefused(ctx, op, other, tok, fmt.Sprintf("a page token issued for %s=%s, sent with %s=%s", filter, from, filter, to))
}

func tokenFromAnotherSession(ctx context.Context, r *Runner) *Failure {
	op, base, f := r.seededList()
	if f != nil {
		return f
	}
	st, tokens, _, f := r.createStage(ctx, "page-token", map[string]any{
		memberTokenConfigs: []any{map[string]any{"userId": "ivsrt-other-1"}, map[string]any{"userId": "ivsrt-other-2"}},
	})
	if f != nil {
		return f
	}
	arn := st["arn"].(string)
	toks := stringsAt(tokens, "[]", "token")
	roles := []seedRole{{name: "joined"}, {name: "joined"}}
	ps, f := r.seedParticipants(ctx, arn, toks, roles, []string{"ivsrt-other-1", "ivsrt-other-2"})
	if f != nil {
		return f
	}
	tok, f := r.pageToken(ctx, op, map[string]any{"stageArn": arn, "sessionId": ps[0].SessionID})
	if f != nil {
		return f
	}
	return r.wantTokenRefused(ctx, op, base, tok, "a page token issued for another stage's session")
}

func modifiedToken(ctx context.Context, r *Runner) *Failure {
	op, base, f := r.seededList()
	if f != nil {
		return f
	}
	tok, f := r.pageToken(ctx, op, base)
	if f != nil {
		return f
	}
	b := []byte(tok)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return r.wantTokenRefused(ctx, op, base, string(b), "a page token with one character changed")
}

// defaultPageSize seeds a session of one participant more than the default
// page size and lists it without maxResults: no page may hold more than the
// default, and every participant comes once.
func defaultPageSize(ctx context.Context, r *Runner) *Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	op, f := r.operation("ListParticipants")
	if f != nil {
		return f
	}
	if op.Pagination == nil {
		return failf(nil, "ListParticipants is not paginated")
	}
	def, ok := r.suite.Contract.defaultValue(op.Name+"Request", op.Pagination.PageSize)
	n, isNum := def.(float64)
	if !ok || !isNum {
		return skipf("the contract gives %s no default", op.Pagination.PageSize)
	}
	if _, ok := r.target.Seeder.(TokenIssuer); !ok {
		return skipf("the seeder cannot issue tokens (no TokenIssuer): one CreateStage seeds at most %d participants, fewer than the default page of %v", createTokenLimit, n)
	}
	st, tokens, _, f := r.createStage(ctx, "default-page-size", map[string]any{memberTokenConfigs: seedConfigs(0, createTokenLimit)})
	if f != nil {
		return f
	}
	arn := st["arn"].(string)
	toks := stringsAt(tokens, "[]", "token")
	more, f := r.issueTokens(ctx, arn, len(toks), int(n)+1)
	if f != nil {
		return f
	}
	toks = append(toks, more...)
	roles, users := make([]seedRole, len(toks)), make([]string, len(toks))
	for i := range toks {
		roles[i], users[i] = seedRole{name: "joined", unrecorded: true}, seedUser(i)
	}
	ps, f := r.seedParticipants(ctx, arn, toks, roles, users)
	if f != nil {
		return f
	}
	pages, f := r.listPages(ctx, op, map[string]any{"stageArn": arn, "sessionId": ps[0].SessionID}, 0, len(ps)+1)
	if f != nil {
		return f
	}
	var want, got []string
	for _, p := range ps {
		want = append(want, p.ParticipantID)
	}
	for _, pg := range pages {
		for _, it := range pg.items {
			got = append(got, itemID(it))
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if d := cmp.Diff(want, got); d != "" {
		return &Failure{Reason: fmt.Sprintf("paging %d participants with %s left at its default does not give each exactly once",
			len(ps), op.Pagination.PageSize), Diff: d, ex: pages[len(pages)-1].ex}
	}
	return nil
}
