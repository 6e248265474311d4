package validate

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// check runs f on a fresh Errors and returns its violations.
func check(f func(e *Errors)) []Violation {
	var e Errors
	f(&e)
	return e.Violations()
}

func one(path, value, rule string) []Violation {
	return []Violation{{Path: path, Value: value, Rule: rule}}
}

var (
	namePattern = regexp.MustCompile(`^[a-zA-Z0-9-_]*$`)
	arnPattern  = regexp.MustCompile(`^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$`)
)

func TestRules(t *testing.T) {
	const (
		maxLen = "Member must have length less than or equal to "
		minLen = "Member must have length greater than or equal to "
		maxVal = "Member must have value less than or equal to "
		minVal = "Member must have value greater than or equal to "
	)
	tests := []struct {
		name string
		f    func(e *Errors)
		want []Violation
	}{
		{"required present", func(e *Errors) { e.Required("arn", true) }, nil},
		{"required missing", func(e *Errors) { e.Required("arn", false) }, one("arn", "null", "Member must not be null")},

		{"max length below", func(e *Errors) { e.MaxLength("name", "abc", 4) }, nil},
		{"max length at", func(e *Errors) { e.MaxLength("name", "abcd", 4) }, nil},
		{"max length above", func(e *Errors) { e.MaxLength("name", "abcde", 4) }, one("name", "'abcde'", maxLen+"4")},
		{"max length multi-byte at", func(e *Errors) { e.MaxLength("name", "éééé", 4) }, nil},
		{"max length multi-byte above", func(e *Errors) { e.MaxLength("name", "ééééé", 4) }, one("name", "'ééééé'", maxLen+"4")},
		{"max length emoji at", func(e *Errors) { e.MaxLength("userId", "😀😀", 2) }, nil},
		{"max length zero", func(e *Errors) { e.MaxLength("x", "", 0) }, nil},

		{"min length below", func(e *Errors) { e.MinLength("arn", "", 1) }, one("arn", "''", minLen+"1")},
		{"min length at", func(e *Errors) { e.MinLength("arn", "a", 1) }, nil},
		{"min length above", func(e *Errors) { e.MinLength("arn", "ab", 1) }, nil},
		{"min length multi-byte below", func(e *Errors) { e.MinLength("sessionId", "ééé", 4) }, one("sessionId", "'ééé'", minLen+"4")},
		{"min length multi-byte at", func(e *Errors) { e.MinLength("sessionId", "éééé", 4) }, nil},
		{"min length 4-byte chars below", func(e *Errors) { e.MinLength("sessionId", "😀😀😀", 4) }, one("sessionId", "'😀😀😀'", minLen+"4")},
		{"min length long ASCII", func(e *Errors) { e.MinLength("x", strings.Repeat("a", 100), 16) }, nil},

		{"pattern match", func(e *Errors) { e.Pattern("name", "stage-1_a", namePattern, "[a-zA-Z0-9-_]*") }, nil},
		{"pattern empty match", func(e *Errors) { e.Pattern("name", "", namePattern, "[a-zA-Z0-9-_]*") }, nil},
		{"pattern mismatch", func(e *Errors) { e.Pattern("name", "bad name!", namePattern, "[a-zA-Z0-9-_]*") },
			one("name", "'bad name!'", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]*")},
		{"pattern whole value", func(e *Errors) {
			e.Pattern("arn", "xarn:aws:ivs:us-east-1:1:stage/a", arnPattern, "arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+")
		}, one("arn", "'xarn:aws:ivs:us-east-1:1:stage/a'", "Member must satisfy regular expression pattern: arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+")},

		{"min value below", func(e *Errors) { e.MinValue("maxResults", 0, 1) }, one("maxResults", "'0'", minVal+"1")},
		{"min value negative", func(e *Errors) { e.MinValue("maxResults", -5, 1) }, one("maxResults", "'-5'", minVal+"1")},
		{"min value at", func(e *Errors) { e.MinValue("maxResults", 1, 1) }, nil},
		{"min value above", func(e *Errors) { e.MinValue("maxResults", 2, 1) }, nil},
		{"max value below", func(e *Errors) { e.MaxValue("d", 20159, 20160) }, nil},
		{"max value at", func(e *Errors) { e.MaxValue("d", 20160, 20160) }, nil},
		{"max value above", func(e *Errors) { e.MaxValue("d", 20161, 20160) }, one("d", "'20161'", maxVal+"20160")},

		{"enum ok", func(e *Errors) { e.Enum("filterByState", "CONNECTED", []string{"CONNECTED", "DISCONNECTED"}) }, nil},
		{"enum bad", func(e *Errors) { e.Enum("filterByState", "connected", []string{"CONNECTED", "DISCONNECTED"}) },
			one("filterByState", "'connected'", "Member must satisfy enum value set: [CONNECTED, DISCONNECTED]")},
		{"enum empty string", func(e *Errors) { e.Enum("s", "", []string{"A"}) }, one("s", "''", "Member must satisfy enum value set: [A]")},

		{"max items below", func(e *Errors) { MaxItems(e, "caps", []string{"PUBLISH"}, 2) }, nil},
		{"max items at", func(e *Errors) { MaxItems(e, "caps", []string{"PUBLISH", "SUBSCRIBE"}, 2) }, nil},
		{"max items above", func(e *Errors) { MaxItems(e, "caps", []string{"PUBLISH", "SUBSCRIBE", "PUBLISH"}, 2) },
			one("caps", "'[PUBLISH, SUBSCRIBE, PUBLISH]'", maxLen+"2")},
		{"min items below (empty, not absent)", func(e *Errors) { MinItems(e, "l", []int{}, 1) }, one("l", "'[]'", minLen+"1")},
		{"min items at", func(e *Errors) { MinItems(e, "l", []int{7}, 1) }, nil},
		{"min items above", func(e *Errors) { MinItems(e, "l", []int{7, 8}, 1) }, nil},
		{"max items of structures", func(e *Errors) { MaxItems(e, "c", []struct{ D int }{{1}, {2}}, 1) }, one("c", "'[..., ...]'", maxLen+"1")},

		{"max entries at", func(e *Errors) { MaxEntries(e, "tags", map[string]string{"a": "1", "b": "2"}, 2) }, nil},
		{"max entries above", func(e *Errors) { MaxEntries(e, "tags", map[string]string{"b": "2", "a": "1", "c": "3"}, 2) },
			one("tags", "'{a=1, b=2, c=3}'", maxLen+"2")},
		{"min entries below", func(e *Errors) { MinEntries(e, "m", map[string]int{}, 1) }, one("m", "'{}'", minLen+"1")},
		{"min entries at", func(e *Errors) { MinEntries(e, "m", map[string]int{"a": 1}, 1) }, nil},
		{"min entries above", func(e *Errors) { MinEntries(e, "m", map[string]int{"a": 1, "b": 2}, 1) }, nil},

		{"key length ok", func(e *Errors) { e.KeyLength("tags", map[string]string{"a": "", "abcd": "x", "éééé": ""}, 1, 4) }, nil},
		{"key length empty map", func(e *Errors) { e.KeyLength("tags", nil, 1, 4) }, nil},
		{"key length bad keys sorted", func(e *Errors) {
			e.KeyLength("tags", map[string]string{"abcde": "1", "": "2", "ok": "3", "ééééé": "4"}, 1, 4)
		}, []Violation{
			{Path: "tags", Value: "''", Rule: "Map keys must satisfy constraint: [" + minLen + "1]"},
			{Path: "tags", Value: "'abcde'", Rule: "Map keys must satisfy constraint: [" + maxLen + "4]"},
			{Path: "tags", Value: "'ééééé'", Rule: "Map keys must satisfy constraint: [" + maxLen + "4]"},
		}},
		{"key length unbounded min", func(e *Errors) { e.KeyLength("m", map[string]string{"": "x", "abc": "y"}, -1, 2) },
			one("m", "'abc'", "Map keys must satisfy constraint: ["+maxLen+"2]")},
		{"key length unbounded max", func(e *Errors) { e.KeyLength("m", map[string]string{"": "x", strings.Repeat("k", 500): "y"}, 1, -1) },
			one("m", "''", "Map keys must satisfy constraint: ["+minLen+"1]")},
		{"key length unbounded both", func(e *Errors) { e.KeyLength("m", map[string]string{"": "x"}, -1, -1) }, nil},

		{"total bytes below", func(e *Errors) { e.MaxTotalBytes("attributes", map[string]string{"ab": "cd"}, 5) }, nil},
		{"total bytes at", func(e *Errors) { e.MaxTotalBytes("attributes", map[string]string{"ab": "cd", "e": ""}, 5) }, nil},
		{"total bytes above", func(e *Errors) { e.MaxTotalBytes("attributes", map[string]string{"ab": "cd", "e": "f"}, 5) },
			one("attributes", "'{ab=cd, e=f}'", "Member must have total size (keys and values, UTF-8 bytes) less than or equal to 5")},
		// 'é' is one character but two bytes: "é"+"éé" is 3 characters and 6 bytes.
		{"total bytes multi-byte at", func(e *Errors) { e.MaxTotalBytes("a", map[string]string{"é": "éé"}, 6) }, nil},
		{"total bytes multi-byte above", func(e *Errors) { e.MaxTotalBytes("a", map[string]string{"é": "éé"}, 5) },
			one("a", "'{é=éé}'", "Member must have total size (keys and values, UTF-8 bytes) less than or equal to 5")},

		{"at most one: none", func(e *Errors) { e.AtMostOne([]string{"a", "b"}, []bool{false, false}) }, nil},
		{"at most one: one", func(e *Errors) { e.AtMostOne([]string{"a", "b"}, []bool{false, true}) }, nil},
		{"at most one: two", func(e *Errors) {
			e.AtMostOne([]string{"filterByUserId", "filterByPublished", "filterByState", "filterByRecordingState"}, []bool{true, false, true, false})
		}, one("filterByUserId,filterByState", "'[filterByUserId, filterByState]'",
			"Only one of [filterByUserId, filterByPublished, filterByState, filterByRecordingState] can be provided per request")},
		{"at most one: all", func(e *Errors) { e.AtMostOne([]string{"a", "b", "c"}, []bool{true, true, true}) },
			one("a,b,c", "'[a, b, c]'", "Only one of [a, b, c] can be provided per request")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, check(tt.f))
		})
	}
}

