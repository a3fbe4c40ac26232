package bench

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"runtime/metrics"
	"slices"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panther"
)

// listLatency is the fake's latency for most list walks; BenchmarkList
// also walks at slowLatency, nearer what a caller sees from Panther.
const (
	listLatency = 5 * time.Millisecond
	slowLatency = 50 * time.Millisecond
)

// listing is the outcome of walking every user once.
type listing struct {
	users, requests int
	elapsed         time.Duration
	// floor is what the walk cannot beat: per page, the latency or the
	// consumer's work as it really took (a sleep oversleeps), whichever is
	// longer.
	floor    time.Duration
	peakHeap uint64 // the highest HeapAlloc seen after a page, above the start
}

// listAll walks every user with List, sampling the heap after each page
// (every 60 users) through runtime/metrics, which does not stop the world,
// and spends pageWork on each page as a consumer would.
func listAll(b *testing.B, c *panther.Client, latency, pageWork time.Duration, prefetch bool) listing {
	b.Helper()
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := heap()
	var cnt requestCounter
	var l listing
	start := time.Now()
	for _, err := range c.Users.List(cnt.context(b.Context()), &panther.ListUsersOptions{Prefetch: prefetch}) {
		if err != nil {
			b.Fatal(err)
		}
		l.users++
		if l.users%60 == 0 {
			if h := heap(); h > base {
				l.peakHeap = max(l.peakHeap, h-base)
			}
			worked := time.Duration(0)
			if pageWork > 0 {
				t := time.Now()
				time.Sleep(pageWork) // the consumer's work on a page: a lookup, a write
				worked = time.Since(t)
			}
			l.floor += max(latency, worked)
		}
	}
	l.elapsed = time.Since(start)
	l.requests = int(cnt.requests.Load())
	return l
}

// newClient returns the wrapper as users make it: plain NewClient, with its
// default transport and timeout.
func newClient(b *testing.B, f *fake) *panther.Client {
	b.Helper()
	c, err := panther.NewClient(f.URL, panther.WithAPIToken(f.Token))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	return c
}

