package suitegen

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ivsrt/contract/generator/model"
	"github.com/ivsrt/contract/spec"
)

func TestPatternOfLength(t *testing.T) {
	for _, tc := range []struct {
		expr    string
		lengths []int
		none    []int // lengths no string of which matches
	}{
		{`^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$`, []int{23, 24, 64, 128}, []int{0, 1, 22}},
		{`^st-[a-zA-Z0-9]+$`, []int{4, 16, 17}, []int{0, 3}},
		{`^$|^arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+$`, []int{0, 39, 40, 128}, []int{1, 38}},
		{`^[a-zA-Z0-9+/=_-]*$`, []int{0, 1, 1024}, nil},
		{`^[a-zA-Z0-9-_.,:;\s]*$`, []int{0, 128}, nil},
		{`^(ab)+$`, []int{2, 6}, []int{0, 5}},
		{`^a{2,3}b?$`, []int{2, 3, 4}, []int{1, 5}},
		{`^(?:x|yy)z$`, []int{2, 3}, []int{1, 4}},
	} {
		p, err := newPatternSampler(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range tc.lengths {
			s, ok := p.ofLength(n)
			if !ok || utf8.RuneCountInString(s) != n || !regexp.MustCompile(tc.expr).MatchString(s) {
				t.Errorf("%s: ofLength(%d) = %q, %v", tc.expr, n, s, ok)
			}
		}
		for _, n := range tc.none {
			if s, ok := p.ofLength(n); ok {
				t.Errorf("%s: ofLength(%d) = %q, want none", tc.expr, n, s)
			}
		}
	}
}

func TestPatternPadsTheLastPart(t *testing.T) {
	p, _ := newPatternSampler(`^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$`)
	s, _ := p.ofLength(30)
	if s != "arn:aws:ivs:a:0:stage/aaaaaaaa" {
		t.Errorf("got %q", s)
	}
}

func TestPatternMismatch(t *testing.T) {
	for _, expr := range []string{`^st-[a-zA-Z0-9]+$`, `^[a-zA-Z0-9-_]*$`, `^$|^arn:aws:ivs:[a-z]+:[0-9]+:x/[a-z]+$`} {
		p, _ := newPatternSampler(expr)
		for n := 1; n <= 20; n++ {
			if _, ok := p.ofLength(n); !ok {
				continue
			}
			s, ok := p.mismatch(n, anyString)
			if !ok || utf8.RuneCountInString(s) != n || p.re.MatchString(s) {
				t.Errorf("%s: mismatch(%d) = %q, %v", expr, n, s, ok)
			}
		}
	}
	p, _ := newPatternSampler(`^.*$`)
	if s, ok := p.mismatch(5, anyString); ok {
		t.Errorf("^.*$ has no mismatch of 5 characters without a newline, got %q", s)
	}
	// '!', '#' and '*' match; a space breaks the pattern, but a header
	// would lose it at the end, so a header gets the next character.
	p, _ = newPatternSampler(`^[!#*a-z]+$`)
	if s, _ := p.mismatch(3, anyString); s != "aa " {
		t.Errorf("mismatch = %q, want a space last", s)
	}
	if s, _ := p.mismatch(3, headerSafe); s != "aa~" {
		t.Errorf("header-safe mismatch = %q, want aa~", s)
	}
}

func anyString(string) bool { return true }

func TestHeaderSafe(t *testing.T) {
	for s, want := range map[string]bool{
		"abc": true, "a b": true, "a\tb": true, "~!#": true, "": true,
		" a": false, "a ": false, "a\t": false, "a\nb": false, "a\rb": false, "é": false, "a\x7f": false,
	} {
		if headerSafe(s) != want {
			t.Errorf("headerSafe(%q) = %v, want %v", s, !want, want)
		}
	}
}

func TestBytes(t *testing.T) {
	for _, n := range []int{0, 1, 1022, 1023, 1024} {
		if s := nBytes(n); len(s) != n || !utf8.ValidString(s) {
			t.Errorf("nBytes(%d) has %d bytes", n, len(s))
		}
	}
}

// generate renders what Files builds, as generator.Render does but
// without the header, which is the generator's business.
func generate(svc *model.Service, opts Options) (map[string][]byte, error) {
	files, err := Files(svc, opts)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, f := range files {
		var buf bytes.Buffer
		if err := f.Code.Render(&buf); err != nil {
			return nil, err
		}
		out[f.Name] = buf.Bytes()
	}
	return out, nil
}

// embeddedModel builds the 2024-06-20 spec, edited: it no longer changes,
// so the tests can name its operations, members and values.
func embeddedModel(t *testing.T, edit func(string) string) *model.Service {
	t.Helper()
	return loadModel(t, spec.File20240620, spec.Source20240620, edit)
}

// currentModel is embeddedModel of the current spec.
func currentModel(t *testing.T, edit func(string) string) *model.Service {
	t.Helper()
	return loadModel(t, spec.File, spec.Source, edit)
}

func loadModel(t *testing.T, file string, source []byte, edit func(string) string) *model.Service {
	t.Helper()
	src := string(source)
	if edit != nil {
		src = edit(src)
	}
	doc, err := spec.Load(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := model.Build(doc)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestGenerateIsDeterministic(t *testing.T) {
	svc := embeddedModel(t, nil)
	a, err := generate(svc, Options{Package: "cases", SpecName: "s.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate(embeddedModel(t, nil), Options{Package: "cases", SpecName: "s.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(FileNames()) {
		t.Fatalf("files %v, want %v", len(a), FileNames())
	}
	for _, name := range FileNames() {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	if _, err := generate(svc, Options{}); err == nil {
		t.Error("no package name: want an error")
	}
}

// The cases follow the spec: a tighter bound gives bodies at the new bound.
func TestGenerateFollowsTheSpec(t *testing.T) {
	svc := embeddedModel(t, func(s string) string {
		return strings.Replace(s, "    StageName:\n      type: string\n      maxLength: 128", "    StageName:\n      type: string\n      maxLength: 64", 1)
	})
	cases, err := buildCases(svc)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]testCase{}
	for _, c := range cases {
		byName[c.Name] = c
	}
	at, over := byName["CreateStage/name/maxLength/at"], byName["CreateStage/name/maxLength/over"]
	if !strings.Contains(at.Body, `"name":"`+strings.Repeat("a", 64)+`"`) || at.Expect != "ExpectAccepted" {
		t.Errorf("at: %+v", at)
	}
	if !strings.Contains(over.Body, `"name":"`+strings.Repeat("a", 65)+`"`) || over.Error != "ValidationException" || over.Paths[0] != "name" {
		t.Errorf("over: %+v", over)
	}
	d := byName["CreateStage/participantTokenConfigurations[].duration/minimum/under"]
	if !strings.Contains(d.Body, `[{"duration":0}]`) || d.Paths[0] != "participantTokenConfigurations.1.member.duration" {
		t.Errorf("duration: %+v", d)
	}
	if _, ok := byName["ListParticipants/nextToken/maxLength/at"]; ok {
		t.Error("a made-up page token cannot be expected to be accepted")
	}
}

// A member marked x-ivsrt-cross-account (a replication's destination)
// gets no another-account/denied case but a not-found one; without the
// extension the same member gets the denied case: the generator reads
// the spec, not the member's name.
func TestCrossAccountMemberIsNotDenied(t *testing.T) {
	const marked = "          allOf:\n            - $ref: \"#/components/schemas/StageArn\"\n          x-ivsrt-cross-account: true\n"
	names := func(svc *model.Service) map[string]testCase {
		cases, err := buildCases(svc)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]testCase{}
		for _, c := range cases {
			out[c.Name] = c
		}
		return out
	}
	for _, op := range []string{"StartParticipantReplication", "StopParticipantReplication"} {
		withExt := names(currentModel(t, func(s string) string {
			if strings.Count(s, marked) != 2 {
				t.Fatalf("the spec no longer marks both destinations as the test expects")
			}
			return s
		}))
		if _, ok := withExt[op+"/destinationStageArn/another-account/denied"]; ok {
			t.Errorf("%s: a denied case for a member that may name another account", op)
		}
		if c := withExt[op+"/destinationStageArn/another-account/not-found"]; c.Error != "ResourceNotFoundException" || c.Source != "SourceInferred" {
			t.Errorf("%s: not-found case: %+v", op, c)
		}
		if c := withExt[op+"/sourceStageArn/another-account/denied"]; c.Error != "AccessDeniedException" {
			t.Errorf("%s: the source of another account is still denied: %+v", op, c)
		}
		without := names(currentModel(t, func(s string) string {
			return strings.ReplaceAll(s, marked, "          $ref: \"#/components/schemas/StageArn\"\n")
		}))
		if c := without[op+"/destinationStageArn/another-account/denied"]; c.Error != "AccessDeniedException" {
			t.Errorf("%s without the extension: denied case: %+v", op, c)
		}
		if _, ok := without[op+"/destinationStageArn/another-account/not-found"]; ok {
			t.Errorf("%s without the extension: a not-found case", op)
		}
	}
}

// A pattern no string within the bounds breaks cannot get its cases:
// generation fails and says where.
func TestGenerateRefusesUnbreakablePattern(t *testing.T) {
	svc := embeddedModel(t, func(s string) string {
		return strings.Replace(s, "    StageName:\n      type: string\n      maxLength: 128\n      pattern: \"^[a-zA-Z0-9-_]*$\"",
			"    StageName:\n      type: string\n      maxLength: 128\n      pattern: \"^.*$\"", 1)
	})
	_, err := generate(svc, Options{Package: "cases"})
	if err == nil || !strings.Contains(err.Error(), "breaks pattern ^.*$") {
		t.Fatalf("err = %v", err)
	}
}

// Paging gets one case per page size from the minimum to the maximum when
// there are at most maxPageSizeCases of them; a wider range gets its
// ends and a few sizes between.
func TestPageSizes(t *testing.T) {
	i := func(v int64) *int64 { return &v }
	cases, err := buildCases(embeddedModel(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string][]int{}
	for _, c := range cases {
		if c.Kind == "KindPagination" {
			sizes[c.Op] = append(sizes[c.Op], c.PageSize)
			if want := fmt.Sprintf("%s/pagination/maxResults=%d", c.Op, c.PageSize); c.Name != want {
				t.Errorf("case %q, want %q", c.Name, want)
			}
		}
	}
	paged := []string{"ListParticipants", "ListStages", "ListStageSessions", "ListParticipantEvents", "ListStorageConfigurations"}
	if len(sizes) != len(paged) {
		t.Errorf("paginated operations %v, want %v", sizes, paged)
	}
	for _, op := range paged {
		if s := sizes[op]; len(s) != 100 || s[0] != 1 || s[99] != 100 {
			t.Errorf("%s: page sizes %v, want 1..100", op, s)
		}
	}
	if got := pageSizes(model.Limits{Min: i(1), Max: i(1000)}); len(got) != 13 || got[0] != 1 || got[12] != 1000 {
		t.Errorf("1..1000: %v", got)
	}
	if got := pageSizes(model.Limits{}); len(got) != 1 || got[0] != 1 {
		t.Errorf("no bounds: %v", got)
	}
}

// A value the listed field takes but the filter's enum leaves out gets a
// case that wants it refused; a spec that lets the filter take it too
// loses the case.
func TestFilterValueNotFilterable(t *testing.T) {
	const name = "ListParticipants/filters/filterByRecordingState=DISABLED/rejected"
	byName := func(svc *model.Service) map[string]testCase {
		cases, err := buildCases(svc)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]testCase{}
		for _, c := range cases {
			out[c.Name] = c
		}
		return out
	}
	c, ok := byName(embeddedModel(t, nil))[name]
	if !ok || c.Error != "ValidationException" || c.Paths[0] != "filterByRecordingState" || !strings.Contains(c.Body, `"filterByRecordingState":"DISABLED"`) {
		t.Errorf("%s: %+v", name, c)
	}
	widened := embeddedModel(t, func(s string) string {
		return strings.Replace(s, "enum: [STARTING, ACTIVE, STOPPING, STOPPED, FAILED]\n", "enum: [STARTING, ACTIVE, STOPPING, STOPPED, FAILED, DISABLED]\n", 1)
	})
	if _, ok := byName(widened)[name]; ok {
		t.Errorf("%s generated although the filter takes DISABLED", name)
	}
}

// The contract carries the enums (with the members they type) and the
// reset rules, for the hand-written behaviour cases to take values from.
func TestContractEnumsAndResets(t *testing.T) {
	files, err := generate(embeddedModel(t, nil), Options{Package: "cases", SpecName: "s.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	src := string(files["contract_gen.go"])
	for _, want := range []string{
		`{Name: "ParticipantRecordingMediaType", Values: []string{"AUDIO_VIDEO", "AUDIO_ONLY"}, Members: []string{"AutoParticipantRecordingConfiguration.mediaTypes"}}`,
		`{Name: "ParticipantRecordingFilterByRecordingState", Values: []string{"STARTING", "ACTIVE", "STOPPING", "STOPPED", "FAILED"}, Members: []string{"ListParticipantsRequest.filterByRecordingState"}}`,
		`{Struct: "AutoParticipantRecordingConfiguration", Member: "storageConfigurationArn", Equals: ""}`,
	} {
		if !strings.Contains(src, want) {
			t.Errorf("contract_gen.go lacks %s", want)
		}
	}
}

// buildCases is build for tests that look at the cases only.
func buildCases(svc *model.Service) ([]testCase, error) {
	b, err := build(svc)
	if err != nil {
		return nil, err
	}
	return b.cases, nil
}

// Every member's samples are distinct and valid, and the tag keys fit the
// tags members' key lengths, also when the spec tightens them.
func TestMemberSamplesFollowTheSpec(t *testing.T) {
	svc := embeddedModel(t, func(s string) string {
		s = strings.Replace(s, "      x-ivsrt-key-length:\n        min: 1\n        max: 128", "      x-ivsrt-key-length:\n        min: 1\n        max: 10", 1)
		return strings.Replace(s, "    ParticipantTokenUserId:\n      type: string\n      maxLength: 128", "    ParticipantTokenUserId:\n      type: string\n      maxLength: 3", 1)
	})
	b, err := build(svc)
	if err != nil {
		t.Fatal(err)
	}
	if b.runKey != "ivsrt-conf" || b.caseKey != "ivsrt-case" {
		t.Errorf("tag keys %q and %q, want the preferred ones cut to 10 characters", b.runKey, b.caseKey)
	}
	seen := 0
	for _, m := range b.members {
		if len(m.value.samples) == 0 {
			t.Errorf("%s.%s has no sample", m.structName, m.name)
		}
		distinct := map[string]bool{}
		for _, s := range m.value.samples {
			if distinct[s] {
				t.Errorf("%s.%s: sample %s twice", m.structName, m.name, s)
			}
			distinct[s] = true
		}
		if m.structName == "ParticipantTokenConfiguration" && m.name == "userId" {
			seen++
			if len(m.value.samples) != sampleCount {
				t.Errorf("userId: %d samples, want %d", len(m.value.samples), sampleCount)
			}
			for _, s := range m.value.samples {
				if n := utf8.RuneCountInString(s) - 2; n > 3 {
					t.Errorf("userId sample %s is longer than maxLength 3", s)
				}
			}
		}
	}
	if seen != 1 {
		t.Errorf("userId described %d times", seen)
	}
}
