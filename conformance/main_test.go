package conformance_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

var closingLine = regexp.MustCompile(`^(\d+) passed, (\d+) failed, (\d+) skipped$`)

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// With no endpoint, Main starts the embedded fake and everything passes.
func TestMainEmbeddedFake(t *testing.T) {
	var out, errOut bytes.Buffer
	code := conformance.Main(nil, &out, &errOut)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	first := strings.SplitN(out.String(), "\n", 2)[0]
	assert.Contains(t, first, "API version 2024-06-20")
	assert.Contains(t, first, "(embedded fake)")
	m := closingLine.FindStringSubmatch(lastLine(out.String()))
	require.NotNil(t, m, out.String())
	assert.Equal(t, "0", m[2])
	assert.NotContains(t, out.String(), "FAIL")
}

func TestMainRunSelects(t *testing.T) {
	s, err := conformance.Suite()
	require.NoError(t, err)
	want := 0
	for _, c := range s.Cases {
		if strings.HasPrefix(c.Name, "GetStage/arn/") {
			want++
		}
	}
	require.Greater(t, want, 5)
	var out bytes.Buffer
	require.Equal(t, 0, conformance.Main([]string{"-run", `^GetStage/arn/`}, &out, &out), out.String())
	assert.Contains(t, out.String(), fmt.Sprintf(": %d cases against", want))
	assert.Equal(t, fmt.Sprintf("%d passed, 0 failed, 0 skipped", want), lastLine(out.String()))
}

func TestMainBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-nope"},
		{"extra"},
		{"-run", "("},
		{"-run", "no case is named like this"},
	} {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, conformance.Main(args, &out, &errOut), "%v", args)
		assert.NotEmpty(t, errOut.String(), "%v", args)
	}
}

// Against a broken implementation Main prints the failed case with its diff
// and request, writes the reports, and exits 1.
func TestMainReportsFailures(t *testing.T) {
	h := rewriteRequest(ivsfake.New(ivsfake.Options{}), "CreateStage", func(body map[string]any) {
		configs, _ := body["participantTokenConfigurations"].([]any)
		for _, c := range configs {
			if m, ok := c.(map[string]any); ok && m["duration"] == float64(0) {
				m["duration"] = 1
			}
		}
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	junit, report := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.json")

	var out, errOut bytes.Buffer
	code := conformance.Main([]string{"-endpoint", srv.URL, "-junit", junit, "-json", report}, &out, &errOut)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	s := out.String()
	assert.Contains(t, s, "FAIL CreateStage/participantTokenConfigurations[].duration/minimum/under: want ValidationException naming 'participantTokenConfigurations.1.member.duration', got 200 OK\n")
	assert.Contains(t, s, "diff (-want +got)")
	assert.Contains(t, s, `request:  POST /CreateStage {"participantTokenConfigurations":[{"duration":0}]`)
	assert.Contains(t, s, `"token":"<redacted>"`)
	assert.Equal(t, 1, strings.Count(s, "FAIL "))
	m := closingLine.FindStringSubmatch(lastLine(s))
	require.NotNil(t, m, s)
	assert.Equal(t, "1", m[2])

	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	var suites struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Failures int    `xml:"failures,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &suites))
	failures := 0
	for _, s := range suites.Suites {
		failures += s.Failures
	}
	assert.Equal(t, 1, failures)

	data, err = os.ReadFile(report)
	require.NoError(t, err)
	var rep struct {
		APIVersion string `json:"apiVersion"`
		Failed     int    `json:"failed"`
	}
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.Equal(t, "2024-06-20", rep.APIVersion)
	assert.Equal(t, 1, rep.Failed)
}
