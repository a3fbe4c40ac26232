package main

// `panther users review`: an access review of every user. The rules and the
// summary are panther.Review's; this file reads the users, picks the rules
// from the flags, and prints the report in each of the formats of output.go,
// or as bare ids for `panther users delete --ids-from -`.

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pantherkit/panther-go/pkg/panther"
)

func newUsersReviewCmd(e env, g *globals) *cobra.Command {
	var (
		opts              panther.ReviewOptions
		inactive, pending windowFlag
		idsOnly           bool
	)
	cmd := &cobra.Command{
		Use:   "review",
		Short: "Review access: inactive users, users who never logged in, old invitations",
		Long: `Review who has access: the evidence an access review asks for. review reads
every user once (deactivated users only with --include-deactivated) and
applies the rules given:

  --inactive-for D               last login more than D ago, or never logged
                                 in and created more than D ago
  --never-logged-in              never logged in
  --pending-invite-older-than D  invitation not yet accepted (status
                                 FORCE_CHANGE_PASSWORD), sent more than D ago

With no rule flag, all three run, as --inactive-for 90d --never-logged-in
--pending-invite-older-than 14d. A time Panther leaves out or sends unreadable
never hides a user: a login time that cannot be read counts as none, and a
creation date that cannot be read as older than any window.

D is ` + durationForms + `.

--role (repeatable, any case) reviews only users with that role; the summary
then counts only them. --admin-role names the roles counted as admins
(repeatable; default Admin, Panther's own: roles can be renamed).

Output, a summary first (users by role and by status, admins, deactivated,
findings per rule) and then a row per user who matched a rule, with the rules
it matched:
  -o table   the summary, then the findings
  -o json    one object: "at", "criteria", "summary" and "findings" (the
             API's user object and its "rules")
  -o csv     the findings only: a header, then a row per user, the id first
             and the rules (separated by spaces) last
  -o ids     the ids only, one per line, for 'panther users delete --ids-from':
             every id reads back exactly, which a column cut from the CSV
             does only for ids holding no comma, semicolon or double quote
             (--ids-only is the same)
--no-headers leaves out the CSV's header; the table is a report, and keeps
its titles.

` + outputHelp(),
		Example: `  panther users review
  panther users review --inactive-for 90d --role Admin -o csv > stale-admins.csv
  panther users review --pending-invite-older-than 2w --include-deactivated -o json
  panther users review --inactive-for 180d --ids-only > leavers.txt
  panther users delete --ids-from leavers.txt
  panther users review --inactive-for 180d --ids-only | panther users delete --ids-from - --yes
  panther users review --inactive-for 180d -o csv | tail -n +2 | cut -d, -f1 | panther users delete --ids-from - --yes`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := cmd.Flags()
			if idsOnly && f.Changed("output") && g.format.name != "ids" {
				return usagef("--ids-only prints ids, one per line (as -o ids does): leave out -o")
			}
			opts.InactiveFor, opts.PendingInviteOlderThan = inactive.d, pending.d
			if !f.Changed("inactive-for") && !f.Changed("never-logged-in") && !f.Changed("pending-invite-older-than") {
				opts.InactiveFor = panther.DefaultInactiveFor
				opts.NeverLoggedIn = true
				opts.PendingInviteOlderThan = panther.DefaultPendingInviteOlderThan
			}
			c, err := g.client(e)
			if err != nil {
				return err
			}
			users, err := allUsers(cmd.Context(), e, c, opts.IncludeDeactivated)
			if err != nil {
				return err
			}
			warnUnknownRoles(e, users, opts.Roles)
			report := panther.Review(users, opts, e.now().UTC().Truncate(time.Second))
			format := g.format
			if idsOnly {
				format, _ = parseFormat("ids")
			}
			write, ok := reviewPrinters[format.name]
			if !ok {
				return fmt.Errorf("review cannot print -o %s", format.name)
			}
			return write(e.stdout, &report, &opts, format.noHeaders)
		},
	}
	f := cmd.Flags()
	f.Var(&inactive, "inactive-for", "find users whose last login, or creation if they never logged in, is older than this (90d, 2w, 36h)")
	f.BoolVar(&opts.NeverLoggedIn, "never-logged-in", false, "find users who never logged in")
	f.Var(&pending, "pending-invite-older-than", "find invitations (FORCE_CHANGE_PASSWORD) sent longer ago than this (14d, 2w)")
	f.StringArrayVar(&opts.Roles, "role", nil, "review only users with this role `NAME`, any case (repeatable)")
	f.StringArrayVar(&opts.AdminRoles, "admin-role", nil, "count users with this role `NAME` as admins (repeatable; default Admin)")
	f.BoolVar(&opts.IncludeDeactivated, "include-deactivated", false, "review deactivated users too")
	f.BoolVar(&idsOnly, "ids-only", false, "print only the ids of the users found, one per line, for 'panther users delete --ids-from -'")
	return cmd
}

