package behaviour

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of encoder configurations and
// compositions (their section of docs/contract.md): the defaults AWS documents for an encoder
// configuration's video and a composition's layout, the video rules its
// documentation adds to the model's bounds, the destinations a
// composition may have, its idempotency token, its stop, ListCompositions'
// filters, and the configurations a composition in use keeps from
// deletion. Every composition they start records the live stage to a
// storage configuration; the cleanup stops them.

// compositionCases are the cases of this file; CurrentCases adds them.
func compositionCases(addCase func(name, op, member, rule, source string, needs []string, run func(ctx context.Context, r *runner) *suite.Failure)) {
	// Every case makes an encoder configuration or a composition: a
	// contract without them (the 2024-06-20 one) has none of these cases.
	needs := []string{structGetEncoder + "." + ivscases.MemberArn, structGetComposition + "." + ivscases.MemberArn}
	add := func(name, op, member, rule, source string, _ []string, run func(ctx context.Context, r *runner) *suite.Failure) {
		addCase(name, op, member, rule, source, needs, run)
	}
	video := ivscases.MemberVideo
	add("CreateEncoderConfiguration/behaviour/defaults/video", ivscases.OpCreateEncoderConfiguration, video, "default", suite.SourceDocumented, nil, encoderVideoDefaults)
	add("CreateEncoderConfiguration/behaviour/video/odd-width-refused", ivscases.OpCreateEncoderConfiguration, video+"."+ivscases.MemberWidth, "even", suite.SourceDocumented, nil, oddWidthRefused)
	add("CreateEncoderConfiguration/behaviour/video/over-the-most-pixels-refused", ivscases.OpCreateEncoderConfiguration, video, "pixels", suite.SourceDocumented, nil, overMostPixelsRefused)
	add("DeleteEncoderConfiguration/behaviour/in-use/by-a-composition-conflict", ivscases.OpDeleteEncoderConfiguration, ivscases.MemberArn, "in-use", suite.SourceDocumented, nil, encoderInUse)
	add("DeleteStorageConfiguration/behaviour/in-use/by-a-composition-conflict", ivscases.OpDeleteStorageConfiguration, ivscases.MemberArn, "in-use", suite.SourceDocumented, nil, storageInUseByComposition)
	dest := ivscases.MemberDestinations
	add("StartComposition/behaviour/destinations/neither-channel-nor-s3-refused", ivscases.OpStartComposition, dest+"[]", "channel-or-s3", suite.SourceDocumented, nil, destinationNeitherRefused)
	add("StartComposition/behaviour/destinations/two-s3-refused", ivscases.OpStartComposition, dest, "one-of-each", suite.SourceDocumented, nil, twoS3Refused)
	add("StartComposition/behaviour/defaults/grid-layout", ivscases.OpStartComposition, ivscases.MemberLayout, "default", suite.SourceDocumented, nil, gridLayoutDefault)
	add("StartComposition/behaviour/idempotency/same-token-same-composition", ivscases.OpStartComposition, ivscases.MemberIdempotencyToken, "idempotency", suite.SourceDocumented, nil, sameTokenSameComposition)
	add("StartComposition/behaviour/idempotency/same-token-other-request-conflict", ivscases.OpStartComposition, ivscases.MemberIdempotencyToken, "idempotency", suite.SourceInferred, nil, sameTokenOtherRequest)
	add("StopComposition/behaviour/stops-the-composition", ivscases.OpStopComposition, ivscases.MemberArn, "stop", suite.SourceDocumented, nil, stopStops)
	add("ListCompositions/behaviour/filter/by-stage", ivscases.OpListCompositions, ivscases.MemberFilterByStageArn, "filter", suite.SourceDocumented, nil, filterByStage)
	add("ListCompositions/behaviour/filter/by-encoder-configuration", ivscases.OpListCompositions, ivscases.MemberFilterByEncoderConfigurationArn, "filter", suite.SourceDocumented, nil, filterByEncoder)
}

// The states a stopped composition may be found in, as the model spells
// them (a composition AWS has deleted after its stop is not found at all).
var stoppedStates = []string{"STOPPING", "STOPPED"}

