package action

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadInputs(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Inputs
		wantErr string
	}{
		{
			name: "defaults",
			want: Inputs{Command: CommandAuto, PoliciesDir: "policies"},
		},
		{
			name: "values trimmed, level upper cased",
			env: map[string]string{"INPUT_COMMAND": " User-Risk ", "INPUT_RISK_LEVEL": "high", "INPUT_DRY_RUN": "true",
				"INPUT_FAIL_ON_DRIFT": "false", "INPUT_ALLOW_PLAN_CHANGE": "true", "INPUT_POLICIES_DIR": "itp/"},
			want: Inputs{Command: CommandUserRisk, PoliciesDir: "itp/", RiskLevel: "HIGH", DryRun: true, AllowPlanChange: true},
		},
		{name: "boolean strict", env: map[string]string{"INPUT_DRY_RUN": "yes"}, wantErr: `input "dry_run": want "true" or "false", got "yes"`},
		{name: "boolean case", env: map[string]string{"INPUT_FAIL_ON_DRIFT": "True"}, wantErr: `input "fail_on_drift": want "true" or "false", got "True"`},
		{name: "unknown command", env: map[string]string{"INPUT_COMMAND": "destroy"}, wantErr: `input "command": unknown command "destroy"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readInputs(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("inputs (-want +got):\n%s", d)
			}
		})
	}
}

func TestSecretValuesExpandsEscapedKey(t *testing.T) {
	env := map[string]string{"INPUT_OKTA_PRIVATE_KEY": `-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----`, "INPUT_GITHUB_TOKEN": " ghs_x "}
	got := secretValues(func(k string) string { return env[k] })
	want := []string{env["INPUT_OKTA_PRIVATE_KEY"], "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "ghs_x"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("secrets (-want +got):\n%s", d)
	}
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadEventErrors(t *testing.T) {
	tests := []struct {
		name, event, payload, wantErr string
		noFile                        bool
	}{
		{name: "no event name", wantErr: "GITHUB_EVENT_NAME is not set"},
		{name: "missing file", event: EventPullRequest, noFile: true, wantErr: "read the pull_request event: open"},
		{name: "invalid JSON", event: EventPush, payload: `{"ref": `, wantErr: "invalid JSON"},
		{name: "wrong type", event: EventPullRequest, payload: `{"number": "seven"}`, wantErr: "invalid JSON"},
		{name: "no pull request number", event: EventPullRequest, payload: `{"action":"opened","pull_request":{"head":{"sha":"abc"}}}`, wantErr: "no pull request number"},
		{name: "dispatch inputs not an object", event: EventWorkflowDispatch, payload: `{"inputs": ["x"]}`, wantErr: "inputs: want a JSON object"},
		{name: "empty file", event: EventPullRequest, payload: "", wantErr: "invalid JSON: unexpected end of JSON input"},
		{name: "truncated", event: EventRepoDispatch, payload: `{"action":"itp","client_payload":{"command":"user-ri`, wantErr: "invalid JSON"},
		{name: "array instead of object", event: EventPush, payload: `[{"ref":"refs/heads/main"}]`, wantErr: "invalid JSON: json: cannot unmarshal array"},
		{name: "pull request null", event: EventPullRequest, payload: `null`, wantErr: "no pull request number"},
		{name: "pull request array", event: EventPullRequest, payload: `[]`, wantErr: "invalid JSON"},
		{name: "pull request number negative", event: EventPullRequest, payload: `{"number": -3}`, wantErr: "no pull request number"},
		{name: "pull request object wrong type", event: EventPullRequestTarget, payload: `{"pull_request": "3"}`, wantErr: "invalid JSON"},
		{name: "client_payload a string", event: EventRepoDispatch, payload: `{"client_payload": "user-risk"}`, wantErr: "client_payload: want a JSON object"},
		{name: "binary", event: EventWorkflowDispatch, payload: "\x00\xff\xfe", wantErr: "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ghContext{EventName: tt.event}
			if tt.event != "" {
				c.EventPath = filepath.Join(t.TempDir(), "missing.json")
				if !tt.noFile {
					c.EventPath = writeFile(t, tt.payload)
				}
			}
			_, err := readEvent(c)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestChooseCommand(t *testing.T) {
	tests := []struct {
		name, event, payload, command, want, wantErr string
	}{
		{name: "pull request plans", event: EventPullRequest, payload: `{"number": 3}`, want: CommandPlan},
		{name: "pull_request_target plans", event: EventPullRequestTarget, payload: `{"pull_request": {"number": 3}}`, want: CommandPlan},
		{name: "push to default applies", event: EventPush, payload: `{"ref":"refs/heads/trunk","repository":{"default_branch":"trunk"}}`, want: CommandApply},
		{name: "push elsewhere validates", event: EventPush, payload: `{"ref":"refs/heads/main","repository":{"default_branch":"trunk"}}`, want: CommandValidate},
		{name: "push without default branch", event: EventPush, payload: `{"ref":"refs/heads/main"}`, wantErr: "no repository.default_branch"},
		{name: "schedule drifts", event: EventSchedule, want: CommandDrift},
		{name: "dispatch needs a command", event: EventWorkflowDispatch, payload: `{"inputs":{}}`, wantErr: "inputs.command"},
		{name: "repository dispatch needs a command", event: EventRepoDispatch, payload: `{"client_payload":{}}`, wantErr: "client_payload.command"},
		{name: "dispatch payload command", event: EventRepoDispatch, payload: `{"client_payload":{"command":"drift"}}`, want: CommandDrift},
		{name: "dispatch unknown command", event: EventWorkflowDispatch, payload: `{"inputs":{"command":"auto"}}`, wantErr: `unknown command "auto"`},
		{name: "explicit command kept", event: EventSchedule, command: CommandValidate, want: CommandValidate},
		{name: "other events need a command", event: "issues", wantErr: `event "issues"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ghContext{EventName: tt.event}
			if tt.payload != "" {
				c.EventPath = writeFile(t, tt.payload)
			}
			ev, err := readEvent(c)
			if err != nil {
				t.Fatal(err)
			}
			cmd := tt.command
			if cmd == "" {
				cmd = CommandAuto
			}
			got, err := chooseCommand(Inputs{Command: cmd}, ev)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("chooseCommand = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestForkDetection(t *testing.T) {
	tests := []struct {
		payload string
		want    bool
	}{
		{`{"number":1,"pull_request":{"head":{"repo":{"full_name":"o/r"}}},"repository":{"full_name":"o/r"}}`, false},
		{`{"number":1,"pull_request":{"head":{"repo":{"full_name":"O/R"}}},"repository":{"full_name":"o/r"}}`, false},
		{`{"number":1,"pull_request":{"head":{"repo":{"full_name":"m/r","fork":true}}},"repository":{"full_name":"o/r"}}`, true},
		{`{"number":1,"pull_request":{"head":{"repo":{"full_name":"m/r"}},"base":{"repo":{"full_name":"o/r"}}}}`, true},
	}
	for _, tt := range tests {
		ev, err := readEvent(ghContext{EventName: EventPullRequest, EventPath: writeFile(t, tt.payload)})
		if err != nil {
			t.Fatal(err)
		}
		if got := ev.isFork("o/r"); got != tt.want {
			t.Errorf("isFork(%s) = %v, want %v", tt.payload, got, tt.want)
		}
	}
}

// TestSharedPayloads decodes the real webhook payloads of the reference material, when it
// is there (a fresh clone has none).
func TestSharedPayloads(t *testing.T) {
	dir := sharedDir(t)
	tests := []struct {
		file, event string
		check       func(t *testing.T, ev *event)
	}{
		{"pull_request_opened.json", EventPullRequest, func(t *testing.T, ev *event) {
			if ev.prNumber() != 2 || ev.headSHA() == "" || ev.isFork("Codertocat/Hello-World") {
				t.Errorf("number %d head %q fork %v", ev.prNumber(), ev.headSHA(), ev.isFork("Codertocat/Hello-World"))
			}
		}},
		{"pull_request_synchronize.json", EventPullRequest, nil},
		{"pull_request_closed.json", EventPullRequest, nil},
		{"push.json", EventPush, func(t *testing.T, ev *event) {
			if ev.defaultBranch() != "master" {
				t.Errorf("default branch %q", ev.defaultBranch())
			}
			// A tag push is not the default branch: validate only.
			if cmd, err := chooseCommand(Inputs{Command: CommandAuto}, ev); err != nil || cmd != CommandValidate {
				t.Errorf("command = %q, %v", cmd, err)
			}
		}},
		{"workflow_dispatch.json", EventWorkflowDispatch, func(t *testing.T, ev *event) {
			if ev.Params["name"] == "" || ev.sender("") != "Codertocat" {
				t.Errorf("params %v sender %q", ev.Params, ev.sender(""))
			}
		}},
		{"repository_dispatch.json", EventRepoDispatch, func(t *testing.T, ev *event) {
			if ev.Params["integration"] != "true" {
				t.Errorf("params %v", ev.Params)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := readEvent(ghContext{EventName: tt.event, EventPath: filepath.Join(dir, tt.file)})
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, ev)
			}
		})
	}
}

// sharedDir is <repo root>/../shared/github-payloads, or skips the test.
func sharedDir(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(filepath.Dir(d), "shared", "github-payloads")
			if _, err := os.Stat(p); err != nil {
				t.Skipf("no shared reference payloads at %s (a fresh clone has none)", p)
			}
			return p
		}
		if filepath.Dir(d) == d {
			t.Skip("no go.mod above the test directory")
		}
	}
}
