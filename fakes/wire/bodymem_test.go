package wire

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadLength(t *testing.T) {
	for _, n := range []int{1, 90, firstChunk - 1, firstChunk, firstChunk + 1, 5*firstChunk + 3, 1 << 20} {
		want := bytes.Repeat([]byte("ab"), n)[:n]
		// One byte a read is the slowest a client can send, and exercises
		// every step of the buffer's growth.
		got, err := readLength(io.LimitReader(&oneByteReader{r: bytes.NewReader(want)}, int64(n)), int64(n))
		require.NoError(t, err, "n=%d", n)
		assert.Equal(t, want, got, "n=%d", n)
		assert.LessOrEqual(t, cap(got), max(2*n, firstChunk)+64, "n=%d: the buffer is at most twice the body", n)

		_, err = readLength(bytes.NewReader(want[:n-1]), int64(n))
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "n=%d: a body cut short", n)
	}
}

type oneByteReader struct{ r io.Reader }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

// A client that announces a large body and sends a few bytes of it holds
// no more of the server's memory than one that announces what it sends:
// the buffer follows the bytes received, not Content-Length. Measured as
// the live heap with every handler waiting inside ReadBody, against a
// control run of the same clients announcing a small body.
func TestReadBodyMemoryFollowsBytesReceived(t *testing.T) {
	const clients = 100
	const sent = 90
	control := heapWhileStalled(t, clients, sent, 2*sent)
	attack := heapWhileStalled(t, clients, sent, 1<<20)
	t.Logf("live heap with %d stalled clients: announcing 1 MiB %d KiB, announcing %d bytes %d KiB (%.2fx)",
		clients, attack>>10, 2*sent, control>>10, float64(attack)/float64(control))
	// Before, each stalled client held its announced MiB: about 100 MiB
	// against a few. A ratio, not a size, so the runtime's own heap does
	// not matter; the slack is a few KiB a client.
	assert.Less(t, attack, control+clients*2*firstChunk,
		"announcing 1 MiB costs more than a few KiB a client over the control")
}

// heapWhileStalled starts a server whose handler reads the body with
// ReadBody, connects clients that each announce a body of announce bytes
// and send sent of them, and returns the live heap once every handler has
// received its bytes and waits for the rest.
func heapWhileStalled(t *testing.T, clients, sent int, announce int64) uint64 {
	var received atomic.Int64
	var done sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer done.Done()
		r.Body = &countingBody{ReadCloser: r.Body, n: &received}
		_, _ = ReadBody(r, announce)
	}))
	srv.Listener.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv.Listener = ln
	srv.Start()
	defer srv.Close()

	done.Add(clients)
	conns := make([]net.Conn, 0, clients)
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	head := fmt.Sprintf("POST /x HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		ln.Addr(), announce, strings.Repeat("x", sent))
	for range clients {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		conns = append(conns, c)
		_, err = io.WriteString(c, head)
		require.NoError(t, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for received.Load() < int64(clients*sent) {
		require.True(t, time.Now().Before(deadline), "the handlers received %d of %d bytes", received.Load(), clients*sent)
		time.Sleep(5 * time.Millisecond)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	for _, c := range conns {
		_ = c.Close()
	}
	conns = nil
	done.Wait()
	return ms.HeapAlloc
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	k, err := b.ReadCloser.Read(p)
	b.n.Add(int64(k))
	return k, err
}
