package ivsfake

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// A Memory with Options.Store keeps only its primary data in the file, a
// key per entity, and rebuilds everything derived (maps, orders, indexes)
// on load through the constructors the live code uses (addStage,
// addSession, session.add, addToken, storageState.add). Each mutator
// (mutators.go) records in the journal what it changed; unlock commits the
// journal in one bbolt transaction, fsynced, before the lock is released
// and the answer sent.

// The buckets of a namespace. Sessions, joins and participants are keyed
// under their stage's ARN, so a stage's records are one key range.
var (
	bMeta         = []byte("meta")
	bStages       = []byte("stages")
	bSessions     = []byte("sessions")               // ARN \0 session id
	bJoins        = []byte("joins")                  // ARN \0 session id \0 join index (uint32 BE) -> participant id
	bParticipants = []byte("participants")           // ARN \0 session id \0 participant id
	bTokens       = []byte("tokens")                 // token value
	bStorage      = []byte("storage")                // storage configuration ARN
	bPublicKeys   = []byte("public-keys")            // public key ARN
	bIngest       = []byte("ingest-configurations")  // ingest configuration ARN (format 6)
	bEncoders     = []byte("encoder-configurations") // encoder configuration ARN
	bCompositions = []byte("compositions")           // composition ARN
	keyState      = []byte("state")
)

// persist is what a Memory on a Store keeps besides its state: where it
// writes and what the operation under way has changed. Guarded by m.mu.
type persist struct {
	store *Store
	ns    Namespace

	stages       map[string]bool // by ARN
	sessions     []sessionRef
	participants []participantRef
	tokens       map[string]bool // by value
	storage      map[string]bool // by ARN
	publicKeys   map[string]bool // by ARN
	ingest       map[string]bool // by ARN
	encoders     map[string]bool // by ARN
	compositions map[string]bool // by ARN
	dropped      []sessionRef    // sessions dropped by Limits.SessionsPerStage (s nil: only the id counts)
	cleared      bool            // Reset: the namespace starts over
	meta         bool            // the meta record changed (it is written with every commit)

	// deletedN numbers the stages of Memory.deleted in deletion order,
	// the order they are loaded back in.
	deletedN   map[string]uint64
	deletedSeq uint64
}

type sessionRef struct {
	arn string
	s   *session
}

type participantRef struct {
	arn, sid string
	p        *participant
}

func (ps *persist) clear() {
	ps.stages, ps.tokens, ps.storage, ps.publicKeys, ps.ingest = map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	ps.encoders, ps.compositions = map[string]bool{}, map[string]bool{}
	ps.sessions, ps.participants, ps.dropped = ps.sessions[:0], ps.participants[:0], ps.dropped[:0]
	ps.cleared, ps.meta = false, false
}

func (ps *persist) dirty() bool {
	return ps.cleared || ps.meta || len(ps.stages)+len(ps.sessions)+len(ps.participants)+len(ps.tokens)+len(ps.storage)+len(ps.publicKeys)+
		len(ps.ingest)+len(ps.encoders)+len(ps.compositions)+len(ps.dropped) > 0
}

// ---- the journal: what the mutators (mutators.go) record ----------------
// Only the mutators call these, each right where it changes the state. A
// Memory without a store has a nil *persist: each costs a nil check.

func (ps *persist) stage(arn string) {
	if ps != nil {
		ps.stages[arn] = true
	}
}

// session records a session of stage arn, with the stage: a session that
// starts or ends changes the stage's session list or active session.
func (ps *persist) session(arn string, s *session) {
	if ps != nil {
		ps.stages[arn] = true
		ps.sessions = append(ps.sessions, sessionRef{arn, s})
	}
}

// sessionDropped records that a session of stage arn was dropped: its
// records go (the stage's own record, with its session list, is recorded
// by the session that made it go).
func (ps *persist) sessionDropped(arn, sid string) {
	if ps != nil {
		ps.dropped = append(ps.dropped, sessionRef{arn: arn, s: &session{id: sid}})
	}
}

// participant records a participant of session s of stage arn, and with
// it its place in the join order (written again unchanged after its first
// join).
func (ps *persist) participant(arn string, s *session, p *participant) {
	if ps != nil {
		ps.participants = append(ps.participants, participantRef{arn, s.id, p})
	}
}

// deleted records a stage just moved to Memory.deleted, and the stage
// that move pushed out of it (dropped, "" if none).
func (ps *persist) deleted(arn, dropped string) {
	if ps == nil {
		return
	}
	ps.deletedSeq++
	ps.deletedN[arn] = ps.deletedSeq
	ps.stages[arn] = true
	if dropped != "" {
		delete(ps.deletedN, dropped)
		ps.stages[dropped] = true
	}
}

