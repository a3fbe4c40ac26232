package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panther"
)

// getter is one way of fetching a user by id.
type getter struct {
	name string
	get  func(ctx context.Context, id string) (*api.UserAPIUser, error)
}

// getters returns the three ways compared, each with its own transport to the
// same server: the wrapper, the generated client, and what a careful person
// writes by hand with net/http and encoding/json.
func getters(b *testing.B, f *fake) []getter {
	b.Helper()
	c, err := panther.NewClient(f.URL, panther.WithAPIToken(f.Token), panther.WithHTTPClient(&http.Client{Transport: newTransport()}))
	if err != nil {
		b.Fatal(err)
	}
	gen := generatedClient(b, f)
	hand := &http.Client{Transport: newTransport()}
	return []getter{
		{"wrapper", c.Users.Get},
		{"generated", func(ctx context.Context, id string) (*api.UserAPIUser, error) {
			resp, err := gen.UserGetWithResponse(ctx, id)
			if err != nil {
				return nil, err
			}
			if resp.JSON200 == nil {
				return nil, fmt.Errorf("status %d", resp.StatusCode())
			}
			return resp.JSON200, nil
		}},
		{"nethttp", func(ctx context.Context, id string) (*api.UserAPIUser, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL+"/users/"+url.PathEscape(id), nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("X-API-Key", f.Token)
			resp, err := hand.Do(req)
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
		}},
	}
}

// generatedClient returns the generated client for f, with the key added by a
// request editor as its documentation suggests, on its own transport.
func generatedClient(b *testing.B, f *fake) *api.ClientWithResponses {
	b.Helper()
	gen, err := api.NewClientWithResponses(f.URL, api.WithHTTPClient(&http.Client{Transport: newTransport()}),
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

// BenchmarkGet compares the cost of one Get through each getter, side by side
// in one run (ns/op and allocs/op from -benchmem). The server is another
// process, so allocations are the client's alone.
func BenchmarkGet(b *testing.B) {
	f := startFake(b, fakeConfig{users: 10})
	id := someUserID(b, f)
	for _, g := range getters(b, f) {
		b.Run(g.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.get(b.Context(), id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetOverhead interleaves the three getters in batches, so that
// machine noise hits all of them alike, and reports the wrapper's time and
// allocations as ratios to the generated client and to hand-written net/http:
// numbers that compare across machines.
func BenchmarkGetOverhead(b *testing.B) {
	f := startFake(b, fakeConfig{users: 10})
	id := someUserID(b, f)
	gs := getters(b, f)
	const batch = 50
	elapsed := make([]time.Duration, len(gs))
	mallocs := make([]uint64, len(gs))
	calls := 0
	var before, after runtime.MemStats
	for b.Loop() {
		for i, g := range gs {
			runtime.ReadMemStats(&before)
			start := time.Now()
			for range batch {
				if _, err := g.get(b.Context(), id); err != nil {
					b.Fatal(err)
				}
			}
			elapsed[i] += time.Since(start)
			runtime.ReadMemStats(&after)
			mallocs[i] += after.Mallocs - before.Mallocs
		}
		calls += batch
	}
	for i, g := range gs {
		b.ReportMetric(float64(elapsed[i].Nanoseconds())/float64(calls), g.name+"-ns/call")
		b.ReportMetric(float64(mallocs[i])/float64(calls), g.name+"-allocs/call")
	}
	b.ReportMetric(float64(elapsed[0])/float64(elapsed[1]), "time-wrapper/generated")
	b.ReportMetric(float64(mallocs[0])/float64(mallocs[1]), "allocs-wrapper/generated")
	b.ReportMetric(float64(elapsed[0])/float64(elapsed[2]), "time-wrapper/nethttp")
	b.ReportMetric(float64(mallocs[0])/float64(mallocs[2]), "allocs-wrapper/nethttp")
	b.ReportMetric(0, "ns/op") // the per-call figures above are what counts
}
