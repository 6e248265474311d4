package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/ivscases"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/spec"
)

// AWS's published examples of IVS Real-Time (the AWS CLI's
// examples/ivs-realtime/*.rst; the models' examples-1.json files are
// empty) are test data: testdata/aws-examples holds each request, as the
// members of the operation's input, and each answer, as the CLI printed
// it. This file extracts them (-update-published) and holds the suite to
// them (TestPublishedAnswers, TestPublishedRequests).

var (
	updatePublished = flag.Bool("update-published", false, "re-extract testdata/aws-examples from the awscli package's examples/ivs-realtime")
	awscliDir       = flag.String("awscli", "", "`directory` of the awscli package for -update-published (default: where python3 finds it)")
)

// publishedDir is where the extracted examples live, one directory per
// example file of the CLI.
const publishedDir = "../testdata/aws-examples"

// publishedSet is one example file's extraction: examples.json.
type publishedSet struct {
	Source    publishedSource    `json:"source"`
	Operation string             `json:"operation"`
	Examples  []publishedExample `json:"examples"`
}

type publishedSource struct {
	Package string `json:"package"`
	Version string `json:"version"`
	File    string `json:"file"`
}

// publishedExample is one example of a file: its request and answer are
// files beside examples.json (Answer "" when the CLI prints nothing).
type publishedExample struct {
	N       int      `json:"n"`
	Title   string   `json:"title"`
	Command string   `json:"command"` // the CLI command, continuation lines joined
	Region  string   `json:"region"`  // the region the example's ARNs name
	Request string   `json:"request"`
	Answer  string   `json:"answer,omitempty"`
	Repairs []string `json:"repairs,omitempty"` // what was mended to read it, and why
}

// repair mends a published example that cannot be read as it is: a
// regexp that must match the dedented text of one part exactly N times,
// and its replacement. A repair that no longer matches fails the
// extraction, so one that AWS has fixed is noticed and dropped.
type repair struct {
	file    string
	example int
	part    string // "command" or "answer"
	re      *regexp.Regexp
	repl    string
	n       int
	why     string
}

// publishedRepairs are the mends the published text needs to be read at
// all: JSON syntax (commas missing or left over, a string broken over two
// lines), a command whose JSON argument closes too early, an option
// misspelt. Values are kept as published, typos and all: what the suite
// makes of them is published_test's to say.
var publishedRepairs = []repair{
	{"create-stage", 2, "answer", regexp.MustCompile(`(storage-configuration/abcdABCDefgh")(\s*"mediaTypes")`), "$1,$2", 1, "a comma is missing after storageConfigurationArn"},
	{"update-stage", 1, "command", regexp.MustCompile(`("targetIntervalSeconds": 60\})\} ("hlsConfiguration")`), "$1, $2", 1, "the JSON of --auto-participant-recording-configuration closes before hlsConfiguration"},
	{"update-stage", 2, "command", regexp.MustCompile(`("recordParticipantReplicas":false)\} ("hlsConfiguration")`), "$1, $2", 1, "the JSON of --auto-participant-recording-configuration closes before hlsConfiguration"},
	{"get-storage-configuration", 1, "command", regexp.MustCompile(`--name arn `), "--arn ", 1, "the option is --arn (the example writes --name arn)"},
	{"get-composition", 1, "answer", regexp.MustCompile(`(storage-configuration/FefABabCDcdE"),(\s*\})`), "$1$2", 1, "a comma is left over after storageConfigurationArn"},
	{"get-composition", 3, "answer", regexp.MustCompile(`(\]),(\s*\})`), "$1$2", 1, "a comma is left over after the thumbnail configuration's storage"},
	{"get-composition", 3, "answer", regexp.MustCompile(`("featuredParticipantAttribute": "")(\s*"gridGap")`), "$1,$2", 1, "a comma is missing after featuredParticipantAttribute"},
	{"start-composition", 1, "answer", regexp.MustCompile(`("featuredParticipantAttribute": "")(\s*"gridGap")`), "$1,$2", 1, "a comma is missing after featuredParticipantAttribute"},
	{"start-composition", 3, "answer", regexp.MustCompile(`("featuredParticipantAttribute": "")(\s*"gridGap")`), "$1,$2", 1, "a comma is missing after featuredParticipantAttribute"},
	{"start-composition", 4, "answer", regexp.MustCompile(`("featuredParticipantAttribute": "")(\s*"gridGap")`), "$1,$2", 1, "a comma is missing after featuredParticipantAttribute"},
	{"list-ingest-configurations", 1, "answer", regexp.MustCompile(`("INACTIVE")(\s*"userId": ""),(\s*\})`), "$1,$2$3", 1, "a comma is missing after state and one is left over after userId"},
	{"start-participant-replication", 1, "answer", regexp.MustCompile(`, \\\n\s*`), ",", 2, "the header list of accessControlExposeHeaders is broken over three lines"},
	{"stop-participant-replication", 1, "answer", regexp.MustCompile(`, \\\n\s*`), ",", 2, "the header list of accessControlExposeHeaders is broken over three lines"},
}

