package oktaemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Zone types, usages and the system zone names.
const (
	zoneIP        = "IP"
	zoneDynamic   = "DYNAMIC"
	zoneDynamicV2 = "DYNAMIC_V2"

	sysLegacy   = "LegacyIpZone"
	sysBlocked  = "BlockedIpZone"
	sysEnhanced = "DefaultEnhancedDynamicZone"
	sysExempt   = "DefaultExemptIpZone"
)

// zone is one network zone as the org stores it.
type zone struct {
	typ, id, name, status, usage string
	created, updated             time.Time
	// systemName is the name the system zone was born with ("" for admin zones): system
	// zones keep their special rules when renamed.
	systemName string

	gateways, proxies []ipEntry // IP

	locations []location // DYNAMIC
	proxyType string
	asns      []string

	v2Locations locationSet // DYNAMIC_V2
	v2Cats      stringSet
	v2ASNs      stringSet
}

type ipEntry struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type location struct {
	Country string  `json:"country"`
	Region  *string `json:"region"`
}

type locationSet struct {
	Include []location `json:"include"`
	Exclude []location `json:"exclude"`
}

type stringSet struct {
	Include []string `json:"include"`
	Exclude []string `json:"exclude"`
}

// zoneBody is a zone as a POST or PUT sends it; pointers tell absent from empty.
type zoneBody struct {
	Type                *string         `json:"type"`
	Name                *string         `json:"name"`
	Status              *string         `json:"status"`
	Usage               *string         `json:"usage"`
	System              *bool           `json:"system"`
	Gateways            []ipEntry       `json:"gateways"`
	Proxies             []ipEntry       `json:"proxies"`
	UseAsExemptList     *bool           `json:"useAsExemptList"`
	Locations           json.RawMessage `json:"locations"`
	ProxyType           *string         `json:"proxyType"`
	ASNs                json.RawMessage `json:"asns"`
	IPServiceCategories *stringSet      `json:"ipServiceCategories"`
}

func (s *Server) zoneJSON(c *call, z *zone, exemptEcho bool) obj {
	self := c.base + zones + "/" + z.id
	o := obj{
		{"type", z.typ}, {"id", z.id}, {"name", z.name}, {"status", z.status}, {"usage", z.usage},
		{"created", timestamp(z.created)}, {"lastUpdated", timestamp(z.updated)}, {"system", z.systemName != ""},
	}
	switch z.typ {
	case zoneIP:
		o = append(o, field{"gateways", nilIfEmpty(z.gateways)}, field{"proxies", nilIfEmpty(z.proxies)})
		if exemptEcho {
			o = append(o, field{"useAsBlackList", false}, field{"useAsExemptList", true})
		}
	case zoneDynamic:
		o = append(o, field{"locations", nilIfEmpty(z.locations)}, field{"proxyType", z.proxyType})
		if len(z.asns) > 0 {
			o = append(o, field{"asns", z.asns})
		}
	case zoneDynamicV2:
		o = append(o,
			field{"locations", obj{{"include", nonNil(z.v2Locations.Include)}, {"exclude", nonNil(z.v2Locations.Exclude)}}},
			field{"ipServiceCategories", obj{{"include", nonNil(z.v2Cats.Include)}, {"exclude", nonNil(z.v2Cats.Exclude)}}},
			field{"asns", obj{{"include", nonNil(z.v2ASNs.Include)}, {"exclude", nonNil(z.v2ASNs.Exclude)}}})
	}
	return append(o, field{"_links", lifecycleLinks(self, z.status, "GET", "PUT", "DELETE")})
}

