package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/itp"
)

func mustCompute(t *testing.T, d, a *itp.Config, opts Options) *Plan {
	t.Helper()
	p, err := Compute(d, a, opts)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return p
}

// addresses lists the plan's changes as "action address".
func addresses(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, string(c.Action)+" "+c.Address)
	}
	return out
}

func TestComputeNoPerpetualDiff(t *testing.T) {
	p := mustCompute(t, seedDesired(), seedActual(), Options{})
	if p.HasChanges() || len(p.Changes) != 0 || len(p.Unmanaged) != 0 || len(p.Warnings) != 0 {
		t.Fatalf("seed against matching org: got changes %v, unmanaged %v, warnings %v", addresses(p), p.Unmanaged, p.Warnings)
	}
	if got := p.Summary(); got != NoChangesSentence {
		t.Errorf("Summary() = %q", got)
	}
}

func TestComputeNormalisation(t *testing.T) {
	tests := []struct {
		name   string
		desire func(*itp.Config)
		org    func(*itp.Config)
	}{
		{"single address vs a-a range", func(c *itp.Config) { c.Zones[0].Gateways = []string{"10.0.0.1"} },
			func(c *itp.Config) { c.Zones[1].Gateways = []string{"10.0.0.1-10.0.0.1"} }},
		{"reordered lists", func(c *itp.Config) { c.EntityRiskRules[1].GroupsExcluded = []string{"B", "A"} },
			func(c *itp.Config) { c.EntityRiskRules[1].GroupsExcluded = []string{"A", "B", "A"} }},
		{"defaults left out", func(c *itp.Config) { c.Zones[0].Status, c.Zones[0].Usage = "", "" },
			func(c *itp.Config) {}},
		{"lower case enums", func(c *itp.Config) { c.Zones[0].Type, c.PostAuthRule.Status = "ip", "active" },
			func(c *itp.Config) {}},
		{"unmanaged priority", func(c *itp.Config) { c.EntityRiskRules[0].Priority, c.SessionViolationRule.Priority = 0, 0 },
			func(c *itp.Config) { c.EntityRiskRules[0].Priority, c.SessionViolationRule.Priority = 7, 3 }},
		{"post-auth priority and log_only never compared", func(c *itp.Config) { c.PostAuthRule.Priority = 5; c.EntityRiskRules[0].LogOnly = true },
			func(c *itp.Config) {}},
		{"exempt list flag not readable", func(c *itp.Config) { c.Zones[0].SetUsageAsExemptList = true }, func(c *itp.Config) {}},
		{"user risk reason and login case", func(c *itp.Config) { c.UserRisks[0].User = "JANE.DOE@EXAMPLE.COM" },
			func(c *itp.Config) { c.UserRisks[0].Reason = "something else" }},
		{"empty list vs absent", func(c *itp.Config) { c.PostAuthRule.GroupsIncluded = []string{} }, func(c *itp.Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, a := seedDesired(), seedActual()
			tt.desire(d)
			tt.org(a)
			if p := mustCompute(t, d, a, Options{}); len(p.Changes) != 0 {
				t.Errorf("got changes %v; first fields %+v", addresses(p), p.Changes[0].Fields)
			}
		})
	}
}

