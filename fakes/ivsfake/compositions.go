package ivsfake

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/validate"
)

// Compositions mix a stage's participants into one video for an IVS
// channel or an S3 bucket (AWS's user guide, "Server-Side Composition").
// The fake mixes nothing: a composition is its record, STARTING when
// started; the control API (POST /_ivsrt/composition) moves it and its
// destinations through the states AWS's would go through. AWS's own
// timers (a composition stops a minute after its stage is empty) are not
// simulated: a test makes them happen through the control API.

// compositionState holds the account's compositions, guarded by Memory.mu.
type compositionState struct {
	byArn map[string]*composition
	// byToken finds the composition a StartComposition idempotency token
	// made (only those started with one).
	byToken map[string]*composition
	// order holds the compositions by start, the order ListCompositions
	// lists them in; seq numbers them. A page token resumes at a
	// sequence number, as ListStages' does.
	order []*composition
	seq   uint32
}

type composition struct {
	seq          uint32
	arn          string
	stageArn     string
	state        ivsapi.CompositionState
	layout       ivsapi.LayoutConfiguration // defaults applied; never changed
	destinations []*destination
	tags         map[string]string // replaced, never changed in place
	start, end   time.Time         // end is zero until it stops or fails
	// token is the request's idempotency token ("" for none) and request
	// the digest of the rest of the request, which a repeat must match.
	token   string
	request string
}

type destination struct {
	id         string
	state      ivsapi.DestinationState
	start, end time.Time // end is zero until it ends
	config     ivsapi.DestinationConfiguration
	prefix     string // of an s3 destination: the recording prefix
}

// active reports whether a composition has not ended: it uses its stage,
// encoder and storage configurations.
func (c *composition) active() bool {
	return c.state != ivsapi.CompositionStateStopped && c.state != ivsapi.CompositionStateFailed
}

// id is the composition's id, the last part of its ARN.
func (c *composition) id() string { return c.arn[strings.LastIndexByte(c.arn, '/')+1:] }

// uses reports whether the composition encodes with, or records to, arn.
func (c *composition) uses(arn string) bool {
	for _, d := range c.destinations {
		if ch := d.config.Channel; ch != nil && valueOf(ch.EncoderConfigurationArn) == arn {
			return true
		}
		if s3 := d.config.S3; s3 != nil && (valueOf(s3.StorageConfigurationArn) == arn || slices.Contains(s3.EncoderConfigurationArns, arn)) {
			return true
		}
	}
	return false
}

// compositionUsing is the first active composition, in start order, that
// uses the encoder or storage configuration arn, or nil. The caller holds
// m.mu.
func (m *Memory) compositionUsing(arn string) *composition {
	for _, c := range m.compositions.order {
		if c.active() && c.uses(arn) {
			return c
		}
	}
	return nil
}

// lookupComposition finds a composition the caller may see: another
// account's is AccessDeniedException, an unknown one
// ResourceNotFoundException. The caller holds m.mu.
func (m *Memory) lookupComposition(arn string) (*composition, error) {
	if c := m.compositions.byArn[arn]; c != nil {
		return c, nil
	}
	if _, account, ok := ivsapi.ParseCompositionArn(arn); ok && account != m.opts.Account {
		return nil, ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, arn)
	}
	return nil, ivsapi.NewResourceNotFoundException("Resource: %s not found", arn)
}

