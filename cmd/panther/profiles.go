package main

// Profiles: named Panther deployments kept in a config file, so that
// `--profile prod` stands for an API URL and where its token is. This file
// holds the file (where it is, reading and writing it) and the `panther
// config` commands; settings.go decides when a profile applies.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// envProfile chooses a profile when --profile is not given.
const envProfile = "PANTHER_PROFILE"

// defaultProfile is the profile used when none is chosen, if it exists.
const defaultProfile = "default"

// configFile is the config file: JSON, keyed by the flags' names.
type configFile struct {
	Profiles map[string]*profile `json:"profiles"`
}

// profile is one deployment. At most one of APITokenFile and APIToken is
// set; APIToken only when set-profile was given --store-token-in-clear.
type profile struct {
	APIURL       string `json:"api-url,omitempty"`
	APITokenFile string `json:"api-token-file,omitempty"`
	APIToken     string `json:"api-token,omitempty"`
}

// tokenText says where a profile's token is, never the token.
func (p *profile) tokenText() string {
	switch {
	case p.APITokenFile != "":
		return "file " + printable(p.APITokenFile)
	case p.APIToken != "":
		return "in the config file (in clear)"
	}
	return "none"
}

// profileName is what a profile may be called: no spaces, nothing a shell
// or a file name would trip on.
var profileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// errNoConfigDir is the error of a process with no user config directory
// (no $HOME, say): it has no profiles.
var errNoConfigDir = errors.New("cannot find the user config directory for profiles")

// configPath is the config file's path: <user config dir>/panther/config.json.
func configPath(e env) (string, error) {
	dir, err := e.configDir()
	if err != nil {
		return "", fmt.Errorf("%w: %w", errNoConfigDir, err)
	}
	return filepath.Join(dir, "panther", "config.json"), nil
}

// maxConfigSize bounds what is read as a config file: far beyond any.
const maxConfigSize = 1 << 20

// loadConfig reads the config file; a missing file is an empty config.
func loadConfig(e env) (*configFile, string, error) {
	path, err := configPath(e)
	if err != nil {
		return nil, "", err
	}
	cfg := &configFile{Profiles: map[string]*profile{}}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, path, nil
	}
	if err != nil {
		return nil, path, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	b, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, path, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(b) > maxConfigSize {
		return nil, path, fmt.Errorf("%s is larger than %d bytes: not a panther config file", path, maxConfigSize)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return nil, path, fmt.Errorf("%s is not a panther config file: %w; fix it, or move it away and run 'panther config set-profile' again", path, err)
	}
	if cfg.Profiles == nil {
		cfg.Profiles = map[string]*profile{}
	}
	return cfg, path, nil
}

// saveConfig writes cfg to path for its owner alone (the file may hold a
// token), replacing the old file in one rename so that a crash leaves one or
// the other.
func saveConfig(path string, cfg *configFile) error {
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".config-*.json")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func newConfigCmd(e env, g *globals) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "config",
		Short: "Keep several Panther deployments as profiles",
		Long: `Profiles name Panther deployments: an API URL and where its token is, kept in
a config file in your user config directory (panther/config.json under
$XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on
macOS, %AppData% on Windows). Choose one with --profile NAME or
PANTHER_PROFILE=NAME; a profile named "default" applies when none is chosen.

` + precedenceHelp,
		Example: `  panther config set-profile prod --api-url https://api.acme.runpanther.net --api-token-file ~/.panther/prod.token
  panther config set-profile default --api-url https://api.acme.runpanther.net --api-token-file ~/.panther/prod.token
  panther config list
  panther --profile prod users list
  PANTHER_PROFILE=staging panther config show`,
	})
	set, list, show := newSetProfileCmd(e, g), newConfigListCmd(e), newConfigShowCmd(e, g)
	// set-profile saves the flags given; show reports them; list reads none.
	hideFlags(cmd, outputFlags...)
	hideFlags(set, append([]string{"profile", "verbose"}, outputFlags...)...)
	hideFlags(list, append(apiFlags, outputFlags...)...)
	hideFlags(show, append([]string{"verbose"}, outputFlags...)...)
	cmd.AddCommand(set, list, show)
	return cmd
}

