package spec

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
	"gopkg.in/yaml.v3"
)

// EncodeKind returns the YAML of one definitions file holding every object of one kind
// (itp.Kind* constants) of cfg, or nil, nil when cfg has none. Keys are the objects' Key, or
// a slug of the name for objects read from the org; fields at their defaults are omitted
// and keys are written in the order of the format doc. The output parses back (Parse, then
// Resolve("")) into the same normalised configuration. An entity risk rule without any
// action is written with log_only: true, which is what such a rule means in the org.
func EncodeKind(kind string, cfg *itp.Config) ([]byte, error) {
	if cfg == nil {
		return nil, nil
	}
	zoneKeys := objectKeys(len(cfg.Zones), func(i int) (string, string) { return cfg.Zones[i].Key, cfg.Zones[i].Name })
	body := mapNode()
	switch kind {
	case itp.KindZone:
		for i, z := range cfg.Zones {
			addPair(body, zoneKeys[i], encodeZone(z))
		}
	case itp.KindEntityRiskRule:
		keys := objectKeys(len(cfg.EntityRiskRules), func(i int) (string, string) {
			return cfg.EntityRiskRules[i].Key, cfg.EntityRiskRules[i].Name
		})
		for i, r := range cfg.EntityRiskRules {
			addPair(body, keys[i], encodeEntityRiskRule(r))
		}
	case itp.KindPostAuthRule:
		if cfg.PostAuthRule == nil {
			return nil, nil
		}
		body = encodePostAuthRule(*cfg.PostAuthRule)
	case itp.KindSessionViolation:
		if cfg.SessionViolationRule == nil {
			return nil, nil
		}
		byName := map[string]string{}
		for i, z := range cfg.Zones {
			byName[z.Name] = zoneKeys[i]
		}
		body = encodeSessionViolationRule(*cfg.SessionViolationRule, byName)
	case itp.KindProvider:
		keys := objectKeys(len(cfg.Providers), func(i int) (string, string) { return cfg.Providers[i].Key, cfg.Providers[i].Name })
		for i, p := range cfg.Providers {
			addPair(body, keys[i], encodeProvider(p))
		}
	case itp.KindUserRisk:
		keys := objectKeys(len(cfg.UserRisks), func(i int) (string, string) { return cfg.UserRisks[i].Key, cfg.UserRisks[i].User })
		for i, u := range cfg.UserRisks {
			if n := encodeUserRisk(u); n != nil {
				addPair(body, keys[i], n)
			}
		}
	default:
		return nil, fmt.Errorf("encode: unknown kind %q", kind)
	}
	if body.Kind == yaml.MappingNode && len(body.Content) == 0 {
		return nil, nil
	}
	doc := mapNode()
	addPair(doc, kind, body)
	return marshal(doc)
}

// EncodeObject returns the YAML snippet `key:\n  name: ...` of one object (itp.Zone,
// itp.EntityRiskRule, itp.Provider, itp.UserRisk, or a pointer to one), ready to paste
// under its kind's section; for the two singleton rules the key is the section itself.
func EncodeObject(kind string, obj any) (string, error) {
	var key string
	var n *yaml.Node
	switch o := deptr(obj).(type) {
	case itp.Zone:
		key, n = keyOf(o.Key, o.Name), encodeZone(o)
	case itp.EntityRiskRule:
		key, n = keyOf(o.Key, o.Name), encodeEntityRiskRule(o)
	case itp.Provider:
		key, n = keyOf(o.Key, o.Name), encodeProvider(o)
	case itp.UserRisk:
		key, n = keyOf(o.Key, o.User), encodeUserRisk(o)
	case itp.PostAuthRule:
		key, n = itp.KindPostAuthRule, encodePostAuthRule(o)
	case itp.SessionViolationRule:
		key, n = itp.KindSessionViolation, encodeSessionViolationRule(o, nil)
	default:
		return "", fmt.Errorf("encode %s: unsupported object type %T", kind, obj)
	}
	if n == nil {
		return "", fmt.Errorf("encode %s %q: nothing to declare", kind, key)
	}
	doc := mapNode()
	addPair(doc, key, n)
	out, err := marshal(doc)
	return string(out), err
}

func deptr(obj any) any {
	switch o := obj.(type) {
	case *itp.Zone:
		return derefOr(o)
	case *itp.EntityRiskRule:
		return derefOr(o)
	case *itp.Provider:
		return derefOr(o)
	case *itp.UserRisk:
		return derefOr(o)
	case *itp.PostAuthRule:
		return derefOr(o)
	case *itp.SessionViolationRule:
		return derefOr(o)
	}
	return obj
}

func derefOr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func marshal(doc *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	return buf.Bytes(), nil
}

// keyOf is the map key of an object: its own key when it has one, else a slug of its name.
func keyOf(key, name string) string {
	if key != "" {
		return key
	}
	return itp.Slug(name)
}

// objectKeys returns a unique key for each of n objects (two org objects may slug alike).
func objectKeys(n int, get func(int) (key, name string)) []string {
	out := make([]string, n)
	used := map[string]bool{}
	for i := range n {
		k := keyOf(get(i))
		base := k
		for j := 2; used[k]; j++ {
			k = base + "_" + strconv.Itoa(j)
		}
		used[k] = true
		out[i] = k
	}
	return out
}

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func addPair(m *yaml.Node, key string, val *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, val)
}

