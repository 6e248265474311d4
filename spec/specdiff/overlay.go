package specdiff

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ivsrt/contract/spec"
)

// A spec ivsrt imports is AWS's model plus, when make spec runs it, the
// overlays: facts the model does not state (defaults, x-ivsrt-* rules) and
// corrections of facts it states wrongly (a pattern). The import records
// the overlays it applied, and the model values they replaced, in
// info.x-ivsrt-overlays. Comparing a spec with overlays to one without
// would report what the overlays set as changes AWS made; the report says
// so (Report.Overlay), and Options.Raw compares the models' facts alone.

// overlayOnly are the extensions only an overlay writes: the importer never
// does. The others (x-ivsrt-service, -errors, -paginated, -member,
// -key-length, -sensitive, -idempotency-token) come from the model, though
// an overlay may add them too (x-ivsrt-paginated, for the lists AWS's
// Smithy model pages).
var overlayOnly = []string{
	spec.ExtIdentifier, spec.ExtIdentifierOf, spec.ExtFilters, spec.ExtResetWhen,
	spec.ExtMaxTotalBytes, spec.ExtProtocolErrors,
}

// Overlays is what each spec says of the overlays applied to it.
type Overlays struct {
	// Warning is one line for the top of the report, "" when there is
	// nothing to warn of: when one spec carries overlay facts and the other
	// does not (so what the overlays set shows as changes), or, with Raw,
	// when a spec carries overlay facts without recording its overlays (so
	// their corrections cannot be undone).
	Warning string       `json:"warning"`
	Old     SpecOverlays `json:"old"`
	New     SpecOverlays `json:"new"`
}

// SpecOverlays is what one spec says of the overlays applied to it.
type SpecOverlays struct {
	// Carries is true when the spec carries overlay facts: it records
	// overlays, or it has an extension only an overlay writes.
	Carries bool `json:"carries"`
	// Recorded lists the overlays info.x-ivsrt-overlays records, as
	// "title (version)", in the order they were applied.
	Recorded []string `json:"recorded"`
	// Unrecorded lists, for a spec that records no overlay, the
	// overlay-only extensions it has (how Carries was told).
	Unrecorded []string `json:"unrecorded"`

	// corrections are the model values the recorded overlays replaced.
	corrections []correction
}

// correction is a value of AWS's model an overlay replaced or removed.
type correction struct {
	pointer string
	model   any
}

// overlaysOf reads what a spec says of its overlays.
func overlaysOf(doc *openapi3.T) (SpecOverlays, error) {
	so := SpecOverlays{Recorded: []string{}, Unrecorded: []string{}}
	var record any
	if doc.Info != nil {
		record = doc.Info.Extensions[spec.ExtOverlays]
	}
	if record != nil {
		list, ok := record.([]any)
		if !ok {
			return so, fmt.Errorf("info.%s is not a list", spec.ExtOverlays)
		}
		for i, item := range list {
			ov, ok := item.(map[string]any)
			title, _ := ov["title"].(string)
			if !ok || title == "" {
				return so, fmt.Errorf("info.%s[%d] has no title", spec.ExtOverlays, i)
			}
			name := title
			if v := fmt.Sprint(ov["version"]); ov["version"] != nil && v != "" {
				name += " (" + v + ")"
			}
			so.Recorded = append(so.Recorded, name)
			fixes, _ := ov["corrections"].([]any)
			for j, f := range fixes {
				fm, _ := f.(map[string]any)
				p, _ := fm["pointer"].(string)
				if !strings.HasPrefix(p, "/") {
					return so, fmt.Errorf("info.%s[%d].corrections[%d] has no pointer", spec.ExtOverlays, i, j)
				}
				so.corrections = append(so.corrections, correction{pointer: p, model: fm["model"]})
			}
		}
		so.Carries = len(so.Recorded) > 0
		return so, nil
	}
	found, err := extensionsIn(doc, overlayOnly)
	if err != nil {
		return so, err
	}
	so.Unrecorded = found
	so.Carries = len(found) > 0
	return so, nil
}

