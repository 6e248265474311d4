package suite

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Target is the implementation under test.
type Target struct {
	// Endpoint is the base URL, e.g. https://ivsrealtime.us-east-1.amazonaws.com
	// or http://127.0.0.1:4566. Each operation is its method on {Endpoint}{path}.
	Endpoint string
	// Region signs the requests and goes into the identifiers the cases
	// make up. Default us-east-1.
	Region string
	// Credentials sign the requests. Default: the SDK's standard chain
	// (environment, shared files, ...), falling back to static dummy
	// credentials when it has none; a Prepare hook may give dummies to a
	// target it recognises as a fake that takes any signature.
	Credentials aws.CredentialsProvider
	// HTTPClient sends the requests. Default: a client with a 30 s timeout.
	HTTPClient *http.Client
	// Seeder makes participants join, publish, record and leave. Cases
	// that need live participants are skipped when it is nil.
	Seeder Seeder
	// Given are resources the target has already, as the values of the
	// placeholders that name them (live:StorageConfigurationArn, say): the
	// suite's Setup takes them instead of making its own (the real service
	// wants a storage configuration whose bucket exists) and leaves them.
	Given map[string]string
}

// DefaultRegion is the region used when a Target names none.
const DefaultRegion = "us-east-1"

// Seeder makes participants join a stage and act in it, which no AWS
// operation can do (on AWS, clients join through the WebRTC SDKs). The
// methods mirror an ivsrt fake's control API.
type Seeder interface {
	// Join makes the participant of a token CreateStage issued join its stage.
	Join(ctx context.Context, token string) (Joined, error)
	// Publish makes a joined participant publish.
	Publish(ctx context.Context, p Joined) error
	// StartRecording moves a participant's recording to ACTIVE.
	StartRecording(ctx context.Context, p Joined) error
	// Leave makes a participant leave.
	Leave(ctx context.Context, p Joined) error
}

// RecordingSetter is a Seeder that can also move a participant's recording
// to any state (STOPPED or FAILED, say), also after the participant left
// while its recording was STOPPING. Without one, the seeded session has no
// STOPPED-after-recording or FAILED participants.
type RecordingSetter interface {
	SetRecording(ctx context.Context, p Joined, state string) error
}

// QuotaSetter is a Seeder that can also set the account's stage quota,
// which no AWS operation can (an ivsrt fake's POST /_ivsrt/quota). It
// returns the quota it replaced. Without one, the quota case is skipped.
type QuotaSetter interface {
	SetStageQuota(ctx context.Context, quota int) (previous int, err error)
}

// Joined names a participant in a stage's session.
type Joined struct {
	StageArn      string
	SessionID     string
	ParticipantID string
}

// dummyCredentials are what a fake that takes any signature gets.
// DummyCredentials gives them to a Prepare hook that recognises one.
var dummyCredentials = credentials.NewStaticCredentialsProvider("AKIDIVSRTCONFORM", "ivsrt-conformance-secret", "")

// resolve fills in the defaults of a target, after prepare when not nil
// (a suite's Prepare).
func resolve(ctx context.Context, t Target, prepare func(context.Context, Target) Target) (Target, error) {
	if t.Endpoint == "" {
		return t, fmt.Errorf("suite: the target needs an endpoint")
	}
	u, err := url.Parse(t.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return t, fmt.Errorf("suite: endpoint %q is not an http(s) URL", t.Endpoint)
	}
	t.Endpoint = strings.TrimSuffix(t.Endpoint, "/")
	if t.Region == "" {
		t.Region = DefaultRegion
	}
	if t.HTTPClient == nil {
		t.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if prepare != nil {
		t = prepare(ctx, t)
	}
	if t.Credentials == nil {
		t.Credentials = defaultCredentials(ctx, t)
	}
	t.Credentials = aws.NewCredentialsCache(t.Credentials)
	return t, nil
}

// defaultCredentials takes the SDK's standard chain, unless the target is on
// this machine (an ivsrt fake or another local implementation: no AWS
// endpoint is on loopback, and local fakes take any signature) or the chain
// has nothing to give. (A suite's Prepare gives a fake elsewhere its
// credentials.)
func defaultCredentials(ctx context.Context, t Target) aws.CredentialsProvider {
	if isLoopback(t.Endpoint) {
		return dummyCredentials
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(t.Region))
	if err != nil || cfg.Credentials == nil {
		return dummyCredentials
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(rctx); err != nil {
		return dummyCredentials
	}
	return cfg.Credentials
}

// isLoopback reports whether an endpoint's host is a loopback address.
func isLoopback(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DummyCredentials are static credentials for a target that checks no
// signatures (a fake).
func DummyCredentials() aws.CredentialsProvider { return dummyCredentials }