// pairs appends key: value pairs to a mapping, skipping values at their defaults.
type pairs struct{ m *yaml.Node }

func (f pairs) str(key, val, def string) {
	if val == "" || strings.EqualFold(val, def) {
		return
	}
	addPair(f.m, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: val})
}

func (f pairs) boolean(key string, val, def bool) {
	if val == def {
		return
	}
	addPair(f.m, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(val)})
}

func (f pairs) integer(key string, val int) {
	if val == 0 {
		return
	}
	addPair(f.m, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(val)})
}

// list writes a flow sequence, as in the format doc's examples.
func (f pairs) list(key string, vals []string) {
	if len(vals) == 0 {
		return
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, v := range vals {
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v})
	}
	addPair(f.m, key, seq)
}

func encodeZone(z itp.Zone) *yaml.Node {
	f := pairs{mapNode()}
	f.str("name", z.Name, "")
	f.str("type", z.Type, "")
	f.str("status", z.Status, itp.StatusActive)
	f.str("usage", z.Usage, itp.UsagePolicy)
	f.list("gateways", z.Gateways)
	f.list("proxies", z.Proxies)
	f.str("dynamic_proxy_type", z.DynamicProxyType, "")
	f.list("dynamic_locations", z.DynamicLocations)
	f.list("dynamic_locations_exclude", z.DynamicLocationsExclude)
	f.list("asns", z.ASNs)
	f.list("ip_service_categories_include", z.IPServiceCategoriesInclude)
	f.list("ip_service_categories_exclude", z.IPServiceCategoriesExclude)
	f.boolean("set_usage_as_exempt_list", z.SetUsageAsExemptList, false)
	return f.m
}

func encodeEntityRiskRule(r itp.EntityRiskRule) *yaml.Node {
	f := pairs{mapNode()}
	f.str("name", r.Name, "")
	f.str("risk_level", r.RiskLevel, "")
	f.integer("priority", r.Priority)
	f.str("status", r.Status, itp.StatusActive)
	f.boolean("terminate_all_sessions", r.TerminateAllSessions, false)
	f.str("workflow_id", r.WorkflowID, "")
	f.boolean("log_only", !r.TerminateAllSessions && r.WorkflowID == "", false)
	f.list("users_included", r.UsersIncluded)
	f.list("users_excluded", r.UsersExcluded)
	f.list("groups_included", r.GroupsIncluded)
	f.list("groups_excluded", r.GroupsExcluded)
	return f.m
}

func encodePostAuthRule(r itp.PostAuthRule) *yaml.Node {
	f := pairs{mapNode()}
	f.str("name", r.Name, "")
	f.str("status", r.Status, itp.StatusActive)
	f.boolean("terminate_session", r.TerminateSession, false)
	f.str("workflow_id", r.WorkflowID, "")
	f.list("users_excluded", r.UsersExcluded)
	f.list("groups_included", r.GroupsIncluded)
	f.list("groups_excluded", r.GroupsExcluded)
	return f.m
}

// encodeSessionViolationRule writes zone names as zone keys where zoneKeys knows them, so
// the reference reads like hand-written definitions and resolves back to the same name.
func encodeSessionViolationRule(r itp.SessionViolationRule, zoneKeys map[string]string) *yaml.Node {
	toKeys := func(names []string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = n
			if k, ok := zoneKeys[n]; ok {
				out[i] = k
			}
		}
		return out
	}
	f := pairs{mapNode()}
	f.str("name", r.Name, "")
	f.str("status", r.Status, itp.StatusActive)
	f.str("min_risk_level", r.MinRiskLevel, "")
	f.str("network_connection", r.NetworkConnection, itp.ConnectionAnywhere)
	if strings.EqualFold(r.NetworkConnection, itp.ConnectionZone) {
		f.list("network_includes", toKeys(r.NetworkIncludes))
		f.list("network_excludes", toKeys(r.NetworkExcludes))
	}
	f.boolean("policy_evaluation_enabled", r.PolicyEvaluationEnabled, true)
	f.integer("priority", r.Priority)
	return f.m
}

func encodeProvider(p itp.Provider) *yaml.Node {
	f := pairs{mapNode()}
	f.str("name", p.Name, "")
	f.str("type", p.Type, "")
	enabled := p.IsEnabled
	if enabled == "" {
		enabled = itp.StatusActive
	}
	f.str("is_enabled", enabled, "")
	s := pairs{mapNode()}
	if p.WellKnownURL != "" {
		s.str("well_known_url", p.WellKnownURL, "")
	} else {
		s.str("issuer", p.Issuer, "")
		s.str("jwks_url", p.JWKSURL, "")
	}
	addPair(f.m, "settings", s.m)
	return f.m
}

// encodeUserRisk returns nil for a user without risk: there is nothing to declare, and NONE
// cannot be set through the API.
func encodeUserRisk(u itp.UserRisk) *yaml.Node {
	level := strings.ToUpper(u.RiskLevel)
	if level == "" || level == itp.RiskNone {
		return nil
	}
	f := pairs{mapNode()}
	f.str("user", u.User, "")
	f.str("risk_level", u.RiskLevel, "")
	if !contains(userRiskLevels, level) {
		f.m.Content[len(f.m.Content)-1].LineComment = "# the API can only set HIGH or LOW"
	}
	return f.m
}
