package traffic

import (
	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/rules"
)

// What a cassette shows of a rule.
const (
	Confirmed    = "confirmed"    // some exchanges agree with it, none contradicts it
	Contradicted = "contradicted" // at least one exchange breaks it
	SaysNothing  = "says nothing" // no exchange bears on it
)

// RuleEvidence is what a cassette shows of one rule of contract.md.
type RuleEvidence struct {
	Rule    *rules.Rule
	Verdict string // Confirmed, Contradicted or SaysNothing
	// Confirming and Contradicting are the exchanges (their seq) that
	// agree with the rule and that break it, in order, each once.
	Confirming, Contradicting []int
	// Findings are the findings behind the verdict.
	Findings []Finding
}

// Evidence is, for each rule of rules.Contract() in the document's order,
// whether the cassette confirms it, contradicts it or says nothing of it,
// with the exchanges that show it. A finding counts for every rule whose
// patterns name its check. The checker's Region is the cassette's where
// it has none of its own.
func Evidence(c *Checker, cs *cassette.Cassette) []RuleEvidence {
	if c.Region == "" {
		copied := *c
		copied.Region = cs.Header.Region
		c = &copied
	}
	set := rules.Contract()
	byRule := map[*rules.Rule]*RuleEvidence{}
	out := make([]RuleEvidence, len(set.Rules))
	for i, r := range set.Rules {
		out[i] = RuleEvidence{Rule: r, Verdict: SaysNothing}
		byRule[r] = &out[i]
	}
	for i := range cs.Exchanges {
		ex := cs.Exchanges[i]
		for _, f := range c.Exchange(&ex) {
			if f.Note {
				continue
			}
			for _, r := range set.For(f.Check) {
				ev := byRule[r]
				ev.Findings = append(ev.Findings, f)
				if f.Confirms {
					ev.Confirming = addSeq(ev.Confirming, f.Seq)
				} else {
					ev.Contradicting = addSeq(ev.Contradicting, f.Seq)
				}
			}
		}
	}
	for i := range out {
		switch {
		case len(out[i].Contradicting) > 0:
			out[i].Verdict = Contradicted
		case len(out[i].Confirming) > 0:
			out[i].Verdict = Confirmed
		}
	}
	return out
}

func addSeq(list []int, seq int) []int {
	if n := len(list); n > 0 && list[n-1] == seq {
		return list
	}
	return append(list, seq)
}
