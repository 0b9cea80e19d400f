package engine

import (
	"errors"
	"testing"

	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/plan"
)

// The Check hook sees the plan about to be applied and can stop the apply before any write.
func TestApplyCheckHook(t *testing.T) {
	o := newTestOrg(t, oktaemu.Options{})
	d := mustLoad(t, seedDir, "demo")

	want, err := Plan(ctxT(t), o.c, d, plan.ModePlan)
	if err != nil {
		t.Fatal(err)
	}
	refuse := errors.New("fingerprint differs from the reviewed one")
	var seen string
	o.emu.ResetRequests()
	_, err = Apply(ctxT(t), o.c, d, nil, ApplyOptions{Check: func(fresh *plan.Plan) error {
		seen = fresh.Fingerprint
		return refuse
	}})
	if !errors.Is(err, refuse) {
		t.Fatalf("Apply error = %v, want the Check error", err)
	}
	if seen != want.Fingerprint {
		t.Errorf("Check saw fingerprint %s, want the plan's %s", seen, want.Fingerprint)
	}
	if n := writes(o.emu); n != 0 {
		t.Errorf("%d write requests after Check refused, want 0: %v", n, o.emu.Requests().ByRoute)
	}

	res, err := Apply(ctxT(t), o.c, d, nil, ApplyOptions{Check: func(*plan.Plan) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() || len(res.Outcomes) != len(want.Changes) {
		t.Errorf("apply after a passing Check: failed=%v, %d outcomes, want %d", res.Failed(), len(res.Outcomes), len(want.Changes))
	}
}
