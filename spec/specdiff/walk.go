package specdiff

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/diff"
)

// compare builds the report from the operations of both specs. Added and
// removed operations come from the operationIds; what changed inside a kept
// operation comes from oasdiff, run on two documents that hold each
// operation's normalised request and response at /<operationId>.
func compare(oldOps, newOps map[string]shape) (*Report, error) {
	d, err := diff.Get(diff.NewConfig(), document(oldOps), document(newOps))
	if err != nil {
		return nil, fmt.Errorf("oasdiff: %w", err)
	}
	r := &Report{Operations: []Operation{}}
	// An operation only one side has lists every member of its request and
	// response, as added or removed.
	for _, c := range []struct {
		ops, other map[string]shape
		change     string
	}{{oldOps, newOps, ChangeRemoved}, {newOps, oldOps, ChangeAdded}} {
		for name, s := range c.ops {
			if _, ok := c.other[name]; ok {
				continue
			}
			op := Operation{Name: name, Change: c.change, Breaking: c.change == ChangeRemoved}
			for _, side := range []struct {
				s      *Side
				schema *openapi3.Schema
			}{{&op.Request, s.request}, {&op.Response, s.response}} {
				w := walker{side: side.s}
				for _, m := range sortedKeys(side.schema.Properties) {
					if c.change == ChangeAdded {
						w.added(m, side.schema.Properties[m].Value)
					} else {
						w.removed(m, side.schema.Properties[m].Value)
					}
				}
			}
			r.Operations = append(r.Operations, op)
		}
	}
	if d != nil && d.PathsDiff != nil { // nil: nothing differs
		for path, pd := range d.PathsDiff.Modified {
			if pd.OperationsDiff == nil {
				continue
			}
			md := pd.OperationsDiff.Modified[http.MethodPost]
			if md == nil {
				continue
			}
			op := Operation{Name: path[1:], Change: ChangeUpdated}
			(&walker{request: true, side: &op.Request}).schema("", requestSchemaDiff(md))
			(&walker{side: &op.Response}).schema("", responseSchemaDiff(md))
			if op.Request.Empty() && op.Response.Empty() {
				continue // only what this report leaves out changed
			}
			r.Operations = append(r.Operations, op)
		}
	}
	for i := range r.Operations {
		op := &r.Operations[i]
		if op.Change == ChangeRemoved {
			// One breaking change: its members are listed, not counted.
			op.Request.finish()
			op.Response.finish()
			r.Breaking++
			continue
		}
		for _, s := range []*Side{&op.Request, &op.Response} {
			s.finish()
			n := len(s.removedRoots)
			for _, c := range s.Changed {
				if c.Breaking {
					n++
				}
			}
			if n > 0 {
				op.Breaking = true
			}
			r.Breaking += n
		}
	}
	sort.Slice(r.Operations, func(i, j int) bool { return r.Operations[i].Name < r.Operations[j].Name })
	return r, nil
}

// document is a spec oasdiff can compare: each operation a POST at
// /<operationId> with its merged request as the body.
func document(ops map[string]shape) *openapi3.T {
	paths := openapi3.NewPaths()
	for name, s := range ops {
		resp := openapi3.NewResponse().WithDescription("ok").WithJSONSchema(s.response)
		paths.Set("/"+name, &openapi3.PathItem{Post: &openapi3.Operation{
			OperationID: name,
			RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithJSONSchema(s.request)},
			Responses:   openapi3.NewResponses(openapi3.WithStatus(http.StatusOK, &openapi3.ResponseRef{Value: resp})),
		}})
	}
	return &openapi3.T{
		OpenAPI:    "3.0.3",
		Info:       &openapi3.Info{Title: "specdiff", Version: "0"},
		Paths:      paths,
		Components: &openapi3.Components{},
	}
}

func requestSchemaDiff(md *diff.MethodDiff) *diff.SchemaDiff {
	if md.RequestBodyDiff == nil {
		return nil
	}
	return jsonSchemaDiff(md.RequestBodyDiff.ContentDiff)
}

func responseSchemaDiff(md *diff.MethodDiff) *diff.SchemaDiff {
	if md.ResponsesDiff == nil || md.ResponsesDiff.Modified == nil {
		return nil
	}
	rd := md.ResponsesDiff.Modified["200"]
	if rd == nil {
		return nil
	}
	return jsonSchemaDiff(rd.ContentDiff)
}

func jsonSchemaDiff(cd *diff.ContentDiff) *diff.SchemaDiff {
	if cd == nil || cd.MediaTypeModified == nil {
		return nil
	}
	mt := cd.MediaTypeModified["application/json"]
	if mt == nil {
		return nil
	}
	return mt.SchemaDiff
}

// walker turns one side's schema diff into paths and changes.
type walker struct {
	request bool
	side    *Side
}

