package ivsfake

import (
	"math/rand/v2"
	"sort"
	"testing"
)

// TestPosSetAgreesWithAMap drives a posSet and a map with the same random
// adds and removes, and asks both for every next member.
func TestPosSetAgreesWithAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		var set posSet
		want := map[int]bool{}
		span := 1 + rng.IntN(5000)
		for range 2000 {
			pos := rng.IntN(span)
			if rng.IntN(3) == 0 {
				set.remove(pos)
				delete(want, pos)
			} else {
				set.add(pos)
				want[pos] = true
			}
		}
		var members []int
		for pos := range want {
			members = append(members, pos)
		}
		sort.Ints(members)
		if set.empty() != (len(members) == 0) {
			t.Fatalf("round %d: empty() = %v with %d members", round, set.empty(), len(members))
		}
		// Every word kept holds a member: a removed word is dropped.
		for _, w := range set.words {
			if w.bits == 0 {
				t.Fatalf("round %d: a zero word at %d is kept", round, w.at)
			}
		}
		for pos := range span + 70 {
			i := sort.SearchInts(members, pos)
			got, ok := set.next(pos)
			if i == len(members) {
				if ok {
					t.Fatalf("round %d: next(%d) = %d, want none", round, pos, got)
				}
				continue
			}
			if !ok || got != members[i] {
				t.Fatalf("round %d: next(%d) = %d, %v, want %d", round, pos, got, ok, members[i])
			}
		}
	}
	var none *posSet
	if _, ok := none.next(0); ok {
		t.Fatal("a nil set has a member")
	}
}
