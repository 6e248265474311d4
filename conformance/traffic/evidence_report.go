package traffic

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ivsrt/contract/conformance/suite"
)

// EvidenceTally counts the verdicts of an evidence list.
type EvidenceTally struct {
	Confirmed, Contradicted, SaysNothing int
}

// TallyEvidence counts evs' verdicts.
func TallyEvidence(evs []RuleEvidence) EvidenceTally {
	var t EvidenceTally
	for _, ev := range evs {
		switch ev.Verdict {
		case Confirmed:
			t.Confirmed++
		case Contradicted:
			t.Contradicted++
		default:
			t.SaysNothing++
		}
	}
	return t
}

// firstFinding is the first finding of ev with the verdict's direction:
// the one that breaks the rule for a contradiction, else one that agrees.
func firstFinding(ev RuleEvidence) (Finding, bool) {
	for _, f := range ev.Findings {
		if f.Confirms == (ev.Verdict == Confirmed) {
			return f, true
		}
	}
	return Finding{}, false
}

// WriteEvidenceText writes one line per rule, contradicted rules first
// (they are what to look at), then confirmed, then the rules the cassette
// says nothing of, and a count of each.
func WriteEvidenceText(w io.Writer, evs []RuleEvidence) error {
	var b strings.Builder
	for _, verdict := range []string{Contradicted, Confirmed, SaysNothing} {
		for _, ev := range evs {
			if ev.Verdict != verdict {
				continue
			}
			fmt.Fprintf(&b, "%-13s %s [%s] %s: %s", verdict, ev.Rule.ID(), ev.Rule.Source, ev.Rule.Section, ev.Rule.Text)
			if f, ok := firstFinding(ev); ok {
				seqs := ev.Confirming
				if verdict == Contradicted {
					seqs = ev.Contradicting
				}
				fmt.Fprintf(&b, "\n              exchanges %s; #%d %s: %s", seqList(seqs), f.Seq, f.Check, f.Message)
			}
			b.WriteByte('\n')
		}
	}
	t := TallyEvidence(evs)
	fmt.Fprintf(&b, "%d rules: %d confirmed, %d contradicted, %d the cassette says nothing of\n", len(evs), t.Confirmed, t.Contradicted, t.SaysNothing)
	_, err := io.WriteString(w, b.String())
	return err
}

func seqList(seqs []int) string {
	const most = 8
	var parts []string
	for i, s := range seqs {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(seqs)-most))
			break
		}
		parts = append(parts, fmt.Sprintf("#%d", s))
	}
	return strings.Join(parts, ", ")
}

// jsonEvidence is one rule of the JSON evidence report.
type jsonEvidence struct {
	Rule          string   `json:"rule"` // contract.md:LINE
	Section       string   `json:"section"`
	Text          string   `json:"text"`
	Source        string   `json:"source"`
	Verdict       string   `json:"verdict"`
	Confirming    []int    `json:"confirming,omitempty"`
	Contradicting []int    `json:"contradicting,omitempty"`
	Findings      []string `json:"findings,omitempty"` // "#SEQ CHECK: message", the contradicting ones first
}

// WriteEvidenceJSON writes the evidence as a JSON object: the tally and
// one entry per rule.
func WriteEvidenceJSON(w io.Writer, evs []RuleEvidence) error {
	out := struct {
		EvidenceTally
		Rules []jsonEvidence `json:"rules"`
	}{EvidenceTally: TallyEvidence(evs), Rules: []jsonEvidence{}}
	for _, ev := range evs {
		j := jsonEvidence{Rule: ev.Rule.ID(), Section: ev.Rule.Section, Text: ev.Rule.Text, Source: ev.Rule.Source,
			Verdict: ev.Verdict, Confirming: ev.Confirming, Contradicting: ev.Contradicting}
		for _, confirms := range []bool{false, true} {
			for _, f := range ev.Findings {
				if f.Confirms == confirms {
					j.Findings = append(j.Findings, fmt.Sprintf("#%d %s: %s", f.Seq, f.Check, f.Message))
				}
			}
		}
		out.Rules = append(out.Rules, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// EvidenceResults are the evidence as the suite's results, one per rule:
// passed when confirmed, failed when contradicted, skipped when the
// cassette says nothing, so that conform's HTML page shows them.
func EvidenceResults(evs []RuleEvidence) []suite.Result {
	out := make([]suite.Result, 0, len(evs))
	for _, ev := range evs {
		res := suite.Result{Name: ev.Rule.ID() + " " + ev.Rule.Text, Operation: ev.Rule.Section, Source: ev.Rule.Source, Detail: ev.Rule.Evidence}
		f, ok := firstFinding(ev)
		switch ev.Verdict {
		case Contradicted:
			res.Status, res.FailureType = suite.Fail, "ContractViolation"
			res.Reason = fmt.Sprintf("exchanges %s break it; #%d %s: %s", seqList(ev.Contradicting), f.Seq, f.Check, f.Message)
		case Confirmed:
			res.Status = suite.Pass
			if ok {
				res.Reason = fmt.Sprintf("exchanges %s agree; #%d %s", seqList(ev.Confirming), f.Seq, f.Check)
			}
		default:
			res.Status, res.Reason = suite.Skip, "the cassette says nothing of it"
		}
		out = append(out, res)
	}
	return out
}
