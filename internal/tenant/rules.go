package tenant

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/okta/okta-sdk-golang/v6/okta"
)

// workflowRef is the {"id": …} of a RUN_WORKFLOW action. The SDK models it as int32; the
// OAS says integer and the Terraform provider sends a string. A numeric id is sent as a
// JSON number, anything else as a string, through AdditionalProperties (which the SDK
// serialises as is) so that no id is rejected by the SDK model before Okta sees it.
func workflowRef(id string) map[string]any {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		return map[string]any{"id": json.Number(strconv.FormatInt(n, 10))}
	}
	return map[string]any{"id": id}
}

func priorityOf(p int) okta.NullableInt32 {
	v := int32(p)
	return *okta.NewNullableInt32(&v)
}

// entityRiskBody builds the typed body of an entity risk rule; ids are already resolved.
func entityRiskBody(r itp.EntityRiskRule, priority int, usersIn, usersEx, groupsIn, groupsEx []string) okta.ListPolicyRules200ResponseInner {
	rule := &okta.EntityRiskPolicyRule{
		PolicyRule: okta.PolicyRule{Name: okta.PtrString(r.Name), Type: okta.PtrString(itp.PolicyEntityRisk)},
		Conditions: &okta.EntityRiskPolicyRuleConditions{
			EntityRisk: &okta.EntityRiskScorePolicyRuleCondition{Level: r.RiskLevel},
			People: &okta.PolicyPeopleCondition{
				Users:  &okta.UserCondition{Include: usersIn, Exclude: usersEx},
				Groups: &okta.GroupCondition{Include: groupsIn, Exclude: groupsEx},
			},
		},
		Actions: &okta.EntityRiskPolicyRuleAllOfActions{EntityRisk: &okta.EntityRiskPolicyRuleAllOfActionsEntityRisk{}},
	}
	if priority > 0 {
		rule.Priority = priorityOf(priority)
	}
	rule.Actions.EntityRisk.Actions = ruleActions[okta.EntityRiskPolicyRuleActionsObject](r.TerminateAllSessions, "TERMINATE_ALL_SESSIONS", r.WorkflowID)
	return okta.EntityRiskPolicyRuleAsListPolicyRules200ResponseInner(rule)
}

// ruleActions lists a rule's actions: terminateAction when terminate is set, then
// RUN_WORKFLOW when workflowID is set (nil when neither). T is the SDK's action object of
// the rule's kind; the SDK declares one per kind, all with these two fields.
func ruleActions[T ~struct {
	Action               *string `json:"action,omitempty"`
	AdditionalProperties map[string]interface{}
}](terminate bool, terminateAction, workflowID string) []T {
	var actions []T
	if terminate {
		actions = append(actions, T{Action: okta.PtrString(terminateAction)})
	}
	if workflowID != "" {
		actions = append(actions, T{
			Action:               okta.PtrString("RUN_WORKFLOW"),
			AdditionalProperties: map[string]any{"workflow": workflowRef(workflowID)},
		})
	}
	return actions
}

// resolvedPeople resolves the users and groups of a rule for a write.
func (c *Client) resolvedPeople(ctx context.Context, usersIn, usersEx, groupsIn, groupsEx []string) (ui, ue, gi, ge []string, err error) {
	if ui, err = c.userIDs(ctx, usersIn); err != nil {
		return
	}
	if ue, err = c.userIDs(ctx, usersEx); err != nil {
		return
	}
	if gi, err = c.groupIDs(ctx, groupsIn); err != nil {
		return
	}
	ge, err = c.groupIDs(ctx, groupsEx)
	return
}

// preload fetches every user and group of a write in one search each, so the per-list
// resolutions that follow are cache hits.
func (c *Client) preload(ctx context.Context, users, groups []string) error {
	if len(users) > 0 {
		if err := c.loadUsers(ctx, true, users); err != nil {
			return err
		}
	}
	if len(groups) > 0 {
		return c.loadGroups(ctx, true, nil, groups)
	}
	return nil
}

