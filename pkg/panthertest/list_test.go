package panthertest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// listFixture adds users that tell the filters apart.
func listFixture(t *testing.T, srv *panthertest.Server) {
	t.Helper()
	users := []api.UserAPIUser{
		{Id: ptr("id-alice"), Email: "alice@example.com", GivenName: "Alice", FamilyName: "Smith", Enabled: true, Status: ptr("CONFIRMED")},
		{Id: ptr("id-bob"), Email: "bob@corp.example", GivenName: "Bob", FamilyName: "Alinsky", Enabled: true, Status: ptr("FORCE_CHANGE_PASSWORD")},
		{Id: ptr("PantherSSO_dave@example.com"), Email: "dave@example.com", GivenName: "Dave", FamilyName: "Smith", Enabled: false, Status: ptr("CONFIRMED")},
		{Id: ptr("a,b"), Email: "comma@example.com", GivenName: "Carol", FamilyName: "Comma", Enabled: true, Status: ptr("CONFIRMED")},
		{Id: ptr("a"), Email: "a@example.com", GivenName: "Erin", FamilyName: "Ay", Enabled: true, Status: ptr("CONFIRMED")},
		{Id: ptr("b"), Email: "Frank.Mixed@Example.com", GivenName: "Frank", FamilyName: "Bee", Enabled: true, Status: ptr("FORCE_CHANGE_PASSWORD")},
	}
	for _, u := range users {
		u.Role = api.UserAPIRole{Name: ptr("Analyst")}
		if _, err := srv.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	listFixture(t, srv)
	all := []string{"alice@example.com", "bob@corp.example", "comma@example.com", "a@example.com", "Frank.Mixed@Example.com"}
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{name: "no filter hides deactivated", query: "", want: all},
		{name: "include-deactivated", query: "include-deactivated=true", want: []string{"alice@example.com", "bob@corp.example", "dave@example.com", "comma@example.com", "a@example.com", "Frank.Mixed@Example.com"}},
		{name: "include-deactivated false", query: "include-deactivated=false", want: all},
		{name: "email exact", query: "email=bob@corp.example", want: []string{"bob@corp.example"}},
		{name: "email in another case", query: "email=BOB@corp.example", want: []string{"bob@corp.example"}},
		{name: "email of a mixed-case address in lower case", query: "email=frank.mixed@example.com", want: []string{"Frank.Mixed@Example.com"}},
		{name: "email finds deactivated", query: "email=dave@example.com", want: []string{"dave@example.com"}},
		{name: "email overrides contains, status, ids and limit", query: "email=alice@example.com&contains=zzz&status=NOPE&id=id-bob&ids=b&limit=1&include-deactivated=false", want: []string{"alice@example.com"}},
		{name: "email unknown", query: "email=nobody@example.com", want: []string{}},
		{name: "email is not a substring match", query: "email=alice", want: []string{}},
		{name: "contains given name any case", query: "contains=ALI", want: []string{"alice@example.com", "bob@corp.example"}},
		{name: "contains family name", query: "contains=smith", want: []string{"alice@example.com"}},
		{name: "contains email", query: "contains=corp.EXAMPLE", want: []string{"bob@corp.example"}},
		{name: "contains mixed-case email", query: "contains=frank.mixed@example", want: []string{"Frank.Mixed@Example.com"}},
		{name: "contains with deactivated", query: "contains=smith&include-deactivated=true", want: []string{"alice@example.com", "dave@example.com"}},
		{name: "contains does not span fields", query: "contains=alicesmith", want: []string{}},
		{name: "id repeated", query: "id=id-alice&id=b", want: []string{"alice@example.com", "Frank.Mixed@Example.com"}},
		{name: "id is never split on commas", query: "id=" + url.QueryEscape("a,b"), want: []string{"comma@example.com"}},
		{name: "ids comma-separated", query: "ids=a,b", want: []string{"a@example.com", "Frank.Mixed@Example.com"}},
		{name: "ids with spaces", query: "ids=" + url.QueryEscape("id-bob, a"), want: []string{"bob@corp.example", "a@example.com"}},
		{name: "id and ids union", query: "id=id-alice&ids=id-bob", want: []string{"alice@example.com", "bob@corp.example"}},
		{name: "id with special characters", query: "id=" + url.QueryEscape("PantherSSO_dave@example.com") + "&include-deactivated=true", want: []string{"dave@example.com"}},
		{name: "id of deactivated user hidden", query: "id=" + url.QueryEscape("PantherSSO_dave@example.com"), want: []string{}},
		{name: "id unknown", query: "id=nope", want: []string{}},
		{name: "id and contains AND", query: "id=id-alice&id=id-bob&contains=bob", want: []string{"bob@corp.example"}},
		{name: "status", query: "status=FORCE_CHANGE_PASSWORD", want: []string{"bob@corp.example", "Frank.Mixed@Example.com"}},
		{name: "status is exact", query: "status=force_change_password", want: []string{}},
		{name: "status and contains", query: "status=CONFIRMED&contains=smith&include-deactivated=true", want: []string{"alice@example.com", "dave@example.com"}},
		{name: "empty values are absent", query: "contains=&email=&ids=&status=&cursor=", want: all},
		{name: "limit", query: "limit=2", want: []string{"alice@example.com", "bob@corp.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := do(t, srv, call{method: "GET", path: "/users?" + tt.query, token: srv.ReadOnlyToken})
			if r.status != http.StatusOK {
				t.Fatalf("status = %d %s", r.status, r.body)
			}
			got := decode[api.UserAPIListResp](t, r)
			if diff := cmp.Diff(tt.want, emails(got.Results)); diff != "" {
				t.Errorf("GET /users?%s mismatch (-want +got):\n%s", tt.query, diff)
			}
			var raw map[string]json.RawMessage
			_ = json.Unmarshal(r.body, &raw)
			if string(raw["results"]) == "null" {
				t.Error(`"results" is null, want []`)
			}
			if _, ok := raw["next"]; ok != (tt.query == "limit=2") {
				t.Errorf("next present = %v in %s", ok, r.body)
			}
		})
	}
}

