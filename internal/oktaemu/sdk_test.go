package oktaemu_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/okta/okta-sdk-golang/v6/okta"
)

const sdkToken = "sdk-token-abcdef"

// sdkClient points the real Okta SDK at an emulator over real HTTP. The SDK drops the org
// URL's port, hence RoutingTransport.
func sdkClient(t *testing.T, opts oktaemu.Options, extra ...okta.ConfigSetter) (*okta.APIClient, *oktaemu.Server) {
	t.Helper()
	if opts.Token == "" && opts.OAuth == nil {
		opts.Token = sdkToken
	}
	s := oktaemu.New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	u, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: oktaemu.RoutingTransport(u.Host, nil)}
	setters := []okta.ConfigSetter{
		okta.WithOrgUrl(ts.URL), okta.WithToken(sdkToken), okta.WithHttpClientPtr(hc),
		okta.WithCache(false), okta.WithTestingDisableHttpsCheck(true),
	}
	cfg, err := okta.NewConfiguration(append(setters, extra...)...)
	if err != nil {
		t.Fatalf("configure the SDK: %v", err)
	}
	return okta.NewAPIClient(cfg), s
}

// model decodes JSON into an SDK model, so tests write requests the way the API sees them.
func model[T any](t *testing.T, js string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatalf("decode %T: %v", v, err)
	}
	return v
}

// result carries an SDK call's outcome so that must(call.Execute()) reads in one line.
type result[T any] struct {
	v    T
	resp *okta.APIResponse
	err  error
}

func must[T any](v T, resp *okta.APIResponse, err error) result[T] {
	return result[T]{v, resp, err}
}

func (r result[T]) get(t *testing.T, what string) T {
	t.Helper()
	if r.err != nil {
		t.Fatalf("%s: %v", what, r.err)
	}
	return r.v
}

func status(t *testing.T, what string, resp *okta.APIResponse, err error, want int) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s: status %d, want %d", what, resp.StatusCode, want)
	}
}

func TestSDKZones(t *testing.T) {
	c, _ := sdkClient(t, oktaemu.Options{})
	ctx := context.Background()
	api := c.NetworkZoneAPI
	bodies := map[string]string{
		"IP":         `{"type":"IP","name":"sdk ip","status":"INACTIVE","usage":"POLICY","gateways":[{"type":"RANGE","value":"10.0.0.1"}],"proxies":[{"type":"CIDR","value":"2.2.3.4/24"}]}`,
		"DYNAMIC":    `{"type":"DYNAMIC","name":"sdk dyn","usage":"BLOCKLIST","proxyType":"TorAnonymizer","locations":[{"country":"US"},{"country":"AF","region":"AF-BGL"}]}`,
		"DYNAMIC_V2": `{"type":"DYNAMIC_V2","name":"sdk v2","usage":"POLICY","ipServiceCategories":{"include":["ALL_IP_SERVICES"],"exclude":["SURFSHARK_VPN"]},"locations":{"include":[{"country":"US"}]},"asns":{"include":["2232"]}}`,
	}
	for typ, body := range bodies {
		t.Run(typ, func(t *testing.T) {
			created, resp, err := api.CreateNetworkZone(ctx).Zone(model[okta.ListNetworkZones200ResponseInner](t, body)).Execute()
			status(t, "create", resp, err, 200)
			id, st := zoneIDStatus(created)
			if st != "ACTIVE" {
				t.Errorf("created status %q, want ACTIVE", st)
			}
			got := must(api.GetNetworkZone(ctx, id).Execute()).get(t, "get")
			switch typ {
			case "IP":
				if v := got.IPNetworkZone.Gateways[0].GetValue(); v != "10.0.0.1-10.0.0.1" {
					t.Errorf("gateway = %q, want 10.0.0.1-10.0.0.1", v)
				}
			case "DYNAMIC":
				if n := len(got.DynamicNetworkZone.Locations); n != 2 || got.DynamicNetworkZone.GetProxyType() != "TorAnonymizer" {
					t.Errorf("dynamic zone = %+v", got.DynamicNetworkZone)
				}
			case "DYNAMIC_V2":
				if inc := got.EnhancedDynamicNetworkZone.Asns.Include; len(inc) != 1 || inc[0] != "2232" {
					t.Errorf("asns include = %v", inc)
				}
			}
			replaced, resp, err := api.ReplaceNetworkZone(ctx, id).Zone(model[okta.ListNetworkZones200ResponseInner](t,
				strings.Replace(strings.Replace(body, `"name":"sdk `, `"status":"INACTIVE","name":"renamed `, 1), `"status":"INACTIVE","status":"INACTIVE"`, `"status":"INACTIVE"`, 1))).Execute()
			status(t, "replace", resp, err, 200)
			if _, st := zoneIDStatus(replaced); st != "INACTIVE" {
				t.Errorf("status after PUT = %q, want INACTIVE", st)
			}
			act := must(api.ActivateNetworkZone(ctx, id).Execute()).get(t, "activate")
			if _, st := zoneIDStatus(act); st != "ACTIVE" {
				t.Errorf("status after activate = %q", st)
			}
			if _, err := api.DeleteNetworkZone(ctx, id).Execute(); err == nil {
				t.Errorf("deleting an ACTIVE zone must fail")
			} else if !strings.Contains(err.Error(), "400") && !strings.Contains(err.Error(), "active zone") {
				t.Logf("delete error: %v", err)
			}
			must(api.DeactivateNetworkZone(ctx, id).Execute()).get(t, "deactivate")
			resp, err = api.DeleteNetworkZone(ctx, id).Execute()
			status(t, "delete", resp, err, 204)
			if _, resp, err := api.GetNetworkZone(ctx, id).Execute(); err == nil || resp == nil || resp.StatusCode != 404 {
				t.Errorf("GET after delete: err %v, want a 404", err)
			}
		})
	}
	list := must(api.ListNetworkZones(ctx).Filter(`system eq true`).Execute()).get(t, "list")
	if len(list) != 3 {
		t.Errorf("system zones listed: %d, want 3", len(list))
	}
}

