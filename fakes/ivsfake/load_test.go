package ivsfake_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/fakes/wire"
)

var loadDuration = flag.Duration("load-duration", 3*time.Second, "how long TestLoad runs its 64 clients (make bench runs it for longer)")

const (
	loadClients = 64
	// loadMaxStages bounds the live stages a client holds, so the run
	// stays under the stage quota however long it lasts.
	loadMaxStages = 4
)

// loadStage is what one client knows of a stage it created: no other
// client touches it, so every answer about it is known exactly.
type loadStage struct {
	arn     string
	name    string // the name of the last acknowledged CreateStage or UpdateStage
	deleted bool
	// recorded: created with a storage configuration (every other stage),
	// which no call changes; a participant of another stage cannot record.
	recorded bool
	tokens   []types.ParticipantToken
	// connected holds the participants connected to the live session,
	// session its id ("" when none is live); joined holds, for every
	// session, the participants whose join was acknowledged.
	connected map[string]bool
	// publishing holds the connected participants an acknowledged
	// publish made publishing.
	publishing map[string]bool
	session    string
	joined     map[string]map[string]bool // session id -> participant ids
}

// loadOps names the operations and control calls the run mixes.
var loadOps = []string{
	"CreateStage", "GetStage", "UpdateStage", "GetParticipant", "ListParticipants", "DeleteStage", "ListStages",
	"join", "publish", "recording", "leave",
	// The resources AWS added since (load_resources_test.go); a create
	// deletes instead when the client holds one already.
	"ImportPublicKey", "DeletePublicKey", "GetPublicKey", "ListPublicKeys",
	"CreateIngestConfiguration", "DeleteIngestConfiguration", "GetIngestConfiguration", "UpdateIngestConfiguration", "ListIngestConfigurations", "ingest",
	"CreateEncoderConfiguration", "DeleteEncoderConfiguration", "GetEncoderConfiguration", "ListEncoderConfigurations",
	"StartComposition", "StopComposition", "GetComposition", "ListCompositions",
	"StartParticipantReplication", "ListParticipantReplicas", "StopParticipantReplication",
	"TagResource", "ListTagsForResource",
}

