package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/itpsync/itpsync/internal/diag"
	"github.com/itpsync/itpsync/internal/itp"
)

const seedDir = "../../policies"

func loadSeed(t *testing.T) *Definitions {
	t.Helper()
	d, diags, err := Load(seedDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) > 0 {
		t.Fatalf("seed policies: want no diagnostics, got %v", diags)
	}
	return d
}

func TestSeedPolicies(t *testing.T) {
	d := loadSeed(t)
	if got, want := d.FileCount, 8; got != want {
		t.Errorf("FileCount = %d, want %d", got, want)
	}
	if d.Options.Unmanaged != UnmanagedReport {
		t.Errorf("Options.Unmanaged = %q, want %q", d.Options.Unmanaged, UnmanagedReport)
	}
	for env, wf := range map[string]string{"staging": "1234", "production": "5678", "demo": "4242"} {
		cfg, err := d.Resolve(env)
		if err != nil {
			t.Fatalf("Resolve(%q): %v", env, err)
		}
		var got string
		for _, r := range cfg.EntityRiskRules {
			if r.Key == "medium_risk_response" {
				got = r.WorkflowID
			}
		}
		if got != wf {
			t.Errorf("Resolve(%q): workflow_id = %q, want %q", env, got, wf)
		}
		if sv := cfg.SessionViolationRule; sv == nil || !cmp.Equal(sv.NetworkExcludes, []string{"Corporate VPN"}) {
			t.Errorf("Resolve(%q): session violation excludes = %v, want the zone key replaced by its name", env, sv)
		}
	}
}

