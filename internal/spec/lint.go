package spec

import (
	"fmt"
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
)

// kindLint is the kind of every lint warning: valid definitions that are likely mistakes.
const kindLint = "lint"

// lint adds the warnings that need the whole configuration.
func (b *builder) lint() {
	b.lintZones()
	b.lintSessionViolation()
	b.lintHighRisk()
}

func (b *builder) lintZones() {
	// The blocklist zones are collected once: looking for them from each trusted zone made
	// a definition set of many zones quadratic (120,000 zones took a minute).
	var blocklists []*zoneInfo
	for _, z := range b.zones {
		if z.usage == itp.UsageBlocklist {
			blocklists = append(blocklists, z)
		}
	}
	for _, z := range b.zones {
		for _, e := range z.entries {
			if z.usage == itp.UsagePolicy && e.r.isEverything() {
				b.warnAt(e.at, kindLint, "trusted zone %q %s %q covers every address: every client would be on a trusted network", z.name, e.field, e.text)
				continue
			}
			for _, s := range specialRanges {
				if s.r.contains(e.r) {
					b.warnAt(e.at, kindLint, "%s %q of zone %q is in the %s range %s; Okta sees clients' public addresses, so it never matches", e.field, e.text, z.name, s.name, s.cidr)
					break
				}
			}
		}
		if z.usage == itp.UsagePolicy {
			for _, bz := range blocklists {
				b.lintOverlap(z, bz)
			}
		}
	}
}

// lintOverlap warns once per pair of a trusted and a blocklist zone whose addresses
// overlap, at the first overlapping entry, counting the others.
func (b *builder) lintOverlap(trusted, blocked *zoneInfo) {
	var first [2]addrEntry
	n := 0
	for _, e := range trusted.entries {
		for _, be := range blocked.entries {
			if e.r.overlaps(be.r) {
				if n == 0 {
					first = [2]addrEntry{e, be}
				}
				n++
			}
		}
	}
	if n == 0 {
		return
	}
	more := ""
	if n > 1 {
		more = fmt.Sprintf(" (and %d more overlapping entries)", n-1)
	}
	e, be := first[0], first[1]
	b.warnAt(e.at, kindLint, "trusted zone %q %s %q overlaps blocklist zone %q %s %q at %s%s",
		trusted.name, e.field, e.text, blocked.name, be.field, be.text, posOf(be.at.file, be.at.n), more)
}

// lintSessionViolation warns when the session violation rule excludes a blocklist zone:
// sessions from a network known to be bad would escape detection.
func (b *builder) lintSessionViolation() {
	for _, it := range b.svExcludes {
		for _, z := range b.zones {
			if z.usage == itp.UsageBlocklist && (it.val == z.key || it.val == z.name) {
				b.warnAt(loc{file: b.svFile, n: it.node}, kindLint, "network_excludes names blocklist zone %q: sessions from a blocked network would escape session violation detection", z.name)
				break
			}
		}
	}
}

// lintHighRisk warns when entity risk rules are defined but none terminates the sessions of
// a HIGH risk user, the response ITP exists for.
func (b *builder) lintHighRisk() {
	if b.firstRuleSection == nil || b.diags.HasErrors() {
		// With errors some rules were not read; a missing rule is then not news.
		return
	}
	for _, r := range b.cfg.EntityRiskRules {
		level := strings.ToUpper(r.RiskLevel)
		if (level == itp.RiskHigh || level == itp.RiskAny) && r.TerminateAllSessions && !strings.EqualFold(r.Status, itp.StatusInactive) {
			return
		}
	}
	b.warnAt(*b.firstRuleSection, kindLint, "no active entity risk rule terminates all sessions for HIGH risk; add one with risk_level: HIGH (or ANY) and terminate_all_sessions: true")
}
