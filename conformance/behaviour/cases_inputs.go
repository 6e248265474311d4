package behaviour

import (
	"maps"
	"slices"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file derives every value the hand-written cases send from the
// generated Contract's members: names, user ids, token counts, durations,
// attributes, tags, storage configurations and made-up identifiers. Only
// member NAMES are written here; a spec edit to what a member allows
// reaches the cases through `make generate`.

// Structs and members of the service the hand-written cases speak of.
const (
	structCreate       = "CreateStageRequest"
	structGetStage     = "GetStageRequest"
	structGetPart      = "GetParticipantRequest"
	structList         = "ListParticipantsRequest"
	structRecording    = "AutoParticipantRecordingConfiguration"
	structStage        = "Stage"
	structStageSummary = "StageSummary"
	structTokenConfig  = "ParticipantTokenConfiguration"
)

// seedUsers is how many distinct user ids the seeded participants share
// (fewer when the spec allows fewer): several participants per user id, so
// a user id filter keeps more than one.
const seedUsers = 7

// member returns Struct.name from the contract, or the failure of a
// contract that lacks it.
func (c contract) member(structName, name string) (*suite.Member, *suite.Failure) {
	if m := c.Member(structName, name); m != nil {
		return m, nil
	}
	return nil, suite.Failf(nil, "the contract has no member %s.%s", structName, name)
}

// samples returns n distinct string samples of Struct.name.
func (c contract) samples(structName, name string, n int) ([]string, *suite.Failure) {
	m, f := c.member(structName, name)
	if f != nil {
		return nil, f
	}
	ss := m.Strings()
	if len(ss) < n {
		return nil, suite.Skipf("the spec allows %s.%s fewer than %d distinct values the suite knows (%d)", structName, name, n, len(ss))
	}
	return ss[:n], nil
}

// stageNames are n distinct valid stage names.
func (c contract) stageNames(n int) ([]string, *suite.Failure) {
	return c.samples(structCreate, ivscases.MemberName, n)
}

// userIDs are n distinct valid user ids of token configurations.
func (c contract) userIDs(n int) ([]string, *suite.Failure) {
	return c.samples(structTokenConfig, ivscases.MemberUserId, n)
}

// tokenLimit is how many token configurations one CreateStage takes: the
// spec's maxItems of participantTokenConfigurations, else seedCount.
func (c contract) tokenLimit() int {
	if m := c.Member(structCreate, ivscases.MemberParticipantTokenConfigurations); m != nil && m.MaxItems != nil {
		return *m.MaxItems
	}
	return seedCount
}

// durations are valid token durations other than the default one.
func (c contract) durations() ([]any, *suite.Failure) {
	m, f := c.member(structTokenConfig, ivscases.MemberDuration)
	if f != nil {
		return nil, f
	}
	def, _ := c.DefaultValue(structTokenConfig, ivscases.MemberDuration)
	var out []any
	for _, v := range m.Values() {
		if suite.Canonical(v) != suite.Canonical(def) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, suite.Skipf("the spec allows %s.%s no value but its default", structTokenConfig, ivscases.MemberDuration)
	}
	return out, nil
}

// attributeMaps are valid, non-empty token attributes.
func (c contract) attributeMaps() []any {
	m := c.Member(structTokenConfig, ivscases.MemberAttributes)
	if m == nil {
		return nil
	}
	var out []any
	for _, v := range m.Values() {
		if mv, ok := v.(map[string]any); ok && len(mv) > 0 {
			out = append(out, mv)
		}
	}
	return out
}

// capabilities are the token capabilities and how many one token may have.
func (c contract) capabilities() ([]any, int, *suite.Failure) {
	m, f := c.member(structTokenConfig, ivscases.MemberCapabilities)
	if f != nil {
		return nil, 0, f
	}
	if m.Elem == nil || len(m.Elem.Enum) == 0 {
		return nil, 0, suite.Skipf("the contract gives %s.%s no enum", structTokenConfig, ivscases.MemberCapabilities)
	}
	all := make([]any, len(m.Elem.Enum))
	for i, v := range m.Elem.Enum {
		all[i] = v
	}
	most := len(all)
	if m.MaxItems != nil {
		most = min(most, *m.MaxItems)
	}
	return all, most, nil
}

// tagsValue is the spec's tag map of CreateStage.
func (c contract) tagsValue() *suite.Value {
	if m := c.Member(structCreate, ivscases.MemberTags); m != nil {
		return &m.Value
	}
	return &suite.Value{}
}

func (r *runner) runTags() map[string]any {
	return map[string]any{r.c.RunTagKey: r.RunID()}
}

// caseTags are the run tag and, where the spec's tags allow a second
// entry, a tag naming the case (its value cut to what a tag value allows).
func (r *runner) caseTags(caseTag string) map[string]any {
	c := r.c
	tags := r.runTags()
	v := c.tagsValue()
	if c.CaseTagKey == "" || v.MaxEntries != nil && *v.MaxEntries < 2 {
		return tags
	}
	if v.Elem != nil {
		caseTag = v.Elem.Fit(caseTag)
	}
	tags[c.CaseTagKey] = caseTag
	return tags
}

// seedUser is the userId of the i-th seeded participant.
func (r *runner) seedUser(i int) string { return r.users[i%len(r.users)] }

// seedConfigs are the token configurations of seeded participants from..to.
func (r *runner) seedConfigs(from, to int) []map[string]any {
	out := make([]map[string]any, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, map[string]any{ivscases.MemberUserId: r.seedUser(i)})
	}
	return out
}

