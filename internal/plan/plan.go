// Package plan owns the vocabulary of an itpsync plan and computes it: the field-level
// difference between the desired ITP configuration (from the YAML definitions) and the
// actual one (read from the org), ordered for apply, with the risks a reviewer must not
// miss and a fingerprint that proves at apply time that the org and the definitions are
// still what was reviewed.
//
// The package is pure: it does no I/O, knows no SDK types and puts no clock reading in its
// results, so the same inputs always give the same plan, byte for byte.
package plan

import "fmt"

// FormatVersion is the version of the plan's JSON encoding.
const FormatVersion = 1

// Modes of a plan.
const (
	ModePlan  = "plan"  // what apply would do
	ModeDrift = "drift" // how the org differs from the definitions
)

// Values of Options.Unmanaged (the definitions' options.unmanaged).
const (
	UnmanagedReport = "report"
	UnmanagedDelete = "delete"
	UnmanagedIgnore = "ignore"
)

// Action is what apply does to one object.
type Action string

// Actions. NoOp never appears in Plan.Changes; it exists for outcomes and callers.
const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
	NoOp   Action = "no-op"
)

// Symbol is the one-character sign of the action in diffs: + create, ~ update, - delete.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Delete:
		return "-"
	}
	return " "
}

// FieldChange is the change of one Terraform argument of an object.
type FieldChange struct {
	// Path is the Terraform argument name as written in YAML: "gateways", "status",
	// "settings.well_known_url".
	Path string `json:"path"`
	// Before and After are the values: string, bool, int or []string; nil when absent.
	Before any `json:"before"`
	After  any `json:"after"`
}

// Risk levels.
const (
	RiskHigh   = "high"
	RiskMedium = "medium"
)

// Risk is a consequence of a change that a reviewer must not miss, in one sentence naming
// the object.
type Risk struct {
	Level   string `json:"level"` // "high" | "medium"
	Message string `json:"message"`
}

// Change is what apply does to one object.
type Change struct {
	// Address is the object's place in the definitions: "network_zones.corporate_vpn",
	// "post_auth_session_policy_rule", "user_risks.compromised_user". An object found only
	// in the org is addressed by the slug of its name.
	Address string `json:"address"`
	// Kind is one of the itp.Kind* constants.
	Kind string `json:"kind"`
	// Name is the Okta name (zone, rule or provider name; the user's login for user risk).
	Name string `json:"name"`
	// ID is the org's ID of the object when it exists there.
	ID     string `json:"id,omitempty"`
	Action Action `json:"action"`
	// Fields is sorted by Path. A create lists every set field with Before nil, a delete
	// every set field with After nil.
	Fields []FieldChange `json:"fields,omitempty"`
	// Before is the org's object (*itp.Zone, *itp.EntityRiskRule, *itp.PostAuthRule,
	// *itp.SessionViolationRule, *itp.Provider, *itp.UserRisk), nil on create; apply checks
	// it (Meta.LastUpdated included) against the org before writing. After is the object
	// to write, nil on delete; on update it carries the org's Meta so apply knows the ID.
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
	// Risks are the callouts of this change, high first.
	Risks []Risk `json:"risks,omitempty"`
	// DependsOn lists the addresses of changes that must be applied before this one: the
	// zones a rule references; for a delete, the changes that stop referencing the object.
	DependsOn []string `json:"depends_on,omitempty"`
	// Note explains something particular about the change, in one sentence.
	Note string `json:"note,omitempty"`
	// Attribution is the object's last change in the System Log (drift reports only);
	// the fingerprint ignores it.
	Attribution *Attribution `json:"attribution,omitempty"`
}