// encoderVideoDefaults: an encoder configuration created without video
// has the documented one ("Default: video resolution 1280x720, bitrate
// 2500 kbps, 30 fps"); GetEncoderConfiguration answers the same.
func encoderVideoDefaults(ctx context.Context, r *runner) *suite.Failure {
	arn, f := r.createEncoder(ctx, "encoder-video-defaults")
	if f != nil {
		return f
	}
	doc, ex, f := r.do(ctx, ivscases.OpGetEncoderConfiguration, map[string]any{ivscases.MemberArn: arn})
	if f != nil {
		return f
	}
	want, _ := r.c.withDefaults("CreateEncoderConfigurationRequest", map[string]any{})[ivscases.MemberVideo].(map[string]any)
	if len(want) == 0 {
		return suite.Skipf("the contract gives CreateEncoderConfiguration's video no defaults")
	}
	// Members AWS adds beyond those the contract knows are not held against it.
	got, _ := suite.FirstValue(doc, ivscases.MemberEncoderConfiguration, ivscases.MemberVideo).(map[string]any)
	for k, v := range want {
		if suite.Canonical(got[k]) != suite.Canonical(v) {
			return suite.Mismatch(ex, "an encoder configuration created without video does not have the documented video."+k, v, got[k])
		}
	}
	return nil
}

// videoRefused wants CreateEncoderConfiguration of video refused with
// ValidationException.
func videoRefused(ctx context.Context, r *runner, video map[string]any, why string) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f
	}
	body := map[string]any{ivscases.MemberVideo: video, ivscases.MemberTags: r.caseTags("video-refused")}
	if f := r.doError(ctx, ivscases.OpCreateEncoderConfiguration, body, errValidation); f != nil {
		f.Reason = why + ": " + f.Reason
		return f
	}
	return nil
}

// oddWidthRefused: a video width must be an even number (documented:
// Video.width, "This must be an even number"); the default width plus one
// is in the model's bounds and odd.
func oddWidthRefused(ctx context.Context, r *runner) *suite.Failure {
	w, ok := r.c.DefaultValue(structVideo, ivscases.MemberWidth)
	n, isNum := w.(float64)
	if !ok || !isNum {
		return suite.Skipf("the contract gives Video.width no default to make an odd width of")
	}
	return videoRefused(ctx, r, map[string]any{ivscases.MemberWidth: int64(n) + 1}, "CreateEncoderConfiguration of an odd width")
}

// overMostPixelsRefused: width times height at most 2073600 (documented:
// Video.width and height); the largest width and height the model allows
// each are more together.
func overMostPixelsRefused(ctx context.Context, r *runner) *suite.Failure {
	w, h := r.c.Member(structVideo, ivscases.MemberWidth), r.c.Member(structVideo, ivscases.MemberHeight)
	if w == nil || h == nil || w.Max == nil || h.Max == nil {
		return suite.Skipf("the contract gives Video no largest width and height")
	}
	return videoRefused(ctx, r, map[string]any{ivscases.MemberWidth: *w.Max, ivscases.MemberHeight: *h.Max}, "CreateEncoderConfiguration of the largest width and height together")
}

// compositionBody is a StartComposition request of the live stage
// recording to storage, encoded with encoder.
func (r *runner) compositionBody(caseTag, storage, encoder string) (map[string]any, *suite.Failure) {
	stage, f := r.Live(r.liveStage)
	if f != nil {
		return nil, f
	}
	return map[string]any{
		ivscases.MemberStageArn:     stage,
		ivscases.MemberDestinations: []any{s3Destination(storage, encoder)},
		ivscases.MemberTags:         r.caseTags(caseTag),
	}, nil
}

func s3Destination(storage, encoder string) map[string]any {
	return map[string]any{memberS3: map[string]any{ivscases.MemberStorageConfigurationArn: storage, ivscases.MemberEncoderConfigurationArns: []any{encoder}}}
}

// liveConfigurations are the live storage and encoder configurations.
func (r *runner) liveConfigurations() (storage, encoder string, f *suite.Failure) {
	if storage, f = r.Live(r.c.liveStorageName()); f != nil {
		return "", "", f
	}
	encoder, f = r.Live(r.c.LiveName(structGetEncoder, ivscases.MemberArn))
	return storage, encoder, f
}

