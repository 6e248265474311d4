package ivsfake

import (
	"context"
	"maps"
	"strconv"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/validate"
)

// The tag operations read and write the very map a resource reports as its
// own tags (Stage.tags, StorageConfiguration.tags), so the two paths never
// disagree, and a deleted resource's tags go with it. The map is replaced
// on every change, never changed in place, because views share it.

// maxTags is the most tags a resource may carry, by either path: the
// service documentation's "at most 50 tags", which the spec states as the
// maxProperties of every Tags.
const maxTags = ivsapi.TagResourceRequestTagsMaxEntries

// taggable finds the tags of a stage, storage configuration, public key,
// ingest configuration, encoder configuration or composition of the
// caller's account. The tag operations declare no AccessDeniedException,
// so another account's resource is, to this caller, one that does not
// exist: ResourceNotFoundException, as for any unknown ARN. The caller
// holds m.mu.
func (m *Memory) taggable(arn string) (map[string]string, error) {
	if st := m.stages[arn]; st != nil {
		return st.tags, nil
	}
	if sc := m.storage.byArn[arn]; sc != nil {
		return sc.tags, nil
	}
	if k := m.publicKeys.byArn[arn]; k != nil {
		return k.tags, nil
	}
	if ic := m.ingest.byArn[arn]; ic != nil {
		return ic.tags, nil
	}
	if ec := m.encoders.byArn[arn]; ec != nil {
		return ec.tags, nil
	}
	if c := m.compositions.byArn[arn]; c != nil {
		return c.tags, nil
	}
	return nil, ivsapi.NewResourceNotFoundException("Resource: %s not found", arn)
}

// TagResource adds the given tags to a resource, overwriting the values of
// keys it already has.
//
// Inferred: past 50 tags in all (the resource's own plus the new keys) the
// request is refused whole with ValidationException naming tags, and the
// resource keeps the tags it had. AWS documents the limit of 50 per
// resource but not the error; ValidationException is the only client error
// TagResource declares besides ResourceNotFoundException, and it is what
// the same limit gets within one request.
func (m *Memory) TagResource(_ context.Context, in *ivsapi.TagResourceRequest) (_ *ivsapi.TagResourceResponse, err error) {
	m.mu.Lock()
	defer m.unlock(&err)
	tags, err := m.taggable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	merged := make(map[string]string, len(tags)+len(in.Tags))
	maps.Copy(merged, tags)
	maps.Copy(merged, in.Tags)
	if len(merged) > maxTags {
		var e validate.Errors
		e.Add(validate.Violation{
			Path:  ivsapi.MemberTags,
			Value: validate.Render(in.Tags),
			Rule:  "Member must have at most " + strconv.Itoa(maxTags) + " entries together with the resource's " + strconv.Itoa(len(tags)) + " tags",
		})
		return nil, ivsapi.NewValidationException("%s", e.Message())
	}
	m.setTags(*in.ResourceArn, merged)
	return &ivsapi.TagResourceResponse{}, nil
}

// UntagResource removes the given keys from a resource's tags; a key it
// does not have is ignored, as AWS's tagging APIs do.
func (m *Memory) UntagResource(_ context.Context, in *ivsapi.UntagResourceRequest) (_ *ivsapi.UntagResourceResponse, err error) {
	m.mu.Lock()
	defer m.unlock(&err)
	tags, err := m.taggable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	kept := maps.Clone(tags)
	for _, k := range in.TagKeys {
		delete(kept, k)
	}
	m.setTags(*in.ResourceArn, kept)
	return &ivsapi.UntagResourceResponse{}, nil
}

// ListTagsForResource returns a resource's tags, {} when it has none.
func (m *Memory) ListTagsForResource(_ context.Context, in *ivsapi.ListTagsForResourceRequest) (*ivsapi.ListTagsForResourceResponse, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	tags, err := m.taggable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	out := &ivsapi.ListTagsForResourceResponse{Tags: maps.Clone(tags)}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out, nil
}
