package demo

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Distinctive made-up tokens, so a leak is found by a plain search.
const (
	testOktaToken   = "00demoOKTAtokenNEVERshown-3c9f1e"
	testGitHubToken = "ghs_demoGITHUBtokenNEVERshown_8d2a"
)

var reFingerprint = regexp.MustCompile(`(?i)fingerprint[^\n]*?(sha256:[0-9a-f]{64})`)

var testNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// repoPolicies is the repository's policies folder, the demo's default definitions.
func repoPolicies(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "policies")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// snapshot reads every file under dir: path → content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type demoRun struct {
	res    *Result
	stdout string
	dir    string
	files  map[string]string // every file under dir, by path relative to dir
}

func runDemo(t *testing.T, color bool) demoRun {
	t.Helper()
	pol := repoPolicies(t)
	before := snapshot(t, pol)
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	var stdout bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := Run(ctx, Config{
		Out: &stdout, Dir: dir, Policies: pol, Color: color,
		OktaToken: testOktaToken, GitHubToken: testGitHubToken,
		Now: func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, stdout.String())
	}
	if d := cmp.Diff(before, snapshot(t, pol)); d != "" {
		t.Errorf("the demo changed the policies folder (-before +after):\n%s", d)
	}
	// Nothing beside the output folder.
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "out" {
		t.Errorf("the demo wrote beside its output folder: %v", entries)
	}
	files := map[string]string{}
	for path, text := range snapshot(t, dir) {
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = text
	}
	return demoRun{res: res, stdout: stdout.String(), dir: dir, files: files}
}

func TestDemoWalksTheLoop(t *testing.T) {
	r := runDemo(t, false)

	for i, title := range []string{
		"A pull request adds the definitions",
		"The pull request is merged",
		"Someone changes the org in the Okta console",
		"The nightly drift check",
		"A SOAR raises a user's risk",
		"A pull request restores the org; the next night the drift issue closes",
	} {
		if h := "Step " + string(rune('1'+i)) + "/6 · " + title; !strings.Contains(r.stdout, h) {
			t.Errorf("output lacks the step header %q", h)
		}
	}
	for _, want := range []string{
		"plan: 5 to add, 3 to change, 0 to delete",
		"apply: result applied",
		"applied  + network_zones.corporate_vpn",
		"Okta API calls",
		`zone "Corporate VPN": added gateway 0.0.0.0/0`,
		`security events provider "CrowdStrike Threat Intelligence": deactivated`,
		`zone "Contractor Office"`,
		"drift check: result drifted, issue #2 open",
		"user-risk: result risk-set",
		"next night's drift check: result in-sync, issue #2 closed",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("colour codes in the output with colour off")
	}

	wantFiles := []string{
		"01-pull-request-comment.md", "01-job-summary.md",
		"02-pull-request-comment.md", "02-job-summary.md",
		"03-console-changes.md",
		"04-drift-issue.md", "04-job-summary.md",
		"05-audit-record.md",
		"06-fix-pull-request-comment.md", "06-fix-pull-request-comment-applied.md",
		"06-drift-issue-comments.md", "06-job-summary.md",
	}
	if d := cmp.Diff(wantFiles, r.res.Files); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	contents := map[string][]string{
		"01-pull-request-comment.md": {"<!-- itpsync:", "network_zones.corporate_vpn", "```diff"},
		"02-pull-request-comment.md": {`"status":"applied"`, "Apply complete: 8 applied, 0 failed"},
		"03-console-changes.md":      {"0.0.0.0/0", "CrowdStrike Threat Intelligence", "Contractor Office"},
		"04-drift-issue.md": {"# ITP drift", "Last changed by **Dana Whitfield**", "from 198.51.100.77", "0.0.0.0/0", "INACTIVE", "CrowdStrike Threat Intelligence",
			"high-risk", "network_zones.contractor_office", "```yaml\ncontractor_office:\n  name: Contractor Office"},
		"05-audit-record.md": {"| Triggered by | `soar-bot` |", "| User | `john.roe@example.com` |", "| Risk before | `NONE` |", "| Risk after | `HIGH` |",
			"| Reason | " + riskReason + " |", "| Time (UTC) | 2026-03-04T05:06:07Z |"},
		"06-fix-pull-request-comment-applied.md":                {`"status":"applied"`, "Apply complete: 2 applied"},
		".runner/workspace/policies/adopted_network_zones.yaml": {"network_zones:\n  contractor_office:\n"},
	}
	for name, wants := range contents {
		text, ok := r.files[name]
		if !ok {
			t.Errorf("%s is missing", name)
			continue
		}
		for _, want := range wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, text)
			}
		}
	}

	// The reviewed plan's fingerprint is on the comment, and the apply kept it.
	m := reFingerprint.FindStringSubmatch(r.files["01-pull-request-comment.md"])
	if m == nil {
		t.Errorf("the plan comment shows no fingerprint")
	} else if fp := m[1]; !strings.Contains(r.files["02-pull-request-comment.md"], fp) {
		t.Errorf("the applied comment lacks the reviewed fingerprint %s", fp)
	}

	// The made-up tokens appear nowhere: not in the output, not in any file (logs,
	// outputs, event files included).
	texts := map[string]string{"stdout": r.stdout}
	for name, text := range r.files {
		texts[name] = text
	}
	for where, text := range texts {
		for _, secret := range []string{testOktaToken, testGitHubToken} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contains the made-up token %.10s…", where, secret)
			}
		}
	}
	if _, ok := r.files[".runner/runs/01-pull-request-1/log"]; !ok {
		t.Errorf("the first run's log is missing; files: %v", keys(r.files))
	}
}

func TestDemoColour(t *testing.T) {
	r := runDemo(t, true)
	for _, want := range []string{ansiBold + ansiCyan + "━━ Step 1/6", ansiGreen + "+ gateways:", ansiRed + "┃ CAUTION"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("coloured output lacks %q", want)
		}
	}
	for name, text := range r.files {
		if strings.Contains(text, "\x1b[") {
			t.Errorf("%s holds colour codes: files are plain markdown", name)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
