package ivsfake

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
)

// Participant replication copies a publishing participant of one stage
// (the source) into another stage of the same region (the destination,
// of the same account or, below, of another), where it shows as a
// participant of its own, the replica (AWS's user guide, "IVS
// Participant Replication"). The fake keeps a
// replication on both participants: the source lists its replications,
// one per destination stage (replica), and the replica knows its source
// (replicaSource). The state changes live in mutators.go (replicate,
// stopReplication, replicationLeft, returned).
//
// The replica has the source's participant id in the destination's
// session (inferred: StopParticipantReplication and ListParticipantReplicas
// name a replication by the source's participantId alone, and Event.replica
// marks a participantId as a replica's), its user id, and its attributes
// with the request's replacing those it shares (documented). It publishes
// from the start: JOINED and PUBLISH_STARTED, its events replica=true.

// The headers AWS answers StartParticipantReplication and
// StopParticipantReplication with, which the model binds to members of
// their answers (documented: the AWS CLI's examples start- and
// stop-participant-replication.rst show these values).
const (
	replAllowOrigin    = "*"
	replExposeHeaders  = "Access-Control-Allow-Origin,Access-Control-Expose-Headers,Cache-Control,Content-Length,Content-Security-Policy,Content-Type,date,Strict-Transport-Security,x-amz-apigw-id,x-amzn-errormessage,x-amzn-errortype,x-amzn-requestid,x-amzn-trace-id,X-Content-Type-Options,X-Frame-Options"
	replCacheControl   = "no-store, no-cache"
	replCSP            = "default-src 'self'; upgrade-insecure-requests;"
	replSTS            = "max-age:47304000; includeSubDomains"
	replContentOptions = "nosniff"
	replFrameOptions   = "DENY"
)

// replica is one replication of a source participant.
type replica struct {
	stageArn, sessionID string // the destination's
	state               ivsapi.ReplicationState
	window              int32 // reconnectWindowSeconds
	// awayUntil is, while the source is away within its reconnect window,
	// when the window closes; zero otherwise.
	awayUntil time.Time
}

// replicaSource is where a replica is replicated from.
type replicaSource struct {
	stageArn, sessionID string
	state               ivsapi.ReplicationState
}

// ---- replication across accounts ----------------------------------------------
//
// The destination may be a stage of another account in the same region
// (documented: the AWS CLI's start-participant-replication example
// replicates from account 123456789012 to a stage of 234567890123 in
// us-west-2; the spec marks destinationStageArn x-ivsrt-cross-account).
// Each account's state is a Memory of its own (namespaces.go), so such a
// replication spans two:
//
//   - Start- and StopParticipantReplication borrow the destination's
//     namespace from the Server (a lease, so it is not dropped while in
//     use) and lock both Memories, always in one order (lockPair): two
//     requests locking the same two cannot deadlock.
//   - Everything that follows a replication later (its source leaving or
//     disconnected, the replica's session ending, either stage deleted, a
//     reconnect window over) happens under one Memory's lock; the change
//     it makes on the other side is queued there (outbox, a crossEffect)
//     and delivered when the lock is let go (unlock, deliver), one
//     namespace at a time, before the request that caused it is answered.
//     No request ever waits for a second lock while holding one, but
//     lockPair's, taken in order.
//
// Both sides keep what they keep for a replication within an account (the
// source its link, the replica its source), so a state file keeps a
// replication across accounts with no change to its records.

// peerSpaces lends another namespace's state: the Memory (nil when
// nothing is stored there) and done, which gives it back.
type peerSpaces interface {
	borrow(ns Namespace) (m *Memory, done func())
}

// crossKind is what a crossEffect does where it lands.
type crossKind uint8

const (
	// replicaGone: the replica left (or its session ended); the source's
	// link stops, and it records REPLICATION_STOPPED.
	replicaGone crossKind = iota + 1
	// sourceStopped: the source's link stopped; the replica leaves.
	sourceStopped
)

// crossEffect is a change a replication makes in namespace ns: that of
// replica id of session srcSession of stage srcArn in session dstSession
// of stage dstArn, as of at.
type crossEffect struct {
	ns                                         Namespace
	kind                                       crossKind
	srcArn, srcSession, dstArn, dstSession, id string
	at                                         time.Time
}

