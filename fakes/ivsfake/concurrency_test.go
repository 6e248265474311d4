package ivsfake_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

// mine is what one worker knows of its own participant on one shared stage.
type mine struct {
	stage     string
	token     string
	id        string
	session   string // the last session it joined, "" before its first join
	connected bool
	published bool
}

// TestConcurrentMixedOperations: 8 workers run 50 mixed operations each on
// shared stages. Each worker drives only its own participants, so it knows
// what every answer about them must be; the only errors allowed are the
// ones the rules call for. Run it with -race.
func TestConcurrentMixedOperations(t *testing.T) {
	const workers, opsPerWorker = 8, 50
	f := ivsfake.Start(t)
	ctx := ctxT(t)

	var shared []string
	for i := range 4 {
		in := &ivsrealtime.CreateStageInput{Name: aws.String(fmt.Sprintf("shared-%d", i))}
		if i%2 == 1 {
			in.AutoParticipantRecordingConfiguration = &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)}
		}
		shared = append(shared, *createStage(t, f, in).Stage.Arn)
	}
	parts := make([][]*mine, workers)
	for w := range workers {
		for _, arn := range shared {
			out, err := f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(arn)})
			require.NoError(t, err)
			tok := out.ParticipantToken
			parts[w] = append(parts[w], &mine{stage: arn, token: *tok.Token, id: *tok.ParticipantId})
		}
	}

	var (
		mu      sync.Mutex
		created = map[string]string{} // ARN -> name
	)
	var ops [8]atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range opsPerWorker {
				op := rng.IntN(8)
				ops[op].Add(1)
				p := parts[w][rng.IntN(len(parts[w]))]
				if err := step(ctx, f, op, p, w, i); err != nil {
					t.Errorf("worker %d op %d (%d): %v", w, i, op, err)
					return
				}
				if op == 0 {
					name := fmt.Sprintf("w%d-%d", w, i)
					out, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String(name)})
					if err != nil {
						t.Errorf("worker %d: CreateStage: %v", w, err)
						return
					}
					mu.Lock()
					created[*out.Stage.Arn] = name
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for op := range ops {
		assert.Positive(t, ops[op].Load(), "operation %d ran", op)
	}

	// Every stage created is there, with its name.
	assert.NotEmpty(t, created)
	for arn, name := range created {
		assert.Equal(t, name, aws.ToString(getStage(t, f, arn).Name))
	}
	// Every participant is as its worker left it, and each shared stage's
	// live session holds exactly the connected ones.
	connected := map[string][]string{}
	for w := range workers {
		for _, p := range parts[w] {
			if p.session == "" {
				continue
			}
			got := getParticipant(t, f, &ivscontrol.JoinOutput{StageArn: p.stage, SessionId: p.session, ParticipantId: p.id})
			want := types.ParticipantStateDisconnected
			if p.connected {
				want = types.ParticipantStateConnected
				connected[p.stage] = append(connected[p.stage], p.id)
			}
			assert.Equal(t, want, got.State, p.id)
			assert.Equal(t, p.published, got.Published, p.id)
		}
	}
	for _, arn := range shared {
		st := getStage(t, f, arn)
		if len(connected[arn]) == 0 {
			assert.Nil(t, st.ActiveSessionId, arn)
			continue
		}
		require.NotNil(t, st.ActiveSessionId, arn)
		list := walk(t, f, ivsrealtime.ListParticipantsInput{
			StageArn: aws.String(arn), SessionId: st.ActiveSessionId, FilterByState: types.ParticipantStateConnected, MaxResults: aws.Int32(2),
		}, 100)
		assert.ElementsMatch(t, connected[arn], ids(list), arn)
	}
}

