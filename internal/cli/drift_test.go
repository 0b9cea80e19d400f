package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/oktaemu"
)

// TestDriftReportsConsoleChanges makes an out-of-band change of each kind after an apply
// and checks the drift report: exit 2, each field with the org's and the definitions'
// value, the unmanaged zone with its YAML.
func TestDriftReportsConsoleChanges(t *testing.T) {
	o := newEmuOrg(t)
	o.must(ExitOK, "apply", normalise, "--auto-approve")
	o.must(ExitOK, "drift", normalise)

	office := o.consoleFind("/api/v1/zones", "Office")
	office["gateways"] = []map[string]string{{"type": "CIDR", "value": "10.0.0.0/8"}}
	delete(office, "_links")
	o.consoleDo("PUT", "/api/v1/zones/"+office["id"].(string), office, nil)

	policy := func(typ string) string {
		var list []map[string]any
		o.consoleDo("GET", "/api/v1/policies?type="+typ, nil, &list)
		return list[0]["id"].(string)
	}
	er := policy("ENTITY_RISK")
	high := o.consoleFind("/api/v1/policies/"+er+"/rules", "High Risk - Terminate")
	o.consoleDo("POST", "/api/v1/policies/"+er+"/rules/"+high["id"].(string)+"/lifecycle/deactivate", nil, nil)
	pa := policy("POST_AUTH_SESSION")
	post := o.consoleFind("/api/v1/policies/"+pa+"/rules", "Post-Auth Session Protection")
	o.consoleDo("POST", "/api/v1/policies/"+pa+"/rules/"+post["id"].(string)+"/lifecycle/activate", nil, nil)
	sv := policy("SESSION_VIOLATION_DETECTION")
	svr := o.consoleFind("/api/v1/policies/"+sv+"/rules", "Session Violation")
	prov := o.consoleFind("/api/v1/security-events-providers", "Issuer Provider")
	o.consoleDo("POST", "/api/v1/security-events-providers/"+prov["id"].(string)+"/lifecycle/activate", nil, nil)
	o.emu.Seed(func(org *oktaemu.Org) {
		if err := org.OverrideRule(svr["id"].(string), oktaemu.RuleState{
			Conditions: json.RawMessage(`{"network":{"connection":"ANYWHERE"},"riskScore":{"minRiskLevel":"HIGH"}}`)}); err != nil {
			t.Fatal(err)
		}
		if err := org.SetUserRisk("jane.doe@example.com", "LOW"); err != nil {
			t.Fatal(err)
		}
		if _, err := org.AddZone(json.RawMessage(`{"type":"IP","name":"Shadow IT","gateways":[{"type":"CIDR","value":"100.64.0.0/10"}]}`)); err != nil {
			t.Fatal(err)
		}
	})

	out, _ := o.must(ExitChanges, "drift", normalise)
	wantAll(t, "drift", out,
		"network_zones.office", "gateways", "10.0.0.0/8", "203.0.113.0/24",
		"entity_risk_policy_rules.high", "INACTIVE",
		"post_auth_session_policy_rule",
		"session_violation_policy_rule", "network_connection", "ANYWHERE", "min_risk_level", "MEDIUM",
		"security_events_providers.by_issuer", "is_enabled",
		"user_risks.jane", "risk_level", "LOW", "HIGH",
		"Shadow IT", "100.64.0.0/10",
		// The System Log names who made the console change of the zone.
		"changed by Okta Admin", "zone.update",
	)
	o.emu.ResetRequests()
	out, _ = o.must(ExitChanges, "drift", normalise, "--attribution=false")
	if strings.Contains(out, "changed by") {
		t.Errorf("drift --attribution=false still attributes:\n%s", out)
	}
	if n := o.emu.Requests().ByRoute["GET /api/v1/logs"]; n != 0 {
		t.Errorf("drift --attribution=false read the System Log %d times", n)
	}
	js, _ := o.must(ExitChanges, "drift", normalise, "--format", "json")
	var report struct {
		Changes []struct {
			Address string `json:"address"`
			Fields  []struct {
				Path   string `json:"path"`
				Before any    `json:"before"`
				After  any    `json:"after"`
			} `json:"fields"`
		} `json:"changes"`
		Unmanaged []struct {
			Name string `json:"name"`
			YAML string `json:"yaml"`
		} `json:"unmanaged"`
	}
	if err := json.Unmarshal([]byte(js), &report); err != nil {
		t.Fatalf("drift --format json: %v\n%s", err, js)
	}
	got := map[string]string{}
	for _, c := range report.Changes {
		for _, f := range c.Fields {
			got[c.Address+"."+f.Path] = fmt.Sprint(f.Before, " -> ", f.After)
		}
	}
	for field, want := range map[string]string{
		"entity_risk_policy_rules.high.status":             "INACTIVE -> ACTIVE",
		"post_auth_session_policy_rule.status":             "ACTIVE -> INACTIVE",
		"session_violation_policy_rule.network_connection": "ANYWHERE -> ZONE",
		"session_violation_policy_rule.min_risk_level":     "HIGH -> MEDIUM",
		"security_events_providers.by_issuer.is_enabled":   "ACTIVE -> INACTIVE",
		"user_risks.jane.risk_level":                       "LOW -> HIGH",
	} {
		if got[field] != want {
			t.Errorf("%s: org -> definitions = %q, want %q", field, got[field], want)
		}
	}
	if !strings.Contains(got["network_zones.office.gateways"], "10.0.0.0/8") {
		t.Errorf("office gateways drift = %q", got["network_zones.office.gateways"])
	}
	if len(report.Unmanaged) != 1 || !strings.Contains(report.Unmanaged[0].YAML, "100.64.0.0/10") {
		t.Errorf("unmanaged = %+v, want Shadow IT with YAML", report.Unmanaged)
	}
}
