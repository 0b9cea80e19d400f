package action

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/notify/githubfake"
)

// outsideStopCommands returns the log lines the runner would parse as commands: those not
// between ::stop-commands::TOKEN and ::TOKEN::.
func outsideStopCommands(stdout string) []string {
	var out []string
	token := ""
	for _, l := range strings.Split(stdout, "\n") {
		switch {
		case token != "" && l == "::"+token+"::":
			token = ""
		case token != "":
		case strings.HasPrefix(l, "::stop-commands::"):
			token = strings.TrimPrefix(l, "::stop-commands::")
		default:
			out = append(out, l)
		}
	}
	return out
}

// TestOrgTextCannotRunCommands: an org object whose name holds workflow commands is echoed
// with commands stopped, and its text reaches no output unescaped.
func TestOrgTextCannotRunCommands(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1})
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	h.addZone("::add-mask::leak ::error::pwned", "192.0.2.0/24")
	h.prEvent("opened", headV1)
	r := h.run()
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "::add-mask::leak") {
		t.Fatalf("the org's zone name is not in the log at all:\n%s", r.stdout)
	}
	for _, l := range outsideStopCommands(r.stdout) {
		if strings.Contains(l, "leak") || strings.Contains(l, "pwned") {
			t.Errorf("org text outside stop-commands: %q", l)
		}
	}
}

// TestMissingPermission: a token that cannot comment fails the plan job with an error
// naming the permission to add.
func TestMissingPermission(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1})
	h.gh.SetReadOnly(true)
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	h.prEvent("opened", headV1)
	r := h.run()
	wantCode(t, r, 1)
	errs := annotations(r.stdout, "error")
	if len(errs) != 1 || !strings.Contains(errs[0], `add "pull-requests: write" under "permissions:"`) {
		t.Errorf("errors = %q, want one naming the permission", errs)
	}
	wantOutputs(t, r, map[string]string{"result": ResultPlanned})
}

// TestGitHubEnterpriseServer: GITHUB_API_URL with /api/v3 is used as is.
func TestGitHubEnterpriseServer(t *testing.T) {
	h := newHarness(t, harnessOpts{ghPrefix: "/api/v3"})
	h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1})
	h.vars["GITHUB_API_URL"] = strings.TrimSuffix(h.gh.URL(), "/")
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	h.prEvent("opened", headV1)
	wantCode(t, h.run(), 0)
	h.onlyComment()
}

// TestAnnotationOverflow: errors come first, at most ten per level, and a notice counts the
// rest.
func TestAnnotationOverflow(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var b strings.Builder
	b.WriteString("network_zones:\n")
	for i := range 12 {
		fmt.Fprintf(&b, "  zone_%02d:\n    name: Zone %02d\n    type: IP\n    gatways: [192.0.2.%d]\n", i, i, i)
	}
	h.definitions(map[string]string{"zones.yaml": b.String()})
	h.event(EventPush, "push.json", func(m map[string]any) { m["ref"] = "refs/heads/topic" })
	r := h.run()
	wantCode(t, r, 1)
	wantOutputs(t, r, map[string]string{"result": ResultInvalid})
	errs := annotations(r.stdout, "error")
	if len(errs) != maxAnnotations {
		t.Errorf("%d error annotations, want %d", len(errs), maxAnnotations)
	}
	if !strings.Contains(errs[0], "line=5,") || !strings.Contains(errs[len(errs)-1], fmt.Sprintf("line=%d,", 5+4*(maxAnnotations-1))) {
		t.Errorf("annotations not in file order: first %q last %q", errs[0], errs[len(errs)-1])
	}
	notices := annotations(r.stdout, "notice")
	if len(notices) != 1 || !strings.Contains(notices[0], "2 errors and 0 warnings more") {
		t.Errorf("notices = %q", notices)
	}
	if strings.Count(r.summary, "gatways") != 12 {
		t.Errorf("the summary does not list all 12 problems:\n%s", r.summary)
	}
}

// TestBadEventFails: a broken event file is an error annotation and result error, never a
// panic, and nothing is called.
func TestBadEventFails(t *testing.T) {
	for _, payload := range []string{"", `{"action": "opened"`, `{"action": "opened", "pull_request": {}}`} {
		h := newHarness(t, harnessOpts{})
		h.definitions(map[string]string{"zones.yaml": zonesV1})
		h.prEvent("opened", headV1)
		if payload == "" {
			h.vars["GITHUB_EVENT_PATH"] += ".missing"
		} else {
			writeEvent(t, h.vars["GITHUB_EVENT_PATH"], payload)
		}
		r := h.run()
		wantCode(t, r, 1)
		wantOutputs(t, r, map[string]string{"result": ResultError})
		if errs := annotations(r.stdout, "error"); len(errs) != 1 || !strings.Contains(errs[0], "read the pull_request event") {
			t.Errorf("errors = %q", errs)
		}
		if n := len(h.gh.Calls()) + h.emu.Requests().Total; n != 0 {
			t.Errorf("%d calls after a bad event", n)
		}
	}
}

func writeEvent(t *testing.T, path, payload string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
}
