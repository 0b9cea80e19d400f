package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/tenant"
)

func outcomeOf(t *testing.T, r *plan.Result, addr string) plan.Outcome {
	t.Helper()
	for _, o := range r.Outcomes {
		if o.Address == addr {
			return o
		}
	}
	t.Fatalf("no outcome for %s in %v", addr, outcomes(r))
	return plan.Outcome{}
}

// TestApplyFailureHalfway fails one write in the middle of the seed apply: the failure is
// reported with Okta's error, what depends on it is skipped with the reason, everything
// else is applied, and a second apply converges.
func TestApplyFailureHalfway(t *testing.T) {
	o := newTestOrg(t, oktaemu.Options{})
	d := mustLoad(t, seedDir, "demo")
	f := &failingOrg{Org: o.c, fail: map[string]bool{"CreateZone:Corporate VPN": true}}
	res, err := Apply(ctxT(t), f, d, nil, ApplyOptions{Logf: t.Logf})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if !res.Failed() {
		t.Fatal("Failed() = false after a failed change")
	}
	got := map[string]plan.Status{}
	for _, oc := range res.Outcomes {
		got[oc.Address] = oc.Status
	}
	want := map[string]plan.Status{
		"network_zones.corporate_vpn":                   plan.Failed,
		"network_zones.tor_blocklist":                   plan.Applied,
		"security_events_providers.crowdstrike":         plan.Applied,
		"entity_risk_policy_rules.high_risk_response":   plan.Applied,
		"entity_risk_policy_rules.medium_risk_response": plan.Applied,
		"post_auth_session_policy_rule":                 plan.Applied,
		"session_violation_policy_rule":                 plan.Skipped,
		"user_risks.compromised_user":                   plan.Applied,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("outcomes (-want +got):\n%s", diff)
	}
	if e := outcomeOf(t, res, "network_zones.corporate_vpn").Error; !strings.Contains(e, "E0000009") {
		t.Errorf("failed outcome error = %q, want Okta's error", e)
	}
	if r := outcomeOf(t, res, "session_violation_policy_rule").Reason; !strings.Contains(r, "network_zones.corporate_vpn") || !strings.Contains(r, "failed") {
		t.Errorf("skip reason = %q, want it to name the failed zone", r)
	}
	if diff := cmp.Diff([]string{"create network_zones.corporate_vpn", "update session_violation_policy_rule"}, describe(res.NotConverged)); diff != "" {
		t.Errorf("not converged (-want +got):\n%s", diff)
	}
	if res.Calls == 0 {
		t.Error("Calls = 0")
	}
	// The second run, without the fault, finishes the job.
	res2 := applyClean(t, o.c, d)
	if diff := cmp.Diff([]string{"applied network_zones.corporate_vpn", "applied session_violation_policy_rule"}, outcomes(res2)); diff != "" {
		t.Errorf("second apply (-want +got):\n%s", diff)
	}
	if p := mustPlan(t, o.c, d, plan.ModePlan); len(p.Changes) != 0 {
		t.Errorf("plan after re-run: %v", describe(p.Changes))
	}
}

// recordingOrg is a fake org for the execution order tests: it fails the writes named in
// fail and can cancel a context on a given write.
type recordingOrg struct {
	Org
	fail     map[string]bool
	cancelOn string
	cancel   context.CancelFunc
	writes   []string
}

func (r *recordingOrg) write(name string) error {
	r.writes = append(r.writes, name)
	if name == r.cancelOn && r.cancel != nil {
		r.cancel()
	}
	if r.fail[name] {
		return errors.New("POST /api/v1/zones: 400 E0000001 Api validation failed (injected)")
	}
	return nil
}

func (r *recordingOrg) CreateZone(_ context.Context, z itp.Zone) (itp.Zone, error) {
	return z, r.write(z.Name)
}

func (r *recordingOrg) Stats() tenant.Stats { return tenant.Stats{Calls: len(r.writes)} }

func zoneChange(name string, deps ...string) plan.Change {
	return plan.Change{Address: "network_zones." + name, Kind: itp.KindZone, Name: name, Action: plan.Create,
		After: &itp.Zone{Key: name, Name: name, Type: itp.ZoneIP}, DependsOn: deps}
}

// TestRunSkipsDependants checks transitive skipping, independent changes carrying on, and
// cancellation.
func TestRunSkipsDependants(t *testing.T) {
	changes := []plan.Change{
		zoneChange("a"),
		zoneChange("b", "network_zones.a"),
		zoneChange("c", "network_zones.b"),
		zoneChange("d"),
		zoneChange("e", "network_zones.d"),
	}
	tests := []struct {
		name     string
		fail     map[string]bool
		cancelOn string
		want     []plan.Outcome
		writes   []string
	}{
		{
			name: "failure skips dependants transitively",
			fail: map[string]bool{"a": true},
			want: []plan.Outcome{
				{Address: "network_zones.a", Action: plan.Create, Status: plan.Failed, Error: "POST /api/v1/zones: 400 E0000001 Api validation failed (injected)"},
				{Address: "network_zones.b", Action: plan.Create, Status: plan.Skipped, Reason: "depends on network_zones.a, which failed"},
				{Address: "network_zones.c", Action: plan.Create, Status: plan.Skipped, Reason: "depends on network_zones.b, which was skipped (depends on network_zones.a, which failed)"},
				{Address: "network_zones.d", Action: plan.Create, Status: plan.Applied},
				{Address: "network_zones.e", Action: plan.Create, Status: plan.Applied},
			},
			writes: []string{"a", "d", "e"},
		},
		{
			name:     "cancellation skips the rest",
			cancelOn: "b",
			want: []plan.Outcome{
				{Address: "network_zones.a", Action: plan.Create, Status: plan.Applied},
				{Address: "network_zones.b", Action: plan.Create, Status: plan.Applied},
				{Address: "network_zones.c", Action: plan.Create, Status: plan.Skipped, Reason: "cancelled"},
				{Address: "network_zones.d", Action: plan.Create, Status: plan.Skipped, Reason: "cancelled"},
				{Address: "network_zones.e", Action: plan.Create, Status: plan.Skipped, Reason: "cancelled"},
			},
			writes: []string{"a", "b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			org := &recordingOrg{fail: tt.fail, cancelOn: tt.cancelOn, cancel: cancel}
			res := &plan.Result{}
			run(ctx, org, changes, res, ApplyOptions{})
			if diff := cmp.Diff(tt.want, res.Outcomes); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.writes, org.writes); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
		})
	}
}
