package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/itp"
)

func TestOrder(t *testing.T) {
	d, a := seedDesired(), seedActual()
	// A new zone the session violation rule starts to exclude, and an old one it stops
	// including, which is deleted.
	d.Zones = append(d.Zones, itp.Zone{Key: "branch", Name: "Branch Office", Type: "IP", Gateways: []string{"192.0.2.0/24"}})
	d.SessionViolationRule.NetworkExcludes = []string{"Corporate VPN", "Branch Office"}
	a.Zones = append(a.Zones, itp.Zone{Key: "old_office", Meta: itp.Meta{ID: "nzo7"}, Name: "Old Office", Type: "IP", Gateways: []string{"192.0.2.200"}})
	a.SessionViolationRule.NetworkIncludes = []string{"Old Office"}
	a.EntityRiskRules = append(a.EntityRiskRules, itp.EntityRiskRule{Name: "Stale", RiskLevel: "LOW", WorkflowID: "1", Priority: 3})
	d.Providers = append(d.Providers, itp.Provider{Key: "zz", Name: "ZZ", Type: "okta", WellKnownURL: "https://zz.example.com"})
	d.UserRisks[0].RiskLevel = "HIGH"
	a.UserRisks[0].RiskLevel = "LOW"

	p := mustCompute(t, d, a, Options{Unmanaged: UnmanagedDelete})
	want := []string{
		"create network_zones.branch",
		"create security_events_providers.zz",
		"update session_violation_policy_rule",
		"update user_risks.compromised_user",
		"delete entity_risk_policy_rules.stale",
		"delete network_zones.old_office",
	}
	if diff := cmp.Diff(want, addresses(p)); diff != "" {
		t.Fatalf("order (-want +got):\n%s", diff)
	}
	deps := map[string][]string{}
	for _, c := range p.Changes {
		deps[c.Address] = c.DependsOn
	}
	wantDeps := map[string][]string{
		"session_violation_policy_rule": {"network_zones.branch"},
		"network_zones.old_office":      {"session_violation_policy_rule"},
	}
	for addr, w := range wantDeps {
		if diff := cmp.Diff(w, deps[addr]); diff != "" {
			t.Errorf("DependsOn of %s (-want +got):\n%s", addr, diff)
		}
	}
	// Every dependency comes first.
	for i, c := range p.Changes {
		for _, dep := range c.DependsOn {
			j := slices.IndexFunc(p.Changes, func(o Change) bool { return o.Address == dep })
			if j < 0 || j > i {
				t.Errorf("%s depends on %s, which is at %d", c.Address, dep, j)
			}
		}
	}
}

func shuffled(c *itp.Config) *itp.Config {
	c.Zones = append(c.Zones[1:], c.Zones[0])
	slices.Reverse(c.EntityRiskRules)
	c.Zones[0].Gateways = slices.Clone(c.Zones[0].Gateways)
	slices.Reverse(c.Zones[0].Gateways)
	return c
}

func TestFingerprint(t *testing.T) {
	base := func() (*itp.Config, *itp.Config) {
		d, a := seedDesired(), seedActual()
		d.Zones[0].Gateways = append(d.Zones[0].Gateways, "192.0.2.1")
		a.Zones = append(a.Zones, itp.Zone{Name: "Extra", Type: "IP", Gateways: []string{"10.0.0.0/8", "10.1.0.0/16"}})
		return d, a
	}
	d, a := base()
	p0 := mustCompute(t, d, a, Options{})
	if len(p0.Fingerprint) != len("sha256:")+64 || len(p0.StateHash) != len("sha256:")+64 {
		t.Fatalf("fingerprint %q state hash %q", p0.Fingerprint, p0.StateHash)
	}

	t.Run("stable", func(t *testing.T) {
		d, a := base()
		p := mustCompute(t, shuffled(d), shuffled(a), Options{})
		if p.Fingerprint != p0.Fingerprint || p.StateHash != p0.StateHash {
			t.Errorf("input order changed the fingerprint")
		}
		d, a = base()
		for i := range a.Zones {
			a.Zones[i].Meta = itp.Meta{ID: fmt.Sprint("other", i), LastUpdated: "2030-01-01T00:00:00Z"}
		}
		a.UserRisks[0].Reason = "risk engine"
		if p := mustCompute(t, d, a, Options{}); p.Fingerprint != p0.Fingerprint {
			t.Errorf("ids, timestamps or reasons changed the fingerprint")
		}
	})

	sensitive := []struct {
		name   string
		desire func(*itp.Config)
		org    func(*itp.Config)
	}{
		{"desired field", func(c *itp.Config) { c.Zones[0].Gateways = append(c.Zones[0].Gateways, "192.0.2.2") }, nil},
		{"org field of an unchanged object", nil, func(c *itp.Config) { c.PostAuthRule.GroupsExcluded = []string{"x"} }},
		{"org state not in any change", nil, func(c *itp.Config) { c.Zones[2].Gateways = []string{"10.9.9.9"} }},
		{"unmanaged object", nil, func(c *itp.Config) { c.Providers = append(c.Providers, itp.Provider{Name: "New"}) }},
	}
	for _, tt := range sensitive {
		t.Run(tt.name, func(t *testing.T) {
			d, a := base()
			if tt.desire != nil {
				tt.desire(d)
			}
			if tt.org != nil {
				tt.org(a)
			}
			if p := mustCompute(t, d, a, Options{}); p.Fingerprint == p0.Fingerprint {
				t.Errorf("fingerprint did not change")
			}
		})
	}
}

