package behaviour

import (
	"slices"
	"strings"

	"github.com/ivsrt/contract/conformance/suite"
)

// This file is what the behaviour cases ask of the contract's knowledge,
// so that one package of cases serves a suite assembled from any version
// of the spec (Full): a case about a member the service gained after an
// older spec is left out of that spec's suite, and what an answer holds
// beyond the contract is not held against the target.

// knows reports whether the contract has every one of needs: a member,
// "Struct.member", or a value of a member's enum (of its list items, for a
// list), "Struct.member=VALUE".
func (c contract) knows(needs ...string) bool {
	for _, n := range needs {
		ref, value, isValue := strings.Cut(n, "=")
		st, name, _ := strings.Cut(ref, ".")
		m := c.Member(st, name)
		if m == nil {
			return false
		}
		if !isValue {
			continue
		}
		enum := m.Enum
		if len(enum) == 0 && m.Elem != nil {
			enum = m.Elem.Enum
		}
		if !slices.Contains(enum, value) {
			return false
		}
	}
	return true
}

// known is v, a value of struct structName as an answer holds it, with
// only the members the contract knows, at every depth: a service answers
// an older spec's suite with the members it gained since, which that
// suite cannot judge (an SDK of the older spec ignores them too). A
// struct the contract knows no member of is kept whole.
func (c contract) known(structName string, v any) any {
	m, ok := v.(map[string]any)
	if !ok || !c.KnowsStruct(structName) {
		return v
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		mem := c.Member(structName, k)
		if mem == nil {
			continue
		}
		out[k] = c.knownValue(&mem.Value, e)
	}
	return out
}

// knownValue is e, a value of v, with its structs' unknown members left out.
func (c contract) knownValue(v *suite.Value, e any) any {
	switch v.Kind {
	case "object":
		return c.known(v.Schema, e)
	case "list":
		items, ok := e.([]any)
		if !ok || v.Elem == nil {
			return e
		}
		out := make([]any, len(items))
		for i, it := range items {
			out[i] = c.knownValue(v.Elem, it)
		}
		return out
	}
	return e
}
