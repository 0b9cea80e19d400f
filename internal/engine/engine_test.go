package engine

import (
	"github.com/itpsync/itpsync/internal/oktaemu"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/plan"
)

const seedDir = "../../policies"

// TestSeedConverges plans the seed definitions against a fresh org, applies them and
// checks that a second plan is empty.
func TestSeedConverges(t *testing.T) {
	o := newTestOrg(t, oktaemu0())
	d := mustLoad(t, seedDir, "demo")
	p := mustPlan(t, o.c, d, plan.ModePlan)
	want := []string{
		"create network_zones.corporate_vpn",
		"create network_zones.tor_blocklist",
		"create security_events_providers.crowdstrike",
		"create entity_risk_policy_rules.high_risk_response",
		"create entity_risk_policy_rules.medium_risk_response",
		"update post_auth_session_policy_rule",
		"update session_violation_policy_rule",
		"update user_risks.compromised_user",
	}
	if diff := cmp.Diff(sorted(want), sorted(describe(p.Changes))); diff != "" {
		t.Fatalf("seed plan (-want +got):\n%s", diff)
	}
	if got := p.Counts; got.Add != 5 || got.Change != 3 || got.Delete != 0 {
		t.Errorf("counts = %+v, want 5 add, 3 change", got)
	}
	res, err := Apply(ctxT(t), o.c, d, p, ApplyOptions{Logf: t.Logf})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if res.Failed() {
		t.Fatalf("apply failed: %v; not converged: %v", outcomes(res), describe(res.NotConverged))
	}
	if len(res.Outcomes) != len(want) || res.Calls == 0 {
		t.Errorf("outcomes %v, calls %d", outcomes(res), res.Calls)
	}
	if again := mustPlan(t, o.c, d, plan.ModePlan); len(again.Changes) != 0 {
		t.Errorf("plan after apply has changes: %v", describe(again.Changes))
	}
}

const normaliseDir = "testdata/normalise"

// applyClean applies d to o and fails the test unless every change applied and the org
// converged.
func applyClean(t *testing.T, org Org, d *Definitions) *plan.Result {
	t.Helper()
	res, err := Apply(ctxT(t), org, d, nil, ApplyOptions{Logf: t.Logf})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if res.Failed() {
		t.Fatalf("apply failed: %v; not converged: %v (%+v)", outcomes(res), describe(res.NotConverged), res.Outcomes)
	}
	return res
}

// TestNormalisationConverges applies definitions that exercise every normalisation case
// and checks that the org then plans clean, in plan and in drift mode.
func TestNormalisationConverges(t *testing.T) {
	o := newTestOrg(t, oktaemu.Options{})
	d := mustLoad(t, normaliseDir, "")
	p := mustPlan(t, o.c, d, plan.ModePlan)
	// 5 new zones, 2 system zone edits; 3 rules; 2 providers; 2 pre-provisioned rules; 2 users.
	if got := p.Counts; got.Add != 10 || got.Change != 6 || got.Delete != 0 {
		t.Errorf("counts = %+v, want 10 add, 6 change; changes %v", got, describe(p.Changes))
	}
	res := applyClean(t, o.c, d)
	if len(res.Outcomes) != 16 {
		t.Errorf("outcomes = %v, want 16", outcomes(res))
	}
	for _, mode := range []string{plan.ModePlan, plan.ModeDrift} {
		if again := mustPlan(t, o.c, d, mode); again.HasChanges() {
			t.Errorf("%s after apply has changes: %v, unmanaged %v", mode, describe(again.Changes), again.Unmanaged)
		}
	}
}
