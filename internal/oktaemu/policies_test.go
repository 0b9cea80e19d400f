package oktaemu

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ids returns the three policy ids and the rule ids of each policy.
func policyIDs(s *Server) (er, pa, svd string, rules map[string][]string) {
	rules = map[string][]string{}
	s.Seed(func(o *Org) {
		er, pa, svd = o.PolicyID("ENTITY_RISK"), o.PolicyID("POST_AUTH_SESSION"), o.PolicyID("SESSION_VIOLATION_DETECTION")
		for _, p := range []string{er, pa, svd} {
			rules[p] = o.RuleIDs(p)
		}
	})
	return er, pa, svd, rules
}

func TestPolicyListAndRuleList(t *testing.T) {
	s, ts := start(t, Options{})
	_, pa, _, _ := policyIDs(s)
	for _, typ := range []string{"ENTITY_RISK", "POST_AUTH_SESSION", "SESSION_VIOLATION_DETECTION"} {
		r := send(t, ts, "GET", "/api/v1/policies?type="+typ, "")
		if r.status != 200 {
			t.Fatalf("list %s = %d %s", typ, r.status, r.raw)
		}
		if diff := cmp.Diff([]string{"<" + ts.URL + "/api/v1/policies?type=" + typ + `>; rel="self"`}, r.header.Values("Link")); diff != "" {
			t.Errorf("Link of %s (-want +got):\n%s", typ, diff)
		}
		list := r.list(t)
		if len(list) != 1 || path(list, "0.system") != true || path(list, "0.priority") != 1.0 || !has(list[0], "conditions") || path(list, "0.conditions") != nil || path(list, "0.type") != typ {
			t.Errorf("policies of %s = %s", typ, r.raw)
		}
	}
	r := send(t, ts, "GET", "/api/v1/policies/"+pa+"/rules", "")
	if len(r.header.Values("Link")) != 0 {
		t.Errorf("rule list Link = %q, want none", r.header.Values("Link"))
	}
	rules := r.list(t)
	if len(rules) != 2 || path(rules, "0.name") != "Post Session Protection Rule" || path(rules, "1.name") != "Catch-all Rule" {
		t.Fatalf("post-auth rules = %s", r.raw)
	}
	catchAll := rules[1]
	if path(catchAll, "priority") != 99.0 || path(catchAll, "system") != true || path(catchAll, "conditions") != nil ||
		!cmp.Equal(keys(path(catchAll, "_links")), []string{"self"}) || mustJSON(path(catchAll, "_links.self.hints.allow")) != `["GET","PUT"]` {
		t.Errorf("catch-all = %s", mustJSON(catchAll))
	}
	if got := mustJSON(path(rules, "0.actions")); got != `{"postAuthSession":{"failureActions":[{"action":"TERMINATE_SESSION","slo":null}]}}` {
		t.Errorf("post-auth rule actions = %s", got)
	}
	if r := send(t, ts, "GET", "/api/v1/policies", ""); r.status != 400 || path(r.json, "errorCode") != "E0000028" {
		t.Errorf("list without type = %d %s, want 400 E0000028", r.status, r.raw)
	}
}

