package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/ivsrt/contract/spec"
)

// A Smithy model (the JSON AST of Smithy 1.0 or 2.0, the form AWS now
// publishes its models in: aws/api-models-aws, aws-sdk-go-v2's
// codegen/sdk-codegen/aws-models) is converted into api-2 form, the
// api-2.json and paginators-1.json it would be, and imported from there.
// One importer reads both forms, so the same model in either gives the same
// spec. Documentation traits are never read.

const (
	unitID   = "smithy.api#Unit"
	restJSON = "aws.protocols#restJson1"
)

// isSmithy reports whether a model is a Smithy JSON AST: its top-level
// object has a "smithy" key (the Smithy version it is written in), which an
// api-2.json never has.
func isSmithy(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	_, ok := top["smithy"]
	return ok
}

// api2Form returns a source's model and paginators in api-2 form: as they
// are, or converted from Smithy.
func api2Form(src *Source) (api, paginators []byte, err error) {
	if !isSmithy(src.API) {
		return src.API, src.Paginators, nil
	}
	if src.Paginators != nil {
		return nil, nil, errors.New("a Smithy model states its own paginators (smithy.api#paginated): a paginators-1.json is not read with it")
	}
	return fromSmithy(src.API)
}

// The Smithy JSON AST, the parts the conversion reads.

type smithyDoc struct {
	Smithy string                  `json:"smithy"`
	Shapes map[string]*smithyShape `json:"shapes"`
}

type smithyTarget struct {
	Target string `json:"target"`
}

type smithyMember struct {
	Target string `json:"target"`
	Traits traits `json:"traits"`
}

type smithyShape struct {
	Type    string                   `json:"type"`
	Traits  traits                   `json:"traits"`
	Mixins  []smithyTarget           `json:"mixins"`
	Members map[string]*smithyMember `json:"members"` // structure, union, enum, intEnum
	Member  *smithyMember            `json:"member"`  // list, set
	Key     *smithyMember            `json:"key"`     // map
	Value   *smithyMember            `json:"value"`   // map

	// service
	Version    string            `json:"version"`
	Operations []smithyTarget    `json:"operations"` // and resource
	Resources  []smithyTarget    `json:"resources"`  // and resource
	Errors     []smithyTarget    `json:"errors"`     // and operation
	Rename     map[string]string `json:"rename"`

	// operation
	Input  *smithyTarget `json:"input"`
	Output *smithyTarget `json:"output"`

	// resource
	Create               *smithyTarget  `json:"create"`
	Put                  *smithyTarget  `json:"put"`
	Read                 *smithyTarget  `json:"read"`
	Update               *smithyTarget  `json:"update"`
	Delete               *smithyTarget  `json:"delete"`
	List                 *smithyTarget  `json:"list"`
	CollectionOperations []smithyTarget `json:"collectionOperations"`

	// order is the members' names in document order.
	order []string
}

func (s *smithyShape) UnmarshalJSON(data []byte) error {
	type plain smithyShape
	if err := json.Unmarshal(data, (*plain)(s)); err != nil {
		return err
	}
	order, err := memberOrder(data)
	s.order = order
	return err
}

// traits are a shape's or a member's traits by absolute shape ID.
type traits map[string]json.RawMessage

func (t traits) has(id string) bool {
	_, ok := t[id]
	return ok
}

// decode decodes trait id into v; ok says whether the trait is there.
func (t traits) decode(id string, v any) (ok bool, err error) {
	raw, ok := t[id]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("trait %s: %w", id, err)
	}
	return true, nil
}

// The api-2 form written, the parts model.go decodes.

type a2Model struct {
	Metadata   a2Metadata              `json:"metadata"`
	Operations map[string]*a2Operation `json:"operations"`
	Shapes     map[string]*a2Shape     `json:"shapes"`
}

type a2Metadata struct {
	APIVersion      string `json:"apiVersion"`
	EndpointPrefix  string `json:"endpointPrefix"`
	Protocol        string `json:"protocol"`
	ServiceFullName string `json:"serviceFullName"`
	ServiceID       string `json:"serviceId"`
	SigningName     string `json:"signingName,omitempty"`
}

