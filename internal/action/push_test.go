package action

import (
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/notify/githubfake"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

// TestApplyRefusesChangedPlan: the org changes out of band between review and merge, so
// the plan at merge is not the reviewed one; nothing is written and the pull request is
// told which object differs.
func TestApplyRefusesChangedPlan(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1, Merged: true, MergeCommitSHA: mergeSHA})
	h.definitions(map[string]string{"zones.yaml": zonesV2})
	h.prEvent("opened", headV1)
	wantCode(t, h.run(), 0)

	// Someone creates "Corporate VPN" in the console with other gateways: the reviewed
	// create is now an update.
	h.addZone("Corporate VPN", "192.0.2.0/24")
	h.emu.ResetRequests()

	h.pushEvent(mergeSHA)
	r := h.run()
	wantCode(t, r, 1)
	wantOutputs(t, r, map[string]string{"result": ResultPlanChanged, "has_changes": "true", "to_add": "1", "to_change": "1"})
	if w := h.oktaWrites(); len(w) != 0 {
		t.Errorf("a refused apply wrote to Okta: %v", w)
	}
	c := h.onlyComment()
	for _, want := range []string{"apply refused", "`network_zones.corporate_vpn`: reviewed as create; now update", `"status":"plan-changed"`} {
		if !strings.Contains(c.Body, want) {
			t.Errorf("comment lacks %q:\n%s", want, c.Body)
		}
	}
	if strings.Contains(c.Body, "network_zones.branch_office`:") {
		t.Errorf("comment lists the unchanged branch_office zone as different:\n%s", c.Body)
	}
	if errs := annotations(r.stdout, "error"); len(errs) == 0 || !strings.Contains(errs[0], "apply refused") {
		t.Errorf("no error annotation for the refusal: %q", errs)
	}

	// allow_plan_change applies the fresh plan.
	h.vars["INPUT_ALLOW_PLAN_CHANGE"] = "true"
	r = h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultApplied})
	if w := h.oktaWrites(); w["POST /api/v1/zones"] != 1 || w["PUT /api/v1/zones/{id}"] != 1 {
		t.Errorf("Okta writes = %v, want one create and one update", w)
	}
}

// TestApplyUnreviewed: a push whose commit has no pull request, or whose pull request has
// no plan comment, is refused unless allow_plan_change; with nothing to apply it succeeds.
func TestApplyUnreviewed(t *testing.T) {
	tests := []struct {
		name      string
		pull      bool
		defs      string
		allow     string
		code      int
		result    string
		logWant   string
		oktaWrite bool
	}{
		{name: "direct push refused", defs: zonesV1, code: 1, result: ResultPlanChanged, logWant: "has no merged pull request"},
		{name: "pull request without plan refused", pull: true, defs: zonesV1, code: 1, result: ResultPlanChanged, logWant: "has no itpsync plan"},
		{name: "direct push allowed", defs: zonesV1, allow: "true", code: 0, result: ResultApplied, oktaWrite: true},
		{name: "direct push without changes", defs: "options:\n  unmanaged: report\n", code: 0, result: ResultNoChanges},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			if tt.pull {
				h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1, Merged: true, MergeCommitSHA: mergeSHA})
			}
			h.definitions(map[string]string{"defs.yaml": tt.defs})
			h.vars["INPUT_ALLOW_PLAN_CHANGE"] = tt.allow
			h.pushEvent(mergeSHA)
			r := h.run()
			wantCode(t, r, tt.code)
			wantOutputs(t, r, map[string]string{"result": tt.result})
			if !strings.Contains(r.stdout, tt.logWant) {
				t.Errorf("log lacks %q:\n%s", tt.logWant, r.stdout)
			}
			if got := len(h.oktaWrites()) > 0; got != tt.oktaWrite {
				t.Errorf("wrote to Okta = %v, want %v (%v)", got, tt.oktaWrite, h.oktaWrites())
			}
		})
	}
}

// TestPushToOtherBranchValidates: auto on a push to a branch other than the default one
// only validates.
func TestPushToOtherBranchValidates(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	h.event(EventPush, "push.json", func(m map[string]any) { m["ref"] = "refs/heads/feature" })
	r := h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultValid})
	if n := h.emu.Requests().Total; n != 0 {
		t.Errorf("validate made %d Okta requests", n)
	}
	if calls := h.gh.Calls(); len(calls) != 0 {
		t.Errorf("validate called GitHub: %q", calls)
	}
}

