package benchmarks

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTerraformStyleReaderCountsCalls checks the model of the Terraform refresh against
// the org it reads: one GET per managed object of each kind, plus the data sources' list
// calls, and nothing else.
func TestTerraformStyleReaderCountsCalls(t *testing.T) {
	s := shape{Zones: 20, Rules: 4, Providers: 3, Users: 2}
	o := newBenchOrg(t, s, 0)
	if err := newTFReader(o).refresh(context.Background(), o.state); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	got := o.emu.Requests()
	want := map[string]int{
		"GET /api/v1/zones/{id}":                     s.Zones,
		"GET /api/v1/policies/{id}/rules/{ruleId}":   s.Rules + 2,
		"GET /api/v1/security-events-providers/{id}": s.Providers,
		"GET /api/v1/users/{id}/risk":                s.Users,
		"GET /api/v1/policies":                       3,
		"GET /api/v1/policies/{id}/rules":            2,
	}
	if diff := cmp.Diff(want, got.ByRoute); diff != "" {
		t.Errorf("requests by route (-want +got):\n%s", diff)
	}
	if wantTotal := s.managed() + tfListCalls; got.Total != wantTotal {
		t.Errorf("total requests = %d, want %d managed objects + %d list calls = %d", got.Total, s.managed(), tfListCalls, wantTotal)
	}
}

// TestItpsyncReadCallsBounded checks that an itpsync plan of a 1,000-zone org with 50
// entity risk rules and 5 providers costs a handful of list calls, not one per object,
// and that the generated definitions converge with the generated org (an empty plan), so
// the benchmarks compare readers of the same, fully managed configuration.
func TestItpsyncReadCallsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1,000-zone org: skipped with -short")
	}
	s := shape{Zones: 1000, Rules: 50, Providers: 5}
	o := newBenchOrg(t, s, 0)
	d := loadDefinitions(t, s)
	var changes, unmanaged int
	r := o.measure(func() { changes, unmanaged = o.itpsyncPlan(t, d) })
	const maxCalls = 15
	if r.calls > maxCalls {
		t.Errorf("itpsync plan made %d API calls for %d objects, want at most %d; by route: %v", r.calls, s.managed(), maxCalls, o.emu.Requests().ByRoute)
	}
	if changes != 0 || unmanaged != 0 {
		t.Errorf("plan of the generated org has %d changes and %d unmanaged objects, want none", changes, unmanaged)
	}
}
