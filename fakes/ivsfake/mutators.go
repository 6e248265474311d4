package ivsfake

import (
	"cmp"
	"container/heap"
	"crypto/ecdsa"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
)

// The state of a namespace changes only in this file. Each mutator below
// changes the state and records the change in the journal (m.ps, see
// persist.go) in the same method, so an operation cannot change the state
// and forget to store it: the operations and the control API call
// mutators, never the journal. The journal calls here (m.ps.…) are the
// persistence hooks; TestRemovingAnyHookFailsAStoreTest removes each in
// turn, and TestStateChangesOnlyInMutators holds the rest of the package
// to not assigning state fields.
//
// The caller of a mutator holds m.mu for writing.

// ---- constructors: the empty state, and adding what load rebuilds -------
// They record nothing: load calls them to rebuild what the file holds,
// and the mutators record what they add with them.

func (m *Memory) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resetLocked()
}

func (m *Memory) resetLocked() {
	m.stages = map[string]*stage{}
	m.tokens = map[string]*pToken{}
	m.expiring = nil
	m.capSets = map[string][]ivsapi.ParticipantTokenCapability{}
	m.order = nil
	m.deleted = history{}
	m.quotas, m.quotaSet = m.opts.defaultQuotas(), [numQuotas]bool{}
	m.outbox = nil
	m.storage.reset()
	m.publicKeys.reset()
	m.ingest.reset()
	m.encoders.reset()
	m.compositions.reset()
	if m.ps != nil {
		m.ps.deletedN = map[string]uint64{}
	}
}

// addStage adds a live stage; stages are added in creation order.
func (m *Memory) addStage(st *stage) {
	m.stages[st.arn] = st
	m.order = append(m.order, st)
}

// addToken adds a token, for a stage of m.stages or of m.deleted, and
// queues it to be swept when it expires (sweep).
func (m *Memory) addToken(t *pToken) {
	m.tokens[t.value] = t
	heap.Push(&m.expiring, t)
}

// addSession adds a session to a stage; sessions are added in start order.
func (st *stage) addSession(s *session) {
	st.sessions[s.id] = s
	st.history = append(st.history, s)
}

func (s *storageState) reset() { *s = storageState{byArn: map[string]*storageConfig{}} }

func (s *encoderState) reset() { *s = encoderState{byArn: map[string]*encoderConfig{}} }

// add adds an encoder configuration; they are added in creation order.
func (s *encoderState) add(ec *encoderConfig) {
	s.byArn[ec.arn] = ec
	s.order = append(s.order, ec)
}

func (s *compositionState) reset() {
	*s = compositionState{byArn: map[string]*composition{}, byToken: map[string]*composition{}}
}

// add adds a composition; they are added in start order.
func (s *compositionState) add(c *composition) {
	s.byArn[c.arn] = c
	if c.token != "" {
		s.byToken[c.token] = c
	}
	s.order = append(s.order, c)
}

func (s *publicKeyState) reset() {
	*s = publicKeyState{byArn: map[string]*publicKey{}, byFingerprint: map[string]*publicKey{}}
}

// add adds a public key; keys are added in import order.
func (s *publicKeyState) add(k *publicKey) {
	s.byArn[k.arn] = k
	s.byFingerprint[k.fingerprint] = k
	s.order = append(s.order, k)
}

func (s *ingestState) reset() {
	*s = ingestState{byArn: map[string]*ingestConfig{}, byKey: map[string]*ingestConfig{}}
}

// add adds an ingest configuration; they are added in creation order.
func (s *ingestState) add(ic *ingestConfig) {
	s.byArn[ic.arn] = ic
	s.byKey[ic.streamKey] = ic // the backup key of redundant ingest does not publish in the fake
	s.order = append(s.order, ic)
}

// add adds a configuration; configurations are added in creation order.
func (s *storageState) add(sc *storageConfig) {
	s.byArn[sc.arn] = sc
	s.order = append(s.order, sc)
}

// keep adds a deleted stage, and returns the ARN of the oldest it drops
// to stay within limit (0: none), "" if none.
func (h *history) keep(st *stage, limit int) (dropped string) {
	if h.byArn == nil {
		h.byArn = map[string]*stage{}
	}
	if limit > 0 && len(h.order) >= limit {
		dropped = h.order[0]
		delete(h.byArn, h.order[0])
		h.order = h.order[1:]
	}
	h.byArn[st.arn] = st
	h.order = append(h.order, st.arn)
	return dropped
}

// ---- the namespace ------------------------------------------------------

// clear forgets every stage, token, session and participant, and puts the
// quotas back to Options'.
func (m *Memory) clear() {
	m.resetLocked()
	m.ps.reset()
}

// setQuotas sets the quotas given and returns all as they were.
func (m *Memory) setQuotas(set map[quota]int) (previous [numQuotas]int) {
	previous = m.quotas
	for q, n := range set {
		m.quotas[q], m.quotaSet[q] = n, true
	}
	m.ps.quota()
	return previous
}

// ---- stages -----------------------------------------------------------------

// createStage adds a stage, with defaults applied to its recording
// configuration, and mints its endpoints.
func (m *Memory) createStage(name string, tags map[string]string, rec *ivsapi.AutoParticipantRecordingConfiguration) *stage {
	m.seq++
	st := &stage{
		seq:       m.seq,
		arn:       ivsapi.NewStageArn(m.opts.Region, m.opts.Account),
		name:      name,
		tags:      copyMap(tags),
		rec:       copyRecording(rec),
		endpoints: stageEndpoints(newEndpointID()),
		sessions:  map[string]*session{},
		revoked:   map[string]bool{},
	}
	m.addStage(st)
	m.ps.stage(st.arn)
	return st
}

