package oktaemu

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLoadSeed(t *testing.T) {
	seed, err := LoadSeed("testdata/seed.json")
	if err != nil {
		t.Fatalf("LoadSeed: %v", err)
	}
	s, ts := start(t, Options{Seed: seed})
	var zone string
	s.Seed(func(o *Org) { zone = o.ZoneID("Office") })
	z := send(t, ts, "GET", "/api/v1/zones/"+zone, "")
	if path(z.json, "status") != "INACTIVE" || path(z.json, "gateways.0.value") != "198.51.100.7-198.51.100.7" {
		t.Errorf("seeded zone = %s", z.raw)
	}
	if r := send(t, ts, "GET", "/api/v1/users/ops@example.com/risk", ""); path(r.json, "riskLevel") != "HIGH" || path(r.json, "reason") != "Admin override risk" {
		t.Errorf("seeded risk = %s", r.raw)
	}
	if r := send(t, ts, "GET", "/api/v1/users", ""); len(r.list(t)) != 1 {
		t.Errorf("a seed replaces the default users: %s", r.raw)
	}
	p := send(t, ts, "GET", "/api/v1/security-events-providers", "")
	if got := mustJSON(path(p.json, "0.settings")); got != `{"well_known_url":"https://partner.example.com/.well-known/ssf-configuration"}` {
		t.Errorf("seeded provider settings = %s", got)
	}

	for _, tt := range []struct{ file, want string }{
		{"testdata/bad-seed.json", "gateways[0]"},
		{"testdata/missing.json", "read seed"},
	} {
		_, err := LoadSeed(tt.file)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LoadSeed(%s) = %v, want an error mentioning %q", tt.file, err, tt.want)
		}
	}
}

func TestDefaultSeed(t *testing.T) {
	s := New(Options{Token: testToken})
	d := s.State()
	var logins, groups []string
	for _, u := range d.Users {
		logins = append(logins, path(decode(t, u.User), "profile.login").(string))
	}
	for _, g := range d.Groups {
		groups = append(groups, path(decode(t, g), "profile.name").(string))
	}
	if diff := cmp.Diff([]string{"jane.doe@example.com", "john.roe@example.com"}, logins); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Everyone", "Break Glass Admins"}, groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if len(d.Zones) != 3 || len(d.Providers) != 0 || len(d.Policies) != 3 {
		t.Errorf("default org: %d zones, %d providers, %d policies; want 3, 0, 3", len(d.Zones), len(d.Providers), len(d.Policies))
	}
	if n := len(New(Options{Token: testToken, ExemptZone: true}).State().Zones); n != 4 {
		t.Errorf("with ExemptZone: %d zones, want 4", n)
	}
}

func decode(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := jsonUnmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPlanFaultsLatency(t *testing.T) {
	s := New(Options{Token: testToken, Latency: 100 * time.Millisecond, Jitter: 50 * time.Millisecond, Faults: Faults{StallEvery: 3, Stall: time.Second}})
	for i := 1; i <= 6; i++ {
		p := s.planFaults()
		lo, hi := 100*time.Millisecond, 150*time.Millisecond
		if i%3 == 0 {
			lo, hi = lo+time.Second, hi+time.Second
		}
		if p.delay < lo || p.delay >= hi {
			t.Errorf("request %d delay %v, want in [%v, %v)", i, p.delay, lo, hi)
		}
	}
}

// TestConcurrentRequests runs writers and readers together; -race checks the locking.
func TestConcurrentRequests(t *testing.T) {
	s := New(Options{Token: testToken})
	client := s.Client()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				body := fmt.Sprintf(`{"name":"w%d-%d","type":"IP","gateways":[{"type":"CIDR","value":"10.0.%d.0/24"}]}`, w, i, i)
				for _, r := range []struct{ method, path, body string }{{"POST", "/api/v1/zones", body}, {"GET", "/api/v1/zones", ""}} {
					req, _ := http.NewRequestWithContext(context.Background(), r.method, "http://emulator.test"+r.path, strings.NewReader(r.body))
					req.Header.Set("Authorization", "SSWS "+testToken)
					resp, err := client.Do(req)
					if err != nil {
						errs <- err
						return
					}
					resp.Body.Close()
					if resp.StatusCode != 200 {
						errs <- fmt.Errorf("%s %s = %d", r.method, r.path, resp.StatusCode)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(s.State().Zones); n != 83 {
		t.Errorf("zones after 80 concurrent creates = %d, want 83", n)
	}
	if got := s.Requests(); got.Total != 160 || got.ByRoute["POST /api/v1/zones"] != 80 {
		t.Errorf("counts = %+v", got)
	}
}
