package panthertest_test

import (
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	clock := newClock()
	srv := newFake(t, panthertest.WithRateLimit(3), panthertest.WithClock(clock.Now))
	get := func() reply { return do(t, srv, call{method: "GET", path: "/users", token: srv.Token}) }
	steps := []struct {
		advance time.Duration
		want    int
	}{
		{0, 200}, {100 * time.Millisecond, 200}, {100 * time.Millisecond, 200},
		{0, 429}, // 4th within the second
		{799 * time.Millisecond, 429},
		{time.Millisecond, 200}, // the first left the window (t=1s)
		{0, 429},
		{100 * time.Millisecond, 200}, // the second left (t=1.1s)
		{5 * time.Second, 200}, {0, 200}, {0, 200}, {0, 429},
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		r := get()
		if r.status != s.want {
			t.Fatalf("step %d = %d, want %d", i, r.status, s.want)
		}
		if r.status == 429 {
			if r.header.Get("Retry-After") != "1" {
				t.Errorf("step %d Retry-After = %q, want 1", i, r.header.Get("Retry-After"))
			}
			decode[message](t, r)
		}
	}
}
