package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ivsrt/contract/conformance/rules"
	"github.com/ivsrt/contract/conformance/suite"
)

// Report is what a replay found.
type Report struct {
	Cassette   string `json:"cassette,omitempty"`
	Recorded   string `json:"recorded,omitempty"` // the upstream the cassette was recorded from
	Endpoint   string `json:"endpoint"`
	Region     string `json:"region"`
	APIVersion string `json:"apiVersion"`
	ControlAPI bool   `json:"controlAPI"` // the target has a fake's control API

	Replayed    int `json:"replayed"`    // exchanges sent to the target
	Drifted     int `json:"drifted"`     // exchanges with a difference
	Differences int `json:"differences"` // differences in all
	Seeded      int `json:"seeded"`      // control calls the replay made itself
	Skipped     int `json:"skipped"`     // exchanges not replayed

	Exchanges []ExchangeReport `json:"exchanges"`
}

// Drift reports whether any answer differed.
func (rep *Report) Drift() bool { return rep.Differences > 0 }

func (rep *Report) count() {
	for _, ex := range rep.Exchanges {
		if ex.Skipped != "" {
			rep.Skipped++
		} else {
			rep.Replayed++
		}
		if len(ex.Differences) > 0 {
			rep.Drifted++
		}
		rep.Differences += len(ex.Differences)
		rep.Seeded += len(ex.Seeded)
	}
}

// ExchangeReport is one replayed exchange.
type ExchangeReport struct {
	Seq       int    `json:"seq"`
	Operation string `json:"operation,omitempty"`
	Control   bool   `json:"control,omitempty"`
	// Request is the request as replayed: method and URI, identifiers
	// mapped to the target's.
	Request string `json:"request"`
	// Seeded are the control calls the replay made before the request, to
	// make what the recording shows and the API cannot create.
	Seeded []string `json:"seeded,omitempty"`
	// Notes say what the replay could not do (seed a participant whose
	// token the cassette does not hold, say); they are not drift.
	Notes    []string `json:"notes,omitempty"`
	Skipped  string   `json:"skipped,omitempty"` // why the exchange was not replayed
	Recorded Answer   `json:"recorded"`
	Target   Answer   `json:"target"`

	Differences []Difference `json:"differences,omitempty"`

	header http.Header // the target's answer's
}

// Answer is an answer, recorded or the target's.
type Answer struct {
	Status    int    `json:"status"`
	ErrorType string `json:"errorType,omitempty"`
	Body      string `json:"body,omitempty"`
}

// Difference is one way the target's answer differs from the recorded one.
type Difference struct {
	// Case is the name, in the suite's form, of the check that found it:
	// the rule of docs/contract.md it touches is the row whose cases name it.
	Case string `json:"case"`
	Path string `json:"path,omitempty"` // where in the answer ("" for the status)
	What string `json:"what"`           // in words
	// Recorded and Target are the values at Path; absent where an answer
	// lacks the member.
	Recorded any `json:"recorded,omitempty"`
	Target   any `json:"target,omitempty"`
	// Diff is, for a rule the behaviour cases check on one answer, what
	// the rule wants against what the target answered (-want +got).
	Diff string `json:"diff,omitempty"`
	// The rule: its row (contract.md:LINE), words, source and evidence.
	Rule     string `json:"rule,omitempty"`
	RuleText string `json:"ruleText,omitempty"`
	Source   string `json:"source,omitempty"`
	Evidence string `json:"evidence,omitempty"`
}

// named fills in the rule of a difference from its case name.
func named(d Difference) Difference {
	if r := rules.Contract().First(d.Case); r != nil {
		d.Rule, d.RuleText, d.Source, d.Evidence = r.ID(), r.Text, r.Source, r.Evidence
	}
	return d
}