func TestDiff(t *testing.T) {
	d, a := seedDesired(), seedActual()
	d.Zones[0].Status = "INACTIVE"
	d.Providers[0].IsEnabled = "INACTIVE"
	a.Zones = append(a.Zones, itp.Zone{Name: "Extra", Type: "IP"})
	p1 := mustCompute(t, d, a, Options{})

	d2, a2 := seedDesired(), seedActual()
	d2.Zones[0].Status = "INACTIVE"
	d2.PostAuthRule.WorkflowID = "wf"
	a2.Providers[0].Meta.ID = "different-id-same-change"
	d2.Providers[0].IsEnabled = "INACTIVE"
	a2.EntityRiskRules = append(a2.EntityRiskRules, itp.EntityRiskRule{Name: "Extra Rule"})
	p2 := mustCompute(t, d2, a2, Options{})

	want := []string{"entity_risk_policy_rules.extra_rule", "network_zones.extra", "post_auth_session_policy_rule"}
	if diff := cmp.Diff(want, Diff(p1, p2)); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	if got := Diff(p1, p1); len(got) != 0 {
		t.Errorf("Diff(p, p) = %v", got)
	}
	if got := Diff(nil, p1); len(got) != 3 {
		t.Errorf("Diff(nil, p) = %v", got)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	d, a := seedDesired(), seedActual()
	d.Zones[0].Gateways = []string{"192.0.2.1"}
	d.EntityRiskRules[0].Priority = 5
	d.PostAuthRule.TerminateSession = false
	d.SessionViolationRule.NetworkExcludes = nil
	d.Providers = append(d.Providers, itp.Provider{Key: "n", Name: "N", Type: "okta", Issuer: "https://i", JWKSURL: "https://i/jwks"})
	d.UserRisks[0].RiskLevel = "LOW"
	a.UserRisks[0].RiskLevel = "NONE"
	a.Zones = append(a.Zones, itp.Zone{Key: "gone", Meta: itp.Meta{ID: "nzo8"}, Name: "Gone", Type: "DYNAMIC", DynamicLocations: []string{"US"}})
	p := mustCompute(t, d, a, Options{Unmanaged: UnmanagedDelete, Environment: "production"})
	kinds := map[string]bool{}
	for _, c := range p.Changes {
		kinds[c.Kind] = true
	}
	if len(kinds) != len(itp.Kinds) {
		t.Fatalf("fixture should change every kind, got %v", kinds)
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if diff := cmp.Diff(p, &back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if got := Diff(p, &back); len(got) != 0 {
		t.Errorf("Diff after round trip: %v", got)
	}

	bad := []string{
		`{"kind":"nope","before":{}}`,
		`{"kind":"network_zones","before":[]}`,
		`{"kind":"network_zones","fields":[{"path":"x","before":{"a":1}}]}`,
	}
	for _, b := range bad {
		var c Change
		if err := json.Unmarshal([]byte(b), &c); err == nil {
			t.Errorf("decode %s: no error", b)
		}
	}
}

func TestResultFailed(t *testing.T) {
	tests := []struct {
		r    Result
		want bool
	}{
		{Result{Outcomes: []Outcome{{Status: Applied}}}, false},
		{Result{Outcomes: []Outcome{{Status: Applied}, {Status: Failed}}}, true},
		{Result{Outcomes: []Outcome{{Status: Skipped}}}, true},
		{Result{NotConverged: []Change{{Address: "x"}}}, true},
	}
	for i, tt := range tests {
		if got := tt.r.Failed(); got != tt.want {
			t.Errorf("%d: Failed() = %v, want %v", i, got, tt.want)
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	d, a := &itp.Config{}, &itp.Config{}
	for i := 0; i < 5000; i++ {
		name := fmt.Sprintf("Zone %04d", i)
		gw := []string{fmt.Sprintf("10.%d.%d.0/24", i/256, i%256), fmt.Sprintf("172.16.%d.%d", i/256, i%256)}
		d.Zones = append(d.Zones, itp.Zone{Key: fmt.Sprintf("zone_%04d", i), Name: name, Type: "IP", Gateways: gw})
		if i%10 == 0 {
			gw = gw[:1]
		}
		a.Zones = append(a.Zones, itp.Zone{Meta: itp.Meta{ID: fmt.Sprint("nzo", i)}, Name: name, Type: "IP", Status: "ACTIVE", Usage: "POLICY", Gateways: gw})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(d, a, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
