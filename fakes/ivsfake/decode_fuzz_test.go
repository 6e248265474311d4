package ivsfake_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/wire"
)

var decodeSeeds = []string{
	``, ` `, `{}`, `null`, `null x`, `[]`, `"x"`, `12`, `true`, `{}{}`, `{} x`, `{"name"`, `{"name" "a"}`,
	`{"name":"s1","participantTokenConfigurations":[{"duration":20160,"userId":"u","attributes":{"k":"v"},"capabilities":["PUBLISH"]}],"tags":{"k":"v"}}`,
	`{"autoParticipantRecordingConfiguration":{"storageConfigurationArn":"arn","mediaTypes":["AUDIO_ONLY",null]}}`,
	`{"name":5,"tags":{"k":null}}`, `{"tags":{"k":null},"name":5}`, `{"participantTokenConfigurations":[{"capabilities":[null]}]}`,
	`{"participantTokenConfigurations":[null,{},{"duration":null,"capabilities":[]}],"tags":{"k":null}}`,
	`{"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/abc","sessionId":"st-a","filterByUserId":"u","filterByPublished":true,"filterByState":"CONNECTED","filterByRecordingState":"ACTIVE","nextToken":"t","maxResults":100}`,
	`{"maxResults":2147483648}`, `{"maxResults":1.0}`, `{"maxResults":1e2}`, `{"maxResults":-0}`, `{"maxResults":"5"}`,
	`{"name":5}`, `{"tags":[]}`, `{"tags":{"k":1}}`, `{"participantTokenConfigurations":{}}`, `{"participantTokenConfigurations":[5]}`,
	`{"participantTokenConfigurations":[{"duration":"720"}]}`, `{"filterByPublished":"true"}`,
	`{"name":"\ud83d\ude00\ud800\u00e9\n\"","x":{"y":[1,2,{"z":null}]}}`, "{\"name\":\"\xff\xc3\"}",
	`{"unknown":[1,]}`, `{"name":"a","name":null}`, `{"NAME":"x"}`, `{"a":{"b":{"c":[[[[]]]]}}}`,
}

// FuzzDecodeCreateStage decodes arbitrary bodies into a CreateStageRequest
// with the generated decoder (ivsapi.DecodeRequest) and with encoding/json
// (wire.Decode): both succeed with equal results or both fail with the same
// error. Both ignore a member name that matches only without regard to
// case, as AWS does. Inputs on which the two are meant to differ are
// skipped: a repeated member (the last one wins; encoding/json merges
// objects and maps).
func FuzzDecodeCreateStage(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if comparable(body) {
			var got, want ivsapi.CreateStageRequest
			agree(t, body, ivsapi.DecodeRequest(body, &got), &got, &want)
		}
	})
}

// FuzzDecodeListParticipants is FuzzDecodeCreateStage for ListParticipants.
func FuzzDecodeListParticipants(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if comparable(body) {
			var got, want ivsapi.ListParticipantsRequest
			agree(t, body, ivsapi.DecodeRequest(body, &got), &got, &want)
		}
	})
}

func compareDecoders(t *testing.T, body []byte) {
	t.Helper()
	if comparable(body) {
		var got, want ivsapi.CreateStageRequest
		agree(t, body, ivsapi.DecodeRequest(body, &got), &got, &want)
	}
	if comparable(body) {
		var got, want ivsapi.ListParticipantsRequest
		agree(t, body, ivsapi.DecodeRequest(body, &got), &got, &want)
	}
}

func agree(t *testing.T, body []byte, gerr *wire.Error, got, want any) {
	t.Helper()
	werr := wire.Decode(body, want)
	if werr != nil && gerr != nil && (invalidText(werr) || invalidText(gerr) || nullItem(werr) || nullItem(gerr)) {
		// Both refuse text that is not valid Unicode and null items of
		// lists and maps, but a member of the wrong type found first by
		// one of them may be the answer instead.
		require.Equal(t, "SerializationException", werr.Type, "%q", body)
		require.Equal(t, "SerializationException", gerr.Type, "%q", body)
		return
	}
	if werr != nil || gerr != nil {
		require.Equal(t, werr, gerr, "errors differ for %q", body)
		return
	}
	require.True(t, utf8.Valid(body), "%q: invalid UTF-8 accepted", body)
	require.Equal(t, want, got, "results differ for %q", body)
}

func nullItem(e *wire.Error) bool {
	return strings.Contains(e.Message, "'s items may not be null") || strings.Contains(e.Message, "'s values may not be null")
}

func invalidText(e *wire.Error) bool {
	return strings.Contains(e.Message, "is not valid UTF-8") || strings.Contains(e.Message, "is not valid Unicode")
}

// comparable reports whether body is one on which both decoders must agree:
// no object has a key twice. Invalid JSON is always comparable (both must
// fail).
func comparable(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		object bool
		keys   map[string]bool
		atKey  bool // next token in this object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.atKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			key := tok.(string)
			if top.keys[key] {
				return false
			}
			top.keys[key] = true
			top.atKey = false
			continue
		}
		if top != nil && top.object {
			top.atKey = true // this token is the value; a key comes next
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, atKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim(']'), json.Delim('}'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].atKey = true
			}
		}
	}
}

func TestDecodeSeedsAgree(t *testing.T) {
	for _, s := range decodeSeeds {
		compareDecoders(t, []byte(s))
	}
	assert.True(t, comparable([]byte(`{"NAME":"x"}`)), "both ignore a name in another case")
	assert.False(t, comparable([]byte(`{"a":{"name":"a","name":null}}`)))
	assert.True(t, comparable([]byte(decodeSeeds[13])))
	assert.True(t, comparable([]byte(`{"x":{"n":1},"y":[{"n":2}],"n":3}`)))
	assert.True(t, comparable([]byte(`{"a":[1,`)))
}

// TestDecodeMatchesNamesExactly: AWS ignores a member spelled in another
// case, where encoding/json would take it.
func TestDecodeMatchesNamesExactly(t *testing.T) {
	var in ivsapi.CreateStageRequest
	require.Nil(t, ivsapi.DecodeRequest([]byte(`{"NAME":"x","Tags":{"k":"v"}}`), &in))
	assert.Nil(t, in.Name)
	assert.Nil(t, in.Tags)

	in = ivsapi.CreateStageRequest{}
	require.Nil(t, ivsapi.DecodeRequest([]byte(`{"name":"x"}`), &in))
	require.NotNil(t, in.Name)
	assert.Equal(t, "x", *in.Name)
}