type a2Operation struct {
	Name string `json:"name"`
	HTTP struct {
		Method       string `json:"method"`
		RequestURI   string `json:"requestUri"`
		ResponseCode int    `json:"responseCode"`
	} `json:"http"`
	Input  *a2Ref  `json:"input,omitempty"`
	Output *a2Ref  `json:"output,omitempty"`
	Errors []a2Ref `json:"errors,omitempty"`
}

type a2Ref struct {
	Shape            string `json:"shape"`
	Location         string `json:"location,omitempty"`
	LocationName     string `json:"locationName,omitempty"`
	IdempotencyToken bool   `json:"idempotencyToken,omitempty"`
}

type a2Shape struct {
	Type      string       `json:"type"`
	Required  []string     `json:"required,omitempty"`
	Members   *a2Members   `json:"members,omitempty"`
	Member    *a2Ref       `json:"member,omitempty"`
	Key       *a2Ref       `json:"key,omitempty"`
	Value     *a2Ref       `json:"value,omitempty"`
	Min       *json.Number `json:"min,omitempty"`
	Max       *json.Number `json:"max,omitempty"`
	Pattern   string       `json:"pattern,omitempty"`
	Enum      []string     `json:"enum,omitempty"`
	Sensitive bool         `json:"sensitive,omitempty"`
	Exception bool         `json:"exception,omitempty"`
	Error     *a2Error     `json:"error,omitempty"`
}

type a2Error struct {
	HTTPStatusCode int  `json:"httpStatusCode"`
	SenderFault    bool `json:"senderFault,omitempty"`
}

// a2Members are a structure's members, written in their order.
type a2Members []a2Member

type a2Member struct {
	name string
	ref  *a2Ref
}

func (ms a2Members) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := json.Marshal(m.name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.ref)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

type a2Paginator struct {
	InputToken  string `json:"input_token,omitempty"`
	OutputToken string `json:"output_token,omitempty"`
	LimitKey    string `json:"limit_key,omitempty"`
	ResultKey   string `json:"result_key,omitempty"`
}

// smithyPaginated is the smithy.api#paginated trait.
type smithyPaginated struct {
	InputToken  string `json:"inputToken"`
	OutputToken string `json:"outputToken"`
	PageSize    string `json:"pageSize"`
	Items       string `json:"items"`
}

// preludeTypes are the simple shapes of Smithy's prelude (smithy.api#...)
// a member may target, with the type each becomes.
var preludeTypes = map[string]string{
	"String": "string", "Blob": "blob", "Boolean": "boolean", "PrimitiveBoolean": "boolean",
	"Timestamp": "timestamp", "Document": "document",
	"Byte": "byte", "PrimitiveByte": "byte", "Short": "short", "PrimitiveShort": "short",
	"Integer": "integer", "PrimitiveInteger": "integer", "Long": "long", "PrimitiveLong": "long",
	"Float": "float", "PrimitiveFloat": "float", "Double": "double", "PrimitiveDouble": "double",
	"BigInteger": "bigInteger", "BigDecimal": "bigDecimal",
}

// numeric are the shape types bounded by smithy.api#range; the others are
// bounded by smithy.api#length.
var numeric = map[string]bool{
	"byte": true, "short": true, "integer": true, "long": true, "float": true, "double": true,
	"bigInteger": true, "bigDecimal": true, "intEnum": true,
}

// constraintTraits are the traits a member may apply over its target's.
var constraintTraits = []string{"smithy.api#length", "smithy.api#range", "smithy.api#pattern"}

