package oktaemu

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRateLimitHeadersAndExhaustion(t *testing.T) {
	clk := newClock()
	_, ts := start(t, Options{Now: clk.Now, RateLimits: map[string]int{"zones": 2}})
	wantReset := strconv.FormatInt((clk.Now().Unix()/60+1)*60, 10)
	for i, want := range []struct {
		status    int
		remaining string
	}{{200, "1"}, {200, "0"}, {429, "0"}} {
		r := send(t, ts, "GET", "/api/v1/zones", "")
		if r.status != want.status {
			t.Fatalf("request %d = %d, want %d", i+1, r.status, want.status)
		}
		got := []string{r.header.Get("X-Rate-Limit-Limit"), r.header.Get("X-Rate-Limit-Remaining"), r.header.Get("X-Rate-Limit-Reset")}
		if diff := cmp.Diff([]string{"2", want.remaining, wantReset}, got); diff != "" {
			t.Errorf("request %d rate headers (-want +got):\n%s", i+1, diff)
		}
		if len(r.header.Get("X-Okta-Request-Id")) == 0 {
			t.Errorf("request %d has no X-Okta-Request-Id", i+1)
		}
		if want.status == 429 {
			if path(r.json, "errorCode") != "E0000047" {
				t.Errorf("429 body = %s", r.raw)
			}
			if _, err := time.Parse(http.TimeFormat, r.header.Get("Date")); err != nil {
				t.Errorf("429 Date %q is not http.TimeFormat: %v", r.header.Get("Date"), err)
			}
		}
	}
	if r := send(t, ts, "GET", "/api/v1/policies?type=ENTITY_RISK", ""); r.status != 200 || r.header.Get("X-Rate-Limit-Limit") != "600" {
		t.Errorf("other bucket = %d limit %q, want 200 with the default 600", r.status, r.header.Get("X-Rate-Limit-Limit"))
	}
	clk.Advance(time.Minute)
	if r := send(t, ts, "GET", "/api/v1/zones", ""); r.status != 200 {
		t.Errorf("next minute = %d, want 200", r.status)
	}
}

func TestFaults(t *testing.T) {
	clk := newClock()
	s, ts := start(t, Options{Now: clk.Now})

	s.SetFaults(Faults{Burst429: 2})
	for i := 0; i < 2; i++ {
		r := send(t, ts, "GET", "/api/v1/zones", "")
		reset := strconv.FormatInt(clk.Now().Add(time.Second).Unix(), 10)
		if r.status != 429 || r.header.Get("X-Rate-Limit-Reset") != reset || r.header.Get("Date") == "" || path(r.json, "errorCode") != "E0000047" {
			t.Fatalf("burst %d = %d reset %q date %q, want 429 reset %s", i, r.status, r.header.Get("X-Rate-Limit-Reset"), r.header.Get("Date"), reset)
		}
	}
	if r := send(t, ts, "GET", "/api/v1/zones", ""); r.status != 200 {
		t.Fatalf("after the burst = %d, want 200", r.status)
	}

	s.SetFaults(Faults{ErrorRate: 1})
	r := send(t, ts, "GET", "/api/v1/zones", "")
	if r.status != 500 || path(r.json, "errorCode") != "E0000009" || path(r.json, "errorSummary") != "Internal Server Error" {
		t.Fatalf("error fault = %d %s", r.status, r.raw)
	}
	if c := send(t, ts, "GET", "/__emulator/requests", ""); c.status != 200 {
		t.Errorf("controls must not be faulted: %d", c.status)
	}

	s.SetFaults(Faults{DropRate: 1})
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/zones", nil)
	req.Header.Set("Authorization", "SSWS "+testToken)
	if resp, err := ts.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d, want a transport error", resp.StatusCode)
	}
	req2, _ := http.NewRequest("GET", "http://emulator.test/api/v1/zones", nil)
	req2.Header.Set("Authorization", "SSWS "+testToken)
	if _, err := s.Client().Do(req2); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("in-process drop error = %v, want io.ErrUnexpectedEOF", err)
	}

	s.SetFaults(Faults{StallEvery: 2, Stall: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	first, _ := http.NewRequestWithContext(ctx, "GET", "http://emulator.test/api/v1/zones", nil)
	first.Header.Set("Authorization", "SSWS "+testToken)
	if resp, err := s.Client().Do(first); err != nil || resp.StatusCode != 200 {
		t.Fatalf("first request must not stall: %v", err)
	}
	second := first.Clone(ctx)
	if _, err := s.Client().Do(second); err == nil {
		t.Fatalf("second request must stall until its context ends")
	}
}

// TestFaultsDeterministic checks that the same seed picks the same failing requests.
func TestFaultsDeterministic(t *testing.T) {
	run := func() []int {
		s := New(Options{Token: testToken, Faults: Faults{Seed: 42, ErrorRate: 0.3, DropRate: 0.1}})
		var codes []int
		for i := 0; i < 40; i++ {
			req, _ := http.NewRequest("GET", "http://emulator.test/api/v1/zones", nil)
			req.Header.Set("Authorization", "SSWS "+testToken)
			resp, err := s.Client().Do(req)
			if err != nil {
				codes = append(codes, -1)
				continue
			}
			resp.Body.Close()
			codes = append(codes, resp.StatusCode)
		}
		return codes
	}
	a, b := run(), run()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("two runs with one seed differ (-first +second):\n%s", diff)
	}
	seen := map[int]bool{}
	for _, c := range a {
		seen[c] = true
	}
	if !seen[200] || !seen[500] || !seen[-1] {
		t.Errorf("40 requests at 30%% errors and 10%% drops gave %v, want successes, 500s and drops", a)
	}
}

