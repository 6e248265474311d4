package ivsfake_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	cryptorand "crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"

	"github.com/ivsrt/contract/fakes/ivscontrol"
)

// The resources AWS added to the API since 2024-06-20, as TestLoad mixes
// them. Each client holds at most one live public key, ingest
// configuration, encoder configuration and composition at a time, so 64
// clients hold at most 64 of each: under the fake's bound of 100 public
// keys, 100 ingest configurations and 100 encoder configurations per
// account and region, and 64 compositions not ended under its 1000
// compositions (ended ones go first to make room, so an ended composition
// reads STOPPED or, once dropped, is not found: AWS deletes it).
//
// The client's ingest configuration publishes to, and its compositions
// and replicas go to, two stages of its own it never deletes (its aux
// stages), so the stages of the lifecycle mix see none of them and their
// participants stay exactly those whose joins were acknowledged.

const loadAuxStages = 2

// loadResources is what one client knows of the resources it made.
type loadResources struct {
	aux [loadAuxStages]string // its aux stages' ARNs

	key     *loadResource // the live public key, nil when none
	ingest  *loadResource // the live ingest configuration
	encoder *loadResource // the live encoder configuration
	comp    *loadResource // the composition not ended, nil when none

	deleted []*loadResource // deleted by their owner: not found
	ended   []*loadResource // compositions stopped: STOPPED, or not found once dropped
	all     []*loadResource // every one acknowledged, for the checks afterwards
}

// loadResource is one acknowledged resource.
type loadResource struct {
	kind, arn, name string
	tags            map[string]string // those of the last acknowledged TagResource
	// An ingest configuration's: the stage of the last acknowledged
	// Create or UpdateIngestConfiguration, its stream key, and whether it
	// publishes now (an acknowledged StartIngest, no StopIngest since).
	stageArn, streamKey string
	active              bool
	// A composition's state as its owner left it.
	state types.CompositionState
}

// loadResourceOps are the calls of the resources, in loadOps.
var loadResourceOps = map[string]bool{
	"ImportPublicKey": true, "GetPublicKey": true, "ListPublicKeys": true,
	"CreateIngestConfiguration": true, "GetIngestConfiguration": true, "UpdateIngestConfiguration": true, "ListIngestConfigurations": true, "ingest": true,
	"CreateEncoderConfiguration": true, "GetEncoderConfiguration": true, "ListEncoderConfigurations": true,
	"StartComposition": true, "GetComposition": true, "ListCompositions": true,
	"StartParticipantReplication": true, "TagResource": true,
}

// setupAux creates the client's aux stages.
func (l *loadClient) setupAux(ctx context.Context) error {
	for i := range l.res.aux {
		out, err := l.api.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String(fmt.Sprintf("c%d-aux%d", l.id, i))})
		if err != nil {
			return check5xx(err)
		}
		l.calls["CreateStage"]++
		l.res.aux[i] = *out.Stage.Arn
	}
	return nil
}