func (ps *persist) token(value string) {
	if ps != nil {
		ps.tokens[value] = true
	}
}

func (ps *persist) storageConfig(arn string) {
	if ps != nil {
		ps.storage[arn] = true
	}
}

func (ps *persist) publicKey(arn string) {
	if ps != nil {
		ps.publicKeys[arn] = true
	}
}

func (ps *persist) ingestConfig(arn string) {
	if ps != nil {
		ps.ingest[arn] = true
	}
}

func (ps *persist) encoder(arn string) {
	if ps != nil {
		ps.encoders[arn] = true
	}
}

func (ps *persist) composition(arn string) {
	if ps != nil {
		ps.compositions[arn] = true
	}
}

// quota records that the stage quota was set, so it outlives a restart.
func (ps *persist) quota() {
	if ps != nil {
		ps.meta = true
	}
}

// reset records that the namespace starts over: what is recorded before
// it no longer matters.
func (ps *persist) reset() {
	if ps != nil {
		ps.clear()
		ps.cleared = true
	}
}

// unlock commits what the operation changed, then releases m.mu. When the
// commit fails the operation answers InternalServerException, and the
// state goes back to what the file holds: nothing unstored is kept.
func (m *Memory) unlock(err *error) {
	out := m.settle(err)
	m.mu.Unlock()
	m.deliver(out)
}

// settle stores what changed under m.mu (as unlock) and takes the changes
// bound for other namespaces, which are dropped with the rest when the
// commit fails. The caller holds m.mu and lets it go.
func (m *Memory) settle(err *error) []crossEffect {
	if m.ps != nil && m.ps.dirty() {
		if cerr := m.commit(); cerr != nil {
			// The file's path and Go's error are the operator's to see,
			// not the client's.
			*err = ivsapi.NewInternalServerException("The change could not be stored in the state file")
			m.opts.Logger.Error("a change could not be stored in the state file: it is not kept", "namespace", string(m.ps.ns.key()), "path", m.ps.store.Path(), "error", oneLine(cerr))
			m.resetLocked()
			_ = m.ps.store.db.View(func(tx *bolt.Tx) error { return m.load(tx.Bucket(bucketNS).Bucket(m.ps.ns.key()), m.ps.ns.key()) })
			m.outbox = nil
		}
	}
	out := m.outbox
	m.outbox = nil
	return out
}

// ---- records ------------------------------------------------------------

type metaRec struct {
	Seq        uint32 `json:"seq"`
	StorageSeq uint32 `json:"storageSeq"`
	// PublicKeySeq numbers the public keys imported (absent before them).
	PublicKeySeq uint32 `json:"publicKeySeq,omitempty"`
	// IngestSeq numbers the ingest configurations created (format 6).
	IngestSeq uint32 `json:"ingestSeq,omitempty"`
	// EncoderSeq and CompositionSeq number the encoder configurations
	// created and the compositions started (absent before them).
	EncoderSeq     uint32 `json:"encoderSeq,omitempty"`
	CompositionSeq uint32 `json:"compositionSeq,omitempty"`
	Quota          *int   `json:"quota,omitempty"` // the stage quota
	// Absent from the records of an ivsrt of format 2 or older.
	StorageConfigurationQuota *int   `json:"storageConfigurationQuota,omitempty"`
	PublisherQuota            *int   `json:"publisherQuota,omitempty"`
	SubscriberQuota           *int   `json:"subscriberQuota,omitempty"`
	DeletedSeq                uint64 `json:"deletedSeq"`
	PageKey                   []byte `json:"pageKey"`
}

type stageRec struct {
	Seq      uint32                                       `json:"seq"`
	Name     string                                       `json:"name"`
	Tags     map[string]string                            `json:"tags"`
	Rec      ivsapi.AutoParticipantRecordingConfiguration `json:"rec"`
	Sessions []string                                     `json:"sessions"` // in start order
	Active   string                                       `json:"active,omitempty"`
	Revoked  []string                                     `json:"revoked,omitempty"`
	Deleted  uint64                                       `json:"deleted,omitempty"` // deletion order; 0 while live
	// Endpoints are absent from the records of an ivsrt that did not
	// mint them: load gives such a stage endpoints made from its ARN.
	Endpoints *ivsapi.StageEndpoints `json:"endpoints,omitempty"`
	// SessionsDropped counts the oldest sessions Limits.SessionsPerStage
	// dropped (format 3).
	SessionsDropped int `json:"sessionsDropped,omitempty"`
}

type sessionRec struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

