package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBoto3 drives `ivsrt serve` with a third real client, boto3
// (testdata/boto3/check.py): every member AWS added to stages,
// participants and events after 2024-06-20, round-tripped with values
// asserted, and the public-key operations with a token the script signs.
// It runs where python3 ($IVSRT_PYTHON, else the PATH's) can import boto3
// and cryptography, and is skipped elsewhere, saying why.
func TestBoto3(t *testing.T) {
	heavyTest(t, "drives ivsrt serve with boto3, a Python client")
	python := os.Getenv("IVSRT_PYTHON")
	if python == "" {
		var err error
		if python, err = exec.LookPath("python3"); err != nil {
			t.Skip("python3 is not on the PATH (or set IVSRT_PYTHON)")
		}
	}
	if out, err := exec.Command(python, "-c", "import boto3, cryptography").CombinedOutput(); err != nil {
		t.Skipf("%s cannot import boto3 and cryptography (pip install boto3 cryptography): %v\n%s", python, err, out)
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "testdata", "boto3", "check.py"))
	require.NoError(t, err)
	_, url := startServe(t, buildIvsrt(t), os.Stderr)
	cmd := exec.Command(python, script, url)
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "boto3 found the fake wanting:\n%s", out)
	require.Equal(t, "ok\n", string(out))
}
