package ivsfake

import (
	"net/http"

	"github.com/ivsrt/contract/fakes/ivscontrol"
)

// The control API's requests, answers and client live in package
// ivscontrol, which the conformance suite uses without linking in the
// fake; these names keep the fake's own API (ivsfake.NewControl,
// ivsfake.JoinInput, ...) as it was.
type (
	// Control is the Go API over a fake's control endpoints.
	Control = ivscontrol.Control
	// ClientInfo is what a joining client reports about itself.
	ClientInfo = ivscontrol.ClientInfo
	// JoinInput makes a participant join a stage with a token.
	JoinInput = ivscontrol.JoinInput
	// JoinOutput says where the participant joined.
	JoinOutput = ivscontrol.JoinOutput
	// ParticipantRef names a participant of a stage's live session.
	ParticipantRef = ivscontrol.ParticipantRef
	// RecordingInput sets a participant's recording state.
	RecordingInput = ivscontrol.RecordingInput
	// Fault makes the next calls of an operation fail.
	Fault = ivscontrol.Fault
	// Info is what GET /_ivsrt/ answers.
	Info = ivscontrol.Info
	// QuotaInput sets the account's stage quota.
	QuotaInput = ivscontrol.QuotaInput
	// QuotaOutput is what setting the stage quota answers.
	QuotaOutput = ivscontrol.QuotaOutput
)

// ControlPrefix is where the control API lives, apart from the AWS paths.
const ControlPrefix = ivscontrol.Prefix

// NewControl returns a Control for the fake at baseURL (e.g.
// http://127.0.0.1:4566); hc nil means http.DefaultClient.
func NewControl(baseURL string, hc *http.Client) *Control {
	return ivscontrol.NewControl(baseURL, hc)
}
