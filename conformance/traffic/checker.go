package traffic

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/rules"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsapi"
)

// Finding is one thing an exchange shows about a rule.
type Finding struct {
	Seq       int
	Operation string
	// Check names what was checked in the suite's case-name form
	// (CreateStage/defaults/stage.tags), so that rules.Contract().For(Check)
	// finds the row of contract.md it checks.
	Check    string
	Rule     *rules.Rule // that row (the first For finds), nil when none
	Confirms bool        // true: the traffic agrees with the rule; false: a violation (unless Note)
	// Note marks what the spec cannot judge either way: a value no enum
	// of the spec lists may be wrong or newer than the spec (AWS adds
	// values), so it is reported, never counted for or against a rule.
	Note    bool
	Message string // one line: what was seen, against what
}

// Checker judges exchanges against one suite's spec and contract, and
// requests against the fake's generated validation.
type Checker struct {
	s       *suite.Suite
	c       *suite.Contract
	rules   *rules.Set
	handler http.Handler
	// filters maps an operation to its filters and the item member each
	// compares, as the suite's filter cases say.
	filters map[string]map[string]string
	cases   map[string]bool // the suite's case names
	// Region is the region the clients called, where the requests do not
	// say it (a cassette's redacted Authorization); "" accepts any.
	Region string
}

// NewChecker judges against s (conformance.Suite() or SuiteFor).
func NewChecker(s *suite.Suite) (*Checker, error) {
	if s == nil || s.Contract == nil || s.Spec == nil {
		return nil, fmt.Errorf("traffic: a checker needs a suite with its contract and spec")
	}
	c := &Checker{s: s, c: s.Contract, rules: rules.Contract(), filters: map[string]map[string]string{}, cases: map[string]bool{}}
	c.handler = ivsapi.NewHandler(reachedBackend, ivsapi.Options{})
	for _, k := range s.Cases {
		c.cases[k.Name] = true
		if k.Kind == suite.KindFilter && k.Filter != "" && k.Field != "" {
			if c.filters[k.Operation] == nil {
				c.filters[k.Operation] = map[string]string{}
			}
			c.filters[k.Operation][k.Filter] = k.Field
		}
	}
	return c, nil
}

// finding makes a finding of ex for check, with its rule.
func (c *Checker) finding(ex *cassette.Exchange, check string, confirms bool, format string, args ...any) Finding {
	return Finding{Seq: ex.Seq, Operation: ex.Operation, Check: check, Rule: c.rules.First(check), Confirms: confirms, Message: fmt.Sprintf(format, args...)}
}

// Exchange is everything checkable from one exchange: what the spec says
// of its request against what the upstream answered, its answer against
// the spec, and the rules traffic alone can show (defaults echoed, a
// filter kept, page sizes, identifiers' formats). An exchange with no
// operation (a control call, a path of no operation) or no answer gives
// none.
func (c *Checker) Exchange(ex *cassette.Exchange) []Finding {
	if ex.Operation == "" {
		if u, err := url.Parse(ex.Request.URI); err == nil {
			ex.Operation = Operation(ex.Request.Method, u.EscapedPath())
		}
	}
	if ex.Operation == "" || ex.Control || ex.Response.Status == 0 || c.c.Operation(ex.Operation) == nil {
		return nil
	}
	var out []Finding
	out = append(out, c.requestFindings(ex)...)
	out = append(out, c.answerFindings(ex)...)
	if ex.Response.Status == http.StatusOK {
		out = append(out, c.ruleFindings(ex)...)
	}
	return out
}

