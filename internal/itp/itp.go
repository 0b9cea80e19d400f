// Package itp holds the domain types of the six Okta Identity Threat Protection kinds that
// itpsync manages, and the normalisation that makes two equal configurations compare equal
// whatever form the Okta API or a YAML author wrote them in.
//
// The same types describe the desired configuration (produced by internal/spec from YAML)
// and the actual configuration (produced by internal/tenant from the org). References to
// other objects are always held by name: zones by their Okta name, groups by their name,
// users by their login. internal/spec turns zone keys into zone names; internal/tenant turns
// the IDs it reads into names, so internal/plan can compare without any I/O.
package itp

// Kinds, as the top-level keys of the YAML format and the first part of an address.
const (
	KindZone             = "network_zones"
	KindEntityRiskRule   = "entity_risk_policy_rules"
	KindPostAuthRule     = "post_auth_session_policy_rule"
	KindSessionViolation = "session_violation_policy_rule"
	KindProvider         = "security_events_providers"
	KindUserRisk         = "user_risks"
)

// Kinds lists the kinds in dependency order: a kind only references kinds before it.
var Kinds = []string{KindZone, KindProvider, KindEntityRiskRule, KindPostAuthRule, KindSessionViolation, KindUserRisk}

// Okta status values shared by zones, rules and providers.
const (
	StatusActive   = "ACTIVE"
	StatusInactive = "INACTIVE"
)

// Zone types and usages.
const (
	ZoneIP        = "IP"
	ZoneDynamic   = "DYNAMIC"
	ZoneDynamicV2 = "DYNAMIC_V2"

	UsagePolicy    = "POLICY"
	UsageBlocklist = "BLOCKLIST"
)

// System zone names: every org has the first three; DefaultExemptIpZone exists when the
// IP-exempt-zone feature is on. They are updated in place, never created or deleted.
const (
	ZoneLegacyIP        = "LegacyIpZone"
	ZoneBlockedIP       = "BlockedIpZone"
	ZoneEnhancedDynamic = "DefaultEnhancedDynamicZone"
	ZoneExemptIP        = "DefaultExemptIpZone"
)

// SystemZoneNames lists the names of the org's system zones.
var SystemZoneNames = []string{ZoneLegacyIP, ZoneBlockedIP, ZoneEnhancedDynamic, ZoneExemptIP}

// IsSystemZoneName reports whether name is the name of one of the org's system zones.
func IsSystemZoneName(name string) bool {
	for _, n := range SystemZoneNames {
		if n == name {
			return true
		}
	}
	return false
}

// Policy types of the three ITP system policies, exactly as the API spells them.
const (
	PolicyEntityRisk       = "ENTITY_RISK"
	PolicyPostAuthSession  = "POST_AUTH_SESSION"
	PolicySessionViolation = "SESSION_VIOLATION_DETECTION"
)

// CatchAllPriority is the priority of the system catch-all rule of every ITP policy; such a
// rule is never managed.
const CatchAllPriority = 99

// Risk levels.
const (
	RiskAny    = "ANY"
	RiskHigh   = "HIGH"
	RiskMedium = "MEDIUM"
	RiskLow    = "LOW"
	RiskNone   = "NONE"
)

// Network connection values of the session violation rule.
const (
	ConnectionAnywhere = "ANYWHERE"
	ConnectionZone     = "ZONE"
)

// Config is the ITP configuration of one org: what the definitions want, or what the org
// has. Slices are kept sorted by Name (User for user risks) by Normalize.
type Config struct {
	Zones                []Zone                `json:"network_zones,omitempty"`
	EntityRiskRules      []EntityRiskRule      `json:"entity_risk_policy_rules,omitempty"`
	PostAuthRule         *PostAuthRule         `json:"post_auth_session_policy_rule,omitempty"`
	SessionViolationRule *SessionViolationRule `json:"session_violation_policy_rule,omitempty"`
	Providers            []Provider            `json:"security_events_providers,omitempty"`
	UserRisks            []UserRisk            `json:"user_risks,omitempty"`
}

// Meta is what the org knows of an object beyond its configuration. It is empty in desired
// objects and is never compared.
type Meta struct {
	// ID is the Okta ID of the object (zone nzo…, rule rul…, provider sse…, user 00u…).
	ID string `json:"id,omitempty"`
	// LastUpdated is the object's lastUpdated timestamp as the API returned it; apply
	// compares it (with the object's content) before writing, to refuse a stale plan.
	LastUpdated string `json:"last_updated,omitempty"`
	// System is true for objects the org owns (system zones, catch-all rules).
	System bool `json:"system,omitempty"`
}

