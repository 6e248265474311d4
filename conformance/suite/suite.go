// Package suite is the generic runtime of the conformance suite: it sends
// cases to a target (the real AWS endpoint or a fake) as signed raw HTTP
// requests, checks every answer against the contract (the spec's response
// schemas via kin-openapi, the error table, the case's own expectation)
// and reports the results as text, JUnit, JSON or HTML.
//
// Cases are data: the generator (generator.GenerateSuite) turns the spec
// model into a table of Case values and a Contract; this package
// interprets them, and runs the generated cases and hand-written ones
// alike. It knows nothing of the service under test. What a run needs
// made before its cases run (live resources whose identifiers fill
// the ${live:...} placeholders of bodies, resources of a case's own, what
// a listing must hold) and what it must delete afterwards come from the
// hooks of a Suite (Setup, Prepare) and of a Runner (SetLive, Provide,
// KnowListing, Observe, AddCleanup): package behaviour hangs the service's
// own rules on them.
//
// The files follow a run: probe.go (is the target an AWS JSON service at
// all), setup_target.go and setup.go (a runner starts: the target's
// defaults, the hooks), runner.go (the cases run), send.go (one request
// and its answer), check.go (an answer judged against the contract and
// the case), known.go (judged only in what the spec knows, so that an
// implementation newer than the spec passes), lists.go (the filter and pagination cases), custom.go (what
// a hand-written case calls), cleanup.go (the cleanups hooks registered),
// report.go and report_html.go (the results written down), gotest.go (a
// run as go test subtests). suite.go and members.go are the data the
// generator writes.
package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Contract is what the spec says about the service as a whole, as the
// generator writes it down for the runtime.
type Contract struct {
	Title       string
	APIVersion  string // the spec's info.version, e.g. 2024-06-20
	SigningName string // SigV4 signing name
	ServiceID   string
	SpecName    string // file the cases were generated from

	// RunTagKey is the tag key the generated stage-creating requests carry,
	// with the run id as value, so every resource a run makes can be found.
	RunTagKey string
	// CaseTagKey is the tag key naming the behaviour case that made a
	// stage; "" when the spec's tags allow no second key.
	CaseTagKey string

	// Sensitive are the member names whose values (participant tokens, say)
	// reports leave out.
	Sensitive []string

	Operations  []Operation
	Errors      []ErrorType // every error type the spec knows
	Identifiers []Identifier
	Enums       []Enum
	Resets      []Reset
	Defaults    []Default
	// Members are every member of every struct the operations reach, with
	// their constraints and valid values.
	Members []Member
}

// Enum is a string enumeration and the members (Struct.member) whose
// values, or list elements, it types.
type Enum struct {
	Name    string
	Values  []string
	Members []string
}

// Reset says: when Struct.Member equals Equals, every other member of the
// struct is reset to its default.
type Reset struct {
	Struct, Member, Equals string
}

// Operation is one operation: its HTTP method and path template, where its
// members travel, and the errors it declares.
type Operation struct {
	Name   string
	Method string // GET, POST, ...; "" means POST
	Path   string // path template, e.g. /tags/{resourceArn}
	// Labels are the members that fill the path's {labels}, Query those
	// that go in the query string, Headers those that go in request
	// headers; the rest travel in the JSON body.
	Labels, Query, Headers []Binding
	// Body says the request has a JSON body. An operation without one
	// sends none when its labels, query and headers take every member a
	// case gives.
	Body       bool
	Errors     []string // declared error types (protocol-level ones are in Contract.Errors)
	Pagination *Pagination
}

// Binding is a request member that travels outside the body: in the URL
// or in a header.
type Binding struct {
	Member string // its name in case bodies
	Name   string // the label, query parameter or header name
	// Sample is a valid value of a label (placeholders allowed), sent when
	// a case's body is not a JSON object (malformed-JSON cases), so the URL
	// still names the operation.
	Sample string
}

// method is the operation's HTTP method.
func (o *Operation) method() string {
	if o.Method == "" {
		return "POST"
	}
	return o.Method
}