// updateStage changes the members that are not nil.
func (m *Memory) updateStage(st *stage, name *string, rec *ivsapi.AutoParticipantRecordingConfiguration) {
	if name != nil {
		st.name = *name
	}
	if rec != nil {
		st.rec = copyRecording(rec)
	}
	m.ps.stage(st.arn)
}

// deleteStage ends the stage's live session, moves the stage to
// m.deleted and frees the expired tokens its participants joined with
// (its other tokens go when they expire).
func (m *Memory) deleteStage(st *stage, now time.Time) {
	if st.active != nil {
		m.endSession(st, now)
	}
	delete(m.stages, st.arn)
	dropped := m.deleted.keep(st, m.opts.Limits.DeletedStages)
	m.ps.deleted(st.arn, dropped)
	i, _ := slices.BinarySearchFunc(m.order, st.seq, func(s *stage, seq uint32) int { return cmp.Compare(s.seq, seq) })
	m.order = slices.Delete(m.order, i, i+1)
	for _, v := range st.used {
		m.freeToken(v)
	}
	st.used = nil
}

// revoke makes a participant id of the stage unable to join for good.
func (m *Memory) revoke(st *stage, participantID string) {
	st.revoked[participantID] = true
	m.ps.stage(st.arn)
}

// setTags replaces the tags of a stage or storage configuration of the
// namespace. Views share the map, so it is replaced, never changed in place.
func (m *Memory) setTags(arn string, tags map[string]string) {
	if st := m.stages[arn]; st != nil {
		st.tags = tags
		m.ps.stage(arn)
	} else if sc := m.storage.byArn[arn]; sc != nil {
		sc.tags = tags
		m.ps.storageConfig(arn)
	} else if k := m.publicKeys.byArn[arn]; k != nil {
		k.tags = tags
		m.ps.publicKey(arn)
	} else if ic := m.ingest.byArn[arn]; ic != nil {
		ic.tags = tags
		m.ps.ingestConfig(arn)
	} else if ec := m.encoders.byArn[arn]; ec != nil {
		ec.tags = tags
		m.ps.encoder(arn)
	} else if c := m.compositions.byArn[arn]; c != nil {
		c.tags = tags
		m.ps.composition(arn)
	}
}

// ---- sessions ---------------------------------------------------------------

// startSession starts a live session on a stage that has none. Past
// Limits.SessionsPerStage the oldest sessions, ended, are dropped.
func (m *Memory) startSession(st *stage, now time.Time) *session {
	s := newSession(ivsapi.NewStageSessionId(), now)
	st.addSession(s)
	st.active = s
	m.ps.session(st.arn, s)
	if over := len(st.history) - m.opts.Limits.SessionsPerStage; over > 0 {
		for _, old := range st.history[:over] {
			delete(st.sessions, old.id)
			m.ps.sessionDropped(st.arn, old.id)
		}
		st.history = slices.Delete(st.history, 0, over)
		st.sessionsDropped += over
	}
	return s
}

// endSession ends the stage's live session: every participant leaves and
// every recording still going stops.
func (m *Memory) endSession(st *stage, now time.Time) {
	s := st.active
	for _, p := range s.participants {
		if p.state != ivsapi.ParticipantStateConnected && p.recording != ivsapi.ParticipantRecordingStateStopping {
			continue
		}
		m.alter(st, s, p, func() {
			if p.state == ivsapi.ParticipantStateConnected {
				s.unsubscribeAll(p, now)
				p.leave(now)
			}
			if p.recording == ivsapi.ParticipantRecordingStateStopping {
				p.recording = ivsapi.ParticipantRecordingStateStopped
			}
		})
	}
	m.closeSession(st, now)
	// Replications of the session stop with it, those of a source away
	// within its reconnect window too: it cannot come back to it.
	for _, p := range s.participants {
		if p.source != nil || len(p.replicas) > 0 {
			m.replicationLeft(st, s, p, now, true)
		}
	}
}

// closeSession ends the stage's live session as it is.
func (m *Memory) closeSession(st *stage, now time.Time) {
	s := st.active
	s.end = now
	st.active = nil
	m.ps.session(st.arn, s)
}

// disconnect makes a connected participant of the live session leave, and
// ends the session when nobody is left connected.
//
// A replica that leaves ends its replication; a source ends its
// replications, unless they have a reconnect window and it can come back:
// the session goes on and it was not revoked (replicationLeft).
func (m *Memory) disconnect(st *stage, p *participant, now time.Time) {
	s := st.active
	m.alter(st, s, p, func() {
		s.unsubscribeAll(p, now)
		p.leave(now)
	})
	m.endSubscriptionsTo(st, s, p, now)
	ends := !s.anyConnected()
	m.replicationLeft(st, s, p, now, ends || st.revoked[p.id])
	if ends && st.active == s {
		m.closeSession(st, now)
	}
}

// ---- participants -----------------------------------------------------------

