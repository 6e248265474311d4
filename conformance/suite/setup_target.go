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
var dummyCredentials = credentials.StaticCredentialsProvider{Value: aws.Credentials{
	AccessKeyID: "AKIDIVSRTCONFORM", SecretAccessKey: "ivsrt-conformance-secret", Source: dummySource}}

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

// A Setting is something a caller gives the suite so that cases it skips
// run: a field of Target, or what fills it. It holds how each kind of
// caller spells it, so that one value is the truth for both: a Go test
// sets a field, a user of ivsrt conform passes a flag (or points the
// command at a target that offers it).
type Setting struct {
	// Go is what a Go caller sets: "suite.Target.Seeder", say, with how
	// to fill it where the suite knows.
	Go string `json:"go"`
	// CLI is what a user of ivsrt conform does: a flag with its argument
	// ("-storage-configuration ARN"), an environment variable, or the
	// kind of target to run against where no flag can give it.
	CLI string `json:"cli"`
}

// For is the setting in the words of audience a.
func (s Setting) For(a Audience) string {
	if a == CommandLine {
		return s.CLI
	}
	return s.Go
}

// The settings of Target that the runtime knows cases to skip without.
var (
	// SetSeeder makes participants join (cases about sessions and participants).
	SetSeeder = Setting{
		Go:  "set suite.Target.Seeder (conformance.ControlSeeder(endpoint, nil) drives an ivsrt fake's control API)",
		CLI: "run against an ivsrt fake (ivsrt serve, or no -endpoint for the embedded one), whose control API (/_ivsrt/) seeds participants",
	}
	// SetRecordingSetter sets any recording state.
	SetRecordingSetter = SeederWith("suite.RecordingSetter")
	// SetQuotaSetter sets the account's stage quota.
	SetQuotaSetter = SeederWith("suite.QuotaSetter")
	// SetCredentials signs the requests.
	SetCredentials = Setting{
		Go:  "set suite.Target.Credentials to credentials the target takes",
		CLI: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) to a key the target takes: for ivsrt serve -auth verify, one of its -keys file; or serve with -auth off",
	}
)

// SeederWith is the setting of a seeder that also does what interface
// iface (its Go name, "behaviour.ProtocolJoiner" say) adds.
func SeederWith(iface string) Setting {
	return Setting{
		Go:  "give suite.Target a Seeder that is also a " + iface + " (conformance.ControlSeeder is)",
		CLI: "run against an ivsrt fake, whose control API (/_ivsrt/) does it",
	}
}
