package action

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// workflowYAML is the part of a workflow file the example checks read.
type workflowYAML struct {
	Permissions map[string]string `yaml:"permissions"`
	Concurrency struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
	} `yaml:"concurrency"`
	Jobs map[string]struct {
		Permissions any `yaml:"permissions"`
		Steps       []struct {
			Uses string            `yaml:"uses"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestExampleWorkflows checks the four ready-to-copy workflows: least-privilege
// permissions declared at the top (exactly the ones each use needs), a concurrency group
// per org, writers never cancelled halfway, and only inputs that action.yml declares.
func TestExampleWorkflows(t *testing.T) {
	var a actionYAML
	if err := yaml.Unmarshal([]byte(repoFile(t, "action.yml")), &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	tests := []struct {
		file        string
		permissions map[string]string
		group       string
		cancel      bool
	}{
		{"itp-plan.yml", map[string]string{"contents": "read", "pull-requests": "write"}, "okta-production-plan-${{ github.event.pull_request.number }}", true},
		{"itp-apply.yml", map[string]string{"contents": "read", "pull-requests": "write"}, "okta-production", false},
		{"itp-drift.yml", map[string]string{"contents": "read", "issues": "write"}, "okta-production-drift", false},
		{"itp-user-risk.yml", map[string]string{"contents": "read"}, "okta-production-user-risk", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var w workflowYAML
			if err := yaml.Unmarshal([]byte(repoFile(t, filepath.Join(".github", "workflows", "examples", tt.file))), &w); err != nil {
				t.Fatalf("%s: %v", tt.file, err)
			}
			if d := cmp.Diff(tt.permissions, w.Permissions); d != "" {
				t.Errorf("permissions (-want +got):\n%s", d)
			}
			if w.Concurrency.Group != tt.group || w.Concurrency.CancelInProgress != tt.cancel {
				t.Errorf("concurrency = %+v, want group %q cancel-in-progress %v", w.Concurrency, tt.group, tt.cancel)
			}
			uses := 0
			for name, job := range w.Jobs {
				if job.Permissions != nil {
					t.Errorf("job %q widens the permissions: keep them at the top", name)
				}
				for _, st := range job.Steps {
					if !strings.HasPrefix(st.Uses, "itpsync/itpsync@") {
						continue
					}
					uses++
					var unknown []string
					for k := range st.With {
						if _, ok := a.Inputs[k]; !ok {
							unknown = append(unknown, k)
						}
					}
					sort.Strings(unknown)
					if len(unknown) > 0 {
						t.Errorf("job %q passes inputs action.yml does not declare: %q", name, unknown)
					}
					if v := st.With["okta_private_key"]; v != "" && !strings.HasPrefix(v, "${{ secrets.") {
						t.Errorf("job %q passes the private key from %q, want a secret", name, v)
					}
				}
			}
			if uses != 1 {
				t.Errorf("%d itpsync steps, want 1", uses)
			}
		})
	}
}
