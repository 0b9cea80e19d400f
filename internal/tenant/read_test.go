package tenant

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

var benchLatency = flag.Duration("tenant.latency", 0, "emulator latency per request for BenchmarkRead (e.g. 100ms)")

// seedRules adds n entity risk rules through the client itself.
func seedRules(t testing.TB, o *org, n int) {
	t.Helper()
	for i := range n {
		r := itp.EntityRiskRule{Name: fmt.Sprintf("rule %02d", i), RiskLevel: itp.RiskHigh, Priority: i + 1, Status: itp.StatusActive,
			TerminateAllSessions: true, GroupsExcluded: []string{"Break Glass Admins"}, UsersExcluded: []string{"jane.doe@example.com"}}
		if _, err := o.c.CreateEntityRiskRule(ctxT(t), r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadLargeOrgInFewCalls(t *testing.T) {
	o := newOrg(t, oktaemu.Options{Seed: bigSeed(1000, 5)}, nil)
	seedRules(t, o, 50)
	// A fresh client: nothing cached from the writes.
	c, err := New(o.c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	o.emu.ResetRequests()
	cfg, err := c.Read(ctxT(t), ReadOptions{Users: []string{"john.roe@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(cfg.Zones); got != 1003 {
		t.Errorf("zones = %d, want 1000 + 3 system zones", got)
	}
	if got := len(cfg.EntityRiskRules); got != 50 {
		t.Errorf("entity risk rules = %d, want 50", got)
	}
	if got := len(cfg.Providers); got != 5 {
		t.Errorf("providers = %d, want 5", got)
	}
	if cfg.PostAuthRule == nil || cfg.SessionViolationRule == nil {
		t.Errorf("post-auth or session violation rule missing: %+v %+v", cfg.PostAuthRule, cfg.SessionViolationRule)
	}
	r := cfg.EntityRiskRules[0]
	if len(r.GroupsExcluded) != 1 || r.GroupsExcluded[0] != "Break Glass Admins" || len(r.UsersExcluded) != 1 || r.UsersExcluded[0] != "jane.doe@example.com" {
		t.Errorf("references not named: groups %q users %q", r.GroupsExcluded, r.UsersExcluded)
	}
	st := c.Stats()
	emu := o.emu.Requests()
	t.Logf("calls: client %d, emulator %d: %v", st.Calls, emu.Total, st.ByEndpoint)
	if st.Calls > 15 || emu.Total > 15 {
		t.Errorf("Read made %d calls (emulator saw %d), want at most 15: %v", st.Calls, emu.Total, st.ByEndpoint)
	}
	if st.Calls != emu.Total {
		t.Errorf("client counted %d calls, emulator %d", st.Calls, emu.Total)
	}
}

// An org without ITP answers the policies list with []; the emulator always seeds the
// policies, so a wrapper answers that one call.
func TestMissingITPPolicyIsClearError(t *testing.T) {
	emu := oktaemu.New(oktaemu.Options{Token: testToken})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/policies" && r.URL.Query().Get("type") == itp.PolicyEntityRisk {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, "[]")
			return
		}
		emu.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c, err := New(Config{OrgURL: srv.URL, APIToken: testToken,
		HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(srv.Listener.Addr().String(), nil)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Read(ctxT(t), ReadOptions{})
	want := "the org has no ENTITY_RISK policy: Identity Threat Protection is not enabled for this org"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to contain %q", err, want)
	}
}

// BenchmarkRead reads an org of 1,000 zones, 50 entity risk rules and 5 providers; run it
// with -tenant.latency=100ms to see the wall time against a realistic latency.
func BenchmarkRead(b *testing.B) {
	o := newOrg(b, oktaemu.Options{Seed: bigSeed(1000, 5), Latency: *benchLatency}, nil)
	seedRules(b, o, 50)
	calls := 0
	b.ResetTimer()
	for b.Loop() {
		c, err := New(o.c.cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Read(ctxT(b), ReadOptions{}); err != nil {
			b.Fatal(err)
		}
		calls += c.Stats().Calls
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
}

// Reads of independent kinds run concurrently, never more than Config.Concurrency at once.
func TestReadConcurrencyIsBounded(t *testing.T) {
	for _, limit := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			emu := oktaemu.New(oktaemu.Options{Token: testToken, Seed: bigSeed(20, 3), PageSize: 5, Latency: 5 * time.Millisecond})
			var mu sync.Mutex
			inFlight, peak := 0, 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				inFlight++
				peak = max(peak, inFlight)
				mu.Unlock()
				defer func() { mu.Lock(); inFlight--; mu.Unlock() }()
				emu.ServeHTTP(w, r)
			}))
			defer srv.Close()
			c, err := New(Config{OrgURL: srv.URL, APIToken: testToken, Concurrency: limit,
				HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(srv.Listener.Addr().String(), nil)}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Read(ctxT(t), ReadOptions{Users: []string{"jane.doe@example.com", "john.roe@example.com"}, Groups: []string{"Everyone"}}); err != nil {
				t.Fatal(err)
			}
			if peak > limit {
				t.Errorf("%d requests in flight at once, want at most %d", peak, limit)
			}
		})
	}
}
