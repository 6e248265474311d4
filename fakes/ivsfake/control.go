package ivsfake

import (
	"slices"
	"strings"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/validate"
)

// Join connects the token's participant to its stage's live session,
// starting one if none is live. The participant's recording is DISABLED
// when the stage has no storage configuration, else STOPPED until it
// publishes. The participant of a token DisconnectParticipant revoked
// cannot join: AccessDeniedException, and when it is still part of the
// live session a JOIN_ERROR event records the attempt (as for an expired
// token). A token the application signed itself (a JWT whose kid names a
// public key it imported, jwt.go) joins as the one its claims describe.
func (m *Memory) Join(in ivscontrol.JoinInput) (_ *ivscontrol.JoinOutput, err error) {
	if err := checkJoin(in); err != nil {
		return nil, err
	}
	protocol := ivsapi.ParticipantProtocol(in.Protocol)
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	m.sweep(now)
	t := m.tokens[in.Token]
	if t == nil && looksSelfSigned(in.Token) {
		// A token the application signed with a key it imported (jwt.go).
		if t, err = m.selfSignedToken(in.Token); err != nil {
			return nil, err
		}
	}
	if t == nil {
		if expires, ok := tokenExpiry(in.Token); ok && !now.Before(expires) {
			return nil, ivsapi.NewValidationException("token: expired at %s", expires.Format(time.RFC3339))
		}
		return nil, ivsapi.NewResourceNotFoundException("token: no stage issued this token")
	}
	st := m.stages[t.stageArn]
	if st == nil {
		return nil, ivsapi.NewResourceNotFoundException("token: its stage %s no longer exists", t.stageArn)
	}
	if !now.Before(t.expires) {
		m.joinError(st, t.participantID, now)
		return nil, ivsapi.NewValidationException("token: expired at %s", t.expires.Format(time.RFC3339))
	}
	if st.revoked[t.participantID] {
		m.joinError(st, t.participantID, now)
		return nil, ivsapi.NewAccessDeniedException("token: participant %s was disconnected from stage %s and revoked", t.participantID, st.arn)
	}
	s := st.active
	if s == nil {
		s = m.startSession(st, now)
	}
	p := s.byID[t.participantID]
	switch {
	case p != nil && p.state == ivsapi.ParticipantStateConnected:
		return nil, ivsapi.NewConflictException("participant %s is already connected to session %s", p.id, s.id)
	case p != nil: // rejoining the same session
		if p.source != nil {
			return nil, ivsapi.NewConflictException("participant %s of session %s is a replica of a participant of stage %s", p.id, s.id, p.source.stageArn)
		}
		// Within its reconnect window, a source's replications go on.
		m.returned(st, s, p, now, true)
		m.rejoin(st, s, p, t, in.ClientInfo, protocol, now)
	default:
		p = m.join(st, s, t, in.ClientInfo, protocol, now)
	}
	if !t.used {
		m.useToken(t)
	}
	return &ivscontrol.JoinOutput{StageArn: st.arn, SessionId: s.id, ParticipantId: p.id}, nil
}

// recordingBucket is where a participant recorded under the storage
// configuration storageArn is written: that configuration's S3 bucket. A
// stage may name a storage ARN that does not exist (CreateStage and
// UpdateStage declare no ResourceNotFoundException); its participants get
// a bucket name made from the ARN. The caller holds m.mu.
func (m *Memory) recordingBucket(storageArn string) string {
	if sc := m.storage.byArn[storageArn]; sc != nil {
		return sc.bucket
	}
	return bucketName(storageArn)
}

// bucketName makes a valid S3 bucket name from a storage configuration ARN:
// the fake has no S3, so any name in the spec's form will do.
func bucketName(storageArn string) string {
	return truncate("ivsrt-"+strings.ToLower(resourceID(storageArn)), ivsapi.ParticipantRecordingS3BucketNameMaxLength)
}

// truncate cuts an ASCII string to at most n bytes.
func truncate(s string, n int) string { return s[:min(len(s), n)] }

