package wire

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeJSON methods written as the generator writes them.

func (s *tokenConfig) decodeJSON(d *JSONDecoder) error {
	return d.Object(func(key string) error {
		switch key {
		case "duration":
			if d.Null() {
				s.Duration = nil
				return nil
			}
			v, err := d.Int32()
			if err != nil {
				return err
			}
			s.Duration = &v
		case "userId":
			if d.Null() {
				s.UserID = nil
				return nil
			}
			v, err := d.String()
			if err != nil {
				return err
			}
			s.UserID = &v
		case "attributes":
			if d.Null() {
				s.Attributes = nil
				return nil
			}
			v, err := decodeStringMap(d)
			if err != nil {
				return err
			}
			s.Attributes = v
		case "capabilities":
			if d.Null() {
				s.Capabilities = nil
				return nil
			}
			v := []string{}
			if err := d.Array(func(int) error {
				if d.Null() {
					v = append(v, "")
					return nil
				}
				v1, err := d.String()
				if err != nil {
					return err
				}
				v = append(v, v1)
				return nil
			}); err != nil {
				return err
			}
			s.Capabilities = v
		default:
			return d.Skip()
		}
		return nil
	})
}

func decodeStringMap(d *JSONDecoder) (map[string]string, error) {
	v := map[string]string{}
	err := d.Map(func(k string) error {
		if d.Null() {
			v[k] = ""
			return nil
		}
		v1, err := d.String()
		if err != nil {
			return err
		}
		v[k] = v1
		return nil
	})
	return v, err
}

func (s *createStage) decodeJSON(d *JSONDecoder) error {
	return d.Object(func(key string) error {
		switch key {
		case "name":
			if d.Null() {
				s.Name = nil
				return nil
			}
			v, err := d.String()
			if err != nil {
				return err
			}
			s.Name = &v
		case "participantTokenConfigurations":
			if d.Null() {
				s.Configs = nil
				return nil
			}
			v := []tokenConfig{}
			if err := d.Array(func(int) error {
				var v1 tokenConfig
				if !d.Null() {
					if err := v1.decodeJSON(d); err != nil {
						return err
					}
				}
				v = append(v, v1)
				return nil
			}); err != nil {
				return err
			}
			s.Configs = v
		case "tags":
			if d.Null() {
				s.Tags = nil
				return nil
			}
			v, err := decodeStringMap(d)
			if err != nil {
				return err
			}
			s.Tags = v
		case "maxResults":
			if d.Null() {
				s.Max = nil
				return nil
			}
			v, err := d.Int32()
			if err != nil {
				return err
			}
			s.Max = &v
		case "filterByPublished":
			if d.Null() {
				s.Flag = nil
				return nil
			}
			v, err := d.Bool()
			if err != nil {
				return err
			}
			s.Flag = &v
		default:
			return d.Skip()
		}
		return nil
	})
}

