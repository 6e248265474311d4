package readme_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// specOps are the operations of the spec the fake serves (ivsapi.Operations,
// generated from it): today's API, every operation of AWS's newest model in
// the repository.
func specOps(t *testing.T) map[string]bool {
	t.Helper()
	ops := map[string]bool{}
	for _, op := range ivsapi.Operations {
		if !operationName.MatchString(op) {
			t.Fatalf("the spec has %q, which is not an operation name", op)
		}
		ops[op] = true
	}
	return ops
}

// operationName is how AWS names an operation: words run together, each
// capitalised, at least two of them (CreateStage, TagResource). A heading
// word such as "Tags" or "Every" is not one.
var operationName = regexp.MustCompile(`^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$`)

var (
	headingWord = regexp.MustCompile(`\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\b`)
	caseName    = regexp.MustCompile("`([^`/]+)/[^`]*`")
)

// docs/contract.md has a section per operation of the spec that the fake
// implements, a "## " heading naming it (one heading may name several), and
// names no other operation in a heading or as the first part of a case
// name in its rule tables. So giving an operation behaviour, or an import
// that drops one, fails here until the contract says what it does.
func TestContractDocCoversTheOperations(t *testing.T) {
	ops := specOps(t)
	data, err := os.ReadFile("../../docs/contract.md")
	if err != nil {
		t.Fatal(err)
	}
	sectioned := map[string]bool{}
	for i, line := range strings.Split(string(data), "\n") {
		if heading, ok := strings.CutPrefix(line, "## "); ok {
			for _, op := range headingWord.FindAllString(heading, -1) {
				if !ops[op] {
					t.Errorf("docs/contract.md:%d: the heading names %s, which is not in the spec", i+1, op)
				}
				sectioned[op] = true
			}
			continue
		}
		cells := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| ") || len(cells) != 4 {
			continue // not a row of a rule table: | rule | source | evidence | cases |
		}
		for _, m := range caseName.FindAllStringSubmatch(cells[3], -1) {
			if op := m[1]; op != "*" && !ops[op] {
				t.Errorf("docs/contract.md:%d: a case of %s, which is not in the spec", i+1, op)
			}
		}
	}
	var missing []string
	for op := range ops {
		if !sectioned[op] {
			missing = append(missing, op)
		}
	}
	slices.Sort(missing)
	for _, op := range missing {
		// An operation the fake does not implement yet has no behaviour,
		// and so no rules of its own to write down.
		if ivsfake.NotImplemented(ivsfake.NewMemory(ivsfake.Options{}), op) {
			continue
		}
		t.Errorf("docs/contract.md has no section (a \"## \" heading naming it) for %s, which the fake implements", op)
	}
}
