package generator

import (
	"bytes"
	"errors"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/generator/model"
	"github.com/ivsrt/contract/generator/suitegen"
	"github.com/ivsrt/contract/spec"
)

func renderEmbedded(t *testing.T, emit Emit) map[string][]byte {
	t.Helper()
	files, err := Render(embeddedService(t), Options{Package: "ivs", SpecName: spec.File, Emit: emit})
	require.NoError(t, err)
	return files
}

// TestRenderFileSets: each -emit value writes its own files, and all
// writes the union of the fake's and the suite's, which share only the
// name constants.
func TestRenderFileSets(t *testing.T) {
	fake, suite := FileNames(), suitegen.FileNames()
	for _, n := range suite {
		require.NotContains(t, fake, n, "the fake and the suite would both write %s", n)
	}
	require.Contains(t, fake, NamesFile)
	for _, tc := range []struct {
		emit Emit
		want []string
	}{
		{"", fake},
		{EmitFake, fake},
		{EmitSuite, append(slices.Clone(suite), NamesFile)},
		{EmitAll, append(slices.Clone(fake), suite...)},
	} {
		want := slices.Clone(tc.want)
		slices.Sort(want)
		require.Equal(t, want, sortedNames(renderEmbedded(t, tc.emit)), "emit %q", tc.emit)
	}
}

// TestRenderIsDeterministic: fake and suite together, from fresh documents
// and models, give the same bytes every time.
func TestRenderIsDeterministic(t *testing.T) {
	first := renderEmbedded(t, EmitAll)
	for range 3 {
		d, err := spec.Load(spec.File, spec.Source)
		require.NoError(t, err)
		svc, err := model.Build(d)
		require.NoError(t, err)
		again, err := Render(svc, Options{Package: "ivs", SpecName: spec.File, Emit: EmitAll})
		require.NoError(t, err)
		require.Equal(t, sortedNames(first), sortedNames(again))
		for name, src := range first {
			require.True(t, bytes.Equal(src, again[name]), "%s differs between runs", name)
		}
	}
}

// TestRenderRecordsTheSpecAndVersion: every package doc the output carries
// names the spec file and its API version, and both halves record the
// version as data (the fake's APIVersion, the suite's Contract.APIVersion).
func TestRenderRecordsTheSpecAndVersion(t *testing.T) {
	svc := embeddedService(t)
	files, err := Render(svc, Options{Package: "ivs", SpecName: "pinned.yaml", Emit: EmitAll})
	require.NoError(t, err)
	var docs int
	for name, src := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ParseComments|parser.PackageClauseOnly)
		require.NoError(t, err)
		if f.Doc != nil {
			docs++
			require.Contains(t, f.Doc.Text(), "generated from pinned.yaml (API version "+svc.APIVersion+")", name)
		}
	}
	require.Equal(t, 2, docs, "one package doc from the fake, one from the suite")
	require.Contains(t, string(files["api_gen.go"]), `APIVersion = "`+svc.APIVersion+`"`)
	require.Contains(t, string(files["contract_gen.go"]), `APIVersion:`)
	require.Contains(t, string(files["contract_gen.go"]), `"`+svc.APIVersion+`"`)
}

// TestGeneratedCodeImportsOnlyTheRuntime: generated code imports the
// standard library and the three runtime packages meant for it, never
// this module's internals, the hand-written fake or the in-repo output.
func TestGeneratedCodeImportsOnlyTheRuntime(t *testing.T) {
	runtime := []string{"github.com/ivsrt/contract/fakes/wire", "github.com/ivsrt/contract/fakes/validate", "github.com/ivsrt/contract/conformance/suite"}
	seen := map[string]bool{}
	for name, src := range renderEmbedded(t, EmitAll) {
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			if first, _, _ := strings.Cut(p, "/"); !strings.Contains(first, ".") {
				continue // the standard library
			}
			require.Contains(t, runtime, p, "%s imports %s", name, p)
			seen[p] = true
		}
	}
	for _, p := range runtime {
		require.True(t, seen[p], "nothing imports %s", p)
	}
}

// TestRuntimePackagesSayTheyServeGeneratedCode: the packages generated
// code imports are documented as its runtime.
func TestRuntimePackagesSayTheyServeGeneratedCode(t *testing.T) {
	for _, dir := range []string{"../fakes/wire", "../fakes/validate", "../conformance/suite"} {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		var doc string
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.ParseComments|parser.PackageClauseOnly)
			require.NoError(t, err)
			if f.Doc != nil {
				doc += f.Doc.Text()
			}
		}
		require.Contains(t, strings.ToLower(doc), "generated", "the package doc of %s should say it serves generated code", dir)
	}
}

func TestRenderRefusesAnUnknownEmit(t *testing.T) {
	_, err := Render(embeddedService(t), Options{Package: "ivs", Emit: "both"})
	require.ErrorContains(t, err, `emit "both"`)
	for _, s := range []string{"fake", "suite", "all"} {
		e, err := ParseEmit(s)
		require.NoError(t, err)
		require.Equal(t, Emit(s), e)
	}
	_, err = ParseEmit("")
	require.Error(t, err)
}

