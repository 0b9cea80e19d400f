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
	cfg := tenant.Config{
		OrgURL:       f.orgURL,
		APIToken:     f.apiToken,
		ClientID:     f.clientID,
		PrivateKey:   f.privateKey,
		PrivateKeyID: f.privateKeyID,
		Logf:         logf,
	}
	if hc := loopbackClient(f.orgURL); hc != nil {
		cfg.HTTPClient = hc
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
	fmt.Fprintf(env.Stderr, "itpsync %s: want at most one directory, got %d: %s\n", name, len(args), quoted(args))
	return "", false
}
