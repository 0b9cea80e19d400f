package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/plan"
)

const longURL = "https://crowdstrike.example.com/tenants/acme-production-eu-west-1/ssf/.well-known/ssf-configuration"

// encode stands in for the YAML exporter: ready-to-paste text naming the object.
func encode(kind string, obj any) (string, error) {
	switch o := obj.(type) {
	case *itp.Zone:
		return fmt.Sprintf("network_zones:\n  %s:\n    name: %q\n    type: %s\n    gateways: [%s]\n", o.Key, o.Name, o.Type, strings.Join(o.Gateways, ", ")), nil
	case *itp.EntityRiskRule:
		return fmt.Sprintf("entity_risk_policy_rules:\n  %s:\n    name: %q\n    risk_level: %s\n", o.Key, o.Name, o.RiskLevel), nil
	case *itp.Provider:
		return fmt.Sprintf("security_events_providers:\n  %s:\n    name: %q\n    type: %s\n", o.Key, o.Name, o.Type), nil
	}
	return "", fmt.Errorf("cannot encode %s", kind)
}

// fixtureConfigs builds definitions and an org that differ in every way a plan can show:
// every action and kind, risks, unmanaged objects (with hostile names), long values.
func fixtureConfigs() (desired, actual *itp.Config) {
	desired = &itp.Config{
		Zones: []itp.Zone{
			{Key: "corporate_vpn", Name: "Corporate VPN", Type: "IP", Gateways: []string{"203.0.113.0/24", "0.0.0.0/0"}},
			{Key: "tor_blocklist", Name: "TOR Blocklist", Type: "DYNAMIC", Usage: "POLICY", DynamicProxyType: "TorAnonymizer"},
			{Key: "branch", Name: "Branch Office", Type: "IP", Gateways: []string{"192.0.2.0/24"}, Proxies: []string{"192.0.2.10"}},
		},
		EntityRiskRules: []itp.EntityRiskRule{
			{Key: "high_risk_response", Name: "High Risk - Terminate All Sessions", RiskLevel: "HIGH", Priority: 2, WorkflowID: "wf1"},
			{Key: "medium_risk_response", Name: "Medium Risk", RiskLevel: "MEDIUM", WorkflowID: "1234", Priority: 1},
		},
		PostAuthRule: &itp.PostAuthRule{Name: "Post-Auth Session Protection", Status: "INACTIVE", TerminateSession: true},
		SessionViolationRule: &itp.SessionViolationRule{Name: "High Risk Session Violation", MinRiskLevel: "HIGH",
			NetworkConnection: "ZONE", NetworkExcludes: []string{"Corporate VPN", "Branch Office"}, PolicyEvaluationEnabled: true},
		Providers: []itp.Provider{
			{Key: "crowdstrike", Name: "CrowdStrike Threat Intelligence", Type: "okta", WellKnownURL: longURL},
		},
		UserRisks: []itp.UserRisk{
			{Key: "compromised_user", User: "jane.doe@example.com", RiskLevel: "HIGH"},
			{Key: "cleared_user", User: "bob@example.com", RiskLevel: "LOW"},
		},
	}
	actual = &itp.Config{
		Zones: []itp.Zone{
			{Meta: itp.Meta{ID: "nzo1"}, Name: "Corporate VPN", Type: "IP", Gateways: []string{"203.0.113.0/24", "198.51.100.10-198.51.100.20"}},
			{Meta: itp.Meta{ID: "nzo2"}, Name: "TOR Blocklist", Type: "DYNAMIC", Usage: "BLOCKLIST", DynamicProxyType: "TorAnonymizer"},
			{Meta: itp.Meta{ID: "nzo3"}, Key: "old_office", Name: "Old Office", Type: "IP", Gateways: []string{"198.51.100.1"}},
			{Meta: itp.Meta{ID: "nzo4"}, Key: "x_script_alert_1_script", Name: "<script>alert(1)</script> | `rm` @admins", Type: "IP", Gateways: []string{"192.0.2.99"}},
		},
		EntityRiskRules: []itp.EntityRiskRule{
			{Meta: itp.Meta{ID: "rul1"}, Name: "High Risk - Terminate All Sessions", RiskLevel: "HIGH", TerminateAllSessions: true, Priority: 1, Status: "ACTIVE"},
			{Meta: itp.Meta{ID: "rul2"}, Name: "Medium Risk", RiskLevel: "MEDIUM", WorkflowID: "1234", Priority: 2, Status: "ACTIVE"},
			{Meta: itp.Meta{ID: "rul3"}, Key: "console_rule", Name: "Console Rule", RiskLevel: "LOW", WorkflowID: "9", Priority: 3, Status: "ACTIVE"},
		},
		PostAuthRule: &itp.PostAuthRule{Meta: itp.Meta{ID: "rulpa"}, Priority: 1, Name: "Post-Auth Session Protection", Status: "ACTIVE", TerminateSession: true},
		SessionViolationRule: &itp.SessionViolationRule{Meta: itp.Meta{ID: "rulsv"}, Priority: 1, Name: "High Risk Session Violation", MinRiskLevel: "HIGH",
			NetworkConnection: "ZONE", NetworkIncludes: []string{"Old Office"}, NetworkExcludes: []string{"Corporate VPN"}, PolicyEvaluationEnabled: true},
		Providers: []itp.Provider{
			{Meta: itp.Meta{ID: "sse1"}, Name: "CrowdStrike Threat Intelligence", Type: "okta", IsEnabled: "ACTIVE",
				WellKnownURL: "https://crowdstrike.example.com/tenants/acme-production-eu-west-1/ssf/.well-known/openid-configuration"},
			{Meta: itp.Meta{ID: "sse2"}, Key: "legacy_feed", Name: "Legacy Feed", Type: "okta", IsEnabled: "ACTIVE", Issuer: "https://legacy.example.com", JWKSURL: "https://legacy.example.com/jwks"},
		},
		UserRisks: []itp.UserRisk{
			{Meta: itp.Meta{ID: "00u1"}, User: "jane.doe@example.com", RiskLevel: "LOW"},
			{Meta: itp.Meta{ID: "00u2"}, User: "bob@example.com", RiskLevel: "HIGH"},
		},
	}
	return desired, actual
}

