package ivsfake

import (
	"cmp"
	"context"
	"slices"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/validate"
)

// Encoder configurations are the transcoding settings a composition's
// destinations encode with (the model: "Settings for transcoding"). The
// fake keeps them as created, video defaults applied (the spec's
// defaults: 1280x720, 30 fps, 2500000 bps), and refuses to delete one an
// active composition uses.

// encoderState holds the account's encoder configurations, guarded by
// Memory.mu like the stages, so a DeleteEncoderConfiguration and a
// StartComposition naming the same configuration cannot interleave.
type encoderState struct {
	byArn map[string]*encoderConfig
	// order holds the configurations by creation, the order
	// ListEncoderConfigurations lists them in; seq numbers them. A page
	// token resumes at a sequence number, as ListStages' does.
	order []*encoderConfig
	seq   uint32
}

type encoderConfig struct {
	seq   uint32
	arn   string
	name  string
	video ivsapi.Video      // defaults applied; never changed
	tags  map[string]string // replaced, never changed in place: see view
}

// maxEncoderConfigurations bounds how many encoder configurations one
// account holds in a region. AWS's service-quotas page for real-time
// streaming lists none (CreateEncoderConfiguration declares
// ServiceQuotaExceededException all the same); the fake takes the most one
// page of ListEncoderConfigurations lists, as it does for public keys, so
// no client grows the process without end.
const maxEncoderConfigurations = ivsapi.ListEncoderConfigurationsRequestMaxResultsMax

// maxVideoPixels is the most pixels a frame may hold: documented, the
// model's descriptions of Video.width and Video.height ("the maximum
// total pixels is 2073600 (1920x1080 or 1080x1920)"). The spec's bounds
// on each member cannot state a bound on their product.
const maxVideoPixels = 1920 * 1080

// checkVideo holds video settings, defaults applied, to the rules their
// documentation states beyond the spec's bounds: width and height even
// ("This must be an even number"), and at most maxVideoPixels in all.
func checkVideo(v *ivsapi.Video) error {
	var e validate.Errors
	for _, d := range []struct {
		member string
		value  int32
	}{{ivsapi.MemberWidth, *v.Width}, {ivsapi.MemberHeight, *v.Height}} {
		if d.value%2 != 0 {
			e.Add(validate.Violation{Path: ivsapi.MemberVideo + "." + d.member, Value: validate.Render(d.value), Rule: "Member must be an even number"})
		}
	}
	if px := int64(*v.Width) * int64(*v.Height); px > maxVideoPixels {
		e.Add(validate.Violation{Path: ivsapi.MemberVideo, Value: validate.Render(px), Rule: "Member must have width times height of at most 2073600 pixels"})
	}
	if e.Len() > 0 {
		return ivsapi.NewValidationException("%s", e.Message())
	}
	return nil
}

// lookupEncoder finds an encoder configuration the caller may see:
// another account's is AccessDeniedException, an unknown one
// ResourceNotFoundException. The caller holds m.mu.
func (m *Memory) lookupEncoder(arn string) (*encoderConfig, error) {
	if ec := m.encoders.byArn[arn]; ec != nil {
		return ec, nil
	}
	if _, account, ok := ivsapi.ParseEncoderConfigurationArn(arn); ok && account != m.opts.Account {
		return nil, ivsapi.NewAccessDeniedException("User: arn:aws:iam::%s:root is not authorized to access %s", m.opts.Account, arn)
	}
	return nil, ivsapi.NewResourceNotFoundException("Resource: %s not found", arn)
}

// CreateEncoderConfiguration stores an encoder configuration.
func (m *Memory) CreateEncoderConfiguration(_ context.Context, in *ivsapi.CreateEncoderConfigurationRequest) (_ *ivsapi.CreateEncoderConfigurationResponse, err error) {
	if err := checkVideo(in.Video); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.unlock(&err)
	if n := len(m.encoders.byArn); n >= maxEncoderConfigurations {
		return nil, ivsapi.NewServiceQuotaExceededException("Encoder configuration bound exceeded: the account holds %d encoder configurations, its limit is %d (a bound of this fake: AWS publishes no such quota)", n, maxEncoderConfigurations)
	}
	ec := m.createEncoder(valueOf(in.Name), *in.Video, in.Tags)
	return &ivsapi.CreateEncoderConfigurationResponse{EncoderConfiguration: ec.view()}, nil
}

