package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
)

// Notes attached to changes.
const (
	noteUserRiskRaise = "user risk is only ever raised by apply; lowering is done with the audited user-risk dispatch"
	noteUserRiskLower = "the org rates this user above the definitions; apply will not lower it: lowering is done with the audited user-risk dispatch"
	noteUserRiskNone  = "the org reported no risk for this user"
)

// builder collects a plan while Compute walks the kinds.
type builder struct {
	opts      Options
	changes   []Change
	unmanaged []Unmanaged
	warnings  []string
	errs      []error
	// used holds every address given out, so objects found only in the org never share an
	// address with a definition.
	used map[string]bool
	// rules are the entity risk rules in both, for the priority reorder callout.
	rules []rulePriority
}

// Compute returns the plan that takes the org from actual to desired (in drift mode: how
// the org differs from desired). Both configurations are normalised on copies; the inputs
// are never modified. A nil configuration is an empty one.
func Compute(desired, actual *itp.Config, opts Options) (*Plan, error) {
	if opts.Unmanaged == "" {
		opts.Unmanaged = UnmanagedReport
	}
	if opts.Mode == "" {
		opts.Mode = ModePlan
	}
	switch opts.Unmanaged {
	case UnmanagedReport, UnmanagedDelete, UnmanagedIgnore:
	default:
		return nil, fmt.Errorf("compute plan: unknown unmanaged option %q: want one of delete, ignore, report", opts.Unmanaged)
	}
	if opts.Mode != ModePlan && opts.Mode != ModeDrift {
		return nil, fmt.Errorf("compute plan: unknown mode %q: want one of drift, plan", opts.Mode)
	}
	d, a := normalized(desired), normalized(actual)
	b := &builder{opts: opts, used: map[string]bool{}}
	b.reserveDesired(d)
	b.zones(d.Zones, a.Zones)
	b.providers(d.Providers, a.Providers)
	b.entityRiskRules(d.EntityRiskRules, a.EntityRiskRules)
	b.postAuthRule(d.PostAuthRule, a.PostAuthRule)
	b.sessionViolationRule(d.SessionViolationRule, a.SessionViolationRule)
	b.userRisks(d.UserRisks, a.UserRisks)
	b.deletedReferences(d.SessionViolationRule)
	if len(b.errs) > 0 {
		return nil, fmt.Errorf("compute plan: %w", errors.Join(b.errs...))
	}
	p := &Plan{
		FormatVersion: FormatVersion,
		Mode:          opts.Mode,
		Environment:   opts.Environment,
		Changes:       b.changes,
		Unmanaged:     b.unmanaged,
		Warnings:      b.warnings,
	}
	if p.Changes == nil {
		p.Changes = []Change{}
	}
	if p.Unmanaged == nil {
		p.Unmanaged = []Unmanaged{}
	}
	addRisks(p.Changes, b.rules, opts.Mode == ModeDrift)
	order(p)
	p.Counts = count(p)
	if err := p.seal(a); err != nil {
		return nil, fmt.Errorf("compute plan: %w", err)
	}
	return p, nil
}

func count(p *Plan) Counts {
	c := Counts{Unmanaged: len(p.Unmanaged)}
	for _, ch := range p.Changes {
		switch ch.Action {
		case Create:
			c.Add++
		case Update:
			c.Change++
		case Delete:
			c.Delete++
		}
	}
	return c
}

// reserveDesired marks the addresses of every definition as taken.
func (b *builder) reserveDesired(d *itp.Config) {
	for _, z := range d.Zones {
		b.used[itp.KindZone+"."+z.Key] = true
	}
	for _, r := range d.EntityRiskRules {
		b.used[itp.KindEntityRiskRule+"."+r.Key] = true
	}
	for _, p := range d.Providers {
		b.used[itp.KindProvider+"."+p.Key] = true
	}
	for _, u := range d.UserRisks {
		b.used[itp.KindUserRisk+"."+u.Key] = true
	}
}