// connected finds a connected participant of the stage's live session.
func (m *Memory) connected(ref ivscontrol.ParticipantRef) (*stage, *participant, error) {
	// Another account's stage is AccessDeniedException, as in the AWS operations.
	st, err := m.lookup(ref.StageArn)
	if err != nil {
		return nil, nil, err
	}
	if st.active == nil {
		return nil, nil, ivsapi.NewResourceNotFoundException("stage %s has no live session", ref.StageArn)
	}
	p := st.active.byID[ref.ParticipantId]
	if p == nil || p.state != ivsapi.ParticipantStateConnected {
		return nil, nil, ivsapi.NewResourceNotFoundException("participant %s is not connected to stage %s", ref.ParticipantId, ref.StageArn)
	}
	if p.source != nil {
		// A replica has no client of its own: it follows its source.
		return nil, nil, ivsapi.NewConflictException("participant %s of stage %s is a replica of a participant of stage %s: act on its source", p.id, ref.StageArn, p.source.stageArn)
	}
	return st, p, nil
}

// Publish marks a connected participant as having published; when its
// stage records participants, its recording is STARTING. It records
// PUBLISH_STARTED, unless the participant is publishing already. A
// participant whose token may not publish is refused (AccessDeniedException)
// and a PUBLISH_ERROR event with INSUFFICIENT_CAPABILITIES records it. A
// participant that would publish past the stage's publisher quota (AWS:
// 12 at once) is refused with ServiceQuotaExceededException, and a
// PUBLISH_ERROR event with QUOTA_EXCEEDED, the model's code for it,
// records it.
func (m *Memory) Publish(ref ivscontrol.ParticipantRef) (err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, p, err := m.connected(ref)
	if err != nil {
		return err
	}
	if !slices.Contains(p.capabilities, ivsapi.ParticipantTokenCapabilityPublish) {
		m.publishRefused(st, p, now)
		return ivsapi.NewAccessDeniedException("participant %s may not publish: its token's capabilities are %v", p.id, p.capabilities)
	}
	if limit := m.quotas[quotaPublishers]; !p.publishing && st.active.publishers >= limit {
		m.publishFailed(st, p, ivsapi.EventErrorCodeQuotaExceeded, now)
		return ivsapi.NewServiceQuotaExceededException("Publisher quota exceeded: stage %s has %d participants publishing, its limit is %d", st.arn, st.active.publishers, limit)
	}
	m.publish(st, p, now)
	return nil
}

// Subscribe makes a connected participant subscribe to another one that
// publishes to the same session, the remote participant: a
// SUBSCRIBE_STARTED event naming it, unless it subscribes already. It is
// refused, with a SUBSCRIBE_ERROR event naming the remote participant and
// the model's code for the cause, when its token may not subscribe
// (AccessDeniedException, INSUFFICIENT_CAPABILITIES), when the remote
// participant is not publishing to the session (ResourceNotFoundException,
// PUBLISHER_NOT_FOUND), or when it would subscribe past the stage's
// subscriber quota (AWS: 10,000 at once; ServiceQuotaExceededException,
// QUOTA_EXCEEDED).
func (m *Memory) Subscribe(in ivscontrol.SubscribeInput) (err error) {
	if err := checkSubscribe(in); err != nil {
		return err
	}
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, p, err := m.connected(in.ParticipantRef)
	if err != nil {
		return err
	}
	remote := in.RemoteParticipantId
	if remote == p.id {
		return ivsapi.NewValidationException("remoteParticipantId: a participant does not subscribe to itself")
	}
	if slices.Contains(p.subscribed, remote) {
		return nil
	}
	if !slices.Contains(p.capabilities, ivsapi.ParticipantTokenCapabilitySubscribe) {
		m.subscribeError(st, p, remote, ivsapi.EventErrorCodeInsufficientCapabilities, now)
		return ivsapi.NewAccessDeniedException("participant %s may not subscribe: its token's capabilities are %v", p.id, p.capabilities)
	}
	pub := st.active.byID[remote]
	if pub == nil || !pub.publishing {
		m.subscribeError(st, p, remote, ivsapi.EventErrorCodePublisherNotFound, now)
		return ivsapi.NewResourceNotFoundException("participant %s is not publishing to stage %s", remote, st.arn)
	}
	if limit := m.quotas[quotaSubscribers]; len(p.subscribed) == 0 && st.active.subscribers >= limit {
		m.subscribeError(st, p, remote, ivsapi.EventErrorCodeQuotaExceeded, now)
		return ivsapi.NewServiceQuotaExceededException("Subscriber quota exceeded: stage %s has %d participants subscribing, its limit is %d", st.arn, st.active.subscribers, limit)
	}
	m.subscribe(st, p, pub, now)
	return nil
}

