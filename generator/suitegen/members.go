package suitegen

import (
	"encoding/json"
	"slices"
	"unicode/utf8"

	"github.com/ivsrt/contract/generator/model"
)

// This file writes down, for the runtime, what the spec says about every
// member of every struct: its constraints and several distinct valid
// values, computed here with the same sampler as the cases. The
// hand-written cases send only these values, so a spec edit reaches them
// through `make generate`.

// sampleCount is how many distinct values a member's Samples hold at most:
// enough for the seeded session's distinct user ids and a few more.
const sampleCount = 8

// preferredLen is the length distinct strings are made at when the spec
// allows it: long enough to vary, short enough to read.
const preferredLen = 8

// member is one struct member as the Contract writes it down.
type member struct {
	structName, name string
	required         bool
	value            *value
}

// value is a type's constraints and sample values (JSON), as the Contract
// writes them down.
type value struct {
	kind       string
	schema     string
	limits     model.Limits
	enum       []string
	identifier string
	elem       *value
	keys       []string
	samples    []string
}

// members describes every member of every struct the operations reach.
func (g *builder) describeMembers() []member {
	var out []member
	for _, st := range g.svc.Structs {
		for _, m := range st.Members {
			g.at = m.Pointer
			v := g.describe(m.Type, 0)
			if m.Location == model.Header {
				// A header carries only some text as it is (see headerSafe).
				v.samples = slices.DeleteFunc(v.samples, func(js string) bool {
					var s any
					_ = json.Unmarshal([]byte(js), &s)
					str, ok := s.(string)
					return ok && !headerSafe(str)
				})
			}
			out = append(out, member{structName: st.Name, name: m.Name, required: m.Required, value: v})
		}
	}
	return out
}

// maxDepth bounds how deep describe follows list items and map values.
const maxDepth = 4

func (g *builder) describe(t *model.Type, depth int) *value {
	v := &value{kind: t.Kind.String(), limits: t.Limits}
	switch {
	case t.Enum != nil:
		v.schema, v.enum = t.Enum.Name, t.Enum.Values
	case t.Scalar != nil:
		v.schema = t.Scalar.Name
		if t.Scalar.Identifier != nil {
			v.identifier = t.Scalar.Name
		}
	case t.Struct != nil:
		v.schema = t.Struct.Name
	}
	if t.Elem != nil && depth < maxDepth {
		v.elem = g.describe(t.Elem, depth+1)
	}
	if t.Kind == model.Map {
		v.keys = g.keys(t.Limits, sampleCount)
	}
	for _, s := range g.distinct(t, v, sampleCount) {
		v.samples = append(v.samples, g.encode(s))
	}
	return v
}

// keyType is the type of a map's keys: strings of the map's key lengths.
func keyType(l model.Limits) *model.Type {
	return &model.Type{Kind: model.String, Limits: model.Limits{MinLength: l.MinKeyLength, MaxLength: l.MaxKeyLength}}
}

// keys are n distinct valid keys of a map with limits l.
func (g *builder) keys(l model.Limits, n int) []string { return g.strings(keyType(l), n) }

