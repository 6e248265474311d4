package suite

import (
	"context"
	"strings"
)

// This file is the end of a run: the cleanups that whoever made resources
// registered (AddCleanup) run in turn.

// CleanupReport is what the cleanups of a run did, a line each.
type CleanupReport struct {
	Lines []string
}

// String is the report's lines, one under the other.
func (c CleanupReport) String() string { return strings.Join(c.Lines, "\n") }

// Cleanup runs the cleanups registered with AddCleanup, in the order
// registered, and reports what they did.
func (r *Runner) Cleanup(ctx context.Context) CleanupReport {
	var rep CleanupReport
	for _, fn := range r.cleanups {
		if line := fn(ctx); line != "" {
			rep.Lines = append(rep.Lines, line)
		}
	}
	return rep
}
