package oktaemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Org is the emulated org's state. Tests change it directly through Server.Seed; the
// methods below are the supported ways to do so.
type Org struct {
	now func() time.Time
	ids *rand.Rand

	realmID, userTypeID, schemaID string

	zones     []*zone
	policies  []*policy
	users     []*user
	groups    []*group
	providers []*provider
}

func newOrg(now func() time.Time, exempt bool) *Org {
	if now == nil {
		now = time.Now
	}
	o := &Org{now: now, ids: rand.New(rand.NewPCG(1, 2))}
	o.realmID, o.userTypeID, o.schemaID = o.newID("guo"), o.newID("oty"), o.newID("osc")
	t := now()
	sys := func(typ, name, usage string) *zone {
		z := &zone{typ: typ, id: o.newID("nzo"), name: name, status: "ACTIVE", usage: usage, created: t, updated: t, systemName: name}
		o.zones = append(o.zones, z)
		return z
	}
	sys(zoneIP, sysLegacy, "POLICY")
	sys(zoneIP, sysBlocked, "BLOCKLIST")
	sys(zoneDynamicV2, sysEnhanced, "BLOCKLIST").v2Cats.Include = []string{"ALL_ANONYMIZERS"}
	if exempt {
		sys(zoneIP, sysExempt, "POLICY")
	}
	o.seedPolicies(t)
	return o
}

// seedPolicies creates the three ITP system policies with their catch-all rules and the
// pre-provisioned rules of the post-auth and session violation policies, shaped as recorded.
func (o *Org) seedPolicies(t time.Time) {
	add := func(typ, name, desc string, catchAllActions any) *policy {
		p := &policy{id: o.newID("rst"), typ: typ, name: name, description: desc, status: "ACTIVE", priority: 1, created: t, updated: t}
		p.rules = []*rule{{id: o.newID("rul"), name: "Catch-all Rule", status: "ACTIVE", priority: catchAllPriority,
			system: true, created: t, updated: t, actions: catchAllActions}}
		o.policies = append(o.policies, p)
		return p
	}
	add(policyEntityRisk, "Entity Risk Policy", "Enables entity risk policy evaluation for the org.",
		map[string]any{"entityRisk": map[string]any{"actions": []any{}}})
	pa := add(policyPostAuth, "Post Auth Policy", "Enables post auth policy evaluation for the org.",
		map[string]any{"postAuthSession": map[string]any{"failureActions": []any{}}})
	pa.rules = append([]*rule{{id: o.newID("rul"), name: "Post Session Protection Rule", status: "ACTIVE", priority: 1,
		created: t, updated: t,
		conditions: map[string]any{"people": map[string]any{"users": map[string]any{"exclude": []any{}}}},
		actions: map[string]any{"postAuthSession": map[string]any{"failureActions": []any{
			map[string]any{"action": "TERMINATE_SESSION", "slo": nil}}}},
	}}, pa.rules...)
	svd := add(policySVD, "Session Violation Detection Policy", "Enables session violation detection policy evaluation for the org.",
		map[string]any{"sessionViolationDetection": map[string]any{"policyEvaluation": map[string]any{"enabled": false}}})
	svd.rules = append([]*rule{{id: o.newID("rul"), name: "Session Violation Policy Risk Rule", status: "ACTIVE", priority: 1,
		created: t, updated: t,
		conditions: map[string]any{"network": map[string]any{"connection": "ANYWHERE"}, "riskScore": map[string]any{"minRiskLevel": "LOW"}},
		actions:    map[string]any{"sessionViolationDetection": map[string]any{"policyEvaluation": map[string]any{"enabled": true}}},
	}}, svd.rules...)
}

// newID returns a 20-character id with Okta's prefix for the kind.
func (o *Org) newID(prefix string) string { return randomID(o.ids, prefix, 20) }

// replyError turns a validation reply into an error for the Go-level Org methods.
func replyError(rep reply) error {
	b, _ := rep.body.(obj)
	var parts []string
	for _, f := range b {
		if f.k == "errorSummary" {
			parts = append(parts, fmt.Sprint(f.v))
		}
		if f.k == "errorCauses" {
			for _, c := range f.v.([]obj) {
				parts = append(parts, fmt.Sprint(c[0].v))
			}
		}
	}
	return errors.New(strings.Join(parts, "; "))
}

// AddZone adds a zone given as a POST body; unlike POST it honours "status".
func (o *Org) AddZone(body json.RawMessage) (string, error) {
	var b zoneBody
	if err := json.Unmarshal(body, &b); err != nil {
		return "", fmt.Errorf("decode zone: %w", err)
	}
	z, rep := o.buildZone(b, nil)
	if rep != nil {
		return "", fmt.Errorf("add zone: %w", replyError(*rep))
	}
	o.zones = append(o.zones, z)
	return z.id, nil
}

