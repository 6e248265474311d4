package traffic_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/cassette"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/rules"
	"github.com/ivsrt/contract/conformance/traffic"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

func newChecker(t *testing.T) *traffic.Checker {
	s, err := conformance.Suite()
	require.NoError(t, err)
	c, err := traffic.NewChecker(s)
	require.NoError(t, err)
	return c
}

// TestTrafficRequestRefusals: the checker refuses what the fake's
// generated validation refuses, in AWS's form, and a refusal read back
// from traffic names the check of the suite's generated case.
func TestTrafficRequestRefusals(t *testing.T) {
	c := newChecker(t)
	for _, tc := range []struct {
		path, body, errType, check string
	}{
		{"/CreateStage", `{"name":"` + strings.Repeat("n", 200) + `"}`, "ValidationException", "CreateStage/name/maxLength/over"},
		{"/CreateStage", `{"name":"bad name!"}`, "ValidationException", "CreateStage/name/pattern/mismatch"},
		{"/CreateStage", `{"name":1}`, "SerializationException", ""},
		{"/CreateStage", `{`, "SerializationException", "CreateStage/json/malformed"},
		{"/GetStage", `{}`, "ValidationException", "GetStage/arn/required/omitted"},
		{"/CreateStage", `{"participantTokenConfigurations":[{"duration":0}]}`, "ValidationException", "CreateStage/participantTokenConfigurations[].duration/minimum/under"},
		{"/CreateStage", `{"participantTokenConfigurations":[{"capabilities":["BROADCAST"]}]}`, "ValidationException", "CreateStage/participantTokenConfigurations[].capabilities[]/enum/not-a-member"},
		{"/CreateStage", `{"name":"fine"}`, "", ""},
	} {
		r := httptest.NewRequest(http.MethodPost, tc.path, nil)
		op := traffic.Operation(r.Method, r.URL.EscapedPath())
		ref := c.Request(op, r, []byte(tc.body))
		if tc.errType == "" {
			assert.Nil(t, ref, tc.body)
			continue
		}
		require.NotNil(t, ref, tc.body)
		assert.Equal(t, tc.errType, ref.ErrorType, tc.body)
		assert.Equal(t, http.StatusBadRequest, ref.Status)
		assert.NotEmpty(t, ref.Message)
		if tc.check == "" {
			continue
		}
		// The upstream accepted it: a violation of the case's rule.
		ex := &cassette.Exchange{Seq: 1, Request: cassette.Request{Method: "POST", URI: tc.path, Body: tc.body},
			Response: cassette.Response{Status: 200, Header: http.Header{}, Body: `{}`}}
		var found *traffic.Finding
		for _, f := range c.Exchange(ex) {
			if !f.Confirms && strings.Contains(f.Message, "accepted (200) a request the spec refuses") {
				found = &f
			}
		}
		require.NotNil(t, found, tc.body)
		assert.Equal(t, tc.check, found.Check)
		assert.NotNil(t, found.Rule, "%s has a row", tc.check)
		assert.Equal(t, rules.Contract().First(tc.check), found.Rule)
	}
}

// record drives the fake through a Recorder, as a proxy records, and
// returns the cassette.
func record(t *testing.T, drive func(c *ivsrealtime.Client)) *cassette.Cassette {
	fake := ivsfake.Start(t)
	var buf bytes.Buffer
	w, err := cassette.NewWriter(&buf, cassette.Header{Upstream: fake.URL, Region: "us-east-1"})
	require.NoError(t, err)
	rec := &cassette.Recorder{Writer: w, Redactor: cassette.NewRedactor(nil, true), Operation: func(r *http.Request) (string, bool) {
		return traffic.Operation(r.Method, r.URL.EscapedPath()), false
	}}
	c := ivsrealtime.New(fake.Client.Options(), func(o *ivsrealtime.Options) { o.HTTPClient = &http.Client{Transport: rec} })
	drive(c)
	cs, err := cassette.Read(&buf)
	require.NoError(t, err)
	return cs
}

