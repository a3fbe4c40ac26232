package panther

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestListerServesAnotherListOperation: a list operation other than users
// (a made-up GET /roles answering {"results": [...], "next": "..."}) gets
// the same walk, prefetch and guards from a lister of a few lines, with no
// paging code of its own.
func TestListerServesAnotherListOperation(t *testing.T) {
	t.Parallel()
	type role struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	var all []role
	for i := range 25 {
		all = append(all, role{ID: "r" + strconv.Itoa(i), Name: fmt.Sprintf("Role %d", i)})
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/roles" || r.Header.Get("X-Api-Key") != "roles-test-token" {
			http.Error(w, `{"message":"no"}`, http.StatusNotFound)
			return
		}
		from, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		to := min(from+limit, len(all))
		body := map[string]any{"results": all[from:to]}
		if to < len(all) {
			body["next"] = strconv.Itoa(to)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(ts.Close)
	c, err := NewClient(ts.URL, WithAPIToken("roles-test-token"), WithHTTPClient(ts.Client()))
	if err != nil {
		t.Fatal(err)
	}

	// The whole of what a new list operation needs:
	roles := lister[role]{client: c, op: operation{"role#list", http.MethodGet, "/roles", true}, limit: 10,
		send: func(ctx context.Context, cursor string) (*http.Response, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/roles?limit=10&cursor="+cursor, nil)
			if err != nil {
				return nil, err
			}
			return c.hc.Do(req)
		}}

	for _, prefetch := range []bool{false, true} {
		var got []role
		pages := 0
		for r, err := range roles.items(t.Context(), "", walkOptions{prefetch: prefetch}) {
			if err != nil {
				t.Fatalf("prefetch=%t: %v", prefetch, err)
			}
			got = append(got, r)
		}
		for _, err := range roles.pages(t.Context(), "", walkOptions{prefetch: prefetch}) {
			if err != nil {
				t.Fatalf("prefetch=%t: %v", prefetch, err)
			}
			pages++
		}
		if diff := cmp.Diff(all, got); diff != "" || pages != 3 {
			t.Errorf("prefetch=%t: %d pages; roles mismatch (-want +got):\n%s", prefetch, pages, diff)
		}
	}
	// break stops it: one page fetched for the first role.
	for r, err := range roles.items(t.Context(), "", walkOptions{}) {
		if err != nil || r.ID != "r0" {
			t.Errorf("first role = %v, %v", r, err)
		}
		break
	}
	// The guards come with it: a 2-page budget ends the walk after page 2.
	var err2 error
	for _, err := range roles.pages(t.Context(), "", walkOptions{maxPages: 2}) {
		err2 = err
	}
	if err2 == nil || !errors.Is(err2, ErrTooManyPages) {
		t.Errorf("walk with maxPages 2 ended with %v, want ErrTooManyPages", err2)
	}
}
