package main

// Listings that used to answer nothing: an empty result, a --status in
// another case or misspelt, --id with commas; the ids format and
// --no-headers; and a listing interrupted with Ctrl-C.

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func TestGoldenIDsAndNoHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"list.ids", []string{"users", "list", "--max", "5", "-o", "ids"}},
		{"list-no-headers.table", []string{"users", "list", "--max", "5", "--no-headers"}},
		{"list-no-headers.csv", []string{"users", "list", "--max", "5", "-o", "csv", "--no-headers"}},
		{"get.ids", []string{"users", "show", "--email", "user00002@example.com", "-o", "ids"}},
		{"review-no-headers.csv", []string{"users", "review", "--no-headers", "-o", "csv"}},
		{"review-ids.ids", []string{"users", "review", "--inactive-for", "90d", "-o", "ids"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var srv *panthertest.Server
			if strings.HasPrefix(tt.name, "review") {
				srv = newOrgFake(t)
			} else {
				srv = newFake(t, 25)
			}
			r := runOK(t, srv, tt.args...)
			golden(t, tt.name, r.stdout)
			if r.stderr != "" {
				t.Errorf("stderr = %q, want nothing", r.stderr)
			}
		})
	}
	// -o ids and --ids-only are one format.
	srv := newOrgFake(t)
	if a, b := runOK(t, srv, "users", "review", "--inactive-for", "90d", "-o", "ids"), runOK(t, srv, "users", "review", "--inactive-for", "90d", "--ids-only"); a.stdout != b.stdout {
		t.Errorf("-o ids and --ids-only differ:\n%s\n%s", a.stdout, b.stdout)
	}
}

// An empty result says so in the table's way, on stderr; the machine
// formats keep their own empty answers on stdout.
func TestGoldenEmptyResults(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 5)
	s := newSession(t, fakePairs(srv, "FAKE")...)
	for _, args := range [][]string{
		{"users", "list", "--contains", "nobody"},
		{"users", "list", "--contains", "nobody", "-o", "json"},
		{"users", "list", "--contains", "nobody", "-o", "csv"},
		{"users", "list", "--contains", "nobody", "-o", "csv", "--no-headers"},
		{"users", "list", "--contains", "nobody", "-o", "ids"},
		{"users", "ls", "--id", "no-such-id"},
	} {
		if r := s.run(invocation{args: args, vars: vars(srv)}); r.code != 0 {
			t.Errorf("panther %v: exit %d", args, r.code)
		}
	}
	golden(t, "empty.txt", s.String())
}

// --status takes Panther's statuses in any case and sends them as Panther
// spells them; anything else is a usage error unless --status-raw.
func TestGoldenStatus(t *testing.T) {
	t.Parallel()
	srv := newOrgFake(t)
	s := newSession(t, fakePairs(srv, "FAKE")...)
	srv.ResetRequests()
	s.run(invocation{args: []string{"users", "list", "--status", "force_change_password", "-o", "ids"}, vars: vars(srv)})
	if reqs := srv.Requests(); len(reqs) != 1 || !strings.Contains(reqs[0].RawQuery, "status=FORCE_CHANGE_PASSWORD") {
		t.Errorf("requests %+v, want one with status=FORCE_CHANGE_PASSWORD", reqs)
	}
	s.note("--status-raw sends the value as it is: Panther matches exactly")
	s.run(invocation{args: []string{"users", "list", "--status-raw", "force_change_password"}, vars: vars(srv)})
	s.run(invocation{args: []string{"users", "list", "--status", "Force_Change_Pasword"}, vars: vars(srv)})
	s.run(invocation{args: []string{"users", "list", "--status", "CONFIRMED", "--status-raw", "X"}, vars: vars(srv)})
	golden(t, "status.txt", s.String())
	for _, status := range panthertestStatuses {
		if _, err := statusFilter(strings.ToLower(status), ""); err != nil {
			t.Errorf("--status %s: %v; want a status the fake uses to be known", status, err)
		}
	}
}

