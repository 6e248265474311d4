package suite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// DiffJSON is the difference between want (what the contract wants) and
// got (what the target did), -want +got, written as the JSON members that
// differ: "" when they are equal (as go-cmp's cmp.Equal has it).
//
// Both sides are taken as the JSON they encode to. Each member that
// differs is a "-" line with want's value and a "+" line with got's, a
// member only one side has a line of its side, each under the path of the
// object that holds it. Short lists of plain values are shown whole;
// others are compared item by item, as sequences, so an item missing or
// extra is one line:
//
//	diff (-want +got):
//	- "status": 400
//	+ "status": 200
//	- "errorType": "ValidationException"
//	  stage.autoParticipantRecordingConfiguration:
//	-   "mediaTypes": ["AUDIO_VIDEO"]
//	+   "mediaTypes": ["AUDIO_ONLY"]
//
// Values that do not encode as JSON, or that differ only in their Go
// types, get go-cmp's diff.
func DiffJSON(want, got any) string {
	if cmp.Equal(want, got) {
		return ""
	}
	w, errW := orderedJSON(want)
	g, errG := orderedJSON(got)
	if errW == nil && errG == nil {
		var d jsonDiff
		d.walk("", "", "", w, g)
		if s := d.String(); s != "" {
			return s
		}
	}
	return cmp.Diff(want, got)
}

// jsonObject is a JSON object that keeps its members' order: a Go
// struct's fields read in the order they are declared.
type jsonObject struct {
	keys []string
	vals map[string]any
}

// orderedJSON is v as the JSON it encodes to: *jsonObject, []any, string,
// json.Number, bool or nil.
func orderedJSON(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return decodeOrdered(dec)
}

func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	switch d {
	case '{':
		obj := &jsonObject{vals: map[string]any{}}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string)
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			if _, dup := obj.vals[k]; !dup {
				obj.keys = append(obj.keys, k)
			}
			obj.vals[k] = v
		}
		_, err = dec.Token()
		return obj, err
	case '[':
		list := []any{}
		for dec.More() {
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err = dec.Token()
		return list, err
	}
	return nil, fmt.Errorf("unexpected %v", d)
}