// TestApplyFailure: one change fails; the others are applied, the comment and the summary
// give each object's outcome, and the job fails.
func TestApplyFailure(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1, Merged: true, MergeCommitSHA: mergeSHA})
	h.definitions(map[string]string{"zones.yaml": zonesV2})
	h.prEvent("opened", headV1)
	wantCode(t, h.run(), 0)

	h.rejectZone = "Branch Office"
	h.pushEvent(mergeSHA)
	r := h.run()
	wantCode(t, r, 1)
	wantOutputs(t, r, map[string]string{"result": ResultApplyFailed})
	c := h.onlyComment()
	for _, want := range []string{"failed", "network_zones.branch_office", "Api validation failed", "applied", "network_zones.corporate_vpn", "re-run the apply job"} {
		if !strings.Contains(c.Body, want) || !strings.Contains(r.summary, want) {
			t.Errorf("comment or summary lacks %q:\ncomment:\n%s\nsummary:\n%s", want, c.Body, r.summary)
		}
	}
	if !strings.Contains(c.Body, `"status":"apply-failed"`) {
		t.Errorf("comment meta lacks the status:\n%s", c.Body)
	}
	if w := h.oktaWrites(); w["POST /api/v1/zones"] != 1 {
		t.Errorf("Okta writes = %v, want the one zone that was not rejected", w)
	}

	// The cause is fixed and the job re-run: what is left of the reviewed plan is applied.
	h.rejectZone = ""
	h.emu.ResetRequests()
	r = h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultApplied, "to_add": "1"})
	if w := h.oktaWrites(); w["POST /api/v1/zones"] != 1 || len(w) != 1 {
		t.Errorf("Okta writes of the retry = %v, want the one zone left", w)
	}
	if c := h.onlyComment(); !strings.Contains(c.Body, `"status":"applied"`) {
		t.Errorf("comment after the retry:\n%s", c.Body)
	}

	// A retry whose plan holds a change nobody reviewed is refused as usual.
	h2 := newHarness(t, harnessOpts{})
	h2.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1, Merged: true, MergeCommitSHA: mergeSHA})
	h2.definitions(map[string]string{"zones.yaml": zonesV2})
	h2.prEvent("opened", headV1)
	wantCode(t, h2.run(), 0)
	h2.rejectZone = "Branch Office"
	h2.pushEvent(mergeSHA)
	wantCode(t, h2.run(), 1)
	h2.rejectZone = ""
	h2.addZone("Branch Office", "192.0.2.0/24") // the failed zone was made in the console, with other gateways
	h2.emu.ResetRequests()
	r = h2.run()
	wantCode(t, r, 1)
	wantOutputs(t, r, map[string]string{"result": ResultPlanChanged})
	if w := h2.oktaWrites(); len(w) != 0 {
		t.Errorf("a retry with unreviewed changes wrote to Okta: %v", w)
	}
}

// TestApplyRerunAfterRevert: a successful apply's job is re-run after the org was changed
// back: the comment records that the commit was applied, so nothing is applied twice, the
// job fails with result already-applied and the comment keeps the apply's record.
func TestApplyRerunAfterRevert(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1})
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	h.prEvent("opened", headV1)
	wantCode(t, h.run(), 0)
	h.gh.MergePull(7, mergeSHA)
	h.pushEvent(mergeSHA)
	wantOutputs(t, h.run(), map[string]string{"result": ResultApplied})
	applied := h.onlyComment()

	// An administrator deletes the zone the apply created.
	var id string
	h.emu.Seed(func(o *oktaemu.Org) { id = o.ZoneID("Corporate VPN") })
	if id == "" {
		t.Fatal("the apply did not create the zone")
	}
	h.oktaAPI("POST", "/api/v1/zones/"+id+"/lifecycle/deactivate", "")
	h.oktaAPI("DELETE", "/api/v1/zones/"+id, "")
	h.emu.ResetRequests()
	writes := h.gh.Writes()

	r := h.run()
	wantCode(t, r, 1)
	wantOutputs(t, r, map[string]string{"result": ResultAlreadyApplied, "to_add": "1"})
	if w := h.oktaWrites(); len(w) != 0 {
		t.Errorf("a re-run applied the same commit again: %v", w)
	}
	if n := h.gh.Writes() - writes; n != 0 {
		t.Errorf("%d GitHub writes, want 0 (the comment keeps the apply's record)", n)
	}
	if c := h.onlyComment(); c.Body != applied.Body {
		t.Errorf("the comment changed:\n%s", c.Body)
	}
	if errs := annotations(r.stdout, "error"); len(errs) != 1 || !strings.Contains(errs[0], "already applied") {
		t.Errorf("errors = %q", errs)
	}
	if !strings.Contains(r.summary, "Current plan (not applied)") || !strings.Contains(r.summary, "network_zones.corporate_vpn") {
		t.Errorf("summary lacks the pending plan:\n%s", r.summary)
	}
}