// listAll pages through GET /users?query with limit, returning every page.
func listAll(t *testing.T, srv *panthertest.Server, query string) [][]string {
	t.Helper()
	var pages [][]string
	cursor := ""
	for range 1000 {
		q := query
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		r := do(t, srv, call{method: "GET", path: "/users?" + q, token: srv.Token})
		if r.status != http.StatusOK {
			t.Fatalf("GET /users?%s = %d %s", q, r.status, r.body)
		}
		page := decode[api.UserAPIListResp](t, r)
		pages = append(pages, emails(page.Results))
		if page.Next == nil {
			return pages
		}
		if *page.Next == "" {
			t.Fatalf("next is present but empty: %s", r.body)
		}
		cursor = *page.Next
	}
	t.Fatal("more than 1000 pages")
	return nil
}

func seq(from, to int) []string {
	out := []string{}
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("user%05d@example.com", i))
	}
	return out
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		users int
		query string
		want  [][]string
	}{
		{name: "short last page", users: 7, query: "limit=3", want: [][]string{seq(1, 3), seq(4, 6), seq(7, 7)}},
		{name: "exact fill has no next", users: 6, query: "limit=3", want: [][]string{seq(1, 3), seq(4, 6)}},
		{name: "limit 1", users: 3, query: "limit=1", want: [][]string{seq(1, 1), seq(2, 2), seq(3, 3)}},
		{name: "default limit is 60", users: 61, query: "", want: [][]string{seq(1, 60), seq(61, 61)}},
		{name: "default limit exact", users: 60, query: "", want: [][]string{seq(1, 60)}},
		{name: "limit 60", users: 120, query: "limit=60", want: [][]string{seq(1, 60), seq(61, 120)}},
		{name: "empty", users: 0, query: "limit=5", want: [][]string{{}}},
		// user00010..19 match "user0001"; pages are by matches, not by users scanned.
		{name: "filter across pages", users: 25, query: "limit=4&contains=USER0001", want: [][]string{seq(10, 13), seq(14, 17), seq(18, 19)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, panthertest.WithUsers(tt.users))
			if diff := cmp.Diff(tt.want, listAll(t, srv, tt.query)); diff != "" {
				t.Errorf("pages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestListCursorSurvivesWrites: a cursor points after the last user returned,
// so deletes and creates between pages neither skip nor repeat users.
func TestListCursorSurvivesWrites(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithUsers(6))
	users := srv.Users()
	r := do(t, srv, call{method: "GET", path: "/users?limit=3", token: srv.Token})
	page := decode[api.UserAPIListResp](t, r)
	// Delete the last user returned and the first one not yet returned,
	// update one still to come, and create a new one.
	for _, u := range []api.UserAPIUser{users[2], users[3]} {
		if r := do(t, srv, call{method: "DELETE", path: "/users/" + *u.Id, token: srv.Token}); r.status != 200 {
			t.Fatal(string(r.body))
		}
	}
	do(t, srv, call{method: "POST", path: "/users/" + *users[4].Id, token: srv.Token, body: modifyBody("renamed@example.com", "R", "N", adminRole)})
	do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: modifyBody("late@example.com", "L", "A", adminRole)})

	r = do(t, srv, call{method: "GET", path: "/users?limit=3&cursor=" + url.QueryEscape(*page.Next), token: srv.Token})
	got := decode[api.UserAPIListResp](t, r)
	want := []string{"renamed@example.com", "user00006@example.com", "late@example.com"}
	if diff := cmp.Diff(want, emails(got.Results)); diff != "" {
		t.Errorf("second page mismatch (-want +got):\n%s", diff)
	}
	if got.Next != nil {
		t.Errorf("next = %q on the last page", *got.Next)
	}
}

func TestListBadCursor(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithUsers(3))
	for _, c := range []string{"garbage", "cHQxOmFiYw", "eyJpZCI6MX0", "%00"} {
		t.Run(c, func(t *testing.T) {
			t.Parallel()
			r := do(t, srv, call{method: "GET", path: "/users?cursor=" + c, token: srv.Token})
			if r.status != http.StatusBadRequest {
				t.Fatalf("status = %d %s, want 400", r.status, r.body)
			}
			if m := decode[message](t, r); !contains(m.Message, "cursor") {
				t.Errorf("message %q does not mention the cursor", m.Message)
			}
		})
	}
}

