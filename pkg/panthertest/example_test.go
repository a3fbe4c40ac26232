package panthertest_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// Start a fake with seeded users and list them with plain net/http. In a
// test, add panthertest.WithTB(t) so a response that breaks the spec fails
// the test and the server is closed with it.
func Example() {
	srv := panthertest.NewServer(panthertest.WithUsers(3))
	defer srv.Close()

	req, err := http.NewRequest(http.MethodGet, srv.URL+"/users?limit=2", nil)
	if err != nil {
		panic(err)
	}
	req.Header.Set("X-API-Key", srv.Token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()

	var page api.UserAPIListResp
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode)
	for _, u := range page.Results {
		fmt.Println(u.Email, u.GivenName, u.FamilyName, *u.Role.Name)
	}
	fmt.Println("more pages:", page.Next != nil)
	// Output:
	// 200
	// user00001@example.com Ada Lovelace Admin
	// user00002@example.com Grace Hopper Analyst
	// more pages: true
}

// Make the next two list requests fail with 429, as a throttled Panther
// would, to exercise a client's retries.
func ExampleServer_Inject() {
	srv := panthertest.NewServer()
	defer srv.Close()
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#list", Status: http.StatusTooManyRequests, RetryAfter: "1", Count: 2})

	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/users", nil)
		req.Header.Set("X-API-Key", srv.ReadOnlyToken)
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Output:
	// 429 1
	// 429 1
	// 200
}

// A token without "Manage Users" may read but not write.
func ExampleServer_NewToken() {
	srv := panthertest.NewServer()
	defer srv.Close()
	readOnly := srv.NewToken(panthertest.PermUserRead)

	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/users/someone", nil)
	req.Header.Set("X-API-Key", readOnly)
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&body)
	fmt.Println(resp.StatusCode, body["error"])
	// Output:
	// 403 forbidden
}

// Seed an org that looks like a real one, for trying access reviews,
// include-deactivated and SSO ids. The counts depend on n alone; the seed
// and the clock pick the people, ids and times.
func ExampleWithOrg() {
	now := func() time.Time { return time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC) }
	srv := panthertest.NewServer(panthertest.WithOrg(40), panthertest.WithSeed(7), panthertest.WithClock(now))
	defer srv.Close()

	byStatus := map[string]int{}
	var deactivated, sso, admins, neverLoggedIn int
	for _, u := range srv.Users() {
		byStatus[*u.Status]++
		if !u.Enabled {
			deactivated++
		}
		if strings.HasPrefix(*u.Id, "PantherSSO_") {
			sso++
		}
		if *u.Role.Name == "Admin" {
			admins++
		}
		if u.LastLoggedInAt == nil {
			neverLoggedIn++
		}
	}
	for _, s := range slices.Sorted(maps.Keys(byStatus)) {
		fmt.Println(s, byStatus[s])
	}
	fmt.Println("deactivated", deactivated, "sso", sso, "admins", admins, "never logged in", neverLoggedIn)
	// Output:
	// CONFIRMED 25
	// EXTERNAL_PROVIDER 10
	// FORCE_CHANGE_PASSWORD 3
	// RESET_REQUIRED 1
	// UNCONFIRMED 1
	// deactivated 2 sso 10 admins 2 never logged in 4
}
