package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
)

// driftRiskPrefix starts every risk of a drift report: there the risks are computed from
// the definitions to the org, so they say how the org is less protected than declared.
const driftRiskPrefix = "Compared with the definitions: "

// addRisks attaches to each change the callouts a reviewer must not miss. In a plan they
// describe what apply would do (org → definitions); in a drift report, how the org departs
// from the definitions (definitions → org), which is what makes drift dangerous.
func addRisks(changes []Change, rules []rulePriority, drift bool) {
	for i := range changes {
		c := &changes[i]
		before, after := c.Before, c.After
		if drift {
			before, after = after, before
		}
		var risks []Risk
		switch b := before.(type) {
		case *itp.Zone:
			a, _ := after.(*itp.Zone)
			risks = zoneRisks(b, a)
		case *itp.EntityRiskRule:
			a, _ := after.(*itp.EntityRiskRule)
			risks = entityRiskRuleRisks(b, a)
		case *itp.PostAuthRule:
			if a, ok := after.(*itp.PostAuthRule); ok {
				risks = postAuthRisks(b, a)
			}
		case *itp.SessionViolationRule:
			if a, ok := after.(*itp.SessionViolationRule); ok {
				risks = sessionViolationRisks(b, a)
			}
		case *itp.Provider:
			a, _ := after.(*itp.Provider)
			risks = providerRisks(b, a)
		case nil:
			if z, ok := after.(*itp.Zone); ok && z.Usage == itp.UsagePolicy {
				risks = trustedWidening(z.Name, nil, nil, z)
			}
		}
		if drift {
			for j := range risks {
				risks[j].Message = driftRiskPrefix + risks[j].Message
			}
		}
		c.Risks = append(c.Risks, risks...)
	}
	prefix := ""
	if drift {
		prefix = driftRiskPrefix
		for i := range rules {
			rules[i].before, rules[i].after = rules[i].after, rules[i].before
		}
	}
	priorityReorder(changes, rules, prefix)
	for i := range changes {
		rs := changes[i].Risks
		sort.SliceStable(rs, func(a, b int) bool { return rs[a].Level == RiskHigh && rs[b].Level != RiskHigh })
	}
}

func high(format string, args ...any) Risk {
	return Risk{Level: RiskHigh, Message: fmt.Sprintf(format, args...)}
}

func medium(format string, args ...any) Risk {
	return Risk{Level: RiskMedium, Message: fmt.Sprintf(format, args...)}
}

// zoneRisks: a blocklist that stops blocking, or a trusted zone that trusts more.
func zoneRisks(before, after *itp.Zone) []Risk {
	name := before.Name
	if before.Usage == itp.UsageBlocklist {
		switch {
		case after == nil:
			return []Risk{high("Blocklist zone %q is deleted: its addresses are no longer blocked.", name)}
		case after.Usage != itp.UsageBlocklist:
			return []Risk{high("Zone %q stops being a blocklist (usage %s -> %s): its addresses are no longer blocked.", name, before.Usage, after.Usage)}
		case before.Status == itp.StatusActive && after.Status != itp.StatusActive:
			return []Risk{high("Blocklist zone %q is deactivated: its addresses are no longer blocked.", name)}
		}
		var out []Risk
		if removed, _ := widened(after.Gateways, before.Gateways); len(removed) > 0 {
			out = append(out, high("Blocklist zone %q stops blocking gateways %s.", name, strings.Join(removed, ", ")))
		}
		if removed, _ := widened(after.Proxies, before.Proxies); len(removed) > 0 {
			out = append(out, high("Blocklist zone %q stops blocking proxies %s.", name, strings.Join(removed, ", ")))
		}
		for _, l := range []struct {
			what          string
			before, after []string
		}{
			{"locations", before.DynamicLocations, after.DynamicLocations},
			{"ASNs", before.ASNs, after.ASNs},
			{"IP service categories", before.IPServiceCategoriesInclude, after.IPServiceCategoriesInclude},
		} {
			if removed := missing(l.before, l.after); len(removed) > 0 {
				out = append(out, high("Blocklist zone %q stops blocking %s %s.", name, l.what, strings.Join(removed, ", ")))
			}
		}
		return out
	}
	if after == nil || after.Usage != itp.UsagePolicy {
		return nil
	}
	return append(trustedWidening(name, before.Gateways, before.Proxies, after), dynamicWidening(before, after)...)
}

// dynamicWidening flags a trusted dynamic zone that matches more: locations, ASNs or IP
// service categories added to a list that had some, or exclusions dropped.
func dynamicWidening(before, after *itp.Zone) []Risk {
	var out []Risk
	for _, l := range []struct {
		what          string
		before, after []string
	}{
		{"locations", before.DynamicLocations, after.DynamicLocations},
		{"ASNs", before.ASNs, after.ASNs},
		{"IP service categories", before.IPServiceCategoriesInclude, after.IPServiceCategoriesInclude},
	} {
		if added := missing(l.after, l.before); len(added) > 0 && l.before != nil {
			out = append(out, medium("Trusted zone %q is widened: it now also matches %s %s.", before.Name, l.what, strings.Join(added, ", ")))
		}
	}
	for _, l := range []struct {
		what          string
		before, after []string
	}{
		{"locations", before.DynamicLocationsExclude, after.DynamicLocationsExclude},
		{"IP service categories", before.IPServiceCategoriesExclude, after.IPServiceCategoriesExclude},
	} {
		if dropped := missing(l.before, l.after); len(dropped) > 0 {
			out = append(out, medium("Trusted zone %q is widened: it no longer excludes %s %s.", before.Name, l.what, strings.Join(dropped, ", ")))
		}
	}
	return out
}

