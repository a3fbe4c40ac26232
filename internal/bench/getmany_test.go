package bench

import (
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// BenchmarkGetMany fetches 1,000 users by id at 5 ms a response and reports
// the requests it took (batches of 60 through the list filter: 17) and the
// wall time as a multiple of 17 × latency; fetching one by one would take
// 1,000 requests.
func BenchmarkGetMany(b *testing.B) {
	const n = 1000
	f := startFake(b, fakeConfig{users: n + 100, latency: listLatency})
	c := newClient(b, f)
	ids := make([]string, 0, n)
	for u, err := range c.Users.List(b.Context(), nil) {
		if err != nil {
			b.Fatal(err)
		}
		if len(ids) < n {
			ids = append(ids, *u.Id)
		}
	}
	var got []panther.User
	var requests int64
	var elapsed time.Duration
	for b.Loop() {
		var cnt requestCounter
		start := time.Now()
		var err error
		got, err = c.Users.GetMany(cnt.context(b.Context()), ids)
		if err != nil {
			b.Fatal(err)
		}
		elapsed = time.Since(start)
		requests = cnt.requests.Load()
	}
	if len(got) != n {
		b.Fatalf("GetMany returned %d users, want %d", len(got), n)
	}
	for i := range got {
		if *got[i].Id != ids[i] {
			b.Fatalf("user %d is %s, want %s (input order)", i, *got[i].Id, ids[i])
		}
	}
	b.ReportMetric(float64(requests), "requests")
	b.ReportMetric(float64(elapsed)/float64(time.Duration(requests)*listLatency), "x-floor")
}
