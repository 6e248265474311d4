package specdiff

import (
	"fmt"
	"net/http"
	"slices"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
)

// shape is one operation as a client sees it: a request object whose
// properties are the parameters and the body members, and the 200
// response's object. Both are normalised (see normaliser).
type shape struct {
	request, response *openapi3.Schema
}

// operations returns every operation of a spec by operationId, normalised
// by n.
func operations(doc *openapi3.T, n *normaliser) (map[string]shape, error) {
	ops := map[string]shape{}
	if doc.Paths == nil {
		return ops, nil
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s %s has no operationId", method, path)
			}
			if _, dup := ops[op.OperationID]; dup {
				return nil, fmt.Errorf("operationId %s is used twice", op.OperationID)
			}
			ops[op.OperationID] = shape{request: n.request(item, op), response: n.response(op)}
		}
	}
	return ops, nil
}

// request merges an operation's parameters (the path item's, then its own,
// which override by name and location) and its JSON body's top-level
// members into one object: to a client they are all members of the input.
func (n *normaliser) request(item *openapi3.PathItem, op *openapi3.Operation) *openapi3.Schema {
	req := object()
	for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range params {
			if p == nil || p.Value == nil || p.Value.Schema == nil {
				continue
			}
			req.Properties[p.Value.Name] = n.ref(p.Value.Schema)
			if p.Value.Required {
				req.Required = append(req.Required, p.Value.Name)
			}
		}
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
			body := n.schema(mt.Schema.Value)
			for name, p := range body.Properties {
				req.Properties[name] = p
			}
			req.Required = append(req.Required, body.Required...)
		}
	}
	sort.Strings(req.Required)
	req.Required = slices.Compact(req.Required)
	return req
}

// response is the 200 response's JSON schema, an empty object when there is none.
func (n *normaliser) response(op *openapi3.Operation) *openapi3.Schema {
	if op.Responses == nil {
		return object()
	}
	r := op.Responses.Status(http.StatusOK)
	if r == nil || r.Value == nil {
		return object()
	}
	mt := r.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return object()
	}
	return n.schema(mt.Schema.Value)
}

func object() *openapi3.Schema {
	return &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Properties: openapi3.Schemas{}}
}

// normaliser copies schemas into the form compared: $refs resolved (the
// copies carry no Ref), allOf: [$ref] wrappers merged into the schema they
// wrap (keeping the wrapper's default), and descriptions and extensions
// dropped, since neither is a keyword this diff reports. Copies are
// memoised by original, so shared schemas stay shared and cycles end.
//
// For a raw comparison (Options.Raw) it also drops every default and gives
// back the model's values the overlays replaced (model): only the model's
// facts are left.
type normaliser struct {
	memo  map[*openapi3.Schema]*openapi3.Schema
	raw   bool
	model map[*openapi3.Schema]map[string]any
}

func newNormaliser(raw bool, model map[*openapi3.Schema]map[string]any) *normaliser {
	return &normaliser{memo: map[*openapi3.Schema]*openapi3.Schema{}, raw: raw, model: model}
}

func (n *normaliser) ref(r *openapi3.SchemaRef) *openapi3.SchemaRef {
	if r == nil || r.Value == nil {
		return nil
	}
	return &openapi3.SchemaRef{Value: n.schema(r.Value)}
}

func (n *normaliser) schema(s *openapi3.Schema) *openapi3.Schema {
	if c, ok := n.memo[s]; ok {
		return c
	}
	if isWrapper(s) {
		inner := n.schema(s.AllOf[0].Value)
		if s.Default == nil || n.raw {
			n.memo[s] = inner
			return inner
		}
		c := *inner
		c.Default = s.Default
		n.memo[s] = &c
		return &c
	}
	c := new(openapi3.Schema)
	n.memo[s] = c
	*c = *s
	c.Description = ""
	c.Extensions = nil
	c.Example = nil
	if s.Properties != nil {
		c.Properties = make(openapi3.Schemas, len(s.Properties))
		for name, p := range s.Properties {
			c.Properties[name] = n.ref(p)
		}
	}
	c.Items = n.ref(s.Items)
	c.AdditionalProperties.Schema = n.ref(s.AdditionalProperties.Schema)
	if len(s.Required) > 0 {
		c.Required = slices.Clone(s.Required)
		sort.Strings(c.Required)
	}
	for keyword, v := range n.model[s] {
		setKeyword(c, keyword, v) // checked by overrides
	}
	if n.raw {
		c.Default = nil
	}
	return c
}

// isWrapper reports an allOf with one member and nothing of its own but a
// default or description: the OpenAPI 3.0 way to put a default beside a $ref.
func isWrapper(s *openapi3.Schema) bool {
	if len(s.AllOf) != 1 || s.AllOf[0] == nil || s.AllOf[0].Value == nil {
		return false
	}
	bare := *s
	bare.AllOf, bare.Default, bare.Description, bare.Extensions = nil, nil, "", nil
	return bare.IsEmpty() && len(bare.Properties) == 0 && len(bare.OneOf) == 0 && len(bare.AnyOf) == 0
}
