package spec

import (
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
	"gopkg.in/yaml.v3"
)

var (
	entityRuleKeys = []string{
		"name", "risk_level", "priority", "status", "terminate_all_sessions", "workflow_id", "log_only",
		"users_included", "users_excluded", "groups_included", "groups_excluded",
	}
	postAuthKeys = []string{
		"name", "status", "terminate_session", "workflow_id", "users_excluded", "groups_included", "groups_excluded",
	}
	sessionViolationKeys = []string{
		"name", "status", "min_risk_level", "network_connection", "network_includes", "network_excludes",
		"policy_evaluation_enabled", "priority",
	}
	entityRiskLevels = []string{itp.RiskAny, itp.RiskHigh, itp.RiskMedium, itp.RiskLow}
	minRiskLevels    = []string{itp.RiskLow, itp.RiskMedium, itp.RiskHigh}
	connections      = []string{itp.ConnectionAnywhere, itp.ConnectionZone}
)

// ruleNameLimit: OAS6 gives policy rule names no maxLength; 255 is Okta's usual limit for
// names and keeps an absurd value from reaching the API.
const ruleNameLimit = 255

// entityRiskRule reads one rule of the ENTITY_RISK policy.
func (b *builder) entityRiskRule(key, n *yaml.Node) {
	const what = "entity risk rule"
	fields, ok := b.keyedFields(itp.KindEntityRiskRule+"."+key.Value, key, n, what, entityRuleKeys, "name", "risk_level")
	if !ok {
		return
	}
	r := itp.EntityRiskRule{Key: key.Value}
	r.Name = b.name(fields, what, ruleNameLimit)
	r.RiskLevel = b.enumField(fields, "risk_level", what, entityRiskLevels)
	r.Status = b.enumField(fields, "status", what, statuses)
	if f, ok := fields["priority"]; ok {
		r.Priority = b.priority(f, what)
		if r.Priority != 0 {
			if prev, dup := b.priorities[r.Priority]; dup {
				b.errorf(deref(f.val), "priority", "priority %d is already used by entity risk rule %q at %s", r.Priority, prev.n.Value, posOf(prev.file, prev.n))
			} else {
				b.priorities[r.Priority] = loc{file: b.file, n: key}
			}
		}
	}
	actionKnown := true
	if f, ok := fields["terminate_all_sessions"]; ok {
		r.TerminateAllSessions, ok = b.boolean(f.val, "terminate_all_sessions")
		actionKnown = actionKnown && ok
	}
	wf, wfOK := b.workflowID(fields)
	r.WorkflowID = wf
	actionKnown = actionKnown && wfOK
	if f, ok := fields["log_only"]; ok {
		var good bool
		r.LogOnly, good = b.boolean(f.val, "log_only")
		actionKnown = actionKnown && good
		if good && r.LogOnly && (r.TerminateAllSessions || r.WorkflowID != "") {
			b.errorf(deref(f.val), "action", "log_only: true contradicts the rule's action; remove log_only or the action (terminate_all_sessions, workflow_id)")
		}
	}
	if actionKnown && !r.LogOnly && !r.TerminateAllSessions && r.WorkflowID == "" {
		b.errorf(key, "action", "entity risk rule %q has no action; set terminate_all_sessions: true or a workflow_id, or say log_only: true for a rule that only logs", key.Value)
	}
	r.UsersIncluded = values(b.stringList(fields, "users_included"))
	r.UsersExcluded = values(b.stringList(fields, "users_excluded"))
	r.GroupsIncluded = values(b.stringList(fields, "groups_included"))
	r.GroupsExcluded = values(b.stringList(fields, "groups_excluded"))
	b.cfg.EntityRiskRules = append(b.cfg.EntityRiskRules, r)
}

