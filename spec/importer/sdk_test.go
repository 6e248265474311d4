package importer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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

// TestCommittedSpecsAreTheImports: both committed specs are exactly what
// make spec writes, from the models, operations and overlays the Makefile
// names: the current API from the model kept in the repository, the
// 2024-06-20 one from that day's aws-sdk-go release.
func TestCommittedSpecsAreTheImports(t *testing.T) {
	for _, tc := range []struct {
		name, model, version, ops, overlays string
		committed                           []byte
	}{
		{"current", "SPEC_MODEL", "SPEC_VERSION", "", "SPEC_OVERLAYS", spec.Source},
		{"2024-06-20", "SPEC_2024_MODEL", "", "SPEC_2024_OPS", "SPEC_2024_OVERLAYS", spec.Source20240620},
	} {
		t.Run(tc.name, func(t *testing.T) {
			model := makeVar(t, tc.model)
			if !strings.HasPrefix(model, SDKModule+"@") {
				model = filepath.Join("../..", model)
			}
			src, err := Resolve(context.Background(), model)
			require.NoError(t, err)
			opts := Options{}
			if tc.version != "" {
				opts.Version = makeVar(t, tc.version)
			}
			if tc.ops != "" {
				opts.Ops = strings.Split(makeVar(t, tc.ops), ",")
			}
			for _, f := range strings.Fields(makeVar(t, tc.overlays)) {
				ov, err := os.ReadFile(filepath.Join("../..", f))
				require.NoError(t, err)
				opts.Overlays = append(opts.Overlays, ov)
			}
			out, err := Import(src, opts)
			require.NoError(t, err)
			require.Equal(t, string(tc.committed), string(out), "run make spec and commit")
			_, err = spec.Load("imported.yaml", out)
			require.NoError(t, err)
		})
	}
	require.Equal(t, "2024-06-20", resolveSDK(t, "v1.54.6").Version, "the release's date, UTC")
}

// TestCurrentModelIsDataOnly: the model kept in the repository carries no
// AWS prose, and has every operation of today's API.
func TestCurrentModelIsDataOnly(t *testing.T) {
	path := filepath.Join("../..", makeVar(t, "SPEC_MODEL"))
	for _, f := range []string{path, filepath.Join(filepath.Dir(path), "paginators-1.json")} {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NotContains(t, string(data), `"documentation"`, f)
	}
	src, err := Resolve(context.Background(), path)
	require.NoError(t, err)
	out, err := Import(src, Options{Version: makeVar(t, "SPEC_VERSION")})
	require.NoError(t, err)
	doc := kinValid(t, out)
	ops := 0
	for _, item := range doc.Paths.Map() {
		ops += len(item.Operations())
	}
	require.GreaterOrEqual(t, ops, 39)
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
