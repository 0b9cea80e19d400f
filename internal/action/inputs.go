package action

import (
	"fmt"
	"sort"
	"strings"
)

// Commands the action runs; CommandAuto picks one from the event.
const (
	CommandAuto     = "auto"
	CommandValidate = "validate"
	CommandPlan     = "plan"
	CommandApply    = "apply"
	CommandDrift    = "drift"
	CommandUserRisk = "user-risk"
)

var commands = []string{CommandAuto, CommandValidate, CommandPlan, CommandApply, CommandDrift, CommandUserRisk}

// Inputs are the action's inputs (action.yml), read from the INPUT_* variables.
type Inputs struct {
	Command     string
	PoliciesDir string
	Environment string

	OktaOrgURL       string
	OktaAPIToken     string
	OktaClientID     string
	OktaPrivateKey   string
	OktaPrivateKeyID string
	GitHubToken      string

	FailOnDrift     bool
	AllowPlanChange bool

	User      string
	RiskLevel string
	Reason    string
	DryRun    bool
}

// inputNames are the action's inputs, as action.yml declares them (a test checks that
// readInputs reads exactly these).
var inputNames = []string{
	"command", "policies_dir", "environment",
	"okta_org_url", "okta_api_token", "okta_client_id", "okta_private_key", "okta_private_key_id", "github_token",
	"fail_on_drift", "allow_plan_change", "user", "risk_level", "reason", "dry_run",
}

// secretInputs are masked before anything else runs.
var secretInputs = []string{"okta_api_token", "okta_private_key", "github_token"}

// input reads an input the way go-githubactions' GetInput does: INPUT_ + the name upper
// cased with spaces as underscores (hyphens kept), surrounding white space trimmed.
func input(getenv func(string) string, name string) string {
	key := "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))
	return strings.TrimSpace(getenv(key))
}

// secretValues returns the raw secret inputs and, for a private key given with literal
// "\n" escapes, its expanded form too: each is masked line by line.
func secretValues(getenv func(string) string) []string {
	var out []string
	for _, name := range secretInputs {
		v := input(getenv, name)
		if v == "" {
			continue
		}
		out = append(out, v)
		if exp := strings.ReplaceAll(v, `\n`, "\n"); exp != v {
			out = append(out, exp)
		}
	}
	return out
}

// readInputs reads and checks every input. Errors name the input and never echo a secret.
func readInputs(getenv func(string) string) (Inputs, error) {
	in := Inputs{
		Command:          strings.ToLower(input(getenv, "command")),
		PoliciesDir:      input(getenv, "policies_dir"),
		Environment:      input(getenv, "environment"),
		OktaOrgURL:       input(getenv, "okta_org_url"),
		OktaAPIToken:     input(getenv, "okta_api_token"),
		OktaClientID:     input(getenv, "okta_client_id"),
		OktaPrivateKey:   input(getenv, "okta_private_key"),
		OktaPrivateKeyID: input(getenv, "okta_private_key_id"),
		GitHubToken:      input(getenv, "github_token"),
		User:             input(getenv, "user"),
		RiskLevel:        strings.ToUpper(input(getenv, "risk_level")),
		Reason:           input(getenv, "reason"),
	}
	if in.Command == "" {
		in.Command = CommandAuto
	}
	if !contains(commands, in.Command) {
		return in, fmt.Errorf("input \"command\": unknown command %q: want one of %s", in.Command, strings.Join(commands, ", "))
	}
	if in.PoliciesDir == "" {
		in.PoliciesDir = "policies"
	}
	var err error
	bools := []struct {
		name string
		dst  *bool
	}{
		{"fail_on_drift", &in.FailOnDrift},
		{"allow_plan_change", &in.AllowPlanChange},
		{"dry_run", &in.DryRun},
	}
	for _, b := range bools {
		if *b.dst, err = parseBool(b.name, input(getenv, b.name)); err != nil {
			return in, err
		}
	}
	return in, nil
}

// parseBool accepts exactly "true" and "false" ("" is false, the action.yml default):
// "yes", "1" or "True" are refused so a typo never silently means false.
func parseBool(name, v string) (bool, error) {
	switch v {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, fmt.Errorf("input %q: want \"true\" or \"false\", got %q", name, v)
}

// hasOktaCredentials reports whether any Okta credential was given.
func (in Inputs) hasOktaCredentials() bool {
	return in.OktaAPIToken != "" || in.OktaClientID != "" || in.OktaPrivateKey != ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// sortedKeys returns the keys of m sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
