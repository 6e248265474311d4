package ivsfake

import (
	"cmp"
	"context"
	"crypto/rand"
	"slices"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/validate"
)

// An ingest configuration is what lets an RTMP or RTMPS encoder publish to
// a stage without the broadcast SDKs (AWS's user guide, "IVS RTMP
// Publishing"): its stream key, sent with the stage's RTMP(S) endpoint,
// makes the encoder a participant of the stage, with the configuration's
// participant id, user id and attributes. The fake has no RTMP server; the
// control API's ingest action (control_ingest.go) stands in for an
// encoder.

// ingestState holds the account's ingest configurations, guarded by
// Memory.mu like the stages, so an UpdateIngestConfiguration and a publish
// through the same configuration cannot interleave.
type ingestState struct {
	byArn map[string]*ingestConfig
	// byKey finds a configuration by its stream key, as an RTMP server
	// would (control_ingest.go).
	byKey map[string]*ingestConfig
	// order holds the configurations by creation, the order
	// ListIngestConfigurations lists them in; seq numbers them. A page
	// token resumes at a sequence number, as ListStages' does.
	order []*ingestConfig
	seq   uint32
}

type ingestConfig struct {
	seq           uint32
	arn           string
	name          string
	stageArn      string // "" while associated with no stage
	userID        string
	attributes    map[string]string // nil when created without
	protocol      ivsapi.IngestProtocol
	insecure      bool
	redundant     bool
	streamKey     string
	participantID string
	// backup is the redundant credential (participant id and stream key)
	// while redundant ingest is on.
	backupID, backupKey string
	tags                map[string]string // replaced, never changed in place: see view
}

// maxIngestConfigurations bounds how many ingest configurations one
// account holds in a region. AWS's service-quotas page for real-time
// streaming lists none; the fake takes the most one page of
// ListIngestConfigurations lists, as it does for public keys, so no client
// grows the process without end.
const maxIngestConfigurations = ivsapi.ListIngestConfigurationsRequestMaxResultsMax

// streamKeySecretLen is the length of the secret that ends a stream key:
// that of the one the AWS CLI's examples show.
const streamKeySecretLen = 30

// streamKeyAlphabet is what a stream key's secret is made of: letters and
// digits, as in the CLI example.
const streamKeyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newStreamKey mints a stream key in the form the AWS CLI's examples show
// and the model's StreamKey pattern states: rt_ACCOUNT_REGION_ID_SECRET,
// ID the configuration's resource id, SECRET letters and digits nobody
// can guess.
func newStreamKey(account, region, arn string) string {
	b := make([]byte, streamKeySecretLen)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	for i := range b {
		b[i] = streamKeyAlphabet[int(b[i])%len(streamKeyAlphabet)]
	}
	return "rt_" + account + "_" + region + "_" + resourceID(arn) + "_" + string(b)
}

// lookupIngest finds an ingest configuration the caller may see: another
// account's is AccessDeniedException, an unknown one
// ResourceNotFoundException. The caller holds m.mu.
func (m *Memory) lookupIngest(arn string) (*ingestConfig, error) {
	if ic := m.ingest.byArn[arn]; ic != nil {
		return ic, nil
	}
	if _, account, ok := ivsapi.ParseIngestConfigurationArn(arn); ok && account != m.opts.Account {
		return nil, ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, arn)
	}
	return nil, ivsapi.NewResourceNotFoundException("Resource: %s not found", arn)
}

// foreignStage refuses an association with another account's stage (an
// ARN whose account is a 12-digit account id not the caller's):
// AccessDeniedException, as for reading that stage, which Create- and
// UpdateIngestConfiguration declare. A stage ARN of this account that
// names no stage is taken, as CreateIngestConfiguration declares no
// ResourceNotFoundException; nothing publishes through it (inferred).
func (m *Memory) foreignStage(stageArn string) error {
	if _, account, ok := ivsapi.ParseStageArn(stageArn); ok && ValidAccount(account) && account != m.opts.Account {
		return ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, stageArn)
	}
	return nil
}

// insecureRule is the rule a request for RTMP without insecureIngest
// breaks (documented: the model's descriptions of ingestProtocol and
// insecureIngest, "If this is set to RTMP, insecureIngest must be set to
// true").
const insecureRule = "Member must be true when ingestProtocol is " + string(ivsapi.IngestProtocolRtmp)

