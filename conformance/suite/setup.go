package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"

	"github.com/google/go-cmp/cmp"
)

// This file is behaviour the spec cannot state, written by hand: how to get
// a stage with a live session of participants whose states differ, so that
// shape, filter and paging cases have something real to point at.

// seedUsers are the userIds of the seeded participants: one publishes and
// is recorded, one stays connected without publishing, one leaves.
var seedUsers = []string{"ivsrt-user-1", "ivsrt-user-2", "ivsrt-user-3"}

type seedState struct {
	stageArn     string
	participants []Joined
}

// Live values the setup provides, by placeholder name.
const (
	liveStageArn      = "live:StageArn"
	liveSessionID     = "live:SessionId"
	liveParticipantID = "live:ParticipantId"
)

// setup makes the live stage (and, with a Seeder, its participants) and
// records, for each live value it could not make, why.
func (r *Runner) setup(ctx context.Context) {
	c := r.suite.Contract
	missAll := func(f *Failure, names ...string) {
		for _, n := range names {
			r.missing[n] = f
		}
	}
	create := c.Operation("CreateStage")
	if create == nil {
		missAll(skipf("the contract has no CreateStage to make a live stage with"), liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	configs := make([]map[string]any, len(seedUsers))
	for i, u := range seedUsers {
		configs[i] = map[string]any{"userId": u}
	}
	doc, _, f := r.setupCall(ctx, create, map[string]any{
		"name":                           "ivsrt-conformance",
		"tags":                           r.runTags(),
		"participantTokenConfigurations": configs,
	})
	if f != nil {
		f.Reason = "setup: CreateStage of the live stage: " + f.Reason
		missAll(f, liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	arn, _ := firstValue(doc, "stage", "arn").(string)
	if arn == "" {
		missAll(failf(nil, "setup: CreateStage answered without stage.arn"), liveStageArn, liveSessionID, liveParticipantID)
		return
	}
	r.vars[liveStageArn] = arn
	r.seed.stageArn = arn
	r.learnVars(arn)

	if r.target.Seeder == nil {
		missAll(skipf("no seeder: nothing can make participants join the target (an ivsrt fake offers one through its control API)"),
			liveSessionID, liveParticipantID)
		return
	}
	// Recording on before anyone joins, so that recording states differ.
	if update := c.Operation("UpdateStage"); update != nil {
		storage := "arn:aws:ivs:" + r.vars["region"] + ":" + r.vars["account"] + ":storage-configuration/ivsrtconformance"
		_, _, _ = r.setupCall(ctx, update, map[string]any{
			"arn": arn, "autoParticipantRecordingConfiguration": map[string]any{"storageConfigurationArn": storage},
		})
	}
	var tokens []string
	for _, v := range valuesAt(doc, []string{"participantTokens", "[]", "token"}) {
		if s, ok := v.(string); ok {
			tokens = append(tokens, s)
		}
	}
	if len(tokens) != len(seedUsers) {
		missAll(failf(nil, "setup: CreateStage issued %d tokens for %d configurations", len(tokens), len(seedUsers)), liveSessionID, liveParticipantID)
		return
	}
	if err := r.seedParticipants(ctx, tokens); err != nil {
		missAll(failf(nil, "setup: seeder: %v", err), liveSessionID, liveParticipantID)
		return
	}
	r.vars[liveSessionID] = r.seed.participants[0].SessionID
	r.vars[liveParticipantID] = r.seed.participants[0].ParticipantID
}

func (r *Runner) seedParticipants(ctx context.Context, tokens []string) error {
	s := r.target.Seeder
	for _, tok := range tokens {
		p, err := s.Join(ctx, tok)
		if err != nil {
			return fmt.Errorf("join: %w", err)
		}
		r.seed.participants = append(r.seed.participants, p)
	}
	ps := r.seed.participants
	if err := s.Publish(ctx, ps[0]); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := s.StartRecording(ctx, ps[0]); err != nil {
		return fmt.Errorf("start recording: %w", err)
	}
	if err := s.Leave(ctx, ps[2]); err != nil {
		return fmt.Errorf("leave: %w", err)
	}
	return nil
}

// learnVars reads the template variables (region, account) of an
// identifier the target minted, so made-up identifiers look like its own.
func (r *Runner) learnVars(id string) {
	for _, ident := range r.suite.Contract.Identifiers {
		re, err := regexp.Compile(ident.Parse)
		if err != nil {
			continue
		}
		m := re.FindStringSubmatch(id)
		if m == nil {
			continue
		}
		for i, name := range re.SubexpNames() {
			if name != "" && m[i] != "" {
				r.vars[name] = m[i]
			}
		}
		return
	}
}

func (r *Runner) runTags() map[string]any {
	return map[string]any{r.suite.Contract.RunTagKey: r.vars["runId"]}
}

// callJSON marshals body, fills its placeholders, sends it, and wants a 200
// that it decodes; the answer must obey the contract.
func (r *Runner) callJSON(ctx context.Context, op *Operation, body any) (any, *exchange, *Failure) {
	return r.callJSONWith(ctx, op, body, true)
}

// setupCall is callJSON for the setup, which only needs a 200 and the
// members it reads: the cases check the rest, each under its own name.
func (r *Runner) setupCall(ctx context.Context, op *Operation, body any) (any, *exchange, *Failure) {
	return r.callJSONWith(ctx, op, body, false)
}

func (r *Runner) callJSONWith(ctx context.Context, op *Operation, body any, strict bool) (any, *exchange, *Failure) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, nil, failf(nil, "cannot encode the request: %v", err)
	}
	s, miss := r.expand(string(b))
	if miss != nil {
		return nil, nil, miss
	}
	var ex *exchange
	var f *Failure
	if strict {
		ex, f = r.call(ctx, op, s)
	} else if ex, err = r.send(ctx, op, s); err != nil {
		f = sendFailure(op, s, err)
	}
	if f != nil {
		return nil, ex, f
	}
	if f := wantSuccess(ex); f != nil {
		return nil, ex, f
	}
	var doc any
	if err := json.Unmarshal(ex.Resp, &doc); err != nil {
		return nil, ex, failf(ex, "the answer is not JSON: %v", err)
	}
	return doc, ex, nil
}

func firstValue(doc any, path ...string) any {
	if v := valuesAt(doc, path); len(v) > 0 {
		return v[0]
	}
	return nil
}

// maxPages bounds how many pages a listing follows.
const maxPages = 1000

// listAll follows the pages of a paginated operation and returns every
// item. pageSize 0 leaves the page size to the target. Each page must hold
// at most pageSize items.
func (r *Runner) listAll(ctx context.Context, op *Operation, base map[string]any, pageSize int) ([]any, *Failure) {
	pg := op.Pagination
	var items []any
	token := ""
	for page := 0; ; page++ {
		if page == maxPages {
			return nil, failf(nil, "%s did not stop handing out %s after %d pages", op.Name, pg.OutputToken, maxPages)
		}
		body := map[string]any{}
		for k, v := range base {
			body[k] = v
		}
		if pageSize > 0 {
			body[pg.PageSize] = pageSize
		}
		if token != "" {
			body[pg.InputToken] = token
		}
		doc, ex, f := r.callJSON(ctx, op, body)
		if f != nil {
			return nil, f
		}
		got := valuesAt(doc, []string{pg.Items, "[]"})
		if pageSize > 0 && len(got) > pageSize {
			return nil, &Failure{Reason: fmt.Sprintf("a page of %s holds %d items; %s was %d", op.Name, len(got), pg.PageSize, pageSize),
				Diff: cmp.Diff(pageSize, len(got)), ex: ex}
		}
		items = append(items, got...)
		next, _ := firstValue(doc, pg.OutputToken).(string)
		if next == "" {
			return items, nil
		}
		token = next
	}
}

// bodyMap decodes a case body (placeholders filled) into a map.
func (r *Runner) bodyMap(body string) (map[string]any, *Failure) {
	s, miss := r.expand(body)
	if miss != nil {
		return nil, miss
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, failf(nil, "the case body is not a JSON object: %v", err)
	}
	return m, nil
}

// canonical is a value's JSON with sorted keys, for comparing and sorting.
func canonical(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func sortItems(items []any) []any {
	out := append([]any(nil), items...)
	sort.SliceStable(out, func(i, j int) bool { return canonical(out[i]) < canonical(out[j]) })
	return out
}

// runFilter lists with the filter set and wants exactly the items of the
// unfiltered list whose field equals the filter's value.
func (r *Runner) runFilter(ctx context.Context, op *Operation, c *Case) *Failure {
	if op.Pagination == nil {
		return failf(nil, "%s has no pagination to find its list items by", op.Name)
	}
	base, f := r.bodyMap(c.Body)
	if f != nil {
		return f
	}
	all, f := r.listAll(ctx, op, base, 0)
	if f != nil {
		return f
	}
	var values []any
	var first any
	if err := json.Unmarshal([]byte(c.Value), &first); err != nil {
		return failf(nil, "the case's filter value %q is not JSON", c.Value)
	}
	values = append(values, first)
	if c.EachPresent {
		seen := map[string]bool{canonical(first): true}
		for _, it := range all {
			if m, ok := it.(map[string]any); ok {
				if v, ok := m[c.Field]; ok && !seen[canonical(v)] {
					seen[canonical(v)] = true
					values = append(values, v)
				}
			}
		}
	}
	for _, v := range values {
		body := map[string]any{}
		for k, bv := range base {
			body[k] = bv
		}
		body[c.Filter] = v
		got, f := r.listAll(ctx, op, body, 0)
		if f != nil {
			return f
		}
		var want []any
		for _, it := range all {
			if m, ok := it.(map[string]any); ok && canonical(m[c.Field]) == canonical(v) {
				want = append(want, it)
			}
		}
		if d := cmp.Diff(sortItems(want), sortItems(got)); d != "" {
			b, _ := json.Marshal(body)
			return &Failure{
				Reason: fmt.Sprintf("%s=%s does not keep exactly the %s whose %s is %s", c.Filter, canonical(v), op.Pagination.Items, c.Field, canonical(v)),
				Diff:   d, ex: &exchange{Op: op.Name, Body: string(b), Status: http.StatusOK},
			}
		}
	}
	return nil
}

// runPagination pages through the list with the smallest page size and
// wants every item of the unpaged list exactly once.
func (r *Runner) runPagination(ctx context.Context, op *Operation, c *Case) *Failure {
	pg := op.Pagination
	if pg == nil {
		return failf(nil, "%s is not paginated", op.Name)
	}
	base, f := r.bodyMap(c.Body)
	if f != nil {
		return f
	}
	all, f := r.listAll(ctx, op, base, pg.MaxPageSize)
	if f != nil {
		return f
	}
	size := max(pg.MinPageSize, 1)
	paged, f := r.listAll(ctx, op, base, size)
	if f != nil {
		return f
	}
	if d := cmp.Diff(sortItems(all), sortItems(paged)); d != "" {
		return &Failure{Reason: fmt.Sprintf("following %s with %s=%d does not give every item exactly once", pg.OutputToken, pg.PageSize, size), Diff: d}
	}
	if len(all) <= size {
		return skipf("the list has %d items: too few to page with %s=%d", len(all), pg.PageSize, size)
	}
	return nil
}