// requestFindings compare what the spec would refuse of the request with
// what the upstream did.
func (c *Checker) requestFindings(ex *cassette.Exchange) []Finding {
	req := httptest.NewRequest(ex.Request.Method, ex.Request.URI, nil)
	req.Header = ex.Request.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	ref := c.Request(ex.Operation, req, []byte(ex.Request.Body))
	status := ex.Response.Status
	got := errorTypeIn(ex.Response.Header)
	refusedAsInput := got == "ValidationException" || got == "SerializationException"
	op := ex.Operation
	switch {
	case ref != nil && status == http.StatusOK:
		return []Finding{c.finding(ex, c.refusalCheck(op, ref.ErrorType, ref.Message), false,
			"the upstream accepted (200) a request the spec refuses: %s: %s", ref.ErrorType, ref.Message)}
	case ref != nil && (refusedAsInput || status == ref.Status) && got != ref.ErrorType:
		// Refused at the status of the spec's refusal (400) but as
		// another type, one the spec may not know at all: a client
		// that handles ValidationException misses it. An error of
		// another status (AccessDenied, Throttling) may come before
		// validation, and says nothing of it.
		return []Finding{c.finding(ex, c.refusalCheck(op, ref.ErrorType, ref.Message), false,
			"the upstream refused with %s where the spec refuses with %s: %s", got, ref.ErrorType, ref.Message)}
	case ref != nil && refusedAsInput:
		return []Finding{c.finding(ex, c.refusalCheck(op, ref.ErrorType, ref.Message), true,
			"the upstream refused with %s, as the spec does: %s", got, ref.Message)}
	case ref == nil && refusedAsInput:
		// Only a refusal that names a constraint of the kind the spec
		// states (a length, a pattern, a range, a required member, an
		// enum, a JSON type) contradicts it: a service refuses for rules
		// no schema states too (a page token of another listing, a key
		// on the wrong curve), which traffic alone cannot judge.
		msg := messageOf([]byte(ex.Response.Body))
		check := c.refusalCheck(op, got, msg)
		if strings.HasSuffix(check, "/errors/ValidationException") || strings.HasSuffix(check, "/json/malformed") {
			return nil
		}
		return []Finding{c.finding(ex, check, false,
			"the upstream refused with %s a request the spec accepts: %s", got, msg)}
	}
	return nil
}

// refusalCheck is refusalCheck with the list and map members the
// contract knows named by their own rules (maxItems, maxProperties).
func (c *Checker) refusalCheck(op, errType, msg string) string {
	check := refusalCheck(op, errType, msg)
	parts := strings.Split(check, "/")
	if len(parts) != 4 || parts[2] != "maxLength" && parts[2] != "minLength" {
		return check
	}
	name := parts[1][strings.LastIndexAny(parts[1], ".]")+1:]
	for _, m := range c.c.Members {
		if m.Name != name {
			continue
		}
		switch m.Kind {
		case "list":
			return strings.Join([]string{op, parts[1], strings.Replace(parts[2], "Length", "Items", 1), parts[3]}, "/")
		case "map":
			return strings.Join([]string{op, parts[1], "maxProperties", parts[3]}, "/")
		}
	}
	return check
}

// answerFindings hold the answer to the spec (CheckAnswer).
func (c *Checker) answerFindings(ex *cassette.Exchange) []Finding {
	sx := &suite.Exchange{Op: ex.Operation, Method: ex.Request.Method, Target: ex.Request.URI, Body: ex.Request.Body,
		Status: ex.Response.Status, Header: ex.Response.Header, Resp: []byte(ex.Response.Body)}
	if sx.Header == nil {
		sx.Header = http.Header{}
	}
	if sx.Status != http.StatusOK {
		sx.ErrType = errorTypeIn(sx.Header)
		sx.Message = messageOf(sx.Resp)
	}
	// A cassette's answers carry marks for their secrets (a stream key),
	// which no schema of theirs allows; the live proxy's carry none.
	f, newer, err := c.s.CheckRecordedAnswer(ex.Operation, sx, cassette.IsRedacted)
	check := ex.Operation + "/shape/success"
	if sx.Status != http.StatusOK {
		check = ex.Operation + "/errors/ValidationException"
	}
	switch {
	case err != nil:
		return nil
	case f != nil:
		return []Finding{c.finding(ex, check, false, "%s", f.Reason)}
	case sx.Status == http.StatusOK:
		if len(newer) > 0 {
			// A run passes these (a service newer than the spec may answer
			// them): a note, which fails nothing, and the rest of the
			// answer still matches.
			note := c.finding(ex, check, false, "the 200 answer holds a value no enum of the spec lists (a wrong value, or one newer than the spec): %s", strings.Join(newer, "; "))
			note.Note = true
			return []Finding{note, c.finding(ex, check, true, "the 200 answer matches the spec, but for the values no enum of the spec lists")}
		}
		return []Finding{c.finding(ex, check, true, "the 200 answer matches the spec")}
	case sx.ErrType == "ValidationException":
		return []Finding{c.finding(ex, check, true, "the %s answer is in AWS's form", sx.ErrType)}
	}
	return nil
}

