package oktaemu

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const consoleToken = "console-token-9876543210"

// eventSummary is what a test compares of one event.
type eventSummary struct {
	EventType, Actor, Login, IP, Target, TargetType string
}

func summarize(t *testing.T, r response) []eventSummary {
	t.Helper()
	var out []eventSummary
	for _, e := range r.list(t) {
		s := eventSummary{}
		s.EventType, _ = path(e, "eventType").(string)
		s.Actor, _ = path(e, "actor.displayName").(string)
		s.Login, _ = path(e, "actor.alternateId").(string)
		s.IP, _ = path(e, "client.ipAddress").(string)
		s.Target, _ = path(e, "target.0.displayName").(string)
		s.TargetType, _ = path(e, "target.0.type").(string)
		out = append(out, s)
	}
	return out
}

const zoneJSON = `{"type":"IP","name":%q,"status":"ACTIVE","usage":"POLICY","gateways":[{"type":"CIDR","value":"198.51.100.0/24"}]}`

func TestSystemLogRecordsWrites(t *testing.T) {
	clk := newClock()
	s, ts := start(t, Options{Now: clk.Now, Admin: Admin{DisplayName: "Itp Sync", Login: "itpsync@acme.example"}})
	s.AddAdminToken(consoleToken, Admin{DisplayName: "Jane Admin", Login: "jane@acme.example"})
	console := "SSWS " + consoleToken

	z := send(t, ts, "POST", zones, strings.Replace(zoneJSON, "%q", `"Office"`, 1)).obj(t)
	zid := z["id"].(string)
	clk.Advance(time.Minute)
	// A failed write and reads record nothing.
	if r := send(t, ts, "PUT", zones+"/"+zid, `{"type":"IP"}`); r.status != 400 {
		t.Fatalf("bad PUT = %d %s", r.status, r.raw)
	}
	send(t, ts, "GET", zones+"/"+zid, "")
	// The console admin, behind a proxy, deactivates the zone.
	req, _ := http.NewRequest("POST", ts.URL+zones+"/"+zid+"/lifecycle/deactivate", nil)
	req.Header.Set("Authorization", console)
	req.Header.Set("X-Forwarded-For", "203.0.113.5, 10.0.0.1")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	clk.Advance(time.Minute)
	if r := callAuth(t, ts, "DELETE", zones+"/"+zid, "", console); r.status != 204 {
		t.Fatalf("delete = %d %s", r.status, r.raw)
	}
	var erPolicy string
	s.Seed(func(o *Org) { erPolicy = o.PolicyID("ENTITY_RISK") })
	rule := send(t, ts, "POST", policies+"/"+erPolicy+"/rules",
		`{"name":"High risk","type":"ENTITY_RISK","conditions":{"entityRisk":{"level":"HIGH"}},"actions":{"entityRisk":{"actions":[{"action":"TERMINATE_ALL_SESSIONS"}]}}}`)
	if rule.status != 200 {
		t.Fatalf("create rule = %d %s", rule.status, rule.raw)
	}

	r := send(t, ts, "GET", "/api/v1/logs", "")
	got := summarize(t, r)
	want := []eventSummary{
		{"zone.create", "Itp Sync", "itpsync@acme.example", "127.0.0.1", "Office", "NetworkZone"},
		{"zone.deactivate", "Jane Admin", "jane@acme.example", "203.0.113.5", "Office", "NetworkZone"},
		{"zone.delete", "Jane Admin", "jane@acme.example", "127.0.0.1", "Office", "NetworkZone"},
		{"policy.rule.add", "Itp Sync", "itpsync@acme.example", "127.0.0.1", "High risk", "PolicyRule"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s\n%s", d, r.raw)
	}
	first := r.list(t)[0]
	for _, k := range []string{"uuid", "published", "displayMessage", "severity", "outcome.result", "client.userAgent.rawUserAgent", "actor.id", "target.0.id", "transaction.id"} {
		if !has(first, k) {
			t.Errorf("event lacks %s: %s", k, mustJSON(first))
		}
	}
	if p := path(first, "published"); p != "2026-02-18T08:28:53.000Z" {
		t.Errorf("published = %v", p)
	}
	if id := path(first, "target.0.id"); id != zid {
		t.Errorf("target id = %v, want %s", id, zid)
	}
	if n := s.Requests().ByRoute["GET /api/v1/logs"]; n != 1 {
		t.Errorf("logs requests counted = %d", n)
	}
}

func TestSystemLogQuery(t *testing.T) {
	clk := newClock()
	_, ts := start(t, Options{Now: clk.Now})
	var ids []string
	for _, name := range []string{"A", "B", "C"} {
		ids = append(ids, send(t, ts, "POST", zones, strings.Replace(zoneJSON, "%q", `"`+name+`"`, 1)).obj(t)["id"].(string))
		clk.Advance(time.Hour)
	}
	send(t, ts, "POST", zones+"/"+ids[0]+"/lifecycle/deactivate", "")
	clk.Advance(time.Hour)
	types := func(r response) []string {
		var out []string
		for _, e := range summarize(t, r) {
			out = append(out, e.EventType+" "+e.Target)
		}
		return out
	}
	q := func(v url.Values) response {
		r := send(t, ts, "GET", "/api/v1/logs?"+v.Encode(), "")
		return r
	}
	filterAC := `target.id eq "` + ids[0] + `" or target.id eq "` + ids[2] + `"`
	tests := []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"all ascending", url.Values{}, []string{"zone.create A", "zone.create B", "zone.create C", "zone.deactivate A"}},
		{"filter descending", url.Values{"filter": {filterAC}, "sortOrder": {"DESCENDING"}},
			[]string{"zone.deactivate A", "zone.create C", "zone.create A"}},
		{"since", url.Values{"since": {clk.Now().Add(-150 * time.Minute).Format(time.RFC3339)}}, []string{"zone.create C", "zone.deactivate A"}},
		{"until (exclusive)", url.Values{"until": {clk.Now().Add(-3 * time.Hour).Format(time.RFC3339)}}, []string{"zone.create A"}},
		{"since outside the window", url.Values{"since": {clk.Now().Format(time.RFC3339)}}, nil},
		{"event type", url.Values{"filter": {`eventType eq "zone.deactivate"`}}, []string{"zone.deactivate A"}},
		{"keyword", url.Values{"q": {"deactivate"}}, []string{"zone.deactivate A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := q(tt.query)
			if r.status != 200 {
				t.Fatalf("status %d %s", r.status, r.raw)
			}
			if d := cmp.Diff(tt.want, types(r)); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
		})
	}

	// Paging: limit 3 gives a next link whose cursor yields the rest.
	r := q(url.Values{"limit": {"3"}, "sortOrder": {"DESCENDING"}})
	var next string
	for _, l := range r.header.Values("Link") {
		if strings.Contains(l, `rel="next"`) {
			next = strings.Trim(strings.Split(l, ";")[0], "<>")
		}
	}
	if len(r.list(t)) != 3 || next == "" {
		t.Fatalf("first page: %d events, next %q", len(r.list(t)), next)
	}
	u, _ := url.Parse(next)
	r2 := send(t, ts, "GET", u.RequestURI(), "")
	if d := cmp.Diff([]string{"zone.create A"}, types(r2)); d != "" {
		t.Errorf("second page (-want +got):\n%s", d)
	}

	for _, bad := range []url.Values{
		{"filter": {`target.id co "x"`}},
		{"filter": {`published eq "x"`}},
		{"since": {"yesterday"}},
		{"sortOrder": {"UP"}},
		{"limit": {"0"}},
	} {
		if r := q(bad); r.status != 400 || path(r.json, "errorCode") == nil {
			t.Errorf("%v = %d %s, want 400 with an Okta error", bad, r.status, r.raw)
		}
	}
}