// foreign is the namespace of stage arn when it is not m's.
func (m *Memory) foreign(arn string) (Namespace, bool) {
	region, account, ok := ivsapi.ParseStageArn(arn)
	if !ok || (account == m.opts.Account && region == m.opts.Region) {
		return Namespace{}, false
	}
	return Namespace{Account: account, Region: region}, true
}

// deliver applies changes bound for other namespaces, each under its
// namespace's lock alone. The caller holds no Memory's lock. A namespace
// that no longer holds the replication (reset, or dropped) takes nothing.
func (m *Memory) deliver(effects []crossEffect) {
	for _, e := range effects {
		if m.peers == nil {
			return
		}
		pm, done := m.peers.borrow(e.ns)
		if pm == nil {
			continue
		}
		var err error // a commit that fails is logged by unlock, and not kept
		pm.mu.Lock()
		pm.crossApply(e)
		pm.unlock(&err)
		done()
	}
}

// replicationPeer is the namespace that holds a replication's destination
// stage: m, or for a stage of another account in m's region, that
// account's, borrowed (nil when nothing is stored there: no such stage).
// A stage of another region stays m's to refuse (replicationStages). The
// caller calls done when it has let go of the lock.
func (m *Memory) replicationPeer(destination string) (dm *Memory, done func()) {
	ns, ok := m.foreign(destination)
	if !ok || ns.Region != m.opts.Region {
		return m, func() {}
	}
	if m.peers == nil {
		return nil, func() {}
	}
	dm, done = m.peers.borrow(ns)
	if dm == nil {
		return nil, func() {}
	}
	return dm, done
}

// lockPair locks m and dm (nil, or m itself, or another namespace's)
// for writing, in the order of their namespaces.
func lockPair(m, dm *Memory) {
	if dm == nil || dm == m {
		m.mu.Lock()
		return
	}
	first, second := m, dm
	if cmp.Or(cmp.Compare(dm.opts.Account, m.opts.Account), cmp.Compare(dm.opts.Region, m.opts.Region)) < 0 {
		first, second = dm, m
	}
	first.mu.Lock()
	second.mu.Lock()
}

// unlockPair is unlock for lockPair: both commit and let go, then what
// either queued for other namespaces is delivered.
func unlockPair(m, dm *Memory, err *error) {
	if dm == nil || dm == m {
		m.unlock(err)
		return
	}
	m.flushTo(dm)
	dm.flushTo(m)
	out := append(m.settle(err), dm.settle(err)...)
	dm.mu.Unlock()
	m.mu.Unlock()
	m.deliver(out)
}

// flushTo applies now the changes m queued for dm's namespace, while the
// caller holds both locks (lockPair): what a request did on one side is
// on the other before it goes on, as within one account.
func (m *Memory) flushTo(dm *Memory) {
	if dm == nil || dm == m || len(m.outbox) == 0 {
		return
	}
	ns := Namespace{Account: dm.opts.Account, Region: dm.opts.Region}
	var kept []crossEffect
	for _, e := range m.outbox {
		if e.ns == ns {
			dm.crossApply(e)
		} else {
			kept = append(kept, e)
		}
	}
	m.outbox = kept
}

// replicationStages finds the source and destination stages of a
// replication request: a source of another account, or a destination of
// another account in another region, is AccessDeniedException whatever
// the other names (it is checked first); an unknown one, or one of
// another account in this region that account does not hold,
// ResourceNotFoundException. dm holds the destination (replicationPeer);
// the caller holds both locks.
//
// A request naming one stage as both is not refused here: its participant
// is in that session already (StartParticipantReplication answers
// ConflictException), and is replicated nowhere (StopParticipantReplication
// answers ResourceNotFoundException).
func (m *Memory) replicationStages(dm *Memory, source, destination string) (*stage, *stage, error) {
	if _, account, ok := ivsapi.ParseStageArn(source); ok && account != m.opts.Account {
		return nil, nil, ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, source)
	}
	if region, account, ok := ivsapi.ParseStageArn(destination); ok && account != m.opts.Account && region != m.opts.Region {
		return nil, nil, ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, destination)
	}
	src, err := m.lookup(source)
	if err != nil {
		return nil, nil, err
	}
	if dm == nil {
		return nil, nil, ivsapi.NewResourceNotFoundException("Resource: %s not found", destination)
	}
	dst, err := dm.lookup(destination)
	if err != nil {
		return nil, nil, err
	}
	return src, dst, nil
}