// desiredAddress is the address of a definition; a definition without a key (built by a
// caller rather than read from YAML) gets the slug of its name.
func desiredAddress(kind, key, name string) string {
	if key == "" {
		key = itp.Slug(name)
	}
	return kind + "." + key
}

// orgAddress gives an object found only in the org a unique address from its key (the slug
// of its name), adding _2, _3… when a definition or another object already has it.
func (b *builder) orgAddress(kind, key, name string) string {
	if key == "" {
		key = itp.Slug(name)
	}
	addr := kind + "." + key
	for n := 2; b.used[addr]; n++ {
		addr = fmt.Sprintf("%s.%s_%d", kind, key, n)
	}
	b.used[addr] = true
	return addr
}

// index maps names to positions and records an error for a repeated name.
func (b *builder) index(n int, name func(int) string, what string) map[string]int {
	m := make(map[string]int, n)
	for i := 0; i < n; i++ {
		k := name(i)
		if _, dup := m[k]; dup {
			b.errs = append(b.errs, fmt.Errorf("%s: two objects are named %q", what, k))
			continue
		}
		m[k] = i
	}
	return m
}

// orgOnly handles an object of the org that the definitions do not have, per
// options.unmanaged.
func (b *builder) orgOnly(kind, key, name, id string, before, stripped any, fields []FieldChange) {
	switch b.opts.Unmanaged {
	case UnmanagedIgnore:
		return
	case UnmanagedDelete:
		b.changes = append(b.changes, Change{
			Address: b.orgAddress(kind, key, name), Kind: kind, Name: name, ID: id,
			Action: Delete, Fields: fields, Before: before,
		})
	default:
		u := Unmanaged{Address: b.orgAddress(kind, key, name), Kind: kind, Name: name, ID: id}
		if b.opts.Encode != nil {
			y, err := b.opts.Encode(kind, stripped)
			if err != nil {
				b.errs = append(b.errs, fmt.Errorf("encode unmanaged %s %q: %w", kind, name, err))
			}
			u.YAML = y
		}
		b.unmanaged = append(b.unmanaged, u)
	}
}

func (b *builder) update(c Change) {
	if len(c.Fields) > 0 {
		b.changes = append(b.changes, c)
	}
}

func (b *builder) zones(desired, actual []itp.Zone) {
	am := b.index(len(actual), func(i int) string { return actual[i].Name }, "org network zones")
	dm := b.index(len(desired), func(i int) string { return desired[i].Name }, "network_zones")
	for i := range desired {
		d := desired[i]
		addr := desiredAddress(itp.KindZone, d.Key, d.Name)
		j, ok := am[d.Name]
		if !ok {
			if itp.IsSystemZoneName(d.Name) {
				b.errs = append(b.errs, fmt.Errorf("%s: the org has no system zone %q, and system zones are never created", addr, d.Name))
				continue
			}
			b.changes = append(b.changes, Change{Address: addr, Kind: itp.KindZone, Name: d.Name, Action: Create,
				Fields: setFields(zoneFields(&d), true), After: &d})
			continue
		}
		a := actual[j]
		after := d
		after.Meta = a.Meta
		b.update(Change{Address: addr, Kind: itp.KindZone, Name: d.Name, ID: a.Meta.ID, Action: Update,
			Fields: diffFields(zoneFields(&a), zoneFields(&d)), Before: &a, After: &after})
	}
	for i := range actual {
		a := actual[i]
		if _, ok := dm[a.Name]; ok || a.Meta.System || itp.IsSystemZoneName(a.Name) {
			continue
		}
		s := a
		s.Meta = itp.Meta{}
		b.orgOnly(itp.KindZone, a.Key, a.Name, a.Meta.ID, &a, &s, setFields(zoneFields(&a), false))
	}
}

