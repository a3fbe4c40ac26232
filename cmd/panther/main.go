// Command panther manages the users of a Panther deployment from the shell:
// list, get, create, update and delete them through Panther's REST API,
// review access, keep them in sync with a list (plan, then apply), run a
// fake Panther server for tests in other languages, and show the whole job
// end to end with `panther demo`.
//
// Configuration comes from flags, then the environment, then a profile in
// the user's config directory: --api-url or PANTHER_API_URL (or
// PANTHER_API_HOST); --api-token (- for stdin), --api-token-file,
// PANTHER_API_TOKEN or PANTHER_API_TOKEN_FILE; --profile or PANTHER_PROFILE.
// Data goes to stdout, messages and progress to stderr. Exit codes: 0
// success, 2 usage error, 3 changes pending (users plan --exit-code), 130
// interrupted, 1 anything else.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C stops the command cleanly; a second one, should the
	// first not be enough, ends the process at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], newOSEnv())
	stop()
	os.Exit(code)
}
