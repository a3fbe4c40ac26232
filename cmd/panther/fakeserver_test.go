package main

import (
	"strings"
	"testing"
)

// fake-server on all interfaces prints a URL that the CLI takes: a
// loopback address, not the unspecified one it listens on.
func TestFakeServerOnAllInterfaces(t *testing.T) {
	t.Parallel()
	vars := startFakeServer(t, "--addr", "0.0.0.0:0", "--users", "3")
	if u := vars["PANTHER_API_URL"]; !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Errorf("PANTHER_API_URL=%s, want http://127.0.0.1:PORT", u)
	}
	if rows := listCSV(t, vars); len(rows) != 3 {
		t.Errorf("listed %d users through the printed URL, want 3", len(rows))
	}
	for in, want := range map[string]string{
		"http://0.0.0.0:8080":     "http://127.0.0.1:8080",
		"http://[::]:8080":        "http://127.0.0.1:8080",
		"http://[::]:8080/v1":     "http://127.0.0.1:8080/v1",
		"http://127.0.0.1:8080":   "http://127.0.0.1:8080",
		"http://192.168.1.5:8080": "http://192.168.1.5:8080",
	} {
		if got, _ := clientURL(in); got != want {
			t.Errorf("clientURL(%s) = %s, want %s", in, got, want)
		}
	}
}
