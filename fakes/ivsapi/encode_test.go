package ivsapi

// Hand-written: the generator leaves files that are not *_gen.go alone.

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ivsrt/contract/fakes/wire"
)

// responseTypes is every struct type a Backend method answers with, and
// every struct those hold, found by reflection so that a new operation is
// covered without touching this test.
func responseTypes(t *testing.T) []reflect.Type {
	t.Helper()
	var out []reflect.Type
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || typ.PkgPath() != reflect.TypeFor[Stage]().PkgPath() || seen[typ] {
			return
		}
		seen[typ] = true
		out = append(out, typ)
		for f := range typ.Fields() {
			walk(f.Type)
		}
	}
	backend := reflect.TypeFor[Backend]()
	for m := range backend.Methods() {
		if m.Type.NumOut() != 2 || m.Type.In(0) != reflect.TypeFor[context.Context]() {
			t.Fatalf("Backend.%s: not func(ctx, *In) (*Out, error)", m.Name)
		}
		walk(m.Type.Out(0))
	}
	if len(out) < backend.NumMethod() {
		t.Fatalf("found %d response types for %d operations", len(out), backend.NumMethod())
	}
	return out
}

// TestAppendJSONIsMarshal holds every generated encoder to encoding/json:
// for random values of every response type (random strings with escapes,
// HTML characters, U+2028/2029, invalid UTF-8 and multi-byte runes; nil
// against empty maps and slices; maps beyond the encoder's stack buffer;
// timestamps in and out of JSON's range), AppendJSON gives json.Marshal's
// bytes, or fails where it fails.
func TestAppendJSONIsMarshal(t *testing.T) {
	const valuesPerType = 400
	r := rand.New(rand.NewPCG(1, 2))
	for _, typ := range responseTypes(t) {
		t.Run(typ.Name(), func(t *testing.T) {
			if _, ok := reflect.New(typ).Interface().(wire.JSONAppender); !ok {
				t.Fatalf("*%s has no generated AppendJSON", typ.Name())
			}
			var failures int
			for i := range valuesPerType {
				v := reflect.New(typ)
				if i > 0 { // the first is the zero value
					fillRandom(r, v.Elem(), 0)
				}
				want, wantErr := json.Marshal(v.Interface())
				prefix := []byte("prefix")
				got, gotErr := v.Interface().(wire.JSONAppender).AppendJSON(prefix)
				if (wantErr != nil) != (gotErr != nil) {
					t.Fatalf("value %d: json.Marshal error %v, AppendJSON error %v\nvalue: %#v", i, wantErr, gotErr, v.Interface())
				}
				if wantErr != nil {
					failures++
					if !strings.Contains(wantErr.Error(), gotErr.Error()) {
						t.Errorf("value %d: json.Marshal error %q, AppendJSON error %q", i, wantErr, gotErr)
					}
					continue
				}
				if string(got[:len(prefix)]) != "prefix" || string(got[len(prefix):]) != string(want) {
					t.Fatalf("value %d:\njson.Marshal: %s\nAppendJSON:   %s", i, want, got)
				}
			}
			t.Logf("%d values, %d of them refused by both", valuesPerType, failures)
		})
	}
	var nilStage *Stage
	got, err := nilStage.AppendJSON(nil)
	if want, _ := json.Marshal(nilStage); err != nil || string(got) != string(want) {
		t.Errorf("nil *Stage: AppendJSON %s, %v; json.Marshal %s", got, err, want)
	}
}

// fillRandom sets v to a random value of its type, d levels down.
func fillRandom(r *rand.Rand, v reflect.Value, d int) {
	switch v.Kind() {
	case reflect.Pointer:
		if r.IntN(4) == 0 || d > 6 {
			return // nil
		}
		v.Set(reflect.New(v.Type().Elem()))
		fillRandom(r, v.Elem(), d+1)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(randomTime(r)))
			return
		}
		for i := range v.NumField() {
			fillRandom(r, v.Field(i), d+1)
		}
	case reflect.Slice:
		switch n := r.IntN(8); {
		case n == 0 || d > 6: // nil
		case n == 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range s.Len() {
				fillRandom(r, s.Index(i), d+1)
			}
			v.Set(s)
		}
	case reflect.Map:
		n := r.IntN(8)
		if n == 7 {
			n = 17 + r.IntN(30) // more keys than the encoder sorts on its stack
		}
		switch {
		case n == 0 || d > 6: // nil
		case n == 1:
			v.Set(reflect.MakeMap(v.Type()))
		default:
			m := reflect.MakeMap(v.Type())
			for range n - 1 {
				e := reflect.New(v.Type().Elem()).Elem()
				fillRandom(r, e, d+1)
				m.SetMapIndex(reflect.ValueOf(randomString(r)).Convert(v.Type().Key()), e)
			}
			v.Set(m)
		}
	case reflect.String:
		v.SetString(randomString(r))
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int32, reflect.Int64:
		switch r.IntN(4) {
		case 0:
			v.SetInt(int64(r.IntN(100)))
		case 1:
			v.SetInt(-r.Int64())
		default:
			v.SetInt(r.Int64() >> (64 - v.Type().Bits()))
		}
	case reflect.Float32, reflect.Float64:
		v.SetFloat(randomFloat(r))
	default:
		panic("fillRandom: no case for " + v.Type().String())
	}
}

// pieces are what random strings are made of: what encoding/json escapes
// (quotes, backslashes, control characters, <, >, &, U+2028, U+2029),
// invalid UTF-8, and plain and multi-byte text.
var pieces = []string{
	"a", "Z", "stage-1", " ", "\"", "\\", "/", "<", ">", "&", "<script>",
	"\x00", "\x01", "\b", "\f", "\n", "\r", "\t", "\x1f", "\x7f",
	"\u2028", "\u2029", "\u2027", "é", "日本", "😀", "\ufffd", "\u00a0",
	"\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xf0\x9f\x98",
	"arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234",
}

func randomString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

func randomTime(r *rand.Rand) time.Time {
	// Rarely out of JSON's range, so that values holding many timestamps
	// are mostly encoded, not refused.
	var sec int64
	switch r.IntN(40) {
	case 0: // anywhere, most of it outside years 0..9999
		sec = r.Int64N(1<<40) - 1<<39
	case 1, 2: // around the edges of year 0 and 9999
		sec = []int64{-62167219200, 253402300799}[r.IntN(2)] + r.Int64N(200000) - 100000
	default:
		sec = 1_600_000_000 + r.Int64N(1_000_000_000)
	}
	var nsec int64
	switch r.IntN(3) {
	case 0:
	case 1:
		nsec = r.Int64N(1000) * 1_000_000
	default:
		nsec = r.Int64N(1_000_000_000)
	}
	t := time.Unix(sec, nsec).UTC()
	switch r.IntN(8) {
	case 0:
		offset := (r.IntN(52) - 26) * 3600 // a few of them 24 hours or more
		t = t.In(time.FixedZone("x", offset+r.IntN(4)*15*60))
	case 1:
		t = t.In(time.FixedZone("odd", r.IntN(100000)-50000))
	}
	return t
}

func randomFloat(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		return []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1e21, 1e-6, 1e-7, math.MaxFloat64, math.SmallestNonzeroFloat64}[r.IntN(10)]
	case 1:
		return float64(r.IntN(1000))
	case 2:
		return math.Float64frombits(r.Uint64())
	default:
		return (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(50)-25))
	}
}