// liveSource finds participant id in the live session of stage src, and
// settles its reconnect windows that are over. A stage with no live
// session, or a participant not in it, is ResourceNotFoundException.
func (m *Memory) liveSource(src *stage, id string, now time.Time) (*participant, error) {
	if src.active == nil {
		return nil, ivsapi.NewResourceNotFoundException("Participant %s not found: stage %s has no live session", id, src.arn)
	}
	p := src.active.byID[id]
	if p == nil {
		return nil, ivsapi.NewResourceNotFoundException("Participant %s not found in session %s of stage %s", id, src.active.id, src.arn)
	}
	m.returned(src, src.active, p, now, false)
	return p, nil
}

// StartParticipantReplication replicates a participant publishing in the
// source stage's live session to the destination stage.
//
// Refused: an unknown stage or participant (ResourceNotFoundException,
// which the model declares); a participant that is not connected and
// publishing (ConflictException: the operation "starts replicating a
// publishing participant", documented; the error inferred); a replica
// (ConflictException, inferred: the user guide replicates participants
// that joined the source stage); a participant already replicated to the
// destination (ConflictException, inferred: one replica per destination);
// a destination whose live session has as many publishers as its
// publisher quota allows (ServiceQuotaExceededException, inferred: the
// replica publishes there).
func (m *Memory) StartParticipantReplication(_ context.Context, in *ivsapi.StartParticipantReplicationRequest) (_ *ivsapi.StartParticipantReplicationResponse, err error) {
	now := m.now()
	dm, done := m.replicationPeer(*in.DestinationStageArn)
	defer done()
	lockPair(m, dm)
	defer unlockPair(m, dm, &err)
	src, dst, err := m.replicationStages(dm, *in.SourceStageArn, *in.DestinationStageArn)
	if err != nil {
		return nil, err
	}
	p, err := m.liveSource(src, *in.ParticipantId, now)
	if err != nil {
		return nil, err
	}
	m.flushTo(dm) // a replication to dst that liveSource found over has left it
	switch {
	case p.source != nil:
		return nil, ivsapi.NewConflictException("Participant %s of stage %s is a replica of a participant of stage %s: only a participant that joined a stage can be replicated", p.id, src.arn, p.source.stageArn)
	case p.state != ivsapi.ParticipantStateConnected || !p.publishing:
		return nil, ivsapi.NewConflictException("Participant %s of stage %s is not publishing: only a publishing participant can be replicated", p.id, src.arn)
	}
	if slices.ContainsFunc(p.replicas, func(r replica) bool {
		return r.stageArn == dst.arn && r.state == ivsapi.ReplicationStateActive
	}) {
		return nil, ivsapi.NewConflictException("Participant %s of stage %s is already replicated to stage %s", p.id, src.arn, dst.arn)
	}
	if ds := dst.active; ds != nil {
		if q := ds.byID[p.id]; q != nil && q.state == ivsapi.ParticipantStateConnected {
			return nil, ivsapi.NewConflictException("Participant %s is already connected to session %s of stage %s", p.id, ds.id, dst.arn)
		}
		if limit := dm.quotas[quotaPublishers]; ds.publishers >= limit {
			return nil, ivsapi.NewServiceQuotaExceededException("Publisher quota exceeded: stage %s has %d participants publishing, its limit is %d", dst.arn, ds.publishers, limit)
		}
	}
	m.replicate(dm, src, p, dst, valueOf(in.ReconnectWindowSeconds), in.Attributes, now)
	return &ivsapi.StartParticipantReplicationResponse{
		AccessControlAllowOrigin: new(replAllowOrigin), AccessControlExposeHeaders: new(replExposeHeaders),
		CacheControl: new(replCacheControl), ContentSecurityPolicy: new(replCSP), StrictTransportSecurity: new(replSTS),
		XContentTypeOptions: new(replContentOptions), XFrameOptions: new(replFrameOptions),
	}, nil
}

