package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const smallModel = "../../spec/importer/testdata/small/api-2.json"

func TestImportUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"import"}, "-model is required"},
		{[]string{"import", "-model", smallModel, "extra"}, `unexpected argument "extra"`},
		{[]string{"import", "-nope"}, "unknown flag -nope"},
		{[]string{"import", "-model", smallModel, "-version", "20-06-2024"}, `-version "20-06-2024": use a date`},
		{[]string{"import", "-model", smallModel, "-ops", "PutWidget,,ListTags"}, "has an empty name"},
		{[]string{"import", "-model", smallModel}, "carries no date: give -version"},
	} {
		var out, errb bytes.Buffer
		require.Equal(t, 2, run(tc.args, &out, &errb), "ivsrt %v", tc.args)
		require.Contains(t, errb.String(), tc.says, "ivsrt %v", tc.args)
		require.Empty(t, out.String())
	}
}

func TestImportWritesTheSpec(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"import", "-model", smallModel, "-version", "2021-02-03", "-ops", "ListTags"}, &out, &errb), errb.String())
	require.Contains(t, out.String(), "operationId: ListTags\n")
	require.NotContains(t, out.String(), "PutWidget")

	file := filepath.Join(t.TempDir(), "spec.yaml")
	out.Reset()
	require.Equal(t, 0, run([]string{"import", "-model", smallModel, "-version", "2021-02-03", "-o", file}, &out, &errb), errb.String())
	require.Empty(t, out.String(), "-o writes the file, not stdout")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), "openapi: 3.0.3\n"))

	errb.Reset()
	require.Equal(t, 1, run([]string{"import", "-model", smallModel, "-version", "2021-02-03", "-ops", "Nope"}, &out, &errb))
	require.Contains(t, errb.String(), `unknown operation "Nope"`)
}

// -save-model keeps the model without its prose, and the kept file imports
// to the same spec; -overlay may be given more than once, applied in order.
func TestImportSavesTheModelAndTakesOverlays(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first.yaml")
	second := filepath.Join(dir, "second.yaml")
	require.NoError(t, os.WriteFile(first, []byte("overlay: 1.0.0\ninfo: {title: first, version: 1.0.0}\nactions:\n  - target: $.info\n    update: {description: first}\n"), 0o644))
	require.NoError(t, os.WriteFile(second, []byte("overlay: 1.0.0\ninfo: {title: second, version: 1.0.0}\nactions:\n  - target: $.info\n    update: {description: second}\n"), 0o644))

	var out, errb bytes.Buffer
	kept := filepath.Join(dir, "kept")
	require.Equal(t, 0, run([]string{"import", "-model", smallModel, "-version", "2021-02-03",
		"-overlay", first, "-overlay", second, "-save-model", kept}, &out, &errb), errb.String())
	require.Contains(t, out.String(), "description: second", "the later overlay applies last")
	for _, name := range []string{"service-2.json", "paginators-1.json"} {
		data, err := os.ReadFile(filepath.Join(kept, name))
		require.NoError(t, err)
		require.NotContains(t, string(data), "documentation", name)
	}
	var again bytes.Buffer
	require.Equal(t, 0, run([]string{"import", "-model", filepath.Join(kept, "service-2.json"), "-version", "2021-02-03",
		"-overlay", first, "-overlay", second}, &again, &errb), errb.String())
	require.Equal(t, out.String(), again.String(), "the kept model imports to the same spec")
}
