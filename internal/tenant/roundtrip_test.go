package tenant

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

// readBack reads the org with a fresh client (no cache shared with the writer).
func readBack(t *testing.T, o *org, users ...string) *itp.Config {
	t.Helper()
	c, err := New(o.c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := c.Read(ctxT(t), ReadOptions{Users: users})
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	return cfg
}

func findZone(cfg *itp.Config, name string) *itp.Zone {
	for i := range cfg.Zones {
		if cfg.Zones[i].Name == name {
			return &cfg.Zones[i]
		}
	}
	return nil
}

var ignoreZoneMeta = cmpopts.IgnoreFields(itp.Zone{}, "Meta", "SetUsageAsExemptList")

func TestZoneRoundTrips(t *testing.T) {
	cases := []struct {
		name string
		zone itp.Zone
	}{
		{"single IP", itp.Zone{Name: "Single", Type: itp.ZoneIP, Gateways: []string{"192.168.1.1"}}},
		{"a-a range", itp.Zone{Name: "Same ends", Type: itp.ZoneIP, Gateways: []string{"10.0.0.5-10.0.0.5"}}},
		{"mixed CIDR and range", itp.Zone{Name: "Corporate VPN", Type: itp.ZoneIP,
			Gateways: []string{"1.2.3.4/24", "2.3.4.5-2.3.4.15", "9.9.9.9"}, Proxies: []string{"2.2.3.4/24", "3.3.4.5-3.3.4.15"}}},
		{"IPv6", itp.Zone{Name: "V6", Type: itp.ZoneIP, Gateways: []string{"2001:db8::/32", "2001:DB8::1", "2001:db8::10-2001:db8::20"}}},
		{"location reordering", itp.Zone{Name: "Geo", Type: itp.ZoneDynamic, DynamicLocations: []string{"US", "AF-BGL", "UA-26"}, ASNs: []string{"2232"}}},
		{"DYNAMIC empty asns and proxy type", itp.Zone{Name: "Tor", Type: itp.ZoneDynamic, Usage: itp.UsageBlocklist, DynamicProxyType: "TorAnonymizer"}},
		{"V2 empty lists", itp.Zone{Name: "Enhanced", Type: itp.ZoneDynamicV2, IPServiceCategoriesInclude: []string{"ALL_IP_SERVICES"}, IPServiceCategoriesExclude: []string{"SURFSHARK_VPN"}}},
		{"V2 locations", itp.Zone{Name: "Enhanced geo", Type: itp.ZoneDynamicV2, DynamicLocations: []string{"US", "AF-BGL"}, DynamicLocationsExclude: []string{"CN-BJ", "BE-VAN"}, ASNs: []string{"64500"}}},
		{"INACTIVE create", itp.Zone{Name: "Dormant", Type: itp.ZoneIP, Status: itp.StatusInactive, Gateways: []string{"8.8.8.0/24"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t, oktaemu.Options{}, nil)
			o.emu.ResetRequests()
			got, err := o.c.CreateZone(ctxT(t), tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.zone
			want.Normalize()
			if d := cmp.Diff(want, got, ignoreZoneMeta, cmpopts.IgnoreFields(itp.Zone{}, "Key")); d != "" {
				t.Errorf("create answer (-want +got):\n%s", d)
			}
			if n := o.emu.Requests().ByRoute["POST /api/v1/zones"]; n != 1 {
				t.Errorf("POST /api/v1/zones sent %d times, want 1", n)
			}
			back := findZone(readBack(t, o), tc.zone.Name)
			if back == nil {
				t.Fatalf("zone %q not read back", tc.zone.Name)
			}
			want.Key = itp.Slug(want.Name)
			if d := cmp.Diff(want, *back, ignoreZoneMeta); d != "" {
				t.Errorf("read back (-want +got):\n%s", d)
			}
		})
	}
}

func TestSystemAndStatusZoneUpdates(t *testing.T) {
	o := newOrg(t, oktaemu.Options{ExemptZone: true}, nil)
	cfg := readBack(t, o)
	cases := []struct {
		name string
		zone itp.Zone
	}{
		{"blocked", itp.Zone{Name: itp.ZoneBlockedIP, Type: itp.ZoneIP, Usage: itp.UsageBlocklist, Gateways: []string{"6.6.6.0/24", "7.7.7.7"}}},
		{"exempt", itp.Zone{Name: itp.ZoneExemptIP, Type: itp.ZoneIP, Gateways: []string{"1.2.3.4/32", "4.5.6.7/32"}, SetUsageAsExemptList: true}},
		{"enhanced dynamic inactive", itp.Zone{Name: itp.ZoneEnhancedDynamic, Type: itp.ZoneDynamicV2, Usage: itp.UsageBlocklist, Status: itp.StatusInactive, IPServiceCategoriesInclude: []string{"ALL_ANONYMIZERS", "NORD_VPN"}}},
		{"legacy", itp.Zone{Name: itp.ZoneLegacyIP, Type: itp.ZoneIP, Gateways: []string{"203.0.113.0/24"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cur := findZone(cfg, tc.zone.Name)
			if cur == nil {
				t.Fatalf("system zone %q missing", tc.zone.Name)
			}
			if _, err := o.c.UpdateZone(ctxT(t), cur.Meta.ID, tc.zone); err != nil {
				t.Fatal(err)
			}
			back := findZone(readBack(t, o), tc.zone.Name)
			want := tc.zone
			want.Normalize()
			want.Key = itp.Slug(want.Name)
			if d := cmp.Diff(want, *back, ignoreZoneMeta); d != "" {
				t.Errorf("read back (-want +got):\n%s", d)
			}
			if !back.Meta.System {
				t.Errorf("system zone read back without Meta.System")
			}
			if err := o.c.DeleteZone(ctxT(t), *back); err == nil {
				t.Errorf("DeleteZone of system zone %q succeeded", tc.zone.Name)
			}
			if _, err := o.c.CreateZone(ctxT(t), tc.zone); err == nil {
				t.Errorf("CreateZone of system zone %q succeeded", tc.zone.Name)
			}
		})
	}
}

func TestZoneUpdateStatusAndDelete(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, nil)
	z := itp.Zone{Name: "Office", Type: itp.ZoneIP, Gateways: []string{"192.0.2.0/24"}}
	got, err := o.c.CreateZone(ctxT(t), z)
	if err != nil {
		t.Fatal(err)
	}
	z.Status, z.Gateways = itp.StatusInactive, []string{"192.0.2.0/25"}
	if _, err := o.c.UpdateZone(ctxT(t), got.Meta.ID, z); err != nil {
		t.Fatal(err)
	}
	back := findZone(readBack(t, o), "Office")
	z.Normalize()
	z.Key = "office"
	if d := cmp.Diff(z, *back, ignoreZoneMeta); d != "" {
		t.Errorf("read back (-want +got):\n%s", d)
	}
	back.Status = itp.StatusActive // DeleteZone must deactivate an active zone first
	if _, err := o.c.UpdateZone(ctxT(t), got.Meta.ID, *back); err != nil {
		t.Fatal(err)
	}
	if err := o.c.DeleteZone(ctxT(t), *back); err != nil {
		t.Fatal(err)
	}
	if findZone(readBack(t, o), "Office") != nil {
		t.Errorf("zone still there after delete")
	}
}

func TestEntityRiskRuleRoundTrips(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, nil)
	ignore := cmpopts.IgnoreFields(itp.EntityRiskRule{}, "Meta", "LogOnly")
	rules := []itp.EntityRiskRule{
		{Name: "High risk", RiskLevel: itp.RiskHigh, Priority: 1, TerminateAllSessions: true, WorkflowID: "123456",
			GroupsIncluded: []string{"Everyone"}, GroupsExcluded: []string{"Break Glass Admins"}, UsersExcluded: []string{"jane.doe@example.com"}},
		{Name: "Medium risk inactive", RiskLevel: itp.RiskMedium, Priority: 2, Status: itp.StatusInactive, UsersIncluded: []string{"john.roe@example.com"}},
		{Name: "Any log only", RiskLevel: itp.RiskAny, Priority: 3, LogOnly: true},
	}
	for _, r := range rules {
		if _, err := o.c.CreateEntityRiskRule(ctxT(t), r); err != nil {
			t.Fatal(err)
		}
	}
	back := readBack(t, o)
	want := itp.Config{EntityRiskRules: append([]itp.EntityRiskRule(nil), rules...)}
	for i := range want.EntityRiskRules {
		want.EntityRiskRules[i].Key = itp.Slug(want.EntityRiskRules[i].Name)
	}
	want.Normalize()
	if d := cmp.Diff(want.EntityRiskRules, back.EntityRiskRules, ignore); d != "" {
		t.Errorf("created rules read back (-want +got):\n%s", d)
	}

	// Update with priority 0 keeps the org's priority; status goes through the lifecycle.
	cur := back.EntityRiskRules[0] // "Any log only", priority 3
	upd := cur
	upd.Priority, upd.Status, upd.GroupsIncluded = 0, itp.StatusInactive, []string{"Everyone"}
	if _, err := o.c.UpdateEntityRiskRule(ctxT(t), cur.Meta.ID, upd); err != nil {
		t.Fatal(err)
	}
	back = readBack(t, o)
	upd.Priority = 3
	upd.Normalize()
	if d := cmp.Diff(upd, back.EntityRiskRules[0], ignore); d != "" {
		t.Errorf("updated rule read back (-want +got):\n%s", d)
	}
	if err := o.c.DeleteEntityRiskRule(ctxT(t), back.EntityRiskRules[0]); err != nil {
		t.Fatal(err)
	}
	if n := len(readBack(t, o).EntityRiskRules); n != 2 {
		t.Errorf("after delete %d rules, want 2", n)
	}
}

func TestPostAuthAndSessionViolationRoundTrips(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, nil)
	before := readBack(t, o)
	pa := itp.PostAuthRule{Name: "Session protection", Status: itp.StatusInactive, TerminateSession: true,
		UsersExcluded: []string{"jane.doe@example.com"}, GroupsIncluded: []string{"Everyone"}, GroupsExcluded: []string{"Break Glass Admins"}}
	if _, err := o.c.UpdatePostAuthRule(ctxT(t), pa); err != nil {
		t.Fatal(err)
	}
	// A zone created in the same run is referenced by name.
	if _, err := o.c.CreateZone(ctxT(t), itp.Zone{Name: "Trusted", Type: itp.ZoneIP, Gateways: []string{"198.51.100.0/24"}}); err != nil {
		t.Fatal(err)
	}
	sv := itp.SessionViolationRule{Name: "Violations", MinRiskLevel: itp.RiskHigh, NetworkConnection: itp.ConnectionZone,
		NetworkIncludes: []string{"Trusted", itp.ZoneLegacyIP}, NetworkExcludes: []string{itp.ZoneBlockedIP}, PolicyEvaluationEnabled: true}
	if _, err := o.c.UpdateSessionViolationRule(ctxT(t), sv); err != nil {
		t.Fatal(err)
	}
	back := readBack(t, o)
	pa.Normalize()
	if d := cmp.Diff(pa, *back.PostAuthRule, cmpopts.IgnoreFields(itp.PostAuthRule{}, "Meta", "Priority")); d != "" {
		t.Errorf("post-auth rule (-want +got):\n%s", d)
	}
	if back.PostAuthRule.Priority != before.PostAuthRule.Priority {
		t.Errorf("post-auth priority moved from %d to %d", before.PostAuthRule.Priority, back.PostAuthRule.Priority)
	}
	sv.Normalize()
	sv.Priority = before.SessionViolationRule.Priority
	if d := cmp.Diff(sv, *back.SessionViolationRule, cmpopts.IgnoreFields(itp.SessionViolationRule{}, "Meta")); d != "" {
		t.Errorf("session violation rule (-want +got):\n%s", d)
	}
}