func TestAtMostOneLengthMismatchPanics(t *testing.T) {
	assert.Panics(t, func() { new(Errors).AtMostOne([]string{"a"}, nil) })
}

func TestMessage(t *testing.T) {
	var e Errors
	assert.Equal(t, 0, e.Len())
	assert.Equal(t, "", e.Message())
	assert.Empty(t, e.Violations())

	e.Pattern("name", "bad name!", namePattern, "[a-zA-Z0-9-_]*")
	assert.Equal(t, 1, e.Len())
	assert.Equal(t, "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: "+
		"Member must satisfy regular expression pattern: [a-zA-Z0-9-_]*", e.Message())

	e.Required("participantTokenConfigurations.2.member.duration", false)
	assert.Equal(t, 2, e.Len())
	assert.Equal(t, "2 validation errors detected: "+
		"Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]*; "+
		"Value null at 'participantTokenConfigurations.2.member.duration' failed to satisfy constraint: Member must not be null",
		e.Message())

	e.Add(Violation{Path: "p", Value: "'v'", Rule: "r"})
	assert.True(t, strings.HasPrefix(e.Message(), "3 validation errors detected: "))
	assert.True(t, strings.HasSuffix(e.Message(), "; Value 'v' at 'p' failed to satisfy constraint: r"))

	// Violations is a copy.
	vs := e.Violations()
	vs[0].Path = "changed"
	assert.Equal(t, "name", e.Violations()[0].Path)
}

