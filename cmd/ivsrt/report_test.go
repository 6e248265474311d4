package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/png"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// brokenTarget is a fake with one rule broken (a token duration of 0 is
// taken as 1, so the minimum goes unenforced) and its control API hidden
// (so the cases that need participants are skipped: no seeder).
func brokenTarget(t *testing.T) string {
	t.Helper()
	fake := rewriteRequest(ivsfake.New(ivsfake.Options{}), "CreateStage", func(body map[string]any) {
		configs, _ := body["participantTokenConfigurations"].([]any)
		for _, c := range configs {
			if m, ok := c.(map[string]any); ok && m["duration"] == float64(0) {
				m["duration"] = 1
			}
		}
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, ivscontrol.Prefix) {
			http.NotFound(w, r)
			return
		}
		if slices.Contains(brokenTargetLacks, strings.TrimPrefix(r.URL.Path, "/")) {
			w.Header().Set("x-amzn-ErrorType", "NotImplementedException")
			w.WriteHeader(http.StatusNotImplemented)
			_, _ = w.Write([]byte(`{"message":"not implemented"}`))
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// brokenTargetLacks are the operations brokenTarget answers 501
// NotImplementedException, as an implementation that has not written them
// yet does: the report gathers them in one row.
var brokenTargetLacks = []string{"StartParticipantReplication", "StopParticipantReplication", "ListParticipantReplicas"}

const brokenCase = "CreateStage/participantTokenConfigurations[].duration/minimum/under"

// Nothing listening: one line on stderr, nothing on stdout, exit 2.
func TestConformNothingListening(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	var out, errOut bytes.Buffer
	require.Equal(t, 2, conformMain([]string{"-endpoint", url}, &out, &errOut))
	assert.Empty(t, out.String())
	assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), errOut.String())
	assert.Regexp(t, `^ivsrt conform: nothing answers at `+regexp.QuoteMeta(url)+`: .*connection refused\n$`, errOut.String())
}

// A web server, not an IVS endpoint: one line, a short excerpt of what it
// answered, exit 2; and it was asked exactly once.
func TestConformNotAnIVSEndpoint(t *testing.T) {
	var hits atomic.Int32
	page := "<!DOCTYPE html>\n<html><body>" + strings.Repeat("<p>welcome</p>\n", 500) + "</body></html>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)
	var out, errOut bytes.Buffer
	require.Equal(t, 2, conformMain([]string{"-endpoint", srv.URL}, &out, &errOut))
	assert.Empty(t, out.String())
	line := errOut.String()
	assert.Equal(t, 1, strings.Count(line, "\n"), line)
	assert.Contains(t, line, srv.URL+" does not answer as an AWS JSON service: POST /")
	assert.Contains(t, line, "got 200, text/html; charset=utf-8, without x-amzn-ErrorType: <!DOCTYPE html>")
	assert.Less(t, len(line), 400)
	assert.Equal(t, int32(1), hits.Load(), "probed once, then nothing")
}

// Report paths that cannot be written are refused before anything runs.
func TestConformRefusesBadReportPaths(t *testing.T) {
	dir := t.TempDir()
	var hits atomic.Int32
	fake := ivsfake.New(ivsfake.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	for _, args := range [][]string{
		{"-junit", filepath.Join(dir, "missing", "r.xml")},
		{"-json", filepath.Join(dir, "missing", "r.json")},
		{"-html", filepath.Join(dir, "missing", "r.html")},
		{"-html", dir}, // a directory
		{"-json", "-", "-junit", "-"},
	} {
		var out, errOut bytes.Buffer
		require.Equal(t, 2, conformMain(append([]string{"-endpoint", srv.URL}, args...), &out, &errOut), "%v", args)
		assert.Empty(t, out.String(), "%v", args)
		assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), "%v: %s", args, errOut.String())
	}
	assert.Zero(t, hits.Load(), "nothing was sent")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "the checks leave no file behind")

	if os.Geteuid() == 0 {
		return // root writes read-only files: that refusal cannot be shown here
	}
	ro := filepath.Join(dir, "read-only.xml")
	require.NoError(t, os.WriteFile(ro, nil, 0o444))
	var out, errOut bytes.Buffer
	require.Equal(t, 2, conformMain([]string{"-endpoint", srv.URL, "-junit", ro}, &out, &errOut))
	assert.Contains(t, errOut.String(), "permission denied")
}

