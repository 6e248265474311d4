package fakegen

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/generator/model"
)

func TestEnumConst(t *testing.T) {
	state := &model.Enum{Name: "ParticipantState"}
	for v, want := range map[string]string{
		"CONNECTED":    "ParticipantStateConnected",
		"DISCONNECTED": "ParticipantStateDisconnected",
		"AUDIO_VIDEO":  "ParticipantStateAudioVideo",
		"audio-only":   "ParticipantStateAudioOnly",
		"two words":    "ParticipantStateTwoWords",
		"video/mp4":    "ParticipantStateVideoMp4",
		"1080p":        "ParticipantState1080p",
		"__x__":        "ParticipantStateX",
		"été":          "ParticipantStateÉté",
		"a.b:c":        "ParticipantStateABC",
		"MixedCase":    "ParticipantStateMixedcase",
	} {
		require.Equal(t, want, enumConst(state, v), v)
	}
}

func TestParseExpr(t *testing.T) {
	id := &model.Identifier{Parts: []model.IdentifierPart{
		{Literal: "arn:aws:ivs:"}, {Var: "region"}, {Literal: ":"}, {Var: "account"}, {Literal: ":stage/"}, {Random: 12},
	}}
	require.Equal(t, "arn:aws:ivs:(.+?):(.+?):stage/.+", parseExpr(id))
	require.Equal(t, `a\.b\{(.+?)`, parseExpr(&model.Identifier{Parts: []model.IdentifierPart{{Literal: "a.b{"}, {Var: "x"}}}))
}
