package main

// Where the API URL and token come from (flags, then variables, then a
// profile: precedenceHelp says it for users) and the client built from them.
// Every setting keeps the name of where it came from, so that a message
// about it names the flag, variable, file or profile to fix.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// envAPITokenFile names a file holding the token, instead of PANTHER_API_TOKEN.
const envAPITokenFile = "PANTHER_API_TOKEN_FILE"

// setting is one resolved value and where it came from, in the CLI's terms.
type setting struct {
	value  string
	source string // "--api-url", "PANTHER_API_URL", "profile prod", "--api-token-file /x"
	// file is the token file it was read from, if any.
	file string
	// profile is the profile it came from, "" for a flag or a variable.
	profile string
}

// settings is what a command talks to Panther with.
type settings struct {
	profile       string // the profile in use, "" for none
	profileSource string // "--profile", "PANTHER_PROFILE" or "used when none is chosen"
	url, token    setting
	// warnings are the variables that override a chosen profile's settings.
	warnings []string
}

// resolve works out the settings once per run (a token read from stdin can
// be read only once) and keeps them.
func (g *globals) resolve(e env) (*settings, error) {
	if g.resolved == nil {
		s, err := g.resolveOnce(e)
		if err != nil {
			return nil, err
		}
		g.resolved = s
	}
	return g.resolved, nil
}

func (g *globals) resolveOnce(e env) (*settings, error) {
	s := &settings{}
	name, how := strings.TrimSpace(g.profile), "--profile"
	if name == "" {
		name, how = strings.TrimSpace(e.getenv(envProfile)), envProfile
	}
	explicit := name != ""
	s.url = first(
		setting{value: g.apiURL, source: "--api-url"},
		setting{value: e.getenv(panther.EnvAPIURL), source: panther.EnvAPIURL},
		setting{value: e.getenv(panther.EnvAPIHost), source: panther.EnvAPIHost},
	)
	tok, err := g.tokenFromFlags(e)
	if err != nil {
		return nil, err
	}
	if tok.value == "" {
		if tok, err = tokenFromEnv(e); err != nil {
			return nil, err
		}
	}
	s.token = tok

	// The config file is read only when a profile is chosen or something is
	// still missing: a command given everything never depends on it.
	var p *profile
	switch {
	case explicit:
		cfg, path, err := loadConfig(e)
		if err != nil {
			return nil, usageError{fmt.Errorf("%s %s: %w", how, printable(name), err)}
		}
		if p = cfg.Profiles[name]; p == nil {
			return nil, usagef("%s %s: no such profile in %s (%s; 'panther config set-profile' adds one)", how, printable(name), path, profileNames(cfg))
		}
	case s.url.value == "" || s.token.value == "":
		cfg, _, err := loadConfig(e)
		var pathErr *fs.PathError
		switch {
		case err == nil:
			p = cfg.Profiles[defaultProfile]
			name, how = defaultProfile, "used when none is chosen"
		case errors.Is(err, errNoConfigDir) || errors.As(err, &pathErr):
			// No config directory or an unreadable file: no profiles, and
			// the message about what is missing says what to set.
		default:
			return nil, err // a config file that does not parse
		}
	}
	if p == nil {
		return s, nil
	}
	s.profile, s.profileSource = name, how
	from := "profile " + name
	if p.APIURL != "" {
		if s.url.value == "" {
			s.url = setting{value: p.APIURL, source: from, profile: name}
		} else if explicit && s.url.source != "--api-url" {
			s.warnings = append(s.warnings, fmt.Sprintf("%s overrides the api-url of profile %s", s.url.source, name))
		}
	}
	if p.APITokenFile != "" || p.APIToken != "" {
		switch {
		case s.token.value == "":
			if s.token, err = profileToken(p, from); err != nil {
				return nil, err
			}
			s.token.profile = name
		case explicit && !strings.HasPrefix(s.token.source, "--"):
			s.warnings = append(s.warnings, fmt.Sprintf("%s overrides the token of profile %s", s.token.source, name))
		}
	}
	// A profile's token belongs to its deployment: never send it elsewhere.
	if s.token.profile != "" && s.url.profile == "" && p.APIURL != "" && !sameAPI(p.APIURL, s.url.value) {
		return nil, usagef("the token of profile %s is for %s, but %s names %s: give that API's token with --api-token-file or %s, or leave out %s",
			name, p.APIURL, s.url.source, printable(s.url.value), envAPITokenFile, s.url.source)
	}
	return s, nil
}

// first returns the first setting with a value, its value trimmed.
func first(all ...setting) setting {
	for _, s := range all {
		if s.value = strings.TrimSpace(s.value); s.value != "" {
			return s
		}
	}
	return setting{}
}

// tokenFromFlags is the token of --api-token (TOKEN, or - for stdin) or
// --api-token-file, or nothing.
func (g *globals) tokenFromFlags(e env) (setting, error) {
	switch {
	case g.apiToken != "" && g.apiTokenFile != "":
		return setting{}, usagef("give --api-token or --api-token-file, not both")
	case g.apiToken == "-":
		if e.isTerminal(e.stdin) {
			return setting{}, usagef("--api-token -: stdin is a terminal; pipe the token in (from a password manager, say) or use --api-token-file FILE")
		}
		tok, err := readToken(e.stdin)
		if err != nil {
			return setting{}, usageError{fmt.Errorf("--api-token - (stdin): %w", err)}
		}
		return setting{value: tok, source: "--api-token - (stdin)"}, nil
	case g.apiToken != "":
		return setting{value: g.apiToken, source: "--api-token"}, nil
	case g.apiTokenFile != "":
		return tokenFile(g.apiTokenFile, "--api-token-file")
	}
	return setting{}, nil
}

