package room_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"

	"example.com/downstream/room"
)

func TestCreateRoom(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := context.Background()

	r, err := room.CreateRoom(ctx, f.Client, []string{"alice", "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tokens) != 2 {
		t.Fatalf("tokens for %d users, want 2", len(r.Tokens))
	}
	for _, user := range []string{"alice", "bob"} {
		tok, ok := r.Tokens[user]
		if !ok {
			t.Fatalf("no token for %s", user)
		}
		// The spec's defaults, applied by the fake: 720 minutes, publish and subscribe.
		if aws.ToInt32(tok.Duration) != 720 {
			t.Errorf("%s: duration %d, want the default 720", user, aws.ToInt32(tok.Duration))
		}
		if fmt.Sprint(tok.Capabilities) != "[PUBLISH SUBSCRIBE]" {
			t.Errorf("%s: capabilities %v, want the default [PUBLISH SUBSCRIBE]", user, tok.Capabilities)
		}
		if aws.ToString(tok.Token) == "" || aws.ToString(tok.ParticipantId) == "" {
			t.Errorf("%s: token %+v lacks a token or participant id", user, tok)
		}
		if until := time.Until(aws.ToTime(tok.ExpirationTime)); until < 11*time.Hour || until > 12*time.Hour {
			t.Errorf("%s: token expires in %s, want 12h", user, until)
		}
	}

	got, err := f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String(r.StageArn)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Stage.Arn) != r.StageArn {
		t.Errorf("GetStage: arn %s, want %s", aws.ToString(got.Stage.Arn), r.StageArn)
	}

	// A token works: its participant can join the stage (the fake's control API).
	if _, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: aws.ToString(r.Tokens["alice"].Token)}); err != nil {
		t.Fatalf("alice cannot join with her token: %v", err)
	}
}

// TestCreateRoomTooManyUsers: CreateStage issues at most 12 tokens, so the
// fake refuses 13 users with AWS's ValidationException, and CreateRoom
// passes it on.
func TestCreateRoomTooManyUsers(t *testing.T) {
	f := ivsfake.Start(t)
	users := make([]string, 13)
	for i := range users {
		users[i] = fmt.Sprintf("user-%d", i)
	}
	_, err := room.CreateRoom(context.Background(), f.Client, users)
	var ve *types.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("CreateRoom with 13 users: %v, want a ValidationException", err)
	}
	// AWS's JSON member is exceptionMessage, which the SDK keeps in ExceptionMessage.
	if msg := aws.ToString(ve.ExceptionMessage); !strings.Contains(msg, "'participantTokenConfigurations'") {
		t.Errorf("the message %q does not name participantTokenConfigurations", msg)
	}
}