func TestPostAuthRulePriorityDrift(t *testing.T) {
	s, ts := start(t, Options{})
	_, pa, _, rules := policyIDs(s)
	rid := rules[pa][0]
	eight := 8
	s.Seed(func(o *Org) {
		if err := o.OverrideRule(rid, RuleState{Priority: &eight}); err != nil {
			t.Fatal(err)
		}
	})
	body := `{"actions":{"postAuthSession":{"failureActions":[{"action":"TERMINATE_SESSION"}]}},"conditions":{"people":{"groups":{"exclude":[],"include":[]},"users":{"exclude":[],"include":[]}}},"id":"` + rid + `","name":"renamed","system":false,"type":"POST_AUTH_SESSION"}`
	for _, want := range []float64{9, 10} {
		r := send(t, ts, "PUT", "/api/v1/policies/"+pa+"/rules/"+rid, body)
		if r.status != 200 {
			t.Fatalf("PUT = %d %s", r.status, r.raw)
		}
		if path(r.json, "priority") != want {
			t.Errorf("priority after PUT without priority = %v, want %v", path(r.json, "priority"), want)
		}
		if got := mustJSON(path(r.json, "conditions")); got != `{"people":{"users":{"exclude":[]}}}` {
			t.Errorf("conditions = %s, want empty groups and users.include dropped", got)
		}
		if got := mustJSON(path(r.json, "actions")); want == 9 && got != `{"postAuthSession":{"failureActions":[{"action":"TERMINATE_SESSION","slo":null}]}}` {
			t.Errorf("actions = %s, want slo:null echoed", got)
		}
		body = strings.Replace(body, `{"failureActions":[{"action":"TERMINATE_SESSION"}]}`, `{}`, 1)
	}
	get := send(t, ts, "GET", "/api/v1/policies/"+pa+"/rules/"+rid, "")
	if path(get.json, "priority") != 10.0 || mustJSON(path(get.json, "actions")) != `{"postAuthSession":{}}` || path(get.json, "status") != "ACTIVE" {
		t.Errorf("rule after two PUTs = %s", get.raw)
	}
	if r := send(t, ts, "POST", "/api/v1/policies/"+pa+"/rules", `{"name":"x","actions":{"postAuthSession":{}}}`); r.status != 400 || path(r.json, "errorCode") != "E0000001" {
		t.Errorf("POST rule to post-auth policy = %d %s, want 400 E0000001", r.status, r.raw)
	}
}

func TestSessionViolationRuleReplace(t *testing.T) {
	s, ts := start(t, Options{})
	_, _, svd, rules := policyIDs(s)
	rid := rules[svd][0]
	orig := send(t, ts, "GET", "/api/v1/policies/"+svd+"/rules/"+rid, "").obj(t)
	if mustJSON(orig["conditions"]) != `{"network":{"connection":"ANYWHERE"},"riskScore":{"minRiskLevel":"LOW"}}` || orig["name"] != "Session Violation Policy Risk Rule" {
		t.Errorf("seeded SVD rule = %s", mustJSON(orig))
	}
	r := send(t, ts, "PUT", "/api/v1/policies/"+svd+"/rules/"+rid, `{"actions":{"sessionViolationDetection":{"policyEvaluation":{"enabled":false}}},"conditions":{"riskScore":{"minRiskLevel":"HIGH"}},"id":"`+rid+`","name":"n","priority":0,"system":false,"type":"SESSION_VIOLATION_DETECTION"}`)
	if r.status != 200 || path(r.json, "priority") != 0.0 || mustJSON(path(r.json, "conditions")) != `{"network":{"connection":"ANYWHERE"},"riskScore":{"minRiskLevel":"HIGH"}}` {
		t.Errorf("SVD PUT = %d %s, want priority 0 and network defaulted", r.status, r.raw)
	}
	bad := []struct{ name, body, cause string }{
		{"riskScore.level", `{"conditions":{"riskScore":{"level":"HIGH","minRiskLevel":"HIGH"}},"actions":{"sessionViolationDetection":{"policyEvaluation":{"enabled":true}}}}`, "conditions.riskScore.level"},
		{"no minRiskLevel", `{"conditions":{"riskScore":{}},"actions":{"sessionViolationDetection":{"policyEvaluation":{"enabled":true}}}}`, "conditions.riskScore.minRiskLevel"},
		{"no policyEvaluation", `{"conditions":{"riskScore":{"minRiskLevel":"LOW"}},"actions":{"sessionViolationDetection":{}}}`, "actions.sessionViolationDetection.policyEvaluation"},
		{"priority 99", `{"priority":99,"conditions":{"riskScore":{"minRiskLevel":"LOW"}},"actions":{"sessionViolationDetection":{"policyEvaluation":{"enabled":true}}}}`, "priority"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, ts, "PUT", "/api/v1/policies/"+svd+"/rules/"+rid, tt.body)
			if r.status != 400 || !strings.HasPrefix(path(r.json, "errorCauses.0.errorSummary").(string), tt.cause+":") {
				t.Errorf("PUT = %d %s, want 400 with a cause on %s", r.status, r.raw, tt.cause)
			}
		})
	}
}