// distinct returns up to n distinct valid values of t, most typical first.
func (g *builder) distinct(t *model.Type, v *value, n int) []any {
	var out []any
	switch t.Kind {
	case model.String:
		if t.Enum != nil {
			for _, e := range t.Enum.Values {
				out = append(out, e)
			}
			break
		}
		if t.Scalar != nil && t.Scalar.Identifier != nil {
			return []any{g.identifier(t)}
		}
		for _, s := range g.strings(t, n) {
			out = append(out, s)
		}
	case model.Integer:
		for _, i := range integers(t.Limits, n) {
			out = append(out, i)
		}
	case model.Boolean:
		out = []any{true, false}
	case model.Timestamp, model.Float:
		out = []any{g.sample(t)}
	case model.List:
		out = append(out, g.sample(t))
		if v.elem == nil || !fits(t.Limits.MinItems, t.Limits.MaxItems, 1) {
			break
		}
		for _, s := range v.elem.samples {
			var e any
			if json.Unmarshal([]byte(s), &e) == nil && !slices.ContainsFunc(out, func(x any) bool { return g.encode(x) == g.encode([]any{e}) }) {
				out = append(out, []any{e})
			}
		}
	case model.Map:
		if v.elem == nil || len(v.elem.samples) == 0 {
			return []any{map[string]any{}}
		}
		for i := 0; i <= len(v.keys) && len(out) < n; i++ {
			m := map[string]any{}
			for j, k := range v.keys[:i] {
				var e any
				_ = json.Unmarshal([]byte(v.elem.samples[j%len(v.elem.samples)]), &e)
				m[k] = e
			}
			if mapFits(t.Limits, m) {
				out = append(out, m)
			}
		}
	case model.Object:
		out = []any{g.minimal(t.Struct, false)}
	}
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func fits(lo, hi *int, n int) bool {
	return (lo == nil || n >= *lo) && (hi == nil || n <= *hi)
}

// mapFits checks a map's entry count, key lengths and total bytes.
func mapFits(l model.Limits, m map[string]any) bool {
	if l.MaxEntries != nil && len(m) > *l.MaxEntries {
		return false
	}
	total := 0
	for k, v := range m {
		if !fits(l.MinKeyLength, l.MaxKeyLength, utf8.RuneCountInString(k)) {
			return false
		}
		s, _ := v.(string)
		total += len(k) + len(s)
	}
	return l.MaxTotalBytes == nil || total <= *l.MaxTotalBytes
}

// integers are up to n distinct integers within l's bounds: the bounds
// first, then values next to them and between.
func integers(l model.Limits, n int) []int64 {
	lo, hi := int64(1), int64(100)
	if l.Min != nil {
		lo = *l.Min
		if l.Max == nil {
			hi = lo + 99
		}
	}
	if l.Max != nil {
		hi = *l.Max
		if l.Min == nil {
			lo = min(lo, hi)
		}
	}
	var out []int64
	for _, c := range []int64{lo, hi, lo + 1, hi - 1, lo + (hi-lo)/2, lo + (hi-lo)/4, lo + 3*(hi-lo)/4, lo + 2} {
		if c >= lo && c <= hi && !slices.Contains(out, c) && len(out) < n {
			out = append(out, c)
		}
	}
	return out
}

// strings returns up to n distinct strings valid for t: one of the
// preferred length (or the nearest the constraints allow), then the same
// with characters changed from the end, then other lengths. Free text also
// gets a value of multi-byte characters, so byte counting shows.
func (g *builder) strings(t *model.Type, n int) []string {
	l := t.Limits
	lo, hi := 1, preferredLen+256
	if l.MinLength != nil {
		lo = max(lo, *l.MinLength)
	}
	if l.MaxLength != nil {
		hi = *l.MaxLength
		lo = min(lo, hi)
	}
	start := min(max(lo, preferredLen), hi)
	var out []string
	add := func(s string) {
		if len(out) < n && !slices.Contains(out, s) && g.satisfies(t, s) {
			out = append(out, s)
		}
	}
	lengths := []int{start}
	for d := 1; start+d <= hi || start-d >= lo; d++ {
		if start+d <= hi {
			lengths = append(lengths, start+d)
		}
		if start-d >= lo {
			lengths = append(lengths, start-d)
		}
	}
	for _, length := range lengths {
		if len(out) == n {
			break
		}
		base, ok := g.stringOf(t, length, true)
		if !ok || !g.satisfies(t, base) {
			continue
		}
		add(base)
		if l.Pattern == nil && length > 0 {
			add(multiByte(length))
		}
		r := []rune(base)
		for i := len(r) - 1; i >= 0 && len(out) < n; i-- {
			for _, c := range preferred {
				if c == r[i] {
					continue
				}
				v := append([]rune(nil), r...)
				v[i] = c
				add(string(v))
				if len(out) == n {
					break
				}
			}
		}
	}
	return out
}

// tagKeys picks the run tag key and the case tag key: readable ones where
// every tags member of a request allows them, else distinct keys those
// members allow. caseKey is "" when no second key fits.
func (g *builder) tagKeys() (runKey, caseKey string) {
	var limits []model.Limits
	for _, op := range g.svc.Operations {
		if m := op.Input.Member(tagsMember); m != nil && m.Type.Kind == model.Map {
			limits = append(limits, m.Type.Limits)
		}
	}
	if len(limits) == 0 {
		return preferredRunTagKey, preferredCaseTagKey
	}
	ok := func(k string) bool {
		for _, l := range limits {
			if !g.satisfies(keyType(l), k) {
				return false
			}
		}
		return true
	}
	var cands []string
	for _, k := range []string{preferredRunTagKey, preferredCaseTagKey} {
		cands = append(cands, k)
		if hi := limits[0].MaxKeyLength; hi != nil && *hi < len(k) {
			cands = append(cands, k[:*hi])
		}
	}
	cands = append(cands, g.keys(limits[0], sampleCount)...)
	for _, k := range cands {
		switch {
		case !ok(k):
		case runKey == "":
			runKey = k
		case caseKey == "" && k != runKey:
			caseKey = k
		}
	}
	if runKey == "" {
		g.fail("no tag key fits the tags members' key lengths")
	}
	return runKey, caseKey
}

// The readable tag keys a run prefers: the run tag (value: the run id) and
// the tag naming the behaviour case that made a stage.
const (
	preferredRunTagKey  = "ivsrt-conformance"
	preferredCaseTagKey = "ivsrt-case"
)
