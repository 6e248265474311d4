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
	// ItemKeys lists the key of every one-filter request the thing passes.
	keys := ListThingsRequestItemKeys(thing)
	want := []string{"filterByName=a", "filterByActive=true", "filterByColor=DARK_GREEN", "filterBySize=7"}
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Errorf("ItemKeys = %q, want %q", keys, want)
	}
	for _, c := range cases {
		in := false
		for _, k := range keys {
			in = in || k == c.key
		}
		if c.key != "" && in != c.want {
			t.Errorf("%s: in ItemKeys %v, Match %v", c.key, in, c.want)
		}
	}
	// An absent member equals the zero value of its type.
	no := false
	if !(&ListThingsRequest{FilterByActive: &no}).Match(&Thing{}) {
		t.Error("filterByActive=false should match a thing without active")
	}
	if got := ListThingsRequestItemKeys(&Thing{}); got[1] != "filterByActive=false" || got[3] != "filterBySize=0" {
		t.Errorf("ItemKeys of an empty thing = %q", got)
	}

	err := (&ListThingsRequest{FilterByName: &name, FilterBySize: &size32}).Validate()
	if err == nil || !strings.Contains(err.Error(), "Only one of [filterByName, filterByActive, filterByColor, filterBySize]") {
		t.Fatalf("two filters: %v", err)
	}
}
