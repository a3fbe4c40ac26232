package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pantherkit/panther-go/pkg/panther"
)

func newUsersCmd(e env, g *globals) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "users",
		Short: "List, get, create, update, delete and review users; plan and apply a list",
		Long:  "List, get, create, update, delete and review users.\n\n" + outputHelp(),
		Example: `  panther users list --contains @acme.com
  panther users get --email ada@acme.com -o json
  panther users create --email ada@acme.com --given-name Ada --family-name Lovelace --role Analyst
  panther users update 8a6c... --role Admin
  panther users update --email ada@acme.com --family-name Byron --dry-run
  panther users delete 8a6c... --yes
  panther users ls --status force_change_password -o ids
  panther users review --inactive-for 90d -o csv`,
		PersistentPreRunE: func(*cobra.Command, []string) error { return g.checkOutput() },
	})
	cmd.AddCommand(
		newUsersListCmd(e, g),
		newUsersGetCmd(e, g),
		newUsersCreateCmd(e, g),
		newUsersUpdateCmd(e, g),
		newUsersDeleteCmd(e, g),
		newUsersReviewCmd(e, g),
		newUsersPlanCmd(e, g),
		newUsersApplyCmd(e, g),
	)
	return cmd
}

func newUsersListCmd(e env, g *globals) *cobra.Command {
	var (
		opts              panther.ListUsersOptions
		maxUsers          int
		status, statusRaw string
		ids               []string
	)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List users, page by page",
		Long: `List users. Filters combine: --contains matches given name, family name and
email case-insensitively; --status matches the user's status, one of
` + strings.Join(userStatuses, ", ") + `
in any case (another value is an error: the API matches exactly, so a typo
would match nobody; --status-raw sends a value as it is, for a status panther
does not know yet). --id takes ids separated by commas, and may be repeated:
Panther's ids never hold a comma (a UUID for a password user,
PantherSSO_<email> for an SSO user). Deactivated users are left out unless
--include-deactivated.

With -o json the output is one JSON array, written page by page as pages
arrive; -o csv and -o ids stream too. The table waits for the last page to
align its columns. When stderr is a terminal, progress is shown there.

Interrupted (Ctrl-C), list stops, exits 130 and says on stderr how many users
it wrote: a JSON array is left unterminated, so that it cannot pass for the
whole list.

` + outputHelp(),
		Example: `  panther users list
  panther users list --contains acme.com --status confirmed -o csv > users.csv
  panther users list --id 8a6c...,PantherSSO_ada@acme.com -o json
  panther users ls --status force_change_password -o ids
  panther users list --max 10 --no-headers`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if maxUsers < 0 {
				return usagef("--max %d: must not be negative", maxUsers)
			}
			var err error
			if opts.Status, err = statusFilter(status, statusRaw); err != nil {
				return err
			}
			if opts.IDs, err = splitIDs(ids); err != nil {
				return err
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
	f.StringVar(&status, "status", "", statusHelp())
	f.StringVar(&statusRaw, "status-raw", "", "only users with exactly this status, sent as given (for a status --status does not know)")
	f.StringArrayVar(&ids, "id", nil, "only the users with these ids, separated by commas (repeatable)")
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
			if ctx.Err() != nil {
				return interruptedListing(e, f, p, n)
			}
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
	if n == 0 && f.name == "table" {
		// Machine formats say "none" their own way ([], a header); a table
		// of nothing would read as a command that did nothing.
		fmt.Fprintln(e.stderr, "no users matched")
	}
	return p.close()
}

// interruptedListing ends a listing stopped by Ctrl-C: the pages written
// stay, but nothing is added that would make them look whole (the JSON
// array's "]", the table's rows, held until the end).
func interruptedListing(e env, f outputFormat, p printer, n int) error {
	switch p := p.(type) {
	case *tablePrinter:
		return interruptedError{fmt.Sprintf("fetched %s; printed none (the table waits for the last page)", countNoun(n, "user"))}
	case *jsonPrinter:
		if n == 0 {
			return interruptedError{"no user written"}
		}
		_, _ = p.w.WriteString("\n") // a newline, so the shell's prompt starts a line
		_ = p.flush()
		return interruptedError{fmt.Sprintf("wrote %s; the JSON array on stdout is left unterminated: it is not the whole list", countNoun(n, "user"))}
	}
	_ = p.flush()
	return interruptedError{fmt.Sprintf("wrote %s as -o %s; stdout does not hold the whole list", countNoun(n, "user"), f.name)}
}

func newUsersGetCmd(e env, g *globals) *cobra.Command {
	var email string
	cmd := &cobra.Command{
		Use:     "get [ID]",
		Aliases: []string{"show"},
		Short:   "Get one user by id or by email",
		Example: `  panther users get 8a6c6f1e-...
  panther users get PantherSSO_ada@acme.com
  panther users get --email ada@acme.com -o json`,
		Args: args(func(cmd *cobra.Command, a []string) error { return oneUser(cmd, a, email) }),
		RunE: func(cmd *cobra.Command, a []string) error {
			c, err := g.client(e)
			if err != nil {
				return err
			}
			u, err := findUser(cmd.Context(), c, a, email)
			if err != nil {
				return err
			}
			return printUser(e, g.format, u)
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "find the user by exact email instead of id")
	return cmd
}

// oneUser checks that a command given the arguments a names one user: an
// id, or an email with --email.
func oneUser(cmd *cobra.Command, a []string, email string) error {
	switch {
	case len(a) > 1:
		return fmt.Errorf("%s takes one user id, got %d arguments", cmd.Name(), len(a))
	case len(a) == 1 && email != "" && cmd.Name() == "update":
		return fmt.Errorf("give a user id or --email, not both: --email finds the user, --new-email changes the address")
	case len(a) == 1 && email != "":
		return fmt.Errorf("give a user id or --email, not both")
	case len(a) == 0 && email == "":
		return fmt.Errorf("give a user id or --email")
	}
	return nil
}

// findUser gets the user named by the id in a, or by email.
func findUser(ctx context.Context, c *panther.Client, a []string, email string) (*panther.User, error) {
	if email != "" {
		return c.Users.GetByEmail(ctx, email)
	}
	return c.Users.Get(ctx, a[0])
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
		in     panther.UserInput
		role   roleFlags
		dryRun bool
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a user (Panther emails them an invitation)",
		Long: `Create a user: --email, --given-name, --family-name and a role (--role NAME
or --role-id ID) are required. Panther emails the user an invitation.

` + dryRunHelp,
		Example: `  panther users create --email ada@acme.com --given-name Ada --family-name Lovelace --role Analyst
  panther users create --email bob@acme.com --given-name Bob --family-name Smith --role-id 3f1c... -o json
  panther users create --email ada@acme.com --given-name Ada --family-name Lovelace --role Analyst --dry-run`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := role.check(); err != nil {
				return err
			}
			// A slice, not a map: the missing flags in the order of the help.
			var missing []string
			for _, f := range []struct{ flag, v string }{
				{"--email", in.Email}, {"--given-name", in.GivenName}, {"--family-name", in.FamilyName},
			} {
				if strings.TrimSpace(f.v) == "" {
					missing = append(missing, f.flag)
				}
			}
			if !role.set() {
				missing = append(missing, "--role (or --role-id)")
			}
			if len(missing) > 0 {
				return usagef("missing required flags: %s", strings.Join(missing, ", "))
			}
			in.Role = role.role()
			c, err := g.client(e)
			if err != nil {
				return err
			}
			if dryRun {
				if err := printRequest(e.stdout, "POST", c.BaseURL()+"/users", in, ""); err != nil {
					return err
				}
				fmt.Fprintln(e.stderr, dryRunDone)
				return nil
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
	f.BoolVar(&dryRun, "dry-run", false, "print the request instead of sending it")
	return cmd
}

func newUsersUpdateCmd(e env, g *globals) *cobra.Command {
	var (
		email, newEmail, given, family string
		role                           roleFlags
		dryRun                         bool
	)
	cmd := &cobra.Command{
		Use:   "update [ID] [--email ADDR]",
		Short: "Change a user's email, names or role; only the fields given change",
		Long: `Change a user, given by id or found by exact email with --email. Panther's
update replaces the whole user, so this reads the user, changes only the
fields given, and writes it back. It is not atomic: a change made by someone
else between the read and the write is overwritten. --new-email changes the
email address.

` + dryRunHelp + ` The changes are listed on stderr.`,
		Example: `  panther users update 8a6c... --role Admin
  panther users update PantherSSO_ada@acme.com --family-name Byron
  panther users update --email ada@acme.com --new-email ada@lovelace.example
  panther users update --email ada@acme.com --role Admin --dry-run`,
		Args: args(func(cmd *cobra.Command, a []string) error { return oneUser(cmd, a, email) }),
		RunE: func(cmd *cobra.Command, a []string) error {
			f := cmd.Flags()
			if err := role.check(); err != nil {
				return err
			}
			if !f.Changed("new-email") && !f.Changed("given-name") && !f.Changed("family-name") && !role.set() {
				return usagef("nothing to change: give --new-email, --given-name, --family-name, --role or --role-id")
			}
			c, err := g.client(e)
			if err != nil {
				return err
			}
			change := func(in *panther.UserInput) error {
				if f.Changed("new-email") {
					in.Email = newEmail
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
			}
			var u *panther.User
			if email != "" || dryRun {
				if u, err = findUser(cmd.Context(), c, a, email); err != nil {
					return err
				}
			}
			if dryRun {
				in := panther.UserInputFrom(u)
				_ = change(&in) // never fails
				if err := printRequest(e.stdout, "POST", c.BaseURL()+userPath(u.GetId()), in, ""); err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "dry run: %s; nothing was changed in Panther\n", changes(u, in))
				return nil
			}
			var id string
			if u != nil {
				id = u.GetId()
			} else {
				id = a[0]
			}
			u, err = c.Users.Modify(cmd.Context(), id, change)
			if err != nil {
				return err
			}
			return printUser(e, g.format, u)
		},
	}
	f := cmd.Flags()
	f.StringVar(&email, "email", "", "find the user by exact email instead of id")
	f.StringVar(&newEmail, "new-email", "", "new email address")
	f.StringVar(&given, "given-name", "", "new given (first) name")
	f.StringVar(&family, "family-name", "", "new family (last) name")
	role.add(cmd)
	f.BoolVar(&dryRun, "dry-run", false, "print the request instead of sending it")
	return cmd
}

func newUsersDeleteCmd(e env, g *globals) *cobra.Command {
	var (
		yes, dryRun bool
		idsFrom     string
		emails      []string
	)
	cmd := &cobra.Command{
		Use:     "delete [ID...] [--ids-from FILE|-] [--email ADDR...]",
		Aliases: []string{"rm"},
		Short:   "Delete users, given as arguments, listed in a file, or by email",
		Long: `Delete one or more users: the ids given as arguments, those listed in a
file with --ids-from FILE, or on stdin with --ids-from -, and the users found
by exact email with --email (repeatable; each is looked up first, and an
address no user has deletes nothing). A user given twice is deleted once.

An ids file holds one id per line. Blank lines are skipped, and so are lines
whose first character other than a space is #; spaces around an id are
dropped. Each line is read back as panther writes a CSV cell (see 'panther
users --help'), so the ids 'panther users review --ids-only' prints read
back exactly, and a hand-written id holding a backslash must write it as \\.

On a terminal, delete lists the users and asks first. From a script (stdin
not a terminal), and with --ids-from -, which takes stdin, it refuses unless
--yes is given.

The users are deleted a few at a time. Each one that fails gets a line on
stderr naming its id and the error, and the command exits 1; the others are
still deleted. An empty --ids-from list deletes nothing and succeeds, so a
review that finds nobody ends a pipeline cleanly. Interrupted (Ctrl-C), it
stops starting deletes, says how many were done, and exits 130.

With --dry-run, nothing is deleted and nothing asked: the users are looked
up, and the DELETE request for each is printed on stdout with who it is.`,
		Example: `  panther users delete 8a6c...
  panther users delete PantherSSO_ada@acme.com 8a6c... --yes
  panther users delete --ids-from leavers.txt
  panther users rm --email ada@acme.com --dry-run
  panther users review --inactive-for 180d --ids-only | panther users delete --ids-from - --yes`,
		Args: args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, a []string) error {
			if len(a) == 0 && idsFrom == "" && len(emails) == 0 {
				return usagef("give the users to delete: ids as arguments, --ids-from FILE|-, or --email ADDR")
			}
			if idsFrom == "-" && g.apiToken == "-" {
				return usagef("--ids-from - and --api-token - both read stdin: give the token with --api-token-file or %s", envAPITokenFile)
			}
			if idsFrom == "-" && !yes && !dryRun {
				return usagef("refusing to delete without --yes: --ids-from - reads the ids from stdin, which leaves no terminal to confirm on")
			}
			ids := slices.Clone(a)
			if idsFrom != "" {
				listed, err := readIDs(e, idsFrom)
				if err != nil {
					return err
				}
				ids = append(ids, listed...)
			}
			ids = uniqueIDs(ids)
			if len(ids) == 0 && len(emails) == 0 {
				fmt.Fprintln(e.stderr, "No users to delete.")
				return nil
			}
			if !yes && !dryRun && !e.isTerminal(e.stdin) {
				return usagef("refusing to delete %s without --yes: stdin is not a terminal to confirm on", countUsers(append(slices.Clone(ids), emails...)))
			}
			c, err := g.client(e)
			if err != nil {
				return err
			}
			for _, email := range emails {
				u, err := c.Users.GetByEmail(cmd.Context(), email)
				if err != nil {
					return fmt.Errorf("--email %s: %w; nothing deleted", printable(email), err)
				}
				ids = append(ids, u.GetId())
			}
			ids = uniqueIDs(ids)
			if dryRun {
				return dryRunDelete(cmd.Context(), e, c, ids)
			}
			if !yes {
				ok, err := confirmDelete(cmd.Context(), e, c, ids)
				if err != nil || !ok {
					return err
				}
			}
			return deleteUsers(cmd.Context(), e, c, ids)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&yes, "yes", "y", false, "delete without asking")
	f.StringVar(&idsFrom, "ids-from", "", "also delete the ids listed in `FILE`, one per line (- for stdin; # starts a comment line)")
	f.StringArrayVar(&emails, "email", nil, "also delete the user with this exact email, looked up first (repeatable)")
	f.BoolVar(&dryRun, "dry-run", false, "print the requests instead of sending them, and ask nothing")
	return cmd
}

// dryRunDelete prints the DELETE request of each id, with who it would
// delete, and sends none.
func dryRunDelete(ctx context.Context, e env, c *panther.Client, ids []string) error {
	users, err := c.Users.GetMany(ctx, ids)
	if err != nil {
		return err
	}
	byID := make(map[string]*panther.User, len(users))
	for i := range users {
		byID[users[i].GetId()] = &users[i]
	}
	missing := 0
	for _, id := range ids {
		who := "no user has this id: it would fail with 404"
		if u := byID[id]; u != nil {
			who = u.GivenName + " " + u.FamilyName + " <" + u.Email + ">" // printRequest escapes it
		} else {
			missing++
		}
		if err := printRequest(e.stdout, "DELETE", c.BaseURL()+userPath(id), nil, who); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stderr, "dry run: would delete %s", countNoun(len(ids)-missing, "user"))
	if missing > 0 {
		fmt.Fprintf(e.stderr, " (%d of the ids name no user)", missing)
	}
	fmt.Fprintln(e.stderr, "; "+strings.TrimPrefix(dryRunDone, "dry run: "))
	return nil
}

// describeUser names a user for a prompt or a comment, escaped.
func describeUser(u *panther.User) string {
	return fmt.Sprintf("%s %s <%s> (%s)", printable(u.GivenName), printable(u.FamilyName), printable(u.Email), printable(u.GetId()))
}

// maxIDLine is the longest line --ids-from reads: far beyond any id.
const maxIDLine = 64 << 10

// readIDs reads the ids file name ("-" for stdin) as newUsersDeleteCmd's
// help describes. Its errors are usage errors: nothing has been sent.
func readIDs(e env, name string) ([]string, error) {
	r := e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, usageError{fmt.Errorf("--ids-from: %w", err)}
		}
		defer func() { _ = f.Close() }() // read only: nothing to lose
		r = f
	}
	var ids []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4<<10), maxIDLine)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff") // a byte order mark from an editor
		}
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		id, err := decodeCSVCell(line)
		if err != nil {
			return nil, usagef("--ids-from %s: line %d: %v", printable(name), n, err)
		}
		ids = append(ids, id)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, usagef("--ids-from %s: line %d is longer than %d bytes: not a list of ids", printable(name), n+1, maxIDLine)
		}
		return nil, fmt.Errorf("--ids-from %s: %w", printable(name), err)
	}
	return ids, nil
}

