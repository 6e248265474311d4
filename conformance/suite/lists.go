package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// This file runs the cases about lists: filters and pagination. Where a
// hook knows what a listing holds (KnowListing: a session the setup
// seeded, say) the expectations come from it, not from what the target
// lists; elsewhere from the target's own unfiltered, unpaged list.

// maxPages bounds how many pages a listing follows.
const maxPages = 1000

// Page is one page of a listing.
type Page struct {
	Items    []any
	Next     string // the page's next token, "" on the last
	Exchange *Exchange
}

// ListPages follows the pages of a paginated operation, at most limit of
// them, as listPages does.
func (r *Runner) ListPages(ctx context.Context, op *Operation, base map[string]any, pageSize, limit int) ([]Page, *Failure) {
	return r.listPages(ctx, op, base, pageSize, limit)
}

// listPages follows the pages of a paginated operation, at most limit of
// them. pageSize 0 leaves the page size to the target, whose default the
// pages must then keep to. No page may hold more than its size.
func (r *Runner) listPages(ctx context.Context, op *Operation, base map[string]any, pageSize, limit int) ([]Page, *Failure) {
	pg := op.Pagination
	size := pageSize
	if size == 0 {
		if d, ok := r.suite.Contract.DefaultValue(op.Name+"Request", pg.PageSize); ok {
			if n, ok := d.(float64); ok {
				size = int(n)
			}
		}
	}
	var pages []Page
	token := ""
	for {
		if len(pages) == limit {
			last := pages[len(pages)-1]
			return nil, Mismatch(last.Exchange, fmt.Sprintf("%s kept handing out %s: %d pages and still one more", op.Name, pg.OutputToken, limit),
				fmt.Sprintf("at most %d pages", limit), fmt.Sprintf("more than %d pages", limit))
		}
		body := maps.Clone(base)
		if pageSize > 0 {
			body[pg.PageSize] = pageSize
		}
		if token != "" {
			body[pg.InputToken] = token
		}
		doc, ex, f := r.callJSON(ctx, op, body, true)
		if f != nil {
			return nil, f
		}
		got := ValuesAt(doc, []string{pg.Items, "[]"})
		if size > 0 && len(got) > size {
			what := fmt.Sprintf("%s was %d", pg.PageSize, size)
			if pageSize == 0 {
				what = fmt.Sprintf("%s was left at its default, %d", pg.PageSize, size)
			}
			return nil, Mismatch(ex, fmt.Sprintf("a page of %s holds %d items; %s", op.Name, len(got), what),
				fmt.Sprintf("at most %d items", size), fmt.Sprintf("%d items", len(got)))
		}
		next, _ := FirstValue(doc, pg.OutputToken).(string)
		pages = append(pages, Page{Items: got, Next: next, Exchange: ex})
		if next == "" {
			return pages, nil
		}
		token = next
	}
}

// listAll follows the pages of a listing and returns every item.
func (r *Runner) listAll(ctx context.Context, op *Operation, base map[string]any, pageSize int) ([]any, *Exchange, *Failure) {
	pages, f := r.listPages(ctx, op, base, pageSize, maxPages)
	if f != nil {
		return nil, nil, f
	}
	var items []any
	for _, p := range pages {
		items = append(items, p.Items...)
	}
	return items, pages[len(pages)-1].Exchange, nil
}

// itemKey is how an item of a listing is told apart: by its key member
// where a Listing names one, else by its whole value.
func itemKey(it any, key string) string {
	if m, ok := it.(map[string]any); ok && key != "" {
		if id, ok := m[key].(string); ok {
			return id
		}
	}
	return Canonical(it)
}