// join adds the participant of token t to session s of stage st, as it
// joins for the first time, with the protocol it joined with ("" for a
// broadcast SDK). Its recording is DISABLED when the stage has no storage
// configuration, else STOPPED until it publishes.
func (m *Memory) join(st *stage, s *session, t *pToken, client ivscontrol.ClientInfo, protocol ivsapi.ParticipantProtocol, now time.Time) *participant {
	p := &participant{
		id: t.participantID, userID: valueOf(t.userID), attributes: copyMap(t.attributes),
		state: ivsapi.ParticipantStateConnected, firstJoin: now, client: keepClientInfo(client),
		recording:    ivsapi.ParticipantRecordingStateDisabled,
		capabilities: t.capabilities, tokenExpires: t.expires, protocol: protocol,
	}
	// The spec's reset rule says when the configuration turns recording off.
	if !st.rec.Resets() {
		p.recording = ivsapi.ParticipantRecordingStateStopped
		p.bucket = m.recordingBucket(valueOf(st.rec.StorageConfigurationArn))
		// The layout the AWS CLI's documented output shows (stage
		// resource id / session id / participant id / a number), here
		// the join time in epoch seconds, the 10 digits of its example.
		// The spec's overlay widens the model's pattern to allow it.
		p.prefix = truncate(resourceID(st.arn)+"/"+s.id+"/"+p.id+"/"+strconv.FormatInt(now.Unix(), 10), ivsapi.ParticipantRecordingS3PrefixMaxLength)
	}
	s.add(p)
	p.record(ivsapi.EventNameJoined, now, nil)
	m.ps.participant(st.arn, s, p)
	return p
}

// rejoin connects again a participant that left session s, with token t:
// the one it joined with, or one it took in a token exchange, whose user
// id, attributes and capabilities it then has.
func (m *Memory) rejoin(st *stage, s *session, p *participant, t *pToken, client ivscontrol.ClientInfo, protocol ivsapi.ParticipantProtocol, now time.Time) {
	m.alter(st, s, p, func() {
		p.state = ivsapi.ParticipantStateConnected
		p.client = keepClientInfo(client)
		p.protocol = protocol
		p.holdToken(t)
		p.record(ivsapi.EventNameJoined, now, nil)
	})
}

// exchangeToken gives a connected participant of the live session the
// token t, minted for its participant id (AWS's token exchange): it takes
// t's user id, attributes and capabilities, a TOKEN_EXCHANGED event
// records the token it held and t, and a publisher whose new token may not
// publish stops publishing at once.
func (m *Memory) exchangeToken(st *stage, p *participant, t *pToken, now time.Time) {
	m.alter(st, st.active, p, func() {
		x := &exchange{previous: p.heldToken(), next: t.exchanged()}
		p.holdToken(t)
		p.events = append(p.events, event{name: ivsapi.EventNameTokenExchanged, at: now, exchange: x})
		if p.publishing && !slices.Contains(p.capabilities, ivsapi.ParticipantTokenCapabilityPublish) {
			p.stopPublishing(now)
		}
		if !slices.Contains(p.capabilities, ivsapi.ParticipantTokenCapabilitySubscribe) {
			st.active.unsubscribeAll(p, now)
		}
	})
	m.endSubscriptionsTo(st, st.active, p, now)
}

// holdToken makes t the token a participant holds, within alter.
func (p *participant) holdToken(t *pToken) {
	p.userID, p.attributes, p.capabilities, p.tokenExpires = valueOf(t.userID), copyMap(t.attributes), t.capabilities, t.expires
}

// joinError records a refused join (an expired or revoked token) as
// JOIN_ERROR, when the participant is part of the stage's live session:
// elsewhere there is no session for it. The model has no error code for
// either cause, so the event has none.
func (m *Memory) joinError(st *stage, participantID string, now time.Time) {
	if st.active == nil {
		return
	}
	if p := st.active.byID[participantID]; p != nil {
		m.alter(st, st.active, p, func() { p.record(ivsapi.EventNameJoinError, now, nil) })
	}
}

// publish marks a connected participant of the live session as having
// published: PUBLISH_STARTED unless it is publishing already, and its
// recording STARTING when the stage records it and it is not yet.
func (m *Memory) publish(st *stage, p *participant, now time.Time) {
	m.alter(st, st.active, p, func() {
		if !p.publishing {
			p.publishing = true
			p.record(ivsapi.EventNamePublishStarted, now, nil)
		}
		p.published = true
		switch p.recording {
		case ivsapi.ParticipantRecordingStateDisabled, ivsapi.ParticipantRecordingStateStarting, ivsapi.ParticipantRecordingStateActive:
		default:
			p.recording = ivsapi.ParticipantRecordingStateStarting
		}
	})
}

// publishRefused records PUBLISH_ERROR for a participant whose token may
// not publish.
func (m *Memory) publishRefused(st *stage, p *participant, now time.Time) {
	m.alter(st, st.active, p, func() {
		p.record(ivsapi.EventNamePublishError, now, new(ivsapi.EventErrorCodeInsufficientCapabilities))
	})
}

// ingestRefused records PUBLISH_ERROR with code for the participant of an
// ingest configuration whose encoder was refused a second connection: the
// stream it publishes already goes on.
func (m *Memory) ingestRefused(st *stage, p *participant, code ivsapi.EventErrorCode, now time.Time) {
	m.alter(st, st.active, p, func() { p.record(ivsapi.EventNamePublishError, now, &code) })
}