// Pagination names the members that page an operation's list.
type Pagination struct {
	InputToken, OutputToken, PageSize, Items string
	MinPageSize, MaxPageSize                 int // bounds of PageSize (0 = none)
}

// ErrorType is an error name and the HTTP status it travels with.
type ErrorType struct {
	Name     string
	Status   int
	Protocol bool // any operation may answer with it
}

// Identifier is a named identifier format with a regexp whose named groups
// read the template's variables (region, account, ...) back out.
type Identifier struct {
	Name     string
	Template string
	Parse    string
}

// Default is the spec's default for Struct.Member, as JSON. Type names the
// struct of an object-valued default, so nested defaults can be applied.
type Default struct {
	Struct, Member string
	JSON           string
	Type           string
}

// Operation returns the named operation, or nil.
func (c *Contract) Operation(name string) *Operation {
	for i := range c.Operations {
		if c.Operations[i].Name == name {
			return &c.Operations[i]
		}
	}
	return nil
}

// Error returns the named error type, or nil when the spec does not know it.
func (c *Contract) Error(name string) *ErrorType {
	for i := range c.Errors {
		if c.Errors[i].Name == name {
			return &c.Errors[i]
		}
	}
	return nil
}

// Allows reports whether op declares the error type, or it is a
// protocol-level one. (The runtime does not fail an answer of another
// type on that alone: see checkContract.)
func (c *Contract) Allows(op, name string) bool {
	if o := c.Operation(op); o != nil && slices.Contains(o.Errors, name) {
		return true
	}
	e := c.Error(name)
	return e != nil && e.Protocol
}

// ProtocolErrors lists the protocol-level error names.
func (c *Contract) ProtocolErrors() []string {
	var out []string
	for _, e := range c.Errors {
		if e.Protocol {
			out = append(out, e.Name)
		}
	}
	return out
}

// EnumOf returns the values of the enum that types Struct.Member (or its
// list elements), or nil when the member is not of an enum.
func (c *Contract) EnumOf(structName, member string) []string {
	key := structName + "." + member
	for _, e := range c.Enums {
		if slices.Contains(e.Members, key) {
			return e.Values
		}
	}
	return nil
}

// Reset returns the reset rule of a struct, if the spec gives one.
func (c *Contract) Reset(structName string) (Reset, bool) {
	for _, r := range c.Resets {
		if r.Struct == structName {
			return r, true
		}
	}
	return Reset{}, false
}

// Identifier returns the named identifier format, or nil.
func (c *Contract) Identifier(name string) *Identifier {
	for i := range c.Identifiers {
		if c.Identifiers[i].Name == name {
			return &c.Identifiers[i]
		}
	}
	return nil
}

// Default returns the JSON default of Struct.Member, if the spec gives one.
func (c *Contract) Default(structName, member string) (Default, bool) {
	for _, d := range c.Defaults {
		if d.Struct == structName && d.Member == member {
			return d, true
		}
	}
	return Default{}, false
}

// Kind says how the runtime runs a case.
type Kind string

// The kinds of case.
const (
	// KindRequest sends Body once and checks the answer against Expect.
	KindRequest Kind = "request"
	// KindShape sends Body (live identifiers filled in) and wants a 200
	// whose body validates against the spec.
	KindShape Kind = "shape"
	// KindTimestamp is a shape case that also checks that every value at
	// ResponsePath is an ISO 8601 timestamp string.
	KindTimestamp Kind = "timestamp"
	// KindFilter lists with Filter set to Value and wants exactly the items
	// of the unfiltered list whose Field equals it.
	KindFilter Kind = "filter"
	// KindPagination pages through the list with PageSize items a page and
	// wants every item of the list exactly once, no page over PageSize and
	// no nextToken on the last page.
	KindPagination Kind = "pagination"
	// KindCustom runs Custom, a hand-written check.
	KindCustom Kind = "custom"
)

// Expect is what a KindRequest case wants back.
type Expect string

