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

// This file holds the behaviour cases of the tag operations on a stage of
// the case's own that carries only the run tag: keys differing only in
// case are two keys, UntagResource removes every key it names, the
// per-resource limit counts the tags of every call (and the stage's own),
// and a resource without tags lists {}. How many tags a case adds comes
// from the contract's limit on a resource's tags, less those the stage
// has: no count is written here.

// tagsMember is TagResource's tags, whose limits are a resource's.
func (c contract) tagsMember() (*suite.Member, *suite.Failure) {
	return c.member(structTagResource, ivscases.MemberTags)
}

// tagRoom is how many more tags a resource holding held may take: the
// contract's maxProperties of TagResource's tags less held (no limit: n).
func (c contract) tagRoom(held, n int) int {
	m := c.Member(structTagResource, ivscases.MemberTags)
	if m == nil || m.MaxEntries == nil {
		return n
	}
	return *m.MaxEntries - held
}

// tagEntries makes n tags whose keys are not in avoid and fit the
// contract's key lengths: the contract's sample keys first, then keys of
// letters and digits, shortest first. Every value is the contract's first
// sample value.
func (c contract) tagEntries(n int, avoid map[string]any) (map[string]any, *suite.Failure) {
	m, f := c.tagsMember()
	if f != nil {
		return nil, f
	}
	out := map[string]any{}
	value := c.tagValue(0)
	c.tagKeys(avoid, func(k string) bool {
		out[k] = value
		return len(out) < n
	})
	if len(out) < n {
		return nil, suite.Skipf("the contract's %s.%s allows fewer than %d distinct keys the suite can make", m.Struct, m.Name, n)
	}
	return out, nil
}

// tagValue is the i-th sample value of a tag ("" without one).
func (c contract) tagValue(i int) string {
	m := c.Member(structTagResource, ivscases.MemberTags)
	if m == nil || m.Elem == nil {
		return ""
	}
	ss := m.Elem.Strings()
	if len(ss) == 0 {
		return ""
	}
	return ss[min(i, len(ss)-1)]
}

// tagKeys calls yield with each valid tag key not in avoid, as
// tagEntries orders them, until yield returns false.
func (c contract) tagKeys(avoid map[string]any, yield func(string) bool) {
	m := c.Member(structTagResource, ivscases.MemberTags)
	if m == nil {
		return
	}
	seen := map[string]bool{}
	try := func(k string) bool {
		if _, taken := avoid[k]; taken || seen[k] || m.Check(map[string]any{k: c.tagValue(0)}) != nil {
			return true
		}
		seen[k] = true
		return yield(k)
	}
	for _, k := range m.Keys {
		if !try(k) {
			return
		}
	}
	lo, hi := 1, 3
	if m.MinKeyLength != nil {
		lo = max(lo, *m.MinKeyLength)
	}
	if m.MaxKeyLength != nil {
		hi = min(hi, *m.MaxKeyLength)
	}
	const digits = "abcdefghijklmnopqrstuvwxyz0123456789"
	for size := lo; size <= hi; size++ {
		b := make([]byte, size)
		var gen func(p int) bool
		gen = func(p int) bool {
			if p == size {
				return try(string(b))
			}
			for i := range len(digits) {
				b[p] = digits[i]
				if !gen(p + 1) {
					return false
				}
			}
			return true
		}
		if !gen(0) {
			return
		}
	}
}

// taggedStage is a stage of the case's own (borrowed: borrowStage) that
// carries the run tag only, so that it takes as many more as the contract
// allows; it returns its ARN and tags.
func (r *runner) taggedStage(ctx context.Context) (string, map[string]any, *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return "", nil, f
	}
	arn, f := r.borrowStage(ctx, "tags")
	if f != nil {
		return "", nil, f
	}
	doc, _, f := r.do(ctx, ivscases.OpListTagsForResource, map[string]any{ivscases.MemberResourceArn: arn})
	if f != nil {
		return "", nil, f
	}
	tags, _ := doc[ivscases.MemberTags].(map[string]any)
	var others []any
	for k := range tags {
		if k != r.c.RunTagKey {
			others = append(others, k)
		}
	}
	if len(others) > 0 {
		if _, _, f := r.do(ctx, ivscases.OpUntagResource, map[string]any{ivscases.MemberResourceArn: arn, ivscases.MemberTagKeys: others}); f != nil {
			return "", nil, f
		}
	}
	return arn, jsonCopy(r.runTags()).(map[string]any), nil
}

