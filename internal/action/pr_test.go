package action

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/notify/githubfake"
)

const (
	headV1   = "1111111111111111111111111111111111111111"
	headV2   = "2222222222222222222222222222222222222222"
	mergeSHA = "9999999999999999999999999999999999999999"
)

const zonesV1 = `network_zones:
  corporate_vpn:
    name: Corporate VPN
    type: IP
    gateways: [203.0.113.0/24]
`

const zonesV2 = zonesV1 + `  branch_office:
    name: Branch Office
    type: IP
    gateways: [198.51.100.0/24]
`

// prEvent selects a pull_request event for PR 7 at head.
func (h *harness) prEvent(action, head string) {
	h.event(EventPullRequest, "pull_request.json", func(m map[string]any) {
		m["action"] = action
		pr := m["pull_request"].(map[string]any)
		pr["head"].(map[string]any)["sha"] = head
	})
	h.vars["GITHUB_SHA"] = "abababababababababababababababababababab" // the test merge commit
}

func (h *harness) pushEvent(after string) {
	h.event(EventPush, "push.json", func(m map[string]any) { m["after"] = after })
	h.vars["GITHUB_SHA"] = after
}

// onlyComment returns the one comment of PR 7, failing when there is not exactly one.
func (h *harness) onlyComment() githubfake.Comment {
	h.t.Helper()
	cs := h.gh.Comments(7)
	if len(cs) != 1 {
		h.t.Fatalf("pull request 7 has %d comments, want 1", len(cs))
	}
	return cs[0]
}

func wantOutputs(t *testing.T, got result, want map[string]string) {
	t.Helper()
	sub := map[string]string{}
	for k := range want {
		sub[k] = got.outputs[k]
	}
	if d := cmp.Diff(want, sub); d != "" {
		t.Errorf("outputs (-want +got):\n%s\nlog:\n%s", d, got.stdout)
	}
}

func wantCode(t *testing.T, got result, code int) {
	t.Helper()
	if got.code != code {
		t.Fatalf("exit code = %d, want %d; log:\n%s", got.code, code, got.stdout)
	}
}

func TestPullRequestLife(t *testing.T) {
	for _, oauth := range []bool{false, true} {
		name := "api token"
		if oauth {
			name = "oauth"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{oauth: oauth})
			h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV2, Merged: true, MergeCommitSHA: mergeSHA})

			// Opened: one comment with the plan, its fingerprint and the head commit.
			h.definitions(map[string]string{"zones.yaml": zonesV1})
			h.prEvent("opened", headV1)
			r := h.run()
			wantCode(t, r, 0)
			wantOutputs(t, r, map[string]string{"result": ResultPlanned, "has_changes": "true", "to_add": "1", "to_change": "0", "to_delete": "0"})
			c := h.onlyComment()
			if !strings.Contains(c.Body, "`"+shortSHA(headV1)+"`") || !strings.Contains(c.Body, `"head":"`+headV1+`"`) {
				t.Errorf("comment does not carry head %s visibly and in the meta:\n%s", headV1, c.Body)
			}
			if !strings.Contains(c.Body, "network_zones.corporate_vpn") {
				t.Errorf("comment does not show the planned zone:\n%s", c.Body)
			}
			// The fingerprint is shown once, on the footer line with the head commit.
			if n := strings.Count(c.Body, "`sha256:"); n != 1 || !strings.Contains(c.Body, " for head `"+shortSHA(headV1)+"` · default environment · itpsync ") {
				t.Errorf("comment shows the fingerprint %d times or lacks the footer line:\n%s", n, c.Body)
			}
			if r.outputs["comment_url"] != c.HTMLURL {
				t.Errorf("comment_url = %q, want %q", r.outputs["comment_url"], c.HTMLURL)
			}
			if !strings.Contains(r.summary, "network_zones.corporate_vpn") {
				t.Errorf("summary lacks the plan:\n%s", r.summary)
			}
			if w := h.oktaWrites(); len(w) != 0 {
				t.Errorf("a plan wrote to Okta: %v", w)
			}

			// A re-run with nothing new edits nothing.
			writes := h.gh.Writes()
			h.run()
			if n := h.gh.Writes() - writes; n != 0 {
				t.Errorf("an unchanged plan made %d GitHub writes, want 0", n)
			}

			// New push with changed definitions: the same comment is edited.
			h.definitions(map[string]string{"zones.yaml": zonesV2})
			h.prEvent("synchronize", headV2)
			r = h.run()
			wantCode(t, r, 0)
			wantOutputs(t, r, map[string]string{"result": ResultPlanned, "to_add": "2"})
			c2 := h.onlyComment()
			if c2.ID != c.ID || c2.Body == c.Body {
				t.Errorf("comment %d not edited in place (now %d)", c.ID, c2.ID)
			}
			if !strings.Contains(c2.Body, "network_zones.branch_office") || !strings.Contains(c2.Body, shortSHA(headV2)) {
				t.Errorf("edited comment lacks the new plan or head:\n%s", c2.Body)
			}

			// Merged: the push applies the reviewed plan and reports on the same comment.
			h.pushEvent(mergeSHA)
			r = h.run()
			wantCode(t, r, 0)
			wantOutputs(t, r, map[string]string{"result": ResultApplied, "has_changes": "true", "to_add": "2"})
			c3 := h.onlyComment()
			if c3.ID != c.ID || !strings.Contains(c3.Body, "applied") || !strings.Contains(c3.Body, `"status":"applied"`) {
				t.Errorf("comment not updated with the outcome:\n%s", c3.Body)
			}
			if w := h.oktaWrites(); w["POST /api/v1/zones"] != 2 {
				t.Errorf("Okta writes = %v, want 2 zone creations", w)
			}
			if !strings.Contains(r.summary, "applied") {
				t.Errorf("summary lacks the outcome:\n%s", r.summary)
			}

			// The same push again (a re-run of the apply job): nothing is applied twice and the
			// comment keeps the record of the apply.
			writes = h.gh.Writes()
			oktaWrites := h.oktaWrites()
			r = h.run()
			wantCode(t, r, 0)
			wantOutputs(t, r, map[string]string{"result": ResultNoChanges, "has_changes": "false"})
			if n := h.gh.Writes() - writes; n != 0 {
				t.Errorf("a re-run of a successful apply made %d GitHub writes, want 0", n)
			}
			if d := cmp.Diff(oktaWrites, h.oktaWrites()); d != "" {
				t.Errorf("a re-run of a successful apply wrote to Okta (-before +after):\n%s", d)
			}
			if c4 := h.onlyComment(); c4.Body != c3.Body {
				t.Errorf("comment after a no-op re-run changed:\n%s", c4.Body)
			}
			if !strings.Contains(r.summary, "already applied commit `"+shortSHA(mergeSHA)+"`") {
				t.Errorf("summary of the re-run does not say the commit was already applied:\n%s", r.summary)
			}
			if oauth {
				if len(h.tokens) == 0 {
					t.Fatal("no OAuth token was issued")
				}
				for _, tok := range h.tokens {
					if !strings.Contains(strings.Join(h.logs, ""), "::add-mask::"+tok) {
						t.Errorf("the OAuth access token %.8s… was not masked", tok)
					}
				}
			}
		})
	}
}

