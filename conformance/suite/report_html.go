package suite

import (
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
)

// ruleFamily is a column of the HTML report's grid: rules of one kind.
type ruleFamily struct {
	Name  string   // the column's label
	About string   // what its rules check, for the legend
	Rules []string // the rules of Case.Rule it holds
}

// ruleFamilies are the grid's columns, in order. A rule none of them
// holds (a downstream suite's own) goes in a last column, "other".
var ruleFamilies = []ruleFamily{
	{"input", "required members, JSON types, malformed JSON, unknown members", []string{"required", "wrong-type", "json", "unknown-member"}},
	{"bounds", "lengths, ranges, item and key counts, total sizes", []string{"minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "maxProperties", "keyLength", "maxTotalBytes"}},
	{"patterns", "patterns and enum values", []string{"pattern", "enum"}},
	{"answers", "answer shapes, timestamps, identifier formats, the error contract", []string{"shape", "timestamp", "identifier", "error-contract"}},
	{"lists", "pagination, page tokens, filters, empty lists", []string{"pagination", "page-token", "filters", "empty-list"}},
	{"behaviour", "defaults, round trips, updates, resets, lifecycles, sessions", []string{"default", "round-trip", "partial-update", "reset", "lifecycle", "session", "client-attributes"}},
	{"errors", "not found, access denied, conflicts, quotas", []string{"not-found", "access-denied", "conflict", "quota"}},
}

// otherFamily holds the rules no family lists.
const otherFamily = "other"

// ruleLabel is how the report names a rule: the hand-written filter cases
// ("filter") and the generated ones ("filters") check the same kind of
// rule, and are one.
func ruleLabel(rule string) string {
	switch rule {
	case "":
		return "(none)"
	case "filter":
		return "filters"
	}
	return rule
}

// familyOf is the column of a rule.
func familyOf(rule string) string {
	rule = ruleLabel(rule)
	for _, f := range ruleFamilies {
		if slices.Contains(f.Rules, rule) {
			return f.Name
		}
	}
	return otherFamily
}

// htmlCell is one operation × rule family cell of the grid.
type htmlCell struct {
	Passed, Failed, Blocked, Skipped int
	Rules                            map[string]*htmlCell // by rule label; nil in these
	Sources                          map[string]int
	First                            int // index of its first failure in Failures, -1 without
}

func newCell() *htmlCell {
	return &htmlCell{Rules: map[string]*htmlCell{}, Sources: map[string]int{}, First: -1}
}

func (c *htmlCell) add(res Result, failure int) {
	switch res.Status {
	case Pass:
		c.Passed++
	case Fail:
		c.Failed++
		if c.First < 0 {
			c.First = failure
		}
	case Blocked:
		c.Blocked++
	case Skip:
		c.Skipped++
	}
}

func (c *htmlCell) Total() int { return c.Passed + c.Failed + c.Blocked + c.Skipped }

// Class is the cell's colour: any failure, else any blocked case, else
// any skip, else passed.
func (c *htmlCell) Class() string {
	switch {
	case c.Failed > 0:
		return "fail"
	case c.Blocked > 0:
		return "blocked"
	case c.Skipped > 0:
		return "skip"
	}
	return "pass"
}

// Counts is the cell's text: "3 ✓ 1 ✗ 4 ⊘ 2 –", leaving out the zeros.
func (c *htmlCell) Counts() string {
	var parts []string
	for _, p := range []struct {
		n    int
		mark string
	}{{c.Passed, "✓"}, {c.Failed, "✗"}, {c.Blocked, "⊘"}, {c.Skipped, "–"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.mark))
		}
	}
	return strings.Join(parts, " ")
}