func TestProviderRoundTrips(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, nil)
	ps := []itp.Provider{
		{Name: "Well known", Type: "okta", WellKnownURL: "https://ssf.example.com/.well-known/ssf-configuration"},
		{Name: "Issuer and keys", Type: "okta", Issuer: "https://example.oktapreview.com", JWKSURL: "https://example.oktapreview.com/oauth2/v1/keys"},
		{Name: "Disabled", Type: "okta", IsEnabled: itp.StatusInactive, Issuer: "https://x.example.com", JWKSURL: "https://x.example.com/keys"},
	}
	for _, p := range ps {
		if _, err := o.c.CreateProvider(ctxT(t), p); err != nil {
			t.Fatal(err)
		}
	}
	want := itp.Config{Providers: append([]itp.Provider(nil), ps...)}
	for i := range want.Providers {
		want.Providers[i].Key = itp.Slug(want.Providers[i].Name)
	}
	want.Normalize()
	back := readBack(t, o)
	if d := cmp.Diff(want.Providers, back.Providers, cmpopts.IgnoreFields(itp.Provider{}, "Meta")); d != "" {
		t.Errorf("providers (-want +got):\n%s", d)
	}
	upd := back.Providers[0] // "Disabled"
	upd.IsEnabled, upd.Issuer = itp.StatusActive, "https://y.example.com"
	if _, err := o.c.UpdateProvider(ctxT(t), upd.Meta.ID, upd); err != nil {
		t.Fatal(err)
	}
	back = readBack(t, o)
	if d := cmp.Diff(upd, back.Providers[0], cmpopts.IgnoreFields(itp.Provider{}, "Meta")); d != "" {
		t.Errorf("updated provider (-want +got):\n%s", d)
	}
	if err := o.c.DeleteProvider(ctxT(t), back.Providers[0]); err != nil {
		t.Fatal(err)
	}
	if n := len(readBack(t, o).Providers); n != 2 {
		t.Errorf("after delete %d providers, want 2", n)
	}
}

