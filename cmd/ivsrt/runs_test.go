package main

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsfake"
)

// conformRuns is how many conform runs TestConformRunsCleanUp makes in a
// row against one serve.
const conformRuns = 30

// TestConformRunsCleanUp runs `ivsrt conform` 30 times in a row against one
// `ivsrt serve`, as a team's CI would against a long-lived fake. Every run
// passes, and afterwards ListStages shows just the stages that were there
// before: each run deleted all it made. The quota is set low enough that
// the stages of two runs left behind would exceed it.
func TestConformRunsCleanUp(t *testing.T) {
	heavyTest(t, "builds ivsrt and runs the suite 30 times against one ivsrt serve")
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute) // 30 runs of every case, on two busy cores under -race
	defer cancel()
	start := time.Now()
	bin := buildIvsrt(t)
	_, url := startServe(t, bin, os.Stderr, "-log", "off", "-stage-quota", "100")

	// Someone else's stages, there before the runs and after them.
	client := ivsfake.NewClient(url, "us-east-1")
	var before []string
	for range 3 {
		out, err := client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("kept")})
		require.NoError(t, err)
		before = append(before, *out.Stage.Arn)
	}

	// Nothing fails; what skips is only an operation the spec has and the
	// fake does not implement yet.
	closing := regexp.MustCompile(`(?m)^(\d+) passed, 0 failed, 0 blocked, \d+ skipped$`)
	skips := regexp.MustCompile(`(?m)^SKIP .*$`)
	notImplemented := regexp.MustCompile(`^SKIP \d+ cases?: the target does not implement (\w+|\d+ operations: \w+(, \w+)+)$`)
	cleanup := regexp.MustCompile(`(?m)^cleanup: deleted the (\d+) stages the run created`)
	runsStart := time.Now()
	for i := range conformRuns {
		out, err := exec.CommandContext(ctx, bin, "conform", "-endpoint", url).CombinedOutput()
		require.NoError(t, err, "run %d:\n%s", i+1, out)
		require.Regexp(t, closing, string(out), "run %d", i+1)
		for _, skip := range skips.FindAllString(string(out), -1) {
			require.Regexp(t, notImplemented, skip, "run %d", i+1)
		}
		require.Regexp(t, cleanup, string(out), "run %d", i+1)
	}
	t.Logf("%d conform runs against one serve in %s (%s with the build and serve)", conformRuns,
		time.Since(runsStart).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	var after []string
	in := &ivsrealtime.ListStagesInput{}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 100)
		out, err := client.ListStages(ctx, in)
		require.NoError(t, err)
		for _, s := range out.Stages {
			after = append(after, *s.Arn)
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	assert.Equal(t, before, after, "the stage count is back where it started")
}