// Title is the cell's tooltip: its counts, each rule's, and the sources
// of its rules.
func (c *htmlCell) Title(row, family string) string {
	var rules []string
	for _, r := range slices.Sorted(maps.Keys(c.Rules)) {
		rules = append(rules, r+" "+c.Rules[r].Counts())
	}
	var src []string
	for _, s := range Sources {
		if n := c.Sources[s]; n > 0 {
			src = append(src, fmt.Sprintf("%s %d", s, n))
		}
	}
	title := fmt.Sprintf("%s, %s: %d passed, %d failed, %d blocked, %d skipped", row, family, c.Passed, c.Failed, c.Blocked, c.Skipped)
	if len(rules) > 0 {
		title += "; " + strings.Join(rules, ", ")
	}
	return title + "; rule sources: " + strings.Join(src, ", ")
}

// htmlRow is a row of the grid: one operation, or the operations the
// target does not implement, together.
type htmlRow struct {
	Label      string
	Operations []string
	Cells      []*htmlCell // one per family; nil where the row has no such case
	Total      *htmlCell
}

// htmlFamily is a column of the grid, with its rules and their counts.
type htmlFamily struct {
	ruleFamily
	Counts []htmlSkip // Count cases of each rule, Reason is the rule
}

// RuleList is the family's rules, for its header's tooltip.
func (f htmlFamily) RuleList() string {
	var names []string
	for _, c := range f.Counts {
		names = append(names, c.Reason)
	}
	return strings.Join(names, ", ")
}

type htmlSkip struct {
	Count  int
	Reason string
	Next   string
}

// htmlFailure is a failed result with its diff in lines to colour.
type htmlFailure struct {
	Result
	Lines []diffLine
}

// htmlBlocked is a cause of blocked cases with its diff in lines.
type htmlBlocked struct {
	BlockedCause
	Lines []diffLine
}

type diffLine struct {
	Class, Text string
}

// diffLines splits a diff into its lines, each classed by its sign:
// "del" for what the contract wants, "add" for what the target did.
func diffLines(diff string) []diffLine {
	var out []diffLine
	for _, l := range strings.Split(strings.TrimRight(diff, "\n"), "\n") {
		class := "ctx"
		switch {
		case strings.HasPrefix(l, "-"):
			class = "del"
		case strings.HasPrefix(l, "+"):
			class = "add"
		}
		out = append(out, diffLine{class, l})
	}
	return out
}

type htmlPage struct {
	Report
	Families []htmlFamily
	Rows     []*htmlRow
	// Missing is the one row of the operations the target does not
	// implement (it answered some of their cases 501
	// NotImplementedException) where none of their cases failed; nil when
	// there are none.
	Missing  *htmlRow
	Failures []htmlFailure
	// Causes are the causes of the blocked cases, each once.
	Causes   []htmlBlocked
	Skips    []htmlSkip
	BySource []htmlSkip // Count cases of each source, Reason is the source
}

// openFailures is how many failures the page may have for each to be
// shown open; more are shown by their summary lines, to open one by one.
const openFailures = 10

// OpenFailures reports whether the failures are shown open.
func (p *htmlPage) OpenFailures() bool { return len(p.Failures) <= openFailures }

// Columns is the number of the grid's columns: the operation, the
// families and the total.
func (p *htmlPage) Columns() int { return len(p.Families) + 2 }

