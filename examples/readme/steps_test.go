package readme_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ivsrt/contract/internal/heavy"
)

// The shell steps of README.md and docs/*.md are their ```sh blocks, and
// the run: steps of a GitHub workflow in a ```yaml block. A ```sh block
// that must not run in a test (it needs an AWS account, a placeholder
// stands for the reader's value, or it is the tests themselves) has a
// line "<!-- not run: REASON -->" just above its fence. Other fences are
// not shell (go, text, yaml that is no workflow), and no shell block may
// use another language tag, so none escapes the test.

// block is one fenced block of a page.
type block struct {
	doc    string // the page, relative to the repository's root
	line   int    // the line of its opening fence
	lang   string // its info string's first word
	text   string
	notRun string // the reason a not-run marker gives, if it has one
}

func (b block) String() string { return fmt.Sprintf("%s:%d", b.doc, b.line) }

var notRunMarker = regexp.MustCompile(`^<!-- not run: (.+) -->$`)

// shellTags are the info strings of shell blocks; only "sh" is allowed.
var shellTags = []string{"sh", "bash", "shell", "console", "zsh", "shell-session"}

// blocks reads the fenced blocks of the README and docs/*.md.
func blocks(t *testing.T) []block {
	t.Helper()
	var out []block
	for _, path := range docFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc := strings.TrimPrefix(path, "../../")
		lines := strings.Split(string(data), "\n")
		for i := 0; i < len(lines); i++ {
			info, ok := strings.CutPrefix(lines[i], "```")
			if !ok {
				continue
			}
			b := block{doc: doc, line: i + 1}
			if f := strings.Fields(info); len(f) > 0 {
				b.lang = f[0]
			}
			for j := i - 1; j >= 0; j-- {
				if strings.TrimSpace(lines[j]) == "" {
					continue
				}
				if m := notRunMarker.FindStringSubmatch(lines[j]); m != nil {
					b.notRun = m[1]
				}
				break
			}
			end := i + 1
			for end < len(lines) && !strings.HasPrefix(lines[end], "```") {
				end++
			}
			if end == len(lines) {
				t.Fatalf("%s: a fence that is never closed", b)
			}
			b.text = strings.Join(lines[i+1:end], "\n") + "\n"
			out = append(out, b)
			i = end
		}
	}
	return out
}

// workflow reports whether a yaml block is a GitHub workflow: its run:
// steps are shell steps.
func (b block) workflow() bool {
	return b.lang == "yaml" && strings.Contains(b.text, "\njobs:\n")
}

var runStep = regexp.MustCompile(`(?m)^\s*- run: (.+)$`)

// runSteps are a workflow's one-line run: steps, in order.
func (b block) runSteps() []string {
	var out []string
	for _, m := range runStep.FindAllStringSubmatch(b.text, -1) {
		out = append(out, m[1])
	}
	return out
}

// Every shell block is a ```sh block, and each either runs or says why
// not; the markers stand only above shell steps. This is the quick half
// of TestShellSteps: it runs with the other tests.
func TestShellBlocksAreMarked(t *testing.T) {
	runnable := 0
	for _, b := range blocks(t) {
		switch {
		case slices.Contains(shellTags, b.lang) && b.lang != "sh":
			t.Errorf("%s: a shell block tagged %q: tag it sh, so TestShellSteps runs it (or marks why not)", b, b.lang)
		case b.lang == "sh" && b.notRun == "":
			runnable++
		case b.notRun != "" && b.lang != "sh" && !b.workflow():
			t.Errorf("%s: a not-run marker above a %q block, which is not a shell step", b, b.lang)
		case b.workflow() && b.notRun == "":
			if len(b.runSteps()) == 0 {
				t.Errorf("%s: a workflow without run: steps", b)
			}
			runnable++
		}
	}
	// The pages held 10 runnable shell steps when this was written: far
	// fewer means the parsing no longer finds them.
	if runnable < 6 {
		t.Fatalf("found %d runnable shell blocks in the README and docs/*.md; expected at least 6", runnable)
	}
}