// AddProvider adds an ACTIVE security events provider given as a POST body.
func (o *Org) AddProvider(body json.RawMessage) (string, error) {
	var b providerBody
	if err := json.Unmarshal(body, &b); err != nil {
		return "", fmt.Errorf("decode provider: %w", err)
	}
	p := &provider{id: o.newID("sse"), status: "ACTIVE"}
	if rep := fillProvider(p, b); rep != nil {
		return "", fmt.Errorf("add provider: %w", replyError(*rep))
	}
	o.providers = append(o.providers, p)
	return p.id, nil
}

// AddUser adds a user (ACTIVE unless u.Status says otherwise).
func (o *Org) AddUser(u SeedUser) (string, error) {
	if u.Login == "" {
		return "", errors.New("add user: login is empty")
	}
	if o.user(u.Login) != nil {
		return "", fmt.Errorf("add user %q: login already exists", u.Login)
	}
	if u.RiskLevel != "" && u.RiskLevel != "HIGH" && u.RiskLevel != "LOW" {
		return "", fmt.Errorf("add user %q: risk level %q is not HIGH or LOW", u.Login, u.RiskLevel)
	}
	x := o.addUser(u)
	x.riskLevel = u.RiskLevel
	if u.Status != "" {
		x.status = u.Status
	}
	return x.id, nil
}

func (o *Org) addUser(u SeedUser) *user {
	t := o.now()
	email := u.Email
	if email == "" {
		email = u.Login
	}
	x := &user{id: o.newID("00u"), status: "ACTIVE", created: t, updated: t, changed: t,
		firstName: u.FirstName, lastName: u.LastName, login: u.Login, email: email}
	o.users = append(o.users, x)
	return x
}

// AddGroup adds an Okta group; the group named Everyone is BUILT_IN.
func (o *Org) AddGroup(g SeedGroup) (string, error) {
	for _, x := range o.groups {
		if x.name == g.Name {
			return "", fmt.Errorf("add group %q: name already exists", g.Name)
		}
	}
	t := o.now()
	typ := "OKTA_GROUP"
	if g.Name == "Everyone" {
		typ = "BUILT_IN"
	}
	x := &group{id: o.newID("00g"), typ: typ, name: g.Name, description: g.Description, created: t, updated: t}
	o.groups = append(o.groups, x)
	return x.id, nil
}

// SetUserRisk sets a user's admin risk level ("" resets it to never set, i.e. NONE).
func (o *Org) SetUserRisk(idOrLogin, level string) error {
	u := o.user(idOrLogin)
	if u == nil {
		return fmt.Errorf("set risk of %q: no such user", idOrLogin)
	}
	u.riskLevel = level
	return nil
}

// ZoneID returns the id of the first zone named name, or "".
func (o *Org) ZoneID(name string) string {
	for _, z := range o.zones {
		if z.name == name {
			return z.id
		}
	}
	return ""
}

// UserID returns the id of the user with that login, or "".
func (o *Org) UserID(login string) string {
	if u := o.user(login); u != nil {
		return u.id
	}
	return ""
}

// GroupID returns the id of the group named name, or "".
func (o *Org) GroupID(name string) string {
	for _, g := range o.groups {
		if g.name == name {
			return g.id
		}
	}
	return ""
}

// PolicyID returns the id of the policy of type typ (ENTITY_RISK, POST_AUTH_SESSION,
// SESSION_VIOLATION_DETECTION), or "".
func (o *Org) PolicyID(typ string) string {
	for _, p := range o.policies {
		if p.typ == typ {
			return p.id
		}
	}
	return ""
}

// RuleIDs returns the ids of a policy's rules in list order (the catch-all last).
func (o *Org) RuleIDs(policyID string) []string {
	p := o.policy(policyID)
	if p == nil {
		return nil
	}
	ids := make([]string, 0, len(p.rules))
	for _, r := range p.rules {
		ids = append(ids, r.id)
	}
	return ids
}

// RuleState is what OverrideRule may set on a rule; zero fields are left alone.
type RuleState struct {
	Name       string
	Status     string
	Priority   *int
	Conditions json.RawMessage
	Actions    json.RawMessage
}

// OverrideRule sets a rule's fields without validation, to reproduce a pre-existing org
// state (a rule at priority 8, say).
func (o *Org) OverrideRule(ruleID string, st RuleState) error {
	for _, p := range o.policies {
		r := p.rule(ruleID)
		if r == nil {
			continue
		}
		if st.Name != "" {
			r.name = st.Name
		}
		if st.Status != "" {
			r.status = st.Status
		}
		if st.Priority != nil {
			r.priority = *st.Priority
		}
		for _, m := range []struct {
			raw json.RawMessage
			dst *any
		}{{st.Conditions, &r.conditions}, {st.Actions, &r.actions}} {
			if len(m.raw) == 0 {
				continue
			}
			v, rep := decodeAny("rule", m.raw)
			if rep != nil {
				return fmt.Errorf("override rule %q: %w", ruleID, replyError(*rep))
			}
			*m.dst = v
		}
		p.sortRules()
		return nil
	}
	return fmt.Errorf("override rule %q: no such rule", ruleID)
}