// Zone is a network zone (okta_network_zone).
type Zone struct {
	// Key is the local name: the map key in YAML, the last part of the address.
	Key  string `json:"key"`
	Meta Meta   `json:"meta"`

	Name   string `json:"name"`
	Type   string `json:"type"`
	Status string `json:"status"`
	Usage  string `json:"usage"`
	// Gateways and Proxies (IP zones): CIDR, a-b range or single address.
	Gateways []string `json:"gateways,omitempty"`
	Proxies  []string `json:"proxies,omitempty"`
	// DynamicProxyType (DYNAMIC zones): "", TorAnonymizer, NotTorAnonymizer, Any.
	DynamicProxyType string `json:"dynamic_proxy_type,omitempty"`
	// DynamicLocations: ISO 3166-1 alpha-2 ("US") or 3166-2 ("US-CA") codes (DYNAMIC and
	// DYNAMIC_V2 include); DynamicLocationsExclude only for DYNAMIC_V2.
	DynamicLocations        []string `json:"dynamic_locations,omitempty"`
	DynamicLocationsExclude []string `json:"dynamic_locations_exclude,omitempty"`
	// ASNs (DYNAMIC asns, DYNAMIC_V2 asns.include).
	ASNs []string `json:"asns,omitempty"`
	// IPServiceCategoriesInclude/Exclude (DYNAMIC_V2).
	IPServiceCategoriesInclude []string `json:"ip_service_categories_include,omitempty"`
	IPServiceCategoriesExclude []string `json:"ip_service_categories_exclude,omitempty"`
	// SetUsageAsExemptList is sent as useAsExemptList; only DefaultExemptIpZone takes it and
	// the API never returns it, so it is not compared.
	SetUsageAsExemptList bool `json:"set_usage_as_exempt_list,omitempty"`
}

// EntityRiskRule is a rule of the org's ENTITY_RISK policy (okta_entity_risk_policy_rule).
type EntityRiskRule struct {
	Key  string `json:"key"`
	Meta Meta   `json:"meta"`

	Name      string `json:"name"`
	RiskLevel string `json:"risk_level"`
	// Priority is 1..98; 0 in a desired rule means "not managed" (any priority is fine).
	Priority             int    `json:"priority,omitempty"`
	Status               string `json:"status"`
	TerminateAllSessions bool   `json:"terminate_all_sessions,omitempty"`
	WorkflowID           string `json:"workflow_id,omitempty"`
	// LogOnly says the rule has no action on purpose. It is a statement of the definitions
	// only: the org has no such field, so it is never compared.
	LogOnly        bool     `json:"log_only,omitempty"`
	UsersIncluded  []string `json:"users_included,omitempty"`
	UsersExcluded  []string `json:"users_excluded,omitempty"`
	GroupsIncluded []string `json:"groups_included,omitempty"`
	GroupsExcluded []string `json:"groups_excluded,omitempty"`
}

// PostAuthRule is the one modifiable rule of the POST_AUTH_SESSION policy
// (okta_post_auth_session_policy_rule). It is pre-provisioned: updated, never created.
type PostAuthRule struct {
	Meta Meta `json:"meta"`
	// Priority is what the org has; writes always carry it back, because a PUT without a
	// priority moves the rule. It is not compared.
	Priority int `json:"priority,omitempty"`

	Name             string   `json:"name"`
	Status           string   `json:"status"`
	TerminateSession bool     `json:"terminate_session,omitempty"`
	WorkflowID       string   `json:"workflow_id,omitempty"`
	UsersExcluded    []string `json:"users_excluded,omitempty"`
	GroupsIncluded   []string `json:"groups_included,omitempty"`
	GroupsExcluded   []string `json:"groups_excluded,omitempty"`
}

// SessionViolationRule is the one modifiable rule of the SESSION_VIOLATION_DETECTION policy
// (okta_session_violation_policy_rule). It is pre-provisioned: updated, never created.
type SessionViolationRule struct {
	Meta Meta `json:"meta"`

	Name         string `json:"name"`
	Status       string `json:"status"`
	MinRiskLevel string `json:"min_risk_level"`
	// NetworkConnection is ANYWHERE (the server default) or ZONE.
	NetworkConnection string `json:"network_connection"`
	// NetworkIncludes/Excludes are zone names.
	NetworkIncludes         []string `json:"network_includes,omitempty"`
	NetworkExcludes         []string `json:"network_excludes,omitempty"`
	PolicyEvaluationEnabled bool     `json:"policy_evaluation_enabled"`
	// Priority: 0 in a desired rule means "not managed"; writes carry the org's priority then.
	Priority int `json:"priority,omitempty"`
}

// Provider is a security events provider, an SSF receiver (okta_security_events_provider).
type Provider struct {
	Key  string `json:"key"`
	Meta Meta   `json:"meta"`

	Name string `json:"name"`
	Type string `json:"type"`
	// IsEnabled is ACTIVE or INACTIVE.
	IsEnabled string `json:"is_enabled"`
	// Settings: either WellKnownURL, or Issuer and JWKSURL.
	WellKnownURL string `json:"well_known_url,omitempty"`
	Issuer       string `json:"issuer,omitempty"`
	JWKSURL      string `json:"jwks_url,omitempty"`
}

// UserRisk is the risk level of one user (okta_user_risk).
type UserRisk struct {
	Key  string `json:"key"`
	Meta Meta   `json:"meta"`

	// User is the user's login (or an Okta user ID that could not be resolved).
	User string `json:"user"`
	// RiskLevel: HIGH or LOW in definitions; the org may also report MEDIUM or NONE.
	RiskLevel string `json:"risk_level"`
	// Reason is what the org says about the level ("Admin override risk"); org only.
	Reason string `json:"reason,omitempty"`
}
