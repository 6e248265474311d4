// Package validate checks request members against their modelled
// constraints and reports the violations in AWS's message form:
//
//	1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]*
//
// Generated fakes run every check of a request on one Errors, which
// collects all violations, and answer with a ValidationException carrying
// Errors.Message when there are any. The checks build no strings and
// allocate nothing when the value is valid.
//
// As in AWS, only Required looks at absence: the caller runs the other
// checks of a member only when the member is present (a nil list given to
// MinItems is reported, rendered as null).
package validate

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxRendered is the number of characters of a rendered value kept in a
// message; longer values are cut and end in "...".
const maxRendered = 256

// Violation is one failed constraint.
type Violation struct {
	Path  string // e.g. "participantTokenConfigurations.1.member.duration"
	Value string // rendered by Render, including quotes, or "null"
	Rule  string // e.g. "Member must not be null"
}

// String returns "Value 'x' at 'path' failed to satisfy constraint: rule".
func (v Violation) String() string {
	return "Value " + v.Value + " at '" + v.Path + "' failed to satisfy constraint: " + v.Rule
}

// The rules' words, as AWS's messages start them.
const (
	ruleRequired = "Member must not be null"
	ruleLength   = "Member must have length "
	rulePattern  = "Member must satisfy regular expression pattern: "
	ruleValue    = "Member must have value "
	ruleEnum     = "Member must satisfy enum value set: "
)

// Kind is the constraint a violation's rule states, named as the
// suite's generated cases name their rules.
type Kind string

const (
	KindRequired  Kind = "required"
	KindMinLength Kind = "minLength" // of a string, a list or a map
	KindMaxLength Kind = "maxLength" // of a string, a list or a map
	KindPattern   Kind = "pattern"
	KindMinimum   Kind = "minimum"
	KindMaximum   Kind = "maximum"
	KindEnum      Kind = "enum"
)

// KindOf is the constraint rule states, in the words the checks of this
// package write (AWS's); ok is false for a rule in other words.
func KindOf(rule string) (k Kind, ok bool) {
	switch {
	case rule == ruleRequired:
		return KindRequired, true
	case strings.HasPrefix(rule, ruleLength+greaterEq):
		return KindMinLength, true
	case strings.HasPrefix(rule, ruleLength+lessEq):
		return KindMaxLength, true
	case strings.HasPrefix(rule, rulePattern):
		return KindPattern, true
	case strings.HasPrefix(rule, ruleValue+greaterEq):
		return KindMinimum, true
	case strings.HasPrefix(rule, ruleValue+lessEq):
		return KindMaximum, true
	case strings.HasPrefix(rule, ruleEnum):
		return KindEnum, true
	}
	return "", false
}

// firstViolation reads a message's first violation, as String writes it
// (the value left out: it may hold anything).
var firstViolation = regexp.MustCompile(`at '([^']+)' failed to satisfy constraint: ([^;]+)`)

// FirstViolation reads the path and rule of the first violation of a
// message in AWS's form (Errors.Message, or an AWS endpoint's); ok is
// false for a message without one.
func FirstViolation(msg string) (v Violation, ok bool) {
	m := firstViolation.FindStringSubmatch(msg)
	if m == nil {
		return Violation{}, false
	}
	return Violation{Path: m[1], Rule: m[2]}, true
}

// Errors collects violations. The zero value is ready to use.
type Errors struct {
	list []Violation
}

// Len returns the number of violations.
func (e *Errors) Len() int { return len(e.list) }

// Violations returns a copy of the violations in the order they were found.
func (e *Errors) Violations() []Violation { return slices.Clone(e.list) }

// Message returns "" when there are no violations, else AWS's message:
// "1 validation error detected: ..." or "N validation errors detected: ...",
// the violations joined with "; ".
func (e *Errors) Message() string {
	if len(e.list) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(e.list)))
	if len(e.list) == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, v := range e.list {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return b.String()
}

// Add records a violation.
func (e *Errors) Add(v Violation) { e.list = append(e.list, v) }

func (e *Errors) add(path, value, rule string) {
	e.list = append(e.list, Violation{Path: path, Value: value, Rule: rule})
}

// Required reports a missing required member: Value null, "Member must not
// be null".
func (e *Errors) Required(path string, present bool) {
	if !present {
		e.add(path, "null", ruleRequired)
	}
}

func lengthRule(op string, n int) string {
	return ruleLength + op + " " + strconv.Itoa(n)
}

const (
	lessEq    = "less than or equal to"
	greaterEq = "greater than or equal to"
)