// Unsubscribe ends a connected participant's subscription to the remote
// participant: a SUBSCRIBE_STOPPED event naming it. A participant that
// does not subscribe to it is ResourceNotFoundException.
func (m *Memory) Unsubscribe(in ivscontrol.SubscribeInput) (err error) {
	if err := checkSubscribe(in); err != nil {
		return err
	}
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, p, err := m.connected(in.ParticipantRef)
	if err != nil {
		return err
	}
	if !slices.Contains(p.subscribed, in.RemoteParticipantId) {
		return ivsapi.NewResourceNotFoundException("participant %s does not subscribe to participant %s", p.id, in.RemoteParticipantId)
	}
	m.unsubscribe(st, p, in.RemoteParticipantId, now)
	return nil
}

// checkSubscribe holds a subscription's participants to the spec's rules
// for a participant id and for the event's remoteParticipantId it becomes.
func checkSubscribe(in ivscontrol.SubscribeInput) error {
	if err := checkRef(in.ParticipantRef); err != nil {
		return err
	}
	var e validate.Errors
	e.Required("remoteParticipantId", in.RemoteParticipantId != "")
	if e.Len() > 0 {
		return ivsapi.NewValidationException("%s", e.Message())
	}
	return (&ivsapi.Event{RemoteParticipantId: &in.RemoteParticipantId}).Validate()
}

// notPublishErrors are the event error codes of the spec that a publish
// does not fail with through FailPublish, and why; the others it does
// (the model's descriptions of EventErrorCode: an exceeded bitrate,
// resolution or stream duration, a codec, protocol, stream key or input
// that is wrong, B-frames, a quota, an internal error).
var notPublishErrors = map[ivsapi.EventErrorCode]string{
	ivsapi.EventErrorCodePublisherNotFound:        "a subscribe error: the participant tried to subscribe to a publisher that does not exist",
	ivsapi.EventErrorCodeInsufficientCapabilities: "the fake records it itself when a participant whose token lacks PUBLISH publishes",
}

// FailPublish makes a connected participant's publish fail with an event
// error code: a PUBLISH_ERROR event with that code, and a participant that
// is publishing already has its stream cut (PUBLISH_STOPPED; a recording
// in progress is STOPPING). A participant whose token may not publish is
// refused as by Publish, with INSUFFICIENT_CAPABILITIES.
func (m *Memory) FailPublish(ref ivscontrol.ParticipantRef, errorCode string) (err error) {
	code := ivsapi.EventErrorCode(errorCode)
	if err := (&ivsapi.Event{ErrorCode: &code}).Validate(); err != nil {
		return err
	}
	if why := notPublishErrors[code]; why != "" {
		return ivsapi.NewValidationException("errorCode: %s is not an error a publish fails with: %s", code, why)
	}
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, p, err := m.connected(ref)
	if err != nil {
		return err
	}
	if !slices.Contains(p.capabilities, ivsapi.ParticipantTokenCapabilityPublish) {
		m.publishRefused(st, p, now)
		return ivsapi.NewAccessDeniedException("participant %s may not publish: its token's capabilities are %v", p.id, p.capabilities)
	}
	m.publishFailed(st, p, code, now)
	return nil
}

