package ivsfake

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/validate"
	"github.com/ivsrt/contract/fakes/wire"
)

// The quotas of AWS's service-quotas page for IVS real-time streaming
// ("Other Quotas") that apply to what the fake implements, with AWS's
// defaults; each namespace (account and region) has its own, as on AWS,
// and the control API sets them (POST /_ivsrt/quota). Past one, the
// operation answers AWS's error for it, ServiceQuotaExceededException
// (402); the message's words are the fake's, as AWS publishes none.
const (
	// DefaultStageQuota is AWS's "Stages" quota: 100 per account and
	// region (adjustable).
	DefaultStageQuota = 100
	// DefaultStorageConfigurationQuota is how many storage configurations
	// an account may hold in a region. AWS has a quota ("your service
	// quota or 100, whichever is smaller", says ListStorageConfigurations'
	// maxResults) but publishes no default; the fake takes 100, the most
	// one default page lists.
	DefaultStorageConfigurationQuota = 100
	// DefaultPublisherQuota is AWS's "Stage participants (publishers)":
	// at most 12 participants publish to a stage at once (not adjustable
	// on AWS; the control API may change it for a test).
	DefaultPublisherQuota = 12
	// DefaultSubscriberQuota is AWS's "Stage participants (subscribers)":
	// at most 10,000 participants subscribe to a stage at once
	// (adjustable).
	DefaultSubscriberQuota = 10000
	// MaxQuota is the largest quota the control API takes: a quota goes
	// over the wire as a JSON number, and clients may hold it in an int32.
	MaxQuota = math.MaxInt32
	// MaxStageQuota is MaxQuota, by its older name.
	MaxStageQuota = MaxQuota
)

// quota names one of the quotas a namespace enforces.
type quota int

const (
	quotaStages quota = iota
	quotaStorageConfigurations
	quotaPublishers
	quotaSubscribers
	numQuotas
)

// quotaMembers are the control API's names of the quotas.
var quotaMembers = [numQuotas]string{"stageQuota", "storageConfigurationQuota", "publisherQuota", "subscriberQuota"}

// defaultQuotas are the quotas of Options (with defaults applied).
func (o Options) defaultQuotas() [numQuotas]int {
	return [numQuotas]int{o.StageQuota, o.StorageConfigurationQuota, o.PublisherQuota, o.SubscriberQuota}
}

// SetStageQuota sets how many stages the account may hold, from now on,
// and returns the quota it replaces. Stages beyond a lowered quota stay;
// CreateStage is refused until the count is under it.
func (m *Memory) SetStageQuota(n int) (previous int, err error) {
	prev, err := m.SetQuotas(map[quota]int{quotaStages: n})
	return prev[quotaStages], err
}

// SetQuotas sets the quotas given, together, and returns every quota as
// it was before. Resources beyond a lowered quota stay; what would add
// one more is refused until the count is under it.
func (m *Memory) SetQuotas(set map[quota]int) (previous [numQuotas]int, err error) {
	for q, n := range set {
		if n < 0 || n > MaxQuota {
			return previous, quotaViolation(q, strconv.Itoa(n))
		}
	}
	m.mu.Lock()
	defer m.unlock(&err)
	return m.setQuotas(set), nil
}

// StageQuota returns the stage quota and how many stages the account holds.
func (m *Memory) StageQuota() (quota, stages int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.quotas[quotaStages], len(m.stages)
}

// quotaOutput is what POST /_ivsrt/quota answers.
func (m *Memory) quotaOutput(previous [numQuotas]int) ivscontrol.QuotaOutput {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return ivscontrol.QuotaOutput{
		StageQuota: m.quotas[quotaStages], PreviousStageQuota: previous[quotaStages], Stages: len(m.stages),
		StorageConfigurationQuota:         m.quotas[quotaStorageConfigurations],
		PreviousStorageConfigurationQuota: previous[quotaStorageConfigurations],
		StorageConfigurations:             len(m.storage.byArn),
		PublisherQuota:                    m.quotas[quotaPublishers],
		PreviousPublisherQuota:            previous[quotaPublishers],
		SubscriberQuota:                   m.quotas[quotaSubscribers],
		PreviousSubscriberQuota:           previous[quotaSubscribers],
	}
}

// parseQuotas reads POST /_ivsrt/quota's body: any of stageQuota,
// storageConfigurationQuota, publisherQuota and subscriberQuota, at least
// one. It decodes
// the members itself, so that a quota that is missing, not a whole number
// or out of range is a ValidationException naming its member, as AWS
// words a bad member, rather than a SerializationException about Go
// types.
func parseQuotas(body []byte) (map[quota]int, error) {
	var in struct {
		StageQuota                json.RawMessage `json:"stageQuota"`
		StorageConfigurationQuota json.RawMessage `json:"storageConfigurationQuota"`
		PublisherQuota            json.RawMessage `json:"publisherQuota"`
		SubscriberQuota           json.RawMessage `json:"subscriberQuota"`
	}
	if err := wire.Decode(body, &in); err != nil {
		return nil, err
	}
	out := map[quota]int{}
	for q, raw := range [numQuotas]json.RawMessage{in.StageQuota, in.StorageConfigurationQuota, in.PublisherQuota, in.SubscriberQuota} {
		switch string(raw) {
		case "":
			continue
		case "null":
			return nil, quotaError(quota(q), "null", "Member must not be null")
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || n < 0 || n > MaxQuota {
			return nil, quotaViolation(quota(q), string(raw))
		}
		out[quota(q)] = int(n)
	}
	if len(out) == 0 {
		return nil, quotaError(quotaStages, "null", "Member must not be null when no other quota is given")
	}
	return out, nil
}

// quotaViolation is the ValidationException of a quota that is not a
// whole number from 0 to MaxQuota.
func quotaViolation(q quota, value string) error {
	return quotaError(q, validate.Render(value), fmt.Sprintf("Member must be a whole number from 0 to %d", MaxQuota))
}

func quotaError(q quota, value, rule string) error {
	var e validate.Errors
	e.Add(validate.Violation{Path: quotaMembers[q], Value: value, Rule: rule})
	return ivsapi.NewValidationException("%s", e.Message())
}
