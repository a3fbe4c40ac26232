package main

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	r := invocation{args: []string{"demo", "--latency", "0s"}}.run(t.Context())
	if r.code != 0 {
		t.Fatalf("demo: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"1. Onboard", "status FORCE_CHANGE_PASSWORD",
		"2. Access review", "29 users in 3 pages",
		"3. Role change", "is now Analyst",
		"4. Get many", "asked for 150 ids, got 149 users in 3 requests",
		"5. Offboard", "404",
		"Done in",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestFakeServer(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	stdout := &syncBuffer{}
	done := make(chan result, 1)
	go func() {
		done <- invocation{args: []string{"fake-server", "--addr", "127.0.0.1:0", "--users", "7"}, stdout: stdout}.run(ctx)
	}()
	var url, token string
	deadline := time.Now().Add(5 * time.Second)
	for (url == "" || token == "") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		sc := bufio.NewScanner(strings.NewReader(stdout.String()))
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "export PANTHER_API_URL="); ok {
				url = v
			}
			if v, ok := strings.CutPrefix(sc.Text(), "export PANTHER_API_TOKEN="); ok {
				token = v
			}
		}
	}
	if url == "" || token == "" {
		cancel()
		t.Fatalf("fake-server printed no URL and token:\n%s", stdout.String())
	}
	// The printed URL and token work for the CLI itself.
	r := invocation{args: []string{"users", "list", "-o", "csv"}, vars: map[string]string{"PANTHER_API_URL": url, "PANTHER_API_TOKEN": token}}.run(t.Context())
	if r.code != 0 || strings.Count(r.stdout, "\n") != 8 {
		t.Errorf("list against fake-server: exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	cancel()
	select {
	case res := <-done:
		if res.code != 0 {
			t.Errorf("fake-server exit %d: %s", res.code, res.stderr)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("fake-server did not stop when its context ended")
	}
	http.DefaultClient.CloseIdleConnections()
}
