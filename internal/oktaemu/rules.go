package oktaemu

import (
	"encoding/json"
	"fmt"
)

// Rule conditions and actions are kept as decoded JSON; these functions validate them per
// policy type and apply the server's recorded normalisations.

func asObject(v any) (map[string]any, bool) {
	m, isMap := v.(map[string]any)
	return m, isMap
}

func badRule(field, msg string) *reply {
	r := validation(field, msg)
	return &r
}

// checkActions validates the actions object of a rule of policy type typ.
func checkActions(typ string, v any) (any, *reply) {
	m, isObj := asObject(v)
	if !isObj {
		return nil, badRule("actions", "The field is required and must be an object.")
	}
	switch typ {
	case policyEntityRisk:
		er, isObj := asObject(m["entityRisk"])
		if !isObj {
			return nil, badRule("actions.entityRisk", "The field is required and must be an object.")
		}
		if list, present := er["actions"]; present {
			if rep := checkActionList("actions.entityRisk.actions", list, "TERMINATE_ALL_SESSIONS", false); rep != nil {
				return nil, rep
			}
		}
	case policyPostAuth:
		pa, isObj := asObject(m["postAuthSession"])
		if !isObj {
			return nil, badRule("actions.postAuthSession", "The field is required and must be an object.")
		}
		if list, present := pa["failureActions"]; present {
			if rep := checkActionList("actions.postAuthSession.failureActions", list, "TERMINATE_SESSION", true); rep != nil {
				return nil, rep
			}
		}
	case policySVD:
		svd, isObj := asObject(m["sessionViolationDetection"])
		if !isObj {
			return nil, badRule("actions.sessionViolationDetection", "The field is required and must be an object.")
		}
		pe, isObj := asObject(svd["policyEvaluation"])
		if !isObj {
			return nil, badRule("actions.sessionViolationDetection.policyEvaluation", "The field is required and must be an object.")
		}
		if _, isBool := pe["enabled"].(bool); !isBool {
			return nil, badRule("actions.sessionViolationDetection.policyEvaluation.enabled", "The field is required and must be a boolean.")
		}
	}
	return m, nil
}

// checkActionList validates [{action: terminate}|{action: RUN_WORKFLOW, workflow:{id}}];
// the workflow id may be a number or a string. sloNull adds the legacy "slo":null the
// server echoes on TERMINATE_SESSION.
func checkActionList(name string, v any, terminate string, sloNull bool) *reply {
	list, isList := v.([]any)
	if !isList {
		return badRule(name, "Expected an array of actions.")
	}
	for i, item := range list {
		at := fmt.Sprintf("%s[%d]", name, i)
		a, isObj := asObject(item)
		if !isObj {
			return badRule(at, "Expected an action object.")
		}
		switch a["action"] {
		case terminate:
			if sloNull {
				if _, present := a["slo"]; !present {
					a["slo"] = nil
				}
			}
		case "RUN_WORKFLOW":
			wf, isObj := asObject(a["workflow"])
			if !isObj {
				return badRule(at+".workflow", "A RUN_WORKFLOW action needs a workflow object.")
			}
			switch id := wf["id"].(type) {
			case json.Number:
			case string:
				if id == "" {
					return badRule(at+".workflow.id", "The workflow id cannot be empty.")
				}
			default:
				return badRule(at+".workflow.id", "The workflow id must be a number or a string.")
			}
		default:
			return badRule(at+".action", fmt.Sprintf("Invalid action %v; expected %s or RUN_WORKFLOW.", a["action"], terminate))
		}
	}
	return nil
}

func (s *Server) checkConditions(typ string, v any) (any, *reply) {
	switch typ {
	case policyEntityRisk:
		return s.entityRiskConditions(v)
	case policyPostAuth:
		return s.postAuthConditions(v)
	case policySVD:
		return s.svdConditions(v)
	}
	return v, nil
}

func (s *Server) entityRiskConditions(v any) (any, *reply) {
	m, isObj := asObject(v)
	if !isObj {
		return nil, badRule("conditions.entityRisk.level", "The field is required.")
	}
	er, isObj := asObject(m["entityRisk"])
	if !isObj {
		return nil, badRule("conditions.entityRisk.level", "The field is required.")
	}
	switch er["level"] {
	case "ANY", "LOW", "MEDIUM", "HIGH":
	case nil:
		return nil, badRule("conditions.entityRisk.level", "The field is required.")
	default:
		return nil, badRule("conditions.entityRisk.level", fmt.Sprintf("Invalid risk level %v; expected ANY, LOW, MEDIUM or HIGH.", er["level"]))
	}
	if rdt, present := m["riskDetectionTypes"]; present && rdt != nil {
		r, isObj := asObject(rdt)
		if !isObj {
			return nil, badRule("conditions.riskDetectionTypes", "Expected an object.")
		}
		if r["include"] != nil && r["exclude"] != nil {
			return nil, badRule("conditions.riskDetectionTypes", "Use either include or exclude, not both.")
		}
	}
	if rep := s.checkPeople(m["people"]); rep != nil {
		return nil, rep
	}
	return m, nil
}