// GetEncoderConfiguration returns an encoder configuration.
func (m *Memory) GetEncoderConfiguration(_ context.Context, in *ivsapi.GetEncoderConfigurationRequest) (*ivsapi.GetEncoderConfigurationResponse, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	ec, err := m.lookupEncoder(*in.Arn)
	if err != nil {
		return nil, err
	}
	return &ivsapi.GetEncoderConfigurationResponse{EncoderConfiguration: ec.view()}, nil
}

// DeleteEncoderConfiguration deletes an encoder configuration no active
// composition uses: documented, the model's description of the operation
// ("Ensures that no Compositions are using this template; otherwise,
// returns an error"), the error being the ConflictException it declares
// (inferred, as DeleteStorageConfiguration documents it: "409
// ConflictException"); "using" is read as a composition not yet stopped
// or failed (inferred: one that has ended encodes nothing).
func (m *Memory) DeleteEncoderConfiguration(_ context.Context, in *ivsapi.DeleteEncoderConfigurationRequest) (_ *ivsapi.DeleteEncoderConfigurationResponse, err error) {
	m.mu.Lock()
	defer m.unlock(&err)
	ec, err := m.lookupEncoder(*in.Arn)
	if err != nil {
		return nil, err
	}
	if c := m.compositionUsing(ec.arn); c != nil {
		return nil, ivsapi.NewConflictException("Encoder configuration %s is in use by composition %s (state %s)", ec.arn, c.arn, c.state)
	}
	m.deleteEncoder(ec)
	return &ivsapi.DeleteEncoderConfigurationResponse{}, nil
}

// ListEncoderConfigurations returns one page of the account's encoder
// configurations, in creation order; page tokens work as ListStages' do.
//
// The model declares AccessDeniedException, ConflictException and
// ServiceQuotaExceededException here too; the fake lists only the
// caller's account and the documentation names no case for the others,
// so it answers none of them.
func (m *Memory) ListEncoderConfigurations(_ context.Context, in *ivsapi.ListEncoderConfigurationsRequest) (*ivsapi.ListEncoderConfigurationsResponse, error) {
	query := pageQuery(ivsapi.OpListEncoderConfigurations, m.opts.Account, "")
	var from uint32
	if in.NextToken != nil && *in.NextToken != "" {
		pos, err := m.pages.open(*in.NextToken, query, "Member must be a token ListEncoderConfigurations issued")
		if err != nil {
			return nil, err
		}
		from = uint32(pos)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := &ivsapi.ListEncoderConfigurationsResponse{EncoderConfigurations: []ivsapi.EncoderConfigurationSummary{}}
	i, _ := slices.BinarySearchFunc(m.encoders.order, from, func(e *encoderConfig, seq uint32) int { return cmp.Compare(e.seq, seq) })
	limit := int(*in.MaxResults)
	for _, ec := range m.encoders.order[i:] {
		if len(out.EncoderConfigurations) == limit {
			out.NextToken = new(m.pages.issue(int(ec.seq), query))
			break
		}
		v := ec.view()
		out.EncoderConfigurations = append(out.EncoderConfigurations, ivsapi.EncoderConfigurationSummary{Arn: v.Arn, Name: v.Name, Tags: v.Tags})
	}
	return out, nil
}

// view shares the configuration's tags with the response: TagResource
// and UntagResource replace the map instead of changing it. The name is
// "" when it has none, as for the other resources.
func (ec *encoderConfig) view() *ivsapi.EncoderConfiguration {
	video := ec.video
	out := &ivsapi.EncoderConfiguration{
		Arn:   new(ec.arn),
		Name:  new(ec.name),
		Video: &video,
		Tags:  ec.tags,
	}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out
}
