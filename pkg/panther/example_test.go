package panther_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// fakePanther starts a fake Panther API with a few users. In real code the
// base URL is https://api.<your-panther-domain> and the token comes from
// the environment; see NewClientFromEnv.
func fakePanther() *panthertest.Server {
	srv := panthertest.NewServer()
	for _, u := range []struct{ id, email, given, family, role string }{
		{"PantherSSO_grace@example.com", "grace@example.com", "Grace", "Hopper", "Admin"},
		{"5d0c1f7e-0000-4000-8000-000000000002", "john.smith@example.com", "John", "Smith", "Analyst"},
		{"5d0c1f7e-0000-4000-8000-000000000003", "jane.smith@example.com", "Jane", "Smith", "AnalystReadOnly"},
	} {
		if _, err := srv.AddUser(panther.User{
			Id: &u.id, Email: u.email, GivenName: u.given, FamilyName: u.family,
			Role: panther.RoleByName(u.role), Enabled: true,
		}); err != nil {
			log.Fatal(err)
		}
	}
	return srv
}

func ExampleNewClient() {
	// A bare host gets https://, and a pasted GraphQL URL is cut back to the
	// API root.
	c, err := panther.NewClient("api.acme.runpanther.net/public/graphql", panther.WithAPIToken("example-token-not-real"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.BaseURL())
	fmt.Println(c) // the token is never printed

	// Output:
	// https://api.acme.runpanther.net
	// panther.Client{BaseURL: "https://api.acme.runpanther.net", UserAgent: "panther-go/0.1.0", Token: [redacted]}
}

func ExampleUsersService_Create() {
	srv := fakePanther()
	defer srv.Close()
	client, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}

	u, err := client.Users.Create(context.Background(), panther.UserInput{
		Email:      "ada@example.com",
		GivenName:  "Ada",
		FamilyName: "Lovelace",
		Role:       panther.RoleByName("Analyst"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Email, u.GetRole().GetName(), u.GetStatus(), u.Enabled)

	// Output:
	// ada@example.com Analyst FORCE_CHANGE_PASSWORD true
}

func ExampleUsersService_List() {
	srv := fakePanther()
	defer srv.Close()
	client, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}

	// Pages are fetched as the loop needs them; break stops fetching.
	opts := &panther.ListUsersOptions{Contains: "smith"}
	for u, err := range client.Users.List(context.Background(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.GivenName, u.FamilyName, u.GetRole().GetName())
	}

	// Output:
	// John Smith Analyst
	// Jane Smith AnalystReadOnly
}

func ExampleUsersService_List_prefetch() {
	srv := fakePanther()
	defer srv.Close()
	client, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}

	// An access review walks everyone and does some work per user: with
	// Prefetch the next page is on its way while this one is worked on.
	opts := &panther.ListUsersOptions{PageSize: 2, Prefetch: true}
	admins := 0
	for u, err := range client.Users.List(context.Background(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		if u.GetRole().GetName() == "Admin" {
			admins++ // in real code: check u against the HR system
		}
	}
	fmt.Println("admins:", admins)

	// Output:
	// admins: 1
}

func ExampleUsersService_GetMany() {
	srv := fakePanther()
	defer srv.Close()
	client, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}

	// One request per 60 ids; users come back in the order asked for,
	// unknown ids are left out.
	users, err := client.Users.GetMany(context.Background(), []string{
		"5d0c1f7e-0000-4000-8000-000000000003",
		"no-such-user",
		"PantherSSO_grace@example.com",
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range users {
		fmt.Println(u.GetId(), u.Email)
	}

	// Output:
	// 5d0c1f7e-0000-4000-8000-000000000003 jane.smith@example.com
	// PantherSSO_grace@example.com grace@example.com
}

func ExampleUsersService_Get_notFound() {
	srv := fakePanther()
	defer srv.Close()
	client, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Users.Get(context.Background(), "no-such-user")
	if errors.Is(err, panther.ErrNotFound) {
		fmt.Println("no such user")
	}
	var apiErr *panther.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Method, apiErr.Path)
	}

	// GetByEmail reports a missing user the same way.
	_, err = client.Users.GetByEmail(context.Background(), "nobody@example.com")
	fmt.Println(errors.Is(err, panther.ErrNotFound), err)

	// Output:
	// no such user
	// 404 GET /users/{id}
	// true panther: no user has that email
}

func ExampleUsersService_Modify() {
	srv := fakePanther()
	defer srv.Close()
	client, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}

	// Get, change one field, send the whole user back. Not atomic: Panther
	// has no ETag, so a concurrent change to the same user can be lost.
	u, err := client.Users.Modify(context.Background(), "PantherSSO_grace@example.com", func(in *panther.UserInput) error {
		in.Role = panther.RoleByName("Analyst")
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Email, u.GetRole().GetName())

	// Output:
	// grace@example.com Analyst
}

func ExampleUsersService_Pages() {
	srv := fakePanther()
	defer srv.Close()
	client, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}

	for page, err := range client.Users.Pages(context.Background(), &panther.ListUsersOptions{PageSize: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(len(page.Users), "users, last page:", page.Next == "")
	}

	// Output:
	// 2 users, last page: false
	// 1 users, last page: true
}
