package main

// --dry-run of create, update and delete: print the requests that would be
// sent (method, path, JSON body) on stdout, say on stderr that nothing was,
// and send no write. Reads still happen: update and delete look the users
// up, so that what is shown is what would be changed.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// dryRunHelp says it, for the commands' help.
const dryRunHelp = `With --dry-run, the request that would change Panther is printed on stdout
(method, path and JSON body) and not sent; the users are still read, so that
what is shown is what would happen.`

const dryRunDone = "dry run: nothing was changed in Panther"

// printRequest writes one request that --dry-run does not send.
func printRequest(w io.Writer, method, path string, body any, comment string) error {
	line := method + " " + path
	if comment != "" {
		line += "  # " + printable(comment)
	}
	if _, err := fmt.Fprintln(w, line); err != nil {
		return err
	}
	if body == nil {
		return nil
	}
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", escapeJSONHidden(b))
	return err
}

// userPath is the path of a user, the id escaped as the client escapes it.
func userPath(id string) string { return "/users/" + url.PathEscape(id) }

// changes says what an update of u to after changes, for stderr:
// `would change role "Analyst" -> "Admin"`.
func changes(u *panther.User, after panther.UserInput) string {
	var out []string
	add := func(field, a, b string) {
		if a != b {
			out = append(out, fmt.Sprintf("%s %q -> %q", field, printable(a), printable(b)))
		}
	}
	add("email", u.Email, after.Email)
	add("givenName", u.GivenName, after.GivenName)
	add("familyName", u.FamilyName, after.FamilyName)
	switch r := after.Role; {
	case r.Name != nil:
		add("role", deref(u.Role.Name), *r.Name)
	case r.Id != nil:
		add("role id", deref(u.Role.Id), *r.Id)
	}
	if len(out) == 0 {
		return "no change: the user already has these values"
	}
	return "would change " + strings.Join(out, ", ")
}
