package plan

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestAttributionLeavesTheFingerprint attributes every change and unmanaged object of a
// drift report: the fingerprint, Diff and Validate see the same plan, and the JSON keeps
// the attribution through a round trip.
func TestAttributionLeavesTheFingerprint(t *testing.T) {
	actual := seedActual()
	actual.Zones[1].Gateways = []string{"203.0.113.0/24"} // corporate_vpn drifted
	p, err := Compute(seedDesired(), actual, Options{Mode: ModeDrift})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) == 0 {
		t.Fatal("no drift to attribute")
	}
	plain, err := Compute(seedDesired(), actual, Options{Mode: ModeDrift})
	if err != nil {
		t.Fatal(err)
	}
	a := &Attribution{Actor: "Jane Admin", ActorLogin: "jane@acme.com", EventType: "zone.update",
		Published: time.Date(2026, 12, 3, 14, 2, 0, 0, time.UTC), ClientIP: "203.0.113.5"}
	for i := range p.Changes {
		p.Changes[i].Attribution = a
	}
	for i := range p.Unmanaged {
		p.Unmanaged[i].Attribution = a
	}
	fp := p.Fingerprint
	if err := p.seal(actual); err != nil {
		t.Fatal(err)
	}
	if p.Fingerprint != fp || p.Fingerprint != plain.Fingerprint {
		t.Errorf("attribution changed the fingerprint: %s, want %s", p.Fingerprint, plain.Fingerprint)
	}
	if d := Diff(plain, p); len(d) != 0 {
		t.Errorf("Diff sees attribution: %v", d)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(a, back.Changes[0].Attribution); d != "" {
		t.Errorf("attribution after a JSON round trip (-want +got):\n%s", d)
	}
	noAttr, _ := json.Marshal(plain)
	if strings.Contains(string(noAttr), `"attribution"`) {
		t.Errorf("a plan without attribution encodes the key: %s", noAttr)
	}
}
