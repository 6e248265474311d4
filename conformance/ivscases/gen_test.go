package ivscases_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/ivsrt/contract/generator"
	"github.com/ivsrt/contract/generator/model"
	"github.com/ivsrt/contract/generator/suitegen"
	"github.com/ivsrt/contract/spec"

	// Accepts -endpoint and -region, as every test binary under conformance/ must.
	_ "github.com/ivsrt/contract/conformance/internal/targetflag"
)

var update = flag.Bool("update", false, "rewrite the generated files of this package from the embedded spec")

// TestGeneratedFilesAreCurrent regenerates the cases from the embedded spec
// in memory and fails when the committed files differ: a spec change must
// come with regenerated cases. Run with -update to rewrite them:
//
//	go test ./conformance/ivscases -run TestGeneratedFilesAreCurrent -update
func TestGeneratedFilesAreCurrent(t *testing.T) {
	doc, err := spec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := model.Build(doc)
	if err != nil {
		t.Fatal(err)
	}
	files, err := generator.GenerateSuite(svc, generator.Options{Package: "ivscases", SpecName: spec.File})
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := generator.WriteDir(".", files); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, name := range suitegen.FileNames() {
		have, err := os.ReadFile(filepath.Join(".", name))
		if err != nil {
			t.Errorf("%s: %v (run this test with -update)", name, err)
			continue
		}
		if !bytes.Equal(have, files[name]) {
			t.Errorf("%s differs from what the spec generates; run: go test ./conformance/ivscases -run %s -update", name, t.Name())
		}
	}
}