// panthertestStatuses are the statuses the fake gives users.
var panthertestStatuses = []string{
	panthertest.StatusConfirmed, panthertest.StatusForceChangePassword, panthertest.StatusResetRequired,
	panthertest.StatusUnconfirmed, panthertest.StatusExternalProvider,
}

// --id takes commas as well as repeats; each id goes out as its own id
// parameter.
func TestListIDsWithCommas(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 10)
	u := srv.Users()
	srv.ResetRequests()
	r := runOK(t, srv, "users", "list", "-o", "ids", "--id", u[1].GetId()+", "+u[4].GetId(), "--id", u[7].GetId())
	if diff := cmp.Diff(u[1].GetId()+"\n"+u[4].GetId()+"\n"+u[7].GetId()+"\n", r.stdout); diff != "" {
		t.Errorf("listed ids (-want +got):\n%s", diff)
	}
	q, err := url.ParseQuery(srv.Requests()[0].RawQuery)
	if err != nil || !cmp.Equal(q["id"], []string{u[1].GetId(), u[4].GetId(), u[7].GetId()}) {
		t.Errorf("query %q: id = %q, want the three ids apart", srv.Requests()[0].RawQuery, q["id"])
	}
	bad := invocation{args: []string{"users", "list", "--id", u[1].GetId() + ",,x"}, vars: vars(srv)}.run(t.Context())
	if bad.code != exitUsage || !strings.Contains(bad.stderr, "an id is empty") {
		t.Errorf("--id a,,x: exit %d, stderr %q; want a usage error", bad.code, bad.stderr)
	}
}

// cancelOnWrite cancels the run's context at the command's first write to
// stdout: Ctrl-C while the first page is being printed.
type cancelOnWrite struct{ cancel context.CancelFunc }

func (c cancelOnWrite) Write(p []byte) (int, error) {
	c.cancel()
	return len(p), nil
}

// Ctrl-C during a listing: exit 130, the pages written stay, a JSON array
// is left unterminated (so it does not parse as the whole list) and stderr
// says so.
func TestInterruptedListing(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"json", "csv"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			// Slow enough that the next page, asked for while the first is
			// written, is still on its way when Ctrl-C comes.
			srv := newFake(t, 30, panthertest.WithLatency(200*time.Millisecond))
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			r := invocation{args: []string{"users", "list", "-o", format, "--page-size", "10"}, vars: vars(srv), stdout: cancelOnWrite{cancel}}.run(ctx)
			if r.code != exitInterrupted {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, exitInterrupted, r.stderr)
			}
			golden(t, "list-interrupted."+format, r.stdout)
			golden(t, "list-interrupted-"+format+".stderr", r.stderr)
			if format == "json" {
				var users []json.RawMessage
				if err := json.Unmarshal([]byte(r.stdout), &users); err == nil {
					t.Errorf("an interrupted JSON listing parses, as %d users: it passes for the whole list", len(users))
				}
				if n := strings.Count(r.stdout, `"email"`); n != 10 {
					t.Errorf("%d users written, want the first page of 10", n)
				}
			}
		})
	}
	t.Run("table", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, 30, panthertest.WithLatency(100*time.Millisecond))
		ctx, cancel := context.WithCancel(t.Context())
		go func() { // Ctrl-C once the second page is asked for
			for len(srv.Requests()) < 2 && ctx.Err() == nil {
				time.Sleep(5 * time.Millisecond)
			}
			cancel()
		}()
		r := invocation{args: []string{"users", "list", "--page-size", "10"}, vars: vars(srv)}.run(ctx)
		if r.code != exitInterrupted || r.stdout != "" || !strings.HasPrefix(r.stderr, "panther: interrupted: fetched ") || !strings.HasSuffix(r.stderr, "; printed none (the table waits for the last page)\n") {
			t.Errorf("exit %d, stdout %q, stderr %q; want 130, nothing printed, and why", r.code, r.stdout, r.stderr)
		}
	})
}
