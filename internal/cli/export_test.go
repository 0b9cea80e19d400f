package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportRoundTrip exports an org the definitions were applied to, validates the
// export and plans it against the same org: no changes.
func TestExportRoundTrip(t *testing.T) {
	o := newEmuOrg(t)
	o.must(ExitOK, "apply", normalise, "--auto-approve")
	dir := filepath.Join(t.TempDir(), "exported")
	out, _ := o.must(ExitOK, "export", "--out", dir)
	wantAll(t, "export", out, "network_zones.yaml", "entity_risk_policy_rules.yaml", "post_auth_session_policy_rule.yaml",
		"session_violation_policy_rule.yaml", "security_events_providers.yaml", "options.yaml")
	o.must(ExitOK, "validate", dir)
	o.must(ExitOK, "plan", dir, "--detailed-exitcode")
	o.must(ExitOK, "drift", dir)

	// A second export into the same directory is refused, and allowed with --force.
	_, errb := o.must(ExitError, "export", "--out", dir)
	wantAll(t, "second export", errb, "refusing to overwrite", "--force")
	o.must(ExitOK, "export", "--out", dir, "--force")
	if _, err := os.Stat(filepath.Join(dir, "user_risks.yaml")); err == nil {
		t.Error("export wrote user risks")
	}
}

// TestOrgConfiguration covers the org flags: no org, an insecure URL, OAuth without a
// key, an environment pinned to another org; and that no secret is ever printed.
func TestOrgConfiguration(t *testing.T) {
	o := newEmuOrg(t)
	const key = "-----BEGIN PRIVATE KEY-----\nnot-a-real-key-SECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n"
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{
			name: "no org", env: map[string]string{"OKTA_ORG_URL": "", "OKTA_API_TOKEN": ""},
			args: []string{"plan", seedPolicies, "--environment", "demo"},
			want: []string{"no Okta org configured: set --org-url or OKTA_ORG_URL", "itpsync demo"},
		},
		{
			name: "url without credentials", env: map[string]string{"OKTA_API_TOKEN": ""},
			args: []string{"drift", seedPolicies, "--environment", "demo"},
			want: []string{"no Okta org configured"},
		},
		{
			name: "no org for export", env: map[string]string{"OKTA_ORG_URL": ""},
			args: []string{"export", "--out", t.TempDir()},
			want: []string{"no Okta org configured"},
		},
		{
			name: "no org for user-risk", env: map[string]string{"OKTA_ORG_URL": ""},
			args: []string{"user-risk", "--user", "jane.doe@example.com", "--level", "HIGH", "--reason", "x"},
			want: []string{"no Okta org configured"},
		},
		{
			name: "http to a remote org", env: map[string]string{"OKTA_ORG_URL": "http://acme.okta.com"},
			args: []string{"plan", seedPolicies, "--environment", "demo"},
			want: []string{"insecure Okta org URL", "https://acme.okta.com"},
		},
		{
			name: "bad private key", env: map[string]string{"OKTA_API_TOKEN": "", "OKTA_CLIENT_ID": "0oaCLIENT", "OKTA_PRIVATE_KEY": key},
			args: []string{"plan", seedPolicies, "--environment", "demo"},
			want: []string{"private key"},
		},
		{
			name: "token flag and another org than the environment's",
			env:  map[string]string{"OKTA_API_TOKEN": ""},
			args: []string{"plan", seedPolicies, "--environment", "production", "--api-token", orgTestToken},
			want: []string{"refusing to run", "https://acme.okta.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := o.emu.Requests().Total
			code, out, errb := o.run(tt.env, tt.args...)
			if code != ExitError {
				t.Errorf("exit %d, want %d\n%s%s", code, ExitError, out, errb)
			}
			wantAll(t, "stderr", errb, tt.want...)
			if strings.Contains(out+errb, "SECRETKEYMATERIAL") {
				t.Errorf("the private key appears in the output:\n%s%s", out, errb)
			}
			if n := o.emu.Requests().Total - before; n != 0 {
				t.Errorf("%d API requests, want none", n)
			}
		})
	}
}

// TestUserRiskCommand raises, dry-runs and lowers a user's risk and prints before/after.
func TestUserRiskCommand(t *testing.T) {
	o := newEmuOrg(t)
	out, _ := o.must(ExitOK, "user-risk", "--user", "jane.doe@example.com", "--level", "HIGH", "--reason", "phished, INC-7")
	wantAll(t, "raise", out, "NONE -> HIGH", "phished, INC-7")
	out, _ = o.must(ExitOK, "user-risk", "--user", "jane.doe@example.com", "--level", "LOW", "--reason", "cleared", "--dry-run")
	wantAll(t, "dry run", out, "Dry run", "HIGH -> LOW")
	out, _ = o.must(ExitOK, "user-risk", "--user", "jane.doe@example.com", "--level", "HIGH", "--reason", "again")
	wantAll(t, "no-op", out, "already has risk HIGH")
	if puts := o.emu.Requests().ByRoute["PUT /api/v1/users/{id}/risk"]; puts != 1 {
		t.Errorf("%d PUTs, want 1", puts)
	}
	_, errb := o.must(ExitUsage, "user-risk", "--user", "jane.doe@example.com", "--level", "LOW")
	wantAll(t, "no reason", errb, "--reason")
	_, errb = o.must(ExitError, "user-risk", "--user", "jane.doe@example.com", "--level", "MEDIUM", "--reason", "x")
	wantAll(t, "bad level", errb, "HIGH or LOW")
}
