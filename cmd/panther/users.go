package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pantherkit/panther-go/pkg/panther"
)

func newUsersCmd(e env, g *globals) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "users",
		Short: "List, get, create, update and delete users",
		Long:  "List, get, create, update and delete users.\n\n" + outputHelp(),
		Example: `  panther users list --contains @acme.com
  panther users get --email ada@acme.com -o json
  panther users create --email ada@acme.com --given-name Ada --family-name Lovelace --role Analyst
  panther users update 8a6c... --role Admin
  panther users delete 8a6c... --yes`,
		PersistentPreRunE: func(*cobra.Command, []string) error { return g.checkOutput() },
	})
	cmd.AddCommand(
		newUsersListCmd(e, g),
		newUsersGetCmd(e, g),
		newUsersCreateCmd(e, g),
		newUsersUpdateCmd(e, g),
		newUsersDeleteCmd(e, g),
	)
	return cmd
}

func newUsersListCmd(e env, g *globals) *cobra.Command {
	var (
		opts     panther.ListUsersOptions
		maxUsers int
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List users, page by page",
		Long: `List users. Filters combine: --contains matches given name, family name and
email case-insensitively; --status matches the Cognito status exactly (for
example CONFIRMED or FORCE_CHANGE_PASSWORD); --id may be repeated.
Deactivated users are left out unless --include-deactivated.

With -o json the output is one JSON array, written page by page as pages
arrive; -o csv streams too. The table waits for the last page to align its
columns. When stderr is a terminal, progress is shown there.

` + outputHelp(),
		Example: `  panther users list
  panther users list --contains acme.com --status CONFIRMED -o csv > users.csv
  panther users list --id 8a6c... --id PantherSSO_ada@acme.com -o json
  panther users list --max 10`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if maxUsers < 0 {
				return usagef("--max %d: must not be negative", maxUsers)
			}
			c, err := g.client(e)
			if err != nil {
				return err
			}
			if maxUsers > 0 && maxUsers < panther.MaxPageSize && opts.PageSize == 0 {
				opts.PageSize = maxUsers // don't fetch a full page to show a few users
			}
			// Fetch the next page while this one is written, unless --max
			// may stop the listing early.
			opts.Prefetch = maxUsers == 0
			return listUsers(cmd.Context(), e, g.format, c, &opts, maxUsers)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Contains, "contains", "", "only users whose name or email contains this (case-insensitive)")
	f.StringVar(&opts.Status, "status", "", "only users with this status")
	f.StringArrayVar(&opts.IDs, "id", nil, "only the user with this id (repeatable)")
	f.BoolVar(&opts.IncludeDeactivated, "include-deactivated", false, "include deactivated users")
	f.IntVar(&opts.PageSize, "page-size", 0, "users per request, 1 to 60 (default: the API's, 60)")
	f.IntVar(&maxUsers, "max", 0, "stop after this many users (default: all)")
	return cmd
}

func listUsers(ctx context.Context, e env, f outputFormat, c *panther.Client, opts *panther.ListUsersOptions, maxUsers int) error {
	p := f.newPrinter(e.stdout, true)
	progress := newProgress(e)
	n, pages := 0, 0
	defer progress.done()
	for page, err := range c.Users.Pages(ctx, opts) {
		if err != nil {
			// End output already begun, so a JSON array still parses; with
			// nothing written, "[]" or a CSV header would pass for an empty
			// listing.
			if n > 0 {
				_ = p.close()
			}
			return err
		}
		pages++
		users := page.Users
		if maxUsers > 0 {
			users = users[:min(len(users), maxUsers-n)]
		}
		for i := range users {
			if err := p.write(&users[i]); err != nil {
				return err
			}
			n++
		}
		if err := p.flush(); err != nil {
			return err
		}
		progress.update(n, pages)
		if maxUsers > 0 && n == maxUsers {
			break
		}
	}
	return p.close()
}

