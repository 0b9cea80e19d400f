package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/plan"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestApplyReportListsEachChangeOnce: off a terminal, apply says once on stderr that it
// started and the report on stdout lists each change once; the list is not printed twice.
func TestApplyReportListsEachChangeOnce(t *testing.T) {
	o := newEmuOrg(t)
	out, errb := o.must(ExitOK, "apply", seedPolicies, "--environment", "demo", "--auto-approve")
	if diff := cmp.Diff("Applying 8 changes...\n", errb); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
	for _, addr := range []string{"network_zones.corporate_vpn", "session_violation_policy_rule", "user_risks.compromised_user"} {
		if n := strings.Count(out+errb, addr); n != 1 {
			t.Errorf("%s appears %d times in the output, want once:\n%s", addr, n, out)
		}
	}
}

// TestProgressOnTerminal checks the live status line: rewritten in place, one per change,
// and erased at the end so that the report is the only list.
func TestProgressOnTerminal(t *testing.T) {
	a := plan.Change{Address: "network_zones.a\x1b[31m", Action: plan.Create}
	b := plan.Change{Address: "post_auth_session_policy_rule", Action: plan.Update}
	applied := plan.Outcome{Status: plan.Applied}
	steps := []engine.Progress{
		{Index: 1, Total: 2, Change: a}, {Index: 1, Total: 2, Change: a, Outcome: &applied},
		{Index: 2, Total: 2, Change: b}, {Index: 2, Total: 2, Change: b, Outcome: &applied},
	}
	tests := []struct {
		tty  bool
		want string
	}{
		{true, "\r\x1b[K[1/2] + create network_zones.a[31m...\r\x1b[K[2/2] ~ update post_auth_session_policy_rule...\r\x1b[K"},
		{false, "Applying 2 changes...\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		p := &progress{w: &buf, tty: tt.tty}
		for _, s := range steps {
			p.step(s)
		}
		p.done()
		if diff := cmp.Diff(tt.want, buf.String()); diff != "" {
			t.Errorf("tty=%v (-want +got):\n%s", tt.tty, diff)
		}
	}
}

// TestApplyReadsTheOrgOnlyAsNeeded counts full reads of the org (one list of zones each):
// --auto-approve reads once before writing and once to check convergence; with nothing to
// do it reads once.
func TestApplyReadsTheOrgOnlyAsNeeded(t *testing.T) {
	o := newEmuOrg(t)
	zoneLists := func() int { return o.emu.Requests().ByRoute["GET /api/v1/zones"] }
	o.must(ExitOK, "apply", seedPolicies, "--environment", "demo", "--auto-approve")
	if n := zoneLists(); n != 2 {
		t.Errorf("apply read the org %d times, want 2 (before writing, convergence)", n)
	}
	o.emu.ResetRequests()
	out, _ := o.must(ExitOK, "apply", seedPolicies, "--environment", "demo", "--auto-approve")
	wantAll(t, "apply with nothing to do", out, "nothing to do")
	if n := zoneLists(); n != 1 {
		t.Errorf("apply with nothing to do read the org %d times, want 1", n)
	}
}

// TestApplyRefusesBadPlanFiles: a plan file that is not valid JSON, from another version,
// a drift report, hand-edited or truncated is refused with a clear error, before any API
// call.
func TestApplyRefusesBadPlanFiles(t *testing.T) {
	o := newEmuOrg(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "plan.json")
	o.must(ExitOK, "plan", seedPolicies, "--environment", "demo", "--out", good)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	change := func(m map[string]any, addr string) map[string]any {
		for _, c := range m["changes"].([]any) {
			if c := c.(map[string]any); c["address"] == addr {
				return c
			}
		}
		t.Fatalf("no change %s in the plan file", addr)
		return nil
	}
	tests := []struct {
		name, content, want string
	}{
		{"not JSON", string(data[:len(data)/2]), "read plan"},
		{"empty", "", "unexpected end of JSON input"},
		{"null", "null", "format version 0, want 1"},
		{"array", "[" + string(data) + "]", "cannot unmarshal array"},
		{"huge", `{"format_version": 1, "pad": "` + strings.Repeat("x", maxPlanSize) + `"}`, "a plan file may be at most"},
		{"format version", edit(func(m map[string]any) { m["format_version"] = 9 }), "format version 9, want 1"},
		{"drift report", edit(func(m map[string]any) { m["mode"] = "drift" }), `it is a "drift" report, not a plan`},
		{"unknown kind", edit(func(m map[string]any) { change(m, "network_zones.tor_blocklist")["kind"] = "zones" }), `unknown kind "zones"`},
		{"after missing", edit(func(m map[string]any) { delete(change(m, "post_auth_session_policy_rule"), "after") }),
			"post_auth_session_policy_rule): a update without the object to write (after)"},
		{"user risk lowered", edit(func(m map[string]any) {
			c := change(m, "user_risks.compromised_user")
			c["after"].(map[string]any)["risk_level"] = itp.RiskLow
			c["before"].(map[string]any)["risk_level"] = itp.RiskHigh
		}), `lowers the risk of user "jane.doe@example.com" from HIGH to LOW`},
	}
	// A good plan file without a configured org: refused, never the emulator.
	code, _, errb := o.run(map[string]string{"OKTA_ORG_URL": "", "OKTA_API_TOKEN": ""}, "apply", good, "--auto-approve")
	if code != ExitError || !strings.Contains(errb, "no Okta org configured") {
		t.Errorf("apply of a plan file without an org: exit %d, stderr:\n%s", code, errb)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".json")
			writeTestFile(t, dir, filepath.Base(file), tt.content)
			o.emu.ResetRequests()
			_, errb := o.must(ExitError, "apply", file, "--auto-approve")
			wantAll(t, "stderr", errb, "itpsync apply: read plan "+`"`+file+`"`, tt.want)
			if n := o.emu.Requests().Total; n != 0 {
				t.Errorf("%d API calls for a refused plan file, want 0", n)
			}
		})
	}
}