// unsupportedMemberTraits are member traits the spec has no place for.
var unsupportedMemberTraits = map[string]string{
	"smithy.api#jsonName":          "the spec names a body member by its member name, and the importer has no place for another JSON name",
	"smithy.api#httpPayload":       "the importer writes a body as the JSON object of its members, not as one member",
	"smithy.api#httpPrefixHeaders": "only single headers are bound",
	"smithy.api#httpQueryParams":   "only single query parameters are bound",
	"smithy.api#httpResponseCode":  "the spec states one success status per operation",
	"smithy.api#hostLabel":         "host prefixes are not in the spec",
	"smithy.api#eventHeader":       "event streams are not supported",
	"smithy.api#eventPayload":      "event streams are not supported",
}

// protocolTraits are the protocols a service may state, restJson1 the one
// the importer reads.
var protocolTraits = []string{
	restJSON, "aws.protocols#awsJson1_0", "aws.protocols#awsJson1_1", "aws.protocols#restXml",
	"aws.protocols#awsQuery", "aws.protocols#ec2Query", "smithy.protocols#rpcv2Cbor",
}

// fromSmithy converts a Smithy JSON AST holding one service into its
// api-2.json and paginators-1.json. Only the shapes the service's
// operations reach are converted. A shape is named by its name without
// the namespace (or by the service's rename of it), as AWS's api-2 models
// name them; two shapes of one name are an error.
func fromSmithy(data []byte) (api, paginators []byte, err error) {
	var doc smithyDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("not a Smithy JSON AST: %w", err)
	}
	if major, _, _ := strings.Cut(doc.Smithy, "."); major != "1" && major != "2" {
		return nil, nil, fmt.Errorf("smithy %q: only Smithy 1.0 and 2.0 JSON ASTs are read", doc.Smithy)
	}
	var services []string
	for _, id := range slices.Sorted(maps.Keys(doc.Shapes)) {
		switch doc.Shapes[id].Type {
		case "service":
			services = append(services, id)
		case "apply":
			return nil, nil, fmt.Errorf("%s: apply statements are not supported: give a model whose traits are applied (as AWS publishes them)", id)
		}
	}
	if len(services) != 1 {
		return nil, nil, fmt.Errorf("the model has %d services (%s): it must have exactly one", len(services), strings.Join(services, ", "))
	}
	svcID := services[0]
	svc := doc.Shapes[svcID]

	c := &smithyConv{
		shapes: doc.Shapes,
		rename: svc.Rename,
		out:    map[string]*a2Shape{},
		owner:  map[string]string{},
		done:   map[string]string{},
	}
	m := a2Model{Operations: map[string]*a2Operation{}, Shapes: c.out}
	if m.Metadata, err = c.metadata(svcID, svc); err != nil {
		return nil, nil, err
	}
	opIDs, err := c.operationsOf(svcID, svc)
	if err != nil {
		return nil, nil, err
	}
	var svcPages *smithyPaginated
	if svc.Traits.has("smithy.api#paginated") {
		svcPages = &smithyPaginated{}
		if _, err := svc.Traits.decode("smithy.api#paginated", svcPages); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", svcID, err)
		}
	}
	pages := map[string]a2Paginator{}
	for _, id := range opIDs {
		op, pg, err := c.operation(id, svc.Errors, svcPages)
		if err != nil {
			return nil, nil, fmt.Errorf("operation %s: %w", id, err)
		}
		m.Operations[op.Name] = op
		if pg != nil {
			pages[op.Name] = *pg
		}
	}
	if api, err = json.Marshal(m); err != nil {
		return nil, nil, err
	}
	if paginators, err = json.Marshal(map[string]any{"pagination": pages}); err != nil {
		return nil, nil, err
	}
	return api, paginators, nil
}

type smithyConv struct {
	shapes map[string]*smithyShape
	rename map[string]string
	out    map[string]*a2Shape // api-2 shapes by name
	owner  map[string]string   // api-2 name -> the Smithy shape (or member) ID it came from
	done   map[string]string   // Smithy shape ID -> api-2 name, once converted or under way
}

