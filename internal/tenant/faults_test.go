package tenant

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

func TestReadUnderFaults(t *testing.T) {
	cases := []struct {
		name   string
		faults oktaemu.Faults
	}{
		{"10% 5xx", oktaemu.Faults{Seed: 1, ErrorRate: 0.1}},
		{"429 burst", oktaemu.Faults{Seed: 2, Burst429: 3}},
		{"dropped connections", oktaemu.Faults{Seed: 3, DropRate: 0.1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t, oktaemu.Options{Seed: bigSeed(50, 2), PageSize: 100}, nil)
			o.emu.SetFaults(tc.faults)
			for range 5 {
				cfg, err := o.c.Read(ctxT(t), ReadOptions{Users: []string{"jane.doe@example.com"}})
				if err != nil {
					// Allowed only as a clear give-up naming the endpoint.
					if !strings.Contains(err.Error(), "gave up after") || !strings.Contains(err.Error(), "/api/v1/") {
						t.Fatalf("unclear error: %v", err)
					}
					continue
				}
				if len(cfg.Zones) != 53 {
					t.Errorf("zones = %d, want 53", len(cfg.Zones))
				}
			}
			if st := o.c.Stats(); st.Retries == 0 {
				t.Errorf("no retries under faults %+v: %+v", tc.faults, st)
			}
		})
	}
}

// Creates under faults: each POST reaches the emulator at most once per object, 429s are
// retried (not processed), and a failure says it was not retried.
func TestWritesUnderFaultsAreNeverDuplicated(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, nil)
	o.emu.SetFaults(oktaemu.Faults{Seed: 7, ErrorRate: 0.15, DropRate: 0.15})
	created, failed := 0, 0
	for i := range 20 {
		_, err := o.c.CreateZone(ctxT(t), itp.Zone{Name: fmt.Sprintf("Z%02d", i), Type: itp.ZoneIP, Gateways: []string{fmt.Sprintf("10.9.%d.0/24", i)}})
		if err != nil {
			failed++
			if !strings.Contains(err.Error(), fmt.Sprintf("create zone %q", fmt.Sprintf("Z%02d", i))) || !strings.Contains(err.Error(), "POST /api/v1/zones") {
				t.Errorf("unclear error: %v", err)
			}
			continue
		}
		created++
	}
	o.emu.SetFaults(oktaemu.Faults{})
	posts := o.emu.Requests().ByRoute["POST /api/v1/zones"]
	if posts != 20 {
		t.Errorf("POST /api/v1/zones reached the emulator %d times for 20 zones", posts)
	}
	back := readBack(t, o)
	seen := map[string]int{}
	for _, z := range back.Zones {
		seen[z.Name]++
	}
	for name, n := range seen {
		if n > 1 {
			t.Errorf("zone %q exists %d times", name, n)
		}
	}
	t.Logf("created %d, failed %d, posts %d", created, failed, posts)
	if failed == 0 {
		t.Errorf("no create failed: the faults did not hit a POST, the test proves nothing")
	}
}

func TestGiveUpNamesEndpoint(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, func(c *Config) { c.MaxWait = 5 * time.Second })
	o.emu.SetFaults(oktaemu.Faults{Seed: 1, ErrorRate: 1})
	_, err := o.c.Read(ctxT(t), ReadOptions{})
	if err == nil {
		t.Fatal("read succeeded with every request failing")
	}
	if !strings.Contains(err.Error(), ": gave up after 5 attempts over ") || !strings.Contains(err.Error(), "500") {
		t.Errorf("err = %v", err)
	}
}

func TestRateLimitReserveWaits(t *testing.T) {
	// A bucket of 4 a minute with half reserved: the third zones list must wait for the
	// reset, which is longer than MaxWait, so the call fails clearly without being sent.
	o := newOrg(t, oktaemu.Options{RateLimits: map[string]int{"zones": 4}}, func(c *Config) { c.MaxWait = time.Second })
	for i := range 3 {
		_, err := o.c.listZones(ctxT(t), false)
		if i < 2 && err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if i == 2 {
			if err == nil || !strings.Contains(err.Error(), "rate limit") || !strings.Contains(err.Error(), "GET /api/v1/zones") {
				t.Errorf("err = %v, want a rate-limit error naming the endpoint", err)
			}
		}
	}
	if n := o.emu.Requests().ByRoute["GET /api/v1/zones"]; n != 2 {
		t.Errorf("emulator saw %d zone lists, want 2 (the reserve kept the rest)", n)
	}
}

// secretKey returns a PEM private key whose bytes must never show.
func secretKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: b}))
}

func assertNoSecret(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, part := range []string{s, s[:min(len(s), 24)], s[max(0, len(s)-24):]} {
			if strings.Contains(text, part) {
				t.Errorf("%s contains a secret: %q", where, text)
			}
		}
	}
}