// publishFailed records a publish that failed with code (PUBLISH_ERROR);
// a participant publishing already has its stream cut: it stops
// publishing.
func (m *Memory) publishFailed(st *stage, p *participant, code ivsapi.EventErrorCode, now time.Time) {
	m.alter(st, st.active, p, func() {
		p.record(ivsapi.EventNamePublishError, now, &code)
		if p.publishing {
			p.stopPublishing(now)
		}
	})
	m.endSubscriptionsTo(st, st.active, p, now)
}

// subscribe makes a connected participant of the live session subscribe
// to pub, which publishes to it: SUBSCRIBE_STARTED naming pub.
func (m *Memory) subscribe(st *stage, p, pub *participant, now time.Time) {
	m.alter(st, st.active, p, func() { st.active.subscribe(p, pub.id, now) })
}

// unsubscribe ends a participant's subscription to pub: SUBSCRIBE_STOPPED.
func (m *Memory) unsubscribe(st *stage, p *participant, pub string, now time.Time) {
	m.alter(st, st.active, p, func() { st.active.unsubscribe(p, pub, now) })
}

// subscribeError records a subscription to pub that failed with code:
// SUBSCRIBE_ERROR naming pub.
func (m *Memory) subscribeError(st *stage, p *participant, pub string, code ivsapi.EventErrorCode, now time.Time) {
	m.alter(st, st.active, p, func() {
		p.events = append(p.events, event{name: ivsapi.EventNameSubscribeError, at: now, code: &code, remote: pub})
	})
}

// endSubscriptionsTo ends every subscription to pub once it no longer
// publishes (it stopped, failed or left): each subscriber records
// SUBSCRIBE_STOPPED naming it.
func (m *Memory) endSubscriptionsTo(st *stage, s *session, pub *participant, now time.Time) {
	if pub.publishing {
		return
	}
	for _, q := range slices.Clone(s.subscribersOf[pub.id]) {
		m.alter(st, s, q, func() { s.unsubscribe(q, pub.id, now) })
	}
}

// setRecording sets the recording state of a participant of session s.
func (m *Memory) setRecording(st *stage, s *session, p *participant, state ivsapi.ParticipantRecordingState) {
	m.alter(st, s, p, func() { p.recording = state })
}

// alter changes a participant of session s of stage st: mutate changes its
// fields and adds its events (record, leave), and the session's index
// follows (session.change).
func (m *Memory) alter(st *stage, s *session, p *participant, mutate func()) {
	s.change(p, mutate)
	m.trimEvents(p)
	m.ps.participant(st.arn, s, p)
}

// trimEvents drops a participant's oldest events past
// Limits.EventsPerParticipant, counting them for page tokens; within
// alter.
func (m *Memory) trimEvents(p *participant) {
	if over := len(p.events) - m.opts.Limits.EventsPerParticipant; over > 0 {
		p.events = slices.Delete(p.events, 0, over)
		p.eventsDropped += uint32(over)
	}
}

// subscribe makes p subscribe to the publisher pub, within alter.
func (s *session) subscribe(p *participant, pub string, now time.Time) {
	p.subscribed = append(p.subscribed, pub)
	s.indexSubscription(p, pub)
	p.events = append(p.events, event{name: ivsapi.EventNameSubscribeStarted, at: now, remote: pub})
}

// unsubscribe ends p's subscription to pub, within alter.
func (s *session) unsubscribe(p *participant, pub string, now time.Time) {
	p.subscribed = slices.DeleteFunc(p.subscribed, func(id string) bool { return id == pub })
	if subs := slices.DeleteFunc(s.subscribersOf[pub], func(q *participant) bool { return q == p }); len(subs) > 0 {
		s.subscribersOf[pub] = subs
	} else {
		delete(s.subscribersOf, pub)
	}
	p.events = append(p.events, event{name: ivsapi.EventNameSubscribeStopped, at: now, remote: pub})
}

// unsubscribeAll ends every subscription p holds, within alter.
func (s *session) unsubscribeAll(p *participant, now time.Time) {
	for len(p.subscribed) > 0 {
		s.unsubscribe(p, p.subscribed[0], now)
	}
}

// record adds an event to a participant; only within alter or join.
func (p *participant) record(name ivsapi.EventName, at time.Time, code *ivsapi.EventErrorCode) {
	p.events = append(p.events, event{name: name, at: at, code: code})
}

// leave disconnects a participant, within alter: a publisher stops
// publishing first (PUBLISH_STOPPED, then LEFT), and a recording in
// progress is STOPPING.
func (p *participant) leave(now time.Time) {
	if p.publishing {
		p.publishing = false
		p.record(ivsapi.EventNamePublishStopped, now, nil)
	}
	p.record(ivsapi.EventNameLeft, now, nil)
	p.state = ivsapi.ParticipantStateDisconnected
	p.stopRecording()
}

// stopPublishing stops a connected participant's publishing, within
// alter: PUBLISH_STOPPED, and a recording in progress is STOPPING, as when
// it leaves.
func (p *participant) stopPublishing(now time.Time) {
	p.publishing = false
	p.record(ivsapi.EventNamePublishStopped, now, nil)
	p.stopRecording()
}

// stopRecording moves a recording in progress to STOPPING, within alter.
func (p *participant) stopRecording() {
	switch p.recording {
	case ivsapi.ParticipantRecordingStateStarting, ivsapi.ParticipantRecordingStateActive:
		p.recording = ivsapi.ParticipantRecordingStateStopping
	}
}

