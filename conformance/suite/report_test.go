package suite

import (
	"bytes"
	"cmp"
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
	assert.Contains(t, page, `title="ListThings, lists: 2 passed, 0 failed, 0 blocked, 0 skipped; filters 2 ✓; rule sources: model 1, documented 1"`)

	// Failures: open (few), the next step, the diff's lines coloured.
	assert.Equal(t, 2, strings.Count(page, `<details class="failure"`))
	assert.Contains(t, page, `<details class="failure" id="failure-0" open>`)
	assert.Contains(t, page, `<pre class="diff"><span class="del">- &#34;status&#34;: 400</span><span class="add">&#43; &#34;status&#34;: 200</span></pre>`)
	assert.Contains(t, page, `<p class="next"><b>next:</b> the target took input AWS refuses: check the input against its maxLength rule`)
	// The skips: the missing operations one reason, with what to do.
	assert.Contains(t, page, "<tr><td>3</td><td>the target does not implement 3 operations: GetA, GetB, GetC</td><td>implement them: ")
}

// NextFor says what to do where the result tells: credentials, access,
// throttling, quota, a missing operation, a missing seeder or resource,
// input AWS refuses; nothing where it cannot tell. A Go caller reads the
// Target field to set, a user of ivsrt conform the flag or variable, from
// one Setting.
func TestNextFor(t *testing.T) {
	fail := func(rule, reason, response string) Result {
		return Result{Operation: "GetStage", Member: "arn", Rule: rule, Source: SourceModel, Status: Fail, Reason: reason, Response: response, FailureType: ContractViolation}
	}
	storage := Setting{Go: "set suite.Target.Given", CLI: "ivsrt conform -storage-configuration ARN"}
	for _, tc := range []struct {
		res         Result
		goNext, cli string // prefixes; "" for none; cli "" with goNext set: the same
	}{
		{fail("shape", "want 200, got 403", `403 UnrecognizedClientException {"message":"The security token included in the request is invalid."}`),
			"the target refused the suite's signature: set suite.Target.Credentials", "the target refused the suite's signature: set AWS_ACCESS_KEY_ID"},
		{fail("shape", "want 200, got 403", `403 InvalidSignatureException {}`), "the target refused the suite's signature", ""},
		{fail("shape", "want 200, got 400", `400 ExpiredTokenException {}`),
			"the target refused the suite's credentials as expired: renew the session of suite.Target.Credentials", "the target refused the suite's credentials as expired: renew the session (AWS_SESSION_TOKEN)"},
		{fail("shape", "want 200, got 403", `403 AccessDeniedException {}`), "the suite's credentials may not call GetStage: allow ivs:GetStage", ""},
		{fail("access-denied", "want AccessDeniedException, got 403", `403 AccessDeniedException {}`), "", ""},
		{fail("shape", "want 200, got 429", `429 ThrottlingException {}`), "the target throttled the suite, which sends 8 requests at once: raise the target's rate limit, or run part of the suite at a time (suite.Select)",
			"the target throttled the suite, which sends 8 requests at once: raise the target's rate limit, or run part of the suite at a time (-run)"},
		{fail("shape", "want 200, got 402", `402 ServiceQuotaExceededException {}`), "the account's stage quota is full", ""},
		{fail("quota", "want 402", `402 ServiceQuotaExceededException {}`), "", ""},
		{fail("shape", "want 200, got 404", `404 UnknownOperationException {}`), "the target does not serve GetStage: implement it, or answer it 501 NotImplementedException", ""},
		{fail("maxLength", "want ValidationException naming 'arn', got 200 OK", `200 {}`), "the target took input AWS refuses: check arn against its maxLength rule", ""},
		{fail("pattern", "rejected a valid request: ValidationException: no", `400 ValidationException {}`), "the target refused input AWS takes: loosen its pattern check of arn", ""},
		{Result{Status: Fail, Source: SourceInferred, Reason: "differs", Response: "200 {}", FailureType: ContractViolation},
			"the rule is ivsrt's reading, not AWS's word: if AWS answers as the target did, the rule is wrong (report it); suite.SelectSources", "the rule is ivsrt's reading, not AWS's word: if AWS answers as the target did, the rule is wrong (report it); -rules model,documented"},
		{Result{Status: Fail, Source: SourceModel, Reason: "differs", Response: "200 {}", FailureType: ContractViolation}, "", ""},
		{Result{Status: Fail, Reason: "request failed: EOF", FailureType: NoAnswer}, "no HTTP answer", ""},
		{Result{Status: Fail, Reason: "seeder: Join: 500", FailureType: SeederError}, "the seeder failed: check the target's control API (/_ivsrt/) or the Seeder given in suite.Target", "the seeder failed: check the target's control API (/_ivsrt/)"},
		{Result{Status: Fail, Reason: "the runtime panicked", FailureType: SuiteError}, "the case could not run as written", ""},
		// A blocked case: what its step's answer says, nothing about a rule.
		{Result{Status: Blocked, Reason: "setup: CreateStage: want 200, got 429", Response: `429 ThrottlingException {}`, FailureType: ContractViolation}, "the target throttled the suite", ""},
		{Result{Status: Blocked, Source: SourceInferred, Reason: "setup: CreateStage: want 200, got 500", Response: `500 InternalServerException {}`, FailureType: ContractViolation}, "", ""},
		{Result{Status: Skip, Reason: "no seeder: nothing can make participants join", Setting: &SetSeeder}, "set suite.Target.Seeder (conformance.ControlSeeder", "run against an ivsrt fake (ivsrt serve, or no -endpoint"},
		{Result{Status: Skip, Reason: "no storage configuration", Setting: &storage}, "set suite.Target.Given", "ivsrt conform -storage-configuration ARN"},
		{Result{Status: Skip, Reason: notImplementedReason + "GetA"}, "implement the operation: ", ""},
		{Result{Status: Skip, Reason: "the seeder cannot set the stage quota", Setting: &SetQuotaSetter}, "give suite.Target a Seeder that is also a suite.QuotaSetter", "run against an ivsrt fake"},
		{Result{Status: Skip, Reason: "the seeder cannot set a recording to FAILED", Setting: &SetRecordingSetter}, "give suite.Target a Seeder that is also a suite.RecordingSetter", "run against an ivsrt fake"},
		{Result{Status: Skip, Reason: "the spec gives X.y no default"}, "", ""},
		{Result{Status: Pass}, "", ""},
	} {
		for _, a := range []struct {
			audience Audience
			want     string
		}{{GoCaller, tc.goNext}, {CommandLine, cmp.Or(tc.cli, tc.goNext)}} {
			got := tc.res.NextFor(a.audience)
			if a.want == "" {
				assert.Empty(t, got, "%v %+v", a.audience, tc.res)
				continue
			}
			assert.True(t, strings.HasPrefix(got, a.want), "%v %+v:\n got %q\nwant %q...", a.audience, tc.res, got, a.want)
		}
		assert.Equal(t, tc.res.NextFor(GoCaller), NextStep(tc.res), "NextStep speaks Go")
	}
	// Each spelling names only its own world.
	for _, s := range []Setting{SetSeeder, SetRecordingSetter, SetQuotaSetter, SetCredentials} {
		assert.Contains(t, s.Go, "suite.Target")
		assert.NotContains(t, s.CLI, "suite.")
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
