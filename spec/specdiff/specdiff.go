// Package specdiff compares two versions of a service spec and says, from a
// client's side, what changed and what breaks: the answer a team needs
// before moving to a newer AWS model (ivsrt diff).
//
// Operations are matched by operationId. An operation's request members are
// the top-level properties of its JSON request body plus its parameters (by
// name); its response members are the top-level properties of its 200
// response. Deeper members are written as dotted paths from those, with []
// for list items and {} for map values:
// participantTokenConfigurations[].duration. $ref and allOf: [$ref]
// wrappers are transparent, so moving a schema into a component, or
// wrapping a reference to give it a default, is no change.
//
// A spec imported with ivsrt overlays records them (info.x-ivsrt-overlays);
// when only one of the two specs carries overlay facts, the report says so
// (Report.Overlay), and Options.Raw compares the models' facts alone
// (overlay.go).
//
// oasdiff (github.com/oasdiff/oasdiff/diff) finds the differences; whether
// one breaks a client is decided here, by the rules in rules.go, not by
// oasdiff's own levels.
package specdiff

import (
	"context"
	"errors"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Report is what changed between two specs. It encodes to the JSON that
// ivsrt diff -format json prints.
type Report struct {
	// Raw is true when the report compares the models' facts alone
	// (Options.Raw).
	Raw bool `json:"raw"`
	// Overlay is what each spec says of the ivsrt overlays applied to it,
	// and the warning line when only one carries overlay facts.
	Overlay Overlays `json:"overlay"`
	// Operations are those that changed, sorted by name.
	Operations []Operation `json:"operations"`
	// Breaking counts breaking changes: each removed operation (its members
	// are listed, not counted), each removed member at the top of what went
	// (the members under it are listed, not counted again) and each Change
	// with Breaking set, which includes a new request member that is
	// required. Exit code 1 means Breaking > 0.
	Breaking int `json:"breaking"`

	// Title and Version are the newer spec's info, for the text header.
	Title   string `json:"-"`
	Version string `json:"-"`
}

// Operation is one operation that was added, removed or changed.
type Operation struct {
	Name     string `json:"name"`
	Change   string `json:"change"` // ChangeAdded, ChangeRemoved or ChangeUpdated
	Request  Side   `json:"request"`
	Response Side   `json:"response"`
	Breaking bool   `json:"breaking"`
}

// The values of Operation.Change.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeUpdated = "updated"
)

// Side is what changed in an operation's request or response.
type Side struct {
	// Added lists every new member path: a new structure and each member
	// under it, recursively.
	Added []string `json:"added"`
	// Removed lists every removed member path, as Added does: a removed
	// structure and each member under it, recursively. Only the top of
	// each removed subtree counts as a breaking change.
	Removed []string `json:"removed"`
	// Changed lists changed keywords of members present on both sides,
	// sorted by path, then keyword.
	Changed []Change `json:"changed"`

	// roots are the new subtrees (the member where each addition starts),
	// kept for the text and markdown trees.
	roots []root
	// removedRoots are the members where each removed subtree starts,
	// sorted: the removals that count as breaking.
	removedRoots []string
}

// Empty reports whether nothing changed on this side.
func (s *Side) Empty() bool {
	return len(s.Added) == 0 && len(s.Removed) == 0 && len(s.Changed) == 0
}

// Change is one keyword of one member that differs.
type Change struct {
	Path    string `json:"path"`
	Keyword string `json:"keyword"`
	// Old and New are the keyword's values; null when the keyword is absent.
	Old      any  `json:"old"`
	New      any  `json:"new"`
	Breaking bool `json:"breaking"`
}

// root is a new member and its schema (normalised, in the newer spec).
type root struct {
	path   string
	schema *openapi3.Schema
}

// Load parses and validates one spec with kin-openapi. It does not apply
// the generator's own restrictions (package spec does): a diff must read
// any spec an import gives, including ones the generator cannot yet use.
func Load(data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("invalid OpenAPI: %w", err)
	}
	return doc, nil
}

// Options choose how Compare compares.
type Options struct {
	// Raw compares the models' facts alone: both specs lose every default
	// and get back the model values their recorded overlays replaced
	// (info.x-ivsrt-overlays corrections), so what an overlay set is not
	// reported. Extensions, where the overlay-only rules are, are never
	// compared.
	Raw bool
}

// CompareBytes loads two specs (OpenAPI YAML or JSON) and compares them.
func CompareBytes(oldSpec, newSpec []byte) (*Report, error) {
	return CompareBytesWith(oldSpec, newSpec, Options{})
}

// CompareBytesWith is CompareBytes with options.
func CompareBytesWith(oldSpec, newSpec []byte, opts Options) (*Report, error) {
	o, err := Load(oldSpec)
	if err != nil {
		return nil, fmt.Errorf("old spec: %w", err)
	}
	n, err := Load(newSpec)
	if err != nil {
		return nil, fmt.Errorf("new spec: %w", err)
	}
	return CompareWith(o, n, opts)
}

// Compare compares two loaded specs. Neither is modified.
func Compare(oldSpec, newSpec *openapi3.T) (*Report, error) {
	return CompareWith(oldSpec, newSpec, Options{})
}

// CompareWith is Compare with options.
func CompareWith(oldSpec, newSpec *openapi3.T, opts Options) (*Report, error) {
	if oldSpec == nil || newSpec == nil {
		return nil, errors.New("specdiff: nil spec")
	}
	var sides [2]struct {
		overlays SpecOverlays
		ops      map[string]shape
	}
	for i, doc := range []*openapi3.T{oldSpec, newSpec} {
		which := [2]string{"old spec", "new spec"}[i]
		so, err := overlaysOf(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", which, err)
		}
		var model map[*openapi3.Schema]map[string]any
		if opts.Raw {
			if model, err = overrides(doc, so.corrections); err != nil {
				return nil, fmt.Errorf("%s: %w", which, err)
			}
		}
		ops, err := operations(doc, newNormaliser(opts.Raw, model))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", which, err)
		}
		sides[i].overlays, sides[i].ops = so, ops
	}
	r, err := compare(sides[0].ops, sides[1].ops)
	if err != nil {
		return nil, err
	}
	r.Raw = opts.Raw
	r.Overlay = Overlays{Old: sides[0].overlays, New: sides[1].overlays}
	r.Overlay.Warning = overlayWarning(r.Overlay, opts.Raw)
	if newSpec.Info != nil {
		r.Title, r.Version = newSpec.Info.Title, newSpec.Info.Version
	}
	return r, nil
}
