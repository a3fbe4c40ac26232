package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func newDemoCmd(e env) *cobra.Command {
	var (
		users   int
		seed    int64
		latency time.Duration
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Walk through the whole job against a fake Panther started in this process",
		Long: `Start the fake Panther API in this process, seed it with users, and do what
a security team does with this client: onboard a user, review access with a
filtered listing across several pages, change a role, fetch many users by id
in batches, offboard, and make Panther match a list of users (a CSV, as
'panther users apply' reads it). Each step prints what it does and what it
saw.
Needs no Panther account and no network.`,
		Example: `  panther demo
  panther demo --users 3000 --latency 5ms`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if users < 1 || latency < 0 {
				return usagef("--users must be at least 1 and --latency not negative")
			}
			return demo(cmd.Context(), e.stdout, users, seed, latency)
		},
	}
	cmd.Flags().IntVar(&users, "users", 300, "users to seed the fake with: an org like a real one, deactivated users included")
	cmd.Flags().Int64Var(&seed, "seed", panthertest.DefaultSeed, "which org to seed: the same seed gives the same people, ids and roles (times are relative to now)")
	cmd.Flags().DurationVar(&latency, "latency", 2*time.Millisecond, "delay the fake adds to every response, like a real network")
	return cmd
}

func demo(ctx context.Context, w io.Writer, users int, seed int64, latency time.Duration) error {
	start := time.Now()
	srv, err := panthertest.Start(panthertest.WithOrg(users), panthertest.WithSeed(seed), panthertest.WithLatency(latency))
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		return err
	}
	say := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	say("Fake Panther API at %s with %d users, %s latency per response.", srv.URL, users, latency)

	say("\n1. Onboard: create Ada Lovelace <ada.lovelace@acme.example> as AnalystReadOnly")
	ada, err := c.Users.Create(ctx, panther.UserInput{
		Email: "ada.lovelace@acme.example", GivenName: "Ada", FamilyName: "Lovelace",
		Role: panther.RoleByName("AnalystReadOnly"),
	})
	if err != nil {
		return err
	}
	say("   created %s, status %s, role %s", deref(ada.Id), deref(ada.Status), deref(ada.Role.Name))

	say("\n2. Access review: every user whose name or email contains \"lovelace\", 4 per page")
	roles := map[string]int{}
	found, pages := 0, 0
	for page, err := range c.Users.Pages(ctx, &panther.ListUsersOptions{Contains: "lovelace", PageSize: 4}) {
		if err != nil {
			return err
		}
		pages++
		found += len(page.Users)
		for _, u := range page.Users {
			roles[deref(u.Role.Name)]++
		}
		say("   page %d: %d users", pages, len(page.Users))
	}
	say("   %d users in %d pages; by role:", found, pages)
	for _, r := range slices.Sorted(maps.Keys(roles)) {
		say("     %-16s %d", r, roles[r])
	}

	say("\n3. Role change: promote Ada to Analyst (reads the user, changes the role, writes it back)")
	ada, err = c.Users.Modify(ctx, deref(ada.Id), func(in *panther.UserInput) error {
		in.Role = panther.RoleByName("Analyst")
		return nil
	})
	if err != nil {
		return err
	}
	say("   %s is now %s", ada.Email, deref(ada.Role.Name))

	say("\n4. Get many: 150 users by id (one unknown), in batches of 60 through the list filter")
	ids := []string{deref(ada.Id), "00000000-0000-0000-0000-000000000000"}
	for _, u := range srv.Users() {
		if len(ids) == 150 {
			break
		}
		if deref(u.Id) != deref(ada.Id) {
			ids = append(ids, deref(u.Id))
		}
	}
	srv.ResetRequests()
	many, err := c.Users.GetMany(ctx, ids)
	if err != nil {
		return err
	}
	say("   asked for %d ids, got %d users in %d requests (unknown ids are left out)", len(ids), len(many), len(srv.Requests()))

	say("\n5. Offboard: delete Ada")
	if err := c.Users.Delete(ctx, deref(ada.Id)); err != nil {
		return err
	}
	_, err = c.Users.Get(ctx, deref(ada.Id))
	if err == nil {
		return errors.New("after delete, the user can still be fetched")
	}
	if !errors.Is(err, panther.ErrNotFound) {
		return fmt.Errorf("after delete, want not found: %w", err)
	}
	say("   deleted; getting her again says: %v", err)

	if err := demoSync(ctx, say, c, srv.Users()); err != nil {
		return err
	}

	say("\nDone in %s.", time.Since(start).Round(time.Millisecond))
	return nil
}

// demoSync is the demo's last step: make Panther match a CSV of its users
// as an HR export would list them (one leaver gone, one promotion, two
// hires), read as 'panther users apply -f users.csv --prune' reads it; then
// plan the same list again and find nothing left to do.
func demoSync(ctx context.Context, say func(string, ...any), c *panther.Client, users []panther.User) error {
	say("\n6. Sync from a list: users.csv is everyone, less a leaver, with a promotion and two hires; plan with prune, apply, plan again")
	var leaver, promoted string
	csv := appendCSVRecord(nil, []string{"email", "givenName", "familyName", "role"})
	for _, u := range users {
		role := deref(u.Role.Name)
		switch {
		case leaver == "" && u.Enabled && role == "Analyst":
			leaver = u.Email
			continue
		case promoted == "" && u.Enabled && role == "AnalystReadOnly":
			promoted, role = u.Email, "Analyst"
		}
		csv = appendCSVRecord(csv, []string{u.Email, u.GivenName, u.FamilyName, role})
	}
	csv = appendCSVRecord(csv, []string{"grace.hopper@acme.example", "Grace", "Hopper", "Analyst"})
	csv = appendCSVRecord(csv, []string{"alan.turing@acme.example", "Alan", "Turing", "AnalystReadOnly"})
	list := parseDesired("users.csv", "csv", csv, &columnMap{})
	if err := list.check(); err != nil {
		return err
	}
	opts := &panther.PlanOptions{Prune: true}
	plan, err := c.Users.Plan(ctx, list.users(), opts)
	if err != nil {
		return err
	}
	say("   users.csv: %d people (leaver %s, promoted %s)", len(list.entries), printable(leaver), printable(promoted))
	say("   plan: %d to create, %d to update, %d to delete, %d unchanged",
		len(plan.Creates), len(plan.Updates), len(plan.Deletes), len(plan.Unchanged))
	for _, a := range plan.Creates {
		say("     + create %s (%s)", printable(a.Desired.Email), printable(a.Desired.Source))
	}
	for _, a := range plan.Updates {
		for _, ch := range a.Changes {
			say("     ~ update %s: %s %s -> %s", printable(a.Current.Email), ch.Field, quoted(ch.From), quoted(ch.To))
		}
	}
	for _, a := range plan.Deletes {
		say("     - delete %s", printable(a.Current.Email))
	}
	for _, w := range plan.Warnings {
		say("     ! %s (%s)", printable(cliAdvice(w.Message)), countNoun(len(w.Sources), "user"))
	}
	results, err := c.Users.Apply(ctx, plan, nil)
	if err != nil {
		return err
	}
	if err := panther.SyncErrors(results); err != nil {
		return err
	}
	say("   applied %d of %s", len(results), countNoun(len(plan.Changes()), "change"))
	again, err := c.Users.Plan(ctx, list.users(), opts)
	if err != nil {
		return err
	}
	say("   planned again: %s; Panther matches users.csv", countNoun(len(again.Changes()), "change"))
	return nil
}
