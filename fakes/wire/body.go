package wire

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
)

// MaxDrainBytes bounds how much of a refused body ReadBody reads and
// discards so that the client, still sending, reads the error instead of a
// reset connection. A larger body is not read: the server answers and
// closes the connection, and the client may see the reset.
const MaxDrainBytes = 8 << 20

// ReadBody reads the whole request body, at most limit bytes (limit <= 0
// means MaxBodyBytes). A nil body reads as empty. Refusals are 400
// SerializationExceptions, never with Go's error text:
//
//   - a body, or a Content-Length, over the limit: "Request body is larger
//     than N bytes";
//   - Content-Encoding gzip (or x-gzip) is decompressed, and the limit
//     applies to the compressed and to the decompressed size; identity is
//     the same as none; any other encoding is refused by name;
//   - a body that stops before its end, or is not received within the
//     server's read timeout.
//
// Before it refuses a body for its size or its encoding, ReadBody reads
// and discards the rest of it, up to MaxDrainBytes, unless the client
// waits for "100 Continue" (it then sends nothing more), so that a client
// that sends its whole body before it reads (Python's http.client, say)
// reads the 400 rather than ECONNRESET.
func ReadBody(r *http.Request, limit int64) ([]byte, *Error) {
	if limit <= 0 {
		limit = MaxBodyBytes
	}
	if r == nil || r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	gzipped, werr := contentEncoding(r.Header)
	if werr != nil {
		drain(r, false)
		return nil, werr
	}
	if r.ContentLength > limit {
		drain(r, false)
		return nil, tooLarge(limit, "")
	}
	var body []byte
	var err error
	if r.ContentLength > 0 && !gzipped {
		body, err = readLength(r.Body, r.ContentLength)
	} else {
		body, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
	}
	if err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, tooLarge(limit, "")
		case errors.Is(err, os.ErrDeadlineExceeded):
			return nil, SerializationError("Request body was not received within the server's read timeout")
		}
		return nil, SerializationError("Request body could not be read")
	}
	if int64(len(body)) > limit {
		drain(r, true)
		return nil, tooLarge(limit, "")
	}
	if gzipped && len(body) > 0 {
		return gunzip(body, limit)
	}
	return body, nil
}

// firstChunk is the most readLength allocates before bytes arrive: a
// usual request fits in it whole, and a client that announces a large
// Content-Length and then stalls holds no more than this.
const firstChunk = 4 << 10

// readLength reads a body of the announced length n. Its buffer grows with
// what has arrived, doubling up to n, so memory follows bytes received
// rather than the Content-Length header. A body shorter than n is
// io.ErrUnexpectedEOF, as io.ReadFull has it.
func readLength(body io.Reader, n int64) ([]byte, error) {
	buf := make([]byte, 0, min(n, firstChunk))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(int64(cap(buf)), n-int64(cap(buf)))))
		}
		k, err := body.Read(buf[len(buf):min(int64(cap(buf)), n)])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			if int64(len(buf)) < n {
				return nil, io.ErrUnexpectedEOF
			}
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

func tooLarge(limit int64, what string) *Error {
	return SerializationError("Request body is larger than %d bytes%s", limit, what)
}

// contentEncoding reports whether the body is gzip-compressed, or refuses
// an encoding the fake does not decode. AWS's restJson1 services accept
// gzip request bodies where the model asks for it (the requestCompression
// trait); the fake accepts it for every operation rather than read
// compressed bytes as JSON.
func contentEncoding(h http.Header) (gzipped bool, _ *Error) {
	values := h.Values("Content-Encoding")
	var codings []string
	for _, v := range values {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	switch {
	case len(codings) == 0:
		return false, nil
	case len(codings) == 1 && (codings[0] == "gzip" || codings[0] == "x-gzip"):
		return true, nil
	}
	return false, SerializationError("Content-Encoding '%s' is not supported: send the body uncompressed or with Content-Encoding gzip",
		truncate(strings.Join(values, ", "), maxEcho))
}

// gunzip decompresses a gzip body (one or more members), at most limit
// bytes of it.
func gunzip(body []byte, limit int64) ([]byte, *Error) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, SerializationError("Request body is not valid gzip data (Content-Encoding gzip)")
	}
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, SerializationError("Request body is not valid gzip data (Content-Encoding gzip)")
	}
	if int64(len(out)) > limit {
		return nil, tooLarge(limit, " once decompressed (Content-Encoding gzip)")
	}
	return out, nil
}

// drain reads and discards the rest of a refused body, up to
// MaxDrainBytes; see ReadBody. A client waiting for "100 Continue" sends
// nothing more unless the body has already been read from (started).
func drain(r *http.Request, started bool) {
	if !started && strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		return
	}
	if r.ContentLength > MaxDrainBytes {
		return // not worth reading: the connection closes after the answer
	}
	_, _ = io.CopyN(io.Discard, r.Body, MaxDrainBytes)
}
