package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/ivsrt/contract/spec"
)

// version is `ivsrt version`: the tool's module version (from the build
// info: a tag under go install, "(devel)" in a checkout) and the API
// version of the spec built into it.
func version(args []string, stdout, stderr io.Writer) int {
	cmd := newCommand("version", "", "", stdout, stderr)
	if code, ok := cmd.parse(args); !ok {
		return code
	}
	if code := cmd.noArgs(); code != exitOK {
		return code
	}
	doc, err := spec.Embedded()
	if err != nil {
		return cmd.fail("%v", err)
	}
	fmt.Fprintf(stdout, "ivsrt %s, API version %s (spec %s)\n", toolVersion(debug.ReadBuildInfo()), doc.OpenAPI.Info.Version, spec.File)
	return 0
}

// toolVersion is the main module's version, "(devel)" when the build
// does not know it.
func toolVersion(info *debug.BuildInfo, ok bool) string {
	if !ok || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}