func join(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

func (w *walker) change(path, keyword string, old, new any, breaking bool) {
	w.side.Changed = append(w.side.Changed, Change{Path: path, Keyword: keyword, Old: old, New: new, Breaking: breaking})
}

// schema walks the diff of one member (the whole request or response at "").
func (w *walker) schema(path string, d *diff.SchemaDiff) {
	if d.Empty() || d.Base == nil || d.Revision == nil {
		return
	}
	old, nw := d.Base, d.Revision
	if d.TypeDiff != nil || d.FormatDiff != nil {
		// The member is another thing now; what changed inside it is moot.
		w.change(path, "type", typeName(old), typeName(nw), typeBreaks)
		return
	}
	if d.EnumDiff != nil {
		w.change(path, "enum", enumValue(old), enumValue(nw), enumBreaks(w.request, d.EnumDiff))
	}
	for _, r := range rules {
		if r.changed(d) {
			o, n := r.value(old), r.value(nw)
			w.change(path, r.keyword, o, n, constraintBreaks(w.request, r.dir, o, n))
		}
	}
	if pd := d.PropertiesDiff; pd != nil {
		for _, m := range pd.Added {
			w.added(join(path, m), nw.Properties[m].Value)
		}
		for _, m := range pd.Deleted {
			w.removed(join(path, m), old.Properties[m].Value)
		}
		for m, md := range pd.Modified {
			w.schema(join(path, m), md)
		}
	}
	if rd := d.RequiredDiff; rd != nil {
		for _, m := range rd.Added {
			if _, ok := nw.Properties[m]; ok {
				w.change(join(path, m), "required", false, true, requiredBreaks(w.request, true))
			}
		}
		for _, m := range rd.Deleted {
			if _, ok := nw.Properties[m]; ok {
				w.change(join(path, m), "required", true, false, requiredBreaks(w.request, false))
			}
		}
	}
	w.sub(path+"[]", d.ItemsDiff, old.Items, nw.Items)
	w.sub(path+"{}", d.AdditionalPropertiesDiff, old.AdditionalProperties.Schema, nw.AdditionalProperties.Schema)
}

// sub walks list items or map values; was and now are the items or values
// on each side (oasdiff's diff of a deleted schema does not carry it).
func (w *walker) sub(path string, d *diff.SchemaDiff, was, now *openapi3.SchemaRef) {
	switch {
	case d == nil:
	case d.SchemaAdded && now != nil:
		w.added(path, now.Value)
	case d.SchemaDeleted && was != nil:
		w.removed(path, was.Value)
	case d.SchemaDeleted:
		w.side.removedRoots = append(w.side.removedRoots, path)
		w.side.Removed = append(w.side.Removed, path)
	default:
		w.schema(path, d)
	}
}

// added records a new member, and every member under it: oasdiff names only
// the top of a new subtree.
func (w *walker) added(path string, s *openapi3.Schema) {
	w.side.roots = append(w.side.roots, root{path: path, schema: s})
	members(&w.side.Added, path, s, map[*openapi3.Schema]bool{})
}

// removed records a member that went, and every member under it, as added
// does for a new one: a client that reads or sends any of them must change.
func (w *walker) removed(path string, s *openapi3.Schema) {
	w.side.removedRoots = append(w.side.removedRoots, path)
	members(&w.side.Removed, path, s, map[*openapi3.Schema]bool{})
}

func members(list *[]string, path string, s *openapi3.Schema, seen map[*openapi3.Schema]bool) {
	*list = append(*list, path)
	under(list, path, s, seen)
}

func under(list *[]string, path string, s *openapi3.Schema, seen map[*openapi3.Schema]bool) {
	if s == nil || seen[s] {
		return // a recursive schema is listed down to where it repeats
	}
	seen[s] = true
	defer delete(seen, s)
	for m, p := range s.Properties {
		members(list, join(path, m), p.Value, seen)
	}
	if s.Items != nil {
		under(list, path+"[]", s.Items.Value, seen)
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		under(list, path+"{}", ap.Value, seen)
	}
}

// finish sorts a side and turns nil lists into empty ones, so the JSON is
// the same whatever order maps were walked in.
func (s *Side) finish() {
	if s.Added == nil {
		s.Added = []string{}
	}
	if s.Removed == nil {
		s.Removed = []string{}
	}
	if s.Changed == nil {
		s.Changed = []Change{}
	}
	sort.Strings(s.Added)
	sort.Strings(s.Removed)
	sort.Slice(s.Changed, func(i, j int) bool {
		a, b := s.Changed[i], s.Changed[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Keyword < b.Keyword
	})
	sort.Slice(s.roots, func(i, j int) bool { return s.roots[i].path < s.roots[j].path })
	sort.Strings(s.removedRoots)
}

// removedRoot is the top of the removed subtree a removed path belongs to:
// the path itself, or the removed member it went with.
func (s *Side) removedRoot(path string) string {
	for _, r := range s.removedRoots {
		if path == r || strings.HasPrefix(path, r+".") || strings.HasPrefix(path, r+"[]") || strings.HasPrefix(path, r+"{}") {
			return r
		}
	}
	return path
}

func sortedKeys(m openapi3.Schemas) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