func zoneIDStatus(z *okta.ListNetworkZones200ResponseInner) (string, string) {
	switch {
	case z.IPNetworkZone != nil:
		return z.IPNetworkZone.GetId(), z.IPNetworkZone.GetStatus()
	case z.DynamicNetworkZone != nil:
		return z.DynamicNetworkZone.GetId(), z.DynamicNetworkZone.GetStatus()
	case z.EnhancedDynamicNetworkZone != nil:
		return z.EnhancedDynamicNetworkZone.GetId(), z.EnhancedDynamicNetworkZone.GetStatus()
	}
	return "", ""
}

func TestSDKZoneListPaginates(t *testing.T) {
	c, s := sdkClient(t, oktaemu.Options{PageSize: 2})
	s.Seed(func(o *oktaemu.Org) {
		for _, n := range []string{"a", "b", "c", "d"} {
			if _, err := o.AddZone([]byte(`{"name":"` + n + `","type":"IP","gateways":[{"type":"CIDR","value":"1.2.3.4/32"}]}`)); err != nil {
				t.Fatal(err)
			}
		}
	})
	ctx := context.Background()
	zones, resp, err := c.NetworkZoneAPI.ListNetworkZones(ctx).Execute()
	status(t, "list", resp, err, 200)
	all := append([]okta.ListNetworkZones200ResponseInner(nil), zones...)
	for resp.HasNextPage() {
		var next []okta.ListNetworkZones200ResponseInner
		resp, err = resp.Next(&next)
		if err != nil {
			t.Fatalf("next page: %v", err)
		}
		all = append(all, next...)
	}
	if len(all) != 7 {
		t.Errorf("zones over all pages = %d, want 7", len(all))
	}
}

