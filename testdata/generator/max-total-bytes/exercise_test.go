// Exercise of the generated code: TestGeneratedCodeCompilesAndRuns in
// generator/ copies this file next to the code generated from spec.yaml.

package api

import (
	"strings"
	"testing"
)

func TestMaxTotalBytes(t *testing.T) {
	// 16 bytes: "ab" + "é" (2 bytes) x 7 = 2 + 14.
	if err := (&PutThingRequest{Labels: map[string]string{"ab": strings.Repeat("é", 7)}}).Validate(); err != nil {
		t.Fatal(err)
	}
	err := (&PutThingRequest{Labels: map[string]string{"ab": strings.Repeat("é", 7) + "x"}}).Validate()
	if err == nil || !strings.Contains(err.Error(), "at 'labels' failed to satisfy constraint: Member must have total size (keys and values, UTF-8 bytes) less than or equal to 16") {
		t.Fatalf("17 bytes: %v", err)
	}
	err = (&PutThingRequest{Notes: map[string]string{"k": "abcde"}}).Validate()
	if err == nil || !strings.Contains(err.Error(), "at 'notes.k' failed to satisfy constraint: Member must have length less than or equal to 4") {
		t.Fatalf("long note: %v", err)
	}
}