// trustedWidening flags addresses a POLICY zone covers after and did not before.
func trustedWidening(name string, gateways, proxies []string, after *itp.Zone) []Risk {
	var out []Risk
	for _, l := range []struct {
		what          string
		before, after []string
	}{{"gateways", gateways, after.Gateways}, {"proxies", proxies, after.Proxies}} {
		added, whole := widened(l.before, l.after)
		switch {
		case whole:
			out = append(out, high("Trusted zone %q now covers every address (%s %s): policies that trust this zone trust the whole internet.", name, l.what, strings.Join(added, ", ")))
		case len(added) > 0 && l.before != nil:
			out = append(out, medium("Trusted zone %q is widened: %s %s cover addresses it did not before.", name, l.what, strings.Join(added, ", ")))
		}
	}
	return out
}

// missing lists the elements of before that after lacks.
func missing(before, after []string) []string {
	var out []string
	for _, v := range before {
		if !slices.Contains(after, v) {
			out = append(out, v)
		}
	}
	return out
}

func entityRiskRuleRisks(before, after *itp.EntityRiskRule) []Risk {
	if !before.TerminateAllSessions || before.Status != itp.StatusActive {
		return nil
	}
	switch {
	case after == nil:
		return []Risk{high("Entity risk rule %q is deleted: it terminated all sessions of risky users.", before.Name)}
	case !after.TerminateAllSessions:
		return []Risk{high("Entity risk rule %q stops terminating all sessions of risky users.", before.Name)}
	case after.Status != itp.StatusActive:
		return []Risk{high("Entity risk rule %q is deactivated: it terminated all sessions of risky users.", before.Name)}
	}
	return nil
}

func postAuthRisks(before, after *itp.PostAuthRule) []Risk {
	var out []Risk
	if before.TerminateSession && !after.TerminateSession {
		out = append(out, high("Post-auth session rule %q stops terminating sessions on a session policy violation.", after.Name))
	}
	if before.Status == itp.StatusActive && after.Status != itp.StatusActive {
		out = append(out, high("Post-auth session rule %q is deactivated: session policy violations no longer get a response.", after.Name))
	}
	return out
}

func sessionViolationRisks(before, after *itp.SessionViolationRule) []Risk {
	var out []Risk
	if itp.RiskRank(after.MinRiskLevel) > itp.RiskRank(before.MinRiskLevel) {
		out = append(out, high("Session violation rule %q now only acts from risk level %s (was %s): fewer session violations are detected.", after.Name, after.MinRiskLevel, before.MinRiskLevel))
	}
	if before.PolicyEvaluationEnabled && !after.PolicyEvaluationEnabled {
		out = append(out, high("Session violation rule %q turns policy evaluation off.", after.Name))
	}
	if before.Status == itp.StatusActive && after.Status != itp.StatusActive {
		out = append(out, high("Session violation rule %q is deactivated: session violations are no longer detected.", after.Name))
	}
	return out
}

func providerRisks(before, after *itp.Provider) []Risk {
	if before.IsEnabled != itp.StatusActive {
		return nil
	}
	if after == nil {
		return []Risk{high("Security events provider %q is deleted: Okta stops receiving its risk signals.", before.Name)}
	}
	if after.IsEnabled != itp.StatusActive {
		return []Risk{high("Security events provider %q is disabled: Okta stops receiving its risk signals.", before.Name)}
	}
	return nil
}

// rulePriority is an entity risk rule present in both the definitions and the org, with
// its priority before and after apply.
type rulePriority struct {
	address, name string
	before, after int
}

// priorityReorder flags entity risk rules whose priority change alters which of two
// existing rules is evaluated first (medium: Okta renumbers priorities by itself, so a
// change of number alone is not a risk).
func priorityReorder(changes []Change, rules []rulePriority, prefix string) {
	at := map[string]int{}
	for i, c := range changes {
		at[c.Address] = i
	}
	for _, r := range rules {
		i, ok := at[r.address]
		if !ok || r.before == r.after {
			continue
		}
		var passed []string
		for _, o := range rules {
			if o.address != r.address && (r.before < o.before) != (r.after < o.after) && r.before != o.before && r.after != o.after {
				passed = append(passed, fmt.Sprintf("%q", o.name))
			}
		}
		if len(passed) > 0 {
			sort.Strings(passed)
			changes[i].Risks = append(changes[i].Risks, medium(prefix+"Entity risk rule %q moves from priority %d to %d, changing its order relative to %s: a different rule may now match a risky user first.", r.name, r.before, r.after, strings.Join(passed, ", ")))
		}
	}
}