// startWith starts a composition of body and returns it.
func (r *runner) startWith(ctx context.Context, body map[string]any) (map[string]any, *suite.Exchange, *suite.Failure) {
	doc, ex, f := r.do(ctx, ivscases.OpStartComposition, body)
	if f != nil {
		return nil, ex, f
	}
	c, _ := doc[ivscases.MemberComposition].(map[string]any)
	if arn, _ := c[ivscases.MemberArn].(string); arn == "" {
		return nil, ex, suite.Mismatch(ex, "StartComposition answered without composition.arn", "a composition ARN", c[ivscases.MemberArn])
	}
	return c, ex, nil
}

// encoderInUse: an encoder configuration a composition uses is not
// deleted (documented: DeleteEncoderConfiguration "Ensures that no
// Compositions are using this template; otherwise, returns an error";
// the error is the ConflictException it declares, as
// DeleteStorageConfiguration documents for its own case).
func encoderInUse(ctx context.Context, r *runner) *suite.Failure {
	storage, _, f := r.liveConfigurations()
	if f != nil {
		return f
	}
	encoder, f := r.createEncoder(ctx, "encoder-in-use")
	if f != nil {
		return f
	}
	body, f := r.compositionBody("encoder-in-use", storage, encoder)
	if f != nil {
		return f
	}
	if _, _, f := r.startWith(ctx, body); f != nil {
		return f
	}
	if f := r.doError(ctx, ivscases.OpDeleteEncoderConfiguration, map[string]any{ivscases.MemberArn: encoder}, errConflict); f != nil {
		f.Reason = "DeleteEncoderConfiguration of one a composition uses: " + f.Reason
		return f
	}
	return nil
}

// storageInUseByComposition: a storage configuration a composition
// records to is not deleted (documented: DeleteStorageConfiguration, "If
// you try to delete a storage configuration that is used by a
// Composition, you will get an error (409 ConflictException)").
func storageInUseByComposition(ctx context.Context, r *runner) *suite.Failure {
	_, encoder, f := r.liveConfigurations()
	if f != nil {
		return f
	}
	sc, _, f := r.ownStorage(ctx, "storage-in-use-by-composition", nil)
	if f != nil {
		return f
	}
	storage := sc[ivscases.MemberArn].(string)
	body, f := r.compositionBody("storage-in-use-by-composition", storage, encoder)
	if f != nil {
		return f
	}
	if _, _, f := r.startWith(ctx, body); f != nil {
		return f
	}
	if f := r.doError(ctx, ivscases.OpDeleteStorageConfiguration, map[string]any{ivscases.MemberArn: storage}, errConflict); f != nil {
		f.Reason = "DeleteStorageConfiguration of one a composition records to: " + f.Reason
		return f
	}
	return nil
}

// destinationNeitherRefused: a destination names a channel or an s3
// (documented: DestinationConfiguration, "Either a channel or an s3 must
// be specified"); one with a name only is refused.
func destinationNeitherRefused(ctx context.Context, r *runner) *suite.Failure {
	stage, f := r.Live(r.liveStage)
	if f != nil {
		return f
	}
	names, f := r.c.samples("DestinationConfiguration", ivscases.MemberName, 1)
	if f != nil {
		return f
	}
	body := map[string]any{ivscases.MemberStageArn: stage, ivscases.MemberDestinations: []any{map[string]any{ivscases.MemberName: names[0]}}, ivscases.MemberTags: r.caseTags("destination-neither")}
	if f := r.doError(ctx, ivscases.OpStartComposition, body, errValidation); f != nil {
		f.Reason = "StartComposition of a destination with neither channel nor s3: " + f.Reason
		return f
	}
	return nil
}

// twoS3Refused: a composition has one destination, channel or s3, or
// two, one of each (documented: Composition.destinations); two s3
// destinations are refused.
func twoS3Refused(ctx context.Context, r *runner) *suite.Failure {
	storage, encoder, f := r.liveConfigurations()
	if f != nil {
		return f
	}
	body, f := r.compositionBody("two-s3", storage, encoder)
	if f != nil {
		return f
	}
	body[ivscases.MemberDestinations] = []any{s3Destination(storage, encoder), s3Destination(storage, encoder)}
	if f := r.doError(ctx, ivscases.OpStartComposition, body, errValidation); f != nil {
		f.Reason = "StartComposition of two s3 destinations: " + f.Reason
		return f
	}
	return nil
}

