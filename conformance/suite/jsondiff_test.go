package suite

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func decoded(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// DiffJSON writes the JSON members that differ, each under the path of
// the object that holds it, in JSON: no Go type or struct syntax.
func TestDiffJSON(t *testing.T) {
	for name, tc := range map[string]struct {
		want, got any
		diff      string
	}{
		"equal": {decoded(t, `{"a":[1,{"b":"x"}]}`), decoded(t, `{"a":[1,{"b":"x"}]}`), ""},
		"an answer": {
			Answer{Status: 400, ErrorType: "ValidationException", Names: []string{"a.b"}},
			Answer{Status: 200},
			"- \"status\": 400\n+ \"status\": 200\n- \"errorType\": \"ValidationException\"\n- \"messageNames\": [\"a.b\"]\n",
		},
		"scalars": {"an ISO 8601 string", 12.5, "- \"an ISO 8601 string\"\n+ 12.5\n"},
		"nested member": {
			decoded(t, `{"stage":{"arn":"x","rc":{"mediaTypes":["AUDIO_VIDEO"],"n":1}}}`),
			decoded(t, `{"stage":{"arn":"x","rc":{"mediaTypes":["AUDIO_ONLY"],"n":1}}}`),
			"  stage.rc:\n-   \"mediaTypes\": [\"AUDIO_VIDEO\"]\n+   \"mediaTypes\": [\"AUDIO_ONLY\"]\n",
		},
		"member missing and extra": {
			decoded(t, `{"tags":{"a b":"1","c":"2"}}`),
			decoded(t, `{"tags":{"c":"2","d":"<x&y>"}}`),
			"  tags:\n-   \"a b\": \"1\"\n+   \"d\": \"<x&y>\"\n",
		},
		"a path through a name that is no identifier": {
			decoded(t, `{"tags":{"a-b":{"c":1}}}`),
			decoded(t, `{"tags":{"a-b":{"c":2}}}`),
			"  tags[\"a-b\"]:\n-   \"c\": 1\n+   \"c\": 2\n",
		},
		"an item missing from a list": {
			[]string{"a", "b", "c", "d", strings.Repeat("x", 60)},
			[]string{"a", "c", "d", "e", strings.Repeat("x", 60)},
			"- [1]: \"b\"\n+ [3]: \"e\"\n",
		},
		"a short list whole": {
			[]string{"a", "b"},
			[]string{"a"},
			"- [\"a\",\"b\"]\n+ [\"a\"]\n",
		},
		"an object changed in a list": {
			decoded(t, `{"items":[{"id":"1","s":"ON"},{"id":"2","s":"ON"}]}`),
			decoded(t, `{"items":[{"id":"1","s":"ON"},{"id":"2","s":"OFF"}]}`),
			"  items[1]:\n-   \"s\": \"ON\"\n+   \"s\": \"OFF\"\n",
		},
		"a type changed": {
			decoded(t, `{"a":{"b":1}}`),
			decoded(t, `{"a":"b"}`),
			"- \"a\": {\"b\":1}\n+ \"a\": \"b\"\n",
		},
		"maps in order": {
			map[string]string{"z": "1", "a": "2"},
			map[string]string{"a": "3", "z": "1"},
			"- \"a\": \"2\"\n+ \"a\": \"3\"\n",
		},
	} {
		assert.Equal(t, tc.diff, DiffJSON(tc.want, tc.got), name)
	}
}

// What JSON cannot tell apart, go-cmp still does: a diff, never "" for
// values that differ.
func TestDiffJSONFallsBackToGoCmp(t *testing.T) {
	d := DiffJSON(2, 2.0)
	assert.NotEmpty(t, d)
	d = DiffJSON(func() {}, 1)
	assert.NotEmpty(t, d)
	assert.True(t, strings.Contains(d, "func"), d)
}

// Contract.Diff keeps to JSON, and to what the expectation names.
func TestContractDiffIsJSON(t *testing.T) {
	c := &Contract{}
	d := c.Diff(nil, decoded(t, `{"a":{"b":1,"e":5}}`), decoded(t, `{"a":{"b":1,"c":2},"d":3}`))
	assert.Equal(t, "  a:\n-   \"e\": 5\n", d)
}
