package behaviour

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"sync"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file makes the encoder configurations and compositions the
// generated cases need: the run's live encoder configuration (the one Get
// and tag cases read, and the one its compositions encode with), one
// created and deleted (the deleted one of the not-found cases), one for
// each DeleteEncoderConfiguration case to delete; the run's live
// composition, recording to the live storage configuration with the live
// encoder configuration, and one for each StopComposition case to stop.
//
// The spec lets a destination be {} (no member of DestinationConfiguration
// is required), but AWS's documentation wants a channel or an s3 in each,
// at most one of each: a StartComposition case that must succeed gets the
// live s3 destination in its first item, and, in a second, a channel
// destination of a made-up channel (the suite cannot make a channel, an
// IVS low-latency resource), which only a fake takes. A case about a
// video's width or height at its maximum gets the other dimension at its
// minimum, so the frame stays within the documented 1920x1080 pixels.
//
// A composition the run started is stopped at its cleanup, before the
// encoder and storage configurations it uses are deleted; a fake's
// control API (CompositionSetter) finishes the stop at once.

// The provisioners of this file.
const (
	provisionEncoderToDelete   = "encoder-configuration-to-delete"
	provisionCompositionToStop = "composition-to-stop"
	provisionMadeUpChannel     = "made-up-channel"
	provisionEndedComposition  = "ended-composition"
	provisionEndedStage        = "ended-composition-stage"
	provisionEndedToken        = "ended-composition-token"
	endedStage                 = "ended:CompositionStageArn"
	endedToken                 = "ended:CompositionToken"
	compositionActive          = "ACTIVE"
	structGetEncoder           = "GetEncoderConfigurationRequest"
	structGetComposition       = "GetCompositionRequest"
	structVideo                = "Video"
	caseTagEncoderLive         = "live-encoder-configuration"
	caseTagEncoderDelete       = "encoder-configuration-to-delete"
	caseTagCompositionLive     = "live-composition"
	caseTagCompositionStop     = "composition-to-stop"
	compositionStopped         = "STOPPED"
	madeUpChannel              = "made-up:ChannelArn"
)

// CompositionSetter is a Seeder that can also move a composition to a
// state (an ivsrt fake's POST /_ivsrt/composition). The cleanup uses it
// to finish the stop of the run's compositions, so the configurations
// they used can be deleted; without one, a composition still stopping
// keeps them in use and their deletion is reported as failed.
type CompositionSetter interface {
	SetCompositionState(ctx context.Context, arn, state string) error
}

// declareCompositions adds to a generated case what it needs from this file.
func declareCompositions(c *suite.Contract, cs *suite.Case, need func(placeholder, provisioner string)) {
	mustSucceed := cs.Kind == suite.KindShape || cs.Kind == suite.KindTimestamp ||
		cs.Kind == suite.KindRequest && cs.Expect == suite.ExpectAccepted
	if cs.Kind == suite.KindTimestamp {
		declareEndedComposition(c, cs, need)
	}
	if cs.Operation == ivscases.OpStartComposition && (mustSucceed || !strings.HasPrefix(cs.Member, ivscases.MemberDestinations)) {
		// A case about another member (the stage not found, say) is
		// about that member only: its destinations must be good ones.
		// A channel ARN under test that may name no channel (AcceptErrors)
		// is kept: the case is about its form.
		body, channel := withDestinations(c, cs.Body, len(cs.AcceptErrors) > 0)
		cs.Body = body
		if channel {
			need(madeUpChannel, provisionMadeUpChannel)
		}
		return
	}
	if !mustSucceed {
		return
	}
	switch cs.Operation {
	case ivscases.OpDeleteEncoderConfiguration:
		if live := c.LiveName(structGetEncoder, ivscases.MemberArn); containsPlaceholder(cs.Body, live) {
			need(live, provisionEncoderToDelete)
		}
	case ivscases.OpStopComposition:
		if live := c.LiveName(structGetComposition, ivscases.MemberArn); containsPlaceholder(cs.Body, live) {
			need(live, provisionCompositionToStop)
		}
	case ivscases.OpCreateEncoderConfiguration:
		if cs.Rule == "maximum" {
			cs.Body = withFrameWithinPixels(c, cs.Body)
		}
	}
}