// wantTags fails when ListTagsForResource and GetStage do not both show
// the stage's tags as want.
func (r *runner) wantTags(ctx context.Context, arn string, want map[string]any, when string) *suite.Failure {
	doc, ex, f := r.do(ctx, ivscases.OpListTagsForResource, map[string]any{ivscases.MemberResourceArn: arn})
	if f != nil {
		return f
	}
	if d := cmp.Diff(want, doc[ivscases.MemberTags]); d != "" {
		return &suite.Failure{Reason: "ListTagsForResource " + when + " does not list the stage's tags", Diff: d, Exchange: ex}
	}
	st, ex, f := r.getStage(ctx, arn)
	if f != nil {
		return f
	}
	if d := cmp.Diff(want, st[ivscases.MemberTags]); d != "" {
		return &suite.Failure{Reason: "GetStage " + when + " does not show the stage's tags", Diff: d, Exchange: ex}
	}
	return nil
}

// tagsShared tags a stage of its own through TagResource, then untags one
// key, and wants GetStage and ListTagsForResource to show the same tags
// each time: the tag operations and the stage's tags are one map. It adds
// two tags, or one where the contract's limit leaves room for one only
// beside the run tag, which stays, so that Cleanup still finds the stage.
func tagsShared(ctx context.Context, r *runner) *suite.Failure {
	arn, want, f := r.taggedStage(ctx)
	if f != nil {
		return f
	}
	n := min(2, r.c.tagRoom(len(want), 2))
	if n < 1 {
		return suite.Skipf("the contract's tags leave no room beside the run tag")
	}
	added, f := r.c.tagEntries(n, want)
	if f != nil {
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpTagResource, map[string]any{ivscases.MemberResourceArn: arn, ivscases.MemberTags: added}); f != nil {
		return f
	}
	maps.Copy(want, added)
	if f := r.wantTags(ctx, arn, want, "after TagResource"); f != nil {
		return f
	}
	removed := slices.Min(slices.Collect(maps.Keys(added)))
	if _, _, f := r.do(ctx, ivscases.OpUntagResource, map[string]any{ivscases.MemberResourceArn: arn, ivscases.MemberTagKeys: []any{removed}}); f != nil {
		return f
	}
	delete(want, removed)
	return r.wantTags(ctx, arn, want, "after UntagResource")
}

// tagKeysCase: two keys that differ only in the case of their letters are
// two tags, each kept as written (documented: AWS's tagging guide, "tag
// keys and values are case sensitive").
func tagKeysCase(ctx context.Context, r *runner) *suite.Failure {
	arn, want, f := r.taggedStage(ctx)
	if f != nil {
		return f
	}
	if r.c.tagRoom(len(want), 2) < 2 {
		return suite.Skipf("the contract's tags leave no room for two tags beside the run tag")
	}
	m, f := r.c.tagsMember()
	if f != nil {
		return f
	}
	// A key with a letter whose case variant is a valid key too, the
	// variant with another value where the contract has one, so that a
	// service folding the keys shows a value lost too.
	var added map[string]any
	r.c.tagKeys(want, func(k string) bool {
		v := caseVariant(k)
		if _, taken := want[v]; v == "" || taken || m.Check(map[string]any{k: r.c.tagValue(0), v: r.c.tagValue(1)}) != nil {
			return true
		}
		added = map[string]any{k: r.c.tagValue(0), v: r.c.tagValue(1)}
		return false
	})
	if added == nil {
		return suite.Skipf("no tag key the contract allows has a case variant that is a valid key")
	}
	if _, _, f := r.do(ctx, ivscases.OpTagResource, map[string]any{ivscases.MemberResourceArn: arn, ivscases.MemberTags: added}); f != nil {
		return f
	}
	maps.Copy(want, added)
	return r.wantTags(ctx, arn, want, "after tagging two keys that differ only in case")
}