// equalJSON reports whether two values of orderedJSON are the same JSON
// (an object's members in any order).
func equalJSON(a, b any) bool {
	switch x := a.(type) {
	case *jsonObject:
		y, ok := b.(*jsonObject)
		if !ok || len(x.keys) != len(y.keys) {
			return false
		}
		for k, v := range x.vals {
			if w, ok := y.vals[k]; !ok || !equalJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return renderJSON(a) == renderJSON(b)
}

// renderJSON writes a value of orderedJSON as compact JSON, without
// escaping HTML.
func renderJSON(v any) string {
	var b strings.Builder
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case *jsonObject:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quoteJSON(k))
			b.WriteByte(':')
			writeJSON(b, x.vals[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case string:
		b.WriteString(quoteJSON(x))
	case json.Number:
		b.WriteString(string(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case nil:
		b.WriteString("null")
	default:
		fmt.Fprintf(b, "%v", x)
	}
}

// quoteJSON is s as a JSON string, with <, > and & as they are.
func quoteJSON(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonDiff collects the lines of a DiffJSON.
type jsonDiff struct {
	lines []jsonLine
}

type jsonLine struct {
	parent string // the path of the object or list that holds the value; "" at the top
	sign   byte   // '-' (want) or '+' (got)
	label  string // `"member"` or `[3]`; "" for the top value itself
	value  string // compact JSON
}

func (d *jsonDiff) add(parent string, sign byte, label string, v any) {
	d.lines = append(d.lines, jsonLine{parent, sign, label, renderJSON(v)})
}

// identifier is a member name a path writes after a dot.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// member is the path segment and the label of an object's member.
func member(name string) (seg, label string) {
	if identifier.MatchString(name) {
		return "." + name, quoteJSON(name)
	}
	return "[" + quoteJSON(name) + "]", quoteJSON(name)
}

// walk compares w and g, the values at parent+seg, labelled label in
// parent.
func (d *jsonDiff) walk(parent, seg, label string, w, g any) {
	path := strings.TrimPrefix(parent+seg, ".")
	switch x := w.(type) {
	case *jsonObject:
		if y, ok := g.(*jsonObject); ok {
			for _, k := range x.keys {
				s, l := member(k)
				if gv, ok := y.vals[k]; !ok {
					d.add(path, '-', l, x.vals[k])
				} else if !equalJSON(x.vals[k], gv) {
					d.walk(path, s, l, x.vals[k], gv)
				}
			}
			for _, k := range y.keys {
				if _, ok := x.vals[k]; !ok {
					_, l := member(k)
					d.add(path, '+', l, y.vals[k])
				}
			}
			return
		}
	case []any:
		// A short list of plain values reads best whole.
		if y, ok := g.([]any); ok && !(plain(x) && plain(y) && len(renderJSON(x))+len(renderJSON(y)) <= shortLists) {
			d.walkList(path, x, y)
			return
		}
	}
	if !equalJSON(w, g) {
		d.add(strings.TrimPrefix(parent, "."), '-', label, w)
		d.add(strings.TrimPrefix(parent, "."), '+', label, g)
	}
}

// shortLists is how long two lists of plain values may be, written
// together, for a diff to show them whole.
const shortLists = 120

// plain reports whether a list holds no object or list.
func plain(list []any) bool {
	for _, v := range list {
		if container(v) {
			return false
		}
	}
	return true
}

// maxListCells bounds the table of walkList's longest common subsequence;
// longer lists are compared item by item, in place.
const maxListCells = 1 << 20

// walkList compares two lists at path as sequences: the items of a
// longest common subsequence are the same, the others are missing from
// got ("-", with want's index) or extra in got ("+", with got's index).
// A missing and an extra object (or list) in the same place are the same
// item changed, compared member by member.
func (d *jsonDiff) walkList(path string, w, g []any) {
	type op struct {
		i, j int // -1 on the side that has no item
	}
	var ops []op
	if len(w)*len(g) > maxListCells {
		for k := range max(len(w), len(g)) {
			i, j := k, k
			if k >= len(w) {
				i = -1
			}
			if k >= len(g) {
				j = -1
			}
			ops = append(ops, op{i, j})
		}
	} else {
		// lcs[i][j] is the length of the longest common subsequence of
		// w[i:] and g[j:].
		lcs := make([][]int, len(w)+1)
		for i := range lcs {
			lcs[i] = make([]int, len(g)+1)
		}
		for i := len(w) - 1; i >= 0; i-- {
			for j := len(g) - 1; j >= 0; j-- {
				if equalJSON(w[i], g[j]) {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(w) || j < len(g) {
			switch {
			case i < len(w) && j < len(g) && equalJSON(w[i], g[j]):
				ops = append(ops, op{i, j})
				i, j = i+1, j+1
			case j == len(g) || i < len(w) && lcs[i+1][j] >= lcs[i][j+1]:
				ops = append(ops, op{i, -1})
				i++
			default:
				ops = append(ops, op{-1, j})
				j++
			}
		}
	}
	// Runs of missing and extra items between items that are the same.
	for k := 0; k < len(ops); {
		o := ops[k]
		if o.i >= 0 && o.j >= 0 {
			d.walk(path, fmt.Sprintf("[%d]", o.j), fmt.Sprintf("[%d]", o.j), w[o.i], g[o.j])
			k++
			continue
		}
		var dels, ins []int
		for ; k < len(ops) && (ops[k].i < 0 || ops[k].j < 0); k++ {
			if ops[k].i >= 0 {
				dels = append(dels, ops[k].i)
			} else {
				ins = append(ins, ops[k].j)
			}
		}
		n := 0
		for n < min(len(dels), len(ins)) && container(w[dels[n]]) && container(g[ins[n]]) {
			n++
		}
		for p := range n {
			seg := fmt.Sprintf("[%d]", ins[p])
			d.walk(path, seg, seg, w[dels[p]], g[ins[p]])
		}
		for _, i := range dels[n:] {
			d.add(path, '-', fmt.Sprintf("[%d]", i), w[i])
		}
		for _, j := range ins[n:] {
			d.add(path, '+', fmt.Sprintf("[%d]", j), g[j])
		}
	}
}

// container reports whether a value of orderedJSON is an object or a
// list: what a diff compares member by member.
func container(v any) bool {
	switch v.(type) {
	case *jsonObject, []any:
		return true
	}
	return false
}

// String writes the lines, each group under the path of the object or
// list that holds its values.
func (d *jsonDiff) String() string {
	var b strings.Builder
	parent := ""
	for _, l := range d.lines {
		if l.parent != parent {
			parent = l.parent
			if parent != "" {
				b.WriteString("  " + parent + ":\n")
			}
		}
		indent := ""
		if parent != "" {
			indent = "  "
		}
		b.WriteByte(l.sign)
		b.WriteString(" " + indent)
		if l.label != "" {
			b.WriteString(l.label + ": ")
		}
		b.WriteString(l.value + "\n")
	}
	return b.String()
}

// violationDiff is the diff of a schema check, which wants no violation:
// each one found is a "+" line.
func violationDiff(violations []string) string {
	var b strings.Builder
	for _, v := range violations {
		b.WriteString("+ " + v + "\n")
	}
	return b.String()
}
