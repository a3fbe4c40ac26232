package main

// `panther version` and `panther --version`: what was built, from the
// binary's own build information.

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// versionText says which panther this is: the module version (a tag, a
// pseudo-version made from the commit, or "(devel)"), the Go that built it
// and the platform, and the commit when it was built from a git checkout.
func versionText(e env) string {
	var bi *debug.BuildInfo
	ok := false
	if e.buildInfo != nil {
		bi, ok = e.buildInfo()
	}
	if !ok || bi == nil {
		return fmt.Sprintf("panther (unknown version: no build information)\nlibrary: panther-go %s\n", panther.Version)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "panther %s\n", version)
	fmt.Fprintf(&b, "library: panther-go %s\n", panther.Version)
	goLine := bi.GoVersion
	if settings["GOOS"] != "" {
		goLine += " " + settings["GOOS"] + "/" + settings["GOARCH"]
	}
	fmt.Fprintf(&b, "go: %s\n", goLine)
	if rev := settings["vcs.revision"]; rev != "" {
		commit := rev
		if t := settings["vcs.time"]; t != "" {
			commit += " (" + t + ")"
		}
		if settings["vcs.modified"] == "true" {
			commit += ", with uncommitted changes"
		}
		fmt.Fprintf(&b, "commit: %s\n", commit)
	}
	return b.String()
}

func newVersionCmd(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show the version of panther, the Go that built it, and its commit",
		Long: `Show the version of panther (a release tag, a pseudo-version naming the
commit it was built from, or "(devel)"), the library version it sends in its
User-Agent, the Go version and platform that built it, and the git commit
when it was built from a checkout. The same as 'panther --version'.`,
		Example: `  panther version
  panther --version`,
		Args: args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprint(e.stdout, versionText(e))
			return err
		},
	}
}