func TestSDKPoliciesAndRules(t *testing.T) {
	c, _ := sdkClient(t, oktaemu.Options{})
	ctx := context.Background()
	api := c.PolicyAPI
	ids := map[string]string{}
	for _, typ := range []string{"ENTITY_RISK", "POST_AUTH_SESSION", "SESSION_VIOLATION_DETECTION"} {
		list := must(api.ListPolicies(ctx).Type_(typ).Execute()).get(t, "list "+typ)
		if len(list) != 1 {
			t.Fatalf("%s policies = %d, want 1", typ, len(list))
		}
		switch typ {
		case "ENTITY_RISK":
			ids[typ] = list[0].EntityRiskPolicy.GetId()
		case "POST_AUTH_SESSION":
			ids[typ] = list[0].PostAuthSessionPolicy.GetId()
		default:
			ids[typ] = list[0].SessionViolationDetectionPolicy.GetId()
		}
		if ids[typ] == "" {
			t.Fatalf("%s policy decoded without id: %+v", typ, list[0])
		}
	}

	er := ids["ENTITY_RISK"]
	rule := model[okta.ListPolicyRules200ResponseInner](t, `{"type":"ENTITY_RISK","name":"sdk high","system":false,
		"conditions":{"entityRisk":{"level":"HIGH"},"people":{"users":{"include":[],"exclude":[]},"groups":{"include":[],"exclude":[]}}},
		"actions":{"entityRisk":{"actions":[{"action":"TERMINATE_ALL_SESSIONS"}]}}}`)
	created, resp, err := api.CreatePolicyRule(ctx, er).PolicyRule(rule).Activate(false).Execute()
	status(t, "create entity risk rule", resp, err, 200)
	rid := created.EntityRiskPolicyRule.GetId()
	if created.EntityRiskPolicyRule.GetStatus() != "INACTIVE" {
		t.Errorf("rule created with activate=false has status %q", created.EntityRiskPolicyRule.GetStatus())
	}
	resp, err = api.ActivatePolicyRule(ctx, er, rid).Execute()
	status(t, "activate rule", resp, err, 204)
	got := must(api.GetPolicyRule(ctx, er, rid).Execute()).get(t, "get rule")
	if got.EntityRiskPolicyRule.GetStatus() != "ACTIVE" || got.EntityRiskPolicyRule.Conditions.EntityRisk.GetLevel() != "HIGH" {
		t.Errorf("rule after activate = %+v", got.EntityRiskPolicyRule)
	}
	got.EntityRiskPolicyRule.SetName("sdk high renamed")
	upd := must(api.ReplacePolicyRule(ctx, er, rid).PolicyRule(*got).Execute()).get(t, "replace rule")
	if upd.EntityRiskPolicyRule.GetName() != "sdk high renamed" {
		t.Errorf("renamed rule = %q", upd.EntityRiskPolicyRule.GetName())
	}
	resp, err = api.DeactivatePolicyRule(ctx, er, rid).Execute()
	status(t, "deactivate rule", resp, err, 204)
	resp, err = api.DeletePolicyRule(ctx, er, rid).Execute()
	status(t, "delete rule", resp, err, 204)

	pa := ids["POST_AUTH_SESSION"]
	rules := must(api.ListPolicyRules(ctx, pa).Execute()).get(t, "list post-auth rules")
	if len(rules) != 2 || rules[0].PostAuthSessionPolicyRule == nil {
		t.Fatalf("post-auth rules = %+v", rules)
	}
	par := rules[0]
	par.PostAuthSessionPolicyRule.SetName("sdk post auth")
	before := par.PostAuthSessionPolicyRule.GetPriority()
	par.PostAuthSessionPolicyRule.Priority.Unset()
	out := must(api.ReplacePolicyRule(ctx, pa, par.PostAuthSessionPolicyRule.GetId()).PolicyRule(par).Execute()).get(t, "replace post-auth rule")
	if out.PostAuthSessionPolicyRule.GetName() != "sdk post auth" || out.PostAuthSessionPolicyRule.GetPriority() != before+1 {
		t.Errorf("post-auth rule after PUT: name %q priority %d (was %d)", out.PostAuthSessionPolicyRule.GetName(), out.PostAuthSessionPolicyRule.GetPriority(), before)
	}

	svd := ids["SESSION_VIOLATION_DETECTION"]
	srules := must(api.ListPolicyRules(ctx, svd).Execute()).get(t, "list SVD rules")
	sr := srules[0]
	if sr.SessionViolationDetectionPolicyRule == nil {
		t.Fatalf("SVD rule decoded as %+v", sr)
	}
	sr.SessionViolationDetectionPolicyRule.Conditions.RiskScore.SetMinRiskLevel("HIGH")
	sout := must(api.ReplacePolicyRule(ctx, svd, sr.SessionViolationDetectionPolicyRule.GetId()).PolicyRule(sr).Execute()).get(t, "replace SVD rule")
	if lvl := sout.SessionViolationDetectionPolicyRule.Conditions.RiskScore.GetMinRiskLevel(); lvl != "HIGH" {
		t.Errorf("SVD min risk level = %q, want HIGH", lvl)
	}
}