// checkComposition holds a StartComposition request to the rules its
// documentation states beyond the spec's bounds:
//   - a destination names a channel or an s3 destination (documented,
//     DestinationConfiguration: "Either a channel or an s3 must be
//     specified"), not both (inferred: Composition.destinations' docs,
//     "either one destination (channel or s3) or two (one channel and
//     one s3)");
//   - at most one of each (documented, the same words);
//   - a layout is a grid or a PiP, not both (inferred: LayoutConfiguration
//     lists the layouts a composition may have, and it has one).
func checkComposition(in *ivsapi.StartCompositionRequest) error {
	var e validate.Errors
	channels, buckets := 0, 0
	for i, d := range in.Destinations {
		path := ivsapi.MemberDestinations + "." + strconv.Itoa(i+1) + ".member"
		switch {
		case d.Channel == nil && d.S3 == nil:
			e.Add(validate.Violation{Path: path, Value: "{}", Rule: "Member must specify either channel or s3"})
		case d.Channel != nil && d.S3 != nil:
			e.Add(validate.Violation{Path: path, Value: "{channel, s3}", Rule: "Member must specify only one of channel and s3"})
		case d.Channel != nil:
			channels++
		default:
			buckets++
		}
	}
	if channels > 1 || buckets > 1 {
		e.Add(validate.Violation{Path: ivsapi.MemberDestinations, Value: strconv.Itoa(len(in.Destinations)) + " destinations",
			Rule: "Member must hold one destination (channel or s3) or two (one channel and one s3)"})
	}
	if l := in.Layout; l != nil && l.Grid != nil && l.Pip != nil {
		e.Add(validate.Violation{Path: ivsapi.MemberLayout, Value: "{grid, pip}", Rule: "Member must specify only one of grid and pip"})
	}
	if e.Len() > 0 {
		return ivsapi.NewValidationException("%s", e.Message())
	}
	return nil
}

// requestDigest is what a repeat of a StartComposition with the same
// idempotency token must match: the request without its token.
func requestDigest(in *ivsapi.StartCompositionRequest) string {
	c := *in
	c.IdempotencyToken = nil
	b, _ := json.Marshal(&c) // plain structs of the spec: cannot fail
	sum := sha256.Sum256(b)
	return string(sum[:])
}

// StartComposition starts a composition of a stage, STARTING, each
// destination STARTING.
//
// The stage must exist (ResourceNotFoundException, another account's
// AccessDeniedException); it need not have a session (documented: the
// composition stops "after a 1-minute timeout, if there are no
// participants in the stage when StartComposition is called", so
// starting one then succeeds). Each encoder and storage configuration a
// destination names must exist in the account, as the stage does
// (documented: ChannelDestinationConfiguration, "The encoder
// configuration and stage resources must be in the same AWS account and
// region"). A channel the fake cannot see (channels are IVS low-latency
// resources): one must be in the stage's account and region (documented:
// "The channel and stage resources must be in the same AWS account and
// region"); one of another account is AccessDeniedException, as another
// account's resources are, one of another region
// ResourceNotFoundException, as a resource no region holds is (both
// inferred); any other is taken.
//
// A repeat with the same idempotency token and the same request answers
// the composition the first made (documented: the model's
// idempotencyToken trait); the same token with another request is
// ConflictException while that composition has not ended (inferred: the
// model declares it, and AWS's other idempotent operations refuse a
// mismatched repeat), and starts a new one after (inferred: AWS deletes a
// stopped composition; a run repeated against one server sends its cases'
// tokens again).
func (m *Memory) StartComposition(_ context.Context, in *ivsapi.StartCompositionRequest) (_ *ivsapi.StartCompositionResponse, err error) {
	if err := checkComposition(in); err != nil {
		return nil, err
	}
	if l := in.Layout; l.Grid == nil && l.Pip == nil {
		// A layout given as {} is the default one, a grid.
		l.Grid = &ivsapi.GridConfiguration{}
		l.Grid.SetDefaults()
	}
	token, digest := valueOf(in.IdempotencyToken), requestDigest(in)
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	if c := m.compositions.byToken[token]; token != "" && c != nil {
		switch {
		case c.request == digest:
			return &ivsapi.StartCompositionResponse{Composition: c.view()}, nil
		case c.active():
			return nil, ivsapi.NewConflictException("Idempotency token %s was used by another StartComposition request, which made %s", token, c.arn)
		}
		// The composition the token made has ended (AWS deletes it): the
		// token starts a new one, which it names from now on.
	}
	st, err := m.lookup(*in.StageArn)
	if err != nil {
		return nil, err
	}
	for _, d := range in.Destinations {
		if err := m.checkDestination(d); err != nil {
			return nil, err
		}
	}
	// Limits.Compositions bounds them, ended ones included: AWS deletes
	// one when it stops, the fake keeps an ended one for Get and List to
	// report (inferred, docs/contract.md) until it needs the room.
	if limit := m.opts.Limits.Compositions; len(m.compositions.byArn) >= limit && !m.dropEndedComposition() {
		return nil, ivsapi.NewServiceQuotaExceededException("Composition bound exceeded: the account holds %d compositions, none ended, its limit is %d (a bound of this fake: AWS publishes no such quota)", len(m.compositions.byArn), limit)
	}
	c := m.startComposition(st.arn, *in.Layout, in.Destinations, in.Tags, token, digest, now)
	return &ivsapi.StartCompositionResponse{Composition: c.view()}, nil
}