// -json -: the JSON report alone on stdout, the text on stderr.
func TestConformJSONToStdout(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, conformMain([]string{"-run", "^GetStage/", "-json", "-"}, &out, &errOut), errOut.String())
	var rep suite.Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep), out.String())
	assert.Equal(t, ivsapi.APIVersion, rep.APIVersion)
	assert.NotEmpty(t, rep.Results)
	assert.Equal(t, len(rep.Results), rep.Passed)
	assert.True(t, strings.HasPrefix(errOut.String(), "ivsrt conform: "), errOut.String())
	assert.Equal(t, strconv.Itoa(rep.Passed)+" passed, 0 failed, 0 blocked, 0 skipped", lastLine(errOut.String()))
}

// Against a target without a seeder: each skip reason once, with its
// count, and the counts add up to the closing line's.
func TestConformGroupsSkipReasons(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 1, conformMain([]string{"-endpoint", brokenTarget(t)}, &out, &errOut), errOut.String())
	_, _, skipped := counts(t, out.String())
	require.Greater(t, skipped, 10)
	skipLine := regexp.MustCompile(`(?m)^SKIP (\d+) cases?: (.+)$`)
	total := 0
	seen := map[string]bool{}
	for _, m := range skipLine.FindAllStringSubmatch(out.String(), -1) {
		n, _ := strconv.Atoi(m[1])
		total += n
		assert.False(t, seen[m[2]], "reason repeated: %s", m[2])
		seen[m[2]] = true
	}
	assert.Equal(t, skipped, total)
	assert.Contains(t, out.String(), "cases: no seeder: ")
	assert.Less(t, strings.Count(out.String(), "\n"), 40, "a skip is not a line per case:\n%s", out.String())
}

// JUnit: totals on <testsuites> and each <testsuite>, failure types, each
// case's source, and the diff without go-cmp's non-breaking spaces.
func TestConformJUnitTotalsAndTypes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.xml")
	var out, errOut bytes.Buffer
	require.Equal(t, 1, conformMain([]string{"-endpoint", brokenTarget(t), "-junit", path}, &out, &errOut), errOut.String())
	passed, failed, skipped := counts(t, out.String())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "\u00a0")
	type totals struct {
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Time     string `xml:"time,attr"`
	}
	var doc struct {
		totals
		Suites []struct {
			totals
			Cases []struct {
				Name       string `xml:"name,attr"`
				Properties []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value,attr"`
				} `xml:"properties>property"`
				Failure *struct {
					Type string `xml:"type,attr"`
					Body string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &doc))
	assert.Equal(t, totals{passed + failed + skipped, failed, skipped, doc.Time}, doc.totals)
	assert.Regexp(t, `^\d+\.\d{3}$`, doc.Time)
	var sum totals
	found := false
	for _, s := range doc.Suites {
		assert.Regexp(t, `^\d+\.\d{3}$`, s.Time)
		sum.Tests, sum.Failures, sum.Skipped = sum.Tests+s.Tests, sum.Failures+s.Failures, sum.Skipped+s.Skipped
		for _, c := range s.Cases {
			require.Len(t, c.Properties, 1, c.Name)
			assert.Equal(t, "source", c.Properties[0].Name)
			assert.Contains(t, suite.Sources, c.Properties[0].Value)
			if c.Name == brokenCase {
				found = true
				require.NotNil(t, c.Failure)
				assert.Equal(t, suite.ContractViolation, c.Failure.Type)
				assert.Contains(t, c.Failure.Body, "diff (-want +got)")
			}
		}
	}
	assert.True(t, found)
	assert.Equal(t, doc.Tests, sum.Tests)
	assert.Equal(t, doc.Failures, sum.Failures)
	assert.Equal(t, doc.Skipped, sum.Skipped)
}

