package behaviour

import (
	"context"
	"encoding/json"
	"maps"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds what the behaviour cases share: live values, calls that
// want a 200 or an error, stages made and read back, the defaults and reset
// rule applied to what a case sent, and made-up identifiers.

// needSeeder fails when the setup could not even make a stage (the target
// is broken), and skips when nothing can make participants join.
func (r *runner) needSeeder() *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	if r.Target().Seeder == nil {
		return noSeeder()
	}
	return nil
}

func (r *runner) operation(name string) (*suite.Operation, *suite.Failure) {
	if op := r.c.Operation(name); op != nil {
		return op, nil
	}
	return nil, suite.Failf(nil, "the contract has no operation %s", name)
}

// do sends body to op and wants a 200 that obeys the contract.
func (r *runner) do(ctx context.Context, opName string, body map[string]any) (map[string]any, *suite.Exchange, *suite.Failure) {
	op, f := r.operation(opName)
	if f != nil {
		return nil, nil, f
	}
	doc, ex, f := r.CallJSON(ctx, op, body)
	if f != nil {
		return nil, ex, f
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, ex, suite.Mismatch(ex, "the answer is not a JSON object", "a JSON object", doc)
	}
	return m, ex, nil
}

// doError sends body to op and wants error errName, with the contract's
// status, naming each of paths.
func (r *runner) doError(ctx context.Context, opName string, body map[string]any, errName string, paths ...string) *suite.Failure {
	op, f := r.operation(opName)
	if f != nil {
		return f
	}
	if r.c.Error(errName) == nil {
		return suite.Failf(nil, "the contract knows no error %s", errName)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return suite.Failf(nil, "cannot encode the request: %v", err)
	}
	s, miss := r.Expand(string(b))
	if miss != nil {
		return miss
	}
	ex, f := r.Call(ctx, op, s)
	if f != nil {
		return f
	}
	return r.Expect(&suite.Case{Expect: suite.ExpectError, Error: errName, Paths: paths}, ex)
}

// stageOf reads the stage of an answer, without its activeSessionId
// (which comes and goes with sessions) and with only the members the
// contract knows (known): a suite of an older spec judges a newer
// service's stage by what that spec says of a stage.
func (r *runner) stageOf(ex *suite.Exchange, doc map[string]any) (map[string]any, *suite.Failure) {
	st, ok := doc["stage"].(map[string]any)
	if !ok {
		return nil, suite.Mismatch(ex, "the answer has no stage", "a stage object", doc["stage"])
	}
	st, _ = r.c.known(structStage, maps.Clone(st)).(map[string]any)
	delete(st, ivscases.MemberActiveSessionId)
	return st, nil
}

// createStage creates a stage tagged with the run tag (and caseTag), and
// returns it with the token list.
func (r *runner) createStage(ctx context.Context, caseTag string, body map[string]any) (map[string]any, []any, *suite.Exchange, *suite.Failure) {
	body = r.withTags(body, caseTag)
	doc, ex, f := r.do(ctx, ivscases.OpCreateStage, body)
	if f != nil {
		return nil, nil, ex, f
	}
	st, f := r.stageOf(ex, doc)
	if f != nil {
		return nil, nil, ex, f
	}
	if arn, _ := st[ivscases.MemberArn].(string); arn == "" {
		return nil, nil, ex, suite.Mismatch(ex, "CreateStage answered without stage.arn", "a stage ARN", st[ivscases.MemberArn])
	}
	tokens, _ := doc["participantTokens"].([]any)
	return st, tokens, ex, nil
}

func (r *runner) getStage(ctx context.Context, arn string) (map[string]any, *suite.Exchange, *suite.Failure) {
	doc, ex, f := r.do(ctx, ivscases.OpGetStage, map[string]any{ivscases.MemberArn: arn})
	if f != nil {
		return nil, ex, f
	}
	st, f := r.stageOf(ex, doc)
	return st, ex, f
}

// withDefaults is what the service must store for a value of a struct:
// the struct's reset rule applied (its trigger value resets the other
// members), then its defaults, also those of the members of an object
// member given in part.
func (c contract) withDefaults(structName string, v map[string]any) map[string]any {
	out, _ := jsonCopy(v).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	if rs, ok := c.Reset(structName); ok {
		if got, present := out[rs.Member]; present && suite.Canonical(got) == suite.Canonical(rs.Equals) {
			out = map[string]any{rs.Member: got}
		}
	}
	c.ApplyDefaults(structName, out)
	for k, e := range out {
		if m, given := e.(map[string]any); given {
			if mem := c.Member(structName, k); mem != nil && mem.Kind == "object" && mem.Schema != "" {
				out[k] = c.withDefaults(mem.Schema, m)
			}
		}
	}
	return out
}

func jsonCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// resetValue is the value of the recording configuration's member that
// turns recording off and resets the rest.
func (r *runner) resetValue() (suite.Reset, *suite.Failure) {
	rs, ok := r.c.Reset(structRecording)
	if !ok || rs.Member != ivscases.MemberStorageConfigurationArn {
		return suite.Reset{}, suite.Skipf("the contract gives %s no reset rule on %s", structRecording, ivscases.MemberStorageConfigurationArn)
	}
	return rs, nil
}

// recordingConfig is a configuration that records, with a media type
// other than the default.
func (r *runner) recordingConfig() (map[string]any, *suite.Failure) {
	media, f := r.otherMediaType()
	if f != nil {
		return nil, f
	}
	storage, f := r.storageArn()
	if f != nil {
		return nil, f
	}
	return map[string]any{ivscases.MemberStorageConfigurationArn: storage, ivscases.MemberMediaTypes: []any{media}}, nil
}

// stageWithTokens creates a stage of the case's own with one token per
// configuration: as many as one CreateStage takes (the contract's
// maxItems of its token configurations), the rest from
// CreateParticipantToken, so that no case counts on more than the
// contract allows in one request. It returns the stage's ARN and the
// tokens, in the order of configs.
func (r *runner) stageWithTokens(ctx context.Context, caseTag string, configs []map[string]any) (string, []string, *suite.Failure) {
	n := min(len(configs), r.c.tokenLimit())
	first := make([]any, n)
	for i, c := range configs[:n] {
		first[i] = c
	}
	st, tokens, ex, f := r.createStage(ctx, caseTag, map[string]any{ivscases.MemberParticipantTokenConfigurations: first})
	if f != nil {
		return "", nil, f
	}
	arn := st[ivscases.MemberArn].(string)
	toks := stringsAt(tokens, "[]", "token")
	if len(toks) != n {
		return "", nil, suite.Mismatch(ex, "CreateStage did not issue one token per configuration", n, len(toks))
	}
	for _, c := range configs[n:] {
		if r.c.Operation(ivscases.OpCreateParticipantToken) == nil {
			return "", nil, suite.Skipf("CreateStage issues fewer than %d tokens at once, and the contract has no %s", len(configs), ivscases.OpCreateParticipantToken)
		}
		tok, _, f := r.issueToken(ctx, arn, c)
		if f != nil {
			return "", nil, f
		}
		toks = append(toks, tok["token"].(string))
	}
	return arn, toks, nil
}