// allUsers reads every user, fetching each next page while the last is
// stored, with progress on a terminal.
func allUsers(ctx context.Context, e env, c *panther.Client, includeDeactivated bool) ([]panther.User, error) {
	progress := newProgress(e)
	defer progress.done()
	var users []panther.User
	pages := 0
	for page, err := range c.Users.Pages(ctx, &panther.ListUsersOptions{IncludeDeactivated: includeDeactivated, Prefetch: true}) {
		if err != nil {
			return nil, err
		}
		pages++
		users = append(users, page.Users...)
		progress.update(len(users), pages)
	}
	return users, nil
}

// warnUnknownRoles warns on stderr about each --role that no user has: a
// misspelt role would otherwise pass for a clean review.
func warnUnknownRoles(e env, users []panther.User, roles []string) {
	var seen []string
	for i := range users {
		if name := users[i].GetRole().GetName(); name != "" && !slices.Contains(seen, name) {
			seen = append(seen, name)
		}
	}
	slices.Sort(seen)
	for _, r := range roles {
		if !slices.ContainsFunc(seen, func(s string) bool { return strings.EqualFold(s, r) }) {
			fmt.Fprintf(e.stderr, "panther: warning: no user has the role %q; the roles users have: %s\n", printable(r), printable(strings.Join(seen, ", ")))
		}
	}
}

