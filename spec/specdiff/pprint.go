package specdiff

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// AWS's change log prints each operation's new members as Python's
// pprint.pformat (width 80) prints a dict of boto's doc samples. These
// types and printer reproduce that: pyDict, pyList, pyStr and pyLit (a
// literal printed as is: 123, True, datetime(2015, 1, 1)).
type (
	pyDict map[string]pyVal
	pyList []pyVal
	pyStr  string
	pyLit  string
	pyVal  any
)

const pprintWidth = 80

// pformat is pprint.pformat(v) for the values above: sorted dict keys, one
// item a line when a value does not fit, long strings cut after spaces into
// adjacent literals.
func pformat(v pyVal) string {
	var p printer
	p.format(v, 0, 0, 0)
	return p.b.String()
}

type printer struct{ b strings.Builder }

func repr(v pyVal) string {
	switch v := v.(type) {
	case pyDict:
		keys := sortedDictKeys(v)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyRepr(k) + ": " + repr(v[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case pyList:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = repr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case pyStr:
		return pyRepr(string(v))
	case pyLit:
		return string(v)
	}
	return "None"
}

// pyRepr is Python's repr of a str: single quotes unless the text has a
// single quote and no double one.
func pyRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	r := strings.NewReplacer(`\`, `\\`, q, `\`+q, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return q + r.Replace(s) + q
}

func width(s string) int { return utf8.RuneCountInString(s) }

func sortedDictKeys(d pyDict) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// format is pprint's PrettyPrinter._format.
func (p *printer) format(v pyVal, indent, allowance, level int) {
	rep := repr(v)
	if width(rep) > pprintWidth-indent-allowance {
		switch v := v.(type) {
		case pyDict:
			p.dict(v, indent, allowance, level+1)
			return
		case pyList:
			p.list(v, indent, allowance, level+1)
			return
		case pyStr:
			p.str(string(v), indent, allowance, level+1)
			return
		}
	}
	p.b.WriteString(rep)
}

func (p *printer) dict(d pyDict, indent, allowance, level int) {
	p.b.WriteString("{")
	keys := sortedDictKeys(d)
	indent++
	allowance++
	for i, k := range keys {
		last := i == len(keys)-1
		rep := pyRepr(k)
		p.b.WriteString(rep + ": ")
		a := 1
		if last {
			a = allowance
		}
		p.format(d[k], indent+width(rep)+2, a, level)
		if !last {
			p.b.WriteString(",\n" + strings.Repeat(" ", indent))
		}
	}
	p.b.WriteString("}")
}

func (p *printer) list(l pyList, indent, allowance, level int) {
	p.b.WriteString("[")
	indent++
	allowance++
	for i, e := range l {
		if i > 0 {
			p.b.WriteString(",\n" + strings.Repeat(" ", indent))
		}
		a := 1
		if i == len(l)-1 {
			a = allowance
		}
		p.format(e, indent, a, level)
	}
	p.b.WriteString("]")
}

// str is pprint's _pprint_str for a one-line string: cut after runs of
// spaces so each piece fits, and write the pieces one under another.
func (p *printer) str(s string, indent, allowance, level int) {
	if level == 1 {
		indent++
		allowance++
	}
	maxWidth := pprintWidth - indent
	var chunks []string
	if width(pyRepr(s)) <= maxWidth-allowance {
		chunks = append(chunks, pyRepr(s))
	} else {
		parts := spaceParts(s)
		current := ""
		for j, part := range parts {
			candidate := current + part
			w := maxWidth
			if j == len(parts)-1 {
				w -= allowance
			}
			if width(pyRepr(candidate)) > w {
				if current != "" {
					chunks = append(chunks, pyRepr(current))
				}
				current = part
			} else {
				current = candidate
			}
		}
		if current != "" {
			chunks = append(chunks, pyRepr(current))
		}
	}
	if len(chunks) == 1 {
		p.b.WriteString(chunks[0])
		return
	}
	if level == 1 {
		p.b.WriteString("(")
	}
	for i, c := range chunks {
		if i > 0 {
			p.b.WriteString("\n" + strings.Repeat(" ", indent))
		}
		p.b.WriteString(c)
	}
	if level == 1 {
		p.b.WriteString(")")
	}
}

// spaceParts is re.findall(r'\S*\s*', s) less its final empty match.
func spaceParts(s string) []string {
	var parts []string
	for len(s) > 0 {
		i := strings.IndexAny(s, " \t\n\r\f\v")
		if i < 0 {
			parts = append(parts, s)
			break
		}
		j := i
		for j < len(s) && strings.ContainsRune(" \t\n\r\f\v", rune(s[j])) {
			j++
		}
		parts = append(parts, s[:j])
		s = s[j:]
	}
	return parts
}
