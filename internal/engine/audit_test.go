package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/plan"
)

// copyDir copies the YAML files of src into a new temporary directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dst, e.Name(), string(data))
	}
	return dst
}

// tickingClock is an emulator clock that moves a minute at each reading, so that every
// write gives a new lastUpdated.
func tickingClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Minute)
		return t
	}
}

// TestStaleFieldOutsideTheChange reviews an update of one field of a zone, then an admin
// changes another field of that zone (or only touches it). An update replaces the whole
// object, so writing the reviewed After would silently revert the admin: apply must refuse,
// name the object and say what changed, and write nothing.
func TestStaleFieldOutsideTheChange(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, o *testOrg)
		reason string
	}{
		{
			name: "another field changed",
			change: func(t *testing.T, o *testOrg) {
				con := o.console(t)
				z := con.find("/api/v1/zones", "Corporate VPN")
				con.do("POST", "/api/v1/zones/"+z["id"].(string)+"/lifecycle/deactivate", nil, nil)
			},
			reason: "network_zones.corporate_vpn (changed in the org since the plan: status)",
		},
		{
			name: "touched, same content",
			change: func(t *testing.T, o *testOrg) {
				con := o.console(t)
				z := con.find("/api/v1/zones", "Corporate VPN")
				con.do("POST", "/api/v1/zones/"+z["id"].(string)+"/lifecycle/activate", nil, nil)
			},
			reason: "network_zones.corporate_vpn (modified in the org at ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOrg(t, oktaemu.Options{Now: tickingClock()})
			applyClean(t, o.c, mustLoad(t, seedDir, "demo"))
			dir := copyDir(t, seedDir)
			zones, err := os.ReadFile(filepath.Join(dir, "network_zones.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, "network_zones.yaml", strings.Replace(string(zones), "gateways: [203.0.113.0/24,", "gateways: [192.0.2.0/24, 203.0.113.0/24,", 1))
			d := mustLoad(t, dir, "demo")
			reviewed := roundTrip(t, mustPlan(t, o.c, d, plan.ModePlan))
			if diff := cmp.Diff([]string{"update network_zones.corporate_vpn"}, describe(reviewed.Changes)); diff != "" {
				t.Fatalf("reviewed plan (-want +got):\n%s", diff)
			}
			if f := reviewed.Changes[0].Fields; len(f) != 1 || f[0].Path != "gateways" {
				t.Fatalf("reviewed fields = %+v, want gateways only", f)
			}
			tt.change(t, o)
			o.emu.ResetRequests()
			_, err = Apply(ctxT(t), o.c, d, reviewed, ApplyOptions{})
			var se *StaleError
			if !errors.As(err, &se) {
				t.Fatalf("Apply error = %v, want a *StaleError", err)
			}
			if diff := cmp.Diff([]string{"network_zones.corporate_vpn"}, se.Addresses); diff != "" {
				t.Errorf("stale addresses (-want +got):\n%s", diff)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q does not contain %q", err, tt.reason)
			}
			if n := writes(o.emu); n != 0 {
				t.Errorf("%d writes after a stale plan: %v", n, o.emu.Requests().ByRoute)
			}
		})
	}
}

// TestApplyRefusesBadPlans hands Apply plans that are not what plan made (a drift report,
// hand edits, a truncated change): each is refused with a clear error before any API call.
func TestApplyRefusesBadPlans(t *testing.T) {
	o := newTestOrg(t, oktaemu.Options{})
	d := mustLoad(t, normaliseDir, "")
	applyClean(t, o.c, d)
	// The org rates jane LOW now; the definitions say HIGH.
	o.emu.Seed(func(org *oktaemu.Org) {
		if err := org.SetUserRisk("jane.doe@example.com", "LOW"); err != nil {
			t.Fatal(err)
		}
	})
	good := mustPlan(t, o.c, d, plan.ModePlan)
	if diff := cmp.Diff([]string{"update user_risks.jane"}, describe(good.Changes)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		plan func() *plan.Plan
		want string
	}{
		{"drift report", func() *plan.Plan {
			// In a drift report the same user shows as org HIGH, definitions LOW once swapped:
			// a lowering. It must never reach the org.
			p := roundTrip(t, mustPlan(t, o.c, d, plan.ModeDrift))
			c := &p.Changes[0]
			c.Before, c.After = c.After, c.Before
			c.After.(*itp.UserRisk).Meta = c.Before.(*itp.UserRisk).Meta
			return p
		}, "not a plan"},
		{"hand-edited lowering", func() *plan.Plan {
			p := roundTrip(t, good)
			p.Changes[0].Before.(*itp.UserRisk).RiskLevel = "HIGH"
			p.Changes[0].After.(*itp.UserRisk).RiskLevel = "LOW"
			return p
		}, `lowers the risk of user "jane.doe@example.com" from HIGH to LOW`},
		{"after missing", func() *plan.Plan {
			p := roundTrip(t, good)
			p.Changes[0].After = nil
			return p
		}, "user_risks.jane): a update without the object to write"},
		{"unknown kind", func() *plan.Plan {
			p := roundTrip(t, good)
			p.Changes[0].Kind = "user_risk"
			return p
		}, `unknown kind "user_risk"`},
		{"wrong format version", func() *plan.Plan {
			p := roundTrip(t, good)
			p.FormatVersion = 2
			return p
		}, "format_version is 2, want 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.plan()
			o.emu.ResetRequests()
			res, err := Apply(ctxT(t), o.c, d, p, ApplyOptions{AllowPlanChange: true})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Apply = %v, %v; want an error containing %q", res, err, tt.want)
			}
			if n := o.emu.Requests().Total; n != 0 {
				t.Errorf("%d API calls for a refused plan, want 0: %v", n, o.emu.Requests().ByRoute)
			}
		})
	}
}

