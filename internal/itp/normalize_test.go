package itp

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeAddress(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"1.2.3.4", "1.2.3.4"},
		{" 1.2.3.4 ", "1.2.3.4"},
		{"1.2.3.4-1.2.3.4", "1.2.3.4"},         // how Okta stores a single address
		{"1.2.3.4 - 1.2.3.4", "1.2.3.4"},       // spaces around the dash
		{"1.2.3.4-1.2.3.9", "1.2.3.4-1.2.3.9"}, // a real range is kept
		{"1.2.3.4/24", "1.2.3.4/24"},           // Okta echoes CIDRs verbatim: not masked
		{"1.2.3.4/32", "1.2.3.4/32"},           // and /32 is not a single address to the API
		{"2001:DB8::1", "2001:db8::1"},         // IPv6 canonical text
		{"2001:db8:0:0::1-2001:db8::1", "2001:db8::1"},
		{"2001:0db8::/32", "2001:db8::/32"},
		{"not an address", "not an address"},     // left for the validator to report
		{"1.2.3.4-nonsense", "1.2.3.4-nonsense"}, // likewise
	}
	for _, tt := range tests {
		if got := NormalizeAddress(tt.in); got != tt.want {
			t.Errorf("NormalizeAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeSet(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil stays nil", nil, nil},
		{"empty becomes nil", []string{}, nil},
		{"blank entries dropped", []string{" ", ""}, nil},
		{"sorted and deduplicated", []string{"b", "a", "b"}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, NormalizeSet(tt.in, nil)); diff != "" {
				t.Errorf("NormalizeSet mismatch (-want +got):\n%s", diff)
			}
		})
	}
	got := NormalizeSet([]string{"1.2.3.4-1.2.3.4", "1.2.3.4"}, NormalizeAddress)
	if diff := cmp.Diff([]string{"1.2.3.4"}, got); diff != "" {
		t.Errorf("canonical forms of one address must collapse (-want +got):\n%s", diff)
	}
}

// The forms the API returns and the forms a YAML author writes must normalise to the same
// value, or every plan would show a perpetual diff.
func TestZoneNormalizeAPIAndYAMLFormsAgree(t *testing.T) {
	fromAPI := Zone{
		Name: "Corp", Type: "IP", Status: "ACTIVE", Usage: "POLICY",
		Gateways: []string{"198.51.100.10-198.51.100.20", "203.0.113.7-203.0.113.7"},
	}
	fromYAML := Zone{
		Name: "Corp", Type: "ip",
		Gateways: []string{"203.0.113.7", "198.51.100.10-198.51.100.20"},
	}
	fromAPI.Normalize()
	fromYAML.Normalize()
	if diff := cmp.Diff(fromAPI, fromYAML); diff != "" {
		t.Errorf("API and YAML forms differ after Normalize (-api +yaml):\n%s", diff)
	}

	dyn := Zone{Name: "Geo", Type: ZoneDynamic, DynamicLocations: []string{"us", "AF-BGL"}, Gateways: []string{"1.2.3.4"}}
	dyn.Normalize()
	want := Zone{Name: "Geo", Type: ZoneDynamic, Status: StatusActive, Usage: UsagePolicy, DynamicLocations: []string{"AF-BGL", "US"}}
	if diff := cmp.Diff(want, dyn); diff != "" {
		t.Errorf("DYNAMIC zone (-want +got):\n%s", diff)
	}

	v2 := Zone{Name: "V2", Type: ZoneDynamicV2, DynamicProxyType: "Any", IPServiceCategoriesInclude: []string{"nord_vpn", "ALL_ANONYMIZERS"}, SetUsageAsExemptList: true}
	v2.Normalize()
	wantV2 := Zone{Name: "V2", Type: ZoneDynamicV2, Status: StatusActive, Usage: UsagePolicy, IPServiceCategoriesInclude: []string{"ALL_ANONYMIZERS", "NORD_VPN"}}
	if diff := cmp.Diff(wantV2, v2); diff != "" {
		t.Errorf("DYNAMIC_V2 zone (-want +got):\n%s", diff)
	}
}

func TestRuleAndProviderDefaults(t *testing.T) {
	svd := SessionViolationRule{MinRiskLevel: "high", NetworkExcludes: []string{"Corp"}}
	svd.Normalize()
	if svd.Status != StatusActive || svd.NetworkConnection != ConnectionAnywhere || svd.MinRiskLevel != RiskHigh {
		t.Errorf("session violation defaults: got %+v", svd)
	}
	if svd.NetworkExcludes != nil {
		t.Errorf("zone lists must be dropped when the connection is ANYWHERE, got %v", svd.NetworkExcludes)
	}

	p := Provider{Name: "SSF", WellKnownURL: "https://x.example/.well-known/ssf-configuration", Issuer: "https://x.example", JWKSURL: "https://x.example/keys"}
	p.Normalize()
	if p.Issuer != "" || p.JWKSURL != "" || p.IsEnabled != StatusActive {
		t.Errorf("a well-known provider must drop the server-derived issuer and jwks_url: got %+v", p)
	}

	u := UserRisk{User: " jane@example.com "}
	u.Normalize()
	if u.User != "jane@example.com" || u.RiskLevel != RiskNone {
		t.Errorf("user risk defaults: got %+v", u)
	}
}

func TestConfigNormalizeSortsByName(t *testing.T) {
	c := Config{
		Zones:     []Zone{{Name: "b", Type: ZoneIP}, {Name: "a", Type: ZoneIP}},
		UserRisks: []UserRisk{{User: "Zed@example.com"}, {User: "amy@example.com"}},
	}
	c.Normalize()
	if c.Zones[0].Name != "a" || c.UserRisks[0].User != "amy@example.com" {
		t.Errorf("not sorted: zones %q %q, users %q %q", c.Zones[0].Name, c.Zones[1].Name, c.UserRisks[0].User, c.UserRisks[1].User)
	}
}

func TestRiskRank(t *testing.T) {
	order := []string{RiskNone, RiskLow, RiskMedium, RiskHigh}
	for i := 1; i < len(order); i++ {
		if RiskRank(order[i-1]) >= RiskRank(order[i]) {
			t.Errorf("RiskRank(%s) must be below RiskRank(%s)", order[i-1], order[i])
		}
	}
	if RiskRank("bogus") != RiskRank(RiskNone) {
		t.Errorf("an unknown level must rank as NONE")
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Corporate VPN":                      "corporate_vpn",
		"High Risk - Terminate All Sessions": "high_risk_terminate_all_sessions",
		"  --  ":                             "object",
		"1st Zone":                           "x_1st_zone",
		"Zürich Office":                      "z_rich_office",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsSystemZoneName(t *testing.T) {
	for _, n := range SystemZoneNames {
		if !IsSystemZoneName(n) {
			t.Errorf("%s must be a system zone", n)
		}
	}
	if IsSystemZoneName("Corporate VPN") || IsSystemZoneName("legacyipzone") {
		t.Error("only the exact system zone names are system zones")
	}
}