// ruleFindings are the rules a successful answer shows.
func (c *Checker) ruleFindings(ex *cassette.Exchange) []Finding {
	var req, resp any
	if json.Unmarshal([]byte(ex.Response.Body), &resp) != nil {
		return nil
	}
	reqObj := map[string]any{}
	if json.Unmarshal([]byte(ex.Request.Body), &req) == nil {
		if m, ok := req.(map[string]any); ok {
			reqObj = m
		}
	}
	// Members that travel in the query string count as given too.
	if u, err := url.Parse(ex.Request.URI); err == nil {
		if o := c.c.Operation(ex.Operation); o != nil {
			for _, b := range o.Query {
				if v := u.Query().Get(b.Name); v != "" {
					reqObj[b.Member] = v
				}
			}
		}
	}
	var out []Finding
	out = append(out, c.defaults(ex, reqObj, resp)...)
	out = append(out, c.lists(ex, reqObj, resp)...)
	out = append(out, c.identifiers(ex, resp)...)
	return out
}

func canonical(v any) string {
	if v == nil {
		return "absent"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// defaults checks the defaults CreateStage's answer shows, as the suite's
// CreateStage/defaults cases do: the expected values are the contract's.
func (c *Checker) defaults(ex *cassette.Exchange, req map[string]any, resp any) []Finding {
	if ex.Operation != ivscases.OpCreateStage {
		return nil
	}
	var out []Finding
	// want judges a value of type t as the suite's default cases do
	// (Contract.Diff): a struct in the members the spec knows, a map (tags)
	// entry for entry.
	want := func(check, what string, t *suite.Value, def, got any, present bool) {
		if def == nil {
			return
		}
		if present && c.c.Diff(t, def, got) == "" {
			out = append(out, c.finding(ex, check, true, "%s is %s, the default", what, canonical(got)))
			return
		}
		out = append(out, c.finding(ex, check, false, "%s is %s; the default is %s", what, canonical(got), canonical(def)))
	}
	reqStruct := ex.Operation + "Request"
	stage := suite.FirstValue(resp, ivscases.MemberStage)
	stageObj, _ := stage.(map[string]any)
	if _, given := req[ivscases.MemberTags]; !given && stageObj != nil {
		def, _ := c.c.DefaultValue(reqStruct, ivscases.MemberTags)
		got, present := stageObj[ivscases.MemberTags]
		want(ex.Operation+"/defaults/stage.tags", "stage.tags of a stage created without tags", c.c.TypeOf(c.structOf(ex.Operation+"Response", ivscases.MemberStage), ivscases.MemberTags), def, got, present)
	}
	rec := ivscases.MemberAutoParticipantRecordingConfiguration
	given, isGiven := req[rec].(map[string]any)
	gotRec, present := stageObj[rec]
	switch {
	case stageObj == nil:
	case req[rec] == nil:
		def, _ := c.c.DefaultValue(reqStruct, rec)
		want(ex.Operation+"/defaults/stage."+rec, "stage."+rec+" of a stage created without one", c.c.TypeOf(c.structOf(ex.Operation+"Response", ivscases.MemberStage), rec), def, gotRec, present)
	case isGiven && given[ivscases.MemberMediaTypes] == nil:
		def, _ := c.c.DefaultValue(c.structOf(reqStruct, rec), ivscases.MemberMediaTypes)
		m, _ := gotRec.(map[string]any)
		got, ok := m[ivscases.MemberMediaTypes]
		want(ex.Operation+"/defaults/"+rec+"."+ivscases.MemberMediaTypes, "the mediaTypes of a recording configuration given without them", c.c.TypeOf(c.structOf(reqStruct, rec), ivscases.MemberMediaTypes), def, got, ok)
	}
	// A token echoes a default of its configuration where it gives the
	// member at all (one without is no failure, as in the suite).
	configs, _ := req[ivscases.MemberParticipantTokenConfigurations].([]any)
	tokens, _ := suite.FirstValue(resp, ivscases.MemberParticipantTokens).([]any)
	cfgStruct := c.structOf(reqStruct, ivscases.MemberParticipantTokenConfigurations)
	for i, cfg := range configs {
		cm, _ := cfg.(map[string]any)
		if i >= len(tokens) || cm == nil {
			break
		}
		tm, _ := tokens[i].(map[string]any)
		for _, member := range []string{ivscases.MemberDuration, ivscases.MemberCapabilities} {
			if _, given := cm[member]; given {
				continue
			}
			got, present := tm[member]
			if !present {
				continue
			}
			def, _ := c.c.DefaultValue(cfgStruct, member)
			want(ex.Operation+"/defaults/"+ivscases.MemberParticipantTokens+"[]."+member,
				fmt.Sprintf("token %d's %s (its configuration gave none)", i+1, member), c.c.TypeOf(cfgStruct, member), def, got, true)
		}
	}
	return out
}

// structOf is the struct (or list element struct) a member of a struct
// is of, as the contract names it.
func (c *Checker) structOf(structName, member string) string {
	m := c.c.Member(structName, member)
	if m == nil {
		return ""
	}
	if m.Elem != nil && m.Elem.Schema != "" {
		return m.Elem.Schema
	}
	return m.Schema
}

// lists checks a page: no more items than maxResults asked (or its
// default), and, with a filter, only items that match it.
func (c *Checker) lists(ex *cassette.Exchange, req map[string]any, resp any) []Finding {
	op := c.c.Operation(ex.Operation)
	if op == nil || op.Pagination == nil || op.Pagination.Items == "" {
		return nil
	}
	items, ok := suite.FirstValue(resp, op.Pagination.Items).([]any)
	if !ok {
		return nil
	}
	var out []Finding
	if p := op.Pagination.PageSize; p != "" {
		check, limit := ex.Operation+"/pagination/"+p+"-omitted", -1
		if n, ok := number(req[p]); ok {
			check, limit = fmt.Sprintf("%s/pagination/%s=%d", ex.Operation, p, n), n
		} else if def, ok := c.c.DefaultValue(ex.Operation+"Request", p); ok {
			if n, ok := number(def); ok {
				limit = n
			}
		}
		if limit > 0 {
			if len(items) > limit {
				out = append(out, c.finding(ex, check, false, "a page of %d %s, over its %s of %d", len(items), op.Pagination.Items, p, limit))
			} else if len(items) > 0 {
				out = append(out, c.finding(ex, check, true, "a page of %d %s, within its %s of %d", len(items), op.Pagination.Items, p, limit))
			}
		}
	}
	for filter, field := range c.filters[ex.Operation] {
		v, given := req[filter]
		if !given || v == nil || len(items) == 0 {
			continue
		}
		check := ex.Operation + "/filters/" + filter + "=" + fmt.Sprint(v)
		if !c.cases[check] {
			check = ex.Operation + "/filters/" + filter + "=each-present-value"
		}
		bad := 0
		var first any
		for _, it := range items {
			m, _ := it.(map[string]any)
			if fmt.Sprint(m[field]) != fmt.Sprint(v) {
				if bad == 0 {
					first = m[field]
				}
				bad++
			}
		}
		if bad > 0 {
			out = append(out, c.finding(ex, check, false, "%d of %d %s listed with %s=%s do not match it (%s %s)", bad, len(items), op.Pagination.Items, filter, canonical(v), field, canonical(first)))
		} else {
			out = append(out, c.finding(ex, check, true, "all %d %s listed with %s=%s match it", len(items), op.Pagination.Items, filter, canonical(v)))
		}
	}
	return out
}

// number reads a JSON number or a numeric string (a query parameter).
func number(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		return int(x), true
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	return 0, false
}

// identifierChecks are the identifiers whose form a rule of contract.md
// fixes and an answer shows: the case that checks it, where the answer
// holds it, its format.
var identifierChecks = []struct {
	op, check string
	path      []string
	format    string
}{
	{ivscases.OpCreateStage, "behaviour/identifiers/stage-arn-format", []string{ivscases.MemberStage, ivscases.MemberArn}, "StageArn"},
	{ivscases.OpCreateStorageConfiguration, "behaviour/identifiers/arn-format-in-the-request-region", []string{ivscases.MemberStorageConfiguration, ivscases.MemberArn}, "StorageConfigurationArn"},
}

// identifiers checks the identifiers an answer mints against the form of
// their format's template, in the clients' region where it is known.
func (c *Checker) identifiers(ex *cassette.Exchange, resp any) []Finding {
	var out []Finding
	for _, ic := range identifierChecks {
		if ic.op != ex.Operation {
			continue
		}
		id := c.c.Identifier(ic.format)
		s, ok := suite.FirstValue(resp, ic.path...).(string)
		if id == nil || !ok {
			continue
		}
		region := c.Region
		if r := RegionOf(ex.Request.Header.Get("Authorization")); r != "" {
			region = r
		}
		re := templateRegexp(id.Template, region)
		check := ex.Operation + "/" + ic.check
		if re.MatchString(s) {
			out = append(out, c.finding(ex, check, true, "%s %s has the form %s", strings.Join(ic.path, "."), s, id.Template))
		} else {
			where := ""
			if region != "" {
				where = " in region " + region
			}
			out = append(out, c.finding(ex, check, false, "%s %s is not of the form %s%s", strings.Join(ic.path, "."), s, id.Template, where))
		}
	}
	return out
}

var templateVar = regexp.MustCompile(`\{([a-z]+)(?::(\d+))?\}`)

// templateRegexp reads an identifier template (arn:aws:ivs:{region}:
// {account}:stage/{alnum:12}) as a regexp of the whole value.
func templateRegexp(tmpl, region string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, m := range templateVar.FindAllStringSubmatchIndex(tmpl, -1) {
		b.WriteString(regexp.QuoteMeta(tmpl[last:m[0]]))
		name := tmpl[m[2]:m[3]]
		n := ""
		if m[4] >= 0 {
			n = tmpl[m[4]:m[5]]
		}
		switch {
		case name == "region" && region != "":
			b.WriteString(regexp.QuoteMeta(region))
		case name == "region":
			b.WriteString(`[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}`)
		case name == "account":
			b.WriteString(`[0-9]{12}`)
		case n != "":
			b.WriteString(`[A-Za-z0-9]{` + n + `}`)
		default:
			b.WriteString(`[A-Za-z0-9]+`)
		}
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(tmpl[last:]) + "$")
	return regexp.MustCompile(b.String())
}

// credentialScope reads the region of a SigV4 Authorization header's
// credential scope (Credential=AKID/DATE/REGION/SERVICE/aws4_request).
var credentialScope = regexp.MustCompile(`Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/[^/,\s]+/aws4_request`)

// RegionOf is the region of a SigV4 Authorization header, "" for none.
func RegionOf(authorization string) string {
	if m := credentialScope.FindStringSubmatch(authorization); m != nil {
		return m[1]
	}
	return ""
}