func nilIfEmpty[T any](s []T) any {
	if len(s) == 0 {
		return nil
	}
	return s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (o *Org) zone(id string) *zone {
	for _, z := range o.zones {
		if z.id == id {
			return z
		}
	}
	return nil
}

func (s *Server) listZones(c *call) reply {
	match, rep := zoneFilter(c.r.URL.Query().Get("filter"))
	if rep != nil {
		return *rep
	}
	return listPage(c, zones, s.opts.PageSize, s.org.zones, match,
		func(z *zone) string { return z.id }, func(z *zone) obj { return s.zoneJSON(c, z, false) })
}

var filterTerm = regexp.MustCompile(`^\s*(\w+)\s+eq\s+(?:"([^"]*)"|(true|false))\s*$`)

// zoneFilter parses the SCIM-like filter of the zones list: id, usage and system terms
// joined with "or".
func zoneFilter(f string) (func(*zone) bool, *reply) {
	if strings.TrimSpace(f) == "" {
		return func(*zone) bool { return true }, nil
	}
	var terms []func(*zone) bool
	for _, t := range orSep.Split(f, -1) {
		m := filterTerm.FindStringSubmatch(t)
		if m == nil {
			rep := validation("filter", fmt.Sprintf("Invalid filter expression %q.", t))
			return nil, &rep
		}
		val := m[2]
		switch {
		case m[1] == "id" && m[3] == "":
			terms = append(terms, func(z *zone) bool { return z.id == val })
		case m[1] == "usage" && m[3] == "":
			terms = append(terms, func(z *zone) bool { return z.usage == val })
		case m[1] == "system" && m[3] != "":
			want := m[3] == "true"
			terms = append(terms, func(z *zone) bool { return (z.systemName != "") == want })
		default:
			rep := validation("filter", fmt.Sprintf("Unsupported filter expression %q.", t))
			return nil, &rep
		}
	}
	return func(z *zone) bool {
		for _, t := range terms {
			if t(z) {
				return true
			}
		}
		return false
	}, nil
}

func (s *Server) getZone(c *call) reply {
	z := s.org.zone(c.params["id"])
	if z == nil {
		return notFound(c.params["id"], "NetworkZone")
	}
	return ok(s.zoneJSON(c, z, false))
}

func (s *Server) createZone(c *call) reply {
	var b zoneBody
	if rep := c.decode(&b); rep != nil {
		return *rep
	}
	z, rep := s.org.buildZone(b, nil)
	if rep != nil {
		return *rep
	}
	// POST ignores the requested status: new zones are always ACTIVE (issue #2578).
	z.status = "ACTIVE"
	s.org.zones = append(s.org.zones, z)
	return ok(s.zoneJSON(c, z, false))
}

func (s *Server) replaceZone(c *call) reply {
	old := s.org.zone(c.params["id"])
	if old == nil {
		return notFound(c.params["id"], "NetworkZone")
	}
	var b zoneBody
	if rep := c.decode(&b); rep != nil {
		return *rep
	}
	z, rep := s.org.buildZone(b, old)
	if rep != nil {
		return *rep
	}
	*old = *z
	return ok(s.zoneJSON(c, old, old.systemName == sysExempt))
}

func (s *Server) deleteZone(c *call) reply {
	id := c.params["id"]
	z := s.org.zone(id)
	if z == nil {
		return notFound(id, "NetworkZone")
	}
	if z.systemName != "" {
		return errReply(http.StatusBadRequest, "E0000001",
			fmt.Sprintf("Api validation failed: The zone: %s is a system zone. System zones cannot be deleted.", z.name),
			fmt.Sprintf("id: The zone: %s is a system zone. System zones cannot be deleted.", z.id))
	}
	if z.status == "ACTIVE" {
		return errReply(http.StatusBadRequest, "E0000001",
			fmt.Sprintf("Api validation failed: The zone: %s is an active zone. Active zones cannot be deleted.", z.name),
			fmt.Sprintf("id: The zone: %s is an active zone. Active zones cannot be deleted.", z.id))
	}
	for i, x := range s.org.zones {
		if x == z {
			s.org.zones = append(s.org.zones[:i], s.org.zones[i+1:]...)
			break
		}
	}
	return noContent()
}

func (s *Server) activateZone(c *call) reply   { return s.zoneLifecycle(c, "ACTIVE") }
func (s *Server) deactivateZone(c *call) reply { return s.zoneLifecycle(c, "INACTIVE") }

// zoneLifecycle sets the status; even a no-op call bumps lastUpdated, as recorded.
func (s *Server) zoneLifecycle(c *call, status string) reply {
	z := s.org.zone(c.params["id"])
	if z == nil {
		return notFound(c.params["id"], "NetworkZone")
	}
	z.status = status
	z.updated = s.org.now()
	return ok(s.zoneJSON(c, z, false))
}