// The expectations of a request case.
const (
	// ExpectAccepted: the input is valid, so the request must succeed
	// (200), or answer one of the case's AcceptErrors: the errors that
	// show the input passed validation when the value under test is a
	// made-up identifier, which names nothing (a ResourceNotFoundException).
	// Any other answer fails it: a target that refuses everything (a 403
	// for a signature it does not take, say) accepts nothing.
	ExpectAccepted Expect = "accepted"
	// ExpectError: the answer must be error Error, with the spec's status,
	// and its message must name each of Paths.
	ExpectError Expect = "error"
	// ExpectSuccess: the answer must be 200.
	ExpectSuccess Expect = "success"
)

// Where the rule a case checks comes from (Case.Source). docs/contract.md
// lists the rules with their sources.
const (
	// SourceModel: AWS's service model states it (a member, its type and
	// constraints, an enum, a required member, an error, pagination).
	SourceModel = "model"
	// SourceDocumented: AWS's documentation or its CLI examples show it
	// (a request default, say), though the model cannot state it.
	SourceDocumented = "documented"
	// SourceInferred: our reading of the service where nothing public
	// states it (the echo of defaults in token answers, say).
	SourceInferred = "inferred"
)

// Case is one conformance check.
type Case struct {
	Name      string // stable and readable: CreateStage/name/maxLength/over
	Operation string
	Member    string // member path in case-name form: participantTokenConfigurations[].duration
	Rule      string // the rule under test: maxLength, required, wrong-type, ...
	Kind      Kind
	// Source says where the rule comes from: SourceModel, SourceDocumented
	// or SourceInferred. "" counts as SourceInferred (see CaseSource).
	Source string

	// Body is the JSON request body. ${name} placeholders are filled in at
	// run time: ${region}, ${account}, ${runId}, and ${live:Type} for an
	// identifier of a resource the setup made (live:StageArn, ...). A case
	// whose live value is missing is skipped or failed with the reason.
	Body string

	Expect Expect
	Error  string   // ExpectError: the error type
	Paths  []string // ExpectError: member paths, as AWS writes them, the message must name
	// AcceptErrors are, for an ExpectAccepted case whose value under test
	// is a made-up identifier, the error types that also show the request
	// accepted: the identifier passed validation and names nothing.
	AcceptErrors []string

	// ResponsePath locates values in the response (KindTimestamp):
	// member names, and "[]" for every element of a list.
	ResponsePath []string

	// KindFilter: the request filter member, the item member it matches and
	// the filter value as JSON. With EachPresent, the case also tries every
	// distinct value of Field in the unfiltered list.
	Filter, Field, Value string
	EachPresent          bool

	// PageSize is the page size a KindPagination case pages with.
	PageSize int

	// Custom runs a KindCustom case.
	Custom func(ctx context.Context, r *Runner, c *Case) *Failure

	// Needs are what the case needs made for it alone before it runs
	// (KindRequest, KindShape and KindTimestamp cases): a case that deletes
	// a resource deletes one of its own, not the live one other cases
	// point at.
	Needs []Need

	// Alone runs the case while no other case of the runner runs: it
	// changes what other cases would see (an account's quota, say), or
	// pages through a list that other cases grow.
	Alone bool
}

// Sources lists the sources, the most proven first.
var Sources = []string{SourceModel, SourceDocumented, SourceInferred}

// CaseSource is the case's Source, with "" read as SourceInferred: a rule
// nobody has traced to AWS's model or documentation is our reading. Every
// case of this repository sets its Source (a test holds that); a case a
// user adds by hand may not.
func (c *Case) CaseSource() string {
	if c.Source == "" {
		return SourceInferred
	}
	return c.Source
}

