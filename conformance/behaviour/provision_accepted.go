package behaviour

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file is what the generated cases that must succeed need made for
// them, so that they pass on a real resource and never on a made-up one:
// the generated accepted and shape cases name live resources
// (${live:Format}); those whose request changes the resource it names
// get one of their own here instead of the live one other cases read.
//
//   - UpdateStage and UntagResource: one stage borrowed for them all (an
//     update or untag of one leaves the others valid), so that a run
//     holds no stage more for them (an account's stage quota counts
//     them);
//   - TagResource: the same stage (its cases add two tag keys between
//     them), but a case that tags up to the per-resource limit gets a
//     stage of its own, carrying only the run tag (the case counts it);
//   - DisconnectParticipant: the participant of a token the run creates
//     on the live stage, not a seeded one other cases read;
//   - CreateStorageConfiguration: the bucket of the storage configuration
//     the user gave (AWS wants a bucket the caller owns), else, on a fake
//     (a seeder), the spec's sample bucket; a case whose bucket name is
//     the value under test runs on a fake only.

// The provisioners of this file.
const (
	provisionSharedStage   = "shared-stage"
	provisionTaggableStage = "taggable-stage"
	provisionParticipant   = "token-participant"
	provisionBucket        = "bucket"
	provisionMadeUpBucket  = "made-up-bucket"
)

// liveBucket is the placeholder of the bucket CreateStorageConfiguration
// cases make their storage configurations in.
const liveBucket = "live:Bucket"

// acceptedFixture is what the provisioners of this file share.
type acceptedFixture struct {
	stageOnce sync.Once
	stage     string
	stageFail *suite.Failure

	bucketOnce sync.Once
	bucket     string
	bucketFail *suite.Failure
}

// declareAccepted adds to a generated case what it needs from this file.
func declareAccepted(c *suite.Contract, cs *suite.Case, need func(placeholder, provisioner string)) {
	declarePublicKeys(c, cs, need)
	declareIngest(c, cs, need)
	declareCompositions(c, cs, need)
	declareReplication(c, cs, need)
	liveStage := c.LiveName(structGetStage, ivscases.MemberArn)
	liveParticipant := c.LiveName(structGetPart, ivscases.MemberParticipantId)
	mutates := cs.Kind == suite.KindRequest && cs.Expect == suite.ExpectAccepted
	switch cs.Operation {
	case ivscases.OpUpdateStage, ivscases.OpUntagResource:
		if mutates && containsPlaceholder(cs.Body, liveStage) {
			need(liveStage, provisionSharedStage)
		}
	case ivscases.OpTagResource:
		if mutates && containsPlaceholder(cs.Body, liveStage) {
			if cs.Rule == "maxProperties" {
				need(liveStage, provisionTaggableStage)
			} else {
				need(liveStage, provisionSharedStage)
			}
		}
	case ivscases.OpDisconnectParticipant:
		// A spec whose participantId names no identifier format (the
		// 2024-06-20 one types it a bare string) left a made-up id where
		// the request must succeed: it disconnects a token's participant
		// too.
		mustSucceed := cs.Kind == suite.KindShape || cs.Kind == suite.KindTimestamp ||
			mutates && cs.Member != ivscases.MemberParticipantId
		if mustSucceed && !containsPlaceholder(cs.Body, liveParticipant) {
			if body, ok := withMember(cs.Body, ivscases.MemberParticipantId, "${"+liveParticipant+"}"); ok {
				cs.Body = body
			}
		}
		if containsPlaceholder(cs.Body, liveParticipant) {
			need(liveParticipant, provisionParticipant)
		}
	case ivscases.OpCreateStorageConfiguration:
		if cs.Kind == suite.KindRequest && cs.Expect != suite.ExpectAccepted {
			return // refused before any bucket is looked at
		}
		if strings.HasPrefix(cs.Member, memberS3+"."+ivscases.MemberBucketName) && cs.Rule != "required" {
			need(provisionMadeUpBucket, provisionMadeUpBucket)
			return
		}
		if body, ok := withBucketPlaceholder(cs.Body); ok {
			cs.Body = body
			need(liveBucket, provisionBucket)
		}
	}
}

// withMember is a JSON body with its top-level member name set to value.
func withMember(body, name, value string) (string, bool) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if dec.Decode(&doc) != nil || doc == nil {
		return body, false
	}
	if _, ok := doc[name]; !ok {
		return body, false
	}
	doc[name] = value
	out, err := json.Marshal(doc)
	if err != nil {
		return body, false
	}
	return string(out), true
}

// withBucketPlaceholder is a CreateStorageConfiguration body with its
// bucket name replaced by ${live:Bucket}.
func withBucketPlaceholder(body string) (string, bool) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if dec.Decode(&doc) != nil {
		return body, false
	}
	s3, ok := doc[memberS3].(map[string]any)
	if !ok {
		return body, false
	}
	if _, ok := s3[ivscases.MemberBucketName].(string); !ok {
		return body, false
	}
	s3[ivscases.MemberBucketName] = "${" + liveBucket + "}"
	out, err := json.Marshal(doc)
	if err != nil {
		return body, false
	}
	return string(out), true
}