// TestDisjoint: two files of one package may not declare one name, nor
// declare a name another file imports a package under.
func TestDisjoint(t *testing.T) {
	file := func(body string) []byte { return []byte("package p\n\n" + body + "\n") }
	require.NoError(t, disjoint(map[string][]byte{
		"a_gen.go": file("type A struct{}\n\nfunc (A) M() {}\n\nfunc init() {}\n\nvar _ = 1"),
		"b_gen.go": file("type B struct{}\n\nfunc (B) M() {}\n\nfunc init() {}\n\nvar _ = 2"),
	}))

	err := disjoint(map[string][]byte{
		"api_gen.go":      file("type Contract struct{}"),
		"contract_gen.go": file("var Contract = 1"),
	})
	require.ErrorContains(t, err, "api_gen.go and contract_gen.go both declare Contract")

	err = disjoint(map[string][]byte{
		"types_gen.go": file("type suite int"),
		"cases_gen.go": file("import \"github.com/ivsrt/contract/conformance/suite\"\n\nvar Cases []suite.Case"),
	})
	require.ErrorContains(t, err, "types_gen.go declares suite, the name cases_gen.go imports a package under")
}

// TestRenderRefusesASpecWhoseHalvesCollide: a schema named after the
// suite's Contract makes the fake declare it too; -emit all refuses, and
// says why, rather than write a package that does not compile.
func TestRenderRefusesASpecWhoseHalvesCollide(t *testing.T) {
	svc := embeddedService(t)
	for _, st := range svc.Structs {
		if st.Name == "Stage" {
			st.Name = "Contract"
		}
	}
	_, err := Render(svc, Options{Package: "ivs", Emit: EmitFake})
	require.NoError(t, err, "each half alone is fine")
	_, err = Render(svc, Options{Package: "ivs", Emit: EmitAll})
	require.ErrorContains(t, err, "both declare Contract")
}

// TestFromFileNamesTheFile: the generator's own refusals come back as a
// *spec.Error with the file, the JSON pointer and the line; others carry
// the file name.
func TestFromFileNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, from, to string) string {
		src := string(spec.Source)
		require.Equal(t, 1, strings.Count(src, from), "the edit %q must apply once", from)
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(strings.Replace(src, from, to, 1)), 0o644))
		return p
	}

	// Enum constants are the fake's: the suite alone has none to clash.
	clash := write("clash.yaml", "enum: [PUBLISH, SUBSCRIBE]", "enum: [PUBLISH, SUBSCRIBE, publish]")
	for _, emit := range []Emit{EmitFake, EmitAll} {
		_, err := FromFile(clash, Options{Package: "ivs", Emit: emit})
		var se *spec.Error
		require.True(t, errors.As(err, &se), "emit %s: %v", emit, err)
		require.Equal(t, clash, se.File)
		require.Equal(t, "/components/schemas/ParticipantTokenCapability/enum", se.Pointer)
		require.Positive(t, se.Line)
		require.Contains(t, err.Error(), clash+"#/components/schemas/ParticipantTokenCapability/enum (line ")
		require.Contains(t, err.Error(), "both become the constant ParticipantTokenCapabilityPublish")
	}

	// The suite cannot make a name that breaks this pattern: its refusal
	// names the file, the member's JSON pointer and the line.
	unbreakable := write("unbreakable.yaml", "StageName:\n      type: string\n      maxLength: 128\n      pattern: \"^[a-zA-Z0-9-_]*$\"",
		"StageName:\n      type: string\n      maxLength: 128\n      pattern: \"^.*$\"")
	_, err := FromFile(unbreakable, Options{Package: "ivs", Emit: EmitAll})
	var se *spec.Error
	require.True(t, errors.As(err, &se), "%v", err)
	require.Equal(t, unbreakable, se.File)
	require.Equal(t, "/components/schemas/CreateStageRequest/properties/name", se.Pointer)
	require.Positive(t, se.Line)
	require.Contains(t, err.Error(), "breaks pattern ^.*$")
	_, err = FromFile(unbreakable, Options{Package: "ivs", Emit: EmitFake})
	require.NoError(t, err, "the fake has no sample values to make")
}

// TestWriteDirOwnsBothHalves: switching -emit in one directory removes the
// generated files of the half no longer emitted, and never touches a file
// it did not generate (the package's go:generate line, a test).
func TestWriteDirOwnsBothHalves(t *testing.T) {
	dir := t.TempDir()
	hand := map[string]string{
		"generate.go":     "package ivs\n\n//go:generate go tool ivsrt generate -spec ../ivsrealtime.yaml -out . -package ivs\n",
		"backend_test.go": "package ivs\n",
		"notes_gen.go":    "package ivs\n\n// written by hand, despite its name\n",
	}
	for n, src := range hand {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte(src), 0o644))
	}
	listing := func() []string {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		var out []string
		for _, e := range entries {
			if _, ok := hand[e.Name()]; !ok {
				out = append(out, e.Name())
			}
		}
		return out
	}
	for _, emit := range []Emit{EmitAll, EmitFake, EmitSuite, EmitAll} {
		files := renderEmbedded(t, emit)
		require.NoError(t, WriteDir(dir, files))
		require.Equal(t, sortedNames(files), listing(), "after -emit %s", emit)
		for n, src := range hand {
			got, err := os.ReadFile(filepath.Join(dir, n))
			require.NoError(t, err)
			require.Equal(t, src, string(got), "%s was touched", n)
		}
	}
}