func TestSDKUserRiskUsersGroups(t *testing.T) {
	c, _ := sdkClient(t, oktaemu.Options{})
	ctx := context.Background()
	u := must(c.UserAPI.GetUser(ctx, "jane.doe@example.com").Execute()).get(t, "get user")
	id := u.GetId()
	if u.Profile.GetFirstName() != "Jane" {
		t.Errorf("first name = %q", u.Profile.GetFirstName())
	}
	found := must(c.UserAPI.ListUsers(ctx).Search(`profile.login eq "john.roe@example.com"`).Execute()).get(t, "search users")
	if len(found) != 1 || found[0].Profile.GetLogin() != "john.roe@example.com" {
		t.Errorf("search = %+v", found)
	}
	groups := must(c.GroupAPI.ListGroups(ctx).Q("Break").Execute()).get(t, "list groups")
	if len(groups) != 1 || groupName(groups[0]) != "Break Glass Admins" {
		t.Errorf("groups = %+v", groups)
	}

	none := must(c.UserRiskAPI.GetUserRisk(ctx, id).Execute()).get(t, "get risk")
	if none.UserRiskLevelNone == nil || none.UserRiskLevelNone.GetRiskLevel() != "NONE" {
		t.Errorf("never-set risk decoded as %+v", none)
	}
	req := okta.UserRiskRequest{RiskLevel: okta.PtrString("HIGH")}
	put, resp, err := c.UserRiskAPI.UpsertUserRisk(ctx, id).UserRiskRequest(req).Execute()
	status(t, "put risk", resp, err, 201)
	if put.GetRiskLevel() != "HIGH" || put.GetReason() != "Admin override risk" {
		t.Errorf("put risk = %+v", put)
	}
	req.RiskLevel = okta.PtrString("LOW")
	_, resp, err = c.UserRiskAPI.UpsertUserRisk(ctx, id).UserRiskRequest(req).Execute()
	status(t, "put risk again", resp, err, 200)
	got := must(c.UserRiskAPI.GetUserRisk(ctx, id).Execute()).get(t, "get risk")
	if got.UserRiskLevelExists == nil || got.UserRiskLevelExists.GetRiskLevel() != "LOW" {
		t.Errorf("risk = %+v", got)
	}
}

func TestSDKSecurityEventsProviders(t *testing.T) {
	c, _ := sdkClient(t, oktaemu.Options{})
	ctx := context.Background()
	api := c.SSFReceiverAPI
	req := model[okta.SecurityEventsProviderRequest](t, `{"name":"sdk provider","type":"okta","settings":{"issuer":"https://issuer.example.com","jwks_url":"https://issuer.example.com/keys"}}`)
	p, resp, err := api.CreateSecurityEventsProviderInstance(ctx).Instance(req).Execute()
	status(t, "create provider", resp, err, 200)
	id := p.GetId()
	if p.GetStatus() != "ACTIVE" || p.Settings.GetIssuer() != "https://issuer.example.com" || p.Settings.WellKnownUrl.IsSet() {
		t.Errorf("created provider = %+v (well_known_url set %v)", p, p.Settings.WellKnownUrl.IsSet())
	}
	de := must(api.DeactivateSecurityEventsProviderInstance(ctx, id).Execute()).get(t, "deactivate provider")
	if de.GetStatus() != "INACTIVE" {
		t.Errorf("status after deactivate = %q", de.GetStatus())
	}
	must(api.ActivateSecurityEventsProviderInstance(ctx, id).Execute()).get(t, "activate provider")
	req.Name = "sdk provider 2"
	rp := must(api.ReplaceSecurityEventsProviderInstance(ctx, id).Instance(req).Execute()).get(t, "replace provider")
	if rp.GetName() != "sdk provider 2" {
		t.Errorf("name after PUT = %q", rp.GetName())
	}
	list := must(api.ListSecurityEventsProviderInstances(ctx).Execute()).get(t, "list providers")
	if len(list) != 1 {
		t.Errorf("providers = %d, want 1", len(list))
	}
	resp, err = api.DeleteSecurityEventsProviderInstance(ctx, id).Execute()
	status(t, "delete provider", resp, err, 204)
}

