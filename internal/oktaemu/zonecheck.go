package oktaemu

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// Validation and normalisation of zone bodies (POST and PUT).

// buildZone validates a POST/PUT body and returns the zone it describes; old is the zone
// being replaced (nil on create).
func (o *Org) buildZone(b zoneBody, old *zone) (*zone, *reply) {
	bad := func(f, msg string) (*zone, *reply) { r := validation(f, msg); return nil, &r }
	if b.Name == nil || strings.TrimSpace(*b.Name) == "" {
		return bad("name", "The field cannot be left blank.")
	}
	if len(*b.Name) > 128 {
		return bad("name", "The field cannot exceed 128 characters.")
	}
	if b.Type == nil || *b.Type == "" {
		return bad("type", "The field cannot be left blank.")
	}
	typ := *b.Type
	if typ != zoneIP && typ != zoneDynamic && typ != zoneDynamicV2 {
		return bad("type", fmt.Sprintf("Invalid zone type %q; expected IP, DYNAMIC or DYNAMIC_V2.", typ))
	}
	now := o.now()
	z := &zone{typ: typ, name: *b.Name, status: "ACTIVE", usage: "POLICY", created: now, updated: now}
	if old != nil {
		if old.typ != typ {
			return bad("type", "The network zone type cannot be changed.")
		}
		z.id, z.created, z.systemName, z.status, z.usage = old.id, old.created, old.systemName, old.status, old.usage
	} else {
		z.id = o.newID("nzo")
	}
	if b.Status != nil {
		if *b.Status != "ACTIVE" && *b.Status != "INACTIVE" {
			return bad("status", fmt.Sprintf("Invalid status %q; expected ACTIVE or INACTIVE.", *b.Status))
		}
		if old != nil && old.systemName == sysEnhanced && *b.Status != old.status {
			return bad("status", "The status of DefaultEnhancedDynamicZone cannot be changed with a replace; use the lifecycle operations.")
		}
		z.status = *b.Status
	}
	usage := "POLICY"
	if b.Usage != nil {
		if *b.Usage != "POLICY" && *b.Usage != "BLOCKLIST" {
			return bad("usage", fmt.Sprintf("Invalid usage %q; expected POLICY or BLOCKLIST.", *b.Usage))
		}
		usage = *b.Usage
	} else if old != nil && old.systemName != "" {
		usage = old.usage
	}
	exempt := b.UseAsExemptList != nil && *b.UseAsExemptList
	switch {
	case z.systemName == sysExempt && !exempt:
		return bad("useAsExemptList", "The network zone does not allow usage changes for DefaultExemptIpZone.")
	case z.systemName != sysExempt && exempt:
		return bad("useAsExemptList", "Only DefaultExemptIpZone can be used as an exempt list.")
	case z.systemName == sysBlocked && (b.System == nil || !*b.System):
		return bad("system", "The field must be true for the system zone BlockedIpZone.")
	case z.systemName != "" && usage != old.usage:
		return bad("usage", "The network zone does not allow usage changes for "+z.systemName+".")
	}
	z.usage = usage
	switch typ {
	case zoneIP:
		if rep := o.ipLists(z, b); rep != nil {
			return nil, rep
		}
	case zoneDynamic:
		if rep := dynamicFields(z, b); rep != nil {
			return nil, rep
		}
	case zoneDynamicV2:
		if rep := dynamicV2Fields(z, b); rep != nil {
			return nil, rep
		}
	}
	return z, nil
}

func (o *Org) ipLists(z *zone, b zoneBody) *reply {
	max := 150
	switch {
	case z.systemName != "":
		max = 5000
	case z.usage == "BLOCKLIST":
		max = 1000
	}
	var err *reply
	if z.gateways, err = ipEntries("gateways", b.Gateways, max); err != nil {
		return err
	}
	if z.proxies, err = ipEntries("proxies", b.Proxies, max); err != nil {
		return err
	}
	if z.systemName == sysExempt && len(z.proxies) > 0 {
		r := validation("proxies", "Proxies cannot be added to DefaultExemptIpZone.")
		return &r
	}
	if z.systemName == "" && len(z.gateways) == 0 && len(z.proxies) == 0 {
		r := validation("gateways", "An IP zone needs at least one gateway or proxy.")
		return &r
	}
	return nil
}

