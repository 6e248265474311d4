package conformance_test

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance"
	"github.com/ivsrt/contract/conformance/behaviour"
	"github.com/ivsrt/contract/conformance/suite"
	"github.com/ivsrt/contract/fakes/ivsfake"
	"github.com/ivsrt/contract/spec"
	"github.com/ivsrt/contract/spec/specdiff"
)

// The suite of the 2024-06-20 spec passes, case for case, against the fake
// serving today's API: an older suite checks only what it knows.
func TestOlderSuitePassesAgainstTodaysFake(t *testing.T) {
	s, err := conformance.SuiteFor("2024-06-20")
	require.NoError(t, err)
	require.Equal(t, "2024-06-20", s.Contract.APIVersion)
	f := ivsfake.Start(t)
	results := suite.RunAll(context.Background(), suite.Target{Endpoint: f.URL}, s)
	require.Len(t, results, len(s.Cases))
	for _, res := range results {
		require.Equal(t, suite.Pass, res.Status, "%s: %s\n%s", res.Name, res.Reason, res.Diff)
	}
	t.Logf("the 2024-06-20 suite against today's fake: %d cases, all passed", len(results))
}

// lastOf20240620 is the last commit whose fake served the 2024-06-20 spec:
// the fake built from it is the older implementation the current suite is
// run against.
const lastOf20240620 = "925c64d59c37484c1efee7eb297b9e325fd305d1"

// The current suite, against the fake built from the 2024-06-20 spec (the
// release before today's API), fails only in cases about what AWS added
// since: a case the 2024-06-20 suite does not have (an operation or member
// that spec lacks, a new bound or enum value), a behaviour case of what was
// added, or one whose diff is only in members AWS added (an expected
// object now holds their defaults). It builds that fake from git, so it runs with IVSRT_TEST_ALL=1
// (make test-all, CI) and needs the repository's history.
func TestCurrentSuiteFailsOnlyOnWhatAWSAdded(t *testing.T) {
	heavyTest(t, "builds the 2024-06-20 fake from git")
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	if err := exec.Command("git", "-C", root, "cat-file", "-e", lastOf20240620+"^{commit}").Run(); err != nil {
		t.Skipf("the history lacks %s (a shallow clone?): the fake of the 2024-06-20 spec cannot be built", lastOf20240620)
	}
	dir := t.TempDir()
	archive := exec.Command("sh", "-c", fmt.Sprintf("git -C %q archive %s | tar -x -C %q", root, lastOf20240620, dir))
	out, err := archive.CombinedOutput()
	require.NoError(t, err, "%s", out)
	bin := filepath.Join(dir, "ivsrt-2024-06-20")
	build := exec.Command("go", "build", "-o", bin, "./cmd/ivsrt")
	build.Dir = dir
	out, err = build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	serve := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-log", "off")
	stdout, err := serve.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, serve.Start())
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var url string
	select {
	case line := <-lines:
		url = strings.TrimPrefix(line, "listening on ")
	case <-time.After(30 * time.Second):
		t.Fatal("the 2024-06-20 fake did not say where it listens")
	}

	s, err := conformance.Suite()
	require.NoError(t, err)
	added := addedSince(t)
	older, err := conformance.SuiteFor("2024-06-20")
	require.NoError(t, err)
	for _, c := range older.Cases {
		added.inOlder[c.Name] = true
	}
	// The behaviour cases of what AWS added after 2024-06-20 (the members,
	// event names and error codes since, and the control actions that make
	// them happen, which the older fake's control API has not).
	for _, c := range behaviour.CurrentCases(s.Contract) {
		added.current[c.Name] = true
	}
	results := suite.RunAll(context.Background(), suite.Target{Endpoint: url}, s)
	counts := map[suite.Status]int{}
	explained := 0
	reasons := map[string]int{}
	for i, res := range results {
		counts[res.Status]++
		if res.Status != suite.Fail {
			continue
		}
		why := added.explains(s.Cases[i])
		if why == "" {
			why = added.inDiff(res.Diff)
		}
		if why == "" {
			t.Errorf("%s failed against the 2024-06-20 fake, but is about nothing AWS added: %s\n%s", res.Name, res.Reason, res.Diff)
			continue
		}
		explained++
		why, _, _ = strings.Cut(why, ":")
		if strings.HasSuffix(why, " is new") {
			why = "an operation that spec lacks"
		} else if strings.HasSuffix(why, " changed") {
			why = "a member that changed"
		}
		reasons[why]++
	}
	for why, n := range reasons {
		t.Logf("%5d failed: %s", n, why)
	}
	t.Logf("today's suite against the 2024-06-20 fake: %d cases, %d passed, %d failed (each about what AWS added), %d skipped",
		len(results), counts[suite.Pass], counts[suite.Fail], counts[suite.Skip])
	require.Positive(t, explained, "today's suite checks what AWS added, so the older fake must fail some of it")
	require.Greater(t, counts[suite.Pass], 1000, "what both versions share passes")
}

