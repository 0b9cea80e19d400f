package oktaemu

import (
	"fmt"
	"net/url"
	"strings"
)

// provider is a security events provider (SSF receiver).
type provider struct {
	id, name, typ, status         string
	wellKnownURL, issuer, jwksURL string
}

type providerBody struct {
	Name     *string `json:"name"`
	Type     *string `json:"type"`
	Settings *struct {
		WellKnownURL *string `json:"well_known_url"`
		Issuer       *string `json:"issuer"`
		JWKSURL      *string `json:"jwks_url"`
	} `json:"settings"`
}

// providerJSON keeps the settings keys snake_case and leaves well_known_url out (not null)
// for issuer/JWKS providers.
func (s *Server) providerJSON(c *call, p *provider) obj {
	settings := obj{}
	if p.wellKnownURL != "" {
		settings = append(settings, field{"well_known_url", p.wellKnownURL})
	} else {
		settings = append(settings, field{"issuer", p.issuer}, field{"jwks_url", p.jwksURL})
	}
	self := c.base + providers + "/" + p.id
	return obj{
		{"id", p.id}, {"name", p.name}, {"type", p.typ}, {"status", p.status},
		{"settings", settings}, {"_links", lifecycleLinks(self, p.status, "GET", "PUT", "DELETE")},
	}
}

func (o *Org) provider(id string) *provider {
	for _, p := range o.providers {
		if p.id == id {
			return p
		}
	}
	return nil
}

func (s *Server) listProviders(c *call) reply {
	out := make([]obj, 0, len(s.org.providers))
	for _, p := range s.org.providers {
		out = append(out, s.providerJSON(c, p))
	}
	return ok(out)
}

func (s *Server) getProvider(c *call) reply {
	p := s.org.provider(c.params["id"])
	if p == nil {
		return notFound(c.params["id"], "SecurityEventsProvider")
	}
	return ok(s.providerJSON(c, p))
}

func (s *Server) createProvider(c *call) reply {
	var b providerBody
	if rep := c.decode(&b); rep != nil {
		return *rep
	}
	p := &provider{id: s.org.newID("sse"), status: "ACTIVE"}
	if rep := fillProvider(p, b); rep != nil {
		return *rep
	}
	s.org.providers = append(s.org.providers, p)
	return ok(s.providerJSON(c, p))
}

func (s *Server) replaceProvider(c *call) reply {
	p := s.org.provider(c.params["id"])
	if p == nil {
		return notFound(c.params["id"], "SecurityEventsProvider")
	}
	var b providerBody
	if rep := c.decode(&b); rep != nil {
		return *rep
	}
	next := *p
	if rep := fillProvider(&next, b); rep != nil {
		return *rep
	}
	*p = next
	return ok(s.providerJSON(c, p))
}

func (s *Server) deleteProvider(c *call) reply {
	p := s.org.provider(c.params["id"])
	if p == nil {
		return notFound(c.params["id"], "SecurityEventsProvider")
	}
	for i, x := range s.org.providers {
		if x == p {
			s.org.providers = append(s.org.providers[:i], s.org.providers[i+1:]...)
			break
		}
	}
	return noContent()
}

func (s *Server) activateProvider(c *call) reply   { return s.providerLifecycle(c, "ACTIVE") }
func (s *Server) deactivateProvider(c *call) reply { return s.providerLifecycle(c, "INACTIVE") }

func (s *Server) providerLifecycle(c *call, status string) reply {
	p := s.org.provider(c.params["id"])
	if p == nil {
		return notFound(c.params["id"], "SecurityEventsProvider")
	}
	p.status = status
	return ok(s.providerJSON(c, p))
}

// fillProvider validates a body: name (≤100), type (≤255) and settings that are either a
// well-known URL or an issuer with a JWKS URL.
func fillProvider(p *provider, b providerBody) *reply {
	bad := func(f, msg string) *reply { r := validation(f, msg); return &r }
	switch {
	case b.Name == nil || strings.TrimSpace(*b.Name) == "":
		return bad("name", "The field cannot be left blank.")
	case len(*b.Name) > 100:
		return bad("name", "The field cannot exceed 100 characters.")
	case b.Type == nil || strings.TrimSpace(*b.Type) == "":
		return bad("type", "The field cannot be left blank.")
	case len(*b.Type) > 255:
		return bad("type", "The field cannot exceed 255 characters.")
	case b.Settings == nil:
		return bad("settings", "The field cannot be left blank.")
	}
	st := b.Settings
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	wk, iss, jwks := str(st.WellKnownURL), str(st.Issuer), str(st.JWKSURL)
	switch {
	case wk != "" && (iss != "" || jwks != ""):
		return bad("settings", "Give either well_known_url, or issuer and jwks_url, not both.")
	case wk != "":
		if rep := checkURL("settings.well_known_url", wk, 1000); rep != nil {
			return rep
		}
	case iss == "" || jwks == "":
		return bad("settings", "Give either well_known_url, or issuer and jwks_url.")
	default:
		if len(iss) > 700 {
			return bad("settings.issuer", "The field cannot exceed 700 characters.")
		}
		if rep := checkURL("settings.jwks_url", jwks, 1000); rep != nil {
			return rep
		}
	}
	p.name, p.typ = *b.Name, *b.Type
	p.wellKnownURL, p.issuer, p.jwksURL = wk, iss, jwks
	return nil
}

func checkURL(name, v string, max int) *reply {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(v) > max {
		r := validation(name, fmt.Sprintf("Invalid URL %q.", v))
		return &r
	}
	return nil
}