// TestListStableOrder: repeated listings and updates keep insertion order.
func TestListStableOrder(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithUsers(10))
	first := listAll(t, srv, "limit=4")
	u := srv.Users()[0]
	do(t, srv, call{method: "POST", path: "/users/" + *u.Id, token: srv.Token, body: modifyBody("zzz@example.com", "Z", "Z", adminRole)})
	second := listAll(t, srv, "limit=4")
	first[0][0] = "zzz@example.com"
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("order changed (-before +after):\n%s", diff)
	}
}

// TestListLarge pages through many users; BenchmarkListAll does 30,000.
func TestListLarge(t *testing.T) {
	t.Parallel()
	const n = 3000
	srv := newFake(t, panthertest.WithUsers(n))
	pages := listAll(t, srv, "limit=60")
	total := 0
	for _, p := range pages {
		total += len(p)
	}
	if total != n || len(pages) != n/60 {
		t.Errorf("got %d users in %d pages, want %d in %d", total, len(pages), n, n/60)
	}
}

func BenchmarkListAll(b *testing.B) {
	for _, validate := range []bool{true, false} {
		b.Run(fmt.Sprintf("users=30000/validate=%v", validate), func(b *testing.B) {
			srv := panthertest.NewServer(panthertest.WithUsers(30000), panthertest.WithSpecValidation(validate))
			defer srv.Close()
			client := srv.Client()
			for b.Loop() {
				cursor := ""
				for {
					u := srv.URL + "/users?limit=60"
					if cursor != "" {
						u += "&cursor=" + url.QueryEscape(cursor)
					}
					req, _ := http.NewRequestWithContext(b.Context(), "GET", u, nil)
					req.Header.Set("X-API-Key", srv.Token)
					resp, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					var page api.UserAPIListResp
					err = json.NewDecoder(resp.Body).Decode(&page)
					resp.Body.Close()
					if err != nil || resp.StatusCode != 200 {
						b.Fatalf("status %d: %v", resp.StatusCode, err)
					}
					if page.Next == nil {
						break
					}
					cursor = *page.Next
				}
			}
		})
	}
}