func TestUserRiskRoundTrip(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, nil)
	user := "jane.doe@example.com"
	before, after, err := o.c.SetUserRisk(ctxT(t), user, itp.RiskLow) // first PUT: 201
	if err != nil {
		t.Fatal(err)
	}
	if before.RiskLevel != itp.RiskNone || after.RiskLevel != itp.RiskLow {
		t.Errorf("first set: before %q after %q, want NONE then LOW", before.RiskLevel, after.RiskLevel)
	}
	before, after, err = o.c.SetUserRisk(ctxT(t), user, itp.RiskHigh) // then 200
	if err != nil {
		t.Fatal(err)
	}
	if before.RiskLevel != itp.RiskLow || after.RiskLevel != itp.RiskHigh {
		t.Errorf("second set: before %q after %q, want LOW then HIGH", before.RiskLevel, after.RiskLevel)
	}
	back := readBack(t, o, user, "john.roe@example.com")
	want := []itp.UserRisk{
		{Key: itp.Slug(user), User: user, RiskLevel: itp.RiskHigh, Reason: after.Reason},
		{Key: itp.Slug("john.roe@example.com"), User: "john.roe@example.com", RiskLevel: itp.RiskNone},
	}
	if d := cmp.Diff(want, back.UserRisks, cmpopts.IgnoreFields(itp.UserRisk{}, "Meta")); d != "" {
		t.Errorf("user risks (-want +got):\n%s", d)
	}
	if _, _, err := o.c.SetUserRisk(ctxT(t), "nobody@example.com", itp.RiskHigh); err == nil {
		t.Errorf("setting the risk of an unknown user succeeded")
	}
}