// CreateEntityRiskRule adds r to the org's ENTITY_RISK policy. An INACTIVE rule is created
// with ?activate=false so it never runs; the POST is sent once.
func (c *Client) CreateEntityRiskRule(ctx context.Context, r itp.EntityRiskRule) (itp.EntityRiskRule, error) {
	r.Normalize()
	op := fmt.Sprintf("create entity risk rule %q", r.Name)
	got, err := c.writeEntityRiskRule(ctx, "", r, r.Priority)
	if err != nil {
		return itp.EntityRiskRule{}, fmt.Errorf("%s: %w", op, err)
	}
	return got, nil
}

// UpdateEntityRiskRule replaces rule id with r. The PUT always carries a priority (r's, or
// the org's current one when r.Priority is 0): a PUT without one moves the rule.
func (c *Client) UpdateEntityRiskRule(ctx context.Context, id string, r itp.EntityRiskRule) (itp.EntityRiskRule, error) {
	r.Normalize()
	op := fmt.Sprintf("update entity risk rule %q", r.Name)
	if id == "" {
		return itp.EntityRiskRule{}, fmt.Errorf("%s: no rule id", op)
	}
	priority := r.Priority
	if priority == 0 {
		cur, err := c.currentRule(ctx, itp.PolicyEntityRisk, id)
		if err != nil {
			return itp.EntityRiskRule{}, fmt.Errorf("%s: %w", op, err)
		}
		priority = cur.priority()
	}
	got, err := c.writeEntityRiskRule(ctx, id, r, priority)
	if err != nil {
		return itp.EntityRiskRule{}, fmt.Errorf("%s: %w", op, err)
	}
	return got, nil
}

func (c *Client) writeEntityRiskRule(ctx context.Context, id string, r itp.EntityRiskRule, priority int) (itp.EntityRiskRule, error) {
	if err := c.preload(ctx, append(append([]string{}, r.UsersIncluded...), r.UsersExcluded...), append(append([]string{}, r.GroupsIncluded...), r.GroupsExcluded...)); err != nil {
		return itp.EntityRiskRule{}, err
	}
	ui, ue, gi, ge, err := c.resolvedPeople(ctx, r.UsersIncluded, r.UsersExcluded, r.GroupsIncluded, r.GroupsExcluded)
	if err != nil {
		return itp.EntityRiskRule{}, err
	}
	pid, err := c.policyID(ctx, true, itp.PolicyEntityRisk)
	if err != nil {
		return itp.EntityRiskRule{}, err
	}
	api, err := c.api(true)
	if err != nil {
		return itp.EntityRiskRule{}, err
	}
	body := entityRiskBody(r, priority, ui, ue, gi, ge)
	var res result
	if id == "" {
		res, err = c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
			req := api.PolicyAPI.CreatePolicyRule(ctx, pid).PolicyRule(body)
			if r.Status == itp.StatusInactive {
				req = req.Activate(false)
			}
			_, resp, err := req.Execute()
			return resp, err
		})
	} else {
		res, err = c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
			_, resp, err := api.PolicyAPI.ReplacePolicyRule(ctx, pid, id).PolicyRule(body).Execute()
			return resp, err
		})
	}
	if err != nil {
		return itp.EntityRiskRule{}, err
	}
	w, err := c.ruleStatus(ctx, itp.PolicyEntityRisk, res, r.Status)
	if err != nil {
		return itp.EntityRiskRule{}, err
	}
	return c.namedEntityRiskRule(w), nil
}

// ruleStatus brings the rule in res to status through the lifecycle endpoints when it is
// not there yet. Rule lifecycle calls answer 204 without a body, so the rule is read again.
func (c *Client) ruleStatus(ctx context.Context, typ string, res result, status string) (wireRule, error) {
	var w wireRule
	if err := decodeOne(res, "rule", &w); err != nil {
		return w, err
	}
	if w.Status == status || status == "" {
		return w, nil
	}
	pid, err := c.policyID(ctx, true, typ)
	if err != nil {
		return w, err
	}
	api, err := c.api(true)
	if err != nil {
		return w, err
	}
	if _, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		if status == itp.StatusInactive {
			return api.PolicyAPI.DeactivatePolicyRule(ctx, pid, w.ID).Execute()
		}
		return api.PolicyAPI.ActivatePolicyRule(ctx, pid, w.ID).Execute()
	}); err != nil {
		return w, fmt.Errorf("written (id %s) but not %s: %w", w.ID, status, err)
	}
	res, err = c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		_, resp, err := api.PolicyAPI.GetPolicyRule(ctx, pid, w.ID).Execute()
		return resp, err
	})
	if err != nil {
		return w, fmt.Errorf("read back rule %s: %w", w.ID, err)
	}
	var again wireRule
	if err := decodeOne(res, "rule", &again); err != nil {
		return w, err
	}
	return again, nil
}

