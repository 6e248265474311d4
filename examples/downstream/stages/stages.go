// Package stages is a downstream team's own, deliberately tiny
// implementation of the IVS Real-Time stage operations: a map of stages
// behind the Backend interface that `ivsrt generate` wrote into package
// ivs. The generated ivs.Handler does the protocol, validation and
// defaults; this package only keeps stages. It has no sessions or
// participants: GetParticipant finds none and ListParticipants lists none.
package stages

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"example.com/downstream/ivs"
)

// Store keeps stages in memory. The zero value is not ready: use New.
type Store struct {
	ivs.UnimplementedBackend // an operation the spec gains answers 501 until written here

	region, account string

	mu      sync.Mutex
	stages  map[string]*ivs.Stage
	configs map[string]*ivs.StorageConfiguration // storage.go
}

var _ ivs.Backend = (*Store)(nil)

// New returns an empty store that mints ARNs in region and account.
func New(region, account string) *Store {
	return &Store{region: region, account: account, stages: map[string]*ivs.Stage{}}
}

// CreateStage stores a stage and issues one token per configuration. The
// Handler has already validated the request and applied the spec's
// defaults (token duration and capabilities, the recording configuration).
func (s *Store) CreateStage(_ context.Context, in *ivs.CreateStageRequest) (*ivs.CreateStageResponse, error) {
	st := &ivs.Stage{
		Arn:                                   new(ivs.NewStageArn(s.region, s.account)),
		Name:                                  new(deref(in.Name)),
		Tags:                                  maps.Clone(in.Tags),
		AutoParticipantRecordingConfiguration: in.AutoParticipantRecordingConfiguration,
		Endpoints:                             newEndpoints(),
	}
	out := &ivs.CreateStageResponse{Stage: clone(st), ParticipantTokens: []ivs.ParticipantToken{}}
	for _, c := range in.ParticipantTokenConfigurations {
		out.ParticipantTokens = append(out.ParticipantTokens, ivs.ParticipantToken{
			ParticipantId:  new(ivs.NewParticipantId()),
			Token:          new(rand.Text()),
			UserId:         c.UserId,
			Attributes:     c.Attributes,
			Duration:       c.Duration,
			Capabilities:   c.Capabilities,
			ExpirationTime: new(time.Now().UTC().Add(time.Duration(*c.Duration) * time.Minute).Truncate(time.Second)),
		})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stages[*st.Arn] = st
	return out, nil
}

// find returns a stored stage; the caller holds s.mu. Another account's
// stage is AccessDeniedException, an unknown one ResourceNotFoundException.
func (s *Store) find(arn string) (*ivs.Stage, error) {
	if _, account, ok := ivs.ParseStageArn(arn); ok && account != s.account {
		return nil, ivs.NewAccessDeniedException("Not authorized to access %s", arn)
	}
	st, ok := s.stages[arn]
	if !ok {
		return nil, ivs.NewResourceNotFoundException("Stage not found: %s", arn)
	}
	return st, nil
}

// GetStage returns a stored stage.
func (s *Store) GetStage(_ context.Context, in *ivs.GetStageRequest) (*ivs.GetStageResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.find(*in.Arn) // in.Arn is present and well formed: the Handler checked it
	if err != nil {
		return nil, err
	}
	return &ivs.GetStageResponse{Stage: clone(st)}, nil
}

// UpdateStage changes the members the request gives and leaves the others.
func (s *Store) UpdateStage(_ context.Context, in *ivs.UpdateStageRequest) (*ivs.UpdateStageResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.find(*in.Arn)
	if err != nil {
		return nil, err
	}
	if in.Name != nil {
		st.Name = in.Name
	}
	if in.AutoParticipantRecordingConfiguration != nil {
		st.AutoParticipantRecordingConfiguration = in.AutoParticipantRecordingConfiguration
	}
	return &ivs.UpdateStageResponse{Stage: clone(st)}, nil
}

// DeleteStage forgets a stored stage.
func (s *Store) DeleteStage(_ context.Context, in *ivs.DeleteStageRequest) (*ivs.DeleteStageResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.find(*in.Arn); err != nil {
		return nil, err
	}
	delete(s.stages, *in.Arn)
	return &ivs.DeleteStageResponse{}, nil
}

// ListStages lists the stored stages in ARN order, a page at a time. A
// page token is the last ARN of the page before (base64, to fit the
// spec's token pattern), so paging resumes after it.
func (s *Store) ListStages(_ context.Context, in *ivs.ListStagesRequest) (*ivs.ListStagesResponse, error) {
	after := ""
	if in.NextToken != nil && *in.NextToken != "" {
		b, err := base64.StdEncoding.DecodeString(*in.NextToken)
		if err != nil {
			return nil, ivs.NewValidationException("Value '%s' at 'nextToken' failed to satisfy constraint: Member must be a token ListStages issued", *in.NextToken)
		}
		after = string(b)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &ivs.ListStagesResponse{Stages: []ivs.StageSummary{}}
	for _, arn := range slices.Sorted(maps.Keys(s.stages)) {
		if arn <= after {
			continue
		}
		if len(out.Stages) == int(*in.MaxResults) {
			out.NextToken = new(base64.StdEncoding.EncodeToString([]byte(*out.Stages[len(out.Stages)-1].Arn)))
			break
		}
		st := s.stages[arn]
		out.Stages = append(out.Stages, ivs.StageSummary{Arn: st.Arn, Name: st.Name, Tags: maps.Clone(st.Tags)})
	}
	return out, nil
}

// GetParticipant finds no participant: nobody ever joins this store's stages.
func (s *Store) GetParticipant(_ context.Context, in *ivs.GetParticipantRequest) (*ivs.GetParticipantResponse, error) {
	if err := s.denied(*in.StageArn); err != nil {
		return nil, err
	}
	return nil, ivs.NewResourceNotFoundException("Participant not found: %s", *in.ParticipantId)
}

// ListParticipants lists nobody, as the contract has it for an unknown session.
func (s *Store) ListParticipants(_ context.Context, in *ivs.ListParticipantsRequest) (*ivs.ListParticipantsResponse, error) {
	if err := s.denied(*in.StageArn); err != nil {
		return nil, err
	}
	return &ivs.ListParticipantsResponse{Participants: []ivs.ParticipantSummary{}}, nil
}

// denied refuses a stage ARN of another account with AccessDeniedException,
// as find does, for the operations that answer an unknown stage of the
// store's own account without looking it up.
func (s *Store) denied(arn string) error {
	if _, account, ok := ivs.ParseStageArn(arn); ok && account != s.account {
		return ivs.NewAccessDeniedException("Not authorized to access %s", arn)
	}
	return nil
}

// clone copies a stored stage for an answer: the Handler applies the
// spec's defaults to answers in place, so an answer must share nothing
// with what the store keeps (or with another request's answer).
func clone(st *ivs.Stage) *ivs.Stage {
	c := *st
	c.Tags = maps.Clone(st.Tags)
	if rec := st.AutoParticipantRecordingConfiguration; rec != nil {
		r := *rec
		r.MediaTypes = slices.Clone(rec.MediaTypes)
		c.AutoParticipantRecordingConfiguration = &r
	}
	return &c
}

// newEndpoints mints a stage's endpoints, in the form of AWS's CLI
// examples (on the production host): one 12-character id of lowercase
// letters and digits for rtmp, rtmps and whip. They never change, so
// answers share them.
func newEndpoints() *ivs.StageEndpoints {
	id := strings.ToLower(ivs.NewParticipantId())
	return &ivs.StageEndpoints{
		Events: new("wss://global.events.live-video.net"),
		Whip:   new("https://" + id + ".global-bm.whip.live-video.net"),
		Rtmp:   new("rtmp://" + id + ".global-contribute.live-video.net/app/"),
		Rtmps:  new("rtmps://" + id + ".global-contribute.live-video.net:443/app/"),
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
