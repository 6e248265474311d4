package ivsfake_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mutatorsFile is where the state changes and the persistence hooks are.
const mutatorsFile = "mutators.go"

// hook is one call of the journal (x.ps.method(args)) in a mutator.
type hook struct {
	line       int
	method     string // of the journal
	call       string // as written
	start, end int    // the statement's byte offsets
	args       []string
}

// isHook reports whether a call is x.ps.method(...): a call of the journal.
func isHook(call *ast.CallExpr) (method string, ok bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	ps, ok := sel.X.(*ast.SelectorExpr)
	if !ok || ps.Sel.Name != "ps" {
		return "", false
	}
	return sel.Sel.Name, true
}

// findHooks lists the journal calls of mutators.go, each a statement of
// its own, so removing one removes nothing else.
func findHooks(t *testing.T) ([]hook, []byte) {
	t.Helper()
	src, err := os.ReadFile(mutatorsFile)
	require.NoError(t, err)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, mutatorsFile, src, 0)
	require.NoError(t, err)
	var hooks []hook
	calls := 0
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if _, ok := isHook(call); ok {
				calls++
			}
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		stmt, ok := n.(*ast.ExprStmt)
		if !ok {
			return true
		}
		call, ok := stmt.X.(*ast.CallExpr)
		if !ok {
			return true
		}
		method, ok := isHook(call)
		if !ok {
			return true
		}
		h := hook{
			method: method,
			line:   fset.Position(stmt.Pos()).Line,
			start:  fset.Position(stmt.Pos()).Offset,
			end:    fset.Position(stmt.End()).Offset,
		}
		h.call = string(src[h.start:h.end])
		for _, a := range call.Args {
			h.args = append(h.args, string(src[fset.Position(a.Pos()).Offset:fset.Position(a.End()).Offset]))
		}
		hooks = append(hooks, h)
		return true
	})
	require.Len(t, hooks, calls, "every journal call in %s is a statement of its own (not deferred, not in an expression), so it can be removed alone", mutatorsFile)
	return hooks, src
}

// without is mutators.go with the hook's call removed. Its arguments are
// still evaluated (they have no side effects), so that a variable only
// the hook used does not stop the package from building.
func (h hook) without(src []byte) []byte {
	repl := "// hook removed"
	if len(h.args) > 0 {
		repl = strings.Repeat("_, ", len(h.args)-1) + "_ = " + strings.Join(h.args, ", ")
	}
	return []byte(string(src[:h.start]) + repl + string(src[h.end:]))
}

