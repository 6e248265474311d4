package main

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ivsrt/contract/fakes/wire"
)

// lineHandler writes slog records in the very form of slog's TextHandler
// (or JSONHandler) with default options, for less CPU a line: the request
// log's text formatting was the largest cost of `ivsrt serve` after the
// JSON encoding of answers. It formats records whose attributes are of the
// simple kinds the request log uses (strings, integers, booleans,
// durations), ungrouped and with keys; any other record, and any handler
// derived with WithAttrs or WithGroup, goes to slog's own handler, so the
// output is slog's in every case (TestLineHandlerIsSlog).
type lineHandler struct {
	w     io.Writer
	json  bool
	inner slog.Handler // slog's handler on the same writer, for the rest
	mu    *sync.Mutex  // one Write per line, in order, as slog's handler does
}

func newLineHandler(w io.Writer, json bool) *lineHandler {
	h := &lineHandler{w: w, json: json, mu: new(sync.Mutex)}
	if json {
		h.inner = slog.NewJSONHandler(w, nil)
	} else {
		h.inner = slog.NewTextHandler(w, nil)
	}
	return h
}

// Enabled is slog's default: Info and above.
func (h *lineHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *lineHandler) WithAttrs(as []slog.Attr) slog.Handler { return h.inner.WithAttrs(as) }
func (h *lineHandler) WithGroup(name string) slog.Handler    { return h.inner.WithGroup(name) }

var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

func (h *lineHandler) Handle(ctx context.Context, r slog.Record) error {
	if y := r.Time.Year(); h.json && !r.Time.IsZero() && (y < 0 || y >= 10000) {
		return h.inner.Handle(ctx, r)
	}
	buf := lineBuffers.Get().(*[]byte)
	b, ok := h.appendRecord((*buf)[:0], r)
	var err error
	if ok {
		h.mu.Lock()
		_, err = h.w.Write(b)
		h.mu.Unlock()
	} else {
		err = h.inner.Handle(ctx, r)
	}
	if cap(b) <= 64<<10 {
		*buf = b
		lineBuffers.Put(buf)
	}
	return err
}

// appendRecord appends r's line, or reports false for a record it leaves
// to slog.
func (h *lineHandler) appendRecord(b []byte, r slog.Record) ([]byte, bool) {
	sep := ""
	if h.json {
		b = append(b, '{')
		sep = ","
	}
	first := true
	key := func(k string) {
		if !first {
			if h.json {
				b = append(b, sep...)
			} else {
				b = append(b, ' ')
			}
		}
		first = false
		b = h.appendString(b, k)
		if h.json {
			b = append(b, ':')
		} else {
			b = append(b, '=')
		}
	}
	if !r.Time.IsZero() {
		key(slog.TimeKey)
		t := r.Time.Round(0)
		if h.json {
			b = append(b, '"')
			b = t.AppendFormat(b, time.RFC3339Nano)
			b = append(b, '"')
		} else {
			b = appendRFC3339Millis(b, t)
		}
	}
	key(slog.LevelKey)
	b = h.appendString(b, r.Level.String())
	key(slog.MessageKey)
	b = h.appendString(b, r.Message)
	simple := true
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "" {
			simple = false // slog drops some of these; leave them to it
			return false
		}
		v := a.Value
		switch v.Kind() {
		case slog.KindString:
			key(a.Key)
			b = h.appendString(b, v.String())
		case slog.KindInt64:
			key(a.Key)
			b = strconv.AppendInt(b, v.Int64(), 10)
		case slog.KindUint64:
			key(a.Key)
			b = strconv.AppendUint(b, v.Uint64(), 10)
		case slog.KindBool:
			key(a.Key)
			b = strconv.AppendBool(b, v.Bool())
		case slog.KindDuration:
			key(a.Key)
			if h.json {
				b = strconv.AppendInt(b, int64(v.Duration()), 10)
			} else {
				b = appendDuration(b, v.Duration())
			}
		default:
			simple = false
		}
		return simple
	})
	if h.json {
		b = append(b, '}')
	}
	return append(b, '\n'), simple
}

// appendString is slog's: JSON-escaped and quoted, or in text quoted
// (strconv.Quote) only when needed.
func (h *lineHandler) appendString(b []byte, s string) []byte {
	if h.json {
		return wire.AppendSlogJSONString(b, s)
	}
	if textNeedsQuoting(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

// appendRFC3339Millis is slog's text time: RFC 3339 with exactly three
// digits of milliseconds.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...) // drop the 4th digit
}

// appendDuration appends d.String() without allocating it.
func appendDuration(b []byte, d time.Duration) []byte {
	if d >= 0 && d < time.Second && d != 0 {
		// The request log's durations: microseconds and milliseconds, as
		// Duration.String writes them (fraction trimmed of trailing zeros).
		u := uint64(d)
		unit, prec := "ns", 0
		switch {
		case u < uint64(time.Microsecond):
		case u < uint64(time.Millisecond):
			unit, prec = "µs", 3
		default:
			unit, prec = "ms", 6
		}
		return append(appendFrac(b, u, prec), unit...)
	}
	return append(b, d.String()...)
}

// appendFrac writes v / 10^prec in decimal, the fraction's trailing zeros
// (and a point left alone) dropped.
func appendFrac(b []byte, v uint64, prec int) []byte {
	var p uint64 = 1
	for range prec {
		p *= 10
	}
	b = strconv.AppendUint(b, v/p, 10)
	frac := v % p
	if frac == 0 {
		return b
	}
	b = append(b, '.')
	for p /= 10; frac > 0; p /= 10 {
		b = append(b, byte('0'+frac/p))
		frac %= p
	}
	return b
}

// textNeedsQuoting is slog's TextHandler rule: empty, or holding a space,
// '=', '"', a control character, invalid UTF-8, or a rune that is space or
// not printable.
func textNeedsQuoting(s string) bool {
	if len(s) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if quoteASCII[c] {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

// quoteASCII marks the ASCII bytes that make slog's TextHandler quote a
// string: control characters, space, '"' and '='.
var quoteASCII = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = c <= ' ' || c == '"' || c == '='
	}
	return t
}()
