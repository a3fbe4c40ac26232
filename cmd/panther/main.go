// Command panther manages the users of a Panther deployment from the shell:
// list, get, create, update and delete them through Panther's REST API, run a
// fake Panther server for tests in other languages, and show the whole job
// end to end with `panther demo`.
//
// Configuration comes from flags or the environment: --api-url or
// PANTHER_API_URL (or PANTHER_API_HOST), --api-token or PANTHER_API_TOKEN.
// Data goes to stdout, messages and progress to stderr. Exit codes: 0 success,
// 2 usage error, 1 anything else.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], newOSEnv())
	stop()
	os.Exit(code)
}
