package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/render"
	"github.com/itpsync/itpsync/internal/tenant"
)

// errNoOrg is the answer to a real command run without an org. It never falls back to the
// emulator: a misconfigured CI job must fail, not report on a pretend org.
var errNoOrg = errors.New("no Okta org configured: set --org-url or OKTA_ORG_URL, and --api-token/OKTA_API_TOKEN or " +
	"--client-id/OKTA_CLIENT_ID with --private-key/OKTA_PRIVATE_KEY; to try itpsync without an org, run 'itpsync demo'")

// orgFlags are the flags every command that talks to an org takes. Secrets have no flag
// default taken from the environment, so that -h never prints them.
type orgFlags struct {
	environment    string
	orgURL         string
	apiToken       string
	clientID       string
	privateKey     string
	privateKeyFile string
	privateKeyID   string
	format         string
}

// addOrgFlags registers the org and output flags on fs.
func addOrgFlags(fs *flag.FlagSet) *orgFlags {
	f := &orgFlags{}
	fs.StringVar(&f.environment, "environment", "", "environment of the definitions to use (its org_url must match the org)")
	fs.StringVar(&f.orgURL, "org-url", "", "Okta org URL, e.g. https://acme.okta.com (default $OKTA_ORG_URL)")
	fs.StringVar(&f.apiToken, "api-token", "", "Okta API token (default $OKTA_API_TOKEN)")
	fs.StringVar(&f.clientID, "client-id", "", "OAuth service app client ID (default $OKTA_CLIENT_ID)")
	fs.StringVar(&f.privateKey, "private-key", "", "OAuth private key, PEM text (default $OKTA_PRIVATE_KEY)")
	fs.StringVar(&f.privateKeyFile, "private-key-file", "", "file holding the OAuth private key (PEM)")
	fs.StringVar(&f.privateKeyID, "private-key-id", "", "key ID (kid) of the private key (default $OKTA_PRIVATE_KEY_ID)")
	fs.StringVar(&f.format, "format", "text", "output format: text, markdown or json")
	return f
}

// resolve fills unset flags from the environment.
func (f *orgFlags) resolve(env *Env) {
	fill := func(v *string, name string) {
		if *v == "" && env.Getenv != nil {
			*v = strings.TrimSpace(env.Getenv(name))
		}
	}
	fill(&f.orgURL, "OKTA_ORG_URL")
	fill(&f.apiToken, "OKTA_API_TOKEN")
	fill(&f.clientID, "OKTA_CLIENT_ID")
	fill(&f.privateKey, "OKTA_PRIVATE_KEY")
	fill(&f.privateKeyID, "OKTA_PRIVATE_KEY_ID")
}

// refuseUnused reports an error for org flags a command takes from addOrgFlags but has no
// use for, so that `export --environment production` does not look like a check it is not.
func refuseUnused(fs *flag.FlagSet, names ...string) error {
	var set []string
	fs.Visit(func(f *flag.Flag) {
		for _, n := range names {
			if f.Name == n {
				set = append(set, "--"+n)
			}
		}
	})
	if len(set) > 0 {
		return fmt.Errorf("%s does not apply to this command", strings.Join(set, " and "))
	}
	return nil
}

// outputFormat returns the --format value, checked.
func (f *orgFlags) outputFormat() (render.Format, error) {
	return render.ParseFormat(f.format)
}

// client builds the tenant client of the configured org. It makes no request.
func (f *orgFlags) client(env *Env, logf func(string, ...any)) (*tenant.Client, error) {
	f.resolve(env)
	if f.privateKeyFile != "" {
		if f.privateKey != "" {
			return nil, errors.New("both --private-key (or OKTA_PRIVATE_KEY) and --private-key-file are set: use one")
		}
		b, err := os.ReadFile(f.privateKeyFile)
		if err != nil {
			// The path is not a secret; the content would be, and is never printed.
			return nil, fmt.Errorf("read private key file %q: %w", f.privateKeyFile, errors.Unwrap(err))
		}
		f.privateKey = string(b)
	}
	if f.orgURL == "" || (f.apiToken == "" && f.clientID == "" && f.privateKey == "") {
		return nil, errNoOrg
	}
	orgURL, route, err := checkOrgURL(f.orgURL)
	if err != nil {
		return nil, err
	}
	cfg := tenant.Config{
		OrgURL:       orgURL,
		APIToken:     f.apiToken,
		ClientID:     f.clientID,
		PrivateKey:   f.privateKey,
		PrivateKeyID: f.privateKeyID,
		Logf:         logf,
	}
	if route != nil {
		cfg.HTTPClient = &http.Client{Transport: *route}
	}
	c, err := tenant.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("configure the Okta org: %w", err)
	}
	return c, nil
}

// checkOrg refuses the configured org when the definitions' environment names another,
// before any API call.
func (f *orgFlags) checkOrg(d *engine.Definitions) error {
	return d.CheckOrg(f.orgURL)
}