func (c *smithyConv) metadata(id string, svc *smithyShape) (a2Metadata, error) {
	md := a2Metadata{APIVersion: svc.Version, Protocol: "rest-json"}
	if !svc.Traits.has(restJSON) {
		var stated []string
		for _, p := range protocolTraits {
			if svc.Traits.has(p) {
				stated = append(stated, p)
			}
		}
		if len(stated) == 0 {
			return md, fmt.Errorf("service %s states no protocol: only %s is supported", id, restJSON)
		}
		return md, fmt.Errorf("service %s: protocol %s: only %s is supported", id, strings.Join(stated, ", "), restJSON)
	}
	var aws struct {
		SdkID          string `json:"sdkId"`
		EndpointPrefix string `json:"endpointPrefix"`
	}
	ok, err := svc.Traits.decode("aws.api#service", &aws)
	if err != nil {
		return md, fmt.Errorf("service %s: %w", id, err)
	}
	if !ok || aws.SdkID == "" || aws.EndpointPrefix == "" {
		return md, fmt.Errorf("service %s: the aws.api#service trait must state sdkId and endpointPrefix (the service's ID and endpoint)", id)
	}
	md.ServiceID, md.EndpointPrefix = aws.SdkID, aws.EndpointPrefix
	var sigv4 struct {
		Name string `json:"name"`
	}
	if _, err := svc.Traits.decode("aws.auth#sigv4", &sigv4); err != nil {
		return md, fmt.Errorf("service %s: %w", id, err)
	}
	md.SigningName = sigv4.Name
	if ok, err := svc.Traits.decode("smithy.api#title", &md.ServiceFullName); err != nil || !ok || md.ServiceFullName == "" {
		return md, fmt.Errorf("service %s: no smithy.api#title, the spec's title", id)
	}
	if md.APIVersion == "" {
		return md, fmt.Errorf("service %s has no version", id)
	}
	return md, nil
}

// operationsOf returns the IDs of a service's operations, its own and its
// resources' (their lifecycle operations, operations, collection
// operations and nested resources), sorted.
func (c *smithyConv) operationsOf(id string, svc *smithyShape) ([]string, error) {
	ops := map[string]bool{}
	seen := map[string]bool{}
	var resource func(id string) error
	add := func(ts ...*smithyTarget) {
		for _, t := range ts {
			if t != nil {
				ops[t.Target] = true
			}
		}
	}
	addAll := func(ts []smithyTarget) {
		for i := range ts {
			add(&ts[i])
		}
	}
	resource = func(rid string) error {
		if seen[rid] {
			return nil
		}
		seen[rid] = true
		r := c.shapes[rid]
		if r == nil || r.Type != "resource" {
			return fmt.Errorf("%s is not a resource in the model", rid)
		}
		add(r.Create, r.Put, r.Read, r.Update, r.Delete, r.List)
		addAll(r.Operations)
		addAll(r.CollectionOperations)
		for _, sub := range r.Resources {
			if err := resource(sub.Target); err != nil {
				return err
			}
		}
		return nil
	}
	addAll(svc.Operations)
	for _, r := range svc.Resources {
		if err := resource(r.Target); err != nil {
			return nil, fmt.Errorf("service %s: %w", id, err)
		}
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("service %s has no operations", id)
	}
	return slices.Sorted(maps.Keys(ops)), nil
}

// name is a shape's api-2 name: the service's rename of it, or its name
// without the namespace.
func (c *smithyConv) name(id string) string {
	if n, ok := c.rename[id]; ok {
		return n
	}
	_, n, _ := strings.Cut(id, "#")
	return n
}

// claim takes an api-2 name for a Smithy shape or member ID.
func (c *smithyConv) claim(name, id string) error {
	if other, ok := c.owner[name]; ok && other != id {
		return fmt.Errorf("%s and %s are both named %s: the service must rename one of them", other, id, name)
	}
	c.owner[name] = id
	return nil
}

