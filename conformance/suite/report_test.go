package suite

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The grid has a row per operation and a column per rule family, the
// hand-written "filter" cases and the generated "filters" in one column,
// and the operations the target does not implement (where none failed)
// in one row that names them.
func TestWriteHTMLGrid(t *testing.T) {
	results := []Result{
		{Name: "ListThings/filters/a", Operation: "ListThings", Rule: "filters", Source: SourceModel, Status: Pass},
		{Name: "ListThings/behaviour/b", Operation: "ListThings", Rule: "filter", Source: SourceDocumented, Status: Pass},
		{Name: "ListThings/x/maxLength", Operation: "ListThings", Rule: "maxLength", Source: SourceModel, Status: Fail,
			Reason: "want ValidationException, got 200 OK", Diff: DiffJSON(Answer{Status: 400}, Answer{Status: 200}), Response: "200 {}", FailureType: ContractViolation},
		{Name: "GetA/x/maxLength", Operation: "GetA", Rule: "maxLength", Source: SourceModel, Status: Pass},
		{Name: "GetA/shape", Operation: "GetA", Rule: "shape", Source: SourceModel, Status: Skip, Reason: notImplementedReason + "GetA"},
		{Name: "GetB/shape", Operation: "GetB", Rule: "shape", Source: SourceModel, Status: Skip, Reason: notImplementedReason + "GetB"},
		{Name: "GetC/shape", Operation: "GetC", Rule: "shape", Source: SourceModel, Status: Skip, Reason: notImplementedReason + "GetC"},
		{Name: "GetC/x/maxLength", Operation: "GetC", Rule: "maxLength", Source: SourceModel, Status: Fail, Reason: "differs", Diff: "- 1\n+ 2\n"},
		{Name: "Mine/custom", Operation: "Mine", Rule: "my-rule", Source: SourceInferred, Status: Pass},
	}
	var b bytes.Buffer
	require.NoError(t, WriteHTML(&b, Report{Title: "T", APIVersion: "v", Endpoint: "http://x"}, results))
	page := b.String()

	head := regexp.MustCompile(`<thead><tr><th>operation</th>(.*?)<th>all</th></tr></thead>`).FindStringSubmatch(page)
	require.NotNil(t, head, page)
	assert.Equal(t, `<th title="maxLength">bounds</th><th title="shape">answers</th><th title="filters">lists</th><th title="my-rule">other</th>`, head[1],
		"the families with cases, in order; filter and filters one rule")
	for _, op := range []string{"GetC", "ListThings", "Mine"} {
		assert.Contains(t, page, `<tr data-op="`+op+`"><th class="op">`+op+`</th>`, "%s has a row: it failed, or was implemented", op)
	}
	assert.Contains(t, page, `<tr data-ops="2"><th class="op">2 operations the target does not implement</th>`)
	assert.Contains(t, page, `<code data-op="GetA">GetA</code> <code data-op="GetB">GetB</code>`)
	assert.NotContains(t, page, `data-op="GetA"><th`)
	assert.Contains(t, page, `title="ListThings, lists: 2 passed, 0 failed, 0 skipped; filters 2 ✓; rule sources: model 1, documented 1"`)

	// Failures: open (few), the next step, the diff's lines coloured.
	assert.Equal(t, 2, strings.Count(page, `<details class="failure"`))
	assert.Contains(t, page, `<details class="failure" id="failure-0" open>`)
	assert.Contains(t, page, `<pre class="diff"><span class="del">- &#34;status&#34;: 400</span><span class="add">&#43; &#34;status&#34;: 200</span></pre>`)
	assert.Contains(t, page, `<p class="next"><b>next:</b> the target took input AWS refuses: check the input against its maxLength rule`)
	// The skips: the missing operations one reason, with what to do.
	assert.Contains(t, page, "<tr><td>3</td><td>the target does not implement 3 operations: GetA, GetB, GetC</td><td>implement them: ")
}

