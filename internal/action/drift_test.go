package action

import (
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/notify"
)

// TestNightlyDrift follows one drift issue: in sync (nothing), drift (opened), the same
// drift again (no write), other drift (updated), the org fixed (closed).
func TestNightlyDrift(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	h.addZone("Corporate VPN", "203.0.113.0/24")
	h.event(EventSchedule, "push.json", nil) // a schedule's payload is not read
	h.vars["GITHUB_EVENT_PATH"] = ""

	r := h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultInSync, "has_changes": "false", "issue_url": ""})
	if n := h.gh.Writes(); n != 0 {
		t.Errorf("an in-sync org made %d GitHub writes", n)
	}

	rogue := h.addZone("Rogue Zone", "198.18.0.0/15")
	r = h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultDrifted, "has_changes": "true"})
	issues := h.gh.Issues()
	if len(issues) != 1 || issues[0].State != "open" || !strings.Contains(issues[0].Body, "Rogue Zone") {
		t.Fatalf("issues after drift = %+v", issues)
	}
	if r.outputs["issue_url"] != issues[0].HTMLURL {
		t.Errorf("issue_url = %q, want %q", r.outputs["issue_url"], issues[0].HTMLURL)
	}

	writes := h.gh.Writes()
	r = h.run()
	wantOutputs(t, r, map[string]string{"result": ResultDrifted})
	if n := h.gh.Writes() - writes; n != 0 {
		t.Errorf("the same drift made %d GitHub writes, want 0", n)
	}
	if n := len(h.gh.Issues()); n != 1 {
		t.Errorf("%d issues, want 1", n)
	}

	// fail_on_drift turns the same report into a failed job.
	h.vars["INPUT_FAIL_ON_DRIFT"] = "true"
	wantCode(t, h.run(), 1)
	h.vars["INPUT_FAIL_ON_DRIFT"] = "false"

	rogue2 := h.addZone("Rogue Zone 2", "198.51.100.0/24")
	h.run()
	issues = h.gh.Issues()
	if len(issues) != 1 || !strings.Contains(issues[0].Body, "Rogue Zone 2") {
		t.Fatalf("issue not updated with the new drift: %+v", issues)
	}
	if cs := h.gh.IssueComments(issues[0].Number); len(cs) != 1 || !strings.Contains(cs[0].Body, "drift changed") ||
		!strings.Contains(cs[0].Body, "2 not in the definitions (`network_zones.rogue_zone`, `network_zones.rogue_zone_2`)") {
		t.Errorf("issue comments after a new drift = %+v", cs)
	}
	// The only hash in the body is the digest in the meta line: no plan fingerprint.
	if b := issues[0].Body; !strings.Contains(b, "To resolve:") || strings.Count(b, "sha256:") != 1 {
		t.Errorf("issue body lacks the way to resolve it, or shows a fingerprint:\n%s", b)
	}

	// An administrator deletes the rogue zones: the issue is closed.
	for _, id := range []string{rogue, rogue2} {
		h.oktaAPI("POST", "/api/v1/zones/"+id+"/lifecycle/deactivate", "")
		h.oktaAPI("DELETE", "/api/v1/zones/"+id, "")
	}
	r = h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultInSync})
	if is := h.gh.Issues()[0]; is.State != "closed" {
		t.Errorf("issue state = %q, want closed", is.State)
	}
	if !strings.Contains(h.gh.Issues()[0].Body, notify.Marker{Kind: notify.KindDrift}.String()) {
		t.Errorf("drift issue lacks its marker")
	}
	if cs := h.gh.IssueComments(issues[0].Number); len(cs) != 2 || !strings.Contains(cs[1].Body, "matches the definitions again") {
		t.Errorf("issue comments after the close = %+v", cs)
	}

	// The drift returns: the same issue is reopened with one comment, not duplicated.
	h.addZone("Rogue Zone 3", "192.0.2.0/24")
	r = h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultDrifted, "issue_url": issues[0].HTMLURL})
	issues = h.gh.Issues()
	if len(issues) != 1 || issues[0].State != "open" || !strings.Contains(issues[0].Body, "Rogue Zone 3") {
		t.Fatalf("issues after the drift returned = %+v", issues)
	}
	if cs := h.gh.IssueComments(issues[0].Number); len(cs) != 3 || !strings.Contains(cs[2].Body, "drift returned") ||
		!strings.Contains(cs[2].Body, "`network_zones.rogue_zone_3`") {
		t.Errorf("issue comments after the drift returned = %+v", cs)
	}
}