// checkDestination looks up what a destination names. The caller holds m.mu.
func (m *Memory) checkDestination(d ivsapi.DestinationConfiguration) error {
	if ch := d.Channel; ch != nil {
		switch region, account := arnRegionAccount(*ch.ChannelArn); {
		case account != m.opts.Account:
			return ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, *ch.ChannelArn)
		case region != m.opts.Region:
			return ivsapi.NewResourceNotFoundException("Resource: %s not found in %s", *ch.ChannelArn, m.opts.Region)
		}
		if ch.EncoderConfigurationArn != nil {
			if _, err := m.lookupEncoder(*ch.EncoderConfigurationArn); err != nil {
				return err
			}
		}
	}
	if s3 := d.S3; s3 != nil {
		if _, err := m.lookupStorage(*s3.StorageConfigurationArn); err != nil {
			return err
		}
		for _, arn := range s3.EncoderConfigurationArns {
			if _, err := m.lookupEncoder(arn); err != nil {
				return err
			}
		}
	}
	return nil
}

// arnRegionAccount reads an ARN's region and account (its fourth and
// fifth fields), "" where it has none.
func arnRegionAccount(arn string) (region, account string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "", ""
	}
	return parts[3], parts[4]
}

// dropEndedComposition drops the oldest ended composition, to make room;
// false when every composition is active. The caller holds m.mu.
func (m *Memory) dropEndedComposition() bool {
	for _, c := range m.compositions.order {
		if !c.active() {
			m.dropComposition(c)
			return true
		}
	}
	return false
}

// GetComposition returns a composition.
func (m *Memory) GetComposition(_ context.Context, in *ivsapi.GetCompositionRequest) (*ivsapi.GetCompositionResponse, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, err := m.lookupComposition(*in.Arn)
	if err != nil {
		return nil, err
	}
	return &ivsapi.GetCompositionResponse{Composition: c.view()}, nil
}

// StopComposition stops a composition: STARTING or ACTIVE, it and its
// destinations not yet ended go STOPPING (the control API finishes the
// stop, as STOPPED). Stopping one STOPPING or ended changes nothing and
// succeeds (inferred: a stop asked twice has what it asked for).
func (m *Memory) StopComposition(_ context.Context, in *ivsapi.StopCompositionRequest) (_ *ivsapi.StopCompositionResponse, err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	c, err := m.lookupComposition(*in.Arn)
	if err != nil {
		return nil, err
	}
	if c.state == ivsapi.CompositionStateStarting || c.state == ivsapi.CompositionStateActive {
		m.setCompositionState(c, ivsapi.CompositionStateStopping, now)
	}
	return &ivsapi.StopCompositionResponse{}, nil
}

