package bench

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// BenchmarkBulkUpdate changes 500 users with UpdateMany against a fake that
// allows 100 requests a second (answering 429 beyond), 8 workers, paced at the
// allowed rate. It reports the achieved rate as a fraction of the allowed one,
// failed items, 429s surfaced to the caller, requests resent (the only
// failure this fake makes is a 429), and the TCP connections opened, the
// first listing's included (kept alive: at most one per worker, not one
// per request).
func BenchmarkBulkUpdate(b *testing.B) {
	const (
		n       = 500
		allowed = 100
		workers = 8
	)
	f := startFake(b, fakeConfig{users: n, rps: allowed})
	c := newClient(b, f)
	// Connections are counted from the listing on: it opens the one the
	// workers start with.
	cnt := &requestCounter{}
	var changes []panther.UserChange
	for u, err := range c.Users.List(cnt.context(b.Context()), nil) {
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
		cnt.requests.Store(0)
		start := time.Now()
		results = c.Users.UpdateMany(cnt.context(b.Context()), changes, &panther.BulkOptions{Concurrency: workers, RequestsPerSecond: allowed})
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
	b.ReportMetric(float64(cnt.requests.Load()-n), "resent")
	b.ReportMetric(float64(cnt.dials.Load()), "connections")
}