// The ports the pages use: the fake's (ivsrt serve -addr 127.0.0.1:4566)
// and a downstream service's in the CI gate. The test puts a free port in
// their place, so that it runs beside anything else on the machine.
const (
	fakeAddr    = "127.0.0.1:4566"
	serviceAddr = "127.0.0.1:8080"
)

// downstreamPage runs in a downstream module, the other pages in the copy
// of the repository.
const downstreamPage = "docs/downstream.md"

// TestShellSteps runs every shell step of the README and docs/*.md as
// written, in page order, as a new user would on a fresh machine: the
// pages other than docs/downstream.md in a copy of this repository (the
// files git tracks, as they are in the working tree), docs/downstream.md
// in a new module beside it whose code is examples/downstream's
// hand-written files (the generated ones are what its steps must make),
// with ../contract the copy, as its steps say, since the module is not
// published; then the run: steps of the CI gate's workflow in that
// module, with a small service of it at cmd/my-service. Everything
// listens on 127.0.0.1 only; each step is bounded in time. A step that
// serves (ivsrt serve) runs in the background until its page is done and
// must then stop cleanly on SIGINT; a page that reaches the fake's
// address without serving it gets an ivsrt serve there (the one the
// README's steps installed).
//
// It builds and downloads modules (from the module proxy, or the local
// cache), so it is heavy: IVSRT_TEST_ALL=1 (make test-all, CI).
func TestShellSteps(t *testing.T) {
	heavy.Test(t, "runs the shell steps of the README and docs/*.md, building a copy of the module and a downstream one")
	for _, tool := range []string{"bash", "git", "go", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the pages' steps need %s: %v", tool, err)
		}
	}
	all := blocks(t)
	tmp := t.TempDir()
	contract := filepath.Join(tmp, "contract")
	service := filepath.Join(tmp, "service")
	bin := filepath.Join(tmp, "bin")
	copyTracked(t, "../..", contract)

	ports := map[string]string{fakeAddr: freeAddr(t), serviceAddr: freeAddr(t)}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, heavy.Env+"=") || strings.HasPrefix(kv, "GOBIN=") || strings.HasPrefix(kv, "PATH=")
	})
	env = append(env, "GOBIN="+bin, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GIT_AUTHOR_NAME=ivsrt", "GIT_AUTHOR_EMAIL=ivsrt@example.com",
		"GIT_COMMITTER_NAME=ivsrt", "GIT_COMMITTER_EMAIL=ivsrt@example.com")
	r := &stepRunner{t: t, env: env, ports: ports, logs: filepath.Join(tmp, "logs")}
	if err := os.MkdirAll(r.logs, 0o755); err != nil {
		t.Fatal(err)
	}

	var pages []string
	byPage := map[string][]block{}
	for _, b := range all {
		if b.lang == "sh" && b.notRun == "" {
			if _, seen := byPage[b.doc]; !seen {
				pages = append(pages, b.doc)
			}
			byPage[b.doc] = append(byPage[b.doc], b)
		} else if b.lang == "sh" {
			t.Logf("%s: not run: %s", b, b.notRun)
		}
	}
	must(t, slices.Contains(pages, "README.md") && slices.Contains(pages, downstreamPage), "the README and %s have steps to run; found pages %v", downstreamPage, pages)
	// The README first (it installs ivsrt), the downstream page last (the
	// workflow runs in its module).
	slices.SortStableFunc(pages, func(a, b string) int { return pageRank(a) - pageRank(b) })

	for _, page := range pages {
		dir := contract
		if page == downstreamPage {
			dir = service
			newDownstreamModule(t, r, service)
		}
		r.runPage(page, byPage[page], dir)
	}

	ran := 0
	for _, b := range all {
		if !b.workflow() || b.notRun != "" {
			continue
		}
		writeService(t, service)
		for i, step := range b.runSteps() {
			r.run(fmt.Sprintf("%s run: step %d", b, i+1), step, service, 10*time.Minute)
		}
		r.stopBackground()
		// The step after the gate reports the JUnit file it wrote.
		_, err := os.Stat(filepath.Join(service, "conformance.xml"))
		must(t, err == nil, "%s: the gate wrote no conformance.xml: %v", b, err)
		ran++
	}
	must(t, ran > 0, "no workflow ran")
}

