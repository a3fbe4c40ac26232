package main

import (
	"fmt"
	"net"
	neturl "net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func newFakeServerCmd(e env) *cobra.Command {
	var (
		addr    string
		users   int
		seed    int64
		latency time.Duration
		rate    int
	)
	cmd := &cobra.Command{
		Use:   "fake-server",
		Short: "Serve a fake Panther Users API for testing, until interrupted",
		Long: `Serve the same fake Panther Users API that panther-go's tests use: every
request and response is validated against Panther's published spec, filters
and pagination behave like Panther's, and tokens have permissions.

The --users seeded users look like a real org, the same org for the same
--seed: password users with UUID ids and SSO users with PantherSSO_<email>
ids, pending invitations (FORCE_CHANGE_PASSWORD), RESET_REQUIRED and
UNCONFIRMED users, about 5 in 100 deactivated (listed only with
--include-deactivated), logins recent, stale or missing, and few Admins.

On start it prints, on stdout, shell lines that point a client at it:
the URL, a full-access token and a read-only token. Stop it with Ctrl-C.`,
		Example: `  panther fake-server --addr 127.0.0.1:8080 --users 500
  eval "$(panther fake-server --users 100 & sleep 1)"   # in a test script
  panther fake-server --latency 50ms --rate 10           # slow and rate limited
  panther fake-server --users 40 --seed 7                # another org of 40`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if users < 0 || rate < 0 || latency < 0 {
				return usagef("--users, --latency and --rate must not be negative")
			}
			srv, err := panthertest.Start(
				panthertest.WithAddr(addr),
				panthertest.WithOrg(users),
				panthertest.WithSeed(seed),
				panthertest.WithLatency(latency),
				panthertest.WithRateLimit(rate),
				panthertest.WithRequestLog(1000), // it may run for hours
			)
			if err != nil {
				return err
			}
			defer srv.Close()
			url, everywhere := clientURL(srv.URL)
			fmt.Fprintf(e.stdout, "export PANTHER_API_URL=%s\nexport PANTHER_API_TOKEN=%s\n# read-only token (Read User Info only): %s\n",
				url, srv.Token, srv.ReadOnlyToken)
			where := url
			if everywhere {
				where = "all interfaces (" + url + " from this machine)"
			}
			fmt.Fprintf(e.stderr, "fake Panther API on %s with %d users (seed %d); Ctrl-C to stop\n", where, users, seed)
			<-cmd.Context().Done()
			fmt.Fprintln(e.stderr, "fake Panther API stopped")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (keep it on loopback; 0.0.0.0:PORT listens on all interfaces)")
	f.IntVar(&users, "users", 25, "users to seed, deactivated ones included")
	f.Int64Var(&seed, "seed", panthertest.DefaultSeed, "which org to seed: the same seed gives the same people, ids and roles (times are relative to now)")
	f.DurationVar(&latency, "latency", 0, "delay added to every response")
	f.IntVar(&rate, "rate", 0, "requests per second allowed before answering 429 (0: no limit)")
	return cmd
}

// clientURL is the URL a client on this machine uses for a server at u: a
// server listening on all interfaces (0.0.0.0 or ::, which is no address
// to connect to) is reached at 127.0.0.1, a loopback address the CLI takes
// over plain http://. everywhere reports that it listens on all interfaces.
func clientURL(u string) (url string, everywhere bool) {
	parsed, err := neturl.Parse(u)
	if err != nil {
		return u, false
	}
	ip := net.ParseIP(parsed.Hostname())
	if ip == nil || !ip.IsUnspecified() {
		return u, false
	}
	parsed.Host = net.JoinHostPort("127.0.0.1", parsed.Port())
	return parsed.String(), true
}