func (c *smithyConv) operation(id string, svcErrors []smithyTarget, svcPages *smithyPaginated) (*a2Operation, *a2Paginator, error) {
	s := c.shapes[id]
	if s == nil || s.Type != "operation" {
		return nil, nil, fmt.Errorf("not an operation in the model")
	}
	if len(s.Mixins) > 0 {
		return nil, nil, fmt.Errorf("mixins are not supported: give a model with its mixins flattened (as AWS publishes them)")
	}
	op := &a2Operation{Name: c.name(id)}
	if err := c.claim(op.Name, id); err != nil {
		return nil, nil, err
	}
	var http struct {
		Method string `json:"method"`
		URI    string `json:"uri"`
		Code   int    `json:"code"`
	}
	ok, err := s.Traits.decode("smithy.api#http", &http)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, fmt.Errorf("no smithy.api#http trait: restJson1 needs each operation's method and URI")
	}
	if http.Code == 0 {
		http.Code = 200
	}
	op.HTTP.Method, op.HTTP.RequestURI, op.HTTP.ResponseCode = http.Method, http.URI, http.Code
	if s.Traits.has("smithy.api#endpoint") {
		return nil, nil, fmt.Errorf("smithy.api#endpoint is not supported: host prefixes are not in the spec")
	}
	for _, io := range []struct {
		t   *smithyTarget
		ref **a2Ref
	}{{s.Input, &op.Input}, {s.Output, &op.Output}} {
		if io.t == nil || io.t.Target == unitID {
			continue
		}
		name, err := c.shape(io.t.Target)
		if err != nil {
			return nil, nil, err
		}
		*io.ref = &a2Ref{Shape: name}
	}
	// The operation's errors, then the service's: the importer groups them
	// by status and sorts them, so their order does not reach the spec.
	for _, e := range slices.Concat(s.Errors, svcErrors) {
		name, err := c.shape(e.Target)
		if err != nil {
			return nil, nil, err
		}
		if !slices.ContainsFunc(op.Errors, func(r a2Ref) bool { return r.Shape == name }) {
			op.Errors = append(op.Errors, a2Ref{Shape: name})
		}
	}
	if !s.Traits.has("smithy.api#paginated") {
		return op, nil, nil
	}
	var p smithyPaginated
	if svcPages != nil {
		p = *svcPages
	}
	// Decoding over the service's values keeps those the operation omits.
	if _, err := s.Traits.decode("smithy.api#paginated", &p); err != nil {
		return nil, nil, err
	}
	return op, &a2Paginator{InputToken: p.InputToken, OutputToken: p.OutputToken, LimitKey: p.PageSize, ResultKey: p.Items}, nil
}

// shape converts the shape id names (once) and returns its api-2 name.
func (c *smithyConv) shape(id string) (string, error) {
	if name, ok := c.done[id]; ok {
		return name, nil
	}
	s := c.shapes[id]
	if s == nil {
		if id == unitID {
			return "", fmt.Errorf("%s has no value: only an operation's input or output may be Unit", id)
		}
		local, inPrelude := strings.CutPrefix(id, "smithy.api#")
		typ := preludeTypes[local]
		if !inPrelude || typ == "" {
			return "", fmt.Errorf("%s is neither in the model nor in Smithy's prelude", id)
		}
		s = &smithyShape{Type: typ}
	}
	name := c.name(id)
	if name == "" {
		return "", fmt.Errorf("%q is not an absolute shape ID (namespace#Name)", id)
	}
	if err := c.claim(name, id); err != nil {
		return "", err
	}
	c.done[id] = name // before the members, so a shape that reaches itself ends
	out, err := c.convert(id, name, s)
	if err != nil {
		return "", err
	}
	c.out[name] = out
	return name, nil
}

