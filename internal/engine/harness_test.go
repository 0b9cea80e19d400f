package engine

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/tenant"
)

const testToken = "00ENGINEtestTOKENsecret-0123456789abcdef"

// testOrg is an emulator behind a real HTTP server and a tenant client pointed at it.
type testOrg struct {
	emu *oktaemu.Server
	c   *tenant.Client
	log *syncLog
	url string
}

type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) logf(f string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.b, f+"\n", a...)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newTestOrg(t testing.TB, opts oktaemu.Options) *testOrg {
	t.Helper()
	opts.Token = testToken
	emu := oktaemu.New(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	log := &syncLog{}
	c, err := tenant.New(tenant.Config{
		OrgURL:     srv.URL,
		APIToken:   testToken,
		HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(srv.Listener.Addr().String(), nil)},
		Logf:       log.logf,
		MaxWait:    5 * time.Second,
	})
	if err != nil {
		t.Fatalf("tenant.New: %v", err)
	}
	return &testOrg{emu: emu, c: c, log: log, url: srv.URL}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustLoad(t testing.TB, dir, env string) *Definitions {
	t.Helper()
	d, err := Load(dir, env)
	if err != nil {
		t.Fatalf("Load(%q, %q): %v", dir, env, err)
	}
	return d
}

func mustPlan(t testing.TB, org Org, d *Definitions, mode string) *plan.Plan {
	t.Helper()
	p, err := Plan(ctxT(t), org, d, mode)
	if err != nil {
		t.Fatalf("Plan(%s): %v", mode, err)
	}
	return p
}

// describe lists a plan's changes as "action address" lines for comparisons.
func describe(changes []plan.Change) []string {
	out := make([]string, 0, len(changes))
	for _, c := range changes {
		out = append(out, string(c.Action)+" "+c.Address)
	}
	return out
}

func outcomes(r *plan.Result) []string {
	out := make([]string, 0, len(r.Outcomes))
	for _, o := range r.Outcomes {
		s := fmt.Sprintf("%s %s", o.Status, o.Address)
		out = append(out, s)
	}
	return out
}

// failingOrg wraps an Org and fails the write calls whose method names are in fail.
type failingOrg struct {
	Org
	mu     sync.Mutex
	fail   map[string]bool // "CreateZone:Name" or "CreateZone" for every call
	writes []string
}

func (f *failingOrg) check(method, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes = append(f.writes, method+":"+name)
	if f.fail[method+":"+name] || f.fail[method] {
		return fmt.Errorf("%s %q: 500 E0000009 Internal Server Error (injected)", method, name)
	}
	return nil
}

func (f *failingOrg) CreateZone(ctx context.Context, z itp.Zone) (itp.Zone, error) {
	if err := f.check("CreateZone", z.Name); err != nil {
		return itp.Zone{}, err
	}
	return f.Org.CreateZone(ctx, z)
}

func (f *failingOrg) UpdateZone(ctx context.Context, id string, z itp.Zone) (itp.Zone, error) {
	if err := f.check("UpdateZone", z.Name); err != nil {
		return itp.Zone{}, err
	}
	return f.Org.UpdateZone(ctx, id, z)
}

func (f *failingOrg) CreateEntityRiskRule(ctx context.Context, r itp.EntityRiskRule) (itp.EntityRiskRule, error) {
	if err := f.check("CreateEntityRiskRule", r.Name); err != nil {
		return itp.EntityRiskRule{}, err
	}
	return f.Org.CreateEntityRiskRule(ctx, r)
}

func (f *failingOrg) UpdateSessionViolationRule(ctx context.Context, r itp.SessionViolationRule) (itp.SessionViolationRule, error) {
	if err := f.check("UpdateSessionViolationRule", r.Name); err != nil {
		return itp.SessionViolationRule{}, err
	}
	return f.Org.UpdateSessionViolationRule(ctx, r)
}

func (f *failingOrg) CreateProvider(ctx context.Context, p itp.Provider) (itp.Provider, error) {
	if err := f.check("CreateProvider", p.Name); err != nil {
		return itp.Provider{}, err
	}
	return f.Org.CreateProvider(ctx, p)
}

func oktaemu0() oktaemu.Options { return oktaemu.Options{} }

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

func writeFile(t testing.TB, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
