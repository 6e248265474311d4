package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	// Accepts -endpoint and -region, as every test binary under conformance/ must.
	_ "github.com/ivsrt/contract/conformance/internal/targetflag"
)

func TestNamesPath(t *testing.T) {
	msg := "2 validation errors detected: Value '0' at 'participantTokenConfigurations.1.member.duration' failed to satisfy constraint: ...; " +
		"Value 'x' at 'tags.k' failed ...; Value '[a, b]' at 'filterByUserId,filterByState' failed: Only one of [filterByUserId, filterByState]"
	for p, want := range map[string]bool{
		"participantTokenConfigurations.1.member.duration": true,
		"participantTokenConfigurations":                   true, // a deeper part follows
		"duration":                                         false,
		"member.duration":                                  false,
		"tags":                                             true,
		"filterByUserId":                                   true,
		"filterByState":                                    true,
		"userId":                                           false,
		"":                                                 false,
	} {
		assert.Equal(t, want, NamesPath(msg, p), p)
	}
	assert.True(t, NamesPath("name", "name"))
	assert.False(t, NamesPath("stageName x", "name"))
}

func TestValuesAt(t *testing.T) {
	var doc any
	require.NoError(t, json.Unmarshal([]byte(`{"a":[{"t":"x"},{"t":"y"},{}],"b":{"c":1}}`), &doc))
	assert.Equal(t, []any{"x", "y"}, ValuesAt(doc, []string{"a", "[]", "t"}))
	assert.Equal(t, []any{float64(1)}, ValuesAt(doc, []string{"b", "c"}))
	assert.Nil(t, ValuesAt(doc, []string{"b", "[]"}))
	assert.Nil(t, ValuesAt(doc, []string{"nope"}))
}

func TestRedact(t *testing.T) {
	got := redact([]byte(`{"participantTokens":[{"token":"secret","userId":"u"}],"n":1}`), []string{"token"})
	assert.JSONEq(t, `{"participantTokens":[{"token":"<redacted>","userId":"u"}],"n":1}`, string(got))
	assert.NotContains(t, string(got), "secret")
	assert.Equal(t, "not json", string(redact([]byte("not json"), []string{"token"})))
}

func TestErrorTypeHeader(t *testing.T) {
	assert.Equal(t, "ValidationException", errorType("ValidationException:http://internal.amazon.com/coral/com.amazon.ivs/"))
	assert.Equal(t, "ThrottlingException", errorType(" ThrottlingException "))
}

func TestIsLoopback(t *testing.T) {
	assert.True(t, isLoopback("http://127.0.0.1:4566"))
	assert.True(t, isLoopback("http://localhost:1"))
	assert.True(t, isLoopback("http://[::1]:80"))
	assert.False(t, isLoopback("https://ivsrealtime.us-east-1.amazonaws.com"))
}

var testContract = &Contract{
	Title: "T", APIVersion: "v", SigningName: "ivs", RunTagKey: "tag",
	Operations: []Operation{{Name: "Op", Path: "/Op", Errors: []string{"ValidationException"}}},
	Errors: []ErrorType{
		{Name: "ValidationException", Status: 400},
		{Name: "ConflictException", Status: 409},
		{Name: "ThrottlingException", Status: 429, Protocol: true},
	},
	Defaults: []Default{
		{Struct: "Req", Member: "config", JSON: `{"arn":""}`, Type: "Config"},
		{Struct: "Config", Member: "media", JSON: `["AV"]`},
	},
}

func TestContract(t *testing.T) {
	c := testContract
	assert.True(t, c.Allows("Op", "ValidationException"))
	assert.True(t, c.Allows("Op", "ThrottlingException"))
	assert.False(t, c.Allows("Op", "ConflictException"), "known, but not declared by Op")
	assert.False(t, c.Allows("Op", "BadRequest"))
	assert.Equal(t, []string{"ThrottlingException"}, c.ProtocolErrors())
	v, ok := c.DefaultValue("Req", "config")
	require.True(t, ok)
	assert.Equal(t, map[string]any{"arn": "", "media": []any{"AV"}}, v, "nested defaults applied")
	_, ok = c.DefaultValue("Req", "nope")
	assert.False(t, ok)
}

