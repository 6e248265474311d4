package behaviour

import (
	"context"
	"fmt"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds what the seeding does with what AWS added to the API
// after 2024-06-20, and what a seeder may do beyond suite.Seeder for the
// cases of cases_current.go: join with an ingest protocol, exchange a
// participant's token, make a publish fail. An ivsrt fake's seeder
// (conformance.ControlSeeder, through the fake's control API) does all
// three; a case whose seeder cannot is skipped, with the reason.

// ProtocolJoiner is a Seeder that can also make a participant join with
// an ingest protocol (one of the contract's Participant.protocol values),
// as an encoder publishing over WHIP or RTMP does, rather than as a client
// of AWS's broadcast SDKs (Seeder.Join).
type ProtocolJoiner interface {
	JoinWithProtocol(ctx context.Context, token, protocol string) (suite.Joined, error)
}

// TokenExchanger is a Seeder that can also make a joined participant
// exchange its token for a new one of the same stage and participant, as
// the broadcast SDKs' exchangeToken does (the user guide's "Token
// Exchange").
type TokenExchanger interface {
	ExchangeToken(ctx context.Context, p suite.Joined, token ExchangedToken) error
}

// ExchangedToken is what the new token of an exchange holds, in the
// members CreateParticipantToken takes: nil ones take its defaults.
type ExchangedToken struct {
	UserID       *string
	Attributes   map[string]string
	Capabilities []string // nil: the default; empty: none
	Duration     *int32
}

// PublishFailer is a Seeder that can also make a participant's publish
// fail with one of the contract's event error codes (Event.errorCode).
type PublishFailer interface {
	FailPublish(ctx context.Context, p suite.Joined, errorCode string) error
}

// The names cases_current.go and the seeding use; a case needs the
// contract to know each it uses (contract.knows), as the lifecycle's
// states are checked before the seeding uses them.
const (
	structEvent          = "Event"
	structParticipant    = "Participant"
	structSummary        = "ParticipantSummary"
	structExchangedToken = "ExchangedParticipantToken"
	eventTokenExchanged  = "TOKEN_EXCHANGED"
	eventPublishError    = "PUBLISH_ERROR"
	capabilityPublish    = "PUBLISH"
)

// needExchangeEvent is what a TOKEN_EXCHANGED event with its tokens needs
// the contract to know.
var needExchangeEvent = []string{
	structEvent + "." + ivscases.MemberName + "=" + eventTokenExchanged,
	structEvent + "." + ivscases.MemberPreviousToken,
	structEvent + "." + ivscases.MemberNewToken,
}

// seedExchange has the participant the live participant placeholder names
// exchange its token once, keeping its user id and capabilities (so the
// seeded session lists as seeded) for attributes of the contract: its
// events then hold a TOKEN_EXCHANGED event with both tokens, which the
// generated shape cases of ListParticipantEvents check. A contract that
// knows no such event, or a seeder that cannot exchange, leaves the
// participant as it was. A failure is kept for the cases that look at the
// live participant's events.
func (r *runner) seedExchange(ctx context.Context) {
	ex, ok := r.Target().Seeder.(TokenExchanger)
	if !ok || !r.c.knows(needExchangeEvent...) {
		return
	}
	live, f := r.Live(r.liveParticipant)
	if f != nil {
		return
	}
	for _, p := range r.seed.participants {
		if p.ParticipantID != live {
			continue
		}
		tok := ExchangedToken{UserID: new(p.userID)}
		if attrs := r.c.attributeMaps(); len(attrs) > 0 {
			tok.Attributes = stringMap(attrs[0])
		}
		if err := ex.ExchangeToken(ctx, p.Joined, tok); err != nil {
			r.seed.exchangeFailure = seederFailure(fmt.Sprintf("ExchangeToken(participant %s of stage %s)", p.ParticipantID, p.StageArn), err)
		}
		return
	}
}

// stringMap is a JSON object of strings as a map of strings.
func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := make(map[string]string, len(m))
	for k, e := range m {
		out[k] = fmt.Sprint(e)
	}
	return out
}