func TestViolationString(t *testing.T) {
	assert.Equal(t, "Value '5' at 'a.1.member.b' failed to satisfy constraint: rule",
		Violation{Path: "a.1.member.b", Value: "'5'", Rule: "rule"}.String())
	assert.Equal(t, "Value null at 'arn' failed to satisfy constraint: Member must not be null",
		Violation{Path: "arn", Value: "null", Rule: "Member must not be null"}.String())
}

type state string

type token struct{ D int }

func TestRender(t *testing.T) {
	s := "text"
	var nilPtr *string
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, "null"},
		{"string", "text", "'text'"},
		{"empty string", "", "''"},
		{"string with quote", "it's", "'it's'"},
		{"int", 5, "'5'"},
		{"int32", int32(-7), "'-7'"},
		{"int64", int64(20161), "'20161'"},
		{"int8", int8(3), "'3'"},
		{"uint16", uint16(9), "'9'"},
		{"float", 1.5, "'1.5'"},
		{"bool", true, "'true'"},
		{"bool false", false, "'false'"},
		{"strings", []string{"a", "b"}, "'[a, b]'"},
		{"empty strings", []string{}, "'[]'"},
		{"nil strings", []string(nil), "null"},
		{"named strings", []state{"CONNECTED", "DISCONNECTED"}, "'[CONNECTED, DISCONNECTED]'"},
		{"named string", state("CONNECTED"), "'CONNECTED'"},
		{"ints", []int32{1, 2}, "'[1, 2]'"},
		{"map sorted", map[string]string{"k2": "v2", "k": "v"}, "'{k=v, k2=v2}'"},
		{"empty map", map[string]string{}, "'{}'"},
		{"nil map", map[string]string(nil), "null"},
		{"map of ints sorted", map[string]int{"b": 2, "a": 1}, "'{a=1, b=2}'"},
		{"map of named strings", map[state]state{"B": "x", "A": "y"}, "'{A=y, B=x}'"},
		{"pointer", &s, "'text'"},
		{"nil pointer", nilPtr, "null"},
		{"structure", token{1}, "'...'"},
		{"structures", []token{{1}, {2}}, "'[..., ...]'"},
		{"pointers to structures", []*token{{1}, nil}, "'[..., null]'"},
		{"nested lists", [][]string{{"a"}, {"b", "c"}}, "'[[a], [b, c]]'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Render(tt.in))
		})
	}
}