// ipEntries validates gateways or proxies; a single address in a RANGE is stored as "a-a".
func ipEntries(name string, in []ipEntry, max int) ([]ipEntry, *reply) {
	if len(in) > max {
		r := validation(name, fmt.Sprintf("The zone can hold at most %d entries.", max))
		return nil, &r
	}
	out := make([]ipEntry, 0, len(in))
	for i, e := range in {
		bad := func(msg string) ([]ipEntry, *reply) {
			r := validation(fmt.Sprintf("%s[%d]", name, i), msg)
			return nil, &r
		}
		v := strings.TrimSpace(e.Value)
		switch e.Type {
		case "CIDR":
			if _, err := netip.ParsePrefix(v); err != nil {
				return bad(fmt.Sprintf("Invalid CIDR %q.", e.Value))
			}
		case "RANGE":
			lo, hi, found := strings.Cut(v, "-")
			a, errA := netip.ParseAddr(strings.TrimSpace(lo))
			if errA != nil {
				return bad(fmt.Sprintf("Invalid IP range %q.", e.Value))
			}
			if !found {
				v = v + "-" + v
				break
			}
			z, errB := netip.ParseAddr(strings.TrimSpace(hi))
			if errB != nil || a.Is4() != z.Is4() || z.Less(a) {
				return bad(fmt.Sprintf("Invalid IP range %q.", e.Value))
			}
		default:
			return bad(fmt.Sprintf("Invalid address type %q; expected CIDR or RANGE.", e.Type))
		}
		out = append(out, ipEntry{Type: e.Type, Value: v})
	}
	return out, nil
}

var (
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	asnPattern  = regexp.MustCompile(`^[0-9]{1,10}$`)
	proxyTypes  = map[string]bool{"": true, "Any": true, "ANY": true, "Tor": true, "TorAnonymizer": true, "NotTorAnonymizer": true}
)

func dynamicFields(z *zone, b zoneBody) *reply {
	var locs []location
	if len(b.Locations) > 0 && string(b.Locations) != "null" {
		if err := json.Unmarshal(b.Locations, &locs); err != nil {
			r := validation("locations", "Expected an array of locations.")
			return &r
		}
	}
	var rep *reply
	if z.locations, rep = checkLocations("locations", locs); rep != nil {
		return rep
	}
	if len(b.ASNs) > 0 && string(b.ASNs) != "null" {
		if err := json.Unmarshal(b.ASNs, &z.asns); err != nil {
			r := validation("asns", "Expected an array of ASN strings.")
			return &r
		}
	}
	if rep := checkASNs("asns", z.asns); rep != nil {
		return rep
	}
	if b.ProxyType != nil {
		z.proxyType = *b.ProxyType
	}
	if !proxyTypes[z.proxyType] {
		r := validation("proxyType", fmt.Sprintf("Invalid proxy type %q.", z.proxyType))
		return &r
	}
	if len(z.locations) == 0 && len(z.asns) == 0 && z.proxyType == "" {
		r := validation("locations", "A dynamic zone needs at least one of locations, asns or proxyType.")
		return &r
	}
	return nil
}

