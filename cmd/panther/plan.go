package main

// `panther users plan`, and what `users apply` shares with it: the flags
// that choose the list and tune the guardrails, the plan itself
// (panther.UsersService.Plan), and how a plan is shown: a terraform-style
// diff, or JSON for machines.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// guardrailHelp describes the guardrails, for the help of plan and apply.
const guardrailHelp = `Guardrails, on by default; a plan one refuses is shown, then the command
exits 1 saying which flag allows it (apply changes nothing):
  - users the list does not name are kept; only --prune deletes them
  - a plan may delete at most 10 users or 10% of the org, whichever is
    smaller (rounded up); --max-deletes N allows N
  - a plan may not leave the org without an enabled user holding an admin
    role (--admin-role NAME, repeatable, default Admin; roles can be
    renamed); --allow-no-admin allows it. Users it creates do not count.`

// syncFlags are the flags plan and apply share.
type syncFlags struct {
	in           desiredInput
	prune        bool
	maxDeletes   int
	adminRoles   []string
	allowNoAdmin bool
}

func (s *syncFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&s.in.file, "file", "f", "", "the users Panther should have: a CSV, YAML or JSON `FILE` (- for stdin)")
	f.StringVar(&s.in.format, "format", "", "the list's format: csv, yaml or json (default: from the file's extension)")
	f.StringArrayVar(&s.in.columns, "column", nil, "read a field from another column or key: `FIELD=NAME`, FIELD one of email, givenName, familyName, role, roleId (repeatable)")
	f.BoolVar(&s.prune, "prune", false, "delete the users the list does not name (default: keep them)")
	f.IntVar(&s.maxDeletes, "max-deletes", 0, "allow deleting up to `N` users (default: 10 or 10% of the org, whichever is smaller)")
	f.StringArrayVar(&s.adminRoles, "admin-role", nil, "count users with this role `NAME` as admins, any case (repeatable; default Admin)")
	f.BoolVar(&s.allowNoAdmin, "allow-no-admin", false, "allow a plan that leaves no enabled user with an admin role")
}

func (s *syncFlags) options() *panther.PlanOptions {
	return &panther.PlanOptions{Prune: s.prune, MaxDeletes: s.maxDeletes, AdminRoles: s.adminRoles, AllowNoAdmin: s.allowNoAdmin}
}

// plan reads the list and plans it. A plan a guardrail refuses comes back
// with a *refusalError; a list with problems gives no plan and a usage
// error naming them all.
func (s *syncFlags) plan(ctx context.Context, e env, g *globals) (*panther.Client, *panther.SyncPlan, error) {
	if s.maxDeletes < 0 {
		return nil, nil, usagef("--max-deletes %d: must not be negative (leave it out for the default)", s.maxDeletes)
	}
	list, err := readDesired(e, s.in)
	if err != nil {
		return nil, nil, err
	}
	if err := list.check(); err != nil {
		return nil, nil, err
	}
	c, err := g.client(e)
	if err != nil {
		return nil, nil, err
	}
	stop := showWait(e, "reading the users in Panther")
	plan, err := c.Users.Plan(ctx, list.users(), s.options())
	stop("")
	switch {
	case errors.Is(err, panther.ErrRefused) && plan != nil:
		return c, plan, newRefusal(err, plan)
	case err != nil:
		return nil, nil, err
	}
	return c, plan, nil
}

// refusalError is a plan's refusal by the guardrails, each saying which
// flag allows what it refuses. It wraps the library's error, so it matches
// panther.ErrRefused.
type refusalError struct {
	err      error
	refusals []refusal
}

// refusal is one guardrail's refusal in the CLI's terms.
type refusal struct {
	Guardrail string `json:"guardrail"`
	Problem   string `json:"problem"`
	// Override is the flag that allows it: "--max-deletes 12"; Hint what
	// else may be meant.
	Override string `json:"override"`
	Hint     string `json:"hint,omitempty"`
}

func newRefusal(err error, plan *panther.SyncPlan) *refusalError {
	r := &refusalError{err: err}
	for _, err := range flatten(err) {
		var ge *panther.GuardrailError
		if !errors.As(err, &ge) {
			r.refusals = append(r.refusals, refusal{Problem: strings.TrimPrefix(err.Error(), "panther: ")})
			continue
		}
		ref := refusal{Guardrail: ge.Guardrail, Problem: ge.Problem, Override: ge.Override}
		switch ge.Guardrail {
		case "max-deletes":
			if plan.Options.MaxDeletes > 0 {
				ref.Problem = fmt.Sprintf("it would delete %d users, more than --max-deletes %d", len(plan.Deletes), plan.Options.MaxDeletes)
			}
			ref.Override = fmt.Sprintf("--max-deletes %d", len(plan.Deletes))
		case "admin":
			ref.Override = "--allow-no-admin"
			ref.Hint = "if your admin role has another name, name it with --admin-role NAME instead"
		}
		r.refusals = append(r.refusals, ref)
	}
	return r
}

