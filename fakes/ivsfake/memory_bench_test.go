package ivsfake_test

import (
	"context"
	"math"
	"testing"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// BenchmarkMemoryCreateStage and BenchmarkMemoryGetStage call the backend
// in process, without a store: what the mutators and their journal cost
// (a nil check each) shows here, where HTTP's noise in BenchmarkGetStage
// and BenchmarkCreateStageState would hide it.
func BenchmarkMemoryCreateStage(b *testing.B) {
	m := ivsfake.NewMemory(ivsfake.Options{StageQuota: math.MaxInt32})
	in := &ivsapi.CreateStageRequest{Name: new("bench"), Tags: map[string]string{"team": "media", "env": "bench"}}
	in.SetDefaults()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.CreateStage(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMemoryGetStage(b *testing.B) {
	m := ivsfake.NewMemory(ivsfake.Options{})
	in := &ivsapi.CreateStageRequest{Name: new("bench"), Tags: map[string]string{"team": "media", "env": "bench"}}
	in.SetDefaults()
	ctx := context.Background()
	out, err := m.CreateStage(ctx, in)
	if err != nil {
		b.Fatal(err)
	}
	get := &ivsapi.GetStageRequest{Arn: out.Stage.Arn}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.GetStage(ctx, get); err != nil {
			b.Fatal(err)
		}
	}
}
