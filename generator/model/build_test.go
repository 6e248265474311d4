package model

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/spec"
)

func TestBuildEmbedded(t *testing.T) {
	d, err := spec.Embedded()
	require.NoError(t, err)
	svc, err := Build(d)
	require.NoError(t, err)
	var ops []string
	for _, o := range svc.Operations {
		ops = append(ops, o.Name)
	}
	require.Equal(t, []string{"CreateStage", "GetStage", "UpdateStage", "GetParticipant", "ListParticipants"}, ops)
	for _, st := range svc.Structs {
		t.Logf("%s in=%v out=%v", st.Name, st.Input, st.Output)
		for _, m := range st.Members {
			t.Logf("   %s %s req=%v def=%v limits=%+v", m.Name, m.Type, m.Required, m.Default, m.Type.Limits)
		}
	}
	for _, e := range svc.Errors {
		t.Logf("error %+v", *e)
	}
}