// ---- replication (replication.go) -------------------------------------------

// replicate replicates participant p, publishing in the live session of
// stage src, to stage dst: a live session starts there if none is, and
// the replica joins it (or, replicated there before in the same session,
// joins it again) as a publisher with p's user id and attributes, attrs
// replacing those it shares (the model's
// StartParticipantReplicationRequest.attributes). p records
// REPLICATION_STARTED naming the destination. The replica is recorded
// when dst records participants and its configuration's
// recordParticipantReplicas is true.
//
// dm is the destination's namespace: m, or another account's, whose lock
// the caller holds too (lockPair).
func (m *Memory) replicate(dm *Memory, src *stage, p *participant, dst *stage, window int32, attrs map[string]string, now time.Time) *session {
	ds := dst.active
	if ds == nil {
		ds = dm.startSession(dst, now)
	}
	merged := copyMap(p.attributes)
	if merged == nil && len(attrs) > 0 {
		merged = map[string]string{}
	}
	for k, v := range attrs {
		merged[k] = v
	}
	from := &replicaSource{stageArn: src.arn, sessionID: src.active.id, state: ivsapi.ReplicationStateActive}
	recording, bucket, prefix := ivsapi.ParticipantRecordingStateDisabled, "", ""
	if !dst.rec.Resets() && valueOf(dst.rec.RecordParticipantReplicas) {
		recording = ivsapi.ParticipantRecordingStateStarting
		bucket = dm.recordingBucket(valueOf(dst.rec.StorageConfigurationArn))
		prefix = truncate(resourceID(dst.arn)+"/"+ds.id+"/"+p.id+"/"+strconv.FormatInt(now.Unix(), 10), ivsapi.ParticipantRecordingS3PrefixMaxLength)
	}
	become := func(r *participant) {
		r.state, r.attributes, r.source = ivsapi.ParticipantStateConnected, merged, from
		r.published, r.publishing = true, true
		if r.recording != ivsapi.ParticipantRecordingStateDisabled || recording != ivsapi.ParticipantRecordingStateDisabled {
			r.recording, r.bucket, r.prefix = recording, bucket, prefix
		}
		r.record(ivsapi.EventNameJoined, now, nil)
		r.record(ivsapi.EventNamePublishStarted, now, nil)
	}
	if r := ds.byID[p.id]; r != nil {
		dm.alter(dst, ds, r, func() { become(r) })
	} else {
		r = &participant{
			id: p.id, userID: p.userID, firstJoin: now, recording: ivsapi.ParticipantRecordingStateDisabled,
			capabilities: dm.capabilities([]ivsapi.ParticipantTokenCapability{ivsapi.ParticipantTokenCapabilityPublish}),
		}
		become(r)
		ds.add(r)
		dm.ps.participant(dst.arn, ds, r)
	}
	link := replica{stageArn: dst.arn, sessionID: ds.id, state: ivsapi.ReplicationStateActive, window: window}
	m.alter(src, src.active, p, func() {
		if i := slices.IndexFunc(p.replicas, func(r replica) bool { return r.stageArn == dst.arn }); i >= 0 {
			p.replicas[i] = link
		} else {
			p.replicas = append(p.replicas, link)
		}
		p.events = append(p.events, event{name: ivsapi.EventNameReplicationStarted, at: now, dstArn: dst.arn, dstSession: ds.id})
	})
	return ds
}

// stopReplication stops replication i of participant p of session s of
// stage src at time at: p records REPLICATION_STOPPED naming the
// destination, and the replica leaves the destination's session
// (replicaStops).
func (m *Memory) stopReplication(src *stage, s *session, p *participant, i int, at time.Time) {
	link := p.replicas[i]
	m.alter(src, s, p, func() {
		p.replicas[i].state, p.replicas[i].awayUntil = ivsapi.ReplicationStateStopped, time.Time{}
		p.events = append(p.events, event{name: ivsapi.EventNameReplicationStopped, at: at, dstArn: link.stageArn, dstSession: link.sessionID})
	})
	if ns, ok := m.foreign(link.stageArn); ok {
		m.outbox = append(m.outbox, crossEffect{ns: ns, kind: sourceStopped, srcArn: src.arn, srcSession: s.id,
			dstArn: link.stageArn, dstSession: link.sessionID, id: p.id, at: at})
		return
	}
	dst := m.stages[link.stageArn]
	if dst == nil {
		return // deleted: its session ended, and the replica left with it
	}
	ds := dst.sessions[link.sessionID]
	if ds == nil {
		return
	}
	r := ds.byID[p.id]
	if r == nil || r.source == nil {
		return
	}
	m.replicaStops(dst, ds, r, at)
}

// replicaStops makes replica r of session ds of stage dst leave, its
// replication stopped at time at.
func (m *Memory) replicaStops(dst *stage, ds *session, r *participant, at time.Time) {
	connected := r.state == ivsapi.ParticipantStateConnected
	m.alter(dst, ds, r, func() {
		r.source = &replicaSource{stageArn: r.source.stageArn, sessionID: r.source.sessionID, state: ivsapi.ReplicationStateStopped}
		if connected {
			ds.unsubscribeAll(r, at)
			r.leave(at)
		}
	})
	if connected {
		m.endSubscriptionsTo(dst, ds, r, at)
		if dst.active == ds && !ds.anyConnected() {
			m.closeSession(dst, at)
		}
	}
}

