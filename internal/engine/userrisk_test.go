package engine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

func TestSetUserRisk(t *testing.T) {
	const jane = "jane.doe@example.com"
	tests := []struct {
		name          string
		start         string // jane's level before ("" = never set)
		level, reason string
		dryRun        bool
		want          *RiskChange
		puts          int
		err           string
	}{
		{name: "raise", level: "HIGH", reason: "phished", want: &RiskChange{User: jane, Before: "NONE", After: "HIGH", Reason: "phished", Changed: true}, puts: 1},
		{name: "lower", start: "HIGH", level: "low", reason: "false positive, INC-42", want: &RiskChange{User: jane, Before: "HIGH", After: "LOW", Reason: "false positive, INC-42", Changed: true}, puts: 1},
		{name: "dry run", start: "HIGH", level: "LOW", reason: "checking", dryRun: true, want: &RiskChange{User: jane, Before: "HIGH", After: "LOW", Reason: "checking", DryRun: true}},
		{name: "already there", start: "LOW", level: "LOW", reason: "again", want: &RiskChange{User: jane, Before: "LOW", After: "LOW", Reason: "again"}},
		{name: "no reason", level: "HIGH", reason: " ", err: "a reason is required"},
		{name: "bad level", level: "MEDIUM", reason: "x", err: `invalid level "MEDIUM"`},
		{name: "unknown user", level: "HIGH", reason: "x", err: "nobody@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOrg(t, oktaemu.Options{})
			if tt.start != "" {
				o.emu.Seed(func(org *oktaemu.Org) {
					if err := org.SetUserRisk(jane, tt.start); err != nil {
						t.Fatal(err)
					}
				})
			}
			user := jane
			if tt.name == "unknown user" {
				user = "nobody@example.com"
			}
			got, err := SetUserRisk(ctxT(t), o.c, user, tt.level, tt.reason, tt.dryRun)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("SetUserRisk: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("change (-want +got):\n%s", diff)
			}
			if puts := o.emu.Requests().ByRoute["PUT /api/v1/users/{id}/risk"]; puts != tt.puts {
				t.Errorf("%d PUTs, want %d", puts, tt.puts)
			}
		})
	}
}

// TestLoadInvalid checks that invalid definitions come back as an *InvalidError with the
// diagnostics and their sources, and an unknown environment names the valid ones.
func TestLoadInvalid(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "zones.yaml", "network_zones:\n  x:\n    name: X\n    type: IPV4\n")
	_, err := Load(dir, "")
	inv, ok := err.(*InvalidError)
	if !ok || !inv.Diags.HasErrors() || len(inv.Sources) == 0 {
		t.Fatalf("Load: err = %#v, want an *InvalidError with diagnostics and sources", err)
	}
	if _, err := Load(seedDir, "nope"); err == nil || !strings.Contains(err.Error(), `"staging"`) {
		t.Errorf("unknown environment: err = %v, want the valid environments listed", err)
	}
	d := mustLoad(t, seedDir, "production")
	if err := d.CheckOrg("https://acme-staging.okta.com"); err == nil {
		t.Error("CheckOrg accepted the staging org for production")
	}
	if err := d.CheckOrg("https://ACME.okta.com/"); err != nil {
		t.Errorf("CheckOrg refused production's own org: %v", err)
	}
}
