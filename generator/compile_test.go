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
	goTool, root := goModule(t, "runs go test on generated packages")
	tmp, rel := moduleTempDir(t, root)

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
	require.Contains(t, exercised, "headers", "the header bindings exercise: request and answer headers over HTTP, and the generated suite")

	cmd := exec.Command(goTool, "test", "-count=1", "./"+rel+"/...")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go test on the generated packages:\n%s", out)
	for _, name := range exercised {
		require.Contains(t, string(out), "ok  \tgithub.com/ivsrt/contract/"+rel+"/"+name, "%s ran no tests:\n%s", name, out)
	}
	require.NotContains(t, string(out), "FAIL")
	t.Logf("%s", strings.TrimSpace(string(out)))
}

// goModule skips a test under -short or without a go command (it runs go
// on generated code: why says what), and returns the go command and the
// module root.
func goModule(t *testing.T, why string) (goTool, root string) {
	t.Helper()
	if testing.Short() {
		t.Skip(why)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	root, err = filepath.Abs("..")
	require.NoError(t, err)
	return goTool, root
}

// moduleTempDir makes a directory for generated packages inside the module
// at root, so their imports of fakes/wire and the rest resolve (t.TempDir()
// would be outside it), and returns it and its slash path relative to root.
// testdata/tmp-* is in .gitignore.
func moduleTempDir(t *testing.T, root string) (dir, rel string) {
	t.Helper()
	dir, err := os.MkdirTemp(filepath.Join(root, "testdata"), "tmp-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	rel, err = filepath.Rel(root, dir)
	require.NoError(t, err)
	return dir, filepath.ToSlash(rel)
}