// stepResource runs one call of loadResourceOps.
func (l *loadClient) stepResource(ctx context.Context, op string) error {
	r := &l.res
	switch op {
	case "ImportPublicKey": // or DeletePublicKey, when the client holds one
		if r.key != nil {
			return l.deleteResource(ctx, &r.key)
		}
		return l.importKey(ctx)
	case "GetPublicKey":
		return l.checkResource(ctx, l.liveOrDeleted(r.key, "public-key"))
	case "ListPublicKeys":
		return l.checkList(ctx, "public-key")
	case "CreateIngestConfiguration": // or DeleteIngestConfiguration
		if r.ingest != nil {
			return l.deleteResource(ctx, &r.ingest)
		}
		return l.createIngest(ctx)
	case "GetIngestConfiguration":
		return l.checkResource(ctx, l.liveOrDeleted(r.ingest, "ingest-configuration"))
	case "UpdateIngestConfiguration":
		if r.ingest == nil {
			return l.createIngest(ctx)
		}
		return l.updateIngest(ctx, r.ingest)
	case "ListIngestConfigurations":
		return l.checkList(ctx, "ingest-configuration")
	case "ingest":
		if r.ingest == nil {
			return l.createIngest(ctx)
		}
		return l.toggleIngest(ctx, r.ingest)
	case "CreateEncoderConfiguration": // or DeleteEncoderConfiguration
		if r.encoder != nil {
			return l.deleteResource(ctx, &r.encoder)
		}
		return l.createEncoder(ctx)
	case "GetEncoderConfiguration":
		return l.checkResource(ctx, l.liveOrDeleted(r.encoder, "encoder-configuration"))
	case "ListEncoderConfigurations":
		return l.checkList(ctx, "encoder-configuration")
	case "StartComposition": // or StopComposition, when one has not ended
		if r.comp != nil {
			return l.stopComposition(ctx)
		}
		if r.encoder == nil {
			return l.createEncoder(ctx)
		}
		return l.startComposition(ctx)
	case "GetComposition":
		if r.comp != nil {
			return l.checkResource(ctx, r.comp)
		}
		if len(r.ended) > 0 {
			return l.checkResource(ctx, r.ended[l.rng.IntN(len(r.ended))])
		}
		return l.checkList(ctx, "composition")
	case "ListCompositions":
		return l.checkList(ctx, "composition")
	case "StartParticipantReplication":
		return l.replicate(ctx)
	case "TagResource":
		var live []*loadResource
		for _, x := range []*loadResource{r.key, r.ingest, r.encoder, r.comp} {
			if x != nil {
				live = append(live, x)
			}
		}
		if len(live) == 0 {
			return l.importKey(ctx)
		}
		return l.tag(ctx, live[l.rng.IntN(len(live))])
	}
	return fmt.Errorf("no call %s", op)
}

// liveOrDeleted is the live resource, or else the last the client deleted
// of that kind, or nil.
func (l *loadClient) liveOrDeleted(live *loadResource, kind string) *loadResource {
	if live != nil {
		return live
	}
	for i := len(l.res.deleted) - 1; i >= 0; i-- {
		if l.res.deleted[i].kind == kind {
			return l.res.deleted[i]
		}
	}
	return nil
}

func (l *loadClient) tagsOf() map[string]string {
	return map[string]string{"client": fmt.Sprint(l.id)}
}

func (l *loadClient) acknowledged(x *loadResource) *loadResource {
	l.res.all = append(l.res.all, x)
	return x
}

// importKey imports a fresh P-384 key: every key is new, so no import is
// refused as a repeat.
func (l *loadClient) importKey(ctx context.Context) error {
	key, err := ecdsa.GenerateKey(elliptic.P384(), cryptorand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	l.seq++
	name := fmt.Sprintf("c%d-k%d", l.id, l.seq)
	out, err := l.api.ImportPublicKey(ctx, &ivsrealtime.ImportPublicKeyInput{
		Name: &name, Tags: l.tagsOf(),
		PublicKeyMaterial: aws.String(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))),
	})
	if err != nil {
		return check5xx(err)
	}
	l.calls["ImportPublicKey"]++
	l.res.key = l.acknowledged(&loadResource{kind: "public-key", arn: *out.PublicKey.Arn, name: name, tags: l.tagsOf()})
	return nil
}

func (l *loadClient) createIngest(ctx context.Context) error {
	l.seq++
	name := fmt.Sprintf("c%d-i%d", l.id, l.seq)
	stage := l.res.aux[l.rng.IntN(loadAuxStages)]
	out, err := l.api.CreateIngestConfiguration(ctx, &ivsrealtime.CreateIngestConfigurationInput{
		Name: &name, IngestProtocol: types.IngestProtocolRtmps, StageArn: &stage, Tags: l.tagsOf(),
	})
	if err != nil {
		return check5xx(err)
	}
	l.calls["CreateIngestConfiguration"]++
	ic := out.IngestConfiguration
	l.res.ingest = l.acknowledged(&loadResource{
		kind: "ingest-configuration", arn: *ic.Arn, name: name, tags: l.tagsOf(),
		stageArn: stage, streamKey: aws.ToString(ic.StreamKey),
	})
	return nil
}