func TestResolve(t *testing.T) {
	files := map[string][]byte{
		"p/env.yaml": []byte(`environments:
  a: {vars: {wf: "11", zone: Alpha VPN}}
  b: {vars: {wf: "22", zone: Beta VPN}}
`),
		"p/objects.yaml": []byte(`network_zones:
  vpn: {name: "${var.zone}", type: ip, gateways: [198.51.100.7-198.51.100.7, 203.0.113.0/24]}
entity_risk_policy_rules:
  high: {name: High, risk_level: high, terminate_all_sessions: true, workflow_id: "${var.wf}"}
session_violation_policy_rule:
  min_risk_level: HIGH
  network_connection: ZONE
  network_includes: [vpn, LegacyIpZone, nzoTESTblocked0001d8]
`),
	}
	d, diags := Parse(files)
	if len(diags) > 0 {
		t.Fatalf("want no diagnostics, got %v", diags)
	}
	got, err := d.Resolve("b")
	if err != nil {
		t.Fatal(err)
	}
	want := &itp.Config{
		Zones: []itp.Zone{{Key: "vpn", Name: "Beta VPN", Type: "IP", Status: "ACTIVE", Usage: "POLICY",
			Gateways: []string{"198.51.100.7", "203.0.113.0/24"}}},
		EntityRiskRules: []itp.EntityRiskRule{{Key: "high", Name: "High", RiskLevel: "HIGH", Status: "ACTIVE",
			TerminateAllSessions: true, WorkflowID: "22"}},
		SessionViolationRule: &itp.SessionViolationRule{Status: "ACTIVE", MinRiskLevel: "HIGH", NetworkConnection: "ZONE",
			NetworkIncludes: []string{"Beta VPN", "LegacyIpZone", "nzoTESTblocked0001d8"}, PolicyEvaluationEnabled: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Resolve(b) (-want +got):\n%s", diff)
	}

	for _, tc := range []struct{ env, wantErr string }{
		{"", `an environment is required; valid environments are "a", "b"`},
		{"c", `unknown environment "c"; valid environments are "a", "b"`},
	} {
		if _, err := d.Resolve(tc.env); err == nil || err.Error() != tc.wantErr {
			t.Errorf("Resolve(%q) error = %v, want %q", tc.env, err, tc.wantErr)
		}
	}
}

func TestResolveWithoutEnvironments(t *testing.T) {
	d, diags := Parse(map[string][]byte{"a.yaml": []byte("user_risks:\n  j: {user: j@example.com, risk_level: HIGH}\n")})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if _, err := d.Resolve(""); err != nil {
		t.Errorf("Resolve(\"\"): %v", err)
	}
	want := `unknown environment "prod": the definitions have no environments section`
	if _, err := d.Resolve("prod"); err == nil || err.Error() != want {
		t.Errorf("Resolve(prod) error = %v, want %q", err, want)
	}
}

func TestResolveInvalid(t *testing.T) {
	d, _ := Parse(map[string][]byte{"x.yaml": []byte(`environments:
  ok: {vars: {wf: "1"}}
  bad: {vars: {wf: nope}}
entity_risk_policy_rules:
  r: {name: R, risk_level: HIGH, terminate_all_sessions: true, workflow_id: "${var.wf}"}
`)})
	if _, err := d.Resolve("ok"); err != nil {
		t.Errorf("Resolve(ok): %v", err)
	}
	_, err := d.Resolve("bad")
	want := `invalid definitions for environment "bad": x.yaml:5:77: workflow_id "nope" must be a number: Okta Workflows flow ids are integers [value]`
	if err == nil || err.Error() != want {
		t.Errorf("Resolve(bad) error = %v\nwant %s", err, want)
	}
}

func TestPos(t *testing.T) {
	d := loadSeed(t)
	p := func(file string, line, col int) diag.Pos {
		return diag.Pos{File: filepath.Join(seedDir, file), Line: line, Col: col}
	}
	for _, tc := range []struct {
		address string
		want    diag.Pos
	}{
		{"network_zones.corporate_vpn", p("network_zones.yaml", 4, 3)},
		{"network_zones.corporate_vpn.gateways", p("network_zones.yaml", 10, 15)},
		{"post_auth_session_policy_rule", p("post_auth_session_policy_rule.yaml", 3, 1)},
		{"user_risks.compromised_user", p("user_risks.yaml", 4, 3)},
		{"security_events_providers.crowdstrike.settings.well_known_url", p("security_events_providers.yaml", 9, 23)},
		{"environments.production.org_url", p("environments.yaml", 7, 14)},
		{"options.unmanaged", p("options.yaml", 4, 14)},
		{"network_zones.nope", diag.Pos{}},
	} {
		if got := d.Pos(tc.address); got != tc.want {
			t.Errorf("Pos(%q) = %v, want %v", tc.address, got, tc.want)
		}
	}
}

func TestCheckOrgURL(t *testing.T) {
	d := loadSeed(t)
	for _, tc := range []struct {
		env, org string
		ok       bool
	}{
		{"production", "https://acme.okta.com", true},
		{"production", "HTTPS://ACME.okta.com/", true},
		{"production", "https://acme.okta.com/api/v1", true},
		{"production", "https://acme-staging.okta.com", false},
		{"production", "http://acme.okta.com", false},
		{"staging", "https://acme.okta.com", false},
		{"demo", "http://127.0.0.1:40123", true},
		{"nowhere", "https://acme.okta.com", false},
		{"production", "acme.okta.com", false},
		{"production", "https://acme.okta.com:443", true},
		{"production", "https://acme.okta.com:8443", false},
		{"production", "https://acme.okta.com.evil.com", false},
		{"production", "https://evil.com/acme.okta.com", false},
		{"production", "https://acme.okta.com@evil.com", false},
		{"production", " https://acme.okta.com ", true},
		{"production", "", false},
	} {
		err := d.CheckOrgURL(tc.env, tc.org)
		if (err == nil) != tc.ok {
			t.Errorf("CheckOrgURL(%q, %q) = %v, want ok=%v", tc.env, tc.org, err, tc.ok)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	if _, _, err := Load("testdata/no-such-dir"); err == nil {
		t.Error("Load of a missing directory: want an error")
	}
	if _, _, err := Load("testdata/ok/minimal.yaml"); err == nil {
		t.Error("Load of a file: want an error")
	}
	empty := t.TempDir()
	if _, _, err := Load(empty); err == nil || !strings.Contains(err.Error(), "no *.yaml") {
		t.Errorf("Load of an empty directory = %v, want a no-files error", err)
	}
}

// richConfig uses every field of every kind, in normalised form.
func richConfig() *itp.Config {
	cfg := &itp.Config{
		Zones: []itp.Zone{
			{Key: "vpn", Name: "Corporate VPN", Type: "IP", Status: "INACTIVE", Usage: "POLICY",
				Gateways: []string{"198.51.100.10-198.51.100.20", "2001:db8::/32"}, Proxies: []string{"203.0.113.9"}},
			{Key: "exempt", Name: "DefaultExemptIpZone", Type: "IP", Status: "ACTIVE", Usage: "POLICY",
				Gateways: []string{"192.0.2.1"}, SetUsageAsExemptList: true},
			{Key: "tor", Name: "TOR", Type: "DYNAMIC", Status: "ACTIVE", Usage: "BLOCKLIST",
				DynamicProxyType: "TorAnonymizer", DynamicLocations: []string{"AF-BGL", "KP"}, ASNs: []string{"2232"}},
			{Key: "v2", Name: "Enhanced", Type: "DYNAMIC_V2", Status: "ACTIVE", Usage: "BLOCKLIST",
				DynamicLocations: []string{"US"}, DynamicLocationsExclude: []string{"US-CA"},
				IPServiceCategoriesInclude: []string{"ALL_ANONYMIZERS"}, IPServiceCategoriesExclude: []string{"WARP_VPN"}},
		},
		EntityRiskRules: []itp.EntityRiskRule{
			{Key: "high", Name: "High", RiskLevel: "HIGH", Priority: 1, Status: "ACTIVE", TerminateAllSessions: true,
				WorkflowID: "123", UsersIncluded: []string{"a@example.com"}, UsersExcluded: []string{"b@example.com"},
				GroupsIncluded: []string{"Everyone"}, GroupsExcluded: []string{"Break Glass"}},
			{Key: "log", Name: "true", RiskLevel: "LOW", Status: "INACTIVE", LogOnly: true},
		},
		PostAuthRule: &itp.PostAuthRule{Name: "Post-Auth", Status: "ACTIVE", TerminateSession: true, WorkflowID: "9",
			UsersExcluded: []string{"c@example.com"}, GroupsIncluded: []string{"G1"}, GroupsExcluded: []string{"G2"}},
		SessionViolationRule: &itp.SessionViolationRule{Name: "SV", Status: "INACTIVE", MinRiskLevel: "MEDIUM",
			NetworkConnection: "ZONE", NetworkIncludes: []string{"Corporate VPN", "LegacyIpZone"},
			NetworkExcludes: []string{"nzo123"}, PolicyEvaluationEnabled: false, Priority: 4},
		Providers: []itp.Provider{
			{Key: "wk", Name: "Well Known", Type: "okta", IsEnabled: "ACTIVE", WellKnownURL: "https://a.example.com/.well-known/ssf-configuration"},
			{Key: "jwks", Name: "JWKS", Type: "okta", IsEnabled: "INACTIVE", Issuer: "https://b.example.com", JWKSURL: "https://b.example.com/keys"},
		},
		UserRisks: []itp.UserRisk{{Key: "jane", User: "jane@example.com", RiskLevel: "HIGH"}, {Key: "john", User: "1234", RiskLevel: "LOW"}},
	}
	cfg.Normalize()
	return cfg
}

func TestEncodeKindRoundTrip(t *testing.T) {
	seed, err := loadSeed(t).Resolve("production")
	if err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]*itp.Config{"rich": richConfig(), "seed": seed, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			files := map[string][]byte{}
			for _, kind := range itp.Kinds {
				out, err := EncodeKind(kind, cfg)
				if err != nil {
					t.Fatalf("EncodeKind(%s): %v", kind, err)
				}
				if out != nil {
					files[kind+".yaml"] = out
				}
			}
			d, diags := Parse(files)
			if len(diags) > 0 {
				t.Fatalf("encoded YAML has diagnostics: %v\n%s", diags, files)
			}
			got, err := d.Resolve("")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(cfg, got, cmpopts.IgnoreTypes(itp.Meta{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeKindGolden(t *testing.T) {
	out, err := EncodeKind(itp.KindZone, richConfig())
	if err != nil {
		t.Fatal(err)
	}
	golden := "testdata/encode/network_zones.yaml"
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(out)); diff != "" {
		t.Errorf("EncodeKind(network_zones) (-want +got):\n%s", diff)
	}
	if out, err := EncodeKind(itp.KindPostAuthRule, &itp.Config{}); out != nil || err != nil {
		t.Errorf("EncodeKind of an empty kind = %q, %v; want nil, nil", out, err)
	}
	if _, err := EncodeKind("zones", &itp.Config{}); err == nil {
		t.Error("EncodeKind of an unknown kind: want an error")
	}
}

func TestEncodeObject(t *testing.T) {
	for _, tc := range []struct {
		kind string
		obj  any
		want string
	}{
		{itp.KindZone, itp.Zone{Name: "Branch Office", Type: "IP", Usage: "POLICY", Status: "ACTIVE", Gateways: []string{"203.0.113.0/24"}},
			"branch_office:\n  name: Branch Office\n  type: IP\n  gateways: [203.0.113.0/24]\n"},
		{itp.KindEntityRiskRule, &itp.EntityRiskRule{Key: "r", Name: "R", RiskLevel: "LOW", WorkflowID: "42"},
			"r:\n  name: R\n  risk_level: LOW\n  workflow_id: \"42\"\n"},
		{itp.KindProvider, itp.Provider{Name: "P", Type: "okta", IsEnabled: "ACTIVE", WellKnownURL: "https://p.example.com/x"},
			"p:\n  name: P\n  type: okta\n  is_enabled: ACTIVE\n  settings:\n    well_known_url: https://p.example.com/x\n"},
		{itp.KindUserRisk, itp.UserRisk{User: "jane@example.com", RiskLevel: "MEDIUM"},
			"jane_example_com:\n  user: jane@example.com\n  risk_level: MEDIUM # the API can only set HIGH or LOW\n"},
		{itp.KindPostAuthRule, itp.PostAuthRule{Name: "PA", Status: "INACTIVE"},
			"post_auth_session_policy_rule:\n  name: PA\n  status: INACTIVE\n"},
	} {
		got, err := EncodeObject(tc.kind, tc.obj)
		if err != nil {
			t.Errorf("EncodeObject(%s): %v", tc.kind, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("EncodeObject(%s) (-want +got):\n%s", tc.kind, diff)
		}
	}
	if _, err := EncodeObject(itp.KindZone, 42); err == nil {
		t.Error("EncodeObject of an int: want an error")
	}
}