// StopParticipantReplication stops a participant's replication to the
// destination stage: the replica leaves the destination's session (which
// ends when nobody is left connected), and the source records
// REPLICATION_STOPPED. A participant of the source's live session that is
// not replicated there now is ResourceNotFoundException (the model
// declares no ConflictException here).
func (m *Memory) StopParticipantReplication(_ context.Context, in *ivsapi.StopParticipantReplicationRequest) (_ *ivsapi.StopParticipantReplicationResponse, err error) {
	now := m.now()
	dm, done := m.replicationPeer(*in.DestinationStageArn)
	defer done()
	lockPair(m, dm)
	defer unlockPair(m, dm, &err)
	src, dst, err := m.replicationStages(dm, *in.SourceStageArn, *in.DestinationStageArn)
	if err != nil {
		return nil, err
	}
	p, err := m.liveSource(src, *in.ParticipantId, now)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(p.replicas, func(r replica) bool {
		return r.stageArn == dst.arn && r.state == ivsapi.ReplicationStateActive
	})
	if i < 0 {
		return nil, ivsapi.NewResourceNotFoundException("Replication of participant %s from stage %s to stage %s not found", p.id, src.arn, dst.arn)
	}
	m.stopReplication(src, src.active, p, i, now)
	return &ivsapi.StopParticipantReplicationResponse{
		AccessControlAllowOrigin: new(replAllowOrigin), AccessControlExposeHeaders: new(replExposeHeaders),
		CacheControl: new(replCacheControl), ContentSecurityPolicy: new(replCSP), StrictTransportSecurity: new(replSTS),
		XContentTypeOptions: new(replContentOptions), XFrameOptions: new(replFrameOptions),
	}, nil
}

// ListParticipantReplicas lists a participant's replications, one per
// destination stage, active and stopped, in the order they first started,
// from the latest session of the source stage the participant is part of.
// The model declares no ResourceNotFoundException: an unknown stage or
// participant lists nothing. It takes the write lock: a reconnect window
// that is over is settled first, so the states it lists are current.
func (m *Memory) ListParticipantReplicas(_ context.Context, in *ivsapi.ListParticipantReplicasRequest) (_ *ivsapi.ListParticipantReplicasResponse, err error) {
	query := pageQuery(ivsapi.OpListParticipantReplicas, *in.SourceStageArn, *in.ParticipantId)
	start := 0
	if in.NextToken != nil && *in.NextToken != "" {
		if start, err = m.pages.open(*in.NextToken, query, "Member must be a token ListParticipantReplicas issued for this sourceStageArn and participantId"); err != nil {
			return nil, err
		}
	}
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, err := m.readable(*in.SourceStageArn)
	if err != nil {
		return nil, err
	}
	out := &ivsapi.ListParticipantReplicasResponse{Replicas: []ivsapi.ParticipantReplica{}}
	if st == nil {
		return out, nil
	}
	var s *session
	var p *participant
	for i := len(st.history) - 1; i >= 0 && p == nil; i-- {
		s, p = st.history[i], st.history[i].byID[*in.ParticipantId]
	}
	if p == nil {
		return out, nil
	}
	if m.stages[st.arn] == st {
		m.returned(st, s, p, now, false)
	}
	limit := int(*in.MaxResults)
	for i := start; i < len(p.replicas); i++ {
		if len(out.Replicas) == limit {
			out.NextToken = new(m.pages.issue(i, query))
			break
		}
		r := p.replicas[i]
		out.Replicas = append(out.Replicas, ivsapi.ParticipantReplica{
			SourceStageArn: new(st.arn), ParticipantId: new(p.id), SourceSessionId: new(s.id),
			DestinationStageArn: new(r.stageArn), DestinationSessionId: new(r.sessionID), ReplicationState: new(r.state),
		})
	}
	return out, nil
}
