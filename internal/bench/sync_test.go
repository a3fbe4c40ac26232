package bench

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// BenchmarkSyncPlan plans a list of n users against an org of n at 5 ms a
// response (and 5,000 at 50 ms, nearer what a caller sees from Panther):
// 90% of the list matches (a tenth of those with a changed family
// name), 10% is new, and prune deletes the 10% of the org the list leaves
// out. It reports requests per plan (which must be ceil(n/60) list pages
// and nothing else), the median plan's wall time as a multiple of its floor
// (pages × latency) and of a bare List walk of the same org timed beside it
// (what the listing alone costs on this machine), and the heap the plan
// holds once made, per user of the org: the same at both sizes when it grows
// in proportion to the org.
func BenchmarkSyncPlan(b *testing.B) {
	for _, tc := range []struct {
		name    string
		users   int
		latency time.Duration
	}{
		{"users=1000", 1000, listLatency},
		{"users=5000", 5000, listLatency},
		{"users=5000,latency=50ms", 5000, slowLatency},
	} {
		n := tc.users
		b.Run(tc.name, func(b *testing.B) {
			f := startFake(b, fakeConfig{users: n, latency: tc.latency})
			c := newClient(b, f)
			desired := planList(b, c, n)
			pages := (n + panther.MaxPageSize - 1) / panther.MaxPageSize
			floor := time.Duration(pages) * tc.latency
			opts := &panther.PlanOptions{Prune: true, MaxDeletes: n / 10}

			sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			heap := func() int64 { runtime.GC(); metrics.Read(sample); return int64(sample[0].Value.Uint64()) }
			var ratios, overList []float64
			var requests, held int64
			for b.Loop() {
				b.StopTimer()
				base := heap()
				var cnt requestCounter
				b.StartTimer()
				start := time.Now()
				plan, err := c.Users.Plan(cnt.context(b.Context()), desired, opts)
				elapsed := time.Since(start)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				held = heap() - base
				runtime.KeepAlive(plan)
				if len(plan.Updates) != n*9/100 || len(plan.Creates) != n/10 || len(plan.Deletes) != n/10 {
					b.Fatalf("plan: %d updates, %d creates, %d deletes; want %d, %d, %d",
						len(plan.Updates), len(plan.Creates), len(plan.Deletes), n*9/100, n/10, n/10)
				}
				requests = cnt.requests.Load()
				ratios = append(ratios, float64(elapsed)/float64(floor))
				l := listAll(b, c, tc.latency, 0, false)
				overList = append(overList, float64(elapsed)/float64(l.elapsed))
				b.StartTimer()
			}
			if requests != int64(pages) {
				b.Errorf("a plan sent %d requests, want %d list pages and nothing else", requests, pages)
			}
			b.ReportMetric(float64(requests), "requests")
			b.ReportMetric(median(ratios), "x-floor")
			b.ReportMetric(median(overList), "x-list")
			b.ReportMetric(float64(held)/float64(n), "held-B/user")
		})
	}
}

// planList lists the org once and returns BenchmarkSyncPlan's list.
func planList(b *testing.B, c *panther.Client, n int) []panther.DesiredUser {
	b.Helper()
	desired := make([]panther.DesiredUser, 0, n)
	i := 0
	for u, err := range c.Users.List(b.Context(), &panther.ListUsersOptions{PageSize: panther.MaxPageSize}) {
		if err != nil {
			b.Fatal(err)
		}
		i++
		if i > n*9/10 {
			continue // left out: a delete
		}
		d := panther.DesiredUser{Email: u.Email, GivenName: u.GivenName, FamilyName: u.FamilyName,
			Role: panther.RoleByName(*u.Role.Name), Source: fmt.Sprintf("users.csv:%d", i+1)}
		if i%10 == 0 {
			d.FamilyName += "-Changed"
		}
		desired = append(desired, d)
	}
	for j := range n / 10 {
		desired = append(desired, panther.DesiredUser{Email: fmt.Sprintf("new%05d@example.com", j), GivenName: "New",
			FamilyName: "Hire", Role: panther.RoleByName("Analyst")})
	}
	return desired
}

