package suitegen

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

// patternSampler is a compiled pattern with its syntax tree for sampling.
type patternSampler struct {
	expr string
	re   *regexp.Regexp
	tree *syntax.Regexp
}

func newPatternSampler(expr string) (*patternSampler, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, err
	}
	return &patternSampler{expr: expr, re: re, tree: tree.Simplify()}, nil
}

// ofLength returns a string of exactly n characters that matches the
// pattern: the shortest form of each part, with the last part that can
// repeat padded to reach n.
func (p *patternSampler) ofLength(n int) (string, bool) {
	s, ok := sampleRegexp(p.tree, n)
	if !ok || utf8.RuneCountInString(s) != n || !p.re.MatchString(s) {
		return "", false
	}
	return s, true
}

// badChars are tried, in order, to break a pattern.
var badChars = []rune{'!', '#', '*', ' ', '~', '%', 'é', '@', ':', '/', 'A', 'a', '0', '-', '_', '.'}

// mismatch returns a string of n characters that does not match, and that
// usable accepts: a matching string with one character replaced, from the
// end.
func (p *patternSampler) mismatch(n int, usable func(string) bool) (string, bool) {
	s, ok := p.ofLength(n)
	if !ok {
		return "", false
	}
	r := []rune(s)
	for i := len(r) - 1; i >= 0; i-- {
		for _, c := range badChars {
			if c == r[i] {
				continue
			}
			t := append([]rune(nil), r...)
			t[i] = c
			if cand := string(t); !p.re.MatchString(cand) && usable(cand) {
				return cand, true
			}
		}
	}
	return "", false
}

// Bounds of the lengths a syntax tree matches; max -1 is unbounded.
func minLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return minLen(re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		return 0
	case syntax.OpPlus:
		return minLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n += minLen(s)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, s := range re.Sub {
			if m := minLen(s); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}

func maxLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpNoMatch:
		return 0
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return maxLen(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		if maxLen(re.Sub[0]) == 0 {
			return 0
		}
		return -1
	case syntax.OpQuest:
		return maxLen(re.Sub[0])
	case syntax.OpRepeat:
		m := maxLen(re.Sub[0])
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
			m := maxLen(s)
			if m < 0 {
				return -1
			}
			n += m
		}
		return n
	case syntax.OpAlternate:
		n := 0
		for _, s := range re.Sub {
			m := maxLen(s)
			if m < 0 {
				return -1
			}
			n = max(n, m)
		}
		return n
	}
	return 0
}

// preferred are the characters a class is sampled with, in order of
// preference: readable ones first.
const preferred = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."

func sampleClass(re *syntax.Regexp) (rune, bool) {
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
	for _, c := range preferred {
		if in(c) {
			return c, true
		}
	}
	if len(re.Rune) == 0 {
		return 0, false
	}
	return re.Rune[0], true
}

// sampleRegexp returns a string of exactly n characters matched by re, if
// there is one it can find: earlier parts get their shortest form, so the
// padding goes to the last part that can grow.
func sampleRegexp(re *syntax.Regexp, n int) (string, bool) {
	if n < minLen(re) {
		return "", false
	}
	if m := maxLen(re); m >= 0 && n > m {
		return "", false
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return "", n == 0
	case syntax.OpLiteral:
		return string(re.Rune), len(re.Rune) == n
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		c, ok := sampleClass(re)
		return string(c), ok && n == 1
	case syntax.OpCapture:
		return sampleRegexp(re.Sub[0], n)
	case syntax.OpConcat:
		return sampleConcat(re.Sub, n)
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if out, ok := sampleRegexp(s, n); ok {
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
		subMin, subMax := minLen(sub), maxLen(sub)
		if n == 0 {
			if lo == 0 {
				return "", true
			}
			return sampleConcat(repeatSub(sub, lo), 0)
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
			if out, ok := sampleConcat(repeatSub(sub, k), n); ok {
				return out, true
			}
		}
		return "", false
	}
	return "", false
}

func repeatSub(sub *syntax.Regexp, k int) []*syntax.Regexp {
	out := make([]*syntax.Regexp, k)
	for i := range out {
		out[i] = sub
	}
	return out
}

func sampleConcat(subs []*syntax.Regexp, n int) (string, bool) {
	if len(subs) == 0 {
		return "", n == 0
	}
	if len(subs) == 1 {
		return sampleRegexp(subs[0], n)
	}
	restMin, restMax := 0, 0
	for _, s := range subs[1:] {
		restMin += minLen(s)
		if m := maxLen(s); m < 0 || restMax < 0 {
			restMax = -1
		} else {
			restMax += m
		}
	}
	lo := minLen(subs[0])
	if restMax >= 0 {
		lo = max(lo, n-restMax)
	}
	hi := n - restMin
	if m := maxLen(subs[0]); m >= 0 {
		hi = min(hi, m)
	}
	for l := lo; l <= hi; l++ {
		head, ok := sampleRegexp(subs[0], l)
		if !ok {
			continue
		}
		if tail, ok := sampleConcat(subs[1:], n-l); ok {
			return head + tail, true
		}
	}
	return "", false
}

// alnum is the deterministic stand-in for the random letters and
// digits of an identifier template.
const alnum = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0"

func alnumN(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(alnum[:min(len(alnum), n-b.Len())])
	}
	return b.String()
}

// headerSafe reports whether s goes in an HTTP header and arrives as it is:
// printable ASCII, with no space or tab at either end (HTTP drops those).
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c > 0x7e) && c != '\t' {
			return false
		}
	}
	return strings.Trim(s, " \t") == s
}

// multiByte returns n characters of two UTF-8 bytes each.
func multiByte(n int) string { return strings.Repeat("é", n) }

// nBytes returns a string of exactly n UTF-8 bytes, mostly characters
// of three bytes, so that counting characters instead of bytes shows.
func nBytes(n int) string {
	s := strings.Repeat("€", n/3) + strings.Repeat("a", n%3)
	if len(s) != n {
		panic(fmt.Sprintf("nBytes(%d) has %d bytes", n, len(s)))
	}
	return s
}
