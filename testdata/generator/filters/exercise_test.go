// Exercise of the generated code: TestGeneratedCodeCompilesAndRuns in
// generator/ copies this file next to the code generated from spec.yaml.

package api

import (
	"strings"
	"testing"
)

func TestMatchAndFilterKey(t *testing.T) {
	name, other := "a", "b"
	yes := true
	green := ColorDarkGreen
	size32, size64 := int32(7), int64(7)
	thing := &Thing{Name: &name, Active: &yes, Color: &green, Size: &size64}

	cases := []struct {
		req  ListThingsRequest
		want bool
		key  string
	}{
		{ListThingsRequest{}, true, ""},
		{ListThingsRequest{FilterByName: &name}, true, "filterByName=a"},
		{ListThingsRequest{FilterByName: &other}, false, "filterByName=b"},
		{ListThingsRequest{FilterByActive: &yes}, true, "filterByActive=true"},
		{ListThingsRequest{FilterByColor: &green}, true, "filterByColor=DARK_GREEN"},
		// An int32 filter matches an int64 member of equal value.
		{ListThingsRequest{FilterBySize: &size32}, true, "filterBySize=7"},
	}
	for _, c := range cases {
		if got := c.req.Match(thing); got != c.want {
			t.Errorf("%s: Match = %v", c.key, got)
		}
		if got := c.req.FilterKey(); got != c.key {
			t.Errorf("FilterKey = %q, want %q", got, c.key)
		}
	}
	// An absent member equals the zero value of its type.
	no := false
	if !(&ListThingsRequest{FilterByActive: &no}).Match(&Thing{}) {
		t.Error("filterByActive=false should match a thing without active")
	}

	err := (&ListThingsRequest{FilterByName: &name, FilterBySize: &size32}).Validate()
	if err == nil || !strings.Contains(err.Error(), "Only one of [filterByName, filterByActive, filterByColor, filterBySize]") {
		t.Fatalf("two filters: %v", err)
	}
}
