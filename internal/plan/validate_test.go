package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/itp"
)

// everyKindPlan is a plan that changes every kind, with creates, updates and a delete.
func everyKindPlan(t *testing.T) *Plan {
	t.Helper()
	d, a := seedDesired(), seedActual()
	d.Zones[0].Gateways = []string{"192.0.2.1"}
	d.Zones = append(d.Zones, itp.Zone{Key: "new", Name: "New", Type: "IP", Gateways: []string{"192.0.2.9"}})
	d.EntityRiskRules[0].Priority = 5
	d.PostAuthRule.TerminateSession = false
	d.SessionViolationRule.NetworkExcludes = []string{"New"}
	d.UserRisks[0].RiskLevel = "HIGH"
	a.UserRisks[0].RiskLevel = "LOW"
	a.Zones = append(a.Zones, itp.Zone{Key: "gone", Meta: itp.Meta{ID: "nzo8"}, Name: "Gone", Type: "DYNAMIC", DynamicLocations: []string{"US"}})
	a.SessionViolationRule.NetworkIncludes = []string{"Gone"}
	return mustCompute(t, d, a, Options{Unmanaged: UnmanagedDelete})
}

func changeAt(p *Plan, addr string) *Change {
	for i := range p.Changes {
		if p.Changes[i].Address == addr {
			return &p.Changes[i]
		}
	}
	return nil
}

// TestValidate checks that computed plans (also after a JSON round trip) are valid and that
// each way a plan file can be corrupted or hand-edited is refused, naming the change.
func TestValidate(t *testing.T) {
	if err := everyKindPlan(t).Validate(); err != nil {
		t.Fatalf("computed plan: %v", err)
	}
	drift := mustCompute(t, seedDesired(), func() *itp.Config { a := seedActual(); a.UserRisks[0].RiskLevel = "HIGH"; return a }(), Options{Mode: ModeDrift})
	if err := drift.Validate(); err != nil {
		t.Fatalf("computed drift report: %v", err)
	}
	tests := []struct {
		name string
		edit func(p *Plan)
		want string
	}{
		{"format version", func(p *Plan) { p.FormatVersion = 7 }, "format_version is 7, want 1"},
		{"mode", func(p *Plan) { p.Mode = "yolo" }, `mode is "yolo"`},
		{"unknown kind", func(p *Plan) { changeAt(p, "network_zones.new").Kind = "firewalls" }, `network_zones.new): unknown kind "firewalls"`},
		{"unknown action", func(p *Plan) { changeAt(p, "network_zones.new").Action = "replace" }, `unknown action "replace"`},
		{"create without after", func(p *Plan) { changeAt(p, "network_zones.new").After = nil }, "network_zones.new): a create without the object to write"},
		{"update without after", func(p *Plan) { changeAt(p, "post_auth_session_policy_rule").After = nil }, "post_auth_session_policy_rule): a update without"},
		{"update without before", func(p *Plan) { changeAt(p, "network_zones.corporate_vpn").Before = nil }, "corporate_vpn): a update without the org's object"},
		{"delete without before", func(p *Plan) { changeAt(p, "network_zones.gone").Before = nil }, "network_zones.gone): a delete without"},
		{"wrong type", func(p *Plan) { changeAt(p, "network_zones.new").After = &itp.Provider{Name: "New"} }, "after: holds *itp.Provider, not a network_zones object"},
		{"typed nil", func(p *Plan) { changeAt(p, "network_zones.new").After = (*itp.Zone)(nil) }, "holds *itp.Zone, not a network_zones object"},
		{"other object's name", func(p *Plan) { changeAt(p, "network_zones.new").After.(*itp.Zone).Name = "LegacyIpZone" }, `named "LegacyIpZone", not "New"`},
		{"pre-provisioned rule deleted", func(p *Plan) {
			c := changeAt(p, "post_auth_session_policy_rule")
			c.Action, c.After = Delete, nil
			p.Counts = count(p)
		}, "post_auth_session_policy_rule can only be updated, not deleted"},
		{"system zone deleted", func(p *Plan) {
			c := changeAt(p, "network_zones.gone")
			c.Name = "BlockedIpZone"
			c.Before.(*itp.Zone).Name = "BlockedIpZone"
		}, `system zone "BlockedIpZone" can only be updated, not deleted`},
		{"user risk lowered", func(p *Plan) {
			c := changeAt(p, "user_risks.compromised_user")
			c.After.(*itp.UserRisk).RiskLevel = "LOW"
			c.Before.(*itp.UserRisk).RiskLevel = "HIGH"
		}, `lowers the risk of user "jane.doe@example.com" from HIGH to LOW`},
		{"dependency after", func(p *Plan) {
			c := changeAt(p, "network_zones.new")
			c.DependsOn = []string{"network_zones.gone"}
		}, `depends on "network_zones.gone", which is not an earlier change`},
		{"duplicate address", func(p *Plan) { p.Changes = append(p.Changes, p.Changes[0]); p.Counts = count(p) }, "the address appears twice"},
		{"counts", func(p *Plan) { p.Counts.Add = 0 }, "do not match the changes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := everyKindPlan(t)
			tt.edit(p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "invalid plan: ") {
				t.Errorf("Validate() = %v, want an invalid plan error containing %q", err, tt.want)
			}
		})
	}
}

// TestValidateRoundTrip checks that a plan survives the plan file's JSON and stays valid.
func TestValidateRoundTrip(t *testing.T) {
	data, err := json.Marshal(everyKindPlan(t))
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Errorf("Validate after round trip: %v", err)
	}
	var nilPlan *Plan
	if err := nilPlan.Validate(); err == nil {
		t.Error("nil plan: no error")
	}
}
