package main

import (
	"io"
	"os"
	"runtime/debug"
	"time"

	"golang.org/x/term"
)

// env is everything the command takes from its process, so that tests can run
// it in-process, in parallel, with their own streams and variables.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// isTerminal reports whether a stream is an interactive terminal.
	isTerminal func(any) bool
	// now is the clock a review measures time since login against.
	now func() time.Time
	// configDir is where the config file's folder goes: os.UserConfigDir
	// ($XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support
	// on macOS, %AppData% on Windows).
	configDir func() (string, error)
	// buildInfo is what `panther version` reports: debug.ReadBuildInfo.
	buildInfo func() (*debug.BuildInfo, bool)
}

func newOSEnv() env {
	return env{
		stdin:      os.Stdin,
		stdout:     os.Stdout,
		stderr:     os.Stderr,
		getenv:     os.Getenv,
		isTerminal: isTerminal,
		now:        time.Now,
		configDir:  os.UserConfigDir,
		buildInfo:  debug.ReadBuildInfo,
	}
}

func isTerminal(stream any) bool {
	f, ok := stream.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