func newSetProfileCmd(e env, g *globals) *cobra.Command {
	var storeToken bool
	cmd := &cobra.Command{
		Use:   "set-profile NAME [--api-url URL] [--api-token-file FILE]",
		Short: "Add a profile or change one (only the settings given change)",
		Long: `Add the profile NAME, or change the settings given of an existing one.

  --api-url URL          the deployment's API URL
  --api-token-file FILE  where its token is: the file's path is saved, never
                         the token, and the file is read at each use

The token itself is written into the config file only when you ask, with
--store-token-in-clear and the token given by --api-token TOKEN or
--api-token - (read from stdin). The file is then readable by you alone
(mode 0600), but the token is in clear on disk: prefer a token file, or
PANTHER_API_TOKEN_FILE, or a password manager piping into --api-token -.
Giving a token file drops a stored token, and the other way round.

Only the flags on the command line are saved: PANTHER_API_URL and the other
variables are not.`,
		Example: `  panther config set-profile prod --api-url https://api.acme.runpanther.net --api-token-file ~/.panther/prod.token
  pass panther/staging | panther config set-profile staging --api-url https://api.staging.acme.example --api-token - --store-token-in-clear`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			name := a[0]
			if !profileName.MatchString(name) {
				return usagef("profile name %q: use letters, digits, '_', '.' and '-' (up to 64, starting with a letter or digit)", printable(name))
			}
			tok, err := g.tokenFromFlags(e)
			if err != nil {
				return err
			}
			if tok.value != "" && tok.file == "" && !storeToken {
				return usagef("set-profile does not write a token into the config file in clear unless asked: give --api-token-file FILE instead, or add --store-token-in-clear")
			}
			if storeToken && (tok.value == "" || tok.file != "") {
				return usagef("--store-token-in-clear stores the token given with --api-token TOKEN or --api-token -")
			}
			if g.apiURL == "" && tok.value == "" {
				return usagef("nothing to set: give --api-url, --api-token-file, or --api-token with --store-token-in-clear")
			}
			cfg, path, err := loadConfig(e)
			if err != nil {
				return err
			}
			p := cfg.Profiles[name]
			if p == nil {
				p = &profile{}
				cfg.Profiles[name] = p
			}
			if g.apiURL != "" {
				base, err := checkAPIURL(setting{value: g.apiURL, source: "--api-url"})
				if err != nil {
					return err
				}
				p.APIURL = base
			}
			switch {
			case tok.file != "":
				abs, err := filepath.Abs(tok.file)
				if err != nil {
					return err
				}
				p.APITokenFile, p.APIToken = abs, ""
			case tok.value != "":
				p.APITokenFile, p.APIToken = "", tok.value
			}
			if err := saveConfig(path, cfg); err != nil {
				return fmt.Errorf("saving profile %s: %w", name, err)
			}
			fmt.Fprintf(e.stderr, "Saved profile %s in %s: api-url %s, token %s.\n", name, path, orNone(p.APIURL), p.tokenText())
			return nil
		},
	}
	cmd.Flags().BoolVar(&storeToken, "store-token-in-clear", false, "write the token given with --api-token into the config file, in clear")
	return cmd
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return printable(s)
}

func newConfigListCmd(e env) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the profiles: name, API URL and where the token is (never the token)",
		Args:    args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			cfg, path, err := loadConfig(e)
			if err != nil {
				return err
			}
			if len(cfg.Profiles) == 0 {
				fmt.Fprintf(e.stderr, "No profiles in %s; add one with 'panther config set-profile NAME --api-url URL --api-token-file FILE'.\n", path)
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tAPI URL\tTOKEN")
			names := make([]string, 0, len(cfg.Profiles))
			for n := range cfg.Profiles {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				p := cfg.Profiles[n]
				fmt.Fprintf(tw, "%s\t%s\t%s\n", printable(n), orNone(p.APIURL), p.tokenText())
			}
			return tw.Flush()
		},
	}
}

func newConfigShowCmd(e env, g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Show the settings a command would use and where each comes from (never the token)",
		Long: `Show the API URL and token a command would use, and where each comes from:
a flag, a variable or a profile. Nothing is sent.

` + precedenceHelp,
		Example: `  panther config show
  panther --profile prod config show`,
		Args: args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			s, err := g.resolve(e)
			if err != nil {
				return err
			}
			path, err := configPath(e)
			if err != nil {
				path = err.Error()
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "config file:\t%s\n", path)
			prof := "none"
			if s.profile != "" {
				prof = s.profile + " (" + s.profileSource + ")"
			}
			fmt.Fprintf(tw, "profile:\t%s\n", prof)
			url := "not set"
			if s.url.value != "" {
				base, err := normalizeAPIURL(s.url.value)
				if err != nil {
					base = s.url.value
				}
				url = printable(base) + " (from " + s.url.source + ")"
			}
			fmt.Fprintf(tw, "api-url:\t%s\n", url)
			tok := "not set"
			if s.token.value != "" {
				tok = "from " + s.token.source + " (never shown)"
			}
			fmt.Fprintf(tw, "api-token:\t%s\n", tok)
			for _, w := range s.warnings {
				fmt.Fprintf(tw, "note:\t%s\n", w)
			}
			return tw.Flush()
		},
	}
}

// precedenceHelp is the rule, for the help of root, config and config show.
const precedenceHelp = `Each setting is taken from the first place that has it:
  1. flags: --api-url; --api-token TOKEN, --api-token - (stdin) or
     --api-token-file FILE
  2. variables: PANTHER_API_URL, then PANTHER_API_HOST; PANTHER_API_TOKEN or
     PANTHER_API_TOKEN_FILE
  3. the profile: --profile NAME, else PANTHER_PROFILE, else "default"
A variable that overrides a setting of a profile you chose is noted on
stderr. A profile's token is sent only to that profile's API URL: with the
URL from a flag or a variable, give the token there too.`

// profileNames lists the profiles for a message.
func profileNames(cfg *configFile) string {
	if len(cfg.Profiles) == 0 {
		return "there are none"
	}
	names := make([]string, 0, len(cfg.Profiles))
	for n := range cfg.Profiles {
		names = append(names, printable(n))
	}
	slices.Sort(names)
	return "the profiles are " + strings.Join(names, ", ")
}
