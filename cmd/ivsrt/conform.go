package main

import (
	"io"

	"github.com/ivsrt/contract/conformance"
)

// conform runs the conformance suite: ivsrt conform [-endpoint URL] [-region R]
// [-run REGEX] [-junit FILE] [-json FILE] [-storage-configuration ARN].
func conform(args []string, stdout, stderr io.Writer) int {
	return conformance.Main(args, stdout, stderr)
}
