package wire

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// FuzzAppendJSONString: any string, valid UTF-8 or not, comes out as
// json.Marshal writes it.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \back\`, "<a href='x'>&amp;</a>", "\x00\x01\b\f\n\r\t\x1f\x7f",
		"\u2028\u2029\u2027", "é日本😀\ufffd", "\xff\xc3\xe2\x80\xed\xa0\x80\xf0\x9f\x98", "x\xc3(y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendJSONString([]byte("p"), s); string(got) != "p"+string(want) {
			t.Fatalf("%q:\njson.Marshal:     %s\nAppendJSONString: %s", s, want, got[1:])
		}
	})
}

// TestAppendJSONStringEveryRune covers each rune up to U+FFFF (and each
// byte alone, most of them invalid UTF-8) against json.Marshal.
func TestAppendJSONStringEveryRune(t *testing.T) {
	check := func(s string) {
		want, _ := json.Marshal(s)
		if got := AppendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: json.Marshal %s, AppendJSONString %s", s, want, got)
		}
	}
	for c := range 256 {
		check(string([]byte{byte(c)}))
	}
	for r := rune(0); r <= 0xFFFF; r++ {
		if utf8.ValidRune(r) {
			check("a" + string(r) + "b")
		}
	}
}

// TestAppendJSONFloatIsMarshal: floats of 32 and 64 bits, across every
// exponent and the values encoding/json refuses, as json.Marshal writes
// them.
func TestAppendJSONFloatIsMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	values := []float64{0, math.Copysign(0, -1), 1, -1, 1e20, 1e21, 1e-6, 1e-7, 9.999999e-7, 123456789e-15,
		math.MaxFloat64, math.SmallestNonzeroFloat64, math.MaxFloat32, math.SmallestNonzeroFloat32,
		math.NaN(), math.Inf(1), math.Inf(-1)}
	for range 20000 {
		values = append(values, math.Float64frombits(r.Uint64()), (r.Float64()-0.5)*math.Pow(10, float64(r.IntN(60)-30)))
	}
	for _, f := range values {
		for _, bits := range []int{32, 64} {
			var want []byte
			var wantErr error
			if bits == 32 {
				f = float64(float32(f))
				want, wantErr = json.Marshal(float32(f))
			} else {
				want, wantErr = json.Marshal(f)
			}
			got, err := AppendJSONFloat(nil, f, bits)
			if (err != nil) != (wantErr != nil) || err == nil && string(got) != string(want) {
				t.Fatalf("%v (%d bits): json.Marshal %s, %v; AppendJSONFloat %s, %v", f, bits, want, wantErr, got, err)
			}
		}
	}
}

// TestErrorBodyIsMarshal: the error body is json.Marshal's, however odd
// the message.
func TestErrorBodyIsMarshal(t *testing.T) {
	for _, msg := range []string{"", "Stage not found: <arn> & \"x\"", "bad \xff byte\n\u2028", "日本😀"} {
		want, _ := json.Marshal(struct {
			ExceptionMessage string `json:"exceptionMessage"`
			Message          string `json:"message"`
		}{msg, msg})
		if got := errorBody(msg); string(got) != string(want) {
			t.Errorf("%q: json.Marshal %s, errorBody %s", msg, want, got)
		}
	}
}

// TestAppendJSONBool is the two literals.
func TestAppendJSONBool(t *testing.T) {
	if got := string(AppendJSONBool(AppendJSONBool(nil, true), false)); got != "truefalse" {
		t.Errorf("got %s", got)
	}
}
