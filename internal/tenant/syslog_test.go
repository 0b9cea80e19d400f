package tenant

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

const consoleToken = "00CONSOLEadminTOKEN-0123456789"

// consoleWrite makes a change the way an administrator's script or the console would: raw
// HTTP with the console admin's own token, from a given client address.
func consoleWrite(t *testing.T, o *org, method, path, body, ip string) {
	t.Helper()
	req, err := http.NewRequest(method, o.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+consoleToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", ip)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %s", method, path, resp.Status)
	}
}

func TestLastChangesNamesTheOutOfBandAdmin(t *testing.T) {
	o := newOrg(t, oktaemu.Options{Admin: oktaemu.Admin{DisplayName: "itpsync bot", Login: "itpsync@acme.com"}}, nil)
	o.emu.AddAdminToken(consoleToken, oktaemu.Admin{DisplayName: "Jane Admin", Login: "jane@acme.com"})
	since := time.Now().Add(-time.Hour)
	var ids []string
	for _, name := range []string{"Alpha", "Beta", "Gamma"} {
		z, err := o.c.CreateZone(ctxT(t), itp.Zone{Name: name, Type: itp.ZoneIP, Status: itp.StatusActive, Gateways: []string{"192.0.2.0/24"}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, z.Meta.ID)
	}
	consoleWrite(t, o, "POST", "/api/v1/zones/"+ids[1]+"/lifecycle/deactivate", "", "203.0.113.5")
	before := o.c.Stats()

	got, err := o.c.LastChanges(ctxT(t), append(ids, "nzoNOSUCHZONE", ids[0]), since)
	if err != nil {
		t.Fatal(err)
	}
	if n := o.c.Stats().ByEndpoint["GET /api/v1/logs"] - before.ByEndpoint["GET /api/v1/logs"]; n != 1 {
		t.Errorf("LastChanges of 4 ids made %d System Log calls, want 1", n)
	}
	type who struct{ Actor, Login, Event, IP string }
	summary := map[string]who{}
	for id, ch := range got {
		if ch.Published.IsZero() || ch.Published.Before(since) {
			t.Errorf("%s published %v", id, ch.Published)
		}
		summary[id] = who{ch.Actor, ch.ActorLogin, ch.EventType, ch.ClientIP}
	}
	want := map[string]who{
		ids[0]: {"itpsync bot", "itpsync@acme.com", "zone.create", "127.0.0.1"},
		ids[1]: {"Jane Admin", "jane@acme.com", "zone.deactivate", "203.0.113.5"},
		ids[2]: {"itpsync bot", "itpsync@acme.com", "zone.create", "127.0.0.1"},
	}
	if d := cmp.Diff(want, summary); d != "" {
		t.Errorf("last changes (-want +got):\n%s", d)
	}
	// A window that starts after the changes finds none.
	none, err := o.c.LastChanges(ctxT(t), ids, time.Now().Add(time.Hour))
	if err != nil || len(none) != 0 {
		t.Errorf("future window = %v, %v; want nothing", none, err)
	}
}

func TestLastChangesChunksLongFilters(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, nil)
	ids := make([]string, 45)
	for i := range ids {
		ids[i] = fmt.Sprintf("nzo%017d", i)
	}
	got, err := o.c.LastChanges(ctxT(t), ids, time.Now().Add(-time.Hour))
	if err != nil || len(got) != 0 {
		t.Fatalf("LastChanges = %v, %v", got, err)
	}
	if n := o.c.Stats().ByEndpoint["GET /api/v1/logs"]; n != 3 {
		t.Errorf("45 ids made %d calls, want 3 (20 ids a call)", n)
	}
	if got, err := o.c.LastChanges(ctxT(t), nil, time.Now()); err != nil || len(got) != 0 || o.c.Stats().ByEndpoint["GET /api/v1/logs"] != 3 {
		t.Errorf("no ids: %v, %v, or it made a call", got, err)
	}
}

// TestLastChangesReadsTheEventShape serves recorded-shape events: a policy evaluation and
// a failed update of the same rule are not changes; the newest successful one wins.
func TestLastChangesReadsTheEventShape(t *testing.T) {
	events, err := os.ReadFile("testdata/syslog/events.json")
	if err != nil {
		t.Fatal(err)
	}
	var query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(events)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{OrgURL: srv.URL, APIToken: testToken, HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(srv.Listener.Addr().String(), nil)}})
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	got, err := c.LastChanges(ctxT(t), []string{"rul1"}, since)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]LogChange{"rul1": {Actor: "Jane Admin", ActorLogin: "jane@acme.com", EventType: "policy.rule.update",
		Message: "Update policy rule", Published: time.Date(2026, 12, 3, 14, 2, 0, 0, time.UTC), ClientIP: "203.0.113.5", Location: "Lisbon, Portugal"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("last changes (-want +got):\n%s", d)
	}
	for _, p := range []string{"since=2026-11-26T00%3A00%3A00Z", "sortOrder=DESCENDING", "limit=1000", "filter=target.id+eq+%22rul1%22"} {
		if !strings.Contains(query, p) {
			t.Errorf("query %q lacks %s", query, p)
		}
	}
}

func TestLastChangesForbidden(t *testing.T) {
	k, key := secretKey(t)
	oauth := func(granted []string, explicit []string) *org {
		return newOrg(t, oktaemu.Options{OAuth: &oktaemu.OAuthClient{ClientID: "0oalogs", PublicKey: &k.PublicKey, Scopes: granted}},
			func(c *Config) { c.APIToken, c.ClientID, c.PrivateKey, c.Scopes = "", "0oalogs", key, explicit })
	}
	tests := []struct {
		name string
		o    *org
	}{
		{"scope not granted to the app", oauth(ScopesFor(false), nil)},
		{"explicit scopes without it", oauth(append(ScopesFor(false), LogsScope), ScopesFor(false))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.o.c.Read(ctxT(t), ReadOptions{}); err != nil {
				t.Fatalf("read: %v", err)
			}
			_, err := tt.o.c.LastChanges(ctxT(t), []string{"nzo1"}, time.Now().Add(-time.Hour))
			if !IsForbidden(err) {
				t.Fatalf("err = %v, want IsForbidden", err)
			}
			t.Logf("error: %v", err)
			if !strings.Contains(err.Error(), "read the System Log") || strings.Contains(err.Error(), key[40:80]) {
				t.Errorf("error does not name the call, or leaks the key: %v", err)
			}
		})
	}
	t.Run("granted", func(t *testing.T) {
		o := oauth(append(ScopesFor(false), LogsScope), nil)
		if _, err := o.c.LastChanges(ctxT(t), []string{"nzo1"}, time.Now().Add(-time.Hour)); err != nil {
			t.Fatalf("LastChanges with the scope granted: %v", err)
		}
	})
	if IsForbidden(&APIError{Status: http.StatusNotFound}) || IsForbidden(fmt.Errorf("x")) {
		t.Error("IsForbidden of a 404 or a plain error")
	}
}
