package spec

import (
	"fmt"
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
	"gopkg.in/yaml.v3"
)

// zoneKeys are the keys of a network zone, in the order of the format doc.
var zoneKeys = []string{
	"name", "type", "status", "usage", "gateways", "proxies", "dynamic_proxy_type",
	"dynamic_locations", "dynamic_locations_exclude", "asns",
	"ip_service_categories_include", "ip_service_categories_exclude", "set_usage_as_exempt_list",
}

// zoneFieldTypes says which zone types a type-specific key belongs to.
var zoneFieldTypes = map[string][]string{
	"gateways":                      {itp.ZoneIP},
	"proxies":                       {itp.ZoneIP},
	"set_usage_as_exempt_list":      {itp.ZoneIP},
	"dynamic_proxy_type":            {itp.ZoneDynamic},
	"dynamic_locations":             {itp.ZoneDynamic, itp.ZoneDynamicV2},
	"asns":                          {itp.ZoneDynamic, itp.ZoneDynamicV2},
	"dynamic_locations_exclude":     {itp.ZoneDynamicV2},
	"ip_service_categories_include": {itp.ZoneDynamicV2},
	"ip_service_categories_exclude": {itp.ZoneDynamicV2},
}

var (
	zoneTypes      = []string{itp.ZoneIP, itp.ZoneDynamic, itp.ZoneDynamicV2}
	zoneUsages     = []string{itp.UsagePolicy, itp.UsageBlocklist}
	statuses       = []string{itp.StatusActive, itp.StatusInactive}
	proxyTypes     = []string{"Any", "NotTorAnonymizer", "TorAnonymizer"}
	zoneNameLimit  = 128
	maxListEntries = 75 // dynamic_locations and IP service category lists (OAS6)
)

// zoneInfo is what the cross-object checks and lints need to know of a zone.
type zoneInfo struct {
	key     string
	keyLoc  loc
	name    string
	usage   string
	entries []addrEntry // gateways and proxies that parsed
}

// zone reads one network zone.
func (b *builder) zone(key, n *yaml.Node) {
	const what = "network zone"
	address := itp.KindZone + "." + key.Value
	fields, ok := b.keyedFields(address, key, n, what, zoneKeys, "name", "type")
	if !ok {
		return
	}
	z := itp.Zone{Key: key.Value}
	info := &zoneInfo{key: key.Value, keyLoc: loc{file: b.file, n: key}}
	z.Name = b.name(fields, what, zoneNameLimit)
	z.Type = b.enumField(fields, "type", what, zoneTypes)
	z.Status = b.enumField(fields, "status", what, statuses)
	z.Usage = b.enumField(fields, "usage", what, zoneUsages)
	z.Gateways = b.addresses(fields, "gateways", "gateway", info)
	z.Proxies = b.addresses(fields, "proxies", "proxy", info)
	if f, ok := fields["dynamic_proxy_type"]; ok {
		if s, ok := b.str(f.val, "dynamic_proxy_type"); ok {
			if s != "" && !contains(proxyTypes, s) {
				b.errorf(f.val, "enum", "invalid dynamic_proxy_type %q for %s; valid values are %s", s, what, quoteList(proxyTypes))
			}
			z.DynamicProxyType = s
		}
	}
	z.DynamicLocations = b.locations(fields, "dynamic_locations")
	z.DynamicLocationsExclude = b.locations(fields, "dynamic_locations_exclude")
	z.ASNs = b.asns(fields)
	z.IPServiceCategoriesInclude = b.categories(fields, "ip_service_categories_include")
	z.IPServiceCategoriesExclude = b.categories(fields, "ip_service_categories_exclude")
	if f, ok := fields["set_usage_as_exempt_list"]; ok {
		z.SetUsageAsExemptList, _ = b.boolean(f.val, "set_usage_as_exempt_list")
	}
	b.zoneShape(z, fields)
	b.zoneSize(z, fields)
	info.name = z.Name
	info.usage = strings.ToUpper(z.Usage)
	if info.usage == "" {
		info.usage = itp.UsagePolicy
	}
	b.zones = append(b.zones, info)
	b.zoneByKey[key.Value] = info
	b.cfg.Zones = append(b.cfg.Zones, z)
}

// zoneShape reports keys that do not belong to the zone's type, and proxies on a zone that
// is not a POLICY zone (the API refuses both).
func (b *builder) zoneShape(z itp.Zone, fields map[string]field) {
	typ := strings.ToUpper(z.Type)
	if contains(zoneTypes, typ) {
		for _, k := range zoneKeys {
			types, specific := zoneFieldTypes[k]
			f, present := fields[k]
			if !specific || !present || contains(types, typ) {
				continue
			}
			b.errorf(f.key, "zone", "key %q does not apply to zones of type %s; it is for type %s", k, typ, strings.Join(types, " and "))
		}
	}
	if f, ok := fields["proxies"]; ok && strings.EqualFold(z.Usage, itp.UsageBlocklist) && len(f.val.Content) > 0 {
		b.errorf(f.key, "zone", "key %q needs usage %s; this zone's usage is %s", "proxies", itp.UsagePolicy, strings.ToUpper(z.Usage))
	}
}

// zoneSize reports an IP zone with more gateway and proxy entries than the API accepts
// (OAS6): 150 for a zone an admin created, 1000 for a blocklist zone, 5000 for system zones.
func (b *builder) zoneSize(z itp.Zone, fields map[string]field) {
	n := len(z.Gateways) + len(z.Proxies)
	limit, kind := 150, "an admin-created zone"
	switch {
	case itp.IsSystemZoneName(z.Name):
		limit, kind = 5000, "a system zone"
	case strings.EqualFold(z.Usage, itp.UsageBlocklist):
		limit, kind = 1000, "a blocklist zone"
	}
	if n <= limit {
		return
	}
	at := fields["gateways"].key
	if at == nil {
		at = fields["proxies"].key
	}
	b.errorf(at, "length", "zone %q has %d gateway and proxy entries; the API accepts at most %d for %s", z.Name, n, limit, kind)
}