// provideAccepted registers the provisioners of this file.
func (r *runner) provideAccepted() {
	r.Provide(provisionSharedStage, r.sharedStage)
	r.Provide(provisionTaggableStage, r.taggableStage)
	r.Provide(provisionParticipant, r.tokenParticipant)
	r.Provide(provisionBucket, r.bucketOf)
	r.Provide(provisionMadeUpBucket, r.madeUpBucket)
	r.Provide(provisionKeyMaterial, r.keyMaterial)
	r.Provide(provisionKeyToDelete, r.keyToDelete)
	r.Provide(provisionIngestToDelete, r.ingestToDelete)
	r.provideCompositions()
	r.provideReplication()
}

// sharedStage is the one stage the run makes for the accepted cases of
// UpdateStage, UntagResource and TagResource.
func (r *runner) sharedStage(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	r.accepted.stageOnce.Do(func() {
		if _, f := r.Live(r.liveStage); f != nil {
			r.accepted.stageFail = f // the target could not even make a stage
			return
		}
		r.accepted.stage, r.accepted.stageFail = r.borrowStage(ctx, "accepted-cases")
	})
	return r.accepted.stage, r.accepted.stageFail.Copy() // each case words its failure its own way
}

// taggableStage makes a stage that carries the run tag only, so that a
// case may tag it up to the limit of tags per resource less one.
func (r *runner) taggableStage(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return "", f // the target could not even make a stage
	}
	doc, ex, f := r.do(ctx, ivscases.OpCreateStage, map[string]any{ivscases.MemberTags: r.runTags()})
	if f != nil {
		f.Reason = "making a stage for the case: " + f.Reason
		return "", f
	}
	st, f := r.stageOf(ex, doc)
	if f != nil {
		return "", f
	}
	arn, _ := st[ivscases.MemberArn].(string)
	if arn == "" {
		return "", suite.Mismatch(ex, "CreateStage answered without stage.arn", "a stage ARN", st[ivscases.MemberArn])
	}
	return arn, nil
}

// tokenParticipant is the participant id of a token the run creates on
// the live stage for the case.
func (r *runner) tokenParticipant(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	arn, f := r.Live(r.liveStage)
	if f != nil {
		return "", f
	}
	doc, ex, f := r.do(ctx, ivscases.OpCreateParticipantToken, map[string]any{ivscases.MemberStageArn: arn})
	if f != nil {
		f.Reason = "making a participant token for the case: " + f.Reason
		return "", f
	}
	tok, _ := doc[ivscases.MemberParticipantToken].(map[string]any)
	id, _ := tok[ivscases.MemberParticipantId].(string)
	if id == "" {
		return "", suite.Mismatch(ex, "CreateParticipantToken answered without participantToken.participantId", "a participant id", tok[ivscases.MemberParticipantId])
	}
	return id, nil
}

// bucketOf is the bucket of the storage configuration the user gave,
// else, on a fake, the spec's sample bucket.
func (r *runner) bucketOf(ctx context.Context, _ *suite.Case) (string, *suite.Failure) {
	r.accepted.bucketOnce.Do(func() {
		r.accepted.bucket, r.accepted.bucketFail = r.findBucket(ctx)
	})
	return r.accepted.bucket, r.accepted.bucketFail.Copy()
}

func (r *runner) findBucket(ctx context.Context) (string, *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return "", f // the target could not even make a stage
	}
	if given := r.givenStorage(); given != "" {
		doc, ex, f := r.do(ctx, ivscases.OpGetStorageConfiguration, map[string]any{ivscases.MemberArn: given})
		if f != nil {
			f.Reason = "GetStorageConfiguration of the storage configuration given, for its bucket: " + f.Reason
			return "", f
		}
		sc, _ := doc[ivscases.MemberStorageConfiguration].(map[string]any)
		s3, _ := sc[memberS3].(map[string]any)
		if b, _ := s3[ivscases.MemberBucketName].(string); b != "" {
			return b, nil
		}
		return "", suite.Mismatch(ex, "the storage configuration given has no s3.bucketName", "a bucket name", s3[ivscases.MemberBucketName])
	}
	if r.Target().Seeder == nil {
		return "", suite.Skipf("no bucket: AWS wants one the caller owns; give the run a storage configuration (ivsrt conform -storage-configuration ARN) and the cases use its bucket")
	}
	body, f := r.storageBody("")
	if f != nil {
		return "", f
	}
	return body[memberS3].(map[string]any)[ivscases.MemberBucketName].(string), nil
}

// madeUpBucket lets a case whose bucket name is the value under test (a
// name of the shortest or longest length, which no bucket the user gave
// has) run on a fake only, which takes any bucket.
func (r *runner) madeUpBucket(context.Context, *suite.Case) (string, *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return "", f // the target could not even make a stage
	}
	if r.Target().Seeder == nil {
		return "", suite.Skipf("the bucket name under test is made up: AWS wants a bucket the caller owns, so only a fake can take it")
	}
	return "", nil
}