// BenchmarkSyncApply applies 500 changes (100 creates, 300 updates, 100
// deletes) to an org of 500 against a fake that allows 100 requests a second
// (answering 429 beyond), 8 workers, paced at the allowed rate. Each action
// sends two requests (the re-read, then the change), so the floor is 1,000
// requests at 100 a second. It reports the useful requests (two per action)
// a second as a fraction of the allowed rate, actions a second, requests
// resent after a 429, and failed, skipped and duplicated actions (a change
// the server accepted more than once, from the client's own log of its
// calls).
func BenchmarkSyncApply(b *testing.B) {
	const (
		org     = 500
		allowed = 100
		workers = 8
	)
	f := startFake(b, fakeConfig{users: org, rps: allowed})
	log := &callLog{}
	c, err := panther.NewClient(f.URL, panther.WithAPIToken(f.Token), panther.WithLogger(slog.New(log)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)

	var results []panther.SyncResult
	var elapsed time.Duration
	var cnt *requestCounter
	var writes, rated int
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		desired := applyList(b, c, round)
		plan := applyPlan(b, c, desired)
		time.Sleep(time.Second) // the plan's pages used up part of this second's allowance
		cnt = &requestCounter{}
		log.reset()
		b.StartTimer()
		start := time.Now()
		results, err = c.Users.Apply(cnt.context(b.Context()), plan, &panther.ApplyOptions{Concurrency: workers, RequestsPerSecond: allowed})
		elapsed = time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		writes, rated = log.counts()
		if again := applyPlan(b, c, desired); !again.Empty() {
			b.Errorf("round %d: the same list plans %d changes after Apply", round, len(again.Changes()))
		}
		b.StartTimer()
	}
	failed, skipped := 0, 0
	for _, r := range results {
		switch {
		case r.Skipped():
			skipped++
		case r.Failed():
			failed++
		}
	}
	if failed+skipped > 0 {
		b.Errorf("%d of %d actions failed, %d skipped; first: %v", failed, len(results), skipped, panther.SyncErrors(results))
	}
	if len(results) != org {
		b.Errorf("%d actions, want %d", len(results), org)
	}
	useful := requestsPerAction * len(results)
	b.ReportMetric(float64(useful)/elapsed.Seconds()/allowed, "rate/allowed")
	b.ReportMetric(float64(len(results))/elapsed.Seconds(), "actions/s")
	b.ReportMetric(float64(cnt.requests.Load()-int64(useful)), "resent")
	b.ReportMetric(float64(rated), "429-seen")
	b.ReportMetric(float64(failed), "failed")
	b.ReportMetric(float64(skipped), "skipped")
	b.ReportMetric(float64(writes-(len(results)-failed-skipped)), "duplicated")
}

// requestsPerAction is what each action of Apply sends: the re-read, then
// the change.
const requestsPerAction = 2

// applyList returns round's list: of the org as listed, the first 100 left
// out (deleted), the next 300 with the round's family name, the last 100
// as they are, and 100 new users.
func applyList(b *testing.B, c *panther.Client, round int) []panther.DesiredUser {
	b.Helper()
	var desired []panther.DesiredUser
	i := 0
	for u, err := range c.Users.List(b.Context(), &panther.ListUsersOptions{IncludeDeactivated: true, PageSize: panther.MaxPageSize}) {
		if err != nil {
			b.Fatal(err)
		}
		i++
		d := panther.DesiredUser{Email: u.Email, GivenName: u.GivenName, FamilyName: u.FamilyName, Role: panther.RoleByName(*u.Role.Name)}
		switch {
		case i <= 100:
			continue
		case i <= 400:
			d.FamilyName = fmt.Sprintf("Round%d", round)
		}
		desired = append(desired, d)
	}
	for j := range 100 {
		desired = append(desired, panther.DesiredUser{Email: fmt.Sprintf("r%03d-%03d@example.com", round, j),
			GivenName: "New", FamilyName: "Hire", Role: panther.RoleByName("Analyst")})
	}
	return desired
}

// applyPlan plans desired with pruning, allowing its 100 deletes.
func applyPlan(b *testing.B, c *panther.Client, desired []panther.DesiredUser) *panther.SyncPlan {
	b.Helper()
	plan, err := c.Users.Plan(b.Context(), desired, &panther.PlanOptions{Prune: true, MaxDeletes: 100})
	if err != nil {
		b.Fatal(err)
	}
	return plan
}

// callLog is a slog.Handler that counts, from the client's debug log (one
// record a call, one a retry), the calls that changed a user (a create,
// update or delete answered 2xx) and the 429s that were retried.
type callLog struct {
	mu            sync.Mutex
	writes, rated int
}

func (l *callLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *callLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *callLog) WithGroup(string) slog.Handler            { return l }

func (l *callLog) Handle(_ context.Context, r slog.Record) error {
	var op string
	var status int64
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "op":
			op = a.Value.String()
		case "status":
			status = a.Value.Int64()
		}
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case r.Message == "panther retry" && status == 429:
		l.rated++
	case r.Message == "panther request" && status >= 200 && status <= 299 &&
		(op == "user#create" || op == "user#update" || op == "user#delete"):
		l.writes++
	}
	return nil
}

func (l *callLog) reset() {
	l.mu.Lock()
	l.writes, l.rated = 0, 0
	l.mu.Unlock()
}

func (l *callLog) counts() (writes, rated int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.writes, l.rated
}