// TestPlanDriftUsageExitsOne: for plan --detailed-exitcode and drift, 2 means changes, so
// bad usage must exit 1, before any API call.
func TestPlanDriftUsageExitsOne(t *testing.T) {
	o := newEmuOrg(t)
	for _, args := range [][]string{
		{"plan", "--detailed-exitcode", "--bogus"},
		{"plan", "--detailed-exitcode", "--format", "yaml", seedPolicies},
		{"plan", "--detailed-exitcode", "a", "b"},
		{"drift", "--bogus"},
		{"drift", "--format", "yaml", seedPolicies},
		{"drift", "a", "b"},
	} {
		o.must(ExitError, args...)
	}
	o.must(ExitOK, "plan", "-h")
	if n := o.emu.Requests().Total; n != 0 {
		t.Errorf("%d API calls, want 0", n)
	}
}

// TestUseColor: colour only when stdout is a terminal (a character device) and NO_COLOR
// is unset.
func TestUseColor(t *testing.T) {
	tty, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no %s: %v", os.DevNull, err)
	}
	defer tty.Close()
	env := func(out any, noColor string) *Env {
		e := &Env{Getenv: func(k string) string {
			if k == "NO_COLOR" {
				return noColor
			}
			return ""
		}}
		if w, ok := out.(*os.File); ok {
			e.Stdout = w
		} else {
			e.Stdout = &bytes.Buffer{}
		}
		return e
	}
	tests := []struct {
		name    string
		out     any
		noColor string
		want    bool
	}{
		{"character device", tty, "", true},
		{"character device, NO_COLOR", tty, "1", false},
		{"pipe or buffer", nil, "", false},
	}
	for _, tt := range tests {
		if got := useColor(env(tt.out, tt.noColor)); got != tt.want {
			t.Errorf("%s: useColor = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestOrgWithoutITP: an org that lacks one of the ITP policies gets a clear error from
// plan, drift and apply, exit 1, and nothing is written.
func TestOrgWithoutITP(t *testing.T) {
	emu := oktaemu.New(oktaemu.Options{Token: orgTestToken})
	var writes atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/v1/policies" && r.URL.Query().Get("type") == "SESSION_VIOLATION_DETECTION" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "[]")
			return
		}
		if r.Method != http.MethodGet {
			writes.Add(1)
		}
		emu.ServeHTTP(w, r)
	}))
	defer srv.Close()
	env := map[string]string{"OKTA_ORG_URL": srv.URL, "OKTA_API_TOKEN": orgTestToken}
	for _, args := range [][]string{
		{"plan", seedPolicies, "--environment", "demo", "--detailed-exitcode"},
		{"drift", seedPolicies, "--environment", "demo"},
		{"apply", seedPolicies, "--environment", "demo", "--auto-approve"},
	} {
		var out, errb bytes.Buffer
		code := Run(ctxT(t), args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
		if code != ExitError || !strings.Contains(errb.String(), "the org has no SESSION_VIOLATION_DETECTION policy: Identity Threat Protection is not enabled for this org") {
			t.Errorf("%s: exit %d, stderr %q; want 1 and a clear error", args[0], code, errb.String())
		}
	}
	if n := writes.Load(); n != 0 {
		t.Errorf("%d writes to an org without ITP", n)
	}
}