// uniqueIDs returns ids without repeats, in first-seen order.
func uniqueIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	return slices.DeleteFunc(ids, func(id string) bool {
		dup := seen[id]
		seen[id] = true
		return dup
	})
}

// countUsers names what is deleted in a message: `user "8a6c..."` or "3 users".
func countUsers(ids []string) string {
	if len(ids) == 1 {
		return fmt.Sprintf("user %q", printable(ids[0]))
	}
	return fmt.Sprintf("%d users", len(ids))
}

// confirmDelete shows the users to be deleted on stderr and asks on stdin.
// Every id must name a user: what is shown is what would be deleted.
func confirmDelete(ctx context.Context, e env, c *panther.Client, ids []string) (bool, error) {
	users, err := c.Users.GetMany(ctx, ids)
	if err != nil {
		return false, err
	}
	byID := make(map[string]*panther.User, len(users))
	for i := range users {
		byID[users[i].GetId()] = &users[i]
	}
	var missing []string
	for _, id := range ids {
		if byID[id] == nil {
			missing = append(missing, fmt.Sprintf("%q", printable(id)))
		}
	}
	if len(missing) > 0 {
		return false, fmt.Errorf("no user has the id %s: nothing deleted; check the ids ('panther users list' shows them)", strings.Join(missing, ", "))
	}
	if len(ids) == 1 {
		fmt.Fprintf(e.stderr, "Delete %s? [y/N] ", describeUser(byID[ids[0]]))
	} else {
		fmt.Fprintf(e.stderr, "Delete %d users:\n", len(ids))
		for _, id := range ids {
			fmt.Fprintf(e.stderr, "  %s\n", describeUser(byID[id]))
		}
		fmt.Fprintf(e.stderr, "Delete these %d users? [y/N] ", len(ids))
	}
	if !answeredYes(e) {
		fmt.Fprintln(e.stderr, "Not deleted.")
		return false, nil
	}
	return true, nil
}

