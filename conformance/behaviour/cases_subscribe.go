package behaviour

import (
	"context"

	"github.com/google/go-cmp/cmp"

	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
)

// This file holds the behaviour cases of subscribing: a subscribe event
// names the publisher as its remoteParticipantId (the model: "For a
// subscribe event, this is the publisher"), and a refused subscription is
// a SUBSCRIBE_ERROR event with the model's code for its cause.

// Subscriber is a Seeder that can also make a joined participant
// subscribe to, and stop subscribing to, a participant publishing to the
// same session, as a client of AWS's broadcast SDKs does. An ivsrt fake's
// seeder does (POST /_ivsrt/subscribe); a case whose seeder cannot is
// skipped, with the reason.
type Subscriber interface {
	Subscribe(ctx context.Context, p suite.Joined, remoteParticipantID string) error
	Unsubscribe(ctx context.Context, p suite.Joined, remoteParticipantID string) error
}

// The event names and error codes of subscribing.
const (
	eventSubscribeStarted  = "SUBSCRIBE_STARTED"
	eventSubscribeStopped  = "SUBSCRIBE_STOPPED"
	eventSubscribeError    = "SUBSCRIBE_ERROR"
	errorPublisherNotFound = "PUBLISHER_NOT_FOUND"
	capabilitySubscribe    = "SUBSCRIBE"
)

// needSubscribeEvents is what the subscribe cases need the contract to know.
var needSubscribeEvents = []string{
	structEvent + "." + ivscases.MemberRemoteParticipantId,
	structEvent + "." + ivscases.MemberName + "=" + eventSubscribeStarted,
	structEvent + "." + ivscases.MemberName + "=" + eventSubscribeStopped,
	structEvent + "." + ivscases.MemberName + "=" + eventSubscribeError,
}

// subscriber is the seeder as a Subscriber.
func (r *runner) subscriber() (Subscriber, *suite.Failure) {
	if f := r.needSeeder(); f != nil {
		return nil, f
	}
	s, ok := r.Target().Seeder.(Subscriber)
	if !ok {
		return nil, suite.SkipFor(suite.SeederWith("behaviour.Subscriber"), "the seeder cannot make a participant subscribe")
	}
	return s, nil
}

// subscribePair makes a stage with two participants joined: one that
// publishes (when publish is set) and one whose token has the
// capabilities given (nil: the default).
func (r *runner) subscribePair(ctx context.Context, caseTag string, publish bool, capabilities []string) (pub, sub suite.Joined, f *suite.Failure) {
	if f := r.c.checkEventNames(eventJoined, eventPublishStarted); f != nil {
		return pub, sub, f
	}
	st, _, _, f := r.createStage(ctx, caseTag, map[string]any{})
	if f != nil {
		return pub, sub, f
	}
	arn := st[ivscases.MemberArn].(string)
	seeder := r.Target().Seeder
	pubTok, _, f := r.issueToken(ctx, arn, map[string]any{})
	if f != nil {
		return pub, sub, f
	}
	extra := map[string]any{}
	if capabilities != nil {
		extra[ivscases.MemberCapabilities] = capabilities
	}
	subTok, _, f := r.issueToken(ctx, arn, extra)
	if f != nil {
		return pub, sub, f
	}
	var err error
	if pub, err = seeder.Join(ctx, pubTok["token"].(string)); err != nil {
		return pub, sub, seederFailure("Join(the publisher)", err)
	}
	if sub, err = seeder.Join(ctx, subTok["token"].(string)); err != nil {
		return pub, sub, seederFailure("Join(the subscriber)", err)
	}
	if publish {
		if err := seeder.Publish(ctx, pub); err != nil {
			return pub, sub, seederFailure("Publish", err)
		}
	}
	return pub, sub, nil
}

// eventView is what the subscribe cases compare of an event: its name,
// remote participant and error code, as the answer gives them (nil where
// absent).
type eventView struct {
	Name, Remote, Code any
}

