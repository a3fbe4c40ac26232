package main

import "testing"

func TestProgressSaysOnePage(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 1)
	r := invocation{args: []string{"users", "list", "-o", "csv"}, vars: vars(srv), terminal: true}.run(t.Context())
	if r.code != 0 || r.stderr != "\rfetched 1 user (1 page)\n" {
		t.Errorf("exit %d, stderr %q; want progress in the singular", r.code, r.stderr)
	}
}
