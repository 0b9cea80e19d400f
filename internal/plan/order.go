package plan

import (
	"slices"
	"sort"

	"github.com/itpsync/itpsync/internal/itp"
)

// kindRank is the position of a kind in itp.Kinds, which is dependency order: a kind only
// references kinds before it.
func kindRank(kind string) int {
	if i := slices.Index(itp.Kinds, kind); i >= 0 {
		return i
	}
	return len(itp.Kinds)
}

// order fills DependsOn and sorts the changes for apply: creates and updates by kind in
// dependency order, then deletes in reverse dependency order, each by address. Within that
// order every change comes after the changes it depends on: only the session violation
// rule references other objects (zones), and zones come first among writes and last among
// deletes.
func order(p *Plan) {
	zoneWrites := map[string]string{} // zone name → address of its create/update
	zoneDeletes := map[string]int{}   // zone name → index of its delete
	for i, c := range p.Changes {
		if c.Kind != itp.KindZone {
			continue
		}
		if c.Action == Delete {
			zoneDeletes[c.Name] = i
		} else {
			zoneWrites[c.Name] = c.Address
		}
	}
	for i := range p.Changes {
		c := &p.Changes[i]
		if c.Kind != itp.KindSessionViolation {
			continue
		}
		// The rule needs the zones it will reference written first…
		if after, ok := c.After.(*itp.SessionViolationRule); ok {
			for _, z := range append(slices.Clone(after.NetworkIncludes), after.NetworkExcludes...) {
				if addr, ok := zoneWrites[z]; ok {
					c.DependsOn = append(c.DependsOn, addr)
				}
			}
		}
		// …and must stop referencing a zone before the zone is deleted.
		if before, ok := c.Before.(*itp.SessionViolationRule); ok {
			for _, z := range append(slices.Clone(before.NetworkIncludes), before.NetworkExcludes...) {
				if j, ok := zoneDeletes[z]; ok {
					p.Changes[j].DependsOn = append(p.Changes[j].DependsOn, c.Address)
				}
			}
		}
	}
	for i := range p.Changes {
		d := p.Changes[i].DependsOn
		sort.Strings(d)
		p.Changes[i].DependsOn = slices.Compact(d)
	}
	sort.SliceStable(p.Changes, func(i, j int) bool {
		a, b := p.Changes[i], p.Changes[j]
		ad, bd := a.Action == Delete, b.Action == Delete
		if ad != bd {
			return bd
		}
		ra, rb := kindRank(a.Kind), kindRank(b.Kind)
		if ra != rb {
			if ad {
				return ra > rb
			}
			return ra < rb
		}
		return a.Address < b.Address
	})
	sort.Slice(p.Unmanaged, func(i, j int) bool {
		a, b := p.Unmanaged[i], p.Unmanaged[j]
		if ra, rb := kindRank(a.Kind), kindRank(b.Kind); ra != rb {
			return ra < rb
		}
		return a.Address < b.Address
	})
	sort.Strings(p.Warnings)
}
