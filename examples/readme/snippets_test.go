package readme_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// snippetFiles hold the Go snippets of the docs, each as written there.
var snippetFiles = []string{
	"readme_test.go",
	"../downstream/stages/conformance_test.go",
	"../downstream/stages/stages.go",
	"../downstream/ivs/generate.go",
}

// notInAFile are snippets no file can hold as written, by their first
// line, with the reason.
var notInAFile = map[string]string{
	// The alternative to the go tool line, which generate.go uses: one
	// package cannot generate twice.
	"//go:generate go run github.com/ivsrt/contract/cmd/ivsrt generate -spec ../ivsrealtime.yaml -out . -package ivs": "alternative go:generate line",
}

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// docFiles are the pages whose Go snippets must compile: the README and
// every page under docs/.
func docFiles(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{"../../README.md"}, docs...)
}

// Every Go snippet of the README and of docs/*.md is in one of
// snippetFiles, line for line (indented as its place there needs), so what
// the docs show compiles and runs in CI.
func TestSnippetsAreTheDocs(t *testing.T) {
	var files []string
	for _, name := range snippetFiles {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, string(data))
	}
	total := 0
	for _, doc := range docFiles(t) {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		blocks := goBlock.FindAllStringSubmatch(string(data), -1)
		total += len(blocks)
		for _, b := range blocks {
			lines := strings.Split(strings.TrimSuffix(b[1], "\n"), "\n")
			if _, ok := notInAFile[lines[0]]; ok {
				continue
			}
			found := false
			for _, f := range files {
				if holds(strings.Split(f, "\n"), lines) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("this Go snippet of %s is in none of %v:\n%s", strings.TrimPrefix(doc, "../../"), snippetFiles, b[1])
			}
		}
	}
	// The README and docs held 9 when this was written: far fewer means
	// the pattern no longer finds them.
	if total < 5 {
		t.Fatalf("found %d Go snippets in the README and docs/*.md; expected at least 5", total)
	}
}

// holds reports whether file has the lines of block in a row, each with
// the same indentation prepended.
func holds(file, block []string) bool {
	for i := 0; i+len(block) <= len(file); i++ {
		indent, ok := strings.CutSuffix(file[i], block[0])
		if !ok || strings.Trim(indent, "\t") != "" {
			continue
		}
		match := true
		for j, l := range block[1:] {
			got := file[i+1+j]
			if l == "" {
				match = strings.TrimSpace(got) == ""
			} else {
				match = got == indent+l
			}
			if !match {
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
