package oktaemu

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestZoneCreateForcesActiveAndNormalisesSingleIPs(t *testing.T) {
	_, ts := start(t, Options{})
	r := send(t, ts, "POST", "/api/v1/zones", `{"name":"office","type":"IP","status":"INACTIVE","usage":"POLICY",
		"gateways":[{"type":"RANGE","value":"192.168.1.1"},{"type":"CIDR","value":"1.2.3.4/24"},{"type":"RANGE","value":"2.3.4.5-2.3.4.15"}],
		"proxies":[{"type":"CIDR","value":"10.0.0.1/32"}]}`)
	if r.status != http.StatusOK {
		t.Fatalf("POST zone = %d %s, want 200", r.status, r.raw)
	}
	z := r.obj(t)
	want := []any{
		map[string]any{"type": "RANGE", "value": "192.168.1.1-192.168.1.1"},
		map[string]any{"type": "CIDR", "value": "1.2.3.4/24"},
		map[string]any{"type": "RANGE", "value": "2.3.4.5-2.3.4.15"},
	}
	if diff := cmp.Diff(want, z["gateways"]); diff != "" {
		t.Errorf("gateways (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{map[string]any{"type": "CIDR", "value": "10.0.0.1/32"}}, z["proxies"]); diff != "" {
		t.Errorf("proxies (-want +got):\n%s", diff)
	}
	if z["status"] != "ACTIVE" || z["system"] != false {
		t.Errorf("status, system = %v, %v; want ACTIVE, false", z["status"], z["system"])
	}
	id, _ := z["id"].(string)
	if len(id) != 20 || !strings.HasPrefix(id, "nzo") {
		t.Errorf("id = %q, want 20 characters starting nzo", id)
	}
	if !strings.HasSuffix(z["created"].(string), ".000Z") {
		t.Errorf("created = %v, want ISO-8601 with .000Z", z["created"])
	}
	if got := send(t, ts, "GET", "/api/v1/zones/"+id, ""); mustJSON(path(got.json, "gateways.0")) != `{"type":"RANGE","value":"192.168.1.1-192.168.1.1"}` {
		t.Errorf("GET gateways[0] = %s, want the a-a form on every read", mustJSON(path(got.json, "gateways.0")))
	}
	links := keys(z["_links"])
	if !cmp.Equal(sorted(links), []string{"deactivate", "self"}) {
		t.Errorf("_links keys = %v, want self and deactivate", links)
	}
	if href := path(z, "_links.self.href"); href != ts.URL+"/api/v1/zones/"+id {
		t.Errorf("self href = %v, want absolute URL of the zone", href)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestZoneEmptyConventions(t *testing.T) {
	_, ts := start(t, Options{})
	tests := []struct {
		name, body string
		check      func(t *testing.T, z map[string]any)
	}{
		{"IP without proxies", `{"name":"a","type":"IP","gateways":[{"type":"CIDR","value":"1.1.1.1/32"}]}`, func(t *testing.T, z map[string]any) {
			if !has(z, "proxies") || z["proxies"] != nil {
				t.Errorf("proxies = %v (present %v), want null", z["proxies"], has(z, "proxies"))
			}
		}},
		{"DYNAMIC proxy only", `{"name":"b","type":"DYNAMIC","usage":"BLOCKLIST","proxyType":"TorAnonymizer"}`, func(t *testing.T, z map[string]any) {
			if !has(z, "locations") || z["locations"] != nil || has(z, "asns") || z["proxyType"] != "TorAnonymizer" {
				t.Errorf("got locations=%v asns present=%v proxyType=%v; want null, absent, TorAnonymizer", z["locations"], has(z, "asns"), z["proxyType"])
			}
		}},
		{"DYNAMIC locations reordered", `{"name":"c","type":"DYNAMIC","proxyType":"","locations":[{"country":"US"},{"country":"UA","region":"UA-26"},{"country":"AF","region":"AF-BGL"}],"asns":["2232"]}`, func(t *testing.T, z map[string]any) {
			want := `[{"country":"UA","region":"UA-26"},{"country":"AF","region":"AF-BGL"},{"country":"US","region":null}]`
			if got := mustJSON(z["locations"]); got != want || z["proxyType"] != "" || mustJSON(z["asns"]) != `["2232"]` {
				t.Errorf("locations = %s proxyType=%q asns=%v; want %s, \"\", [2232]", got, z["proxyType"], z["asns"], want)
			}
		}},
		{"DYNAMIC_V2 always include and exclude", `{"name":"d","type":"DYNAMIC_V2","asns":{},"ipServiceCategories":{"include":["ALL_IP_SERVICES"]},"locations":{"exclude":[{"country":"CN","region":"CN-BJ"}]}}`, func(t *testing.T, z map[string]any) {
			for p, want := range map[string]string{
				"locations":           `{"exclude":[{"country":"CN","region":"CN-BJ"}],"include":[]}`,
				"ipServiceCategories": `{"exclude":[],"include":["ALL_IP_SERVICES"]}`,
				"asns":                `{"exclude":[],"include":[]}`,
			} {
				if got := mustJSON(z[p]); got != want {
					t.Errorf("%s = %s, want %s", p, got, want)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, ts, "POST", "/api/v1/zones", tt.body)
			if r.status != http.StatusOK {
				t.Fatalf("POST = %d %s", r.status, r.raw)
			}
			tt.check(t, r.obj(t))
		})
	}
}

func TestZoneReplaceLifecycleDelete(t *testing.T) {
	clk := newClock()
	_, ts := start(t, Options{Now: clk.Now})
	z := send(t, ts, "POST", "/api/v1/zones", `{"name":"z","type":"IP","gateways":[{"type":"CIDR","value":"1.2.3.4/24"}],"proxies":[{"type":"CIDR","value":"2.2.3.4/24"}]}`).obj(t)
	id := z["id"].(string)

	clk.Advance(time.Second)
	put := send(t, ts, "PUT", "/api/v1/zones/"+id, `{"name":"z2","type":"IP","status":"INACTIVE","usage":"BLOCKLIST","gateways":[{"type":"CIDR","value":"1.2.3.4/24"}]}`)
	if put.status != http.StatusOK {
		t.Fatalf("PUT = %d %s", put.status, put.raw)
	}
	p := put.obj(t)
	if p["status"] != "INACTIVE" || p["usage"] != "BLOCKLIST" || p["proxies"] != nil || p["name"] != "z2" {
		t.Errorf("PUT result status=%v usage=%v proxies=%v name=%v; want INACTIVE BLOCKLIST null z2", p["status"], p["usage"], p["proxies"], p["name"])
	}
	if !strings.HasPrefix(put.raw[strings.Index(put.raw, `"_links"`):], `"_links":{"activate"`) {
		t.Errorf("INACTIVE _links must start with activate: %s", put.raw)
	}
	if p["lastUpdated"] == z["lastUpdated"] || p["created"] != z["created"] {
		t.Errorf("PUT must move lastUpdated and keep created: %v %v / %v %v", z["created"], z["lastUpdated"], p["created"], p["lastUpdated"])
	}
	if r := send(t, ts, "PUT", "/api/v1/zones/"+id, `{"name":"z2","type":"DYNAMIC","proxyType":"Tor"}`); r.status != http.StatusBadRequest || path(r.json, "errorCode") != "E0000001" {
		t.Errorf("type change = %d %s, want 400 E0000001", r.status, r.raw)
	}

	clk.Advance(time.Second)
	act := send(t, ts, "POST", "/api/v1/zones/"+id+"/lifecycle/activate", "")
	if act.status != http.StatusOK || path(act.json, "status") != "ACTIVE" || path(act.json, "lastUpdated") == p["lastUpdated"] {
		t.Fatalf("activate = %d %s, want 200 ACTIVE with a newer lastUpdated", act.status, act.raw)
	}
	clk.Advance(time.Second)
	again := send(t, ts, "POST", "/api/v1/zones/"+id+"/lifecycle/activate", "")
	if path(again.json, "lastUpdated") == path(act.json, "lastUpdated") {
		t.Errorf("a no-op activate must still bump lastUpdated")
	}

	del := send(t, ts, "DELETE", "/api/v1/zones/"+id, "")
	wantSummary := "Api validation failed: The zone: z2 is an active zone. Active zones cannot be deleted."
	wantCause := "id: The zone: " + id + " is an active zone. Active zones cannot be deleted."
	if del.status != http.StatusBadRequest || path(del.json, "errorSummary") != wantSummary || path(del.json, "errorCauses.0.errorSummary") != wantCause {
		t.Fatalf("DELETE active = %d %s", del.status, del.raw)
	}
	if r := send(t, ts, "POST", "/api/v1/zones/"+id+"/lifecycle/deactivate", ""); r.status != http.StatusOK || path(r.json, "status") != "INACTIVE" {
		t.Fatalf("deactivate = %d %s", r.status, r.raw)
	}
	if r := send(t, ts, "DELETE", "/api/v1/zones/"+id, ""); r.status != http.StatusNoContent || r.raw != "" {
		t.Fatalf("DELETE inactive = %d %q, want 204 empty", r.status, r.raw)
	}
	gone := send(t, ts, "GET", "/api/v1/zones/"+id, "")
	if gone.status != http.StatusNotFound || path(gone.json, "errorSummary") != "Not found: Resource not found: "+id+" (NetworkZone)" || path(gone.json, "errorCode") != "E0000007" {
		t.Fatalf("GET deleted = %d %s", gone.status, gone.raw)
	}
	if eid, _ := path(gone.json, "errorId").(string); len(eid) != 25 || !strings.HasPrefix(eid, "oae") {
		t.Errorf("errorId = %q, want 25 characters starting oae", eid)
	}
}

func TestSystemZones(t *testing.T) {
	s, ts := start(t, Options{ExemptZone: true})
	var exempt, blocked, legacy, enhanced string
	s.Seed(func(o *Org) {
		exempt, blocked, legacy, enhanced = o.ZoneID("DefaultExemptIpZone"), o.ZoneID("BlockedIpZone"), o.ZoneID("LegacyIpZone"), o.ZoneID("DefaultEnhancedDynamicZone")
	})
	en := send(t, ts, "GET", "/api/v1/zones/"+enhanced, "").obj(t)
	if en["type"] != "DYNAMIC_V2" || en["usage"] != "BLOCKLIST" || en["system"] != true || mustJSON(path(en, "ipServiceCategories.include")) != `["ALL_ANONYMIZERS"]` {
		t.Errorf("DefaultEnhancedDynamicZone = %v", en)
	}
	bl := send(t, ts, "GET", "/api/v1/zones/"+blocked, "").obj(t)
	if bl["usage"] != "BLOCKLIST" || bl["gateways"] != nil || bl["system"] != true {
		t.Errorf("BlockedIpZone = %v", bl)
	}
	tests := []struct {
		name, method, id, body string
		status                 int
		summary, cause         string
	}{
		{"exempt PUT without flag", "PUT", exempt, `{"name":"DefaultExemptIpZone","type":"IP","gateways":[{"type":"CIDR","value":"1.2.3.4/32"}]}`, 400,
			"Api validation failed: useAsExemptList", "useAsExemptList: The network zone does not allow usage changes for DefaultExemptIpZone."},
		{"exempt PUT with proxies", "PUT", exempt, `{"name":"DefaultExemptIpZone","type":"IP","useAsExemptList":true,"proxies":[{"type":"CIDR","value":"1.2.3.4/32"}]}`, 400,
			"Api validation failed: proxies", ""},
		{"blocked PUT without system", "PUT", blocked, `{"name":"BlockedIpZone","type":"IP","usage":"BLOCKLIST","gateways":[{"type":"CIDR","value":"6.6.6.0/24"}]}`, 400,
			"Api validation failed: system", ""},
		{"blocked PUT with system", "PUT", blocked, `{"name":"BlockedIpZone","type":"IP","usage":"BLOCKLIST","system":true,"gateways":[{"type":"CIDR","value":"6.6.6.0/24"}]}`, 200, "", ""},
		{"second exempt zone", "POST", "", `{"name":"x","type":"IP","useAsExemptList":true,"gateways":[{"type":"CIDR","value":"1.2.3.4/32"}]}`, 400,
			"Api validation failed: useAsExemptList", ""},
		{"delete system zone", "DELETE", legacy, "", 400, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := "/api/v1/zones"
			if tt.id != "" {
				p += "/" + tt.id
			}
			r := send(t, ts, tt.method, p, tt.body)
			if r.status != tt.status {
				t.Fatalf("status = %d %s, want %d", r.status, r.raw, tt.status)
			}
			if tt.status == 400 && path(r.json, "errorCode") != "E0000001" {
				t.Errorf("errorCode = %v, want E0000001", path(r.json, "errorCode"))
			}
			if tt.summary != "" && path(r.json, "errorSummary") != tt.summary {
				t.Errorf("errorSummary = %v, want %q", path(r.json, "errorSummary"), tt.summary)
			}
			if tt.cause != "" && path(r.json, "errorCauses.0.errorSummary") != tt.cause {
				t.Errorf("cause = %v, want %q", path(r.json, "errorCauses.0.errorSummary"), tt.cause)
			}
		})
	}

	put := send(t, ts, "PUT", "/api/v1/zones/"+exempt, `{"name":"DefaultExemptIpZone","type":"IP","useAsExemptList":true,"gateways":[{"type":"CIDR","value":"1.2.3.4/32"},{"type":"CIDR","value":"4.5.6.7/32"}]}`)
	if put.status != 200 || path(put.json, "useAsBlackList") != false || path(put.json, "useAsExemptList") != true {
		t.Fatalf("exempt PUT = %d %s, want 200 echoing useAsBlackList:false,useAsExemptList:true", put.status, put.raw)
	}
	get := send(t, ts, "GET", "/api/v1/zones/"+exempt, "")
	if has(get.json, "useAsExemptList") || has(get.json, "useAsBlackList") {
		t.Errorf("GET of the exempt zone must not show the PUT-only fields: %s", get.raw)
	}
}

func TestZoneValidation(t *testing.T) {
	_, ts := start(t, Options{})
	tests := []struct {
		name, body, code, causeHas string
	}{
		{"malformed JSON", `{"name":`, "E0000003", ""},
		{"empty body", ``, "E0000003", ""},
		{"wrong type of name", `{"name":5,"type":"IP"}`, "E0000001", "name"},
		{"gateways not a list", `{"name":"a","type":"IP","gateways":"1.2.3.4"}`, "E0000001", "gateways"},
		{"bad CIDR", `{"name":"a","type":"IP","gateways":[{"type":"CIDR","value":"1.2.3.400/24"}]}`, "E0000001", "gateways[0]"},
		{"reversed range", `{"name":"a","type":"IP","gateways":[{"type":"RANGE","value":"1.2.3.9-1.2.3.1"}]}`, "E0000001", "gateways[0]"},
		{"no gateways", `{"name":"a","type":"IP"}`, "E0000001", "gateways"},
		{"unknown type", `{"name":"a","type":"GEO"}`, "E0000001", "type"},
		{"bad region", `{"name":"a","type":"DYNAMIC","locations":[{"country":"US","region":"CA-ON"}]}`, "E0000001", "locations[0].region"},
		{"empty dynamic", `{"name":"a","type":"DYNAMIC","proxyType":""}`, "E0000001", "locations"},
		{"unknown category", `{"name":"a","type":"DYNAMIC_V2","ipServiceCategories":{"include":["NOPE"]}}`, "E0000001", "ipServiceCategories.include"},
		{"bad status", `{"name":"a","type":"IP","status":"ON","gateways":[{"type":"CIDR","value":"1.2.3.4/32"}]}`, "E0000001", "status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, ts, "POST", "/api/v1/zones", tt.body)
			if r.status != http.StatusBadRequest || path(r.json, "errorCode") != tt.code {
				t.Fatalf("POST = %d %s, want 400 %s", r.status, r.raw, tt.code)
			}
			if tt.causeHas != "" && !strings.HasPrefix(mustJSON(path(r.json, "errorCauses.0.errorSummary")), `"`+tt.causeHas) {
				t.Errorf("cause = %v, want it to start with %q", path(r.json, "errorCauses.0.errorSummary"), tt.causeHas)
			}
		})
	}
}

func TestZoneListPaginationAndFilter(t *testing.T) {
	s, ts := start(t, Options{PageSize: 2})
	s.Seed(func(o *Org) {
		for _, n := range []string{"a", "b", "c"} {
			if _, err := o.AddZone([]byte(`{"name":"` + n + `","type":"IP","usage":"BLOCKLIST","gateways":[{"type":"CIDR","value":"1.2.3.4/32"}]}`)); err != nil {
				t.Fatal(err)
			}
		}
	})
	var names []string
	next := "/api/v1/zones"
	pages := 0
	for next != "" {
		r := send(t, ts, "GET", next, "")
		if r.status != 200 {
			t.Fatalf("GET %s = %d %s", next, r.status, r.raw)
		}
		links := r.header.Values("Link")
		if len(links) == 0 || !strings.HasSuffix(links[0], `>; rel="self"`) {
			t.Fatalf("Link headers = %q, want a self link first, one value per relation", links)
		}
		next = ""
		for _, l := range links[1:] {
			if strings.Contains(l, ",") || !strings.HasSuffix(l, `>; rel="next"`) {
				t.Fatalf("Link value %q, want exactly one next relation", l)
			}
			next = strings.TrimPrefix(strings.TrimSuffix(l, `>; rel="next"`), "<"+ts.URL)
		}
		list := r.list(t)
		if len(list) > 2 {
			t.Fatalf("page of %d zones, want at most PageSize 2", len(list))
		}
		for i, z := range list {
			names = append(names, path(z, "name").(string))
			if i == len(list)-1 && next != "" && !strings.Contains(next, "after="+path(z, "id").(string)) {
				t.Errorf("next link %q must carry after=<id of the last item>", next)
			}
		}
		pages++
	}
	want := []string{"LegacyIpZone", "BlockedIpZone", "DefaultEnhancedDynamicZone", "a", "b", "c"}
	if diff := cmp.Diff(want, names); diff != "" || pages != 3 {
		t.Errorf("names over %d pages (-want +got):\n%s", pages, diff)
	}

	var legacy string
	s.Seed(func(o *Org) { legacy = o.ZoneID("LegacyIpZone") })
	tests := []struct {
		filter string
		want   []string
	}{
		{`usage eq "BLOCKLIST"`, []string{"BlockedIpZone", "DefaultEnhancedDynamicZone", "a", "b", "c"}},
		{`system eq true`, []string{"LegacyIpZone", "BlockedIpZone", "DefaultEnhancedDynamicZone"}},
		{`id eq "` + legacy + `" or system eq false`, []string{"LegacyIpZone", "a", "b", "c"}},
	}
	for _, tt := range tests {
		r := send(t, ts, "GET", "/api/v1/zones?limit=-1&filter="+urlQuery(tt.filter), "")
		var got []string
		for _, z := range r.list(t) {
			got = append(got, path(z, "name").(string))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("filter %s (-want +got):\n%s", tt.filter, diff)
		}
	}
	if r := send(t, ts, "GET", "/api/v1/zones?filter="+urlQuery(`name sw "a"`), ""); r.status != 400 {
		t.Errorf("unsupported filter = %d, want 400", r.status)
	}
}