func computeFixture(t testing.TB, mode, unmanaged string) *plan.Plan {
	t.Helper()
	d, a := fixtureConfigs()
	p, err := plan.Compute(d, a, plan.Options{Mode: mode, Unmanaged: unmanaged, Environment: "production", Encode: encode})
	if err != nil {
		t.Fatalf("compute fixture: %v", err)
	}
	return p
}

// fullPlan has every action (deletes of the org-only zone and provider come from a second
// computation with unmanaged: delete) plus unmanaged objects.
func fullPlan(t testing.TB) *plan.Plan {
	t.Helper()
	p := computeFixture(t, plan.ModePlan, plan.UnmanagedReport)
	del := computeFixture(t, plan.ModePlan, plan.UnmanagedDelete)
	// Keep the reported unmanaged rule and entity, and add the deletes of the others.
	var keep []plan.Unmanaged
	for _, u := range p.Unmanaged {
		if u.Kind != itp.KindProvider && u.Address != "network_zones.old_office" {
			keep = append(keep, u)
		}
	}
	for _, c := range del.Changes {
		if c.Action == plan.Delete && (c.Kind == itp.KindProvider || c.Address == "network_zones.old_office") {
			p.Changes = append(p.Changes, c)
		}
	}
	p.Unmanaged = keep
	p.Counts = plan.Counts{Add: 0, Unmanaged: len(keep)}
	for _, c := range p.Changes {
		switch c.Action {
		case plan.Create:
			p.Counts.Add++
		case plan.Update:
			p.Counts.Change++
		case plan.Delete:
			p.Counts.Delete++
		}
	}
	return p
}

func emptyPlan(t testing.TB) *plan.Plan {
	t.Helper()
	d, _ := fixtureConfigs()
	p, err := plan.Compute(d, d, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// hugePlan changes n zones.
func hugePlan(t testing.TB, n int) *plan.Plan {
	t.Helper()
	d, a := &itp.Config{}, &itp.Config{}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Zone %04d", i)
		d.Zones = append(d.Zones, itp.Zone{Key: fmt.Sprintf("zone_%04d", i), Name: name, Type: "IP",
			Gateways: []string{fmt.Sprintf("10.%d.%d.0/24", i/256, i%256)}})
		a.Zones = append(a.Zones, itp.Zone{Meta: itp.Meta{ID: fmt.Sprint("nzo", i)}, Name: name, Type: "IP",
			Gateways: []string{fmt.Sprintf("10.%d.%d.0/25", i/256, i%256)}})
	}
	p, err := plan.Compute(d, a, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fixtureResult(t testing.TB) *plan.Result {
	p := fullPlan(t)
	r := &plan.Result{Plan: p, Calls: 23}
	for i, c := range p.Changes {
		o := plan.Outcome{Address: c.Address, Action: c.Action, Status: plan.Applied}
		switch i {
		case 1:
			o.Status, o.Error = plan.Failed, "okta: 400 Bad Request: Api validation failed: gateways (E0000001) | <b>@security-team</b>"
		case 3:
			o.Status, o.Reason = plan.Skipped, "depends on network_zones.branch, which failed"
		}
		r.Outcomes = append(r.Outcomes, o)
	}
	r.NotConverged = p.Changes[:1]
	return r
}