// MinLength checks that s has at least min characters (runes).
func (e *Errors) MinLength(path, s string, min int) {
	// A character takes 1 to utf8.UTFMax bytes, so the byte length settles
	// most cases without counting.
	if len(s) < min || (len(s) < min*utf8.UTFMax && utf8.RuneCountInString(s) < min) {
		e.add(path, Render(s), lengthRule(greaterEq, min))
	}
}

// MaxLength checks that s has at most max characters (runes).
func (e *Errors) MaxLength(path, s string, max int) {
	if len(s) > max && utf8.RuneCountInString(s) > max {
		e.add(path, Render(s), lengthRule(lessEq, max))
	}
}

// Pattern checks s against re, which must match the whole value: the caller
// passes an anchored regexp. display is the pattern as the message shows it.
func (e *Errors) Pattern(path, s string, re *regexp.Regexp, display string) {
	if !matchString(re, s) {
		e.add(path, Render(s), rulePattern+display)
	}
}

// MinValue checks v >= min.
func (e *Errors) MinValue(path string, v int64, min int64) {
	if v < min {
		e.add(path, Render(v), ruleValue+greaterEq+" "+strconv.FormatInt(min, 10))
	}
}

// MaxValue checks v <= max.
func (e *Errors) MaxValue(path string, v int64, max int64) {
	if v > max {
		e.add(path, Render(v), ruleValue+lessEq+" "+strconv.FormatInt(max, 10))
	}
}

// MinFloat checks v >= min, for floats and doubles.
func (e *Errors) MinFloat(path string, v float64, min float64) {
	if v < min {
		e.add(path, Render(v), ruleValue+greaterEq+" "+formatFloat(min))
	}
}

// MaxFloat checks v <= max, for floats and doubles.
func (e *Errors) MaxFloat(path string, v float64, max float64) {
	if v > max {
		e.add(path, Render(v), ruleValue+lessEq+" "+formatFloat(max))
	}
}

// formatFloat writes a number without an exponent and without trailing zeros.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Enum checks that s is one of allowed.
func (e *Errors) Enum(path, s string, allowed []string) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	e.add(path, Render(s), ruleEnum+"["+strings.Join(allowed, ", ")+"]")
}

// MinItems checks that list has at least min items.
func MinItems[T any](e *Errors, path string, list []T, min int) {
	if len(list) < min {
		e.add(path, Render(list), lengthRule(greaterEq, min))
	}
}

// MaxItems checks that list has at most max items.
func MaxItems[T any](e *Errors, path string, list []T, max int) {
	if len(list) > max {
		e.add(path, Render(list), lengthRule(lessEq, max))
	}
}

// MinEntries checks that m has at least min entries.
func MinEntries[V any](e *Errors, path string, m map[string]V, min int) {
	if len(m) < min {
		e.add(path, Render(m), lengthRule(greaterEq, min))
	}
}

// MaxEntries checks that m has at most max entries.
func MaxEntries[V any](e *Errors, path string, m map[string]V, max int) {
	if len(m) > max {
		e.add(path, Render(m), lengthRule(lessEq, max))
	}
}