func (c *smithyConv) convert(id, name string, s *smithyShape) (*a2Shape, error) {
	if len(s.Mixins) > 0 {
		return nil, fmt.Errorf("%s: mixins are not supported: give a model with its mixins flattened (as AWS publishes them)", id)
	}
	out := &a2Shape{Type: s.Type, Sensitive: s.Traits.has("smithy.api#sensitive")}
	switch s.Type {
	case "structure":
		members := a2Members{}
		for _, mn := range s.order {
			m := s.Members[mn]
			ref, err := c.member(id, mn, name+upperFirst(mn), m, true)
			if err != nil {
				return nil, err
			}
			members = append(members, a2Member{mn, ref})
			if m.Traits.has("smithy.api#required") {
				out.Required = append(out.Required, mn)
			}
		}
		out.Members = &members
		var kind string
		if ok, err := s.Traits.decode("smithy.api#error", &kind); err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		} else if ok {
			status := map[string]int{"client": 400, "server": 500}[kind]
			if _, err := s.Traits.decode("smithy.api#httpError", &status); err != nil {
				return nil, fmt.Errorf("%s: %w", id, err)
			}
			if status == 0 {
				return nil, fmt.Errorf("%s: smithy.api#error %q is neither client nor server", id, kind)
			}
			out.Exception = true
			out.Error = &a2Error{HTTPStatusCode: status, SenderFault: kind == "client"}
		}
	case "list", "set":
		out.Type = "list"
		ref, err := c.member(id, "member", name+"Member", s.Member, false)
		if err != nil {
			return nil, err
		}
		out.Member = ref
	case "map":
		var err error
		if out.Key, err = c.member(id, "key", name+"Key", s.Key, false); err != nil {
			return nil, err
		}
		if out.Value, err = c.member(id, "value", name+"Value", s.Value, false); err != nil {
			return nil, err
		}
	case "enum":
		out.Type = "string"
		for _, mn := range s.order {
			value := mn
			if _, err := s.Members[mn].Traits.decode("smithy.api#enumValue", &value); err != nil {
				return nil, fmt.Errorf("%s$%s: %w", id, mn, err)
			}
			out.Enum = append(out.Enum, value)
		}
	case "intEnum":
		// api-2 form has no integer enums: AWS's api-2 models state them
		// as integers, and so does this.
		out.Type = "integer"
	case "string":
		var enum []struct {
			Value string `json:"value"`
		}
		if _, err := s.Traits.decode("smithy.api#enum", &enum); err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		for _, e := range enum {
			out.Enum = append(out.Enum, e.Value)
		}
	case "union", "document", "blob", "boolean", "timestamp",
		"byte", "short", "integer", "long", "float", "double", "bigInteger", "bigDecimal":
		// As they are; the importer refuses those the spec cannot state
		// (union, document, blob, byte, short, big numbers) where an
		// imported operation reaches them.
	case "service", "operation", "resource":
		return nil, fmt.Errorf("%s is a %s, not a shape a member may target", id, s.Type)
	default:
		return nil, fmt.Errorf("%s: shape type %q is not supported", id, s.Type)
	}
	if err := constrain(out, s.Type, s.Traits); err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	return out, nil
}

