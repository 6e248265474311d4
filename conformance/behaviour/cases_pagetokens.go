package behaviour

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the page token cases: a token is bound to the query it
// was issued for, and the default page size holds.

// pageToken lists base one item a page and returns the first nextToken.
func (r *runner) pageToken(ctx context.Context, op *suite.Operation, base map[string]any) (string, *suite.Failure) {
	body := maps.Clone(base)
	body[op.Pagination.PageSize] = max(op.Pagination.MinPageSize, 1)
	doc, ex, f := r.do(ctx, op.Name, body)
	if f != nil {
		return "", f
	}
	tok, _ := doc[op.Pagination.OutputToken].(string)
	if tok == "" {
		items, _ := doc[op.Pagination.Items].([]any)
		return "", suite.Mismatch(ex, fmt.Sprintf("a page of %d of a list of more gives no %s", len(items), op.Pagination.OutputToken),
			"a "+op.Pagination.OutputToken, doc[op.Pagination.OutputToken])
	}
	return tok, nil
}

// wantTokenRefused sends the token with base and wants a ValidationException
// naming the token member.
func (r *runner) wantTokenRefused(ctx context.Context, op *suite.Operation, base map[string]any, token, why string) *suite.Failure {
	body := maps.Clone(base)
	body[op.Pagination.InputToken] = token
	if f := r.doError(ctx, op.Name, body, errValidation, op.Pagination.InputToken); f != nil {
		f.Reason = why + ": " + f.Reason
		return f
	}
	return nil
}

func (r *runner) seededList() (*suite.Operation, map[string]any, *suite.Failure) {
	if f := r.seededNeeded(); f != nil {
		return nil, nil, f
	}
	op, f := r.operation(ivscases.OpListParticipants)
	if f != nil {
		return nil, nil, f
	}
	if op.Pagination == nil {
		return nil, nil, suite.Failf(nil, "ListParticipants is not paginated")
	}
	return op, map[string]any{ivscases.MemberStageArn: r.seed.stageArn, ivscases.MemberSessionId: r.seed.sessionID}, nil
}

func tokenFromAnotherFilter(ctx context.Context, r *runner) *suite.Failure {
	op, base, f := r.seededList()
	if f != nil {
		return f
	}
	const filter = "filterByState"
	values := r.c.EnumOf("ListParticipantsRequest", filter)
	count := map[string]int{}
	for _, p := range r.seed.participants {
		count[p.summary()[ivscases.MemberState].(string)]++
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
		return suite.Skipf("the seeded session has no %s value with two participants and another to switch to", filter)
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

func tokenFromAnotherSession(ctx context.Context, r *runner) *suite.Failure {
	op, base, f := r.seededList()
	if f != nil {
		return f
	}
	users, f := r.c.userIDs(2)
	if f != nil {
		return f
	}
	arn, toks, f := r.stageWithTokens(ctx, "page-token", []map[string]any{{ivscases.MemberUserId: users[0]}, {ivscases.MemberUserId: users[1]}})
	if f != nil {
		return f
	}
	roles := []seedRole{{name: "joined"}, {name: "joined"}}
	ps, f := r.seedParticipants(ctx, arn, toks, roles, users)
	if f != nil {
		return f
	}
	tok, f := r.pageToken(ctx, op, map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberSessionId: ps[0].SessionID})
	if f != nil {
		return f
	}
	return r.wantTokenRefused(ctx, op, base, tok, "a page token issued for another stage's session")
}

func modifiedToken(ctx context.Context, r *runner) *suite.Failure {
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
func defaultPageSize(ctx context.Context, r *runner) *suite.Failure {
	if f := r.needSeeder(); f != nil {
		return f
	}
	op, f := r.operation(ivscases.OpListParticipants)
	if f != nil {
		return f
	}
	if op.Pagination == nil {
		return suite.Failf(nil, "ListParticipants is not paginated")
	}
	def, ok := r.c.DefaultValue(op.Name+"Request", op.Pagination.PageSize)
	n, isNum := def.(float64)
	if !ok || !isNum {
		return suite.Skipf("the contract gives %s no default", op.Pagination.PageSize)
	}
	if r.c.Operation(ivscases.OpCreateParticipantToken) == nil {
		return suite.Skipf("the contract has no %s: one CreateStage seeds at most %d participants, fewer than the default page of %v", ivscases.OpCreateParticipantToken, r.c.tokenLimit(), n)
	}
	st, tokens, _, f := r.createStage(ctx, "default-page-size", map[string]any{ivscases.MemberParticipantTokenConfigurations: r.seedConfigs(0, r.c.tokenLimit())})
	if f != nil {
		return f
	}
	arn := st[ivscases.MemberArn].(string)
	toks := stringsAt(tokens, "[]", "token")
	more, f := r.issueTokens(ctx, arn, len(toks), int(n)+1)
	if f != nil {
		return f
	}
	toks = append(toks, more...)
	roles, users := make([]seedRole, len(toks)), make([]string, len(toks))
	for i := range toks {
		roles[i], users[i] = seedRole{name: "joined", unrecorded: true}, r.seedUser(i)
	}
	ps, f := r.seedParticipants(ctx, arn, toks, roles, users)
	if f != nil {
		return f
	}
	pages, f := r.ListPages(ctx, op, map[string]any{ivscases.MemberStageArn: arn, ivscases.MemberSessionId: ps[0].SessionID}, 0, len(ps)+1)
	if f != nil {
		return f
	}
	var want, got []string
	for _, p := range ps {
		want = append(want, p.ParticipantID)
	}
	for _, pg := range pages {
		for _, it := range pg.Items {
			got = append(got, participantID(it))
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if d := cmp.Diff(want, got); d != "" {
		return &suite.Failure{Reason: fmt.Sprintf("paging %d participants with %s left at its default does not give each exactly once",
			len(ps), op.Pagination.PageSize), Diff: d, Exchange: pages[len(pages)-1].Exchange}
	}
	return nil
}