func TestAuthAndControls(t *testing.T) {
	s, ts := start(t, Options{})
	for _, auth := range []string{"", "SSWS wrong", "Bearer nope", "SSWS"} {
		r := callAuth(t, ts, "GET", "/api/v1/zones", "", auth)
		if r.status != 401 || path(r.json, "errorCode") != "E0000011" || path(r.json, "errorSummary") != "Invalid token provided" {
			t.Errorf("auth %q = %d %s, want 401 E0000011", auth, r.status, r.raw)
		}
		if strings.Contains(r.raw, testToken) {
			t.Errorf("an error body quotes the token")
		}
	}
	if r := send(t, ts, "PATCH", "/api/v1/zones", ""); r.status != 405 {
		t.Errorf("PATCH zones = %d, want 405", r.status)
	}
	if r := send(t, ts, "GET", "/api/v1/nothing", ""); r.status != 404 {
		t.Errorf("unknown path = %d, want 404", r.status)
	}

	s.ResetRequests()
	send(t, ts, "GET", "/api/v1/zones", "")
	z := send(t, ts, "GET", "/api/v1/zones", "").list(t)
	send(t, ts, "GET", "/api/v1/zones/"+path(z, "0.id").(string), "")
	send(t, ts, "PUT", "/api/v1/zones/x", `{}`)
	ctl := send(t, ts, "GET", "/__emulator/requests", "")
	want := map[string]any{"total": 4.0, "by_route": map[string]any{"GET /api/v1/zones": 2.0, "GET /api/v1/zones/{id}": 1.0, "PUT /api/v1/zones/{id}": 1.0}}
	if diff := cmp.Diff(want, ctl.json); diff != "" {
		t.Errorf("/__emulator/requests (-want +got):\n%s", diff)
	}
	if r := send(t, ts, "DELETE", "/__emulator/requests", ""); r.status != 204 || s.Requests().Total != 0 {
		t.Errorf("reset = %d, total %d", r.status, s.Requests().Total)
	}
	st := send(t, ts, "GET", "/__emulator/state", "")
	if n := len(path(st.json, "zones").([]any)); n != 3 || len(path(st.json, "policies").([]any)) != 3 || len(path(st.json, "users").([]any)) != 2 {
		t.Errorf("state = %s", st.raw)
	}
	if s.Requests().Total != 0 {
		t.Errorf("controls were counted")
	}
}