func (r *refusalError) Error() string {
	line := func(ref refusal) string {
		if ref.Guardrail == "" || ref.Override == "" {
			return ref.Problem
		}
		s := ref.Problem + "; " + ref.Override
		if strings.HasPrefix(ref.Override, "--") {
			s = ref.Problem + "; to allow it, add " + ref.Override
		}
		if ref.Hint != "" {
			s += "; " + ref.Hint
		}
		return s
	}
	if len(r.refusals) == 1 {
		return "plan refused: " + line(r.refusals[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "plan refused by %d guardrails:", len(r.refusals))
	for _, ref := range r.refusals {
		b.WriteString("\n  " + line(ref))
	}
	return b.String()
}

func (r *refusalError) Unwrap() error { return r.err }

// planOption is how pkg/panther's messages name what to change: "set
// PlanOptions.AdminRoles (--admin-role)", the option and its flag.
var planOption = regexp.MustCompile(`set PlanOptions\.[A-Za-z]+ \((--[a-z-]+)\)`)

// cliAdvice puts the flag in place of the option in a plan's warning: "use
// --admin-role".
func cliAdvice(msg string) string { return planOption.ReplaceAllString(msg, "use $1") }

// planWriter writes a plan in one output format.
type planWriter func(w io.Writer, plan *panther.SyncPlan, refused *refusalError) error

// planWriters are the output formats (of output.go's table) that plan and
// apply write.
var planWriters = map[string]planWriter{"table": writePlanTable, "json": writePlanJSON}

// planWriterFor returns the writer for -o, or a usage error naming those
// that apply.
func planWriterFor(g *globals, command string) (planWriter, error) {
	if w, ok := planWriters[g.format.name]; ok {
		return w, nil
	}
	return nil, usagef("%s writes -o %s, not %s", command, strings.Join(planFormats(true), " or "), g.format.name)
}

// planFormats names the output formats plan writes, or those it does not.
func planFormats(written bool) []string {
	var names []string
	for _, f := range outputFormats {
		if _, ok := planWriters[f.name]; ok == written {
			names = append(names, f.name)
		}
	}
	return names
}

// otherFormats names the formats plan does not write, for the help: "-o
// csv, -o ids".
func otherFormats() string { return "-o " + strings.Join(planFormats(false), ", -o ") }

func newUsersPlanCmd(e env, g *globals) *cobra.Command {
	var (
		s        syncFlags
		exitCode bool
	)
	cmd := &cobra.Command{
		Use:   "plan -f FILE",
		Short: "Show what it would take to make Panther's users match a list",
		Long: `Compare a list of users (an identity-provider export, a CSV kept in a
repository) with the users Panther has, and show what 'panther users apply'
would do to make them match, changing nothing. Users match by email, ignoring
case. A listed user Panther lacks is created; a listed user whose names or
role differ is updated (only those fields); with --prune, a user the list
does not name is deleted. plan reads every user once, deactivated ones
included, and sends nothing else.

The plan, on stdout:
  -o table  a diff: "+ create" with the new user's fields, "~ update" with
            old -> new for each field that changes, "- delete" with the
            user's fields; then warnings (a role no user holds, which
            Panther may not have; a listed user who is deactivated) and a
            summary line:
              Plan: 2 to create, 1 to update, 0 to delete, 37 unchanged.
            Names, addresses and roles are shown with hidden characters
            escaped (see 'panther users --help').
  -o json   one object: "summary" (the counts: create, update, delete,
            unchanged, unlisted), "changes" (for each: "action", "source"
            (file:line), "id", "email", "fields" with "from" and "to" for an
            update, "desired" (what would be sent) and "current" (the API's
            user)), "warnings" and, when refused, "refused".
  ` + otherFormats() + `: not for a plan; a usage error (exit 2).

Exit codes: 0 the plan was made (with --exit-code: and changes nothing),
3 with --exit-code when the plan changes something, 1 a guardrail refused
the plan or a request failed, 2 a usage error or a problem in the list
(nothing was sent).

` + desiredHelp + "\n\n" + guardrailHelp,
		Example: `  panther users plan -f users.csv
  panther users plan -f okta-export.csv --column email="Work Email" --prune
  panther users plan -f people.yaml --prune --max-deletes 25 -o json
  panther users list -o csv > users.csv   # edit it, then:
  panther users plan -f users.csv --exit-code || echo "Panther differs from users.csv"`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			write, err := planWriterFor(g, "users plan")
			if err != nil {
				return err
			}
			_, plan, err := s.plan(cmd.Context(), e, g)
			if plan == nil {
				return err
			}
			var refused *refusalError
			errors.As(err, &refused)
			if err := write(e.stdout, plan, refused); err != nil {
				return err
			}
			if refused != nil {
				return refused
			}
			if exitCode && !plan.Empty() {
				return exitStatus(exitChanges)
			}
			return nil
		},
	}
	s.add(cmd)
	cmd.Flags().BoolVar(&exitCode, "exit-code", false, "exit 0 when the plan changes nothing and 3 when it changes something (for CI)")
	return cmd
}

// writePlanTable writes the plan as a diff (a refusal goes to stderr, as
// the command's error).
func writePlanTable(w io.Writer, plan *panther.SyncPlan, _ *refusalError) error {
	b := bufio.NewWriter(w)
	if plan.Empty() {
		fmt.Fprintln(b, "No changes: Panther's users match the list.")
	} else {
		fmt.Fprintln(b, "To match the list, Panther's users would change so:")
	}
	for _, a := range plan.Creates {
		fmt.Fprintf(b, "\n  + create %s (%s)\n", printable(a.Desired.Email), printable(a.Desired.Source))
		role, field := desiredRole(a.Desired)
		writeFields(b, [][2]string{
			{"givenName", quoted(a.Desired.GivenName)}, {"familyName", quoted(a.Desired.FamilyName)}, {field, quoted(role)},
		})
	}
	for _, a := range plan.Updates {
		fmt.Fprintf(b, "\n  ~ update %s (%s)\n", printable(a.Current.Email), printable(a.Desired.Source))
		var rows [][2]string
		for _, c := range a.Changes {
			rows = append(rows, [2]string{c.Field, quoted(c.From) + " -> " + quoted(c.To)})
		}
		writeFields(b, rows)
	}
	for _, a := range plan.Deletes {
		u := a.Current
		status := quoted(deref(u.Status))
		if !u.Enabled {
			status += " (deactivated)"
		}
		fmt.Fprintf(b, "\n  - delete %s (id %s)\n", printable(u.Email), quoted(deref(u.Id)))
		writeFields(b, [][2]string{
			{"givenName", quoted(u.GivenName)}, {"familyName", quoted(u.FamilyName)},
			{"role", quoted(firstNonEmpty(deref(u.Role.Name), deref(u.Role.Id)))}, {"status", status},
		})
	}
	if n := len(plan.Unlisted); n > 0 {
		fmt.Fprintf(b, "\nKept: %s the list does not name (--prune would delete them).\n", countNoun(n, "user"))
	}
	if len(plan.Warnings) > 0 {
		fmt.Fprintln(b, "\nWarnings:")
		for _, wn := range plan.Warnings {
			fmt.Fprintf(b, "  ! %s", printable(cliAdvice(wn.Message)))
			if len(wn.Sources) > 0 {
				fmt.Fprintf(b, ": %s", printable(strings.Join(wn.Sources, ", ")))
			}
			fmt.Fprintln(b)
		}
	}
	fmt.Fprintf(b, "\nPlan: %d to create, %d to update, %d to delete, %d unchanged.\n",
		len(plan.Creates), len(plan.Updates), len(plan.Deletes), len(plan.Unchanged))
	return b.Flush()
}

// writeFields writes an action's fields, aligned: `      role: "Analyst"`.
func writeFields(w io.Writer, rows [][2]string) {
	width := 0
	for _, r := range rows {
		width = max(width, len(r[0]))
	}
	for _, r := range rows {
		fmt.Fprintf(w, "      %-*s %s\n", width+1, r[0]+":", r[1])
	}
}

// quoted shows a value from the server or the list in double quotes, hidden
// characters escaped, so that an empty value or a trailing space shows.
func quoted(s string) string {
	return `"` + strings.ReplaceAll(printable(s), `"`, `\"`) + `"`
}

// desiredRole returns an entry's role and the field it is given as: "role"
// for a name, "roleId" for an id.
func desiredRole(d *panther.DesiredUser) (role, field string) {
	if d.Role.Id != nil {
		return *d.Role.Id, "roleId"
	}
	return deref(d.Role.Name), "role"
}

// planJSON is what -o json writes: the plan, and apply's results.
type planJSON struct {
	Summary  planSummary   `json:"summary"`
	Changes  []changeJSON  `json:"changes"`
	Warnings []warningJSON `json:"warnings"`
	Refused  []refusal     `json:"refused,omitempty"`
	Results  []resultJSON  `json:"results,omitempty"`
}

type planSummary struct {
	Create    int `json:"create"`
	Update    int `json:"update"`
	Delete    int `json:"delete"`
	Unchanged int `json:"unchanged"`
	Unlisted  int `json:"unlisted"`
}

type changeJSON struct {
	Action string `json:"action"`
	// Source is the entry's file and line; none for a delete.
	Source string      `json:"source,omitempty"`
	ID     string      `json:"id,omitempty"`
	Email  string      `json:"email"`
	Fields []fieldJSON `json:"fields,omitempty"`
	// Desired is what a create or an update sends (an update keeps the
	// address Panther has); Current the user as read.
	Desired *panther.UserInput `json:"desired,omitempty"`
	Current *panther.User      `json:"current,omitempty"`
}

type fieldJSON struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

type warningJSON struct {
	Message string   `json:"message"`
	Sources []string `json:"sources,omitempty"`
}

type resultJSON struct {
	Action string `json:"action"`
	Source string `json:"source,omitempty"`
	ID     string `json:"id,omitempty"`
	Email  string `json:"email"`
	// Outcome is "applied", "skipped" (the plan was stale) or "failed".
	Outcome string `json:"outcome"`
	Error   string `json:"error,omitempty"`
	// User is the user as stored after a create or an update.
	User *panther.User `json:"user,omitempty"`
}

// writePlanJSON writes the plan as one JSON object.
func writePlanJSON(w io.Writer, plan *panther.SyncPlan, refused *refusalError) error {
	return writeSyncJSON(w, plan, refused, nil)
}

// writeSyncJSON writes the plan and apply's results as one JSON object.
func writeSyncJSON(w io.Writer, plan *panther.SyncPlan, refused *refusalError, results []panther.SyncResult) error {
	out := planJSON{
		Summary: planSummary{Create: len(plan.Creates), Update: len(plan.Updates), Delete: len(plan.Deletes),
			Unchanged: len(plan.Unchanged), Unlisted: len(plan.Unlisted)},
		Changes:  []changeJSON{},
		Warnings: []warningJSON{},
	}
	for _, a := range plan.Changes() {
		out.Changes = append(out.Changes, actionJSON(a))
	}
	for _, wn := range plan.Warnings {
		out.Warnings = append(out.Warnings, warningJSON{Message: cliAdvice(wn.Message), Sources: wn.Sources})
	}
	if refused != nil {
		out.Refused = refused.refusals
	}
	for _, r := range results {
		a := actionJSON(r.Action)
		res := resultJSON{Action: a.Action, Source: a.Source, ID: a.ID, Email: a.Email, Outcome: outcome(&r), User: r.User}
		if r.Err != nil {
			res.Error = resultError(r.Err)
		}
		out.Results = append(out.Results, res)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", escapeJSONHidden(b))
	return err
}

// actionJSON is an action of the plan as -o json writes it.
func actionJSON(a panther.SyncAction) changeJSON {
	c := changeJSON{Action: string(a.Kind), Current: a.Current}
	if a.Current != nil {
		c.ID, c.Email = deref(a.Current.Id), a.Current.Email
	}
	if d := a.Desired; d != nil {
		in := panther.UserInput{Email: d.Email, GivenName: d.GivenName, FamilyName: d.FamilyName, Role: d.Role}
		if a.Current != nil {
			in.Email = a.Current.Email
		} else {
			c.Email = d.Email
		}
		c.Source, c.Desired = d.Source, &in
	}
	for _, f := range a.Changes {
		c.Fields = append(c.Fields, fieldJSON(f))
	}
	return c
}

// showWait shows, when stderr is a terminal, what the command waits for and
// for how long, until stop is called; stop replaces the line with done, or
// clears it when done is "".
func showWait(e env, what string) (stop func(done string)) {
	if !e.isTerminal(e.stderr) {
		return func(string) {}
	}
	start := time.Now()
	show := func() { fmt.Fprintf(e.stderr, "\r\x1b[K%s... %s", what, time.Since(start).Round(100*time.Millisecond)) }
	show()
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				show()
			}
		}
	}()
	return func(done string) {
		close(quit)
		<-exited
		fmt.Fprint(e.stderr, "\r\x1b[K")
		if done != "" {
			fmt.Fprintf(e.stderr, "%s in %s\n", done, time.Since(start).Round(time.Millisecond))
		}
	}
}
