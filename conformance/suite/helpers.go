package suite

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"maps"
	"regexp"
	"strconv"
)

// This file holds what the behaviour cases share: live values, calls that
// want a 200 or an error, stages made and read back, the defaults and reset
// rule applied to what a case sent, and made-up identifiers.

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
	if _, f := r.live(r.liveStage); f != nil {
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
	body = r.withTags(body, caseTag)
	doc, ex, f := r.do(ctx, createOperation, body)
	if f != nil {
		return nil, nil, ex, f
	}
	st, f := stageOf(ex, doc)
	if f != nil {
		return nil, nil, ex, f
	}
	if arn, _ := st[memberArn].(string); arn == "" {
		return nil, nil, ex, mismatch(ex, "CreateStage answered without stage.arn", "a stage ARN", st[memberArn])
	}
	tokens, _ := doc["participantTokens"].([]any)
	return st, tokens, ex, nil
}

func (r *Runner) getStage(ctx context.Context, arn string) (map[string]any, *exchange, *Failure) {
	doc, ex, f := r.do(ctx, "GetStage", map[string]any{memberArn: arn})
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
	return r.mintWith(name, r.vars)
}

// mintWith is mint with the template's variables taken from vars.
func (r *Runner) mintWith(name string, vars map[string]string) (string, *Failure) {
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
		if v, ok := vars[sub[1]]; ok {
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
