package ivsfake

import (
	"context"
	"slices"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
)

// Participant replication copies a publishing participant of one stage
// (the source) into another stage of the same account and region (the
// destination), where it shows as a participant of its own, the replica
// (AWS's user guide, "IVS Participant Replication"). The fake keeps a
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

// replicationStages finds the source and destination stages of a
// replication request: a stage of another account is
// AccessDeniedException whatever the other names (it is checked first),
// an unknown one ResourceNotFoundException. The caller holds m.mu.
//
// A request naming one stage as both is not refused here: its participant
// is in that session already (StartParticipantReplication answers
// ConflictException), and is replicated nowhere (StopParticipantReplication
// answers ResourceNotFoundException).
func (m *Memory) replicationStages(source, destination string) (*stage, *stage, error) {
	for _, arn := range []string{source, destination} {
		if _, account, ok := ivsapi.ParseStageArn(arn); ok && account != m.opts.Account {
			return nil, nil, ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, arn)
		}
	}
	src, err := m.lookup(source)
	if err != nil {
		return nil, nil, err
	}
	dst, err := m.lookup(destination)
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
	m.mu.Lock()
	defer m.unlock(&err)
	src, dst, err := m.replicationStages(*in.SourceStageArn, *in.DestinationStageArn)
	if err != nil {
		return nil, err
	}
	p, err := m.liveSource(src, *in.ParticipantId, now)
	if err != nil {
		return nil, err
	}
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
		if limit := m.quotas[quotaPublishers]; ds.publishers >= limit {
			return nil, ivsapi.NewServiceQuotaExceededException("Publisher quota exceeded: stage %s has %d participants publishing, its limit is %d", dst.arn, ds.publishers, limit)
		}
	}
	m.replicate(src, p, dst, valueOf(in.ReconnectWindowSeconds), in.Attributes, now)
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
	m.mu.Lock()
	defer m.unlock(&err)
	src, dst, err := m.replicationStages(*in.SourceStageArn, *in.DestinationStageArn)
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
