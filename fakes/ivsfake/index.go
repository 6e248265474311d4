package ivsfake

import (
	"math/bits"
	"slices"

	"github.com/ivsrt/contract/fakes/ivsapi"
)

// A session indexes its participants by the filters of ListParticipants
// they pass (ivsapi.ListParticipantsRequestItemKeys), so that a filtered
// page costs about the same with 100,000 participants as with 1,000: it
// seeks the next match instead of testing every participant after the
// page token.

// posSet is a set of join positions: the non-zero 64-bit words of a
// bitset, in order. A dense set (every participant CONNECTED) takes a bit
// per position, a sparse one (the participants of one userId) a word per
// member; adding and removing cost the same wherever the position is, and
// next finds the following member in O(log n).
type posSet struct{ words []posWord }

type posWord struct {
	at   uint32 // position / 64
	bits uint64
}

func (s *posSet) find(at uint32) (int, bool) {
	return slices.BinarySearchFunc(s.words, at, func(w posWord, at uint32) int { return int(w.at) - int(at) })
}

func (s *posSet) add(pos int) {
	i, ok := s.find(uint32(pos / 64))
	if !ok {
		s.words = slices.Insert(s.words, i, posWord{at: uint32(pos / 64)})
	}
	s.words[i].bits |= 1 << (pos % 64)
}

func (s *posSet) remove(pos int) {
	i, ok := s.find(uint32(pos / 64))
	if !ok {
		return
	}
	if s.words[i].bits &^= 1 << (pos % 64); s.words[i].bits == 0 {
		s.words = slices.Delete(s.words, i, i+1)
	}
}

func (s *posSet) empty() bool { return len(s.words) == 0 }

// next returns the smallest member at or after pos; a nil set has none.
func (s *posSet) next(pos int) (int, bool) {
	if s == nil {
		return 0, false
	}
	i, _ := s.find(uint32(pos / 64))
	for ; i < len(s.words); i++ {
		w := s.words[i]
		if int(w.at) == pos/64 {
			w.bits &^= 1<<(pos%64) - 1 // members before pos
		}
		if w.bits != 0 {
			return int(w.at)*64 + bits.TrailingZeros64(w.bits), true
		}
	}
	return 0, false
}

// filterIndex maps a filter's key (ListParticipantsRequest.FilterKey) to
// the positions of the participants that pass it.
type filterIndex map[string]*posSet

// itemKeys are the filter keys a participant passes now.
func (p *participant) itemKeys() []string {
	sum := p.summary()
	return ivsapi.ListParticipantsRequestItemKeys(&sum)
}

// add indexes a participant that has just joined at position pos.
func (s *session) add(p *participant) {
	p.pos = int32(len(s.participants))
	s.participants = append(s.participants, p)
	s.byID[p.id] = p
	if p.publishing {
		s.publishers++
	}
	if len(p.subscribed) > 0 {
		s.subscribers++
	}
	for _, pub := range p.subscribed {
		s.indexSubscription(p, pub)
	}
	for _, k := range p.itemKeys() {
		s.index.set(k).add(int(p.pos))
	}
}

// indexSubscription notes that p subscribes to the publisher pub.
func (s *session) indexSubscription(p *participant, pub string) {
	if s.subscribersOf == nil {
		s.subscribersOf = map[string][]*participant{}
	}
	s.subscribersOf[pub] = append(s.subscribersOf[pub], p)
}

func (x filterIndex) set(key string) *posSet {
	set := x[key]
	if set == nil {
		set = &posSet{}
		x[key] = set
	}
	return set
}

// change applies mutate to a participant of the session and moves it in
// the index from the keys it passed to the ones it passes now, and keeps
// the count of publishers. Every change to what a participant's summary
// shows, and to whether it publishes, goes through here.
func (s *session) change(p *participant, mutate func()) {
	before, publishing, subscribing := p.itemKeys(), p.publishing, len(p.subscribed) > 0
	mutate()
	switch {
	case p.publishing && !publishing:
		s.publishers++
	case !p.publishing && publishing:
		s.publishers--
	}
	switch now := len(p.subscribed) > 0; {
	case now && !subscribing:
		s.subscribers++
	case !now && subscribing:
		s.subscribers--
	}
	after := p.itemKeys()
	for i := range before {
		// ItemKeys lists one key per filter, in the same order.
		if before[i] == after[i] {
			continue
		}
		if set := s.index[before[i]]; set != nil {
			if set.remove(int(p.pos)); set.empty() {
				delete(s.index, before[i])
			}
		}
		s.index.set(after[i]).add(int(p.pos))
	}
}

// matching returns the set of the participants that pass a filter key,
// nil (an empty set) when none does.
func (s *session) matching(key string) *posSet { return s.index[key] }

// connectedKey is the filter key of the participants still CONNECTED: a
// session ends when its set empties.
var connectedKey = func() string {
	v := ivsapi.ParticipantStateConnected
	return (&ivsapi.ListParticipantsRequest{FilterByState: &v}).FilterKey()
}()

// anyConnected reports whether a participant of the session is connected.
func (s *session) anyConnected() bool { return s.matching(connectedKey) != nil }
