// Package model is the typed intermediate representation between the spec
// and the code emitters: operations, structures, enums, constraints,
// defaults, filters, errors and identifier formats. Emitters read only this
// model and never walk OpenAPI themselves.
package model

// Service is everything the spec says, in spec order.
type Service struct {
	Title        string
	APIVersion   string // info.version, e.g. 2024-06-20
	Protocol     string // restJson1
	SigningName  string
	ServiceID    string
	ModelVersion string
	Endpoint     string

	Operations []*Operation
	Structs    []*Struct // every object schema, in components order
	Enums      []*Enum
	// Identifiers are the named string types that carry an identifier template.
	Identifiers []*Scalar
	// Scalars are the named, constrained string types (StageArn, SessionId, ...).
	Scalars []*Scalar
	// Errors is every error name the spec knows: declared ones first, in order
	// of first use, then the protocol-level ones.
	Errors []*Error
}

// Operation is one operation: an HTTP method on a path template.
type Operation struct {
	Name   string
	Method string // upper case: GET, POST, PUT, DELETE, PATCH
	// Path is the path template, e.g. /tags/{resourceArn}; its labels are
	// the Input members with Location Label, in path order.
	Path string
	// Pointer is the JSON pointer of the operation in the spec
	// (/paths/~1tags~1{resourceArn}/get).
	Pointer string
	Summary string
	// Input holds the parameters (labels, query strings and headers) in
	// spec order, then the body members. It is the body schema's struct, or
	// a struct named <Name>Request made for an operation without a body.
	Input *Struct
	// HasBody says the request has a JSON body (a requestBody, possibly an
	// object with no properties).
	HasBody bool
	// Output holds the headers of the 200 response (members with Location
	// Header) in spec order, then the members of its JSON body.
	Output    *Struct
	Errors    []*Error // declared errors (some may also be protocol-level)
	Paginated *Pagination
}

// Labels returns the input members bound to path labels, in path order.
func (o *Operation) Labels() []*Member { return o.Input.bound(Label) }

// Query returns the input members bound to query parameters, in spec order.
func (o *Operation) Query() []*Member { return o.Input.bound(Query) }

// Headers returns the input members bound to request headers, in spec order.
func (o *Operation) Headers() []*Member { return o.Input.bound(Header) }

// ResponseHeaders returns the output members bound to headers of the 200
// response, in spec order.
func (o *Operation) ResponseHeaders() []*Member { return o.Output.bound(Header) }

// Declares reports whether the operation declares the named error.
func (o *Operation) Declares(name string) bool {
	for _, e := range o.Errors {
		if e.Name == name {
			return true
		}
	}
	return false
}

// Error is an AWS error type and the HTTP status it travels with. An error
// may be both declared by operations and protocol-level
// (InternalServerException).
type Error struct {
	Name     string
	Status   int
	Protocol bool // protocol-level: any operation may answer with it
	Declared bool // some operation declares it
}

// Pagination names the members that page a list (like Smithy's @paginated).
type Pagination struct {
	InputToken  *Member // request member carrying the token
	OutputToken *Member // response member carrying the next token
	PageSize    *Member // request member with the page size
	Items       *Member // response list that is paged
}

// Struct is an object schema.
type Struct struct {
	Name    string
	Doc     string
	Pointer string
	Members []*Member
	// Filters, when set, are mutually exclusive list filters (x-ivsrt-filters).
	Filters *Filters
	// ResetWhen, when set, resets the other members to defaults (x-ivsrt-reset-when).
	ResetWhen *ResetWhen
	// Input and Output say where the struct is used: as (part of) a request,
	// or of a response. A struct may be both.
	Input, Output bool
}

