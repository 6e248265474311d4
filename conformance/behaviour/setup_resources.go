package behaviour

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file makes what the generated cases of identifiers point at beyond
// the live resources: a stage and a storage configuration the run made and
// deleted (the ${deleted:Format} of the not-found cases), and, for each
// identifier format of resources the suite does not know how to make (a
// composition, an encoder configuration, ...), a live value all the same.
// ${unknown:Format} and ${foreign:Format} the runtime mints itself.

// deletable are the identifier formats of the resources the suite makes
// and deletes: a stage and a storage configuration. Declare leaves out the
// generated cases about a deleted resource of another format.
func (c contract) deletable() []string {
	var out []string
	for _, m := range []*suite.Member{c.Member(structGetStage, ivscases.MemberArn), c.Member(structGetStorage, ivscases.MemberArn), c.Member(structGetPublicKey, ivscases.MemberArn), c.Member(structGetEncoder, ivscases.MemberArn)} {
		if m != nil && m.Identifier != "" {
			out = append(out, m.Identifier)
		}
	}
	return out
}

// needsUndeletable reports whether a case body names a deleted resource
// of a format the suite cannot delete.
func needsUndeletable(deletable []string, body string) bool {
	for _, m := range placeholderNames.FindAllStringSubmatch(body, -1) {
		if m[1] == suite.PlaceholderDeleted && !slices.Contains(deletable, m[2]) {
			return true
		}
	}
	return false
}

// setupDeleted makes a stage and (where the suite may make one) a storage
// configuration, and deletes them: the values of ${deleted:StageArn} and
// ${deleted:StorageConfigurationArn}.
func (r *runner) setupDeleted(ctx context.Context) {
	c := r.c
	stageFormat, storageFormat := "", ""
	if m := c.Member(structGetStage, ivscases.MemberArn); m != nil {
		stageFormat = m.Identifier
	}
	if m := c.Member(structGetStorage, ivscases.MemberArn); m != nil {
		storageFormat = m.Identifier
	}
	if stageFormat != "" && c.Operation(ivscases.OpDeleteStage) != nil {
		name := placeholderName(suite.PlaceholderDeleted, stageFormat)
		if f := r.deletedStage(ctx, name); f != nil {
			r.SetMissing(f, name)
		}
	}
	if storageFormat != "" && c.Operation(ivscases.OpCreateStorageConfiguration) != nil && c.Operation(ivscases.OpDeleteStorageConfiguration) != nil {
		name := placeholderName(suite.PlaceholderDeleted, storageFormat)
		if f := r.deletedStorage(ctx, name); f != nil {
			r.SetMissing(f, name)
		}
	}
}

func (r *runner) deletedStage(ctx context.Context, name string) *suite.Failure {
	if _, f := r.Live(r.liveStage); f != nil {
		return f // the target could not even make a stage
	}
	st, _, _, f := r.createStage(ctx, "deleted-stage", map[string]any{})
	if f != nil {
		f.Reason = "setup: CreateStage of a stage to delete: " + f.Reason
		return f
	}
	arn := st[ivscases.MemberArn].(string)
	if why := r.deleteStage(ctx, arn); why != "" {
		// A target without DeleteStage (its own cases fail on it): the
		// cases of a deleted stage cannot run, and nothing asks again.
		r.deleteRefused = why
		return suite.Skipf("the target refused the setup's DeleteStage (%s): no deleted stage to ask about", why)
	}
	r.SetLive(name, arn)
	return nil
}

func (r *runner) deletedStorage(ctx context.Context, name string) *suite.Failure {
	sc, _, f := r.ownStorage(ctx, "deleted-storage", nil)
	if f != nil {
		if !f.Skipped {
			f.Reason = "setup: CreateStorageConfiguration of one to delete: " + f.Reason
		}
		return f
	}
	arn := sc[ivscases.MemberArn].(string)
	if _, _, f := r.do(ctx, ivscases.OpDeleteStorageConfiguration, map[string]any{ivscases.MemberArn: arn}); f != nil {
		f.Reason = "setup: DeleteStorageConfiguration of one the run made: " + f.Reason
		return f
	}
	r.SetLive(name, arn)
	return nil
}

// setupUnmade gives each identifier format whose live resource the setup
// does not make (nothing in the spec says how to make a composition, an
// encoder configuration) a well-formed made-up
// value, so that the generated cases of the operations on them still send
// their request: a target that does not implement the operation answers
// 501, and the case is skipped as such. Against one that does, the shape
// cases of such an operation cannot pass until the suite learns to make
// the resource (docs/contract.md, What the fake does not implement yet).
//
// Only a fake (a target with a seeder) gets them: against any other, a
// made-up resource could only fail the cases that must succeed on it (or
// pass them where it should not), so those cases are skipped, saying so.
func (r *runner) setupUnmade() {
	made := []string{r.liveStage, r.liveSession, r.liveParticipant, r.c.liveStorageName()}
	if r.c.Operation(ivscases.OpImportPublicKey) != nil {
		made = append(made, r.c.LiveName(structGetPublicKey, ivscases.MemberArn)) // setupPublicKeys
	}
	if r.c.Operation(ivscases.OpCreateIngestConfiguration) != nil {
		made = append(made, r.c.LiveName(structGetIngest, ivscases.MemberArn)) // setupIngest
	}
	if r.c.Operation(ivscases.OpCreateEncoderConfiguration) != nil {
		made = append(made, r.c.LiveName(structGetEncoder, ivscases.MemberArn)) // setupEncoders
	}
	if r.c.Operation(ivscases.OpStartComposition) != nil {
		made = append(made, r.c.LiveName(structGetComposition, ivscases.MemberArn)) // setupCompositions
	}
	for _, id := range r.c.Identifiers {
		name := placeholderName(suite.PlaceholderLive, id.Name)
		if slices.Contains(made, name) {
			continue
		}
		if _, f := r.Live(r.liveStage); f != nil {
			r.SetMissing(f, name) // the target could not even make a stage
			continue
		}
		if r.Target().Seeder == nil {
			r.SetMissing(suite.Skipf("the suite makes no %s for the case: it does not know how to make one yet", id.Name), name)
			continue
		}
		if v, f := r.Mint(id.Name); f == nil {
			r.SetLive(name, v)
		}
	}
}

// placeholderName is the name of the placeholder ${kind:format}, as
// SetLive and Live take it.
func placeholderName(kind, format string) string {
	return strings.TrimSuffix(strings.TrimPrefix(suite.Placeholder(kind, format), "${"), "}")
}

// placeholderNames finds the ${kind:format} placeholders of a body.
var placeholderNames = regexp.MustCompile(`\$\{([a-zA-Z]+):([a-zA-Z]+)\}`)
