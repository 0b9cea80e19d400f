package cli

import (
	"strings"
	"testing"
)

// TestBadUsage runs every command with arguments a user gets wrong: each stops before any
// API call with the documented exit code and a message that names what is wrong, and never
// echoes the API token given as a flag.
func TestBadUsage(t *testing.T) {
	o := newEmuOrg(t)
	org := []string{"--org-url", o.url, "--api-token", orgTestToken}
	with := func(args ...string) []string { return append(args, org...) }
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, ExitUsage, "Usage: itpsync <command>"},
		{"unknown command", []string{"plam"}, ExitUsage, `unknown command "plam"`},
		{"version argument", []string{"version", "x"}, ExitUsage, `unexpected argument "x"`},
		{"version flag", []string{"version", "--bogus"}, ExitUsage, "-bogus"},

		{"validate unknown flag", []string{"validate", "--bogus"}, ExitUsage, "flag provided but not defined: -bogus"},
		{"validate missing value", []string{"validate", "--format"}, ExitUsage, "flag needs an argument: -format"},
		{"validate bad format", []string{"validate", "--format", "xml", seedPolicies}, ExitUsage, `unknown format "xml"`},
		{"validate two dirs", []string{"validate", "a", "b"}, ExitUsage, "want at most one directory"},
		{"validate missing dir", []string{"validate", "no/such/dir"}, ExitError, "no/such/dir"},

		// plan and drift exit 1 on bad usage: 2 means "changes" to their scripts.
		{"plan unknown flag", with("plan", "--bogus"), ExitError, "-bogus"},
		{"plan missing value", []string{"plan", "--environment"}, ExitError, "flag needs an argument: -environment"},
		{"plan bad format", with("plan", seedPolicies, "--environment", "demo", "--format", "xml"), ExitError, `unknown output format "xml"`},
		{"plan unknown environment", with("plan", seedPolicies, "--environment", "nope"), ExitError, `unknown environment "nope"`},
		{"plan no environment", with("plan", seedPolicies), ExitError, "an environment is required"},
		{"plan two dirs", with("plan", "a", "b"), ExitError, "want at most one directory"},
		{"drift unknown flag", with("drift", "--bogus"), ExitError, "-bogus"},
		{"drift bad format", with("drift", seedPolicies, "--environment", "demo", "--format", "yaml"), ExitError, `unknown output format "yaml"`},
		{"drift unknown environment", with("drift", seedPolicies, "--environment", "nope"), ExitError, `unknown environment "nope"`},

		{"apply unknown flag", with("apply", "--bogus"), ExitUsage, "-bogus"},
		{"apply bad format", with("apply", seedPolicies, "--format", "xml"), ExitUsage, `unknown output format "xml"`},
		{"apply definitions without plan file", with("apply", seedPolicies, "--definitions", "x"), ExitUsage, "--definitions goes with a plan file"},
		{"apply unknown environment", with("apply", seedPolicies, "--environment", "nope", "--auto-approve"), ExitError, `unknown environment "nope"`},
		{"apply not at a terminal", with("apply", seedPolicies, "--environment", "demo"), ExitError, "needs --auto-approve"},

		{"export unknown flag", with("export", "--bogus"), ExitUsage, "-bogus"},
		{"export without --out", with("export"), ExitUsage, "--out DIR is required"},
		{"export argument", with("export", "dir"), ExitUsage, `unexpected argument "dir"`},
		{"export environment", with("export", "--out", t.TempDir(), "--environment", "demo"), ExitUsage, "--environment does not apply"},
		{"export format", with("export", "--out", t.TempDir(), "--format", "json"), ExitUsage, "--format does not apply"},

		{"user-risk missing flags", with("user-risk", "--user", "jane.doe@example.com"), ExitUsage, "--user, --level and --reason are required"},
		{"user-risk bad format", with("user-risk", "--format", "xml"), ExitUsage, `unknown output format "xml"`},
		{"user-risk environment", with("user-risk", "--environment", "demo"), ExitUsage, "--environment does not apply"},
		{"user-risk bad level", with("user-risk", "--user", "jane.doe@example.com", "--level", "MEDIUM", "--reason", "r"), ExitError, "MEDIUM"},

		{"emulator no token", []string{"emulator"}, ExitUsage, "--token is required"},
		{"emulator bad latency", []string{"emulator", "--token", "t", "--latency", "soon"}, ExitUsage, `invalid value "soon" for flag -latency`},
		{"demo bad latency", []string{"demo", "--latency", "-1s"}, ExitUsage, "--latency must not be negative"},
		{"action argument", []string{"action", "plan"}, ExitUsage, "unexpected argument"},

		// No org configured: never the emulator (the other commands are in TestOrgConfiguration).
		{"apply without an org", []string{"apply", seedPolicies, "--environment", "demo", "--auto-approve"}, ExitError, "no Okta org configured"},

		// The token given as a flag, misplaced: never echoed.
		{"token as a directory", []string{"plan", seedPolicies, orgTestToken}, ExitError, "want at most one directory"},
		{"token in the org URL", []string{"plan", seedPolicies, "--environment", "demo", "--org-url", "https://x:" + orgTestToken + "@acme.okta.com", "--api-token", orgTestToken}, ExitError, "give only the scheme and host"},
		{"token as the org URL", []string{"drift", seedPolicies, "--environment", "demo", "--org-url", orgTestToken, "--api-token", orgTestToken}, ExitError, "invalid Okta org URL"},
		{"token as a validate directory", []string{"validate", seedPolicies, orgTestToken}, ExitUsage, "not shown in full"},
		{"token as an export argument", []string{"export", orgTestToken}, ExitUsage, "unexpected argument"},
		{"token as a user-risk argument", []string{"user-risk", orgTestToken}, ExitUsage, "unexpected argument"},
		{"token as an emulator argument", []string{"emulator", "--token", "t", orgTestToken}, ExitUsage, "unexpected argument"},
		{"token with a space", []string{"drift", seedPolicies, "--environment", "demo", "--org-url", o.url, "--api-token", orgTestToken + " x"}, ExitError, "white space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := o.emu.Requests().Total
			code, out, errb := o.run(map[string]string{"OKTA_ORG_URL": "", "OKTA_API_TOKEN": ""}, append([]string{}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errb)
			}
			if !strings.Contains(out+errb, tt.want) {
				t.Errorf("output lacks %q\nstdout:\n%s\nstderr:\n%s", tt.want, out, errb)
			}
			if n := o.emu.Requests().Total - before; n != 0 && !strings.Contains(tt.name, "bad level") {
				t.Errorf("%d API requests, want none", n)
			}
		})
	}
}
