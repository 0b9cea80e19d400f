package tenant

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/oktaemu"
)

const testToken = "00TESTtokenSECRETvalue-abcdef0123456789"

// org is an emulator behind a real HTTP server and a Client pointed at it.
type org struct {
	emu *oktaemu.Server
	srv *httptest.Server
	c   *Client
	log *strings.Builder
}

func newOrg(t testing.TB, opts oktaemu.Options, mod func(*Config)) *org {
	t.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	emu := oktaemu.New(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	var log strings.Builder
	cfg := Config{
		OrgURL:     srv.URL,
		APIToken:   testToken,
		HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(srv.Listener.Addr().String(), nil)},
		Logf:       func(f string, a ...any) { fmt.Fprintf(&log, f+"\n", a...) },
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.tr.baseDelay = 5 * time.Millisecond // keep fault tests fast
	return &org{emu: emu, srv: srv, c: c, log: &log}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// zoneJSON is an IP zone as a POST would send it, for seeding.
func ipZoneJSON(name string, gateways ...string) json.RawMessage {
	var gw []map[string]string
	for _, g := range gateways {
		typ := "RANGE"
		if strings.Contains(g, "/") {
			typ = "CIDR"
		}
		gw = append(gw, map[string]string{"type": typ, "value": g})
	}
	b, _ := json.Marshal(map[string]any{"type": "IP", "name": name, "status": "ACTIVE", "usage": "POLICY", "gateways": gw})
	return b
}

// bigSeed is an org with n admin zones, the default users and groups, and p providers.
func bigSeed(n, p int) *oktaemu.Seed {
	s := oktaemu.DefaultSeed()
	for i := range n {
		s.Zones = append(s.Zones, ipZoneJSON(fmt.Sprintf("zone %04d", i), fmt.Sprintf("10.%d.%d.0/24", i/250, i%250)))
	}
	for i := range p {
		b, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("provider %d", i), "type": "okta",
			"settings": map[string]string{"issuer": fmt.Sprintf("https://p%d.example.com", i), "jwks_url": fmt.Sprintf("https://p%d.example.com/keys", i)}})
		s.Providers = append(s.Providers, b)
	}
	return s
}
