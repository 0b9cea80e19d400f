package oktaemu

import (
	"net/http"
	"testing"
	"time"
)

// Every answer of an Okta path carries the rate-limit headers, a Date and a request id:
// successes, errors, refused auth, unknown paths, injected 500s, forced 429s and the token
// endpoint. A client that budgets its calls reads them from whatever it got.
func TestRateLimitHeadersOnEveryAnswer(t *testing.T) {
	s, ts := start(t, Options{OAuth: &OAuthClient{ClientID: "0oa1"}})
	cases := []struct {
		name, method, path, auth string
		faults                   Faults
		status                   int
	}{
		{"ok", "GET", "/api/v1/zones", "SSWS " + testToken, Faults{}, 200},
		{"not found", "GET", "/api/v1/zones/nzo00000000000000000", "SSWS " + testToken, Faults{}, 404},
		{"unknown path", "GET", "/api/v1/nothing", "SSWS " + testToken, Faults{}, 404},
		{"wrong method", "PATCH", "/api/v1/zones", "SSWS " + testToken, Faults{}, 405},
		{"bad token", "GET", "/api/v1/zones", "SSWS wrong", Faults{}, 401},
		{"token endpoint", "POST", "/oauth2/v1/token", "", Faults{}, 400},
		{"injected 500", "GET", "/api/v1/zones", "SSWS " + testToken, Faults{Seed: 1, ErrorRate: 1}, 500},
		{"forced 429", "GET", "/api/v1/zones", "SSWS " + testToken, Faults{Burst429: 1}, 429},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.SetFaults(tc.faults)
			r := callAuth(t, ts, tc.method, tc.path, "", tc.auth)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.raw)
			}
			for _, h := range []string{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "X-Okta-Request-Id"} {
				if r.header.Get(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
			if _, err := time.Parse(http.TimeFormat, r.header.Get("Date")); err != nil {
				t.Errorf("Date %q: %v", r.header.Get("Date"), err)
			}
		})
	}
}
