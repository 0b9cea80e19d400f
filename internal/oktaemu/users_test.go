package oktaemu

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUserRisk(t *testing.T) {
	s, ts := start(t, Options{})
	var jane string
	s.Seed(func(o *Org) { jane = o.UserID("jane.doe@example.com") })
	base := "/api/v1/users/" + jane + "/risk"
	none := send(t, ts, "GET", base, "")
	if none.status != 200 || path(none.json, "riskLevel") != "NONE" || has(none.json, "reason") || path(none.json, "_links.self.href") != ts.URL+base {
		t.Fatalf("GET never-set risk = %d %s", none.status, none.raw)
	}
	steps := []struct {
		body   string
		status int
		level  string
	}{
		{`{"riskLevel":"LOW"}`, 201, "LOW"},
		{`{"riskLevel":"HIGH"}`, 200, "HIGH"},
		{`{"riskLevel":"MEDIUM"}`, 400, ""},
		{`{"riskLevel":"NONE"}`, 400, ""},
		{`{}`, 400, ""},
		{`{"riskLevel":1}`, 400, ""},
	}
	for _, st := range steps {
		r := send(t, ts, "PUT", base, st.body)
		if r.status != st.status {
			t.Fatalf("PUT %s = %d %s, want %d", st.body, r.status, r.raw, st.status)
		}
		if st.level != "" && (path(r.json, "riskLevel") != st.level || path(r.json, "reason") != "Admin override risk") {
			t.Errorf("PUT %s = %s", st.body, r.raw)
		}
	}
	if got := send(t, ts, "GET", base, ""); path(got.json, "riskLevel") != "HIGH" || mustJSON(path(got.json, "_links.user.hints.allow")) != `["GET"]` {
		t.Errorf("GET risk = %s", got.raw)
	}
	if r := send(t, ts, "GET", "/api/v1/users/00unknown/risk", ""); r.status != 404 || path(r.json, "errorCode") != "E0000007" {
		t.Errorf("unknown user risk = %d %s", r.status, r.raw)
	}
}

func TestUserAndGroupLookup(t *testing.T) {
	_, ts := start(t, Options{})
	byLogin := send(t, ts, "GET", "/api/v1/users/jane.doe@example.com", "")
	if byLogin.status != 200 || path(byLogin.json, "profile.firstName") != "Jane" || path(byLogin.json, "profile.lastName") != "Doe" {
		t.Fatalf("GET user by login = %d %s", byLogin.status, byLogin.raw)
	}
	id := path(byLogin.json, "id").(string)
	if !strings.HasPrefix(id, "00u") || len(id) != 20 {
		t.Errorf("user id = %q", id)
	}
	logins := func(path string) []string {
		r := send(t, ts, "GET", path, "")
		if r.status != 200 {
			t.Fatalf("GET %s = %d %s", path, r.status, r.raw)
		}
		var out []string
		for _, u := range r.list(t) {
			out = append(out, u.(map[string]any)["profile"].(map[string]any)["login"].(string))
		}
		return out
	}
	tests := []struct {
		path string
		want []string
	}{
		{"/api/v1/users", []string{"jane.doe@example.com", "john.roe@example.com"}},
		{"/api/v1/users?search=" + urlQuery(`profile.login eq "john.roe@example.com"`), []string{"john.roe@example.com"}},
		{"/api/v1/users?filter=" + urlQuery(`profile.login eq "jane.doe@example.com"`), []string{"jane.doe@example.com"}},
		{"/api/v1/users?q=jo", []string{"john.roe@example.com"}},
		{"/api/v1/users?limit=1&after=" + id, []string{"john.roe@example.com"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, logins(tt.path)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.path, diff)
		}
	}
	first := send(t, ts, "GET", "/api/v1/users?limit=1", "")
	if links := first.header.Values("Link"); len(links) != 2 || !strings.Contains(links[1], "after="+id) || !strings.HasSuffix(links[1], `rel="next"`) {
		t.Errorf("Link = %q, want self and a next after the first user", links)
	}

	groups := send(t, ts, "GET", "/api/v1/groups?q=Break", "")
	if len(groups.list(t)) != 1 || path(groups.json, "0.profile.name") != "Break Glass Admins" || path(groups.json, "0.type") != "OKTA_GROUP" {
		t.Fatalf("groups q=Break = %s", groups.raw)
	}
	gid := path(groups.json, "0.id").(string)
	if !strings.HasPrefix(gid, "00g") {
		t.Errorf("group id = %q", gid)
	}
	ev := send(t, ts, "GET", "/api/v1/groups?search="+urlQuery(`profile.name eq "Everyone"`), "")
	if len(ev.list(t)) != 1 || path(ev.json, "0.type") != "BUILT_IN" {
		t.Errorf("search Everyone = %s", ev.raw)
	}
	if r := send(t, ts, "GET", "/api/v1/groups/"+gid, ""); r.status != 200 || path(r.json, "profile.name") != "Break Glass Admins" {
		t.Errorf("GET group = %d %s", r.status, r.raw)
	}
	if r := send(t, ts, "GET", "/api/v1/users?search="+urlQuery(`profile.nickName eq "x"`), ""); r.status != 400 {
		t.Errorf("unsupported search attribute = %d, want 400", r.status)
	}
}

