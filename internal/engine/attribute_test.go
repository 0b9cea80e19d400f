package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/tenant"
)

const consoleAdminToken = "00CONSOLEjaneTOKEN-abcdef0123456789"

// TestAttributeNamesTheConsoleAdmin applies the definitions with itpsync's token, lets a
// console admin (another token, another address) change one zone, and checks that the
// drift report names that admin on that zone only, for one System Log call.
func TestAttributeNamesTheConsoleAdmin(t *testing.T) {
	o := newTestOrg(t, oktaemu.Options{Admin: oktaemu.Admin{DisplayName: "itpsync", Login: "itpsync@acme.com"}})
	o.emu.AddAdminToken(consoleAdminToken, oktaemu.Admin{DisplayName: "Jane Admin", Login: "jane@acme.com"})
	d := mustLoad(t, normaliseDir, "")
	applyClean(t, o.c, d)

	office := o.console(t).find("/api/v1/zones", "Office")
	office["gateways"] = []apiObject{{"type": "CIDR", "value": "10.0.0.0/8"}}
	delete(office, "_links")
	body, _ := json.Marshal(office)
	req, _ := http.NewRequest("PUT", o.url+"/api/v1/zones/"+office["id"].(string), strings.NewReader(string(body)))
	req.Header.Set("Authorization", "SSWS "+consoleAdminToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "203.0.113.5")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("console PUT: %s", resp.Status)
	}

	p := mustPlan(t, o.c, d, plan.ModeDrift)
	fp := p.Fingerprint
	calls := o.c.Stats().ByEndpoint["GET /api/v1/logs"]
	if err := Attribute(ctxT(t), o.c, p, 0); err != nil {
		t.Fatal(err)
	}
	if n := o.c.Stats().ByEndpoint["GET /api/v1/logs"] - calls; n != 1 {
		t.Errorf("Attribute made %d System Log calls, want 1", n)
	}
	if p.Fingerprint != fp {
		t.Error("Attribute changed the fingerprint")
	}
	got := map[string]string{}
	for _, c := range p.Changes {
		if a := c.Attribution; a != nil {
			got[c.Address] = a.Actor + " " + a.ActorLogin + " " + a.EventType + " " + a.ClientIP
			if time.Since(a.Published) > time.Minute {
				t.Errorf("%s published %v", c.Address, a.Published)
			}
		}
	}
	want := map[string]string{"network_zones.office": "Jane Admin jane@acme.com zone.update 203.0.113.5"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("attributions (-want +got):\n%s", d)
	}
}

// logOrg is an Org whose System Log answers with err, counting the calls.
type logOrg struct {
	Org
	err   error
	calls int
}

func (l *logOrg) LastChanges(context.Context, []string, time.Time) (map[string]tenant.LogChange, error) {
	l.calls++
	return map[string]tenant.LogChange{"nzo1": {Actor: "Jane"}}, l.err
}

func TestAttributeFailures(t *testing.T) {
	drift := func() *plan.Plan {
		return &plan.Plan{Mode: plan.ModeDrift, Changes: []plan.Change{{Address: "network_zones.a", ID: "nzo1", Action: plan.Update}},
			Warnings: []string{"zzz later warning"}}
	}
	t.Run("forbidden is a warning, once", func(t *testing.T) {
		org := &logOrg{err: fmt.Errorf("read the System Log: %w", &tenant.APIError{Endpoint: "GET /api/v1/logs", Status: 403})}
		p := drift()
		for range 2 {
			if err := Attribute(ctxT(t), org, p, time.Hour); err != nil {
				t.Fatalf("a 403 failed Attribute: %v", err)
			}
		}
		if d := cmp.Diff([]string{plan.AttributionUnavailable, "zzz later warning"}, p.Warnings); d != "" {
			t.Errorf("warnings (-want +got):\n%s", d)
		}
		if p.Changes[0].Attribution != nil {
			t.Error("attributed despite the error")
		}
	})
	t.Run("other errors are returned", func(t *testing.T) {
		org := &logOrg{err: errors.New("GET /api/v1/logs: 500 E0000009")}
		p := drift()
		err := Attribute(ctxT(t), org, p, time.Hour)
		if err == nil || !strings.Contains(err.Error(), "attribute the drift: GET /api/v1/logs") || p.Changes[0].Attribution != nil {
			t.Errorf("err = %v, attribution %+v", err, p.Changes[0].Attribution)
		}
	})
	t.Run("no call when there is nothing to attribute", func(t *testing.T) {
		org := &logOrg{}
		plans := []*plan.Plan{
			{Mode: plan.ModePlan, Changes: drift().Changes},
			{Mode: plan.ModeDrift},
			{Mode: plan.ModeDrift, Changes: []plan.Change{{Address: "network_zones.new", Action: plan.Create}}},
			nil,
		}
		for _, p := range plans {
			if err := Attribute(ctxT(t), org, p, 0); err != nil {
				t.Error(err)
			}
		}
		if org.calls != 0 {
			t.Errorf("%d System Log calls, want 0", org.calls)
		}
		// An Org without a System Log is left alone.
		if err := Attribute(ctxT(t), &failingOrg{Org: org}, drift(), 0); err != nil {
			t.Error(err)
		}
	})
	t.Run("fills the change", func(t *testing.T) {
		p := drift()
		if err := Attribute(ctxT(t), &logOrg{}, p, 0); err != nil || p.Changes[0].Attribution == nil || p.Changes[0].Attribution.Actor != "Jane" {
			t.Errorf("err %v, attribution %+v", err, p.Changes[0].Attribution)
		}
	})
}
