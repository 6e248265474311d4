package ivsfake_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// Start serves a fake for one test: f.Client is the official SDK client
// pointed at it, f.Control makes participants join, publish and leave.
func ExampleStart() {
	t, done := exampleTest() // in a test: the test's own t (go test runs the cleanups)
	defer done()

	f := ivsfake.Start(t)
	ctx := context.Background()

	out, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{
			{UserId: aws.String("alice")},
			{UserId: aws.String("bob"), Capabilities: []types.ParticipantTokenCapability{types.ParticipantTokenCapabilitySubscribe}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, tok := range out.ParticipantTokens {
		// The spec's defaults: 720 minutes; publish and subscribe.
		fmt.Println(*tok.UserId, *tok.Duration, tok.Capabilities)
	}

	alice, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *out.ParticipantTokens[0].Token})
	if err != nil {
		fmt.Println(err)
		return
	}
	list, err := f.Client.ListParticipants(ctx, &ivsrealtime.ListParticipantsInput{StageArn: out.Stage.Arn, SessionId: aws.String(alice.SessionId)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range list.Participants {
		fmt.Println(*p.UserId, p.State)
	}

	// Invalid input is refused as AWS refuses it.
	_, err = f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("not a valid name!")})
	var ve *types.ValidationException
	fmt.Println(errors.As(err, &ve))
	// Output:
	// alice 720 [PUBLISH SUBSCRIBE]
	// bob 720 [SUBSCRIBE]
	// alice CONNECTED
	// true
}

// Options set the stage quota, region, account and clock.
func ExampleStart_options() {
	t, done := exampleTest()
	defer done()

	f := ivsfake.Start(t, ivsfake.Options{StageQuota: 1, Region: "eu-west-1"})
	ctx := context.Background()
	if _, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{}); err != nil {
		fmt.Println(err)
		return
	}
	_, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
	var quota *types.ServiceQuotaExceededException
	fmt.Println(errors.As(err, &quota))
	// Output:
	// true
}

// exampleTest stands in for go test in these examples: a testing.TB whose
// cleanups run when done is called.
func exampleTest() (t testing.TB, done func()) {
	tb := &exampleTB{}
	return tb, func() {
		for i := len(tb.cleanups) - 1; i >= 0; i-- {
			tb.cleanups[i]()
		}
	}
}

type exampleTB struct {
	testing.TB // only Helper and Cleanup are called
	cleanups   []func()
}

func (*exampleTB) Helper()            {}
func (t *exampleTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }
