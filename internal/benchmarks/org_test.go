package benchmarks

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/tenant"
)

const benchToken = "00BENCHtestTOKENsecret-0123456789abcdef"

// zonesPerFile spreads the zones over several definitions files, as a team would.
const zonesPerFile = 500

// shape says how big a generated org is.
type shape struct {
	Zones, Rules, Providers, Users int
}

// realistic is an org of n zones with the rest of a typical ITP configuration: ten entity
// risk rules, five security events providers and five users with an admin risk override.
func realistic(n int) shape { return shape{Zones: n, Rules: 10, Providers: 5, Users: 5} }

// managed is the number of objects the definitions manage: the two pre-provisioned rules
// are always there.
func (s shape) managed() int { return s.Zones + s.Rules + 2 + s.Providers + s.Users }

// genZone is one generated zone, written both as a POST body for the org and as YAML.
type genZone struct {
	key, name, typ, usage string
	gateways              []string // IP: "CIDR a.b.c.0/24" style values
	locations             []string // DYNAMIC: country codes
}

var countries = []string{"US", "CA", "DE", "FR", "GB", "JP", "AU", "BR"}

// zoneAt returns zone i: mostly trusted IP zones with a CIDR and a range, every 20th a
// DYNAMIC zone by country and every 20th an IP blocklist on separate public addresses, so
// the validator's overlap lint has work but finds nothing.
func zoneAt(i int) genZone {
	a, b := (i/256)%256, i%256
	z := genZone{key: fmt.Sprintf("zone_%05d", i), name: fmt.Sprintf("Zone %05d", i), typ: itp.ZoneIP, usage: itp.UsagePolicy}
	switch i % 20 {
	case 19:
		z.typ, z.locations = itp.ZoneDynamic, []string{countries[i%len(countries)]}
	case 18:
		z.usage, z.gateways = itp.UsageBlocklist, []string{fmt.Sprintf("45.%d.%d.0/24", a, b)}
	default:
		z.gateways = []string{fmt.Sprintf("44.%d.%d.0/24", a, b), fmt.Sprintf("46.%d.%d.1-46.%d.%d.20", a, b, a, b)}
	}
	return z
}

// body is the zone as a POST /api/v1/zones would send it.
func (z genZone) body() json.RawMessage {
	m := map[string]any{"name": z.name, "type": z.typ, "status": itp.StatusActive, "usage": z.usage}
	var gws []map[string]string
	for _, g := range z.gateways {
		typ := "CIDR"
		if strings.Contains(g, "-") {
			typ = "RANGE"
		}
		gws = append(gws, map[string]string{"type": typ, "value": g})
	}
	if gws != nil {
		m["gateways"] = gws
	}
	var locs []map[string]any
	for _, c := range z.locations {
		locs = append(locs, map[string]any{"country": c, "region": nil})
	}
	if locs != nil {
		m["locations"] = locs
	}
	raw, err := json.Marshal(m)
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return raw
}

func (z genZone) yaml() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "  %s:\n    name: %q\n    type: %s\n    usage: %s\n", z.key, z.name, z.typ, z.usage)
	if len(z.gateways) > 0 {
		fmt.Fprintf(&sb, "    gateways: [%s]\n", strings.Join(z.gateways, ", "))
	}
	if len(z.locations) > 0 {
		fmt.Fprintf(&sb, "    dynamic_locations: [%s]\n", strings.Join(z.locations, ", "))
	}
	return sb.String()
}

// ruleAt returns entity risk rule i (1-based; it is also its priority).
func ruleAt(i int) itp.EntityRiskRule {
	levels := []string{itp.RiskHigh, itp.RiskMedium, itp.RiskLow, itp.RiskAny}
	r := itp.EntityRiskRule{
		Key:       fmt.Sprintf("rule_%02d", i),
		Name:      fmt.Sprintf("Entity Risk Rule %02d", i),
		RiskLevel: levels[i%len(levels)],
		Priority:  i,
		Status:    itp.StatusActive,
	}
	if i%2 == 0 {
		r.TerminateAllSessions = true
	} else {
		r.WorkflowID = fmt.Sprint(4000 + i)
	}
	return r
}