// The user-risk command reads the level, decides, then writes: the write must not read it
// a second time (GET, PUT, not GET, GET, PUT), and the level it reports as before is the
// one read.
func TestSetUserRiskAfterReadSendsOnePut(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, nil)
	user := "john.roe@example.com"
	cur, err := o.c.GetUserRisk(ctxT(t), user)
	if err != nil {
		t.Fatal(err)
	}
	before, after, err := o.c.SetUserRisk(ctxT(t), user, itp.RiskHigh)
	if err != nil {
		t.Fatal(err)
	}
	if before.RiskLevel != cur.RiskLevel || after.RiskLevel != itp.RiskHigh {
		t.Errorf("before %q after %q, want %q then HIGH", before.RiskLevel, after.RiskLevel, cur.RiskLevel)
	}
	want := map[string]int{"GET /api/v1/users": 1, "GET /api/v1/users/{id}/risk": 1, "PUT /api/v1/users/{id}/risk": 1}
	if d := cmp.Diff(want, o.c.Stats().ByEndpoint); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	// A client that has not read the level reads it once before the PUT.
	fresh, err := New(o.c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	before, _, err = fresh.SetUserRisk(ctxT(t), user, itp.RiskLow)
	if err != nil {
		t.Fatal(err)
	}
	if before.RiskLevel != itp.RiskHigh {
		t.Errorf("fresh client: before %q, want HIGH", before.RiskLevel)
	}
	if d := cmp.Diff(want, fresh.Stats().ByEndpoint); d != "" {
		t.Errorf("fresh client calls (-want +got):\n%s", d)
	}
}
