package suite

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValueCheckAndFit(t *testing.T) {
	tags := Value{Kind: "map", MaxEntries: new(2), MaxKeyLength: new(3), Elem: &Value{Kind: "string", MaxLength: new(5), Pattern: "^[a-z-]*$"}}
	require.NoError(t, tags.Check(map[string]string{"abc": "run-x"}))
	require.Error(t, tags.Check(map[string]string{"abcd": "x"}), "key too long")
	require.Error(t, tags.Check(map[string]string{"a": "x", "b": "y", "c": "z"}), "too many entries")
	require.Error(t, tags.Check(map[string]string{"a": "toolong"}), "value too long")
	require.Equal(t, "run-a", tags.Elem.Fit("run-abc"), "cut to maxLength")
	require.Equal(t, "round", tags.Elem.Fit("round-trip"))

	dur := Value{Kind: "integer", Min: new(int64(1)), Max: new(int64(1000)), Samples: []string{"1", "1000"}}
	require.NoError(t, dur.Check(1000))
	require.Error(t, dur.Check(1001))
	require.Equal(t, []any{float64(1), float64(1000)}, dur.Values())

	c := &Contract{Members: []Member{{Struct: "S", Name: "m", Value: Value{Kind: "string", Samples: []string{`"a"`, `"b"`}}}}}
	require.Equal(t, []string{"a", "b"}, c.Member("S", "m").Strings())
	require.Nil(t, c.Member("S", "other"))
}
