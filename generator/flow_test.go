package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/generator/suitegen"
	"github.com/ivsrt/contract/spec"
)

// flowExercise goes into the package generated from the edited spec. It is
// package ivs itself, so it sees what was generated: the Handler with a tiny
// Backend, the enum constants, the Contract and the Cases.
const flowExercise = `package ivs

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type stageOnly struct{ Backend }

func (stageOnly) CreateStage(_ context.Context, in *CreateStageRequest) (*CreateStageResponse, error) {
	return &CreateStageResponse{Stage: &Stage{Arn: new(NewStageArn("us-east-1", "123456789012")), Name: in.Name}}, nil
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url+"/"+OpCreateStage, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("x-amzn-ErrorType")
}

// The Handler enforces the tightened bound and knows the new enum value.
func TestHandlerFollowsTheEditedSpec(t *testing.T) {
	srv := httptest.NewServer(NewHandler(stageOnly{}, Options{}))
	defer srv.Close()
	for _, tc := range []struct {
		body    string
		status  int
		errType string
	}{
		{` + "`" + `{"name":"abcdefghij"}` + "`" + `, 200, ""},
		{` + "`" + `{"name":"abcdefghijk"}` + "`" + `, 400, ErrValidationException},
		{` + "`" + `{"participantTokenConfigurations":[{"capabilities":["MODERATE"]}]}` + "`" + `, 200, ""},
		{` + "`" + `{"participantTokenConfigurations":[{"capabilities":["MODERATOR"]}]}` + "`" + `, 400, ErrValidationException},
	} {
		status, errType := post(t, srv.URL, tc.body)
		if status != tc.status || errType != tc.errType {
			t.Errorf("%s: %d %q, want %d %q", tc.body, status, errType, tc.status, tc.errType)
		}
	}
	if ParticipantTokenCapabilityModerate != "MODERATE" {
		t.Error("no constant for the new enum value")
	}
}

// The suite has cases at the new bound and for the new value.
func TestSuiteFollowsTheEditedSpec(t *testing.T) {
	var at, over, moderate int
	for _, c := range Cases {
		if c.Operation == OpCreateStage && strings.Contains(c.Name, "name/maxLength") {
			var body struct{ Name string }
			if err := json.Unmarshal([]byte(c.Body), &body); err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			switch c.Expect {
			case "accepted":
				at++
				if len(body.Name) != 10 {
					t.Errorf("%s: a name of %d characters, want the new limit 10", c.Name, len(body.Name))
				}
			case "error":
				over++
				if len(body.Name) != 11 {
					t.Errorf("%s: a name of %d characters, want 11", c.Name, len(body.Name))
				}
			}
		}
		if strings.Contains(c.Name, "capabilities") && strings.Contains(c.Name, "MODERATE") && c.Expect == "accepted" {
			moderate++
		}
	}
	if at == 0 || over == 0 {
		t.Errorf("CreateStage name/maxLength cases: %d at the limit, %d over it; want both", at, over)
	}
	if moderate == 0 {
		t.Error("no case accepts the new capability MODERATE")
	}
	if Contract.APIVersion != APIVersion {
		t.Errorf("the suite records API version %q, the fake %q", Contract.APIVersion, APIVersion)
	}
}
`

// TestSpecChangesFlow is the promise that a spec change needs no hand edit:
// tighten a bound and add an enum value in a copy of the spec, run the real
// command (go run ./cmd/ivsrt generate, fake and suite into one package),
// and the generated Handler and cases follow.
func TestSpecChangesFlow(t *testing.T) {
	goTool, root := goModule(t, "runs go run and go test")
	tmp, rel := moduleTempDir(t, root)

	specPath := filepath.Join(tmp, "ivsrealtime.yaml")
	require.NoError(t, os.WriteFile(specPath, spec.Source, 0o644))
	for _, e := range []specEdit{
		{name: "stage name", via: "/components/schemas/CreateStageRequest/properties/name", set: []keyValue{{"maxLength", 10}}},
		{name: "capability", via: "/components/schemas/ParticipantTokenConfiguration/properties/capabilities/items", set: []keyValue{{"enum/-", "MODERATE"}}},
	} {
		require.NoError(t, applyEdit(specPath, e), e.name)
	}
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "ivs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "ivs", "flow_test.go"), []byte(flowExercise), 0o644))

	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goTool, args...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}
	run("run", "./cmd/ivsrt", "generate", "-spec", rel+"/ivsrealtime.yaml", "-out", rel+"/ivs", "-package", "ivs")
	for _, name := range append(FileNames(), suitegen.FileNames()...) {
		require.FileExists(t, filepath.Join(tmp, "ivs", name))
	}
	out := run("test", "-count=1", "-v", "./"+rel+"/ivs")
	for _, test := range []string{"TestHandlerFollowsTheEditedSpec", "TestSuiteFollowsTheEditedSpec"} {
		require.Contains(t, out, "--- PASS: "+test, out)
	}
}
