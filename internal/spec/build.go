package spec

import (
	"github.com/itpsync/itpsync/internal/diag"
	"github.com/itpsync/itpsync/internal/itp"
	"gopkg.in/yaml.v3"
)

// loc is a node and the file it is in, for checks that span objects and files.
type loc struct {
	file string
	n    *yaml.Node
}

// builder turns the sections of every file into one itp.Config for one environment.
type builder struct {
	reader
	cfg itp.Config
	// seen maps an object's address to where its key was first defined.
	seen map[string]diag.Pos

	zones     []*zoneInfo
	zoneByKey map[string]*zoneInfo
	// priorities of entity risk rules, for the uniqueness check.
	priorities map[int]loc
	// firstRuleSection is where entity_risk_policy_rules is first declared.
	firstRuleSection *loc
	svExcludes       []item
	svFile           string
}

// build reads every file's sections with the given variables. pos, when not nil, receives
// the positions of objects and fields.
func (d *Definitions) build(vars map[string]string, noEnv bool, pos map[string]diag.Pos) (*itp.Config, diag.List) {
	b := &builder{
		reader:     reader{vars: vars, noEnv: noEnv, pos: pos},
		seen:       map[string]diag.Pos{},
		zoneByKey:  map[string]*zoneInfo{},
		priorities: map[int]loc{},
	}
	for _, f := range d.files {
		b.file = f.name
		for _, s := range f.sections {
			b.section(s)
		}
	}
	b.lint()
	b.resolveZoneRefs()
	return &b.cfg, b.diags
}

func (b *builder) section(s section) {
	switch s.kind {
	case itp.KindZone:
		for _, e := range b.entries(s.val, "network zones") {
			if b.declare(s.kind, "network zone", e.key) {
				b.zone(e.key, e.val)
			}
		}
	case itp.KindEntityRiskRule:
		if b.firstRuleSection == nil {
			b.firstRuleSection = &loc{file: b.file, n: s.key}
		}
		for _, e := range b.entries(s.val, "entity risk policy rules") {
			if b.declare(s.kind, "entity risk rule", e.key) {
				b.entityRiskRule(e.key, e.val)
			}
		}
	case itp.KindProvider:
		for _, e := range b.entries(s.val, "security events providers") {
			if b.declare(s.kind, "security events provider", e.key) {
				b.provider(e.key, e.val)
			}
		}
	case itp.KindUserRisk:
		for _, e := range b.entries(s.val, "user risks") {
			if b.declare(s.kind, "user risk", e.key) {
				b.userRisk(e.key, e.val)
			}
		}
	case itp.KindPostAuthRule:
		b.record(s.kind, s.key)
		b.postAuthRule(s.key, s.val)
	case itp.KindSessionViolation:
		b.record(s.kind, s.key)
		b.sessionViolationRule(s.key, s.val)
	}
}

// declare registers an object key of a map section; a key appears once across all files.
func (b *builder) declare(kind, what string, key *yaml.Node) bool {
	address := kind + "." + key.Value
	if prev, dup := b.seen[address]; dup {
		b.errorf(key, "duplicate", "%s %q is already defined at %s", what, key.Value, prev)
		return false
	}
	b.seen[address] = b.at(key)
	b.record(address, key)
	return true
}

// warnAt reports a warning at a node of any file.
func (b *builder) warnAt(l loc, kind, format string, args ...any) {
	saved := b.file
	b.file = l.file
	b.warnf(l.n, kind, format, args...)
	b.file = saved
}

// required reports the keys of need missing from fields, at the object's key; label names
// the object (`network zone "corporate_vpn"`).
func (b *builder) required(key *yaml.Node, label string, fields map[string]field, need ...string) {
	var missing []string
	for _, k := range need {
		if _, ok := fields[k]; !ok {
			missing = append(missing, k)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		b.errorf(key, "required", "%s is missing required key %q", label, missing[0])
	default:
		b.errorf(key, "required", "%s is missing required keys %s", label, quoteList(missing))
	}
}

// resolveZoneRefs replaces zone keys in the session violation rule by the zones' names.
func (b *builder) resolveZoneRefs() {
	r := b.cfg.SessionViolationRule
	if r == nil {
		return
	}
	byKey := func(list []string) []string {
		for i, v := range list {
			if z, ok := b.zoneByKey[v]; ok && z.name != "" {
				list[i] = z.name
			}
		}
		return list
	}
	r.NetworkIncludes = byKey(r.NetworkIncludes)
	r.NetworkExcludes = byKey(r.NetworkExcludes)
}
