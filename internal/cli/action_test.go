package cli

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/notify/githubfake"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

const (
	actionTestOktaToken   = "00CLIactionOKTAtoken-0123456789"
	actionTestGitHubToken = "ghs_CLIactionGITHUBtoken_abcdef"
)

// actionEnv is a minimal pull_request run: a workspace with one zone, an emulated org on
// a loopback port and a fake GitHub holding pull request 3.
func actionEnv(t *testing.T, extra map[string]string) (map[string]string, *githubfake.Server) {
	t.Helper()
	emu := httptest.NewServer(oktaemu.New(oktaemu.Options{Token: actionTestOktaToken}))
	t.Cleanup(emu.Close)
	gh := githubfake.New(t, "octo", "itp")
	gh.SetToken(actionTestGitHubToken)
	gh.AddPull(githubfake.Pull{Number: 3, HeadSHA: "abc123"})
	tmp := t.TempDir()
	ws := filepath.Join(tmp, "ws")
	if err := os.MkdirAll(filepath.Join(ws, "policies"), 0o755); err != nil {
		t.Fatal(err)
	}
	zones := "network_zones:\n  vpn:\n    name: VPN\n    type: IP\n    gateways: [203.0.113.0/24]\n"
	if err := os.WriteFile(filepath.Join(ws, "policies", "zones.yaml"), []byte(zones), 0o644); err != nil {
		t.Fatal(err)
	}
	event := filepath.Join(tmp, "event.json")
	payload := `{"action":"opened","number":3,"pull_request":{"number":3,"head":{"sha":"abc123","repo":{"full_name":"octo/itp"}}},` +
		`"repository":{"full_name":"octo/itp","default_branch":"main"}}`
	if err := os.WriteFile(event, []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"GITHUB_EVENT_NAME":    "pull_request",
		"GITHUB_EVENT_PATH":    event,
		"GITHUB_REPOSITORY":    "octo/itp",
		"GITHUB_WORKSPACE":     ws,
		"GITHUB_API_URL":       gh.URL(),
		"GITHUB_OUTPUT":        filepath.Join(tmp, "output"),
		"GITHUB_STEP_SUMMARY":  filepath.Join(tmp, "summary"),
		"INPUT_OKTA_ORG_URL":   emu.URL,
		"INPUT_OKTA_API_TOKEN": actionTestOktaToken,
		"INPUT_GITHUB_TOKEN":   actionTestGitHubToken,
	}
	for k, v := range extra {
		vars[k] = v
	}
	return vars, gh
}

func TestActionCommand(t *testing.T) {
	// A version of its own, so the footer check below proves it is passed to the action.
	saved := Version
	Version = "v9.9.9-actiontest"
	t.Cleanup(func() { Version = saved })
	tests := []struct {
		name     string
		args     []string
		extra    map[string]string
		code     int
		comments int
		stdout   string
		stderr   string
	}{
		{name: "pull request planned", code: ExitOK, comments: 1, stdout: "Plan: 1 to add"},
		{name: "bad boolean input", extra: map[string]string{"INPUT_DRY_RUN": "yes"}, code: ExitError, stdout: `::error::input "dry_run"`},
		{name: "argument refused", args: []string{"plan"}, code: ExitUsage, stderr: "unexpected argument"},
		// No org configured: no fallback to an emulator, the run says which input is missing.
		{name: "no org", extra: map[string]string{"INPUT_OKTA_ORG_URL": "", "INPUT_OKTA_API_TOKEN": "", "INPUT_COMMAND": "drift"},
			code: ExitError, stdout: "missing Okta credentials"},
		{name: "credentials without org URL", extra: map[string]string{"INPUT_OKTA_ORG_URL": "", "INPUT_COMMAND": "drift"},
			code: ExitError, stdout: `input "okta_org_url" is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars, gh := actionEnv(t, tt.extra)
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), append([]string{"action"}, tt.args...), strings.NewReader(""), &stdout, &stderr,
				func(k string) string { return vars[k] })
			if code != tt.code {
				t.Fatalf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout.String(), stderr.String())
			}
			cs := gh.Comments(3)
			if n := len(cs); n != tt.comments {
				t.Errorf("%d comments, want %d", n, tt.comments)
			}
			// The footer names the version of the binary that wrote it.
			for _, c := range cs {
				if !strings.Contains(c.Body, " · itpsync "+Version+"</sub>") {
					t.Errorf("comment footer lacks the version %q:\n%s", Version, c.Body)
				}
			}
			if !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stdout lacks %q or stderr lacks %q\nstdout:\n%s\nstderr:\n%s", tt.stdout, tt.stderr, stdout.String(), stderr.String())
			}
			for _, secret := range []string{actionTestOktaToken, actionTestGitHubToken} {
				for _, l := range strings.Split(stdout.String(), "\n") {
					if strings.Contains(l, secret) && !strings.HasPrefix(l, "::add-mask::") {
						t.Errorf("a secret is in the log: %q", l)
					}
				}
			}
		})
	}
}