// TestPublishedExtract re-extracts testdata/aws-examples with
// -update-published (and, without python3's awscli, -awscli DIR):
//
//	go test ./conformance -run '^TestPublishedExtract$' -update-published
func TestPublishedExtract(t *testing.T) {
	if !*updatePublished {
		t.Skip("re-extracts only with -update-published")
	}
	dir, version := awscliPackage(t)
	files, err := filepath.Glob(filepath.Join(dir, "examples", "ivs-realtime", "*.rst"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples/ivs-realtime/*.rst under %s (%v)", dir, err)
	}
	// The example directories are rewritten whole; the README stays.
	old, _ := os.ReadDir(publishedDir)
	for _, d := range old {
		if d.IsDir() {
			if err := os.RemoveAll(filepath.Join(publishedDir, d.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	used := map[*repair]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".rst")
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		set, parts, err := extractFile(ivscases.Contract, name, string(raw), used)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		set.Source = publishedSource{Package: "awscli", Version: version, File: "awscli/examples/ivs-realtime/" + filepath.Base(f)}
		out := filepath.Join(publishedDir, name)
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		parts["examples.json"] = indentJSON(t, set)
		for file, data := range parts {
			if err := os.WriteFile(filepath.Join(out, file), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range publishedRepairs {
		if !used[&publishedRepairs[i]] {
			t.Errorf("repair of %s example %d (%s) found no example to mend", publishedRepairs[i].file, publishedRepairs[i].example, publishedRepairs[i].why)
		}
	}
}

// awscliPackage is the awscli package's directory and version.
func awscliPackage(t *testing.T) (dir, version string) {
	dir = *awscliDir
	if dir == "" {
		out, err := exec.Command("python3", "-c", "import awscli,os;print(os.path.dirname(awscli.__file__))").Output()
		if err != nil {
			t.Fatalf("python3 finds no awscli (pip install awscli, or give -awscli DIR): %v", err)
		}
		dir = strings.TrimSpace(string(out))
	}
	init, err := os.ReadFile(filepath.Join(dir, "__init__.py"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^__version__ = '([^']+)'`).FindSubmatch(init)
	if m == nil {
		t.Fatalf("%s/__init__.py names no __version__", dir)
	}
	return dir, string(m[1])
}

func indentJSON(t *testing.T, v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

var (
	titleLine   = regexp.MustCompile(`^\*\*(.+)\*\*\s*$`)
	commandLine = regexp.MustCompile(`^\s+aws ivs-realtime ([a-z-]+)`)
	arnRegion   = regexp.MustCompile(`arn:aws:ivs:([a-z]{2}-[a-z]+-[0-9]):`)
)

// extractFile reads the examples of one .rst file: each begins with a
// bold title, holds one command and then an Output:: block or the words
// "produces no output". It returns the set and its files' contents.
func extractFile(c *suite.Contract, name, text string, used map[*repair]bool) (*publishedSet, map[string][]byte, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	set := &publishedSet{Operation: kebabToPascal(name)}
	if c.Operation(set.Operation) == nil {
		return nil, nil, fmt.Errorf("the contract has no operation %s", set.Operation)
	}
	files := map[string][]byte{}
	title := ""
	var ex *publishedExample
	finish := func() error {
		if ex == nil {
			return nil
		}
		if ex.Request == "" {
			return fmt.Errorf("example %d (%s) has no command", ex.N, ex.Title)
		}
		set.Examples = append(set.Examples, *ex)
		ex = nil
		return nil
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := titleLine.FindStringSubmatch(line); m != nil {
			title = m[1]
			continue
		}
		if m := commandLine.FindStringSubmatch(line); m != nil {
			if err := finish(); err != nil {
				return nil, nil, err
			}
			if m[1] != name {
				return nil, nil, fmt.Errorf("a command of %s in %s.rst", m[1], name)
			}
			ex = &publishedExample{N: len(set.Examples) + 1, Title: title}
			var cmd []string
			for ; i < len(lines); i++ {
				l := strings.TrimRightFunc(lines[i], unicode.IsSpace)
				cont := strings.HasSuffix(l, `\`)
				cmd = append(cmd, strings.TrimSpace(strings.TrimSuffix(l, `\`)))
				if !cont {
					break
				}
			}
			ex.Command = mend(name, ex, "command", strings.Join(cmd, " "), used)
			req, err := cliRequest(c, set.Operation, ex.Command)
			if err != nil {
				return nil, nil, fmt.Errorf("example %d: %v", ex.N, err)
			}
			ex.Request = fmt.Sprintf("%d.request.json", ex.N)
			b, _ := json.MarshalIndent(req, "", "  ")
			files[ex.Request] = append(b, '\n')
			continue
		}
		if ex == nil {
			continue
		}
		if strings.TrimSpace(line) == "Output::" {
			var block []string
			for i++; i < len(lines); i++ {
				l := lines[i]
				if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, " ") {
					i--
					break
				}
				block = append(block, l)
			}
			answer := mend(name, ex, "answer", strings.TrimSpace(dedent(block)), used)
			if !json.Valid([]byte(answer)) {
				return nil, nil, fmt.Errorf("example %d: the output is not JSON even after its repairs:\n%s", ex.N, answer)
			}
			ex.Answer = fmt.Sprintf("%d.answer.json", ex.N)
			files[ex.Answer] = []byte(answer + "\n")
			if ex.Region == "" {
				ex.Region = regionOf(answer)
			}
		}
		if ex.Region == "" {
			ex.Region = regionOf(ex.Command)
		}
	}
	if err := finish(); err != nil {
		return nil, nil, err
	}
	if len(set.Examples) == 0 {
		return nil, nil, fmt.Errorf("no example")
	}
	return set, files, nil
}

func regionOf(s string) string {
	if m := arnRegion.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// mend applies the repairs of one part of an example.
func mend(file string, ex *publishedExample, part, text string, used map[*repair]bool) string {
	for i := range publishedRepairs {
		r := &publishedRepairs[i]
		if r.file != file || r.example != ex.N || r.part != part {
			continue
		}
		if n := len(r.re.FindAllStringIndex(text, -1)); n != r.n {
			ex.Repairs = append(ex.Repairs, fmt.Sprintf("UNAPPLIED (%d matches, want %d): %s", n, r.n, r.why))
			continue
		}
		text = r.re.ReplaceAllString(text, r.repl)
		used[r] = true
		ex.Repairs = append(ex.Repairs, part+": "+r.why)
	}
	return text
}

// dedent removes the indentation the lines share.
func dedent(lines []string) string {
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	var out []string
	for _, l := range lines {
		if len(l) >= indent && indent > 0 {
			l = l[indent:]
		}
		out = append(out, strings.TrimRightFunc(l, unicode.IsSpace))
	}
	return strings.Join(out, "\n")
}

func kebabToPascal(s string) string {
	var b strings.Builder
	for _, w := range strings.Split(s, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func kebabToCamel(s string) string {
	p := kebabToPascal(s)
	return strings.ToLower(p[:1]) + p[1:]
}

// cliRequest turns a CLI command into the members of the operation's
// input: --kebab-name is the member kebabName, its value JSON when it
// looks like JSON, else the CLI's shorthand (k=v,k2={k3=v3}) or a scalar,
// typed by the contract; an option without a value is true.
func cliRequest(c *suite.Contract, op, command string) (map[string]any, error) {
	words, err := shellWords(command)
	if err != nil {
		return nil, err
	}
	if len(words) < 3 || words[0] != "aws" || words[1] != "ivs-realtime" {
		return nil, fmt.Errorf("not an aws ivs-realtime command: %q", command)
	}
	structName := op + "Request"
	out := map[string]any{}
	for i := 3; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "--") {
			return nil, fmt.Errorf("%q is no option", w)
		}
		opt, val, hasVal := strings.Cut(strings.TrimPrefix(w, "--"), "=")
		if !hasVal && i+1 < len(words) && !strings.HasPrefix(words[i+1], "--") {
			val, hasVal = words[i+1], true
			i++
		}
		name := kebabToCamel(opt)
		m := c.Member(structName, name)
		if m == nil {
			return nil, fmt.Errorf("%s has no member %s (option --%s)", structName, name, opt)
		}
		if !hasVal {
			if m.Kind != "boolean" {
				return nil, fmt.Errorf("--%s has no value", opt)
			}
			out[name] = true
			continue
		}
		v, err := cliValue(c, &m.Value, val)
		if err != nil {
			return nil, fmt.Errorf("--%s: %v", opt, err)
		}
		out[name] = v
	}
	return out, nil
}

// cliValue reads one option's value as a value of v.
func cliValue(c *suite.Contract, v *suite.Value, s string) (any, error) {
	t := strings.TrimSpace(s)
	if (v.Kind == "object" || v.Kind == "list" || v.Kind == "map") && (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) {
		var x any
		d := json.NewDecoder(strings.NewReader(t))
		d.UseNumber()
		if err := d.Decode(&x); err != nil {
			return nil, fmt.Errorf("JSON %q: %v", t, err)
		}
		return x, nil
	}
	p := &shorthand{s: t}
	x, err := p.value(c, v)
	if err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("shorthand %q: left over at %d", t, p.i)
	}
	return x, nil
}

// shorthand parses the CLI's shorthand syntax, typed by the contract.
type shorthand struct {
	s string
	i int
}

func (p *shorthand) value(c *suite.Contract, v *suite.Value) (any, error) {
	switch v.Kind {
	case "list":
		if v.Elem == nil {
			return nil, fmt.Errorf("a list without an element type")
		}
		if v.Elem.Kind == "object" {
			// A list of structures: one structure per argument; the
			// examples give one.
			e, err := p.structure(c, v.Elem.Schema)
			return []any{e}, err
		}
		var out []any
		for {
			e, err := p.value(c, v.Elem)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
			if p.i >= len(p.s) || p.s[p.i] != ',' {
				return out, nil
			}
			p.i++
		}
	case "object":
		if strings.HasPrefix(p.s[p.i:], "{") {
			p.i++
			m, err := p.structure(c, v.Schema)
			if err != nil {
				return nil, err
			}
			if !strings.HasPrefix(p.s[p.i:], "}") {
				return nil, fmt.Errorf("shorthand %q: no } at %d", p.s, p.i)
			}
			p.i++
			return m, nil
		}
		return p.structure(c, v.Schema)
	}
	s := p.scalar()
	switch v.Kind {
	case "integer":
		return strconv.ParseInt(s, 10, 64)
	case "float":
		f, err := strconv.ParseFloat(s, 64)
		return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), err
	case "boolean":
		return strconv.ParseBool(s)
	}
	return s, nil
}

// structure reads k=v pairs, separated by commas, up to a } or the end.
func (p *shorthand) structure(c *suite.Contract, schema string) (map[string]any, error) {
	out := map[string]any{}
	for p.i < len(p.s) && p.s[p.i] != '}' {
		eq := strings.IndexByte(p.s[p.i:], '=')
		if eq < 0 {
			return nil, fmt.Errorf("shorthand %q: no = after %d", p.s, p.i)
		}
		key := p.s[p.i : p.i+eq]
		p.i += eq + 1
		m := c.Member(schema, key)
		if m == nil {
			return nil, fmt.Errorf("%s has no member %s", schema, key)
		}
		v, err := p.value(c, &m.Value)
		if err != nil {
			return nil, err
		}
		out[key] = v
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
		}
	}
	return out, nil
}

// scalar reads a quoted string or one up to a , or a }.
func (p *shorthand) scalar() string {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		end := strings.IndexByte(p.s[p.i+1:], '"')
		if end >= 0 {
			s := p.s[p.i+1 : p.i+1+end]
			p.i += end + 2
			return s
		}
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != ',' && p.s[p.i] != '}' {
		p.i++
	}
	return p.s[start:p.i]
}

// shellWords splits a command as a POSIX shell does, for what the
// examples use: single and double quotes, backslash escapes. A command
// substitution (`...`) is kept as written: what it reads is not published.
func shellWords(s string) ([]string, error) {
	var out []string
	var cur bytes.Buffer
	in := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unclosed ' in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			in = true
		case ch == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) && strings.IndexByte(`"\$`+"`", s[j+1]) >= 0 {
					j++
				}
				cur.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unclosed \" in %q", s)
			}
			i = j
			in = true
		case ch == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			in = true
		case ch == ' ' || ch == '\t' || ch == '\n':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(ch)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out, nil
}

// loadPublished reads testdata/aws-examples.
func loadPublished(t *testing.T) map[string]*publishedSet {
	t.Helper()
	dirs, err := os.ReadDir(publishedDir)
	if err != nil {
		t.Fatalf("no published examples (%v): run go test ./conformance -run '^TestPublishedExtract$' -update-published", err)
	}
	out := map[string]*publishedSet{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(publishedDir, d.Name(), "examples.json"))
		if err != nil {
			t.Fatal(err)
		}
		var set publishedSet
		if err := json.Unmarshal(b, &set); err != nil {
			t.Fatalf("%s: %v", d.Name(), err)
		}
		out[d.Name()] = &set
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no example", publishedDir)
	}
	return out
}

// readPart reads a request or answer file of a set.
func readPart(t *testing.T, dir, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(publishedDir, dir, file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// heldSources are the sources of the rules no published answer may break.
var heldSources = []string{suite.SourceModel, suite.SourceDocumented}

// correction is a value of a published answer that the suite does not
// take as published: a typo of the example, or a value the model's
// constraints refuse that only the spec can settle. The answer is judged
// with corrected in its place (or the member removed), and must be
// rejected with the published value, else the correction is no longer
// needed and goes.
type correction struct {
	path      []string // member names, list indexes as numbers
	published any      // nil: absent
	corrected any
	remove    bool
	why       string
}

// publishedCorrections are the corrections of published answers, by
// directory and example number ("get-composition/1").
var publishedCorrections = map[string][]correction{
	"list-ingest-configurations/1": {
		{path: []string{"ingestConfigurations", "0", "participnatId"}, published: "abC789Xyz456", remove: true, why: "participantId is spelt participnatId"},
		{path: []string{"ingestConfigurations", "0", "participantId"}, corrected: "abC789Xyz456", why: "participantId is spelt participnatId"},
	},
	// Not a typo, as far as anyone can tell: the CLI's example prints ""
	// for a SOURCE participant's sourceStageArn and sourceSessionId, which
	// the model documents for a REPLICA only, with StageArn and
	// StageSessionId constraints that "" breaks (length 1 to 128 and 16).
	// The published answer contradicts the model; until the spec says
	// which holds (an overlay allowing "", as the model does for a
	// recording configuration's storageConfigurationArn), the answer is
	// judged without them, as the model describes a SOURCE participant.
	"list-participants/2": {
		{path: []string{"participants", "0", "sourceStageArn"}, published: "", remove: true, why: "the model's StageArn has no empty value (a SOURCE participant's sourceStageArn is \"\" in AWS's example)"},
		{path: []string{"participants", "0", "sourceSessionId"}, published: "", remove: true, why: "the model's StageSessionId has no empty value (a SOURCE participant's sourceSessionId is \"\" in AWS's example)"},
	},
}

func init() {
	// The composition examples print the s3 destination's ARNs with their
	// prefix doubled: no ARN of the model's patterns, and not what the
	// request (start-composition) sent.
	doubled := func(dir string, n int) {
		key := fmt.Sprintf("%s/%d", dir, n)
		s3 := []string{"composition", "destinations", "1", "configuration", "s3"}
		publishedCorrections[key] = append(publishedCorrections[key],
			correction{path: append(slices.Clone(s3), "encoderConfigurationArns", "0"),
				published: "arn:aws:ivs:arn:aws:ivs:ap-northeast-1:123456789012:encoder-configuration/ABabCDcdEFef",
				corrected: "arn:aws:ivs:ap-northeast-1:123456789012:encoder-configuration/ABabCDcdEFef",
				why:       "the ARN's prefix arn:aws:ivs: is written twice"},
			correction{path: append(slices.Clone(s3), "storageConfigurationArn"),
				published: "arn:arn:aws:ivs:ap-northeast-1:123456789012:storage-configuration/FefABabCDcdE",
				corrected: "arn:aws:ivs:ap-northeast-1:123456789012:storage-configuration/FefABabCDcdE",
				why:       "the ARN's prefix arn: is written twice"})
	}
	for n := 1; n <= 3; n++ {
		doubled("get-composition", n)
	}
	for n := 1; n <= 4; n++ {
		doubled("start-composition", n)
	}
}

// replay is a target that answers every request with the answer it is
// given: a published answer sent over HTTP, members the spec binds to
// response headers in headers, so that the suite judges it as it judges
// any answer.
type replay struct {
	mu      sync.Mutex
	header  http.Header
	body    []byte
	headers map[string]map[string]string // operation -> member -> header name
}

func (p *replay) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, vs := range p.header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(p.body)
}

// set makes the answer of op the next one.
func (p *replay) set(op string, answer map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	body := maps.Clone(answer)
	p.header = http.Header{}
	for member, name := range p.headers[op] {
		if v, ok := body[member]; ok {
			p.header.Set(name, fmt.Sprint(v))
			delete(body, member)
		}
	}
	p.body, _ = json.Marshal(body)
}

// responseHeaders maps each operation's header-bound answer members to
// their headers, as the spec binds them.
func responseHeaders(doc *spec.Document, c *suite.Contract) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, op := range c.Operations {
		method := op.Method
		if method == "" {
			method = http.MethodPost
		}
		item := doc.OpenAPI.Paths.Find(op.Path)
		if item == nil || item.GetOperation(method) == nil {
			continue
		}
		resp := item.GetOperation(method).Responses.Status(http.StatusOK)
		if resp == nil || resp.Value == nil {
			continue
		}
		for name := range resp.Value.Headers {
			ptr := "/paths/" + strings.ReplaceAll(strings.ReplaceAll(op.Path, "~", "~0"), "/", "~1") + "/" + strings.ToLower(method) + "/responses/200/headers/" + name
			if m := doc.Extensions(ptr).Member; m != "" {
				if out[op.Name] == nil {
					out[op.Name] = map[string]string{}
				}
				out[op.Name][m] = name
			}
		}
	}
	return out
}

// publishedCase is one example as the tests read it.
type publishedCase struct {
	key     string // dir/n
	op      string
	region  string
	request map[string]any
	body    string // the request as sent
	answer  map[string]any
}

func publishedCases(t *testing.T) (cases []publishedCase, files int) {
	t.Helper()
	sets := loadPublished(t)
	for _, dir := range slices.Sorted(maps.Keys(sets)) {
		set := sets[dir]
		for _, ex := range set.Examples {
			pc := publishedCase{key: fmt.Sprintf("%s/%d", dir, ex.N), op: set.Operation, region: ex.Region}
			pc.body = string(readPart(t, dir, ex.Request))
			if err := json.Unmarshal([]byte(pc.body), &pc.request); err != nil {
				t.Fatalf("%s: the request: %v", pc.key, err)
			}
			if ex.Answer != "" {
				if err := json.Unmarshal(readPart(t, dir, ex.Answer), &pc.answer); err != nil {
					t.Fatalf("%s: the answer: %v", pc.key, err)
				}
			}
			cases = append(cases, pc)
		}
	}
	return cases, len(sets)
}

// TestPublishedAnswers holds every published answer to the rules of the
// suite tagged model or documented that one answer shows: the validation
// of an answer against the spec (suite.Runner.Call), the timestamp cases,
// and the single-answer parts of the behaviour cases
// (behaviour.AnswerChecks). None may reject one, but for a value that
// publishedCorrections names. The suite of each API version is held to
// them (an older one to the answers of the operations it has), since a
// gate built on it runs against today's service.
func TestPublishedAnswers(t *testing.T) {
	cases, files := publishedCases(t)
	for i, v := range conformance.APIVersions() {
		t.Run(v, func(t *testing.T) {
			answers, judged, timestamps, checks := holdAnswers(t, cases, v, i == 0)
			require.Positive(t, answers, "no published answer of an operation of the %s API", v)
			t.Logf("API %s: %d example files, %d examples, %d published answers of its operations, %d checks applied to them (the spec's validation of each, %d timestamp cases and %d behaviour rules tagged %s, where they concern the operation)",
				v, files, len(cases), answers, judged, timestamps, checks, strings.Join(heldSources, " or "))
		})
	}
}

// holdAnswers holds the published answers to the suite of API version;
// current says it is the newest, whose suite the corrections are for.
func holdAnswers(t *testing.T, cases []publishedCase, version string, current bool) (answers, judged, nTimestamps, nChecks int) {
	full, err := conformance.SuiteFor(version)
	require.NoError(t, err)
	source := map[string]string{}
	for i := range full.Cases {
		source[full.Cases[i].Name] = full.Cases[i].CaseSource()
	}
	held := func(name string) bool {
		src, ok := source[name]
		// A case an older contract lacks is not in its suite; the
		// newest suite has every case AnswerChecks names.
		require.True(t, ok || !current, "no case of the suite is named %s", name)
		return ok && slices.Contains(heldSources, src)
	}
	var timestamps []suite.Case
	for _, c := range full.Cases {
		if c.Kind == suite.KindTimestamp && held(c.Name) {
			timestamps = append(timestamps, c)
		}
	}
	var checks []behaviour.AnswerCheck
	for _, ac := range behaviour.AnswerChecks() {
		if held(ac.Case) {
			checks = append(checks, ac)
		}
	}
	doc, err := spec.Load(specFile(version))
	require.NoError(t, err)
	rp := &replay{headers: responseHeaders(doc, full.Contract)}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	bare := &suite.Suite{Contract: full.Contract, Spec: full.Spec} // no setup: the replay has nothing to make

	// judge sends answer through the replay and returns what each check
	// held against it, and how many checks judged it.
	judge := func(r *suite.Runner, pc publishedCase, answer map[string]any) (failures []string, applied int) {
		op := full.Contract.Operation(pc.op)
		rp.set(pc.op, answer)
		ex, f := r.Call(context.Background(), op, pc.body)
		applied++
		if f != nil {
			failures = append(failures, "the spec: "+f.Reason)
		}
		if ex == nil {
			return failures, applied
		}
		for _, c := range timestamps {
			if c.Operation != pc.op {
				continue
			}
			applied++
			if f := suite.CheckTimestamps(ex, c.ResponsePath); f != nil && !f.Skipped {
				failures = append(failures, c.Name+": "+f.Reason)
			}
		}
		for _, ac := range checks {
			if !slices.Contains(ac.Operations, pc.op) {
				continue
			}
			applied++
			if f := ac.Check(full.Contract, pc.op, pc.request, answer, ex); f != nil && !f.Skipped {
				failures = append(failures, ac.Case+": "+f.Reason)
			}
		}
		return failures, applied
	}

	for _, pc := range cases {
		if pc.answer == nil || full.Contract.Operation(pc.op) == nil {
			continue
		}
		answers++
		t.Run(pc.key, func(t *testing.T) {
			r, err := suite.NewRunner(context.Background(), suite.Target{Endpoint: srv.URL, Region: pc.region}, bare)
			require.NoError(t, err)
			fixes := publishedCorrections[pc.key]
			answer := pc.answer
			if len(fixes) > 0 {
				if current {
					published, _ := judge(r, pc, pc.answer)
					assert.NotEmpty(t, published, "the answer as published breaks no rule: its corrections (%v) are no longer needed", fixes)
				}
				answer = corrected(t, pc.answer, fixes)
			}
			failures, n := judge(r, pc, answer)
			judged += n
			assert.Empty(t, failures, "a rule tagged model or documented rejects AWS's published answer of %s", pc.key)
		})
	}
	return answers, judged, len(timestamps), len(checks)
}

// specFile is the name and text of the spec of API version.
func specFile(version string) (string, []byte) {
	if version == conformance.APIVersions()[0] {
		return spec.File, spec.Source
	}
	return spec.File20240620, spec.Source20240620
}

// corrected is answer with fixes applied; each published value must be
// where the fix says.
func corrected(t *testing.T, answer map[string]any, fixes []correction) map[string]any {
	t.Helper()
	var out map[string]any
	b, _ := json.Marshal(answer)
	require.NoError(t, json.Unmarshal(b, &out))
	for _, fx := range fixes {
		var parent any = out
		for _, seg := range fx.path[:len(fx.path)-1] {
			parent = step(parent, seg)
		}
		last := fx.path[len(fx.path)-1]
		require.Equal(t, fx.published, step(parent, last), "the answer has no %v at %v (%s)", fx.published, fx.path, fx.why)
		switch p := parent.(type) {
		case map[string]any:
			if fx.remove {
				delete(p, last)
				continue
			}
			p[last] = fx.corrected
		case []any:
			i, _ := strconv.Atoi(last)
			p[i] = fx.corrected
		}
	}
	return out
}

func step(v any, seg string) any {
	switch x := v.(type) {
	case map[string]any:
		return x[seg]
	case []any:
		if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(x) {
			return x[i]
		}
	}
	return nil
}

// refusal is why the fake may refuse a published request: the error type
// it answers with, and the reason.
type refusal struct {
	errType string
	why     string
}

// TestPublishedRequests sends every published request to the fake over
// HTTP, signed for the region its example names, and wants each accepted,
// or refused only as publishedRefusals says for it.
func TestPublishedRequests(t *testing.T) {
	cases, files := publishedCases(t)
	full, err := conformance.Suite()
	require.NoError(t, err)
	f := ivsfake.Start(t)
	bare := &suite.Suite{Contract: full.Contract, Spec: full.Spec}
	accepted, refused := 0, 0
	for _, pc := range cases {
		t.Run(pc.key, func(t *testing.T) {
			r, err := suite.NewRunner(context.Background(), suite.Target{Endpoint: f.URL, Region: pc.region}, bare)
			require.NoError(t, err)
			ex, err := r.Send(context.Background(), full.Contract.Operation(pc.op), pc.body)
			require.NoError(t, err)
			want, named := publishedRefusals[pc.key]
			if !named {
				assert.Equal(t, http.StatusOK, ex.Status, "the fake refuses AWS's published request: %s", suite.Describe(ex))
				accepted++
				return
			}
			assert.Equal(t, want.errType, ex.ErrType, "the fake answers AWS's published request with %s; the test expects %s because %s", suite.Describe(ex), want.errType, want.why)
			switch want {
			case notImplemented:
				assert.Contains(t, ex.Message, pc.op, "the refusal names the operation")
			case notFound:
				// The resource it did not find is one the request names.
				assert.True(t, slices.ContainsFunc(slices.Collect(maps.Values(pc.request)), func(v any) bool {
					s, _ := v.(string)
					return s != "" && strings.Contains(ex.Message, s)
				}), "%s names no identifier of the request %s", suite.Describe(ex), pc.body)
			}
			refused++
		})
	}
	require.NotEmpty(t, cases, "no published request")
	t.Logf("%d published requests of %d example files: %d accepted, %d refused for the reasons named", len(cases), files, accepted, refused)
}

// TestPublishedRequestsReadFromCommands: each stored request is what the
// extractor reads from the stored command, so the data and the reading of
// the CLI's syntax agree without the awscli package at hand.
func TestPublishedRequestsReadFromCommands(t *testing.T) {
	sets := loadPublished(t)
	n := 0
	for _, dir := range slices.Sorted(maps.Keys(sets)) {
		for _, ex := range sets[dir].Examples {
			got, err := cliRequest(ivscases.Contract, sets[dir].Operation, ex.Command)
			require.NoError(t, err, "%s/%d", dir, ex.N)
			b, err := json.MarshalIndent(got, "", "  ")
			require.NoError(t, err)
			assert.JSONEq(t, string(readPart(t, dir, ex.Request)), string(b), "%s/%d: %s", dir, ex.N, ex.Command)
			n++
		}
	}
	require.Positive(t, n)
}

// TestPublishedTablesNameExamples: every example the tables of this file
// speak of is one of testdata/aws-examples, so none outlives its example.
func TestPublishedTablesNameExamples(t *testing.T) {
	cases, _ := publishedCases(t)
	keys := map[string]bool{}
	for _, pc := range cases {
		keys[pc.key] = pc.answer != nil
	}
	for k := range publishedRefusals {
		_, ok := keys[k]
		assert.True(t, ok, "publishedRefusals names %s, no published example", k)
	}
	for k := range publishedCorrections {
		assert.True(t, keys[k], "publishedCorrections names %s, no published answer", k)
	}
}

// publishedRefusals are the published requests the fake refuses, and why,
// by directory and example number. The fake validates a request before
// anything else (an operation it does not implement included), so a
// refusal other than ValidationException says the request is well formed
// as the spec has it.
var publishedRefusals = map[string]refusal{
	// Requests of operations the fake does not implement yet: it answers
	// NotImplementedException once the request passed validation.

	// Requests that name a resource of the account the examples were
	// made in: the fake mints its own identifiers, so no resource of the
	// example's can be made in it first.
	"create-participant-token/1":     notFound,
	"delete-stage/1":                 notFound,
	"delete-storage-configuration/1": notFound,
	"disconnect-participant/1":       notFound,
	"delete-public-key/1":            notFound,
	"delete-ingest-configuration/1":  notFound,
	"delete-ingest-configuration/2":  notFound,
	"get-ingest-configuration/1":     notFound,
	"update-ingest-configuration/1":  notFound,
	"get-participant/1":              notFound,
	"get-participant/2":              notFound,
	"get-participant/3":              notFound,
	"get-public-key/1":               notFound,
	"delete-encoder-configuration/1": notFound,
	"get-composition/1":              notFound,
	"get-composition/2":              notFound,
	"get-composition/3":              notFound,
	"get-encoder-configuration/1":    notFound,
	"start-composition/1":            notFound,
	"start-composition/2":            notFound,
	"start-composition/3":            notFound,
	"start-composition/4":            notFound,
	"stop-composition/1":             notFound,
	"get-stage/1":                    notFound,
	"get-stage-session/1":            notFound,
	"get-storage-configuration/1":    notFound,
	"update-stage/1":                 notFound,
	"update-stage/2":                 notFound,

	// Replications from a stage of the examples' account to one of another
	// account (234567890123) in the same region: the destination is one
	// the operations take (x-ivsrt-cross-account), so what refuses them is
	// the source, which the fake cannot make with that identifier.
	"start-participant-replication/1": notFound,
	"stop-participant-replication/1":  notFound,

	"create-ingest-configuration/1": {errValidation, "the example passes --ingest-protocol rtmps, which the CLI sends as written; the model's IngestProtocol values are RTMP and RTMPS"},
	"import-public-key/1":           {errValidation, "the example passes the key as `cat public.pem`, a file it does not show; the text itself is no PEM key"},
}

var (
	notImplemented = refusal{suite.NotImplemented, "the fake does not implement the operation yet"}
	notFound       = refusal{"ResourceNotFoundException", "the request names a resource of the example's account, which the fake cannot make with that identifier"}
)

const errValidation = "ValidationException"
