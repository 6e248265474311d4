package generator

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ivsrt/contract/generator/model"
	"github.com/ivsrt/contract/spec"
)

// FromFile loads the spec at path and renders what opts.Emit selects from
// it (see Render). Every error names the file: the spec's own errors and
// the generator's refusals come back as *spec.Error with the JSON
// pointer and line; any other refusal is prefixed with the path.
func FromFile(path string, opts Options) (map[string][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := spec.Load(path, data)
	if err != nil {
		return nil, err
	}
	svc, err := model.Build(doc)
	if err != nil {
		return nil, err
	}
	if opts.SpecName == "" {
		opts.SpecName = filepath.Base(path)
	}
	files, err := Render(svc, opts)
	if err != nil {
		return nil, inFile(doc, err)
	}
	return files, nil
}

// inFile places a generator error in the spec it came from: a refusal
// (a *spec.Error with no file) gets the file and the line of its pointer.
func inFile(doc *spec.Document, err error) error {
	var se *spec.Error
	if errors.As(err, &se) && se.File == "" {
		e := *se
		e.File = doc.Name
		if e.Pointer != "" {
			e.Line = doc.Line(e.Pointer)
		}
		return &e
	}
	return fmt.Errorf("%s: %w", doc.Name, err)
}

// owned reports whether a file in the output directory is one the generator
// wrote: a *_gen.go file that starts with the generated-code header.
func owned(path string) bool {
	if !strings.HasSuffix(path, "_gen.go") {
		return false
	}
	data, err := os.ReadFile(path)
	return err == nil && bytes.HasPrefix(data, []byte("// "+Header))
}

// WriteDir writes files into dir, creating it if needed, and removes the
// files it owns there that are no longer generated. It leaves every other
// file alone, and rewrites a file only when its bytes change. When a file
// to write would replace one it did not generate, it changes nothing.
func WriteDir(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	// Refuse before touching anything, so a refusal leaves dir as it was.
	var write []string
	for _, n := range names {
		p := filepath.Join(dir, n)
		if old, err := os.ReadFile(p); err == nil {
			if bytes.Equal(old, files[n]) {
				continue
			}
			if !owned(p) {
				return fmt.Errorf("generator: %s exists and was not generated; not overwriting it", p)
			}
		}
		write = append(write, n)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if _, keep := files[e.Name()]; !keep && !e.IsDir() && owned(p) {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	for _, n := range write {
		if err := os.WriteFile(filepath.Join(dir, n), files[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}
