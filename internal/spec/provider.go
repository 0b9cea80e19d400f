package spec

import (
	"net/url"

	"github.com/itpsync/itpsync/internal/itp"
	"gopkg.in/yaml.v3"
)

var (
	providerKeys = []string{"name", "type", "is_enabled", "settings"}
	settingsKeys = []string{"well_known_url", "issuer", "jwks_url"}
)

// Limits of the security events provider API (okta-api.md §8).
const (
	providerNameLimit = 100
	providerTypeLimit = 255
	providerURLLimit  = 1000
	issuerLimit       = 700
)

// provider reads one security events provider (an SSF receiver).
func (b *builder) provider(key, n *yaml.Node) {
	const what = "security events provider"
	address := itp.KindProvider + "." + key.Value
	fields, ok := b.keyedFields(address, key, n, what, providerKeys, "name", "type", "is_enabled", "settings")
	if !ok {
		return
	}
	p := itp.Provider{Key: key.Value}
	p.Name = b.name(fields, what, providerNameLimit)
	if f, ok := fields["type"]; ok {
		if s, ok := b.str(f.val, "type"); ok {
			if s == "" {
				b.errorf(deref(f.val), "required", "type of %s must not be empty", what)
			}
			b.maxLen(deref(f.val), "type", what, s, providerTypeLimit)
			p.Type = s
		}
	}
	p.IsEnabled = b.enumField(fields, "is_enabled", what, statuses)
	if f, ok := fields["settings"]; ok {
		b.settings(address, f, &p)
	}
	b.cfg.Providers = append(b.cfg.Providers, p)
}

// settings reads a provider's settings: well_known_url, or issuer with jwks_url.
func (b *builder) settings(address string, f field, p *itp.Provider) {
	fields, ok := b.mapping(f.val, "security events provider settings", settingsKeys)
	if !ok {
		return
	}
	b.recordFields(address+".settings", fields)
	_, wk := fields["well_known_url"]
	_, iss := fields["issuer"]
	_, jwks := fields["jwks_url"]
	switch {
	case wk && (iss || jwks):
		b.errorf(f.key, "provider", "settings has both well_known_url and issuer/jwks_url; use either well_known_url or issuer with jwks_url")
	case !wk && !iss && !jwks:
		b.errorf(f.key, "provider", "settings needs either well_known_url or both issuer and jwks_url")
	case iss && !jwks:
		b.errorf(fields["issuer"].key, "provider", "issuer needs jwks_url: settings takes either well_known_url or both issuer and jwks_url")
	case jwks && !iss:
		b.errorf(fields["jwks_url"].key, "provider", "jwks_url needs issuer: settings takes either well_known_url or both issuer and jwks_url")
	}
	p.WellKnownURL = b.httpsURL(fields, "well_known_url")
	p.JWKSURL = b.httpsURL(fields, "jwks_url")
	if f, ok := fields["issuer"]; ok {
		if s, ok := b.str(f.val, "issuer"); ok {
			if s == "" {
				b.errorf(deref(f.val), "required", "issuer must not be empty")
			}
			b.maxLen(deref(f.val), "issuer", "security events provider", s, issuerLimit)
			p.Issuer = s
		}
	}
}

// httpsURL reads a URL that must be absolute https: security event tokens and keys must not
// travel in clear text.
func (b *builder) httpsURL(fields map[string]field, key string) string {
	f, ok := fields[key]
	if !ok {
		return ""
	}
	s, ok := b.str(f.val, key)
	if !ok {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		b.errorf(deref(f.val), "url", "%s %q must be an https URL", key, s)
	}
	b.maxLen(deref(f.val), key, "security events provider", s, providerURLLimit)
	return s
}
