package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	// exitChanges is `users plan --exit-code`'s status when the plan would
	// change something (terraform's -detailed-exitcode uses 2, this CLI's
	// usage code).
	exitChanges = 3
	// exitInterrupted is what a shell reports for a command ended by SIGINT
	// (128 + 2); SIGTERM ends the command the same way.
	exitInterrupted = 130
)

// interruptedError ends a command stopped by Ctrl-C (or SIGTERM); its
// message says what was written before it stopped.
type interruptedError struct{ msg string }

func (e interruptedError) Error() string { return "interrupted: " + e.msg }

// exitStatus ends the command with this exit code and no message: the
// command has printed what it had to say.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError marks a mistake in how the command was called: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// run is the whole command: main only supplies the process's streams,
// environment and signals.
func run(ctx context.Context, args []string, e env) int {
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var status exitStatus
	if errors.As(err, &status) {
		return int(status)
	}
	var ie interruptedError
	if ctx.Err() != nil || errors.As(err, &ie) {
		// Ctrl-C: whatever the command was doing stopped with the
		// context's error; say what was left behind, and nothing else.
		if !errors.As(err, &ie) {
			ie = interruptedError{"nothing more was done"}
		}
		fmt.Fprintln(e.stderr, "panther: "+ie.Error())
		return exitInterrupted
	}
	msg := describe(err)
	if !strings.HasPrefix(msg, "panther: ") { // the library's errors carry it already
		msg = "panther: " + msg
	}
	fmt.Fprintln(e.stderr, msg)
	if isUsage(err) {
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(e.stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		return exitUsage
	}
	return exitError
}

func isUsage(err error) bool {
	var ue usageError
	// The library's checks before a request see only what was given on the
	// command line; cobra reports an unknown subcommand with a plain error.
	return errors.As(err, &ue) || errors.Is(err, panther.ErrInvalidInput) ||
		strings.HasPrefix(err.Error(), "unknown command ")
}

// describe turns an error into one line that says what went wrong and what to check.
func describe(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, panther.ErrUnauthorized):
		return msg + "; check the API token (PANTHER_API_TOKEN or --api-token): it is missing, mistyped or expired"
	case errors.Is(err, panther.ErrForbidden):
		return msg + "; the API token lacks a permission: reading users needs Read User Info, changing them needs Manage Users"
	case errors.Is(err, panther.ErrNotFound):
		return msg + "; check the id or email ('panther users list' shows them)"
	case errors.Is(err, panther.ErrRateLimited):
		return msg + "; Panther is rate limiting this token: try again later or with fewer requests"
	}
	return msg
}

// globals are the flags every command shares.
type globals struct {
	apiURL    string
	apiToken  string
	output    string
	noHeaders bool
	format    outputFormat // --output, set by checkOutput
}

func newRootCmd(e env) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "panther",
		Short: "Manage the users of a Panther deployment",
		Long: `panther manages the users of a Panther deployment through Panther's REST API.

Configure it with flags or the environment:
  PANTHER_API_URL     the API URL, https://api.<your-panther-domain> (or PANTHER_API_HOST)
  PANTHER_API_TOKEN   an API token with Read User Info (and Manage Users to change users)

Data is written to stdout, messages and progress to stderr.
Exit codes: 0 success, 2 usage error, 130 interrupted (Ctrl-C), 1 any other
error; 3 when 'users plan --exit-code' finds changes.`,
		Example: `  export PANTHER_API_URL=https://api.acme.runpanther.net PANTHER_API_TOKEN=...
  panther users list --contains acme.com -o csv > users.csv
  panther demo`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.apiURL, "api-url", "", "API URL (default $PANTHER_API_URL, else $PANTHER_API_HOST)")
	pf.StringVar(&g.apiToken, "api-token", "", "API token (default $PANTHER_API_TOKEN; prefer the variable: flags show in the process list)")
	pf.StringVarP(&g.output, "output", "o", outputFormats[0].name, "output format: "+formatNames()+" ('panther users --help' describes them)")
	pf.BoolVar(&g.noHeaders, "no-headers", false, "leave out the header line of -o table and -o csv")

	root.AddCommand(
		newUsersCmd(e, g),
		newFakeServerCmd(e),
		newDemoCmd(e),
	)
	return root
}

// checkOutput checks --output and sets g.format, for the commands that print
// users: demo and fake-server ignore it.
func (g *globals) checkOutput() error {
	var err error
	g.format, err = parseFormat(g.output)
	g.format.noHeaders = g.noHeaders
	return err
}

// client builds an API client from the flags and the environment, with
// opts after the CLI's own.
func (g *globals) client(e env, opts ...panther.Option) (*panther.Client, error) {
	base := firstNonEmpty(g.apiURL, e.getenv(panther.EnvAPIURL), e.getenv(panther.EnvAPIHost))
	if base == "" {
		return nil, usagef("no API URL: set %s (or %s) to https://api.<your-panther-domain>, or pass --api-url", panther.EnvAPIURL, panther.EnvAPIHost)
	}
	token := firstNonEmpty(g.apiToken, e.getenv(panther.EnvAPIToken))
	if token == "" {
		return nil, usagef("no API token: set %s, or pass --api-token", panther.EnvAPIToken)
	}
	c, err := panther.NewClient(base, append([]panther.Option{panther.WithAPIToken(token), panther.WithUserAgent("panther-cli/" + panther.Version + " " + panther.DefaultUserAgent)}, opts...)...)
	if err != nil {
		// Everything NewClient checks came from a flag or a variable.
		return nil, usageError{err}
	}
	return c, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// args wraps a cobra argument validator so that its failures are usage errors.
func args(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := v(cmd, a); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// group is a command that only holds subcommands: run bare, it shows its help
// and fails as a usage error; given an unknown subcommand, it says so.
func group(cmd *cobra.Command) *cobra.Command {
	cmd.Args = func(c *cobra.Command, a []string) error {
		if len(a) > 0 {
			return usagef("unknown command %q for %q", a[0], c.CommandPath())
		}
		return nil
	}
	cmd.RunE = func(c *cobra.Command, _ []string) error {
		fmt.Fprint(c.ErrOrStderr(), c.UsageString())
		return usagef("%s needs a subcommand", c.CommandPath())
	}
	return cmd
}
