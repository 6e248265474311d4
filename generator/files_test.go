package generator

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func genFile(body string) []byte {
	return []byte("// " + Header + "\n\npackage p\n\n" + body + "\n")
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			out[e.Name()+"/"] = ""
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = string(b)
	}
	return out
}

func TestWriteDirCreatesTheDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	files := map[string][]byte{"x_gen.go": genFile("var X = 1"), "y_gen.go": genFile("var Y = 2")}
	require.NoError(t, WriteDir(dir, files))
	require.Equal(t, map[string]string{"x_gen.go": string(files["x_gen.go"]), "y_gen.go": string(files["y_gen.go"])}, readDir(t, dir))
}

func TestWriteDirRewritesOnlyChangedFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, WriteDir(dir, map[string][]byte{"same_gen.go": genFile("var A = 1"), "changed_gen.go": genFile("var B = 1")}))
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []string{"same_gen.go", "changed_gen.go"} {
		require.NoError(t, os.Chtimes(filepath.Join(dir, n), old, old))
	}

	require.NoError(t, WriteDir(dir, map[string][]byte{"same_gen.go": genFile("var A = 1"), "changed_gen.go": genFile("var B = 2")}))

	mtime := func(n string) time.Time {
		fi, err := os.Stat(filepath.Join(dir, n))
		require.NoError(t, err)
		return fi.ModTime()
	}
	require.True(t, mtime("same_gen.go").Equal(old), "an unchanged file is not rewritten")
	require.False(t, mtime("changed_gen.go").Equal(old), "a changed file is rewritten")
	require.Equal(t, string(genFile("var B = 2")), readDir(t, dir)["changed_gen.go"])
}

func TestWriteDirRemovesOnlyItsOwnStaleFiles(t *testing.T) {
	dir := t.TempDir()
	existing := map[string]string{
		"stale_gen.go":         string(genFile("var Old = 1")),                         // generated earlier, no longer: removed
		"handwritten.go":       "package p\n\nfunc Hand() {}\n",                        // not *_gen.go: kept
		"manual_gen.go":        "package p\n\n// written by hand, named like output\n", // no header: kept
		"header.go":            string(genFile("var H = 1")),                           // header but not *_gen.go: kept
		"late_header_gen.go":   "package p\n\n// " + Header + "\n",                     // header not first: kept
		"notes.txt":            "hello\n",
		"something_gen.go.bak": string(genFile("var Bak = 1")),
	}
	for n, body := range existing {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub_gen.go"), 0o755))

	files := map[string][]byte{"api_gen.go": genFile("var API = 1")}
	require.NoError(t, WriteDir(dir, files))

	want := map[string]string{"api_gen.go": string(files["api_gen.go"]), "sub_gen.go/": ""}
	for n, body := range existing {
		if n != "stale_gen.go" {
			want[n] = body
		}
	}
	require.Equal(t, want, readDir(t, dir))
}

func TestWriteDirRefusesToOverwriteAHandWrittenFile(t *testing.T) {
	dir := t.TempDir()
	hand := "package p\n\n// mine\n"
	stale := string(genFile("var Stale = 1"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "types_gen.go"), []byte(hand), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stale_gen.go"), []byte(stale), 0o644))

	err := WriteDir(dir, map[string][]byte{"api_gen.go": genFile("var A = 1"), "types_gen.go": genFile("type T int")})
	require.ErrorContains(t, err, "types_gen.go exists and was not generated")
	// Nothing changed: the refusal comes before any write or removal.
	require.Equal(t, map[string]string{"types_gen.go": hand, "stale_gen.go": stale}, readDir(t, dir))

	// The same bytes are no conflict: nothing needs writing.
	require.NoError(t, WriteDir(dir, map[string][]byte{"types_gen.go": []byte(hand)}))
}

func TestWriteDirThenGenerateAgainIsANoOp(t *testing.T) {
	dir := t.TempDir()
	files := generateEmbedded(t)
	require.NoError(t, WriteDir(dir, files))
	before := readDir(t, dir)
	require.Len(t, before, len(FileNames()))
	for _, n := range FileNames() {
		require.True(t, owned(filepath.Join(dir, n)), n)
	}
	require.NoError(t, WriteDir(dir, files))
	require.Equal(t, before, readDir(t, dir))

	// A file the generator no longer emits goes; the rest stay.
	delete(files, "ids_gen.go")
	require.NoError(t, WriteDir(dir, files))
	require.NotContains(t, readDir(t, dir), "ids_gen.go")
	require.Len(t, readDir(t, dir), len(FileNames())-1)
}

func TestFromFile(t *testing.T) {
	files, err := FromFile(filepath.Join(goldenRoot, "paginated", "spec.yaml"), Options{Package: "paged"})
	require.NoError(t, err)
	require.Contains(t, string(files["api_gen.go"]), "generated from spec.yaml (API version 2024-01-01)")
	require.Contains(t, string(files["api_gen.go"]), "package paged")

	_, err = FromFile(filepath.Join(t.TempDir(), "missing.yaml"), Options{Package: "p"})
	require.ErrorIs(t, err, os.ErrNotExist)

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("openapi: 2.0\n"), 0o644))
	_, err = FromFile(bad, Options{Package: "p"})
	require.ErrorContains(t, err, "bad.yaml#/openapi (line 1)")
}