func pageRank(page string) int {
	switch page {
	case "README.md":
		return 0
	case downstreamPage:
		return 2
	}
	return 1
}

func must(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}

// stepRunner runs the steps, with the environment and ports of the run.
type stepRunner struct {
	t     *testing.T
	env   []string
	ports map[string]string
	logs  string
	n     int
	// background are the process groups of steps left running (a server,
	// a step that ends in &), stopped when their page is done.
	background []*exec.Cmd
	servers    []server // the page's servers, stopped with SIGINT
}

// script is a step's text with the free ports in place of the pages'.
func (r *stepRunner) script(text string) string {
	for from, to := range r.ports {
		text = strings.ReplaceAll(text, from, to)
	}
	return text
}

// command is bash running a step, in its own process group (so that what
// it leaves in the background can be stopped with it), its output to a
// file (a pipe would stay open as long as a background child holds it).
func (r *stepRunner) command(ctx context.Context, text, dir string) (*exec.Cmd, string) {
	r.n++
	log := filepath.Join(r.logs, fmt.Sprintf("step-%02d.log", r.n))
	out, err := os.Create(log)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { _ = out.Close() })
	cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", "-c", r.script(text))
	cmd.Dir = dir
	cmd.Env = r.env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	return cmd, log
}

// run runs one step to its end, within limit; what it leaves running in
// the background is stopped with its page.
func (r *stepRunner) run(name, text, dir string, limit time.Duration) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(r.t.Context(), limit)
	defer cancel()
	cmd, log := r.command(ctx, text, dir)
	start := time.Now()
	err := cmd.Run()
	r.background = append(r.background, cmd)
	if err != nil {
		r.t.Fatalf("%s failed after %s: %v\n%s\noutput:\n%s", name, time.Since(start).Round(time.Second), err, text, tail(log))
	}
	r.t.Logf("%s ran in %s", name, time.Since(start).Round(time.Second))
}

// serve starts a step that serves and waits until it listens.
func (r *stepRunner) serve(name, text, dir string) {
	r.t.Helper()
	cmd, log := r.command(context.Background(), text, dir)
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.background = append(r.background, cmd)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// go run builds first: minutes on a busy machine.
	deadline := time.After(5 * time.Minute)
	for {
		if data, _ := os.ReadFile(log); strings.Contains(string(data), "listening on http://") {
			break
		}
		select {
		case err := <-exited:
			r.t.Fatalf("%s exited before it listened: %v\n%s\noutput:\n%s", name, err, text, tail(log))
		case <-deadline:
			r.t.Fatalf("%s did not listen within 5 minutes\n%s\noutput:\n%s", name, text, tail(log))
		case <-time.After(200 * time.Millisecond):
		}
	}
	r.t.Logf("%s listens", name)
	// It must stop cleanly on SIGINT, as the README says (Ctrl-C).
	r.t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	r.servers = append(r.servers, server{name: name, cmd: cmd, exited: exited, log: log})
}