// printIDs writes one id per line, each as a CSV cell is written, so that
// hidden characters cannot reach a terminal and --ids-from reads every id
// back exactly.
func printIDs(w io.Writer, ids []string) error {
	bw := bufio.NewWriter(w)
	for _, id := range ids {
		if _, err := bw.WriteString(encodeCSVCell(id) + "\n"); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// reviewPrinters print a review in each format of outputFormats; a test
// checks that every format has one.
var reviewPrinters = map[string]func(w io.Writer, r *panther.Report, o *panther.ReviewOptions, noHeaders bool) error{
	"table": printReviewTable,
	"json":  printReviewJSON,
	"csv":   printReviewCSV,
	"ids": func(w io.Writer, r *panther.Report, _ *panther.ReviewOptions, _ bool) error {
		return printIDs(w, r.IDs())
	},
}

// rulesText says which rules ran, for the table.
func rulesText(o *panther.ReviewOptions) string {
	var rules []string
	if o.InactiveFor > 0 {
		rules = append(rules, fmt.Sprintf("%s (no login for %s)", panther.RuleInactive, formatDuration(o.InactiveFor)))
	}
	if o.NeverLoggedIn {
		rules = append(rules, string(panther.RuleNeverLoggedIn))
	}
	if o.PendingInviteOlderThan > 0 {
		rules = append(rules, fmt.Sprintf("%s (invited over %s ago)", panther.RulePendingInvite, formatDuration(o.PendingInviteOlderThan)))
	}
	if len(rules) == 0 {
		return "none: summary only"
	}
	return strings.Join(rules, ", ")
}

func printReviewTable(w io.Writer, r *panther.Report, o *panther.ReviewOptions, _ bool) error {
	s := &r.Summary
	scope := "deactivated users left out"
	if o.IncludeDeactivated {
		scope = "deactivated users included"
	}
	if len(o.Roles) > 0 {
		scope += "; only roles " + strings.Join(o.Roles, ", ")
	}
	tables := [][][]string{
		{
			{"Reviewed at:", r.At.Format(time.RFC3339)},
			{"Rules:", rulesText(o)},
			{"Users reviewed:", fmt.Sprintf("%d (%s)", s.Users, scope)},
			{"Admins:", fmt.Sprintf("%d (role %s)", s.Admins, strings.Join(s.AdminRoles, ", "))},
			{"Deactivated:", fmt.Sprint(s.Deactivated)},
		},
		countRows("ROLE", "USERS", s.ByRole),
		countRows("STATUS", "USERS", s.ByStatus),
	}
	if len(s.FindingsByRule) > 0 {
		tables = append(tables, countRows("RULE", "FOUND", s.FindingsByRule))
	}
	if len(r.Findings) == 0 {
		tables = append(tables, [][]string{{"No findings."}})
	} else {
		findings := [][]string{append(headers(true), "RULES")}
		for i := range r.Findings {
			findings = append(findings, findingRow(&r.Findings[i]))
		}
		tables = append(tables, findings)
	}
	bw := bufio.NewWriter(w)
	for i, rows := range tables {
		if i > 0 {
			if _, err := bw.WriteString("\n"); err != nil {
				return err
			}
		}
		t := &tablePrinter{w: tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)}
		for _, row := range rows {
			if err := t.line(row); err != nil {
				return err
			}
		}
		if err := t.close(); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// countRows is a summary's counts as table rows, sorted by key under a
// header; an empty key (a user with no status) shows as "(none)".
func countRows[K ~string](key, count string, counts map[K]int) [][]string {
	rows := [][]string{{key, count}}
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		rows = append(rows, []string{cmp.Or(string(k), "(none)"), strconv.Itoa(counts[k])})
	}
	return rows
}

// findingRow is the user's columns, then the rules it matched.
func findingRow(f *panther.Finding) []string {
	rules := make([]string, len(f.Rules))
	for i, r := range f.Rules {
		rules[i] = string(r)
	}
	return append(row(&f.User), strings.Join(rules, " "))
}

func printReviewCSV(w io.Writer, r *panther.Report, _ *panther.ReviewOptions, noHeaders bool) error {
	p := &csvPrinter{w: bufio.NewWriter(w)}
	if !noHeaders {
		if err := p.record(append(headers(false), "rules")); err != nil {
			return err
		}
	}
	for i := range r.Findings {
		if err := p.record(findingRow(&r.Findings[i])); err != nil {
			return err
		}
	}
	return p.flush()
}

// reviewJSON is the -o json object: the report and what was asked for
// (the admin roles are in the summary).
type reviewJSON struct {
	At       time.Time             `json:"at"`
	Criteria reviewCriteria        `json:"criteria"`
	Summary  panther.ReviewSummary `json:"summary"`
	Findings []panther.Finding     `json:"findings"`
}

type reviewCriteria struct {
	InactiveFor            string   `json:"inactiveFor,omitempty"`
	NeverLoggedIn          bool     `json:"neverLoggedIn"`
	PendingInviteOlderThan string   `json:"pendingInviteOlderThan,omitempty"`
	Roles                  []string `json:"roles"`
	IncludeDeactivated     bool     `json:"includeDeactivated"`
}

func printReviewJSON(w io.Writer, r *panther.Report, o *panther.ReviewOptions, _ bool) error {
	c := reviewCriteria{
		NeverLoggedIn:      o.NeverLoggedIn,
		Roles:              append([]string{}, o.Roles...),
		IncludeDeactivated: o.IncludeDeactivated,
	}
	if o.InactiveFor > 0 {
		c.InactiveFor = formatDuration(o.InactiveFor)
	}
	if o.PendingInviteOlderThan > 0 {
		c.PendingInviteOlderThan = formatDuration(o.PendingInviteOlderThan)
	}
	b, err := json.MarshalIndent(reviewJSON{At: r.At, Criteria: c, Summary: r.Summary, Findings: r.Findings}, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", escapeJSONHidden(b))
	return err
}