// currentRule returns rule id of the policy of type typ as the org has it now (one list).
func (c *Client) currentRule(ctx context.Context, typ, id string) (wireRule, error) {
	rules, err := c.policyRules(ctx, true, typ)
	if err != nil {
		return wireRule{}, err
	}
	for _, w := range rules {
		if w.ID == id {
			return w, nil
		}
	}
	return wireRule{}, &APIError{Endpoint: "GET /api/v1/policies/{id}/rules", Status: 404, Summary: fmt.Sprintf("rule %s is not in the %s policy", id, typ)}
}

// DeleteEntityRiskRule deletes r; the catch-all rule is refused.
func (c *Client) DeleteEntityRiskRule(ctx context.Context, r itp.EntityRiskRule) error {
	op := fmt.Sprintf("delete entity risk rule %q", r.Name)
	if r.Meta.System || r.Priority == itp.CatchAllPriority {
		return fmt.Errorf("%s: the catch-all rule cannot be deleted", op)
	}
	if r.Meta.ID == "" {
		return fmt.Errorf("%s: no rule id", op)
	}
	pid, err := c.policyID(ctx, true, itp.PolicyEntityRisk)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	api, err := c.api(true)
	if err != nil {
		return err
	}
	if _, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		return api.PolicyAPI.DeletePolicyRule(ctx, pid, r.Meta.ID).Execute()
	}); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// modifiableRule finds the pre-provisioned rule of a post-auth or session violation policy.
func (c *Client) modifiableRule(ctx context.Context, typ string) (wireRule, error) {
	rules, err := c.policyRules(ctx, true, typ)
	if err != nil {
		return wireRule{}, err
	}
	w, ok := firstModifiable(rules)
	if !ok {
		return wireRule{}, fmt.Errorf("the %s policy has no rule besides the catch-all; Okta provisions one with Identity Threat Protection", typ)
	}
	return w, nil
}

// UpdatePostAuthRule updates the post-auth session policy's one modifiable rule in place
// (it is never created or deleted), keeping its current priority.
func (c *Client) UpdatePostAuthRule(ctx context.Context, r itp.PostAuthRule) (itp.PostAuthRule, error) {
	r.Normalize()
	op := fmt.Sprintf("update post-auth session rule %q", r.Name)
	cur, err := c.modifiableRule(ctx, itp.PolicyPostAuthSession)
	if err != nil {
		return itp.PostAuthRule{}, fmt.Errorf("%s: %w", op, err)
	}
	if err := c.preload(ctx, r.UsersExcluded, append(append([]string{}, r.GroupsIncluded...), r.GroupsExcluded...)); err != nil {
		return itp.PostAuthRule{}, fmt.Errorf("%s: %w", op, err)
	}
	_, ue, gi, ge, err := c.resolvedPeople(ctx, nil, r.UsersExcluded, r.GroupsIncluded, r.GroupsExcluded)
	if err != nil {
		return itp.PostAuthRule{}, fmt.Errorf("%s: %w", op, err)
	}
	rule := &okta.PostAuthSessionPolicyRule{
		PolicyRule: okta.PolicyRule{Name: okta.PtrString(r.Name), Type: okta.PtrString(itp.PolicyPostAuthSession), Priority: priorityOf(cur.priority())},
		Conditions: &okta.PostAuthSessionPolicyRuleAllOfConditions{People: &okta.PolicyPeopleCondition{
			Users:  &okta.UserCondition{Include: []string{}, Exclude: ue},
			Groups: &okta.GroupCondition{Include: gi, Exclude: ge},
		}},
		Actions: &okta.PostAuthSessionPolicyRuleAllOfActions{PostAuthSession: &okta.PostAuthSessionPolicyRuleAllOfActionsPostAuthSession{}},
	}
	rule.Actions.PostAuthSession.FailureActions = ruleActions[okta.PostAuthSessionFailureActionsObject](r.TerminateSession, "TERMINATE_SESSION", r.WorkflowID)
	w, err := c.replaceRule(ctx, itp.PolicyPostAuthSession, cur.ID, okta.PostAuthSessionPolicyRuleAsListPolicyRules200ResponseInner(rule), r.Status)
	if err != nil {
		return itp.PostAuthRule{}, fmt.Errorf("%s: %w", op, err)
	}
	return c.namedPostAuthRule(w), nil
}