func TestRenderTruncates(t *testing.T) {
	at := strings.Repeat("a", 256)
	assert.Equal(t, "'"+at+"'", Render(at))
	assert.Equal(t, "'"+at+"...'", Render(at+"b"))

	// Cut on characters, never inside a multi-byte one.
	e := strings.Repeat("é", 300)
	assert.Equal(t, "'"+strings.Repeat("é", 256)+"...'", Render(e))
	assert.Equal(t, "'"+strings.Repeat("é", 256)+"'", Render(strings.Repeat("é", 256)))

	// Lists and maps are cut too, and rendering stops early on huge ones.
	big := make([]string, 100000)
	for i := range big {
		big[i] = "PUBLISH"
	}
	r := Render(big)
	assert.True(t, strings.HasPrefix(r, "'[PUBLISH, PUBLISH"), r)
	assert.True(t, strings.HasSuffix(r, "...'"), r)
	assert.LessOrEqual(t, len([]rune(r)), 256+5)

	named := make([]state, 100000)
	r = Render(named)
	assert.True(t, strings.HasSuffix(r, "...'"), r)
	assert.LessOrEqual(t, len([]rune(r)), 256+5)

	m := map[string]string{}
	for i := range 1000 {
		m[strings.Repeat("k", i%7+1)+string(rune('a'+i%26))+strings.Repeat("x", i)] = "v"
	}
	r = Render(m)
	assert.True(t, strings.HasSuffix(r, "...'"))
	assert.LessOrEqual(t, len([]rune(r)), 256+5)

	// A violation on a long value keeps the message readable.
	var errs Errors
	errs.MaxLength("nextToken", strings.Repeat("t", 5000), 1024)
	assert.Less(t, len(errs.Message()), 400)
}

func TestPaths(t *testing.T) {
	assert.Equal(t, "participantTokenConfigurations.1.member", Index("participantTokenConfigurations", 0))
	assert.Equal(t, "participantTokenConfigurations.12.member", Index("participantTokenConfigurations", 11))
	assert.Equal(t, "1.member", Index("", 0))
	assert.Equal(t, "name", Join("", "name"))
	assert.Equal(t, "a.1.member.duration", Join("a.1.member", "duration"))
	assert.Equal(t, "participantTokenConfigurations.2.member.capabilities.1.member",
		Index(Join(Index("participantTokenConfigurations", 1), "capabilities"), 0))
}

func TestZeroValueAndNilChecks(t *testing.T) {
	var e Errors
	MaxItems[string](&e, "l", nil, 0)
	MaxEntries[string](&e, "m", nil, 0)
	e.MaxTotalBytes("m", nil, 0)
	assert.Equal(t, 0, e.Len())
	MinItems[string](&e, "l", nil, 1)
	require.Equal(t, 1, e.Len())
	assert.Equal(t, "null", e.Violations()[0].Value, "an absent list renders as null")
}

var (
	enumValues = []string{"STARTING", "ACTIVE", "STOPPING", "STOPPED", "FAILED"}
	validTags  = map[string]string{"env": "prod", "team": "ivs"}
	validCaps  = []string{"PUBLISH", "SUBSCRIBE"}
	atMost     = []string{"filterByUserId", "filterByPublished", "filterByState", "filterByRecordingState"}
	onlyOne    = []bool{false, true, false, false}
)