// declareEndedComposition gives a timestamp case of a composition one
// that has ended, whose destinations started and ended, so that every
// time it may hold is there to check (as a session's timestamps are read
// on an ended session): GetComposition reads it, ListCompositions lists
// the compositions of a stage that holds only it, StartComposition
// repeats the request that started it, with its idempotency token.
func declareEndedComposition(c *suite.Contract, cs *suite.Case, need func(placeholder, provisioner string)) {
	switch cs.Operation {
	case ivscases.OpGetComposition:
		if live := c.LiveName(structGetComposition, ivscases.MemberArn); containsPlaceholder(cs.Body, live) {
			need(live, provisionEndedComposition)
		}
	case ivscases.OpListCompositions:
		if doc, ok := decodeBody(cs.Body); ok {
			doc[ivscases.MemberFilterByStageArn] = "${" + endedStage + "}"
			cs.Body = encodeBody(doc, cs.Body)
			need(endedStage, provisionEndedStage)
		}
	case ivscases.OpStartComposition:
		if doc, ok := decodeBody(cs.Body); ok {
			doc[ivscases.MemberIdempotencyToken] = "${" + endedToken + "}"
			cs.Body = encodeBody(doc, cs.Body)
			need(endedToken, provisionEndedToken)
		}
	}
}

// withFrameWithinPixels sets the dimension a video case leaves out to its
// minimum, when the other is given.
func withFrameWithinPixels(c *suite.Contract, body string) string {
	doc, ok := decodeBody(body)
	if !ok {
		return body
	}
	video, _ := doc[ivscases.MemberVideo].(map[string]any)
	if video == nil {
		return body
	}
	for _, pair := range [][2]string{{ivscases.MemberWidth, ivscases.MemberHeight}, {ivscases.MemberHeight, ivscases.MemberWidth}} {
		if _, given := video[pair[0]]; given {
			if _, other := video[pair[1]]; !other {
				if m := c.Member(structVideo, pair[1]); m != nil && m.Min != nil {
					video[pair[1]] = *m.Min
				}
			}
		}
	}
	return encodeBody(doc, body)
}

// withDestinations gives each destination of a StartComposition body that
// names neither a channel nor an s3 one: the first the live s3 one, the
// second a channel, and a channel ARN the made-up channel unless keep.
// It reports whether the body names the made-up channel, which only a
// fake can take.
func withDestinations(c *suite.Contract, body string, keep bool) (string, bool) {
	doc, ok := decodeBody(body)
	if !ok {
		return body, false
	}
	list, _ := doc[ivscases.MemberDestinations].([]any)
	channel := false
	for i, it := range list {
		d, _ := it.(map[string]any)
		if d == nil {
			continue
		}
		_, hasChannel := d[ivscases.MemberChannel]
		_, hasS3 := d[memberS3]
		switch {
		case hasChannel || hasS3:
		case i == 0:
			d[memberS3] = map[string]any{
				ivscases.MemberStorageConfigurationArn:  "${" + contract{c}.liveStorageName() + "}",
				ivscases.MemberEncoderConfigurationArns: []any{"${" + c.LiveName(structGetEncoder, ivscases.MemberArn) + "}"},
			}
		default:
			d[ivscases.MemberChannel] = map[string]any{ivscases.MemberChannelArn: "${" + madeUpChannel + "}"}
		}
		if ch, ok := d[ivscases.MemberChannel].(map[string]any); ok && !keep {
			ch[ivscases.MemberChannelArn] = "${" + madeUpChannel + "}"
			channel = true
		}
	}
	return encodeBody(doc, body), channel
}

func decodeBody(body string) (map[string]any, bool) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if dec.Decode(&doc) != nil || doc == nil {
		return nil, false
	}
	return doc, true
}

func encodeBody(doc map[string]any, fallback string) string {
	out, err := json.Marshal(doc)
	if err != nil {
		return fallback
	}
	return string(out)
}

