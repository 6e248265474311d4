package ivsfake

import (
	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/validate"
)

// ingestCapabilities are what a participant publishing through an ingest
// configuration may do: publish (an encoder sends, never receives).
var ingestCapabilities = []ivsapi.ParticipantTokenCapability{ivsapi.ParticipantTokenCapabilityPublish}

// checkIngest holds an ingest call to its rules: a stream key, and a
// protocol of the spec's IngestProtocol when given.
func checkIngest(in ivscontrol.IngestInput) error {
	var e validate.Errors
	if in.StreamKey == "" {
		e.Add(validate.Violation{Path: ivsapi.MemberStreamKey, Value: validate.Render(in.StreamKey), Rule: "Member must not be null"})
	}
	if in.Protocol != "" {
		e.Enum("protocol", in.Protocol, ivsapi.IngestProtocolValues)
	}
	if e.Len() > 0 {
		return ivsapi.NewValidationException("%s", e.Message())
	}
	return nil
}

// StartIngest stands in for an RTMP(S) encoder that connects with an
// ingest configuration's stream key: the configuration's participant
// joins its stage's live session (starting one), reported with the
// protocol it connected with and the configuration's ARN, and publishes,
// so the configuration is ACTIVE. Refused:
//
//   - a key no configuration of the account and region has:
//     ResourceNotFoundException;
//   - a configuration associated with no stage, or with one that does not
//     exist: ResourceNotFoundException (documented: the user guide's "IVS
//     RTMP Publishing", without the association "the stream key is
//     unusable");
//   - RTMP to a configuration that does not allow insecure ingest
//     (documented: the same page, "RTMP connections will be rejected"):
//     ValidationException, and PUBLISH_ERROR with INVALID_PROTOCOL where
//     the participant is connected (its stream goes on);
//   - a key publishing already, as by a second encoder:
//     ConflictException, and PUBLISH_ERROR with REUSE_OF_STREAM_KEY (the
//     first encoder's stream goes on);
//   - a participant DisconnectParticipant revoked: AccessDeniedException,
//     as its token would be;
//   - past the stage's publisher quota: ServiceQuotaExceededException,
//     and PUBLISH_ERROR with QUOTA_EXCEEDED, after which the participant
//     is disconnected (an encoder's connection is its join).
//
// Which errors, and which events, are inferred: AWS publishes neither.
func (m *Memory) StartIngest(in ivscontrol.IngestInput) (_ *ivscontrol.JoinOutput, err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	ic := m.ingest.byKey[in.StreamKey]
	if ic == nil {
		return nil, ivsapi.NewResourceNotFoundException("streamKey: no ingest configuration has this stream key")
	}
	if ic.stageArn == "" {
		return nil, ivsapi.NewResourceNotFoundException("streamKey: ingest configuration %s is associated with no stage", ic.arn)
	}
	st := m.stages[ic.stageArn]
	if st == nil {
		return nil, ivsapi.NewResourceNotFoundException("streamKey: the stage %s of ingest configuration %s does not exist", ic.stageArn, ic.arn)
	}
	protocol := ic.protocol
	if in.Protocol != "" {
		protocol = ivsapi.IngestProtocol(in.Protocol)
	}
	var p *participant
	if st.active != nil {
		p = st.active.byID[ic.participantID]
	}
	if protocol == ivsapi.IngestProtocolRtmp && !ic.insecure {
		if p != nil && p.state == ivsapi.ParticipantStateConnected {
			m.ingestRefused(st, p, ivsapi.EventErrorCodeInvalidProtocol, now)
		}
		var e validate.Errors
		e.Add(validate.Violation{Path: "protocol", Value: validate.Render(in.Protocol), Rule: "Member must be " + string(ivsapi.IngestProtocolRtmps) + ": ingest configuration " + ic.arn + " does not allow insecure ingest"})
		return nil, ivsapi.NewValidationException("%s", e.Message())
	}
	if p != nil && p.state == ivsapi.ParticipantStateConnected {
		m.ingestRefused(st, p, ivsapi.EventErrorCodeReuseOfStreamKey, now)
		return nil, ivsapi.NewConflictException("streamKey: ingest configuration %s is publishing to stage %s already", ic.arn, st.arn)
	}
	if st.revoked[ic.participantID] {
		m.joinError(st, ic.participantID, now)
		return nil, ivsapi.NewAccessDeniedException("streamKey: participant %s was disconnected from stage %s and revoked", ic.participantID, st.arn)
	}
	s := st.active
	if s == nil {
		s = m.startSession(st, now)
	}
	p = m.joinIngest(st, s, ic, ivsapi.ParticipantProtocol(protocol), now)
	if limit := m.quotas[quotaPublishers]; s.publishers >= limit {
		m.publishFailed(st, p, ivsapi.EventErrorCodeQuotaExceeded, now)
		m.disconnect(st, p, now)
		return nil, ivsapi.NewServiceQuotaExceededException("Publisher quota exceeded: stage %s has %d participants publishing, its limit is %d", st.arn, s.publishers, limit)
	}
	m.publish(st, p, now)
	return &ivscontrol.JoinOutput{StageArn: st.arn, SessionId: s.id, ParticipantId: p.id}, nil
}

// StopIngest stands in for an encoder that stops: the participant
// publishing with the stream key leaves (PUBLISH_STOPPED, LEFT), and the
// configuration is INACTIVE. A key that publishes nothing now is
// ResourceNotFoundException.
func (m *Memory) StopIngest(streamKey string) (err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	ic := m.ingest.byKey[streamKey]
	if ic == nil {
		return ivsapi.NewResourceNotFoundException("streamKey: no ingest configuration has this stream key")
	}
	st := m.stages[ic.stageArn]
	if st == nil || st.active == nil {
		return ivsapi.NewResourceNotFoundException("streamKey: ingest configuration %s is not publishing", ic.arn)
	}
	p := st.active.byID[ic.participantID]
	if p == nil || p.ingestArn != ic.arn || p.state != ivsapi.ParticipantStateConnected {
		return ivsapi.NewResourceNotFoundException("streamKey: ingest configuration %s is not publishing", ic.arn)
	}
	m.disconnect(st, p, now)
	return nil
}