type participantRec struct {
	UserID       string                              `json:"userId"`
	Attributes   map[string]string                   `json:"attributes,omitempty"`
	State        ivsapi.ParticipantState             `json:"state"`
	FirstJoin    time.Time                           `json:"firstJoin"`
	Published    bool                                `json:"published"`
	Publishing   bool                                `json:"publishing"`
	Client       ivscontrol.ClientInfo               `json:"client"`
	Recording    ivsapi.ParticipantRecordingState    `json:"recording"`
	Bucket       string                              `json:"bucket"`
	Prefix       string                              `json:"prefix"`
	Capabilities []ivsapi.ParticipantTokenCapability `json:"capabilities"`
	Events       []eventRec                          `json:"events"`
	// Absent from the records of an ivsrt of the 2024-06-20 API.
	Protocol     ivsapi.ParticipantProtocol `json:"protocol,omitempty"`
	TokenExpires time.Time                  `json:"tokenExpires,omitzero"`
	// EventsDropped counts the oldest events Limits.EventsPerParticipant
	// dropped (format 3).
	EventsDropped uint32 `json:"eventsDropped,omitempty"`
	// Subscribed lists the publishers it subscribes to (format 4).
	Subscribed []string `json:"subscribed,omitempty"`
	// IngestArn is the ingest configuration it publishes through (format 6).
	IngestArn string `json:"ingestArn,omitempty"`
	// Replicas are a source's replications, Source a replica's source
	// (format 6).
	Replicas []replicaRec      `json:"replicas,omitempty"`
	Source   *replicaSourceRec `json:"source,omitempty"`
}

type replicaRec struct {
	StageArn  string                  `json:"stageArn"`
	SessionID string                  `json:"sessionId"`
	State     ivsapi.ReplicationState `json:"state"`
	Window    int32                   `json:"window,omitempty"`
	AwayUntil time.Time               `json:"awayUntil,omitzero"`
}

type replicaSourceRec struct {
	StageArn  string                  `json:"stageArn"`
	SessionID string                  `json:"sessionId"`
	State     ivsapi.ReplicationState `json:"state"`
}

type eventRec struct {
	Name     ivsapi.EventName       `json:"name"`
	At       time.Time              `json:"at"`
	Code     *ivsapi.EventErrorCode `json:"code,omitempty"`
	Remote   string                 `json:"remote,omitempty"`   // a subscribe event's publisher (format 4)
	Exchange *exchangeRec           `json:"exchange,omitempty"` // TOKEN_EXCHANGED
	// The destination of a replication event (format 6).
	DstArn     string `json:"dstArn,omitempty"`
	DstSession string `json:"dstSession,omitempty"`
}

// exchangeRec is the tokens of a TOKEN_EXCHANGED event.
type exchangeRec struct {
	Previous exchangedTokenRec `json:"previous"`
	New      exchangedTokenRec `json:"new"`
}

type exchangedTokenRec struct {
	UserID       *string                             `json:"userId,omitempty"`
	Attributes   map[string]string                   `json:"attributes,omitempty"`
	Capabilities []ivsapi.ParticipantTokenCapability `json:"capabilities"`
	Expires      time.Time                           `json:"expires,omitzero"`
}

func (t exchangedToken) stored() exchangedTokenRec {
	return exchangedTokenRec{UserID: t.userID, Attributes: t.attributes, Capabilities: t.capabilities, Expires: t.expires}
}

func (r exchangedTokenRec) loaded() exchangedToken {
	return exchangedToken{userID: r.UserID, attributes: r.Attributes, capabilities: r.Capabilities, expires: r.Expires}
}

type tokenRec struct {
	StageArn      string                              `json:"stageArn"`
	ParticipantID string                              `json:"participantId"`
	UserID        *string                             `json:"userId,omitempty"`
	Attributes    map[string]string                   `json:"attributes,omitempty"`
	Capabilities  []ivsapi.ParticipantTokenCapability `json:"capabilities"`
	Duration      int32                               `json:"duration"`
	Expires       time.Time                           `json:"expires"`
	Used          bool                                `json:"used,omitempty"`
}

type storageRec struct {
	Seq    uint32            `json:"seq"`
	Name   string            `json:"name"`
	Bucket string            `json:"bucket"`
	Tags   map[string]string `json:"tags"`
}

// encoderRec keeps an encoder configuration, its video defaults applied.
type encoderRec struct {
	Seq   uint32            `json:"seq"`
	Name  string            `json:"name"`
	Video ivsapi.Video      `json:"video"`
	Tags  map[string]string `json:"tags"`
}

