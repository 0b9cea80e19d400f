package tenant

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config says which org to talk to, how to authenticate and how gently.
type Config struct {
	// OrgURL is the org's base URL, https://acme.okta.com; http is accepted only for
	// loopback hosts (127.0.0.0/8, ::1, localhost), which is how tests reach an emulator.
	OrgURL string
	// APIToken selects SSWS mode when set.
	APIToken string
	// ClientID with PrivateKey selects OAuth 2.0 (service app, private_key_jwt).
	ClientID string
	// PrivateKey is a PEM private key: PKCS#1 or PKCS#8, RSA or EC.
	PrivateKey string
	// PrivateKeyID is the optional kid of the key.
	PrivateKeyID string
	// Scopes are the OAuth scopes to request; nil requests ScopesFor(false) for reads and
	// ScopesFor(true) only once the run writes.
	Scopes []string
	// HTTPClient is optional; its transport is wrapped by the rate-limit/retry transport.
	HTTPClient *http.Client
	// Concurrency bounds concurrent reads (default 4).
	Concurrency int
	// Reserve is the share of each rate-limit bucket left to the org's users (default 0.5).
	Reserve float64
	// MaxWait is the longest total wait for a rate-limit reset or retries of one call
	// before giving up (default 2m).
	MaxWait time.Duration
	// Logf receives progress and debug lines; it never receives secrets.
	Logf func(format string, args ...any)
}

// Defaults applied by New.
const (
	defaultConcurrency = 4
	defaultReserve     = 0.5
	defaultMaxWait     = 2 * time.Minute
)

const (
	flagOrgURL = "--org-url/OKTA_ORG_URL"
	flagToken  = "--api-token/OKTA_API_TOKEN"
	flagClient = "--client-id/OKTA_CLIENT_ID"
	flagKey    = "--private-key/OKTA_PRIVATE_KEY"
)

// ScopesFor returns the OAuth scopes a run needs: the read scopes of the six kinds and of
// the users and groups that references name, plus the manage scopes of the kinds written
// when write is true.
func ScopesFor(write bool) []string {
	s := []string{
		"okta.networkZones.read",
		"okta.policies.read",
		"okta.users.read",
		"okta.groups.read",
		"okta.userRisk.read",
		"okta.securityEventsProviders.read",
	}
	if write {
		s = append(s,
			"okta.networkZones.manage",
			"okta.policies.manage",
			"okta.userRisk.manage",
			"okta.securityEventsProviders.manage",
		)
	}
	return s
}

// oauthMode reports whether cfg selects OAuth rather than an API token.
func (cfg *Config) oauthMode() bool { return cfg.APIToken == "" }

// validate checks cfg and fills defaults. Errors name the flag or environment variable to
// set and never echo a secret.
func (cfg *Config) validate() (*url.URL, error) {
	if strings.TrimSpace(cfg.OrgURL) == "" {
		return nil, fmt.Errorf("missing Okta org URL: set %s (e.g. https://acme.okta.com)", flagOrgURL)
	}
	u, err := parseOrgURL(cfg.OrgURL)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.APIToken != "" && (cfg.ClientID != "" || cfg.PrivateKey != ""):
		return nil, fmt.Errorf("both an API token and OAuth credentials are set: use either %s, or %s with %s", flagToken, flagClient, flagKey)
	case cfg.APIToken != "":
		if strings.ContainsAny(cfg.APIToken, " \t\r\n") {
			return nil, fmt.Errorf("invalid API token (%s): it contains white space", flagToken)
		}
	case cfg.ClientID == "" && cfg.PrivateKey == "":
		return nil, fmt.Errorf("missing Okta credentials: set %s, or %s with %s", flagToken, flagClient, flagKey)
	case cfg.ClientID == "":
		return nil, fmt.Errorf("missing OAuth client ID: set %s (the private key alone is not enough)", flagClient)
	case cfg.PrivateKey == "":
		return nil, fmt.Errorf("missing OAuth private key: set %s for client %q", flagKey, cfg.ClientID)
	default:
		if err := checkPrivateKey(cfg.PrivateKey); err != nil {
			return nil, fmt.Errorf("invalid private key (%s): %w", flagKey, err)
		}
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = defaultConcurrency
	}
	if cfg.Reserve <= 0 || cfg.Reserve >= 1 {
		cfg.Reserve = defaultReserve
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = defaultMaxWait
	}
	return u, nil
}

// parseOrgURL accepts https://host[:443] and, for loopback hosts only, http and any port.
// Messages never echo a password written into the URL.
func parseOrgURL(raw string) (*url.URL, error) {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("invalid Okta org URL %q: want https://<your-org>.okta.com (set %s)", redactURL(raw, u), flagOrgURL)
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("invalid Okta org URL %q: give only the scheme and host, e.g. https://%s (set %s)", redactURL(raw, u), u.Hostname(), flagOrgURL)
	}
	if isLoopback(u.Hostname()) {
		return u, nil
	}
	if u.Scheme == "http" {
		return nil, fmt.Errorf("insecure Okta org URL %q: http is only allowed for loopback hosts (127.0.0.0/8, ::1, localhost); use https://%s (set %s)", raw, u.Host, flagOrgURL)
	}
	// The SDK keeps only the host name, so any other port would be silently dropped and the
	// requests would go to 443 of that host.
	if p := u.Port(); p != "" && p != "443" {
		return nil, fmt.Errorf("invalid Okta org URL %q: an Okta org is served on port 443; remove %q (set %s)", raw, ":"+p, flagOrgURL)
	}
	return u, nil
}

// redactURL is raw for a message, with any user information (a password) masked.
func redactURL(raw string, u *url.URL) string {
	if u != nil && u.User != nil {
		return u.Redacted()
	}
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		return "…" + raw[i:]
	}
	return raw
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkPrivateKey parses the PEM key the way the SDK will (PKCS#1 RSA, PKCS#8 RSA or EC),
// so that a bad key fails at start-up with an error that does not contain the key.
func checkPrivateKey(key string) error {
	block, _ := pem.Decode([]byte(strings.ReplaceAll(key, `\n`, "\n")))
	if block == nil {
		return errors.New("not a PEM block (want -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
			return errors.New("the PKCS#1 RSA key does not parse")
		}
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return errors.New("the PKCS#8 key does not parse")
		}
		switch k.(type) {
		case *rsa.PrivateKey, *ecdsa.PrivateKey:
		default:
			return fmt.Errorf("unsupported PKCS#8 key type %T (want RSA or EC)", k)
		}
	default:
		return fmt.Errorf("unsupported PEM block type %q (want PRIVATE KEY or RSA PRIVATE KEY)", block.Type)
	}
	return nil
}
