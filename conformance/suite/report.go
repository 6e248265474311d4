package suite

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
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
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Text renders a failed result the way WriteFailures does, for t.Error.
func (res Result) Text() string {
	var b strings.Builder
	_ = WriteFailures(&b, []Result{res})
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), "FAIL "+res.Name+": "), "\n")
}

// Report is the header of a JSON report.
type Report struct {
	Title      string   `json:"title"`
	APIVersion string   `json:"apiVersion"`
	Endpoint   string   `json:"endpoint"`
	RunID      string   `json:"runId,omitempty"`
	Passed     int      `json:"passed"`
	Failed     int      `json:"failed"`
	Skipped    int      `json:"skipped"`
	Results    []Result `json:"results"`
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
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
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
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes the results as JUnit XML, one testsuite per operation.
func WriteJUnit(w io.Writer, name string, results []Result) error {
	var out junitSuites
	for _, op := range operationsOf(results) {
		s := junitSuite{Name: name + "/" + op}
		var total time.Duration
		for _, res := range results {
			if res.Operation != op {
				continue
			}
			jc := junitCase{Name: res.Name, Classname: name + "." + op, Time: seconds(res.Duration)}
			switch res.Status {
			case Fail:
				s.Failures++
				jc.Failure = &junitMessage{Message: res.Reason, Body: res.Text()}
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
	}
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
