// This file holds typed access to a user's timestamps, which the API sends
// as strings (and may leave out).

package panther

import (
	"strings"
	"time"
)

// CreatedAt returns when u was created, and false when u is nil, the API
// left createdAt out, or sent something that is not an RFC 3339 time.
func CreatedAt(u *User) (time.Time, bool) { return parseTime(u.GetCreatedAt()) }

// LastLoggedInAt returns when u last signed in, and false when u is nil or
// never signed in (the API leaves lastLoggedInAt out or null), or the API
// sent something that is not an RFC 3339 time.
func LastLoggedInAt(u *User) (time.Time, bool) { return parseTime(u.GetLastLoggedInAt()) }

// parseTime parses an RFC 3339 time, with or without fractional seconds.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	// RFC3339Nano's layout accepts any number of fractional digits, none
	// included.
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