// checkOrgURL checks an org URL before the tenant client sees it, with messages that never
// echo a password given in it. It returns the URL to give the client and, for a loopback
// emulator with a port, the route to its port (see loopbackClient). The Okta SDK keeps
// only the host name of the org URL: a port on a remote org would be dropped silently, and
// an IPv6 literal loses its brackets, so [::1] is given to the SDK as localhost and routed
// to the address given.
func checkOrgURL(raw string) (string, *loopbackRoute, error) {
	s := strings.TrimSpace(raw)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", nil, fmt.Errorf("invalid Okta org URL %q: want https://<your-org>.okta.com (set --org-url/OKTA_ORG_URL)", redacted(s, u))
	}
	host := u.Hostname()
	if u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", nil, fmt.Errorf("invalid Okta org URL %q: give only the scheme and host, e.g. %s://%s (set --org-url/OKTA_ORG_URL)", redacted(s, u), u.Scheme, u.Host)
	}
	if !isLoopbackHost(host) {
		if u.Scheme != "https" {
			return "", nil, fmt.Errorf("insecure Okta org URL %q: http is only allowed for loopback hosts (127.0.0.0/8, ::1, localhost); use https://%s (set --org-url/OKTA_ORG_URL)", s, u.Host)
		}
		if p := u.Port(); p != "" && p != "443" {
			return "", nil, fmt.Errorf("invalid Okta org URL %q: an Okta org is served on port 443; remove %q (set --org-url/OKTA_ORG_URL)", s, ":"+p)
		}
		return s, nil, nil
	}
	if u.Port() == "" {
		return s, nil, nil
	}
	if n, err := strconv.Atoi(u.Port()); err != nil || n < 1 || n > 65535 {
		return "", nil, fmt.Errorf("invalid Okta org URL %q: port %q is out of range (set --org-url/OKTA_ORG_URL)", s, u.Port())
	}
	if strings.Contains(host, ":") {
		return u.Scheme + "://localhost:" + u.Port(), &loopbackRoute{host: "localhost", addr: u.Host, base: http.DefaultTransport}, nil
	}
	return s, &loopbackRoute{host: host, addr: u.Host, base: http.DefaultTransport}, nil
}

// redacted is s for a message, with a password in it replaced.
func redacted(s string, u *url.URL) string {
	if u != nil && u.User != nil {
		return u.Redacted()
	}
	if i := strings.LastIndex(s, "@"); i >= 0 {
		return "…" + s[i:]
	}
	if !strings.Contains(s, "://") && len(s) > 20 {
		// Not a URL at all: perhaps the token given in the wrong place.
		return s[:4] + "…"
	}
	return s
}

// loopbackClient returns an HTTP client for an org URL whose host is a loopback address
// with a port (an emulator started by a test or `itpsync emulator`), or nil. The Okta SDK
// keeps only the host name of its org URL and drops the port, so without this every
// request would go to port 80/443. Only requests for that loopback host are re-routed,
// and only to the same host: a remote org URL is never affected.
func loopbackClient(orgURL string) *http.Client {
	u, err := url.Parse(strings.TrimSpace(orgURL))
	if err != nil || u.Port() == "" || !isLoopbackHost(u.Hostname()) {
		return nil
	}
	return &http.Client{Transport: loopbackRoute{host: u.Hostname(), addr: u.Host, base: http.DefaultTransport}}
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// loopbackRoute sends requests for host (any port) to addr.
type loopbackRoute struct {
	host, addr string
	base       http.RoundTripper
}

func (t loopbackRoute) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.EqualFold(r.URL.Hostname(), t.host) || r.URL.Host == t.addr {
		return t.base.RoundTrip(r)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Host, r2.Host = t.addr, t.addr
	return t.base.RoundTrip(r2)
}

// useColor reports whether text output may be coloured: stdout is a terminal and NO_COLOR
// is unset.
func useColor(env *Env) bool {
	if env.Getenv != nil && env.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(env.Stdout)
}

// isTerminal reports whether v is an *os.File attached to a character device.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// printInvalid prints the diagnostics of invalid definitions the way validate does.
func printInvalid(w io.Writer, name string, err error) {
	var inv *engine.InvalidError
	if errors.As(err, &inv) && len(inv.Diags) > 0 {
		_ = inv.Diags.WriteText(w, inv.Sources)
		fmt.Fprintf(w, "itpsync %s: %s in the definitions\n", name, plural(len(inv.Diags.Errors()), "error"))
		return
	}
	fmt.Fprintf(w, "itpsync %s: %v\n", name, err)
}

// oneDir returns the single positional argument or the default definitions directory.
func oneDir(env *Env, name string, args []string) (string, bool) {
	switch len(args) {
	case 0:
		return "policies", true
	case 1:
		return args[0], true
	}
	fmt.Fprintf(env.Stderr, "itpsync %s: want at most one directory, got %d: %s\n", name, len(args), argsText(args))
	return "", false
}
