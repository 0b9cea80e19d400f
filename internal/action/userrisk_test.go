package action

import (
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/oktaemu"
)

func TestUserRiskDispatch(t *testing.T) {
	tests := []struct {
		name    string
		event   string
		fixture string
		mod     func(map[string]any)
		inputs  map[string]string
		result  string
		writes  int
		audit   []string
	}{
		{
			name: "workflow_dispatch inputs", event: EventWorkflowDispatch, fixture: "workflow_dispatch.json",
			result: ResultRiskSet, writes: 1,
			audit: []string{"| Triggered by | `secops-oncall` |", "| Event | workflow\\_dispatch |", "| User | `jane.doe@example.com` |",
				"| Risk before | `NONE` |", "| Risk after | `HIGH` |", "| Reason | INC-4211 phishing |",
				"| Time (UTC) | 2026-03-04T04:06:07Z |", "| Dry run | no |", "| Workflow run | [4242](https://github.com/octo-org/itp-config/actions/runs/4242) |"},
		},
		{
			name: "action inputs win over the dispatch inputs", event: EventWorkflowDispatch, fixture: "workflow_dispatch.json",
			inputs: map[string]string{"INPUT_COMMAND": "user-risk", "INPUT_USER": "john.roe@example.com", "INPUT_RISK_LEVEL": "low", "INPUT_REASON": "false positive"},
			result: ResultRiskSet, writes: 1,
			audit: []string{"| User | `john.roe@example.com` |", "| Risk after | `LOW` |", "| Reason | false positive |"},
		},
		{
			name: "repository_dispatch client_payload dry run", event: EventRepoDispatch, fixture: "repository_dispatch.json",
			result: ResultDryRun, writes: 0,
			audit: []string{"| Triggered by | `soar-bot` |", "| User | `john.roe@example.com` |", "| Risk before | `NONE` |",
				"| Risk after | `HIGH` |", "| Dry run | yes — nothing was changed |", "| Reason | SOAR playbook 12 |"},
		},
		{
			name: "already at the level", event: EventWorkflowDispatch, fixture: "workflow_dispatch.json",
			mod:    func(m map[string]any) { m["inputs"].(map[string]any)["user"] = "risky@example.com" },
			result: ResultRiskUnchanged, writes: 0,
			audit: []string{"| Risk before | `HIGH` |", "| Risk after | `HIGH` |"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := oktaemu.DefaultSeed()
			seed.Users = append(seed.Users, oktaemu.SeedUser{Login: "risky@example.com", Email: "risky@example.com", FirstName: "R", LastName: "Isky", RiskLevel: "HIGH"})
			h := newHarness(t, harnessOpts{seed: seed})
			h.definitions(map[string]string{"zones.yaml": zonesV1})
			h.event(tt.event, tt.fixture, tt.mod)
			for k, v := range tt.inputs {
				h.vars[k] = v
			}
			r := h.run()
			wantCode(t, r, 0)
			wantOutputs(t, r, map[string]string{"result": tt.result})
			if got := h.oktaWrites()["PUT /api/v1/users/{id}/risk"]; got != tt.writes {
				t.Errorf("risk writes = %d, want %d (%v)", got, tt.writes, h.oktaWrites())
			}
			for _, want := range tt.audit {
				if !strings.Contains(r.summary, want) {
					t.Errorf("audit record lacks %q:\n%s", want, r.summary)
				}
			}
		})
	}
}

func TestUserRiskRefusals(t *testing.T) {
	tests := []struct {
		name    string
		inputs  map[string]string
		defs    string
		wantErr string
	}{
		{name: "reason required", inputs: map[string]string{"INPUT_USER": "jane.doe@example.com", "INPUT_RISK_LEVEL": "HIGH"}, wantErr: "missing reason"},
		{name: "level checked", inputs: map[string]string{"INPUT_USER": "jane.doe@example.com", "INPUT_RISK_LEVEL": "MEDIUM", "INPUT_REASON": "x"}, wantErr: "invalid risk_level \"MEDIUM\""},
		{
			name:    "other org refused before any call",
			inputs:  map[string]string{"INPUT_USER": "jane.doe@example.com", "INPUT_RISK_LEVEL": "HIGH", "INPUT_REASON": "x", "INPUT_ENVIRONMENT": "production"},
			defs:    "environments:\n  production:\n    org_url: https://acme.okta.com\n",
			wantErr: "refusing to run",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			defs := tt.defs
			if defs == "" {
				defs = zonesV1
			}
			h.definitions(map[string]string{"defs.yaml": defs})
			h.event(EventWorkflowDispatch, "workflow_dispatch.json", func(m map[string]any) { m["inputs"] = map[string]any{} })
			h.vars["INPUT_COMMAND"] = "user-risk"
			for k, v := range tt.inputs {
				h.vars[k] = v
			}
			r := h.run()
			wantCode(t, r, 1)
			if errs := annotations(r.stdout, "error"); len(errs) != 1 || !strings.Contains(errs[0], tt.wantErr) {
				t.Errorf("errors = %q, want one with %q", errs, tt.wantErr)
			}
			if n := h.emu.Requests().Total; n != 0 {
				t.Errorf("%d Okta requests, want 0", n)
			}
		})
	}
}
