package ivsfake

import (
	"encoding/json"
	"maps"
	"slices"
)

// SetStoreMaxSize bounds a store's file, so a test can make commits fail
// as on a full disk.
func SetStoreMaxSize(s *Store, n int) { s.db.MaxSize = n }

// ControlActions lists the control API's POST actions (their paths under
// ControlPrefix), for tests that must cover each.
func ControlActions() []string { return slices.Sorted(maps.Keys(controlActions)) }

// StateRecords renders everything a Memory holds that its state file
// must hold too, in the orders the Memory keeps: more than the API shows
// (a revoked participant id, a token freed or used, a deleted stage's
// place in the deletion order), so a store test can tell a change that
// was not stored even when no answer differs. What a load rebuilds
// (indexes, the expiry queue, st.used) is left out.
func StateRecords(m *Memory) string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	type participantDump struct {
		ID  string
		Pos int32
		Rec participantRec
	}
	type sessionDump struct {
		ID           string
		Rec          sessionRec
		Participants []participantDump
	}
	type stageDump struct {
		Arn      string
		Rec      stageRec
		Sessions []sessionDump
	}
	type storageDump struct {
		Arn string
		Rec any
	}
	var d struct {
		Seq, StorageSeq uint32
		Quotas          [numQuotas]int
		PageKey         []byte
		Stages, Deleted []stageDump
		Tokens          map[string]any // JSON sorts the keys
		Storage         []storageDump
		PublicKeySeq    uint32
		PublicKeys      []storageDump
		IngestSeq       uint32
		Ingest          []storageDump
		EncoderSeq      uint32
		Encoders        []storageDump
		CompositionSeq  uint32
		Compositions    []storageDump
	}
	d.Seq, d.StorageSeq, d.Quotas, d.PageKey = m.seq, m.storage.seq, m.quotas, m.pages.key
	d.PublicKeySeq = m.publicKeys.seq
	d.IngestSeq = m.ingest.seq
	d.EncoderSeq, d.CompositionSeq = m.encoders.seq, m.compositions.seq
	if m.holdsNothingLocked() {
		// A namespace that holds nothing is not in the file at all: its
		// counters and page key start over at the next load, which no
		// answer shows (no page token of it can point at anything).
		d.Seq, d.StorageSeq, d.PageKey = 0, 0, nil
		d.PublicKeySeq, d.IngestSeq = 0, 0
		d.EncoderSeq, d.CompositionSeq = 0, 0
	}
	dump := func(st *stage, deleted uint64) stageDump {
		sd := stageDump{Arn: st.arn, Rec: st.stored(deleted)}
		for _, s := range st.history {
			ss := sessionDump{ID: s.id, Rec: sessionRec{Start: s.start, End: s.end}}
			for _, p := range s.participants {
				ss.Participants = append(ss.Participants, participantDump{ID: p.id, Pos: p.pos, Rec: p.stored()})
			}
			sd.Sessions = append(sd.Sessions, ss)
		}
		return sd
	}
	for _, st := range m.order {
		d.Stages = append(d.Stages, dump(st, 0))
	}
	for _, arn := range m.deleted.order {
		var n uint64
		if m.ps != nil {
			n = m.ps.deletedN[arn]
		}
		d.Deleted = append(d.Deleted, dump(m.deleted.byArn[arn], n))
	}
	d.Tokens = map[string]any{}
	for v, t := range m.tokens {
		d.Tokens[v] = t.stored()
	}
	for _, sc := range m.storage.order {
		d.Storage = append(d.Storage, storageDump{Arn: sc.arn, Rec: sc.stored()})
	}
	for _, k := range m.publicKeys.order {
		d.PublicKeys = append(d.PublicKeys, storageDump{Arn: k.arn, Rec: k.stored()})
	}
	for _, ic := range m.ingest.order {
		d.Ingest = append(d.Ingest, storageDump{Arn: ic.arn, Rec: ic.stored()})
	}
	for _, ec := range m.encoders.order {
		d.Encoders = append(d.Encoders, storageDump{Arn: ec.arn, Rec: ec.stored()})
	}
	for _, c := range m.compositions.order {
		d.Compositions = append(d.Compositions, storageDump{Arn: c.arn, Rec: c.stored()})
	}
	out, err := json.MarshalIndent(d, "", " ")
	if err != nil {
		panic(err)
	}
	return string(out)
}

// SealSize is how many bytes a record's seal adds to its value (format 4).
const SealSize = sealSize
