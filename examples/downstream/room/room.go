// Package room is a downstream application's use of IVS Real-Time: a room
// is a stage with one participant token per user.
package room

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

// Room is a stage and the tokens its users join it with.
type Room struct {
	StageArn string
	// Tokens maps each user to the participant token issued for them.
	Tokens map[string]types.ParticipantToken
}

// CreateRoom creates a stage with one token per user. The service's
// validation errors (too many users, a bad user id) come back unchanged,
// so callers can tell them apart with errors.As.
func CreateRoom(ctx context.Context, client *ivsrealtime.Client, users []string) (Room, error) {
	configs := make([]types.ParticipantTokenConfiguration, len(users))
	for i, u := range users {
		configs[i] = types.ParticipantTokenConfiguration{UserId: aws.String(u)}
	}
	out, err := client.CreateStage(ctx, &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: configs})
	if err != nil {
		return Room{}, err
	}
	r := Room{StageArn: aws.ToString(out.Stage.Arn), Tokens: map[string]types.ParticipantToken{}}
	for _, tok := range out.ParticipantTokens {
		r.Tokens[aws.ToString(tok.UserId)] = tok
	}
	return r, nil
}
