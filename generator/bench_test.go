package generator

import (
	"testing"
)

// BenchmarkGenerate is what `ivsrt generate` does on the repository's spec,
// minus writing files: read and load it (kin-openapi), build the model, and
// render the fake and the suite into one package.
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		files, err := FromFile("../spec/ivsrealtime.yaml", Options{Package: "ivs", Emit: EmitAll})
		if err != nil {
			b.Fatal(err)
		}
		if len(files) == 0 {
			b.Fatal("no files")
		}
	}
}
