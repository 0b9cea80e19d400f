package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/plan"
)

// fieldOf returns the field change at path of the change at addr, or fails.
func fieldOf(t *testing.T, p *plan.Plan, addr, path string) plan.FieldChange {
	t.Helper()
	for _, c := range p.Changes {
		if c.Address != addr {
			continue
		}
		for _, f := range c.Fields {
			if f.Path == path {
				return f
			}
		}
		t.Fatalf("%s: no field %q in %+v", addr, path, c.Fields)
	}
	t.Fatalf("no change at %s; changes: %v", addr, describe(p.Changes))
	return plan.FieldChange{}
}

// TestDriftEveryKind makes an out-of-band change of each kind after a clean apply and
// checks that the drift report names the field, the org's value and the definitions'.
func TestDriftEveryKind(t *testing.T) {
	o := newTestOrg(t, oktaemu.Options{})
	d := mustLoad(t, normaliseDir, "")
	applyClean(t, o.c, d)
	con := o.console(t)

	// Zone: an admin replaces the office gateways.
	office := con.find("/api/v1/zones", "Office")
	office["gateways"] = []apiObject{{"type": "CIDR", "value": "10.0.0.0/8"}}
	delete(office, "_links")
	con.do("PUT", "/api/v1/zones/"+office["id"].(string), office, nil)
	// Entity risk rule: deactivated in the console.
	er := con.policyID(itp.PolicyEntityRisk)
	high := con.find("/api/v1/policies/"+er+"/rules", "High Risk - Terminate")
	con.do("POST", "/api/v1/policies/"+er+"/rules/"+high["id"].(string)+"/lifecycle/deactivate", nil, nil)
	// Post-auth rule: re-activated (the definitions say INACTIVE).
	pa := con.policyID(itp.PolicyPostAuthSession)
	post := con.find("/api/v1/policies/"+pa+"/rules", "Post-Auth Session Protection")
	con.do("POST", "/api/v1/policies/"+pa+"/rules/"+post["id"].(string)+"/lifecycle/activate", nil, nil)
	// Session violation rule: back to ANYWHERE.
	sv := con.policyID(itp.PolicySessionViolation)
	svr := con.find("/api/v1/policies/"+sv+"/rules", "Session Violation")
	o.emu.Seed(func(org *oktaemu.Org) {
		err := org.OverrideRule(svr["id"].(string), oktaemu.RuleState{
			Conditions: json.RawMessage(`{"network":{"connection":"ANYWHERE"},"riskScore":{"minRiskLevel":"MEDIUM"}}`)})
		if err != nil {
			t.Fatal(err)
		}
	})
	// Provider: deactivated.
	prov := con.find("/api/v1/security-events-providers", "Well Known Provider")
	con.do("POST", "/api/v1/security-events-providers/"+prov["id"].(string)+"/lifecycle/deactivate", nil, nil)
	// User risk: lowered by someone.
	o.emu.Seed(func(org *oktaemu.Org) {
		if err := org.SetUserRisk("jane.doe@example.com", "LOW"); err != nil {
			t.Fatal(err)
		}
	})
	// An unmanaged zone.
	o.emu.Seed(func(org *oktaemu.Org) {
		if _, err := org.AddZone(json.RawMessage(`{"type":"IP","name":"Shadow IT","gateways":[{"type":"CIDR","value":"100.64.0.0/10"}]}`)); err != nil {
			t.Fatal(err)
		}
	})

	p := mustPlan(t, o.c, d, plan.ModeDrift)
	if !p.HasChanges() {
		t.Fatal("drift report has no changes")
	}
	tests := []struct {
		addr, path  string
		org, wanted any
	}{
		{"network_zones.office", "gateways", []string{"10.0.0.0/8"}, nil},
		{"entity_risk_policy_rules.high", "status", "INACTIVE", "ACTIVE"},
		{"post_auth_session_policy_rule", "status", "ACTIVE", "INACTIVE"},
		{"session_violation_policy_rule", "network_connection", "ANYWHERE", "ZONE"},
		{"security_events_providers.by_well_known", "is_enabled", "INACTIVE", "ACTIVE"},
		{"user_risks.jane", "risk_level", "LOW", "HIGH"},
	}
	for _, tt := range tests {
		f := fieldOf(t, p, tt.addr, tt.path)
		if diff := cmp.Diff(tt.org, f.Before); diff != "" {
			t.Errorf("%s.%s org value (-want +got):\n%s", tt.addr, tt.path, diff)
		}
		if tt.wanted != nil {
			if diff := cmp.Diff(tt.wanted, f.After); diff != "" {
				t.Errorf("%s.%s definitions value (-want +got):\n%s", tt.addr, tt.path, diff)
			}
		} else if f.After == nil {
			t.Errorf("%s.%s: no definitions value", tt.addr, tt.path)
		}
	}
	if len(p.Unmanaged) != 1 || p.Unmanaged[0].Name != "Shadow IT" || !strings.Contains(p.Unmanaged[0].YAML, "100.64.0.0/10") {
		t.Errorf("unmanaged = %+v, want Shadow IT with its YAML", p.Unmanaged)
	}
	// Apply repairs everything but the unmanaged zone, which is only reported.
	applyClean(t, o.c, d)
	if again := mustPlan(t, o.c, d, plan.ModeDrift); len(again.Changes) != 0 || len(again.Unmanaged) != 1 {
		t.Errorf("after repair: changes %v, unmanaged %v", describe(again.Changes), again.Unmanaged)
	}
}