// jwtES256 builds a client assertion by hand, as a client other than the SDK would.
func jwtES256(t *testing.T, key *ecdsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": "ES256", "typ": "JWT"}) + "." + enc(claims)
	digest := sha256.Sum256([]byte(signing))
	r, sv, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	sv.FillBytes(sig[32:])
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestOAuthTokenEndpoint(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	clk := newClock()
	_, ts := start(t, Options{Now: clk.Now, OAuth: &OAuthClient{ClientID: "0oa1", PublicKey: &key.PublicKey, Scopes: []string{"okta.networkZones.read", "okta.userRisk.manage"}}})
	good := map[string]any{"iss": "0oa1", "sub": "0oa1", "aud": ts.URL + "/oauth2/v1/token", "exp": clk.Now().Add(time.Hour).Unix(), "jti": "1"}
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for kk, vv := range good {
			c[kk] = vv
		}
		c[k] = v
		return c
	}
	token := func(assertion, scope string) response {
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {assertion}}
		resp, err := http.PostForm(ts.URL+"/oauth2/v1/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		r := response{status: resp.StatusCode, header: resp.Header, raw: string(data)}
		_ = json.Unmarshal(data, &r.json)
		return r
	}
	tests := []struct {
		name, assertion, scope string
		status                 int
		errCode                string
	}{
		{"wrong key", jwtES256(t, other, good), "okta.networkZones.read", 401, "invalid_client"},
		{"wrong issuer", jwtES256(t, key, with("iss", "0oa2")), "okta.networkZones.read", 401, "invalid_client"},
		{"wrong audience", jwtES256(t, key, with("aud", "https://elsewhere/token")), "okta.networkZones.read", 401, "invalid_client"},
		{"expired", jwtES256(t, key, with("exp", clk.Now().Add(-time.Minute).Unix())), "okta.networkZones.read", 401, "invalid_client"},
		{"ungranted scope", jwtES256(t, key, good), "okta.networkZones.manage", 400, "invalid_scope"},
		{"garbage", "not.a.jwt", "okta.networkZones.read", 401, "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := token(tt.assertion, tt.scope)
			if r.status != tt.status || path(r.json, "error") != tt.errCode || !has(r.json, "error_description") {
				t.Errorf("token = %d %s, want %d %s", r.status, r.raw, tt.status, tt.errCode)
			}
		})
	}
	r := token(jwtES256(t, key, good), "okta.networkZones.read okta.userRisk.manage")
	if r.status != 200 || path(r.json, "token_type") != "Bearer" || path(r.json, "expires_in") != 3600.0 || path(r.json, "scope") != "okta.networkZones.read okta.userRisk.manage" {
		t.Fatalf("token = %d %s", r.status, r.raw)
	}
	bearer := "Bearer " + path(r.json, "access_token").(string)
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/api/v1/zones", 200},
		{"POST", "/api/v1/zones", 403},
		{"GET", "/api/v1/users/jane.doe@example.com/risk", 200}, // manage implies read
		{"GET", "/api/v1/policies?type=ENTITY_RISK", 403},
	} {
		got := callAuth(t, ts, c.method, c.path, "", bearer)
		if got.status != c.status {
			t.Errorf("%s %s with the token = %d %s, want %d", c.method, c.path, got.status, got.raw, c.status)
		}
		if c.status == 403 && path(got.json, "errorCode") != "E0000006" {
			t.Errorf("403 body = %s, want E0000006", got.raw)
		}
	}
	clk.Advance(2 * time.Hour)
	if got := callAuth(t, ts, "GET", "/api/v1/zones", "", bearer); got.status != 401 {
		t.Errorf("expired token = %d, want 401", got.status)
	}
}

func TestBadInputNeverPanics(t *testing.T) {
	s, ts := start(t, Options{})
	var pa, rid string
	s.Seed(func(o *Org) { pa = o.PolicyID("POST_AUTH_SESSION"); rid = o.RuleIDs(pa)[0] })
	bodies := []string{`null`, `[]`, `"x"`, `{"name":null}`, `{"conditions":[],"actions":"x"}`, `{"conditions":{"people":{"users":{"exclude":"x"}}},"actions":{"postAuthSession":{"failureActions":[1,{"action":"RUN_WORKFLOW"}]}}}`, `{"settings":[]}`, `{"locations":{},"type":"DYNAMIC","name":"x"}`, `{"riskLevel":[]}`}
	for _, q := range []string{"limit=9223372036854775807", "limit=99999999999999999999", "limit=-5", "after=nope&limit=1", "filter=%22"} {
		for _, p := range []string{"/api/v1/zones", "/api/v1/users", "/api/v1/groups"} {
			if r := send(t, ts, "GET", p+"?"+q, ""); r.status >= 500 {
				t.Errorf("GET %s?%s = %d %s", p, q, r.status, r.raw)
			}
		}
	}
	paths := []string{"/api/v1/zones", "/api/v1/policies/" + pa + "/rules/" + rid, "/api/v1/security-events-providers", "/api/v1/users/jane.doe@example.com/risk"}
	for _, p := range paths {
		for _, b := range bodies {
			for _, m := range []string{"POST", "PUT"} {
				r := send(t, ts, m, p, b)
				if r.status >= 500 {
					t.Errorf("%s %s %s = %d %s", m, p, b, r.status, r.raw)
				}
			}
		}
	}
}
