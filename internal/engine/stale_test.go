package engine

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/plan"
)

// writes counts the requests that are not reads.
func writes(emu *oktaemu.Server) int {
	n := 0
	for route, c := range emu.Requests().ByRoute {
		if !strings.HasPrefix(route, "GET ") {
			n += c
		}
	}
	return n
}

// roundTrip encodes and decodes a plan, as plan --out and apply FILE do.
func roundTrip(t *testing.T, p *plan.Plan) *plan.Plan {
	t.Helper()
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var out plan.Plan
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// TestApplyReviewedPlan applies a reviewed plan on an unchanged org (exactly its changes),
// and refuses it, writing nothing, after each kind of out-of-band change.
func TestApplyReviewedPlan(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, o *testOrg)
		stale  []string
	}{
		{name: "unchanged org"},
		{
			name: "planned update's object changed",
			change: func(t *testing.T, o *testOrg) {
				con := o.console(t)
				pa := con.policyID(itp.PolicyPostAuthSession)
				r := con.find("/api/v1/policies/"+pa+"/rules", "Post Session Protection Rule")
				con.do("POST", "/api/v1/policies/"+pa+"/rules/"+r["id"].(string)+"/lifecycle/deactivate", nil, nil)
			},
			stale: []string{"post_auth_session_policy_rule"},
		},
		{
			name: "planned create now exists",
			change: func(t *testing.T, o *testOrg) {
				o.emu.Seed(func(org *oktaemu.Org) {
					if _, err := org.AddZone(json.RawMessage(`{"type":"DYNAMIC","name":"TOR Blocklist","usage":"POLICY","proxyType":"TorAnonymizer"}`)); err != nil {
						t.Fatal(err)
					}
				})
			},
			stale: []string{"network_zones.tor_blocklist"},
		},
		{
			name: "user risk raised elsewhere",
			change: func(t *testing.T, o *testOrg) {
				o.emu.Seed(func(org *oktaemu.Org) {
					if err := org.SetUserRisk("jane.doe@example.com", "HIGH"); err != nil {
						t.Fatal(err)
					}
				})
			},
			stale: []string{"user_risks.compromised_user"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOrg(t, oktaemu.Options{})
			d := mustLoad(t, seedDir, "demo")
			reviewed := roundTrip(t, mustPlan(t, o.c, d, plan.ModePlan))
			if tt.change != nil {
				tt.change(t, o)
			}
			o.emu.ResetRequests()
			res, err := Apply(ctxT(t), o.c, d, reviewed, ApplyOptions{Logf: t.Logf})
			if tt.stale == nil {
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				if diff := cmp.Diff(describe(reviewed.Changes), describe(res.Plan.Changes)); diff != "" {
					t.Errorf("applied plan differs from the reviewed one (-want +got):\n%s", diff)
				}
				if res.Failed() {
					t.Errorf("apply failed: %v", outcomes(res))
				}
				return
			}
			var se *StaleError
			if !errors.As(err, &se) {
				t.Fatalf("Apply error = %v (result %v), want a *StaleError", err, res)
			}
			if diff := cmp.Diff(tt.stale, se.Addresses); diff != "" {
				t.Errorf("stale addresses (-want +got):\n%s", diff)
			}
			if !strings.Contains(err.Error(), tt.stale[0]) || !strings.Contains(err.Error(), "run plan again") {
				t.Errorf("error %q does not name the object or say what to do", err)
			}
			if n := writes(o.emu); n != 0 {
				t.Errorf("%d write requests after a stale plan, want 0: %v", n, o.emu.Requests().ByRoute)
			}

			// AllowPlanChange applies the fresh plan and says so.
			var log strings.Builder
			res, err = Apply(ctxT(t), o.c, d, reviewed, ApplyOptions{AllowPlanChange: true, Logf: func(f string, a ...any) {
				log.WriteString(f + "\n")
			}})
			if err != nil || res.Failed() {
				t.Fatalf("Apply with AllowPlanChange: %v, %v", err, res)
			}
			if !strings.Contains(log.String(), "fresh plan") {
				t.Errorf("log does not say the fresh plan was applied:\n%s", log.String())
			}
		})
	}
}