// WriteHTML writes the results as one self-contained HTML page (inline CSS,
// no scripts, nothing fetched) that a person reads in a window 1,400 px
// wide: the counts; a grid of operation × rule family with how many cases
// passed, failed and were skipped in each cell (its tooltip gives each
// rule's counts and the rule sources), the operations the target does not
// implement in one row; a legend of the families; one collapsible
// <details> per failure (open when there are at most ten) with its
// source, what to do next where the suite knows, its diff as the JSON
// members that differ, request and answer (sensitive values redacted as in
// the text report); each cause of blocked cases once, with the cases it
// blocked; and the skip reasons with their counts and next steps.
func WriteHTML(w io.Writer, rep Report, results []Result) error {
	rep.count(results)
	page := htmlPage{Report: rep}

	// The families that have cases, in order, and each rule's count.
	perRule := map[string]int{}
	for _, res := range results {
		perRule[ruleLabel(res.Rule)]++
	}
	col := map[string]int{}
	for _, f := range append(slices.Clone(ruleFamilies), ruleFamily{Name: otherFamily, About: "rules of no family above"}) {
		hf := htmlFamily{ruleFamily: f}
		for _, r := range slices.Sorted(maps.Keys(perRule)) {
			if familyOf(r) == f.Name {
				hf.Counts = append(hf.Counts, htmlSkip{Count: perRule[r], Reason: r})
			}
		}
		sort.SliceStable(hf.Counts, func(i, j int) bool { return hf.Counts[i].Count > hf.Counts[j].Count })
		if len(hf.Counts) > 0 {
			col[f.Name] = len(page.Families)
			page.Families = append(page.Families, hf)
		}
	}

	// Which operations the target does not implement, and which failed.
	missing, failed := map[string]bool{}, map[string]bool{}
	for _, res := range results {
		if res.Status == Skip && strings.HasPrefix(res.Reason, notImplementedReason) {
			missing[res.Operation] = true
		}
		if res.Status == Fail || res.Status == Blocked {
			failed[res.Operation] = true
		}
	}
	rows := map[string]*htmlRow{}
	newRow := func(label string) *htmlRow {
		return &htmlRow{Label: label, Cells: make([]*htmlCell, len(page.Families)), Total: newCell()}
	}
	var missingOps []string
	for _, op := range operationsOf(results) {
		if missing[op] && !failed[op] {
			missingOps = append(missingOps, op)
			continue
		}
		rows[op] = newRow(op)
		rows[op].Operations = []string{op}
		page.Rows = append(page.Rows, rows[op])
	}
	if len(missingOps) > 0 {
		page.Missing = newRow(fmt.Sprintf("%d %s the target does not implement", len(missingOps), plural(len(missingOps), "operation", "operations")))
		page.Missing.Operations = missingOps
		for _, op := range missingOps {
			rows[op] = page.Missing
		}
	}

	sources := map[string]int{}
	for _, res := range results {
		row := rows[res.Operation]
		i := col[familyOf(res.Rule)]
		cell := row.Cells[i]
		if cell == nil {
			cell = newCell()
			row.Cells[i] = cell
		}
		rule := ruleLabel(res.Rule)
		if cell.Rules[rule] == nil {
			cell.Rules[rule] = &htmlCell{First: -1}
		}
		cell.Rules[rule].add(res, -1)
		cell.Sources[res.Source]++
		sources[res.Source]++
		cell.add(res, len(page.Failures))
		row.Total.add(res, len(page.Failures))
		if res.Status == Fail {
			res.Next = res.nextStep()
			page.Failures = append(page.Failures, htmlFailure{Result: res, Lines: diffLines(res.Diff)})
		}
	}
	for _, c := range BlockedCauses(results) {
		page.Causes = append(page.Causes, htmlBlocked{BlockedCause: c, Lines: diffLines(c.Diff)})
	}
	for _, s := range skipReasons(results) {
		page.Skips = append(page.Skips, htmlSkip(s))
	}
	for _, s := range Sources {
		if sources[s] > 0 {
			page.BySource = append(page.BySource, htmlSkip{Count: sources[s], Reason: s})
		}
	}
	return htmlReport.Execute(w, &page)
}