// ParseSources reads a comma-separated list of sources (model,documented,
// say); an unknown one is an error.
func ParseSources(list string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(Sources, s) {
			return nil, fmt.Errorf("unknown rule source %q: use %s", s, strings.Join(Sources, ", "))
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// SelectSources returns the cases whose source (CaseSource) is one of
// sources (all when sources is empty).
func SelectSources(cases []Case, sources []string) []Case {
	if len(sources) == 0 {
		return cases
	}
	var out []Case
	for i := range cases {
		if slices.Contains(sources, cases[i].CaseSource()) {
			out = append(out, cases[i])
		}
	}
	return out
}

// Need is one thing a case needs provisioned: the provisioner named
// Provisioner (registered with Runner.Provide) makes it for the case, and
// its value fills the placeholder ${Placeholder} of the case's body
// instead of the run's shared value.
type Need struct {
	Placeholder string // e.g. live:StageArn
	Provisioner string
}

// Suite is everything a run needs: the contract, the cases and the spec
// (for kin-openapi response validation), and the hooks that know the
// service.
type Suite struct {
	Contract *Contract
	Cases    []Case
	Spec     *openapi3.T

	// Prepare, when set, completes a target before the runtime fills in
	// its defaults: it may give it a Seeder or Credentials (those of a
	// fake it recognises, say).
	Prepare func(ctx context.Context, t Target) Target
	// Setup, when set, runs once as a runner starts, before any case: it
	// makes the live resources the cases point at and registers the
	// provisioners, listings, observers and cleanups of the run with r.
	// What it returns is the run's state, for custom cases (Runner.State).
	Setup func(ctx context.Context, r *Runner) any
}

// Validate reports a suite whose cases refer to operations or error types
// its contract does not have, or that repeat a name.
func (s *Suite) Validate() error {
	if s.Contract == nil || s.Spec == nil {
		return fmt.Errorf("suite: a suite needs a contract and a spec")
	}
	seen := map[string]bool{}
	for _, c := range s.Cases {
		if seen[c.Name] {
			return fmt.Errorf("suite: two cases are named %q", c.Name)
		}
		seen[c.Name] = true
		if s.Contract.Operation(c.Operation) == nil {
			return fmt.Errorf("suite: case %s: unknown operation %q", c.Name, c.Operation)
		}
		if c.Expect == ExpectError && s.Contract.Error(c.Error) == nil {
			return fmt.Errorf("suite: case %s: unknown error type %q", c.Name, c.Error)
		}
		for _, e := range c.AcceptErrors {
			if c.Expect != ExpectAccepted || s.Contract.Error(e) == nil {
				return fmt.Errorf("suite: case %s: accept error %q: only an accepted case takes one, of a type the contract knows", c.Name, e)
			}
		}
		if c.Source != "" && !slices.Contains(Sources, c.Source) {
			return fmt.Errorf("suite: case %s: unknown source %q", c.Name, c.Source)
		}
		if c.Kind == KindCustom && c.Custom == nil {
			return fmt.Errorf("suite: case %s: a custom case needs Custom", c.Name)
		}
		for _, n := range c.Needs {
			if n.Placeholder == "" || n.Provisioner == "" {
				return fmt.Errorf("suite: case %s: a need names a placeholder and a provisioner", c.Name)
			}
		}
	}
	return nil
}

// DefaultValue decodes the default of Struct.Member, with the defaults of
// an object-valued default's own members applied.
func (c *Contract) DefaultValue(structName, member string) (any, bool) {
	d, ok := c.Default(structName, member)
	if !ok {
		return nil, false
	}
	var v any
	if err := json.Unmarshal([]byte(d.JSON), &v); err != nil {
		return nil, false
	}
	if m, ok := v.(map[string]any); ok && d.Type != "" {
		c.ApplyDefaults(d.Type, m)
	}
	return v, true
}

// ApplyDefaults fills the members of m (an object of struct structName)
// that are absent and have a default.
func (c *Contract) ApplyDefaults(structName string, m map[string]any) {
	for _, d := range c.Defaults {
		if d.Struct != structName {
			continue
		}
		if _, ok := m[d.Member]; ok {
			continue
		}
		if v, ok := c.DefaultValue(d.Struct, d.Member); ok {
			m[d.Member] = v
		}
	}
}

// LiveName is the placeholder name of the live value of Struct.member:
// live:<its identifier format>, as the generated case bodies write it.
func (c *Contract) LiveName(structName, member string) string {
	if m := c.Member(structName, member); m != nil && m.Identifier != "" {
		return "live:" + m.Identifier
	}
	return "live:" + structName + "." + member
}
