package plan

import (
	"slices"
	"sort"

	"github.com/itpsync/itpsync/internal/itp"
)

// field is one Terraform argument of an object and its value: string, bool, int or
// []string, nil when absent. Every field list of a type has the same paths in the same
// order, so two lists of one type compare position by position.
type field struct {
	path string
	v    any
}

func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func list(l []string) any {
	if len(l) == 0 {
		return nil
	}
	return slices.Clone(l)
}

func num(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// zoneFields lists the compared arguments of a zone. set_usage_as_exempt_list is left out:
// the API never returns it, so it would always differ.
func zoneFields(z *itp.Zone) []field {
	return []field{
		{"asns", list(z.ASNs)},
		{"dynamic_locations", list(z.DynamicLocations)},
		{"dynamic_locations_exclude", list(z.DynamicLocationsExclude)},
		{"dynamic_proxy_type", str(z.DynamicProxyType)},
		{"gateways", list(z.Gateways)},
		{"ip_service_categories_exclude", list(z.IPServiceCategoriesExclude)},
		{"ip_service_categories_include", list(z.IPServiceCategoriesInclude)},
		{"name", str(z.Name)},
		{"proxies", list(z.Proxies)},
		{"status", str(z.Status)},
		{"type", str(z.Type)},
		{"usage", str(z.Usage)},
	}
}

// entityRiskRuleFields lists the compared arguments of an entity risk rule; priority only
// when managed, since a desired priority 0 means any priority is fine. log_only is a
// statement of the definitions alone.
func entityRiskRuleFields(r *itp.EntityRiskRule, priority bool) []field {
	f := []field{
		{"groups_excluded", list(r.GroupsExcluded)},
		{"groups_included", list(r.GroupsIncluded)},
		{"name", str(r.Name)},
	}
	if priority {
		f = append(f, field{"priority", num(r.Priority)})
	}
	return append(f,
		field{"risk_level", str(r.RiskLevel)},
		field{"status", str(r.Status)},
		field{"terminate_all_sessions", r.TerminateAllSessions},
		field{"users_excluded", list(r.UsersExcluded)},
		field{"users_included", list(r.UsersIncluded)},
		field{"workflow_id", str(r.WorkflowID)},
	)
}

// postAuthRuleFields lists the compared arguments of the post-auth session rule; its
// priority is the org's business and always written back unchanged.
func postAuthRuleFields(r *itp.PostAuthRule) []field {
	return []field{
		{"groups_excluded", list(r.GroupsExcluded)},
		{"groups_included", list(r.GroupsIncluded)},
		{"name", str(r.Name)},
		{"status", str(r.Status)},
		{"terminate_session", r.TerminateSession},
		{"users_excluded", list(r.UsersExcluded)},
		{"workflow_id", str(r.WorkflowID)},
	}
}

func sessionViolationFields(r *itp.SessionViolationRule, priority bool) []field {
	f := []field{
		{"min_risk_level", str(r.MinRiskLevel)},
		{"name", str(r.Name)},
		{"network_connection", str(r.NetworkConnection)},
		{"network_excludes", list(r.NetworkExcludes)},
		{"network_includes", list(r.NetworkIncludes)},
		{"policy_evaluation_enabled", r.PolicyEvaluationEnabled},
	}
	if priority {
		f = append(f, field{"priority", num(r.Priority)})
	}
	return append(f, field{"status", str(r.Status)})
}

func providerFields(p *itp.Provider) []field {
	return []field{
		{"is_enabled", str(p.IsEnabled)},
		{"name", str(p.Name)},
		{"settings.issuer", str(p.Issuer)},
		{"settings.jwks_url", str(p.JWKSURL)},
		{"settings.well_known_url", str(p.WellKnownURL)},
		{"type", str(p.Type)},
	}
}

// userRiskFields: the user is the match key and the reason is the org's comment, so only
// the level is compared.
func userRiskFields(u *itp.UserRisk) []field {
	return []field{{"risk_level", str(u.RiskLevel)}}
}

// equalValue compares two field values.
func equalValue(a, b any) bool {
	switch a := a.(type) {
	case []string:
		b, ok := b.([]string)
		return ok && slices.Equal(a, b)
	case nil:
		return b == nil
	default:
		if _, ok := b.([]string); ok {
			return false
		}
		return a == b
	}
}

// diffFields returns the changed fields between two field lists of one type, by path.
func diffFields(before, after []field) []FieldChange {
	var out []FieldChange
	for i := range before {
		if !equalValue(before[i].v, after[i].v) {
			out = append(out, FieldChange{Path: before[i].path, Before: before[i].v, After: after[i].v})
		}
	}
	sortFields(out)
	return out
}

// setFields lists the fields of a created (after) or deleted (before) object that are set;
// a false bool counts as unset.
func setFields(fs []field, created bool) []FieldChange {
	var out []FieldChange
	for _, f := range fs {
		if f.v == nil || f.v == false {
			continue
		}
		if created {
			out = append(out, FieldChange{Path: f.path, After: f.v})
		} else {
			out = append(out, FieldChange{Path: f.path, Before: f.v})
		}
	}
	sortFields(out)
	return out
}

func sortFields(fs []FieldChange) {
	sort.Slice(fs, func(i, j int) bool { return fs[i].Path < fs[j].Path })
}

// objectFields lists every compared argument of an itp object, priority included (the
// pre-provisioned post-auth rule's too: a write carries it back), or nil for anything else.
func objectFields(v any) []field {
	switch o := v.(type) {
	case *itp.Zone:
		return zoneFields(o)
	case *itp.EntityRiskRule:
		return entityRiskRuleFields(o, true)
	case *itp.PostAuthRule:
		return append(postAuthRuleFields(o), field{"priority", num(o.Priority)})
	case *itp.SessionViolationRule:
		return sessionViolationFields(o, true)
	case *itp.Provider:
		return providerFields(o)
	case *itp.UserRisk:
		return userRiskFields(o)
	}
	return nil
}

// ObjectDiff returns the arguments that differ between two objects of one kind (pointers to
// itp types, as in Change.Before): what changed in the org between two reads of an
// object. Objects of different or unknown types give nil.
func ObjectDiff(a, b any) []FieldChange {
	fa, fb := objectFields(a), objectFields(b)
	if fa == nil || len(fa) != len(fb) {
		return nil
	}
	for i := range fa {
		if fa[i].path != fb[i].path {
			return nil
		}
	}
	fa, fb = sortedFields(fa), sortedFields(fb)
	return diffFields(fa, fb)
}

// sortedFields sorts a field list by path (the post-auth rule's priority is appended).
func sortedFields(fs []field) []field {
	out := slices.Clone(fs)
	sort.SliceStable(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}
