package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// On a terminal the counter line goes to stderr, \r-updated, and is
// blanked before the results; stdout stays clean.
func TestProgressOnATerminal(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, conformTo([]string{"-run", "^GetStage/"}, &out, &errOut, true), out.String())
	assert.NotContains(t, out.String(), "\r")
	e := errOut.String()
	require.True(t, strings.HasPrefix(e, "\r"), "%q", e)
	assert.True(t, strings.HasSuffix(e, "\r"), "the line is blanked at the end: %q", e)
	lines := strings.Split(strings.Trim(e, "\r"), "\r")
	final := strings.TrimSpace(lines[len(lines)-2])
	assert.Regexp(t, regexp.MustCompile(`^(\d+)/(\d+) cases, 0 failed, 0 skipped$`), final)
	m := regexp.MustCompile(`^(\d+)/(\d+) `).FindStringSubmatch(final)
	assert.Equal(t, m[1], m[2], "the last count is the total: %q", final)
	assert.Empty(t, strings.TrimSpace(lines[len(lines)-1]))
}

// A file or a pipe is not a terminal; an io.Writer that is no file is not either.
func TestIsTerminal(t *testing.T) {
	assert.False(t, isTerminal(&bytes.Buffer{}))
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f))
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.False(t, isTerminal(w))
}
