package generator

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/generator/model"
)

// The name constants: one per operation and one per JSON member name,
// whichever structures share it; both halves write the same file.
func TestNamesFile(t *testing.T) {
	fake, suite := renderEmbedded(t, EmitFake), renderEmbedded(t, EmitSuite)
	require.Equal(t, string(fake[NamesFile]), string(suite[NamesFile]))
	src := string(fake[NamesFile])
	for _, want := range []string{`OpGetStage `, `= "GetStage"`, `MemberStageArn `, `= "stageArn"`, `MemberArn `, `= "arn"`, "var Operations = []string{"} {
		require.Contains(t, src, want)
	}
}

// Two JSON names that would share a constant are refused, not renamed.
func TestNamesRefuseAClash(t *testing.T) {
	svc := embeddedService(t)
	st := svc.Structs[0]
	st.Members = append(st.Members, &model.Member{Name: "Arn", GoName: "Arn", Type: &model.Type{Kind: model.String}})
	_, err := Render(svc, Options{Package: "ivs", Emit: EmitAll})
	require.ErrorContains(t, err, `members "Arn" and "arn" both become the constant MemberArn`)
}