// extensionsIn lists which of names the document uses anywhere, sorted.
func extensionsIn(doc *openapi3.T, names []string) ([]string, error) {
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if slices.Contains(names, k) {
					seen[k] = true
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(tree)
	found := []string{}
	for k := range seen {
		found = append(found, k)
	}
	sort.Strings(found)
	return found, nil
}

// overlayWarning is Overlays.Warning.
func overlayWarning(o Overlays, raw bool) string {
	if raw {
		var sides []string
		for _, s := range []struct {
			name string
			so   SpecOverlays
		}{{"old", o.Old}, {"new", o.New}} {
			if s.so.Carries && len(s.so.Recorded) == 0 {
				sides = append(sides, fmt.Sprintf("the %s spec carries overlay facts (%s)", s.name, strings.Join(s.so.Unrecorded, ", ")))
			}
		}
		if len(sides) == 0 {
			return ""
		}
		return fmt.Sprintf("Warning: %s but records no overlays (info.%s), so -raw cannot restore the model values they corrected (a pattern, say): re-import it with this ivsrt.",
			strings.Join(sides, " and "), spec.ExtOverlays)
	}
	if o.Old.Carries == o.New.Carries {
		return ""
	}
	with, without := "old", "new"
	so := o.Old
	if o.New.Carries {
		with, without, so = "new", "old", o.New
	}
	what := "overlays: " + strings.Join(so.Recorded, "; ")
	if len(so.Recorded) == 0 {
		what = "unrecorded: " + strings.Join(so.Unrecorded, ", ")
	}
	return fmt.Sprintf("Warning: the %s spec carries ivsrt overlay facts (%s) and the %s spec does not, so what the overlays set (defaults, corrected patterns) shows below as changes AWS did not make; ivsrt diff -raw compares the models' facts alone.",
		with, what, without)
}

// overrides turns a spec's corrections into the model's values for the
// schemas they name: schema -> keyword -> value. A correction outside a
// schema the diff compares (an error response, an extension, a request
// body's required) cannot change the report, and is skipped.
func overrides(doc *openapi3.T, fixes []correction) (map[*openapi3.Schema]map[string]any, error) {
	out := map[*openapi3.Schema]map[string]any{}
	for _, f := range fixes {
		s, keyword := schemaAt(doc, f.pointer)
		if s == nil || !slices.Contains(Keywords, keyword) {
			continue
		}
		if !settable(keyword, f.model) {
			return nil, fmt.Errorf("info.%s: correction %s: model value %v is not a %s", spec.ExtOverlays, f.pointer, f.model, keyword)
		}
		if out[s] == nil {
			out[s] = map[string]any{}
		}
		out[s][keyword] = f.model
	}
	return out, nil
}

// schemaAt resolves a JSON pointer to a schema keyword: the schema that
// holds it and the keyword. nil when the pointer leads elsewhere.
func schemaAt(doc *openapi3.T, pointer string) (*openapi3.Schema, string) {
	toks := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	next := func() string {
		if len(toks) == 0 {
			return ""
		}
		t := toks[0]
		toks = toks[1:]
		return t
	}
	var ref *openapi3.SchemaRef
	switch next() {
	case "components":
		if next() != "schemas" || doc.Components == nil {
			return nil, ""
		}
		ref = doc.Components.Schemas[next()]
	case "paths":
		if doc.Paths == nil {
			return nil, ""
		}
		item := doc.Paths.Value(next())
		if item == nil {
			return nil, ""
		}
		var params openapi3.Parameters
		var op *openapi3.Operation
		if t := next(); t == "parameters" {
			params = item.Parameters
		} else if op = item.GetOperation(strings.ToUpper(t)); op == nil {
			return nil, ""
		}
		if op != nil {
			switch next() {
			case "parameters":
				params = op.Parameters
			case "requestBody":
				if op.RequestBody == nil || op.RequestBody.Value == nil || next() != "content" {
					return nil, ""
				}
				if mt := op.RequestBody.Value.Content.Get(next()); mt != nil && next() == "schema" {
					ref = mt.Schema
				}
			case "responses":
				r := op.Responses.Value(next())
				if r == nil || r.Value == nil || next() != "content" {
					return nil, ""
				}
				if mt := r.Value.Content.Get(next()); mt != nil && next() == "schema" {
					ref = mt.Schema
				}
			default:
				return nil, ""
			}
		}
		if params != nil {
			i, err := strconv.Atoi(next())
			if err != nil || i < 0 || i >= len(params) || params[i] == nil || params[i].Value == nil || next() != "schema" {
				return nil, ""
			}
			ref = params[i].Value.Schema
		}
	}
	for ref != nil && ref.Value != nil && len(toks) > 0 {
		s := ref.Value
		switch t := next(); t {
		case "properties":
			ref = s.Properties[next()]
		case "items":
			ref = s.Items
		case "additionalProperties":
			ref = s.AdditionalProperties.Schema
		case "allOf":
			i, err := strconv.Atoi(next())
			if err != nil || i < 0 || i >= len(s.AllOf) {
				return nil, ""
			}
			ref = s.AllOf[i]
		default:
			if len(toks) > 0 {
				return nil, ""
			}
			return s, t
		}
	}
	return nil, ""
}

// settable reports whether v (decoded from JSON) can be the value of
// keyword.
func settable(keyword string, v any) bool {
	return setKeyword(&openapi3.Schema{}, keyword, v)
}

// setKeyword gives a schema copy a keyword's value (decoded from JSON:
// numbers are float64), or removes the keyword when v is nil. It reports
// whether the value fits the keyword.
func setKeyword(s *openapi3.Schema, keyword string, v any) bool {
	num, isNum := v.(float64)
	count := func() (uint64, bool) { return uint64(num), isNum && num >= 0 && num == float64(uint64(num)) }
	switch keyword {
	case "type":
		t, ok := v.(string)
		s.Type = &openapi3.Types{t}
		return ok
	case "pattern":
		p, ok := v.(string)
		s.Pattern = p
		return ok || v == nil
	case "minLength", "minItems", "minProperties":
		n, ok := count()
		if v == nil {
			n, ok = 0, true
		}
		switch keyword {
		case "minLength":
			s.MinLength = n
		case "minItems":
			s.MinItems = n
		default:
			s.MinProps = n
		}
		return ok
	case "maxLength", "maxItems", "maxProperties":
		n, ok := count()
		var p *uint64
		if v != nil {
			p = &n
		} else {
			ok = true
		}
		switch keyword {
		case "maxLength":
			s.MaxLength = p
		case "maxItems":
			s.MaxItems = p
		default:
			s.MaxProps = p
		}
		return ok
	case "minimum", "maximum":
		var p *float64
		if isNum {
			p = &num
		}
		if keyword == "minimum" {
			s.Min = p
		} else {
			s.Max = p
		}
		return isNum || v == nil
	case "enum":
		e, ok := v.([]any)
		s.Enum = slices.Clone(e)
		return ok || v == nil
	case "required":
		list, ok := v.([]any)
		s.Required = nil
		for _, x := range list {
			name, isStr := x.(string)
			ok = ok && isStr
			s.Required = append(s.Required, name)
		}
		sort.Strings(s.Required)
		return ok || v == nil
	case "default":
		s.Default = v
		return true
	}
	return false
}