// gridLayoutDefault: a composition started without a layout has a grid
// (documented: LayoutConfiguration.grid, "Default: Grid layout") whose
// members have their documented defaults; members AWS adds beyond them
// are not held against it.
func gridLayoutDefault(ctx context.Context, r *runner) *suite.Failure {
	storage, encoder, f := r.liveConfigurations()
	if f != nil {
		return f
	}
	body, f := r.compositionBody("grid-layout-default", storage, encoder)
	if f != nil {
		return f
	}
	c, ex, f := r.startWith(ctx, body)
	if f != nil {
		return f
	}
	want, _ := r.c.withDefaults("StartCompositionRequest", map[string]any{})[ivscases.MemberLayout].(map[string]any)
	wantGrid, _ := want[ivscases.MemberGrid].(map[string]any)
	layout, _ := c[ivscases.MemberLayout].(map[string]any)
	grid, _ := layout[ivscases.MemberGrid].(map[string]any)
	if wantGrid == nil {
		return suite.Skipf("the contract gives StartComposition's layout no default grid")
	}
	if grid == nil {
		return suite.Mismatch(ex, "a composition started without a layout has no grid layout", wantGrid, layout)
	}
	for k, v := range wantGrid {
		if suite.Canonical(grid[k]) != suite.Canonical(v) {
			return suite.Mismatch(ex, fmt.Sprintf("a composition started without a layout does not have the documented layout.grid.%s", k), v, grid[k])
		}
	}
	return nil
}

// sameTokenSameComposition: StartComposition sent twice with one
// idempotency token answers the same composition (documented: the
// model marks idempotencyToken as the operation's idempotency token).
// The token is made unique to the run: AWS keeps a token's answer a while.
func sameTokenSameComposition(ctx context.Context, r *runner) *suite.Failure {
	storage, encoder, f := r.liveConfigurations()
	if f != nil {
		return f
	}
	body, f := r.compositionBody("same-token", storage, encoder)
	if f != nil {
		return f
	}
	body[ivscases.MemberIdempotencyToken] = r.RunID() + "-same"
	first, _, f := r.startWith(ctx, body)
	if f != nil {
		return f
	}
	again, ex, f := r.startWith(ctx, body)
	if f != nil {
		return f
	}
	if first[ivscases.MemberArn] != again[ivscases.MemberArn] {
		return suite.Mismatch(ex, "StartComposition repeated with the same idempotency token started another composition", first[ivscases.MemberArn], again[ivscases.MemberArn])
	}
	return nil
}

// sameTokenOtherRequest: the same idempotency token with another request
// is refused with ConflictException (inferred: the model declares it, and
// an idempotency token stands for one request).
func sameTokenOtherRequest(ctx context.Context, r *runner) *suite.Failure {
	storage, encoder, f := r.liveConfigurations()
	if f != nil {
		return f
	}
	body, f := r.compositionBody("token-reused", storage, encoder)
	if f != nil {
		return f
	}
	body[ivscases.MemberIdempotencyToken] = r.RunID() + "-reused"
	if _, _, f := r.startWith(ctx, body); f != nil {
		return f
	}
	body[ivscases.MemberTags] = r.caseTags("token-reused-other")
	if f := r.doError(ctx, ivscases.OpStartComposition, body, errConflict); f != nil {
		f.Reason = "StartComposition repeating an idempotency token with another request: " + f.Reason
		return f
	}
	return nil
}