func TestSDKPrivateKeyOAuth(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	opts := oktaemu.Options{OAuth: &oktaemu.OAuthClient{
		ClientID: "0oaclient", PublicKey: &key.PublicKey, KeyID: "kid-1",
		Scopes: []string{"okta.networkZones.read", "okta.policies.read"},
	}}
	oauth := []okta.ConfigSetter{
		okta.WithAuthorizationMode("PrivateKey"), okta.WithClientId("0oaclient"),
		okta.WithScopes([]string{"okta.networkZones.read", "okta.policies.read"}),
		okta.WithPrivateKey(keyPEM), okta.WithPrivateKeyId("kid-1"),
	}
	c, s := sdkClient(t, opts, oauth...)
	ctx := context.Background()
	zones := must(c.NetworkZoneAPI.ListNetworkZones(ctx).Execute()).get(t, "list zones with OAuth")
	if len(zones) != 3 {
		t.Errorf("zones = %d, want 3", len(zones))
	}
	must(c.PolicyAPI.ListPolicies(ctx).Type_("ENTITY_RISK").Execute()).get(t, "list policies with OAuth")
	_, resp, err := c.UserRiskAPI.GetUserRisk(ctx, "jane.doe@example.com").Execute()
	if err == nil || resp == nil || resp.StatusCode != 403 {
		t.Errorf("call without the userRisk scope: err %v, want 403", err)
	}
	if n := s.Requests().ByRoute["POST /oauth2/v1/token"]; n != 1 {
		t.Errorf("token requests = %d, want 1 (the SDK caches the token)", n)
	}

	// A client asking for a scope it was not granted gets no token at all.
	bad, _ := sdkClient(t, opts, append(oauth, okta.WithScopes([]string{"okta.users.manage"}))...)
	if _, _, err := bad.NetworkZoneAPI.ListNetworkZones(ctx).Execute(); err == nil {
		t.Errorf("a token with an ungranted scope must be refused")
	}
}

// groupName reads a group's name whichever anyOf variant the SDK decoded the profile into
// (it tries the Active Directory profile first, which also matches Okta groups).
func groupName(g okta.Group) string {
	switch {
	case g.Profile == nil:
		return ""
	case g.Profile.OktaActiveDirectoryGroupProfile != nil:
		return g.Profile.OktaActiveDirectoryGroupProfile.GetName()
	case g.Profile.OktaUserGroupProfile != nil:
		return g.Profile.OktaUserGroupProfile.GetName()
	}
	return ""
}

// TestSDKRetriesAfter429 checks that the 429 headers let the SDK's own retry work.
func TestSDKRetriesAfter429(t *testing.T) {
	c, s := sdkClient(t, oktaemu.Options{}, okta.WithRateLimitMaxRetries(2), okta.WithRateLimitMaxBackOff(5))
	s.SetFaults(oktaemu.Faults{Burst429: 1})
	zones := must(c.NetworkZoneAPI.ListNetworkZones(context.Background()).Execute()).get(t, "list zones after a 429")
	if len(zones) != 3 {
		t.Errorf("zones = %d, want 3", len(zones))
	}
	if n := s.Requests().ByRoute["GET /api/v1/zones"]; n != 2 {
		t.Errorf("zone list requests = %d, want 2 (one 429, one retry)", n)
	}
}
