package action

import (
	"net/http"
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/oktaemu"
)

const consoleToken = "00CONSOLEjaneTOKENsecret-1234567890"

// TestDriftIssueNamesTheActor: an administrator changes a managed zone from the console
// (her own token, her own address); the drift issue names her, where she worked from and
// what she did, at the cost of one System Log call.
func TestDriftIssueNamesTheActor(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.emu.AddAdminToken(consoleToken, oktaemu.Admin{DisplayName: "Jane Admin", Login: "jane@acme.com"})
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	id := h.addZone("Corporate VPN", "203.0.113.0/24")
	h.event(EventSchedule, "push.json", nil)
	h.vars["GITHUB_EVENT_PATH"] = ""
	wantOutputs(t, h.run(), map[string]string{"result": ResultInSync})
	if n := h.emu.Requests().ByRoute["GET /api/v1/logs"]; n != 0 {
		t.Errorf("an in-sync org cost %d System Log calls, want 0", n)
	}

	req, err := http.NewRequest("PUT", h.srv.URL+"/api/v1/zones/"+id, strings.NewReader(
		`{"type":"IP","name":"Corporate VPN","status":"ACTIVE","usage":"POLICY","gateways":[{"type":"CIDR","value":"0.0.0.0/0"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+consoleToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "203.0.113.77")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("console PUT: %s", resp.Status)
	}

	r := h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultDrifted})
	issues := h.gh.Issues()
	if len(issues) != 1 {
		t.Fatalf("issues = %+v", issues)
	}
	body := issues[0].Body
	for _, want := range []string{"Last changed by **Jane Admin** (`jane", "from 203.0.113.77 — `zone.update`"} {
		if !strings.Contains(body, want) {
			t.Errorf("issue body lacks %q:\n%s", want, body)
		}
	}
	if n := h.emu.Requests().ByRoute["GET /api/v1/logs"]; n != 1 {
		t.Errorf("the drifted run made %d System Log calls, want 1", n)
	}
	h.assertNoSecretsInGitHub()
	if strings.Contains(body, consoleToken) || strings.Contains(r.stdout, consoleToken) {
		t.Error("the console token leaked")
	}
}

// TestDriftWithoutLogsScope: an OAuth app that was not granted okta.logs.read still gets
// its drift issue, which says once that attribution is unavailable.
func TestDriftWithoutLogsScope(t *testing.T) {
	h := newHarness(t, harnessOpts{oauth: true})
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	h.addZone("Rogue Zone", "198.18.0.0/15")
	h.event(EventSchedule, "push.json", nil)
	h.vars["GITHUB_EVENT_PATH"] = ""
	r := h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultDrifted})
	issues := h.gh.Issues()
	if len(issues) != 1 {
		t.Fatalf("issues = %+v", issues)
	}
	if n := strings.Count(issues[0].Body, "attribution unavailable: grant okta.logs.read"); n != 1 {
		t.Errorf("the issue says attribution is unavailable %d times, want 1:\n%s", n, issues[0].Body)
	}
	h.assertNoSecretsInGitHub()
}
