package panther_test

import (
	"errors"
	"io"
	"math"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// allocated returns how many bytes the process allocated while f ran. Only
// meaningful in a test that is not parallel (parallel tests wait until the
// sequential ones are done), so that little else runs meanwhile.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// streamingServer answers 200 application/json with size bytes and no
// Content-Length (chunked), so the client cannot refuse it up front.
func streamingServer(t *testing.T, size int64) string {
	t.Helper()
	chunk := []byte(`{"results":[],"padding":"` + strings.Repeat("x", 32<<10))
	return httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		for left := size; left > 0; left -= int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(left, int64(len(chunk)))]); err != nil {
				return // the client stopped reading at its cap
			}
		}
	})).URL
}

// Not parallel: it measures the allocations of the whole process.
func TestHugeBodyIsAnErrorNotAnAllocation(t *testing.T) {
	const huge = 256 << 20
	type call func(*panther.Client) error
	listPage := func(c *panther.Client) error {
		_, err := c.Users.ListPage(t.Context(), nil)
		return err
	}
	rawList := func(c *panther.Client) error {
		resp, err := c.Raw().UserListWithResponse(t.Context(), nil)
		if err == nil {
			t.Errorf("Raw list = %d with %d body bytes, want an error", resp.StatusCode(), len(resp.Body))
		}
		return err
	}
	tests := []struct {
		name     string
		chunked  bool // no Content-Length: the cap is hit while reading
		maxSize  int64
		call     call
		maxAlloc uint64
	}{
		// A declared Content-Length over the cap is refused before reading.
		{name: "Content-Length, default cap", call: listPage, maxAlloc: 1 << 20},
		{name: "Content-Length, default cap, Raw", call: rawList, maxAlloc: 1 << 20},
		// A chunked body is read up to the cap, then refused: reading it
		// costs about the cap.
		{name: "chunked, 1 MiB cap", chunked: true, maxSize: 1 << 20, call: listPage, maxAlloc: 4 << 20},
		// Raw()'s generated Parse functions use io.ReadAll, whose growing
		// slice costs four to five times what it reads.
		{name: "chunked, 1 MiB cap, Raw", chunked: true, maxSize: 1 << 20, call: rawList, maxAlloc: 6 << 20},
		{name: "chunked, default cap", chunked: true, call: listPage, maxAlloc: 2 * panther.DefaultMaxResponseSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base string
			var opts []panther.Option
			var srv *panthertest.Server
			if tt.chunked {
				base = streamingServer(t, huge)
			} else {
				srv = panthertest.NewServer(panthertest.WithTB(t))
				srv.Inject(panthertest.Fault{Kind: panthertest.FaultHugeBody, Op: "user#list", Size: huge})
				base = srv.URL
				opts = append(opts, panther.WithHTTPClient(srv.Client()))
			}
			if tt.maxSize > 0 {
				opts = append(opts, panther.WithMaxResponseSize(tt.maxSize))
			}
			token := testToken
			if !tt.chunked {
				token = srv.Token
			}
			c := newClient(t, base, token, opts...)
			var err error
			n := allocated(func() { err = tt.call(c) })
			if !errors.Is(err, panther.ErrResponseTooLarge) {
				t.Errorf("error = %v, want ErrResponseTooLarge", err)
			}
			if n > tt.maxAlloc {
				t.Errorf("allocated %d bytes for a %d-byte body, want at most %d", n, huge, tt.maxAlloc)
			}
			t.Logf("allocated %d KiB for a %d MiB body: %v", n>>10, huge>>20, err)
		})
	}
}

func TestResponseSizeCap(t *testing.T) {
	t.Parallel()
	const limit = 1000
	tests := []struct {
		name         string
		resp         cannedResponse
		wantTooLarge bool
		wantStatus   int // of the *APIError; 0: none
	}{
		{name: "at the cap", resp: cannedResponse{status: 200, ctype: "application/json",
			body: userJSON[:len(userJSON)-1] + `,"pad":"` + strings.Repeat("x", limit-len(userJSON)-9) + `"}`}},
		{name: "one byte over", resp: cannedResponse{status: 200, ctype: "application/json", bodyLen: limit + 1},
			wantTooLarge: true},
		{name: "error body over the cap keeps its status", resp: cannedResponse{status: 503, ctype: "text/plain", bodyLen: 10 * limit},
			wantStatus: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := httptestServer(t, tt.resp)
			c := newClient(t, ts.URL, testToken, panther.WithHTTPClient(ts.Client()), panther.WithMaxResponseSize(limit))
			_, err := c.Users.Get(t.Context(), "u1")
			var apiErr *panther.APIError
			switch {
			case tt.wantTooLarge:
				if !errors.Is(err, panther.ErrResponseTooLarge) || !strings.Contains(err.Error(), "GET /users/{id}: 200: response body too large") {
					t.Errorf("Get() error = %v, want ErrResponseTooLarge naming the call", err)
				}
			case tt.wantStatus != 0:
				if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantStatus {
					t.Errorf("Get() error = %v, want an APIError with status %d", err, tt.wantStatus)
				}
			case err != nil:
				t.Errorf("Get() error: %v", err)
			}
		})
	}
}

