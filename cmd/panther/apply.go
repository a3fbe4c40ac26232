package main

// `panther users apply`: plan (plan.go), show the plan, confirm, carry it
// out with panther.UsersService.Apply, and report a result per action.

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pantherkit/panther-go/pkg/panther"
)

func newUsersApplyCmd(e env, g *globals) *cobra.Command {
	var (
		s    syncFlags
		yes  bool
		rate float64
	)
	cmd := &cobra.Command{
		Use:   "apply -f FILE",
		Short: "Make Panther's users match a list: create, update and (with --prune) delete",
		Long: `Plan as 'panther users plan' does, show the plan, and carry it out: create
the listed users Panther lacks, update those whose names or role differ and,
with --prune, delete the users the list does not name. Applying the same list
again plans nothing.

On a terminal, apply shows the plan and asks first. From a script (stdin not
a terminal), and with -f -, which takes stdin, it refuses unless --yes is
given, before sending anything; preview with 'panther users plan'.

Each change first reads the user again and is skipped when Panther changed
since the plan (someone else edited, created or deleted the user): a stale
plan changes nothing it did not see. One change failing does not stop the
others. Changes run a few at a time; --rate keeps the requests (re-reads
included) under your deployment's rate limit, and a 429 is waited out.
When stderr is a terminal, how long it has taken is shown there.

At the end, a row per change: its action, email, the list's line, and
applied, skipped (stale): why, or failed: why; then a summary line
("Apply: 3 applied, 0 skipped (stale), 0 failed."). With -o json, one object:
the plan as 'users plan -o json' writes it and "results" (for each: "action",
"source", "id", "email", "outcome" applied, skipped or failed, "error", and
the stored "user"). Each skip and failure also gets a line on stderr.

Exit codes: 0 every change applied or skipped (apply again to converge after
a skip), or nothing to change, or not confirmed; 1 a change failed (the
others were applied), a guardrail refused the plan (nothing was sent) or a
request failed; 2 a usage error or a problem in the list (nothing was sent).

` + desiredHelp + "\n\n" + guardrailHelp,
		Example: `  panther users apply -f users.csv
  panther users apply -f users.csv --prune --yes
  panther users apply -f people.yaml --prune --max-deletes 25 --yes -o json
  okta-export | panther users apply -f - --format csv --column email="Work Email" --yes`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := planWriterFor(g, "users apply"); err != nil {
				return err
			}
			switch {
			case rate < 0:
				return usagef("--rate %g: must not be negative (0: no pacing)", rate)
			case !yes && s.in.file == "-":
				return usagef("refusing to apply without --yes: -f - reads the list from stdin, which leaves no terminal to confirm on")
			case !yes && !e.isTerminal(e.stdin):
				return usagef("refusing to apply without --yes: stdin is not a terminal to confirm on; preview with 'panther users plan'")
			}
			ctx := cmd.Context()
			c, plan, err := s.plan(ctx, e, g)
			if plan == nil {
				return err
			}
			var refused *refusalError
			errors.As(err, &refused)
			asJSON := g.format.name == "json"
			if !asJSON || refused != nil || plan.Empty() {
				if err := planWriters[g.format.name](e.stdout, plan, refused); err != nil {
					return err
				}
			}
			switch {
			case refused != nil:
				return refused
			case plan.Empty():
				return nil
			}
			n := countNoun(len(plan.Changes()), "change")
			if !yes {
				if asJSON { // the JSON comes at the end: show what is asked about
					if err := writePlanTable(e.stderr, plan, nil); err != nil {
						return err
					}
				}
				fmt.Fprintf(e.stderr, "\nApply these %s to Panther? [y/N] ", n)
				if !answeredYes(e) {
					fmt.Fprintln(e.stderr, "Not applied.")
					return nil
				}
			}
			stop := showWait(e, "applying "+n)
			results, err := c.Users.Apply(ctx, plan, &panther.ApplyOptions{RequestsPerSecond: rate})
			stop("applied " + n)
			if err != nil {
				if errors.Is(err, panther.ErrRefused) {
					return newRefusal(err, plan)
				}
				return err
			}
			if asJSON {
				err = writeSyncJSON(e.stdout, plan, nil, results)
			} else {
				err = writeResultsTable(e.stdout, results)
			}
			if err != nil {
				return err
			}
			if ctx.Err() != nil { // Ctrl-C: the changes not started failed with it
				applied := 0
				for i := range results {
					if results[i].Err == nil {
						applied++
					}
				}
				return interruptedError{fmt.Sprintf("applied %d of %s before stopping ('panther users plan' shows what is left)", applied, n)}
			}
			return reportResults(e, results)
		},
	}
	s.add(cmd)
	f := cmd.Flags()
	f.BoolVarP(&yes, "yes", "y", false, "apply without asking")
	f.Float64Var(&rate, "rate", 0, "send at most `N` requests a second, re-reads included (0: no pacing); set it to your deployment's rate limit")
	return cmd
}

// outcome names a result: "applied", "skipped" or "failed".
func outcome(r *panther.SyncResult) string {
	switch {
	case r.Err == nil:
		return "applied"
	case r.Skipped():
		return "skipped"
	}
	return "failed"
}

// resultError is why an action was skipped or failed, in the CLI's terms.
func resultError(err error) string {
	var stale *panther.StaleError
	if errors.As(err, &stale) {
		return stale.Reason
	}
	return strings.TrimPrefix(describe(err), "panther: ")
}

// resultEmail is the address an action is about.
func resultEmail(a panther.SyncAction) string {
	if a.Current != nil {
		return a.Current.Email
	}
	if a.Desired != nil {
		return a.Desired.Email
	}
	return ""
}

// writeResultsTable writes a row per action, then a summary line.
func writeResultsTable(w io.Writer, results []panther.SyncResult) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nACTION\tEMAIL\tSOURCE\tOUTCOME")
	counts := map[string]int{}
	for i := range results {
		r := &results[i]
		o := outcome(r)
		counts[o]++
		switch o {
		case "skipped":
			o = "skipped (stale): " + resultError(r.Err)
		case "failed":
			o = "failed: " + resultError(r.Err)
		}
		source := "-"
		if r.Action.Desired != nil {
			source = r.Action.Desired.Source
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Action.Kind, printable(resultEmail(r.Action)), printable(source), printable(o))
	}
	fmt.Fprintf(tw, "\nApply: %d applied, %d skipped (stale), %d failed.\n", counts["applied"], counts["skipped"], counts["failed"])
	return tw.Flush()
}

// reportResults gives each skip and failure a line on stderr, and returns
// an error (exit 1) when any action failed.
func reportResults(e env, results []panther.SyncResult) error {
	failed := 0
	for i := range results {
		r := &results[i]
		if r.Err == nil {
			continue
		}
		what := "skipped, Panther changed since the plan"
		if r.Failed() {
			failed++
			what = "failed"
		}
		fmt.Fprintf(e.stderr, "panther: %s (%s) %s: %s\n", printable(r.Action.String()), printable(resultEmail(r.Action)), what, printable(resultError(r.Err)))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %s failed; the others were applied or skipped", failed, countNoun(len(results), "change"))
	}
	return nil
}