func TestDecodeBodyKeepsDecodeContract(t *testing.T) {
	for _, tt := range decodeCases() {
		t.Run(tt.name, func(t *testing.T) {
			var got createStage
			err := DecodeBody([]byte(tt.body), got.decodeJSON)
			assert.Equal(t, tt.err, err)
			if tt.err == nil {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

func TestDecodeBodyMatchesNamesExactly(t *testing.T) {
	var got createStage
	require.Nil(t, DecodeBody([]byte(`{"NAME":"x","Name":"y","maxresults":"not checked"}`), got.decodeJSON))
	assert.Equal(t, createStage{}, got, "a member in another case is unknown and ignored")

	got = createStage{}
	require.Nil(t, DecodeBody([]byte(`{"name":"x"}`), got.decodeJSON))
	require.NotNil(t, got.Name)
	assert.Equal(t, "x", *got.Name)

	// An escaped name is the same name.
	got = createStage{}
	require.Nil(t, DecodeBody([]byte(`{"n\u0061me":"y"}`), got.decodeJSON))
	require.NotNil(t, got.Name)
	assert.Equal(t, "y", *got.Name)
}

func TestDecodeBodyDuplicateMembersLastWins(t *testing.T) {
	var got createStage
	require.Nil(t, DecodeBody([]byte(`{"name":"a","tags":{"a":"1"},"name":"b","tags":{"b":"2"},"maxResults":1,"maxResults":null}`), got.decodeJSON))
	require.NotNil(t, got.Name)
	assert.Equal(t, "b", *got.Name)
	assert.Equal(t, map[string]string{"b": "2"}, got.Tags, "a repeated map replaces, it does not merge")
	assert.Nil(t, got.Max)
}

func TestDecodeBodyCollections(t *testing.T) {
	var got createStage
	require.Nil(t, DecodeBody([]byte(`{"participantTokenConfigurations":[],"tags":{}}`), got.decodeJSON))
	assert.Equal(t, []tokenConfig{}, got.Configs)
	assert.Equal(t, map[string]string{}, got.Tags)

	got = createStage{}
	require.Nil(t, DecodeBody([]byte(`{"participantTokenConfigurations":[null,{"capabilities":[null,"A"]}],"tags":{"k":null}}`), got.decodeJSON))
	assert.Equal(t, []tokenConfig{{}, {Capabilities: []string{"", "A"}}}, got.Configs)
	assert.Equal(t, map[string]string{"k": ""}, got.Tags)
}

func TestJSONDecoderStrings(t *testing.T) {
	for _, lit := range []string{
		`""`, `"plain"`, `"caf\u00e9"`, `"café"`, `"\"\\\/\b\f\n\r\t"`,
		`"\ud83d\ude00"`, `"😀"`, "\"\x7f\"", `"\u0000"`, `"\uABCD\uabcd"`, `"\ufffd"`, "\"\xef\xbf\xbd\"",
	} {
		var want string
		require.NoError(t, json.Unmarshal([]byte(lit), &want), lit)
		d := JSONDecoder{data: []byte(lit)}
		got, err := d.String()
		require.NoError(t, err, lit)
		assert.Equal(t, want, got, lit)
		assert.Equal(t, len(lit), d.pos, lit)

		d = JSONDecoder{data: []byte(lit)}
		require.NoError(t, d.Skip(), lit)
		assert.Equal(t, len(lit), d.pos, lit)
	}
	for _, lit := range []string{`"`, `"abc`, `"\x"`, `"\u12"`, `"\u12G4"`, "\"a\nb\"", "\"\x01\"", `"\`, "\"é"} {
		d := JSONDecoder{data: []byte(lit)}
		_, err := d.String()
		assert.Equal(t, errSyntax, err, lit)
		d = JSONDecoder{data: []byte(lit)}
		assert.Equal(t, errSyntax, d.Skip(), lit)
	}
}

// TestJSONDecoderRefusesInvalidText: strings that are not valid Unicode
// text are refused, in values, in keys and in skipped members, where
// encoding/json would store U+FFFD; the message names the member.
func TestJSONDecoderRefusesInvalidText(t *testing.T) {
	for _, lit := range []string{
		`"\ud83d"`, `"\ude00"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\ud83d\ud83d\ude00"`,
		"\"\xff\xfe\"", "\"a\xc3\"", "\"\xed\xa0\x80\"", "\"\xc0\xaf\"", "\"\xf4\x90\x80\x80\"",
	} {
		d := JSONDecoder{data: []byte(lit)}
		_, err := d.String()
		require.Error(t, err, lit)
		assert.NotEqual(t, errSyntax, err, lit)
		assert.Regexp(t, `^SerializationException: Value is not valid (UTF-8|Unicode): `, err.Error(), lit)
		d = JSONDecoder{data: []byte(lit)}
		assert.Equal(t, err, d.Skip(), lit)
	}
	for body, want := range map[string]string{
		"{\"name\":\"a\xffb\"}":        "Value at 'name' is not valid UTF-8: byte 0xFF at byte 11",
		`{"name":"\udc00"}`:            `Value at 'name' is not valid Unicode: \udc00 at byte 10 is an unpaired surrogate`,
		"{\"tags\":{\"k\":\"\xfe\"}}":  "Value at 'tags' is not valid UTF-8: byte 0xFE at byte 15",
		"{\"tags\":{\"k\xfe\":\"v\"}}": "Key in 'tags' is not valid UTF-8: byte 0xFE at byte 12",
		"{\"\xfe\":1}":                 "Member name is not valid UTF-8: byte 0xFE at byte 3",
		"{\"participantTokenConfigurations\":[{\"userId\":\"\xc3\"}]}": "Value at 'participantTokenConfigurations.userId' is not valid UTF-8: byte 0xC3 at byte 47",
		"{\"unknown\":{\"x\":[\"\xff\"]}}":                             "Value at 'unknown' is not valid UTF-8: byte 0xFF at byte 19",
	} {
		var got createStage
		err := DecodeBody([]byte(body), got.decodeJSON)
		require.NotNil(t, err, body)
		assert.Equal(t, SerializationError("%s", want), err, body)
		// wire.Decode, over encoding/json, refuses with the same message.
		var v struct {
			Name    string `json:"name"`
			Tags    map[string]string
			Configs []struct {
				UserID string `json:"userId"`
			} `json:"participantTokenConfigurations"`
		}
		assert.Equal(t, SerializationError("%s", want), Decode([]byte(body), &v), body)
	}
	// Invalid JSON wins, as it does over a type error.
	var got createStage
	err := DecodeBody([]byte("{\"name\":\"\xff\",}"), got.decodeJSON)
	require.NotNil(t, err)
	assert.Contains(t, err.Message, "not valid JSON")
}

func TestJSONDecoderIntegers(t *testing.T) {
	i32 := func(lit string) (int32, error) { d := JSONDecoder{data: []byte(lit)}; return d.Int32() }
	i64 := func(lit string) (int64, error) { d := JSONDecoder{data: []byte(lit)}; return d.Int64() }
	for lit, want := range map[string]int32{"0": 0, "-0": 0, "7": 7, "-12": -12, "2147483647": math.MaxInt32, "-2147483648": math.MinInt32} {
		got, err := i32(lit)
		require.NoError(t, err, lit)
		assert.Equal(t, want, got, lit)
	}
	for lit, want := range map[string]int64{"9223372036854775807": math.MaxInt64, "-9223372036854775808": math.MinInt64, "123456789012345678": 123456789012345678} {
		got, err := i64(lit)
		require.NoError(t, err, lit)
		assert.Equal(t, want, got, lit)
	}
	for _, lit := range []string{"1.0", "1e2", "1E+2", "2147483648", "-2147483649", "0.5"} {
		_, err := i32(lit)
		assert.Equal(t, ser("Value of type number ("+lit+") cannot be read as integer"), err, lit)
	}
	_, err := i64("9223372036854775808")
	assert.Equal(t, ser("Value of type number (9223372036854775808) cannot be read as integer"), err)
	for _, lit := range []string{"-", "01", "1.", ".5", "1e", "1e+", "+1"} {
		d := JSONDecoder{data: []byte(lit)}
		_, err := d.Int64()
		if err == nil {
			// "01" reads as 0; the 1 after it is trailing data the caller rejects.
			assert.NotEqual(t, len(lit), d.pos, lit)
			continue
		}
		assert.True(t, err == errSyntax || strings.Contains(err.Error(), "cannot be read"), lit)
	}
	_, err = i32(`"5"`)
	assert.Equal(t, ser("Value of type string cannot be read as integer"), err)
}

func TestJSONDecoderOther(t *testing.T) {
	d := JSONDecoder{data: []byte(` true , false nul null`)}
	b, err := d.Bool()
	require.NoError(t, err)
	assert.True(t, b)
	assert.False(t, d.Null())
	d.pos++ // the comma
	b, err = d.Bool()
	require.NoError(t, err)
	assert.False(t, b)
	assert.False(t, d.Null(), "nul is not null")
	assert.Equal(t, errSyntax, d.Skip())
	d.pos += 4
	assert.True(t, d.Null())

	d = JSONDecoder{data: []byte(`1`)}
	_, err = d.Bool()
	assert.Equal(t, ser("Value of type number cannot be read as boolean"), err)

	d = JSONDecoder{data: []byte(`"2024-06-20T10:00:00Z"`)}
	tm, err := d.Time()
	require.NoError(t, err)
	assert.True(t, tm.Equal(time.Date(2024, 6, 20, 10, 0, 0, 0, time.UTC)))
	d = JSONDecoder{data: []byte(`"yesterday"`)}
	_, err = d.Time()
	assert.Error(t, err)

	var idx []int
	d = JSONDecoder{data: []byte(`[ 1 , 2 ,3 ]`)}
	require.NoError(t, d.Array(func(i int) error { idx = append(idx, i); return d.Skip() }))
	assert.Equal(t, []int{0, 1, 2}, idx)
}

func TestDecodeBodyUnknownMembersMustBeValid(t *testing.T) {
	var got createStage
	require.Nil(t, DecodeBody([]byte(`{"x":{"a":[1,-2.5e3,true,false,null,"s",{}],"b":{}},"name":"n"}`), got.decodeJSON))
	for _, body := range []string{`{"x":[1,]}`, `{"x":{"a"}}`, `{"x":tru}`, `{"x":01}`, `{"x":"\q"}`, `{"x":{1:2}}`, `{"x":[}`, `{,}`, `{"a":1,}`} {
		err := DecodeBody([]byte(body), got.decodeJSON)
		require.NotNil(t, err, body)
		assert.Contains(t, err.Message, "Request body is not valid JSON", body)
		var want any
		assert.Error(t, json.Unmarshal([]byte(body), &want), body)
	}
}

func TestDecodeBodySyntaxErrorWinsOverTypeError(t *testing.T) {
	var got createStage
	err := DecodeBody([]byte(`{"name":5,"x":tru}`), got.decodeJSON)
	require.NotNil(t, err)
	assert.Contains(t, err.Message, "Request body is not valid JSON")
	assert.Equal(t, Decode([]byte(`{"name":5,"x":tru}`), &createStage{}), err)
}

func TestDecodeBodyDepth(t *testing.T) {
	var got createStage
	ok := `{"x":` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `}`
	assert.Nil(t, DecodeBody([]byte(ok), got.decodeJSON))
	var v any
	require.NoError(t, json.Unmarshal([]byte(ok), &v))

	tooDeep := `{"x":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + `}`
	err := DecodeBody([]byte(tooDeep), got.decodeJSON)
	require.NotNil(t, err)
	assert.Equal(t, "SerializationException", err.Type)
	require.Error(t, json.Unmarshal([]byte(tooDeep), &v))

	huge := `{"x":` + strings.Repeat(`{"a":`, 1_000_000)
	err = DecodeBody([]byte(huge), got.decodeJSON)
	require.NotNil(t, err)
	assert.Equal(t, "SerializationException", err.Type)
}

func TestDecodeBodyForeignError(t *testing.T) {
	err := DecodeBody([]byte(`{}`), func(*JSONDecoder) error { return errors.New("boom") })
	assert.Equal(t, SerializationError("Request body could not be read as JSON"), err)
}

func BenchmarkDecodeBody(b *testing.B) {
	body := []byte(`{"name":"stage-1","tags":{"a":"1","b":"2"},"participantTokenConfigurations":[{"duration":720,"userId":"u1","capabilities":["PUBLISH","SUBSCRIBE"],"attributes":{"k":"v"}}],"maxResults":50,"filterByPublished":true}`)
	b.Run("DecodeBody", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v createStage
			if err := DecodeBody(body, v.decodeJSON); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v createStage
			if err := Decode(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestDecodeMatchesNamesExactly: Decode, over encoding/json, ignores a
// member that matches a field only in another case, as AWS does, at any
// depth and through embedded structs; map keys are left alone.
func TestDecodeMatchesNamesExactly(t *testing.T) {
	type inner struct {
		Name string            `json:"name"`
		Tags map[string]string `json:"tags"`
	}
	var v struct {
		inner
		Count  int     `json:"count"`
		Items  []inner `json:"items"`
		Plain  string
		Hidden string `json:"-"`
	}
	body := `{"NAME":"no","tags":{"Key":"kept","KEY":"kept too"},"Count":1,"count":2,"items":[{"Name":"no","name":"yes"}],"plain":"no","Plain":"yes","hidden":"no"}`
	require.Nil(t, Decode([]byte(body), &v))
	assert.Equal(t, "", v.Name)
	assert.Equal(t, map[string]string{"Key": "kept", "KEY": "kept too"}, v.Tags)
	assert.Equal(t, 2, v.Count)
	assert.Equal(t, []inner{{Name: "yes"}}, v.Items)
	assert.Equal(t, "yes", v.Plain)
	assert.Equal(t, "", v.Hidden)

	// A syntax error's offset is the client's body's, not the rewritten one's.
	err := Decode([]byte(`{"NAME":"x","COUNT":1} x`), &v)
	require.NotNil(t, err)
	assert.Equal(t, "Request body is not valid JSON: unexpected data after the top-level value at byte 24", err.Message)
}
