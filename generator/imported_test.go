package generator

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/generator/model"
	"github.com/ivsrt/contract/spec"
	"github.com/ivsrt/contract/spec/importer"
)

// TestEveryImportedOperationGenerates imports every operation of AWS's
// model on the day of the 2024-06-20 change (27) and of the last model
// aws-sdk-go ships (31), with the overlay, and generates the fake's wire
// layer and the suite from each into one package: both must build and pass
// go vet. Their behaviour is the fake's business, operation by operation.
func TestEveryImportedOperationGenerates(t *testing.T) {
	heavyTest(t, "generates and vets every operation of two aws-sdk-go releases")
	goTool, root := goModule(t, "reads aws-sdk-go releases and runs go vet")
	tmp, rel := moduleTempDir(t, root)
	overlay, err := os.ReadFile("../spec/ivsrealtime.overlay.yaml")
	require.NoError(t, err)

	for _, tc := range []struct {
		version string
		ops     int
	}{{"v1.54.6", 27}, {"v1.55.8", 31}} {
		src, err := importer.Resolve(context.Background(), importer.SDKModule+"@"+tc.version)
		require.NoError(t, err)
		data, err := importer.Import(src, importer.Options{Overlay: overlay})
		require.NoError(t, err)
		name := "aws-sdk-go-" + tc.version
		doc, err := spec.Load(name+".yaml", data)
		require.NoError(t, err)
		svc, err := model.Build(doc)
		require.NoError(t, err)
		require.Len(t, svc.Operations, tc.ops)

		methods := map[string]int{}
		for _, op := range svc.Operations {
			methods[op.Method]++
		}
		require.Equal(t, map[string]int{"GET": 1, "DELETE": 1, "POST": tc.ops - 2}, methods, "the tag operations bring GET and DELETE")

		files, err := Render(svc, Options{Package: "ivs", SpecName: name + ".yaml", Emit: EmitAll})
		require.NoError(t, err)
		require.NoError(t, WriteDir(filepath.Join(tmp, "v"+tc.version[1:]), files))
	}

	pkgs := "./" + rel + "/..."
	for _, args := range [][]string{{"build", pkgs}, {"vet", pkgs}} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", args[0], out)
	}
}