// riskRaisingOrg is an org whose risk engine rates a user HIGH just before apply writes.
type riskRaisingOrg struct {
	Org
	o    *testOrg
	t    *testing.T
	sets int
}

func (r *riskRaisingOrg) GetUserRisk(ctx context.Context, user string) (itp.UserRisk, error) {
	r.o.emu.Seed(func(org *oktaemu.Org) {
		if err := org.SetUserRisk(user, "HIGH"); err != nil {
			r.t.Fatal(err)
		}
	})
	return r.Org.GetUserRisk(ctx, user)
}

func (r *riskRaisingOrg) SetUserRisk(ctx context.Context, user, level string) (itp.UserRisk, itp.UserRisk, error) {
	r.sets++
	return r.Org.SetUserRisk(ctx, user, level)
}

// TestApplyNeverLowersARaceWithTheRiskEngine: the plan raises a user from NONE to LOW, and
// Okta's risk engine rates the user HIGH between the read and the write. The write would
// lower the user: apply reads the level again, refuses, and the user stays HIGH.
func TestApplyNeverLowersARaceWithTheRiskEngine(t *testing.T) {
	o := newTestOrg(t, oktaemu.Options{})
	d := &Definitions{Desired: &itp.Config{UserRisks: []itp.UserRisk{{Key: "jane", User: "jane.doe@example.com", RiskLevel: "LOW"}}}}
	org := &riskRaisingOrg{Org: o.c, o: o, t: t}
	res, err := Apply(ctxT(t), org, d, nil, ApplyOptions{})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	oc := outcomeOf(t, res, "user_risks.jane")
	if oc.Status != plan.Failed || !strings.Contains(oc.Error, `refusing to lower the risk of user "jane.doe@example.com": the org now rates it HIGH (the plan saw NONE)`) {
		t.Errorf("outcome = %+v, want a refusal to lower", oc)
	}
	if org.sets != 0 {
		t.Errorf("%d SetUserRisk calls, want 0", org.sets)
	}
	got, err := o.c.GetUserRisk(ctxT(t), "jane.doe@example.com")
	if err != nil || got.RiskLevel != "HIGH" {
		t.Errorf("user risk after apply = %+v, %v; want HIGH", got, err)
	}
}

// TestApplyNothingToDoReadsOnce: an apply with no change makes exactly the calls of one
// plan (no second read to check a convergence that nothing could have broken).
func TestApplyNothingToDoReadsOnce(t *testing.T) {
	o := newTestOrg(t, oktaemu.Options{})
	d := mustLoad(t, seedDir, "demo")
	applyClean(t, o.c, d)
	before := o.c.Stats().Calls
	mustPlan(t, o.c, d, plan.ModePlan)
	planCalls := o.c.Stats().Calls - before
	res, err := Apply(ctxT(t), o.c, d, nil, ApplyOptions{})
	if err != nil || res.Failed() || len(res.Outcomes) != 0 {
		t.Fatalf("Apply = %+v, %v; want nothing done", res, err)
	}
	if res.Calls != planCalls {
		t.Errorf("apply with nothing to do made %d calls, a plan makes %d", res.Calls, planCalls)
	}
}

// TestRunProgress checks the progress events: one before and one after each change, in
// order, with the outcome after.
func TestRunProgress(t *testing.T) {
	changes := []plan.Change{zoneChange("a"), zoneChange("b", "network_zones.a")}
	var got []string
	org := &recordingOrg{fail: map[string]bool{"a": true}}
	run(context.Background(), org, changes, &plan.Result{}, ApplyOptions{Progress: func(p Progress) {
		s := p.Change.Address
		if p.Outcome != nil {
			s += " " + string(p.Outcome.Status)
		}
		got = append(got, fmt.Sprintf("%d/%d %s", p.Index, p.Total, s))
	}})
	want := []string{"1/2 network_zones.a", "1/2 network_zones.a failed", "2/2 network_zones.b", "2/2 network_zones.b skipped"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}
