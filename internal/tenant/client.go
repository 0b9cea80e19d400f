// Package tenant reads and writes the Identity Threat Protection configuration of one Okta
// org through the Okta Go SDK (v6): network zones, entity risk rules, the post-auth session
// rule, the session violation rule, security events providers and user risk.
//
// It is gentle with the org: its rate limits are shared with the org's users' sign-ins, so
// every request goes through a transport that keeps a reserve in each rate-limit bucket,
// waits out 429s, retries only what is safe to repeat, and counts what it sends. Reads use
// list endpoints and run concurrently with a bound. IDs are translated to names on read and
// names to IDs on write, so the rest of itpsync only ever sees names.
package tenant

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/okta/okta-sdk-golang/v6/okta"
)

// Client talks to one org. It is safe for concurrent use.
type Client struct {
	cfg  Config
	org  *url.URL
	tr   *transport
	http *http.Client

	mu       sync.Mutex
	readAPI  *okta.APIClient // read scopes only (OAuth without explicit Scopes)
	writeAPI *okta.APIClient // read and manage scopes; created on the first write
	logAPI   *okta.APIClient // the run's scopes plus okta.logs.read; see logsAPI
	wrote    bool

	names *nameCache
	// slots bounds the API calls in flight across the whole client: groups nest (user
	// risks run inside Read's group), so bounding goroutines alone would not bound calls.
	slots chan struct{}
}

// New validates cfg and returns a Client. It makes no request.
func New(cfg Config) (*Client, error) {
	org, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	if logf := cfg.Logf; logf != nil {
		// Reads run concurrently: serialise the log so callers need no locking.
		var mu sync.Mutex
		cfg.Logf = func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			logf(format, args...)
		}
	}
	base := http.DefaultTransport
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		if cfg.HTTPClient.Transport != nil {
			base = cfg.HTTPClient.Transport
		}
		hc.Jar, hc.CheckRedirect = cfg.HTTPClient.Jar, cfg.HTTPClient.CheckRedirect
	}
	tr := newTransport(base, cfg)
	hc.Transport = tr
	c := &Client{cfg: cfg, org: org, tr: tr, http: hc, names: newNameCache(), slots: make(chan struct{}, cfg.Concurrency)}
	// Build the read client now so that an SDK configuration problem shows at start-up.
	if _, err := c.api(false); err != nil {
		return nil, err
	}
	return c, nil
}

// api returns the SDK client for reads (write=false) or for a run that writes. With OAuth
// and no explicit Scopes, reads request only read scopes; the first write switches to a
// client that also requests the manage scopes, so a read-only run never asks for them.
func (c *Client) api(write bool) (*okta.APIClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.cfg.oauthMode() || c.cfg.Scopes != nil {
		write = false // one client serves everything
	}
	if write {
		c.wrote = true
		if c.writeAPI == nil {
			a, err := c.newSDK(ScopesFor(true))
			if err != nil {
				return nil, err
			}
			c.writeAPI = a
		}
		return c.writeAPI, nil
	}
	if c.readAPI == nil {
		scopes := c.cfg.Scopes
		if scopes == nil {
			scopes = ScopesFor(false)
		}
		a, err := c.newSDK(scopes)
		if err != nil {
			return nil, err
		}
		c.readAPI = a
	}
	if c.wrote && c.writeAPI != nil {
		return c.writeAPI, nil // reuse the token the run already holds
	}
	return c.readAPI, nil
}

func (c *Client) scopesInUse() []string {
	if c.cfg.Scopes != nil {
		return c.cfg.Scopes
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return ScopesFor(c.wrote)
}

// newSDK configures the SDK: our HTTP client (whose transport does rate limiting, retries
// and counting), its own 429 retry, proactive limiter and cache off, and nothing taken from
// okta.yaml or OKTA_CLIENT_* that could add a proxy client or debug dumps with secrets.
func (c *Client) newSDK(scopes []string) (*okta.APIClient, error) {
	setters := []okta.ConfigSetter{
		okta.WithOrgUrl(c.org.String()),
		okta.WithHttpClientPtr(c.http),
		okta.WithCache(false),
		okta.WithRateLimitMaxRetries(0),
		okta.WithRateLimitMaxBackOff(0),
		okta.WithRateLimitPrevent(false),
		okta.WithRequestTimeout(0),
		okta.WithDebug(false),
		okta.WithUserAgentExtra("itpsync"),
	}
	if c.cfg.APIToken != "" {
		setters = append(setters, okta.WithAuthorizationMode("SSWS"), okta.WithToken(c.cfg.APIToken))
	} else {
		setters = append(setters,
			okta.WithAuthorizationMode("PrivateKey"),
			okta.WithClientId(c.cfg.ClientID),
			okta.WithScopes(scopes),
			okta.WithPrivateKey(c.cfg.PrivateKey),
			okta.WithPrivateKeyId(c.cfg.PrivateKeyID),
		)
	}
	sc, err := okta.NewConfiguration(setters...)
	if err != nil {
		return nil, fmt.Errorf("configure the Okta SDK: %s", c.redact(err.Error()))
	}
	sc.Okta.Client.Proxy.Host = "" // would replace our HTTP client
	sc.Okta.Client.Proxy.Username, sc.Okta.Client.Proxy.Password = "", ""
	sc.Debug = false
	sc.HTTPClient = c.http
	return okta.NewAPIClient(sc), nil
}

// Stats returns what the client has sent so far.
func (c *Client) Stats() Stats { return c.tr.snapshot() }

// AccessToken returns the current OAuth bearer token ("" with an API token or before the
// first request), so the GitHub Action can mask it. A run that reads and then writes gets a
// second token with the manage scopes: ask again after writing.
func (c *Client) AccessToken() string {
	c.tr.mu.Lock()
	defer c.tr.mu.Unlock()
	return c.tr.token
}

func (c *Client) logf(format string, args ...any) {
	if c.cfg.Logf != nil {
		c.cfg.Logf(format, args...)
	}
}

// group runs functions concurrently, at most limit at a time, and keeps the first error;
// it cancels the shared context on that error (errgroup without the dependency).
type group struct {
	wg     sync.WaitGroup
	sem    chan struct{}
	cancel context.CancelFunc
	once   sync.Once
	err    error
}

func newGroup(ctx context.Context, limit int) (*group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &group{sem: make(chan struct{}, limit), cancel: cancel}, ctx
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.sem <- struct{}{}
		defer func() { <-g.sem }()
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}
