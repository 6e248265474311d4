package spec

import "testing"

func TestEmbeddedLoads(t *testing.T) {
	d, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if got := d.OpenAPI.Info.Version; got != "2024-06-20" {
		t.Fatalf("info.version = %q", got)
	}
}
