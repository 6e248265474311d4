package suite

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"unicode/utf8"
)

// Member is what the spec says about one member of a request or response
// struct: its constraints and valid values. The hand-written cases take
// every value they send from here.
type Member struct {
	Struct, Name string
	Required     bool
	Value
}

// Value is a type's constraints and distinct valid sample values, as the
// generator computed and checked them. Nil bounds and empty strings mean
// no constraint.
type Value struct {
	Kind   string // string, integer, boolean, timestamp, list, map or object
	Schema string // the named schema (StageName, an enum, a struct), "" when inline

	MinLength, MaxLength *int // strings, in characters
	Pattern              string
	Min, Max             *int64 // integers
	MinItems, MaxItems   *int   // lists
	// Maps: entry count, key lengths and the UTF-8 bytes of keys and values together.
	MaxEntries, MinKeyLength, MaxKeyLength, MaxTotalBytes *int

	Enum       []string
	Identifier string // the identifier format (Contract.Identifier) of the value, if any
	Elem       *Value // list items and map values
	Keys       []string

	// Samples are distinct valid values as JSON, the most typical first.
	// Identifier samples hold ${region} and ${account} placeholders.
	Samples []string
}

// Member returns what the spec says about Struct.name, or nil.
func (c *Contract) Member(structName, name string) *Member {
	for i := range c.Members {
		if c.Members[i].Struct == structName && c.Members[i].Name == name {
			return &c.Members[i]
		}
	}
	return nil
}

// Values decodes the samples.
func (v *Value) Values() []any {
	out := make([]any, 0, len(v.Samples))
	for _, s := range v.Samples {
		var x any
		if json.Unmarshal([]byte(s), &x) == nil {
			out = append(out, x)
		}
	}
	return out
}

// Strings are the samples that are strings.
func (v *Value) Strings() []string {
	var out []string
	for _, x := range v.Values() {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Check reports how x breaks the constraints, or nil. x is a value as
// encoding/json decodes it, or a string, int or map[string]string.
func (v *Value) Check(x any) error {
	x = jsonCopy(x)
	switch y := x.(type) {
	case string:
		n := utf8.RuneCountInString(y)
		if v.MinLength != nil && n < *v.MinLength || v.MaxLength != nil && n > *v.MaxLength {
			return fmt.Errorf("%q: length %d is out of bounds", y, n)
		}
		if v.Pattern != "" {
			re, err := regexp.Compile(v.Pattern)
			if err != nil || !re.MatchString(y) {
				return fmt.Errorf("%q does not match %s", y, v.Pattern)
			}
		}
		if len(v.Enum) > 0 && !slices.Contains(v.Enum, y) {
			return fmt.Errorf("%q is not one of %v", y, v.Enum)
		}
	case float64:
		if v.Min != nil && y < float64(*v.Min) || v.Max != nil && y > float64(*v.Max) {
			return fmt.Errorf("%v is out of bounds", y)
		}
	case []any:
		if v.MinItems != nil && len(y) < *v.MinItems || v.MaxItems != nil && len(y) > *v.MaxItems {
			return fmt.Errorf("%d items are out of bounds", len(y))
		}
		for _, e := range y {
			if err := v.checkElem(e); err != nil {
				return err
			}
		}
	case map[string]any:
		if v.MaxEntries != nil && len(y) > *v.MaxEntries {
			return fmt.Errorf("%d entries, more than %d", len(y), *v.MaxEntries)
		}
		total := 0
		for k, e := range y {
			n := utf8.RuneCountInString(k)
			if v.MinKeyLength != nil && n < *v.MinKeyLength || v.MaxKeyLength != nil && n > *v.MaxKeyLength {
				return fmt.Errorf("key %q: length %d is out of bounds", k, n)
			}
			s, _ := e.(string)
			total += len(k) + len(s)
			if v.Kind == "map" {
				if err := v.checkElem(e); err != nil {
					return err
				}
			}
		}
		if v.MaxTotalBytes != nil && total > *v.MaxTotalBytes {
			return fmt.Errorf("%d bytes, more than %d", total, *v.MaxTotalBytes)
		}
	}
	return nil
}

func (v *Value) checkElem(e any) error {
	if v.Elem == nil {
		return nil
	}
	return v.Elem.Check(e)
}

// fit returns s when it is a valid value of v, else its longest valid
// prefix, else the first string sample ("" when there is none).
func (v *Value) Fit(s string) string {
	for r := []rune(s); len(r) > 0; r = r[:len(r)-1] {
		if v.Check(string(r)) == nil {
			return string(r)
		}
	}
	if ss := v.Strings(); len(ss) > 0 {
		return ss[0]
	}
	return ""
}

// jsonCopy is v as encoding/json decodes its JSON.
func jsonCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