// member converts a structure member, a list's member or a map's key or
// value. derived is the name of the shape written when the member's
// constraints differ from its target's.
func (c *smithyConv) member(container, mn, derived string, m *smithyMember, inStructure bool) (*a2Ref, error) {
	mid := container + "$" + mn
	if m == nil || m.Target == "" {
		return nil, fmt.Errorf("%s has no target", mid)
	}
	target, err := c.shape(m.Target)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mid, err)
	}
	ref := &a2Ref{Shape: target}
	for _, t := range slices.Sorted(maps.Keys(m.Traits)) {
		if why, ok := unsupportedMemberTraits[t]; ok {
			return nil, fmt.Errorf("%s: %s is not supported: %s", mid, t, why)
		}
	}
	if inStructure {
		var name string
		switch {
		case m.Traits.has("smithy.api#httpLabel"):
			ref.Location, ref.LocationName = "uri", mn
		case m.Traits.has("smithy.api#httpQuery"):
			if _, err := m.Traits.decode("smithy.api#httpQuery", &name); err != nil {
				return nil, fmt.Errorf("%s: %w", mid, err)
			}
			ref.Location, ref.LocationName = "querystring", name
		case m.Traits.has("smithy.api#httpHeader"):
			if _, err := m.Traits.decode("smithy.api#httpHeader", &name); err != nil {
				return nil, fmt.Errorf("%s: %w", mid, err)
			}
			ref.Location, ref.LocationName = "header", name
		}
		ref.IdempotencyToken = m.Traits.has("smithy.api#idempotencyToken")
	}

	// A member's length, range or pattern replaces the target's trait of
	// that name. api-2 form bounds shapes, not members, so a member whose
	// bounds differ from its target's gets a shape of its own.
	base := c.targetTraits(m.Target)
	eff := traits{}
	changed := false
	for _, t := range constraintTraits {
		if v, ok := base[t]; ok {
			eff[t] = v
		}
		if v, ok := m.Traits[t]; ok {
			if !sameJSON(eff[t], v) {
				changed = true
			}
			eff[t] = v
		}
	}
	if !changed {
		return ref, nil
	}
	orig := c.out[target]
	if orig == nil {
		return nil, fmt.Errorf("%s: constraints on a member whose target reaches the member are not supported", mid)
	}
	d := *orig
	d.Min, d.Max, d.Pattern = nil, nil, ""
	smithyType := d.Type // a prelude shape's Smithy type is its api-2 type
	if s := c.shapes[m.Target]; s != nil {
		smithyType = s.Type
	}
	if err := constrain(&d, smithyType, eff); err != nil {
		return nil, fmt.Errorf("%s: %w", mid, err)
	}
	if err := c.claim(derived, mid); err != nil {
		return nil, fmt.Errorf("%s: its constraints differ from its target's, so it needs a shape of its own: %w", mid, err)
	}
	c.out[derived] = &d
	ref.Shape = derived
	return ref, nil
}

// targetTraits are the traits of a member's target (none for the prelude's).
func (c *smithyConv) targetTraits(id string) traits {
	if s := c.shapes[id]; s != nil {
		return s.Traits
	}
	return nil
}

// constrain sets a shape's bounds and pattern from its traits: range for
// numbers, length for the rest.
func constrain(out *a2Shape, smithyType string, t traits) error {
	var bounds struct {
		Min *json.Number `json:"min"`
		Max *json.Number `json:"max"`
	}
	trait := "smithy.api#length"
	if numeric[smithyType] {
		trait = "smithy.api#range"
	}
	if ok, err := t.decode(trait, &bounds); err != nil {
		return err
	} else if ok {
		out.Min, out.Max = bounds.Min, bounds.Max
	}
	var pattern string
	if _, err := t.decode("smithy.api#pattern", &pattern); err != nil {
		return err
	}
	if pattern != "" {
		out.Pattern = wholeValue(pattern)
	}
	return nil
}

// wholeValue turns a Smithy pattern, which may match anywhere in a value
// (an ECMA 262 search), into api-2's form, which matches the whole value:
// each top-level alternative not anchored at an end gets .* there, so
// [a-z]+ becomes .*[a-z]+.* and ^[a-z]+$ stays. AWS's Smithy models wrap
// its api-2 patterns in ^ and $, anchored or not; an anchor so doubled is
// written once (^^ is ^, $$ is $), which gives back the api-2 pattern.
func wholeValue(pattern string) string {
	alts := spec.TopLevelAlternatives(pattern)
	for i, a := range alts {
		for strings.HasPrefix(a, "^^") {
			a = a[1:]
		}
		for endAnchored(a) && endAnchored(a[:len(a)-1]) {
			a = a[:len(a)-1]
		}
		if !strings.HasPrefix(a, "^") {
			a = ".*" + a
		}
		if !endAnchored(a) {
			a += ".*"
		}
		alts[i] = a
	}
	return strings.Join(alts, "|")
}

// endAnchored reports whether a pattern ends with a $ anchor, not with an
// escaped \$.
func endAnchored(a string) bool {
	if !strings.HasSuffix(a, "$") {
		return false
	}
	backslashes := 0
	for i := len(a) - 2; i >= 0 && a[i] == '\\'; i-- {
		backslashes++
	}
	return backslashes%2 == 0
}

func sameJSON(a, b json.RawMessage) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
