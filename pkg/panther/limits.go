// This file holds the response size limits: the option that sets them, the
// transport layer that enforces the cap on every response body (Raw()'s
// included), and the reader that turns a body over the cap into an error
// rather than an allocation.

package panther

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// ErrResponseTooLarge matches, with [errors.Is], the error for a response
// body larger than the cap set with [WithMaxResponseSize]. Nothing past the
// cap is read: a body that announces a larger Content-Length is refused
// before any of it is read.
var ErrResponseTooLarge = errors.New("panther: response body too large")

const (
	// DefaultMaxResponseSize is the cap on a response body unless
	// [WithMaxResponseSize] sets another. A page of 60 users is about 30 KiB.
	DefaultMaxResponseSize = 16 << 20
	// maxErrorBody caps what is read of a non-2xx body: enough for any
	// message, small enough that a flood of error pages costs little.
	maxErrorBody = 64 << 10
)

// WithMaxResponseSize caps how many bytes of a response body are read
// (default [DefaultMaxResponseSize]). A longer body is an error matching
// [ErrResponseTooLarge], not an allocation: the cap is enforced in the
// transport, so it holds for [Client.Raw] too, and a Content-Length over the
// cap is refused before the body is read. Error (non-2xx) bodies are read up
// to 64 KiB or n, whichever is smaller, and cut there: the status and the
// start of the message are enough.
func WithMaxResponseSize(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return errors.New("panther: WithMaxResponseSize: size must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// tooLargeError is what a capped body returns past its cap.
type tooLargeError struct {
	limit int64
	// declared is the Content-Length that was refused, -1 when the body was
	// cut while reading.
	declared int64
	// where names the call ("GET /users/{id}: 200") when known.
	where string
}

func (e *tooLargeError) Error() string {
	where := "panther: "
	if e.where != "" {
		where += e.where + ": "
	}
	if e.declared >= 0 {
		return fmt.Sprintf("%sresponse body too large: Content-Length %d is over the %d-byte limit (WithMaxResponseSize)", where, e.declared, e.limit)
	}
	return fmt.Sprintf("%sresponse body too large: more than the %d-byte limit (WithMaxResponseSize)", where, e.limit)
}

func (e *tooLargeError) Is(target error) bool { return target == ErrResponseTooLarge }

// limitTransport wraps every response body in a cappedBody. It is the
// outermost layer, so what callers (and the generated Parse functions) read
// is capped whatever the retry layer did.
type limitTransport struct {
	next  http.RoundTripper
	limit int64
}

// RoundTrip implements http.RoundTripper.
func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp == nil || resp.Body == nil || resp.Body == http.NoBody {
		return resp, err
	}
	b := &cappedBody{rc: resp.Body, left: t.limit, limit: t.limit}
	if resp.ContentLength > t.limit {
		b.err = &tooLargeError{limit: t.limit, declared: resp.ContentLength}
	}
	resp.Body = b
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the base transport.
func (t *limitTransport) CloseIdleConnections() {
	closeIdleConnections(t.next)
}

// cappedBody passes through at most limit bytes of rc; reading past them
// returns a *tooLargeError (and keeps returning it), never the extra bytes.
type cappedBody struct {
	rc    io.ReadCloser
	left  int64 // bytes that may still be returned
	limit int64
	err   error // sticky once set
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Ask for one byte more than allowed: getting it means the body is too
	// long. (Not b.left+1, which overflows for a limit of math.MaxInt64.)
	if int64(len(p))-1 > b.left {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		b.left = 0
		b.err = &tooLargeError{limit: b.limit, declared: -1}
		return n, b.err
	}
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// readBody reads at most limit bytes of r; what follows is left unread (a
// capped body reports it as ErrResponseTooLarge). sizeHint is the Content-Length (-1 when unknown): a body that announces its
// size is read into one buffer of that size. Otherwise it is read in chunks
// that grow to 1 MiB and are joined once at the end, so reading close to the
// cap allocates about twice the cap, where io.ReadAll's growing slice
// allocates several times what it reads. When reading fails after more than
// maxErrorBody bytes, the body is dropped rather than joined.
func readBody(r io.Reader, sizeHint, limit int64) (body []byte, err error) {
	return readBodyInto(nil, r, sizeHint, limit)
}

// readBodyInto is readBody reading the first chunk into into when it is
// large enough, so that body may be into itself: the caller must be done
// with body before it reuses into.
func readBodyInto(into []byte, r io.Reader, sizeHint, limit int64) (body []byte, err error) {
	const firstChunk, maxChunk = 16 << 10, 1 << 20
	size := int64(firstChunk)
	if sizeHint >= 0 && sizeHint < limit {
		size = max(sizeHint+1, 512) // +1: room to see that the body really ends
	}
	var chunks [][]byte
	var total int64
	for total <= limit {
		// Room for what the cap still allows plus one byte, without
		// computing limit+1, which overflows for math.MaxInt64.
		want := size
		if left := limit - total; left < size {
			want = left + 1
		}
		var buf []byte
		if total == 0 && int64(cap(into)) >= want {
			buf = into[:want]
		} else {
			buf = make([]byte, want)
		}
		n, rerr := io.ReadFull(r, buf)
		total += int64(n)
		if n > 0 {
			chunks = append(chunks, buf[:n])
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			err = rerr
			break
		}
		size = min(max(size*2, firstChunk), maxChunk)
	}
	total = min(total, limit)
	if err != nil && total > maxErrorBody {
		return nil, err
	}
	if len(chunks) == 1 {
		return chunks[0][:total], err
	}
	body = make([]byte, 0, total)
	for _, c := range chunks {
		body = append(body, c[:min(int64(len(c)), total-int64(len(body)))]...)
	}
	return body, err
}

// bodyBuffers holds the buffers call reads success bodies into: a body is
// decoded and dropped before call returns (encoding/json copies what it
// keeps, and json.Unmarshaler implementations must), so a walk over many
// pages, or many Gets, reuse a few buffers instead of allocating one per
// call. A body larger than a buffer is read as readBody reads it.
var bodyBuffers = sync.Pool{New: func() any {
	b := make([]byte, bodyBufferSize)
	return &b
}}

// bodyBufferSize holds a full page of 60 users with room to spare.
const bodyBufferSize = 64 << 10