// ExchangeToken makes a connected participant of a stage's live session
// exchange its token for a new one, as AWS's broadcast SDKs do
// (exchangeToken; the user guide's "Token Exchange"): the new token is of
// the same stage and participant (AWS: topic, resource and jti may not
// change) and has the user id, attributes, capabilities and duration of
// the request, held to CreateParticipantToken's rules and given its
// defaults (AWS: these may change). The participant takes them at once
// and a TOKEN_EXCHANGED event records both tokens; a publisher whose new
// token lacks PUBLISH stops publishing (AWS: it "immediately unpublishes").
//
// AWS exchanges only tokens an application signs with its own key pair,
// not those of CreateParticipantToken, and the fake has no key pairs yet:
// it mints the new token itself, as that application would, and takes
// tokens of either kind.
func (m *Memory) ExchangeToken(in ivscontrol.ExchangeTokenInput) (_ *ivscontrol.ExchangeTokenOutput, err error) {
	if err := checkRef(in.ParticipantRef); err != nil {
		return nil, err
	}
	req := &ivsapi.CreateParticipantTokenRequest{StageArn: &in.StageArn, UserId: in.UserId, Attributes: in.Attributes, Duration: in.Duration}
	if in.Capabilities != nil {
		req.Capabilities = []ivsapi.ParticipantTokenCapability{}
		for _, c := range in.Capabilities {
			req.Capabilities = append(req.Capabilities, ivsapi.ParticipantTokenCapability(c))
		}
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	req.SetDefaults()
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, p, err := m.connected(in.ParticipantRef)
	if err != nil {
		return nil, err
	}
	t := m.issueFor(st.arn, p.id, ivsapi.ParticipantTokenConfiguration{Duration: req.Duration, UserId: req.UserId, Attributes: req.Attributes, Capabilities: req.Capabilities}, now)
	m.useToken(t)
	m.exchangeToken(st, p, t, now)
	v := t.view()
	out := &ivscontrol.ExchangeTokenOutput{ParticipantToken: ivscontrol.Token{
		ParticipantId: *v.ParticipantId, Token: *v.Token, UserId: v.UserId, Attributes: v.Attributes,
		Capabilities: []string{}, Duration: *v.Duration, ExpirationTime: *v.ExpirationTime,
	}}
	for _, c := range v.Capabilities {
		out.ParticipantToken.Capabilities = append(out.ParticipantToken.Capabilities, string(c))
	}
	return out, nil
}

// SetRecording moves a connected participant's recording to a state:
// ACTIVE (recording started), STOPPING, STOPPED or FAILED, or back to
// STARTING. A participant whose recording is DISABLED cannot record. A
// participant that has left with its recording STOPPING can still have it
// finish, as STOPPED or FAILED.
func (m *Memory) SetRecording(in ivscontrol.RecordingInput) (err error) {
	state := ivsapi.ParticipantRecordingState(in.State)
	m.mu.Lock()
	defer m.unlock(&err)
	st, p, err := m.connected(in.ParticipantRef)
	if err != nil {
		if state != ivsapi.ParticipantRecordingStateStopped && state != ivsapi.ParticipantRecordingStateFailed {
			return err
		}
		st, stopping := m.stopping(in.ParticipantRef)
		if len(stopping) == 0 {
			return err
		}
		for s, p := range stopping {
			m.setRecording(st, s, p, state)
		}
		return nil
	}
	valid := false
	for _, v := range ivsapi.ParticipantRecordingFilterByRecordingStateValues {
		valid = valid || in.State == v
	}
	if !valid {
		return ivsapi.NewValidationException("state: %q is not one of %v", in.State, ivsapi.ParticipantRecordingFilterByRecordingStateValues)
	}
	if p.recording == ivsapi.ParticipantRecordingStateDisabled {
		return ivsapi.NewConflictException("participant %s is not recorded: its stage had no storage configuration when it joined", p.id)
	}
	m.setRecording(st, st.active, p, state)
	return nil
}

// stopping finds the participant, in every session of the stage, where it
// has left with its recording STOPPING.
func (m *Memory) stopping(ref ivscontrol.ParticipantRef) (*stage, map[*session]*participant) {
	st := m.stages[ref.StageArn]
	if st == nil {
		return nil, nil
	}
	out := map[*session]*participant{}
	for _, s := range st.sessions {
		if p := s.byID[ref.ParticipantId]; p != nil && p.state == ivsapi.ParticipantStateDisconnected &&
			p.recording == ivsapi.ParticipantRecordingStateStopping {
			out[s] = p
		}
	}
	return st, out
}

// Leave disconnects a participant; a recording in progress is STOPPING.
// The session ends when nobody is left connected.
func (m *Memory) Leave(ref ivscontrol.ParticipantRef) (err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, p, err := m.connected(ref)
	if err != nil {
		return err
	}
	m.disconnect(st, p, now)
	return nil
}

// EndSession ends a stage's live session: every participant leaves and
// every recording still going stops.
func (m *Memory) EndSession(stageArn string) (err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	st, err := m.lookup(stageArn)
	if err != nil {
		return err
	}
	if st.active == nil {
		return ivsapi.NewResourceNotFoundException("stage %s has no live session", stageArn)
	}
	m.endSession(st, now)
	return nil
}

// Reset forgets every stage, token, session and participant, and puts
// the quotas back to Options'; with Options.Store, in the state file too
// (only this Memory's namespace).
func (m *Memory) Reset() (err error) {
	m.mu.Lock()
	defer m.unlock(&err)
	gone := m.crossReplications(m.now())
	m.clear()
	m.outbox = gone // delivered as m.mu is let go (unlock)
	return nil
}

// crossReplications are the changes a reset of m makes in other
// accounts' namespaces, as deleting each of its stages would: a replica
// here of a source elsewhere is gone (the source records
// REPLICATION_STOPPED), and a source here stops its replicas elsewhere
// (they leave). m.mu is held.
func (m *Memory) crossReplications(at time.Time) []crossEffect {
	var out []crossEffect
	for _, st := range m.order {
		s := st.active
		if s == nil {
			continue
		}
		for _, p := range s.byID {
			if from := p.source; from != nil && from.state == ivsapi.ReplicationStateActive {
				if ns, ok := m.foreign(from.stageArn); ok {
					out = append(out, crossEffect{ns: ns, kind: replicaGone, srcArn: from.stageArn, srcSession: from.sessionID,
						dstArn: st.arn, dstSession: s.id, id: p.id, at: at})
				}
			}
			for _, r := range p.replicas {
				if ns, ok := m.foreign(r.stageArn); ok && r.state == ivsapi.ReplicationStateActive {
					out = append(out, crossEffect{ns: ns, kind: sourceStopped, srcArn: st.arn, srcSession: s.id,
						dstArn: r.stageArn, dstSession: r.sessionID, id: p.id, at: at})
				}
			}
		}
	}
	return out
}

// keepClientInfo is what a participant keeps of the client attributes it
// joined with: nil for none.
func keepClientInfo(c ivscontrol.ClientInfo) *ivscontrol.ClientInfo {
	if c == (ivscontrol.ClientInfo{}) {
		return nil
	}
	return &c
}

// checkJoin holds a join's client attributes and protocol to the spec's
// rules for the participant's members, so the fake never answers with a
// participant that breaks its own contract.
func checkJoin(in ivscontrol.JoinInput) error {
	c := in.ClientInfo
	p := ivsapi.Participant{
		IspName: &c.IspName, OsName: &c.OsName, OsVersion: &c.OsVersion,
		BrowserName: &c.BrowserName, BrowserVersion: &c.BrowserVersion, SdkVersion: &c.SdkVersion,
	}
	if in.Protocol != "" {
		p.Protocol = new(ivsapi.ParticipantProtocol(in.Protocol))
	}
	return p.Validate()
}