func ruleYAML(r itp.EntityRiskRule) string {
	s := fmt.Sprintf("  %s:\n    name: %q\n    risk_level: %s\n    priority: %d\n    status: %s\n", r.Key, r.Name, r.RiskLevel, r.Priority, r.Status)
	if r.TerminateAllSessions {
		s += "    terminate_all_sessions: true\n"
	}
	if r.WorkflowID != "" {
		s += fmt.Sprintf("    workflow_id: %q\n", r.WorkflowID)
	}
	return s
}

// providerAt returns provider i: even ones by well-known URL, odd ones by issuer and JWKS.
func providerAt(i int) (key string, body json.RawMessage, yaml string) {
	key = fmt.Sprintf("provider_%02d", i)
	name := fmt.Sprintf("Provider %02d", i)
	host := fmt.Sprintf("https://ssf%02d.example.com", i)
	settings := map[string]string{"well_known_url": host + "/.well-known/ssf-configuration"}
	ys := fmt.Sprintf("      well_known_url: %s/.well-known/ssf-configuration\n", host)
	if i%2 == 1 {
		settings = map[string]string{"issuer": host, "jwks_url": host + "/keys"}
		ys = fmt.Sprintf("      issuer: %s\n      jwks_url: %s/keys\n", host, host)
	}
	raw, err := json.Marshal(map[string]any{"name": name, "type": "okta", "settings": settings})
	if err != nil {
		panic(err)
	}
	yaml = fmt.Sprintf("  %s:\n    name: %q\n    type: okta\n    is_enabled: ACTIVE\n    settings:\n%s", key, name, ys)
	return key, raw, yaml
}

func userLogin(i int) string { return fmt.Sprintf("user%02d@example.com", i) }

// singletons match the pre-provisioned rules of a fresh emulated org exactly.
const singletons = `post_auth_session_policy_rule:
  name: Post Session Protection Rule
  status: ACTIVE
  terminate_session: true

session_violation_policy_rule:
  name: Session Violation Policy Risk Rule
  status: ACTIVE
  min_risk_level: LOW
  network_connection: ANYWHERE
  policy_evaluation_enabled: true

options:
  unmanaged: report
`

// writeDefinitions writes definitions managing every object of an org of shape s into dir:
// the zones in files of zonesPerFile, then one file per other kind.
func writeDefinitions(tb testing.TB, dir string, s shape) {
	tb.Helper()
	files := map[string]string{"singletons.yaml": singletons}
	for f := 0; f*zonesPerFile < s.Zones; f++ {
		var sb strings.Builder
		sb.WriteString("network_zones:\n")
		for i := f * zonesPerFile; i < min((f+1)*zonesPerFile, s.Zones); i++ {
			sb.WriteString(zoneAt(i).yaml())
		}
		files[fmt.Sprintf("zones_%02d.yaml", f)] = sb.String()
	}
	if s.Rules > 0 {
		var sb strings.Builder
		sb.WriteString("entity_risk_policy_rules:\n")
		for i := 1; i <= s.Rules; i++ {
			sb.WriteString(ruleYAML(ruleAt(i)))
		}
		files["rules.yaml"] = sb.String()
	}
	if s.Providers > 0 {
		var sb strings.Builder
		sb.WriteString("security_events_providers:\n")
		for i := 0; i < s.Providers; i++ {
			_, _, y := providerAt(i)
			sb.WriteString(y)
		}
		files["providers.yaml"] = sb.String()
	}
	if s.Users > 0 {
		var sb strings.Builder
		sb.WriteString("user_risks:\n")
		for i := 0; i < s.Users; i++ {
			fmt.Fprintf(&sb, "  user_%02d:\n    user: %s\n    risk_level: HIGH\n", i, userLogin(i))
		}
		files["users.yaml"] = sb.String()
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			tb.Fatalf("write definitions: %v", err)
		}
	}
}

// tfState is what Terraform's state knows of the org: the ID of every managed object.
type tfState struct {
	ZoneIDs, RuleIDs, ProviderIDs, UserIDs []string
	ERPolicy, PAPolicy, SVPolicy           string
	PARule, SVRule                         string
}

// benchOrg is an emulated org of a given shape behind a real HTTP server.
type benchOrg struct {
	shape shape
	emu   *oktaemu.Server
	srv   *httptest.Server
	state tfState
}

// unlimited lifts every emulator bucket so neither reader is throttled: the benchmarks
// measure calls and latency; what Okta's real limits would do is computed in the docs.
func unlimited() map[string]int {
	m := map[string]int{}
	for _, b := range []string{"zones", "policies", "users", "groups", "risk", "ssf", "oauth", "default"} {
		m[b] = 1 << 30
	}
	return m
}

