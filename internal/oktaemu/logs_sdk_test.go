package oktaemu_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/okta/okta-sdk-golang/v6/okta"
)

// TestSDKSystemLog reads the events of SDK writes back through the SDK's SystemLogAPI:
// the emulator's LogEvent JSON decodes into the SDK's models.
func TestSDKSystemLog(t *testing.T) {
	ctx := context.Background()
	start := time.Now().Add(-time.Minute)
	c, _ := sdkClient(t, oktaemu.Options{Admin: oktaemu.Admin{DisplayName: "Sam Sdk", Login: "sam@acme.example"}})
	zone := model[okta.ListNetworkZones200ResponseInner](t, `{"type":"IP","name":"SDK Zone","status":"ACTIVE","usage":"POLICY","gateways":[{"type":"CIDR","value":"192.0.2.0/24"}]}`)
	created := must(c.NetworkZoneAPI.CreateNetworkZone(ctx).Zone(zone).Execute()).get(t, "create zone")
	id := created.IPNetworkZone.GetId()
	must(c.NetworkZoneAPI.DeactivateNetworkZone(ctx, id).Execute()).get(t, "deactivate zone")

	events := must(c.SystemLogAPI.ListLogEvents(ctx).
		Since(start.UTC().Format(time.RFC3339)).
		Filter(`target.id eq "`+id+`"`).
		SortOrder("DESCENDING").Limit(10).Execute()).get(t, "list log events")
	type ev struct{ Type, Actor, Login, Target, Result string }
	var got []ev
	for _, e := range events {
		if e.Published == nil || e.Client == nil || e.Client.GetIpAddress() == "" || e.GetUuid() == "" {
			t.Errorf("event lacks published, client IP or uuid: %+v", e)
		}
		got = append(got, ev{e.GetEventType(), e.Actor.GetDisplayName(), e.Actor.GetAlternateId(), e.Target[0].GetDisplayName(), e.Outcome.GetResult()})
	}
	want := []ev{
		{"zone.deactivate", "Sam Sdk", "sam@acme.example", "SDK Zone", "SUCCESS"},
		{"zone.create", "Sam Sdk", "sam@acme.example", "SDK Zone", "SUCCESS"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}
