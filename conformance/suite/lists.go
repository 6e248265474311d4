package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// This file runs the cases about lists: filters and pagination. Against
// the seeded live session the expectations come from what was seeded
// (seed.go), not from what the target lists; elsewhere from the
// target's own unfiltered, unpaged list.

// maxPages bounds how many pages a listing follows.
const maxPages = 1000

// page is one page of a listing.
type page struct {
	items []any
	next  string
	ex    *exchange
}

// listPages follows the pages of a paginated operation, at most limit of
// them. pageSize 0 leaves the page size to the target, whose default the
// pages must then keep to. No page may hold more than its size.
func (r *Runner) listPages(ctx context.Context, op *Operation, base map[string]any, pageSize, limit int) ([]page, *Failure) {
	pg := op.Pagination
	size := pageSize
	if size == 0 {
		if d, ok := r.suite.Contract.defaultValue(op.Name+"Request", pg.PageSize); ok {
			if n, ok := d.(float64); ok {
				size = int(n)
			}
		}
	}
	var pages []page
	token := ""
	for {
		if len(pages) == limit {
			last := pages[len(pages)-1]
			return nil, mismatch(last.ex, fmt.Sprintf("%s kept handing out %s: %d pages and still one more", op.Name, pg.OutputToken, limit),
				fmt.Sprintf("at most %d pages", limit), fmt.Sprintf("more than %d pages", limit))
		}
		body := maps.Clone(base)
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
		if size > 0 && len(got) > size {
			what := fmt.Sprintf("%s was %d", pg.PageSize, size)
			if pageSize == 0 {
				what = fmt.Sprintf("%s was left at its default, %d", pg.PageSize, size)
			}
			return nil, mismatch(ex, fmt.Sprintf("a page of %s holds %d items; %s", op.Name, len(got), what),
				fmt.Sprintf("at most %d items", size), fmt.Sprintf("%d items", len(got)))
		}
		next, _ := firstValue(doc, pg.OutputToken).(string)
		pages = append(pages, page{items: got, next: next, ex: ex})
		if next == "" {
			return pages, nil
		}
		token = next
	}
}

// listAll follows the pages of a listing and returns every item.
func (r *Runner) listAll(ctx context.Context, op *Operation, base map[string]any, pageSize int) ([]any, *exchange, *Failure) {
	pages, f := r.listPages(ctx, op, base, pageSize, maxPages)
	if f != nil {
		return nil, nil, f
	}
	var items []any
	for _, p := range pages {
		items = append(items, p.items...)
	}
	return items, pages[len(pages)-1].ex, nil
}

// seededBody reports whether a case body lists the seeded live session.
func (r *Runner) seededBody(body string) bool { return strings.Contains(body, "${"+r.liveSession+"}") }

// listsSeededParticipants reports whether a case body lists the seeded session's
// participants, which the seeding says in advance; other lists of the live
// session (a participant's events) come from the target's own listing.
func (r *Runner) listsSeededParticipants(op *Operation, body string) bool {
	return r.seededBody(body) && op != nil && op.Pagination != nil && op.Pagination.Items == itemsParticipants
}

// itemsParticipants is the list member of ListParticipants' answer.
const itemsParticipants = "participants"

func itemID(it any) string {
	if m, ok := it.(map[string]any); ok {
		if id, ok := m[fieldParticipantID].(string); ok {
			return id
		}
	}
	return canonical(it)
}

