package suite

import (
	"context"
	"crypto/rand"
	"regexp"
	"strconv"
	"strings"
	"sync"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/getkin/kin-openapi/routers"
)

// This file is a runner's start: the target's defaults, the suite's Setup,
// and the hooks through which Setup tells the runtime what the run made
// (live values), what it can make for a case alone (provisioners), what a
// listing must hold, what each answer made (observers) and what to delete
// at the end (cleanups).

// Runner runs cases against one target. It is safe for concurrent use
// once NewRunner has returned.
type Runner struct {
	target Target
	suite  *Suite
	signer *v4.Signer
	routes map[string]*routers.Route
	// kinErr, when set, receives all kin-openapi found wrong with the
	// last answer validated (CheckAnswer reads the enum values in it).
	kinErr *error
	// redacted, when set, says which strings of an answer are secrets a
	// recording replaced (CheckRecordedAnswer): their schemas do not
	// judge them.
	redacted func(string) bool

	// vars fill the ${...} placeholders of bodies; missing says why a live
	// value is absent and whether that skips or fails the cases needing it.
	// Setup writes them; cases only read them.
	vars    map[string]string
	missing map[string]*Failure
	// alone is held for writing by a case that runs alone, for reading by
	// every other case (see Case.Alone).
	alone sync.RWMutex

	// The hooks Setup registered.
	state        any
	provisioners map[string]Provisioner
	listings     []func(op *Operation, body string) *Listing
	observers    []func(ex *Exchange)
	cleanups     []func(ctx context.Context) string
}

// Provisioner makes a resource for case c alone and returns the value
// (an identifier) that fills the placeholder the case's Need names.
type Provisioner func(ctx context.Context, c *Case) (string, *Failure)

// Listing is what a list answer must hold, known in advance (a session
// the setup seeded, say) instead of read from the target's own listing.
type Listing struct {
	// Key is the member of an item that identifies it.
	Key string
	// Items are the items by their key, each with the members whose
	// values the listing must report (others it may report as it likes).
	Items map[string]map[string]any
	// Lacks, when set, is why the listing holds no item of some kind: a
	// filter case whose value matches nothing says so when it skips.
	Lacks string
}

// RunID is the id of this run: the value of the run tag on every resource it creates.
func (r *Runner) RunID() string { return r.vars["runId"] }

// Target returns the target as resolved (defaults filled in).
func (r *Runner) Target() Target { return r.target }

// Contract returns the contract of the suite the runner runs.
func (r *Runner) Contract() *Contract { return r.suite.Contract }

// State is what the suite's Setup returned for this run (nil without one).
func (r *Runner) State() any { return r.state }

// NewRunner resolves the target's defaults (after the suite's Prepare),
// prepares response validation from the suite's spec and runs the suite's
// Setup, which makes the live resources the cases point at. A setup that
// fails does not fail NewRunner: the cases that need what it could not
// make fail or skip with its reason (SetMissing). An error means the
// runner cannot run at all.
func NewRunner(ctx context.Context, target Target, s *Suite) (*Runner, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	t, err := resolve(ctx, target, s.Prepare)
	if err != nil {
		return nil, err
	}
	r := &Runner{target: t, suite: s, signer: newSigner(), missing: map[string]*Failure{}, provisioners: map[string]Provisioner{}}
	if r.routes, err = buildRoutes(s); err != nil {
		return nil, err
	}
	r.vars = map[string]string{
		"region":   t.Region,
		accountVar: defaultAccount,
		"runId":    "run-" + randomAlnum(12),
	}
	if s.Setup != nil {
		r.state = s.Setup(ctx, r)
	}
	return r, nil
}

// defaultAccount goes into made-up identifiers until the setup learns the
// target's own account from an identifier it mints (LearnVars).
const defaultAccount = "123456789012"

// SetLive sets the value of placeholder ${name} (runId included: a Setup
// may fit it to what the service's tags allow). Setup calls it; cases
// only read.
func (r *Runner) SetLive(name, value string) {
	r.vars[name] = value
	delete(r.missing, name)
}

// SetMissing records why the live values names could not be made: the
// cases that need one are blocked (f is the setup's failure, not theirs),
// or skip when f says so, with f's reason.
func (r *Runner) SetMissing(f *Failure, names ...string) {
	f = Block(f)
	for _, n := range names {
		r.missing[n] = f
	}
}

// Copy is a copy of f (nil for nil): a failure the setup recorded is
// every case's that needs its value, and one that words it its own way
// (prefixing a step of its own) must not reword it for the others.
func (f *Failure) Copy() *Failure {
	if f == nil {
		return nil
	}
	c := *f
	return &c
}

