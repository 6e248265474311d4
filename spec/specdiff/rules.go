package specdiff

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/diff"
)

// Keywords are the keywords a Change may name.
var Keywords = []string{
	"type", "required", "minLength", "maxLength", "pattern", "minimum", "maximum",
	"minItems", "maxItems", "minProperties", "maxProperties", "enum", "default",
}

// direction says which change of a keyword's value tightens what a request
// may carry. Only a tightened request breaks a client: a client already
// sends values within the old rule, and a response that becomes stricter
// still fits what the client accepted before.
type direction int

const (
	lower     direction = iota // a larger value (or a new bound) tightens: min*
	upper                      // a smaller value (or a new bound) tightens: max*
	anyChange                  // any new or changed value tightens: pattern
	never                      // never tightens: default
)

// rule maps one field of oasdiff's schema diff to our keyword, and says how
// to read the keyword's value on each side. type, enum and required are
// judged in walk.go (they are not one value with a direction).
type rule struct {
	keyword string
	dir     direction
	changed func(*diff.SchemaDiff) bool
	value   func(*openapi3.Schema) any
}

// rules is the table from oasdiff's diff-tree fields to (keyword, how it
// breaks). Fields not listed (description, title, example, extensions,
// nullable, readOnly, writeOnly, uniqueItems, multipleOf, exclusive bounds,
// the composition keywords) are outside the spec dialect or the keywords a
// report names.
var rules = []rule{
	{"minLength", lower, func(d *diff.SchemaDiff) bool { return d.MinLengthDiff != nil }, func(s *openapi3.Schema) any { return minUint(s.MinLength) }},
	{"maxLength", upper, func(d *diff.SchemaDiff) bool { return d.MaxLengthDiff != nil }, func(s *openapi3.Schema) any { return maxUint(s.MaxLength) }},
	{"pattern", anyChange, func(d *diff.SchemaDiff) bool { return d.PatternDiff != nil }, func(s *openapi3.Schema) any { return str(s.Pattern) }},
	{"minimum", lower, func(d *diff.SchemaDiff) bool { return d.MinDiff != nil }, func(s *openapi3.Schema) any { return float(s.Min) }},
	{"maximum", upper, func(d *diff.SchemaDiff) bool { return d.MaxDiff != nil }, func(s *openapi3.Schema) any { return float(s.Max) }},
	{"minItems", lower, func(d *diff.SchemaDiff) bool { return d.MinItemsDiff != nil }, func(s *openapi3.Schema) any { return minUint(s.MinItems) }},
	{"maxItems", upper, func(d *diff.SchemaDiff) bool { return d.MaxItemsDiff != nil }, func(s *openapi3.Schema) any { return maxUint(s.MaxItems) }},
	{"minProperties", lower, func(d *diff.SchemaDiff) bool { return d.MinPropsDiff != nil }, func(s *openapi3.Schema) any { return minUint(s.MinProps) }},
	{"maxProperties", upper, func(d *diff.SchemaDiff) bool { return d.MaxPropsDiff != nil }, func(s *openapi3.Schema) any { return maxUint(s.MaxProps) }},
	{"default", never, func(d *diff.SchemaDiff) bool { return d.DefaultDiff != nil }, func(s *openapi3.Schema) any { return s.Default }},
}

// tightens reports whether going from old to new (nil: no such keyword)
// narrows what is accepted.
func tightens(dir direction, old, new any) bool {
	if new == nil {
		return false // a bound or pattern dropped only loosens
	}
	switch dir {
	case lower:
		return old == nil || toFloat(new) > toFloat(old)
	case upper:
		return old == nil || toFloat(new) < toFloat(old)
	case anyChange:
		return true // a different pattern may refuse what the old one took
	}
	return false
}

// typeBreaks: a changed type or format breaks both ways: a client can
// neither send nor decode the new shape with its old code.
const typeBreaks = true

// enumBreaks reports whether an enum change breaks: on a request, when a
// value the client may send is gone, or when a free value became an enum.
// Response values added or removed never break (the rules:
// a client must accept new values).
func enumBreaks(request bool, d *diff.EnumDiff) bool {
	return request && (len(d.Deleted) > 0 || d.EnumAdded)
}

// requiredBreaks reports whether a member becoming required (added true)
// or optional breaks: only a request member becoming required does.
func requiredBreaks(request, added bool) bool { return request && added }

// constraintBreaks is the rules table's verdict: only a tightened request
// breaks.
func constraintBreaks(request bool, dir direction, old, new any) bool {
	return request && tightens(dir, old, new)
}

// typeName is a schema's type as reported: "integer", "string/date-time".
func typeName(s *openapi3.Schema) any {
	t := strings.Join(s.Type.Slice(), "|")
	if s.Format != "" {
		t += "/" + s.Format
	}
	if t == "" {
		return nil
	}
	return t
}

func enumValue(s *openapi3.Schema) any {
	if len(s.Enum) == 0 {
		return nil
	}
	return slices.Clone(s.Enum)
}

// minUint is a lower bound kin-openapi keeps as 0 when absent; 0 bounds
// nothing, so it reads as absent.
func minUint(v uint64) any {
	if v == 0 {
		return nil
	}
	return v
}

func maxUint(v *uint64) any {
	if v == nil {
		return nil
	}
	return *v
}

func float(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func str(v string) any {
	if v == "" {
		return nil
	}
	return v
}

func toFloat(v any) float64 {
	switch v := v.(type) {
	case uint64:
		return float64(v)
	case float64:
		return v
	}
	return 0
}