// ListCompositions returns one page of the account's compositions, in
// start order, those of filterByStageArn and those using
// filterByEncoderConfigurationArn (both: those matching both, inferred;
// the model says nothing of giving both); page tokens work as ListStages'
// do, bound to the filters.
func (m *Memory) ListCompositions(_ context.Context, in *ivsapi.ListCompositionsRequest) (*ivsapi.ListCompositionsResponse, error) {
	byStage, byEncoder := valueOf(in.FilterByStageArn), valueOf(in.FilterByEncoderConfigurationArn)
	query := pageQuery(ivsapi.OpListCompositions, m.opts.Account, byStage+"\x00"+byEncoder)
	var from uint32
	if in.NextToken != nil && *in.NextToken != "" {
		pos, err := m.pages.open(*in.NextToken, query, "Member must be a token ListCompositions issued for the same filters")
		if err != nil {
			return nil, err
		}
		from = uint32(pos)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := &ivsapi.ListCompositionsResponse{Compositions: []ivsapi.CompositionSummary{}}
	i, _ := slices.BinarySearchFunc(m.compositions.order, from, func(c *composition, seq uint32) int { return cmp.Compare(c.seq, seq) })
	limit := int(*in.MaxResults)
	for _, c := range m.compositions.order[i:] {
		if byStage != "" && c.stageArn != byStage || byEncoder != "" && !c.usesEncoder(byEncoder) {
			continue
		}
		if len(out.Compositions) == limit {
			out.NextToken = new(m.pages.issue(int(c.seq), query))
			break
		}
		out.Compositions = append(out.Compositions, c.summary())
	}
	return out, nil
}

// usesEncoder reports whether a destination of the composition encodes
// with the encoder configuration arn (the filter's words: "attached to at
// least one of its output").
func (c *composition) usesEncoder(arn string) bool {
	for _, d := range c.destinations {
		if ch := d.config.Channel; ch != nil && valueOf(ch.EncoderConfigurationArn) == arn {
			return true
		}
		if s3 := d.config.S3; s3 != nil && slices.Contains(s3.EncoderConfigurationArns, arn) {
			return true
		}
	}
	return false
}

// SetComposition moves a composition, or one of its destinations, to a
// state (POST /_ivsrt/composition). The composition takes STARTING,
// ACTIVE, STOPPING, STOPPED or FAILED, its destinations not ended
// following it; a destination also takes RECONNECTING. An ended
// composition (STOPPED or FAILED) changes no more: ConflictException.
func (m *Memory) SetComposition(in ivscontrol.CompositionInput) (err error) {
	now := m.now()
	m.mu.Lock()
	defer m.unlock(&err)
	c, err := m.lookupComposition(in.Arn)
	if err != nil {
		return err
	}
	if !c.active() {
		return ivsapi.NewConflictException("composition %s has ended (%s): its state changes no more", c.arn, c.state)
	}
	if in.DestinationId == "" {
		state := ivsapi.CompositionState(in.State)
		if !slices.Contains(ivsapi.CompositionStateValues, in.State) {
			return ivsapi.NewValidationException("state: %q is not one of %v", in.State, ivsapi.CompositionStateValues)
		}
		m.setCompositionState(c, state, now)
		return nil
	}
	i := slices.IndexFunc(c.destinations, func(d *destination) bool { return d.id == in.DestinationId })
	if i < 0 {
		return ivsapi.NewResourceNotFoundException("composition %s has no destination %s", c.arn, in.DestinationId)
	}
	if !slices.Contains(ivsapi.DestinationStateValues, in.State) {
		return ivsapi.NewValidationException("state: %q is not one of %v", in.State, ivsapi.DestinationStateValues)
	}
	m.setDestinationState(c, i, ivsapi.DestinationState(in.State), now)
	return nil
}

// view is the composition as GetComposition and StartComposition answer
// it: it shares nothing that changes in place.
func (c *composition) view() *ivsapi.Composition {
	layout := c.layout
	out := &ivsapi.Composition{
		Arn:          new(c.arn),
		StageArn:     new(c.stageArn),
		State:        new(c.state),
		Layout:       &layout,
		Destinations: make([]ivsapi.Destination, 0, len(c.destinations)),
		Tags:         c.tags,
		StartTime:    new(c.start),
	}
	if !c.end.IsZero() {
		out.EndTime = new(c.end)
	}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	for _, d := range c.destinations {
		v := ivsapi.Destination{Id: new(d.id), State: new(d.state), Configuration: new(d.config)}
		v.StartTime, v.EndTime = timeOrNil(d.start), timeOrNil(d.end)
		if d.config.S3 != nil {
			v.Detail = &ivsapi.DestinationDetail{S3: &ivsapi.S3Detail{RecordingPrefix: new(d.prefix)}}
		}
		out.Destinations = append(out.Destinations, v)
	}
	return out
}

// summary is the composition as ListCompositions answers it.
func (c *composition) summary() ivsapi.CompositionSummary {
	out := ivsapi.CompositionSummary{
		Arn:          new(c.arn),
		StageArn:     new(c.stageArn),
		State:        new(c.state),
		Destinations: make([]ivsapi.DestinationSummary, 0, len(c.destinations)),
		Tags:         c.tags,
		StartTime:    new(c.start),
		EndTime:      timeOrNil(c.end),
	}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	for _, d := range c.destinations {
		out.Destinations = append(out.Destinations, ivsapi.DestinationSummary{Id: new(d.id), State: new(d.state),
			StartTime: timeOrNil(d.start), EndTime: timeOrNil(d.end)})
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