// runFilter lists with the filter set to each value and wants exactly the
// items whose field equals it: the seeded participants whose seeded value
// it is, or (away from the seeded session) the items of the unfiltered list.
func (r *Runner) runFilter(ctx context.Context, op *Operation, c *Case) *Failure {
	if op.Pagination == nil {
		return failf(nil, "%s has no pagination to find its list items by", op.Name)
	}
	base, f := r.bodyMap(c.Body)
	if f != nil {
		return f
	}
	var probe any
	if err := json.Unmarshal([]byte(c.Value), &probe); err != nil {
		return failf(nil, "the case's filter value %q is not JSON", c.Value)
	}
	// all are the items the filter picks from, each as the field values
	// that decide (by id).
	all := map[string]any{}
	if r.seededBody(c.Body) {
		for _, p := range r.seed.participants {
			all[p.ParticipantID] = p.summary()[c.Field]
		}
	} else {
		items, _, f := r.listAll(ctx, op, base, 0)
		if f != nil {
			return f
		}
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				all[itemID(it)] = m[c.Field]
			}
		}
	}
	values := []any{probe}
	if c.EachPresent {
		seen := map[string]bool{canonical(probe): true}
		for _, id := range slices.Sorted(maps.Keys(all)) {
			if v := all[id]; !seen[canonical(v)] {
				seen[canonical(v)] = true
				values = append(values, v)
			}
		}
		if r.seededBody(c.Body) && len(values) < 3 {
			return skipf("the seeded session has fewer than two distinct %s values to filter by", c.Field)
		}
	} else if r.seededBody(c.Body) {
		matching := 0
		for _, v := range all {
			if canonical(v) == canonical(probe) {
				matching++
			}
		}
		if matching == 0 || matching == len(all) {
			why := fmt.Sprintf("the seeded session has no participant whose %s is %s", c.Field, canonical(probe))
			if matching > 0 {
				why = fmt.Sprintf("every seeded participant's %s is %s: nothing for the filter to leave out", c.Field, canonical(probe))
			}
			if r.seed.lacks != "" {
				why += "; " + r.seed.lacks
			}
			return skipf("%s", why)
		}
	}
	for _, v := range values {
		body := maps.Clone(base)
		body[c.Filter] = v
		items, ex, f := r.listAll(ctx, op, body, 0)
		if f != nil {
			return f
		}
		// Compared as id -> field value: a missing or extra item shows,
		// and so does an item listed with another value than the filter's.
		want, got := map[string]string{}, map[string]string{}
		for id, fv := range all {
			if canonical(fv) == canonical(v) {
				want[id] = canonical(fv)
			}
		}
		for _, it := range items {
			m, _ := it.(map[string]any)
			got[itemID(it)] = canonical(m[c.Field])
		}
		if d := cmp.Diff(want, got); d != "" {
			return &Failure{
				Reason: fmt.Sprintf("%s=%s does not keep exactly the %s whose %s is %s", c.Filter, canonical(v), op.Pagination.Items, c.Field, canonical(v)),
				Diff:   d, ex: ex,
			}
		}
	}
	return nil
}

// runPagination pages through the list with c.PageSize items a page and
// wants every item exactly once, no page over the size, and no nextToken
// on the page that completes the list.
func (r *Runner) runPagination(ctx context.Context, op *Operation, c *Case) *Failure {
	pg := op.Pagination
	if pg == nil {
		return failf(nil, "%s is not paginated", op.Name)
	}
	base, f := r.bodyMap(c.Body)
	if f != nil {
		return f
	}
	size := c.PageSize
	if size <= 0 {
		size = max(pg.MinPageSize, 1)
	}
	var want []string
	if r.listsSeededParticipants(op, c.Body) {
		for _, p := range r.seed.participants {
			want = append(want, p.ParticipantID)
		}
	} else {
		all, _, f := r.listAll(ctx, op, base, pg.MaxPageSize)
		if f != nil {
			return f
		}
		for _, it := range all {
			want = append(want, itemID(it))
		}
	}
	pages, f := r.listPages(ctx, op, base, size, len(want)/size+2)
	if f != nil {
		return f
	}
	var got []string
	for _, p := range pages {
		for _, it := range p.items {
			got = append(got, itemID(it))
		}
	}
	last := pages[len(pages)-1]
	slices.Sort(want)
	slices.Sort(got)
	if d := cmp.Diff(want, got); d != "" {
		return &Failure{Reason: fmt.Sprintf("following %s with %s=%d does not give each of the %d %s exactly once (%d pages, %d items)",
			pg.OutputToken, pg.PageSize, size, len(want), pg.Items, len(pages), len(got)), Diff: d, ex: last.ex}
	}
	if n := len(pages); n > 1 && len(last.items) == 0 {
		prev := pages[n-2]
		type lastPage struct {
			Page      int
			NextToken string
		}
		return mismatch(prev.ex, fmt.Sprintf("page %d completes the list but carries a %s, which leads to an empty page: the last page must carry none",
			n-1, pg.OutputToken), lastPage{Page: n - 1}, lastPage{Page: n - 1, NextToken: prev.next})
	}
	return nil
}
