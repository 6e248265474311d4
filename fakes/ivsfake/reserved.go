package ivsfake

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/validate"
)

// AWS reserves tag keys that begin with "aws:", in any case, for its own
// use: its tagging guide ("Tag naming limits and requirements", which the
// IVS API reference points to for tags) says they cannot be created,
// edited or deleted. The fake refuses them in every operation that sets
// or removes tags, before the request touches any state, with a
// ValidationException in AWS's validation form (AWS publishes no message
// for it).
const reservedTagPrefix = "aws:"

const reservedTagRule = "Member must not begin with 'aws:', in any case: AWS reserves the prefix"

func reservedKey(k string) bool {
	return len(k) >= len(reservedTagPrefix) && strings.EqualFold(k[:len(reservedTagPrefix)], reservedTagPrefix)
}

// reservedTags refuses a tags map with a reserved key, naming the first
// in key order.
func reservedTags(tags map[string]string) error {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		if reservedKey(k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	var e validate.Errors
	for _, k := range keys {
		e.Add(validate.Violation{Path: ivsapi.MemberTags, Value: validate.Render(k), Rule: "Map keys must satisfy constraint: [" + reservedTagRule + "]"})
	}
	return ivsapi.NewValidationException("%s", e.Message())
}

// reservedChecks is the Backend the fake's handler calls: the backend of
// the request's namespace, behind the checks above.
type reservedChecks struct{ ivsapi.Backend }

func (b reservedChecks) CreateStage(ctx context.Context, in *ivsapi.CreateStageRequest) (*ivsapi.CreateStageResponse, error) {
	if err := reservedTags(in.Tags); err != nil {
		return nil, err
	}
	return b.Backend.CreateStage(ctx, in)
}

func (b reservedChecks) CreateStorageConfiguration(ctx context.Context, in *ivsapi.CreateStorageConfigurationRequest) (*ivsapi.CreateStorageConfigurationResponse, error) {
	if err := reservedTags(in.Tags); err != nil {
		return nil, err
	}
	return b.Backend.CreateStorageConfiguration(ctx, in)
}

func (b reservedChecks) ImportPublicKey(ctx context.Context, in *ivsapi.ImportPublicKeyRequest) (*ivsapi.ImportPublicKeyResponse, error) {
	if err := reservedTags(in.Tags); err != nil {
		return nil, err
	}
	return b.Backend.ImportPublicKey(ctx, in)
}

func (b reservedChecks) CreateIngestConfiguration(ctx context.Context, in *ivsapi.CreateIngestConfigurationRequest) (*ivsapi.CreateIngestConfigurationResponse, error) {
	if err := reservedTags(in.Tags); err != nil {
		return nil, err
	}
	return b.Backend.CreateIngestConfiguration(ctx, in)
}

func (b reservedChecks) CreateEncoderConfiguration(ctx context.Context, in *ivsapi.CreateEncoderConfigurationRequest) (*ivsapi.CreateEncoderConfigurationResponse, error) {
	if err := reservedTags(in.Tags); err != nil {
		return nil, err
	}
	return b.Backend.CreateEncoderConfiguration(ctx, in)
}

func (b reservedChecks) StartComposition(ctx context.Context, in *ivsapi.StartCompositionRequest) (*ivsapi.StartCompositionResponse, error) {
	if err := reservedTags(in.Tags); err != nil {
		return nil, err
	}
	return b.Backend.StartComposition(ctx, in)
}

func (b reservedChecks) TagResource(ctx context.Context, in *ivsapi.TagResourceRequest) (*ivsapi.TagResourceResponse, error) {
	if err := reservedTags(in.Tags); err != nil {
		return nil, err
	}
	return b.Backend.TagResource(ctx, in)
}

func (b reservedChecks) UntagResource(ctx context.Context, in *ivsapi.UntagResourceRequest) (*ivsapi.UntagResourceResponse, error) {
	var e validate.Errors
	for i, k := range in.TagKeys {
		if reservedKey(k) {
			e.Add(validate.Violation{Path: ivsapi.MemberTagKeys + "." + strconv.Itoa(i+1) + ".member", Value: validate.Render(k), Rule: reservedTagRule})
		}
	}
	if e.Len() > 0 {
		return nil, ivsapi.NewValidationException("%s", e.Message())
	}
	return b.Backend.UntagResource(ctx, in)
}