// -rules runs only the cases of those sources, and the reports say each
// case's source; an unknown source is bad usage.
func TestConformRules(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 2, conformMain([]string{"-rules", "model,guessed"}, &out, &errOut))
	assert.Contains(t, errOut.String(), `-rules: unknown rule source "guessed": use model, documented, inferred`)

	s, err := conformance.Suite()
	require.NoError(t, err)
	for _, src := range suite.Sources {
		want := len(suite.SelectSources(s.Cases, []string{src}))
		var out, errOut bytes.Buffer
		code := conformMain([]string{"-rules", src, "-json", "-"}, &out, &errOut)
		if want == 0 {
			assert.Equal(t, 2, code, "no %s case yet: %s", src, errOut.String())
			assert.Contains(t, errOut.String(), "no case matches with rules from "+src)
			continue
		}
		require.Equal(t, 0, code, errOut.String())
		var rep suite.Report
		require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
		assert.Len(t, rep.Results, want, src)
		assert.Equal(t, []string{src}, rep.Sources)
		for _, res := range rep.Results {
			assert.Equal(t, src, res.Source, res.Name)
		}
		assert.Contains(t, errOut.String(), "cases with rules from "+src+" against")
	}
}

// The text report gives a failed case's source.
func TestConformTextShowsSource(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 1, conformMain([]string{"-endpoint", brokenTarget(t), "-run", regexp.QuoteMeta(brokenCase)}, &out, &errOut), errOut.String())
	s, err := conformance.Suite()
	require.NoError(t, err)
	var src string
	for i := range s.Cases {
		if s.Cases[i].Name == brokenCase {
			src = s.Cases[i].CaseSource()
		}
	}
	require.NotEmpty(t, src)
	assert.Contains(t, out.String(), "FAIL "+brokenCase+": ")
	assert.Contains(t, out.String(), "\n    source:   "+src+"\n")
	assert.NotContains(t, out.String(), "\u00a0")
}

// chromium finds a headless Chromium, or skips: .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH (apt-get install chromium; .ci/run installs it): the HTML report cannot be rendered")
	return ""
}

// reportWidth is the width of the window a person reads the HTML report
// in: the report must fit it without scrolling sideways.
const reportWidth = 1400

// render runs headless Chromium on a page in a window reportWidth wide:
// its DOM as rendered, and a screenshot.
func render(t *testing.T, page string) (dom string, screenshot string) {
	t.Helper()
	screenshot = filepath.Join(t.TempDir(), "report.png")
	chrome(t, "--screenshot="+screenshot, fmt.Sprintf("--window-size=%d,1600", reportWidth), "file://"+page)
	return chrome(t, fmt.Sprintf("--window-size=%d,1600", reportWidth), "--dump-dom", "file://"+page), screenshot
}

// chrome runs headless Chromium with args, and returns its stdout.
func chrome(t *testing.T, args ...string) string {
	t.Helper()
	bin := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(flags, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "chromium %v: %s", args, stderr.String())
	return string(out)
}

// layoutProbe, appended to a copy of a page (the report itself runs no
// script), writes onto <body> what the page looks like in the window: its
// width, how wide the page is, and where each element naming an operation
// (data-op) ends on the right.
const layoutProbe = `<script>
(function () {
  var root = document.documentElement, ops = [];
  document.querySelectorAll("[data-op]").forEach(function (e) {
    ops.push(e.getAttribute("data-op") + "=" + Math.ceil(e.getBoundingClientRect().right));
  });
  document.body.setAttribute("data-window", window.innerWidth);
  document.body.setAttribute("data-client-width", root.clientWidth);
  document.body.setAttribute("data-scroll-width", root.scrollWidth);
  document.body.setAttribute("data-ops", ops.join(" "));
})();
</script>`