// answeredYes reads the answer to a [y/N] question from stdin: only y or
// yes, in any case, is a yes; anything else, or the end of input, is a no.
func answeredYes(e env) bool {
	answer, _ := bufio.NewReader(e.stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes"
}

// deleteUsers deletes ids with DeleteMany and reports on stderr: a line per
// failure, then what was done. One id fails with its own error, so that its
// exit code and hint are those of the error; several fail as exit 1.
func deleteUsers(ctx context.Context, e env, c *panther.Client, ids []string) error {
	results := c.Users.DeleteMany(ctx, ids, nil)
	if ctx.Err() != nil {
		deleted := 0
		for _, r := range results {
			if r.Err == nil {
				deleted++
			}
		}
		return interruptedError{fmt.Sprintf("deleted %d of %s before stopping ('panther users list --id ...' shows which are left)", deleted, countNoun(len(ids), "user"))}
	}
	if len(ids) == 1 {
		if err := results[0].Err; err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Deleted user %s.\n", printable(ids[0]))
		return nil
	}
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
			fmt.Fprintf(e.stderr, "panther: user %q not deleted: %s\n", printable(r.ID), strings.TrimPrefix(describe(r.Err), "panther: "))
		}
	}
	if failed > 0 {
		return fmt.Errorf("deleted %d of %d users; %d failed", len(ids)-failed, len(ids), failed)
	}
	fmt.Fprintf(e.stderr, "Deleted %d users.\n", len(ids))
	return nil
}

func printUser(e env, f outputFormat, u *panther.User) error {
	p := f.newPrinter(e.stdout, false)
	if err := p.write(u); err != nil {
		return err
	}
	return p.close()
}