// compositionRec keeps a composition: its request's layout and
// destinations as answered, its states and times, and its idempotency
// token with the digest of the request it was given for.
type compositionRec struct {
	Seq          uint32                     `json:"seq"`
	StageArn     string                     `json:"stageArn"`
	State        ivsapi.CompositionState    `json:"state"`
	Layout       ivsapi.LayoutConfiguration `json:"layout"`
	Destinations []destinationRec           `json:"destinations"`
	Tags         map[string]string          `json:"tags"`
	Start        time.Time                  `json:"start"`
	End          time.Time                  `json:"end,omitzero"`
	Token        string                     `json:"token,omitempty"`
	Request      []byte                     `json:"request"`
}

type destinationRec struct {
	ID     string                          `json:"id"`
	State  ivsapi.DestinationState         `json:"state"`
	Start  time.Time                       `json:"start,omitzero"`
	End    time.Time                       `json:"end,omitzero"`
	Config ivsapi.DestinationConfiguration `json:"config"`
	Prefix string                          `json:"prefix,omitempty"`
}

// publicKeyRec keeps a public key as imported; load parses the material
// again for the key and checks it against the fingerprint.
type publicKeyRec struct {
	Seq         uint32            `json:"seq"`
	Name        string            `json:"name"`
	Material    string            `json:"material"`
	Fingerprint string            `json:"fingerprint"`
	Tags        map[string]string `json:"tags"`
}

// ingestRec keeps an ingest configuration; whether it is ACTIVE is not
// kept, but derived from its participant (ingestPublisher).
type ingestRec struct {
	Seq           uint32                `json:"seq"`
	Name          string                `json:"name"`
	StageArn      string                `json:"stageArn"`
	UserID        string                `json:"userId"`
	Attributes    map[string]string     `json:"attributes,omitempty"`
	Protocol      ivsapi.IngestProtocol `json:"protocol"`
	Insecure      bool                  `json:"insecure,omitempty"`
	Redundant     bool                  `json:"redundant,omitempty"`
	StreamKey     string                `json:"streamKey"`
	ParticipantID string                `json:"participantId"`
	BackupID      string                `json:"backupId,omitempty"`
	BackupKey     string                `json:"backupKey,omitempty"`
	Tags          map[string]string     `json:"tags"`
}

func sessionKey(arn, sid string) []byte { return []byte(arn + "\x00" + sid) }

func participantKey(arn, sid, pid string) []byte { return []byte(arn + "\x00" + sid + "\x00" + pid) }

func joinKey(arn, sid string, n int) []byte {
	return binary.BigEndian.AppendUint32([]byte(arn+"\x00"+sid+"\x00"), uint32(n))
}

// records writes a namespace's records, each sealed (seal.go).
type records struct {
	ns      []byte
	buckets map[string]*bolt.Bucket
}

// put writes v's record under key in the named bucket.
func (r records) put(bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return r.buckets[string(bucket)].Put(key, seal(r.ns, bucket, key, data))
}

// putOrDelete writes v's record, or deletes the key when v is gone.
func putOrDelete[T any](r records, bucket, key []byte, v *T, record func(*T) any) error {
	if v == nil {
		return r.buckets[string(bucket)].Delete(key)
	}
	return r.put(bucket, key, record(v))
}

// ---- commit ---------------------------------------------------------------