// tokenFromEnv is the token of PANTHER_API_TOKEN or PANTHER_API_TOKEN_FILE.
func tokenFromEnv(e env) (setting, error) {
	tok, file := strings.TrimSpace(e.getenv(panther.EnvAPIToken)), strings.TrimSpace(e.getenv(envAPITokenFile))
	switch {
	case tok != "" && file != "":
		return setting{}, usagef("%s and %s are both set: unset one", panther.EnvAPIToken, envAPITokenFile)
	case file != "":
		return tokenFile(file, envAPITokenFile)
	}
	return setting{value: tok, source: panther.EnvAPIToken}, nil
}

func profileToken(p *profile, from string) (setting, error) {
	if p.APITokenFile != "" {
		return tokenFile(p.APITokenFile, from+"'s api-token-file")
	}
	return setting{value: p.APIToken, source: from}, nil
}

// tokenFile reads the token in the file path; via names the flag, variable
// or profile that named it.
func tokenFile(path, via string) (setting, error) {
	source := via + " " + printable(path)
	f, err := os.Open(path)
	if err != nil {
		return setting{}, usageError{fmt.Errorf("%s: %w", via, err)}
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	tok, err := readToken(f)
	if err != nil {
		return setting{}, usageError{fmt.Errorf("%s: %w", source, err)}
	}
	return setting{value: tok, source: source, file: path}, nil
}

// maxTokenSize bounds what is read as a token: a token is tens of bytes.
const maxTokenSize = 4 << 10

// readToken reads a token: the whole input, white space around it dropped.
func readToken(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxTokenSize+1))
	switch {
	case err != nil:
		return "", err
	case len(b) > maxTokenSize:
		return "", fmt.Errorf("more than %d bytes: not a token", maxTokenSize)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", errors.New("empty: no token in it")
	}
	return tok, nil
}

// sameAPI reports whether two API URLs name the same API, as NewClient
// normalizes them.
func sameAPI(a, b string) bool {
	na, errA := normalizeAPIURL(a)
	nb, errB := normalizeAPIURL(b)
	return errA == nil && errB == nil && na == nb
}

// placeholderToken lets NewClient check a URL without a token.
const placeholderToken = "panther-cli-url-check"

func normalizeAPIURL(raw string) (string, error) {
	c, err := panther.NewClient(raw, panther.WithAPIToken(placeholderToken))
	if err != nil {
		return "", err
	}
	return c.BaseURL(), nil
}

// checkAPIURL returns the API URL of s as NewClient normalizes it, refusing
// one that ends in /users: panther adds that itself, and would call
// /users/users.
func checkAPIURL(s setting) (string, error) {
	base, err := normalizeAPIURL(s.value)
	if err != nil {
		return "", usageError{configError{err: err, url: s.source}}
	}
	u, err := url.Parse(base)
	if err == nil && strings.HasSuffix(strings.ToLower(u.Path), "/users") {
		u.Path = u.Path[:len(u.Path)-len("/users")]
		return "", usagef("%s %s ends in /users, which panther adds to every request (it would call %s/users/users): use %s",
			s.source, printable(s.value), printable(u.Path), u.String())
	}
	return base, nil
}

// client builds an API client from the settings, with opts after the
// CLI's own; the logger shows retries on a terminal, and every request with
// --verbose.
func (g *globals) client(e env, opts ...panther.Option) (*panther.Client, error) {
	s, err := g.resolve(e)
	if err != nil {
		return nil, err
	}
	for _, w := range s.warnings {
		fmt.Fprintf(e.stderr, "panther: note: %s\n", w)
	}
	return g.newClient(e, s, append([]panther.Option{g.logger(e)}, opts...)...)
}

func (g *globals) newClient(e env, s *settings, opts ...panther.Option) (*panther.Client, error) {
	switch {
	case s.url.value == "" && s.token.value == "":
		return nil, usagef("no API URL and no API token: set %s and %s (or %s), pass --api-url and --api-token-file, or choose a profile with --profile ('panther config --help')",
			panther.EnvAPIURL, panther.EnvAPIToken, envAPITokenFile)
	case s.url.value == "":
		return nil, usagef("no API URL: set %s (or %s) to https://api.<your-panther-domain>, pass --api-url, or choose a profile with --profile", panther.EnvAPIURL, panther.EnvAPIHost)
	case s.token.value == "":
		return nil, usagef("no API token: set %s or %s, pass --api-token-file (or --api-token - to read stdin), or choose a profile with --profile", panther.EnvAPIToken, envAPITokenFile)
	}
	if _, err := checkAPIURL(s.url); err != nil {
		return nil, err
	}
	c, err := panther.NewClient(s.url.value, append([]panther.Option{
		panther.WithAPIToken(s.token.value),
		panther.WithUserAgent("panther-cli/" + panther.Version + " " + panther.DefaultUserAgent),
	}, opts...)...)
	if err != nil {
		// Everything NewClient checks came from a flag, a variable or a profile.
		return nil, usageError{configError{err: err, url: s.url.source, token: s.token.source}}
	}
	return c, nil
}

// completionTimeout bounds the requests that completion makes: a shell
// waits for them.
const completionTimeout = 2 * time.Second

// quietClient is a client for completion: no retries, no log, and a
// failure to configure it is nil.
func (g *globals) quietClient(e env) *panther.Client {
	s, err := g.resolve(e)
	if err != nil || s.url.value == "" || s.token.value == "" {
		return nil
	}
	c, err := g.newClient(e, s, panther.WithRetryPolicy(panther.RetryPolicy{}))
	if err != nil {
		return nil
	}
	return c
}
