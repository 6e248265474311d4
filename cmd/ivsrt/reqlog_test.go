package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// logPieces are what random strings in log records are made of: what
// slog quotes or escapes (spaces, '=', quotes, backslashes, control
// characters, invalid UTF-8, unprintable and space runes, U+2028/2029),
// what encoding/json would escape but slog does not (<, >, &), and plain
// text.
var logPieces = []string{
	"a", "Z", "/GetStage", "POST", " ", "=", "\"", "\\", "<", ">", "&", "\x00", "\b", "\f", "\n", "\r", "\t",
	"\x1f", "\x7f", "\u00a0", "\u2028", "\u2029", "\u200b", "é", "µ", "日本", "😀", "\ufffd", "\xff", "\xe2\x80",
	"0123e4567-e89b-42d3-a456-426614174000",
}

func randomLogString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(6) {
		b.WriteString(logPieces[r.IntN(len(logPieces))])
	}
	return b.String()
}

func randomDuration(r *rand.Rand) time.Duration {
	switch r.IntN(5) {
	case 0:
		return time.Duration(r.Int64N(1000))
	case 1:
		return time.Duration(r.Int64N(int64(time.Millisecond)))
	case 2:
		return time.Duration(r.Int64N(int64(time.Second)))
	case 3:
		return []time.Duration{0, 1, -1, time.Microsecond, time.Millisecond, time.Second, 1500 * time.Millisecond,
			math.MaxInt64, math.MinInt64, -time.Millisecond}[r.IntN(10)]
	default:
		return time.Duration(r.Int64() - math.MaxInt64/2)
	}
}

// randomAttr is of the kinds lineHandler formats itself, or (other) of
// the ones it leaves to slog.
func randomAttr(r *rand.Rand, other bool) slog.Attr {
	key := randomLogString(r)
	if key == "" && r.IntN(3) > 0 {
		key = "k"
	}
	if other {
		switch r.IntN(5) {
		case 0:
			return slog.Float64(key, r.NormFloat64())
		case 1:
			return slog.Time(key, time.Unix(r.Int64N(1<<34), r.Int64N(1e9)))
		case 2:
			return slog.Any(key, errors.New(randomLogString(r)))
		case 3:
			return slog.Group(key, slog.String("in", randomLogString(r)))
		default:
			return slog.Any(key, []int{r.IntN(9)})
		}
	}
	switch r.IntN(5) {
	case 0:
		return slog.Int(key, int(r.Int64()-math.MaxInt64/2))
	case 1:
		return slog.Uint64(key, r.Uint64())
	case 2:
		return slog.Bool(key, r.IntN(2) == 0)
	case 3:
		return slog.Duration(key, randomDuration(r))
	default:
		return slog.String(key, randomLogString(r))
	}
}

func randomRecord(r *rand.Rand) slog.Record {
	var t time.Time
	switch r.IntN(8) {
	case 0: // zero: no time key
	case 1: // years slog's JSON handler complains about
		t = time.Unix(r.Int64N(1<<40)-1<<39, r.Int64N(1e9))
	default:
		t = time.Unix(1_700_000_000+r.Int64N(100_000_000), r.Int64N(1e9))
	}
	if r.IntN(3) == 0 {
		t = t.In(time.FixedZone("z", (r.IntN(48)-24)*1800))
	}
	levels := []slog.Level{slog.LevelInfo, slog.LevelWarn, slog.LevelError, slog.LevelInfo + 2, slog.LevelError + 5}
	rec := slog.NewRecord(t, levels[r.IntN(len(levels))], randomLogString(r), 0)
	n := r.IntN(9)
	other := r.IntN(6) == 0
	for i := range n {
		rec.AddAttrs(randomAttr(r, other && i == n-1))
	}
	return rec
}

// TestLineHandlerIsSlog: for random records, in text and in JSON,
// lineHandler writes the bytes slog's own handler writes, including for
// the records and derived handlers it leaves to slog.
func TestLineHandlerIsSlog(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	ctx := context.Background()
	for _, json := range []bool{false, true} {
		var got, want bytes.Buffer
		fast := newLineHandler(&got, json)
		var ref slog.Handler = slog.NewTextHandler(&want, nil)
		if json {
			ref = slog.NewJSONHandler(&want, nil)
		}
		for i := range 20000 {
			got.Reset()
			want.Reset()
			rec := randomRecord(r)
			if err := fast.Handle(ctx, rec); err != nil {
				t.Fatal(err)
			}
			if err := ref.Handle(ctx, rec); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("json %v, record %d:\nslog:        %q\nlineHandler: %q", json, i, want.String(), got.String())
			}
		}
		for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn} {
			if fast.Enabled(ctx, l) != ref.Enabled(ctx, l) {
				t.Errorf("json %v: Enabled(%v) differs from slog's", json, l)
			}
		}
		got.Reset()
		want.Reset()
		rec := slog.NewRecord(time.Unix(1_700_000_000, 0), slog.LevelInfo, "m", 0)
		rec.AddAttrs(slog.String("a", "b"))
		_ = fast.WithAttrs([]slog.Attr{slog.Int("n", 1)}).WithGroup("g").Handle(ctx, rec)
		_ = ref.WithAttrs([]slog.Attr{slog.Int("n", 1)}).WithGroup("g").Handle(ctx, rec)
		if got.String() != want.String() {
			t.Errorf("json %v, derived handler: slog %q, lineHandler %q", json, want.String(), got.String())
		}
	}
}

// TestAppendDurationIsString covers appendDuration against
// Duration.String on every scale.
func TestAppendDurationIsString(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 100000 {
		d := randomDuration(r)
		if got := string(appendDuration(nil, d)); got != d.String() {
			t.Fatalf("%d: appendDuration %q, String %q", int64(d), got, d.String())
		}
	}
}

// BenchmarkRequestLine is one request log line, as logRequests writes it,
// through slog's TextHandler and Logger.LogAttrs (as before lineHandler)
// and through lineHandler.
func BenchmarkRequestLine(b *testing.B) {
	attrs := []slog.Attr{
		slog.String("method", "POST"),
		slog.String("path", "/GetStage"),
		slog.Int("status", 200),
		slog.String("requestId", "3f0c2a4e-9b1d-4c5e-8f7a-1b2c3d4e5f60"),
		slog.Duration("duration", 187*time.Microsecond+340),
	}
	b.Run("slog", func(b *testing.B) {
		b.ReportAllocs()
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		for b.Loop() {
			logger.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs...)
		}
	})
	b.Run("lineHandler", func(b *testing.B) {
		b.ReportAllocs()
		h := newLineHandler(io.Discard, false)
		for b.Loop() {
			rec := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
			rec.AddAttrs(attrs...)
			_ = h.Handle(context.Background(), rec)
		}
	})
}
