package main

// The filters of `users list` that the API matches exactly, checked here so
// that a typo is an error instead of an empty answer: --status against the
// statuses Panther knows, and --id split at commas.

import (
	"fmt"
	"strings"
)

// userStatuses are the Cognito user statuses Panther reports. The API
// matches --status exactly, so a value in another case, or a status with a
// typo, matched nobody and read as "nobody has it".
var userStatuses = []string{
	"UNCONFIRMED", "CONFIRMED", "ARCHIVED", "COMPROMISED", "UNKNOWN",
	"RESET_REQUIRED", "FORCE_CHANGE_PASSWORD", "EXTERNAL_PROVIDER",
}

// statusFilter returns the status to send: --status in Panther's spelling,
// or --status-raw as given.
func statusFilter(status, raw string) (string, error) {
	switch {
	case status != "" && raw != "":
		return "", usagef("give --status or --status-raw, not both")
	case raw != "":
		return raw, nil
	case status == "":
		return "", nil
	}
	for _, s := range userStatuses {
		if strings.EqualFold(strings.TrimSpace(status), s) {
			return s, nil
		}
	}
	return "", usagef("--status %q: not a status Panther knows; use one of %s (any case), or --status-raw %s to send a value as it is",
		printable(status), strings.Join(userStatuses, ", "), printable(status))
}

// splitIDs splits each --id at commas: Panther's ids never hold one (a UUID,
// or PantherSSO_ and an email address). An empty id is an error, as it
// would match nothing.
func splitIDs(flags []string) ([]string, error) {
	var ids []string
	for _, f := range flags {
		for id := range strings.SplitSeq(f, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				return nil, usagef("--id %q: an id is empty; give ids separated by commas, or --id once per id", printable(f))
			}
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// statusHelp lists the statuses, for the help.
func statusHelp() string {
	return fmt.Sprintf("only users with this status, any case: %s", strings.Join(userStatuses, ", "))
}
