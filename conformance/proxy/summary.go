package proxy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ivsrt/contract/conformance/suite"
)

// Summary is what a proxy saw, for its reports at exit.
type Summary struct {
	Upstream   string       `json:"upstream"`
	APIVersion string       `json:"apiVersion"`
	Stats      Stats        `json:"stats"`
	Checks     []CheckCount `json:"checks"`
	Violations []Violation  `json:"violations"`
	// Notes are what the spec cannot judge (Finding.Note), for a reader
	// to look at: they fail nothing.
	Notes []Violation `json:"notes"`
}

// CheckCount is how often the traffic agreed with one check, and broke it.
type CheckCount struct {
	Check      string `json:"check"`
	Operation  string `json:"operation"`
	Rule       string `json:"rule,omitempty"` // contract.md:LINE
	Source     string `json:"source,omitempty"`
	Confirmed  int    `json:"confirmed"`
	Violations int    `json:"violations"`
}

// Violation is one violation as the JSON summary gives it.
type Violation struct {
	Seq       int    `json:"seq"`
	Operation string `json:"operation"`
	Check     string `json:"check"`
	Message   string `json:"message"`
	Rule      string `json:"rule,omitempty"` // contract.md:LINE
	RuleText  string `json:"ruleText,omitempty"`
	Source    string `json:"source,omitempty"`
}

// Summary sums up what the proxy has seen so far.
func (p *Proxy) Summary(apiVersion string) Summary {
	s := Summary{Upstream: p.opts.Upstream.String(), APIVersion: apiVersion, Stats: p.Stats(), Checks: []CheckCount{}, Violations: []Violation{}, Notes: []Violation{}}
	fs := p.Findings()
	counts := map[string]*CheckCount{}
	for _, f := range fs {
		if f.Note {
			s.Notes = append(s.Notes, Violation{Seq: f.Seq, Operation: f.Operation, Check: f.Check, Message: f.Message})
			continue
		}
		cc := counts[f.Check]
		if cc == nil {
			cc = &CheckCount{Check: f.Check, Operation: f.Operation}
			if f.Rule != nil {
				cc.Rule, cc.Source = f.Rule.ID(), f.Rule.Source
			}
			counts[f.Check] = cc
		}
		if f.Confirms {
			cc.Confirmed++
			continue
		}
		cc.Violations++
		v := Violation{Seq: f.Seq, Operation: f.Operation, Check: f.Check, Message: f.Message}
		if f.Rule != nil {
			v.Rule, v.RuleText, v.Source = f.Rule.ID(), f.Rule.Text, f.Rule.Source
		}
		s.Violations = append(s.Violations, v)
	}
	for _, c := range SortedChecks(fs) {
		s.Checks = append(s.Checks, *counts[c])
	}
	return s
}

// WriteText writes the summary as text: the counts, then each check that
// was broken, with its rule.
func (s Summary) WriteText(w io.Writer) error {
	st := s.Stats
	var b strings.Builder
	fmt.Fprintf(&b, "ivsrt proxy to %s: %d requests, %d checked, %d refused (strict), %d without an answer\n", s.Upstream, st.Requests, st.Checked, st.Refused, st.Errors)
	fmt.Fprintf(&b, "%d violations, %d confirmations of %d checks, %d notes\n", st.Violations, st.Confirmed, len(s.Checks), st.Notes)
	for _, c := range s.Checks {
		if c.Violations == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s: %d violated, %d confirmed", c.Check, c.Violations, c.Confirmed)
		if c.Rule != "" {
			fmt.Fprintf(&b, " (%s, %s)", c.Rule, c.Source)
		}
		b.WriteString("\n")
	}
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "  note #%d %s: %s\n", n.Seq, n.Check, n.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the summary as one JSON document.
func (s Summary) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// Results are the summary's checks as the suite's results, one per check:
// failed when the traffic broke it, passed when it only agreed, so the
// suite's reports (the HTML page of conform -html) show them.
func (s Summary) Results() []suite.Result {
	var out []suite.Result
	first := map[string]Violation{}
	for _, v := range s.Violations {
		if _, ok := first[v.Check]; !ok {
			first[v.Check] = v
		}
	}
	for _, c := range s.Checks {
		res := suite.Result{Name: c.Check, Operation: c.Operation, Rule: ruleOf(c.Check), Source: c.Source, Status: suite.Pass}
		if res.Source == "" {
			res.Source = suite.SourceInferred
		}
		if c.Violations > 0 {
			v := first[c.Check]
			res.Status, res.FailureType = suite.Fail, "ContractViolation"
			res.Reason = fmt.Sprintf("%d of %d exchanges broke it; first, #%d: %s", c.Violations, c.Violations+c.Confirmed, v.Seq, v.Message)
			if v.Rule != "" {
				res.Detail = v.Rule + ": " + v.RuleText
			}
		}
		out = append(out, res)
	}
	return out
}

// ruleOf is the rule a check's name says, as the suite's cases name
// their rules (the HTML grid's families).
func ruleOf(check string) string {
	parts := strings.Split(check, "/")
	switch {
	case len(parts) < 2:
		return ""
	case parts[1] == "defaults":
		return "default"
	case parts[1] == "shape":
		return "shape"
	case parts[1] == "errors":
		return "error-contract"
	case parts[1] == "filters":
		return "filters"
	case parts[1] == "pagination":
		return "pagination"
	case parts[1] == "json":
		return "json"
	case len(parts) > 2 && parts[2] == "identifiers":
		return "identifier"
	case len(parts) > 2:
		return parts[2]
	}
	return ""
}

// WriteHTML writes the summary as the HTML page of conform -html.
func (s Summary) WriteHTML(w io.Writer) error {
	return suite.WriteHTML(w, suite.Report{Title: "ivsrt proxy", Tool: "ivsrt proxy", APIVersion: s.APIVersion, Endpoint: s.Upstream}, s.Results())
}