// Var returns the value of placeholder ${name}, if the run has one.
func (r *Runner) Var(name string) (string, bool) {
	v, ok := r.vars[name]
	return v, ok
}

// Live returns a live value the setup made, or why there is none.
func (r *Runner) Live(name string) (string, *Failure) {
	if v, ok := r.vars[name]; ok {
		return v, nil
	}
	if f := r.missing[name]; f != nil {
		return "", f.Copy()
	}
	return "", Failf(nil, "the setup made no ${%s}", name)
}

// Provide registers the provisioner that Needs name. Setup calls it.
func (r *Runner) Provide(name string, p Provisioner) { r.provisioners[name] = p }

// KnowListing registers what some list answers must hold: known returns
// the Listing of a list operation's request body (placeholders not yet
// filled in), or nil when the listing is the target's to tell. The filter
// and pagination cases compare against it. Setup calls it.
func (r *Runner) KnowListing(known func(op *Operation, body string) *Listing) {
	r.listings = append(r.listings, known)
}

// Observe registers fn to see every exchange the runner sends that the
// target answered, whoever sent it (a generated case, a custom one, the
// setup, a cleanup): so that whoever knows which operations make resources
// can note them for its cleanup. fn may be called concurrently. Setup
// calls it.
func (r *Runner) Observe(fn func(ex *Exchange)) { r.observers = append(r.observers, fn) }

// AddCleanup registers a cleanup, run by Cleanup in the order registered
// (a resource made early may be in use by one made later, so whoever
// registers orders them). It returns the line a report prints, "" for
// none. Setup calls it.
func (r *Runner) AddCleanup(fn func(ctx context.Context) string) {
	r.cleanups = append(r.cleanups, fn)
}

var placeholder = regexp.MustCompile(`\$\{([a-zA-Z]+(?::[a-zA-Z]+)?)\}`)

// The kinds of placeholder whose value the runtime makes up itself, from
// the contract's identifier formats, fresh at each use: ${unknown:Format}
// is a well-formed identifier of the format that names nothing (Mint), and
// ${foreign:Format} one of another account (MintForeign). ${live:Format}
// and ${deleted:Format} name resources the suite's Setup made (and
// deleted), through SetLive.
const (
	PlaceholderLive    = "live"
	PlaceholderUnknown = "unknown"
	PlaceholderForeign = "foreign"
	PlaceholderDeleted = "deleted"
)

// Placeholder is the placeholder ${kind:format} of a case body.
func Placeholder(kind, format string) string { return "${" + kind + ":" + format + "}" }

// Expand fills a body's placeholders. A missing live value gives the
// Failure the setup recorded for it (a skip when no Seeder could make it).
func (r *Runner) Expand(body string) (string, *Failure) { return r.expand(body) }

func (r *Runner) expand(body string) (string, *Failure) {
	var miss *Failure
	out := placeholder.ReplaceAllStringFunc(body, func(m string) string {
		name := m[2 : len(m)-1]
		if v, ok := r.vars[name]; ok {
			return v
		}
		if kind, format, ok := strings.Cut(name, ":"); ok && (kind == PlaceholderUnknown || kind == PlaceholderForeign) {
			mint := r.Mint
			if kind == PlaceholderForeign {
				mint = r.MintForeign
			}
			v, f := mint(format)
			if f == nil {
				return v
			}
			if miss == nil {
				miss = f
			}
			return m
		}
		if miss == nil {
			miss = r.missing[name].Copy()
			if miss == nil {
				miss = Failf(nil, "the body needs ${%s}, which nothing provides", name)
			}
		}
		return m
	})
	return out, miss
}

// provision fills the placeholders of the case's Needs with what their
// provisioners make for it.
func (r *Runner) provision(ctx context.Context, c *Case) (string, *Failure) {
	body := c.Body
	for _, n := range c.Needs {
		p := r.provisioners[n.Provisioner]
		if p == nil {
			return "", Failf(nil, "the case needs a %s, which no provisioner of the suite makes", n.Provisioner)
		}
		v, f := p(ctx, c)
		if f != nil {
			return "", Block(f) // making what the case needs failed, not the case
		}
		body = strings.ReplaceAll(body, "${"+n.Placeholder+"}", v)
	}
	return body, nil
}

// listing is what the list answer of op to body must hold, when a hook
// knows it.
func (r *Runner) listing(op *Operation, body string) *Listing {
	for _, known := range r.listings {
		if l := known(op, body); l != nil {
			return l
		}
	}
	return nil
}