// stopStops: after StopComposition, the composition is stopping or
// stopped, or gone (documented: StopComposition "Stops and deletes a
// Composition resource").
func stopStops(ctx context.Context, r *runner) *suite.Failure {
	arn, f := r.startComposition(ctx, "stop-stops")
	if f != nil {
		return f
	}
	if _, _, f := r.do(ctx, ivscases.OpStopComposition, map[string]any{ivscases.MemberArn: arn}); f != nil {
		return f
	}
	op, f := r.operation(ivscases.OpGetComposition)
	if f != nil {
		return f
	}
	ex, f := r.Call(ctx, op, fmt.Sprintf(`{%q:%q}`, ivscases.MemberArn, arn))
	if f != nil {
		return f
	}
	if ex.ErrType == errNotFound {
		return nil
	}
	if f := suite.WantSuccess(ex); f != nil {
		return f
	}
	var doc any
	if err := json.Unmarshal(ex.Resp, &doc); err != nil {
		return suite.NotJSON(ex, err)
	}
	state, _ := suite.FirstValue(doc, ivscases.MemberComposition, ivscases.MemberState).(string)
	if !slices.Contains(stoppedStates, state) {
		return suite.Mismatch(ex, "a stopped composition is neither stopping, stopped nor gone", stoppedStates, state)
	}
	return nil
}

// listed are the ARNs ListCompositions lists with filter, every page.
func (r *runner) listed(ctx context.Context, filter map[string]any) ([]string, *suite.Failure) {
	var out []string
	body := filter
	for range 100 { // bounded: the compositions a run makes fit in far fewer pages
		doc, _, f := r.do(ctx, ivscases.OpListCompositions, body)
		if f != nil {
			return nil, f
		}
		items, _ := doc[ivscases.MemberCompositions].([]any)
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				arn, _ := m[ivscases.MemberArn].(string)
				out = append(out, arn)
			}
		}
		next, _ := doc[ivscases.MemberNextToken].(string)
		if next == "" {
			return out, nil
		}
		body = map[string]any{ivscases.MemberNextToken: next}
		for k, v := range filter {
			body[k] = v
		}
	}
	return out, nil
}

// filterByStage: filterByStageArn lists exactly the compositions of that
// stage (documented: "Filters the Composition list to match the
// specified Stage ARN"). A stage of the case's own holds one.
func filterByStage(ctx context.Context, r *runner) *suite.Failure {
	storage, encoder, f := r.liveConfigurations()
	if f != nil {
		return f
	}
	st, _, _, f := r.createStage(ctx, "filter-by-stage", map[string]any{})
	if f != nil {
		return f
	}
	stage := st[ivscases.MemberArn].(string)
	if _, f := r.startComposition(ctx, "filter-by-stage-other"); f != nil {
		return f
	}
	body, f := r.compositionBody("filter-by-stage", storage, encoder)
	if f != nil {
		return f
	}
	body[ivscases.MemberStageArn] = stage
	c, ex, f := r.startWith(ctx, body)
	if f != nil {
		return f
	}
	got, f := r.listed(ctx, map[string]any{ivscases.MemberFilterByStageArn: stage})
	if f != nil {
		return f
	}
	if want := []string{c[ivscases.MemberArn].(string)}; !slices.Equal(want, got) {
		return suite.Mismatch(ex, "ListCompositions with filterByStageArn does not list exactly the stage's compositions", want, got)
	}
	return nil
}

// filterByEncoder: filterByEncoderConfigurationArn lists exactly the
// compositions using it (documented: "Filters the Composition list to
// match the specified EncoderConfiguration attached to at least one of
// its output"). An encoder configuration of the case's own is used by one.
func filterByEncoder(ctx context.Context, r *runner) *suite.Failure {
	storage, _, f := r.liveConfigurations()
	if f != nil {
		return f
	}
	encoder, f := r.createEncoder(ctx, "filter-by-encoder")
	if f != nil {
		return f
	}
	if _, f := r.startComposition(ctx, "filter-by-encoder-other"); f != nil {
		return f
	}
	body, f := r.compositionBody("filter-by-encoder", storage, encoder)
	if f != nil {
		return f
	}
	c, ex, f := r.startWith(ctx, body)
	if f != nil {
		return f
	}
	got, f := r.listed(ctx, map[string]any{ivscases.MemberFilterByEncoderConfigurationArn: encoder})
	if f != nil {
		return f
	}
	if want := []string{c[ivscases.MemberArn].(string)}; !slices.Equal(want, got) {
		return suite.Mismatch(ex, "ListCompositions with filterByEncoderConfigurationArn does not list exactly the compositions using it", want, got)
	}
	return nil
}