// CreateIngestConfiguration stores an ingest configuration with a new
// participant id and stream key; it is INACTIVE until an encoder publishes
// through it.
func (m *Memory) CreateIngestConfiguration(_ context.Context, in *ivsapi.CreateIngestConfigurationRequest) (_ *ivsapi.CreateIngestConfigurationResponse, err error) {
	insecure := valueOf(in.InsecureIngest)
	if *in.IngestProtocol == ivsapi.IngestProtocolRtmp && !insecure {
		var e validate.Errors
		e.Add(validate.Violation{Path: ivsapi.MemberInsecureIngest, Value: validate.Render(insecure), Rule: insecureRule})
		return nil, ivsapi.NewValidationException("%s", e.Message())
	}
	stageArn := valueOf(in.StageArn)
	m.mu.Lock()
	defer m.unlock(&err)
	if err := m.foreignStage(stageArn); err != nil {
		return nil, err
	}
	if n := len(m.ingest.byArn); n >= maxIngestConfigurations {
		return nil, ivsapi.NewServiceQuotaExceededException("Ingest configuration bound exceeded: the account holds %d ingest configurations, its limit is %d (a bound of this fake: AWS publishes no such quota)", n, maxIngestConfigurations)
	}
	ic := m.createIngest(ingestConfig{
		name: valueOf(in.Name), stageArn: stageArn, userID: valueOf(in.UserId), attributes: copyMap(in.Attributes),
		protocol: *in.IngestProtocol, insecure: insecure, redundant: valueOf(in.RedundantIngest), tags: copyMap(in.Tags),
	})
	return &ivsapi.CreateIngestConfigurationResponse{IngestConfiguration: m.ingestView(ic)}, nil
}

// GetIngestConfiguration returns an ingest configuration.
func (m *Memory) GetIngestConfiguration(_ context.Context, in *ivsapi.GetIngestConfigurationRequest) (*ivsapi.GetIngestConfigurationResponse, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	ic, err := m.lookupIngest(*in.Arn)
	if err != nil {
		return nil, err
	}
	return &ivsapi.GetIngestConfigurationResponse{IngestConfiguration: m.ingestView(ic)}, nil
}

// UpdateIngestConfiguration changes the stage a configuration is
// associated with ("" for none) and its redundant ingest, the members it
// is given. One that is ACTIVE cannot be updated (documented: the
// operation's description, "An IngestConfiguration that is active cannot
// be updated"): ConflictException, which it declares (the error is
// inferred).
func (m *Memory) UpdateIngestConfiguration(_ context.Context, in *ivsapi.UpdateIngestConfigurationRequest) (_ *ivsapi.UpdateIngestConfigurationResponse, err error) {
	m.mu.Lock()
	defer m.unlock(&err)
	ic, err := m.lookupIngest(*in.Arn)
	if err != nil {
		return nil, err
	}
	if in.StageArn != nil {
		if err := m.foreignStage(*in.StageArn); err != nil {
			return nil, err
		}
	}
	if m.ingestPublisher(ic) != nil {
		return nil, ivsapi.NewConflictException("Ingest configuration %s is ACTIVE: its participant %s is publishing to stage %s", ic.arn, ic.participantID, ic.stageArn)
	}
	m.updateIngest(ic, in.StageArn, in.RedundantIngest)
	return &ivsapi.UpdateIngestConfigurationResponse{IngestConfiguration: m.ingestView(ic)}, nil
}

// DeleteIngestConfiguration deletes an ingest configuration; its stream
// key no longer publishes. One that is ACTIVE is deleted only with force,
// which disconnects its participant from the stage first (documented: the
// operation's and force's descriptions); without force it is
// ConflictException, which the operation declares (the error is
// inferred).
func (m *Memory) DeleteIngestConfiguration(_ context.Context, in *ivsapi.DeleteIngestConfigurationRequest) (_ *ivsapi.DeleteIngestConfigurationResponse, err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	ic, err := m.lookupIngest(*in.Arn)
	if err != nil {
		return nil, err
	}
	if p := m.ingestPublisher(ic); p != nil {
		if !valueOf(in.Force) {
			return nil, ivsapi.NewConflictException("Ingest configuration %s is ACTIVE: its participant %s is publishing to stage %s; delete it with force to disconnect the participant", ic.arn, p.id, ic.stageArn)
		}
		m.disconnect(m.stages[ic.stageArn], p, now)
	}
	m.deleteIngest(ic)
	return &ivsapi.DeleteIngestConfigurationResponse{}, nil
}