// TestForkPullRequest: no secrets and a read-only token: validation, annotations and a
// summary saying why there is no plan; the run succeeds and writes nothing anywhere.
func TestForkPullRequest(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.gh.SetReadOnly(true)
	delete(h.vars, "INPUT_OKTA_API_TOKEN")
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	h.event(EventPullRequest, "pull_request.json", func(m map[string]any) {
		head := m["pull_request"].(map[string]any)["head"].(map[string]any)
		head["repo"] = map[string]any{"full_name": "mallory/itp-config", "fork": true}
	})
	r := h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultForkNoPlan})
	if !strings.Contains(r.summary, "mallory/itp-config") || !strings.Contains(r.summary, "secrets") {
		t.Errorf("summary does not say why there is no plan:\n%s", r.summary)
	}
	if n := h.gh.Writes(); n != 0 {
		t.Errorf("%d GitHub writes for a fork, want 0", n)
	}
	if n := h.emu.Requests().Total; n != 0 {
		t.Errorf("%d Okta requests for a fork, want 0", n)
	}
}

// TestPullRequestWithoutCredentials: a same-repository pull request without secrets and with a
// read-only token (Dependabot) is treated like a fork; with a token that can write, missing
// credentials are an error said on the comment.
func TestPullRequestWithoutCredentials(t *testing.T) {
	for _, readOnly := range []bool{true, false} {
		h := newHarness(t, harnessOpts{})
		h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1})
		h.gh.SetReadOnly(readOnly)
		delete(h.vars, "INPUT_OKTA_API_TOKEN")
		h.definitions(map[string]string{"zones.yaml": zonesV1})
		h.prEvent("opened", headV1)
		r := h.run()
		if readOnly {
			wantCode(t, r, 0)
			wantOutputs(t, r, map[string]string{"result": ResultForkNoPlan})
			continue
		}
		wantCode(t, r, 1)
		if errs := annotations(r.stdout, "error"); len(errs) != 1 || !strings.Contains(errs[0], "missing Okta credentials") {
			t.Errorf("errors = %q", errs)
		}
		if c := h.onlyComment(); !strings.Contains(c.Body, "no Okta credentials") {
			t.Errorf("comment = %q", c.Body)
		}
	}
}