// newBenchOrg builds the org: zones, providers and users directly in the emulator, the
// entity risk rules through tenant (the product's own write path), then resets the
// emulator's request counters.
func newBenchOrg(tb testing.TB, s shape, latency time.Duration) *benchOrg {
	tb.Helper()
	seed := &oktaemu.Seed{}
	for i := 0; i < s.Users; i++ {
		seed.Users = append(seed.Users, oktaemu.SeedUser{Login: userLogin(i), Email: userLogin(i),
			FirstName: "User", LastName: fmt.Sprint(i), RiskLevel: itp.RiskHigh})
	}
	emu := oktaemu.New(oktaemu.Options{Token: benchToken, Seed: seed, Latency: latency, RateLimits: unlimited()})
	srv := httptest.NewServer(emu)
	tb.Cleanup(srv.Close)
	o := &benchOrg{shape: s, emu: emu, srv: srv}
	var seedErr error
	emu.Seed(func(org *oktaemu.Org) {
		for i := 0; i < s.Zones && seedErr == nil; i++ {
			var id string
			id, seedErr = org.AddZone(zoneAt(i).body())
			o.state.ZoneIDs = append(o.state.ZoneIDs, id)
		}
		for i := 0; i < s.Providers && seedErr == nil; i++ {
			_, body, _ := providerAt(i)
			var id string
			id, seedErr = org.AddProvider(body)
			o.state.ProviderIDs = append(o.state.ProviderIDs, id)
		}
		for i := 0; i < s.Users; i++ {
			o.state.UserIDs = append(o.state.UserIDs, org.UserID(userLogin(i)))
		}
	})
	if seedErr != nil {
		tb.Fatalf("seed the org: %v", seedErr)
	}
	o.createRules(tb)
	emu.Seed(func(org *oktaemu.Org) {
		o.state.ERPolicy = org.PolicyID(itp.PolicyEntityRisk)
		o.state.PAPolicy = org.PolicyID(itp.PolicyPostAuthSession)
		o.state.SVPolicy = org.PolicyID(itp.PolicySessionViolation)
		o.state.PARule = org.RuleIDs(o.state.PAPolicy)[0]
		o.state.SVRule = org.RuleIDs(o.state.SVPolicy)[0]
	})
	emu.ResetRequests()
	return o
}

// createRules creates the entity risk rules concurrently through a tenant client.
func (o *benchOrg) createRules(tb testing.TB) {
	tb.Helper()
	c := o.client(tb)
	ids := make([]string, o.shape.Rules)
	errs := make([]error, o.shape.Rules)
	var wg sync.WaitGroup
	for i := range o.shape.Rules {
		wg.Go(func() {
			r, err := c.CreateEntityRiskRule(context.Background(), ruleAt(i+1))
			ids[i], errs[i] = r.Meta.ID, err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			tb.Fatalf("create the entity risk rules: %v", err)
		}
	}
	o.state.RuleIDs = ids
}

// client returns a fresh tenant client, as a new itpsync run has: no cached names or
// policy IDs. Its settings are the product defaults.
func (o *benchOrg) client(tb testing.TB) *tenant.Client {
	tb.Helper()
	c, err := tenant.New(tenant.Config{
		OrgURL:     o.srv.URL,
		APIToken:   benchToken,
		HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(o.srv.Listener.Addr().String(), nil)},
	})
	if err != nil {
		tb.Fatalf("tenant.New: %v", err)
	}
	return c
}

// loadDefinitions writes and loads the definitions of the org.
func loadDefinitions(tb testing.TB, s shape) *engine.Definitions {
	tb.Helper()
	dir := tb.TempDir()
	writeDefinitions(tb, dir, s)
	d, err := engine.Load(dir, "")
	if err != nil {
		tb.Fatalf("load the generated definitions: %v", err)
	}
	return d
}

// itpsyncPlan is one itpsync run's API work: a fresh client reads the org and computes the
// plan. It returns the plan's number of changes and unmanaged objects.
func (o *benchOrg) itpsyncPlan(tb testing.TB, d *engine.Definitions) (changes, unmanaged int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	p, err := engine.Plan(ctx, o.client(tb), d, plan.ModePlan)
	if err != nil {
		tb.Fatalf("engine.Plan: %v", err)
	}
	return len(p.Changes), len(p.Unmanaged)
}
