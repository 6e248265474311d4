package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGeneratedCodeCompilesAndRuns generates every positive golden case into
// a package inside the module (generated code imports fakes/wire and
// fakes/validate), adds the case's exercise_test.go when it has one, and
// runs go test on them: the output must compile, pass vet's checks, and do
// what the spec says (reset-when's exercise serves the generated Handler
// over httptest with a tiny Backend).
func TestGeneratedCodeCompilesAndRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on generated packages")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	// testdata/tmp-* at the module root is in .gitignore; t.TempDir() would be
	// outside the module, where the generated imports do not resolve.
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	tmp, err := os.MkdirTemp(filepath.Join(root, "testdata"), "tmp-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(tmp) })

	var exercised []string
	for _, c := range goldenCases(t) {
		if c.wantErr != "" {
			continue
		}
		dir := filepath.Join(tmp, c.name)
		require.NoError(t, WriteDir(dir, c.generate(t)))
		exercise, err := os.ReadFile(filepath.Join(c.dir, "exercise_test.go"))
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "exercise_test.go"), exercise, 0o644))
		// The spec goes beside it, for an exercise that runs the generated suite.
		specText, err := os.ReadFile(filepath.Join(c.dir, "spec.yaml"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "spec.yaml"), specText, 0o644))
		exercised = append(exercised, c.name)
	}
	require.Contains(t, exercised, "reset-when", "the Handler exercise")
	require.Contains(t, exercised, "bindings", "the HTTP bindings exercise, with the AWS SDK and the generated suite")

	rel, err := filepath.Rel(root, tmp)
	require.NoError(t, err)
	cmd := exec.Command(goTool, "test", "-count=1", "./"+filepath.ToSlash(rel)+"/...")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go test on the generated packages:\n%s", out)
	for _, name := range exercised {
		require.Contains(t, string(out), "ok  \tgithub.com/ivsrt/contract/"+filepath.ToSlash(rel)+"/"+name, "%s ran no tests:\n%s", name, out)
	}
	require.NotContains(t, string(out), "FAIL")
	t.Logf("%s", strings.TrimSpace(string(out)))
}