// The cap is in the transport: whoever reads a Raw() body cannot read past it.
func TestRawBodyIsCapped(t *testing.T) {
	t.Parallel()
	ts := httptestServer(t, cannedResponse{status: 200, ctype: "application/json", bodyLen: 5000})
	c := newClient(t, ts.URL, testToken, panther.WithHTTPClient(ts.Client()), panther.WithMaxResponseSize(4096))
	resp, err := c.Raw().UserGet(t.Context(), "u1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if !errors.Is(err, panther.ErrResponseTooLarge) || len(got) != 4096 {
		t.Errorf("read %d bytes, error %v; want 4096 bytes and ErrResponseTooLarge", len(got), err)
	}
	if _, err := resp.Body.Read(make([]byte, 10)); !errors.Is(err, panther.ErrResponseTooLarge) {
		t.Errorf("read after the cap: %v, want ErrResponseTooLarge again", err)
	}
}

func TestReadBody(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("abcdefghij", 10_000) // 100,000 bytes: several chunks
	broken := errors.New("connection reset")
	tests := []struct {
		name        string
		body        io.Reader
		hint, limit int64
		want        string
		wantErr     error
	}{
		{name: "empty", body: strings.NewReader(""), hint: -1, limit: 10, want: ""},
		{name: "hint right", body: strings.NewReader("hello"), hint: 5, limit: 10, want: "hello"},
		{name: "hint too small", body: strings.NewReader("hello"), hint: 0, limit: 10, want: "hello"},
		{name: "hint too large", body: strings.NewReader("hello"), hint: 9, limit: 10, want: "hello"},
		{name: "hint over the limit", body: strings.NewReader("hello"), hint: 50, limit: 10, want: "hello"},
		{name: "exactly the limit", body: strings.NewReader("0123456789"), hint: -1, limit: 10, want: "0123456789"},
		{name: "one over", body: strings.NewReader("0123456789x"), hint: -1, limit: 10, want: "0123456789"},
		{name: "long, unknown size", body: strings.NewReader(long), hint: -1, limit: 1 << 20, want: long},
		{name: "long, cut", body: strings.NewReader(long), hint: -1, limit: 70_000, want: long[:70_000]},
		{name: "error keeps a short body", body: io.MultiReader(strings.NewReader("partial"), failingReader{broken}), hint: -1, limit: 100, want: "partial", wantErr: broken},
		{name: "error drops a long body", body: io.MultiReader(strings.NewReader(long), failingReader{broken}), hint: -1, limit: 1 << 20, want: "", wantErr: broken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := panther.ReadBody(tt.body, tt.hint, tt.limit)
			if string(got) != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("readBody() = %d bytes, %v; want %d bytes, %v", len(got), err, len(tt.want), tt.wantErr)
			}
		})
	}
}

// TestReadBodyInto: a body that fits the buffer given is read into it (no
// allocation: call reuses pooled buffers), a longer one into memory of its
// own, whole, with the buffer left as it was.
func TestReadBodyInto(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("abcdefghij", 10_000)
	for _, tc := range []struct {
		name      string
		body      string
		hint      int64
		wantAlias bool
	}{
		{"fits, size known", "hello", 5, true},
		{"fits, size unknown", long[:5000], -1, true},
		{"longer, size known", long, int64(len(long)), false},
		{"longer, size unknown", long, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			into := make([]byte, 32<<10)
			got, err := panther.ReadBodyInto(into, strings.NewReader(tc.body), tc.hint, 1<<20)
			if err != nil || string(got) != tc.body {
				t.Fatalf("readBodyInto() = %d bytes, %v; want the %d bytes", len(got), err, len(tc.body))
			}
			if alias := &got[0] == &into[0]; alias != tc.wantAlias {
				t.Errorf("body read into the buffer given: %t, want %t", alias, tc.wantAlias)
			}
		})
	}
}

// failingReader is a reader that always fails with err.
type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// The largest size WithMaxResponseSize accepts ("no limit", in effect) must
// not overflow the cap's arithmetic.
func TestMaxResponseSizeAtMaxInt64(t *testing.T) {
	t.Parallel()
	ts := httptestServer(t, cannedResponse{status: 200, ctype: "application/json", body: userJSON})
	c := newClient(t, ts.URL, testToken, panther.WithMaxResponseSize(math.MaxInt64))
	if _, err := c.Users.Get(t.Context(), "u1"); err != nil {
		t.Errorf("Get() error: %v", err)
	}
	resp, err := c.Raw().UserGetWithResponse(t.Context(), "u1")
	if err != nil || resp.JSON200 == nil {
		t.Errorf("Raw().UserGetWithResponse() = %v, %v; want the user", resp, err)
	}
}
