package importer

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/spec"
)

// These tests read the models of github.com/aws/aws-sdk-go releases through
// the Go module cache (go mod download fetches them from the module proxy
// when they are not there yet).

func resolveSDK(t *testing.T, version string) *Source {
	t.Helper()
	src, err := Resolve(context.Background(), SDKModule+"@"+version)
	require.NoError(t, err)
	require.NotNil(t, src.Paginators, "paginators-1.json is read from beside the model")
	return src
}

// TestCommittedSpecIsTheImport: spec/ivsrealtime.yaml is exactly what
// make spec writes, with the operations the Makefile lists.
func TestCommittedSpecIsTheImport(t *testing.T) {
	src := resolveSDK(t, "v1.54.6")
	require.Equal(t, "2024-06-20", src.Version, "the release's date, UTC")
	overlay, err := os.ReadFile("../ivsrealtime.overlay.yaml")
	require.NoError(t, err)
	out, err := Import(src, Options{Ops: specOps(t), Overlay: overlay})
	require.NoError(t, err)
	require.Equal(t, string(spec.Source), string(out), "run make spec and commit")
	_, err = spec.Load("imported.yaml", out)
	require.NoError(t, err)
}

// TestImportEveryOperation: every operation of the 2024-06-20 model and of
// the last one the module ships imports into a document kin-openapi loads
// and validates, with and without the overlay.
func TestImportEveryOperation(t *testing.T) {
	overlay, err := os.ReadFile("../ivsrealtime.overlay.yaml")
	require.NoError(t, err)
	for _, tc := range []struct {
		version string
		ops     int
	}{{"v1.54.6", 27}, {"v1.55.8", 31}} {
		t.Run(tc.version, func(t *testing.T) {
			src := resolveSDK(t, tc.version)
			for _, ov := range [][]byte{nil, overlay} {
				out, err := Import(src, Options{Overlay: ov})
				require.NoError(t, err)
				doc := kinValid(t, out)
				ops := 0
				for _, item := range doc.Paths.Map() {
					ops += len(item.Operations())
				}
				require.Equal(t, tc.ops, ops)
			}
		})
	}
}
