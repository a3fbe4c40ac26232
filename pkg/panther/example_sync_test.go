package panther_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// The list Panther should match, as read from a CSV file: Grace as she is,
// John (his address spelled in another case) with another role, and Ada,
// who is new. Jane, whom fakePanther also has, is not on it.
var exampleList = []panther.DesiredUser{
	{Email: "grace@example.com", GivenName: "Grace", FamilyName: "Hopper", Role: panther.RoleByName("Admin"), Source: "users.csv:2"},
	{Email: "John.Smith@example.com", GivenName: "John", FamilyName: "Smith", Role: panther.RoleByName("AnalystReadOnly"), Source: "users.csv:3"},
	{Email: "ada@example.com", GivenName: "Ada", FamilyName: "Lovelace", Role: panther.RoleByName("Analyst"), Source: "users.csv:4"},
}

func ExampleUsersService_Plan() {
	srv := fakePanther()
	defer srv.Close()
	client, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Prune deletes the users the list leaves out; without it they are kept.
	opts := &panther.PlanOptions{Prune: true}
	plan, err := client.Users.Plan(ctx, exampleList, opts)
	if err != nil {
		log.Fatal(err) // an entry's mistake, a guardrail's refusal, or the API's error
	}
	for _, a := range plan.Creates {
		fmt.Printf("+ create %s (%s)\n", a.Desired.Email, a.Desired.Source)
	}
	for _, a := range plan.Updates {
		for _, c := range a.Changes {
			fmt.Printf("~ update %s: %s %s -> %s\n", a.Current.Email, c.Field, c.From, c.To)
		}
	}
	for _, a := range plan.Deletes {
		fmt.Printf("- delete %s\n", a.Current.Email)
	}
	fmt.Printf("%d to create, %d to update, %d to delete, %d unchanged\n",
		len(plan.Creates), len(plan.Updates), len(plan.Deletes), len(plan.Unchanged))

	results, err := client.Users.Apply(ctx, plan, &panther.ApplyOptions{Concurrency: 4})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		switch {
		case r.Err == nil:
			fmt.Println(r.Action, "applied")
		case r.Skipped():
			fmt.Println(r.Action, "skipped:", r.Err) // Panther changed since the plan
		default:
			fmt.Println(r.Action, "failed:", r.Err)
		}
	}

	// Panther now matches the list: the same list plans nothing.
	again, err := client.Users.Plan(ctx, exampleList, opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("changes left:", len(again.Changes()))

	// Output:
	// + create ada@example.com (users.csv:4)
	// ~ update john.smith@example.com: role Analyst -> AnalystReadOnly
	// - delete jane.smith@example.com
	// 1 to create, 1 to update, 1 to delete, 1 unchanged
	// create users.csv:4 applied
	// update users.csv:3 applied
	// delete user "5d0c1f7e-0000-4000-8000-000000000003" applied
	// changes left: 0
}

func ExampleUsersService_Plan_guardrails() {
	srv := fakePanther()
	defer srv.Close()
	client, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}

	// An empty list with Prune on, as a truncated export would give: it
	// would delete everyone, the only admin among them.
	plan, err := client.Users.Plan(context.Background(), nil, &panther.PlanOptions{Prune: true})
	fmt.Println(errors.Is(err, panther.ErrRefused), len(plan.Deletes))
	fmt.Println(err)

	// Output:
	// true 3
	// panther: plan refused: it would delete 3 users, more than the default limit of 1 (the smaller of 10 users and 10% of the 3 users read); to allow it, set PlanOptions.MaxDeletes to 3 or more (--max-deletes 3)
	// panther: plan refused: it would delete or demote every enabled user with the role "Admin" (1 now), leaving none; to allow it, set PlanOptions.AllowNoAdmin (--allow-no-admin); if your admin role has another name, set PlanOptions.AdminRoles (--admin-role)
}