func (b *builder) providers(desired, actual []itp.Provider) {
	am := b.index(len(actual), func(i int) string { return actual[i].Name }, "org security events providers")
	dm := b.index(len(desired), func(i int) string { return desired[i].Name }, "security_events_providers")
	for i := range desired {
		d := desired[i]
		addr := desiredAddress(itp.KindProvider, d.Key, d.Name)
		j, ok := am[d.Name]
		if !ok {
			b.changes = append(b.changes, Change{Address: addr, Kind: itp.KindProvider, Name: d.Name, Action: Create,
				Fields: setFields(providerFields(&d), true), After: &d})
			continue
		}
		a := actual[j]
		after := d
		after.Meta = a.Meta
		b.update(Change{Address: addr, Kind: itp.KindProvider, Name: d.Name, ID: a.Meta.ID, Action: Update,
			Fields: diffFields(providerFields(&a), providerFields(&d)), Before: &a, After: &after})
	}
	for i := range actual {
		a := actual[i]
		if _, ok := dm[a.Name]; ok {
			continue
		}
		s := a
		s.Meta = itp.Meta{}
		b.orgOnly(itp.KindProvider, a.Key, a.Name, a.Meta.ID, &a, &s, setFields(providerFields(&a), false))
	}
}

// isCatchAll reports whether r is the system catch-all rule of the entity risk policy.
func isCatchAll(r *itp.EntityRiskRule) bool {
	return r.Meta.System || r.Priority == itp.CatchAllPriority
}

func (b *builder) entityRiskRules(desired, actual []itp.EntityRiskRule) {
	am := b.index(len(actual), func(i int) string { return actual[i].Name }, "org entity risk rules")
	dm := b.index(len(desired), func(i int) string { return desired[i].Name }, "entity_risk_policy_rules")
	for i := range desired {
		d := desired[i]
		addr := desiredAddress(itp.KindEntityRiskRule, d.Key, d.Name)
		j, ok := am[d.Name]
		if !ok {
			b.changes = append(b.changes, Change{Address: addr, Kind: itp.KindEntityRiskRule, Name: d.Name, Action: Create,
				Fields: setFields(entityRiskRuleFields(&d, true), true), After: &d})
			continue
		}
		a := actual[j]
		if isCatchAll(&a) {
			b.errs = append(b.errs, fmt.Errorf("%s: %q is the org's catch-all entity risk rule, which is never managed", addr, d.Name))
			continue
		}
		managed := d.Priority != 0
		after := d
		after.Meta = a.Meta
		if !managed {
			after.Priority = a.Priority
		}
		b.rules = append(b.rules, rulePriority{addr, d.Name, a.Priority, after.Priority})
		b.update(Change{Address: addr, Kind: itp.KindEntityRiskRule, Name: d.Name, ID: a.Meta.ID, Action: Update,
			Fields: diffFields(entityRiskRuleFields(&a, managed), entityRiskRuleFields(&d, managed)), Before: &a, After: &after})
	}
	for i := range actual {
		a := actual[i]
		if _, ok := dm[a.Name]; ok || isCatchAll(&a) {
			continue
		}
		s := a
		s.Meta = itp.Meta{}
		b.orgOnly(itp.KindEntityRiskRule, a.Key, a.Name, a.Meta.ID, &a, &s, setFields(entityRiskRuleFields(&a, true), false))
	}
}

func (b *builder) postAuthRule(d, a *itp.PostAuthRule) {
	if d == nil {
		return
	}
	if a == nil {
		b.errs = append(b.errs, fmt.Errorf("%s: the org has no modifiable %s rule: is Identity Threat Protection enabled?", itp.KindPostAuthRule, itp.PolicyPostAuthSession))
		return
	}
	before, after := *a, *d
	after.Meta, after.Priority = a.Meta, a.Priority
	b.update(Change{Address: itp.KindPostAuthRule, Kind: itp.KindPostAuthRule, Name: a.Name, ID: a.Meta.ID, Action: Update,
		Fields: diffFields(postAuthRuleFields(&before), postAuthRuleFields(&after)), Before: &before, After: &after})
}