// Summary is the closing line.
func (rep *Report) Summary() string {
	s := fmt.Sprintf("replayed %d exchanges", rep.Replayed)
	if rep.Seeded > 0 {
		s += fmt.Sprintf(" (%d control calls seeded)", rep.Seeded)
	}
	if rep.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", rep.Skipped)
	}
	if !rep.Drift() {
		return s + ": no drift"
	}
	return s + fmt.Sprintf(": %d with drift, %d %s", rep.Drifted, rep.Differences, plural(rep.Differences, "difference", "differences"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// WriteText writes one block per exchange with differences (each
// difference with what was recorded, what the target answered and its
// rule), with notes, or before which the replay seeded something (what it
// did), then the summary line.
func WriteText(w io.Writer, rep *Report) error {
	var b strings.Builder
	for _, ex := range rep.Exchanges {
		name := ex.Operation
		if ex.Control {
			name = "control"
		}
		switch {
		case ex.Skipped != "":
			fmt.Fprintf(&b, "SKIP #%d %s: %s\n", ex.Seq, name, ex.Skipped)
			continue
		case len(ex.Differences) == 0 && len(ex.Notes) == 0 && len(ex.Seeded) == 0:
			continue
		}
		fmt.Fprintf(&b, "#%d %s %s\n", ex.Seq, name, ex.Request)
		for _, s := range ex.Seeded {
			fmt.Fprintf(&b, "    seeded:   %s\n", s)
		}
		for _, n := range ex.Notes {
			fmt.Fprintf(&b, "    note:     %s\n", n)
		}
		for _, d := range ex.Differences {
			fmt.Fprintf(&b, "  DRIFT %s: %s\n", d.Case, d.What)
			if d.Diff != "" {
				b.WriteString("    diff (-want +got):\n")
				for _, l := range strings.Split(strings.TrimRight(d.Diff, "\n"), "\n") {
					b.WriteString("      " + l + "\n")
				}
			} else {
				fmt.Fprintf(&b, "    recorded: %s\n", shown(d.Recorded))
				fmt.Fprintf(&b, "    target:   %s\n", shown(d.Target))
			}
			if d.Rule != "" {
				fmt.Fprintf(&b, "    rule:     %s (%s): %s\n", d.Rule, d.Source, d.RuleText)
			} else {
				b.WriteString("    rule:     no row of contract.md names this check\n")
			}
		}
	}
	b.WriteString(rep.Summary() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// shown is a value for the text report: JSON, or "(absent)".
func shown(v any) string {
	if v == nil {
		return "(absent)"
	}
	out, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const most = 300
	if s := string(out); len(s) > most {
		return s[:most] + "..."
	}
	return string(out)
}

// WriteJSON writes the report as one JSON document.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

// Results are the report as the suite's results, for its report writers:
// a passed result for each exchange that showed no difference, a failed
// one for each difference, named "#SEQ CASE", with the rule's source.
func (rep *Report) Results() []suite.Result {
	var out []suite.Result
	for _, ex := range rep.Exchanges {
		op := ex.Operation
		if ex.Control {
			op = "control"
		}
		if op == "" {
			op = "(no operation)"
		}
		req := ex.Request
		if len(ex.Seeded) > 0 {
			req += " (seeded first: " + strings.Join(ex.Seeded, "; ") + ")"
		}
		if ex.Skipped != "" {
			out = append(out, suite.Result{Name: fmt.Sprintf("#%d %s", ex.Seq, op), Operation: op, Rule: "replay", Status: suite.Skip, Reason: ex.Skipped, Request: req})
			continue
		}
		if len(ex.Differences) == 0 {
			out = append(out, suite.Result{Name: fmt.Sprintf("#%d %s", ex.Seq, op), Operation: op, Rule: "replay", Status: suite.Pass, Request: req})
			continue
		}
		for _, d := range ex.Differences {
			detail := "rule: no row of contract.md names this check"
			if d.Rule != "" {
				detail = fmt.Sprintf("rule: %s (%s): %s\nevidence: %s", d.Rule, d.Source, d.RuleText, d.Evidence)
			}
			diff := d.Diff
			if diff == "" {
				diff = suite.DiffJSON(d.Recorded, d.Target)
			}
			res := suite.Result{Name: fmt.Sprintf("#%d %s", ex.Seq, d.Case), Operation: op, Rule: familyRule(d.Case), Source: d.Source,
				Status: suite.Fail, Reason: d.What, Diff: diff, Detail: detail, Request: req,
				Response: answerLine(ex.Target), FailureType: suite.ContractViolation}
			if d.Path != "" {
				res.Member = d.Path
			}
			out = append(out, res)
		}
	}
	return out
}

func answerLine(a Answer) string {
	s := fmt.Sprint(a.Status)
	if a.ErrorType != "" {
		s += " " + a.ErrorType
	}
	body := a.Body
	if len(body) > 300 {
		body = body[:300] + "..."
	}
	return s + " " + body
}

// familyRule is the suite's rule word for a case name, which places a
// difference in a column of the HTML report.
func familyRule(caseName string) string {
	parts := strings.Split(caseName, "/")
	if len(parts) < 3 {
		return "shape"
	}
	switch parts[1] {
	case "errors":
		return "error-contract"
	case "shape":
		if parts[len(parts)-1] == "iso8601" {
			return "timestamp"
		}
		return "shape"
	case "pagination":
		return "pagination"
	case "filters":
		return "filters"
	case "defaults":
		return "default"
	case "behaviour":
		switch parts[2] {
		case "identifiers":
			return "identifier"
		case "round-trip", "partial-update":
			return parts[2]
		case "sessions":
			return "session"
		}
		return "lifecycle"
	}
	if len(parts) >= 4 && parts[2] == "not-found" {
		return "not-found"
	}
	return "shape"
}

// WriteHTML writes the report as `ivsrt conform -html` writes a run: the
// grid of operations by rule family, each difference with its rule.
func WriteHTML(w io.Writer, rep *Report) error {
	title := "ivsrt drift"
	if rep.Cassette != "" {
		title += " of " + rep.Cassette
	}
	return suite.WriteHTML(w, suite.Report{Title: title, Tool: "ivsrt drift", APIVersion: rep.APIVersion, Endpoint: rep.Endpoint}, rep.Results())
}