// runPage runs a page's steps in dir, in order.
func (r *stepRunner) runPage(page string, steps []block, dir string) {
	r.t.Helper()
	servesFake := false
	for _, b := range steps {
		servesFake = servesFake || serves(b.text)
	}
	for i, b := range steps {
		if !servesFake && strings.Contains(b.text, fakeAddr) && i == slices.IndexFunc(steps, func(b block) bool { return strings.Contains(b.text, fakeAddr) }) {
			// The page reaches the fake without serving it: it means the
			// one the README serves.
			r.serve(page+": ivsrt serve for its steps", "ivsrt serve -addr "+fakeAddr, dir)
		}
		if serves(b.text) {
			r.serve(b.String(), b.text, dir)
			continue
		}
		r.run(b.String(), b.text, dir, 10*time.Minute)
	}
	r.stopServers()
	r.stopBackground()
}

var servesLine = regexp.MustCompile(`(?m)^[^#\n]*\bivsrt serve\b`)

// serves reports whether a step serves the fake (and so runs until it is
// stopped).
func serves(text string) bool { return servesLine.MatchString(text) }

type server struct {
	name   string
	cmd    *exec.Cmd
	exited chan error
	log    string
}

// stopServers stops the page's servers as a user would, with Ctrl-C
// (SIGINT to the process group), and requires a clean exit.
func (r *stepRunner) stopServers() {
	r.t.Helper()
	for _, s := range r.servers {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGINT)
		select {
		case err := <-s.exited:
			if err != nil {
				r.t.Errorf("%s did not stop cleanly on SIGINT: %v\noutput:\n%s", s.name, err, tail(s.log))
			}
		case <-time.After(30 * time.Second):
			r.t.Errorf("%s did not stop within 30 s of SIGINT\noutput:\n%s", s.name, tail(s.log))
		}
	}
	r.servers = nil
}

// stopBackground kills what steps left running in the background.
func (r *stepRunner) stopBackground() {
	for _, cmd := range r.background {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	r.background = nil
}

// tail is the end of a step's output.
func tail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(data) > 8000 {
		data = data[len(data)-8000:]
	}
	return string(data)
}

// copyTracked copies the files git tracks under root, as they are in the
// working tree, to dst: what a clone of this commit, edits included,
// holds.
func copyTracked(t *testing.T, root, dst string) {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, name := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, name)
		info, err := os.Lstat(src)
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if !info.Mode().IsRegular() {
			continue
		}
		copyFile(t, src, filepath.Join(dst, name), info.Mode().Perm())
	}
}

func copyFile(t *testing.T, src, dst string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// newDownstreamModule makes the reader's own module, as docs/downstream.md
// finds it: a git repository of a Go module holding examples/downstream's
// hand-written code (its go:generate line among it), with nothing of ivsrt
// yet: no requirement, no spec, no generated file.
func newDownstreamModule(t *testing.T, r *stepRunner, dir string) {
	t.Helper()
	example := "../../examples/downstream"
	out, err := exec.Command("git", "-C", example, "ls-files", "-z", ".").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	copied := 0
	for _, name := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if strings.HasSuffix(name, "_gen.go") || name == "go.mod" || name == "go.sum" || name == "ivsrealtime.yaml" {
			continue
		}
		copyFile(t, filepath.Join(example, name), filepath.Join(dir, name), 0o644)
		copied++
	}
	must(t, copied > 0, "no hand-written file in %s", example)
	r.run("the downstream module: go mod init and a first commit",
		"go mod init example.com/downstream\ngit init -q\ngit add -A\ngit commit -q -m 'The service, before ivsrt'\n", dir, 2*time.Minute)
}

// writeService writes the service the CI gate's workflow builds and
// checks: examples/downstream's Backend behind its generated Handler,
// listening on -addr. The gate is for the reader's own service; this one
// stands in for it.
func writeService(t *testing.T, dir string) {
	t.Helper()
	main := `package main

import (
	"flag"
	"log"
	"net/http"

	"example.com/downstream/ivs"
	"example.com/downstream/stages"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "where to listen")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, ivs.NewHandler(stages.New("us-east-1", "123456789012"), ivs.Options{})))
}
`
	path := filepath.Join(dir, "cmd", "my-service", "main.go")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
}

// freeAddr is a loopback address with a port free now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