func viewOf(e map[string]any) eventView {
	return eventView{e[ivscases.MemberName], e[ivscases.MemberRemoteParticipantId], e[ivscases.MemberErrorCode]}
}

// subscribeNamesThePublisher: a participant that subscribes to a
// publisher, then stops, has SUBSCRIBE_STARTED and SUBSCRIBE_STOPPED
// events naming the publisher as remoteParticipantId and no error code;
// its join, and the publisher's join and publish, name no remote
// participant (documented: Event.remoteParticipantId).
func subscribeNamesThePublisher(ctx context.Context, r *runner) *suite.Failure {
	s, f := r.subscriber()
	if f != nil {
		return f
	}
	pub, sub, f := r.subscribePair(ctx, "subscribe-names-the-publisher", true, nil)
	if f != nil {
		return f
	}
	if err := s.Subscribe(ctx, sub, pub.ParticipantID); err != nil {
		return seederFailure("Subscribe", err)
	}
	if err := s.Unsubscribe(ctx, sub, pub.ParticipantID); err != nil {
		return seederFailure("Unsubscribe", err)
	}
	evs, _, ex, f := r.events(ctx, sub)
	if f != nil {
		return f
	}
	var got []eventView
	for _, e := range evs {
		got = append(got, viewOf(e))
	}
	want := []eventView{
		{Name: eventSubscribeStopped, Remote: pub.ParticipantID},
		{Name: eventSubscribeStarted, Remote: pub.ParticipantID},
		{Name: eventJoined},
	}
	// Order is asserted only where the times differ (the published
	// examples list events of one time in any order): compared as a set.
	if d := cmp.Diff(want, got, sortedViews); d != "" {
		return &suite.Failure{Reason: "a subscriber's events do not name its publisher as the model documents (remoteParticipantId on subscribe events only)", Diff: d, Exchange: ex}
	}
	evs, _, ex, f = r.events(ctx, pub)
	if f != nil {
		return f
	}
	for _, e := range evs {
		if v := viewOf(e); v.Remote != nil {
			return suite.Mismatch(ex, "the publisher's own "+asString(v.Name)+" event names a remote participant: the model documents it as null for a join or publish event", nil, v.Remote)
		}
	}
	return nil
}

// subscribeRefused: a subscription that cannot be made is a
// SUBSCRIBE_ERROR event naming the participant it was to, with the
// model's code: PUBLISHER_NOT_FOUND for one that does not publish,
// INSUFFICIENT_CAPABILITIES for a token without SUBSCRIBE (documented:
// EventErrorCode). What the seeder answers is not judged: the event is.
func subscribeRefused(publish bool, capabilities []string, code string) func(ctx context.Context, r *runner) *suite.Failure {
	return func(ctx context.Context, r *runner) *suite.Failure {
		s, f := r.subscriber()
		if f != nil {
			return f
		}
		pub, sub, f := r.subscribePair(ctx, "subscribe-refused", publish, capabilities)
		if f != nil {
			return f
		}
		_ = s.Subscribe(ctx, sub, pub.ParticipantID)
		evs, _, ex, f := r.events(ctx, sub)
		if f != nil {
			return f
		}
		want := eventView{Name: eventSubscribeError, Remote: pub.ParticipantID, Code: code}
		for _, e := range evs {
			if viewOf(e) == want {
				return nil
			}
		}
		var got []eventView
		for _, e := range evs {
			got = append(got, viewOf(e))
		}
		return &suite.Failure{Reason: "a refused subscription is not a SUBSCRIBE_ERROR event with " + code + " naming the participant it was to",
			Diff: cmp.Diff([]eventView{want}, got), Exchange: ex}
	}
}

// sortedViews compares event views as sets.
var sortedViews = cmp.Transformer("sorted", func(in []eventView) map[eventView]int {
	out := map[eventView]int{}
	for _, v := range in {
		out[v]++
	}
	return out
})

func asString(v any) string {
	s, _ := v.(string)
	return s
}
