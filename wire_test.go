package panthergo_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/api"
)

// TestGeneratedClientQueryString drives the generated client against a real
// HTTP server and checks, parameter by parameter, the query string that
// reaches the wire: form style, exploded arrays (repeated keys), reserved
// characters escaped, exactly as openapi.yaml defines them.
func TestGeneratedClientQueryString(t *testing.T) {
	t.Parallel()
	got := make(chan *url.URL, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"results":[]}`))
	}))
	t.Cleanup(srv.Close)
	client, err := api.NewClientWithResponses(srv.URL + "/v1")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		params    api.UserListParams
		wantRaw   string
		wantQuery url.Values
	}{
		{"no parameters", api.UserListParams{}, "", url.Values{}},
		{"cursor", api.UserListParams{Cursor: ptr("eyJvIjo2MH0=")}, "cursor=eyJvIjo2MH0%3D", url.Values{"cursor": {"eyJvIjo2MH0="}}},
		{"limit", api.UserListParams{Limit: ptr[int64](25)}, "limit=25", url.Values{"limit": {"25"}}},
		{"contains", api.UserListParams{Contains: ptr("ann b&c")}, "contains=ann+b%26c", url.Values{"contains": {"ann b&c"}}},
		{"email", api.UserListParams{Email: ptr("a+b@example.com")}, "email=a%2Bb%40example.com", url.Values{"email": {"a+b@example.com"}}},
		{
			"id is a repeated key", api.UserListParams{Id: &[]string{"PantherSSO_a@x.com", "b,c", "d"}},
			"id=PantherSSO_a%40x.com&id=b%2Cc&id=d", url.Values{"id": {"PantherSSO_a@x.com", "b,c", "d"}},
		},
		{"ids is one comma-separated value", api.UserListParams{Ids: ptr("a,b")}, "ids=a%2Cb", url.Values{"ids": {"a,b"}}},
		{"include-deactivated", api.UserListParams{IncludeDeactivated: ptr(true)}, "include-deactivated=true", url.Values{"include-deactivated": {"true"}}},
		{"status", api.UserListParams{Status: ptr("FORCE_CHANGE_PASSWORD")}, "status=FORCE_CHANGE_PASSWORD", url.Values{"status": {"FORCE_CHANGE_PASSWORD"}}},
		{
			"all together, in spec order",
			api.UserListParams{Cursor: ptr("c"), Limit: ptr[int64](60), Contains: ptr("x"), Id: &[]string{"1", "2"}, IncludeDeactivated: ptr(false), Status: ptr("CONFIRMED")},
			"cursor=c&limit=60&contains=x&id=1&id=2&include-deactivated=false&status=CONFIRMED",
			url.Values{"cursor": {"c"}, "limit": {"60"}, "contains": {"x"}, "id": {"1", "2"}, "include-deactivated": {"false"}, "status": {"CONFIRMED"}},
		},
	}
	// One server, so run the cases in order rather than in parallel.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := client.UserListWithResponse(t.Context(), &tt.params)
			if err != nil {
				t.Fatalf("UserListWithResponse: %v", err)
			}
			if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
				t.Fatalf("status %d, JSON200 %v", resp.StatusCode(), resp.JSON200)
			}
			u := <-got
			if u.Path != "/v1/users" {
				t.Errorf("path = %q, want /v1/users", u.Path)
			}
			if u.RawQuery != tt.wantRaw {
				t.Errorf("raw query = %q, want %q", u.RawQuery, tt.wantRaw)
			}
			if diff := cmp.Diff(tt.wantQuery, u.Query()); diff != "" {
				t.Errorf("query mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
