package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// BenchmarkBulkUpdate changes 500 users with UpdateMany against a fake that
// allows 100 requests a second (answering 429 beyond), 8 workers, paced at the
// allowed rate. It reports the achieved rate as a fraction of the allowed one,
// failed items, 429s surfaced to the caller and seen on the wire, and the TCP
// connections opened (kept alive: one per worker, not one per request).
func BenchmarkBulkUpdate(b *testing.B) {
	const (
		n       = 500
		allowed = 100
		workers = 8
	)
	f := startFake(b, fakeConfig{users: n, rps: allowed})

	var dials atomic.Int64
	tr := newTransport()
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return dial(ctx, network, addr)
	}
	cnt := &counter{base: tr}
	c, err := panther.NewClient(f.URL, panther.WithAPIToken(f.Token), panther.WithHTTPClient(&http.Client{Transport: cnt}))
	if err != nil {
		b.Fatal(err)
	}
	var changes []panther.UserChange
	for u, err := range c.Users.List(b.Context(), nil) {
		if err != nil {
			b.Fatal(err)
		}
		changes = append(changes, panther.UserChange{ID: *u.Id, Input: panther.UserInputFrom(&u)})
	}
	if len(changes) != n {
		b.Fatalf("listed %d users, want %d", len(changes), n)
	}
	// The listing above used up part of this second's allowance.
	time.Sleep(time.Second)

	var results []panther.BulkResult
	var elapsed time.Duration
	round := 0
	for b.Loop() {
		round++
		for i := range changes {
			changes[i].Input.FamilyName = fmt.Sprintf("Round%d", round)
		}
		dials.Store(0)
		cnt.requests.Store(0)
		cnt.rated.Store(0)
		start := time.Now()
		results = c.Users.UpdateMany(b.Context(), changes, &panther.BulkOptions{Concurrency: workers, RequestsPerSecond: allowed})
		elapsed = time.Since(start)
	}
	failed, surfaced := 0, 0
	for _, r := range results {
		if r.Err != nil {
			failed++
			if errors.Is(r.Err, panther.ErrRateLimited) {
				surfaced++
			}
		} else if r.User.FamilyName != fmt.Sprintf("Round%d", round) {
			b.Fatalf("item %d: stored family name %q", r.Index, r.User.FamilyName)
		}
	}
	if failed > 0 {
		b.Errorf("%d of %d items failed; first: %v", failed, n, panther.BulkErrors(results))
	}
	b.ReportMetric(float64(n)/elapsed.Seconds()/allowed, "rate/allowed")
	b.ReportMetric(float64(failed), "failed-items")
	b.ReportMetric(float64(surfaced), "429-surfaced")
	b.ReportMetric(float64(cnt.rated.Load()), "429-on-wire")
	b.ReportMetric(float64(dials.Load()), "connections")
}
