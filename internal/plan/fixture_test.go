package plan

import "github.com/itpsync/itpsync/internal/itp"

// seedDesired is the seed configuration of the definitions, as internal/spec produces it.
func seedDesired() *itp.Config {
	return &itp.Config{
		Zones: []itp.Zone{
			{Key: "corporate_vpn", Name: "Corporate VPN", Type: "IP", Usage: "POLICY", Status: "ACTIVE",
				Gateways: []string{"203.0.113.0/24", "198.51.100.10-198.51.100.20"}},
			{Key: "tor_blocklist", Name: "TOR Blocklist", Type: "DYNAMIC", Usage: "BLOCKLIST", DynamicProxyType: "TorAnonymizer"},
		},
		EntityRiskRules: []itp.EntityRiskRule{
			{Key: "high_risk_response", Name: "High Risk - Terminate All Sessions", RiskLevel: "HIGH", TerminateAllSessions: true, Priority: 1},
			{Key: "medium_risk_response", Name: "Medium Risk - Trigger Remediation Workflow", RiskLevel: "MEDIUM", WorkflowID: "1234", Priority: 2,
				GroupsExcluded: []string{"Break Glass Admins"}},
		},
		PostAuthRule: &itp.PostAuthRule{Name: "Post-Auth Session Protection", Status: "ACTIVE", TerminateSession: true},
		SessionViolationRule: &itp.SessionViolationRule{Name: "High Risk Session Violation", MinRiskLevel: "HIGH",
			NetworkConnection: "ZONE", NetworkExcludes: []string{"Corporate VPN"}, PolicyEvaluationEnabled: true},
		Providers: []itp.Provider{
			{Key: "crowdstrike", Name: "CrowdStrike Threat Intelligence", Type: "okta", IsEnabled: "ACTIVE",
				WellKnownURL: "https://crowdstrike.example.com/.well-known/ssf-configuration"},
		},
		UserRisks: []itp.UserRisk{{Key: "compromised_user", User: "jane.doe@example.com", RiskLevel: "HIGH"}},
	}
}

// seedActual is an org that matches seedDesired, in the forms the API returns.
func seedActual() *itp.Config {
	return &itp.Config{
		Zones: []itp.Zone{
			{Key: "tor_blocklist", Meta: itp.Meta{ID: "nzo2", LastUpdated: "2026-01-02T00:00:00Z"}, Name: "TOR Blocklist", Type: "DYNAMIC", Usage: "BLOCKLIST", Status: "ACTIVE", DynamicProxyType: "TorAnonymizer"},
			{Key: "corporate_vpn", Meta: itp.Meta{ID: "nzo1", LastUpdated: "2026-01-01T00:00:00Z"}, Name: "Corporate VPN", Type: "IP", Usage: "POLICY", Status: "ACTIVE",
				Gateways: []string{"198.51.100.10-198.51.100.20", "203.0.113.0/24"}},
			{Key: "legacyipzone", Meta: itp.Meta{ID: "nzo0", System: true}, Name: "LegacyIpZone", Type: "IP", Usage: "POLICY", Status: "ACTIVE"},
			{Key: "blockedipzone", Meta: itp.Meta{ID: "nzo9", System: true}, Name: "BlockedIpZone", Type: "IP", Usage: "BLOCKLIST", Status: "ACTIVE"},
		},
		EntityRiskRules: []itp.EntityRiskRule{
			{Key: "high_risk_terminate_all_sessions", Meta: itp.Meta{ID: "rul1"}, Name: "High Risk - Terminate All Sessions", RiskLevel: "HIGH", TerminateAllSessions: true, Priority: 1, Status: "ACTIVE"},
			{Key: "medium_risk_trigger_remediation_workflow", Meta: itp.Meta{ID: "rul2"}, Name: "Medium Risk - Trigger Remediation Workflow", RiskLevel: "MEDIUM", WorkflowID: "1234", Priority: 2, Status: "ACTIVE",
				GroupsExcluded: []string{"Break Glass Admins"}},
			{Key: "default_rule", Meta: itp.Meta{ID: "rul99", System: true}, Name: "Default Rule", RiskLevel: "ANY", Priority: 99, Status: "ACTIVE"},
		},
		PostAuthRule: &itp.PostAuthRule{Meta: itp.Meta{ID: "rulpa"}, Priority: 1, Name: "Post-Auth Session Protection", Status: "ACTIVE", TerminateSession: true},
		SessionViolationRule: &itp.SessionViolationRule{Meta: itp.Meta{ID: "rulsv"}, Priority: 1, Name: "High Risk Session Violation", MinRiskLevel: "HIGH",
			NetworkConnection: "ZONE", NetworkExcludes: []string{"Corporate VPN"}, PolicyEvaluationEnabled: true},
		Providers: []itp.Provider{
			{Key: "crowdstrike_threat_intelligence", Meta: itp.Meta{ID: "sse1"}, Name: "CrowdStrike Threat Intelligence", Type: "okta", IsEnabled: "ACTIVE",
				WellKnownURL: "https://crowdstrike.example.com/.well-known/ssf-configuration",
				Issuer:       "https://crowdstrike.example.com", JWKSURL: "https://crowdstrike.example.com/jwks"},
		},
		UserRisks: []itp.UserRisk{{Meta: itp.Meta{ID: "00u1"}, User: "Jane.Doe@example.com", RiskLevel: "HIGH", Reason: "Admin override risk"}},
	}
}