// provideCompositions registers the provisioners of this file.
func (r *runner) provideCompositions() {
	r.Provide(provisionEncoderToDelete, r.encoderToDelete)
	r.Provide(provisionCompositionToStop, r.compositionToStop)
	r.Provide(provisionMadeUpChannel, r.madeUpChannel)
	r.Provide(provisionEndedComposition, r.endedComposition)
	r.Provide(provisionEndedStage, r.endedCompositionStage)
	r.Provide(provisionEndedToken, r.endedCompositionToken)
}

// compositionSetter is the seeder as a CompositionSetter: only it can end
// a composition at once (AWS's end a minute after their stage empties).
func (r *runner) compositionSetter() (CompositionSetter, *suite.Failure) {
	if f := r.needSeeder(); f != nil {
		return nil, f
	}
	s, ok := r.Target().Seeder.(CompositionSetter)
	if !ok {
		return nil, suite.SkipFor(suite.SeederWith("behaviour.CompositionSetter"), "the seeder cannot end a composition")
	}
	return s, nil
}

// end makes a composition ACTIVE (its destinations start), then STOPPED.
func (r *runner) end(ctx context.Context, s CompositionSetter, arn string) *suite.Failure {
	for _, state := range []string{compositionActive, compositionStopped} {
		if err := s.SetCompositionState(ctx, arn, state); err != nil {
			return seederFailure("SetCompositionState("+state+")", err)
		}
	}
	return nil
}

// endedComposition is a composition of the live stage that has ended.
func (r *runner) endedComposition(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	if _, _, f := r.liveConfigurations(); f != nil {
		return "", f
	}
	s, f := r.compositionSetter()
	if f != nil {
		return "", f
	}
	arn, f := r.startComposition(ctx, "ended-composition")
	if f == nil {
		f = r.end(ctx, s, arn)
	}
	return arn, f
}

// endedCompositionStage is a stage of the case's own whose one
// composition has ended.
func (r *runner) endedCompositionStage(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	storage, encoder, f := r.liveConfigurations()
	if f != nil {
		return "", f
	}
	s, f := r.compositionSetter()
	if f != nil {
		return "", f
	}
	st, _, _, f := r.createStage(ctx, "ended-composition-stage", map[string]any{})
	if f != nil {
		return "", f
	}
	stage := st[ivscases.MemberArn].(string)
	doc, ex, f := r.do(ctx, ivscases.OpStartComposition, map[string]any{ivscases.MemberStageArn: stage,
		ivscases.MemberDestinations: []any{s3Destination(storage, encoder)}, ivscases.MemberTags: r.caseTags("ended-composition-stage")})
	if f != nil {
		return "", f
	}
	c, _ := doc[ivscases.MemberComposition].(map[string]any)
	arn, _ := c[ivscases.MemberArn].(string)
	if arn == "" {
		return "", suite.Mismatch(ex, "StartComposition answered without composition.arn", "a composition ARN", c[ivscases.MemberArn])
	}
	return stage, r.end(ctx, s, arn)
}

// endedCompositionToken sends the case's own request once, with a token
// of its own, and ends the composition it started: the case's repeat of
// it answers that composition.
func (r *runner) endedCompositionToken(ctx context.Context, cs *suite.Case) (string, *suite.Failure) {
	if _, _, f := r.liveConfigurations(); f != nil {
		return "", f
	}
	s, f := r.compositionSetter()
	if f != nil {
		return "", f
	}
	// The run's id and the case's name make a token no other run or case
	// sends (the pattern takes the id's letters, digits and dashes).
	sum := fnv.New32a()
	sum.Write([]byte(cs.Name))
	token := fmt.Sprintf("%s-%08x", r.RunID(), sum.Sum32())
	body, f := r.Expand(strings.ReplaceAll(cs.Body, "${"+endedToken+"}", token))
	if f != nil {
		return "", f
	}
	op, f := r.operation(ivscases.OpStartComposition)
	if f != nil {
		return "", f
	}
	ex, f := r.Call(ctx, op, body)
	if f != nil {
		return "", f
	}
	if f := suite.WantSuccess(ex); f != nil {
		return "", f
	}
	arn := arnIn(ex.Resp, ivscases.MemberComposition)
	if arn == "" {
		return "", suite.Mismatch(ex, "StartComposition answered without composition.arn", "a composition ARN", nil)
	}
	return token, r.end(ctx, s, arn)
}