// replicationLeft follows participant p of session s of stage st leaving:
// a replica's replication stops (its source records
// REPLICATION_STOPPED); a source's replications stop, but those with a
// reconnect window wait for it to come back (returned) when it still can
// (final false).
func (m *Memory) replicationLeft(st *stage, s *session, p *participant, now time.Time, final bool) {
	if from := p.source; from != nil && from.state == ivsapi.ReplicationStateActive {
		m.alter(st, s, p, func() {
			p.source = &replicaSource{stageArn: from.stageArn, sessionID: from.sessionID, state: ivsapi.ReplicationStateStopped}
		})
		if ns, ok := m.foreign(from.stageArn); ok {
			m.outbox = append(m.outbox, crossEffect{ns: ns, kind: replicaGone, srcArn: from.stageArn, srcSession: from.sessionID,
				dstArn: st.arn, dstSession: s.id, id: p.id, at: now})
		} else {
			m.replicationEnded(from.stageArn, from.sessionID, p.id, st.arn, s.id, now)
		}
	}
	for i, r := range p.replicas {
		if r.state != ivsapi.ReplicationStateActive {
			continue
		}
		switch {
		case !r.awayUntil.IsZero() && !final:
			// Away already: the window runs from when it left.
		case r.window > 0 && !final:
			m.alter(st, s, p, func() { p.replicas[i].awayUntil = now.Add(time.Duration(r.window) * time.Second) })
		case !r.awayUntil.IsZero() && r.awayUntil.Before(now):
			m.stopReplication(st, s, p, i, r.awayUntil)
		default:
			m.stopReplication(st, s, p, i, now)
		}
	}
}

// replicationEnded stops the replication of participant id of session
// srcSession of stage srcArn to session dstSession of stage dstArn, as of
// at, when it is active: its replica left.
func (m *Memory) replicationEnded(srcArn, srcSession, id, dstArn, dstSession string, at time.Time) {
	src := m.stages[srcArn]
	if src == nil || src.sessions[srcSession] == nil {
		return
	}
	ss := src.sessions[srcSession]
	q := ss.byID[id]
	if q == nil {
		return
	}
	i := slices.IndexFunc(q.replicas, func(r replica) bool {
		return r.stageArn == dstArn && r.sessionID == dstSession && r.state == ivsapi.ReplicationStateActive
	})
	if i >= 0 {
		m.alter(src, ss, q, func() {
			q.replicas[i].state, q.replicas[i].awayUntil = ivsapi.ReplicationStateStopped, time.Time{}
			q.events = append(q.events, event{name: ivsapi.EventNameReplicationStopped, at: at, dstArn: dstArn, dstSession: dstSession})
		})
	}
}

// crossApply makes, in the namespace it lands in (m), a change a
// replication across accounts made in another (replication.go, deliver).
// Each applies only to the replication it names while that is active, so
// one delivered late changes nothing that began since: a new replication
// of the same source to the same stage cannot start while the old one's
// replica is connected, nor while its source's link is active.
func (m *Memory) crossApply(e crossEffect) {
	switch e.kind {
	case replicaGone:
		m.replicationEnded(e.srcArn, e.srcSession, e.id, e.dstArn, e.dstSession, e.at)
	case sourceStopped:
		dst := m.stages[e.dstArn]
		if dst == nil || dst.sessions[e.dstSession] == nil {
			return
		}
		ds := dst.sessions[e.dstSession]
		r := ds.byID[e.id]
		if r == nil || r.source == nil || r.source.state != ivsapi.ReplicationStateActive ||
			r.source.stageArn != e.srcArn || r.source.sessionID != e.srcSession {
			return
		}
		m.replicaStops(dst, ds, r, e.at)
	}
}

// returned follows a source that was away coming back to its session (or
// a replication call naming it): the replications whose reconnect window
// is over stop, as of when it closed; the others go on.
func (m *Memory) returned(st *stage, s *session, p *participant, now time.Time, back bool) {
	for i, r := range p.replicas {
		if r.state != ivsapi.ReplicationStateActive || r.awayUntil.IsZero() {
			continue
		}
		if now.Before(r.awayUntil) {
			if back {
				m.alter(st, s, p, func() { p.replicas[i].awayUntil = time.Time{} })
			}
			continue
		}
		m.stopReplication(st, s, p, i, r.awayUntil)
	}
}

// ---- tokens -----------------------------------------------------------------

// issue mints a token for a new participant of a stage from a
// configuration with defaults applied.
func (m *Memory) issue(stageArn string, c ivsapi.ParticipantTokenConfiguration, now time.Time) *pToken {
	return m.issueFor(stageArn, ivsapi.NewParticipantId(), c, now)
}

// issueFor mints a token for participant participantID of a stage: a new
// one (issue), or one that exchanges its token.
func (m *Memory) issueFor(stageArn, participantID string, c ivsapi.ParticipantTokenConfiguration, now time.Time) *pToken {
	m.sweep(now)
	t := &pToken{
		stageArn:      stageArn,
		participantID: participantID,
		userID:        c.UserId,
		attributes:    copyMap(c.Attributes),
		capabilities:  m.capabilities(c.Capabilities),
		duration:      *c.Duration,
	}
	t.expires = now.Add(time.Duration(t.duration) * time.Minute)
	t.value = newTokenValue(t.expires)
	m.addToken(t)
	if st := m.stages[stageArn]; st != nil {
		st.unused++
	}
	m.ps.token(t.value)
	return t
}

