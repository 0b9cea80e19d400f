package itp

import (
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// NormalizeAddress returns the canonical form of one gateway or proxy entry: a range whose
// two ends are the same address ("1.2.3.4-1.2.3.4", how Okta stores a single address) is
// collapsed to the address, and addresses are written in their canonical text form (IPv6
// compressed, lower case). CIDRs are kept as written apart from that: Okta echoes
// "1.2.3.4/24" verbatim, and "1.2.3.4/32" is a different value from "1.2.3.4" to the API.
// Text that does not parse is returned trimmed but otherwise unchanged.
func NormalizeAddress(s string) string {
	s = strings.TrimSpace(s)
	if prefix, err := netip.ParsePrefix(s); err == nil {
		return prefix.Addr().String() + "/" + strconv.Itoa(prefix.Bits())
	}
	if a, b, ok := strings.Cut(s, "-"); ok {
		lo, err1 := netip.ParseAddr(strings.TrimSpace(a))
		hi, err2 := netip.ParseAddr(strings.TrimSpace(b))
		if err1 != nil || err2 != nil {
			return s
		}
		if lo == hi {
			return lo.String()
		}
		return lo.String() + "-" + hi.String()
	}
	if addr, err := netip.ParseAddr(s); err == nil {
		return addr.String()
	}
	return s
}

// NormalizeSet sorts a list the API treats as a set, drops duplicates and empty entries, and
// returns nil for an empty list so that null, absent and [] compare equal.
func NormalizeSet(in []string, canon func(string) string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, v := range in {
		if canon != nil {
			v = canon(v)
		}
		v = strings.TrimSpace(v)
		if v != "" {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func upper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Normalize puts z into canonical form: server defaults filled in (status ACTIVE, usage
// POLICY), sets sorted, single-address ranges collapsed, location codes upper case, and
// fields that do not belong to the zone's type cleared.
func (z *Zone) Normalize() {
	z.Type = upper(z.Type)
	z.Status = orDefault(upper(z.Status), StatusActive)
	z.Usage = orDefault(upper(z.Usage), UsagePolicy)
	z.Gateways = NormalizeSet(z.Gateways, NormalizeAddress)
	z.Proxies = NormalizeSet(z.Proxies, NormalizeAddress)
	z.DynamicLocations = NormalizeSet(z.DynamicLocations, upper)
	z.DynamicLocationsExclude = NormalizeSet(z.DynamicLocationsExclude, upper)
	z.ASNs = NormalizeSet(z.ASNs, nil)
	z.IPServiceCategoriesInclude = NormalizeSet(z.IPServiceCategoriesInclude, upper)
	z.IPServiceCategoriesExclude = NormalizeSet(z.IPServiceCategoriesExclude, upper)
	z.DynamicProxyType = strings.TrimSpace(z.DynamicProxyType)
	switch z.Type {
	case ZoneIP:
		z.DynamicProxyType, z.DynamicLocations, z.DynamicLocationsExclude, z.ASNs = "", nil, nil, nil
		z.IPServiceCategoriesInclude, z.IPServiceCategoriesExclude = nil, nil
	case ZoneDynamic:
		z.Gateways, z.Proxies, z.DynamicLocationsExclude = nil, nil, nil
		z.IPServiceCategoriesInclude, z.IPServiceCategoriesExclude = nil, nil
		z.SetUsageAsExemptList = false
	case ZoneDynamicV2:
		z.Gateways, z.Proxies, z.DynamicProxyType = nil, nil, ""
		z.SetUsageAsExemptList = false
	}
}

// Normalize puts r into canonical form.
func (r *EntityRiskRule) Normalize() {
	r.RiskLevel = upper(r.RiskLevel)
	r.Status = orDefault(upper(r.Status), StatusActive)
	r.WorkflowID = strings.TrimSpace(r.WorkflowID)
	r.UsersIncluded = NormalizeSet(r.UsersIncluded, nil)
	r.UsersExcluded = NormalizeSet(r.UsersExcluded, nil)
	r.GroupsIncluded = NormalizeSet(r.GroupsIncluded, nil)
	r.GroupsExcluded = NormalizeSet(r.GroupsExcluded, nil)
}

// Normalize puts r into canonical form.
func (r *PostAuthRule) Normalize() {
	r.Status = orDefault(upper(r.Status), StatusActive)
	r.WorkflowID = strings.TrimSpace(r.WorkflowID)
	r.UsersExcluded = NormalizeSet(r.UsersExcluded, nil)
	r.GroupsIncluded = NormalizeSet(r.GroupsIncluded, nil)
	r.GroupsExcluded = NormalizeSet(r.GroupsExcluded, nil)
}

// Normalize puts r into canonical form. A rule whose connection is ANYWHERE has no zone
// lists (the API ignores them).
func (r *SessionViolationRule) Normalize() {
	r.Status = orDefault(upper(r.Status), StatusActive)
	r.MinRiskLevel = upper(r.MinRiskLevel)
	r.NetworkConnection = orDefault(upper(r.NetworkConnection), ConnectionAnywhere)
	r.NetworkIncludes = NormalizeSet(r.NetworkIncludes, nil)
	r.NetworkExcludes = NormalizeSet(r.NetworkExcludes, nil)
	if r.NetworkConnection == ConnectionAnywhere {
		r.NetworkIncludes, r.NetworkExcludes = nil, nil
	}
}

// Normalize puts p into canonical form. For a provider configured by its well-known URL the
// server derives issuer and jwks_url; those are dropped so they never show as a change.
func (p *Provider) Normalize() {
	p.IsEnabled = orDefault(upper(p.IsEnabled), StatusActive)
	p.WellKnownURL = strings.TrimSpace(p.WellKnownURL)
	p.Issuer = strings.TrimSpace(p.Issuer)
	p.JWKSURL = strings.TrimSpace(p.JWKSURL)
	if p.WellKnownURL != "" {
		p.Issuer, p.JWKSURL = "", ""
	}
}

// Normalize puts u into canonical form. Logins compare case-insensitively in Okta.
func (u *UserRisk) Normalize() {
	u.RiskLevel = orDefault(upper(u.RiskLevel), RiskNone)
	u.User = strings.TrimSpace(u.User)
}

// Normalize puts every object of c into canonical form and sorts each kind by name.
func (c *Config) Normalize() {
	for i := range c.Zones {
		c.Zones[i].Normalize()
	}
	for i := range c.EntityRiskRules {
		c.EntityRiskRules[i].Normalize()
	}
	if c.PostAuthRule != nil {
		c.PostAuthRule.Normalize()
	}
	if c.SessionViolationRule != nil {
		c.SessionViolationRule.Normalize()
	}
	for i := range c.Providers {
		c.Providers[i].Normalize()
	}
	for i := range c.UserRisks {
		c.UserRisks[i].Normalize()
	}
	sort.SliceStable(c.Zones, func(i, j int) bool { return c.Zones[i].Name < c.Zones[j].Name })
	sort.SliceStable(c.EntityRiskRules, func(i, j int) bool { return c.EntityRiskRules[i].Name < c.EntityRiskRules[j].Name })
	sort.SliceStable(c.Providers, func(i, j int) bool { return c.Providers[i].Name < c.Providers[j].Name })
	sort.SliceStable(c.UserRisks, func(i, j int) bool {
		return strings.ToLower(c.UserRisks[i].User) < strings.ToLower(c.UserRisks[j].User)
	})
}

// RiskRank orders user risk levels for the "apply only raises" rule: NONE < LOW < MEDIUM < HIGH.
func RiskRank(level string) int {
	switch upper(level) {
	case RiskLow:
		return 1
	case RiskMedium:
		return 2
	case RiskHigh:
		return 3
	}
	return 0
}

// Slug turns an Okta object name into a YAML map key: lower case, runs of anything but
// letters and digits become one underscore. Used for objects found in the org but not in
// the definitions (export, ready-to-paste YAML).
func Slug(name string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			under = false
			continue
		}
		under = true
	}
	if b.Len() == 0 {
		return "object"
	}
	s := b.String()
	if s[0] >= '0' && s[0] <= '9' {
		s = "x_" + s
	}
	return s
}