// commit writes what the journal holds in one transaction. The caller holds m.mu.
func (m *Memory) commit() error {
	ps := m.ps
	defer ps.clear()
	return ps.store.db.Update(func(tx *bolt.Tx) error {
		// A file of an older format takes this one's with its first change
		// (StoreFormat), its records sealed.
		if meta, format := tx.Bucket(bucketMeta), []byte(strconv.Itoa(StoreFormat)); !bytes.Equal(meta.Get(keyFormat), format) {
			if !fileSealed(tx) {
				if err := sealAll(tx); err != nil {
					return err
				}
			}
			if err := meta.Put(keyFormat, format); err != nil {
				return err
			}
		}
		all := tx.Bucket(bucketNS)
		if ps.cleared {
			if err := all.DeleteBucket(ps.ns.key()); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
				return err
			}
			// A namespace exists only while it stores something, in the
			// file as in memory.
			if m.holdsNothingLocked() {
				return nil
			}
		}
		ns, err := all.CreateBucketIfNotExists(ps.ns.key())
		if err != nil {
			return err
		}
		b := map[string]*bolt.Bucket{}
		for _, name := range recordBuckets {
			if b[string(name)], err = ns.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		rec := records{ns: ps.ns.key(), buckets: b}
		meta := metaRec{Seq: m.seq, StorageSeq: m.storage.seq, PublicKeySeq: m.publicKeys.seq, IngestSeq: m.ingest.seq,
			EncoderSeq: m.encoders.seq, CompositionSeq: m.compositions.seq, DeletedSeq: ps.deletedSeq, PageKey: m.pages.key}
		for q, at := range [numQuotas]**int{&meta.Quota, &meta.StorageConfigurationQuota, &meta.PublisherQuota, &meta.SubscriberQuota} {
			if m.quotaSet[q] {
				*at = &m.quotas[q]
			}
		}
		if err := rec.put(bMeta, keyState, meta); err != nil {
			return err
		}
		var gone []string
		for arn := range ps.stages {
			st, n := m.stages[arn], uint64(0)
			if st == nil {
				st, n = m.deleted.byArn[arn], ps.deletedN[arn]
			}
			if st == nil {
				gone = append(gone, arn)
				continue
			}
			if err := rec.put(bStages, []byte(arn), st.stored(n)); err != nil {
				return err
			}
		}
		for _, r := range ps.sessions {
			if err := rec.put(bSessions, sessionKey(r.arn, r.s.id), sessionRec{Start: r.s.start, End: r.s.end}); err != nil {
				return err
			}
		}
		for _, r := range ps.participants {
			if err := rec.put(bParticipants, participantKey(r.arn, r.sid, r.p.id), r.p.stored()); err != nil {
				return err
			}
			k := joinKey(r.arn, r.sid, int(r.p.pos))
			if err := b[string(bJoins)].Put(k, seal(rec.ns, bJoins, k, []byte(r.p.id))); err != nil {
				return err
			}
		}
		for v := range ps.tokens {
			if err := putOrDelete(rec, bTokens, []byte(v), m.tokens[v], (*pToken).stored); err != nil {
				return err
			}
		}
		for arn := range ps.storage {
			if err := putOrDelete(rec, bStorage, []byte(arn), m.storage.byArn[arn], (*storageConfig).stored); err != nil {
				return err
			}
		}
		for arn := range ps.publicKeys {
			if err := putOrDelete(rec, bPublicKeys, []byte(arn), m.publicKeys.byArn[arn], (*publicKey).stored); err != nil {
				return err
			}
		}
		for arn := range ps.ingest {
			if err := putOrDelete(rec, bIngest, []byte(arn), m.ingest.byArn[arn], (*ingestConfig).stored); err != nil {
				return err
			}
		}
		for arn := range ps.encoders {
			if err := putOrDelete(rec, bEncoders, []byte(arn), m.encoders.byArn[arn], (*encoderConfig).stored); err != nil {
				return err
			}
		}
		for arn := range ps.compositions {
			if err := putOrDelete(rec, bCompositions, []byte(arn), m.compositions.byArn[arn], (*composition).stored); err != nil {
				return err
			}
		}
		// Last, so nothing written above for a session or a stage that
		// is gone for good outlives it.
		for _, r := range ps.dropped {
			if err := b[string(bSessions)].Delete(sessionKey(r.arn, r.s.id)); err != nil {
				return err
			}
			for _, name := range [][]byte{bJoins, bParticipants} {
				if err := deletePrefix(b[string(name)], []byte(r.arn+"\x00"+r.s.id+"\x00")); err != nil {
					return err
				}
			}
		}
		for _, arn := range gone {
			if err := b[string(bStages)].Delete([]byte(arn)); err != nil {
				return err
			}
			for _, name := range [][]byte{bSessions, bJoins, bParticipants} {
				if err := deletePrefix(b[string(name)], []byte(arn+"\x00")); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

func (st *stage) stored(deleted uint64) stageRec {
	r := stageRec{Seq: st.seq, Name: st.name, Tags: st.tags, Rec: st.rec, Deleted: deleted, Sessions: make([]string, len(st.history)),
		Endpoints: st.endpoints, SessionsDropped: st.sessionsDropped}
	for i, s := range st.history {
		r.Sessions[i] = s.id
	}
	if st.active != nil {
		r.Active = st.active.id
	}
	for id := range st.revoked {
		r.Revoked = append(r.Revoked, id)
	}
	slices.Sort(r.Revoked)
	return r
}

func (p *participant) stored() participantRec {
	r := participantRec{
		UserID: p.userID, Attributes: p.attributes, State: p.state, FirstJoin: p.firstJoin,
		Published: p.published, Publishing: p.publishing, Client: valueOf(p.client), Recording: p.recording,
		Bucket: p.bucket, Prefix: p.prefix, Capabilities: p.capabilities, Events: make([]eventRec, len(p.events)),
		Protocol: p.protocol, TokenExpires: p.tokenExpires, EventsDropped: p.eventsDropped, Subscribed: p.subscribed,
		IngestArn: p.ingestArn,
	}
	for _, l := range p.replicas {
		r.Replicas = append(r.Replicas, replicaRec{StageArn: l.stageArn, SessionID: l.sessionID, State: l.state, Window: l.window, AwayUntil: l.awayUntil})
	}
	if src := p.source; src != nil {
		r.Source = &replicaSourceRec{StageArn: src.stageArn, SessionID: src.sessionID, State: src.state}
	}
	for i, e := range p.events {
		r.Events[i] = eventRec{Name: e.name, At: e.at, Code: e.code, Remote: e.remote, DstArn: e.dstArn, DstSession: e.dstSession}
		if x := e.exchange; x != nil {
			r.Events[i].Exchange = &exchangeRec{Previous: x.previous.stored(), New: x.next.stored()}
		}
	}
	return r
}

func (t *pToken) stored() any {
	return tokenRec{StageArn: t.stageArn, ParticipantID: t.participantID, UserID: t.userID, Attributes: t.attributes,
		Capabilities: t.capabilities, Duration: t.duration, Expires: t.expires, Used: t.used}
}

func (sc *storageConfig) stored() any {
	return storageRec{Seq: sc.seq, Name: sc.name, Bucket: sc.bucket, Tags: sc.tags}
}

func (ic *ingestConfig) stored() any {
	return ingestRec{Seq: ic.seq, Name: ic.name, StageArn: ic.stageArn, UserID: ic.userID, Attributes: ic.attributes,
		Protocol: ic.protocol, Insecure: ic.insecure, Redundant: ic.redundant, StreamKey: ic.streamKey,
		ParticipantID: ic.participantID, BackupID: ic.backupID, BackupKey: ic.backupKey, Tags: ic.tags}
}

func (ec *encoderConfig) stored() any {
	return encoderRec{Seq: ec.seq, Name: ec.name, Video: ec.video, Tags: ec.tags}
}

func (c *composition) stored() any {
	r := compositionRec{Seq: c.seq, StageArn: c.stageArn, State: c.state, Layout: c.layout, Tags: c.tags,
		Start: c.start, End: c.end, Token: c.token, Request: []byte(c.request)}
	for _, d := range c.destinations {
		r.Destinations = append(r.Destinations, destinationRec{ID: d.id, State: d.state, Start: d.start, End: d.end, Config: d.config, Prefix: d.prefix})
	}
	return r
}

func (k *publicKey) stored() any {
	return publicKeyRec{Seq: k.seq, Name: k.name, Material: k.material, Fingerprint: k.fingerprint, Tags: k.tags}
}

// ---- load -------------------------------------------------------------------

// loadNamespace decodes a namespace's bucket into a Memory, to check it.
func loadNamespace(ns *bolt.Bucket, name []byte) (*Memory, error) {
	m := &Memory{opts: Options{}.withDefaults(), pages: newPageTokens()}
	m.reset()
	return m, m.load(ns, name)
}

// load rebuilds the state from a namespace's bucket ns, named name (nil:
// nothing stored), into an empty Memory. The caller holds m.mu or has the
// Memory alone.
func (m *Memory) load(ns *bolt.Bucket, name []byte) error {
	if ns == nil {
		return nil
	}
	// Every seal is checked before any record is read; the records are
	// read without theirs.
	value := func(v []byte) []byte { return v }
	if fileSealed(ns.Tx()) {
		if err := checkSeals(ns, name); err != nil {
			return err
		}
		value = func(v []byte) []byte {
			if v == nil {
				return nil
			}
			return v[:len(v)-sealSize]
		}
	}
	// A namespace has every bucket once written to, but a nil bucket
	// reads as empty all the same.
	bucket := ns.Bucket
	get := func(name, key []byte) []byte {
		if b := ns.Bucket(name); b != nil {
			return value(b.Get(key))
		}
		return nil
	}
	if data := get(bMeta, keyState); data != nil {
		var meta metaRec
		if err := json.Unmarshal(data, &meta); err != nil {
			return fmt.Errorf("meta: %w", err)
		}
		m.seq, m.storage.seq, m.publicKeys.seq, m.ingest.seq = meta.Seq, meta.StorageSeq, meta.PublicKeySeq, meta.IngestSeq
		m.encoders.seq, m.compositions.seq = meta.EncoderSeq, meta.CompositionSeq
		for q, stored := range [numQuotas]*int{meta.Quota, meta.StorageConfigurationQuota, meta.PublisherQuota, meta.SubscriberQuota} {
			if stored != nil {
				m.quotas[q], m.quotaSet[q] = *stored, true
			}
		}
		if len(meta.PageKey) > 0 {
			m.pages.key = meta.PageKey
		}
		if m.ps != nil {
			m.ps.deletedSeq = meta.DeletedSeq
		}
	}

	var configs []*storageConfig
	err := forEach(bucket(bStorage), value, func(k []byte, r *storageRec) error {
		configs = append(configs, &storageConfig{seq: r.Seq, arn: string(k), name: r.Name, bucket: r.Bucket, tags: r.Tags})
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage configurations: %w", err)
	}
	slices.SortFunc(configs, func(a, b *storageConfig) int { return cmp.Compare(a.seq, b.seq) })
	for _, sc := range configs {
		m.storage.add(sc)
	}

	var keys []*publicKey
	err = forEach(bucket(bPublicKeys), value, func(k []byte, r *publicKeyRec) error {
		key, der, err := parsePublicKey(r.Material)
		if err != nil {
			return err
		}
		if fp := fingerprint(der); fp != r.Fingerprint {
			return fmt.Errorf("fingerprint %s, its material's is %s", r.Fingerprint, fp)
		}
		keys = append(keys, &publicKey{seq: r.Seq, arn: string(k), name: r.Name, material: r.Material, fingerprint: r.Fingerprint, key: key, tags: r.Tags})
		return nil
	})
	if err != nil {
		return fmt.Errorf("public keys: %w", err)
	}
	slices.SortFunc(keys, func(a, b *publicKey) int { return cmp.Compare(a.seq, b.seq) })
	for _, k := range keys {
		m.publicKeys.add(k)
	}

	var ingest []*ingestConfig
	err = forEach(bucket(bIngest), value, func(k []byte, r *ingestRec) error {
		ingest = append(ingest, &ingestConfig{seq: r.Seq, arn: string(k), name: r.Name, stageArn: r.StageArn, userID: r.UserID,
			attributes: r.Attributes, protocol: r.Protocol, insecure: r.Insecure, redundant: r.Redundant, streamKey: r.StreamKey,
			participantID: r.ParticipantID, backupID: r.BackupID, backupKey: r.BackupKey, tags: r.Tags})
		return nil
	})
	if err != nil {
		return fmt.Errorf("ingest configurations: %w", err)
	}
	slices.SortFunc(ingest, func(a, b *ingestConfig) int { return cmp.Compare(a.seq, b.seq) })
	for _, ic := range ingest {
		m.ingest.add(ic)
	}

	var encoders []*encoderConfig
	err = forEach(bucket(bEncoders), value, func(k []byte, r *encoderRec) error {
		if r.Video.Width == nil || r.Video.Height == nil || r.Video.Framerate == nil || r.Video.Bitrate == nil {
			return fmt.Errorf("%q: video settings missing", k)
		}
		encoders = append(encoders, &encoderConfig{seq: r.Seq, arn: string(k), name: r.Name, video: r.Video, tags: r.Tags})
		return nil
	})
	if err != nil {
		return fmt.Errorf("encoder configurations: %w", err)
	}
	slices.SortFunc(encoders, func(a, b *encoderConfig) int { return cmp.Compare(a.seq, b.seq) })
	for _, ec := range encoders {
		m.encoders.add(ec)
	}

	var compositions []*composition
	err = forEach(bucket(bCompositions), value, func(k []byte, r *compositionRec) error {
		if !slices.Contains(ivsapi.CompositionStateValues, string(r.State)) {
			return fmt.Errorf("%q: state %q", k, r.State)
		}
		c := &composition{seq: r.Seq, arn: string(k), stageArn: r.StageArn, state: r.State, layout: r.Layout, tags: r.Tags,
			start: r.Start, end: r.End, token: r.Token, request: string(r.Request)}
		for _, d := range r.Destinations {
			if !slices.Contains(ivsapi.DestinationStateValues, string(d.State)) {
				return fmt.Errorf("%q: destination %s: state %q", k, d.ID, d.State)
			}
			c.destinations = append(c.destinations, &destination{id: d.ID, state: d.State, start: d.Start, end: d.End, config: d.Config, prefix: d.Prefix})
		}
		compositions = append(compositions, c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("compositions: %w", err)
	}
	slices.SortFunc(compositions, func(a, b *composition) int { return cmp.Compare(a.seq, b.seq) })
	for _, c := range compositions {
		m.compositions.add(c)
	}

	type loaded struct {
		st  *stage
		rec stageRec
	}
	var live, deleted []loaded
	byArn := map[string]*stage{}
	err = forEach(bucket(bStages), value, func(k []byte, r *stageRec) error {
		// copyRecording applies the defaults of the members a record of an
		// older ivsrt lacks.
		st := &stage{seq: r.Seq, arn: string(k), name: r.Name, tags: r.Tags, rec: copyRecording(&r.Rec),
			endpoints: r.Endpoints, sessions: map[string]*session{}, revoked: map[string]bool{}, sessionsDropped: r.SessionsDropped}
		if st.endpoints == nil {
			st.endpoints = stageEndpoints(legacyEndpointID(st.arn))
		}
		for _, id := range r.Revoked {
			st.revoked[id] = true
		}
		for _, sid := range r.Sessions {
			data := get(bSessions, sessionKey(st.arn, sid))
			var sr sessionRec
			if err := json.Unmarshal(data, &sr); err != nil {
				return fmt.Errorf("session %s of %s: %w", sid, st.arn, err)
			}
			s := newSession(sid, sr.Start)
			s.end = sr.End
			st.addSession(s)
			if sid == r.Active {
				st.active = s
			}
		}
		byArn[st.arn] = st
		if r.Deleted == 0 {
			live = append(live, loaded{st, *r})
		} else {
			deleted = append(deleted, loaded{st, *r})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("stages: %w", err)
	}
	slices.SortFunc(live, func(a, b loaded) int { return cmp.Compare(a.rec.Seq, b.rec.Seq) })
	for _, l := range live {
		m.addStage(l.st)
	}
	slices.SortFunc(deleted, func(a, b loaded) int { return cmp.Compare(a.rec.Deleted, b.rec.Deleted) })
	for _, l := range deleted {
		m.deleted.keep(l.st, 0) // what the file holds, all of it
		if m.ps != nil {
			m.ps.deletedN[l.st.arn] = l.rec.Deleted
		}
	}

	// Joins are keyed in join order within each session, so participants
	// are added back in the order pages index.
	var c *bolt.Cursor
	if b := bucket(bJoins); b != nil {
		c = b.Cursor()
	}
	for k, v := first(c); k != nil; k, v = c.Next() {
		v = value(v)
		parts := bytes.SplitN(k[:max(len(k)-4, 0)], []byte{0}, 3)
		if len(parts) != 3 || len(k) < 4 {
			return fmt.Errorf("join key %q: malformed", k)
		}
		arn, sid := string(parts[0]), string(parts[1])
		st := byArn[arn]
		if st == nil || st.sessions[sid] == nil {
			return fmt.Errorf("join of %s to %s/%s: no such session", v, arn, sid)
		}
		var r participantRec
		if err := json.Unmarshal(get(bParticipants, participantKey(arn, sid, string(v))), &r); err != nil {
			return fmt.Errorf("participant %s of %s/%s: %w", v, arn, sid, err)
		}
		p := &participant{
			id: string(v), userID: r.UserID, attributes: r.Attributes, state: r.State, firstJoin: r.FirstJoin,
			published: r.Published, publishing: r.Publishing, client: keepClientInfo(r.Client), recording: r.Recording,
			bucket: r.Bucket, prefix: r.Prefix, capabilities: r.Capabilities,
			protocol: r.Protocol, tokenExpires: r.TokenExpires, eventsDropped: r.EventsDropped, subscribed: r.Subscribed,
			ingestArn: r.IngestArn,
		}
		for _, l := range r.Replicas {
			p.replicas = append(p.replicas, replica{stageArn: l.StageArn, sessionID: l.SessionID, state: l.State, window: l.Window, awayUntil: l.AwayUntil})
		}
		if src := r.Source; src != nil {
			p.source = &replicaSource{stageArn: src.StageArn, sessionID: src.SessionID, state: src.State}
		}
		for _, e := range r.Events {
			ev := event{name: e.Name, at: e.At, code: e.Code, remote: e.Remote, dstArn: e.DstArn, dstSession: e.DstSession}
			if x := e.Exchange; x != nil {
				ev.exchange = &exchange{previous: x.Previous.loaded(), next: x.New.loaded()}
			}
			p.events = append(p.events, ev)
		}
		st.sessions[sid].add(p)
	}

	err = forEach(bucket(bTokens), value, func(k []byte, r *tokenRec) error {
		m.addToken(&pToken{value: string(k), stageArn: r.StageArn, participantID: r.ParticipantID, userID: r.UserID,
			attributes: r.Attributes, capabilities: m.capabilities(r.Capabilities), duration: r.Duration, expires: r.Expires, used: r.Used})
		if st := m.stages[r.StageArn]; st != nil && !r.Used {
			st.unused++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	return nil
}

func first(c *bolt.Cursor) (k, v []byte) {
	if c == nil {
		return nil, nil
	}
	return c.First()
}

// forEach decodes every record of a bucket, each value as value gives
// it; a nil bucket has none.
func forEach[R any](b *bolt.Bucket, value func([]byte) []byte, fn func(k []byte, r *R) error) error {
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		var r R
		if err := json.Unmarshal(value(v), &r); err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		return fn(k, &r)
	})
}