// added is what AWS added between the two specs, per operation: the
// operations the 2024-06-20 spec lacks, and the member paths (as case
// names write them: a.b, list[], map{}) whose schema differs.
type added struct {
	ops   map[string]bool
	paths map[string][]string
	// inOlder names the cases of the 2024-06-20 suite; current, the
	// behaviour cases about what was added since.
	inOlder, current map[string]bool
}

func addedSince(t *testing.T) *added {
	t.Helper()
	// What ivsrt diff reports between the two specs: new operations, and
	// the member paths each operation added or changed (type, enum,
	// bounds, pattern, default, required-ness).
	rep, err := specdiff.CompareBytes(spec.Source20240620, spec.Source)
	require.NoError(t, err)
	a := &added{ops: map[string]bool{}, paths: map[string][]string{}, inOlder: map[string]bool{}, current: map[string]bool{}}
	for _, op := range rep.Operations {
		if op.Change == specdiff.ChangeAdded {
			a.ops[op.Name] = true
			continue
		}
		for _, side := range []specdiff.Side{op.Request, op.Response} {
			a.paths[op.Name] = append(a.paths[op.Name], side.Added...)
			for _, c := range side.Changed {
				a.paths[op.Name] = append(a.paths[op.Name], c.Path)
			}
		}
	}
	return a
}

// explains says why a case is about what AWS added, or "" when it is not.
func (a *added) explains(c suite.Case) string {
	if a.ops[c.Operation] {
		return c.Operation + " is new"
	}
	if !a.inOlder[c.Name] {
		return "the 2024-06-20 suite has no such case"
	}
	if a.current[c.Name] {
		return "a case of what was added after 2024-06-20"
	}
	for _, p := range a.paths[c.Operation] {
		if c.Member == p || strings.HasPrefix(c.Member, p+".") || strings.HasPrefix(c.Member, p+"[") || strings.HasPrefix(c.Member, p+"{") ||
			strings.Contains(c.Name, "/"+p+"/") || strings.Contains(c.Name, "/"+p+".") || strings.Contains(c.Name, "."+p+"/") {
			return p + " changed"
		}
	}
	return ""
}

// diffKey is a member name on a changed line of a go-cmp diff.
var diffKey = regexp.MustCompile(`^\s*[-+]\s*"(\w+)":`)

// inDiff explains a failure whose diff changes only members AWS added: a
// behaviour case about an older rule whose expected object now holds the
// defaults of members the older fake never heard of.
func (a *added) inDiff(diff string) string {
	names := map[string]bool{}
	for _, paths := range a.paths {
		for _, p := range paths {
			p = strings.TrimRight(p, "[]{}")
			names[p[strings.LastIndex(p, ".")+1:]] = true
		}
	}
	var changed []string
	for _, line := range strings.Split(diff, "\n") {
		m := diffKey.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if !names[m[1]] {
			return ""
		}
		changed = append(changed, m[1])
	}
	if len(changed) == 0 {
		return ""
	}
	return "its diff is only in members AWS added: " + strings.Join(slices.Compact(slices.Sorted(slices.Values(changed))), ", ")
}
