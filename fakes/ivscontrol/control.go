// Package ivscontrol is the control API of ivsrt fakes: the requests and
// answers of the endpoints under /_ivsrt/ (not part of AWS's contract),
// a Go client for them, and the probe that tells an ivsrt fake from any
// other endpoint.
//
// It imports neither the fake (package ivsfake) nor its generated wire
// layer (package ivsapi), so the conformance suite can drive any fake that
// serves this API without linking one in. Package ivsfake serves it, and
// its Start gives a test a Control for the fake it starts.
package ivscontrol

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// Prefix is where the control API lives, apart from the AWS paths.
const Prefix = "/_ivsrt/"

// Service is the service name GET /_ivsrt/ answers with.
const Service = "ivsrt"

// The recording states SetRecording takes, as the spec spells them.
const (
	RecordingStarting = "STARTING"
	RecordingActive   = "ACTIVE"
	RecordingStopping = "STOPPING"
	RecordingStopped  = "STOPPED"
	RecordingFailed   = "FAILED"
)

// ClientInfo is what a joining client reports about itself. Each field must
// fit the spec's client-attribute constraints; empty means unknown.
type ClientInfo struct {
	IspName        string `json:"ispName,omitempty"`
	OsName         string `json:"osName,omitempty"`
	OsVersion      string `json:"osVersion,omitempty"`
	BrowserName    string `json:"browserName,omitempty"`
	BrowserVersion string `json:"browserVersion,omitempty"`
	SdkVersion     string `json:"sdkVersion,omitempty"`
}

// JoinInput makes a participant join a stage with a token from CreateStage
// or CreateParticipantToken.
type JoinInput struct {
	Token string `json:"token"`
	ClientInfo
	// Protocol is the ingest protocol the participant publishes with, one
	// of the spec's ParticipantProtocol values (WHIP, RTMP, RTMPS,
	// UNKNOWN), which GetParticipant then reports. Empty: a client of
	// AWS's broadcast SDKs, reported without a protocol.
	Protocol string `json:"protocol,omitempty"`
}

// JoinOutput says where the participant joined.
type JoinOutput struct {
	StageArn      string `json:"stageArn"`
	SessionId     string `json:"sessionId"`
	ParticipantId string `json:"participantId"`
}

// Ref names a joined participant, for Publish, recording and Leave.
func (j *JoinOutput) Ref() ParticipantRef {
	return ParticipantRef{StageArn: j.StageArn, ParticipantId: j.ParticipantId}
}

// IngestInput starts or stops publishing through an ingest configuration
// (POST /_ivsrt/ingest), as an RTMP(S) encoder does with the
// configuration's stream key and its stage's endpoint: started, the
// configuration's participant joins its stage's live session and
// publishes, reported with the protocol it connected with and the
// configuration's ARN; stopped, it leaves.
type IngestInput struct {
	StreamKey string `json:"streamKey"`
	// Protocol is RTMP or RTMPS, what the encoder connects with; empty:
	// the configuration's ingestProtocol.
	Protocol string `json:"protocol,omitempty"`
	// Stop ends the publishing the stream key started.
	Stop bool `json:"stop,omitempty"`
}

// ParticipantRef names a participant of a stage's live session.
type ParticipantRef struct {
	StageArn      string `json:"stageArn"`
	ParticipantId string `json:"participantId"`
}

// PublishInput makes a participant publish (POST /_ivsrt/publish). With an
// ErrorCode (one of the spec's EventErrorCode values a publish can fail
// with: BITRATE_EXCEEDED, B_FRAME_PRESENT, ...) the publish fails instead:
// a PUBLISH_ERROR event with that code, and a participant publishing
// already stops.
type PublishInput struct {
	ParticipantRef
	ErrorCode string `json:"errorCode,omitempty"`
}

// SubscribeInput makes a connected participant subscribe to, or stop
// subscribing to, a participant publishing to the same session (POST
// /_ivsrt/subscribe and /_ivsrt/unsubscribe): the remote participant, as
// its subscribe events name it.
type SubscribeInput struct {
	ParticipantRef
	RemoteParticipantId string `json:"remoteParticipantId"`
}

// ExchangeTokenInput makes a connected participant exchange its token for
// a new one (POST /_ivsrt/exchange-token), as AWS's broadcast SDKs do with
// exchangeToken: the new token is of the same stage and participant, with
// the userId, attributes, capabilities and duration given here, taken as
// CreateParticipantToken takes them (the same limits; without duration or
// capabilities, the same defaults). Capabilities nil means the default; an
// empty list, none.
type ExchangeTokenInput struct {
	ParticipantRef
	UserId       *string           `json:"userId,omitempty"`
	Attributes   map[string]string `json:"attributes,omitempty"`
	Capabilities []string          `json:"capabilities"`
	Duration     *int32            `json:"duration,omitempty"`
}