// updateIngest moves the ingest configuration to the other aux stage: an
// ACTIVE one cannot be updated (ConflictException), an INACTIVE one must.
func (l *loadClient) updateIngest(ctx context.Context, ic *loadResource) error {
	to := l.res.aux[0]
	if ic.stageArn == to {
		to = l.res.aux[1]
	}
	_, err := l.api.UpdateIngestConfiguration(ctx, &ivsrealtime.UpdateIngestConfigurationInput{Arn: &ic.arn, StageArn: &to})
	if ic.active {
		var ce *types.ConflictException
		if !errors.As(err, &ce) {
			return fmt.Errorf("UpdateIngestConfiguration of ACTIVE %s: %v, want ConflictException", ic.arn, err)
		}
		l.calls["UpdateIngestConfiguration"]++
		return nil
	}
	if err != nil {
		return check5xx(err)
	}
	l.calls["UpdateIngestConfiguration"]++
	ic.stageArn = to
	return nil
}

// toggleIngest starts publishing through the ingest configuration, or
// stops it (POST /_ivsrt/ingest).
func (l *loadClient) toggleIngest(ctx context.Context, ic *loadResource) error {
	if ic.active {
		if err := l.control.StopIngest(ctx, ic.streamKey); err != nil {
			return check5xx(err)
		}
		ic.active = false
	} else {
		out, err := l.control.StartIngest(ctx, ivscontrol.IngestInput{StreamKey: ic.streamKey})
		if err != nil {
			return check5xx(err)
		}
		if out.StageArn != ic.stageArn {
			return fmt.Errorf("ingest of %s published to %s, want its stage %s", ic.arn, out.StageArn, ic.stageArn)
		}
		ic.active = true
	}
	l.calls["ingest"]++
	return nil
}

func (l *loadClient) createEncoder(ctx context.Context) error {
	l.seq++
	name := fmt.Sprintf("c%d-e%d", l.id, l.seq)
	out, err := l.api.CreateEncoderConfiguration(ctx, &ivsrealtime.CreateEncoderConfigurationInput{Name: &name, Tags: l.tagsOf()})
	if err != nil {
		return check5xx(err)
	}
	l.calls["CreateEncoderConfiguration"]++
	l.res.encoder = l.acknowledged(&loadResource{kind: "encoder-configuration", arn: *out.EncoderConfiguration.Arn, name: name, tags: l.tagsOf()})
	return nil
}

// deleteResource deletes the live public key, ingest configuration (with
// force when it publishes, which disconnects its participant) or encoder
// configuration. An encoder configuration a composition not ended uses
// is refused (ConflictException) and stays.
func (l *loadClient) deleteResource(ctx context.Context, p **loadResource) error {
	x := *p
	var err error
	switch x.kind {
	case "public-key":
		_, err = l.api.DeletePublicKey(ctx, &ivsrealtime.DeletePublicKeyInput{Arn: &x.arn})
		l.countIf(err, "DeletePublicKey")
	case "ingest-configuration":
		_, err = l.api.DeleteIngestConfiguration(ctx, &ivsrealtime.DeleteIngestConfigurationInput{Arn: &x.arn, Force: x.active})
		l.countIf(err, "DeleteIngestConfiguration")
	case "encoder-configuration":
		_, err = l.api.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: &x.arn})
		if l.res.comp != nil {
			var ce *types.ConflictException
			if !errors.As(err, &ce) {
				return fmt.Errorf("DeleteEncoderConfiguration of %s, used by %s: %v, want ConflictException", x.arn, l.res.comp.arn, err)
			}
			l.calls["DeleteEncoderConfiguration"]++
			return nil
		}
		l.countIf(err, "DeleteEncoderConfiguration")
	}
	if err != nil {
		return check5xx(err)
	}
	x.active = false
	l.res.deleted = append(l.res.deleted, x)
	*p = nil
	return nil
}

func (l *loadClient) countIf(err error, op string) {
	if err == nil {
		l.calls[op]++
	}
}