// mintFor makes a well-formed identifier for Struct.member that the target
// did not mint, in the member's identifier format.
func (r *runner) mintFor(structName, member string) (string, *suite.Failure) {
	m, f := r.c.member(structName, member)
	if f != nil {
		return "", f
	}
	if m.Identifier == "" {
		return "", suite.Failf(nil, "the contract gives %s.%s no identifier format", structName, member)
	}
	return r.Mint(m.Identifier)
}

// storageArn is the storage configuration stages that record point at:
// the target's, else, where there is a seeder (a fake, which takes any),
// the first valid one of the spec that does not turn recording off.
// Elsewhere (the real service wants one that exists) the cases that need
// one are skipped, with the reason.
func (r *runner) storageArn() (string, *suite.Failure) {
	if _, f := r.Live(r.liveStage); f != nil {
		return "", f // the target could not even make a stage
	}
	if given := r.givenStorage(); given != "" {
		return given, nil
	}
	if r.Target().Seeder == nil {
		return "", suite.SkipFor(SetStorageConfiguration, "no storage configuration to record to: a made-up one is only for fakes")
	}
	c := r.c
	m, f := c.member(structRecording, ivscases.MemberStorageConfigurationArn)
	if f != nil {
		return "", f
	}
	rs, _ := c.Reset(structRecording)
	for _, s := range m.Strings() {
		if rs.Member != ivscases.MemberStorageConfigurationArn || s != rs.Equals {
			return s, nil
		}
	}
	return "", suite.Skipf("the spec allows %s.%s no value that records", structRecording, ivscases.MemberStorageConfigurationArn)
}

// otherMediaType is a media type that is not in the default.
func (r *runner) otherMediaType() (string, *suite.Failure) {
	c := r.c
	m, f := c.member(structRecording, ivscases.MemberMediaTypes)
	if f != nil {
		return "", f
	}
	def, _ := c.DefaultValue(structRecording, ivscases.MemberMediaTypes)
	defs, _ := def.([]any)
	if m.Elem != nil {
		for _, v := range m.Elem.Enum {
			if !slices.Contains(defs, any(v)) {
				return v, nil
			}
		}
	}
	return "", suite.Skipf("every media type of the contract is in the default %s: none to set instead", suite.Canonical(def))
}

// withTags is body with the case's tags.
func (r *runner) withTags(body map[string]any, caseTag string) map[string]any {
	body = maps.Clone(body)
	body[ivscases.MemberTags] = r.caseTags(caseTag)
	return body
}
