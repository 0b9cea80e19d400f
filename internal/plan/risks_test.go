package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/itp"
)

func TestRisks(t *testing.T) {
	tests := []struct {
		name   string
		desire func(*itp.Config)
		org    func(*itp.Config)
		opts   Options
		want   []Risk
	}{
		{"terminate all sessions turned off", func(c *itp.Config) {
			c.EntityRiskRules[0].TerminateAllSessions = false
			c.EntityRiskRules[0].LogOnly = true
		}, nil, Options{},
			[]Risk{{RiskHigh, `Entity risk rule "High Risk - Terminate All Sessions" stops terminating all sessions of risky users.`}}},
		{"terminating rule deactivated", func(c *itp.Config) { c.EntityRiskRules[0].Status = "INACTIVE" }, nil, Options{},
			[]Risk{{RiskHigh, `Entity risk rule "High Risk - Terminate All Sessions" is deactivated: it terminated all sessions of risky users.`}}},
		{"terminating rule deleted", func(c *itp.Config) { c.EntityRiskRules = c.EntityRiskRules[1:] }, nil, Options{Unmanaged: UnmanagedDelete},
			[]Risk{{RiskHigh, `Entity risk rule "High Risk - Terminate All Sessions" is deleted: it terminated all sessions of risky users.`}}},
		{"post-auth stops terminating and is deactivated", func(c *itp.Config) { c.PostAuthRule.TerminateSession = false; c.PostAuthRule.Status = "INACTIVE" }, nil, Options{},
			[]Risk{
				{RiskHigh, `Post-auth session rule "Post-Auth Session Protection" stops terminating sessions on a session policy violation.`},
				{RiskHigh, `Post-auth session rule "Post-Auth Session Protection" is deactivated: session policy violations no longer get a response.`},
			}},
		{"blocklist to policy", func(c *itp.Config) { c.Zones[1].Usage = "POLICY" }, nil, Options{},
			[]Risk{{RiskHigh, `Zone "TOR Blocklist" stops being a blocklist (usage BLOCKLIST -> POLICY): its addresses are no longer blocked.`}}},
		{"blocklist deactivated", func(c *itp.Config) { c.Zones[1].Status = "INACTIVE" }, nil, Options{},
			[]Risk{{RiskHigh, `Blocklist zone "TOR Blocklist" is deactivated: its addresses are no longer blocked.`}}},
		{"blocklist deleted", func(c *itp.Config) { c.Zones = c.Zones[:1] }, nil, Options{Unmanaged: UnmanagedDelete},
			[]Risk{{RiskHigh, `Blocklist zone "TOR Blocklist" is deleted: its addresses are no longer blocked.`}}},
		{"gateways removed from blocklist", func(c *itp.Config) {
			c.Zones = append(c.Zones, itp.Zone{Key: "bad", Name: "Bad", Type: "IP", Usage: "BLOCKLIST", Gateways: []string{"192.0.2.0/25"}})
		}, func(c *itp.Config) {
			c.Zones = append(c.Zones, itp.Zone{Name: "Bad", Type: "IP", Usage: "BLOCKLIST", Gateways: []string{"192.0.2.0/24", "198.51.100.7"}})
		}, Options{}, []Risk{{RiskHigh, `Blocklist zone "Bad" stops blocking gateways 192.0.2.0/24, 198.51.100.7.`}}},
		{"blocklist gateways rewritten to the same addresses", func(c *itp.Config) {
			c.Zones = append(c.Zones, itp.Zone{Key: "bad", Name: "Bad", Type: "IP", Usage: "BLOCKLIST", Gateways: []string{"192.0.2.0-192.0.2.255"}})
		}, func(c *itp.Config) {
			c.Zones = append(c.Zones, itp.Zone{Name: "Bad", Type: "IP", Usage: "BLOCKLIST", Gateways: []string{"192.0.2.0/24"}})
		}, Options{}, nil},
		{"trusted zone covers everything", func(c *itp.Config) { c.Zones[0].Gateways = append(c.Zones[0].Gateways, "0.0.0.0/0") }, nil, Options{},
			[]Risk{{RiskHigh, `Trusted zone "Corporate VPN" now covers every address (gateways 0.0.0.0/0): policies that trust this zone trust the whole internet.`}}},
		{"trusted zone ipv6 everything in proxies", func(c *itp.Config) { c.Zones[0].Proxies = []string{"::/0"} }, nil, Options{},
			[]Risk{{RiskHigh, `Trusted zone "Corporate VPN" now covers every address (proxies ::/0): policies that trust this zone trust the whole internet.`}}},
		{"trusted zone narrowed is fine", func(c *itp.Config) { c.Zones[0].Gateways = []string{"203.0.113.0/25"} }, nil, Options{}, nil},
		{"trusted zone created covering everything", func(c *itp.Config) {
			c.Zones = append(c.Zones, itp.Zone{Key: "all", Name: "All", Type: "IP", Gateways: []string{"0.0.0.0-255.255.255.255"}})
		}, nil, Options{}, []Risk{{RiskHigh, `Trusted zone "All" now covers every address (gateways 0.0.0.0-255.255.255.255): policies that trust this zone trust the whole internet.`}}},
		{"trusted dynamic zone widened", func(c *itp.Config) {
			c.Zones = append(c.Zones, itp.Zone{Key: "geo", Name: "Geo", Type: "DYNAMIC_V2", DynamicLocations: []string{"FR", "US"},
				DynamicLocationsExclude: []string{"US-CA"}, ASNs: []string{"64500"}})
		}, func(c *itp.Config) {
			c.Zones = append(c.Zones, itp.Zone{Name: "Geo", Type: "DYNAMIC_V2", DynamicLocations: []string{"US"},
				DynamicLocationsExclude: []string{"US-CA", "US-NY"}, ASNs: []string{"64500", "64501"}})
		}, Options{}, []Risk{
			{RiskMedium, `Trusted zone "Geo" is widened: it now also matches locations FR.`},
			{RiskMedium, `Trusted zone "Geo" is widened: it no longer excludes locations US-NY.`},
		}},
		{"provider disabled", func(c *itp.Config) { c.Providers[0].IsEnabled = "INACTIVE" }, nil, Options{},
			[]Risk{{RiskHigh, `Security events provider "CrowdStrike Threat Intelligence" is disabled: Okta stops receiving its risk signals.`}}},
		{"session violation weakened", func(c *itp.Config) {
			c.SessionViolationRule.PolicyEvaluationEnabled = false
		}, func(c *itp.Config) { c.SessionViolationRule.MinRiskLevel = "LOW" }, Options{},
			[]Risk{
				{RiskHigh, `Session violation rule "High Risk Session Violation" now only acts from risk level HIGH (was LOW): fewer session violations are detected.`},
				{RiskHigh, `Session violation rule "High Risk Session Violation" turns policy evaluation off.`},
			}},
		{"user risk lowered in the org (drift)", nil, func(c *itp.Config) { c.UserRisks[0].RiskLevel = "LOW" }, Options{Mode: ModeDrift},
			[]Risk{{RiskHigh, `User "jane.doe@example.com" has risk LOW in the org, lower than the HIGH the definitions declare: the risk was lowered outside itpsync.`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, a := seedDesired(), seedActual()
			if tt.desire != nil {
				tt.desire(d)
			}
			if tt.org != nil {
				tt.org(a)
			}
			p := mustCompute(t, d, a, tt.opts)
			var got []Risk
			for _, c := range p.Changes {
				got = append(got, c.Risks...)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("risks (-want +got):\n%s\nchanges: %v", diff, addresses(p))
			}
		})
	}
}

func TestPriorityReorder(t *testing.T) {
	d, a := seedDesired(), seedActual()
	d.EntityRiskRules[0].Priority, d.EntityRiskRules[1].Priority = 2, 1
	p := mustCompute(t, d, a, Options{})
	var got []Risk
	for _, c := range p.Changes {
		got = append(got, c.Risks...)
	}
	want := []Risk{
		{RiskMedium, `Entity risk rule "High Risk - Terminate All Sessions" moves from priority 1 to 2, changing its order relative to "Medium Risk - Trigger Remediation Workflow": a different rule may now match a risky user first.`},
		{RiskMedium, `Entity risk rule "Medium Risk - Trigger Remediation Workflow" moves from priority 2 to 1, changing its order relative to "High Risk - Terminate All Sessions": a different rule may now match a risky user first.`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("risks (-want +got):\n%s", diff)
	}

	// Renumbering that keeps the order is not a reorder; moving past an unchanged rule is.
	d, a = seedDesired(), seedActual()
	d.EntityRiskRules[0].Priority, d.EntityRiskRules[1].Priority = 3, 4
	if p := mustCompute(t, d, a, Options{}); len(p.Changes[0].Risks)+len(p.Changes[1].Risks) != 0 {
		t.Errorf("renumbering flagged: %v %v", p.Changes[0].Risks, p.Changes[1].Risks)
	}
	d, a = seedDesired(), seedActual()
	d.EntityRiskRules[1].Priority = 0 // not managed: stays at 2
	d.EntityRiskRules[0].Priority = 3
	p = mustCompute(t, d, a, Options{})
	if len(p.Changes) != 1 || len(p.Changes[0].Risks) != 1 {
		t.Fatalf("moving past an unchanged rule: %v", p.Changes)
	}
}

func TestWidened(t *testing.T) {
	tests := []struct {
		before, after []string
		added         []string
		whole         bool
	}{
		{[]string{"10.0.0.0/8"}, []string{"10.1.0.0/16", "10.2.3.4"}, nil, false},
		{[]string{"10.0.0.0/24", "10.0.1.0/24"}, []string{"10.0.0.0/23"}, nil, false},
		{[]string{"10.0.0.0/24"}, []string{"10.0.0.0/23"}, []string{"10.0.0.0/23"}, false},
		{[]string{"10.0.0.1-10.0.0.5"}, []string{"10.0.0.3-10.0.0.6"}, []string{"10.0.0.3-10.0.0.6"}, false},
		{[]string{"::/0"}, []string{"2001:db8::/32"}, nil, false},
		{[]string{"10.0.0.0/8"}, []string{"::/0"}, []string{"::/0"}, true},
		{[]string{"255.255.255.255"}, []string{"255.255.255.255"}, nil, false},
		{nil, []string{"not-an-address"}, []string{"not-an-address"}, false},
	}
	for _, tt := range tests {
		added, whole := widened(tt.before, tt.after)
		if diff := cmp.Diff(tt.added, added); diff != "" || whole != tt.whole {
			t.Errorf("widened(%v, %v): whole %v, added (-want +got):\n%s", tt.before, tt.after, whole, diff)
		}
	}
}

// In a drift report, risks say how the org is less protected than the definitions.
func TestDriftRisks(t *testing.T) {
	d, a := seedDesired(), seedActual()
	a.EntityRiskRules[0].TerminateAllSessions = false // console edit weakened the rule
	a.Zones = a.Zones[1:]                             // the blocklist zone was deleted in the console
	p := mustCompute(t, d, a, Options{Mode: ModeDrift})
	var got []Risk
	for _, c := range p.Changes {
		got = append(got, c.Risks...)
	}
	want := []Risk{
		{RiskHigh, `Compared with the definitions: Blocklist zone "TOR Blocklist" is deleted: its addresses are no longer blocked.`},
		{RiskHigh, `Compared with the definitions: Entity risk rule "High Risk - Terminate All Sessions" stops terminating all sessions of risky users.`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drift risks (-want +got):\n%s\nchanges %v", diff, addresses(p))
	}
}

func TestObjectDiff(t *testing.T) {
	a := seedActual()
	pa := *a.PostAuthRule
	pa.Priority, pa.Status = 2, "INACTIVE"
	z := a.Zones[1]
	z.Gateways = []string{"10.0.0.0/8"}
	tests := []struct {
		name string
		a, b any
		want []FieldChange
	}{
		{"post-auth priority and status", a.PostAuthRule, &pa, []FieldChange{{"priority", 1, 2}, {"status", "ACTIVE", "INACTIVE"}}},
		{"zone gateways", &a.Zones[1], &z, []FieldChange{{"gateways", a.Zones[1].Gateways, []string{"10.0.0.0/8"}}}},
		{"same", &a.Zones[0], &a.Zones[0], nil},
		{"different kinds", &a.Zones[0], a.PostAuthRule, nil},
		{"not objects", "x", 1, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ObjectDiff(tt.a, tt.b)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