// createEncoder creates an encoder configuration tagged for the run.
func (r *runner) createEncoder(ctx context.Context, caseTag string) (string, *suite.Failure) {
	doc, ex, f := r.do(ctx, ivscases.OpCreateEncoderConfiguration, map[string]any{ivscases.MemberTags: r.caseTags(caseTag)})
	if f != nil {
		return "", f
	}
	ec, _ := doc[ivscases.MemberEncoderConfiguration].(map[string]any)
	arn, _ := ec[ivscases.MemberArn].(string)
	if arn == "" {
		return "", suite.Mismatch(ex, "CreateEncoderConfiguration answered without encoderConfiguration.arn", "an encoder configuration ARN", ec[ivscases.MemberArn])
	}
	return arn, nil
}

// encoderToDelete creates an encoder configuration for a case to delete.
func (r *runner) encoderToDelete(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return "", f
	}
	arn, f := r.createEncoder(ctx, caseTagEncoderDelete)
	if f != nil {
		f.Reason = "creating an encoder configuration for the case to delete: " + f.Reason
	}
	return arn, f
}

// startComposition starts a composition of the live stage recording to
// the live storage configuration, encoded with the live encoder
// configuration.
func (r *runner) startComposition(ctx context.Context, caseTag string) (string, *suite.Failure) {
	stage, f := r.Live(r.liveStage)
	if f != nil {
		return "", f
	}
	storage, f := r.Live(r.c.liveStorageName())
	if f != nil {
		return "", f
	}
	encoder, f := r.Live(r.c.LiveName(structGetEncoder, ivscases.MemberArn))
	if f != nil {
		return "", f
	}
	doc, ex, f := r.do(ctx, ivscases.OpStartComposition, map[string]any{
		ivscases.MemberStageArn: stage,
		ivscases.MemberDestinations: []any{map[string]any{memberS3: map[string]any{
			ivscases.MemberStorageConfigurationArn: storage, ivscases.MemberEncoderConfigurationArns: []any{encoder},
		}}},
		ivscases.MemberTags: r.caseTags(caseTag),
	})
	if f != nil {
		return "", f
	}
	c, _ := doc[ivscases.MemberComposition].(map[string]any)
	arn, _ := c[ivscases.MemberArn].(string)
	if arn == "" {
		return "", suite.Mismatch(ex, "StartComposition answered without composition.arn", "a composition ARN", c[ivscases.MemberArn])
	}
	return arn, nil
}

// compositionToStop starts a composition for a case to stop.
func (r *runner) compositionToStop(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	if _, _, f := r.liveConfigurations(); f != nil {
		return "", f // what the setup could not make, as it said
	}
	arn, f := r.startComposition(ctx, caseTagCompositionStop)
	if f != nil {
		f.Reason = "starting a composition for the case to stop: " + f.Reason
	}
	return arn, f
}

// madeUpChannel is a channel ARN of the spec's form in the account and
// region of the live stage, which a fake takes (it holds no channels);
// against any other target the case is skipped.
func (r *runner) madeUpChannel(context.Context, *suite.Case) (string, *suite.Failure) {
	stage, f := r.Live(r.liveStage)
	if f != nil {
		return "", f
	}
	if r.Target().Seeder == nil {
		return "", suite.Skipf("the case needs a channel destination: the suite cannot make an IVS channel, so only a fake, which takes any, runs it")
	}
	// A stage ARN and a channel ARN share their region and account; the
	// stage's id is a well-formed channel id too.
	i := strings.LastIndex(stage, ":stage/")
	if i < 0 {
		return "", suite.Failf(nil, "no channel ARN can be made for the live stage %s", stage)
	}
	return stage[:i] + ":channel/" + stage[i+len(":stage/"):], nil
}