// BenchmarkList walks 3,000 and 30,000 users, 60 a page, against a fake that
// takes 5 ms a response (and 3,000 at 50 ms, without page work), and reports the median walk's wall time as a
// multiple of its floor (pages × latency; ns/op is the mean, with a GC before
// each walk), requests per walk, and the peak heap above the start.
// With page-work, the consumer sleeps 5 ms on each page, and the floor is the
// sum over pages of max(latency, the sleep as it really took): with Prefetch
// the next page is fetched while the consumer works, so the walk stays near
// it instead of twice it.
func BenchmarkList(b *testing.B) {
	type variant struct {
		work     time.Duration
		prefetch bool
	}
	all := []variant{{0, false}, {0, true}, {listLatency, false}, {listLatency, true}}
	for _, tc := range []struct {
		users    int
		latency  time.Duration
		variants []variant
	}{
		{3000, listLatency, all},
		{30000, listLatency, all},
		{3000, slowLatency, all[:2]},
	} {
		n := tc.users
		f := startFake(b, fakeConfig{users: n, latency: tc.latency})
		c := newClient(b, f)
		for _, v := range tc.variants {
			b.Run(fmt.Sprintf("latency=%s/users=%d/page-work=%s/prefetch=%t", tc.latency, n, v.work, v.prefetch), func(b *testing.B) {
				var l listing
				var ratios []float64
				for b.Loop() {
					l = listAll(b, c, tc.latency, v.work, v.prefetch)
					ratios = append(ratios, float64(l.elapsed)/float64(l.floor))
				}
				if l.users != n || n%60 != 0 {
					b.Fatalf("listed %d users, want %d in full pages", l.users, n)
				}
				b.ReportMetric(median(ratios), "x-floor")
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
	cs, cl := newClient(b, small), newClient(b, large)
	var ls, ll listing
	for b.Loop() {
		ls = listAll(b, cs, 0, 0, false)
		ll = listAll(b, cl, 0, 0, false)
	}
	b.ReportMetric(float64(ls.peakHeap)/1024, "peak-heap-3k-KiB")
	b.ReportMetric(float64(ll.peakHeap)/1024, "peak-heap-30k-KiB")
	b.ReportMetric(float64(ll.peakHeap)/float64(ls.peakHeap), "heap-30k/3k")
}

// BenchmarkListBaselines walks 3,000 users at 5 ms and at 50 ms a response
// four ways, in turns in one run: List, List with Prefetch, the generated
// client following next by hand, and hand-written net/http +
// encoding/json. It reports each walk's wall time against the floor (pages
// × latency) and the client's CPU time (getrusage) and heap allocations per
// user; the baselines show what the network and JSON decoding cost any
// client on this machine, the ratios what the wrapper adds to that.
func BenchmarkListBaselines(b *testing.B) {
	// Several rounds per iteration at 5 ms, each starting with another
	// walker: one walk takes 0.25 s, and machine noise should average out
	// across the walkers, not favour one. At 50 ms a walk takes 2.5 s.
	for _, tc := range []struct {
		latency time.Duration
		rounds  int
	}{{listLatency, 4}, {slowLatency, 1}} {
		b.Run("latency="+tc.latency.String(), func(b *testing.B) { listBaselines(b, tc.latency, tc.rounds) })
	}
}

// listBaselines is the body of BenchmarkListBaselines at one latency.
func listBaselines(b *testing.B, latency time.Duration, rounds int) { //nolint:thelper // a sub-benchmark's body, not a helper: failures point here
	const n = 3000
	f := startFake(b, fakeConfig{users: n, latency: latency})
	c := newClient(b, f)
	gen := generatedClient(b, f)
	hand := &http.Client{Transport: newTransport()}
	b.Cleanup(hand.CloseIdleConnections)
	list := func(prefetch bool) int {
		users := 0
		for _, err := range c.Users.List(b.Context(), &panther.ListUsersOptions{Prefetch: prefetch}) {
			if err != nil {
				b.Fatal(err)
			}
			users++
		}
		return users
	}
	walkers := []struct {
		name string
		walk func() int
	}{
		{"list", func() int { return list(false) }},
		{"list-prefetch", func() int { return list(true) }},
		{"generated", func() int {
			users, params := 0, &api.UserListParams{}
			for {
				resp, err := gen.UserListWithResponse(b.Context(), params)
				if err != nil || resp.JSON200 == nil {
					b.Fatalf("generated list: %v", err)
				}
				users += len(resp.JSON200.Results)
				if resp.JSON200.Next == nil || *resp.JSON200.Next == "" {
					return users
				}
				params.Cursor = resp.JSON200.Next
			}
		}},
		{"nethttp", func() int {
			users, cursor := 0, ""
			for {
				u := f.URL + "/users"
				if cursor != "" {
					u += "?cursor=" + url.QueryEscape(cursor)
				}
				req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, u, nil)
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("X-API-Key", f.Token)
				resp, err := hand.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var page api.UserAPIListResp
				err = json.NewDecoder(resp.Body).Decode(&page)
				_ = resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				users += len(page.Results)
				if page.Next == nil || *page.Next == "" {
					return users
				}
				cursor = *page.Next
			}
		}},
	}
	totals := make([]cost, len(walkers))
	_, cpuOK := cpuTime()
	walks := 0
	for b.Loop() {
		for r := range rounds {
			for k := range walkers {
				i := (r + k) % len(walkers)
				runtime.GC() // each walk starts from a collected heap
				totals[i].measure(func() {
					if got := walkers[i].walk(); got != n {
						b.Fatalf("%s: %d users, want %d", walkers[i].name, got, n)
					}
				})
			}
			walks++
		}
	}
	floor := time.Duration((n+59)/60) * latency * time.Duration(walks)
	users := float64(n * walks)
	for i, w := range walkers {
		b.ReportMetric(float64(totals[i].wall)/float64(floor), "x-floor-"+w.name)
		if cpuOK {
			b.ReportMetric(float64(totals[i].cpu.Nanoseconds())/users, w.name+"-cpu-ns/user")
		}
		b.ReportMetric(float64(totals[i].mallocs)/users, w.name+"-allocs/user")
	}
	last := len(walkers) - 1 // nethttp
	for i, w := range walkers[:last] {
		b.ReportMetric(float64(totals[i].wall)/float64(totals[last].wall), "time-"+w.name+"/nethttp")
		if cpuOK {
			b.ReportMetric(float64(totals[i].cpu)/float64(totals[last].cpu), "cpu-"+w.name+"/nethttp")
		}
	}
	b.ReportMetric(0, "ns/op")
}

// median returns the median of xs, which must not be empty.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}
