package main

// Durations on the command line. People count review windows in days and
// weeks ("inactive for 90 days"), which Go's time.ParseDuration does not
// accept, so flags that take a window read both.

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// durationForms lists the accepted forms, for the help and for errors.
const durationForms = "a whole number of days or weeks (90d, 2w) or a Go duration (36h, 90m, 1h30m)"

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// parseDuration reads s as a whole number of days ("90d") or weeks ("2w"),
// or as a Go duration ("36h", "90m", "1h30m").
func parseDuration(s string) (time.Duration, error) {
	unit := time.Duration(0)
	switch {
	case strings.HasSuffix(s, "d"):
		unit = day
	case strings.HasSuffix(s, "w"):
		unit = week
	}
	if unit == 0 {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("want %s", durationForms)
		}
		return d, nil
	}
	n, err := strconv.ParseUint(s[:len(s)-1], 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) || err == nil && n > uint64(math.MaxInt64/int64(unit)):
		return 0, errors.New("too long")
	case err != nil:
		return 0, fmt.Errorf("want %s", durationForms)
	}
	return time.Duration(n) * unit, nil
}

// formatDuration writes d as parseDuration reads it: in days when it is a
// whole number of them, else as a Go duration.
func formatDuration(d time.Duration) string {
	if d != 0 && d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	return d.String()
}

// windowFlag is a flag holding a window of time, more than zero, read by
// parseDuration. A bad value fails flag parsing, so that the message names
// the flag and exits as a usage error.
type windowFlag struct{ d time.Duration }

func (f *windowFlag) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return err
	}
	if d <= 0 {
		return errors.New("must be more than zero")
	}
	f.d = d
	return nil
}

// String is "" while unset, so that the help shows no "(default 0s)".
func (f *windowFlag) String() string {
	if f.d == 0 {
		return ""
	}
	return formatDuration(f.d)
}

func (f *windowFlag) Type() string { return "duration" }