// UpdateSessionViolationRule updates the session violation policy's one modifiable rule in
// place; zones are named and resolved here, including zones created earlier in the run.
func (c *Client) UpdateSessionViolationRule(ctx context.Context, r itp.SessionViolationRule) (itp.SessionViolationRule, error) {
	r.Normalize()
	op := fmt.Sprintf("update session violation rule %q", r.Name)
	cur, err := c.modifiableRule(ctx, itp.PolicySessionViolation)
	if err != nil {
		return itp.SessionViolationRule{}, fmt.Errorf("%s: %w", op, err)
	}
	priority := r.Priority
	if priority == 0 {
		priority = cur.priority()
	}
	network := &okta.PolicyNetworkCondition{Connection: okta.PtrString(r.NetworkConnection)}
	if r.NetworkConnection == itp.ConnectionZone {
		if network.Include, err = c.zoneIDs(ctx, r.NetworkIncludes); err != nil {
			return itp.SessionViolationRule{}, fmt.Errorf("%s: %w", op, err)
		}
		if network.Exclude, err = c.zoneIDs(ctx, r.NetworkExcludes); err != nil {
			return itp.SessionViolationRule{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	rule := &okta.SessionViolationDetectionPolicyRule{
		PolicyRule: okta.PolicyRule{Name: okta.PtrString(r.Name), Type: okta.PtrString(itp.PolicySessionViolation), Priority: priorityOf(priority)},
		Conditions: &okta.SessionViolationDetectionPolicyRuleAllOfConditions{
			Network:   network,
			RiskScore: &okta.RiskScorePolicyRuleCondition{MinRiskLevel: okta.PtrString(r.MinRiskLevel)},
		},
		Actions: &okta.SessionViolationDetectionPolicyRuleAllOfActions{
			SessionViolationDetection: &okta.SessionViolationDetectionPolicyRuleAllOfActionsSessionViolationDetection{
				PolicyEvaluation: &okta.SessionViolationDetectionPolicyEvaluation{Enabled: okta.PtrBool(r.PolicyEvaluationEnabled)},
			},
		},
	}
	w, err := c.replaceRule(ctx, itp.PolicySessionViolation, cur.ID, okta.SessionViolationDetectionPolicyRuleAsListPolicyRules200ResponseInner(rule), r.Status)
	if err != nil {
		return itp.SessionViolationRule{}, fmt.Errorf("%s: %w", op, err)
	}
	return c.namedSessionViolationRule(w), nil
}

// replaceRule PUTs body to rule id and brings it to status.
func (c *Client) replaceRule(ctx context.Context, typ, id string, body okta.ListPolicyRules200ResponseInner, status string) (wireRule, error) {
	pid, err := c.policyID(ctx, true, typ)
	if err != nil {
		return wireRule{}, err
	}
	api, err := c.api(true)
	if err != nil {
		return wireRule{}, err
	}
	res, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		_, resp, err := api.PolicyAPI.ReplacePolicyRule(ctx, pid, id).PolicyRule(body).Execute()
		return resp, err
	})
	if err != nil {
		return wireRule{}, err
	}
	return c.ruleStatus(ctx, typ, res, status)
}
