package oktaemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// The three ITP policy types.
const (
	policyEntityRisk = "ENTITY_RISK"
	policyPostAuth   = "POST_AUTH_SESSION"
	policySVD        = "SESSION_VIOLATION_DETECTION"
)

// knownPolicyTypes are the policy types the list accepts; only the ITP ones hold policies.
var knownPolicyTypes = map[string]bool{
	"OKTA_SIGN_ON": true, "PASSWORD": true, "MFA_ENROLL": true, "IDP_DISCOVERY": true, "ACCESS_POLICY": true,
	"PROFILE_ENROLLMENT": true, "DEVICE_SIGNAL_COLLECTION": true, "CONTINUOUS_ACCESS": true,
	policyEntityRisk: true, policyPostAuth: true, policySVD: true,
}

// catchAllPriority is the priority of every policy's system catch-all rule.
const catchAllPriority = 99

type policy struct {
	id, typ, name, description, status string
	priority                           int
	created, updated                   time.Time
	rules                              []*rule
}

type rule struct {
	id, name, status string
	priority         int
	system           bool
	created, updated time.Time
	conditions       any // decoded JSON; nil renders null
	actions          any
}

// ruleBody is a rule as POST or PUT sends it.
type ruleBody struct {
	Name       *string         `json:"name"`
	Priority   *int            `json:"priority"`
	Type       *string         `json:"type"`
	Conditions json.RawMessage `json:"conditions"`
	Actions    json.RawMessage `json:"actions"`
}

func (s *Server) policyJSON(c *call, p *policy) obj {
	self := c.base + policies + "/" + p.id
	return obj{
		{"id", p.id}, {"status", p.status}, {"name", p.name}, {"description", p.description},
		{"priority", p.priority}, {"system", true}, {"conditions", nil},
		{"created", timestamp(p.created)}, {"lastUpdated", timestamp(p.updated)},
		{"_links", obj{{"self", link(self, "GET", "PUT")}, {"rules", link(self+"/rules", "GET", "POST")}}},
		{"type", p.typ},
	}
}

func (s *Server) ruleJSON(c *call, p *policy, r *rule) obj {
	self := c.base + policies + "/" + p.id + "/rules/" + r.id
	links := lifecycleLinks(self, r.status, "GET", "PUT", "DELETE")
	if r.system {
		links = obj{{"self", link(self, "GET", "PUT")}}
	}
	return obj{
		{"id", r.id}, {"status", r.status}, {"name", r.name}, {"priority", r.priority},
		{"created", timestamp(r.created)}, {"lastUpdated", timestamp(r.updated)}, {"system", r.system},
		{"conditions", r.conditions}, {"actions", r.actions}, {"_links", links}, {"type", p.typ},
	}
}

func (o *Org) policy(id string) *policy {
	for _, p := range o.policies {
		if p.id == id {
			return p
		}
	}
	return nil
}

func (p *policy) rule(id string) *rule {
	for _, r := range p.rules {
		if r.id == id {
			return r
		}
	}
	return nil
}

// sortRules keeps rules in evaluation order: by priority, the catch-all last.
func (p *policy) sortRules() {
	sort.SliceStable(p.rules, func(i, j int) bool {
		if p.rules[i].system != p.rules[j].system {
			return !p.rules[i].system
		}
		return p.rules[i].priority < p.rules[j].priority
	})
}

// nextPriority is where a rule goes when no priority is given: one above the highest
// non-system rule (the recorded 8 → 9 → 10 drift of the post-auth rule).
func (p *policy) nextPriority() int {
	top := 0
	for _, r := range p.rules {
		if !r.system && r.priority > top {
			top = r.priority
		}
	}
	return top + 1
}

func (s *Server) listPolicies(c *call) reply {
	q := c.r.URL.Query()
	typ := q.Get("type")
	if typ == "" {
		return errReply(http.StatusBadRequest, "E0000028", "The request is missing a required parameter.", "type: The parameter is required.")
	}
	if !knownPolicyTypes[typ] {
		return validation("type", fmt.Sprintf("Invalid policy type %q.", typ))
	}
	status := q.Get("status")
	out := []obj{}
	for _, p := range s.org.policies {
		if p.typ == typ && (status == "" || status == p.status) {
			out = append(out, s.policyJSON(c, p))
		}
	}
	h := http.Header{}
	h.Add("Link", "<"+c.base+policies+encodeQuery(q)+">; rel=\"self\"")
	return reply{status: http.StatusOK, body: out, header: h}
}

func (s *Server) getPolicy(c *call) reply {
	p := s.org.policy(c.params["id"])
	if p == nil {
		return notFound(c.params["id"], "Policy")
	}
	return ok(s.policyJSON(c, p))
}

// policyRule resolves the {id} and {ruleId} path parameters.
func (s *Server) policyRule(c *call) (*policy, *rule, *reply) {
	p := s.org.policy(c.params["id"])
	if p == nil {
		rep := notFound(c.params["id"], "Policy")
		return nil, nil, &rep
	}
	r := p.rule(c.params["ruleId"])
	if r == nil {
		rep := notFound(c.params["ruleId"], "PolicyRule")
		return nil, nil, &rep
	}
	return p, r, nil
}

