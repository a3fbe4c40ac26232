package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// run is the whole command: main only supplies the process's streams,
// environment and signals.
func run(ctx context.Context, args []string, e env) int {
	root := newRootCmd(e)
	root.SetArgs(args)
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

// globals are the flags every command shares.
type globals struct {
	apiURL       string
	apiToken     string
	apiTokenFile string
	profile      string
	output       string
	noHeaders    bool
	verbose      bool
	format       outputFormat // --output, set by checkOutput
	// resolved are the settings, once resolve has worked them out.
	resolved *settings
}

// apiFlags are the global flags that only commands talking to Panther read;
// outputFlags only those that print users.
var (
	apiFlags    = []string{"api-url", "api-token", "api-token-file", "profile", "verbose"}
	outputFlags = []string{"output", "no-headers"}
)

func newRootCmd(e env) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "panther",
		Short: "Manage the users of a Panther deployment",
		Long: `panther manages the users of a Panther deployment through Panther's REST API.

Configure it with flags, the environment or a profile ('panther config --help'):
  PANTHER_API_URL         the API URL, https://api.<your-panther-domain> (or PANTHER_API_HOST)
  PANTHER_API_TOKEN       an API token with Read User Info (and Manage Users to change users)
  PANTHER_API_TOKEN_FILE  a file holding the token, instead of PANTHER_API_TOKEN
  PANTHER_PROFILE         the profile to use, instead of --profile

` + precedenceHelp + `

Data is written to stdout, messages and progress to stderr. On a terminal,
a request that is retried shows a line on stderr; --verbose shows them, and a
line per request, anywhere.
Exit codes: 0 success, 2 usage error, 130 interrupted (Ctrl-C), 1 any other
error; 3 when 'users plan --exit-code' finds changes.`,
		Example: `  export PANTHER_API_URL=https://api.acme.runpanther.net PANTHER_API_TOKEN_FILE=~/.panther/token
  panther users list --contains acme.com -o csv > users.csv
  panther config set-profile prod --api-url https://api.acme.runpanther.net --api-token-file ~/.panther/prod.token
  panther --profile prod users ls -o ids
  panther demo`,
		Version:       versionText(e),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	// Before the completion command is made: it keeps the writer it finds.
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetVersionTemplate("{{.Version}}")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.apiURL, "api-url", "", "API URL (default $PANTHER_API_URL, else $PANTHER_API_HOST, else the profile's)")
	pf.StringVar(&g.apiToken, "api-token", "", "API token, or - to read it from stdin (default $PANTHER_API_TOKEN; prefer a file or stdin: flags show in the process list)")
	pf.StringVar(&g.apiTokenFile, "api-token-file", "", "read the API token from `FILE` (default $PANTHER_API_TOKEN_FILE)")
	pf.StringVar(&g.profile, "profile", "", "use the profile `NAME` from the config file (default $PANTHER_PROFILE, else \"default\" if it exists)")
	pf.StringVarP(&g.output, "output", "o", outputFormats[0].name, "output format: "+formatNames()+" ('panther users --help' describes them)")
	pf.BoolVar(&g.noHeaders, "no-headers", false, "leave out the header line of -o table and -o csv")
	pf.BoolVar(&g.verbose, "verbose", false, "show each request and retry on stderr (retries show on a terminal anyway)")

	root.AddCommand(
		newUsersCmd(e, g),
		newConfigCmd(e, g),
		newVersionCmd(e),
		newFakeServerCmd(e),
		newDemoCmd(e),
	)
	root.InitDefaultCompletionCmd()
	registerCompletions(root, e, g)
	for _, c := range root.Commands() {
		switch c.Name() {
		case "demo", "fake-server", "completion", "version":
			hideFlags(c, append(apiFlags, outputFlags...)...)
		}
	}
	return root
}

// hideFlags leaves the global flags names out of cmd's help and usage (and
// its subcommands'), for a command that ignores them.
func hideFlags(cmd *cobra.Command, names ...string) {
	usage := (&cobra.Command{}).UsageFunc() // cobra's own
	cmd.SetUsageFunc(func(c *cobra.Command) error {
		inherited := c.InheritedFlags()
		for _, n := range names {
			if f := inherited.Lookup(n); f != nil && !f.Hidden {
				f.Hidden = true
				defer func() { f.Hidden = false }()
			}
		}
		return usage(c)
	})
}

// checkOutput checks --output and sets g.format, for the commands that print
// users: demo and fake-server ignore it.
func (g *globals) checkOutput() error {
	var err error
	g.format, err = parseFormat(g.output)
	g.format.noHeaders = g.noHeaders
	return err
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
