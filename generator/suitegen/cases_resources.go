package suitegen

import (
	"slices"

	"github.com/ivsrt/contract/generator/model"
)

// This file adds the cases of what an operation's identifiers imply, for
// every operation the spec has, from what the model declares and the
// identifier formats (x-ivsrt-identifier) say: a request naming what does
// not exist is ResourceNotFoundException, and one naming another
// account's resource is refused. The values are placeholders the runtime
// fills in (see suite.Placeholder): ${unknown:Format}, a well-formed
// identifier of the format in the run's region and account that names
// nothing; ${deleted:Format}, a resource the suite made and deleted (the
// suite assembles only those whose resource it knows how to make and
// delete); ${foreign:Format}, a well-formed identifier of another account.

// The error names these cases expect, and the identifier variable that
// names an account (AWS's ARNs: arn:aws:ivs:{region}:{account}:...).
const (
	errNotFound     = "ResourceNotFoundException"
	errAccessDenied = "AccessDeniedException"
	accountVar      = "account"
)

// The rules of these cases, as case names and Case.Rule write them.
const (
	ruleNotFound       = "not-found"
	ruleAnotherAccount = "another-account"
)

// identifierMember is a required request member whose value names a
// resource: the identifier formats it takes (one, or several for a member
// that takes any of them, x-ivsrt-identifier-of).
type identifierMember struct {
	m       *model.Member
	formats []*model.Scalar
}

// identifierMembers are the operation's required top-level members that
// take an identifier, in spec order. Optional ones (a list's filter by a
// stage, say) name no resource the operation acts on.
func (g *builder) identifierMembers() []identifierMember {
	var out []identifierMember
	for _, m := range g.op.Input.Members {
		t := m.Type
		if !m.Required || t.Kind != model.String || t.Scalar == nil {
			continue
		}
		var formats []*model.Scalar
		if t.Scalar.Identifier != nil {
			formats = []*model.Scalar{t.Scalar}
		}
		for _, name := range t.Scalar.IdentifierOf {
			if i := slices.IndexFunc(g.svc.Identifiers, func(s *model.Scalar) bool { return s.Name == name }); i >= 0 {
				formats = append(formats, g.svc.Identifiers[i])
			}
		}
		if len(formats) > 0 {
			out = append(out, identifierMember{m: m, formats: formats})
		}
	}
	return out
}

// namesAccount reports whether identifiers of the format name the account
// that owns the resource (an ARN does; a session id does not).
func namesAccount(s *model.Scalar) bool {
	return slices.Contains(s.Identifier.Vars(), accountVar)
}

// variant names a case's variant: with the format when the member takes
// several.
func (im identifierMember) variant(base string, f *model.Scalar) string {
	if len(im.formats) > 1 {
		return base + "-" + f.Name
	}
	return base
}