func (s *Server) listRules(c *call) reply {
	p := s.org.policy(c.params["id"])
	if p == nil {
		return notFound(c.params["id"], "Policy")
	}
	out := make([]obj, 0, len(p.rules))
	for _, r := range p.rules {
		out = append(out, s.ruleJSON(c, p, r))
	}
	if v := c.r.URL.Query().Get("limit"); v != "" {
		var n int
		if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 {
			return validation("limit", "Limit must be a positive integer.")
		}
		out = out[:min(n, len(out))]
	}
	return ok(out)
}

func (s *Server) getRule(c *call) reply {
	p, r, rep := s.policyRule(c)
	if rep != nil {
		return *rep
	}
	return ok(s.ruleJSON(c, p, r))
}

func (s *Server) createRule(c *call) reply {
	p := s.org.policy(c.params["id"])
	if p == nil {
		return notFound(c.params["id"], "Policy")
	}
	if p.typ != policyEntityRisk {
		return validation("type", fmt.Sprintf("Rules cannot be created in policies of type %s.", p.typ))
	}
	var b ruleBody
	if rep := c.decode(&b); rep != nil {
		return *rep
	}
	if b.Name == nil || strings.TrimSpace(*b.Name) == "" {
		return validation("name", "The field cannot be left blank.")
	}
	now := s.org.now()
	r := &rule{id: s.org.newID("rul"), name: *b.Name, status: "ACTIVE", created: now, updated: now}
	if rep := s.fillRule(p, r, b); rep != nil {
		return *rep
	}
	if c.r.URL.Query().Get("activate") == "false" {
		r.status = "INACTIVE"
	}
	p.rules = append(p.rules, r)
	p.sortRules()
	return ok(s.ruleJSON(c, p, r))
}

func (s *Server) replaceRule(c *call) reply {
	p, r, rep := s.policyRule(c)
	if rep != nil {
		return *rep
	}
	var b ruleBody
	if rep := c.decode(&b); rep != nil {
		return *rep
	}
	next := *r
	if b.Name != nil && strings.TrimSpace(*b.Name) != "" {
		next.name = *b.Name
	}
	if rep := s.fillRule(p, &next, b); rep != nil {
		return *rep
	}
	next.updated = s.org.now()
	*r = next
	p.sortRules()
	return ok(s.ruleJSON(c, p, r))
}

// fillRule validates b against the policy type and stores priority, conditions and
// actions in r. A system catch-all keeps its priority and null conditions.
func (s *Server) fillRule(p *policy, r *rule, b ruleBody) *reply {
	if b.Type != nil && *b.Type != p.typ {
		rep := validation("type", fmt.Sprintf("The rule type %q does not match the policy type %s.", *b.Type, p.typ))
		return &rep
	}
	for _, other := range p.rules {
		if other.id != r.id && other.name == r.name {
			rep := validation("name", fmt.Sprintf("A rule named %q already exists in this policy.", r.name))
			return &rep
		}
	}
	actions, rep := decodeAny("actions", b.Actions)
	if rep != nil {
		return rep
	}
	if actions, rep = checkActions(p.typ, actions); rep != nil {
		return rep
	}
	r.actions = actions
	if r.system {
		return nil
	}
	switch {
	case b.Priority == nil:
		r.priority = p.nextPriority()
	case *b.Priority < 0 || *b.Priority >= catchAllPriority:
		rep := validation("priority", fmt.Sprintf("Priority must be between 0 and %d.", catchAllPriority-1))
		return &rep
	default:
		r.priority = *b.Priority
	}
	conds, rep := decodeAny("conditions", b.Conditions)
	if rep != nil {
		return rep
	}
	r.conditions, rep = s.checkConditions(p.typ, conds)
	return rep
}

func (s *Server) deleteRule(c *call) reply {
	p, r, rep := s.policyRule(c)
	if rep != nil {
		return *rep
	}
	if r.system {
		return validation("id", "The default rule of a policy cannot be deleted.")
	}
	for i, x := range p.rules {
		if x == r {
			p.rules = append(p.rules[:i], p.rules[i+1:]...)
			break
		}
	}
	return noContent()
}

func (s *Server) activateRule(c *call) reply   { return s.ruleLifecycle(c, "ACTIVE") }
func (s *Server) deactivateRule(c *call) reply { return s.ruleLifecycle(c, "INACTIVE") }

// ruleLifecycle answers 204 with no body, unlike the zone lifecycle calls.
func (s *Server) ruleLifecycle(c *call, status string) reply {
	_, r, rep := s.policyRule(c)
	if rep != nil {
		return *rep
	}
	if r.system {
		return validation("status", "The status of the default rule cannot be changed.")
	}
	r.status = status
	r.updated = s.org.now()
	return noContent()
}

// decodeAny decodes a raw JSON member keeping numbers exact (workflow ids).
func decodeAny(name string, raw json.RawMessage) (any, *reply) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		rep := validation(name, "The value is not valid JSON.")
		return nil, &rep
	}
	return v, nil
}
