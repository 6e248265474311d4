package suite

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
)

// Summary is the closing line: "N passed, N failed, N skipped".
func Summary(results []Result) string {
	p, f, s := Counts(results)
	return fmt.Sprintf("%d passed, %d failed, %d skipped", p, f, s)
}

// WriteFailures writes one FAIL line per failed case, each followed by its
// diff (-want +got), the request that produced it and the answer, indented.
func WriteFailures(w io.Writer, results []Result) error {
	var b strings.Builder
	for _, res := range results {
		if res.Status != Fail {
			continue
		}
		fmt.Fprintf(&b, "FAIL %s: %s\n", res.Name, res.Reason)
		if res.Diff != "" {
			b.WriteString("    diff (-want +got):\n")
			for _, l := range strings.Split(strings.TrimRight(res.Diff, "\n"), "\n") {
				b.WriteString("      " + l + "\n")
			}
		}
		if res.Detail != "" && res.Detail != res.Reason {
			for _, l := range strings.Split(strings.TrimRight(res.Detail, "\n"), "\n") {
				b.WriteString("    " + l + "\n")
			}
		}
		if res.Request != "" {
			b.WriteString("    request:  " + res.Request + "\n")
		}
		if res.Response != "" {
			b.WriteString("    response: " + res.Response + "\n")
		}
		if res.Source != "" {
			b.WriteString("    source:   " + res.Source + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteSkips writes the reasons cases were skipped for, one line per
// reason with how many cases it skipped, the most frequent first:
// "SKIP 12 cases: no seeder: ...". A reason repeats for many cases (a
// missing seeder skips every case that needs participants), so one line
// each says it all.
func WriteSkips(w io.Writer, results []Result) error {
	count := map[string]int{}
	var reasons, missing []string
	const missingOps = "missing operations"
	for _, res := range results {
		if res.Status != Skip {
			continue
		}
		reason := res.Reason
		// The operations a target has not written yet are one line,
		// however many there are.
		if op, ok := strings.CutPrefix(reason, notImplementedReason); ok {
			if !slices.Contains(missing, op) {
				missing = append(missing, op)
			}
			reason = missingOps
		}
		if count[reason] == 0 {
			reasons = append(reasons, reason)
		}
		count[reason]++
	}
	sort.SliceStable(reasons, func(i, j int) bool { return count[reasons[i]] > count[reasons[j]] })
	var b strings.Builder
	for _, r := range reasons {
		n := count[r]
		if r == missingOps {
			r = notImplementedReason + plural(len(missing), "", fmt.Sprintf("%d operations: ", len(missing))) + strings.Join(missing, ", ")
		}
		fmt.Fprintf(&b, "SKIP %d %s: %s\n", n, plural(n, "case", "cases"), r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// notImplementedReason starts the reason of a case skipped because the
// target answered NotImplementedException; the operation's name follows.
const notImplementedReason = "the target does not implement "

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Text renders a failed result the way WriteFailures does, for t.Error.
func (res Result) Text() string {
	var b strings.Builder
	_ = WriteFailures(&b, []Result{res})
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), "FAIL "+res.Name+": "), "\n")
}

// Report is the header of a JSON report.
type Report struct {
	Title      string `json:"title"`
	APIVersion string `json:"apiVersion"`
	Endpoint   string `json:"endpoint"`
	RunID      string `json:"runId,omitempty"`
	// Sources are the rule sources the run was limited to; none means all.
	Sources []string `json:"sources,omitempty"`
	Passed  int      `json:"passed"`
	Failed  int      `json:"failed"`
	Skipped int      `json:"skipped"`
	Results []Result `json:"results"`
}

// WriteJSON writes the results as one JSON document.
func WriteJSON(w io.Writer, rep Report, results []Result) error {
	rep.Passed, rep.Failed, rep.Skipped = Counts(results)
	rep.Results = results
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Failure    *junitMessage   `xml:"failure,omitempty"`
	Skipped    *junitMessage   `xml:"skipped,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes the results as JUnit XML, one testsuite per operation,
// with the totals on <testsuites> and each <testsuite>. Each testcase has
// a "source" property (where its rule comes from); a failure's type is
// its FailureType.
func WriteJUnit(w io.Writer, name string, results []Result) error {
	out := junitSuites{Name: name}
	var all time.Duration
	for _, op := range operationsOf(results) {
		s := junitSuite{Name: name + "/" + op}
		var total time.Duration
		for _, res := range results {
			if res.Operation != op {
				continue
			}
			jc := junitCase{Name: res.Name, Classname: name + "." + op, Time: seconds(res.Duration)}
			if res.Source != "" {
				jc.Properties = []junitProperty{{Name: "source", Value: res.Source}}
			}
			switch res.Status {
			case Fail:
				s.Failures++
				jc.Failure = &junitMessage{Message: res.Reason, Type: res.FailureType, Body: res.Text()}
			case Skip:
				s.Skipped++
				jc.Skipped = &junitMessage{Message: res.Reason}
			}
			s.Tests++
			total += res.Duration
			s.Cases = append(s.Cases, jc)
		}
		s.Time = seconds(total)
		out.Suites = append(out.Suites, s)
		out.Tests, out.Failures, out.Skipped = out.Tests+s.Tests, out.Failures+s.Failures, out.Skipped+s.Skipped
		all += total
	}
	out.Time = seconds(all)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
