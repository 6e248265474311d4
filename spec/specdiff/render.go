package specdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// WriteJSON writes the report as JSON (see Report), indented, ending in a newline.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // patterns keep their < > &
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report in the style of AWS's API change log:
//
//	2024/06/20 - Amazon IVS Real-Time - 5 updated api methods
//
//	CreateStage (updated)
//	Changes (request, response)
//	{'autoParticipantRecordingConfiguration': {...}}
//	{'stage': {'autoParticipantRecordingConfiguration': {...}}}
//
// Above the header, one line says when the comparison is raw (models' facts
// alone), and one warns when only one spec carries overlay facts (see
// Overlays.Warning).
//
// The trees show new members as boto documents them. Removed and changed
// members follow, one a line, those that break a client marked [breaking]:
// every removed member is listed, and one that went with a removed
// structure says which ("(with stage.x)") instead of counting again. A new
// or removed operation is its name line alone, as in AWS's log.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, line := range preamble(r) {
		b.WriteString(line + "\n")
	}
	b.WriteString(header(r) + "\n")
	for _, op := range r.Operations {
		b.WriteString("\n" + op.Name + " (" + changeWord(op.Change) + ")")
		if op.Change == ChangeRemoved {
			b.WriteString(" [breaking]")
		}
		b.WriteString("\n")
		if op.Change != ChangeUpdated {
			continue
		}
		if sides := changedSides(&op); sides != "" {
			b.WriteString("Changes (" + sides + ")\n")
		}
		for _, s := range []*Side{&op.Request, &op.Response} {
			if len(s.roots) > 0 {
				b.WriteString(pformat(tree(s.roots)) + "\n")
			}
		}
		for _, s := range []struct {
			name string
			side *Side
		}{{"request", &op.Request}, {"response", &op.Response}} {
			for _, p := range s.side.Removed {
				b.WriteString("Removed (" + s.name + "): " + p + removedMark(s.side, p, " [breaking]", " (with %s)") + "\n")
			}
			for _, c := range s.side.Changed {
				fmt.Fprintf(&b, "Changed (%s): %s %s %s -> %s%s\n", s.name, c.Path, c.Keyword, value(c.Old), value(c.New), mark(c.Breaking, " [breaking]"))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the text report's content as Markdown: the lines
// above the header as a quote, the header,
// one section per operation with its trees of new members, and a table of
// every member change.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	var quote []string
	for _, line := range preamble(r) {
		if rest, ok := strings.CutPrefix(line, "Warning: "); ok {
			line = "**Warning:** " + rest
		}
		quote = append(quote, "> "+line)
	}
	if len(quote) > 0 {
		b.WriteString(strings.Join(quote, "\n>\n") + "\n\n")
	}
	fmt.Fprintf(&b, "# %s\n\nBreaking changes: %d\n", header(r), r.Breaking)
	for _, op := range r.Operations {
		fmt.Fprintf(&b, "\n## %s (%s)\n\n", op.Name, changeWord(op.Change))
		if op.Change == ChangeRemoved {
			b.WriteString("**Breaking:** the operation is removed.\n")
			if op.Request.Empty() && op.Response.Empty() {
				continue
			}
			b.WriteString("\n")
		}
		if sides := changedSides(&op); sides != "" && op.Change == ChangeUpdated {
			fmt.Fprintf(&b, "Changes (%s)\n\n", sides)
			var trees []string
			for _, s := range []*Side{&op.Request, &op.Response} {
				if len(s.roots) > 0 {
					trees = append(trees, pformat(tree(s.roots)))
				}
			}
			if len(trees) > 0 {
				b.WriteString("```python\n" + strings.Join(trees, "\n") + "\n```\n\n")
			}
		}
		b.WriteString("| side | member | change | old | new | breaking |\n|---|---|---|---|---|---|\n")
		for _, s := range []struct {
			name string
			side *Side
		}{{"request", &op.Request}, {"response", &op.Response}} {
			for _, p := range s.side.Added {
				fmt.Fprintf(&b, "| %s | `%s` | added | | | |\n", s.name, p)
			}
			for _, p := range s.side.Removed {
				breaking := "with the operation"
				if op.Change != ChangeRemoved {
					breaking = removedMark(s.side, p, "**yes**", "with `%s`")
				}
				fmt.Fprintf(&b, "| %s | `%s` | removed | | | %s |\n", s.name, p, breaking)
			}
			for _, c := range s.side.Changed {
				fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s |\n", s.name, c.Path, c.Keyword, cell(c.Old), cell(c.New), mark(c.Breaking, "**yes**"))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// rawLine opens a raw report (Options.Raw).
const rawLine = "Models' facts only (ivsrt diff -raw): no defaults, and the model's own value wherever a spec records an overlay correction (info.x-ivsrt-overlays); extensions are never compared."

// preamble is what a report says above its header: whether it is raw, and
// the overlay warning.
func preamble(r *Report) []string {
	var lines []string
	if r.Raw {
		lines = append(lines, rawLine)
	}
	if r.Overlay.Warning != "" {
		lines = append(lines, r.Overlay.Warning)
	}
	return lines
}

var isoDate = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)

// header is "YYYY/MM/DD - <title> - 4 new 3 updated 1 removed api methods",
// each count only when it is not zero.
func header(r *Report) string {
	date := isoDate.ReplaceAllString(r.Version, "$1/$2/$3")
	var n [3]int
	for _, op := range r.Operations {
		switch op.Change {
		case ChangeAdded:
			n[0]++
		case ChangeUpdated:
			n[1]++
		case ChangeRemoved:
			n[2]++
		}
	}
	var counts []string
	for i, word := range []string{"new", "updated", "removed"} {
		if n[i] > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n[i], word))
		}
	}
	if len(counts) == 0 {
		return date + " - " + r.Title + " - no api method changes"
	}
	return date + " - " + r.Title + " - " + strings.Join(counts, " ") + " api methods"
}

// changeWord is the change as AWS's log words it.
func changeWord(c string) string {
	if c == ChangeAdded {
		return "new"
	}
	return c
}

func changedSides(op *Operation) string {
	var sides []string
	if !op.Request.Empty() {
		sides = append(sides, "request")
	}
	if !op.Response.Empty() {
		sides = append(sides, "response")
	}
	return strings.Join(sides, ", ")
}

// removedMark is root for a removed member at the top of what went (the
// removal that breaks), and member, with that top's path, for one that went
// with it.
func removedMark(s *Side, path, root, member string) string {
	if r := s.removedRoot(path); r != path {
		return fmt.Sprintf(member, r)
	}
	return root
}

func mark(breaking bool, s string) string {
	if breaking {
		return s
	}
	return ""
}

// value is a keyword's value in a text line: JSON, or "none" when absent.
func value(v any) string {
	if v == nil {
		return "none"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// cell is a value in a Markdown table cell.
func cell(v any) string {
	if v == nil {
		return ""
	}
	return "`" + strings.ReplaceAll(value(v), "|", `\|`) + "`"
}

// tree nests the new members under the members that lead to them, as AWS's
// log shows them: list items and map values are not levels of their own.
func tree(roots []root) pyDict {
	t := pyDict{}
	for _, r := range roots {
		segs := strings.Split(r.path, ".")
		d := t
		for i, seg := range segs {
			key := strings.TrimRight(seg, "[]{}")
			if i == len(segs)-1 {
				d[key] = sample(r.schema, map[*openapi3.Schema]bool{})
				break
			}
			next, ok := d[key].(pyDict)
			if !ok {
				next = pyDict{}
				d[key] = next
			}
			d = next
		}
	}
	return t
}

// sample is a member as boto's documentation writes it: 'string', 123,
// True, datetime(2015, 1, 1), enums as 'A | B', lists of one sample item,
// maps as {'string': value}.
func sample(s *openapi3.Schema, seen map[*openapi3.Schema]bool) pyVal {
	if s == nil || seen[s] {
		return pyDict{}
	}
	seen[s] = true
	defer delete(seen, s)
	switch {
	case s.Type.Is(openapi3.TypeArray):
		if s.Items == nil {
			return pyList{}
		}
		return pyList{sample(s.Items.Value, seen)}
	case s.Type.Is(openapi3.TypeString) && len(s.Enum) > 0:
		vals := make([]string, len(s.Enum))
		for i, e := range s.Enum {
			vals[i] = fmt.Sprint(e)
		}
		return pyStr(strings.Join(vals, " | "))
	case s.Type.Is(openapi3.TypeString) && s.Format == "date-time":
		return pyLit("datetime(2015, 1, 1)")
	case s.Type.Is(openapi3.TypeString):
		return pyStr("string")
	case s.Type.Is(openapi3.TypeInteger):
		return pyLit("123")
	case s.Type.Is(openapi3.TypeNumber):
		return pyLit("123.0")
	case s.Type.Is(openapi3.TypeBoolean):
		return pyLit("True")
	}
	d := pyDict{}
	for name, p := range s.Properties {
		d[name] = sample(p.Value, seen)
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		d["string"] = sample(ap.Value, seen)
	}
	return d
}
