package stages

import (
	"context"
	"encoding/base64"
	"maps"
	"slices"

	"example.com/downstream/ivs"
)

// Storage configurations and tags: kept as plainly as the stages. A stage
// recording to a storage configuration keeps it from being deleted.

func (s *Store) storage() map[string]*ivs.StorageConfiguration {
	if s.configs == nil {
		s.configs = map[string]*ivs.StorageConfiguration{}
	}
	return s.configs
}

// CreateStorageConfiguration stores a storage configuration.
func (s *Store) CreateStorageConfiguration(_ context.Context, in *ivs.CreateStorageConfigurationRequest) (*ivs.CreateStorageConfigurationResponse, error) {
	sc := &ivs.StorageConfiguration{
		Arn:  new(ivs.NewStorageConfigurationArn(s.region, s.account)),
		Name: new(deref(in.Name)),
		S3:   &ivs.S3StorageConfiguration{BucketName: in.S3.BucketName},
		Tags: maps.Clone(in.Tags),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.storage()[*sc.Arn] = sc
	return &ivs.CreateStorageConfigurationResponse{StorageConfiguration: cloneConfig(sc)}, nil
}

// findConfig returns a stored storage configuration; the caller holds
// s.mu. Another account's is AccessDeniedException, an unknown one
// ResourceNotFoundException, as for stages.
func (s *Store) findConfig(arn string) (*ivs.StorageConfiguration, error) {
	if _, account, ok := ivs.ParseStorageConfigurationArn(arn); ok && account != s.account {
		return nil, ivs.NewAccessDeniedException("Not authorized to access %s", arn)
	}
	sc := s.storage()[arn]
	if sc == nil {
		return nil, ivs.NewResourceNotFoundException("Storage configuration not found: %s", arn)
	}
	return sc, nil
}

// GetStorageConfiguration returns a stored storage configuration.
func (s *Store) GetStorageConfiguration(_ context.Context, in *ivs.GetStorageConfigurationRequest) (*ivs.GetStorageConfigurationResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, err := s.findConfig(*in.Arn)
	if err != nil {
		return nil, err
	}
	return &ivs.GetStorageConfigurationResponse{StorageConfiguration: cloneConfig(sc)}, nil
}

// DeleteStorageConfiguration forgets a storage configuration no stage records to.
func (s *Store) DeleteStorageConfiguration(_ context.Context, in *ivs.DeleteStorageConfigurationRequest) (*ivs.DeleteStorageConfigurationResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.findConfig(*in.Arn); err != nil {
		return nil, err
	}
	for _, st := range s.stages {
		if rec := st.AutoParticipantRecordingConfiguration; rec != nil && deref(rec.StorageConfigurationArn) == *in.Arn {
			return nil, ivs.NewConflictException("Storage configuration %s is used by stage %s", *in.Arn, *st.Arn)
		}
	}
	delete(s.configs, *in.Arn)
	return &ivs.DeleteStorageConfigurationResponse{}, nil
}

// ListStorageConfigurations pages in ARN order, as ListStages does.
func (s *Store) ListStorageConfigurations(_ context.Context, in *ivs.ListStorageConfigurationsRequest) (*ivs.ListStorageConfigurationsResponse, error) {
	after := ""
	if in.NextToken != nil && *in.NextToken != "" {
		b, err := base64.StdEncoding.DecodeString(*in.NextToken)
		if err != nil {
			return nil, ivs.NewValidationException("Value '%s' at 'nextToken' failed to satisfy constraint: Member must be a token ListStorageConfigurations issued", *in.NextToken)
		}
		after = string(b)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &ivs.ListStorageConfigurationsResponse{StorageConfigurations: []ivs.StorageConfigurationSummary{}}
	for _, arn := range slices.Sorted(maps.Keys(s.storage())) {
		if arn <= after {
			continue
		}
		if len(out.StorageConfigurations) == int(*in.MaxResults) {
			out.NextToken = new(base64.StdEncoding.EncodeToString([]byte(*out.StorageConfigurations[len(out.StorageConfigurations)-1].Arn)))
			break
		}
		sc := cloneConfig(s.configs[arn])
		out.StorageConfigurations = append(out.StorageConfigurations, ivs.StorageConfigurationSummary{Arn: sc.Arn, Name: sc.Name, S3: sc.S3, Tags: sc.Tags})
	}
	return out, nil
}

// tagsOf finds the tags of a stage or storage configuration. The caller holds s.mu.
func (s *Store) tagsOf(arn string) (*map[string]string, error) {
	if st := s.stages[arn]; st != nil {
		return &st.Tags, nil
	}
	if sc := s.storage()[arn]; sc != nil {
		return &sc.Tags, nil
	}
	return nil, ivs.NewResourceNotFoundException("Resource not found: %s", arn)
}

// TagResource adds or overwrites tags.
func (s *Store) TagResource(_ context.Context, in *ivs.TagResourceRequest) (*ivs.TagResourceResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.tagsOf(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	merged := maps.Clone(*tags)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, in.Tags)
	if len(merged) > ivs.TagResourceRequestTagsMaxEntries {
		return nil, ivs.NewValidationException("Value at 'tags' failed to satisfy constraint: Member must have at most %d entries with the resource's own", ivs.TagResourceRequestTagsMaxEntries)
	}
	*tags = merged
	return &ivs.TagResourceResponse{}, nil
}

// UntagResource removes tag keys.
func (s *Store) UntagResource(_ context.Context, in *ivs.UntagResourceRequest) (*ivs.UntagResourceResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.tagsOf(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	kept := maps.Clone(*tags)
	for _, k := range in.TagKeys {
		delete(kept, k)
	}
	*tags = kept
	return &ivs.UntagResourceResponse{}, nil
}

// ListTagsForResource lists a resource's tags.
func (s *Store) ListTagsForResource(_ context.Context, in *ivs.ListTagsForResourceRequest) (*ivs.ListTagsForResourceResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.tagsOf(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	out := maps.Clone(*tags)
	if out == nil {
		out = map[string]string{}
	}
	return &ivs.ListTagsForResourceResponse{Tags: out}, nil
}

func cloneConfig(sc *ivs.StorageConfiguration) *ivs.StorageConfiguration {
	c := *sc
	c.Tags = maps.Clone(sc.Tags)
	if c.Tags == nil {
		c.Tags = map[string]string{}
	}
	return &c
}