// validChecks is a request's worth of checks that all pass.
func validChecks(e *Errors) {
	e.Required("arn", true)
	e.MinLength("arn", "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234", 1)
	e.MaxLength("arn", "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234", 128)
	e.Pattern("arn", "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234", arnPattern, "arn:...")
	e.MaxLength("userId", "ユーザー", 128)
	e.Pattern("name", "stage-1", namePattern, "[a-zA-Z0-9-_]*")
	e.MinValue("maxResults", 50, 1)
	e.MaxValue("maxResults", 50, 100)
	e.Enum("filterByRecordingState", "ACTIVE", enumValues)
	MaxItems(e, "capabilities", validCaps, 2)
	MaxEntries(e, "tags", validTags, 50)
	e.KeyLength("tags", validTags, 1, 128)
	e.MaxTotalBytes("attributes", validTags, 1024)
	e.AtMostOne(atMost, onlyOne)
}

func TestNoAllocationsWhenValid(t *testing.T) {
	var e Errors
	checks := map[string]func(){
		"Required":  func() { e.Required("arn", true) },
		"MinLength": func() { e.MinLength("sessionId", "st-abcdefghijklm", 16) },
		"MaxLength": func() { e.MaxLength("userId", "ユーザー-name", 128) },
		"MinValue":  func() { e.MinValue("maxResults", 50, 1) },
		"MaxValue":  func() { e.MaxValue("maxResults", 50, 100) },
		"Enum":      func() { e.Enum("filterByRecordingState", "FAILED", enumValues) },
		"MaxItems":  func() { MaxItems(&e, "capabilities", validCaps, 2) },
		"KeyLength": func() { e.KeyLength("tags", validTags, 1, 128) },
		"TotalSize": func() { e.MaxTotalBytes("attributes", validTags, 1024) },
		"AtMostOne": func() { e.AtMostOne(atMost, onlyOne) },
		"Pattern":   func() { e.Pattern("name", "stage-1", namePattern, "[a-zA-Z0-9-_]*") },
		"All":       func() { validChecks(&e) },
	}
	for name, f := range checks {
		t.Run(name, func(t *testing.T) {
			if raceEnabled && (name == "Pattern" || name == "All") {
				t.Skip("the race detector makes sync.Pool drop regexp matchers")
			}
			assert.Zero(t, testing.AllocsPerRun(1000, f))
		})
	}
	assert.Equal(t, 0, e.Len())
}

func BenchmarkNoViolations(b *testing.B) {
	b.ReportAllocs()
	var e Errors
	for b.Loop() {
		validChecks(&e)
	}
	if e.Len() != 0 {
		b.Fatal(e.Message())
	}
}

func BenchmarkOneViolation(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var e Errors
		e.Pattern("name", "bad name!", namePattern, "[a-zA-Z0-9-_]*")
		_ = e.Message()
	}
}

// KindOf reads back the constraint of every rule the checks write, and
// FirstViolation the first violation of a message, so a tool that reads
// AWS's messages (ivsrt proxy) names the rule as the suite does.
func TestKindOfReadsWhatTheChecksWrite(t *testing.T) {
	var e Errors
	e.Required("a", false)
	e.MinLength("b", "", 1)
	e.MaxLength("c", "xx", 1)
	e.Pattern("d", "x", regexp.MustCompile(`^y$`), "y")
	e.MinValue("e", 0, 1)
	e.MaxValue("f", 2, 1)
	e.MinFloat("g", 0.5, 1)
	e.MaxFloat("h", 2.5, 1)
	e.Enum("i", "x", []string{"A", "B"})
	MinItems(&e, "j", []int{}, 1)
	MaxItems(&e, "k", []int{1, 2}, 1)
	want := []Kind{KindRequired, KindMinLength, KindMaxLength, KindPattern, KindMinimum, KindMaximum, KindMinimum, KindMaximum, KindEnum, KindMinLength, KindMaxLength}
	vs := e.Violations()
	require.Len(t, vs, len(want))
	for i, v := range vs {
		k, ok := KindOf(v.Rule)
		assert.True(t, ok, v.Rule)
		assert.Equal(t, want[i], k, v.Rule)
	}
	_, ok := KindOf("Member must be a prime number")
	assert.False(t, ok)

	v, ok := FirstViolation(e.Message())
	require.True(t, ok)
	assert.Equal(t, Violation{Path: "a", Rule: "Member must not be null"}, v)
	_, ok = FirstViolation("Invalid request")
	assert.False(t, ok)
}
