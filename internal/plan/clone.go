package plan

import (
	"slices"

	"github.com/itpsync/itpsync/internal/itp"
)

// normalized returns a normalised deep copy of c (an empty configuration when c is nil),
// so that Compute and Strip never modify what they are given.
func normalized(c *itp.Config) *itp.Config {
	out := &itp.Config{}
	if c == nil {
		out.Normalize()
		return out
	}
	out.Zones = slices.Clone(c.Zones)
	for i := range out.Zones {
		z := &out.Zones[i]
		z.Gateways, z.Proxies = slices.Clone(z.Gateways), slices.Clone(z.Proxies)
		z.DynamicLocations = slices.Clone(z.DynamicLocations)
		z.DynamicLocationsExclude = slices.Clone(z.DynamicLocationsExclude)
		z.ASNs = slices.Clone(z.ASNs)
		z.IPServiceCategoriesInclude = slices.Clone(z.IPServiceCategoriesInclude)
		z.IPServiceCategoriesExclude = slices.Clone(z.IPServiceCategoriesExclude)
	}
	out.EntityRiskRules = slices.Clone(c.EntityRiskRules)
	for i := range out.EntityRiskRules {
		r := &out.EntityRiskRules[i]
		r.UsersIncluded, r.UsersExcluded = slices.Clone(r.UsersIncluded), slices.Clone(r.UsersExcluded)
		r.GroupsIncluded, r.GroupsExcluded = slices.Clone(r.GroupsIncluded), slices.Clone(r.GroupsExcluded)
	}
	if c.PostAuthRule != nil {
		r := *c.PostAuthRule
		r.UsersExcluded = slices.Clone(r.UsersExcluded)
		r.GroupsIncluded, r.GroupsExcluded = slices.Clone(r.GroupsIncluded), slices.Clone(r.GroupsExcluded)
		out.PostAuthRule = &r
	}
	if c.SessionViolationRule != nil {
		r := *c.SessionViolationRule
		r.NetworkIncludes, r.NetworkExcludes = slices.Clone(r.NetworkIncludes), slices.Clone(r.NetworkExcludes)
		out.SessionViolationRule = &r
	}
	out.Providers = slices.Clone(c.Providers)
	out.UserRisks = slices.Clone(c.UserRisks)
	out.Normalize()
	return out
}
