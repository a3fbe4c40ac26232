package bench

import (
	"fmt"
	"net/http"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panther"
)

const listLatency = 5 * time.Millisecond

// listing is the outcome of walking every user once.
type listing struct {
	users, requests int
	elapsed         time.Duration
	peakHeap        uint64 // the highest HeapAlloc seen after a page, above the start
}

// listAll walks every user with List, sampling the heap after each page
// (every 60 users) through runtime/metrics, which does not stop the world,
// and spends pageWork on each page as a consumer would.
func listAll(b *testing.B, c *panther.Client, cnt *counter, pageWork time.Duration, prefetch bool) listing {
	b.Helper()
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := heap()
	cnt.requests.Store(0)
	var l listing
	start := time.Now()
	for _, err := range c.Users.List(b.Context(), &panther.ListUsersOptions{Prefetch: prefetch}) {
		if err != nil {
			b.Fatal(err)
		}
		l.users++
		if l.users%60 == 0 {
			if h := heap(); h > base {
				l.peakHeap = max(l.peakHeap, h-base)
			}
			if pageWork > 0 {
				time.Sleep(pageWork) // the consumer's work on a page: a lookup, a write
			}
		}
	}
	l.elapsed = time.Since(start)
	l.requests = int(cnt.requests.Load())
	return l
}

func listClient(b *testing.B, f *fake) (*panther.Client, *counter) {
	b.Helper()
	cnt := &counter{base: newTransport()}
	c, err := panther.NewClient(f.URL, panther.WithAPIToken(f.Token), panther.WithHTTPClient(&http.Client{Transport: cnt}))
	if err != nil {
		b.Fatal(err)
	}
	return c, cnt
}

// BenchmarkList walks 3,000 and 30,000 users, 60 a page, against a fake that
// takes 5 ms a response, and reports the wall time as a multiple of the floor
// (pages × latency), requests per walk, and the peak heap above the start.
// With page-work, the consumer spends 5 ms on each page, and the floor is
// pages × max(latency, work): with Prefetch the next page is fetched while
// the consumer works, so the walk stays near it instead of twice it.
func BenchmarkList(b *testing.B) {
	for _, n := range []int{3000, 30000} {
		f := startFake(b, fakeConfig{users: n, latency: listLatency})
		c, cnt := listClient(b, f)
		for _, v := range []struct {
			work     time.Duration
			prefetch bool
		}{{0, false}, {0, true}, {listLatency, false}, {listLatency, true}} {
			work := v.work
			b.Run(fmt.Sprintf("users=%d/page-work=%s/prefetch=%t", n, work, v.prefetch), func(b *testing.B) {
				var l listing
				for b.Loop() {
					l = listAll(b, c, cnt, work, v.prefetch)
				}
				if l.users != n {
					b.Fatalf("listed %d users, want %d", l.users, n)
				}
				pages := (n + 59) / 60
				floor := time.Duration(pages) * max(listLatency, work)
				b.ReportMetric(float64(l.elapsed)/float64(floor), "x-floor")
				b.ReportMetric(float64(l.requests), "requests")
				b.ReportMetric(float64(l.peakHeap)/1024, "peak-heap-KiB")
			})
		}
	}
}

// BenchmarkListHeapGrowth walks 3,000 and then 30,000 users and reports the
// ratio of their peak heaps: listing holds one page at a time, so ten times
// the users must not mean more memory.
func BenchmarkListHeapGrowth(b *testing.B) {
	small := startFake(b, fakeConfig{users: 3000})
	large := startFake(b, fakeConfig{users: 30000})
	cs, cntS := listClient(b, small)
	cl, cntL := listClient(b, large)
	var ls, ll listing
	for b.Loop() {
		ls = listAll(b, cs, cntS, 0, false)
		ll = listAll(b, cl, cntL, 0, false)
	}
	b.ReportMetric(float64(ls.peakHeap)/1024, "peak-heap-3k-KiB")
	b.ReportMetric(float64(ll.peakHeap)/1024, "peak-heap-30k-KiB")
	b.ReportMetric(float64(ll.peakHeap)/float64(ls.peakHeap), "heap-30k/3k")
}

// BenchmarkListVsGenerated walks 3,000 users at 5 ms a response with List and
// with the generated client following next by hand, alternately in one run,
// and reports each against the floor and List against the generated walk:
// what the wrapper adds to a listing, apart from what the network and JSON
// decoding cost any client on this machine.
func BenchmarkListVsGenerated(b *testing.B) {
	const n = 3000
	f := startFake(b, fakeConfig{users: n, latency: listLatency})
	c, cnt := listClient(b, f)
	gen := generatedClient(b, f)
	var wrapper, generated time.Duration
	for b.Loop() {
		l := listAll(b, c, cnt, 0, false)
		if l.users != n {
			b.Fatalf("List: %d users, want %d", l.users, n)
		}
		wrapper += l.elapsed

		start, users := time.Now(), 0
		params := &api.UserListParams{}
		for {
			resp, err := gen.UserListWithResponse(b.Context(), params)
			if err != nil || resp.JSON200 == nil {
				b.Fatalf("generated list: %v (status %d)", err, resp.StatusCode())
			}
			users += len(resp.JSON200.Results)
			if resp.JSON200.Next == nil || *resp.JSON200.Next == "" {
				break
			}
			params.Cursor = resp.JSON200.Next
		}
		generated += time.Since(start)
		if users != n {
			b.Fatalf("generated walk: %d users, want %d", users, n)
		}
	}
	floor := time.Duration((n+59)/60) * listLatency * time.Duration(b.N)
	b.ReportMetric(float64(wrapper)/float64(floor), "x-floor-wrapper")
	b.ReportMetric(float64(generated)/float64(floor), "x-floor-generated")
	b.ReportMetric(float64(wrapper)/float64(generated), "wrapper/generated")
}