// Unmanaged is an object of a managed kind that the org has and the definitions do not.
type Unmanaged struct {
	Address string `json:"address"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	ID      string `json:"id,omitempty"`
	// YAML is the object as ready-to-paste definitions, from Options.Encode; empty when
	// there is no encoder.
	YAML string `json:"yaml,omitempty"`
	// Attribution is the object's last change in the System Log (drift reports only);
	// the fingerprint ignores it.
	Attribution *Attribution `json:"attribution,omitempty"`
}

// Counts summarises a plan.
type Counts struct {
	Add       int `json:"add"`
	Change    int `json:"change"`
	Delete    int `json:"delete"`
	Unmanaged int `json:"unmanaged"`
}

// Plan is the difference between the definitions and the org.
type Plan struct {
	FormatVersion int    `json:"format_version"`
	Mode          string `json:"mode"` // ModePlan | ModeDrift
	Environment   string `json:"environment,omitempty"`
	// Changes are in apply order: creates and updates in dependency order (zones and
	// providers before the rules that reference them), then deletes in reverse dependency
	// order. Objects without a difference are not listed.
	Changes []Change `json:"changes"`
	// Unmanaged lists the org's objects missing from the definitions when
	// options.unmanaged is report; with delete they are delete Changes instead.
	Unmanaged []Unmanaged `json:"unmanaged"`
	Counts    Counts      `json:"counts"`
	// Fingerprint is "sha256:<hex>" over the changes and the org state they were computed
	// from, IDs and timestamps excluded: apply refuses a plan whose fingerprint differs.
	Fingerprint string `json:"fingerprint"`
	// StateHash is "sha256:<hex>" over the org state alone (IDs and timestamps excluded).
	StateHash string `json:"state_hash"`
	// Warnings are things the plan will not do that the reader should know.
	Warnings []string `json:"warnings,omitempty"`
}

// Options say how to compute a plan.
type Options struct {
	// Unmanaged is UnmanagedReport (the default when empty), UnmanagedDelete or
	// UnmanagedIgnore.
	Unmanaged   string
	Environment string
	// Mode is ModePlan (the default when empty) or ModeDrift.
	Mode string
	// Encode turns an unmanaged object (a pointer to a copy of the itp type, Meta cleared)
	// into ready-to-paste YAML for Unmanaged.YAML. May be nil.
	Encode func(kind string, obj any) (string, error)
}

// HasChanges reports whether the plan has anything to apply or, in drift mode, anything
// that differs (unmanaged objects included).
func (p *Plan) HasChanges() bool {
	return len(p.Changes) > 0 || (p.Mode == ModeDrift && len(p.Unmanaged) > 0)
}

// NoChangesSentence is the summary of a plan with nothing in it.
const NoChangesSentence = "No changes. The org matches the definitions."

// Summary is the one-line summary of the plan, in Terraform's fixed sentences.
func (p *Plan) Summary() string {
	if len(p.Changes) == 0 && len(p.Unmanaged) == 0 {
		return NoChangesSentence
	}
	c := p.Counts
	if c.Unmanaged > 0 {
		return fmt.Sprintf("Plan: %d to add, %d to change, %d to delete, %d unmanaged.", c.Add, c.Change, c.Delete, c.Unmanaged)
	}
	return fmt.Sprintf("Plan: %d to add, %d to change, %d to delete.", c.Add, c.Change, c.Delete)
}

// Status is the outcome of applying one change.
type Status string

// Statuses.
const (
	Applied Status = "applied"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Outcome is what happened to one change during apply.
type Outcome struct {
	Address string `json:"address"`
	Action  Action `json:"action"`
	Status  Status `json:"status"`
	// Error is Okta's error when Status is Failed (never a token).
	Error string `json:"error,omitempty"`
	// Reason says why a change was Skipped ("depends on network_zones.x, which failed").
	Reason string `json:"reason,omitempty"`
}

// Result is the report of an apply.
type Result struct {
	Plan     *Plan     `json:"plan"`
	Outcomes []Outcome `json:"outcomes"`
	// NotConverged lists what the re-read of the org after apply still shows as changes.
	NotConverged []Change `json:"not_converged,omitempty"`
	// Calls is the number of Okta API calls the apply made.
	Calls int `json:"calls"`
}

// Failed reports whether any change failed or was skipped, or the org did not converge.
func (r *Result) Failed() bool {
	for _, o := range r.Outcomes {
		if o.Status == Failed || o.Status == Skipped {
			return true
		}
	}
	return len(r.NotConverged) > 0
}
