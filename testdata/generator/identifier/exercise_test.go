// Exercise of the generated code: TestGeneratedCodeCompilesAndRuns in
// generator/ copies this file next to the code generated from spec.yaml.

package api

import "testing"

func TestIdentifiers(t *testing.T) {
	arn := NewThingArn("aws", "eu-west-1")
	if err := (&GetThingRequest{Arn: &arn}).Validate(); err != nil {
		t.Fatalf("%s: %v", arn, err)
	}
	if partition, region, ok := ParseThingArn(arn); !ok || partition != "aws" || region != "eu-west-1" {
		t.Fatalf("ParseThingArn(%s) = %q, %q, %v", arn, partition, region, ok)
	}
	if _, _, ok := ParseThingArn("t-12345678"); ok {
		t.Fatal("a ThingId parsed as a ThingArn")
	}
	id := NewThingId()
	if len(id) != 10 || !patternThingId.MatchString(id) {
		t.Fatalf("NewThingId() = %q", id)
	}
	if NewThingId() == id {
		t.Fatal("two ids alike")
	}
}