// postAuthConditions keeps users.exclude (even empty) and drops empty groups and an
// empty users.include, as the server did in the recordings.
func (s *Server) postAuthConditions(v any) (any, *reply) {
	m, isObj := asObject(v)
	if v != nil && !isObj {
		return nil, badRule("conditions", "Expected an object.")
	}
	if m == nil {
		m = map[string]any{}
	}
	if rep := s.checkPeople(m["people"]); rep != nil {
		return nil, rep
	}
	people, _ := asObject(m["people"])
	usersIn, _ := asObject(people["users"])
	groupsIn, _ := asObject(people["groups"])
	users := map[string]any{"exclude": nonNilList(usersIn["exclude"])}
	if inc := nonNilList(usersIn["include"]); len(inc) > 0 {
		users["include"] = inc
	}
	out := map[string]any{"users": users}
	grp := map[string]any{}
	for _, k := range []string{"include", "exclude"} {
		if l := nonNilList(groupsIn[k]); len(l) > 0 {
			grp[k] = l
		}
	}
	if len(grp) > 0 {
		out["groups"] = grp
	}
	m["people"] = out
	return m, nil
}

func nonNilList(v any) []any {
	if l, isList := v.([]any); isList {
		return l
	}
	return []any{}
}

// svdConditions requires riskScore.minRiskLevel, refuses riskScore.level and defaults
// network to ANYWHERE.
func (s *Server) svdConditions(v any) (any, *reply) {
	m, isObj := asObject(v)
	if !isObj {
		return nil, badRule("conditions.riskScore.minRiskLevel", "The field is required.")
	}
	rs, isObj := asObject(m["riskScore"])
	if !isObj {
		return nil, badRule("conditions.riskScore.minRiskLevel", "The field is required.")
	}
	if _, present := rs["level"]; present {
		return nil, badRule("conditions.riskScore.level", "The field is not supported for this policy type; use minRiskLevel.")
	}
	switch rs["minRiskLevel"] {
	case "LOW", "MEDIUM", "HIGH":
	default:
		return nil, badRule("conditions.riskScore.minRiskLevel", fmt.Sprintf("Invalid risk level %v; expected LOW, MEDIUM or HIGH.", rs["minRiskLevel"]))
	}
	if m["network"] == nil {
		m["network"] = map[string]any{"connection": "ANYWHERE"}
	}
	nw, isObj := asObject(m["network"])
	if !isObj {
		return nil, badRule("conditions.network", "Expected an object.")
	}
	switch nw["connection"] {
	case "ANYWHERE", "ON_NETWORK", "OFF_NETWORK":
	case "ZONE":
		for _, k := range []string{"include", "exclude"} {
			for i, id := range nonNilList(nw[k]) {
				sid, _ := id.(string)
				if s.org.zone(sid) == nil {
					return nil, badRule(fmt.Sprintf("conditions.network.%s[%d]", k, i), fmt.Sprintf("Unknown network zone %v.", id))
				}
			}
		}
	default:
		return nil, badRule("conditions.network.connection", fmt.Sprintf("Invalid connection %v.", nw["connection"]))
	}
	return m, nil
}

// checkPeople validates conditions.people: lists of existing user and group ids.
func (s *Server) checkPeople(v any) *reply {
	if v == nil {
		return nil
	}
	people, isObj := asObject(v)
	if !isObj {
		return badRule("conditions.people", "Expected an object.")
	}
	for _, kind := range []string{"users", "groups"} {
		if people[kind] == nil {
			continue
		}
		sub, isObj := asObject(people[kind])
		if !isObj {
			return badRule("conditions.people."+kind, "Expected an object.")
		}
		for _, k := range []string{"include", "exclude"} {
			if sub[k] == nil {
				continue
			}
			list, isList := sub[k].([]any)
			if !isList {
				return badRule(fmt.Sprintf("conditions.people.%s.%s", kind, k), "Expected an array of ids.")
			}
			for i, id := range list {
				sid, _ := id.(string)
				known := (kind == "users" && s.org.user(sid) != nil) || (kind == "groups" && s.org.group(sid) != nil)
				if !known {
					return badRule(fmt.Sprintf("conditions.people.%s.%s[%d]", kind, k, i), fmt.Sprintf("Unknown %s id %v.", kind[:len(kind)-1], id))
				}
			}
		}
	}
	return nil
}