// step runs one operation on a worker's participant p and checks the answer
// against what the worker knows. op 0 (CreateStage) is run by the caller.
func step(ctx context.Context, f *ivsfake.Fake, op int, p *mine, w, i int) error {
	ref := ivscontrol.ParticipantRef{StageArn: p.stage, ParticipantId: p.id}
	switch op {
	case 1: // GetStage
		out, err := f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String(p.stage)})
		if err != nil {
			return err
		}
		if p.connected && out.Stage.ActiveSessionId == nil {
			return errors.New("a participant is connected but the stage has no active session")
		}
	case 2: // UpdateStage: the name, or the recording configuration
		in := &ivsrealtime.UpdateStageInput{Arn: aws.String(p.stage), Name: aws.String(fmt.Sprintf("w%d-%d", w, i))}
		if i%2 == 0 {
			in = &ivsrealtime.UpdateStageInput{Arn: aws.String(p.stage), AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)}}
		}
		_, err := f.Client.UpdateStage(ctx, in)
		var conflict *types.ConflictException
		if err != nil && !(in.AutoParticipantRecordingConfiguration != nil && errors.As(err, &conflict)) {
			return err
		}
	case 3: // Join
		j, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: p.token})
		if p.connected {
			return wantWireError(err, "ConflictException")
		}
		if err != nil {
			return err
		}
		if j.ParticipantId != p.id || j.StageArn != p.stage {
			return fmt.Errorf("joined as %+v", j)
		}
		if j.SessionId != p.session {
			p.published = false // a new session: nothing published in it yet
		}
		p.session, p.connected = j.SessionId, true
	case 4: // Publish
		err := f.Control.Publish(ctx, ref)
		if !p.connected {
			return wantWireError(err, "ResourceNotFoundException")
		}
		if err != nil {
			return err
		}
		p.published = true
	case 5: // Leave
		err := f.Control.Leave(ctx, ref)
		if !p.connected {
			return wantWireError(err, "ResourceNotFoundException")
		}
		if err != nil {
			return err
		}
		p.connected = false
	case 6: // ListParticipants, every page
		if p.session == "" {
			return nil
		}
		in := &ivsrealtime.ListParticipantsInput{StageArn: aws.String(p.stage), SessionId: aws.String(p.session), MaxResults: aws.Int32(3)}
		pg := ivsrealtime.NewListParticipantsPaginator(f.Client, in)
		found := false
		for pages := 0; pg.HasMorePages(); pages++ {
			if pages > 100 {
				return errors.New("too many pages")
			}
			out, err := pg.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, s := range out.Participants {
				found = found || aws.ToString(s.ParticipantId) == p.id
			}
		}
		if !found {
			return fmt.Errorf("participant %s missing from its session %s", p.id, p.session)
		}
	case 7: // GetParticipant
		if p.session == "" {
			return nil
		}
		out, err := f.Client.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: aws.String(p.stage), SessionId: aws.String(p.session), ParticipantId: aws.String(p.id)})
		if err != nil {
			return err
		}
		if got := out.Participant.State == types.ParticipantStateConnected; got != p.connected {
			return fmt.Errorf("participant %s connected=%v, want %v", p.id, got, p.connected)
		}
		if out.Participant.Published != p.published {
			return fmt.Errorf("participant %s published=%v, want %v", p.id, out.Participant.Published, p.published)
		}
	}
	return nil
}

func wantWireError(err error, typ string) error {
	var we *wire.Error
	if !errors.As(err, &we) || we.Type != typ {
		return fmt.Errorf("want %s, got %v", typ, err)
	}
	return nil
}

// TestConcurrentStageQuota: racing CreateStage calls never exceed the quota.
func TestConcurrentStageQuota(t *testing.T) {
	const quota, workers, each = 20, 8, 5
	f := ivsfake.Start(t, ivsfake.Options{StageQuota: quota})
	ctx := ctxT(t)
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				_, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
				var sq *types.ServiceQuotaExceededException
				switch {
				case err == nil:
					ok.Add(1)
				case errors.As(err, &sq):
					refused.Add(1)
				default:
					t.Errorf("CreateStage: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int64(quota), ok.Load())
	assert.Equal(t, int64(workers*each-quota), refused.Load())
}

// TestConcurrentFaults: a fault of count N answers exactly N of many racing calls.
func TestConcurrentFaults(t *testing.T) {
	f := ivsfake.Start(t)
	ctx := ctxT(t)
	stage := createStage(t, f, nil)
	require.NoError(t, f.Control.InjectFault(ctx, ivscontrol.Fault{Operation: "GetStage", Error: "ThrottlingException", Count: 13}))
	var throttled atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				_, err := f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: stage.Stage.Arn})
				if err == nil {
					continue
				}
				var re interface{ HTTPStatusCode() int }
				if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusTooManyRequests {
					throttled.Add(1)
					continue
				}
				t.Errorf("GetStage: %v", err)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int64(13), throttled.Load())
}
