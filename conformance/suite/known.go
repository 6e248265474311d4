package suite

import (
	"errors"

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
func knownViolations(err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case openapi3.MultiError:
		var kept openapi3.MultiError
		for _, x := range e {
			if k := knownViolations(x); k != nil {
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
		inner := knownViolations(e.Err)
		if inner == nil {
			return nil
		}
		kept := *e
		kept.Err = inner
		return &kept
	case *openapi3.SchemaError:
		if newerValue(e) {
			return nil
		}
		// allOf (a member with a default beside its $ref) wraps what its
		// schemas found: newer only when every one of those is.
		var inner openapi3.MultiError
		if e.SchemaField == "allOf" && errors.As(e.Origin, &inner) && knownViolations(inner) == nil {
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
