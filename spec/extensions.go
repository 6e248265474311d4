package spec

// The x-ivsrt-* extensions, what the spec says that OpenAPI cannot (doc.go
// describes each). Load checks each where it stands and decodes it once
// into Extensions; nothing else reads them from the document.
const (
	ExtService          = "x-ivsrt-service"
	ExtPaginated        = "x-ivsrt-paginated"
	ExtErrors           = "x-ivsrt-errors"
	ExtProtocolErrors   = "x-ivsrt-protocol-errors"
	ExtMember           = "x-ivsrt-member"
	ExtFilters          = "x-ivsrt-filters"
	ExtResetWhen        = "x-ivsrt-reset-when"
	ExtKeyLength        = "x-ivsrt-key-length"
	ExtMaxTotalBytes    = "x-ivsrt-max-total-bytes"
	ExtIdentifier       = "x-ivsrt-identifier"
	ExtIdentifierOf     = "x-ivsrt-identifier-of"
	ExtSensitive        = "x-ivsrt-sensitive"
	ExtIdempotencyToken = "x-ivsrt-idempotency-token"
	ExtCrossAccount     = "x-ivsrt-cross-account"
	ExtOverlays         = "x-ivsrt-overlays"
)

// Extensions are the x-ivsrt-* extensions of one object of the spec (the
// document, info, an operation, a response, a parameter or a schema), decoded.
// A field is its zero value when the extension is absent.
type Extensions struct {
	// Names lists the extensions the object carries, in spec order.
	Names []string

	Overlays       []AppliedOverlay // info: the overlays the import applied
	Service        *Service         // the document
	Paginated      *Paginated       // an operation
	Errors         []string         // a 4xx or 5xx response: the error types it carries
	ProtocolErrors []ProtocolError  // the default response, in spec order
	Member         string           // a parameter: the input member it fills
	Filters        *Filters         // a request object schema
	ResetWhen      *ResetWhen       // an object schema
	KeyLength      *KeyLength       // a map schema
	MaxTotalBytes  *int             // a map of strings
	Identifier     string           // a string schema: the template
	IdentifierOf   []string         // a string schema
	Sensitive      bool             // a schema or property
	// IdempotencyToken marks a property as the model's idempotency token.
	IdempotencyToken bool
	// CrossAccount marks a request member that may name a resource of
	// another account in the caller's region.
	CrossAccount bool
}

// Has reports whether the object carries the extension name.
func (e *Extensions) Has(name string) bool {
	for _, n := range e.Names {
		if n == name {
			return true
		}
	}
	return false
}

// Service is x-ivsrt-service: who the service is on the wire.
type Service struct {
	Protocol, SigningName, ServiceID, ModelVersion, Endpoint string
}

// AppliedOverlay is one entry of x-ivsrt-overlays: an overlay the import
// applied, by its info, and the model's values it replaced.
type AppliedOverlay struct {
	Title, Version string
	Corrections    []Correction
}

// Correction is a value the model gave that an overlay replaced or
// removed: where (a JSON pointer into the spec) and the model's value.
type Correction struct {
	Pointer string
	Model   any
}

// Paginated is x-ivsrt-paginated: the members that page a list.
type Paginated struct {
	InputToken, OutputToken, PageSize, Items string
}

// ProtocolError is one entry of x-ivsrt-protocol-errors.
type ProtocolError struct {
	Name   string
	Status int
}

// Filters is x-ivsrt-filters: the schema of the listed items, and each
// filter member with the item member it matches, in spec order.
type Filters struct {
	Items string
	Match []FilterMatch
}

// FilterMatch is one entry of x-ivsrt-filters' match.
type FilterMatch struct {
	Filter, Field string
}

// ResetWhen is x-ivsrt-reset-when. Equals is nil when the spec's value is
// not a string (the model refuses that).
type ResetWhen struct {
	Member string
	Equals *string
}

// KeyLength is x-ivsrt-key-length, in characters.
type KeyLength struct {
	Min, Max *int
}

// Extensions returns the extensions of the object at a JSON pointer: the
// object itself, not a $ref to it (resolve the reference first). It never
// returns nil.
func (d *Document) Extensions(pointer string) *Extensions {
	if e := d.ext[pointer]; e != nil {
		return e
	}
	return &Extensions{}
}