// Member finds a member by its JSON name.
func (s *Struct) Member(name string) *Member {
	for _, m := range s.Members {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// bound returns the members at loc, in order.
func (s *Struct) bound(loc Location) []*Member {
	var out []*Member
	for _, m := range s.Members {
		if m.Location == loc {
			out = append(out, m)
		}
	}
	return out
}

// BodyMembers returns the members that travel in the JSON body.
func (s *Struct) BodyMembers() []*Member { return s.bound(Body) }

// HeaderMembers returns the members that travel in HTTP headers: request
// headers in an input, headers of the 200 response in an output.
func (s *Struct) HeaderMembers() []*Member { return s.bound(Header) }

// Location is where a member travels in a request or an answer.
type Location int

// The places a member can travel in.
const (
	Body  Location = iota // a member of the JSON body
	Label                 // a {label} of the path
	Query                 // a query string parameter (repeated for a list)
	// Header is an HTTP header: of the request for an input member, of the
	// 200 response for an output member. Its value is a string, an
	// integer or a boolean written as text.
	Header
)

func (l Location) String() string { return [...]string{"body", "label", "query", "header"}[l] }

// Member is one property of a struct.
type Member struct {
	Name      string // JSON name (the member name)
	GoName    string
	Doc       string
	Pointer   string
	Required  bool
	Sensitive bool
	// Location says where the member travels in a request or an answer;
	// WireName is its name there (the label, query parameter or header
	// name; Name in a body).
	Location Location
	WireName string
	// IdempotencyToken marks the model's idempotency token
	// (x-ivsrt-idempotency-token).
	IdempotencyToken bool
	// CrossAccount marks a request member that may name a resource of
	// another account of the caller's region (x-ivsrt-cross-account).
	CrossAccount bool
	Type         *Type
	// Default is the JSON value of the spec's default (nil when none): a
	// string, float64, bool, []any or map[string]any as YAML decodes it.
	Default any
}

// Kind is a type's kind.
type Kind int

// The kinds of type the generator handles.
const (
	String Kind = iota
	Integer
	Float
	Boolean
	Timestamp
	List
	Map
	Object
)

func (k Kind) String() string {
	return [...]string{"string", "integer", "float", "boolean", "timestamp", "list", "map", "object"}[k]
}

// Type is a member's type with its constraints.
type Type struct {
	Kind   Kind
	Bits   int     // Integer and Float: 32 or 64
	Scalar *Scalar // String: the named string type, if any
	Enum   *Enum   // String: the enum, if any
	Struct *Struct // Object
	Elem   *Type   // List items, Map values
	Limits Limits  // constraints on this type
}

// Limits are the constraints on a value. Nil pointers mean "no constraint".
type Limits struct {
	MinLength, MaxLength *int     // strings, in characters
	Pattern              *Pattern // strings
	Min, Max             *int64   // integers
	MinFloat, MaxFloat   *float64 // floats
	MinItems, MaxItems   *int     // lists
	MinEntries           *int     // maps
	MaxEntries           *int     // maps
	MinKeyLength         *int     // maps (x-ivsrt-key-length)
	MaxKeyLength         *int     // maps (x-ivsrt-key-length)
	MaxTotalBytes        *int     // string maps (x-ivsrt-max-total-bytes)
}

// Pattern is an anchored regular expression.
type Pattern struct {
	Expr    string // as in the spec, anchored
	Display string // as AWS prints it in messages: anchors dropped where AWS's model has none
}

// Scalar is a named string schema (StageArn, SessionId, ...).
type Scalar struct {
	Name       string
	Doc        string
	Limits     Limits
	Identifier *Identifier
	// IdentifierOf names the scalars with an Identifier whose values this
	// one takes (x-ivsrt-identifier-of): a resource ARN is any taggable
	// resource's ARN.
	IdentifierOf []string
}

// Identifier is a template for minting identifiers: literal text, variables
// the caller supplies, and random letters and digits.
type Identifier struct {
	Template string
	Parts    []IdentifierPart
}

// Vars lists the template's variables in order.
func (id *Identifier) Vars() []string {
	var out []string
	for _, p := range id.Parts {
		if p.Var != "" {
			out = append(out, p.Var)
		}
	}
	return out
}

// IdentifierPart is one piece of a template: exactly one field is set.
type IdentifierPart struct {
	Literal string
	Var     string
	Random  int // count of random letters and digits
}

// Enum is a string enumeration.
type Enum struct {
	Name   string
	Doc    string
	Values []string
}

// Filters are mutually exclusive list filters: at most one may be given, and
// each keeps the items whose Field equals the filter's value.
type Filters struct {
	Items *Struct // the listed element type
	Match []FilterMatch
}

// Names lists the filter members' JSON names in order.
func (f *Filters) Names() []string {
	out := make([]string, len(f.Match))
	for i, m := range f.Match {
		out[i] = m.Filter.Name
	}
	return out
}

// FilterMatch pairs a request filter member with the element member it matches.
type FilterMatch struct {
	Filter *Member // request member
	Field  *Member // element member
}

// ResetWhen says: when Member equals Equals, reset the other members.
type ResetWhen struct {
	Member *Member
	Equals string
}