// ListIngestConfigurations returns one page of the account's ingest
// configurations, in creation order, that pass the request's filter (the
// spec: at most one of filterByStageArn and filterByState). Page tokens
// are bound to the filter, as ListParticipants' are.
//
// The model declares AccessDeniedException too; the fake lists only the
// caller's account, so it answers none (a stage ARN of another account
// filters to nothing).
func (m *Memory) ListIngestConfigurations(_ context.Context, in *ivsapi.ListIngestConfigurationsRequest) (*ivsapi.ListIngestConfigurationsResponse, error) {
	query := pageQuery(ivsapi.OpListIngestConfigurations, m.opts.Account, in.FilterKey())
	var from uint32
	if in.NextToken != nil && *in.NextToken != "" {
		pos, err := m.pages.open(*in.NextToken, query, "Member must be a token ListIngestConfigurations issued for this filter")
		if err != nil {
			return nil, err
		}
		from = uint32(pos)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := &ivsapi.ListIngestConfigurationsResponse{IngestConfigurations: []ivsapi.IngestConfigurationSummary{}}
	i, _ := slices.BinarySearchFunc(m.ingest.order, from, func(ic *ingestConfig, seq uint32) int { return cmp.Compare(ic.seq, seq) })
	limit := int(*in.MaxResults)
	for _, ic := range m.ingest.order[i:] {
		s := m.ingestSummary(ic)
		if !in.Match(&s) {
			continue
		}
		if len(out.IngestConfigurations) == limit {
			out.NextToken = new(m.pages.issue(int(ic.seq), query))
			break
		}
		out.IngestConfigurations = append(out.IngestConfigurations, s)
	}
	return out, nil
}

// ingestPublisher is the participant publishing through ic now, nil when
// none is: ic is ACTIVE exactly while it has one (documented: state's
// description, "ACTIVE if a publisher currently is publishing to the
// stage associated with the ingest configuration"). It is derived from
// the stage's live session, so nothing else keeps it. The caller holds
// m.mu.
func (m *Memory) ingestPublisher(ic *ingestConfig) *participant {
	st := m.stages[ic.stageArn]
	if st == nil || st.active == nil {
		return nil
	}
	p := st.active.byID[ic.participantID]
	if p == nil || p.ingestArn != ic.arn || p.state != ivsapi.ParticipantStateConnected || !p.publishing {
		return nil
	}
	return p
}

func (m *Memory) stateOf(ic *ingestConfig) ivsapi.IngestConfigurationState {
	if m.ingestPublisher(ic) != nil {
		return ivsapi.IngestConfigurationStateActive
	}
	return ivsapi.IngestConfigurationStateInactive
}

// ingestView is the configuration as Get, Create and Update answer it:
// name, user id and stage ARN "" when it has none, tags {} (the AWS CLI's
// create-ingest-configuration example), attributes only when it was given
// some (the same example shows none); redundantIngest always (the model:
// "Default: false"), its credentials only while it is on. The view shares
// the tags and attributes, which are replaced, never changed in place.
func (m *Memory) ingestView(ic *ingestConfig) *ivsapi.IngestConfiguration {
	out := &ivsapi.IngestConfiguration{
		Name:            new(ic.name),
		Arn:             new(ic.arn),
		IngestProtocol:  new(ic.protocol),
		StreamKey:       new(ic.streamKey),
		StageArn:        new(ic.stageArn),
		ParticipantId:   new(ic.participantID),
		State:           new(m.stateOf(ic)),
		UserId:          new(ic.userID),
		RedundantIngest: new(ic.redundant),
		Attributes:      ic.attributes,
		Tags:            ic.tags,
	}
	if ic.redundant {
		out.RedundantIngestCredentials = []ivsapi.RedundantIngestCredential{{ParticipantId: new(ic.backupID), StreamKey: new(ic.backupKey)}}
	}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out
}

func (m *Memory) ingestSummary(ic *ingestConfig) ivsapi.IngestConfigurationSummary {
	return ivsapi.IngestConfigurationSummary{
		Name:            new(ic.name),
		Arn:             new(ic.arn),
		IngestProtocol:  new(ic.protocol),
		StageArn:        new(ic.stageArn),
		ParticipantId:   new(ic.participantID),
		State:           new(m.stateOf(ic)),
		UserId:          new(ic.userID),
		RedundantIngest: new(ic.redundant),
	}
}

// dissociateIngest sets "" as the stage of the ingest configuration p
// publishes through, when p is connected through one associated with st:
// what DisconnectParticipant and DeleteStage do to it (documented: their
// descriptions). The caller holds m.mu.
func (m *Memory) dissociateIngest(st *stage, p *participant) {
	if p.ingestArn == "" || p.state != ivsapi.ParticipantStateConnected {
		return
	}
	if ic := m.ingest.byArn[p.ingestArn]; ic != nil && ic.stageArn == st.arn {
		m.updateIngest(ic, new(""), nil)
	}
}
