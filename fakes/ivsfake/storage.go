package ivsfake

import (
	"cmp"
	"context"
	"slices"

	"github.com/ivsrt/contract/fakes/ivsapi"
)

// storageState holds the account's storage configurations. It is guarded
// by Memory.mu, like the stages, so a DeleteStorageConfiguration and an
// UpdateStage that references the same configuration cannot interleave.
type storageState struct {
	byArn map[string]*storageConfig
	// order holds the configurations by creation, the order
	// ListStorageConfigurations lists them in; seq numbers them. A page
	// token resumes at a sequence number, as ListStages' does.
	order []*storageConfig
	seq   uint32
}

type storageConfig struct {
	seq    uint32
	arn    string
	name   string
	bucket string
	tags   map[string]string // replaced, never changed in place: see view
}

// lookupStorage finds a storage configuration the caller may see: another
// account's is AccessDeniedException, an unknown one
// ResourceNotFoundException. The caller holds m.mu.
func (m *Memory) lookupStorage(arn string) (*storageConfig, error) {
	if sc := m.storage.byArn[arn]; sc != nil {
		return sc, nil
	}
	if _, account, ok := ivsapi.ParseStorageConfigurationArn(arn); ok && account != m.opts.Account {
		return nil, ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, arn)
	}
	return nil, ivsapi.NewResourceNotFoundException("Resource: %s not found", arn)
}

// foreignStorage refuses a recording configuration that names another
// account's storage configuration (an ARN whose account is a 12-digit
// account id not the caller's): AccessDeniedException, as for reading
// one, which CreateStage and UpdateStage declare. An ARN that names no
// configuration of this account otherwise is taken (docs/contract.md).
func (m *Memory) foreignStorage(rec *ivsapi.AutoParticipantRecordingConfiguration) error {
	if rec == nil || rec.StorageConfigurationArn == nil {
		return nil
	}
	arn := *rec.StorageConfigurationArn
	if _, account, ok := ivsapi.ParseStorageConfigurationArn(arn); ok && ValidAccount(account) && account != m.opts.Account {
		return ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, arn)
	}
	return nil
}

// CreateStorageConfiguration stores a configuration for the given bucket.
// AWS also rewrites the bucket's policy and refuses a bucket it cannot
// reach; the fake has no S3, so any bucket name the spec allows is taken.
func (m *Memory) CreateStorageConfiguration(_ context.Context, in *ivsapi.CreateStorageConfigurationRequest) (_ *ivsapi.CreateStorageConfigurationResponse, err error) {
	m.mu.Lock()
	defer m.unlock(&err)
	if limit := m.quotas[quotaStorageConfigurations]; len(m.storage.byArn) >= limit {
		return nil, ivsapi.NewServiceQuotaExceededException("Storage configuration quota exceeded: the account holds %d storage configurations, its limit is %d", len(m.storage.byArn), limit)
	}
	sc := m.createStorage(valueOf(in.Name), valueOf(in.S3.BucketName), in.Tags)
	return &ivsapi.CreateStorageConfigurationResponse{StorageConfiguration: sc.view()}, nil
}

// GetStorageConfiguration returns a storage configuration.
func (m *Memory) GetStorageConfiguration(_ context.Context, in *ivsapi.GetStorageConfigurationRequest) (*ivsapi.GetStorageConfigurationResponse, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	sc, err := m.lookupStorage(*in.Arn)
	if err != nil {
		return nil, err
	}
	return &ivsapi.GetStorageConfigurationResponse{StorageConfiguration: sc.view()}, nil
}

// DeleteStorageConfiguration deletes a storage configuration no stage
// records to and no active composition records to.
//
// Documented: ConflictException for a configuration a composition uses
// (the operation's description, "409 ConflictException"); a composition
// that has ended (STOPPED or FAILED) uses it no more (inferred). Inferred
// too: a stage whose autoParticipantRecordingConfiguration
// names it uses it just as much (deleting it would leave the stage
// recording nowhere), so the fake refuses that too, naming the stage.
func (m *Memory) DeleteStorageConfiguration(_ context.Context, in *ivsapi.DeleteStorageConfigurationRequest) (_ *ivsapi.DeleteStorageConfigurationResponse, err error) {
	m.mu.Lock()
	defer m.unlock(&err)
	sc, err := m.lookupStorage(*in.Arn)
	if err != nil {
		return nil, err
	}
	if st := m.stageRecordingTo(sc.arn); st != nil {
		return nil, ivsapi.NewConflictException("Storage configuration %s is in use by stage %s", sc.arn, st.arn)
	}
	if c := m.compositionUsing(sc.arn); c != nil {
		return nil, ivsapi.NewConflictException("Storage configuration %s is in use by composition %s (state %s)", sc.arn, c.arn, c.state)
	}
	m.deleteStorage(sc)
	return &ivsapi.DeleteStorageConfigurationResponse{}, nil
}

// stageRecordingTo returns the first stage, in creation order, whose
// recording configuration names the storage ARN, or nil. The caller holds
// m.mu.
func (m *Memory) stageRecordingTo(arn string) *stage {
	for _, st := range m.order {
		if valueOf(st.rec.StorageConfigurationArn) == arn {
			return st
		}
	}
	return nil
}

// ListStorageConfigurations returns one page of the account's storage
// configurations, in creation order; page tokens work as ListStages' do.
//
// The model declares AccessDeniedException, ConflictException and
// ServiceQuotaExceededException here too; the fake lists only the caller's
// account and the documentation names no case for the others, so it
// answers none of them.
func (m *Memory) ListStorageConfigurations(_ context.Context, in *ivsapi.ListStorageConfigurationsRequest) (*ivsapi.ListStorageConfigurationsResponse, error) {
	query := pageQuery(ivsapi.OpListStorageConfigurations, m.opts.Account, "")
	var from uint32
	if in.NextToken != nil && *in.NextToken != "" {
		pos, err := m.pages.open(*in.NextToken, query, "Member must be a token ListStorageConfigurations issued")
		if err != nil {
			return nil, err
		}
		from = uint32(pos)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := &ivsapi.ListStorageConfigurationsResponse{StorageConfigurations: []ivsapi.StorageConfigurationSummary{}}
	i, _ := slices.BinarySearchFunc(m.storage.order, from, func(s *storageConfig, seq uint32) int { return cmp.Compare(s.seq, seq) })
	limit := int(*in.MaxResults)
	for _, sc := range m.storage.order[i:] {
		if len(out.StorageConfigurations) == limit {
			out.NextToken = new(m.pages.issue(int(sc.seq), query))
			break
		}
		v := sc.view()
		out.StorageConfigurations = append(out.StorageConfigurations, ivsapi.StorageConfigurationSummary{Arn: v.Arn, Name: v.Name, S3: v.S3, Tags: v.Tags})
	}
	return out, nil
}

// view shares the configuration's tags with the response: TagResource and
// UntagResource replace the map instead of changing it, so the response
// stays right after the lock is released.
func (sc *storageConfig) view() *ivsapi.StorageConfiguration {
	out := &ivsapi.StorageConfiguration{
		Arn:  new(sc.arn),
		Name: new(sc.name),
		S3:   &ivsapi.S3StorageConfiguration{BucketName: new(sc.bucket)},
		Tags: sc.tags,
	}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out
}
