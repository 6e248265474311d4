// Package rules reads the rule tables of docs/contract.md: each row a
// rule of the contract in words, its source (model, documented,
// inferred), its evidence, and the name patterns of the suite's cases
// that check it. Tools that judge traffic rather than run cases (ivsrt
// proxy, ivsrt drift) name a rule by the case pattern it shares with the
// suite, so a finding quotes the same row a failed case would.
package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ivsrt/contract/docs"
)

// Rule is one row of a rule table.
type Rule struct {
	Section  string   // the heading above the table: an operation's name, or "Every operation"
	Line     int      // the row's line in contract.md, from 1
	Text     string   // the rule, in words
	Source   string   // model, documented or inferred
	Evidence string   // where the source says it
	Patterns []string // the cases' name patterns, * standing for any text within one part of a name
	Cells    int      // how many cells the row has (4 in a well-formed row)

	res []*regexp.Regexp
}

// ID names the rule in reports: the section and the row's line.
func (r *Rule) ID() string { return fmt.Sprintf("contract.md:%d", r.Line) }

// Matches reports whether the case name falls under one of the rule's
// patterns.
func (r *Rule) Matches(caseName string) bool {
	for _, re := range r.res {
		if re.MatchString(caseName) {
			return true
		}
	}
	return false
}

// MatchesPattern reports which of the rule's patterns name caseName
// (their indexes in Patterns).
func (r *Rule) MatchesPattern(caseName string) []int {
	var out []int
	for i, re := range r.res {
		if re.MatchString(caseName) {
			out = append(out, i)
		}
	}
	return out
}

// Set is the rules of one contract.md.
type Set struct {
	Rules []*Rule
}

var backticked = regexp.MustCompile("`([^`]+)`")

// Parse reads the rule tables of a contract.md: the rows of each table
// headed | rule | source | evidence | cases |.
func Parse(doc string) *Set {
	s := &Set{}
	section, inTable := "", false
	for i, line := range strings.Split(doc, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			section = strings.TrimSpace(h)
		}
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		if strings.HasPrefix(line, "| rule | source |") {
			inTable = true
			continue
		}
		if !inTable || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), " | ")
		r := &Rule{Section: section, Line: i + 1, Cells: len(cells), Text: strings.TrimSpace(cells[0])}
		if len(cells) >= 2 {
			r.Source = strings.TrimSpace(cells[1])
		}
		if len(cells) == 4 {
			r.Evidence = strings.TrimSpace(cells[2])
		}
		for _, m := range backticked.FindAllStringSubmatch(cells[len(cells)-1], -1) {
			r.Patterns = append(r.Patterns, m[1])
			re := "^" + strings.ReplaceAll(regexp.QuoteMeta(m[1]), `\*`, "[^/]*") + "$"
			r.res = append(r.res, regexp.MustCompile(re))
		}
		s.Rules = append(s.Rules, r)
	}
	return s
}

// Contract is the rules of the docs/contract.md built into this binary.
func Contract() *Set { return contract }

var contract = Parse(docs.Contract)

// For is the rules whose patterns name caseName, in the order of the
// document (the operation's own rows after the rows every operation
// shares, as contract.md has them).
func (s *Set) For(caseName string) []*Rule {
	var out []*Rule
	for _, r := range s.Rules {
		if r.Matches(caseName) {
			out = append(out, r)
		}
	}
	return out
}

// First is the first rule For gives, or nil.
func (s *Set) First(caseName string) *Rule {
	for _, r := range s.Rules {
		if r.Matches(caseName) {
			return r
		}
	}
	return nil
}