// startComposition starts a composition of the first aux stage to a
// channel of the account, encoded with the client's encoder
// configuration: STARTING.
func (l *loadClient) startComposition(ctx context.Context) error {
	account := strings.Split(l.res.aux[0], ":")[4]
	channel := fmt.Sprintf("arn:aws:ivs:us-east-1:%s:channel/abcdABCD1234", account)
	out, err := l.api.StartComposition(ctx, &ivsrealtime.StartCompositionInput{
		StageArn: &l.res.aux[0], Tags: l.tagsOf(),
		Destinations: []types.DestinationConfiguration{{Channel: &types.ChannelDestinationConfiguration{
			ChannelArn: &channel, EncoderConfigurationArn: &l.res.encoder.arn,
		}}},
	})
	if err != nil {
		return check5xx(err)
	}
	l.calls["StartComposition"]++
	if out.Composition.State != types.CompositionStateStarting {
		return fmt.Errorf("StartComposition answered %s, want STARTING", out.Composition.State)
	}
	l.res.comp = l.acknowledged(&loadResource{kind: "composition", arn: *out.Composition.Arn, tags: l.tagsOf(), state: types.CompositionStateStarting})
	return nil
}

// stopComposition stops the composition (STOPPING) and has the control
// API finish the stop (STOPPED), which ends it.
func (l *loadClient) stopComposition(ctx context.Context) error {
	c := l.res.comp
	if _, err := l.api.StopComposition(ctx, &ivsrealtime.StopCompositionInput{Arn: &c.arn}); err != nil {
		return check5xx(err)
	}
	l.calls["StopComposition"]++
	c.state = types.CompositionStateStopping
	if err := l.checkResource(ctx, c); err != nil {
		return err
	}
	if err := l.control.SetComposition(ctx, ivscontrol.CompositionInput{Arn: c.arn, State: string(types.CompositionStateStopped)}); err != nil {
		return check5xx(err)
	}
	c.state = types.CompositionStateStopped
	l.res.ended = append(l.res.ended, c)
	l.res.comp = nil
	return nil
}

// checkResource reads a resource: a live one as its owner left it, one
// its owner deleted not found, an ended composition STOPPED or not found.
func (l *loadClient) checkResource(ctx context.Context, x *loadResource) error {
	if x == nil {
		return nil
	}
	deleted := false
	for _, d := range l.res.deleted {
		deleted = deleted || d == x
	}
	var err error
	var name, stage string
	var state types.CompositionState
	var ingestState types.IngestConfigurationState
	switch x.kind {
	case "public-key":
		var out *ivsrealtime.GetPublicKeyOutput
		if out, err = l.api.GetPublicKey(ctx, &ivsrealtime.GetPublicKeyInput{Arn: &x.arn}); err == nil {
			name = aws.ToString(out.PublicKey.Name)
		}
		l.calls["GetPublicKey"]++
	case "ingest-configuration":
		var out *ivsrealtime.GetIngestConfigurationOutput
		if out, err = l.api.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: &x.arn}); err == nil {
			name, stage, ingestState = aws.ToString(out.IngestConfiguration.Name), aws.ToString(out.IngestConfiguration.StageArn), out.IngestConfiguration.State
		}
		l.calls["GetIngestConfiguration"]++
	case "encoder-configuration":
		var out *ivsrealtime.GetEncoderConfigurationOutput
		if out, err = l.api.GetEncoderConfiguration(ctx, &ivsrealtime.GetEncoderConfigurationInput{Arn: &x.arn}); err == nil {
			name = aws.ToString(out.EncoderConfiguration.Name)
		}
		l.calls["GetEncoderConfiguration"]++
	case "composition":
		var out *ivsrealtime.GetCompositionOutput
		if out, err = l.api.GetComposition(ctx, &ivsrealtime.GetCompositionInput{Arn: &x.arn}); err == nil {
			state = out.Composition.State
		}
		l.calls["GetComposition"]++
	}
	var nf *types.ResourceNotFoundException
	switch {
	case deleted:
		if !errors.As(err, &nf) {
			return fmt.Errorf("Get of deleted %s: %v, want ResourceNotFoundException", x.arn, err)
		}
		return nil
	case x.kind == "composition" && x.state == types.CompositionStateStopped && errors.As(err, &nf):
		return nil // dropped to make room for another client's
	case err != nil:
		return check5xx(err)
	case name != x.name:
		return fmt.Errorf("lost update: %s reads name %q, want %q", x.arn, name, x.name)
	case stage != x.stageArn:
		return fmt.Errorf("lost update: %s reads stageArn %q, the last acknowledged is %q", x.arn, stage, x.stageArn)
	case state != x.state:
		return fmt.Errorf("%s reads %s, want %s", x.arn, state, x.state)
	}
	if x.kind == "ingest-configuration" {
		want := types.IngestConfigurationStateInactive
		if x.active {
			want = types.IngestConfigurationStateActive
		}
		if ingestState != want {
			return fmt.Errorf("%s reads %s, want %s", x.arn, ingestState, want)
		}
	}
	return nil
}

