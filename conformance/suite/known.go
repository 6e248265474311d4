package suite

import (
	"errors"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// This file holds the rule that keeps a run from failing an
// implementation newer than the suite's spec: the suite judges only what
// its spec knows. AWS serves only its newest API, and old clients keep
// working because its changes are additive: new members in answers (also
// inside objects the suite checks), new enum values, new error types on
// existing operations, new operations. A gate built from an older spec
// must not go red the day the service adds one; it still fails on
// whatever it does know: a value, a missing member, a JSON type, a
// status, an error type a case demands. (The error types are in
// checkContract.)

// knownViolations is a response validation error of kin-openapi without
// the violations that only show the answer is newer than the spec, nil
// when nothing else is left:
//
//   - a member the schema does not list (kin-openapi's "property is
//     unsupported", which a schema closed with additionalProperties: false
//     reports; an open one, as every struct of an ivsrt spec is, reports
//     nothing);
//   - a string the enum of a string schema does not list.
//
// A value of the wrong JSON type, a required member missing, a string
// past its bounds, an undeclared status or a missing header stay.
func knownViolations(err error) error { return dropViolations(err, newerValue) }

// dropViolations is err without the schema violations drop says to
// leave out (and without what is left empty).
func dropViolations(err error, drop func(*openapi3.SchemaError) bool) error {
	switch e := err.(type) {
	case nil:
		return nil
	case openapi3.MultiError:
		var kept openapi3.MultiError
		for _, x := range e {
			if k := dropViolations(x, drop); k != nil {
				kept = append(kept, k)
			}
		}
		if len(kept) == 0 {
			return nil
		}
		return kept
	case *openapi3filter.ResponseError:
		if e.Err == nil {
			return err
		}
		inner := dropViolations(e.Err, drop)
		if inner == nil {
			return nil
		}
		kept := *e
		kept.Err = inner
		return &kept
	case *openapi3.SchemaError:
		if drop(e) {
			return nil
		}
		// allOf (a member with a default beside its $ref) wraps what its
		// schemas found: left out only when every one of those is.
		var inner openapi3.MultiError
		if e.SchemaField == "allOf" && errors.As(e.Origin, &inner) && dropViolations(inner, drop) == nil {
			return nil
		}
	}
	return err
}

// newerValue reports whether a schema violation is one an answer newer
// than the spec may show: a member the schema does not list, or a string
// enum value it does not list.
func newerValue(e *openapi3.SchemaError) bool {
	switch e.SchemaField {
	case "properties":
		// kin-openapi's only use of the field: "property %q is unsupported".
		return true
	case "enum":
		_, isString := e.Value.(string)
		return isString && e.Schema != nil && e.Schema.Type.Is("string")
	}
	return false
}

// StructType is the type of a value of the named struct of the contract,
// for Known and Diff.
func StructType(name string) *Value { return &Value{Kind: "object", Schema: name} }

// ListType is the type of a list of elem.
func ListType(elem *Value) *Value { return &Value{Kind: "list", Elem: elem} }

// TypeOf is the type of Struct.member, nil when the contract lacks it.
func (c *Contract) TypeOf(structName, member string) *Value {
	if m := c.Member(structName, member); m != nil {
		return &m.Value
	}
	return nil
}

// KnowsStruct reports whether the contract lists the members of the named
// struct.
func (c *Contract) KnowsStruct(name string) bool {
	return name != "" && slices.ContainsFunc(c.Members, func(m Member) bool { return m.Struct == name })
}

// Known cuts want (what a case expects) and got (what an answer shows) of
// a value of type t (nil when unknown) down to what a case may judge, for
// a diff; neither is changed.
//
//   - An object of a struct type, or of no known type, is compared in the
//     members want names: a member got has besides them is no difference,
//     while one want names that got lacks or holds otherwise is, at any
//     depth. Where the contract lists the struct's members, a member it
//     does not list is left out of both sides: a newer implementation's
//     member is not the spec's to judge, even where the expectation is an
//     answer itself (GetStage's stage against CreateStage's).
//   - A map (tags, attributes) is data: compared entry for entry, an extra
//     entry being a difference; values of a struct type as structs.
//   - A list item for item, each of its element type; an extra or missing
//     item is a difference.
//   - Anything else as it is.
func (c *Contract) Known(t *Value, want, got any) (any, any) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return want, got
		}
		if t != nil && t.Kind == "map" {
			ww, gg := maps.Clone(w), maps.Clone(g)
			for k, wv := range w {
				if gv, ok := g[k]; ok {
					ww[k], gg[k] = c.Known(t.Elem, wv, gv)
				}
			}
			return ww, gg
		}
		var schema string
		if t != nil {
			schema = t.Schema
		}
		listed := c.KnowsStruct(schema)
		ww, gg := map[string]any{}, map[string]any{}
		for k, wv := range w {
			mt := c.TypeOf(schema, k)
			if listed && mt == nil {
				continue
			}
			gv, ok := g[k]
			if !ok {
				ww[k] = wv
				continue
			}
			ww[k], gg[k] = c.Known(mt, wv, gv)
		}
		return ww, gg
	case []any:
		g, ok := got.([]any)
		if !ok {
			return want, got
		}
		var elem *Value
		if t != nil {
			elem = t.Elem
		}
		ww, gg := slices.Clone(w), slices.Clone(g)
		for i := range min(len(w), len(g)) {
			ww[i], gg[i] = c.Known(elem, w[i], g[i])
		}
		return ww, gg
	}
	return want, got
}

// Diff is the DiffJSON (-want +got) of what a case expects of a value
// of type t against what an answer shows, over what Known keeps: "" when
// every member the expectation names (and the spec knows) has the
// expected value.
func (c *Contract) Diff(t *Value, want, got any) string {
	w, g := c.Known(t, want, got)
	return DiffJSON(w, g)
}