// useToken notes that a participant joined with the token.
func (m *Memory) useToken(t *pToken) {
	t.used = true
	if st := m.stages[t.stageArn]; st != nil {
		st.unused--
	}
	m.ps.token(t.value)
}

// freeToken forgets a token: it answers "expired" from its value alone.
func (m *Memory) freeToken(value string) {
	if t := m.tokens[value]; t != nil && !t.used {
		if st := m.stages[t.stageArn]; st != nil {
			st.unused--
		}
	}
	delete(m.tokens, value)
	m.ps.token(value)
}

// sweep frees the tokens that have expired unused, and those of deleted
// stages. A used token of a live stage is kept for JOIN_ERROR until the
// stage is deleted; st.used is rebuilt by the sweep after a load, so it
// is not stored.
func (m *Memory) sweep(now time.Time) {
	for len(m.expiring) > 0 && !now.Before(m.expiring[0].expires) {
		t := heap.Pop(&m.expiring).(*pToken)
		if st := m.stages[t.stageArn]; t.used && st != nil {
			st.used = append(st.used, t.value) // deleteStage frees it
			continue
		}
		m.freeToken(t.value)
	}
}

// ---- storage configurations ---------------------------------------------------

func (m *Memory) createStorage(name, bucket string, tags map[string]string) *storageConfig {
	m.storage.seq++
	sc := &storageConfig{
		seq:    m.storage.seq,
		arn:    ivsapi.NewStorageConfigurationArn(m.opts.Region, m.opts.Account),
		name:   name,
		bucket: bucket,
		tags:   copyMap(tags),
	}
	m.storage.add(sc)
	m.ps.storageConfig(sc.arn)
	return sc
}

func (m *Memory) deleteStorage(sc *storageConfig) {
	delete(m.storage.byArn, sc.arn)
	i, _ := slices.BinarySearchFunc(m.storage.order, sc.seq, func(s *storageConfig, seq uint32) int { return cmp.Compare(s.seq, seq) })
	m.storage.order = slices.Delete(m.storage.order, i, i+1)
	m.ps.storageConfig(sc.arn)
}

// ---- public keys ----------------------------------------------------------

func (m *Memory) importPublicKey(name, material, fingerprint string, key *ecdsa.PublicKey, tags map[string]string) *publicKey {
	m.publicKeys.seq++
	k := &publicKey{
		seq:         m.publicKeys.seq,
		arn:         ivsapi.NewPublicKeyArn(m.opts.Region, m.opts.Account),
		name:        name,
		material:    material,
		fingerprint: fingerprint,
		key:         key,
		tags:        copyMap(tags),
	}
	m.publicKeys.add(k)
	m.ps.publicKey(k.arn)
	return k
}

func (m *Memory) deletePublicKey(k *publicKey) {
	delete(m.publicKeys.byArn, k.arn)
	delete(m.publicKeys.byFingerprint, k.fingerprint)
	i, _ := slices.BinarySearchFunc(m.publicKeys.order, k.seq, func(p *publicKey, seq uint32) int { return cmp.Compare(p.seq, seq) })
	m.publicKeys.order = slices.Delete(m.publicKeys.order, i, i+1)
	m.ps.publicKey(k.arn)
}

// ---- ingest configurations ----------------------------------------------------

// createIngest adds an ingest configuration made of ic's members, with a
// new ARN, participant id and stream key.
func (m *Memory) createIngest(ic ingestConfig) *ingestConfig {
	m.ingest.seq++
	ic.seq = m.ingest.seq
	ic.arn = ivsapi.NewIngestConfigurationArn(m.opts.Region, m.opts.Account)
	ic.participantID = ivsapi.NewParticipantId()
	ic.streamKey = newStreamKey(m.opts.Account, m.opts.Region, ic.arn)
	if ic.redundant {
		ic.backupID, ic.backupKey = ivsapi.NewParticipantId(), newStreamKey(m.opts.Account, m.opts.Region, ic.arn)
	}
	m.ingest.add(&ic)
	m.ps.ingestConfig(ic.arn)
	return &ic
}

// updateIngest sets the members UpdateIngestConfiguration gives (nil:
// unchanged). Turning redundant ingest on mints the backup credential,
// turning it off drops it.
func (m *Memory) updateIngest(ic *ingestConfig, stageArn *string, redundant *bool) {
	if stageArn != nil {
		ic.stageArn = *stageArn
	}
	if redundant != nil && *redundant != ic.redundant {
		ic.redundant = *redundant
		ic.backupID, ic.backupKey = "", ""
		if ic.redundant {
			ic.backupID, ic.backupKey = ivsapi.NewParticipantId(), newStreamKey(m.opts.Account, m.opts.Region, ic.arn)
		}
	}
	m.ps.ingestConfig(ic.arn)
}

func (m *Memory) deleteIngest(ic *ingestConfig) {
	delete(m.ingest.byArn, ic.arn)
	delete(m.ingest.byKey, ic.streamKey)
	i, _ := slices.BinarySearchFunc(m.ingest.order, ic.seq, func(c *ingestConfig, seq uint32) int { return cmp.Compare(c.seq, seq) })
	m.ingest.order = slices.Delete(m.ingest.order, i, i+1)
	m.ps.ingestConfig(ic.arn)
}

