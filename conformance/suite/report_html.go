package suite

import (
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
)

// htmlCell is one operation × rule cell of the grid.
type htmlCell struct {
	Passed, Failed, Skipped int
	Sources                 map[string]int
	First                   int // index of its first failure in Failures, -1 without
}

func (c *htmlCell) Total() int { return c.Passed + c.Failed + c.Skipped }

// Class is the cell's colour: any failure, else any skip, else passed.
func (c *htmlCell) Class() string {
	switch {
	case c.Failed > 0:
		return "fail"
	case c.Skipped > 0:
		return "skip"
	}
	return "pass"
}

// Counts is the cell's text: "3 ✓ 1 ✗ 2 –", leaving out the zeros.
func (c *htmlCell) Counts() string {
	var parts []string
	for _, p := range []struct {
		n    int
		mark string
	}{{c.Passed, "✓"}, {c.Failed, "✗"}, {c.Skipped, "–"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.mark))
		}
	}
	return strings.Join(parts, " ")
}

// Title is the cell's tooltip: its counts and the sources of its rules.
func (c *htmlCell) Title(op, rule string) string {
	var src []string
	for _, s := range Sources {
		if n := c.Sources[s]; n > 0 {
			src = append(src, fmt.Sprintf("%s %d", s, n))
		}
	}
	return fmt.Sprintf("%s %s: %d passed, %d failed, %d skipped; rule sources: %s",
		op, rule, c.Passed, c.Failed, c.Skipped, strings.Join(src, ", "))
}

type htmlRow struct {
	Rule  string
	Cells []*htmlCell // one per operation; nil where the operation has no such case
}

type htmlSkip struct {
	Count  int
	Reason string
}

type htmlPage struct {
	Report
	Operations []string
	Rows       []htmlRow
	Failures   []Result
	Skips      []htmlSkip
	BySource   []htmlSkip // Count cases of each source, Reason is the source
}

// WriteHTML writes the results as one self-contained HTML page (inline CSS,
// no scripts, nothing fetched): the counts, a grid of rule × operation
// with how many cases passed, failed and were skipped in each cell (its
// tooltip gives the rule sources), one collapsible <details> per failure
// with its source, diff, request and answer (sensitive values redacted as
// in the text report), and the skip reasons with their counts.
func WriteHTML(w io.Writer, rep Report, results []Result) error {
	rep.Passed, rep.Failed, rep.Skipped = Counts(results)
	page := htmlPage{Report: rep, Operations: operationsOf(results)}
	col := map[string]int{}
	for i, op := range page.Operations {
		col[op] = i
	}
	rows := map[string]*htmlRow{}
	var rules []string
	skips := map[string]int{}
	sources := map[string]int{}
	for _, res := range results {
		rule := res.Rule
		if rule == "" {
			rule = "(other)"
		}
		row := rows[rule]
		if row == nil {
			row = &htmlRow{Rule: rule, Cells: make([]*htmlCell, len(page.Operations))}
			rows[rule] = row
			rules = append(rules, rule)
		}
		cell := row.Cells[col[res.Operation]]
		if cell == nil {
			cell = &htmlCell{Sources: map[string]int{}, First: -1}
			row.Cells[col[res.Operation]] = cell
		}
		cell.Sources[res.Source]++
		sources[res.Source]++
		switch res.Status {
		case Pass:
			cell.Passed++
		case Fail:
			cell.Failed++
			if cell.First < 0 {
				cell.First = len(page.Failures)
			}
			page.Failures = append(page.Failures, res)
		case Skip:
			cell.Skipped++
			skips[res.Reason]++
		}
	}
	sort.Strings(rules)
	for _, r := range rules {
		page.Rows = append(page.Rows, *rows[r])
	}
	for reason, n := range skips {
		page.Skips = append(page.Skips, htmlSkip{n, reason})
	}
	sort.Slice(page.Skips, func(i, j int) bool {
		a, b := page.Skips[i], page.Skips[j]
		return a.Count > b.Count || a.Count == b.Count && a.Reason < b.Reason
	})
	for _, s := range Sources {
		if sources[s] > 0 {
			page.BySource = append(page.BySource, htmlSkip{sources[s], s})
		}
	}
	return htmlReport.Execute(w, page)
}

