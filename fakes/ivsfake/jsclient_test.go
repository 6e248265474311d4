package ivsfake_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ivsrt/contract/fakes/ivsfake"
)

// TestJavaScriptSDK drives the fake with a second real client, the AWS SDK
// for JavaScript v3 (testdata/jsclient). It runs where that package is
// installed (npm install --prefix testdata/jsclient; CI does) and node is
// on the PATH, and is skipped elsewhere.
func TestJavaScriptSDK(t *testing.T) {
	heavyTest(t, "drives the fake with the AWS SDK for JavaScript, an npm package")
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "jsclient"))
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on the PATH")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "client-ivs-realtime")); err != nil {
		t.Skip("the JavaScript SDK is not installed: npm install --prefix testdata/jsclient")
	}
	f := ivsfake.Start(t)
	cmd := exec.Command(node, "check.mjs", f.URL)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NODE_NO_WARNINGS=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the JavaScript SDK found the fake wanting: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
