package cli

import (
	"testing"
)

// TestPlanApplyConverges plans each set of definitions against a fresh org, applies them
// and plans again: nothing left to do.
func TestPlanApplyConverges(t *testing.T) {
	tests := []struct {
		name    string
		dir     string
		env     []string
		summary string
		objects []string
	}{
		{
			name: "seed policies", dir: seedPolicies, env: []string{"--environment", "demo"},
			summary: "Plan: 5 to add, 3 to change, 0 to delete.",
			objects: []string{"network_zones.corporate_vpn", "network_zones.tor_blocklist", "security_events_providers.crowdstrike",
				"entity_risk_policy_rules.high_risk_response", "entity_risk_policy_rules.medium_risk_response",
				"post_auth_session_policy_rule", "session_violation_policy_rule", "user_risks.compromised_user"},
		},
		{
			name: "every normalisation case", dir: normalise,
			summary: "Plan: 10 to add, 6 to change, 0 to delete.",
			objects: []string{"network_zones.office", "network_zones.blocked", "network_zones.legacy", "network_zones.anonymizers",
				"security_events_providers.by_issuer", "entity_risk_policy_rules.audit", "user_risks.john"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newEmuOrg(t)
			args := func(cmd string, more ...string) []string {
				return append(append([]string{cmd, tt.dir}, tt.env...), more...)
			}
			out, _ := o.must(ExitChanges, args("plan", "--detailed-exitcode")...)
			wantAll(t, "plan", out, append([]string{tt.summary, "Fingerprint: sha256:"}, tt.objects...)...)
			o.must(ExitOK, args("plan")...) // without the flag, changes are success
			out, _ = o.must(ExitOK, args("apply", "--auto-approve")...)
			wantAll(t, "apply", out, tt.objects...)
			out, _ = o.must(ExitOK, args("plan", "--detailed-exitcode")...)
			wantAll(t, "plan after apply", out, "No changes.")
			o.must(ExitOK, args("drift")...)
		})
	}
}

// TestPlanInvalidDefinitions prints the diagnostics like validate and exits 1, before any
// API call.
func TestPlanInvalidDefinitions(t *testing.T) {
	o := newEmuOrg(t)
	dir := t.TempDir()
	writeTestFile(t, dir, "zones.yaml", "network_zones:\n  x:\n    name: X\n    type: IPV4\n")
	_, errb := o.must(ExitError, "plan", dir)
	wantAll(t, "stderr", errb, "zones.yaml:4:11:", "IPV4", "^~~~", "1 error in the definitions")
	if n := o.emu.Requests().Total; n != 0 {
		t.Errorf("%d API requests for invalid definitions, want 0", n)
	}
}