// TestRemovingAnyHookFailsAStoreTest: for each persistence hook of the
// mutators, the package built with that one call removed (go build
// -overlay, the checked-out files untouched) fails
// TestStoreCommitsEveryChangeItself. It builds the test binary once per
// hook, so it runs only with IVSRT_TEST_ALL=1 (and needs a -timeout
// above the default 10m on a slow machine).
func TestRemovingAnyHookFailsAStoreTest(t *testing.T) {
	heavyTest(t, "builds the package once per persistence hook")
	hooks, src := findHooks(t)
	require.NotEmpty(t, hooks)
	abs, err := filepath.Abs(mutatorsFile)
	require.NoError(t, err)
	dir := t.TempDir()
	mutant, overlay, bin := filepath.Join(dir, mutatorsFile), filepath.Join(dir, "overlay.json"), filepath.Join(dir, "ivsfake.test")
	data, err := json.Marshal(map[string]map[string]string{"Replace": {abs: mutant}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(overlay, data, 0o600))
	caught := regexp.MustCompile(`after (.+?), (the file holds|reading everything)|panic: .*`)
	start := time.Now()
	for _, h := range hooks {
		t.Run(fmt.Sprintf("line %d", h.line), func(t *testing.T) {
			require.NoError(t, os.WriteFile(mutant, h.without(src), 0o600))
			out, err := exec.CommandContext(t.Context(), "go", "test", "-c", "-o", bin, "-overlay", overlay, ".").CombinedOutput()
			require.NoError(t, err, "without %s the package does not build:\n%s", h.call, out)
			out, err = exec.CommandContext(t.Context(), bin, "-test.run", "^TestStoreCommitsEveryChangeItself$", "-test.count=1").CombinedOutput()
			if !assert.Error(t, err, "without %s (%s:%d), TestStoreCommitsEveryChangeItself passes: nothing tests this hook", h.call, mutatorsFile, h.line) {
				return
			}
			require.Contains(t, string(out), "--- FAIL: TestStoreCommitsEveryChangeItself", "without %s the binary fails otherwise:\n%s", h.call, out)
			why := "?"
			if m := caught.FindStringSubmatch(string(out)); m != nil && m[1] != "" {
				why = "after " + m[1]
			} else if m != nil {
				why = "with " + m[0] // the file no longer loads
			}
			t.Logf("without %s, the store test fails %s", h.call, why)
		})
	}
	t.Logf("%d hooks, each removed and caught, in %s", len(hooks), time.Since(start).Round(time.Second))
}

// stateTypes are the types whose fields hold a namespace's state; of
// Memory, every field but those in memoryNotState.
var stateTypes = []string{"stage", "session", "participant", "pToken", "storageConfig", "storageState", "publicKey", "publicKeyState", "ingestConfig", "ingestState", "encoderConfig", "encoderState", "composition", "compositionState", "destination", "history", "event", "exchange", "exchangedToken", "replica", "replicaSource", "Memory"}

var memoryNotState = map[string]string{
	"opts":    "set once, by the constructor",
	"pages":   "the page-token key, set once (stored with every commit)",
	"mu":      "the lock",
	"capSets": "a cache of shared capability lists, rebuilt as tokens are added",
	"ps":      "the journal itself",
	"peers":   "set once, by the Server that makes the namespace",
	"outbox":  "changes bound for other namespaces, delivered when the lock is let go: not this namespace's state",
}

// rawChanges are the helpers that change state without recording it
// (alter records, but its closure may change anything): the mutators and
// load call them, nothing else.
var rawChanges = map[string]bool{
	"resetLocked": true, "addStage": true, "addToken": true, "addSession": true, "keep": true,
	"add": true, "change": true, "record": true, "leave": true, "alter": true,
	"stopPublishing": true, "stopRecording": true, "holdToken": true,
}

// mayChangeState are the files that may assign state fields and call
// rawChanges: the mutators, load (which rebuilds the state the file
// holds) and the session's filter index (kept by session.add and
// session.change, which only mutators call).
var mayChangeState = map[string]bool{mutatorsFile: true, "persist.go": true, "index.go": true}

// TestStateChangesOnlyInMutators: outside the mutators (and load), no
// code of the package assigns a field of the state, hands out its
// address (to a call or from a return), deletes from it, calls a helper
// that changes it unrecorded, or calls the journal: so a change made
// elsewhere cannot skip being stored. It goes by field names, which the
// state types keep apart from the package's other types.
func TestStateChangesOnlyInMutators(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	files := map[string]*ast.File{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		files[name] = f
	}
	fields := map[string]string{} // field name -> its type, for the message
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !slices.Contains(stateTypes, ts.Name.Name) {
				return true
			}
			for _, fl := range ts.Type.(*ast.StructType).Fields.List {
				for _, id := range fl.Names {
					if ts.Name.Name != "Memory" || memoryNotState[id.Name] == "" {
						fields[id.Name] = ts.Name.Name
					}
				}
			}
			return false
		})
	}
	require.Contains(t, fields, "recording", "the state types were found")
	hooks, _ := findHooks(t)
	journal := map[string]bool{}
	for _, h := range hooks {
		journal[h.method] = true
	}
	require.NotEmpty(t, journal)

	// stateField is the field a written expression lands in, if a state one.
	var stateField func(e ast.Expr) (string, bool)
	stateField = func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.SelectorExpr:
			_, ok := fields[e.Sel.Name]
			return e.Sel.Name, ok
		case *ast.IndexExpr:
			return stateField(e.X)
		case *ast.StarExpr:
			return stateField(e.X)
		case *ast.ParenExpr:
			return stateField(e.X)
		}
		return "", false
	}
	addressOf := func(e ast.Expr) (string, bool) {
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
			return stateField(u.X)
		}
		return "", false
	}
	for name, f := range files {
		if mayChangeState[name] {
			continue
		}
		report := func(n ast.Node, what string) {
			t.Errorf("%s: %s outside the mutators (%s): change the state through a mutator, which records the change", fset.Position(n.Pos()), what, mutatorsFile)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE {
					return true
				}
				for _, lhs := range n.Lhs {
					if field, ok := stateField(lhs); ok {
						report(n, "assigns "+fields[field]+"."+field)
					}
				}
			case *ast.IncDecStmt:
				if field, ok := stateField(n.X); ok {
					report(n, "changes "+fields[field]+"."+field)
				}
			case *ast.ReturnStmt:
				for _, e := range n.Results {
					if field, ok := addressOf(e); ok {
						report(n, "returns the address of "+fields[field]+"."+field)
					}
				}
			case *ast.CallExpr:
				for _, e := range n.Args {
					if field, ok := addressOf(e); ok {
						report(n, "passes on the address of "+fields[field]+"."+field)
					}
				}
				if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "delete" || id.Name == "clear") && len(n.Args) > 0 {
					if field, ok := stateField(n.Args[0]); ok {
						report(n, id.Name+"s from "+fields[field]+"."+field)
					}
				}
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && rawChanges[sel.Sel.Name] {
					report(n, "calls "+sel.Sel.Name+", which changes the state unrecorded,")
				}
				if method, ok := isHook(n); ok && journal[method] {
					report(n, "calls the journal directly")
				}
			}
			return true
		})
	}
}