// checkList pages through every resource of a kind, the other clients'
// included, ten a page, and requires each of this client's live ones
// exactly once, none of those it deleted, and nothing twice. Compositions
// are listed for the client's stage: every one listed is its own.
func (l *loadClient) checkList(ctx context.Context, kind string) error {
	seen := map[string]int{}
	var token *string
	page := aws.Int32(10)
	for range 1000 { // bounded: the bounds above bound the pages
		var arns []string
		var next *string
		var err error
		switch kind {
		case "public-key":
			var out *ivsrealtime.ListPublicKeysOutput
			if out, err = l.api.ListPublicKeys(ctx, &ivsrealtime.ListPublicKeysInput{MaxResults: page, NextToken: token}); err == nil {
				for _, k := range out.PublicKeys {
					arns = append(arns, aws.ToString(k.Arn))
				}
				next = out.NextToken
			}
			l.countIf(err, "ListPublicKeys")
		case "ingest-configuration":
			var out *ivsrealtime.ListIngestConfigurationsOutput
			if out, err = l.api.ListIngestConfigurations(ctx, &ivsrealtime.ListIngestConfigurationsInput{MaxResults: page, NextToken: token}); err == nil {
				for _, k := range out.IngestConfigurations {
					arns = append(arns, aws.ToString(k.Arn))
				}
				next = out.NextToken
			}
			l.countIf(err, "ListIngestConfigurations")
		case "encoder-configuration":
			var out *ivsrealtime.ListEncoderConfigurationsOutput
			if out, err = l.api.ListEncoderConfigurations(ctx, &ivsrealtime.ListEncoderConfigurationsInput{MaxResults: page, NextToken: token}); err == nil {
				for _, k := range out.EncoderConfigurations {
					arns = append(arns, aws.ToString(k.Arn))
				}
				next = out.NextToken
			}
			l.countIf(err, "ListEncoderConfigurations")
		case "composition":
			var out *ivsrealtime.ListCompositionsOutput
			if out, err = l.api.ListCompositions(ctx, &ivsrealtime.ListCompositionsInput{MaxResults: page, NextToken: token, FilterByStageArn: &l.res.aux[0]}); err == nil {
				for _, c := range out.Compositions {
					arns = append(arns, aws.ToString(c.Arn))
					if l.res.comp != nil && aws.ToString(c.Arn) == l.res.comp.arn && c.State != l.res.comp.state {
						return fmt.Errorf("ListCompositions lists %s %s, want %s", l.res.comp.arn, c.State, l.res.comp.state)
					}
				}
				next = out.NextToken
			}
			l.countIf(err, "ListCompositions")
		}
		if err != nil {
			return check5xx(err)
		}
		for _, arn := range arns {
			seen[arn]++
		}
		if next == nil {
			break
		}
		token = next
	}
	for arn, n := range seen {
		if n > 1 {
			return fmt.Errorf("List of %s listed %s %d times", kind, arn, n)
		}
	}
	mine := map[string]bool{}
	for _, x := range l.res.all {
		if x.kind == kind {
			mine[x.arn] = true
		}
	}
	for _, x := range l.res.deleted {
		if x.kind == kind && seen[x.arn] > 0 {
			return fmt.Errorf("List of %s listed %s, which its owner deleted", kind, x.arn)
		}
	}
	if kind == "composition" {
		for arn := range seen {
			if !mine[arn] {
				return fmt.Errorf("ListCompositions of stage %s listed %s, which this client did not start", l.res.aux[0], arn)
			}
		}
	}
	for _, x := range []*loadResource{l.res.key, l.res.ingest, l.res.encoder, l.res.comp} {
		if x != nil && x.kind == kind && seen[x.arn] != 1 {
			return fmt.Errorf("List of %s did not list live %s", kind, x.arn)
		}
	}
	return nil
}