func newUsersGetCmd(e env, g *globals) *cobra.Command {
	var email string
	cmd := &cobra.Command{
		Use:   "get [ID]",
		Short: "Get one user by id or by email",
		Example: `  panther users get 8a6c6f1e-...
  panther users get PantherSSO_ada@acme.com
  panther users get --email ada@acme.com -o json`,
		Args: args(func(cmd *cobra.Command, a []string) error {
			switch {
			case len(a) > 1:
				return fmt.Errorf("get takes one user id, got %d arguments", len(a))
			case len(a) == 1 && email != "":
				return fmt.Errorf("give a user id or --email, not both")
			case len(a) == 0 && email == "":
				return fmt.Errorf("give a user id or --email")
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, a []string) error {
			c, err := g.client(e)
			if err != nil {
				return err
			}
			var u *panther.User
			if email != "" {
				u, err = c.Users.GetByEmail(cmd.Context(), email)
			} else {
				u, err = c.Users.Get(cmd.Context(), a[0])
			}
			if err != nil {
				return err
			}
			return printUser(e, g.format, u)
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "find the user by exact email instead of id")
	return cmd
}

// roleFlags are --role and --role-id, of which at most one may be given.
type roleFlags struct{ name, id string }

func (r *roleFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&r.name, "role", "", "role name, e.g. Admin, Analyst, AnalystReadOnly (roles can be renamed in Panther)")
	cmd.Flags().StringVar(&r.id, "role-id", "", "role id, instead of --role")
}

func (r *roleFlags) check() error {
	if r.name != "" && r.id != "" {
		return usagef("give --role or --role-id, not both")
	}
	return nil
}

func (r *roleFlags) set() bool { return r.name != "" || r.id != "" }

func (r *roleFlags) role() panther.Role {
	if r.id != "" {
		return panther.RoleByID(r.id)
	}
	return panther.RoleByName(r.name)
}

func newUsersCreateCmd(e env, g *globals) *cobra.Command {
	var (
		in   panther.UserInput
		role roleFlags
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a user (Panther emails them an invitation)",
		Example: `  panther users create --email ada@acme.com --given-name Ada --family-name Lovelace --role Analyst
  panther users create --email bob@acme.com --given-name Bob --family-name Smith --role-id 3f1c... -o json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			// A slice, not a map: with several missing, name the first, every time.
			for _, f := range []struct{ flag, v string }{
				{"--email", in.Email}, {"--given-name", in.GivenName}, {"--family-name", in.FamilyName},
			} {
				if strings.TrimSpace(f.v) == "" {
					return usagef("%s is required", f.flag)
				}
			}
			if err := role.check(); err != nil {
				return err
			}
			if !role.set() {
				return usagef("give the user a role with --role NAME or --role-id ID")
			}
			in.Role = role.role()
			c, err := g.client(e)
			if err != nil {
				return err
			}
			u, err := c.Users.Create(cmd.Context(), in)
			if err != nil {
				return err
			}
			return printUser(e, g.format, u)
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Email, "email", "", "email address (required)")
	f.StringVar(&in.GivenName, "given-name", "", "given (first) name (required)")
	f.StringVar(&in.FamilyName, "family-name", "", "family (last) name (required)")
	role.add(cmd)
	return cmd
}

func newUsersUpdateCmd(e env, g *globals) *cobra.Command {
	var (
		email, given, family string
		role                 roleFlags
	)
	cmd := &cobra.Command{
		Use:   "update ID",
		Short: "Change a user's email, names or role; only the fields given change",
		Long: `Change a user. Panther's update replaces the whole user, so this reads the
user, changes only the fields given, and writes it back. It is not atomic: a
change made by someone else between the read and the write is overwritten.`,
		Example: `  panther users update 8a6c... --role Admin
  panther users update PantherSSO_ada@acme.com --family-name Byron`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			f := cmd.Flags()
			if err := role.check(); err != nil {
				return err
			}
			if !f.Changed("email") && !f.Changed("given-name") && !f.Changed("family-name") && !role.set() {
				return usagef("nothing to change: give --email, --given-name, --family-name, --role or --role-id")
			}
			c, err := g.client(e)
			if err != nil {
				return err
			}
			u, err := c.Users.Modify(cmd.Context(), a[0], func(in *panther.UserInput) error {
				if f.Changed("email") {
					in.Email = email
				}
				if f.Changed("given-name") {
					in.GivenName = given
				}
				if f.Changed("family-name") {
					in.FamilyName = family
				}
				if role.set() {
					in.Role = role.role()
				}
				return nil
			})
			if err != nil {
				return err
			}
			return printUser(e, g.format, u)
		},
	}
	f := cmd.Flags()
	f.StringVar(&email, "email", "", "new email address")
	f.StringVar(&given, "given-name", "", "new given (first) name")
	f.StringVar(&family, "family-name", "", "new family (last) name")
	role.add(cmd)
	return cmd
}

func newUsersDeleteCmd(e env, g *globals) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a user",
		Long: `Delete a user. On a terminal it asks first; from a script (stdin not a
terminal) it refuses unless --yes is given.`,
		Example: `  panther users delete 8a6c...
  panther users delete PantherSSO_ada@acme.com --yes`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			id := a[0]
			if !yes && !e.isTerminal(e.stdin) {
				return usagef("refusing to delete user %q without --yes: stdin is not a terminal to confirm on", id)
			}
			c, err := g.client(e)
			if err != nil {
				return err
			}
			if !yes {
				u, err := c.Users.Get(cmd.Context(), id)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "Delete %s %s <%s> (%s)? [y/N] ", printable(u.GivenName), printable(u.FamilyName), printable(u.Email), printable(id))
				answer, _ := bufio.NewReader(e.stdin).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
					fmt.Fprintln(e.stderr, "Not deleted.")
					return nil
				}
			}
			if err := c.Users.Delete(cmd.Context(), id); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "Deleted user %s.\n", printable(id))
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return cmd
}

func printUser(e env, f outputFormat, u *panther.User) error {
	p := f.newPrinter(e.stdout, false)
	if err := p.write(u); err != nil {
		return err
	}
	return p.close()
}