// Token is a participant token as the fake issued it, in the members of
// the spec's ParticipantToken.
type Token struct {
	ParticipantId  string            `json:"participantId"`
	Token          string            `json:"token"`
	UserId         *string           `json:"userId,omitempty"`
	Attributes     map[string]string `json:"attributes,omitempty"`
	Capabilities   []string          `json:"capabilities"`
	Duration       int32             `json:"duration"`
	ExpirationTime time.Time         `json:"expirationTime"`
}

// ExchangeTokenOutput is the token the participant now holds: it also
// joins again, as the same participant.
type ExchangeTokenOutput struct {
	ParticipantToken Token `json:"participantToken"`
}

// RecordingInput sets a participant's recording state (one of the
// Recording* constants).
type RecordingInput struct {
	ParticipantRef
	State string `json:"state"`
}

// The composition states SetComposition takes, as the spec spells them;
// a destination also takes CompositionDestinationReconnecting.
const (
	CompositionStarting                = "STARTING"
	CompositionActive                  = "ACTIVE"
	CompositionStopping                = "STOPPING"
	CompositionStopped                 = "STOPPED"
	CompositionFailed                  = "FAILED"
	CompositionDestinationReconnecting = "RECONNECTING"
)

// CompositionInput moves a composition (POST /_ivsrt/composition) to a
// state (one of the Composition* constants), its destinations not ended
// following it; with a DestinationId, only that destination.
type CompositionInput struct {
	Arn           string `json:"arn"`
	DestinationId string `json:"destinationId,omitempty"`
	State         string `json:"state"`
}

// Fault makes the next Count calls of Operation ("*" for any) answer with
// the error Error, which must be one the operation declares or a
// protocol-level one (ThrottlingException, InternalServerException, ...).
// A Count of 0, or none in the JSON, means 1; a count given in the JSON
// must be at least 1, and a negative Count is refused.
type Fault struct {
	Operation string `json:"operation"`
	Error     string `json:"error"`
	Count     int    `json:"count,omitempty"`
	Message   string `json:"message,omitempty"`
}

// Info is what GET /_ivsrt/ answers, so a client can tell a fake from AWS.
type Info struct {
	Service    string `json:"service"`
	APIVersion string `json:"apiVersion"`
	Region     string `json:"region"`
	Account    string `json:"account"`
}

// IsFake reports whether the endpoint answers GET /_ivsrt/ as an ivsrt fake
// (service "ivsrt"); such a fake has a control API a seeder can drive. hc
// nil means http.DefaultClient. It gives up after 5 seconds.
func IsFake(ctx context.Context, endpoint string, hc *http.Client) bool {
	if hc == nil {
		hc = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(endpoint, "/")+Prefix, nil)
	if err != nil {
		return false
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var info Info
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode == http.StatusOK && json.Unmarshal(data, &info) == nil && info.Service == Service
}

// QuotaInput sets the account's stage quota (POST /_ivsrt/quota).
type QuotaInput struct {
	StageQuota int `json:"stageQuota"`
}

// QuotasInput sets any of the namespace's quotas (POST /_ivsrt/quota):
// each one given is set, the others stay. At least one must be given.
type QuotasInput struct {
	// StageQuota is how many stages the account may hold in the region.
	StageQuota *int `json:"stageQuota,omitempty"`
	// StorageConfigurationQuota is how many storage configurations.
	StorageConfigurationQuota *int `json:"storageConfigurationQuota,omitempty"`
	// PublisherQuota is how many participants may publish to a stage at
	// once.
	PublisherQuota *int `json:"publisherQuota,omitempty"`
	// SubscriberQuota is how many participants may subscribe to a stage at
	// once.
	SubscriberQuota *int `json:"subscriberQuota,omitempty"`
}

// QuotaOutput is what POST /_ivsrt/quota answers: each quota now, the one
// it replaced (the same when it was not set), and how many stages and
// storage configurations the account holds.
type QuotaOutput struct {
	StageQuota                        int `json:"stageQuota"`
	PreviousStageQuota                int `json:"previousStageQuota"`
	Stages                            int `json:"stages"`
	StorageConfigurationQuota         int `json:"storageConfigurationQuota"`
	PreviousStorageConfigurationQuota int `json:"previousStorageConfigurationQuota"`
	StorageConfigurations             int `json:"storageConfigurations"`
	PublisherQuota                    int `json:"publisherQuota"`
	PreviousPublisherQuota            int `json:"previousPublisherQuota"`
	SubscriberQuota                   int `json:"subscriberQuota"`
	PreviousSubscriberQuota           int `json:"previousSubscriberQuota"`
}
