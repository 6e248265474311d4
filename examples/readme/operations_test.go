package readme_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ivsrt/contract/fakes/ivsfake"
)

// specOps reads SPEC_OPS from the Makefile: the one list of the operations
// the spec imports and the fake implements.
func specOps(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^SPEC_OPS\s*:?=\s*(\S+)\s*$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("the Makefile has no line SPEC_OPS := Op1,Op2,...")
	}
	ops := map[string]bool{}
	for _, op := range strings.Split(string(m[1]), ",") {
		if !operationName.MatchString(op) {
			t.Fatalf("SPEC_OPS holds %q, which is not an operation name", op)
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

// docs/contract.md has a section per operation of SPEC_OPS that the fake
// implements, a "## " heading naming it (one heading may name several), and
// names no other operation in a heading or as the first part of a case
// name in its rule tables. So giving an operation behaviour, or taking one
// out of SPEC_OPS, fails here until the contract says what it does.
func TestContractDocCoversSPEC_OPS(t *testing.T) {
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
					t.Errorf("docs/contract.md:%d: the heading names %s, which is not in SPEC_OPS", i+1, op)
				}
				sectioned[op] = true
			}
			continue
		}
		cells := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| ") || len(cells) != 3 {
			continue // not a row of a rule table: | rule | source | cases |
		}
		for _, m := range caseName.FindAllStringSubmatch(cells[2], -1) {
			if op := m[1]; op != "*" && !ops[op] {
				t.Errorf("docs/contract.md:%d: a case of %s, which is not in SPEC_OPS", i+1, op)
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
		// An operation just added to SPEC_OPS has no behaviour yet, and
		// so no rules to write down.
		if ivsfake.NotImplemented(ivsfake.NewMemory(ivsfake.Options{}), op) {
			continue
		}
		t.Errorf("docs/contract.md has no section (a \"## \" heading naming it) for %s of SPEC_OPS", op)
	}
}