// LearnVars reads the template variables (region, account) of an
// identifier the target minted, so made-up identifiers look like its own.
// Formats without variables are skipped: one such as {alnum:12} parses
// anything, and would hide the format that names them. Setup calls it.
func (r *Runner) LearnVars(id string) {
	for _, ident := range r.suite.Contract.Identifiers {
		re, err := regexp.Compile(ident.Parse)
		if err != nil || re.NumSubexp() == 0 {
			continue
		}
		m := re.FindStringSubmatch(id)
		if m == nil {
			continue
		}
		for i, name := range re.SubexpNames() {
			if name != "" && m[i] != "" {
				r.vars[name] = m[i]
			}
		}
		return
	}
}

var templateVar = regexp.MustCompile(`\{([a-zA-Z]+)(?::(\d+))?\}`)

// Mint makes a well-formed identifier of the named format that the target
// did not mint: random where the template is random, the target's own
// region and account where it names them.
func (r *Runner) Mint(name string) (string, *Failure) {
	return r.MintWith(name, nil)
}

// MintForeign makes a well-formed identifier of the named format in the
// run's region and another account (OtherAccount of the run's): one the
// caller may not use. A format without an {account} variable cannot name
// another account.
func (r *Runner) MintForeign(name string) (string, *Failure) {
	id := r.suite.Contract.Identifier(name)
	if id == nil {
		return "", Failf(nil, "the contract has no identifier format %s", name)
	}
	if !strings.Contains(id.Template, "{"+accountVar+"}") {
		return "", Failf(nil, "identifier format %s names no account: %s", name, id.Template)
	}
	return r.MintWith(name, map[string]string{accountVar: OtherAccount(r.vars[accountVar])})
}

// accountVar is the template variable of identifiers that names the
// account (AWS's ARNs: arn:aws:ivs:{region}:{account}:...).
const accountVar = "account"

// OtherAccount is an account id of the same form as account that is not
// account: its last character moved on by one (a digit to the next digit,
// a letter to the next letter).
func OtherAccount(account string) string {
	if account == "" {
		return ""
	}
	last := account[len(account)-1]
	switch {
	case last >= '0' && last <= '9':
		return account[:len(account)-1] + string(rune('0'+(last-'0'+1)%10))
	case last >= 'a' && last <= 'z':
		return account[:len(account)-1] + string(rune('a'+(last-'a'+1)%26))
	case last >= 'A' && last <= 'Z':
		return account[:len(account)-1] + string(rune('A'+(last-'A'+1)%26))
	}
	return account[:len(account)-1] + "0"
}

// MintWith is Mint with the template variables vars gives (another
// account, say) instead of the run's.
func (r *Runner) MintWith(name string, vars map[string]string) (string, *Failure) {
	id := r.suite.Contract.Identifier(name)
	if id == nil {
		return "", Failf(nil, "the contract has no identifier format %s", name)
	}
	var miss *Failure
	out := templateVar.ReplaceAllStringFunc(id.Template, func(m string) string {
		sub := templateVar.FindStringSubmatch(m)
		if sub[2] != "" {
			n, _ := strconv.Atoi(sub[2])
			return randomAlnum(n)
		}
		if v, ok := vars[sub[1]]; ok {
			return v
		}
		if v, ok := r.vars[sub[1]]; ok {
			return v
		}
		miss = Failf(nil, "identifier %s needs {%s}, which the suite does not know", name, sub[1])
		return m
	})
	return out, miss
}

// FormatRegexp matches exactly the identifiers of the named format:
// literal parts as written, {alnum:N} as N letters and digits, a variable
// as the value vars gives it, else as anything without ':' or '/'.
func (c *Contract) FormatRegexp(name string, vars map[string]string) (*regexp.Regexp, *Failure) {
	id := c.Identifier(name)
	if id == nil {
		return nil, Failf(nil, "the contract has no identifier format %s", name)
	}
	var b strings.Builder
	b.WriteString("^")
	rest := id.Template
	for {
		loc := templateVar.FindStringSubmatchIndex(rest)
		if loc == nil {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:loc[0]]))
		v := rest[loc[2]:loc[3]]
		switch {
		case loc[4] >= 0:
			b.WriteString("[a-zA-Z0-9]{" + rest[loc[4]:loc[5]] + "}")
		case vars[v] != "":
			b.WriteString(regexp.QuoteMeta(vars[v]))
		default:
			b.WriteString("[^:/]+")
		}
		rest = rest[loc[1]:]
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, Failf(nil, "identifier format %s: %v", name, err)
	}
	return re, nil
}

func randomAlnum(n int) string {
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}
