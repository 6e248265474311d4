// Exercise of the generated code: TestGeneratedCodeCompilesAndRuns in
// generator/ copies this file next to the code generated from spec.yaml.

package api

import "testing"

func TestPageDefaults(t *testing.T) {
	var in ListThingsRequest
	in.SetDefaults()
	if in.MaxResults == nil || *in.MaxResults != 10 {
		t.Fatalf("maxResults = %v, want 10", in.MaxResults)
	}
	var out ListThingsResponse
	out.SetDefaults()
	if out.Things == nil || len(out.Things) != 0 {
		t.Fatalf("things = %#v, want an empty list", out.Things)
	}
	big := int32(26)
	if err := (&ListThingsRequest{MaxResults: &big}).Validate(); err == nil {
		t.Fatal("maxResults 26 passed")
	}
}