// layout renders a copy of the page with layoutProbe in a window
// reportWidth wide, and returns what the probe found: the width of the
// page's viewport (the window less its scroll bar), how wide the page is,
// and the right edge of each operation's element.
func layout(t *testing.T, page string) (clientWidth, scrollWidth int, right map[string]int) {
	t.Helper()
	data, err := os.ReadFile(page)
	require.NoError(t, err)
	probe := filepath.Join(t.TempDir(), "probe.html")
	require.NoError(t, os.WriteFile(probe, bytes.Replace(data, []byte("</body>"), []byte(layoutProbe+"</body>"), 1), 0o644))
	dom := chrome(t, fmt.Sprintf("--window-size=%d,900", reportWidth), "--dump-dom", "file://"+probe)
	attr := func(name string) string {
		m := regexp.MustCompile(name + `="([^"]*)"`).FindStringSubmatch(dom)
		require.NotNil(t, m, "the probe wrote no %s", name)
		return m[1]
	}
	window, _ := strconv.Atoi(attr("data-window"))
	require.Equal(t, reportWidth, window, "the window's width")
	clientWidth, _ = strconv.Atoi(attr("data-client-width"))
	scrollWidth, _ = strconv.Atoi(attr("data-scroll-width"))
	right = map[string]int{}
	for _, f := range strings.Fields(attr("data-ops")) {
		op, px, _ := strings.Cut(f, "=")
		n, err := strconv.Atoi(px)
		require.NoError(t, err, f)
		_, dup := right[op]
		require.False(t, dup, "%s is named twice", op)
		right[op] = n
	}
	return clientWidth, scrollWidth, right
}

// -html writes one self-contained page; Chromium renders its grid, counts
// and failures, and a screenshot of it has the failure's colour in it.
// IVSRT_REPORT_SCREENSHOT=FILE keeps the screenshot there.
func TestConformHTMLRendersInChromium(t *testing.T) {
	heavyTest(t, "renders the HTML report in headless Chromium")
	chromium(t)
	path := filepath.Join(t.TempDir(), "report.html")
	var out, errOut bytes.Buffer
	require.Equal(t, 1, conformMain([]string{"-endpoint", brokenTarget(t), "-html", path}, &out, &errOut), errOut.String())
	passed, failed, skipped := counts(t, out.String())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	page := string(data)
	// Self-contained: nothing to fetch, nothing to run.
	for _, external := range []string{"<script", "<link", "src=", "@import", "url("} {
		assert.NotContains(t, page, external)
	}
	assert.NotContains(t, page, "\u00a0")
	assert.NotContains(t, page, `"token":"`+"AQ", "tokens stay redacted")

	dom, shot := render(t, path)
	assert.Contains(t, dom, `<table id="grid">`)
	assert.Contains(t, dom, `<span class="pass" id="passed">`+strconv.Itoa(passed)+` passed</span>`)
	assert.Contains(t, dom, `<span class="fail" id="failed">`+strconv.Itoa(failed)+` failed</span>`)
	assert.Contains(t, dom, `<span class="skip" id="skipped">`+strconv.Itoa(skipped)+` skipped</span>`)
	// The grid: a row per operation, a column per rule family, counts per
	// cell; the operations the target does not implement in one row.
	for _, op := range []string{"CreateStage", "GetStage", "UpdateStage", "GetParticipant", "ListParticipants"} {
		assert.Contains(t, dom, `<tr data-op="`+op+`"><th class="op">`+op+`</th>`)
	}
	head := regexp.MustCompile(`<thead><tr><th>operation</th>((?:<th title="[^"]*">[^<]+</th>)+)<th>all</th></tr></thead>`).FindStringSubmatch(dom)
	require.NotNil(t, head, "the grid's header")
	families := regexp.MustCompile(`>([^<]+)</th>`).FindAllStringSubmatch(head[1], -1)
	seen := map[string]bool{}
	for _, f := range families {
		assert.False(t, seen[f[1]], "column %q twice", f[1])
		seen[f[1]] = true
	}
	assert.Subset(t, slices.Collect(maps.Keys(seen)), []string{"input", "bounds", "patterns", "answers", "lists", "behaviour", "errors"})
	assert.NotContains(t, dom, ">filter<", "filter and filters are one")
	missing := len(brokenTargetLacks)
	assert.Regexp(t, fmt.Sprintf(`<tbody class="missing">\s*<tr data-ops="%d"><th class="op">%d operations the target does not implement</th>`, missing, missing), dom)
	cell := regexp.MustCompile(`<td class="cell (pass|fail|blocked|skip)" title="([^"]*)" data-passed="(\d+)" data-failed="(\d+)" data-blocked="0" data-skipped="(\d+)">`)
	var sum [3]int
	for _, m := range cell.FindAllStringSubmatch(dom, -1) {
		for i := range sum {
			n, _ := strconv.Atoi(m[3+i])
			sum[i] += n
		}
		assert.Contains(t, m[2], "rule sources: ")
	}
	assert.Equal(t, [3]int{passed, failed, skipped}, sum, "the cells add up to the counts")
	// One <details> per failure, naming the case and its source, with what
	// to do next, and its diff in JSON, not Go.
	assert.Equal(t, failed, strings.Count(dom, `<details class="failure"`))
	assert.Contains(t, dom, "<code>"+brokenCase+"</code>")
	assert.Contains(t, dom, "diff (-want +got)")
	assert.Contains(t, dom, `<span class="del">- "status": 400</span><span class="add">+ "status": 200</span>`)
	assert.NotContains(t, dom, "suite.Answer")
	assert.Contains(t, dom, `<p class="next"><b>next:</b> the target took input AWS refuses: check participantTokenConfigurations[].duration against its minimum rule`)
	assert.Contains(t, dom, "no seeder: ")
	assert.Contains(t, dom, suite.SetSeeder.CLI, "the skip says how to seed, in the command line's words")
	assert.NotContains(t, dom, "suite.Target", "not Go's")

	f, err := os.Open(shot)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	b := img.Bounds()
	require.Equal(t, reportWidth, b.Dx())
	// The failure colour (#fcd9d9) of the failed counter and cell is on screen.
	red := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == 0xfc && g>>8 == 0xd9 && bl>>8 == 0xd9 {
				red++
			}
		}
	}
	assert.Greater(t, red, 50, "the failure colour should be rendered")
	if keep := os.Getenv("IVSRT_REPORT_SCREENSHOT"); keep != "" {
		data, err := os.ReadFile(shot)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(keep, data, 0o644))
		t.Logf("the screenshot is in %s", keep)
	}
}