var htmlReport = template.Must(template.New("report").Funcs(template.FuncMap{
	"rowOf": func(p *htmlPage, r *htmlRow) rowContext { return rowContext{p, r} },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Tool}}{{.Tool}}{{else}}ivsrt conform{{end}}: {{.Passed}} passed, {{.Failed}} failed, {{.Blocked}} blocked, {{.Skipped}} skipped</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; background: #fff; max-width: 1300px; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
h2 { font-size: 1.15em; margin: 1.5em 0 .5em; }
.meta { color: #555; margin: 0 0 1em; }
#counts span { display: inline-block; padding: .25em .7em; margin-right: .4em; border-radius: 4px; font-weight: 600; }
.pass { background: #d7f5dd; color: #11561f; }
.fail { background: #fcd9d9; color: #8a1111; }
.skip { background: #f3edcf; color: #6b5600; }
.blocked { background: #fde3c8; color: #7a3b00; }
details.cause { border-color: #e8c39e; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
thead th { background: #f2f2f2; }
#grid thead th { text-align: center; }
#grid th.op { white-space: nowrap; font-weight: 600; }
#grid td.cell, #grid td.total { text-align: center; font-variant-numeric: tabular-nums; white-space: nowrap; }
#grid td.total { font-weight: 600; }
#grid td.none { background: #fafafa; color: #aaa; text-align: center; }
#grid td a { color: inherit; }
#grid tbody.missing th.op { font-weight: normal; font-style: italic; }
#grid td.ops { font-size: .85em; color: #555; white-space: normal; }
#grid td.ops code { margin-right: .5em; white-space: nowrap; }
#legend { margin-top: 1em; }
#legend td:first-child { font-weight: 600; white-space: nowrap; }
details { border: 1px solid #e2b4b4; border-radius: 4px; margin: .4em 0; padding: .3em .6em; }
summary { cursor: pointer; }
summary code { font-weight: 600; }
.source { display: inline-block; font-size: .8em; padding: 0 .4em; border-radius: 3px; background: #e4e9f5; color: #243b73; }
.next { background: #eef4ff; border-left: 3px solid #4a6fd1; padding: .35em .6em; margin: .5em 0; }
pre { background: #f7f7f7; padding: .5em; overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: .2em 0; }
pre.diff span { display: block; }
pre.diff .del { background: #fde8e8; color: #8a1111; }
pre.diff .add { background: #e3f6e7; color: #11561f; }
pre.diff .ctx { color: #555; }
.label { font-weight: 600; margin: .4em 0 0; }
</style>
</head>
<body>
<h1>{{.Title}}, API version {{.APIVersion}}</h1>
<p class="meta">against <code>{{.Endpoint}}</code>{{if .RunID}}, run id <code>{{.RunID}}</code>{{end}}{{if .Sources}}, rules from {{range $i, $s := .Sources}}{{if $i}}, {{end}}{{$s}}{{end}} only{{end}}</p>
<p id="counts"><span class="pass" id="passed">{{.Passed}} passed</span><span class="fail" id="failed">{{.Failed}} failed</span><span class="blocked" id="blocked">{{.Blocked}} blocked</span><span class="skip" id="skipped">{{.Skipped}} skipped</span></p>
<p class="meta" id="sources">rule sources: {{range $i, $s := .BySource}}{{if $i}}, {{end}}<span class="source">{{$s.Reason}}</span> {{$s.Count}}{{end}}</p>
<h2>Operations by rule family</h2>
<p class="meta">Each cell: cases passed ✓, failed ✗, blocked ⊘ (a step that prepares them failed) and skipped –; hover for each rule's counts and the rule sources, click a failed cell for its first failure. The families are under the grid.</p>
<table id="grid">
<thead><tr><th>operation</th>{{range .Families}}<th title="{{.RuleList}}">{{.Name}}</th>{{end}}<th>all</th></tr></thead>
<tbody>
{{- $page := .}}
{{range .Rows}}<tr data-op="{{index .Operations 0}}">{{template "row" (rowOf $page .)}}</tr>
{{end -}}
</tbody>
{{- with .Missing}}
<tbody class="missing">
<tr data-ops="{{len .Operations}}">{{template "row" (rowOf $page .)}}</tr>
<tr><td class="ops" colspan="{{$page.Columns}}">answered 501 NotImplementedException, so only their input checks ran: {{range .Operations}}<code data-op="{{.}}">{{.}}</code> {{end}}</td></tr>
</tbody>
{{- end}}
</table>
<table id="legend" class="meta">
<thead><tr><th>family</th><th>what its rules check</th><th>rules, with their cases</th></tr></thead>
<tbody>
{{range .Families}}<tr><td>{{.Name}}</td><td>{{.About}}</td><td>{{range $i, $c := .Counts}}{{if $i}}, {{end}}{{$c.Reason}} {{$c.Count}}{{end}}</td></tr>
{{end}}</tbody>
</table>
<h2>Failures ({{len .Failures}})</h2>
{{range $i, $f := .Failures}}<details class="failure" id="failure-{{$i}}"{{if $page.OpenFailures}} open{{end}}>
<summary><code>{{$f.Name}}</code> <span class="source" title="where the rule comes from">{{$f.Source}}</span>{{if $f.FailureType}} <span class="source">{{$f.FailureType}}</span>{{end}}: {{$f.Reason}}</summary>
{{if $f.Next}}<p class="next"><b>next:</b> {{$f.Next}}</p>{{end}}
{{if $f.Diff}}<p class="label">diff (-want +got)</p><pre class="diff">{{range $f.Lines}}<span class="{{.Class}}">{{.Text}}</span>{{end}}</pre>{{end}}
{{if and $f.Detail (ne $f.Detail $f.Reason)}}<p class="label">detail</p><pre>{{$f.Detail}}</pre>{{end}}
{{if $f.Request}}<p class="label">request</p><pre>{{$f.Request}}</pre>{{end}}
{{if $f.Response}}<p class="label">response</p><pre>{{$f.Response}}</pre>{{end}}
</details>
{{else}}<p>None.</p>
{{end}}
{{if .Causes}}<h2>Blocked ({{.Blocked}} cases, {{len .Causes}} {{if eq (len .Causes) 1}}cause{{else}}causes{{end}})</h2>
<p class="meta">A step that prepares these cases failed, so their rules were not checked; each cause is told once.</p>
{{range $i, $c := .Causes}}<details class="cause" id="blocked-{{$i}}" open>
<summary><b>{{$c.Count}}</b> {{if eq $c.Count 1}}case{{else}}cases{{end}}{{if $c.FailureType}} <span class="source">{{$c.FailureType}}</span>{{end}}: {{$c.Reason}}</summary>
{{if $c.Next}}<p class="next"><b>next:</b> {{$c.Next}}</p>{{end}}
{{if $c.Diff}}<p class="label">diff (-want +got)</p><pre class="diff">{{range $c.Lines}}<span class="{{.Class}}">{{.Text}}</span>{{end}}</pre>{{end}}
{{if $c.Request}}<p class="label">request</p><pre>{{$c.Request}}</pre>{{end}}
{{if $c.Response}}<p class="label">response</p><pre>{{$c.Response}}</pre>{{end}}
<details><summary>the {{$c.Count}} {{if eq $c.Count 1}}case{{else}}cases{{end}}</summary><p>{{range $j, $n := $c.Cases}}{{if $j}}, {{end}}<code>{{$n}}</code>{{end}}</p></details>
</details>
{{end}}{{end}}
{{if .Skips}}<h2>Skipped</h2>
<table id="skips"><thead><tr><th>cases</th><th>reason</th><th>next</th></tr></thead><tbody>
{{range .Skips}}<tr><td>{{.Count}}</td><td>{{.Reason}}</td><td>{{.Next}}</td></tr>
{{end}}</tbody></table>
{{end}}</body>
</html>
{{define "row"}}<th class="op">{{.Row.Label}}</th>{{range $i, $c := .Row.Cells}}{{if $c}}<td class="cell {{$c.Class}}" title="{{$c.Title $.Row.Label (index $.Page.Families $i).Name}}" data-passed="{{$c.Passed}}" data-failed="{{$c.Failed}}" data-blocked="{{$c.Blocked}}" data-skipped="{{$c.Skipped}}">{{if ge $c.First 0}}<a href="#failure-{{$c.First}}">{{end}}{{$c.Counts}}{{if ge $c.First 0}}</a>{{end}}</td>{{else}}<td class="none">·</td>{{end}}{{end}}<td class="total {{.Row.Total.Class}}">{{if ge .Row.Total.First 0}}<a href="#failure-{{.Row.Total.First}}">{{end}}{{.Row.Total.Counts}}{{if ge .Row.Total.First 0}}</a>{{end}}</td>{{end}}`))

// rowContext is what the "row" template renders: a row of the page.
type rowContext struct {
	Page *htmlPage
	Row  *htmlRow
}
