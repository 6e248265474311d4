package ivsfake

import "github.com/ivsrt/contract/fakes/ivsapi"

// Limits bound what a fake keeps where AWS sets no quota, so that no
// client can grow the process without end; each is far above what a
// normal test needs (docs/serving.md lists them and why). A zero field
// takes its default. `ivsrt serve` runs with the defaults; a test of your
// own may lower one to see what happens at it.
type Limits struct {
	// NamespacesPerAccount bounds how many regions one account holds
	// state in (DefaultNamespacesPerAccount). Past it, ThrottlingException.
	NamespacesPerAccount int
	// UnusedTokensPerStage bounds the tokens of a stage that nobody has
	// joined with and that have not expired
	// (DefaultUnusedTokensPerStage). AWS keeps none (its tokens are
	// signed, not stored); the fake must keep each until it expires, up
	// to 14 days. Past it, CreateParticipantToken answers
	// ServiceQuotaExceededException, which it declares.
	UnusedTokensPerStage int
	// SessionsPerStage bounds the sessions a stage keeps, live or deleted
	// (DefaultSessionsPerStage); a session that would exceed it drops the
	// oldest ended one, as AWS forgets old sessions.
	SessionsPerStage int
	// EventsPerParticipant bounds the events a participant keeps in a
	// session (DefaultEventsPerParticipant); the oldest go first. Page
	// tokens count from the first event ever, so paging stays exact.
	EventsPerParticipant int
	// DeletedStages bounds the deleted stages whose sessions stay
	// readable (DefaultDeletedStages); the oldest deleted go first.
	DeletedStages int
	// PendingFaults bounds the faults queued and not yet used in one
	// account and region (DefaultPendingFaults); past it, the control
	// API's /faults answers ServiceQuotaExceededException.
	PendingFaults int
	// FaultMessageBytes bounds an injected fault's message
	// (DefaultFaultMessageBytes); a longer one is a ValidationException.
	FaultMessageBytes int
	// Compositions bounds the compositions one account keeps in a region,
	// ended ones included (DefaultCompositions): AWS deletes a
	// composition when it stops, the fake keeps an ended one for Get and
	// List to report. A composition past it drops the oldest ended one;
	// with none ended, StartComposition answers
	// ServiceQuotaExceededException, which it declares.
	Compositions int
}

// The defaults of Limits.
const (
	DefaultUnusedTokensPerStage = 1000
	DefaultSessionsPerStage     = 100
	DefaultEventsPerParticipant = 1000
	DefaultDeletedStages        = 1000
	DefaultPendingFaults        = 100
	DefaultFaultMessageBytes    = 1024
	DefaultCompositions         = 1000
)

func (l Limits) withDefaults() Limits {
	for _, f := range []struct {
		v   *int
		def int
	}{
		{&l.NamespacesPerAccount, DefaultNamespacesPerAccount},
		{&l.UnusedTokensPerStage, DefaultUnusedTokensPerStage},
		{&l.SessionsPerStage, DefaultSessionsPerStage},
		{&l.EventsPerParticipant, DefaultEventsPerParticipant},
		{&l.DeletedStages, DefaultDeletedStages},
		{&l.PendingFaults, DefaultPendingFaults},
		{&l.FaultMessageBytes, DefaultFaultMessageBytes},
		{&l.Compositions, DefaultCompositions},
	} {
		if *f.v <= 0 {
			*f.v = f.def
		}
	}
	return l
}

// unusedTokensExceeded is CreateParticipantToken's (and CreateStage's)
// answer past Limits.UnusedTokensPerStage: ServiceQuotaExceededException,
// which both declare. AWS has no such quota; its message says so.
func unusedTokensExceeded(stageArn string, held, limit int) error {
	if stageArn == "" {
		return ivsapi.NewServiceQuotaExceededException("Participant token bound exceeded: %d tokens asked for, its limit is %d unused for one stage (a bound of this fake: AWS sets no such quota)", held, limit)
	}
	return ivsapi.NewServiceQuotaExceededException("Participant token bound exceeded: stage %s has %d tokens nobody has joined with, its limit is %d (a bound of this fake: AWS sets no such quota); join with some, or let them expire", stageArn, held, limit)
}