// setupEncoders creates the run's live encoder configuration and one it
// deletes: the values of ${live:EncoderConfigurationArn} and
// ${deleted:EncoderConfigurationArn}. A contract without
// CreateEncoderConfiguration (the 2024-06-20 one) has neither.
func (r *runner) setupEncoders(ctx context.Context) {
	c := r.c
	m := c.Member(structGetEncoder, ivscases.MemberArn)
	if m == nil || m.Identifier == "" || c.Operation(ivscases.OpCreateEncoderConfiguration) == nil {
		return
	}
	live, deleted := placeholderName(suite.PlaceholderLive, m.Identifier), placeholderName(suite.PlaceholderDeleted, m.Identifier)
	if _, f := r.Live(r.liveStage); f != nil {
		r.SetMissing(f, live, deleted)
		return
	}
	arn, f := r.createEncoder(ctx, caseTagEncoderLive)
	if f != nil {
		f.Reason = "setup: CreateEncoderConfiguration of the run's encoder configuration: " + f.Reason
		r.SetMissing(f, live, deleted)
		return
	}
	r.SetLive(live, arn)
	gone, f := r.createEncoder(ctx, caseTagEncoderDelete)
	if f == nil {
		_, _, f = r.do(ctx, ivscases.OpDeleteEncoderConfiguration, map[string]any{ivscases.MemberArn: gone})
	}
	if f != nil {
		f.Reason = "setup: an encoder configuration to create and delete: " + f.Reason
		r.SetMissing(f, deleted)
		return
	}
	r.SetLive(deleted, gone)
}

// setupCompositions starts the run's live composition: the value of
// ${live:CompositionArn}.
func (r *runner) setupCompositions(ctx context.Context) {
	m := r.c.Member(structGetComposition, ivscases.MemberArn)
	if m == nil || m.Identifier == "" || r.c.Operation(ivscases.OpStartComposition) == nil {
		return
	}
	live := placeholderName(suite.PlaceholderLive, m.Identifier)
	arn, f := r.startComposition(ctx, caseTagCompositionLive)
	if f != nil {
		if !f.Skipped {
			f.Reason = "setup: StartComposition of the run's composition: " + f.Reason
		}
		r.SetMissing(f, live)
		return
	}
	r.SetLive(live, arn)
}

// startedCompositions are the compositions a run started, which its
// cleanup stops.
type startedCompositions struct {
	mu   sync.Mutex
	arns []string
}

func (s *startedCompositions) observe(op string, resp []byte) {
	if op != ivscases.OpStartComposition {
		return
	}
	if arn := arnIn(resp, ivscases.MemberComposition); arn != "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.arns = append(s.arns, arn)
	}
}

// cleanupCompositions stops every composition the run started (stopping
// one stopped already changes nothing), and, on a CompositionSetter,
// finishes the stop.
func (r *runner) cleanupCompositions(ctx context.Context) ResourceCleanup {
	r.compositions.mu.Lock()
	arns := append([]string(nil), r.compositions.arns...)
	r.compositions.mu.Unlock()
	out := ResourceCleanup{Noun: "compositions", Verb: "stopped", Created: len(arns)}
	op := r.c.Operation(ivscases.OpStopComposition)
	if op == nil {
		return out
	}
	setter, _ := r.Target().Seeder.(CompositionSetter)
	for _, arn := range arns {
		b, _ := json.Marshal(map[string]string{ivscases.MemberArn: arn})
		ex, err := r.Send(ctx, op, string(b))
		switch {
		case err != nil:
			out.Failed = append(out.Failed, arn+": "+err.Error())
			continue
		case ex.Status != http.StatusOK && ex.ErrType != errNotFound:
			out.Failed = append(out.Failed, arn+": "+suite.Describe(ex))
			continue
		}
		if setter != nil && ex.Status == http.StatusOK {
			_ = setter.SetCompositionState(ctx, arn, compositionStopped) // one ended already refuses: it is stopped
		}
		out.Deleted++
	}
	return out
}