func TestErrorsNeverCarrySecrets(t *testing.T) {
	_, key := secretKey(t)
	body := strings.Split(key, "\n")[3] // a line of key material
	t.Run("401", func(t *testing.T) {
		o := newOrg(t, oktaemu.Options{Token: "the-right-token-0123456789"}, nil)
		_, err := o.c.Read(ctxT(t), ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), "401") {
			t.Fatalf("err = %v, want a 401", err)
		}
		assertNoSecret(t, "error", err.Error(), testToken, "the-right-token-0123456789")
		assertNoSecret(t, "log", o.log.String(), testToken)
	})
	t.Run("403 scope", func(t *testing.T) {
		emu := oktaemu.New(oktaemu.Options{Token: testToken})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action","errorCauses":[]}`)
				return
			}
			emu.ServeHTTP(w, r)
		}))
		defer srv.Close()
		c, err := New(Config{OrgURL: srv.URL, APIToken: testToken, HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(srv.Listener.Addr().String(), nil)}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.CreateZone(ctxT(t), itp.Zone{Name: "Corporate VPN", Type: itp.ZoneIP, Gateways: []string{"1.2.3.4/24"}})
		want := `create zone "Corporate VPN": POST /api/v1/zones: 403 E0000006 You do not have permission to perform the requested action`
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
		assertNoSecret(t, "error", fmt.Sprint(err), testToken)
	})
	t.Run("5xx give-up", func(t *testing.T) {
		o := newOrg(t, oktaemu.Options{Faults: oktaemu.Faults{ErrorRate: 1}}, func(c *Config) { c.MaxWait = 5 * time.Second })
		_, err := o.c.GetUserRisk(ctxT(t), "jane.doe@example.com")
		if err == nil || !strings.Contains(err.Error(), "gave up after") {
			t.Fatalf("err = %v", err)
		}
		assertNoSecret(t, "error", err.Error(), testToken)
		assertNoSecret(t, "log", o.log.String(), testToken)
	})
	t.Run("bad PEM", func(t *testing.T) {
		bad := strings.Replace(key, body, body[:20]+"!!!!"+body[24:], 1)
		_, err := New(Config{OrgURL: "https://acme.okta.com", ClientID: "0oaclient", PrivateKey: bad})
		if err == nil || !strings.Contains(err.Error(), "--private-key/OKTA_PRIVATE_KEY") {
			t.Fatalf("err = %v", err)
		}
		assertNoSecret(t, "error", err.Error(), body)
	})
	t.Run("OAuth unknown client", func(t *testing.T) {
		k, _ := secretKey(t)
		o := newOrg(t, oktaemu.Options{OAuth: &oktaemu.OAuthClient{ClientID: "0oaright", PublicKey: &k.PublicKey, Scopes: ScopesFor(true)}},
			func(c *Config) { c.APIToken, c.ClientID, c.PrivateKey = "", "0oawrong", key })
		_, err := o.c.Read(ctxT(t), ReadOptions{})
		if err == nil {
			t.Fatal("read with an unknown OAuth client succeeded")
		}
		assertNoSecret(t, "error", err.Error(), body)
		assertNoSecret(t, "log", o.log.String(), body)
	})
}

func TestOAuthMode(t *testing.T) {
	k, key := secretKey(t)
	o := newOrg(t, oktaemu.Options{OAuth: &oktaemu.OAuthClient{ClientID: "0oaitpsync", PublicKey: &k.PublicKey, KeyID: "kid1", Scopes: ScopesFor(true)}},
		func(c *Config) { c.APIToken, c.ClientID, c.PrivateKey, c.PrivateKeyID = "", "0oaitpsync", key, "kid1" })
	if _, err := o.c.Read(ctxT(t), ReadOptions{Users: []string{"jane.doe@example.com"}}); err != nil {
		t.Fatal(err)
	}
	if o.c.AccessToken() == "" {
		t.Errorf("no access token after an OAuth read")
	}
	if got := o.c.scopesInUse(); strings.Contains(strings.Join(got, " "), ".manage") {
		t.Errorf("a read-only run requested %q", got)
	}
	if _, err := o.c.CreateZone(ctxT(t), itp.Zone{Name: "OAuth zone", Type: itp.ZoneIP, Gateways: []string{"192.0.2.1"}}); err != nil {
		t.Fatal(err)
	}
	if n := o.emu.Requests().ByRoute["POST /oauth2/v1/token"]; n != 2 {
		t.Errorf("token requests = %d, want 2 (read scopes, then manage scopes on the first write)", n)
	}
	assertNoSecret(t, "log", o.log.String(), o.c.AccessToken(), key)
}

// A service app granted only the read scopes can run a read: the emulator refuses a token
// request for any scope not granted, so this fails if a read asks for more. Its first write
// then fails clearly, naming the token request, without key material.
func TestOAuthReadNeedsOnlyReadScopes(t *testing.T) {
	k, key := secretKey(t)
	o := newOrg(t, oktaemu.Options{OAuth: &oktaemu.OAuthClient{ClientID: "0oareader", PublicKey: &k.PublicKey, KeyID: "kid7", Scopes: ScopesFor(false)}},
		func(c *Config) { c.APIToken, c.ClientID, c.PrivateKey, c.PrivateKeyID = "", "0oareader", key, "kid7" })
	if _, err := o.c.Read(ctxT(t), ReadOptions{Users: []string{"jane.doe@example.com"}, Groups: []string{"Everyone"}}); err != nil {
		t.Fatalf("read with read scopes only: %v", err)
	}
	_, err := o.c.CreateZone(ctxT(t), itp.Zone{Name: "Z", Type: itp.ZoneIP, Gateways: []string{"192.0.2.1"}})
	if err == nil || !strings.Contains(err.Error(), `create zone "Z": POST /oauth2/v1/token: OAuth token request failed: 400 Bad Request invalid_scope`) || !strings.Contains(err.Error(), "okta.networkZones.manage") {
		t.Errorf("write without manage scopes: err = %v, want the token request's invalid_scope", err)
	}
	assertNoSecret(t, "error", fmt.Sprint(err), key, strings.Split(key, "\n")[3])
}