// TestInvalidDefinitions: every problem becomes an annotation on its workspace-relative
// file, line and column, errors first; a comment says the definitions are invalid.
func TestInvalidDefinitions(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1})
	h.definitions(map[string]string{
		"zones.yaml": "network_zones:\n  corporate_vpn:\n    name: Corporate VPN\n    type: IP\n    gatways: [203.0.113.0/24]\n",
		"rules.yaml": "entity_risk_policy_rules:\n  high:\n    name: High\n    risk_level: EXTREME\n    terminate_all_sessions: true\n",
	})
	h.prEvent("opened", headV1)
	r := h.run()
	wantCode(t, r, 1)
	wantOutputs(t, r, map[string]string{"result": ResultInvalid})
	errs := annotations(r.stdout, "error")
	wantPrefixes := []string{
		"::error col=17,file=policies/rules.yaml,line=4,",
		"::error col=5,file=policies/zones.yaml,line=5,",
	}
	if len(errs) < len(wantPrefixes) {
		t.Fatalf("error annotations = %q", errs)
	}
	for i, p := range wantPrefixes {
		if !strings.HasPrefix(errs[i], p) {
			t.Errorf("annotation %d = %q, want prefix %q", i, errs[i], p)
		}
	}
	if c := h.onlyComment(); !strings.Contains(c.Body, "invalid definitions") || !strings.Contains(c.Body, "policies/zones.yaml") {
		t.Errorf("comment = %q", c.Body)
	}
	if n := h.emu.Requests().Total; n != 0 {
		t.Errorf("%d Okta requests with invalid definitions, want 0", n)
	}
}

// TestClosedPullRequestLeavesComment: a closed event only validates, so the apply's
// outcome on the comment is not overwritten.
func TestClosedPullRequestLeavesComment(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1})
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	h.prEvent("closed", headV1)
	r := h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultValid})
	if n := h.gh.Writes() + h.emu.Requests().Total; n != 0 {
		t.Errorf("a closed pull request made %d GitHub writes and Okta requests", n)
	}
}

// TestLargePlan: a plan far over GitHub's limits still gives a comment under 65,536
// characters, a summary under 1 MiB, and an empty plan_json with a warning.
func TestLargePlan(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1})
	var b strings.Builder
	b.WriteString("network_zones:\n")
	for i := range 400 {
		fmt.Fprintf(&b, "  zone_%03d:\n    name: Zone %03d with a long enough name to take room\n    type: IP\n    gateways: [", i, i)
		for j := range 40 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "45.%d.%d.0/24", i%250, j+40*(i/250))
		}
		b.WriteString("]\n")
	}
	h.definitions(map[string]string{"zones.yaml": b.String()})
	h.prEvent("opened", headV1)
	r := h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultPlanned, "to_add": "400", "plan_json": ""})
	c := h.onlyComment()
	if n := len([]rune(c.Body)); n >= 65536 {
		t.Errorf("comment has %d characters", n)
	}
	if !strings.Contains(c.Body, `"fingerprint":"sha256:`) || !strings.Contains(c.Body, "Plan fingerprint `sha256:") {
		t.Errorf("the cut comment lost its fingerprint")
	}
	if n := len(r.summary); n > 1<<20 || n < 100<<10 {
		t.Errorf("summary has %d bytes, want between 100 KiB and 1 MiB", n)
	}
	if w := annotations(r.stdout, "warning"); len(w) != 1 || !strings.Contains(w[0], "plan_json") {
		t.Errorf("warnings = %q", w)
	}
}

// TestLatePlanKeepsApplyRecord: a plan run of the pull request that finishes after the
// merge's apply (or is re-run later) leaves the comment that records the apply as it is.
func TestLatePlanKeepsApplyRecord(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.gh.AddPull(githubfake.Pull{Number: 7, HeadSHA: headV1})
	h.definitions(map[string]string{"zones.yaml": zonesV1})
	h.prEvent("opened", headV1)
	wantCode(t, h.run(), 0)
	h.gh.MergePull(7, mergeSHA)
	h.pushEvent(mergeSHA)
	wantOutputs(t, h.run(), map[string]string{"result": ResultApplied})
	applied := h.onlyComment()

	writes := h.gh.Writes()
	h.prEvent("synchronize", headV1)
	r := h.run()
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"result": ResultNoChanges, "comment_url": applied.HTMLURL})
	if n := h.gh.Writes() - writes; n != 0 {
		t.Errorf("a late plan made %d GitHub writes, want 0", n)
	}
	if c := h.onlyComment(); c.Body != applied.Body {
		t.Errorf("a late plan overwrote the apply's record:\n%s", c.Body)
	}
	if !strings.Contains(r.stdout, "records the apply of commit "+shortSHA(mergeSHA)) {
		t.Errorf("the log does not say why the comment was left:\n%s", r.stdout)
	}
}
