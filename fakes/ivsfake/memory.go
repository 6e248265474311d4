package ivsfake

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	bolt "go.etcd.io/bbolt"
)

// Options configure a fake.
type Options struct {
	// Region and Account go into the ARNs the fake mints, for requests
	// of the default namespace (see Keys). A request for a stage of
	// another account gets AccessDeniedException.
	Region  string // default us-east-1
	Account string // default 123456789012
	// StageQuota is how many stages the account may hold in each region
	// (default DefaultStageQuota, AWS's 100).
	StageQuota int
	// StorageConfigurationQuota is how many storage configurations the
	// account may hold in each region (default
	// DefaultStorageConfigurationQuota).
	StorageConfigurationQuota int
	// PublisherQuota is how many participants may publish to a stage at
	// once (default DefaultPublisherQuota, AWS's 12).
	PublisherQuota int
	// SubscriberQuota is how many participants may subscribe to a stage at
	// once (default DefaultSubscriberQuota, AWS's 10,000).
	SubscriberQuota int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Keys, when not nil, turns signature checking on: every request
	// (the control API's too) must be SigV4-signed by one of them, and
	// acts in its account. Nil accepts any signature, or none. Either way
	// a request acts in the region of its credential scope (unsigned:
	// Region), and each account and region has its own state.
	Keys Keys
	// ReadTimeout and IdleTimeout bound the HTTP server of Start and
	// NewHTTPServer; see DefaultReadTimeout and DefaultIdleTimeout.
	ReadTimeout, IdleTimeout time.Duration
	// Store, when set, keeps the state of this account and region in a
	// state file (OpenStore): NewMemory loads what it holds, and every
	// change is committed to it before it is answered.
	Store *Store
	// Limits bound what the fake keeps where AWS sets no quota.
	Limits Limits
	// Logger is where the fake writes what goes wrong that a client must
	// not see (a state file's error, with its path; the HTTP server's own
	// errors, an accept error say, through NewHTTPServer). Nil is
	// slog.Default().
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Account == "" {
		o.Account = "123456789012"
	}
	if o.StageQuota <= 0 {
		o.StageQuota = DefaultStageQuota
	}
	if o.StorageConfigurationQuota <= 0 {
		o.StorageConfigurationQuota = DefaultStorageConfigurationQuota
	}
	if o.SubscriberQuota <= 0 {
		o.SubscriberQuota = DefaultSubscriberQuota
	}
	if o.PublisherQuota <= 0 {
		o.PublisherQuota = DefaultPublisherQuota
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Limits = o.Limits.withDefaults()
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Memory is the in-memory Backend: it keeps stages, tokens, sessions and
// participants, and is safe for concurrent use.
type Memory struct {
	ivsapi.UnimplementedBackend // an operation the spec gains answers 501 until written here

	opts  Options
	pages pageTokens

	mu     sync.RWMutex
	stages map[string]*stage  // by ARN
	tokens map[string]*pToken // by token value (tokens.go)
	// expiring orders the tokens by expiry, for sweep to free them.
	expiring expiring
	capSets  map[string][]ivsapi.ParticipantTokenCapability // see capabilities
	// order holds the stages by creation, the order ListStages lists them
	// in; seq numbers them. A page token resumes at a sequence number, so
	// paging stays exact while stages are created and deleted.
	order []*stage
	seq   uint32
	// quotas are the namespace's quotas (quotas.go), Options' until the
	// control API sets them. quotaSet says which it set: those a state
	// file keeps across restarts; the others are Options' of each run. A
	// namespace with a quota set holds something.
	quotas   [numQuotas]int
	quotaSet [numQuotas]bool
	// storage holds the storage configurations (storage.go). Tags live on
	// their resource (tags.go), so DeleteStage drops a stage's tags with it.
	storage storageState
	// publicKeys holds the imported public keys (publickeys.go).
	publicKeys publicKeyState
	// ingest holds the ingest configurations (ingest.go).
	ingest ingestState
	// encoders holds the encoder configurations (encoders.go), and
	// compositions the compositions (compositions.go).
	encoders     encoderState
	compositions compositionState
	// deleted keeps the sessions of deleted stages for ListStageSessions,
	// GetStageSession and ListParticipantEvents (sessions.go).
	deleted history
	// ps is nil without Options.Store (persist.go).
	ps *persist
	// peers lends the namespaces of other accounts, for a replication to
	// another account's stage; nil for a Memory no Server made (it knows
	// no other account). outbox holds the changes its replications make
	// in other namespaces, queued under mu and delivered once it is let
	// go (replication.go).
	peers  peerSpaces
	outbox []crossEffect
}

var _ ivsapi.Backend = (*Memory)(nil)

type stage struct {
	seq      uint32 // creation order: see Memory.order
	arn      string
	name     string
	tags     map[string]string
	rec      ivsapi.AutoParticipantRecordingConfiguration // defaults applied (copyRecording)
	sessions map[string]*session
	active   *session
	// history holds the sessions in the order they started, the order
	// ListStageSessions pages through (newest first).
	history []*session
	// revoked holds the participant ids DisconnectParticipant revoked for
	// good: their tokens no longer join.
	revoked map[string]bool
	// used holds the expired tokens its participants joined with, kept
	// for JOIN_ERROR until the stage is deleted (tokens.go).
	used []string
	// unused counts its tokens nobody has joined with that are not yet
	// freed, for Limits.UnusedTokensPerStage (derived: load counts them).
	unused int
	// sessionsDropped counts the sessions Limits.SessionsPerStage dropped
	// from the start of history: page tokens count from the first session.
	sessionsDropped int
	// endpoints are minted with the stage and never change (endpoints.go):
	// views share them.
	endpoints *ivsapi.StageEndpoints
}

type session struct {
	id           string
	start, end   time.Time      // end is zero while the session is live
	participants []*participant // in join order: pages index into it
	byID         map[string]*participant
	index        filterIndex // by the filters they pass (index.go)
	// publishers and subscribers count the participants publishing now
	// and subscribing to one publisher or more now, for the publisher and
	// subscriber quotas (index.go keeps them).
	publishers, subscribers int
	// subscribersOf lists, by publisher id, the participants subscribing
	// to it now (nil until one subscribes).
	subscribersOf map[string][]*participant
}

func newSession(id string, start time.Time) *session {
	return &session{id: id, start: start, byID: map[string]*participant{}, index: filterIndex{}}
}

type participant struct {
	// pos and the two flags share a word: a session can hold 100,000.
	pos        int32 // in the session's join order
	published  bool
	publishing bool // published and not stopped since (published stays true)
	// eventsDropped counts the events Limits.EventsPerParticipant dropped
	// from the start of events: page tokens count from the first event.
	eventsDropped  uint32
	id, userID     string
	attributes     map[string]string
	state          ivsapi.ParticipantState
	firstJoin      time.Time
	client         *ivscontrol.ClientInfo // nil when the client reported nothing: most joins, so it is not kept inline
	recording      ivsapi.ParticipantRecordingState
	bucket, prefix string
	capabilities   []ivsapi.ParticipantTokenCapability
	events         []event // oldest first; ListParticipantEvents lists them newest first
	// protocol is the ingest protocol it joined with, "" for a client of
	// the broadcast SDKs (reported without one).
	protocol ivsapi.ParticipantProtocol
	// ingestArn is the ingest configuration it publishes through, "" for
	// a participant that joined with a token (control_ingest.go).
	ingestArn string
	// subscribed lists the publishers it subscribes to now, in the order
	// it subscribed.
	subscribed []string
	// tokenExpires is when the token it holds expires (zero for a
	// participant an older state file holds), for TOKEN_EXCHANGED's
	// previousToken.
	tokenExpires time.Time
	// replicas lists, for a participant replicated to other stages, one
	// replication per destination stage, in the order they first started
	// (ListParticipantReplicas pages by position; replication.go).
	replicas []replica
	// source is, for a replica, where it is replicated from; nil for any
	// other participant.
	source *replicaSource
}

// NewMemory returns an empty backend, or with Options.Store the state
// the store holds for Options.Account and Options.Region. OpenStore has
// checked that every record decodes, so loading fails only when the file
// cannot be read; NewMemory panics then (a Server answers that as
// InternalServerException, see newNamespace).
func NewMemory(opts Options) *Memory {
	m, err := openMemory(opts)
	if err != nil {
		panic(err.Error())
	}
	return m
}

// openMemory is NewMemory with the state file's read error returned.
func openMemory(opts Options) (*Memory, error) {
	m := &Memory{opts: opts.withDefaults(), pages: newPageTokens()}
	m.reset()
	if st := m.opts.Store; st != nil {
		m.ps = &persist{store: st, ns: Namespace{Account: m.opts.Account, Region: m.opts.Region}, deletedN: map[string]uint64{}}
		m.ps.clear()
		err := st.db.View(func(tx *bolt.Tx) error { return m.load(tx.Bucket(bucketNS).Bucket(m.ps.ns.key()), m.ps.ns.key()) })
		if err != nil {
			return nil, fmt.Errorf("ivsfake: loading %s from state file %s: %v", m.ps.ns.key(), st.Path(), err)
		}
	}
	return m, nil
}

func (m *Memory) now() time.Time { return m.opts.Now().UTC().Truncate(time.Millisecond) }

// lookup finds a stage the caller may see: another account's stage is
// AccessDeniedException, an unknown one ResourceNotFoundException.
func (m *Memory) lookup(arn string) (*stage, error) {
	// Every stored stage is this account's, so a hit needs no parsing.
	if st := m.stages[arn]; st != nil {
		return st, nil
	}
	if _, account, ok := ivsapi.ParseStageArn(arn); ok && account != m.opts.Account {
		return nil, ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, arn)
	}
	return nil, ivsapi.NewResourceNotFoundException("Resource: %s not found", arn)
}

// CreateStage creates a stage and one token per configuration, in order.
func (m *Memory) CreateStage(_ context.Context, in *ivsapi.CreateStageRequest) (_ *ivsapi.CreateStageResponse, err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	if limit := m.quotas[quotaStages]; len(m.stages) >= limit {
		return nil, ivsapi.NewServiceQuotaExceededException("Stage quota exceeded: the account holds %d stages, its limit is %d", len(m.stages), limit)
	}
	if n, limit := len(in.ParticipantTokenConfigurations), m.opts.Limits.UnusedTokensPerStage; n > limit {
		return nil, unusedTokensExceeded("", n, limit)
	}
	if err := m.foreignStorage(in.AutoParticipantRecordingConfiguration); err != nil {
		return nil, err
	}
	st := m.createStage(valueOf(in.Name), in.Tags, in.AutoParticipantRecordingConfiguration)
	out := &ivsapi.CreateStageResponse{Stage: st.view(), ParticipantTokens: []ivsapi.ParticipantToken{}}
	for _, c := range in.ParticipantTokenConfigurations {
		out.ParticipantTokens = append(out.ParticipantTokens, m.issue(st.arn, c, now).view())
	}
	return out, nil
}

// GetStage returns a stage.
func (m *Memory) GetStage(_ context.Context, in *ivsapi.GetStageRequest) (*ivsapi.GetStageResponse, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	st, err := m.lookup(*in.Arn)
	if err != nil {
		return nil, err
	}
	return &ivsapi.GetStageResponse{Stage: st.view()}, nil
}

// UpdateStage changes only the members it is given. The recording
// configuration cannot change while a participant of the stage is being
// recorded.
func (m *Memory) UpdateStage(_ context.Context, in *ivsapi.UpdateStageRequest) (_ *ivsapi.UpdateStageResponse, err error) {
	m.mu.Lock()
	defer m.unlock(&err)
	st, err := m.lookup(*in.Arn)
	if err != nil {
		return nil, err
	}
	if err := m.foreignStorage(in.AutoParticipantRecordingConfiguration); err != nil {
		return nil, err
	}
	if in.AutoParticipantRecordingConfiguration != nil {
		if p := st.recording(); p != nil {
			return nil, ivsapi.NewConflictException("Auto participant recording configuration cannot be updated while recording is active: participant %s is %s", p.id, p.recording)
		}
	}
	m.updateStage(st, in.Name, in.AutoParticipantRecordingConfiguration)
	return &ivsapi.UpdateStageResponse{Stage: st.view()}, nil
}

// DeleteStage shuts a stage down and deletes it: its live session ends
// (every participant is disconnected, as AWS's API reference says, and
// recordings in progress stop), and its tokens no longer join.
//
// The model declares ConflictException for DeleteStage, but neither it nor
// the documentation says when it fires (likely a composition or ingest
// configuration still using the stage, both outside this contract); the
// fake has no such state, so it never answers it.
func (m *Memory) DeleteStage(_ context.Context, in *ivsapi.DeleteStageRequest) (_ *ivsapi.DeleteStageResponse, err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, err := m.lookup(*in.Arn)
	if err != nil {
		return nil, err
	}
	if st.active != nil {
		// The ingest configurations its participants publish through lose
		// the stage (documented: DeleteStage's description).
		for _, p := range st.active.byID {
			m.dissociateIngest(st, p)
		}
	}
	m.deleteStage(st, now)
	return &ivsapi.DeleteStageResponse{}, nil
}

// ListStages returns one page of the account's stages, in creation order.
// A page token holds the sequence number to resume at, so a stage created
// while a client pages shows on a later page and a deleted one drops out,
// and no stage is listed twice.
//
// The model declares AccessDeniedException and ConflictException for
// ListStages. The fake lists only the caller's account, so nothing is
// denied; and nothing in a listing can conflict (the documentation names
// no case), so it answers neither.
func (m *Memory) ListStages(_ context.Context, in *ivsapi.ListStagesRequest) (*ivsapi.ListStagesResponse, error) {
	query := pageQuery(ivsapi.OpListStages, m.opts.Account, "")
	var from uint32
	if in.NextToken != nil && *in.NextToken != "" {
		pos, err := m.pages.open(*in.NextToken, query, "Member must be a token ListStages issued")
		if err != nil {
			return nil, err
		}
		from = uint32(pos)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := &ivsapi.ListStagesResponse{Stages: []ivsapi.StageSummary{}}
	i, _ := slices.BinarySearchFunc(m.order, from, func(s *stage, seq uint32) int { return cmp.Compare(s.seq, seq) })
	limit := int(*in.MaxResults)
	for _, st := range m.order[i:] {
		if len(out.Stages) == limit {
			out.NextToken = new(m.pages.issue(int(st.seq), query))
			break
		}
		out.Stages = append(out.Stages, st.summary())
	}
	return out, nil
}

// recordingKeys are the filter keys of the recording states in which a
// participant is being recorded: STARTING, ACTIVE and STOPPING.
var recordingKeys = func() []string {
	var keys []string
	for _, v := range []ivsapi.ParticipantRecordingFilterByRecordingState{
		ivsapi.ParticipantRecordingFilterByRecordingStateStarting,
		ivsapi.ParticipantRecordingFilterByRecordingStateActive,
		ivsapi.ParticipantRecordingFilterByRecordingStateStopping,
	} {
		keys = append(keys, (&ivsapi.ListParticipantsRequest{FilterByRecordingState: &v}).FilterKey())
	}
	return keys
}()

// recording returns a participant being recorded (STARTING, ACTIVE or STOPPING), if any.
func (st *stage) recording() *participant {
	for _, s := range st.sessions {
		for _, k := range recordingKeys {
			if pos, ok := s.matching(k).next(0); ok {
				return s.participants[pos]
			}
		}
	}
	return nil
}

// GetParticipant returns one participant of a session.
func (m *Memory) GetParticipant(_ context.Context, in *ivsapi.GetParticipantRequest) (*ivsapi.GetParticipantResponse, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	st, err := m.lookup(*in.StageArn)
	if err != nil {
		return nil, err
	}
	s := st.sessions[*in.SessionId]
	if s == nil {
		return nil, ivsapi.NewResourceNotFoundException("Session %s not found in stage %s", *in.SessionId, st.arn)
	}
	p := s.byID[*in.ParticipantId]
	if p == nil {
		return nil, ivsapi.NewResourceNotFoundException("Participant %s not found in session %s", *in.ParticipantId, s.id)
	}
	return &ivsapi.GetParticipantResponse{Participant: p.view()}, nil
}

// ListParticipants returns one page of a session's participants that pass
// the request's filter, in join order. Page tokens point into the join
// order, which only grows, so paging stays exact while participants join.
func (m *Memory) ListParticipants(_ context.Context, in *ivsapi.ListParticipantsRequest) (*ivsapi.ListParticipantsResponse, error) {
	query := pageQuery(*in.StageArn, *in.SessionId, in.FilterKey())
	start := 0
	if in.NextToken != nil && *in.NextToken != "" {
		var err error
		if start, err = m.pages.open(*in.NextToken, query, "Member must be a token issued for this stageArn, sessionId and filter"); err != nil {
			return nil, err
		}
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := &ivsapi.ListParticipantsResponse{Participants: []ivsapi.ParticipantSummary{}}
	if _, account, ok := ivsapi.ParseStageArn(*in.StageArn); ok && account != m.opts.Account {
		_, err := m.lookup(*in.StageArn)
		return nil, err
	}
	// An unknown stage or session is an empty list, not an error.
	st := m.stages[*in.StageArn]
	if st == nil || st.sessions[*in.SessionId] == nil {
		return out, nil
	}
	s := st.sessions[*in.SessionId]
	limit := int(*in.MaxResults)
	// Without a filter every participant from start on is listed; with
	// one, the index seeks the next that passes it.
	next := func(i int) (int, bool) { return i, i < len(s.participants) }
	if key := in.FilterKey(); key != "" {
		next = s.matching(key).next
	}
	for i, ok := next(start); ok; i, ok = next(i + 1) {
		if len(out.Participants) == limit {
			out.NextToken = new(m.pages.issue(i, query))
			break
		}
		out.Participants = append(out.Participants, s.participants[i].summary())
	}
	return out, nil
}

// ---- views: internal state as the API shows it ----------------------------

// view shares the stage's tags, endpoints and the members of its recording
// configuration with the response: they are never changed in place
// (UpdateStage replaces the recording configuration whole, its defaults
// already applied, so the response's SetDefaults finds nothing to fill
// in), so the response stays right after the lock is released.
//
// The stage and the copies its pointers point to are one allocation, not
// four: GetStage answers with it on every call.
func (st *stage) view() *ivsapi.Stage {
	v := &struct {
		out                ivsapi.Stage
		arn, name, session string
		rec                ivsapi.AutoParticipantRecordingConfiguration
	}{arn: st.arn, name: st.name, rec: st.rec}
	out := &v.out
	out.Arn, out.Name, out.Tags, out.AutoParticipantRecordingConfiguration = &v.arn, &v.name, st.tags, &v.rec
	out.Endpoints = st.endpoints
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	if st.active != nil {
		v.session = st.active.id
		out.ActiveSessionId = &v.session
	}
	return out
}

// summary is the stage as ListStages shows it; tags are {} when it has
// none, as in view.
func (st *stage) summary() ivsapi.StageSummary {
	v := st.view()
	return ivsapi.StageSummary{Arn: v.Arn, Name: v.Name, ActiveSessionId: v.ActiveSessionId, Tags: v.Tags}
}

// view is the participant as GetParticipant shows it: with its protocol
// when it joined with one, and otherwise as summary says.
func (p *participant) view() *ivsapi.Participant {
	var client ivscontrol.ClientInfo
	if p.client != nil {
		client = *p.client
	}
	attrs := copyMap(p.attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	out := &ivsapi.Participant{
		ParticipantId:         new(p.id),
		UserId:                new(p.userID),
		State:                 new(p.state),
		FirstJoinTime:         new(p.firstJoin),
		Attributes:            attrs,
		Published:             new(p.published),
		IspName:               new(client.IspName),
		OsName:                new(client.OsName),
		OsVersion:             new(client.OsVersion),
		BrowserName:           new(client.BrowserName),
		BrowserVersion:        new(client.BrowserVersion),
		SdkVersion:            new(client.SdkVersion),
		RecordingS3BucketName: new(p.bucket),
		RecordingS3Prefix:     new(p.prefix),
		RecordingState:        new(p.recording),
	}
	if p.protocol != "" {
		out.Protocol = new(p.protocol)
	}
	if p.ingestArn != "" {
		out.IngestConfigurationArn = new(p.ingestArn)
	}
	sum := p.summary()
	out.ReplicationType, out.ReplicationState, out.SourceStageArn, out.SourceSessionId = sum.ReplicationType, sum.ReplicationState, sum.SourceStageArn, sum.SourceSessionId
	return out
}

// summary is the participant as ListParticipants lists it.
//
// A replica is REPLICA, with the state of its replication and where it is
// replicated from; a participant replicated to another stage is SOURCE,
// its state ACTIVE while one of its replications is (replication.go). Any
// other participant leaves replicationType to the spec's default (NONE,
// which the generated SetDefaults applies to every answer), and has no
// replicationState, sourceStageArn or sourceSessionId, which AWS's CLI
// examples show only for replicated participants. One that publishes
// through an ingest configuration names it (ingestConfigurationArn), as
// GetParticipant does.
func (p *participant) summary() ivsapi.ParticipantSummary {
	out := ivsapi.ParticipantSummary{
		ParticipantId:  new(p.id),
		UserId:         new(p.userID),
		State:          new(p.state),
		FirstJoinTime:  new(p.firstJoin),
		Published:      new(p.published),
		RecordingState: new(p.recording),
	}
	if p.ingestArn != "" {
		out.IngestConfigurationArn = new(p.ingestArn)
	}
	switch {
	case p.source != nil:
		out.ReplicationType, out.ReplicationState = new(ivsapi.ReplicationTypeReplica), new(p.source.state)
		out.SourceStageArn, out.SourceSessionId = new(p.source.stageArn), new(p.source.sessionID)
	case len(p.replicas) > 0:
		state := ivsapi.ReplicationStateStopped
		for _, r := range p.replicas {
			if r.state == ivsapi.ReplicationStateActive {
				state = ivsapi.ReplicationStateActive
			}
		}
		out.ReplicationType, out.ReplicationState = new(ivsapi.ReplicationTypeSource), new(state)
	}
	return out
}

// ---- small helpers ------------------------------------------------------------

// copyRecording is the recording configuration a stage keeps: a deep copy
// of every member c has, through its JSON, so that a member the spec gains
// is kept with no change here, and shares nothing with the request; with
// the spec's defaults applied (a configuration a state file holds from an
// ivsrt that knew fewer members gets the defaults of the others), so that
// nothing a view shares is filled in later.
func copyRecording(c *ivsapi.AutoParticipantRecordingConfiguration) ivsapi.AutoParticipantRecordingConfiguration {
	var out ivsapi.AutoParticipantRecordingConfiguration
	data, err := json.Marshal(c)
	if err == nil {
		err = json.Unmarshal(data, &out)
	}
	if err != nil {
		panic("ivsfake: copying a recording configuration: " + err.Error()) // generated types always round-trip
	}
	if out.StorageConfigurationArn == nil {
		out.StorageConfigurationArn = new("")
	}
	out.SetDefaults()
	return out
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func valueOf[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// resourceID is the last path segment of an ARN.
func resourceID(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }
