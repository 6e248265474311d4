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

// CompareBytes loads two specs (OpenAPI YAML or JSON) and compares them.
func CompareBytes(oldSpec, newSpec []byte) (*Report, error) {
	o, err := Load(oldSpec)
	if err != nil {
		return nil, fmt.Errorf("old spec: %w", err)
	}
	n, err := Load(newSpec)
	if err != nil {
		return nil, fmt.Errorf("new spec: %w", err)
	}
	return Compare(o, n)
}

// Compare compares two loaded specs. Neither is modified.
func Compare(oldSpec, newSpec *openapi3.T) (*Report, error) {
	if oldSpec == nil || newSpec == nil {
		return nil, errors.New("specdiff: nil spec")
	}
	o, err := operations(oldSpec)
	if err != nil {
		return nil, fmt.Errorf("old spec: %w", err)
	}
	n, err := operations(newSpec)
	if err != nil {
		return nil, fmt.Errorf("new spec: %w", err)
	}
	r, err := compare(o, n)
	if err != nil {
		return nil, err
	}
	if newSpec.Info != nil {
		r.Title, r.Version = newSpec.Info.Title, newSpec.Info.Version
	}
	return r, nil
}
