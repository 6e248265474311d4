package generator

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/generator/model"
	"github.com/ivsrt/contract/spec"
	"github.com/ivsrt/contract/spec/importer"
)

// addedOperation is the operation of AWS's model that TestAddingAnOperation
// adds. The test calls it with the real client, so it is named here; when
// the spec takes it in for good, pick another the spec does not have.
const addedOperation = "GetEncoderConfiguration"

// TestAddingAnOperation is the promise that adding an AWS operation is one
// edit: in a copy of the module, append an operation to SPEC_OPS in the
// Makefile and run make spec generate; then everything builds, vets and
// passes its tests with no other edit, and the fake answers the new
// operation, through the real SDK client, with 501 NotImplementedException
// naming it (the hand-written backends embed the generated
// UnimplementedBackend). It takes minutes: it runs when IVSRT_TEST_ALL=1
// (make test-all).
func TestAddingAnOperation(t *testing.T) {
	if os.Getenv("IVSRT_TEST_ALL") != "1" {
		t.Skip("copies the module, regenerates it with one more operation and runs its tests: set IVSRT_TEST_ALL=1 (make test-all)")
	}
	for _, tool := range []string{"git", "go", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s: %v", tool, err)
		}
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)

	// The operation is in AWS's model and not yet in the spec.
	specOps := operationsOf(t, "../spec/ivsrealtime.yaml", nil)
	require.NotContains(t, specOps, addedOperation, "the spec has %s already: pick another operation of the model", addedOperation)
	makefile, err := os.ReadFile("../Makefile")
	require.NoError(t, err)
	model := regexp.MustCompile(`(?m)^SPEC_MODEL := (\S+)$`).FindSubmatch(makefile)
	require.NotNil(t, model, "the Makefile has no SPEC_MODEL")
	src, err := importer.Resolve(context.Background(), string(model[1]))
	require.NoError(t, err)
	all, err := importer.Import(src, importer.Options{})
	require.NoError(t, err)
	require.Contains(t, operationsOf(t, "model.yaml", all), addedOperation, "%s has no %s", model[1], addedOperation)

	// A copy of what git tracks, as the working tree has it.
	dir := filepath.Join(t.TempDir(), "contract")
	files, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	require.NoError(t, err)
	for _, name := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the working tree, not yet in git
		}
		require.NoError(t, err)
		info, err := os.Stat(filepath.Join(root, name))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, info.Mode().Perm()))
	}

	// The one edit.
	opsLine := regexp.MustCompile(`(?m)^SPEC_OPS := .*$`)
	require.Len(t, opsLine.FindAll(makefile, -1), 1, "the Makefile has one SPEC_OPS line")
	edited := opsLine.ReplaceAllFunc(makefile, func(line []byte) []byte {
		return append(slices.Clip(line), ","+addedOperation...) // not into the bytes after the line
	})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Makefile"), edited, 0o644))

	// The copy's own tests see no IVSRT_TEST_ALL, or they would run this
	// test again, in a copy of the copy.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "IVSRT_TEST_ALL=") })
	run := func(in string, name string, args ...string) {
		t.Helper()
		start := time.Now()
		cmd := exec.Command(name, args...)
		cmd.Dir = filepath.Join(dir, in)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %s (in %s):\n%s", name, strings.Join(args, " "), in, out)
		t.Logf("%s %s (in %s): %s", name, strings.Join(args, " "), in, time.Since(start).Round(time.Second))
	}
	run(".", "make", "spec", "generate")
	require.Contains(t, operationsOf(t, filepath.Join(dir, "spec/ivsrealtime.yaml"), nil), addedOperation)
	run(".", "go", "build", "./...")
	run(".", "go", "vet", "./...")
	run(".", "go", "test", "-count=1", "./...")
	run("examples/downstream", "go", "vet", "./...")
	run("examples/downstream", "go", "test", "-count=1", "./...")

	// The copy's fake answers the new operation in AWS's form.
	bin := filepath.Join(t.TempDir(), "ivsrt")
	run(".", "go", "build", "-o", bin, "./cmd/ivsrt")
	url := serve(t, bin)
	client := ivsfake.NewClient(url, "us-east-1")
	_, err = client.GetEncoderConfiguration(context.Background(), &ivsrealtime.GetEncoderConfigurationInput{
		Arn: new("arn:aws:ivs:us-east-1:123456789012:encoder-configuration/abcdABCD1234"),
	})
	var apiErr smithy.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "NotImplementedException", apiErr.ErrorCode())
	require.Contains(t, apiErr.ErrorMessage(), addedOperation)
	var respErr *awshttp.ResponseError
	require.ErrorAs(t, err, &respErr)
	require.Equal(t, 501, respErr.HTTPStatusCode())
}

// operationsOf lists the operations of the spec in data, or in the file
// at path when data is nil.
func operationsOf(t *testing.T, path string, data []byte) []string {
	t.Helper()
	if data == nil {
		var err error
		data, err = os.ReadFile(path)
		require.NoError(t, err)
	}
	doc, err := spec.Load(filepath.Base(path), data)
	require.NoError(t, err)
	svc, err := model.Build(doc)
	require.NoError(t, err)
	var out []string
	for _, op := range svc.Operations {
		out = append(out, op.Name)
	}
	return out
}