func TestComputeDoesNotMutateInputs(t *testing.T) {
	d, a := seedDesired(), seedActual()
	d.Zones[0].Gateways = []string{"10.0.0.2", "10.0.0.1"}
	d0, _ := json.Marshal(d)
	a0, _ := json.Marshal(a)
	mustCompute(t, d, a, Options{})
	d1, _ := json.Marshal(d)
	a1, _ := json.Marshal(a)
	if diff := cmp.Diff(string(d0), string(d1)); diff != "" {
		t.Errorf("desired changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(string(a0), string(a1)); diff != "" {
		t.Errorf("actual changed (-before +after):\n%s", diff)
	}
}

func TestComputeFieldChanges(t *testing.T) {
	d, a := seedDesired(), seedActual()
	d.Zones[0].Gateways = []string{"203.0.113.0/24", "192.0.2.1"}
	d.Zones[0].Status = "INACTIVE"
	p := mustCompute(t, d, a, Options{})
	want := []Change{{
		Address: "network_zones.corporate_vpn", Kind: itp.KindZone, Name: "Corporate VPN", ID: "nzo1", Action: Update,
		Fields: []FieldChange{
			{Path: "gateways", Before: []string{"198.51.100.10-198.51.100.20", "203.0.113.0/24"}, After: []string{"192.0.2.1", "203.0.113.0/24"}},
			{Path: "status", Before: "ACTIVE", After: "INACTIVE"},
		},
		Risks: []Risk{{Level: RiskMedium, Message: `Trusted zone "Corporate VPN" is widened: gateways 192.0.2.1 cover addresses it did not before.`}},
	}}
	if diff := cmp.Diff(want, p.Changes, cmpIgnoreObjects); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	after := p.Changes[0].After.(*itp.Zone)
	if after.Meta.ID != "nzo1" || after.Key != "corporate_vpn" {
		t.Errorf("After carries meta %+v key %q; want the org's meta and the definition's key", after.Meta, after.Key)
	}
	if got, want := p.Summary(), "Plan: 0 to add, 1 to change, 0 to delete."; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}

func TestComputeCreateAndDeleteFields(t *testing.T) {
	d, a := seedDesired(), seedActual()
	d.Providers = nil
	a.Zones = append(a.Zones[:1], a.Zones[2:]...) // the org lacks Corporate VPN
	p := mustCompute(t, d, a, Options{Unmanaged: UnmanagedDelete})
	want := []Change{
		{Address: "network_zones.corporate_vpn", Kind: itp.KindZone, Name: "Corporate VPN", Action: Create, Fields: []FieldChange{
			{Path: "gateways", After: []string{"198.51.100.10-198.51.100.20", "203.0.113.0/24"}},
			{Path: "name", After: "Corporate VPN"},
			{Path: "status", After: "ACTIVE"},
			{Path: "type", After: "IP"},
			{Path: "usage", After: "POLICY"},
		}},
		{Address: "security_events_providers.crowdstrike_threat_intelligence", Kind: itp.KindProvider, Name: "CrowdStrike Threat Intelligence", ID: "sse1", Action: Delete,
			Fields: []FieldChange{
				{Path: "is_enabled", Before: "ACTIVE"},
				{Path: "name", Before: "CrowdStrike Threat Intelligence"},
				{Path: "settings.well_known_url", Before: "https://crowdstrike.example.com/.well-known/ssf-configuration"},
				{Path: "type", Before: "okta"},
			},
			Risks: []Risk{{Level: RiskHigh, Message: `Security events provider "CrowdStrike Threat Intelligence" is deleted: Okta stops receiving its risk signals.`}}},
	}
	if diff := cmp.Diff(want, p.Changes, cmpIgnoreObjects); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if p.Changes[0].Before != nil || p.Changes[0].After == nil || p.Changes[1].After != nil || p.Changes[1].Before == nil {
		t.Errorf("create must have only After and delete only Before")
	}
}

func TestComputeErrors(t *testing.T) {
	tests := []struct {
		name   string
		desire func(*itp.Config)
		org    func(*itp.Config)
		opts   Options
		want   string
	}{
		{"system zone missing", func(c *itp.Config) {
			c.Zones = append(c.Zones, itp.Zone{Key: "exempt", Name: "DefaultExemptIpZone", Type: "IP"})
		}, func(*itp.Config) {}, Options{}, `network_zones.exempt: the org has no system zone "DefaultExemptIpZone", and system zones are never created`},
		{"no post-auth rule", func(*itp.Config) {}, func(c *itp.Config) { c.PostAuthRule = nil }, Options{},
			"the org has no modifiable POST_AUTH_SESSION rule: is Identity Threat Protection enabled?"},
		{"no session violation rule", func(*itp.Config) {}, func(c *itp.Config) { c.SessionViolationRule = nil }, Options{},
			"the org has no modifiable SESSION_VIOLATION_DETECTION rule: is Identity Threat Protection enabled?"},
		{"catch-all rule", func(c *itp.Config) {
			c.EntityRiskRules = append(c.EntityRiskRules, itp.EntityRiskRule{Key: "d", Name: "Default Rule", RiskLevel: "ANY"})
		}, func(*itp.Config) {}, Options{}, `"Default Rule" is the org's catch-all entity risk rule, which is never managed`},
		{"duplicate names", func(c *itp.Config) {
			c.Zones = append(c.Zones, itp.Zone{Key: "again", Name: "Corporate VPN", Type: "IP"})
		}, func(*itp.Config) {}, Options{}, `network_zones: two objects are named "Corporate VPN"`},
		{"bad unmanaged option", func(*itp.Config) {}, func(*itp.Config) {}, Options{Unmanaged: "keep"}, `unknown unmanaged option "keep"`},
		{"bad mode", func(*itp.Config) {}, func(*itp.Config) {}, Options{Mode: "apply"}, `unknown mode "apply"`},
		{"deleted zone still referenced", func(c *itp.Config) {
			c.SessionViolationRule.NetworkIncludes = []string{"Old Office"}
		}, func(c *itp.Config) {
			c.Zones = append(c.Zones, itp.Zone{Meta: itp.Meta{ID: "nzo7"}, Name: "Old Office", Type: "IP", Gateways: []string{"192.0.2.7"}})
		}, Options{Unmanaged: UnmanagedDelete}, `network_zones.old_office: the plan deletes zone "Old Office" (not in the definitions, and options.unmanaged is delete), but session_violation_policy_rule still names it`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, a := seedDesired(), seedActual()
			tt.desire(d)
			tt.org(a)
			_, err := Compute(d, a, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Compute error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestComputeSingletonsOmitted(t *testing.T) {
	d, a := seedDesired(), seedActual()
	d.PostAuthRule, d.SessionViolationRule = nil, nil
	a.PostAuthRule.TerminateSession = false
	p := mustCompute(t, d, a, Options{})
	if len(p.Changes) != 0 || len(p.Unmanaged) != 0 {
		t.Errorf("omitted singletons must not be managed: changes %v unmanaged %v", addresses(p), p.Unmanaged)
	}
	// A nil org and nil definitions are empty configurations.
	if p := mustCompute(t, nil, nil, Options{}); p.HasChanges() {
		t.Errorf("nil configs: %v", addresses(p))
	}
}

func TestComputeSystemObjectsNeverUnmanaged(t *testing.T) {
	d, a := seedDesired(), seedActual()
	a.Zones = append(a.Zones, itp.Zone{Key: "defaultenhanceddynamiczone", Name: "DefaultEnhancedDynamicZone", Type: "DYNAMIC_V2"})
	for _, mode := range []string{UnmanagedReport, UnmanagedDelete} {
		p := mustCompute(t, d, a, Options{Unmanaged: mode})
		if len(p.Changes) != 0 || len(p.Unmanaged) != 0 {
			t.Errorf("%s: system objects touched: changes %v unmanaged %v", mode, addresses(p), p.Unmanaged)
		}
	}
	// A system zone in the definitions is updated in place.
	d.Zones = append(d.Zones, itp.Zone{Key: "blocked", Name: "BlockedIpZone", Type: "IP", Usage: "BLOCKLIST", Gateways: []string{"192.0.2.66"}})
	p := mustCompute(t, d, a, Options{})
	if diff := cmp.Diff([]string{"update network_zones.blocked"}, addresses(p)); diff != "" {
		t.Errorf("system zone update (-want +got):\n%s", diff)
	}
}

func TestComputeUnmanagedModes(t *testing.T) {
	d, a := seedDesired(), seedActual()
	a.Zones = append(a.Zones, itp.Zone{Key: "office", Meta: itp.Meta{ID: "nzo5"}, Name: "Office", Type: "IP", Gateways: []string{"192.0.2.0/24"}})
	a.EntityRiskRules = append(a.EntityRiskRules, itp.EntityRiskRule{Key: "console_rule", Meta: itp.Meta{ID: "rul5"}, Name: "Console Rule", RiskLevel: "LOW", Priority: 3, WorkflowID: "9"})
	// Same slug as a definition's key: the org object gets a distinct address.
	a.Providers = append(a.Providers, itp.Provider{Key: "crowdstrike", Meta: itp.Meta{ID: "sse2"}, Name: "crowdstrike", Type: "okta", IsEnabled: "INACTIVE", Issuer: "i", JWKSURL: "j"})
	var encoded []string
	encode := func(kind string, obj any) (string, error) {
		data, err := json.Marshal(obj)
		encoded = append(encoded, kind)
		return string(data), err
	}

	p := mustCompute(t, d, a, Options{Unmanaged: UnmanagedReport, Encode: encode})
	wantU := []Unmanaged{
		{Address: "network_zones.office", Kind: itp.KindZone, Name: "Office", ID: "nzo5",
			YAML: `{"key":"office","meta":{},"name":"Office","type":"IP","status":"ACTIVE","usage":"POLICY","gateways":["192.0.2.0/24"]}`},
		{Address: "security_events_providers.crowdstrike_2", Kind: itp.KindProvider, Name: "crowdstrike", ID: "sse2",
			YAML: `{"key":"crowdstrike","meta":{},"name":"crowdstrike","type":"okta","is_enabled":"INACTIVE","issuer":"i","jwks_url":"j"}`},
		{Address: "entity_risk_policy_rules.console_rule", Kind: itp.KindEntityRiskRule, Name: "Console Rule", ID: "rul5",
			YAML: `{"key":"console_rule","meta":{},"name":"Console Rule","risk_level":"LOW","priority":3,"status":"ACTIVE","workflow_id":"9"}`},
	}
	if diff := cmp.Diff(wantU, p.Unmanaged); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if len(p.Changes) != 0 || p.HasChanges() {
		t.Errorf("report: changes %v, HasChanges %v", addresses(p), p.HasChanges())
	}
	if got, want := p.Summary(), "Plan: 0 to add, 0 to change, 0 to delete, 3 unmanaged."; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	drift := mustCompute(t, d, a, Options{Mode: ModeDrift})
	if !drift.HasChanges() {
		t.Errorf("drift with unmanaged objects must have changes")
	}

	p = mustCompute(t, d, a, Options{Unmanaged: UnmanagedDelete})
	want := []string{
		"delete entity_risk_policy_rules.console_rule",
		"delete security_events_providers.crowdstrike_2",
		"delete network_zones.office",
	}
	if diff := cmp.Diff(want, addresses(p)); diff != "" || len(p.Unmanaged) != 0 {
		t.Errorf("delete (-want +got):\n%s\nunmanaged %v", diff, p.Unmanaged)
	}

	p = mustCompute(t, d, a, Options{Unmanaged: UnmanagedIgnore})
	if len(p.Changes) != 0 || len(p.Unmanaged) != 0 {
		t.Errorf("ignore: changes %v unmanaged %v", addresses(p), p.Unmanaged)
	}
}

func TestComputeUserRisk(t *testing.T) {
	tests := []struct {
		name, desired, org, mode string
		wantChange               bool
		wantNote                 string
		wantRisk, wantWarning    bool
	}{
		{"raise in plan", "HIGH", "LOW", ModePlan, true, noteUserRiskRaise, false, false},
		{"lower in plan", "LOW", "HIGH", ModePlan, false, "", false, true},
		{"raise in drift", "HIGH", "NONE", ModeDrift, true, noteUserRiskRaise, true, false},
		{"lower in drift", "LOW", "HIGH", ModeDrift, true, noteUserRiskLower, false, false},
		{"equal", "HIGH", "HIGH", ModeDrift, false, "", false, false},
		{"medium in org below high", "HIGH", "MEDIUM", ModePlan, true, noteUserRiskRaise, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, a := seedDesired(), seedActual()
			d.UserRisks[0].RiskLevel = tt.desired
			a.UserRisks[0].RiskLevel = tt.org
			p := mustCompute(t, d, a, Options{Mode: tt.mode})
			if got := len(p.Changes) == 1; got != tt.wantChange {
				t.Fatalf("change = %v, want %v (%v)", got, tt.wantChange, addresses(p))
			}
			if got := len(p.Warnings) == 1; got != tt.wantWarning {
				t.Errorf("warnings %q, want one: %v", p.Warnings, tt.wantWarning)
			}
			if !tt.wantChange {
				return
			}
			c := p.Changes[0]
			want := []FieldChange{{Path: "risk_level", Before: tt.org, After: tt.desired}}
			if diff := cmp.Diff(want, c.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if c.Note != tt.wantNote || c.Address != "user_risks.compromised_user" || c.ID != "00u1" {
				t.Errorf("change %+v", c)
			}
			if got := len(c.Risks) == 1; got != tt.wantRisk {
				t.Errorf("risks %v, want one: %v", c.Risks, tt.wantRisk)
			}
		})
	}
}