// joinIngest makes the participant of ingest configuration ic join the
// live session s of its stage st, or join again, with the protocol its
// encoder connected with, and publish. It holds what a token would: the
// configuration's user id and attributes, and PUBLISH alone, since an
// encoder only sends (inferred).
func (m *Memory) joinIngest(st *stage, s *session, ic *ingestConfig, protocol ivsapi.ParticipantProtocol, now time.Time) *participant {
	t := &pToken{participantID: ic.participantID, userID: new(ic.userID), attributes: ic.attributes, capabilities: ingestCapabilities}
	p := s.byID[ic.participantID]
	if p == nil {
		p = m.join(st, s, t, ivscontrol.ClientInfo{}, protocol, now)
	} else {
		m.rejoin(st, s, p, t, ivscontrol.ClientInfo{}, protocol, now)
	}
	m.alter(st, s, p, func() { p.ingestArn = ic.arn })
	return p
}

// ---- encoder configurations -------------------------------------------------

func (m *Memory) createEncoder(name string, video ivsapi.Video, tags map[string]string) *encoderConfig {
	m.encoders.seq++
	ec := &encoderConfig{
		seq:   m.encoders.seq,
		arn:   ivsapi.NewEncoderConfigurationArn(m.opts.Region, m.opts.Account),
		name:  name,
		video: video,
		tags:  copyMap(tags),
	}
	m.encoders.add(ec)
	m.ps.encoder(ec.arn)
	return ec
}

func (m *Memory) deleteEncoder(ec *encoderConfig) {
	delete(m.encoders.byArn, ec.arn)
	i, _ := slices.BinarySearchFunc(m.encoders.order, ec.seq, func(e *encoderConfig, seq uint32) int { return cmp.Compare(e.seq, seq) })
	m.encoders.order = slices.Delete(m.encoders.order, i, i+1)
	m.ps.encoder(ec.arn)
}

// ---- compositions -----------------------------------------------------------

// startComposition adds a composition, STARTING, with one destination per
// configuration, each STARTING, named "" when the configuration has no
// name (documented: the CLI's get-composition examples). An s3
// destination records under {stage id}/{composition id}/{destination
// id}/composite (the CLI's examples end the prefix with the destination's
// id and "composite"; what comes before is inferred).
func (m *Memory) startComposition(stageArn string, layout ivsapi.LayoutConfiguration, configs []ivsapi.DestinationConfiguration, tags map[string]string, token, digest string, now time.Time) *composition {
	m.compositions.seq++
	c := &composition{
		seq:      m.compositions.seq,
		arn:      ivsapi.NewCompositionArn(m.opts.Region, m.opts.Account),
		stageArn: stageArn,
		state:    ivsapi.CompositionStateStarting,
		layout:   layout,
		tags:     copyMap(tags),
		start:    now,
		token:    token,
		request:  digest,
	}
	stageID := stageArn[strings.LastIndexByte(stageArn, '/')+1:]
	for _, cfg := range configs {
		if cfg.Name == nil {
			cfg.Name = new("")
		}
		// A destination STARTING has its startTime already (documented:
		// the CLI's get-composition examples show one).
		d := &destination{id: ivsapi.NewParticipantId(), state: ivsapi.DestinationStateStarting, start: now, config: cfg}
		if cfg.S3 != nil {
			d.prefix = stageID + "/" + c.id() + "/" + d.id + "/" + compositePrefix
		}
		c.destinations = append(c.destinations, d)
	}
	m.compositions.add(c)
	m.ps.composition(c.arn)
	return c
}

// compositePrefix ends an s3 destination's recording prefix.
const compositePrefix = "composite"

// dropComposition forgets an ended composition, to make room.
func (m *Memory) dropComposition(c *composition) {
	delete(m.compositions.byArn, c.arn)
	if c.token != "" && m.compositions.byToken[c.token] == c {
		delete(m.compositions.byToken, c.token)
	}
	i, _ := slices.BinarySearchFunc(m.compositions.order, c.seq, func(x *composition, seq uint32) int { return cmp.Compare(x.seq, seq) })
	m.compositions.order = slices.Delete(m.compositions.order, i, i+1)
	m.ps.composition(c.arn)
}

// setCompositionState moves a composition to a state, and its
// destinations not ended with it: ACTIVE starts them, STOPPED or FAILED
// ends them (and the composition).
func (m *Memory) setCompositionState(c *composition, state ivsapi.CompositionState, now time.Time) {
	c.state = state
	ended := state == ivsapi.CompositionStateStopped || state == ivsapi.CompositionStateFailed
	if ended {
		c.end = now
	}
	for _, d := range c.destinations {
		if d.state != ivsapi.DestinationStateStopped && d.state != ivsapi.DestinationStateFailed {
			d.move(ivsapi.DestinationState(state), now)
		}
	}
	m.ps.composition(c.arn)
}

// setDestinationState moves one destination of a composition to a state.
func (m *Memory) setDestinationState(c *composition, i int, state ivsapi.DestinationState, now time.Time) {
	c.destinations[i].move(state, now)
	m.ps.composition(c.arn)
}

// move sets a destination's state, and its endTime when it ends; its
// callers record the change.
func (d *destination) move(state ivsapi.DestinationState, now time.Time) {
	d.state = state
	if state == ivsapi.DestinationStateStopped || state == ivsapi.DestinationStateFailed {
		d.end = now
	}
}
