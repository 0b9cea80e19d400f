package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/spec"
)

// TestExportRoundTrip exports orgs, checks the files validate, and plans them against the
// org they came from: no changes, nothing unmanaged.
func TestExportRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, o *testOrg)
		files []string
	}{
		{
			name:  "fresh org",
			files: []string{"options.yaml", "post_auth_session_policy_rule.yaml", "session_violation_policy_rule.yaml"},
		},
		{
			name:  "normalisation fixture applied",
			setup: func(t *testing.T, o *testOrg) { applyClean(t, o.c, mustLoad(t, normaliseDir, "")) },
			files: []string{"entity_risk_policy_rules.yaml", "network_zones.yaml", "options.yaml",
				"post_auth_session_policy_rule.yaml", "security_events_providers.yaml", "session_violation_policy_rule.yaml"},
		},
		{
			name: "seed applied plus console objects",
			setup: func(t *testing.T, o *testOrg) {
				applyClean(t, o.c, mustLoad(t, seedDir, "demo"))
				o.emu.Seed(func(org *oktaemu.Org) {
					if _, err := org.AddZone(json.RawMessage(`{"type":"DYNAMIC_V2","name":"Geo Block","usage":"BLOCKLIST","locations":{"include":[{"country":"KP"}],"exclude":[]}}`)); err != nil {
						t.Fatal(err)
					}
				})
			},
			files: []string{"entity_risk_policy_rules.yaml", "network_zones.yaml", "options.yaml",
				"post_auth_session_policy_rule.yaml", "security_events_providers.yaml", "session_violation_policy_rule.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOrg(t, oktaemu.Options{ExemptZone: true})
			if tt.setup != nil {
				tt.setup(t, o)
			}
			dir := t.TempDir()
			written, err := Export(ctxT(t), o.c, dir)
			if err != nil {
				t.Fatalf("Export: %v", err)
			}
			var names []string
			for _, p := range written {
				names = append(names, filepath.Base(p))
			}
			if diff := cmp.Diff(tt.files, names); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			_, diags, err := spec.Load(dir)
			if err != nil || diags.HasErrors() {
				var b strings.Builder
				_ = diags.WriteText(&b, nil)
				t.Fatalf("exported definitions do not validate: %v\n%s", err, b.String())
			}
			d := mustLoad(t, dir, "")
			for _, mode := range []string{plan.ModePlan, plan.ModeDrift} {
				if p := mustPlan(t, o.c, d, mode); p.HasChanges() || len(p.Unmanaged) > 0 {
					t.Errorf("%s of the export: changes %v, unmanaged %v", mode, describe(p.Changes), p.Unmanaged)
				}
			}
		})
	}
}

// TestExportSystemZones checks that a system zone is exported only when it differs from
// its default.
func TestExportSystemZones(t *testing.T) {
	o := newTestOrg(t, oktaemu.Options{ExemptZone: true})
	con := o.console(t)
	z := con.find("/api/v1/zones", "BlockedIpZone")
	z["gateways"] = []apiObject{{"type": "RANGE", "value": "192.0.2.1-192.0.2.1"}}
	delete(z, "_links")
	con.do("PUT", "/api/v1/zones/"+z["id"].(string), z, nil)
	dir := t.TempDir()
	if _, err := Export(ctxT(t), o.c, dir); err != nil {
		t.Fatalf("Export: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "network_zones.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	if !strings.Contains(got, "BlockedIpZone") || !strings.Contains(got, "192.0.2.1") {
		t.Errorf("network_zones.yaml lacks the edited BlockedIpZone:\n%s", got)
	}
	for _, def := range []string{"LegacyIpZone", "DefaultEnhancedDynamicZone", "DefaultExemptIpZone"} {
		if strings.Contains(got, def) {
			t.Errorf("network_zones.yaml has %s, which is at its default:\n%s", def, got)
		}
	}
}

// TestExportRefusesOverwrite checks that existing files are kept unless forced, and that
// nothing is written when one file is in the way.
func TestExportRefusesOverwrite(t *testing.T) {
	o := newTestOrg(t, oktaemu.Options{})
	dir := t.TempDir()
	mine := filepath.Join(dir, "options.yaml")
	if err := os.WriteFile(mine, []byte("options: {unmanaged: ignore}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Export(ctxT(t), o.c, dir)
	if err == nil || !strings.Contains(err.Error(), "options.yaml") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("Export over an existing file: err = %v, want a refusal naming it and --force", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files after a refused export, want only the existing one", len(entries))
	}
	if _, err := Export(ctxT(t), o.c, dir, ExportOptions{Force: true}); err != nil {
		t.Fatalf("Export --force: %v", err)
	}
	if data, _ := os.ReadFile(mine); !strings.Contains(string(data), "unmanaged: report") {
		t.Errorf("options.yaml not replaced with --force:\n%s", data)
	}
}
