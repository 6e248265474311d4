// Exercise of the generated code: TestGeneratedCodeCompilesAndRuns in
// generator/ copies this file next to the code generated from spec.yaml.

package api

import "testing"

func TestKeyLength(t *testing.T) {
	ok := &TagThingRequest{Tags: map[string]string{"k": "v", "12345678": "0123456789"}, ShortKeys: map[string]string{"ab": ""}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := &TagThingRequest{
		Tags:      map[string]string{"": "x", "123456789": "y", "z": "01234567890", "y": "01234567890"},
		ShortKeys: map[string]string{"abc": ""},
	}
	want := "ValidationException: 6 validation errors detected: " +
		"Value '{=x, 123456789=y, y=01234567890, z=01234567890}' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 3; " +
		"Value '' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length greater than or equal to 1]; " +
		"Value '123456789' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 8]; " +
		"Value '01234567890' at 'tags.y' failed to satisfy constraint: Member must have length less than or equal to 10; " +
		"Value '01234567890' at 'tags.z' failed to satisfy constraint: Member must have length less than or equal to 10; " +
		"Value 'abc' at 'shortKeys' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 2]"
	for range 20 { // map order must not leak into the message
		if err := bad.Validate(); err == nil || err.Error() != want {
			t.Fatalf("got\n%v\nwant\n%s", err, want)
		}
	}
	if err := (&TagThingRequest{}).Validate(); err == nil {
		t.Fatal("tags is required")
	}
}
