package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestApplyFailureReportedAndRerunConverges fails one write halfway through the seed
// apply: the report says what applied, what failed (with Okta's error) and what was
// skipped (and why); apply exits 1; a second apply converges.
func TestApplyFailureReportedAndRerunConverges(t *testing.T) {
	o := newEmuOrg(t)
	o.fail = &failRule{method: "POST", path: "/api/v1/zones", body: "Corporate VPN"}
	out, errb := o.must(ExitError, "apply", seedPolicies, "--environment", "demo", "--auto-approve")
	all := out + errb
	wantAll(t, "apply report", all,
		"network_zones.corporate_vpn", "E0000001", "Invalid gateway (injected)",
		"session_violation_policy_rule", "depends on network_zones.corporate_vpn, which failed",
		"network_zones.tor_blocklist", "user_risks.compromised_user",
	)
	// The report's JSON form says it object by object.
	o.fail = &failRule{method: "POST", path: "/api/v1/zones", body: "Corporate VPN"}
	js, _ := o.must(ExitError, "apply", seedPolicies, "--environment", "demo", "--auto-approve", "--format", "json")
	var res struct {
		Outcomes []struct {
			Address, Status, Error, Reason string
		} `json:"outcomes"`
		NotConverged []struct{ Address string } `json:"not_converged"`
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatalf("apply --format json: %v\n%s", err, js)
	}
	status := map[string]string{}
	for _, oc := range res.Outcomes {
		status[oc.Address] = oc.Status
	}
	if status["network_zones.corporate_vpn"] != "failed" || status["session_violation_policy_rule"] != "skipped" || len(status) != 2 {
		t.Errorf("second apply outcomes = %v, want the zone failed and the rule skipped only", status)
	}
	if len(res.NotConverged) != 2 {
		t.Errorf("not converged = %+v, want 2", res.NotConverged)
	}
	out, _ = o.must(ExitOK, "apply", seedPolicies, "--environment", "demo", "--auto-approve")
	wantAll(t, "third apply", out, "network_zones.corporate_vpn", "session_violation_policy_rule")
	o.must(ExitOK, "plan", seedPolicies, "--environment", "demo", "--detailed-exitcode")
}

// TestApplySavedPlan saves a plan, changes the org behind its back and checks that apply
// FILE refuses it, naming the object and writing nothing; on an unchanged org apply FILE
// applies exactly the saved plan.
func TestApplySavedPlan(t *testing.T) {
	o := newEmuOrg(t)
	file := filepath.Join(t.TempDir(), "plan.json")
	o.must(ExitOK, "plan", seedPolicies, "--environment", "demo", "--out", file)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	wantAll(t, "plan file", string(data), `"org_url": "`+o.url+`"`, `"environment": "demo"`, `"definitions": "`+seedPolicies+`"`)

	// A console admin deactivates the post-auth rule the plan updates.
	var list []map[string]any
	o.consoleDo("GET", "/api/v1/policies?type=POST_AUTH_SESSION", nil, &list)
	pid := list[0]["id"].(string)
	rule := o.consoleFind("/api/v1/policies/"+pid+"/rules", "Post Session Protection Rule")
	o.consoleDo("POST", "/api/v1/policies/"+pid+"/rules/"+rule["id"].(string)+"/lifecycle/deactivate", nil, nil)
	o.emu.ResetRequests()
	_, errb := o.must(ExitError, "apply", file, "--auto-approve")
	wantAll(t, "stale apply", errb, "the org changed since the plan was made: post_auth_session_policy_rule", "run plan again")
	if n := o.writes(); n != 0 {
		t.Errorf("%d writes after a refused plan: %v", n, o.emu.Requests().ByRoute)
	}

	// Put the rule back: the saved plan is valid again and is applied exactly.
	o.consoleDo("POST", "/api/v1/policies/"+pid+"/rules/"+rule["id"].(string)+"/lifecycle/activate", nil, nil)
	out, _ := o.must(ExitOK, "apply", file, "--auto-approve", "--format", "json")
	var res struct {
		Outcomes []struct{ Address, Status string } `json:"outcomes"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	var plan struct {
		Changes []struct{ Address string } `json:"changes"`
	}
	if err := json.Unmarshal(data, &plan); err != nil {
		t.Fatal(err)
	}
	if len(res.Outcomes) != len(plan.Changes) {
		t.Fatalf("applied %d changes, the plan has %d", len(res.Outcomes), len(plan.Changes))
	}
	for i, oc := range res.Outcomes {
		if oc.Address != plan.Changes[i].Address || oc.Status != "applied" {
			t.Errorf("outcome %d = %+v, want %s applied", i, oc, plan.Changes[i].Address)
		}
	}
	o.must(ExitOK, "plan", seedPolicies, "--environment", "demo", "--detailed-exitcode")

	// A plan file is refused against another org.
	code, _, errb := o.run(map[string]string{"OKTA_ORG_URL": "https://other.okta.com"}, "apply", file, "--auto-approve")
	if code != ExitError || !strings.Contains(errb, "https://other.okta.com") {
		t.Errorf("apply FILE against another org: exit %d, stderr %q", code, errb)
	}
}

// TestApplyNeedsApprovalOffTerminal checks that apply without --auto-approve refuses to
// run when stdin is not a terminal, before any API call.
func TestApplyNeedsApprovalOffTerminal(t *testing.T) {
	o := newEmuOrg(t)
	_, errb := o.must(ExitError, "apply", seedPolicies, "--environment", "demo")
	wantAll(t, "stderr", errb, "apply needs --auto-approve when not run at a terminal")
	if n := o.emu.Requests().Total; n != 0 {
		t.Errorf("%d requests, want 0", n)
	}
}
