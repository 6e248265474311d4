package generator

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// This file makes the sample strings of the conformance cases at
// generation time: a string of an exact length that matches an anchored
// pattern, and one within the length bounds that does not. Every value is
// checked with regexp before it is used, and generation fails otherwise.

// suitePattern is a compiled pattern with its syntax tree for sampling.
type suitePattern struct {
	expr string
	re   *regexp.Regexp
	tree *syntax.Regexp
}

func newSuitePattern(expr string) (*suitePattern, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, err
	}
	return &suitePattern{expr: expr, re: re, tree: tree.Simplify()}, nil
}

// ofLength returns a string of exactly n characters that matches the
// pattern: the shortest form of each part, with the last part that can
// repeat padded to reach n.
func (p *suitePattern) ofLength(n int) (string, bool) {
	s, ok := suiteSampleRegexp(p.tree, n)
	if !ok || utf8.RuneCountInString(s) != n || !p.re.MatchString(s) {
		return "", false
	}
	return s, true
}

// suiteBadChars are tried, in order, to break a pattern.
var suiteBadChars = []rune{'!', '#', '*', ' ', '~', '%', 'é', '@', ':', '/', 'A', 'a', '0', '-', '_', '.'}

// mismatch returns a string of n characters that does not match: a
// matching string with one character replaced, from the end.
func (p *suitePattern) mismatch(n int) (string, bool) {
	s, ok := p.ofLength(n)
	if !ok {
		return "", false
	}
	r := []rune(s)
	for i := len(r) - 1; i >= 0; i-- {
		for _, c := range suiteBadChars {
			if c == r[i] {
				continue
			}
			t := append([]rune(nil), r...)
			t[i] = c
			if cand := string(t); !p.re.MatchString(cand) {
				return cand, true
			}
		}
	}
	return "", false
}

// Bounds of the lengths a syntax tree matches; max -1 is unbounded.
func suiteMinLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return suiteMinLen(re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		return 0
	case syntax.OpPlus:
		return suiteMinLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * suiteMinLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n += suiteMinLen(s)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, s := range re.Sub {
			if m := suiteMinLen(s); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}

func suiteMaxLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpNoMatch:
		return 0
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return suiteMaxLen(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		if suiteMaxLen(re.Sub[0]) == 0 {
			return 0
		}
		return -1
	case syntax.OpQuest:
		return suiteMaxLen(re.Sub[0])
	case syntax.OpRepeat:
		m := suiteMaxLen(re.Sub[0])
		if m == 0 {
			return 0
		}
		if re.Max < 0 || m < 0 {
			return -1
		}
		return re.Max * m
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			m := suiteMaxLen(s)
			if m < 0 {
				return -1
			}
			n += m
		}
		return n
	case syntax.OpAlternate:
		n := 0
		for _, s := range re.Sub {
			m := suiteMaxLen(s)
			if m < 0 {
				return -1
			}
			n = max(n, m)
		}
		return n
	}
	return 0
}

// suitePreferred are the characters a class is sampled with, in order of
// preference: readable ones first.
const suitePreferred = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."

func suiteSampleClass(re *syntax.Regexp) (rune, bool) {
	if re.Op != syntax.OpCharClass {
		return 'a', true
	}
	in := func(c rune) bool {
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= c && c <= re.Rune[i+1] {
				return true
			}
		}
		return false
	}
	for _, c := range suitePreferred {
		if in(c) {
			return c, true
		}
	}
	if len(re.Rune) == 0 {
		return 0, false
	}
	return re.Rune[0], true
}

// suiteSampleRegexp returns a string of exactly n characters matched by re, if
// there is one it can find: earlier parts get their shortest form, so the
// padding goes to the last part that can grow.
func suiteSampleRegexp(re *syntax.Regexp, n int) (string, bool) {
	if n < suiteMinLen(re) {
		return "", false
	}
	if m := suiteMaxLen(re); m >= 0 && n > m {
		return "", false
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return "", n == 0
	case syntax.OpLiteral:
		return string(re.Rune), len(re.Rune) == n
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		c, ok := suiteSampleClass(re)
		return string(c), ok && n == 1
	case syntax.OpCapture:
		return suiteSampleRegexp(re.Sub[0], n)
	case syntax.OpConcat:
		return suiteSampleConcat(re.Sub, n)
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if out, ok := suiteSampleRegexp(s, n); ok {
				return out, true
			}
		}
		return "", false
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, -1
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
		}
		sub := re.Sub[0]
		subMin, subMax := suiteMinLen(sub), suiteMaxLen(sub)
		if n == 0 {
			if lo == 0 {
				return "", true
			}
			return suiteSampleConcat(suiteRepeatSub(sub, lo), 0)
		}
		start := max(lo, 1)
		if subMax > 0 {
			start = max(start, (n+subMax-1)/subMax)
		}
		limit := n
		if subMin > 0 {
			limit = n / subMin
		}
		if hi >= 0 {
			limit = min(limit, hi)
		}
		for k := start; k <= limit; k++ {
			if out, ok := suiteSampleConcat(suiteRepeatSub(sub, k), n); ok {
				return out, true
			}
		}
		return "", false
	}
	return "", false
}

func suiteRepeatSub(sub *syntax.Regexp, k int) []*syntax.Regexp {
	out := make([]*syntax.Regexp, k)
	for i := range out {
		out[i] = sub
	}
	return out
}

func suiteSampleConcat(subs []*syntax.Regexp, n int) (string, bool) {
	if len(subs) == 0 {
		return "", n == 0
	}
	if len(subs) == 1 {
		return suiteSampleRegexp(subs[0], n)
	}
	restMin, restMax := 0, 0
	for _, s := range subs[1:] {
		restMin += suiteMinLen(s)
		if m := suiteMaxLen(s); m < 0 || restMax < 0 {
			restMax = -1
		} else {
			restMax += m
		}
	}
	lo := suiteMinLen(subs[0])
	if restMax >= 0 {
		lo = max(lo, n-restMax)
	}
	hi := n - restMin
	if m := suiteMaxLen(subs[0]); m >= 0 {
		hi = min(hi, m)
	}
	for l := lo; l <= hi; l++ {
		head, ok := suiteSampleRegexp(subs[0], l)
		if !ok {
			continue
		}
		if tail, ok := suiteSampleConcat(subs[1:], n-l); ok {
			return head + tail, true
		}
	}
	return "", false
}

// suiteAlnum is the deterministic stand-in for the random letters and
// digits of an identifier template.
const suiteAlnum = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0"

func suiteAlnumN(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(suiteAlnum[:min(len(suiteAlnum), n-b.Len())])
	}
	return b.String()
}

// suiteMultiByte returns n characters of two UTF-8 bytes each.
func suiteMultiByte(n int) string { return strings.Repeat("é", n) }

// suiteBytes returns a string of exactly n UTF-8 bytes, mostly characters
// of three bytes, so that counting characters instead of bytes shows.
func suiteBytes(n int) string {
	s := strings.Repeat("€", n/3) + strings.Repeat("a", n%3)
	if len(s) != n {
		panic(fmt.Sprintf("suiteBytes(%d) has %d bytes", n, len(s)))
	}
	return s
}