// resourceCases adds, for an operation that takes identifiers:
//
//   - when it declares ResourceNotFoundException, one case with every
//     identifier well-formed and naming nothing (named after the first
//     identifier member, once per format it takes), and one per member
//     whose format names an account (an ARN) with that member naming a
//     resource the suite made and deleted, the others naming nothing: both
//     must be ResourceNotFoundException (documented: the error is what "a
//     resource which does not exist" gets);
//   - per member whose format names an account, that member naming a
//     resource of another account, the others naming nothing: an
//     operation that declares AccessDeniedException must answer it; one
//     that declares only ResourceNotFoundException (the tag operations)
//     must answer that: to the caller the resource is not one it has
//     (inferred, both: see docs/contract.md). A member the spec lets name
//     another account's resource (x-ivsrt-cross-account: a replication's
//     destination stage) must answer ResourceNotFoundException instead,
//     as the foreign ARN names nothing (inferred).
func (g *builder) resourceCases() {
	ids := g.identifierMembers()
	if len(ids) == 0 {
		return
	}
	notFound := g.op.Declares(errNotFound)
	denied := g.op.Declares(errAccessDenied)
	if !notFound && !denied {
		return
	}
	// body is the operation's base body with every identifier member
	// naming nothing, but the member at skip, which gets value.
	body := func(skip int, value string) string {
		b := deepCopy(g.base).(map[string]any)
		for i, im := range ids {
			b[im.m.Name] = placeholder("unknown", im.formats[0])
			if i == skip {
				b[im.m.Name] = value
			}
		}
		return g.encode(b)
	}
	add := func(im identifierMember, rule, variant, value, source, errName string, skip int) {
		g.add(testCase{Name: g.op.Name + "/" + im.m.Name + "/" + rule + "/" + variant, Op: g.op.Name, Member: im.m.Name, Rule: rule,
			Kind: "KindRequest", Source: source, Body: body(skip, value), Expect: "ExpectError", Error: errName})
	}
	if notFound {
		first := ids[0]
		for _, f := range first.formats {
			add(first, ruleNotFound, first.variant("unknown", f), placeholder("unknown", f), "SourceDocumented", errNotFound, 0)
		}
		for i, im := range ids {
			for _, f := range im.formats {
				if namesAccount(f) {
					add(im, ruleNotFound, im.variant("deleted", f), placeholder("deleted", f), "SourceDocumented", errNotFound, i)
				}
			}
		}
		g.unknownChildren(ids)
	}
	for i, im := range ids {
		for _, f := range im.formats {
			if !namesAccount(f) {
				continue
			}
			switch {
			case im.m.CrossAccount:
				// The member may name another account's resource
				// (x-ivsrt-cross-account): a well-formed one that names
				// nothing is not found, not refused.
				if notFound {
					add(im, ruleAnotherAccount, im.variant("not-found", f), placeholder("foreign", f), "SourceInferred", errNotFound, i)
				}
			case denied:
				add(im, ruleAnotherAccount, im.variant("denied", f), placeholder("foreign", f), "SourceInferred", errAccessDenied, i)
			default:
				add(im, ruleAnotherAccount, im.variant("not-found", f), placeholder("foreign", f), "SourceInferred", errNotFound, i)
			}
		}
	}
}

// placeholder is the runtime's placeholder ${kind:Format} (suite.Placeholder).
func placeholder(kind string, f *model.Scalar) string { return "${" + kind + ":" + f.Name + "}" }

// unknownChildren adds, per identifier member after the first that has a
// format of its own, not one named before it (a session in a stage, a
// participant in a session),
// a case naming live resources with the members before it and nothing
// with it and those after: the parent is real, the child is not, and the
// answer must still be ResourceNotFoundException (documented, as for an
// unknown parent). A member that only takes other formats' identifiers
// (x-ivsrt-identifier-of: a token's participant id, which names a
// participant that may not have joined yet) gets none: nothing says that
// an id no participant has used is not found.
func (g *builder) unknownChildren(ids []identifierMember) {
	for i, im := range ids {
		if i == 0 || im.m.Type.Scalar.Identifier == nil || slices.ContainsFunc(ids[:i], func(p identifierMember) bool {
			return slices.Contains(p.formats, im.m.Type.Scalar)
		}) {
			// Not a child: a second resource of a format named before it
			// (a replication's destination stage) is a sibling.
			continue
		}
		b := deepCopy(g.base).(map[string]any)
		for j, other := range ids {
			kind := "unknown"
			if j < i {
				kind = "live"
			}
			b[other.m.Name] = placeholder(kind, other.formats[0])
		}
		g.add(testCase{Name: g.op.Name + "/" + im.m.Name + "/" + ruleNotFound + "/unknown-in-live-parent", Op: g.op.Name, Member: im.m.Name,
			Rule: ruleNotFound, Kind: "KindRequest", Source: "SourceDocumented", Body: g.encode(b), Expect: "ExpectError", Error: errNotFound})
	}
}