// KeyLength checks the length in characters of every key of m against
// min..max (a bound < 0 means unbounded). It reports one violation per
// offending key, in key order, at the map's path, with the key as value.
func (e *Errors) KeyLength(path string, m map[string]string, min, max int) {
	bad := func(k string) bool {
		if min < 0 && (max < 0 || len(k) <= max) {
			return false // fast path: no rune counting needed
		}
		n := utf8.RuneCountInString(k)
		return (min >= 0 && n < min) || (max >= 0 && n > max)
	}
	var keys []string
	for k := range m {
		if bad(k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	slices.Sort(keys)
	for _, k := range keys {
		rule := lengthRule(lessEq, max)
		if min >= 0 && utf8.RuneCountInString(k) < min {
			rule = lengthRule(greaterEq, min)
		}
		e.add(path, Render(k), "Map keys must satisfy constraint: ["+rule+"]")
	}
}

// MaxTotalBytes checks that the keys and values of m together take at most
// max bytes in UTF-8.
func (e *Errors) MaxTotalBytes(path string, m map[string]string, max int) {
	total := 0
	for k, v := range m {
		total += len(k) + len(v)
	}
	if total > max {
		e.add(path, Render(m),
			"Member must have total size (keys and values, UTF-8 bytes) less than or equal to "+strconv.Itoa(max))
	}
}

// AtMostOne checks that at most one of the members names is present
// (present[i] tells whether names[i] is). Otherwise it reports "Only one of
// [a, b, c] can be provided per request" with the present names as value,
// e.g. '[filterByUserId, filterByState]', and as path joined with ",".
// names and present must have the same length.
func (e *Errors) AtMostOne(names []string, present []bool) {
	if len(names) != len(present) {
		panic("validate: AtMostOne needs one present flag per name")
	}
	count := 0
	for _, p := range present {
		if p {
			count++
		}
	}
	if count < 2 {
		return
	}
	given := make([]string, 0, count)
	for i, p := range present {
		if p {
			given = append(given, names[i])
		}
	}
	e.add(strings.Join(given, ","), Render(given),
		"Only one of ["+strings.Join(names, ", ")+"] can be provided per request")
}

// Index builds the path of a list item, 1-based as AWS writes it:
// Index("participantTokenConfigurations", 0) ==
// "participantTokenConfigurations.1.member".
func Index(path string, i int) string {
	if path == "" {
		return strconv.Itoa(i+1) + ".member"
	}
	return path + "." + strconv.Itoa(i+1) + ".member"
}

// Join builds the path of a member of a structure: Join("", "name") ==
// "name", Join("a.1.member", "duration") == "a.1.member.duration".
func Join(parent, member string) string {
	if parent == "" {
		return member
	}
	return parent + "." + member
}

// Render formats a value as AWS prints it in messages, in the style of
// Java's toString, quoted: 'text', '5', 'true', '[a, b]', '{k=v, k2=v2}'
// (map keys sorted). nil, a nil pointer, a nil slice and a nil map render
// as null without quotes. A structure renders as "..." (so a list of
// structures as '[..., ...]'). A rendering over 256 characters is cut and
// ends in "...".
func Render(v any) string {
	var text string
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		text = x
	case bool:
		text = strconv.FormatBool(x)
	case int:
		text = strconv.Itoa(x)
	case int32:
		text = strconv.FormatInt(int64(x), 10)
	case int64:
		text = strconv.FormatInt(x, 10)
	case float64:
		text = formatFloat(x)
	case []string:
		if x == nil {
			return "null"
		}
		text = "[" + strings.Join(x, ", ") + "]"
	case map[string]string:
		if x == nil {
			return "null"
		}
		var b strings.Builder
		renderStringMap(&b, x)
		text = b.String()
	default:
		rv := reflect.ValueOf(v)
		if isNil(rv) {
			return "null"
		}
		var b strings.Builder
		renderValue(&b, rv, 0)
		text = b.String()
	}
	return "'" + truncate(text) + "'"
}

func truncate(s string) string {
	if len(s) <= maxRendered || utf8.RuneCountInString(s) <= maxRendered {
		return s
	}
	i, n := 0, 0
	for n < maxRendered {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return s[:i] + "..."
}

func renderStringMap(b *strings.Builder, m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(m[k])
	}
	b.WriteByte('}')
}

func isNil(rv reflect.Value) bool {
	switch rv.Kind() {
	case reflect.Invalid:
		return true
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map, reflect.Chan, reflect.Func:
		return rv.IsNil()
	}
	return false
}

// maxDepth and the length cut keep rendering of deep or huge values cheap.
const maxDepth = 8

func renderValue(b *strings.Builder, rv reflect.Value, depth int) {
	if b.Len() > maxRendered {
		return // it will be cut anyway
	}
	if isNil(rv) {
		b.WriteString("null")
		return
	}
	if depth > maxDepth {
		b.WriteString("...")
		return
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		renderValue(b, rv.Elem(), depth+1)
	case reflect.String:
		b.WriteString(rv.String())
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(rv.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32:
		b.WriteString(strconv.FormatFloat(rv.Float(), 'g', -1, 32))
	case reflect.Float64:
		b.WriteString(strconv.FormatFloat(rv.Float(), 'g', -1, 64))
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for i := range rv.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			if b.Len() > maxRendered {
				b.WriteString("...")
				break
			}
			renderValue(b, rv.Index(i), depth+1)
		}
		b.WriteByte(']')
	case reflect.Map:
		keys := rv.MapKeys()
		slices.SortFunc(keys, func(a, c reflect.Value) int {
			return strings.Compare(keyString(a), keyString(c))
		})
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			if b.Len() > maxRendered {
				b.WriteString("...")
				break
			}
			renderValue(b, k, depth+1)
			b.WriteByte('=')
			renderValue(b, rv.MapIndex(k), depth+1)
		}
		b.WriteByte('}')
	default: // structures and anything else
		b.WriteString("...")
	}
}

func keyString(k reflect.Value) string {
	var b strings.Builder
	renderValue(&b, k, maxDepth)
	return b.String()
}