func evidenceOf(evs []traffic.RuleEvidence, check string) traffic.RuleEvidence {
	r := rules.Contract().First(check)
	for _, ev := range evs {
		if ev.Rule == r {
			return ev
		}
	}
	return traffic.RuleEvidence{}
}

// TestEvidenceConfirmsAndContradicts: a cassette of a stage created
// without tags confirms the row "A stage created without tags reports
// {}" with that exchange; the same cassette with the tags taken out of
// the answer contradicts it; a row nothing in it bears on says nothing.
func TestEvidenceConfirmsAndContradicts(t *testing.T) {
	cs := record(t, func(c *ivsrealtime.Client) {
		_, err := c.CreateStage(context.Background(), &ivsrealtime.CreateStageInput{Name: aws.String("evidence")})
		require.NoError(t, err)
		_, err = c.ListStages(context.Background(), &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(5)})
		require.NoError(t, err)
	})
	require.Len(t, cs.Exchanges, 2)
	c := newChecker(t)
	evs := traffic.Evidence(c, cs)
	assert.Len(t, evs, len(rules.Contract().Rules))

	tags := evidenceOf(evs, "CreateStage/defaults/stage.tags")
	require.NotNil(t, tags.Rule)
	assert.Equal(t, traffic.Confirmed, tags.Verdict)
	assert.Equal(t, []int{1}, tags.Confirming)
	arn := evidenceOf(evs, "CreateStage/behaviour/identifiers/stage-arn-format")
	assert.Equal(t, traffic.Confirmed, arn.Verdict)
	assert.Equal(t, traffic.Confirmed, evidenceOf(evs, "ListStages/pagination/maxResults=5").Verdict)
	assert.Equal(t, traffic.SaysNothing, evidenceOf(evs, "UpdateStage/behaviour/conflict-while-recording/ACTIVE").Verdict)

	// The recorded answer broken: no tags.
	ex := &cs.Exchanges[0]
	ex.Response.Body = strings.Replace(ex.Response.Body, `"tags":{}`, `"name2":"x"`, 1)
	require.NotContains(t, ex.Response.Body, `"tags"`)
	evs = traffic.Evidence(c, cs)
	tags = evidenceOf(evs, "CreateStage/defaults/stage.tags")
	assert.Equal(t, traffic.Contradicted, tags.Verdict)
	assert.Equal(t, []int{1}, tags.Contradicting)
	require.NotEmpty(t, tags.Findings)
	assert.Contains(t, tags.Findings[0].Message, "the default is {}")
}

// A cassette's stream key is a mark (REDACTED#...), which the key's
// pattern refuses: the recorded answer still matches its shape, while a
// stream key that is neither a key nor a mark breaks it.
func TestRecordedSecretsBreakNoSchema(t *testing.T) {
	ctx := context.Background()
	sensitive := cassette.NewRedactor(ivscases.Contract.Sensitive, false)
	cs := record(t, func(c *ivsrealtime.Client) {
		_, err := c.CreateIngestConfiguration(ctx, &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps})
		require.NoError(t, err)
	})
	require.Len(t, cs.Exchanges, 1)
	ex := &cs.Exchanges[0]
	sensitive.Exchange(ex)
	require.Contains(t, ex.Response.Body, `"streamKey":"`+cassette.Redacted+"#")
	shape := ivscases.OpCreateIngestConfiguration + "/shape/success"
	c := newChecker(t)
	var confirmed bool
	for _, f := range c.Exchange(ex) {
		assert.True(t, f.Confirms || f.Note, "%s: %s", f.Check, f.Message)
		confirmed = confirmed || f.Check == shape && f.Confirms
	}
	assert.True(t, confirmed, "the redacted answer matches the spec")

	ex.Response.Body = regexp.MustCompile(`"streamKey":"[^"]*"`).ReplaceAllString(ex.Response.Body, `"streamKey":"not a key"`)
	var broke bool
	for _, f := range c.Exchange(ex) {
		broke = broke || f.Check == shape && !f.Confirms && !f.Note
	}
	assert.True(t, broke, "a stream key out of its pattern, and no mark, breaks the shape")
}