// NextStep says what to do where the result tells: credentials, access,
// throttling, quota, a missing operation, a missing seeder, input AWS
// refuses; nothing where it cannot tell.
func TestNextStep(t *testing.T) {
	fail := func(rule, reason, response string) Result {
		return Result{Operation: "GetStage", Member: "arn", Rule: rule, Source: SourceModel, Status: Fail, Reason: reason, Response: response, FailureType: ContractViolation}
	}
	for _, tc := range []struct {
		res  Result
		next string // a prefix; "" for none
	}{
		{fail("shape", "want 200, got 403", `403 UnrecognizedClientException {"message":"The security token included in the request is invalid."}`), "the target refused the suite's signature: set AWS_ACCESS_KEY_ID"},
		{fail("shape", "want 200, got 403", `403 InvalidSignatureException {}`), "the target refused the suite's signature"},
		{fail("shape", "want 200, got 400", `400 ExpiredTokenException {}`), "the target refused the suite's credentials as expired"},
		{fail("shape", "want 200, got 403", `403 AccessDeniedException {}`), "the suite's credentials may not call GetStage: allow ivs:GetStage"},
		{fail("access-denied", "want AccessDeniedException, got 403", `403 AccessDeniedException {}`), ""},
		{fail("shape", "want 200, got 429", `429 ThrottlingException {}`), "the target throttled the suite"},
		{fail("shape", "want 200, got 402", `402 ServiceQuotaExceededException {}`), "the account's stage quota is full"},
		{fail("quota", "want 402", `402 ServiceQuotaExceededException {}`), ""},
		{fail("shape", "want 200, got 404", `404 UnknownOperationException {}`), "the target does not serve GetStage: implement it, or answer it 501 NotImplementedException"},
		{fail("maxLength", "want ValidationException naming 'arn', got 200 OK", `200 {}`), "the target took input AWS refuses: check arn against its maxLength rule"},
		{fail("pattern", "rejected a valid request: ValidationException: no", `400 ValidationException {}`), "the target refused input AWS takes: loosen its pattern check of arn"},
		{Result{Status: Fail, Source: SourceInferred, Reason: "differs", Response: "200 {}", FailureType: ContractViolation}, "the rule is ivsrt's reading"},
		{Result{Status: Fail, Source: SourceModel, Reason: "differs", Response: "200 {}", FailureType: ContractViolation}, ""},
		{Result{Status: Fail, Reason: "request failed: EOF", FailureType: NoAnswer}, "no HTTP answer"},
		{Result{Status: Fail, Reason: "seeder: Join: 500", FailureType: SeederError}, "the seeder failed"},
		{Result{Status: Fail, Reason: "the runtime panicked", FailureType: SuiteError}, "the case could not run as written"},
		{Result{Status: Skip, Reason: "no seeder: nothing can make participants join"}, "run against an ivsrt fake, whose control API (/_ivsrt/) seeds, or give the target a seeder: suite.Target.Seeder"},
		{Result{Status: Skip, Reason: notImplementedReason + "GetA"}, "implement the operation: "},
		{Result{Status: Skip, Reason: "the seeder cannot set the stage quota (an ivsrt fake's control API can)"}, "give suite.Target a Seeder that is also a suite.QuotaSetter"},
		{Result{Status: Skip, Reason: "the seeder cannot set a recording to FAILED (no RecordingSetter)"}, "give suite.Target a Seeder that is also a suite.RecordingSetter"},
		{Result{Status: Skip, Reason: "the spec gives X.y no default"}, ""},
		{Result{Status: Pass}, ""},
	} {
		got := NextStep(tc.res)
		if tc.next == "" {
			assert.Empty(t, got, "%+v", tc.res)
			continue
		}
		assert.True(t, strings.HasPrefix(got, tc.next), "%+v:\n got %q\nwant %q...", tc.res, got, tc.next)
	}
}

// The text report ends each failure with its next step.
func TestWriteFailuresSaysWhatNext(t *testing.T) {
	res := Result{Name: "GetStage/x", Operation: "GetStage", Status: Fail, Reason: "want 200, got 403", Source: SourceModel,
		Diff: DiffJSON(Answer{Status: 200}, Answer{Status: 403, ErrorType: "UnrecognizedClientException"}), Response: "403 UnrecognizedClientException {}", FailureType: ContractViolation}
	res.Next = NextStep(res)
	var b bytes.Buffer
	require.NoError(t, WriteFailures(&b, []Result{res}))
	assert.Equal(t, "FAIL GetStage/x: want 200, got 403\n"+
		"    diff (-want +got):\n"+
		"      - \"status\": 200\n"+
		"      + \"status\": 403\n"+
		"      + \"errorType\": \"UnrecognizedClientException\"\n"+
		"    response: 403 UnrecognizedClientException {}\n"+
		"    source:   model\n"+
		"    next:     "+res.Next+"\n", b.String())
}