func TestEntityRiskRuleLifecycle(t *testing.T) {
	s, ts := start(t, Options{})
	er, _, _, rules := policyIDs(s)
	base := "/api/v1/policies/" + er + "/rules"
	create := `{"name":"High","type":"ENTITY_RISK","conditions":{"entityRisk":{"level":"HIGH"},"people":{"users":{"exclude":[],"include":[]},"groups":{"exclude":[],"include":[]}}},"actions":{"entityRisk":{"actions":[{"action":"TERMINATE_ALL_SESSIONS"},{"action":"RUN_WORKFLOW","workflow":{"id":123}}]}}}`
	r := send(t, ts, "POST", base, create)
	if r.status != 200 || path(r.json, "status") != "ACTIVE" || path(r.json, "priority") != 1.0 || path(r.json, "actions.entityRisk.actions.1.workflow.id") != 123.0 {
		t.Fatalf("create = %d %s", r.status, r.raw)
	}
	id := path(r.json, "id").(string)
	if len(id) != 20 || !strings.HasPrefix(id, "rul") {
		t.Errorf("rule id = %q", id)
	}
	inactive := send(t, ts, "POST", base+"?activate=false", strings.Replace(strings.Replace(create, `"High"`, `"Low"`, 1), `"id":123`, `"id":"wf-1"`, 1))
	if inactive.status != 200 || path(inactive.json, "status") != "INACTIVE" || path(inactive.json, "priority") != 2.0 || path(inactive.json, "actions.entityRisk.actions.1.workflow.id") != "wf-1" {
		t.Fatalf("create ?activate=false = %d %s", inactive.status, inactive.raw)
	}
	if !strings.Contains(inactive.raw, `"_links":{"activate"`) {
		t.Errorf("INACTIVE rule links must offer activate first: %s", inactive.raw)
	}
	for _, tt := range []struct{ name, body, cause string }{
		{"missing level", `{"name":"x","conditions":{"entityRisk":{}},"actions":{"entityRisk":{}}}`, "conditions.entityRisk.level"},
		{"bad level", `{"name":"x","conditions":{"entityRisk":{"level":"SEVERE"}},"actions":{"entityRisk":{}}}`, "conditions.entityRisk.level"},
		{"bad workflow id", `{"name":"x","conditions":{"entityRisk":{"level":"ANY"}},"actions":{"entityRisk":{"actions":[{"action":"RUN_WORKFLOW","workflow":{"id":true}}]}}}`, "actions.entityRisk.actions[0].workflow.id"},
		{"unknown user", `{"name":"x","conditions":{"entityRisk":{"level":"ANY"},"people":{"users":{"include":["00unope"]}}},"actions":{"entityRisk":{}}}`, "conditions.people.users.include[0]"},
		{"duplicate name", `{"name":"High","conditions":{"entityRisk":{"level":"ANY"}},"actions":{"entityRisk":{}}}`, "name"},
		{"priority wrong type", `{"name":"x","priority":"1","conditions":{"entityRisk":{"level":"ANY"}},"actions":{"entityRisk":{}}}`, "priority"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, ts, "POST", base, tt.body)
			cause, _ := path(r.json, "errorCauses.0.errorSummary").(string)
			if r.status != 400 || path(r.json, "errorCode") != "E0000001" || !strings.HasPrefix(cause, tt.cause+":") {
				t.Errorf("POST = %d %s, want 400 E0000001 with a cause on %s", r.status, r.raw, tt.cause)
			}
		})
	}

	for _, op := range []string{"deactivate", "activate"} {
		r := send(t, ts, "POST", base+"/"+id+"/lifecycle/"+op, "")
		if r.status != http.StatusNoContent || r.raw != "" {
			t.Errorf("rule %s = %d %q, want 204 with no body", op, r.status, r.raw)
		}
	}
	if r := send(t, ts, "DELETE", base+"/"+rules[er][0], ""); r.status != 400 {
		t.Errorf("DELETE catch-all = %d, want 400", r.status)
	}
	if r := send(t, ts, "DELETE", base+"/"+id, ""); r.status != 204 {
		t.Errorf("DELETE rule = %d %s, want 204", r.status, r.raw)
	}
	gone := send(t, ts, "GET", base+"/"+id, "")
	if gone.status != 404 || path(gone.json, "errorSummary") != "Not found: Resource not found: "+id+" (PolicyRule)" {
		t.Errorf("GET deleted rule = %d %s", gone.status, gone.raw)
	}
}