// runFilter lists with the filter set to each value and wants exactly the
// items whose field equals it: the items of the listing known in advance
// whose value it is, or (where none is known) those of the unfiltered list.
func (r *Runner) runFilter(ctx context.Context, op *Operation, c *Case) *Failure {
	if op.Pagination == nil {
		return Failf(nil, "%s has no pagination to find its list items by", op.Name)
	}
	base, f := r.BodyMap(c.Body)
	if f != nil {
		return f
	}
	var probe any
	if err := json.Unmarshal([]byte(c.Value), &probe); err != nil {
		return Failf(nil, "the case's filter value %q is not JSON", c.Value)
	}
	// all are the items the filter picks from, each as the field values
	// that decide (by id).
	all := map[string]any{}
	known := r.listing(op, c.Body)
	key := ""
	if known != nil {
		key = known.Key
		for id, it := range known.Items {
			all[id] = it[c.Field]
		}
	} else {
		items, _, f := r.listAll(ctx, op, base, 0)
		if f != nil {
			return f
		}
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				all[itemKey(it, key)] = m[c.Field]
			}
		}
	}
	values := []any{probe}
	if c.EachPresent {
		seen := map[string]bool{Canonical(probe): true}
		// A value the filter's enum does not list (a newer service's
		// state, say) is not the spec's to filter by, nor one shorter
		// than the filter takes (an ingest configuration's stageArn ""
		// when it has no stage; the filter's StageArn has length 1 or
		// more).
		var enum []string
		minLength := 0
		if m := r.suite.Contract.Member(op.Name+"Request", c.Filter); m != nil {
			enum = m.Enum
			if m.MinLength != nil {
				minLength = *m.MinLength
			}
		}
		for _, id := range slices.Sorted(maps.Keys(all)) {
			v := all[id]
			if s, ok := v.(string); ok && (len(enum) > 0 && !slices.Contains(enum, s) || utf8.RuneCountInString(s) < minLength) {
				continue
			}
			if !seen[Canonical(v)] {
				seen[Canonical(v)] = true
				values = append(values, v)
			}
		}
		if known != nil && len(values) < 3 {
			return Skipf("the listing known in advance has fewer than two distinct %s values to filter by", c.Field)
		}
	} else if known != nil {
		matching := 0
		for _, v := range all {
			if Canonical(v) == Canonical(probe) {
				matching++
			}
		}
		if matching == 0 || matching == len(all) {
			why := fmt.Sprintf("the listing known in advance has no item whose %s is %s", c.Field, Canonical(probe))
			if matching > 0 {
				why = fmt.Sprintf("every item of the listing known in advance has %s %s: nothing for the filter to leave out", c.Field, Canonical(probe))
			}
			if known.Lacks != "" {
				why += "; " + known.Lacks
			}
			return Skipf("%s", why)
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
			if Canonical(fv) == Canonical(v) {
				want[id] = Canonical(fv)
			}
		}
		for _, it := range items {
			m, _ := it.(map[string]any)
			got[itemKey(it, key)] = Canonical(m[c.Field])
		}
		if d := DiffJSON(want, got); d != "" {
			return &Failure{
				Reason: fmt.Sprintf("%s=%s does not keep exactly the %s whose %s is %s", c.Filter, Canonical(v), op.Pagination.Items, c.Field, Canonical(v)),
				Diff:   d, Exchange: ex,
			}
		}
	}
	return nil
}

// runPagination pages through the list with c.PageSize items a page and
// wants every item exactly once, each whole as the target lists it on one
// page (its largest): not only its identifying member (a participant's id)
// but every member. Where a hook knows the listing in advance, its items
// are the ones wanted, by their key. No page may hold more than the size,
// and the page that completes the list carries no nextToken.
func (r *Runner) runPagination(ctx context.Context, op *Operation, c *Case) *Failure {
	pg := op.Pagination
	if pg == nil {
		return Failf(nil, "%s is not paginated", op.Name)
	}
	base, f := r.BodyMap(c.Body)
	if f != nil {
		return f
	}
	size := c.PageSize
	if size <= 0 {
		size = max(pg.MinPageSize, 1)
	}
	// whole is the target's own listing, on as few pages as it allows:
	// what each paged item must equal, member for member.
	whole, _, f := r.listAll(ctx, op, base, pg.MaxPageSize)
	if f != nil {
		return f
	}
	known := r.listing(op, c.Body)
	key := ""
	if known != nil {
		key = known.Key
	}
	var want []string
	if known != nil {
		want = slices.Collect(maps.Keys(known.Items))
	} else {
		for _, it := range whole {
			want = append(want, itemKey(it, key))
		}
	}
	pages, f := r.listPages(ctx, op, base, size, len(want)/size+2)
	if f != nil {
		return f
	}
	var got, gotWhole, wantWhole []string
	for _, p := range pages {
		for _, it := range p.Items {
			got = append(got, itemKey(it, key))
			gotWhole = append(gotWhole, Canonical(it))
		}
	}
	for _, it := range whole {
		wantWhole = append(wantWhole, Canonical(it))
	}
	last := pages[len(pages)-1]
	slices.Sort(want)
	slices.Sort(got)
	if d := DiffJSON(want, got); d != "" {
		return &Failure{Reason: fmt.Sprintf("following %s with %s=%d does not give each of the %d %s exactly once (%d pages, %d items)",
			pg.OutputToken, pg.PageSize, size, len(want), pg.Items, len(pages), len(got)), Diff: d, Exchange: last.Exchange}
	}
	slices.Sort(wantWhole)
	slices.Sort(gotWhole)
	if d := DiffJSON(wantWhole, gotWhole); d != "" {
		return &Failure{Reason: fmt.Sprintf("following %s with %s=%d gives %s other than the target lists on one page of %d: each item must be the same, member for member",
			pg.OutputToken, pg.PageSize, size, pg.Items, pg.MaxPageSize), Diff: d, Exchange: last.Exchange}
	}
	if n := len(pages); n > 1 && len(last.Items) == 0 {
		prev := pages[n-2]
		type lastPage struct {
			Page      int    `json:"page"`
			NextToken string `json:"nextToken,omitempty"`
		}
		return Mismatch(prev.Exchange, fmt.Sprintf("page %d completes the list but carries a %s, which leads to an empty page: the last page must carry none",
			n-1, pg.OutputToken), lastPage{Page: n - 1}, lastPage{Page: n - 1, NextToken: prev.Next})
	}
	return nil
}