func TestSystemLogScope(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	_, ts := start(t, Options{Now: clk.Now, OAuth: &OAuthClient{ClientID: "0oa1", PublicKey: &key.PublicKey,
		Scopes: []string{"okta.networkZones.manage", "okta.logs.read"}}})
	claims := map[string]any{"iss": "0oa1", "sub": "0oa1", "aud": ts.URL + "/oauth2/v1/token", "exp": clk.Now().Add(time.Hour).Unix()}
	token := func(scope string) string {
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope},
			"client_assertion_type": {assertionType}, "client_assertion": {jwtES256(t, key, claims)}}
		resp, err := http.PostForm(ts.URL+"/oauth2/v1/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		var v map[string]any
		if err := jsonUnmarshal(data, &v); err != nil || v["access_token"] == nil {
			t.Fatalf("token: %s", data)
		}
		return "Bearer " + v["access_token"].(string)
	}
	zonesOnly := token("okta.networkZones.manage")
	z := callAuth(t, ts, "POST", zones, strings.Replace(zoneJSON, "%q", `"Z"`, 1), zonesOnly)
	if z.status != 200 {
		t.Fatalf("create zone = %d %s", z.status, z.raw)
	}
	if r := callAuth(t, ts, "GET", "/api/v1/logs", "", zonesOnly); r.status != 403 || path(r.json, "errorCode") != "E0000006" {
		t.Errorf("logs without okta.logs.read = %d %s, want 403 E0000006", r.status, r.raw)
	}
	r := callAuth(t, ts, "GET", "/api/v1/logs", "", token("okta.logs.read"))
	got := summarize(t, r)
	want := []eventSummary{{"zone.create", DefaultAdminName, "0oa1", "127.0.0.1", "Z", "NetworkZone"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	if typ := path(r.list(t)[0], "actor.type"); typ != "PublicClientApp" {
		t.Errorf("OAuth actor type = %v", typ)
	}
}
