package oktaemu

import "strings"

// route is one API endpoint: its path template, rate-limit bucket, OAuth scope and handler.
type route struct {
	method   string
	template string
	segs     []string
	bucket   string
	scope    string
	public   bool // no API authentication (the token endpoint)
	handle   func(s *Server, c *call) reply
	// event is the System Log event a successful call records; nil for reads. The zone,
	// policy rule and user risk event types are Okta's; of the providers' only
	// security.events.provider.deactivate is attested, the others follow its pattern.
	event *eventSpec
}

const (
	zones     = "/api/v1/zones"
	policies  = "/api/v1/policies"
	users     = "/api/v1/users"
	groups    = "/api/v1/groups"
	providers = "/api/v1/security-events-providers"
)

var routes = buildRoutes()

func buildRoutes() []*route {
	rs := []*route{
		{method: "GET", template: zones, bucket: "zones", scope: "okta.networkZones.read", handle: (*Server).listZones},
		{method: "POST", template: zones, bucket: "zones", scope: "okta.networkZones.manage", handle: (*Server).createZone, event: &eventSpec{"zone.create", "Create network zone", targetZone}},
		{method: "GET", template: zones + "/{id}", bucket: "zones", scope: "okta.networkZones.read", handle: (*Server).getZone},
		{method: "PUT", template: zones + "/{id}", bucket: "zones", scope: "okta.networkZones.manage", handle: (*Server).replaceZone, event: &eventSpec{"zone.update", "Update network zone", targetZone}},
		{method: "DELETE", template: zones + "/{id}", bucket: "zones", scope: "okta.networkZones.manage", handle: (*Server).deleteZone, event: &eventSpec{"zone.delete", "Delete network zone", targetZone}},
		{method: "POST", template: zones + "/{id}/lifecycle/activate", bucket: "zones", scope: "okta.networkZones.manage", handle: (*Server).activateZone, event: &eventSpec{"zone.activate", "Activate network zone", targetZone}},
		{method: "POST", template: zones + "/{id}/lifecycle/deactivate", bucket: "zones", scope: "okta.networkZones.manage", handle: (*Server).deactivateZone, event: &eventSpec{"zone.deactivate", "Deactivate network zone", targetZone}},

		{method: "GET", template: policies, bucket: "policies", scope: "okta.policies.read", handle: (*Server).listPolicies},
		{method: "GET", template: policies + "/{id}", bucket: "policies", scope: "okta.policies.read", handle: (*Server).getPolicy},
		{method: "GET", template: policies + "/{id}/rules", bucket: "policies", scope: "okta.policies.read", handle: (*Server).listRules},
		{method: "POST", template: policies + "/{id}/rules", bucket: "policies", scope: "okta.policies.manage", handle: (*Server).createRule, event: &eventSpec{"policy.rule.add", "Add policy rule", targetRule}},
		{method: "GET", template: policies + "/{id}/rules/{ruleId}", bucket: "policies", scope: "okta.policies.read", handle: (*Server).getRule},
		{method: "PUT", template: policies + "/{id}/rules/{ruleId}", bucket: "policies", scope: "okta.policies.manage", handle: (*Server).replaceRule, event: &eventSpec{"policy.rule.update", "Update policy rule", targetRule}},
		{method: "DELETE", template: policies + "/{id}/rules/{ruleId}", bucket: "policies", scope: "okta.policies.manage", handle: (*Server).deleteRule, event: &eventSpec{"policy.rule.delete", "Delete policy rule", targetRule}},
		{method: "POST", template: policies + "/{id}/rules/{ruleId}/lifecycle/activate", bucket: "policies", scope: "okta.policies.manage", handle: (*Server).activateRule, event: &eventSpec{"policy.rule.activate", "Activate policy rule", targetRule}},
		{method: "POST", template: policies + "/{id}/rules/{ruleId}/lifecycle/deactivate", bucket: "policies", scope: "okta.policies.manage", handle: (*Server).deactivateRule, event: &eventSpec{"policy.rule.deactivate", "Deactivate policy rule", targetRule}},

		{method: "GET", template: users, bucket: "users", scope: "okta.users.read", handle: (*Server).listUsers},
		{method: "POST", template: users, bucket: "users", scope: "okta.users.manage", handle: (*Server).createUser},
		{method: "GET", template: users + "/{id}", bucket: "users", scope: "okta.users.read", handle: (*Server).getUser},
		{method: "DELETE", template: users + "/{id}", bucket: "users", scope: "okta.users.manage", handle: (*Server).deleteUser},
		{method: "GET", template: users + "/{id}/risk", bucket: "risk", scope: "okta.userRisk.read", handle: (*Server).getRisk},
		{method: "PUT", template: users + "/{id}/risk", bucket: "risk", scope: "okta.userRisk.manage", handle: (*Server).putRisk, event: &eventSpec{"user.risk.change", "Admin changed user risk level", targetRisk}},

		{method: "GET", template: groups, bucket: "groups", scope: "okta.groups.read", handle: (*Server).listGroups},
		{method: "GET", template: groups + "/{id}", bucket: "groups", scope: "okta.groups.read", handle: (*Server).getGroup},

		{method: "GET", template: providers, bucket: "ssf", scope: "okta.securityEventsProviders.read", handle: (*Server).listProviders},
		{method: "POST", template: providers, bucket: "ssf", scope: "okta.securityEventsProviders.manage", handle: (*Server).createProvider, event: &eventSpec{"security.events.provider.create", "Create security events provider", targetProvider}},
		{method: "GET", template: providers + "/{id}", bucket: "ssf", scope: "okta.securityEventsProviders.read", handle: (*Server).getProvider},
		{method: "PUT", template: providers + "/{id}", bucket: "ssf", scope: "okta.securityEventsProviders.manage", handle: (*Server).replaceProvider, event: &eventSpec{"security.events.provider.update", "Update security events provider", targetProvider}},
		{method: "DELETE", template: providers + "/{id}", bucket: "ssf", scope: "okta.securityEventsProviders.manage", handle: (*Server).deleteProvider, event: &eventSpec{"security.events.provider.delete", "Delete security events provider", targetProvider}},
		{method: "POST", template: providers + "/{id}/lifecycle/activate", bucket: "ssf", scope: "okta.securityEventsProviders.manage", handle: (*Server).activateProvider, event: &eventSpec{"security.events.provider.activate", "Activate security events provider", targetProvider}},
		{method: "POST", template: providers + "/{id}/lifecycle/deactivate", bucket: "ssf", scope: "okta.securityEventsProviders.manage", handle: (*Server).deactivateProvider, event: &eventSpec{"security.events.provider.deactivate", "Deactivate security events provider", targetProvider}},

		{method: "GET", template: logsPath, bucket: "logs", scope: "okta.logs.read", handle: (*Server).listLogs},

		{method: "POST", template: "/oauth2/v1/token", bucket: "oauth", public: true, handle: (*Server).token},
	}
	for _, r := range rs {
		r.segs = strings.Split(strings.Trim(r.template, "/"), "/")
	}
	return rs
}

// match finds the route of method and path. methodOK reports that the path exists with
// another method (405 rather than 404).
func match(method, path string) (rt *route, params map[string]string, methodOK bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, r := range routes {
		p, ok := matchSegs(r.segs, segs)
		if !ok {
			continue
		}
		if r.method != method {
			methodOK = true
			continue
		}
		return r, p, false
	}
	return nil, nil, methodOK
}

func matchSegs(tmpl, segs []string) (map[string]string, bool) {
	if len(tmpl) != len(segs) {
		return nil, false
	}
	var p map[string]string
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") {
			if segs[i] == "" {
				return nil, false
			}
			if p == nil {
				p = map[string]string{}
			}
			p[strings.Trim(t, "{}")] = segs[i]
			continue
		}
		if t != segs[i] {
			return nil, false
		}
	}
	return p, true
}
