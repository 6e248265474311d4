package validate

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"sync"
	"unicode/utf8"
)

// The spec's patterns are mostly anchored runs of character classes and
// literals (an ARN is arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+),
// and every request of every operation checks some: regexp's general
// matcher cost more than the rest of GetStage's validation. A pattern of
// that shape whose runs cannot overrun each other (no class shares a
// character with what may follow it) matches greedily in one pass, with
// no backtracking, and gets such a matcher; any other pattern is left to
// regexp. TestRunMatchAgreesWithRegexp holds the two to the same answers.

// runMatchers caches each pattern's matcher (nil: use regexp).
var runMatchers sync.Map // *regexp.Regexp -> *runMatcher

// matchString is re.MatchString, through the pattern's run matcher when it
// has one.
func matchString(re *regexp.Regexp, s string) bool {
	v, ok := runMatchers.Load(re)
	if !ok {
		v, _ = runMatchers.LoadOrStore(re, compileRuns(re.String()))
	}
	if m := v.(*runMatcher); m != nil {
		return m.match(s)
	}
	return re.MatchString(s)
}

// run is one element of a pattern: between min and max (-1: no bound)
// runes from a class (sorted lo-hi pairs, as in regexp/syntax).
type run struct {
	class    []rune
	min, max int
}

type runMatcher struct{ runs []run }

func (r *run) has(c rune) bool {
	for i := 0; i+1 < len(r.class); i += 2 {
		if c >= r.class[i] && c <= r.class[i+1] {
			return true
		}
	}
	return false
}

func (m *runMatcher) match(s string) bool {
	pos := 0
	for i := range m.runs {
		r := &m.runs[i]
		n := 0
		for pos < len(s) && (r.max < 0 || n < r.max) {
			c, size := rune(s[pos]), 1
			if c >= utf8.RuneSelf {
				c, size = utf8.DecodeRuneInString(s[pos:])
			}
			if !r.has(c) {
				break
			}
			pos += size
			n++
		}
		if n < r.min {
			return false
		}
	}
	return pos == len(s)
}

// compileRuns returns the run matcher for expr, or nil when expr is not
// ^(literal | class | class* | class+ | class? | class{n,m})*$ with every
// variable run followed only by what it cannot take.
func compileRuns(expr string) *runMatcher {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) < 2 ||
		re.Sub[0].Op != syntax.OpBeginText || re.Sub[len(re.Sub)-1].Op != syntax.OpEndText {
		return nil
	}
	var runs []run
	for _, sub := range re.Sub[1 : len(re.Sub)-1] {
		min, max := 1, 1
		switch sub.Op {
		case syntax.OpStar:
			min, max, sub = 0, -1, sub.Sub[0]
		case syntax.OpPlus:
			min, max, sub = 1, -1, sub.Sub[0]
		case syntax.OpQuest:
			min, max, sub = 0, 1, sub.Sub[0]
		case syntax.OpRepeat:
			min, max, sub = sub.Min, sub.Max, sub.Sub[0]
		}
		switch {
		case sub.Op == syntax.OpCharClass:
			runs = append(runs, run{class: sub.Rune, min: min, max: max})
		case sub.Op == syntax.OpLiteral && sub.Flags&syntax.FoldCase == 0 && (min == 1 && max == 1 || len(sub.Rune) == 1):
			for _, c := range sub.Rune {
				runs = append(runs, run{class: []rune{c, c}, min: min, max: max})
			}
		default:
			return nil
		}
	}
	// Greedy is right only when a variable run can never take a rune that
	// what follows it (up to the next run that must match) needs.
	for i, r := range runs {
		if r.min == r.max {
			continue
		}
		for _, next := range runs[i+1:] {
			if overlaps(r.class, next.class) {
				return nil
			}
			if next.min > 0 {
				break
			}
		}
	}
	return &runMatcher{runs: slices.Clip(runs)}
}

func overlaps(a, b []rune) bool {
	for i := 0; i+1 < len(a); i += 2 {
		for j := 0; j+1 < len(b); j += 2 {
			if a[i] <= b[j+1] && b[j] <= a[i+1] {
				return true
			}
		}
	}
	return false
}