func TestSuiteValidate(t *testing.T) {
	spec := &openapi3.T{}
	ok := &Suite{Contract: testContract, Spec: spec, Cases: []Case{{Name: "a", Operation: "Op", Kind: KindRequest}}}
	require.NoError(t, ok.Validate())
	for name, s := range map[string]*Suite{
		"duplicate":     {Contract: testContract, Spec: spec, Cases: []Case{{Name: "a", Operation: "Op"}, {Name: "a", Operation: "Op"}}},
		"unknown op":    {Contract: testContract, Spec: spec, Cases: []Case{{Name: "a", Operation: "Nope"}}},
		"unknown error": {Contract: testContract, Spec: spec, Cases: []Case{{Name: "a", Operation: "Op", Expect: ExpectError, Error: "Nope"}}},
		"no custom":     {Contract: testContract, Spec: spec, Cases: []Case{{Name: "a", Operation: "Op", Kind: KindCustom}}},
		"no spec":       {Contract: testContract},
	} {
		assert.Error(t, s.Validate(), name)
	}
}

var testResults = []Result{
	{Name: "Op/a/ok", Operation: "Op", Status: Pass, Duration: time.Millisecond},
	{Name: "Op/b/bad", Operation: "Op", Status: Fail, Reason: "want ValidationException, got 200 OK",
		Diff: "-\tStatus: 400,\n+\tStatus: 200,\n", Request: "POST /Op {}", Response: "200 {}"},
	{Name: "Other/c", Operation: "Other", Status: Skip, Reason: "no seeder"},
}

func TestSummaryAndFailures(t *testing.T) {
	assert.Equal(t, "1 passed, 1 failed, 0 blocked, 1 skipped", Summary(testResults))
	var b bytes.Buffer
	require.NoError(t, WriteFailures(&b, testResults))
	out := b.String()
	assert.True(t, strings.HasPrefix(out, "FAIL Op/b/bad: want ValidationException, got 200 OK\n"), out)
	assert.Contains(t, out, "diff (-want +got)")
	assert.Contains(t, out, "request:  POST /Op {}")
	assert.Equal(t, 1, strings.Count(out, "FAIL "))
}

func TestWriteJUnit(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteJUnit(&b, "ivsrt", testResults))
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc))
	require.Len(t, doc.Suites, 2)
	assert.Equal(t, "ivsrt/Op", doc.Suites[0].Name)
	assert.Equal(t, 2, doc.Suites[0].Tests)
	assert.Equal(t, 1, doc.Suites[0].Failures)
	assert.Equal(t, "want ValidationException, got 200 OK", doc.Suites[0].Cases[1].Failure.Message)
	assert.Equal(t, 1, doc.Suites[1].Skipped)
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, Report{Title: "T", APIVersion: "v"}, testResults))
	var doc struct {
		APIVersion string `json:"apiVersion"`
		Passed     int
		Failed     int
		Skipped    int
		Results    []struct {
			Name       string
			Status     Status
			DurationMs float64
		}
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	assert.Equal(t, "v", doc.APIVersion)
	assert.Equal(t, []int{1, 1, 1}, []int{doc.Passed, doc.Failed, doc.Skipped})
	assert.Equal(t, 1.0, doc.Results[0].DurationMs)
	assert.Equal(t, Fail, doc.Results[1].Status)
}

func TestSelect(t *testing.T) {
	cases := []Case{{Name: "GetStage/arn"}, {Name: "CreateStage/name"}}
	assert.Len(t, Select(cases, nil), 2)
}

func TestEnumsAndMint(t *testing.T) {
	c := &Contract{
		Enums:       []Enum{{Name: "Media", Values: []string{"AV", "A"}, Members: []string{"Config.media"}}},
		Identifiers: []Identifier{{Name: "StageArn", Template: "arn:aws:ivs:{region}:{account}:stage/{alnum:12}"}},
	}
	assert.Equal(t, []string{"AV", "A"}, c.EnumOf("Config", "media"))
	assert.Nil(t, c.EnumOf("Config", "arn"))

	r := &Runner{suite: &Suite{Contract: c}, vars: map[string]string{"region": "eu-west-1", "account": "111122223333"}}
	a, f := r.Mint("StageArn")
	require.Nil(t, f)
	assert.Regexp(t, `^arn:aws:ivs:eu-west-1:111122223333:stage/[a-z0-9]{12}$`, a)
	b, _ := r.Mint("StageArn")
	assert.NotEqual(t, a, b)
	other, f := r.MintWith("StageArn", map[string]string{"account": "444455556666"})
	require.Nil(t, f)
	assert.Regexp(t, `^arn:aws:ivs:eu-west-1:444455556666:stage/[a-z0-9]{12}$`, other, "the given variables win over the run's")
	_, f = r.Mint("Nope")
	assert.NotNil(t, f)
}