func TestUserCreateAndDelete(t *testing.T) {
	_, ts := start(t, Options{})
	r := send(t, ts, "POST", "/api/v1/users", `{"credentials":{"password":{}},"profile":{"email":"t@example.com","firstName":"T","lastName":"S","login":"t@example.com","postalAddress":null}}`)
	if r.status != 200 || path(r.json, "status") != "PROVISIONED" {
		t.Fatalf("POST user = %d %s", r.status, r.raw)
	}
	id := path(r.json, "id").(string)
	if dup := send(t, ts, "POST", "/api/v1/users", `{"profile":{"email":"t@example.com","login":"t@example.com"}}`); dup.status != 400 {
		t.Errorf("duplicate login = %d, want 400", dup.status)
	}
	for i, want := range []string{"DEPROVISIONED", ""} {
		if d := send(t, ts, "DELETE", "/api/v1/users/"+id, ""); d.status != 204 {
			t.Fatalf("DELETE #%d = %d %s", i+1, d.status, d.raw)
		}
		g := send(t, ts, "GET", "/api/v1/users/"+id, "")
		if want == "" && g.status != 404 {
			t.Errorf("GET after second DELETE = %d, want 404", g.status)
		}
		if want != "" && path(g.json, "status") != want {
			t.Errorf("status after first DELETE = %v, want %s", path(g.json, "status"), want)
		}
	}
}

func TestProviders(t *testing.T) {
	_, ts := start(t, Options{})
	r := send(t, ts, "POST", "/api/v1/security-events-providers", `{"name":"P","settings":{"issuer":"https://example.oktapreview.com","jwks_url":"https://example.oktapreview.com/oauth2/v1/keys"},"type":"okta"}`)
	if r.status != 200 || path(r.json, "status") != "ACTIVE" || has(r.json, "settings.well_known_url") || path(r.json, "settings.jwks_url") != "https://example.oktapreview.com/oauth2/v1/keys" {
		t.Fatalf("POST provider = %d %s", r.status, r.raw)
	}
	id := path(r.json, "id").(string)
	if !strings.HasPrefix(id, "sse") || len(id) != 20 {
		t.Errorf("provider id = %q", id)
	}
	base := "/api/v1/security-events-providers/" + id
	de := send(t, ts, "POST", base+"/lifecycle/deactivate", "")
	if de.status != 200 || path(de.json, "status") != "INACTIVE" || !has(de.json, "_links.activate") {
		t.Errorf("deactivate = %d %s", de.status, de.raw)
	}
	put := send(t, ts, "PUT", base, `{"name":"P2","type":"okta","settings":{"well_known_url":"https://example.com/.well-known/ssf-configuration"}}`)
	if put.status != 200 || path(put.json, "name") != "P2" || path(put.json, "status") != "INACTIVE" || mustJSON(path(put.json, "settings")) != `{"well_known_url":"https://example.com/.well-known/ssf-configuration"}` {
		t.Errorf("PUT = %d %s", put.status, put.raw)
	}
	if l := send(t, ts, "GET", "/api/v1/security-events-providers", ""); len(l.list(t)) != 1 || len(l.header.Values("Link")) != 0 {
		t.Errorf("list = %s (Link %q)", l.raw, l.header.Values("Link"))
	}
	for _, bad := range []string{
		`{"name":"x","type":"okta","settings":{"issuer":"https://a"}}`,
		`{"name":"x","type":"okta","settings":{"well_known_url":"not a url"}}`,
		`{"name":"x","type":"okta"}`,
		`{"type":"okta","settings":{"well_known_url":"https://a/b"}}`,
	} {
		if r := send(t, ts, "POST", "/api/v1/security-events-providers", bad); r.status != 400 || path(r.json, "errorCode") != "E0000001" {
			t.Errorf("POST %s = %d %s, want 400 E0000001", bad, r.status, r.raw)
		}
	}
	if d := send(t, ts, "DELETE", base, ""); d.status != 204 {
		t.Errorf("DELETE = %d", d.status)
	}
	if g := send(t, ts, "GET", base, ""); g.status != 404 {
		t.Errorf("GET deleted = %d", g.status)
	}
}
