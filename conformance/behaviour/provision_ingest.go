package behaviour

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file makes the ingest configurations the generated cases need: one
// created for the run (the live configuration the Get, Update and tag
// cases read), one created and deleted (the deleted configuration of the
// not-found cases), and one created for each DeleteIngestConfiguration
// case that must succeed. The run's configurations go at its cleanup,
// with force, so that one an encoder still publishes through goes too.
//
// AWS refuses RTMP unless insecureIngest is true (the model's
// descriptions of both members): a CreateIngestConfiguration case that
// must succeed with RTMP, the spec's first sample, and no insecureIngest
// of its own is sent with insecureIngest true.

const (
	provisionIngestToDelete = "ingest-configuration-to-delete"
	structGetIngest         = "GetIngestConfigurationRequest"
	caseTagIngestLive       = "live-ingest-configuration"
	caseTagIngestDelete     = "ingest-configuration-to-delete"
	// The values of the spec's IngestProtocol: RTMP needs insecureIngest.
	protocolRTMP  = "RTMP"
	protocolRTMPS = "RTMPS"
)

// declareIngest adds to a generated case of ingest configurations what
// it needs.
func declareIngest(c *suite.Contract, cs *suite.Case, need func(placeholder, provisioner string)) {
	mustSucceed := cs.Kind == suite.KindShape || cs.Kind == suite.KindTimestamp ||
		cs.Kind == suite.KindRequest && cs.Expect == suite.ExpectAccepted
	if !mustSucceed {
		return
	}
	switch cs.Operation {
	case ivscases.OpCreateIngestConfiguration:
		cs.Body = withInsecureRTMP(cs.Body)
	case ivscases.OpDeleteIngestConfiguration:
		if live := c.LiveName(structGetIngest, ivscases.MemberArn); containsPlaceholder(cs.Body, live) {
			need(live, provisionIngestToDelete)
		}
	}
}

// withInsecureRTMP is a CreateIngestConfiguration body that asks for RTMP
// with insecureIngest true, unless it gives insecureIngest itself.
func withInsecureRTMP(body string) string {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if dec.Decode(&doc) != nil || doc == nil {
		return body
	}
	if doc[ivscases.MemberIngestProtocol] != protocolRTMP {
		return body
	}
	if _, ok := doc[ivscases.MemberInsecureIngest]; ok {
		return body
	}
	doc[ivscases.MemberInsecureIngest] = true
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return string(out)
}

// createIngest creates an ingest configuration tagged for the run, with
// the members of extra, and returns its answer's configuration.
func (r *runner) createIngest(ctx context.Context, caseTag string, extra map[string]any) (map[string]any, *suite.Failure) {
	ic, _, f := r.createIngestEx(ctx, caseTag, extra)
	return ic, f
}

// createIngestEx is createIngest, with the exchange.
func (r *runner) createIngestEx(ctx context.Context, caseTag string, extra map[string]any) (map[string]any, *suite.Exchange, *suite.Failure) {
	body := map[string]any{ivscases.MemberIngestProtocol: protocolRTMPS, ivscases.MemberTags: r.caseTags(caseTag)}
	for k, v := range extra {
		body[k] = v
	}
	doc, ex, f := r.do(ctx, ivscases.OpCreateIngestConfiguration, body)
	if f != nil {
		return nil, ex, f
	}
	ic, _ := doc[ivscases.MemberIngestConfiguration].(map[string]any)
	if arn, _ := ic[ivscases.MemberArn].(string); arn == "" {
		return nil, ex, suite.Mismatch(ex, "CreateIngestConfiguration answered without ingestConfiguration.arn", "an ingest configuration ARN", ic[ivscases.MemberArn])
	}
	return ic, ex, nil
}

// ingestToDelete creates an ingest configuration for a case to delete.
func (r *runner) ingestToDelete(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return "", f // the target could not even make a stage
	}
	ic, f := r.createIngest(ctx, caseTagIngestDelete, nil)
	if f != nil {
		f.Reason = "creating an ingest configuration for the case to delete: " + f.Reason
		return "", f
	}
	return ic[ivscases.MemberArn].(string), nil
}

// setupIngest creates the run's live ingest configuration and one it
// deletes: the values of ${live:IngestConfigurationArn} and
// ${deleted:IngestConfigurationArn}. A contract without
// CreateIngestConfiguration (the 2024-06-20 one) has neither.
func (r *runner) setupIngest(ctx context.Context) {
	c := r.c
	m := c.Member(structGetIngest, ivscases.MemberArn)
	if m == nil || m.Identifier == "" || c.Operation(ivscases.OpCreateIngestConfiguration) == nil {
		return
	}
	live, deleted := placeholderName(suite.PlaceholderLive, m.Identifier), placeholderName(suite.PlaceholderDeleted, m.Identifier)
	if _, f := r.Live(r.liveStage); f != nil {
		r.SetMissing(f, live, deleted) // the target could not even make a stage
		return
	}
	ic, f := r.createIngest(ctx, caseTagIngestLive, nil)
	if f != nil {
		f.Reason = "setup: CreateIngestConfiguration of the run's ingest configuration: " + f.Reason
		r.SetMissing(f, live, deleted)
		return
	}
	r.SetLive(live, ic[ivscases.MemberArn].(string))
	if c.Operation(ivscases.OpDeleteIngestConfiguration) == nil {
		r.SetMissing(suite.Skipf("the contract has no %s to delete an ingest configuration with", ivscases.OpDeleteIngestConfiguration), deleted)
		return
	}
	gone, f := r.createIngest(ctx, caseTagIngestDelete, nil)
	if f == nil {
		_, _, f = r.do(ctx, ivscases.OpDeleteIngestConfiguration, map[string]any{ivscases.MemberArn: gone[ivscases.MemberArn]})
	}
	if f != nil {
		f.Reason = "setup: an ingest configuration to create and delete: " + f.Reason
		r.SetMissing(f, deleted)
		return
	}
	r.SetLive(deleted, gone[ivscases.MemberArn].(string))
}