var htmlReport = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ivsrt conform: {{.Passed}} passed, {{.Failed}} failed, {{.Skipped}} skipped</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
h2 { font-size: 1.15em; margin: 1.5em 0 .5em; }
.meta { color: #555; margin: 0 0 1em; }
#counts span { display: inline-block; padding: .25em .7em; margin-right: .4em; border-radius: 4px; font-weight: 600; }
.pass { background: #d7f5dd; color: #11561f; }
.fail { background: #fcd9d9; color: #8a1111; }
.skip { background: #f3edcf; color: #6b5600; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
thead th { background: #f2f2f2; }
td.cell { text-align: center; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.none { background: #fafafa; color: #aaa; text-align: center; }
td.cell a { color: inherit; }
details { border: 1px solid #e2b4b4; border-radius: 4px; margin: .4em 0; padding: .3em .6em; }
summary { cursor: pointer; }
summary code { font-weight: 600; }
.source { display: inline-block; font-size: .8em; padding: 0 .4em; border-radius: 3px; background: #e4e9f5; color: #243b73; }
pre { background: #f7f7f7; padding: .5em; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.label { font-weight: 600; margin: .4em 0 0; }
</style>
</head>
<body>
<h1>{{.Title}}, API version {{.APIVersion}}</h1>
<p class="meta">against <code>{{.Endpoint}}</code>{{if .RunID}}, run id <code>{{.RunID}}</code>{{end}}{{if .Sources}}, rules from {{range $i, $s := .Sources}}{{if $i}}, {{end}}{{$s}}{{end}} only{{end}}</p>
<p id="counts"><span class="pass" id="passed">{{.Passed}} passed</span><span class="fail" id="failed">{{.Failed}} failed</span><span class="skip" id="skipped">{{.Skipped}} skipped</span></p>
<p class="meta" id="sources">rule sources: {{range $i, $s := .BySource}}{{if $i}}, {{end}}<span class="source">{{$s.Reason}}</span> {{$s.Count}}{{end}}</p>
<h2>Rules by operation</h2>
<p class="meta">Each cell: cases passed ✓, failed ✗ and skipped –; hover for the rule sources, click a failed cell for its first failure.</p>
<table id="grid">
<thead><tr><th>rule</th>{{range .Operations}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- $ops := .Operations}}
{{range .Rows}}{{$rule := .Rule}}<tr><th>{{.Rule}}</th>{{range $i, $c := .Cells}}{{if $c}}<td class="cell {{$c.Class}}" title="{{$c.Title (index $ops $i) $rule}}" data-passed="{{$c.Passed}}" data-failed="{{$c.Failed}}" data-skipped="{{$c.Skipped}}">{{if ge $c.First 0}}<a href="#failure-{{$c.First}}">{{end}}{{$c.Counts}}{{if ge $c.First 0}}</a>{{end}}</td>{{else}}<td class="none">·</td>{{end}}{{end}}</tr>
{{end -}}
</tbody>
</table>
<h2>Failures ({{len .Failures}})</h2>
{{range $i, $f := .Failures}}<details class="failure" id="failure-{{$i}}">
<summary><code>{{$f.Name}}</code> <span class="source" title="where the rule comes from">{{$f.Source}}</span>{{if $f.FailureType}} <span class="source">{{$f.FailureType}}</span>{{end}}: {{$f.Reason}}</summary>
{{if $f.Diff}}<p class="label">diff (-want +got)</p><pre>{{$f.Diff}}</pre>{{end}}
{{if and $f.Detail (ne $f.Detail $f.Reason)}}<p class="label">detail</p><pre>{{$f.Detail}}</pre>{{end}}
{{if $f.Request}}<p class="label">request</p><pre>{{$f.Request}}</pre>{{end}}
{{if $f.Response}}<p class="label">response</p><pre>{{$f.Response}}</pre>{{end}}
</details>
{{else}}<p>None.</p>
{{end}}
{{if .Skips}}<h2>Skipped</h2>
<table id="skips"><thead><tr><th>cases</th><th>reason</th></tr></thead><tbody>
{{range .Skips}}<tr><td>{{.Count}}</td><td>{{.Reason}}</td></tr>
{{end}}</tbody></table>
{{end}}</body>
</html>
`))