// The HTML report fits a window 1,400 px wide: the page does not scroll
// sideways, and every operation of the run (each a row of the grid, or
// named in the row of those the target does not implement) ends inside
// the window.
func TestConformHTMLFits1400px(t *testing.T) {
	heavyTest(t, "renders the HTML report in headless Chromium")
	chromium(t)
	path := filepath.Join(t.TempDir(), "report.html")
	jsonPath := filepath.Join(t.TempDir(), "report.json")
	var out, errOut bytes.Buffer
	require.Equal(t, 1, conformMain([]string{"-endpoint", brokenTarget(t), "-html", path, "-json", jsonPath}, &out, &errOut), errOut.String())
	data, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	var rep suite.Report
	require.NoError(t, json.Unmarshal(data, &rep))
	ops := map[string]bool{}
	for _, res := range rep.Results {
		ops[res.Operation] = true
	}
	require.Len(t, ops, len(ivsapi.Operations), "every operation of today's API")

	clientWidth, scrollWidth, right := layout(t, path)
	assert.LessOrEqual(t, clientWidth, reportWidth)
	assert.LessOrEqual(t, scrollWidth, clientWidth, "the page scrolls sideways in a window %d px wide", reportWidth)
	assert.ElementsMatch(t, slices.Collect(maps.Keys(ops)), slices.Collect(maps.Keys(right)), "each operation is named once")
	for op, px := range right {
		assert.LessOrEqual(t, px, clientWidth, "%s ends at %d px, past the window's %d", op, px, clientWidth)
	}
}