// priority reads a rule priority: 1..98, because 99 is the system catch-all rule's.
func (b *builder) priority(f field, what string) int {
	p, ok := b.integer(f.val, "priority")
	if !ok {
		return 0
	}
	if p < 1 || p >= itp.CatchAllPriority {
		b.errorf(deref(f.val), "priority", "priority %d is out of range for %s; valid priorities are 1 to %d (%d is the catch-all rule's)", p, what, itp.CatchAllPriority-1, itp.CatchAllPriority)
		return 0
	}
	return p
}

// workflowID reads an optional workflow_id: Okta Workflows flow ids are integers (the API
// models workflow.id as an integer), checked after variable substitution.
func (b *builder) workflowID(fields map[string]field) (string, bool) {
	f, ok := fields["workflow_id"]
	if !ok {
		return "", true
	}
	s, ok := b.str(f.val, "workflow_id")
	if !ok {
		return "", false
	}
	if !isDigits(strings.TrimSpace(s)) {
		b.errorf(deref(f.val), "value", "workflow_id %q must be a number: Okta Workflows flow ids are integers", s)
		return "", false
	}
	return strings.TrimSpace(s), true
}

// postAuthRule reads the one modifiable rule of the POST_AUTH_SESSION policy.
func (b *builder) postAuthRule(key, n *yaml.Node) {
	const what = "post-auth session rule"
	fields, ok := b.mapping(n, what, postAuthKeys)
	if !ok {
		return
	}
	b.recordFields(itp.KindPostAuthRule, fields)
	r := &itp.PostAuthRule{}
	r.Name = b.name(fields, what, ruleNameLimit)
	r.Status = b.enumField(fields, "status", what, statuses)
	if f, ok := fields["terminate_session"]; ok {
		r.TerminateSession, _ = b.boolean(f.val, "terminate_session")
	}
	r.WorkflowID, _ = b.workflowID(fields)
	r.UsersExcluded = values(b.stringList(fields, "users_excluded"))
	r.GroupsIncluded = values(b.stringList(fields, "groups_included"))
	r.GroupsExcluded = values(b.stringList(fields, "groups_excluded"))
	b.cfg.PostAuthRule = r
}

// sessionViolationRule reads the one modifiable rule of the SESSION_VIOLATION_DETECTION
// policy. Zone references stay as written until resolveZoneRefs.
func (b *builder) sessionViolationRule(key, n *yaml.Node) {
	const what = "session violation rule"
	fields, ok := b.mapping(n, what, sessionViolationKeys)
	if !ok {
		return
	}
	b.recordFields(itp.KindSessionViolation, fields)
	b.required(key, what, fields, "min_risk_level")
	r := &itp.SessionViolationRule{PolicyEvaluationEnabled: true}
	r.Name = b.name(fields, what, ruleNameLimit)
	r.Status = b.enumField(fields, "status", what, statuses)
	r.MinRiskLevel = b.enumField(fields, "min_risk_level", what, minRiskLevels)
	r.NetworkConnection = b.enumField(fields, "network_connection", what, connections)
	includes := b.stringList(fields, "network_includes")
	excludes := b.stringList(fields, "network_excludes")
	r.NetworkIncludes, r.NetworkExcludes = values(includes), values(excludes)
	_, connGiven := fields["network_connection"]
	if !connGiven || r.NetworkConnection != "" {
		for _, k := range []string{"network_includes", "network_excludes"} {
			if f, ok := fields[k]; ok && !strings.EqualFold(r.NetworkConnection, itp.ConnectionZone) {
				conn := strings.ToUpper(r.NetworkConnection)
				if conn == "" {
					conn = "not set (ANYWHERE)"
				}
				b.errorf(f.key, "network", "%s needs network_connection: ZONE; network_connection is %s", k, conn)
			}
		}
	}
	if f, ok := fields["policy_evaluation_enabled"]; ok {
		if v, ok := b.boolean(f.val, "policy_evaluation_enabled"); ok {
			r.PolicyEvaluationEnabled = v
		}
	}
	if f, ok := fields["priority"]; ok {
		r.Priority = b.priority(f, what)
	}
	b.svExcludes, b.svFile = excludes, b.file
	b.cfg.SessionViolationRule = r
}
