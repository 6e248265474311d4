package ivsfake

import (
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/ivsrt/contract/fakes/ivsapi"
)

// A stage's endpoints (Stage.endpoints), in the form AWS's CLI examples
// show for create-stage, get-stage and update-stage
// (awscli/examples/ivs-realtime/*.rst):
//
//	"events": "wss://global.events.live-video.net",
//	"rtmp":   "rtmp://9x0y8z7s6t5u.global-contribute-staging.live-video.net/app/",
//	"rtmps":  "rtmps://9x0y8z7s6t5u.global-contribute-staging.live-video.net:443/app/",
//	"whip":   "https://9x0y8z7s6t5u.global-bm.whip.live-video.net"
//
// The examples were taken in AWS's staging environment ("-staging"); the
// fake writes the production host, global-contribute.live-video.net. The
// 12 lowercase letters and digits are the stage's own: minted once, when
// the stage is created, and kept (AWS's API reference: cache these values
// at stage creation, for up to 14 days). rtmp, rtmps and whip share them,
// as create-stage and get-stage show (update-stage's example gives whip
// another id, which we take for a slip of the example). events is the
// same for every stage.
//
// The URLs are far shorter than the spec's bound on a StageEndpoint
// (ivsapi.StageEndpointsEventsMaxLength and the others, 2048), which
// TestEndpointsFitTheSpec holds them to.
const (
	endpointEvents     = "wss://global.events.live-video.net"
	endpointRTMPForm   = "rtmp://{id}.global-contribute.live-video.net/app/"
	endpointRTMPSForm  = "rtmps://{id}.global-contribute.live-video.net:443/app/"
	endpointWHIPForm   = "https://{id}.global-bm.whip.live-video.net"
	endpointIDLen      = 12
	endpointIDAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// newEndpointID mints a stage's endpoint id. Like the spec's identifiers
// it needs to be unique, not secret.
func newEndpointID() string {
	b := make([]byte, endpointIDLen)
	for i := range b {
		b[i] = endpointIDAlphabet[rand.IntN(len(endpointIDAlphabet))]
	}
	return string(b)
}

// legacyEndpointID is the endpoint id of a stage a state file holds from
// an ivsrt that did not mint endpoints: made from the stage's ARN, so it
// is the same at every load without the file being rewritten.
func legacyEndpointID(stageArn string) string {
	h := fnv.New64a()
	h.Write([]byte(stageArn))
	id := strconv.FormatUint(h.Sum64(), len(endpointIDAlphabet))
	id = strings.Repeat("0", max(0, endpointIDLen-len(id))) + id
	return id[len(id)-endpointIDLen:]
}

// stageEndpoints are the endpoints of the stage whose endpoint id is id.
func stageEndpoints(id string) *ivsapi.StageEndpoints {
	form := func(f string) *string { return new(strings.ReplaceAll(f, "{id}", id)) }
	return &ivsapi.StageEndpoints{
		Events: new(endpointEvents),
		Whip:   form(endpointWHIPForm),
		Rtmp:   form(endpointRTMPForm),
		Rtmps:  form(endpointRTMPSForm),
	}
}
