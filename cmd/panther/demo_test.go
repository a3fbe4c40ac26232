package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	r := invocation{args: []string{"demo", "--latency", "0s"}}.run(t.Context())
	if r.code != 0 {
		t.Fatalf("demo: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"1. Onboard", "status FORCE_CHANGE_PASSWORD",
		"2. Access review", "10 users in 3 pages",
		"3. Role change", "is now Analyst",
		"4. Get many", "asked for 150 ids, got 149 users in 3 requests",
		"5. Offboard", "404",
		"6. Sync from a list", "users.csv: 301 people",
		"plan: 2 to create, 1 to update, 1 to delete, 298 unchanged",
		"+ create grace.hopper@acme.example (users.csv:301)", `: role "AnalystReadOnly" -> "Analyst"`,
		"applied 4 of 4 changes", "planned again: 0 changes; Panther matches users.csv",
		"Done in",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// startFakeServer runs `panther fake-server --addr 127.0.0.1:0 args...` until
// the test ends and returns the environment its output points a client at.
func startFakeServer(t *testing.T, args ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	stdout := &syncBuffer{}
	done := make(chan result, 1)
	go func() {
		done <- invocation{args: append([]string{"fake-server", "--addr", "127.0.0.1:0"}, args...), stdout: stdout}.run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case res := <-done:
			if res.code != 0 {
				t.Errorf("fake-server exit %d: %s", res.code, res.stderr)
			}
		case <-time.After(5 * time.Second):
			t.Error("fake-server did not stop when its context ended")
		}
		http.DefaultClient.CloseIdleConnections()
	})
	vars := map[string]string{}
	deadline := time.Now().Add(5 * time.Second)
	for (vars["PANTHER_API_URL"] == "" || vars["PANTHER_API_TOKEN"] == "") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		sc := bufio.NewScanner(strings.NewReader(stdout.String()))
		for sc.Scan() {
			if kv, ok := strings.CutPrefix(sc.Text(), "export "); ok {
				k, v, _ := strings.Cut(kv, "=")
				vars[k] = v
			}
		}
	}
	if vars["PANTHER_API_URL"] == "" || vars["PANTHER_API_TOKEN"] == "" {
		t.Fatalf("fake-server printed no URL and token:\n%s", stdout.String())
	}
	return vars
}

// listCSV runs `panther users list -o csv args...` against vars and returns
// its rows by column name.
func listCSV(t *testing.T, vars map[string]string, args ...string) []map[string]string {
	t.Helper()
	r := invocation{args: append([]string{"users", "list", "-o", "csv"}, args...), vars: vars}.run(t.Context())
	if r.code != 0 {
		t.Fatalf("users list %v: exit %d\n%s", args, r.code, r.stderr)
	}
	records, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("users list %v: not CSV with a header (%v):\n%s", args, err, r.stdout)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, name := range records[0] {
			row[name], err = decodeCSVCell(rec[i])
			if err != nil {
				t.Fatal(err)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// TestFakeServer: the printed URL and token work for the CLI itself, and
// the seeded org is what an outside conformance suite, run against
// `fake-server --users 40`, needs: deactivated users listed only with
// --include-deactivated, and SSO ids that work as ids.
func TestFakeServer(t *testing.T) {
	t.Parallel()
	vars := startFakeServer(t, "--users", "40")
	active, all := listCSV(t, vars), listCSV(t, vars, "--include-deactivated")
	deactivated := func(rows []map[string]string) int {
		n := 0
		for _, row := range rows {
			if row["enabled"] == "false" {
				n++
			}
		}
		return n
	}
	if len(active) != 38 || deactivated(active) != 0 {
		t.Errorf("users list: %d users, %d deactivated; want 38, none", len(active), deactivated(active))
	}
	if len(all) != 40 || deactivated(all) != 2 {
		t.Errorf("users list --include-deactivated: %d users, %d deactivated; want 40, 2", len(all), deactivated(all))
	}
	var sso string
	for _, row := range all {
		if strings.HasPrefix(row["id"], "PantherSSO_") && strings.Contains(row["id"], "+") {
			sso = row["id"]
		}
	}
	if sso == "" {
		t.Fatal("no SSO id with a + among the 40 users")
	}
	r := invocation{args: []string{"users", "get", sso, "-o", "json"}, vars: vars}.run(t.Context())
	if r.code != 0 || !strings.Contains(r.stdout, `"id": "`+sso+`"`) {
		t.Errorf("users get %s: exit %d\nstdout:\n%s\nstderr:\n%s", sso, r.code, r.stdout, r.stderr)
	}
}

// TestFakeServerSeed: --seed picks the org; the same seed, the same people.
func TestFakeServerSeed(t *testing.T) {
	t.Parallel()
	people := func(args ...string) []string {
		var out []string
		for _, row := range listCSV(t, startFakeServer(t, args...), "--include-deactivated") {
			out = append(out, row["id"]+" "+row["email"]+" "+row["role"]+" "+row["status"])
		}
		return out
	}
	one, again, two := people("--users", "12"), people("--users", "12", "--seed", "1"), people("--users", "12", "--seed", "2")
	if diff := cmp.Diff(one, again); diff != "" {
		t.Errorf("the default seed and --seed 1 differ (-default +seed 1):\n%s", diff)
	}
	if cmp.Equal(one, two) {
		t.Errorf("--seed 2 gives the same users as --seed 1: %v", two)
	}
}
