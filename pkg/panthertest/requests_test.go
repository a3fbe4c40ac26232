package panthertest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func TestRequests(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithPathPrefix("/v1"))
	body := `{"email":"a@example.com","givenName":"A","familyName":"B","role":{"name":"Admin"}}`
	do(t, srv, call{method: "GET", path: "/users?limit=5&contains=x", token: srv.Token})
	do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: body})
	do(t, srv, call{method: "GET", path: "/users/PantherSSO_a%40example.com%2Fx", token: srv.ReadOnlyToken})
	do(t, srv, call{method: "PUT", path: "/users/x", token: srv.Token})

	type row struct {
		Method, Path, RawPath, RawQuery, Op, Key, Body string
		Status                                         int
	}
	var got []row
	for _, r := range srv.Requests() {
		got = append(got, row{r.Method, r.Path, r.RawPath, r.RawQuery, r.Op, r.Header.Get("X-API-Key"), string(r.Body), r.Status})
	}
	want := []row{
		{"GET", "/v1/users", "/v1/users", "limit=5&contains=x", "user#list", srv.Token, "", 200},
		{"POST", "/v1/users", "/v1/users", "", "user#create", srv.Token, body, 200},
		{"GET", "/v1/users/PantherSSO_a@example.com/x", "/v1/users/PantherSSO_a%40example.com%2Fx", "", "user#get", srv.ReadOnlyToken, "", 404},
		{"PUT", "/v1/users/x", "/v1/users/x", "", "", srv.Token, "", 405},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Requests() mismatch (-want +got):\n%s", diff)
	}
	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("after ResetRequests, %d requests", n)
	}
}

func TestRequestLogKeepsTheMostRecent(t *testing.T) {
	t.Parallel()
	srv := panthertest.NewServer(panthertest.WithTB(t), panthertest.WithRequestLog(3))
	for i := range 10 {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, fmt.Sprintf("%s/users/u%d", srv.URL, i), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-API-Key", srv.Token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		got := srv.Requests()
		want := min(i+1, 3)
		if len(got) != want || got[len(got)-1].Path != fmt.Sprintf("/users/u%d", i) {
			t.Fatalf("after %d requests: %d logged, last %q; want %d, last /users/u%d", i+1, len(got), got[len(got)-1].Path, want, i)
		}
	}
}