func dynamicV2Fields(z *zone, b zoneBody) *reply {
	var locs locationSet
	if len(b.Locations) > 0 && string(b.Locations) != "null" {
		if err := json.Unmarshal(b.Locations, &locs); err != nil {
			r := validation("locations", "Expected an object with include and exclude lists.")
			return &r
		}
	}
	var rep *reply
	if z.v2Locations.Include, rep = checkLocations("locations.include", locs.Include); rep != nil {
		return rep
	}
	if z.v2Locations.Exclude, rep = checkLocations("locations.exclude", locs.Exclude); rep != nil {
		return rep
	}
	if len(b.ASNs) > 0 && string(b.ASNs) != "null" {
		if err := json.Unmarshal(b.ASNs, &z.v2ASNs); err != nil {
			r := validation("asns", "Expected an object with include and exclude lists.")
			return &r
		}
	}
	if rep := checkASNs("asns.include", z.v2ASNs.Include); rep != nil {
		return rep
	}
	if rep := checkASNs("asns.exclude", z.v2ASNs.Exclude); rep != nil {
		return rep
	}
	if b.IPServiceCategories != nil {
		z.v2Cats = *b.IPServiceCategories
	}
	for name, list := range map[string][]string{"ipServiceCategories.include": z.v2Cats.Include, "ipServiceCategories.exclude": z.v2Cats.Exclude} {
		if len(list) > 75 {
			r := validation(name, "At most 75 IP service categories are allowed.")
			return &r
		}
		for _, cat := range list {
			if !ipServiceCategories[cat] {
				r := validation(name, fmt.Sprintf("Unknown IP service category %q.", cat))
				return &r
			}
		}
	}
	return nil
}

// checkLocations validates locations and reorders them like the server does: entries with
// a region first (in request order), then country-only entries.
func checkLocations(name string, in []location) ([]location, *reply) {
	if len(in) > 75 {
		r := validation(name, "At most 75 locations are allowed.")
		return nil, &r
	}
	var regions, countries []location
	for i, l := range in {
		if !countryCode.MatchString(l.Country) {
			r := validation(fmt.Sprintf("%s[%d].country", name, i), fmt.Sprintf("Invalid ISO 3166-1 country code %q.", l.Country))
			return nil, &r
		}
		if l.Region == nil || *l.Region == "" {
			countries = append(countries, location{Country: l.Country})
			continue
		}
		if !strings.HasPrefix(*l.Region, l.Country+"-") || len(*l.Region) < 4 {
			r := validation(fmt.Sprintf("%s[%d].region", name, i), fmt.Sprintf("Invalid ISO 3166-2 region code %q for country %q.", *l.Region, l.Country))
			return nil, &r
		}
		regions = append(regions, l)
	}
	return append(regions, countries...), nil
}

func checkASNs(name string, asns []string) *reply {
	for i, a := range asns {
		if !asnPattern.MatchString(a) {
			r := validation(fmt.Sprintf("%s[%d]", name, i), fmt.Sprintf("Invalid ASN %q.", a))
			return &r
		}
	}
	return nil
}

// ipServiceCategories are the categories OAS 2025.08.0 knows.
var ipServiceCategories = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`ABCPROXY_PROXY ALL_ANONYMIZERS ALL_ANONYMIZERS_EXCEPT_TOR ALL_IP_SERVICES
		ALL_PROXIES_VPNS ANONYMIZER_TOR APPLE_ICLOUD_RELAY_PROXY ASTRILL_VPN AVAST_VPN BIGMAMA_PROXY CYBERGHOST_VPN
		DATAIMPULSE_PROXY EXPRESS_VPN FACELESS_PROXY FROXY_PROXY GEONODE_PROXY GLOBALPROTECT_VPN GOOGLE_VPN
		IPCOLA_PROXY IPIDEA_PROXY IPROXYSHOP_PROXY LUMINATI_PROXY MULLVAD_VPN NETNUT_PROXY NEXUS_PROXY NORD_VPN
		OCULUS_PROXY OXYLABS_PROXY PIA_VPN PROXYRACK_PROXY SAMSUNG_VPN SPACEPROXIES_PROXY SURFSHARK_VPN
		SYMANTEC_VPN TRENDMICRO_VPN ULTRASURF_VPN WARP_VPN YILU_PROXY`) {
		ipServiceCategories[c] = true
	}
}
