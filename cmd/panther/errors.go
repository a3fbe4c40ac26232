package main

// How an error reaches the user: one line in the CLI's terms (flags and
// variables, never the Go options or field names of pkg/panther), a hint of
// what to check, and an exit code. Every message the CLI prints for an error
// goes through describe, so the translation is made here and nowhere else.

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

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

// exitStatus ends the command with this exit code and no message: the
// command has printed what it had to say.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError marks a mistake in how the command was called: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func isUsage(err error) bool {
	var ue usageError
	// The library's checks before a request see only what was given on the
	// command line; cobra reports an unknown subcommand with a plain error.
	return errors.As(err, &ue) || errors.Is(err, panther.ErrInvalidInput) ||
		strings.HasPrefix(err.Error(), "unknown command ")
}

// configError is an error of NewClient, with the names of the places the URL
// and the token came from, for describe to put in the library's stead.
type configError struct {
	err        error
	url, token string // "--api-url", "PANTHER_API_TOKEN_FILE /x", ...; "" when unknown
}

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// describe turns an error into one line in the CLI's terms that says what
// went wrong and what to check.
func describe(err error) string {
	msg := cliTerms(err)
	switch {
	case errors.Is(err, panther.ErrUnauthorized):
		return msg + "; check the API token (" + tokenPlaces + "): it is missing, mistyped or expired"
	case errors.Is(err, panther.ErrForbidden):
		return msg + "; the API token lacks a permission: reading users needs Read User Info, changing them needs Manage Users"
	case errors.Is(err, panther.ErrNotFound):
		return msg + "; check the id or email ('panther users list' shows them)"
	case errors.Is(err, panther.ErrRateLimited):
		return msg + "; Panther is rate limiting this token: try again later or with fewer requests"
	}
	return msg
}

// tokenPlaces are where a token may be given, for messages.
const tokenPlaces = "--api-token-file, --api-token, PANTHER_API_TOKEN_FILE, PANTHER_API_TOKEN or a profile"

// cliTerms is err's message with pkg/panther's Go terms replaced by the
// CLI's: option names by the flag or variable that gave the value, input
// field names by flags. TestErrorsSpeakCLI drives each of the library's
// messages that the CLI can meet and fails on any Go term left.
func cliTerms(err error) string {
	msg := err.Error()
	var ie *panther.InputError
	if errors.As(err, &ie) {
		msg = strings.Replace(msg, ie.Error(), panther.ErrInvalidInput.Error()+": "+inputField(ie.Field)+": "+goAdvice.Replace(ie.Problem), 1)
	}
	urlName, tokenName := "the API URL", "the API token"
	var ce configError
	if errors.As(err, &ce) {
		if ce.url != "" {
			urlName = "the API URL (" + ce.url + ")"
		}
		if ce.token != "" {
			tokenName = ce.token
		}
	}
	msg = strings.NewReplacer(
		// NewClient's options and checks (client.go in pkg/panther).
		"WithAPIToken: token is", tokenName+": the token is",
		"WithAPIToken: token contains", tokenName+": the token contains",
		"use https:// or WithInsecureHTTP(true)", "use https:// (plain http:// is accepted for loopback hosts only)",
		"pass the token only with WithAPIToken (or PANTHER_API_TOKEN), never in the URL", "pass the token with "+tokenPlaces+", never in the URL",
		"pass the token with WithAPIToken", "pass the token with "+tokenPlaces,
		"the base URL", urlName,
		"base URL", urlName,
		// The listing's guard (pagination.go).
		"(raise ListUsersOptions.MaxPages to go on)", "(narrow the listing with --contains, --status or --id)",
	).Replace(msg)
	var apiErr *panther.APIError
	if errors.As(err, &apiErr) {
		msg = nameConsoleHost(msg)
	}
	return msg
}

// inputFields map pkg/panther's InputError fields, as the API spells
// them, to the flags or arguments that set them.
var inputFields = map[string]string{
	"id":         "the user id",
	"email":      "--email",
	"givenName":  "--given-name",
	"familyName": "--family-name",
	"role":       "the role (--role or --role-id)",
	"role.id":    "--role-id",
	"role.name":  "--role",
	"pageSize":   "--page-size",
	"maxPages":   "the page limit",
}

// inputField names field in the CLI's terms: "ids[3]" is the fourth id given.
func inputField(field string) string {
	if name, ok := inputFields[field]; ok {
		return name
	}
	if i, ok := strings.CutPrefix(field, "ids["); ok {
		if n, err := strconv.Atoi(strings.TrimSuffix(i, "]")); err == nil {
			return "id " + strconv.Itoa(n+1) + " of those given"
		}
	}
	return kebabFlag(field)
}

// kebabFlag turns a field the table does not know, such as maxDeletes, into
// the flag a CLI would call it, --max-deletes.
func kebabFlag(field string) string {
	var b strings.Builder
	b.WriteString("--")
	for _, r := range field {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('-')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// goAdvice rewrites the Go advice in an InputError's rule.
var goAdvice = strings.NewReplacer(
	"(use RoleByName or RoleByID)", "(use --role or --role-id)",
	"(0 for the server default)", "(leave it out for the API's default, 60)",
)

// consolePlaceholder is what pkg/panther suggests when it cannot tell the
// Console's host (a host without a dot, say).
const consolePlaceholder = "https://api.<your-panther-domain>"

// nameConsoleHost puts https://api.<the host typed> in place of the
// placeholder of the Console message, for a host that is not loopback:
// pkg/panther already does so for a host with a dot in it.
func nameConsoleHost(msg string) string {
	const console = " looks like the Panther Console; use the API URL ("
	i := strings.Index(msg, console)
	if i < 0 || !strings.Contains(msg[i:], consolePlaceholder) {
		return msg
	}
	start := strings.LastIndex(msg[:i], " ") + 1
	u, err := url.Parse(msg[start:i])
	if err != nil || u.Hostname() == "" || strings.HasPrefix(u.Hostname(), "api.") || isLoopbackHost(u.Hostname()) {
		return msg
	}
	return strings.Replace(msg, consolePlaceholder, "https://api."+u.Hostname(), 1)
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// interruptedError ends a command stopped by Ctrl-C (or SIGTERM); its
// message says what was written before it stopped.
type interruptedError struct{ msg string }

func (e interruptedError) Error() string { return "interrupted: " + e.msg }
