package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panther"
)

// getter is one way of fetching a user by id.
type getter struct {
	name string
	get  func(ctx context.Context, id string) (*api.UserAPIUser, error)
}

// getters returns the ways compared: the wrapper as users make it (plain
// NewClient: its default transport and timeout), its Raw() client, the
// generated client, and what a careful person writes by hand with net/http
// and encoding/json, with a client Timeout and without (the baseline, last).
// The last three have transports of their own.
func getters(b *testing.B, f *fake) []getter {
	b.Helper()
	c, err := panther.NewClient(f.URL, panther.WithAPIToken(f.Token))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	gen := generatedClient(b, f)
	hand := &http.Client{Transport: newTransport()}
	b.Cleanup(hand.CloseIdleConnections)
	// The same, with the timeout a careful person sets, as net/http sets
	// it on an *http.Transport: a context deadline per request, as the
	// wrapper's default timeout is.
	handTimeout := &http.Client{Transport: newTransport(), Timeout: panther.DefaultTimeout}
	b.Cleanup(handTimeout.CloseIdleConnections)
	byHand := func(hc *http.Client) func(ctx context.Context, id string) (*api.UserAPIUser, error) {
		return func(ctx context.Context, id string) (*api.UserAPIUser, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL+"/users/"+url.PathEscape(id), nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("X-API-Key", f.Token)
			resp, err := hc.Do(req)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				_, _ = io.Copy(io.Discard, resp.Body)
				return nil, fmt.Errorf("status %d", resp.StatusCode)
			}
			var u api.UserAPIUser
			if err := json.NewDecoder(resp.Body).Decode(&u); err != nil {
				return nil, err
			}
			return &u, nil
		}
	}
	fromResponse := func(resp *api.UserGetResponse, err error) (*api.UserAPIUser, error) {
		if err != nil {
			return nil, err
		}
		if resp.JSON200 == nil {
			return nil, fmt.Errorf("status %d", resp.StatusCode())
		}
		return resp.JSON200, nil
	}
	return []getter{
		{"wrapper", c.Users.Get},
		{"raw", func(ctx context.Context, id string) (*api.UserAPIUser, error) {
			return fromResponse(c.Raw().UserGetWithResponse(ctx, id))
		}},
		{"generated", func(ctx context.Context, id string) (*api.UserAPIUser, error) {
			return fromResponse(gen.UserGetWithResponse(ctx, id))
		}},
		{"nethttp-timeout", byHand(handTimeout)},
		{"nethttp", byHand(hand)},
	}
}

// generatedClient returns the generated client for f, with the key added by a
// request editor as its documentation suggests, on its own transport.
func generatedClient(b *testing.B, f *fake) *api.ClientWithResponses {
	b.Helper()
	hc := &http.Client{Transport: newTransport()}
	b.Cleanup(hc.CloseIdleConnections)
	gen, err := api.NewClientWithResponses(f.URL, api.WithHTTPClient(hc),
		api.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("X-API-Key", f.Token)
			return nil
		}))
	if err != nil {
		b.Fatal(err)
	}
	return gen
}

// someUserID returns the id of a user on the fake.
func someUserID(b *testing.B, f *fake) string {
	b.Helper()
	c, err := panther.NewClient(f.URL, panther.WithAPIToken(f.Token))
	if err != nil {
		b.Fatal(err)
	}
	page, err := c.Users.ListPage(b.Context(), &panther.ListUsersOptions{PageSize: 1})
	if err != nil || len(page.Users) == 0 {
		b.Fatalf("list one user: %v", err)
	}
	return *page.Users[0].Id
}

// BenchmarkGet compares one Get through each getter: the client's CPU per
// call (user and system time of this process from getrusage, the fake being
// another process), wall time and heap allocations per call. The getters
// run in turns, a batch each, starting with a different one every round, so
// that machine noise and the garbage one leaves for the collector fall on
// all of them alike. The ratios to hand-written net/http (and the
// allocation difference) compare across machines; ns/op is left at 0.
func BenchmarkGet(b *testing.B) {
	f := startFake(b, fakeConfig{users: 10})
	id := someUserID(b, f)
	gs := getters(b, f)
	for _, g := range gs { // connections open, caches warm
		if _, err := g.get(b.Context(), id); err != nil {
			b.Fatalf("%s: %v", g.name, err)
		}
	}
	// Small batches, many rounds: the garbage collector's work lands on
	// whichever getter is running, and many short turns spread it fairly.
	const batch = 10
	totals := make([]cost, len(gs))
	_, cpuOK := cpuTime()
	calls, round := 0, 0
	for b.Loop() {
		for k := range gs {
			i := (round + k) % len(gs)
			g := gs[i]
			totals[i].measure(func() {
				for range batch {
					if _, err := g.get(b.Context(), id); err != nil {
						b.Fatalf("%s: %v", g.name, err)
					}
				}
			})
		}
		calls += batch
		round++
	}
	per := func(v float64) float64 { return v / float64(calls) }
	for i, g := range gs {
		if cpuOK {
			b.ReportMetric(per(float64(totals[i].cpu.Nanoseconds())), g.name+"-cpu-ns/call")
		}
		b.ReportMetric(per(float64(totals[i].wall.Nanoseconds())), g.name+"-ns/call")
		b.ReportMetric(per(float64(totals[i].mallocs)), g.name+"-allocs/call")
	}
	last := len(gs) - 1 // nethttp
	for i, g := range gs[:last] {
		if cpuOK {
			b.ReportMetric(float64(totals[i].cpu)/float64(totals[last].cpu), "cpu-"+g.name+"/nethttp")
		}
		b.ReportMetric(per(float64(totals[i].mallocs))-per(float64(totals[last].mallocs)), "allocs-"+g.name+"-nethttp")
	}
	// The wrapper against hand-written code that also bounds each request
	// with a deadline: what the wrapper costs beyond its timeout.
	if cpuOK {
		b.ReportMetric(float64(totalOf(b, gs, totals, "wrapper").cpu)/float64(totalOf(b, gs, totals, "nethttp-timeout").cpu), "cpu-wrapper/nethttp-timeout")
	}
	b.ReportMetric(0, "ns/op") // the per-call figures above are what counts
}

// totalOf returns what the getter called name cost.
func totalOf(b *testing.B, gs []getter, totals []cost, name string) cost {
	b.Helper()
	for i, g := range gs {
		if g.name == name {
			return totals[i]
		}
	}
	b.Fatalf("no getter %q", name)
	return cost{}
}