// TestLoad runs 64 clients for -load-duration (3 s by default), each
// mixing every operation of the fake and the control calls on stages it
// owns, then checks that nothing was lost:
//
//   - no lost update: each stage reads with the name of the last
//     UpdateStage its owner had acknowledged (checked during the run too,
//     after every GetStage);
//   - every acknowledged stage is readable, unless its owner deleted it,
//     and then it is not found;
//   - paging through ListParticipants lists every participant whose join
//     was acknowledged, in each session, exactly once;
//   - paging through ListStages lists each of a client's live stages
//     exactly once, while the other clients create and delete theirs;
//   - the same of the resources AWS added since (load_resources_test.go):
//     public keys, ingest configurations (and publishing through them,
//     POST /_ivsrt/ingest), encoder configurations, compositions,
//     participant replication and tags. An ingest configuration reads
//     with the stageArn of its last acknowledged update, and an ACTIVE one
//     refuses an update; each reads as its owner left it, or, deleted, is
//     not found; paging through ListPublicKeys, ListIngestConfigurations,
//     ListEncoderConfigurations and ListCompositions lists each of a
//     client's live ones exactly once; a replication lists ACTIVE once
//     started, STOPPED once stopped; tags read as last acknowledged.
//
// No answer may be a 5xx, and no call may fail that the rules allow.
// Run it with -race.
func TestLoad(t *testing.T) {
	f := ivsfake.Start(t, ivsfake.Options{StageQuota: loadClients * (loadMaxStages + 1 + loadAuxStages)})
	ctx, cancel := context.WithTimeout(context.Background(), *loadDuration+2*time.Minute)
	defer cancel()
	deadline := time.Now().Add(*loadDuration)

	owned := make([]*loadClient, loadClients)
	var wg sync.WaitGroup
	for c := range loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := &loadClient{
				t: t, id: c, rng: rand.New(rand.NewPCG(uint64(c), 9)),
				api: ivsfake.NewClient(f.URL, "us-east-1"),
				control: ivscontrol.NewControl(f.URL, &http.Client{
					Transport: http.DefaultTransport.(*http.Transport).Clone(),
					Timeout:   time.Minute,
				}),
				calls: map[string]int{},
			}
			owned[c] = l
			if err := l.setupAux(ctx); err != nil {
				t.Errorf("client %d, CreateStage: %v", c, err)
				return
			}
			// Bounded: the run ends at the deadline, or at the first error.
			for time.Now().Before(deadline) {
				op := l.pick()
				if err := l.step(ctx, op); err != nil {
					t.Errorf("client %d, %s: %v", c, loadOps[op], err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	calls, total := map[string]int{}, 0
	for _, l := range owned {
		for op, n := range l.calls {
			calls[op] += n
			total += n
		}
	}
	t.Logf("%d clients, %v: %d calls (%.0f/s)", loadClients, *loadDuration, total, float64(total)/loadDuration.Seconds())
	for _, op := range loadOps {
		t.Logf("  %-28s %d", op, calls[op])
		if calls[op] == 0 {
			t.Errorf("%s never ran", op)
		}
	}

	// Afterwards, every stage each client made is as it left it.
	stages, participants := 0, 0
	for c, l := range owned {
		for _, st := range l.stages {
			if err := l.checkStage(ctx, st); err != nil {
				t.Errorf("client %d: %v", c, err)
			}
			if st.deleted {
				continue
			}
			stages++
			for session, want := range st.joined {
				if err := l.checkParticipants(ctx, st, session, want); err != nil {
					t.Errorf("client %d: %v", c, err)
				}
				participants += len(want)
			}
		}
	}
	resources := 0
	for c, l := range owned {
		n, err := l.checkResources(ctx)
		if err != nil {
			t.Errorf("client %d: %v", c, err)
		}
		resources += n
	}
	t.Logf("afterwards: %d live stages read back, %d participants listed exactly once, %d other resources read back", stages, participants, resources)
}

// loadClient is one of the clients: it runs its calls one after another.
type loadClient struct {
	t       *testing.T
	id      int
	rng     *rand.Rand
	api     *ivsrealtime.Client
	control *ivscontrol.Control
	stages  []*loadStage
	seq     int
	calls   map[string]int // acknowledged calls by name
	res     loadResources
}

func (l *loadClient) live() []*loadStage {
	var out []*loadStage
	for _, st := range l.stages {
		if !st.deleted {
			out = append(out, st)
		}
	}
	return out
}

// loadWeights weighs the calls of loadOps: reads more often than writes.
// A weight 0 is a call another runs (a delete, a stop, a list after a
// change), never picked itself.
var loadWeights = []int{2, 6, 4, 3, 3, 1, 1, 4, 2, 2, 3,
	1, 0, 2, 1,
	1, 0, 2, 2, 1, 2,
	1, 0, 2, 1,
	3, 0, 2, 1,
	3, 0, 0,
	2, 0,
}

// pick chooses the next call.
func (l *loadClient) pick() int {
	sum := 0
	for _, w := range loadWeights {
		sum += w
	}
	n := l.rng.IntN(sum)
	for op, w := range loadWeights {
		if n < w {
			return op
		}
		n -= w
	}
	return 1
}

// step runs one call; the answer must be what the rules say for the
// client's own state.
func (l *loadClient) step(ctx context.Context, op int) error {
	if loadResourceOps[loadOps[op]] {
		return l.stepResource(ctx, loadOps[op])
	}
	live := l.live()
	switch {
	case len(live) == 0,
		loadOps[op] == "CreateStage" && len(live) < loadMaxStages,
		loadOps[op] == "DeleteStage" && len(live) == 1:
		return l.create(ctx)
	case loadOps[op] == "CreateStage", loadOps[op] == "DeleteStage":
		return l.delete(ctx, live[l.rng.IntN(len(live))])
	}
	st := live[l.rng.IntN(len(live))]
	switch loadOps[op] {
	case "GetStage":
		return l.checkStage(ctx, st)
	case "UpdateStage":
		l.seq++
		name := fmt.Sprintf("c%d-u%d", l.id, l.seq)
		if _, err := l.api.UpdateStage(ctx, &ivsrealtime.UpdateStageInput{Arn: &st.arn, Name: &name}); err != nil {
			return check5xx(err)
		}
		l.calls["UpdateStage"]++
		st.name = name
		return nil
	case "GetParticipant":
		for id := range st.connected {
			out, err := l.api.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: &st.arn, SessionId: &st.session, ParticipantId: &id})
			if err != nil {
				return check5xx(err)
			}
			l.calls["GetParticipant"]++
			if out.Participant.State != types.ParticipantStateConnected {
				return fmt.Errorf("participant %s of %s is %s, want CONNECTED", id, st.arn, out.Participant.State)
			}
			return nil
		}
		return l.checkStage(ctx, st)
	case "ListParticipants":
		for session, want := range st.joined {
			return l.checkParticipants(ctx, st, session, want)
		}
		return l.checkStage(ctx, st)
	case "ListStages":
		return l.checkListStages(ctx)
	case "join":
		for _, tok := range st.tokens {
			if st.connected[*tok.ParticipantId] {
				continue
			}
			out, err := l.control.Join(ctx, ivscontrol.JoinInput{Token: *tok.Token})
			if err != nil {
				return check5xx(err)
			}
			l.calls["join"]++
			if st.session != "" && out.SessionId != st.session {
				return fmt.Errorf("joined session %s of %s, want the live one, %s", out.SessionId, st.arn, st.session)
			}
			st.session = out.SessionId
			st.connected[out.ParticipantId] = true
			if st.joined[out.SessionId] == nil {
				st.joined[out.SessionId] = map[string]bool{}
			}
			st.joined[out.SessionId][out.ParticipantId] = true
			return nil
		}
		return l.checkStage(ctx, st)
	case "publish", "recording", "leave":
		for id := range st.connected {
			ref := ivscontrol.ParticipantRef{StageArn: st.arn, ParticipantId: id}
			var err error
			switch loadOps[op] {
			case "publish":
				if err = l.control.Publish(ctx, ref); err == nil {
					st.publishing[id] = true
				}
			case "recording":
				err = l.control.StartRecording(ctx, ref)
				var we *wire.Error
				if errors.As(err, &we) && we.Type == "ConflictException" && !st.recorded {
					err = nil // the stage records nobody: the rule's answer
				}
			case "leave":
				if err = l.control.Leave(ctx, ref); err == nil {
					delete(st.connected, id)
					delete(st.publishing, id)
					if len(st.connected) == 0 {
						st.session = "" // the last one out ends the session
					}
				}
			}
			if err == nil {
				l.calls[loadOps[op]]++
			}
			return check5xx(err)
		}
		return l.checkStage(ctx, st)
	}
	return fmt.Errorf("no call %d", op)
}

func (l *loadClient) create(ctx context.Context) error {
	l.seq++
	name := fmt.Sprintf("c%d-s%d", l.id, l.seq)
	in := &ivsrealtime.CreateStageInput{Name: &name, Tags: map[string]string{"client": fmt.Sprint(l.id)}}
	recorded := l.seq%2 == 0
	if recorded {
		in.AutoParticipantRecordingConfiguration = &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String(storageArn)}
	}
	for i := range 1 + l.rng.IntN(3) {
		in.ParticipantTokenConfigurations = append(in.ParticipantTokenConfigurations, types.ParticipantTokenConfiguration{
			UserId:     aws.String(fmt.Sprintf("%s-p%d", name, i)),
			Attributes: map[string]string{"stage": name},
		})
	}
	out, err := l.api.CreateStage(ctx, in)
	if err != nil {
		return check5xx(err)
	}
	l.calls["CreateStage"]++
	l.stages = append(l.stages, &loadStage{
		arn: *out.Stage.Arn, name: name, recorded: recorded, tokens: out.ParticipantTokens,
		connected: map[string]bool{}, publishing: map[string]bool{}, joined: map[string]map[string]bool{},
	})
	return nil
}