func (b *builder) sessionViolationRule(d, a *itp.SessionViolationRule) {
	if d == nil {
		return
	}
	if a == nil {
		b.errs = append(b.errs, fmt.Errorf("%s: the org has no modifiable %s rule: is Identity Threat Protection enabled?", itp.KindSessionViolation, itp.PolicySessionViolation))
		return
	}
	managed := d.Priority != 0
	before, after := *a, *d
	after.Meta = a.Meta
	if !managed {
		after.Priority = a.Priority
	}
	b.update(Change{Address: itp.KindSessionViolation, Kind: itp.KindSessionViolation, Name: a.Name, ID: a.Meta.ID, Action: Update,
		Fields: diffFields(sessionViolationFields(&before, managed), sessionViolationFields(&after, managed)), Before: &before, After: &after})
}

// deletedReferences refuses a plan that deletes a zone the session violation rule of the
// definitions still names: Okta would reject the delete, or the rule would lose its zone.
func (b *builder) deletedReferences(sv *itp.SessionViolationRule) {
	if sv == nil {
		return
	}
	for _, c := range b.changes {
		if c.Kind == itp.KindZone && c.Action == Delete &&
			(slices.Contains(sv.NetworkIncludes, c.Name) || slices.Contains(sv.NetworkExcludes, c.Name)) {
			b.errs = append(b.errs, fmt.Errorf("%s: the plan deletes zone %q (not in the definitions, and options.unmanaged is delete), but %s still names it", c.Address, c.Name, itp.KindSessionViolation))
		}
	}
}

// userRisks compares the risk of each declared user. Apply only raises: a level above the
// org's is an update; one below is a warning in a plan and a reported difference in a
// drift report, never something apply does.
func (b *builder) userRisks(desired, actual []itp.UserRisk) {
	am := b.index(len(actual), func(i int) string { return strings.ToLower(actual[i].User) }, "org user risks")
	b.index(len(desired), func(i int) string { return strings.ToLower(desired[i].User) }, "user_risks")
	for i := range desired {
		d := desired[i]
		addr := desiredAddress(itp.KindUserRisk, d.Key, d.User)
		var a itp.UserRisk
		note := ""
		if j, ok := am[strings.ToLower(d.User)]; ok {
			a = actual[j]
		} else {
			a = itp.UserRisk{Key: d.Key, User: d.User, RiskLevel: itp.RiskNone}
			note = noteUserRiskNone + "; "
		}
		if a.RiskLevel == d.RiskLevel {
			continue
		}
		after := d
		after.Meta = a.Meta
		c := Change{Address: addr, Kind: itp.KindUserRisk, Name: d.User, ID: a.Meta.ID, Action: Update,
			Fields: diffFields(userRiskFields(&a), userRiskFields(&d)), Before: &a, After: &after}
		lower := itp.RiskRank(d.RiskLevel) < itp.RiskRank(a.RiskLevel)
		switch {
		case !lower:
			c.Note = note + noteUserRiskRaise
			if b.opts.Mode == ModeDrift {
				c.Risks = append(c.Risks, Risk{Level: RiskHigh, Message: fmt.Sprintf(
					"User %q has risk %s in the org, lower than the %s the definitions declare: the risk was lowered outside itpsync.", d.User, a.RiskLevel, d.RiskLevel)})
			}
		case b.opts.Mode == ModeDrift:
			c.Note = note + noteUserRiskLower
		default:
			b.warnings = append(b.warnings, fmt.Sprintf(
				"%s: the org rates user %q %s, above the %s the definitions declare; apply never lowers user risk (use the audited user-risk dispatch).", addr, d.User, a.RiskLevel, d.RiskLevel))
			continue
		}
		b.changes = append(b.changes, c)
	}
}