// tag tags a live resource and reads its tags back: those of the create
// with each acknowledged TagResource's merged in.
func (l *loadClient) tag(ctx context.Context, x *loadResource) error {
	l.seq++
	k, v := fmt.Sprintf("t%d", l.rng.IntN(3)), fmt.Sprint(l.seq)
	if _, err := l.api.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: &x.arn, Tags: map[string]string{k: v}}); err != nil {
		return check5xx(err)
	}
	l.calls["TagResource"]++
	x.tags[k] = v
	out, err := l.api.ListTagsForResource(ctx, &ivsrealtime.ListTagsForResourceInput{ResourceArn: &x.arn})
	if err != nil {
		return check5xx(err)
	}
	l.calls["ListTagsForResource"]++
	if !maps.Equal(out.Tags, x.tags) {
		return fmt.Errorf("lost update: %s has tags %v, want %v", x.arn, out.Tags, x.tags)
	}
	return nil
}

// replicate replicates a publishing participant (made publishing if
// none is) of one of the client's
// stages to its second aux stage, lists the replication ACTIVE, stops it
// and lists it STOPPED. The client runs one call at a time, so nothing of
// its own leaves in between.
func (l *loadClient) replicate(ctx context.Context) error {
	var src *loadStage
	var id string
	for _, st := range l.live() {
		for p := range st.connected {
			if src == nil || st.publishing[p] {
				src, id = st, p
			}
		}
	}
	if src == nil {
		return l.checkList(ctx, "public-key")
	}
	if !src.publishing[id] {
		// Only a publishing participant can be replicated.
		if err := l.control.Publish(ctx, ivscontrol.ParticipantRef{StageArn: src.arn, ParticipantId: id}); err != nil {
			return check5xx(err)
		}
		l.calls["publish"]++
		src.publishing[id] = true
	}
	dst := l.res.aux[1]
	ref := &ivsrealtime.StartParticipantReplicationInput{SourceStageArn: &src.arn, DestinationStageArn: &dst, ParticipantId: &id}
	if _, err := l.api.StartParticipantReplication(ctx, ref); err != nil {
		return check5xx(err)
	}
	l.calls["StartParticipantReplication"]++
	if err := l.checkReplicas(ctx, src.arn, id, dst, types.ReplicationStateActive); err != nil {
		return err
	}
	if _, err := l.api.StopParticipantReplication(ctx, &ivsrealtime.StopParticipantReplicationInput{SourceStageArn: &src.arn, DestinationStageArn: &dst, ParticipantId: &id}); err != nil {
		return check5xx(err)
	}
	l.calls["StopParticipantReplication"]++
	return l.checkReplicas(ctx, src.arn, id, dst, types.ReplicationStateStopped)
}

// checkReplicas pages through a participant's replicas, one a page: the
// replication to dst is listed once, in state want, and no other.
func (l *loadClient) checkReplicas(ctx context.Context, src, id, dst string, want types.ReplicationState) error {
	in := &ivsrealtime.ListParticipantReplicasInput{SourceStageArn: &src, ParticipantId: &id, MaxResults: aws.Int32(1)}
	found := 0
	for range 100 { // bounded: one destination, so at most one replica
		out, err := l.api.ListParticipantReplicas(ctx, in)
		if err != nil {
			return check5xx(err)
		}
		l.calls["ListParticipantReplicas"]++
		for _, r := range out.Replicas {
			if aws.ToString(r.DestinationStageArn) != dst {
				return fmt.Errorf("participant %s of %s lists a replica in %s, never replicated there", id, src, aws.ToString(r.DestinationStageArn))
			}
			found++
			if r.ReplicationState != want {
				return fmt.Errorf("participant %s of %s lists its replica in %s %s, want %s", id, src, dst, r.ReplicationState, want)
			}
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if found != 1 {
		return fmt.Errorf("participant %s of %s lists %d replicas in %s, want 1", id, src, found, dst)
	}
	return nil
}

// checkResources reads back every resource the client made, afterwards.
func (l *loadClient) checkResources(ctx context.Context) (int, error) {
	for _, x := range l.res.all {
		if err := l.checkResource(ctx, x); err != nil {
			return 0, err
		}
	}
	for _, kind := range []string{"public-key", "ingest-configuration", "encoder-configuration", "composition"} {
		if err := l.checkList(ctx, kind); err != nil {
			return 0, err
		}
	}
	return len(l.res.all), nil
}