// untagSeveral: UntagResource removes every key it names, and only those
// (documented: "tagKeys: array of tags to be removed"). It tags the stage
// with up to three keys, as the contract's limit allows (two at least),
// and untags all but one of them in one request.
func untagSeveral(ctx context.Context, r *runner) *suite.Failure {
	arn, want, f := r.taggedStage(ctx)
	if f != nil {
		return f
	}
	n := min(3, r.c.tagRoom(len(want), 3))
	if n < 2 {
		return suite.Skipf("the contract's tags leave no room for two tags beside the run tag")
	}
	added, f := r.c.tagEntries(n, want)
	if f != nil {
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpTagResource, map[string]any{ivscases.MemberResourceArn: arn, ivscases.MemberTags: added}); f != nil {
		return f
	}
	maps.Copy(want, added)
	keys := slices.Sorted(maps.Keys(added))
	removed := keys[:max(2, n-1)]
	if _, _, f := r.do(ctx, ivscases.OpUntagResource, map[string]any{ivscases.MemberResourceArn: arn, ivscases.MemberTagKeys: removed}); f != nil {
		return f
	}
	for _, k := range removed {
		delete(want, k)
	}
	return r.wantTags(ctx, arn, want, fmt.Sprintf("after UntagResource of %d keys in one request", len(removed)))
}

// tagLimit: a resource carries at most the contract's maxProperties of
// tags by every path together: a stage holding the run tag takes as many
// more as fill it, over two TagResource calls where there is room for two
// (each within the limit alone), and may still change the value of a key
// it has; then one more key is refused with ValidationException naming
// tags, and the stage keeps its tags (inferred: AWS documents the limit
// per resource, not the error).
func tagLimit(ctx context.Context, r *runner) *suite.Failure {
	m, f := r.c.tagsMember()
	if f != nil {
		return f
	}
	if m.MaxEntries == nil {
		return suite.Skipf("the contract gives %s.%s no maxProperties", structTagResource, ivscases.MemberTags)
	}
	arn, want, f := r.taggedStage(ctx)
	if f != nil {
		return f
	}
	room := r.c.tagRoom(len(want), 0)
	if room < 1 {
		return suite.Skipf("the contract's tags leave no room beside the run tag")
	}
	fill, f := r.c.tagEntries(room+1, want)
	if f != nil {
		return f
	}
	keys := slices.Sorted(maps.Keys(fill))
	extra := keys[room]
	first, second := keys[:(room+1)/2], keys[(room+1)/2:room]
	for _, call := range [][]string{first, second} {
		if len(call) == 0 {
			continue
		}
		tags := map[string]any{}
		for _, k := range call {
			tags[k] = fill[k]
		}
		if _, _, f := r.do(ctx, ivscases.OpTagResource, map[string]any{ivscases.MemberResourceArn: arn, ivscases.MemberTags: tags}); f != nil {
			f.Reason = fmt.Sprintf("TagResource of %d tags, the stage holding %d of the %d it may: %s", len(tags), len(want), *m.MaxEntries, f.Reason)
			return f
		}
		maps.Copy(want, tags)
	}
	if f := r.wantTags(ctx, arn, want, fmt.Sprintf("filled to the limit of %d tags", *m.MaxEntries)); f != nil {
		return f
	}
	// A key the stage has, with another value, adds no tag.
	if other := r.c.tagValue(1); other != fill[keys[0]] {
		if _, _, f := r.do(ctx, ivscases.OpTagResource, map[string]any{ivscases.MemberResourceArn: arn, ivscases.MemberTags: map[string]any{keys[0]: other}}); f != nil {
			f.Reason = fmt.Sprintf("TagResource changing the value of a key the stage has, at the limit of %d tags: %s", *m.MaxEntries, f.Reason)
			return f
		}
		want[keys[0]] = other
	}
	if f := r.doError(ctx, ivscases.OpTagResource, map[string]any{ivscases.MemberResourceArn: arn, ivscases.MemberTags: map[string]any{extra: fill[extra]}}, errValidation, ivscases.MemberTags); f != nil {
		f.Reason = fmt.Sprintf("TagResource of one more key, the stage holding the %d tags it may: %s", *m.MaxEntries, f.Reason)
		return f
	}
	return r.wantTags(ctx, arn, want, "after a TagResource past the limit was refused")
}

// untaggedResource: a resource without tags lists them as {} (the model:
// ListTagsForResource's tags is required), and GetStage shows {} too. The
// stage is untagged of every key it has, the run tag among them (the
// cleanup finds it by the ARN CreateStage answered).
func untaggedResource(ctx context.Context, r *runner) *suite.Failure {
	arn, tags, f := r.taggedStage(ctx)
	if f != nil {
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpUntagResource, map[string]any{ivscases.MemberResourceArn: arn, ivscases.MemberTagKeys: slices.Sorted(maps.Keys(tags))}); f != nil {
		return f
	}
	return r.wantTags(ctx, arn, map[string]any{}, "of a stage without tags")
}