// ${unknown:Format} and ${foreign:Format} are made up at each use: a
// well-formed identifier of the run's region and account, and of another
// account; a format that names no account has no foreign identifier.
func TestUnknownAndForeignPlaceholders(t *testing.T) {
	c := &Contract{Identifiers: []Identifier{
		{Name: "StageArn", Template: "arn:aws:ivs:{region}:{account}:stage/{alnum:12}"},
		{Name: "SessionId", Template: "st-{alnum:13}"},
	}}
	r := &Runner{suite: &Suite{Contract: c}, vars: map[string]string{"region": "eu-west-1", "account": "111122223333"}, missing: map[string]*Failure{}}
	body, f := r.Expand(`{"a":"${unknown:StageArn}","b":"${unknown:StageArn}","s":"${unknown:SessionId}","f":"${foreign:StageArn}"}`)
	require.Nil(t, f)
	var got map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	assert.Regexp(t, `^arn:aws:ivs:eu-west-1:111122223333:stage/[a-z0-9]{12}$`, got["a"])
	assert.NotEqual(t, got["a"], got["b"], "fresh at each use")
	assert.Regexp(t, `^st-[a-z0-9]{13}$`, got["s"])
	assert.Regexp(t, `^arn:aws:ivs:eu-west-1:111122223334:stage/[a-z0-9]{12}$`, got["f"])
	_, f = r.Expand(`{"s":"${foreign:SessionId}"}`)
	require.NotNil(t, f)
	assert.Contains(t, f.Reason, "names no account")
	_, f = r.Expand(`{"s":"${deleted:StageArn}"}`)
	require.NotNil(t, f, "a deleted resource is the setup's to make")

	for account, other := range map[string]string{"111122223333": "111122223334", "123456789019": "123456789010", "abc": "abd", "abz": "aba", "": ""} {
		assert.Equal(t, other, OtherAccount(account), account)
	}
}

// go-cmp marks its diffs with non-breaking spaces at random; results
// carry plain spaces, so no report has one.
func TestResultsHaveNoNonBreakingSpaces(t *testing.T) {
	r := &Runner{suite: &Suite{Contract: &Contract{}}}
	c := &Case{Name: "x", Operation: "Op", Kind: KindCustom, Custom: func(context.Context, *Runner, *Case) *Failure {
		return &Failure{Reason: "differs", Diff: "  string(\n-\u00a0\"a\",\n+\u00a0\"b\",\n  )"}
	}}
	res := r.Run(context.Background(), c)
	require.Equal(t, Fail, res.Status)
	assert.Equal(t, "  string(\n- \"a\",\n+ \"b\",\n  )", res.Diff)
	assert.Equal(t, ContractViolation, res.FailureType, "a diff: what the target did against the contract")
	assert.Equal(t, SourceInferred, res.Source, "an unset source reads as inferred")
}

func TestParseSources(t *testing.T) {
	got, err := ParseSources("model, documented,model")
	require.NoError(t, err)
	assert.Equal(t, []string{SourceModel, SourceDocumented}, got)
	_, err = ParseSources("model,")
	assert.Error(t, err)
	cases := []Case{{Name: "a", Source: SourceModel}, {Name: "b"}, {Name: "c", Source: SourceDocumented}}
	assert.Equal(t, []Case{cases[1]}, SelectSources(cases, []string{SourceInferred}))
	assert.Len(t, SelectSources(cases, nil), 3)
}

// The operations a target lacks are one SKIP line, whatever their number.
func TestWriteSkipsGroupsMissingOperations(t *testing.T) {
	var results []Result
	for _, op := range []string{"GetA", "GetB", "GetA", "GetC"} {
		results = append(results, Result{Status: Skip, Reason: notImplementedReason + op})
	}
	results = append(results, Result{Status: Skip, Reason: "no seeder"}, Result{Status: Pass})
	var b strings.Builder
	if err := WriteSkips(&b, results); err != nil {
		t.Fatal(err)
	}
	want := "SKIP 4 cases: the target does not implement 3 operations: GetA, GetB, GetC\n" +
		"    next: implement them: the suite runs these cases once the target answers anything but 501 NotImplementedException\n" +
		"SKIP 1 case: no seeder\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteSkips(&b, results[:1]); err != nil {
		t.Fatal(err)
	}
	if want := "SKIP 1 case: the target does not implement GetA\n    next: implement the operation: the suite runs these cases once the target answers anything but 501 NotImplementedException\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
