package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/spec"
)

// TestSmithyAgreesWithAPI2Model imports one model in both forms, every
// operation, with the current spec's overlays and version, and compares the
// specs. It runs when IVSRT_SMITHY_MODEL (a Smithy JSON AST, .gz allowed:
// aws/api-models-aws's models/ivs-realtime/service/2020-07-14/
// ivs-realtime-2020-07-14.json, or aws-sdk-go-v2's
// codegen/sdk-codegen/aws-models/ivs-realtime.json) is set; the api-2 form
// is IVSRT_API2_MODEL (with its paginators-1.json beside it), by default the
// model the repository keeps (SPEC_MODEL). With the same model in both, the
// result is also the committed spec. The overlays matter: botocore's
// paginators-1.json lists 3 of the 10 paginators the Smithy model's
// paginated traits state, and the current overlay states the other 7.
func TestSmithyAgreesWithAPI2Model(t *testing.T) {
	smithyPath, api2Path := os.Getenv("IVSRT_SMITHY_MODEL"), os.Getenv("IVSRT_API2_MODEL")
	if smithyPath == "" {
		t.Skip("set IVSRT_SMITHY_MODEL to compare a Smithy model with its api-2 form (IVSRT_API2_MODEL, default the kept model)")
	}
	if api2Path == "" {
		api2Path = filepath.Join("../..", makeVar(t, "SPEC_MODEL"))
	}
	for path, smithy := range map[string]bool{smithyPath: true, api2Path: false} {
		src, err := Resolve(context.Background(), path)
		require.NoError(t, err)
		require.Equal(t, smithy, isSmithy(src.API), "%s: a Smithy model is IVSRT_SMITHY_MODEL, an api-2 one IVSRT_API2_MODEL", path)
	}
	opts := Options{Version: makeVar(t, "SPEC_VERSION")}
	for _, f := range strings.Fields(makeVar(t, "SPEC_OVERLAYS")) {
		ov, err := os.ReadFile(filepath.Join("../..", f))
		require.NoError(t, err)
		opts.Overlays = append(opts.Overlays, ov)
	}
	smithySpec := importFile(t, smithyPath, opts)
	api2Spec := importFile(t, api2Path, opts)
	if smithySpec != api2Spec {
		t.Fatalf("the specs differ (- %s, + %s):\n%s", api2Path, smithyPath, firstDifference(api2Spec, smithySpec, 3, 20))
	}
	kinValid(t, []byte(smithySpec))
	if os.Getenv("IVSRT_API2_MODEL") == "" {
		require.Equal(t, string(spec.Source), smithySpec, "the Smithy form of the kept model imports to the committed spec")
	}
}

// firstDifference shows where two texts first differ, as a unified diff's
// hunk would: context lines before, then up to n lines of the difference,
// diffed over a window of the lines that follow.
func firstDifference(a, b string, context, n int) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	var out strings.Builder
	fmt.Fprintf(&out, "@@ line %d @@\n", i+1)
	for _, l := range al[max(0, i-context):i] {
		fmt.Fprintf(&out, " %s\n", l)
	}
	// The longest common subsequence of the two windows gives the hunk.
	const window = 200
	x, y := al[i:min(len(al), i+window)], bl[i:min(len(bl), i+window)]
	lcs := make([][]int, len(x)+1)
	for k := range lcs {
		lcs[k] = make([]int, len(y)+1)
	}
	for p := len(x) - 1; p >= 0; p-- {
		for q := len(y) - 1; q >= 0; q-- {
			if x[p] == y[q] {
				lcs[p][q] = lcs[p+1][q+1] + 1
			} else {
				lcs[p][q] = max(lcs[p+1][q], lcs[p][q+1])
			}
		}
	}
	p, q := 0, 0
	for lines := 0; lines < n && (p < len(x) || q < len(y)); lines++ {
		switch {
		case p < len(x) && q < len(y) && x[p] == y[q]:
			fmt.Fprintf(&out, " %s\n", x[p])
			p, q = p+1, q+1
		case q < len(y) && (p == len(x) || lcs[p][q+1] >= lcs[p+1][q]):
			fmt.Fprintf(&out, "+%s\n", y[q])
			q++
		default:
			fmt.Fprintf(&out, "-%s\n", x[p])
			p++
		}
	}
	return out.String()
}

func TestFirstDifference(t *testing.T) {
	a := "a\nb\nc\nd\ne\nf"
	b := "a\nb\nc\nX\nY\nd\nf"
	require.Equal(t, "@@ line 4 @@\n b\n c\n+X\n+Y\n d\n-e\n f\n", firstDifference(a, b, 2, 10))
	require.Equal(t, "@@ line 4 @@\n b\n c\n+X\n", firstDifference(a, b, 2, 1), "n lines of the difference")
}