// recordFields records the position of each field's value under address.key.
// keyedFields reads the mapping n of the object key (a what, at address), records its
// fields and reports the needed ones it lacks; ok is false when n is not a valid mapping.
func (b *builder) keyedFields(address string, key, n *yaml.Node, what string, valid []string, need ...string) (map[string]field, bool) {
	fields, ok := b.mapping(n, what, valid)
	if !ok {
		return nil, false
	}
	b.recordFields(address, fields)
	b.required(key, fmt.Sprintf("%s %q", what, key.Value), fields, need...)
	return fields, true
}

func (b *builder) recordFields(address string, fields map[string]field) {
	for k, f := range fields {
		b.record(address+"."+k, deref(f.val))
	}
}

// name reads the required name field and checks its length.
func (b *builder) name(fields map[string]field, what string, limit int) string {
	f, ok := fields["name"]
	if !ok {
		return ""
	}
	s, ok := b.str(f.val, "name")
	if !ok {
		return ""
	}
	if strings.TrimSpace(s) == "" {
		b.errorf(f.val, "required", "name of %s must not be empty", what)
	}
	b.maxLen(f.val, "name", what, s, limit)
	return s
}

// enumField reads an optional enumerated string field.
func (b *builder) enumField(fields map[string]field, key, what string, valid []string) string {
	f, ok := fields[key]
	if !ok {
		return ""
	}
	s, ok := b.str(f.val, key)
	if !ok || !b.enum(deref(f.val), key, what, s, valid) {
		return ""
	}
	return s
}

// stringList reads an optional list of strings.
func (b *builder) stringList(fields map[string]field, key string) []item {
	f, ok := fields[key]
	if !ok {
		return nil
	}
	items, _ := b.list(f.val, key)
	return items
}

// addresses reads gateways or proxies and checks each entry.
func (b *builder) addresses(fields map[string]field, key, singular string, info *zoneInfo) []string {
	items := b.stringList(fields, key)
	for _, it := range items {
		rg, problem := parseAddress(it.val)
		if problem != "" {
			b.errorf(it.node, "address", "invalid %s %q: %s", singular, it.val, problem)
			continue
		}
		info.entries = append(info.entries, addrEntry{field: singular, text: it.val, at: loc{file: b.file, n: it.node}, r: rg})
	}
	return values(items)
}

func (b *builder) locations(fields map[string]field, key string) []string {
	items := b.stringList(fields, key)
	b.tooMany(fields, key, items)
	for _, it := range items {
		if problem := locationProblem(it.val); problem != "" {
			b.errorf(it.node, "location", "invalid location %q in %s: %s", it.val, key, problem)
		}
	}
	return values(items)
}

func (b *builder) asns(fields map[string]field) []string {
	items := b.stringList(fields, "asns")
	for _, it := range items {
		if !isDigits(it.val) {
			b.errorf(it.node, "value", "invalid ASN %q: an autonomous system number is written in digits only, such as \"2232\"", it.val)
		}
	}
	return values(items)
}

func (b *builder) categories(fields map[string]field, key string) []string {
	items := b.stringList(fields, key)
	b.tooMany(fields, key, items)
	for _, it := range items {
		if contains(ipServiceCategories, strings.ToUpper(it.val)) {
			continue
		}
		if s := suggest(it.val, ipServiceCategories); s != "" {
			b.errorf(it.node, "enum", "unknown IP service category %q; did you mean %q?", it.val, s)
			continue
		}
		b.errorf(it.node, "enum", "unknown IP service category %q; valid values are %s", it.val, quoteList(ipServiceCategories))
	}
	return values(items)
}

func (b *builder) tooMany(fields map[string]field, key string, items []item) {
	if len(items) > maxListEntries {
		b.errorf(fields[key].key, "length", "%s has %d entries; the API accepts at most %d", key, len(items), maxListEntries)
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ipServiceCategories are the IP service categories of DYNAMIC_V2 zones known to OAS6.
var ipServiceCategories = []string{
	"ABCPROXY_PROXY", "ALL_ANONYMIZERS", "ALL_ANONYMIZERS_EXCEPT_TOR", "ALL_IP_SERVICES",
	"ALL_PROXIES_VPNS", "ANONYMIZER_TOR", "APPLE_ICLOUD_RELAY_PROXY", "ASTRILL_VPN", "AVAST_VPN",
	"BIGMAMA_PROXY", "CYBERGHOST_VPN", "DATAIMPULSE_PROXY", "EXPRESS_VPN", "FACELESS_PROXY",
	"FROXY_PROXY", "GEONODE_PROXY", "GLOBALPROTECT_VPN", "GOOGLE_VPN", "IPCOLA_PROXY",
	"IPIDEA_PROXY", "IPROXYSHOP_PROXY", "LUMINATI_PROXY", "MULLVAD_VPN", "NETNUT_PROXY",
	"NEXUS_PROXY", "NORD_VPN", "OCULUS_PROXY", "OXYLABS_PROXY", "PIA_VPN", "PROXYRACK_PROXY",
	"SAMSUNG_VPN", "SPACEPROXIES_PROXY", "SURFSHARK_VPN", "SYMANTEC_VPN", "TRENDMICRO_VPN",
	"ULTRASURF_VPN", "WARP_VPN", "YILU_PROXY",
}