func (l *loadClient) delete(ctx context.Context, st *loadStage) error {
	if _, err := l.api.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: &st.arn}); err != nil {
		return check5xx(err)
	}
	l.calls["DeleteStage"]++
	st.deleted = true
	return nil
}

// checkStage: a live stage reads with its last acknowledged name, a
// deleted one is not found.
func (l *loadClient) checkStage(ctx context.Context, st *loadStage) error {
	out, err := l.api.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: &st.arn})
	l.calls["GetStage"]++
	if st.deleted {
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			return fmt.Errorf("GetStage of deleted %s: %v, want ResourceNotFoundException", st.arn, err)
		}
		return nil
	}
	if err != nil {
		return check5xx(err)
	}
	if got := aws.ToString(out.Stage.Name); got != st.name {
		return fmt.Errorf("lost update: %s reads name %q, the last acknowledged is %q", st.arn, got, st.name)
	}
	return nil
}

// checkParticipants pages through a session's participants, two a page,
// and requires each participant whose join was acknowledged exactly once.
func (l *loadClient) checkParticipants(ctx context.Context, st *loadStage, session string, want map[string]bool) error {
	var got []string
	in := &ivsrealtime.ListParticipantsInput{StageArn: &st.arn, SessionId: &session, MaxResults: aws.Int32(2)}
	for range 100 { // bounded: a client's session holds at most 3 participants
		out, err := l.api.ListParticipants(ctx, in)
		if err != nil {
			return check5xx(err)
		}
		l.calls["ListParticipants"]++
		for _, p := range out.Participants {
			got = append(got, aws.ToString(p.ParticipantId))
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	wantIDs := make([]string, 0, len(want))
	for id := range want {
		wantIDs = append(wantIDs, id)
	}
	sort.Strings(got)
	sort.Strings(wantIDs)
	if !slices.Equal(got, wantIDs) {
		return fmt.Errorf("ListParticipants of %s session %s lists %v, the acknowledged joins are %v", st.arn, session, got, wantIDs)
	}
	return nil
}

// checkListStages pages through every stage, the other clients' included,
// and requires each of this client's live stages exactly once, and no
// stage twice.
func (l *loadClient) checkListStages(ctx context.Context) error {
	seen := map[string]int{}
	in := &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(50)}
	for range 1000 { // bounded: the quota bounds the pages
		out, err := l.api.ListStages(ctx, in)
		if err != nil {
			return check5xx(err)
		}
		l.calls["ListStages"]++
		for _, s := range out.Stages {
			seen[aws.ToString(s.Arn)]++
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	for arn, n := range seen {
		if n > 1 {
			return fmt.Errorf("ListStages listed %s %d times", arn, n)
		}
	}
	for _, st := range l.live() {
		if seen[st.arn] != 1 {
			return fmt.Errorf("ListStages did not list live stage %s", st.arn)
		}
	}
	return nil
}

// check5xx marks a 5xx as such: the fake must never answer one.
func check5xx(err error) error {
	if err == nil {
		return nil
	}
	var re *smithyhttp.ResponseError
	var we *wire.Error
	switch {
	case errors.As(err, &re) && re.HTTPStatusCode() >= 500:
		return fmt.Errorf("a 5xx: %w", err)
	case errors.As(err, &we) && we.Status >= 500:
		return fmt.Errorf("a 5xx: %w", err)
	}
	return err
}
